package demo

import (
	"fmt"
	"strconv"

	"github.com/fieldbench/fieldbench/app"
)

// city is where technicians work and customers live.
type city struct {
	key     string
	country string
	name    string // Customer.City
	// China: the address prefix ("上海市", "广东省广州市") and districts with streets.
	prefix    string
	districts []district
	// Germany: streets with their postcode; Nigeria: streets with their area.
	streets []pair
	plate   string // vehicle registration prefix
	phone   string // landline area code (Germany)
}

type district struct {
	name    string
	streets []string
}

var cities = []*city{
	{key: "sh", country: "CN", name: "上海", prefix: "上海市", plate: "沪A", districts: []district{
		{"浦东新区", l("张杨路", "世纪大道", "杨高南路", "锦绣路", "川沙路", "东方路")},
		{"徐汇区", l("漕溪北路", "肇嘉浜路", "虹桥路", "天钥桥路")},
		{"闵行区", l("莲花南路", "七莘路", "沪闵路", "都市路")},
		{"静安区", l("南京西路", "延安中路", "共和新路", "万航渡路")},
		{"杨浦区", l("四平路", "黄兴路", "国权路")},
		{"长宁区", l("天山路", "仙霞路", "延安西路")},
	}},
	{key: "bj", country: "CN", name: "北京", prefix: "北京市", plate: "京A", districts: []district{
		{"朝阳区", l("建国路", "朝阳北路", "望京街", "酒仙桥路", "东三环中路")},
		{"海淀区", l("中关村大街", "学院路", "西三环北路", "知春路")},
		{"东城区", l("东直门内大街", "和平里东街")},
		{"丰台区", l("丰台北路", "南三环西路")},
		{"西城区", l("西直门外大街", "广安门内大街")},
	}},
	{key: "gz", country: "CN", name: "广州", prefix: "广东省广州市", plate: "粤A", districts: []district{
		{"天河区", l("天河路", "黄埔大道西", "体育西路", "林和西路")},
		{"越秀区", l("中山五路", "环市东路", "东风中路")},
		{"海珠区", l("新港中路", "江南大道中")},
		{"番禺区", l("市桥街", "迎宾路")},
	}},
	{key: "sz", country: "CN", name: "深圳", prefix: "广东省深圳市", plate: "粤B", districts: []district{
		{"南山区", l("深南大道", "科苑路", "南海大道", "后海大道")},
		{"福田区", l("福华路", "彩田路", "益田路")},
		{"宝安区", l("新安六路", "宝安大道")},
		{"龙岗区", l("龙岗大道", "布吉路")},
	}},
	{key: "ber", country: "DE", name: "Berlin", plate: "B", phone: "30", streets: []pair{
		{"Friedrichstraße", "10117"}, {"Kastanienallee", "10435"}, {"Karl-Marx-Allee", "10243"},
		{"Schönhauser Allee", "10437"}, {"Kantstraße", "10623"}, {"Sonnenallee", "12045"},
		{"Hermannstraße", "12049"}, {"Bergmannstraße", "10961"}, {"Müllerstraße", "13353"},
		{"Wilmersdorfer Straße", "10627"},
	}},
	{key: "muc", country: "DE", name: "München", plate: "M", phone: "89", streets: []pair{
		{"Leopoldstraße", "80802"}, {"Sendlinger Straße", "80331"}, {"Rosenheimer Straße", "81669"},
		{"Landsberger Straße", "80339"}, {"Dachauer Straße", "80335"}, {"Belgradstraße", "80796"},
		{"Lindwurmstraße", "80337"},
	}},
	{key: "ham", country: "DE", name: "Hamburg", plate: "HH", phone: "40", streets: []pair{
		{"Eppendorfer Weg", "20259"}, {"Osterstraße", "20259"}, {"Mönckebergstraße", "20095"},
		{"Bahrenfelder Straße", "22765"}, {"Fuhlsbüttler Straße", "22305"}, {"Wandsbeker Chaussee", "22089"},
	}},
	{key: "lag", country: "NG", name: "Lagos", plate: "KJA", streets: []pair{
		{"Allen Avenue", "Ikeja"}, {"Opebi Road", "Ikeja"}, {"Isaac John Street", "GRA Ikeja"},
		{"Adeola Odeku Street", "Victoria Island"}, {"Admiralty Way", "Lekki Phase 1"},
		{"Herbert Macaulay Way", "Yaba"}, {"Adeniran Ogunsanya Street", "Surulere"},
		{"Awolowo Road", "Ikoyi"}, {"Ago Palace Way", "Okota"},
	}},
	{key: "abj", country: "NG", name: "Abuja", plate: "ABC", streets: []pair{
		{"Aminu Kano Crescent", "Wuse 2"}, {"Ahmadu Bello Way", "Garki"}, {"Gana Street", "Maitama"},
		{"Ademola Adetokunbo Crescent", "Wuse 2"}, {"3rd Avenue", "Gwarinpa"}, {"Mike Akhigbe Way", "Jabi"},
	}},
	{key: "phc", country: "NG", name: "Port Harcourt", plate: "PHC", streets: []pair{
		{"Aba Road", "Rumuokoro"}, {"Trans-Amadi Road", "Trans-Amadi"}, {"Olu Obasanjo Road", "D/Line"},
		{"Ada George Road", "Rumuigbo"},
	}},
}

func cityByKey(key string) *city {
	for _, c := range cities {
		if c.key == key {
			return c
		}
	}
	panic("demo: unknown city " + key)
}

// Chinese names with their pinyin, for technicians ("王磊 Wang Lei").
var (
	zhSurnames = []pair{{"王", "Wang"}, {"李", "Li"}, {"张", "Zhang"}, {"刘", "Liu"}, {"陈", "Chen"}, {"杨", "Yang"}, {"赵", "Zhao"}, {"黄", "Huang"}, {"周", "Zhou"}, {"吴", "Wu"}, {"徐", "Xu"}, {"孙", "Sun"}, {"胡", "Hu"}, {"朱", "Zhu"}, {"高", "Gao"}, {"林", "Lin"}, {"何", "He"}, {"郭", "Guo"}, {"马", "Ma"}, {"罗", "Luo"}}
	zhGiven    = []pair{{"伟", "Wei"}, {"芳", "Fang"}, {"娜", "Na"}, {"敏", "Min"}, {"静", "Jing"}, {"强", "Qiang"}, {"军", "Jun"}, {"洋", "Yang"}, {"勇", "Yong"}, {"杰", "Jie"}, {"涛", "Tao"}, {"明", "Ming"}, {"超", "Chao"}, {"刚", "Gang"}, {"平", "Ping"}, {"辉", "Hui"}, {"鹏", "Peng"}, {"浩", "Hao"}, {"建华", "Jianhua"}, {"志强", "Zhiqiang"}, {"晓东", "Xiaodong"}, {"海峰", "Haifeng"}, {"建军", "Jianjun"}, {"丽娟", "Lijuan"}, {"秀英", "Xiuying"}, {"文博", "Wenbo"}, {"宇航", "Yuhang"}, {"思远", "Siyuan"}, {"雨桐", "Yutong"}, {"欣怡", "Xinyi"}, {"子涵", "Zihan"}, {"浩然", "Haoran"}, {"桂英", "Guiying"}, {"海燕", "Haiyan"}}
	deFirst    = l("Anna", "Lukas", "Leon", "Mia", "Emma", "Jonas", "Felix", "Laura", "Julia", "Maximilian", "Sophie", "Thomas", "Sabine", "Michael", "Andrea", "Stefan", "Claudia", "Jürgen", "Ursula", "Klaus", "Petra", "Mehmet", "Ayşe", "Katharina", "Tobias", "Lena", "Niklas", "Monika")
	deLast     = l("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Yılmaz", "Kaya", "Nowak", "Krüger", "Hartmann", "Lange")
	ngFirst    = l("Chinedu", "Emeka", "Ngozi", "Chiamaka", "Oluwaseun", "Adebayo", "Funmilayo", "Tunde", "Aisha", "Fatima", "Ibrahim", "Musa", "Yusuf", "Amaka", "Blessing", "Grace", "Efe", "Osagie", "Kelechi", "Bukola", "Halima", "Zainab", "Ifeanyi", "Temitope", "Uche", "Segun")
	ngLast     = l("Okafor", "Okeke", "Eze", "Nwosu", "Adeyemi", "Adebayo", "Ogunleye", "Balogun", "Bello", "Abubakar", "Ibrahim", "Mohammed", "Okonkwo", "Obi", "Danjuma", "Olawale", "Akinola", "Edet", "Bassey", "Igwe", "Nnamdi", "Oyelaran", "Lawal", "Adekunle")
	zhCompany1 = l("云启", "华信", "恒通", "瑞达", "博远", "中科", "星辰", "天衡", "鼎盛", "汇智")
	zhCompany2 = l("信息科技", "数据服务", "物流", "医疗器械", "电子商务", "网络科技", "证券", "软件")
	zhEstates  = l("阳光花园", "翠湖天地", "锦绣华城", "世纪新城", "万科城", "保利花园", "绿地小区", "金地名京", "中海御景")
)

// personName returns a customer's name in local style: Chinese names in
// characters only, German and Nigerian names given name first.
func (w *world) personName(country string) string {
	switch country {
	case "CN":
		return pick(w.r, zhSurnames)[0] + pick(w.r, zhGiven)[0]
	case "DE":
		return pick(w.r, deFirst) + " " + pick(w.r, deLast)
	}
	return pick(w.r, ngFirst) + " " + pick(w.r, ngLast)
}

// companyName returns a business customer, for servers and office PCs.
func (w *world) companyName(c *city) string {
	switch c.country {
	case "CN":
		return c.name + pick(w.r, zhCompany1) + pick(w.r, zhCompany2) + "有限公司"
	case "DE":
		switch w.r.n(3) {
		case 0:
			return "Praxis Dr. " + pick(w.r, deLast)
		case 1:
			return pick(w.r, deLast) + " " + pick(w.r, l("Logistik", "Maschinenbau", "Steuerberatung", "IT-Service", "Immobilien")) + " GmbH"
		}
		return pick(w.r, deLast) + " & " + pick(w.r, deLast) + " " + pick(w.r, l("KG", "GmbH & Co. KG"))
	}
	return pick(w.r, l("Zenith", "Sterling", "Crescent", "Pinnacle", "Harbour", "Unity", "Eko")) + " " +
		pick(w.r, l("Microfinance Bank", "Data Services", "Logistics", "Specialist Hospital", "Energy", "Foods")) + " Ltd"
}

// mobile returns a mobile number in the country's usual format.
func (w *world) mobile(country string) string {
	switch country {
	case "CN":
		return "+86 1" + pick(w.r, l("38", "39", "37", "58", "59", "86", "88", "35", "50", "77")) + " " + w.r.digits(4) + " " + w.r.digits(4)
	case "DE":
		return "+49 1" + pick(w.r, l("51", "52", "57", "60", "62", "70", "71", "76")) + " " + w.r.digits(8)
	}
	return "+234 " + pick(w.r, l("803", "806", "813", "816", "703", "706", "810", "805", "807", "802", "808", "905")) + " " + w.r.digits(3) + " " + w.r.digits(4)
}

// landline returns an office number.
func (w *world) landline(c *city) string {
	switch c.country {
	case "CN":
		area := map[string]string{"sh": "21", "bj": "10", "gz": "20", "sz": "755"}[c.key]
		return "+86 " + area + " " + string(rune('2'+w.r.n(7))) + w.r.digits(3) + " " + w.r.digits(4)
	case "DE":
		return "+49 " + c.phone + " " + w.r.digits(7)
	}
	return w.mobile("NG") // most Nigerian businesses answer on mobiles
}

// address returns a street address in the city, in the country's format:
// "上海市浦东新区张杨路500号3号楼1202室", "Kantstraße 12, 10623 Berlin",
// "12 Allen Avenue, Ikeja, Lagos".
func (w *world) address(c *city) string {
	switch c.country {
	case "CN":
		d := pick(w.r, c.districts)
		s := fmt.Sprintf("%s%s%s%d号", c.prefix, d.name, pick(w.r, d.streets), w.r.between(1, 1200))
		switch w.r.n(3) {
		case 0:
			s += fmt.Sprintf("%d号楼%d室", w.r.between(1, 24), w.r.between(1, 32)*100+w.r.between(1, 4))
		case 1:
			s += fmt.Sprintf("%s%d栋%d室", pick(w.r, zhEstates), w.r.between(1, 18), w.r.between(1, 28)*100+w.r.between(1, 6))
		}
		return s
	case "DE":
		st := pick(w.r, c.streets)
		no := strconv.Itoa(w.r.between(1, 180))
		if w.r.chance(0.1) {
			no += pick(w.r, l("a", "b"))
		}
		return st[0] + " " + no + ", " + st[1] + " " + c.name
	}
	st := pick(w.r, c.streets)
	s := strconv.Itoa(w.r.between(1, 120)) + " " + st[0] + ", " + st[1] + ", " + c.name
	switch w.r.n(4) {
	case 0:
		s = "Flat " + strconv.Itoa(w.r.between(1, 12)) + ", " + s
	case 1:
		if c.key == "abj" {
			s = "Plot " + strconv.Itoa(w.r.between(100, 2400)) + ", " + st[0] + ", " + st[1] + ", " + c.name
		}
	}
	return s
}

// plate returns a vehicle registration for a van.
func (w *world) plate(c *city) string {
	switch c.country {
	case "CN":
		return c.plate + "D" + w.r.digits(5) // a green new-energy plate
	case "DE":
		return c.plate + "-FB " + strconv.Itoa(w.r.between(100, 9999))
	}
	return c.plate + "-" + w.r.digits(3) + w.r.chars(2, upperChars)
}

// store is a repair counter with its own stock.
type store struct {
	id        app.StoreID
	loc       app.LocationID
	defective app.LocationID
	city      *city
	name      string
}

var storeSpecs = []struct {
	id, city string
	name     texts
}{
	{"store-cn-sh", "sh", texts{"en": "上海浦东服务中心 Shanghai Pudong Service Centre", "zh": "上海浦东服务中心",
		"fr": "Centre de service Shanghai Pudong", "es": "Centro de servicio Shanghái Pudong", "pt": "Centro de serviço Xangai Pudong"}},
	{"store-cn-bj", "bj", texts{"en": "北京朝阳服务中心 Beijing Chaoyang Service Centre", "zh": "北京朝阳服务中心",
		"fr": "Centre de service Pékin Chaoyang", "es": "Centro de servicio Pekín Chaoyang", "pt": "Centro de serviço Pequim Chaoyang"}},
	{"store-de-ber", "ber", texts{"en": "Servicecenter Berlin-Mitte", "zh": "柏林米特服务中心",
		"fr": "Centre de service Berlin-Mitte", "es": "Centro de servicio Berlín-Mitte", "pt": "Centro de serviço Berlim-Mitte"}},
	{"store-ng-lag", "lag", texts{"en": "Ikeja Service Centre, Lagos", "zh": "拉各斯伊凯贾服务中心",
		"fr": "Centre de service Ikeja, Lagos", "es": "Centro de servicio Ikeja, Lagos", "pt": "Centro de serviço Ikeja, Lagos"}},
}

// warehouseSpecs: one central warehouse per country, with the clerk who
// books its receipts and issues (a person, named as they sign).
var warehouseSpecs = []struct {
	country, id string
	name        texts
	clerk       string
}{
	{"CN", "wh-cn", texts{"en": "华东中心仓 Shanghai Central Warehouse", "zh": "华东中心仓库",
		"fr": "Entrepôt central de Shanghai", "es": "Almacén central de Shanghái", "pt": "Armazém central de Xangai"}, "仓库 刘芳 Liu Fang"},
	{"DE", "wh-de", texts{"en": "Zentrallager Kassel", "zh": "卡塞尔中心仓库",
		"fr": "Entrepôt central de Kassel", "es": "Almacén central de Kassel", "pt": "Armazém central de Kassel"}, "Lager: Petra Wolf"},
	{"NG", "wh-ng", texts{"en": "Lagos Central Warehouse, Apapa", "zh": "拉各斯中心仓库（阿帕帕）",
		"fr": "Entrepôt central de Lagos, Apapa", "es": "Almacén central de Lagos, Apapa", "pt": "Armazém central de Lagos, Apapa"}, "Stores: Musa Bello"},
}

// tech is a technician with what the generator needs to know about them.
type tech struct {
	app.Technician
	city      *city
	field     bool
	n         int // position among the technicians
	store     *store
	stock     app.LocationID // van or store stock they fit parts from
	defective app.LocationID // where removed parts wait for return
	models    []*model       // models they have worked on, in first-seen order
	seen      map[*model]bool
}

// techSlots are the first technicians, in order: a field technician per
// country, a store technician per country, then more field and store
// staff. Beyond these, field technicians cycle through the other cities.
var techSlots = []struct {
	city  string
	store string // "" for a field technician
}{
	{"sh", ""}, // DemoTechnician
	{"ber", ""},
	{"lag", ""},
	{"sh", "store-cn-sh"},
	{"ber", "store-de-ber"},
	{"lag", "store-ng-lag"},
	{"bj", ""},
	{"muc", ""},
	{"abj", ""},
	{"bj", "store-cn-bj"},
	{"sz", ""},
	{"ham", ""},
}

var moreTechCities = l("gz", "phc", "sh", "ber", "lag", "bj", "muc", "abj", "sz", "ham")

func (w *world) buildPeopleAndPlaces() {
	for _, spec := range warehouseSpecs {
		id := app.LocationID(spec.id)
		w.warehouse[spec.country] = id
		w.clerk[spec.country] = spec.clerk
		w.locs = append(w.locs, app.Location{ID: id, Kind: app.LocationWarehouse, Name: w.in(spec.name)})
	}
	for _, spec := range storeSpecs {
		s := &store{id: app.StoreID(spec.id), loc: app.LocationID(spec.id), defective: app.LocationID(spec.id + "-defective"), city: cityByKey(spec.city), name: w.in(spec.name)}
		w.stores = append(w.stores, s)
		w.locs = append(w.locs,
			app.Location{ID: s.loc, Kind: app.LocationStore, Name: s.name, Owner: string(s.id)},
			app.Location{ID: s.defective, Kind: app.LocationDefective, Name: fmt.Sprintf(w.in(storeBin), s.name), Owner: string(s.id)})
	}
	usedNames := map[string]bool{"王磊 Wang Lei": true}
	perCountry := map[string]int{}
	n := max(1, w.size.Technicians)
	for i := range n {
		var cityKey, storeID string
		if i < len(techSlots) {
			cityKey, storeID = techSlots[i].city, techSlots[i].store
		} else {
			cityKey = moreTechCities[(i-len(techSlots))%len(moreTechCities)]
		}
		c := cityByKey(cityKey)
		perCountry[c.country]++
		t := &tech{n: i, city: c, field: storeID == "", seen: map[*model]bool{}}
		t.Country = c.country
		t.Language = map[string]string{"CN": "zh", "DE": "de", "NG": "en"}[c.country]
		t.Phone = w.mobile(c.country)
		if i == 0 {
			t.ID, t.Name = DemoTechnician, "王磊 Wang Lei"
		} else {
			t.ID = app.TechnicianID(fmt.Sprintf("tech-%s-%02d", map[string]string{"CN": "cn", "DE": "de", "NG": "ng"}[c.country], perCountry[c.country]))
			for {
				t.Name = w.techName(c.country)
				if !usedNames[t.Name] {
					usedNames[t.Name] = true
					break
				}
			}
		}
		if t.field {
			t.Van = app.LocationID("van-" + string(t.ID))
			t.stock, t.defective = t.Van, t.Van+"-defective"
			plate := w.plate(c)
			w.locs = append(w.locs,
				app.Location{ID: t.stock, Kind: app.LocationVan, Name: w.in(vanWord) + " " + plate + " · " + t.Name, Owner: string(t.ID)},
				app.Location{ID: t.defective, Kind: app.LocationDefective, Name: fmt.Sprintf(w.in(vanBin), plate), Owner: string(t.ID)})
		} else {
			for _, s := range w.stores {
				if string(s.id) == storeID {
					t.store = s
				}
			}
			t.Store = t.store.id
			t.stock, t.defective = t.store.loc, t.store.defective
		}
		w.techs = append(w.techs, t)
	}
}

func (w *world) techName(country string) string {
	switch country {
	case "CN":
		s, g := pick(w.r, zhSurnames), pick(w.r, zhGiven)
		return s[0] + g[0] + " " + s[1] + " " + g[1]
	case "DE":
		return pick(w.r, deFirst) + " " + pick(w.r, deLast)
	}
	return pick(w.r, ngFirst) + " " + pick(w.r, ngLast)
}

// proofOfPurchase returns a receipt or invoice reference from a retailer
// of the country.
func (w *world) proofOfPurchase(country string, business bool) string {
	r := w.r
	switch country {
	case "CN":
		if business {
			return "合同 HT-" + r.digits(4) + "-" + r.digits(4)
		}
		switch r.n(4) {
		case 0:
			return "京东订单 " + r.digits(12)
		case 1:
			return "天猫订单 " + r.digits(18)
		case 2:
			return "苏宁易购发票 " + r.digits(8)
		}
		return "电子发票 " + r.digits(20)
	case "DE":
		if business {
			return "Rechnung RE-" + r.digits(8)
		}
		switch r.n(4) {
		case 0:
			return "MediaMarkt Kassenbon " + r.digits(4) + "-" + r.digits(6)
		case 1:
			return "Amazon.de Bestellung " + r.digits(3) + "-" + r.digits(7) + "-" + r.digits(7)
		case 2:
			return "OTTO Rechnung " + r.digits(9)
		}
		return "Saturn Kassenbon " + r.digits(4) + "-" + r.digits(6)
	}
	if business {
		return "Invoice INV-" + r.digits(4) + "-" + r.digits(5)
	}
	switch r.n(4) {
	case 0:
		return "Slot receipt SLT" + r.digits(7)
	case 1:
		return "Jumia order " + r.digits(9)
	case 2:
		return "Konga order KNG" + r.digits(7)
	}
	return "3CHub invoice INV-" + r.digits(6)
}
