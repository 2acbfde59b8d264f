package demo

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fieldbench/fieldbench/app"
)

// kind is a product type, finer than app.Category: parts and faults
// depend on whether an appliance is a washing machine or a refrigerator.
type kind int

const (
	kPhone kind = iota
	kWasher
	kFridge
	kAC
	kDishwasher
	kLaptop
	kDesktop
	kServer
	numKinds
)

func (k kind) category() app.Category {
	switch k {
	case kPhone:
		return app.CategoryPhone
	case kLaptop, kDesktop:
		return app.CategoryPC
	case kServer:
		return app.CategoryServer
	}
	return app.CategoryAppliance
}

// model is a product model in the demo world. The dataset has no model
// table: models appear as Part.Models and Product.Model strings.
type model struct {
	brand  string
	kind   kind
	name   string
	lineup int      // index into lineups
	tier   float64  // price multiplier: budget < 1 < flagship
	tac    string   // phones: the IMEI type allocation code shared by the model
	mAh    int      // phones: battery capacity
	screen string   // phones, laptops: diagonal in inches
	wh     int      // laptops: battery capacity
	cpu    string   // PCs
	kg     int      // washers: load
	hp     string   // air conditioners: horsepower (匹)
	watts  int      // desktops, servers: power supply
	parts  []int    // indices of compatible parts, in catalog order
	peers  []*model // the lineup's other models, most similar name first
}

// lineup is a brand's products of one kind. names lists candidate model
// names; the first is pinned (always used first), the rest are shuffled.
type lineup struct {
	brand  string
	kind   kind
	weight int // share of the world's models
	names  []string
}

func l(s ...string) []string { return s }

// cross returns every concatenation of one string from each list, in order.
func cross(lists ...[]string) []string {
	out := []string{""}
	for _, list := range lists {
		next := make([]string, 0, len(out)*len(list))
		for _, a := range out {
			for _, b := range list {
				next = append(next, a+b)
			}
		}
		out = next
	}
	return out
}

func join(lists ...[]string) []string {
	var out []string
	for _, list := range lists {
		out = append(out, list...)
	}
	return out
}

// lineups are the brands and products of the demo world. The names are
// real model names or follow the brand's naming scheme.
var lineups = []lineup{
	{"Huawei", kPhone, 14, join(l("Mate 60 Pro"),
		cross(l("Mate "), l("40", "50", "60", "70"), l("", " Pro", " Pro+", " RS")),
		cross(l("P"), l("40", "50", "60"), l("", " Pro")), l("P40 Pro+", "P60 Art"),
		cross(l("Pura 70"), l("", " Pro", " Pro+", " Ultra")),
		cross(l("nova "), l("9", "10", "11", "12"), l("", " Pro", " SE", " Ultra")),
		cross(l("Enjoy "), l("50", "60", "70"), l("", "z", " Pro")),
		l("Mate X3", "Mate X5", "Pocket 2", "nova Y70", "nova Y90"))},
	{"Xiaomi", kPhone, 14, join(l("Redmi Note 13"),
		cross(l("Redmi Note "), l("11", "12", "13", "14"), l("", " 5G", " Pro", " Pro+")),
		cross(l("Xiaomi "), l("12", "13", "14"), l("", " Pro", " Ultra")),
		l("Xiaomi 13T", "Xiaomi 13T Pro", "Xiaomi 14T", "Xiaomi 14T Pro"),
		cross(l("Redmi "), l("12", "13"), l("", "C")),
		l("Redmi K60", "Redmi K60 Pro", "Redmi K70", "Redmi K70 Pro", "POCO X5 Pro", "POCO X6 Pro", "POCO F5", "POCO F6", "POCO M6 Pro"))},
	{"Samsung", kPhone, 14, join(l("Galaxy A54"),
		cross(l("Galaxy A"), l("14", "15", "24", "25", "34", "35", "54", "55"), l("", " 5G")),
		cross(l("Galaxy S"), l("22", "23", "24"), l("", "+", " Ultra", " FE")),
		l("Galaxy Z Flip4", "Galaxy Z Flip5", "Galaxy Z Fold4", "Galaxy Z Fold5"),
		cross(l("Galaxy M"), l("14", "34", "54")))},
	{"Tecno", kPhone, 10, join(l("Spark 20"),
		cross(l("Spark "), l("10", "20"), l("", " Pro", " Pro+", "C")), l("Spark Go 2024"),
		cross(l("Camon "), l("20", "30"), l("", " Pro", " Premier")),
		cross(l("Pova "), l("5", "6"), l("", " Pro")),
		l("Pop 7", "Pop 8", "Phantom X2", "Phantom X2 Pro", "Phantom V Flip", "Phantom V Fold"))},

	{"Haier", kWasher, 6, join(l("XQG100-BD14126L"),
		cross(l("XQG"), l("80", "90", "100", "120"), l("-B", "-BD", "-HB"), l("12", "14"), l("126", "826", "929"), l("L", "U1")),
		cross(l("HW"), l("80", "90", "100"), l("-B14979", "-B14959U1", "-B14636N")))},
	{"Haier", kFridge, 6, join(l("BCD-470WDPG"),
		cross(l("BCD-"), l("470", "510", "535", "618", "650"), l("WDPG", "WGHSS", "WLHFD", "WDEC")),
		cross(l("HB"), l("18", "20", "25"), l("FSSAAA", "FGSAAA")), l("HTR5619ENMP", "HTR7720ENMP"))},
	{"Haier", kAC, 5, join(l("KFR-35GW/07KBB81U1"),
		cross(l("KFR-"), l("26", "35", "50", "72"), l("GW/"), l("01", "07", "11"), l("NHA81", "KBB81", "NAC83"), l("U1", "A")))},
	{"Haier", kDishwasher, 3, join(l("EYW13029D"),
		cross(l("EYW"), l("13", "15"), l("029", "228", "928"), l("D", "S", "BK")),
		cross(l("XF "), l("4", "5"), l("C7M3PB", "B7M3PX")))},

	{"Midea", kWasher, 4, join(l("MG100V58WT"),
		cross(l("MG"), l("80", "100", "120"), l("V"), l("11", "33", "58", "70"), l("WT", "DT", "D5")),
		cross(l("MD100V"), l("11", "33", "58"), l("D5", "D6")))},
	{"Midea", kFridge, 4, join(l("BCD-516WKPZM(E)"),
		cross(l("BCD-"), l("516", "535", "606", "477"), l("WKPZM", "WKPM", "WTPZM"), l("(E)", "")),
		l("MDRS619FGF46", "MDRS710FGF02"))},
	{"Midea", kAC, 6, join(l("KFR-35GW/N8MJA3"),
		cross(l("KFR-"), l("26", "35", "51", "72"), l("GW/N8"), l("MJA", "MXC", "VHA"), l("1", "3")),
		cross(l("MSAG"), l("-09", "-12", "-18"), l("HRFN8")))},
	{"Midea", kDishwasher, 3, join(l("WQP12-7201H"),
		cross(l("WQP"), l("8", "12", "13"), l("-"), l("3906", "7201", "W3209"), l("H", "E", "")),
		cross(l("MV"), l("15", "16"), l("F"), l("B", "C"), l("K", "M")))},

	{"Bosch", kWasher, 6, join(l("WAN28281GB"),
		cross(l("WAN28"), l("2", "1"), l("81", "X4"), l("GB", "")),
		cross(l("WAU28P"), l("H9", "H0"), l("GB", "")),
		cross(l("WGG"), l("244", "254"), l("A0", "AF", "M0")),
		cross(l("WAV28M"), l("40", "43")))},
	{"Bosch", kFridge, 5, join(l("KGN39VLEB"),
		cross(l("KGN"), l("36", "39", "49"), l("VLEB", "XIDP", "VICT", "AIBT")),
		cross(l("KGE"), l("36", "39"), l("ALCA", "AWCA")),
		cross(l("KIR"), l("81", "41"), l("AFE0", "VFF0")))},
	{"Bosch", kAC, 2, join(l("Climate 5000i 35 E"),
		cross(l("Climate "), l("3000i", "5000i", "6000i"), l(" "), l("26", "35", "53"), l(" E")))},
	{"Bosch", kDishwasher, 6, join(l("SMS4HVI33E"),
		cross(l("SMS"), l("2", "4", "6", "8"), l("HVI", "ZCI", "TCI"), l("33", "49", "72"), l("E")),
		cross(l("SMV"), l("4", "6"), l("HVX", "ZCX"), l("31", "49"), l("E")),
		cross(l("SPS"), l("2", "4"), l("HMI", "IKI"), l("58", "61"), l("E")))},

	{"Hisense", kWasher, 4, join(l("WFQA1014EVJM"),
		cross(l("WFQA"), l("8014", "1014", "1214"), l("EVJM", "EVJS", "T")),
		cross(l("WFGE"), l("80", "90", "10"), l("141", "161"), l("VM", "VMS")),
		cross(l("XQG"), l("100", "120"), l("-U1403YF", "-UH1405FT")))},
	{"Hisense", kFridge, 5, join(l("RF632N4WIF"),
		cross(l("RF"), l("632", "749", "540"), l("N4"), l("WIF", "AIF", "SBE")),
		cross(l("BCD-"), l("630", "566", "480"), l("WTDGVBPIV", "WFK1DPUT", "WMK1DPJ")))},
	{"Hisense", kAC, 5, join(l("KFR-35GW/E25A3"),
		cross(l("KFR-"), l("26", "35", "50"), l("GW/"), l("E25", "H620", "E80"), l("-A1", "-A3", "A3")),
		cross(l("AS-"), l("09", "12", "18"), l("TW4RGSKB", "UR4RYRKB")))},
	{"Hisense", kDishwasher, 2, join(l("HS661C60W"),
		cross(l("HS"), l("661", "673", "622"), l("C"), l("60", "64"), l("W", "X", "B")))},

	{"Lenovo", kLaptop, 12, join(l("ThinkPad T14 Gen 4"),
		cross(l("ThinkPad T14 Gen "), l("3", "4", "5")),
		cross(l("ThinkPad T14s Gen "), l("3", "4", "5")),
		cross(l("ThinkPad X1 Carbon Gen "), l("10", "11", "12")),
		cross(l("ThinkPad E"), l("14", "16"), l(" Gen "), l("4", "5", "6")),
		cross(l("ThinkPad L"), l("14", "15"), l(" Gen "), l("3", "4")),
		l("ThinkPad P16s Gen 2", "ThinkPad X13 Gen 4"),
		cross(l("IdeaPad Slim 5 "), l("14IRL8", "16IRL8", "14ABR8", "16ABR8")),
		l("IdeaPad 3 15IAU7", "IdeaPad 1 15AMN7", "Legion 5 Pro 16ARH7H", "Legion 5 15ARP8",
			"Legion Y9000P 2023", "Legion R9000P 2023", "Yoga 7 14IRL8", "Yoga Slim 7 Pro 14ARH7",
			"ThinkBook 14 G6 IRL", "ThinkBook 16 G6 ABP", "小新 Pro 14 2023", "小新 Air 14 2023"))},
	{"Lenovo", kDesktop, 4, join(l("ThinkCentre M70q Gen 4"),
		cross(l("ThinkCentre M"), l("70q", "70s", "70t", "90q", "90t"), l(" Gen "), l("3", "4")),
		l("IdeaCentre 5 14IAB7", "IdeaCentre AIO 3 24IAP7", "ThinkStation P360 Tower", "Legion Tower 5 26ARB8", "扬天 M4000q 2023"))},
	{"HP", kLaptop, 10, join(l("EliteBook 840 G10"),
		cross(l("EliteBook "), l("640", "650", "840", "860"), l(" G"), l("9", "10")),
		cross(l("ProBook "), l("440", "450", "460"), l(" G"), l("9", "10")),
		cross(l("ZBook Firefly "), l("14", "16"), l(" G"), l("9", "10")),
		l("ZBook Power G10", "Pavilion 15-eg3000", "Pavilion 14-dv2000", "Pavilion Aero 13-be2000",
			"Victus 16-r0000", "Victus 15-fa1000", "OMEN 16-wf0000", "Envy x360 15-fe0000",
			"Spectre x360 14-ef2000", "HP 250 G9", "HP 250 G10", "HP 255 G10", "HP 15s-fq5000"))},
	{"HP", kDesktop, 4, join(l("EliteDesk 800 G9 Mini"),
		cross(l("EliteDesk 800 G"), l("8", "9"), l(" Mini", " SFF", " Tower")),
		cross(l("ProDesk 400 G"), l("7", "9"), l(" SFF", " Mini")),
		l("Pavilion Desktop TP01-3000", "HP All-in-One 24-cb1000", "Z2 Tower G9"))},
	{"Dell", kLaptop, 9, join(l("Latitude 5440"),
		cross(l("Latitude "), l("3440", "3540", "5440", "5540", "7440", "7340", "9440")),
		cross(l("XPS "), l("13 9315", "13 9340", "14 9440", "15 9530", "17 9730")),
		cross(l("Inspiron "), l("14 5430", "15 3530", "16 5630", "14 7440")),
		cross(l("Vostro "), l("3420", "3520", "5630")),
		cross(l("Precision "), l("3581", "5680", "7680")),
		l("Alienware m16 R1", "Alienware x14 R2", "G15 5530", "G16 7630"))},
	{"Dell", kDesktop, 4, join(l("OptiPlex 7010 Micro"),
		cross(l("OptiPlex "), l("3000", "5000", "7010", "7020"), l(" Micro", " SFF", " Tower")),
		l("Vostro 3020 Tower", "Inspiron 3020 Desktop", "XPS 8960", "Precision 3660 Tower"))},

	{"Inspur", kServer, 8, join(l("NF5280M6"),
		cross(l("NF5280M"), l("5", "6", "7")),
		l("NF5270M6", "NF5180M6", "NF5180M7", "NF5466M6", "NF5468M6", "NF5468M7", "NF8480M6",
			"NF5688M7", "NF5266M6", "TS860M5", "i24M6", "NF3180M6", "SA5212M5"))},
	{"Dell", kServer, 8, join(l("PowerEdge R750"),
		cross(l("PowerEdge R"), l("250", "350", "450", "640", "650", "650xs", "660", "740xd", "750", "750xs", "760", "7525", "7625", "6525")),
		cross(l("PowerEdge T"), l("150", "350", "550", "560")))},
}

// modelCounts shares n models among the lineups: with fewer models than
// lineups, categories take turns so every kind of work shows up; otherwise
// each lineup gets one and the rest go by weight (largest remainder).
func modelCounts(n int) []int {
	counts := make([]int, len(lineups))
	if n < len(lineups) {
		order := [][]int{}
		for _, c := range []app.Category{app.CategoryAppliance, app.CategoryPhone, app.CategoryPC, app.CategoryServer} {
			var idx []int
			for i, lu := range lineups {
				if lu.kind.category() == c {
					idx = append(idx, i)
				}
			}
			// Heaviest first, stable.
			for a := 1; a < len(idx); a++ {
				for b := a; b > 0 && lineups[idx[b]].weight > lineups[idx[b-1]].weight; b-- {
					idx[b], idx[b-1] = idx[b-1], idx[b]
				}
			}
			order = append(order, idx)
		}
		for round := 0; n > 0; round++ {
			for _, idx := range order {
				if round < len(idx) && n > 0 {
					counts[idx[round]]++
					n--
				}
			}
		}
		return counts
	}
	extra := n - len(lineups)
	total := 0
	for _, lu := range lineups {
		total += lu.weight
	}
	type rem struct{ i, frac int }
	var rems []rem
	given := 0
	for i, lu := range lineups {
		q := extra * lu.weight / total
		counts[i] = 1 + q
		given += q
		rems = append(rems, rem{i, extra * lu.weight % total})
	}
	for a := 1; a < len(rems); a++ {
		for b := a; b > 0 && rems[b].frac > rems[b-1].frac; b-- {
			rems[b], rems[b-1] = rems[b-1], rems[b]
		}
	}
	for k := 0; given < extra; k++ {
		counts[rems[k%len(rems)].i]++
		given++
	}
	return counts
}

// buildModels creates size.Models models with unique names.
func (w *world) buildModels() {
	counts := modelCounts(w.size.Models)
	used := make(map[string]bool)
	w.byLineup = make([][]*model, len(lineups))
	for li, lu := range lineups {
		if counts[li] == 0 {
			continue
		}
		// The pinned name first, the rest in a seeded order.
		names := []string{lu.names[0]}
		rest := make([]string, 0, len(lu.names))
		seen := map[string]bool{lu.names[0]: true}
		for _, s := range lu.names[1:] {
			if !seen[s] {
				seen[s] = true
				rest = append(rest, s)
			}
		}
		w.r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
		names = append(names, rest...)
		for k, j := 0, 0; k < counts[li]; j++ {
			name := names[j%len(names)]
			if round := j / len(names); round > 0 {
				name = fmt.Sprintf("%s V%d", name, round+1) // more models than the scheme has names
			}
			if used[name] {
				continue
			}
			used[name] = true
			m := w.newModel(li, name)
			w.models = append(w.models, m)
			w.byLineup[li] = append(w.byLineup[li], m)
			k++
		}
	}
	// Parts are shared by siblings ("Galaxy A54" and "Galaxy A54 5G"),
	// so rank each model's peers by the length of the common name prefix.
	for _, ms := range w.byLineup {
		for _, m := range ms {
			for _, p := range ms {
				if p != m {
					m.peers = append(m.peers, p)
				}
			}
			slices.SortStableFunc(m.peers, func(a, b *model) int {
				return cmp.Compare(commonPrefix(m.name, b.name), commonPrefix(m.name, a.name))
			})
		}
	}
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

var (
	phoneScreens  = l("6.1", "6.3", "6.4", "6.5", "6.6", "6.67", "6.7", "6.78", "6.8", "6.82")
	laptopScreens = l("13.3", "14", "14", "15.6", "16")
	laptopCPUs    = l("i5-1335U", "i7-1355U", "i5-1345U", "i7-1365U", "Ryzen 5 7530U", "Ryzen 7 7730U", "Core Ultra 5 125U", "Core Ultra 7 155H", "i7-13700H")
	desktopCPUs   = l("i5-13500", "i7-13700", "i5-12500T", "i5-13500T", "Ryzen 5 7600")
	acHP          = l("1", "1.5", "1.5", "2", "3")
)

func (w *world) newModel(li int, name string) *model {
	lu := lineups[li]
	m := &model{brand: lu.brand, kind: lu.kind, name: name, lineup: li}
	m.tier = 1
	for _, s := range []string{"Pro", "Ultra", "Fold", "Flip", "Mate", "Pura", "Phantom", "X1", "XPS", "Precision", "ZBook", "Elite", "Spectre", "Legion", "Alienware", "R7", "NF8", "NF5688"} {
		if strings.Contains(name, s) {
			m.tier = 1.4
		}
	}
	for _, s := range []string{"Spark", "Pop", "Enjoy", "Redmi 1", "Galaxy A1", "Galaxy M", "IdeaPad 1", "HP 25", "HP 15", "Vostro", "Inspiron 15", "R250", "T150"} {
		if strings.Contains(name, s) {
			m.tier = 0.75
		}
	}
	m.tier *= 0.9 + 0.2*w.r.Float64()
	switch lu.kind {
	case kPhone:
		prefix := "86" // TACs allocated to Chinese makers
		if lu.brand == "Samsung" || lu.brand == "Tecno" {
			prefix = "35"
		}
		m.tac = prefix + w.r.digits(6)
		m.mAh = 100 * w.r.between(40, 55)
		if lu.brand == "Tecno" {
			m.mAh = pick(w.r, []int{5000, 5000, 6000})
		}
		m.screen = pick(w.r, phoneScreens)
	case kLaptop:
		m.screen = pick(w.r, laptopScreens)
		m.wh = pick(w.r, []int{42, 45, 50, 54, 57, 65, 70, 80, 86})
		m.cpu = pick(w.r, laptopCPUs)
	case kDesktop:
		m.cpu = pick(w.r, desktopCPUs)
		m.watts = pick(w.r, []int{90, 180, 260, 300, 500})
	case kWasher:
		m.kg = pick(w.r, []int{7, 8, 9, 10, 10, 12})
	case kAC:
		m.hp = pick(w.r, acHP)
	case kServer:
		m.watts = pick(w.r, []int{800, 1100, 1400})
	}
	return m
}

// partType is a kind of spare part of one product kind.
type partType struct {
	key     string
	en, zh  string
	cat     string // Part.Category
	class   app.ComponentClass
	lo, hi  int  // base price range in yuan, before the model's tier
	serial  bool // tracked by serial number
	variant func(r rng, m *model) (en, zh string)
}

type pair = [2]string

var colors = []pair{{"Black", "黑色"}, {"White", "白色"}, {"Blue", "蓝色"}, {"Green", "绿色"}, {"Silver", "银色"}, {"Gold", "金色"}, {"Purple", "紫色"}, {"Grey", "灰色"}}

func same(s string) (string, string) { return s, s }

func fixed(en, zh string) func(rng, *model) (string, string) {
	return func(rng, *model) (string, string) { return en, zh }
}

func oneOf(ps ...pair) func(rng, *model) (string, string) {
	return func(r rng, _ *model) (string, string) {
		p := pick(r, ps)
		return p[0], p[1]
	}
}

func color(r rng, _ *model) (string, string) {
	c := pick(r, colors)
	return c[0], c[1]
}

// Part types per product kind, the most important first: a small catalog
// gets the batteries and displays before the screws.
var partTypes = [numKinds][]partType{
	kPhone: {
		{"battery", "Battery", "电池", "battery", app.ClassBattery, 89, 299, false,
			func(_ rng, m *model) (string, string) { return same(strconv.Itoa(m.mAh) + "mAh") }},
		{"display", "Display assembly", "显示屏总成", "display", app.ClassMain, 399, 2499, false,
			func(r rng, m *model) (string, string) {
				c := pick(r, colors[:5])
				return m.screen + `" OLED, ` + c[0], m.screen + "英寸 OLED " + c[1]
			}},
		{"mainboard", "Mainboard", "主板", "mainboard", app.ClassMain, 899, 4999, true,
			oneOf(pair{"8+128GB", "8+128GB"}, pair{"8+256GB", "8+256GB"}, pair{"12+256GB", "12+256GB"}, pair{"12+512GB", "12+512GB"}, pair{"16+512GB", "16+512GB"})},
		{"charging_flex", "Charging port flex", "充电口排线", "flex", app.ClassUnit, 39, 149, false, nil},
		{"rear_camera", "Rear camera", "后置摄像头", "camera", app.ClassUnit, 99, 699, false,
			oneOf(pair{"50MP main", "5000万像素 主摄"}, pair{"12MP ultra-wide", "1200万像素 超广角"}, pair{"64MP main", "6400万像素 主摄"}, pair{"10MP telephoto", "1000万像素 长焦"})},
		{"back_cover", "Back cover", "电池后盖", "housing", app.ClassUnit, 59, 399, false, color},
		{"loudspeaker", "Loudspeaker", "扬声器", "speaker", app.ClassUnit, 29, 99, false, nil},
		{"charger", "Charger", "充电器", "charger", app.ClassAccessory, 49, 199, false,
			oneOf(pair{"18W", "18W"}, pair{"25W", "25W"}, pair{"33W", "33W"}, pair{"45W", "45W"}, pair{"67W", "67W"}, pair{"88W", "88W"})},
		{"front_camera", "Front camera", "前置摄像头", "camera", app.ClassUnit, 59, 299, false,
			oneOf(pair{"16MP", "1600万像素"}, pair{"32MP", "3200万像素"}, pair{"13MP", "1300万像素"})},
		{"earpiece", "Earpiece receiver", "听筒", "speaker", app.ClassUnit, 19, 69, false, nil},
		{"cable", "USB-C cable", "USB-C 数据线", "cable", app.ClassAccessory, 29, 79, false,
			oneOf(pair{"1 m", "1米"}, pair{"1.5 m", "1.5米"})},
		{"middle_frame", "Middle frame", "中框", "housing", app.ClassUnit, 99, 399, false, color},
		{"fingerprint", "Fingerprint sensor flex", "指纹排线", "flex", app.ClassUnit, 49, 199, false, nil},
		{"antenna", "Antenna flex", "天线排线", "flex", app.ClassUnit, 19, 59, false, nil},
		{"camera_lens", "Camera lens glass", "摄像头镜片", "camera", app.ClassUnit, 15, 49, false, nil},
		{"sim_tray", "SIM tray", "卡托", "housing", app.ClassUnit, 9, 29, false, color},
		{"vibrator", "Vibration motor", "振动马达", "vibrator", app.ClassUnit, 19, 59, false, nil},
		{"power_flex", "Power button flex", "开机键排线", "flex", app.ClassUnit, 19, 69, false, nil},
		{"adhesive", "Back cover adhesive", "后盖背胶", "adhesive", app.ClassUnit, 5, 15, false, nil},
	},
	kWasher: {
		{"drain_pump", "Drain pump", "排水泵", "pump", app.ClassUnit, 89, 299, false, oneOf(pair{"30W", "30W"}, pair{"40W", "40W"})},
		{"door_seal", "Door seal", "门封", "seal", app.ClassUnit, 99, 399, false,
			func(_ rng, m *model) (string, string) {
				k := strconv.Itoa(m.kg)
				return k + " kg drum", k + "公斤滚筒"
			}},
		{"motor", "Drive motor", "驱动电机", "motor", app.ClassMain, 499, 1599, true,
			oneOf(pair{"direct drive inverter", "直驱变频"}, pair{"BLDC inverter", "无刷变频"})},
		{"main_board", "Main control board", "主控板", "mainboard", app.ClassMain, 299, 999, true, nil},
		{"inlet_valve", "Inlet valve", "进水阀", "valve", app.ClassUnit, 39, 129, false, oneOf(pair{"single", "单路"}, pair{"double", "双路"})},
		{"door_lock", "Door lock", "门锁", "lock", app.ClassUnit, 49, 159, false, nil},
		{"bearing_kit", "Drum bearing kit", "滚筒轴承套件", "bearing", app.ClassUnit, 129, 399, false, nil},
		{"shock_absorber", "Shock absorber", "减震器", "suspension", app.ClassUnit, 39, 119, false, nil},
		{"heater", "Heating element", "加热管", "heater", app.ClassUnit, 89, 249, false, oneOf(pair{"1950W", "1950W"}, pair{"2000W", "2000W"})},
		{"control_panel", "Control panel board", "操作显示板", "panel", app.ClassUnit, 129, 399, false, nil},
		{"ntc", "Temperature sensor", "温度传感器", "sensor", app.ClassUnit, 19, 69, false, fixed("NTC", "NTC")},
		{"drain_hose", "Drain hose", "排水管", "hose", app.ClassUnit, 29, 79, false, oneOf(pair{"1.5 m", "1.5米"}, pair{"2 m", "2米"})},
		{"detergent_drawer", "Detergent drawer", "洗涤剂盒", "drawer", app.ClassUnit, 39, 129, false, nil},
	},
	kFridge: {
		{"compressor", "Compressor", "压缩机", "compressor", app.ClassMain, 699, 1999, true,
			oneOf(pair{"R600a inverter", "R600a 变频"}, pair{"R600a fixed speed", "R600a 定频"})},
		{"main_board", "Main control board", "主控板", "mainboard", app.ClassMain, 299, 899, true, nil},
		{"fan", "Fan", "风扇", "fan", app.ClassUnit, 69, 199, false,
			oneOf(pair{"freezer, DC 12V", "冷冻室 DC 12V"}, pair{"fridge, DC 12V", "冷藏室 DC 12V"}, pair{"condenser", "冷凝器"})},
		{"door_seal", "Door seal", "门封", "seal", app.ClassUnit, 79, 259, false,
			oneOf(pair{"fridge door", "冷藏门"}, pair{"freezer door", "冷冻门"})},
		{"defrost_heater", "Defrost heater", "化霜加热器", "heater", app.ClassUnit, 59, 179, false, nil},
		{"temp_sensor", "Temperature sensor", "温度传感器", "sensor", app.ClassUnit, 19, 59, false, fixed("NTC 5K", "NTC 5K")},
		{"display_board", "Display board", "显示板", "panel", app.ClassUnit, 129, 399, false, nil},
		{"ice_maker", "Ice maker", "制冰机", "ice", app.ClassUnit, 299, 799, false, nil},
		{"hinge", "Door hinge", "门铰链", "hinge", app.ClassUnit, 29, 99, false, oneOf(pair{"upper", "上"}, pair{"lower", "下"})},
		{"shelf", "Glass shelf", "玻璃搁架", "shelf", app.ClassUnit, 49, 149, false, nil},
		{"crisper", "Crisper drawer", "果蔬盒", "drawer", app.ClassUnit, 59, 179, false, nil},
		{"water_filter", "Water filter", "滤水器", "filter", app.ClassAccessory, 99, 299, false, nil},
	},
	kAC: {
		{"compressor", "Compressor", "压缩机", "compressor", app.ClassMain, 899, 2499, true,
			func(_ rng, m *model) (string, string) { return m.hp + " HP R32", m.hp + "匹 R32" }},
		{"main_board", "Outdoor control board", "外机主控板", "mainboard", app.ClassMain, 299, 899, true, nil},
		{"indoor_board", "Indoor control board", "内机主板", "mainboard", app.ClassMain, 199, 599, true, nil},
		{"outdoor_fan_motor", "Outdoor fan motor", "外机风机电机", "motor", app.ClassMain, 199, 599, false, nil},
		{"indoor_fan_motor", "Indoor fan motor", "内机风机电机", "motor", app.ClassMain, 149, 449, false, nil},
		{"capacitor", "Capacitor", "电容", "capacitor", app.ClassUnit, 19, 59, false, oneOf(pair{"35µF", "35µF"}, pair{"2.5µF", "2.5µF"}, pair{"45µF", "45µF"})},
		{"temp_sensor", "Temperature sensor", "温度传感器", "sensor", app.ClassUnit, 19, 49, false, oneOf(pair{"pipe", "管温"}, pair{"room", "室温"})},
		{"remote", "Remote control", "遥控器", "remote", app.ClassAccessory, 39, 99, false, nil},
		{"swing_motor", "Louver swing motor", "摆叶电机", "stepper", app.ClassUnit, 29, 79, false, nil},
		{"expansion_valve", "Electronic expansion valve", "电子膨胀阀", "valve", app.ClassUnit, 99, 299, false, nil},
		{"refrigerant", "Refrigerant R32", "制冷剂 R32", "refrigerant", app.ClassUnit, 59, 149, false, fixed("1 kg", "1公斤")},
		{"filter", "Air filter", "过滤网", "filter", app.ClassAccessory, 19, 59, false, nil},
	},
	kDishwasher: {
		{"drain_pump", "Drain pump", "排水泵", "pump", app.ClassUnit, 89, 299, false, nil},
		{"wash_pump", "Circulation pump motor", "循环泵电机", "motor", app.ClassMain, 399, 1199, true, nil},
		{"main_board", "Main control board", "主控板", "mainboard", app.ClassMain, 299, 899, true, nil},
		{"heater", "Heating element", "加热管", "heater", app.ClassUnit, 149, 449, false, nil},
		{"door_seal", "Door seal", "门封", "seal", app.ClassUnit, 59, 199, false, nil},
		{"spray_arm", "Spray arm", "喷淋臂", "spray", app.ClassUnit, 49, 149, false, oneOf(pair{"upper", "上层"}, pair{"lower", "下层"})},
		{"inlet_valve", "Inlet valve", "进水阀", "valve", app.ClassUnit, 39, 129, false, nil},
		{"float_switch", "Float switch", "浮子开关", "sensor", app.ClassUnit, 29, 89, false, nil},
		{"ntc", "Temperature sensor", "温度传感器", "sensor", app.ClassUnit, 19, 69, false, fixed("NTC", "NTC")},
		{"door_spring", "Door spring kit", "门弹簧套件", "hinge", app.ClassUnit, 39, 99, false, nil},
		{"basket", "Lower basket", "下碗篮", "basket", app.ClassUnit, 99, 299, false, nil},
	},
	kLaptop: {
		{"mainboard", "Mainboard", "主板", "mainboard", app.ClassMain, 1299, 5999, true,
			func(r rng, m *model) (string, string) {
				ram := pick(r, l("8GB", "16GB", "32GB"))
				return same(m.cpu + " " + ram)
			}},
		{"display", "Display panel", "显示屏", "display", app.ClassMain, 599, 2499, false,
			func(r rng, m *model) (string, string) {
				p := pick(r, l("FHD IPS", "FHD IPS touch", "2.8K OLED", "WUXGA IPS"))
				return m.screen + `" ` + p, m.screen + "英寸 " + p
			}},
		{"keyboard", "Keyboard", "键盘", "keyboard", app.ClassUnit, 149, 599, false,
			oneOf(pair{"US, backlit", "美式 背光"}, pair{"German, backlit", "德式 背光"}, pair{"UK", "英式"}, pair{"US", "美式"}, pair{"German", "德式"})},
		{"battery", "Battery", "电池", "battery", app.ClassBattery, 299, 899, false,
			func(_ rng, m *model) (string, string) { return same(strconv.Itoa(m.wh) + "Wh") }},
		{"fan", "Fan", "风扇", "fan", app.ClassUnit, 99, 299, false, oneOf(pair{"CPU", "CPU"}, pair{"GPU", "GPU"})},
		{"adapter", "Power adapter", "电源适配器", "charger", app.ClassAccessory, 129, 399, false,
			oneOf(pair{"65W USB-C", "65W USB-C"}, pair{"45W USB-C", "45W USB-C"}, pair{"135W slim tip", "135W 方口"})},
		{"ssd", "SSD", "固态硬盘", "storage", app.ClassUnit, 299, 1299, true, oneOf(pair{"512GB NVMe", "512GB NVMe"}, pair{"1TB NVMe", "1TB NVMe"}, pair{"256GB NVMe", "256GB NVMe"})},
		{"memory", "Memory", "内存", "memory", app.ClassUnit, 199, 799, false, oneOf(pair{"8GB DDR5-5600", "8GB DDR5-5600"}, pair{"16GB DDR5-5600", "16GB DDR5-5600"}, pair{"16GB DDR4-3200", "16GB DDR4-3200"})},
		{"touchpad", "Touchpad", "触控板", "touchpad", app.ClassUnit, 129, 399, false, nil},
		{"lcd_cable", "Display cable", "屏线", "flex", app.ClassUnit, 49, 149, false, nil},
		{"hinge", "Hinge kit", "转轴套件", "hinge", app.ClassUnit, 79, 249, false, fixed("L+R", "左右")},
		{"dc_jack", "DC-in jack", "电源接口", "connector", app.ClassUnit, 39, 129, false, nil},
		{"bottom_cover", "Bottom cover", "底壳", "housing", app.ClassUnit, 99, 299, false, nil},
		{"webcam", "Webcam module", "摄像头模组", "camera", app.ClassUnit, 79, 249, false, oneOf(pair{"FHD", "FHD"}, pair{"FHD IR", "FHD 红外"})},
		{"screw_kit", "Screw kit", "螺丝包", "hardware", app.ClassUnit, 9, 29, false, nil},
	},
	kDesktop: {
		{"mainboard", "Mainboard", "主板", "mainboard", app.ClassMain, 899, 2999, true,
			func(_ rng, m *model) (string, string) { return same(m.cpu) }},
		{"psu", "Power supply unit", "电源", "psu", app.ClassUnit, 199, 599, false,
			func(_ rng, m *model) (string, string) { return same(strconv.Itoa(m.watts) + "W") }},
		{"fan", "Fan", "风扇", "fan", app.ClassUnit, 59, 199, false, oneOf(pair{"CPU", "CPU"}, pair{"system", "机箱"})},
		{"ssd", "SSD", "固态硬盘", "storage", app.ClassUnit, 299, 1299, true, oneOf(pair{"512GB NVMe", "512GB NVMe"}, pair{"1TB NVMe", "1TB NVMe"})},
		{"memory", "Memory", "内存", "memory", app.ClassUnit, 199, 799, false, oneOf(pair{"8GB DDR4-3200", "8GB DDR4-3200"}, pair{"16GB DDR5-4800", "16GB DDR5-4800"})},
		{"hdd", "Hard disk", "机械硬盘", "storage", app.ClassUnit, 299, 699, true, fixed("1TB 7200rpm", "1TB 7200转")},
		{"keyboard", "Keyboard", "键盘", "keyboard", app.ClassAccessory, 49, 149, false, oneOf(pair{"USB, US", "USB 美式"}, pair{"USB, German", "USB 德式"})},
		{"mouse", "Mouse", "鼠标", "mouse", app.ClassAccessory, 29, 99, false, fixed("USB", "USB")},
		{"wifi", "Wi-Fi card", "无线网卡", "network", app.ClassUnit, 99, 249, false, fixed("Wi-Fi 6E", "Wi-Fi 6E")},
		{"front_io", "Front I/O board", "前置面板", "connector", app.ClassUnit, 49, 149, false, nil},
		{"power_cable", "Power cable", "电源线", "cable", app.ClassAccessory, 19, 49, false, oneOf(pair{"EU plug", "欧标"}, pair{"CN plug", "国标"}, pair{"UK plug", "英标"})},
	},
	kServer: {
		{"system_board", "System board", "主板", "mainboard", app.ClassMain, 4999, 19999, true, oneOf(pair{"v1", "v1"}, pair{"v2", "v2"})},
		{"psu", "Power supply unit", "电源", "psu", app.ClassUnit, 999, 2999, true,
			func(_ rng, m *model) (string, string) {
				w := strconv.Itoa(m.watts) + "W"
				return w + " Platinum hot-plug", w + " 铂金 热插拔"
			}},
		{"hdd", "Hard disk", "硬盘", "storage", app.ClassUnit, 1299, 3999, true,
			oneOf(pair{`2.4TB 10K SAS 2.5"`, `2.4TB 10K SAS 2.5"`}, pair{`1.2TB 10K SAS 2.5"`, `1.2TB 10K SAS 2.5"`}, pair{`8TB 7.2K SATA 3.5"`, `8TB 7.2K SATA 3.5"`})},
		{"fan", "Fan module", "风扇模组", "fan", app.ClassUnit, 299, 899, false, oneOf(pair{"standard", "标准"}, pair{"high performance", "高性能"})},
		{"memory", "Memory", "内存", "memory", app.ClassUnit, 899, 3999, true, oneOf(pair{"32GB DDR4-3200 RDIMM", "32GB DDR4-3200 RDIMM"}, pair{"64GB DDR5-4800 RDIMM", "64GB DDR5-4800 RDIMM"})},
		{"ssd", "SSD", "固态硬盘", "storage", app.ClassUnit, 1499, 5999, true, oneOf(pair{"960GB SATA", "960GB SATA"}, pair{"3.84TB NVMe", "3.84TB NVMe"})},
		{"raid", "RAID controller", "RAID 卡", "raid", app.ClassUnit, 2499, 6999, true, oneOf(pair{"8i, 4GB cache", "8i 4GB缓存"}, pair{"16i, 8GB cache", "16i 8GB缓存"})},
		{"backplane", "Drive backplane", "硬盘背板", "backplane", app.ClassUnit, 999, 2999, true, oneOf(pair{`8×2.5"`, `8×2.5"`}, pair{`12×3.5"`, `12×3.5"`})},
		{"cmos_battery", "CMOS battery", "主板电池", "battery", app.ClassBattery, 9, 29, false, fixed("CR2032", "CR2032")},
		{"nic", "Network card", "网卡", "network", app.ClassUnit, 1299, 4999, true, oneOf(pair{"25GbE 2-port", "25GbE 双口"}, pair{"10GbE 4-port", "10GbE 四口"})},
		{"riser", "Riser card", "转接卡", "riser", app.ClassUnit, 499, 1299, false, fixed("PCIe x16", "PCIe x16")},
		{"rail_kit", "Rail kit", "导轨", "rail", app.ClassAccessory, 299, 799, false, fixed("sliding", "滑轨")},
		{"power_cable", "Power cable", "电源线", "cable", app.ClassAccessory, 29, 99, false, fixed("C13-C14 2 m", "C13-C14 2米")},
	},
}

// genericPartTypes are small parts every product has; they come last.
var genericPartTypes = []partType{
	{"screw_kit", "Screw kit", "螺丝包", "hardware", app.ClassUnit, 5, 29, false, nil},
	{"bracket", "Bracket", "支架", "hardware", app.ClassUnit, 9, 59, false,
		oneOf(pair{"left", "左"}, pair{"right", "右"}, pair{"top", "上"}, pair{"bottom", "下"}, pair{"front", "前"}, pair{"rear", "后"})},
	{"harness", "Internal cable", "内部连接线", "flex", app.ClassUnit, 19, 79, false,
		oneOf(pair{"power", "电源"}, pair{"signal", "信号"}, pair{"sensor", "传感器"}, pair{"display", "显示"})},
	{"cover_plate", "Cover plate", "盖板", "housing", app.ClassUnit, 19, 99, false,
		oneOf(pair{"left", "左"}, pair{"right", "右"}, pair{"top", "上"}, pair{"rear", "后"})},
	{"label", "Rating label", "铭牌", "label", app.ClassUnit, 5, 15, false, nil},
	{"foam", "Foam gasket", "泡棉", "hardware", app.ClassUnit, 5, 19, false, nil},
}

func init() {
	for k := range partTypes {
		for _, g := range genericPartTypes {
			if !slices.ContainsFunc(partTypes[k], func(pt partType) bool { return pt.key == g.key }) {
				partTypes[k] = append(partTypes[k], g)
			}
		}
	}
}

// buildParts creates size.Parts catalog entries. Models take turns; each
// model's first parts are its part types in order, later ones are further
// variants (colours, capacities, layouts, revisions).
func (w *world) buildParts() {
	n := w.size.Parts
	if len(w.models) == 0 {
		return
	}
	w.parts = make([]app.Part, 0, n)
	w.ptype = make([]*partType, 0, n)
	w.pmodel = make([]*model, 0, n)
	w.pop = make([]int, 0, n)
	w.partNums = make(map[app.PartNumber]bool, n)
	cursor := make([]int, len(w.models))
	names := make(map[string]int) // model + name, to mark revisions
	for i := range n {
		mi := i % len(w.models)
		m := w.models[mi]
		types := partTypes[m.kind]
		var pt *partType
		if cursor[mi] < len(types) {
			pt = &types[cursor[mi]]
			cursor[mi]++
		} else {
			// Important types get more variants.
			pt = &types[min(w.r.n(len(types)), w.r.n(len(types)))]
		}
		en, zh, ve := pt.en, pt.zh, ""
		if pt.variant != nil {
			var vz string
			ve, vz = pt.variant(w.r, m)
			en, zh = en+" "+ve, zh+" "+vz
		}
		key := m.name + "\x00" + en
		var revLetter rune
		if rev := names[key]; rev > 0 && rev < 4 { // later ones share the name
			revLetter = rune('A' + rev)
			letter := string(revLetter)
			en, zh = en+" rev. "+letter, zh+"（"+letter+"版）"
		}
		names[key]++
		compat := w.compatible(m, pt)
		tier := 0.0
		for _, c := range compat {
			tier += c.tier
		}
		tier /= float64(len(compat))
		models := make([]string, len(compat))
		for k, c := range compat {
			models[k] = c.name
		}
		yuan := float64(w.r.between(pt.lo, pt.hi)) * tier
		p := app.Part{
			Number:       w.partNumber(m, pt),
			NameEN:       en,
			NameZH:       zh,
			Names:        otherNames(w.lang, pt.en, ve, revLetter),
			Category:     pt.cat,
			Class:        pt.class,
			Brand:        m.brand,
			Models:       models,
			Prices:       prices(int64(yuan)),
			ReturnNeeded: pt.class == app.ClassMain,
		}
		p.Serialized = pt.serial || (yuan >= 1500 && pt.class != app.ClassAccessory)
		idx := len(w.parts)
		w.parts = append(w.parts, p)
		w.ptype = append(w.ptype, pt)
		w.pmodel = append(w.pmodel, m)
		w.pop = append(w.pop, w.partPopularity())
		for _, c := range compat {
			c.parts = append(c.parts, idx)
		}
	}
}

// compatible returns m and up to four of its closest siblings. About
// two parts in three fit only their own model, as 60-70 % of appliance
// parts do (issue 15); main parts are more often specific to one model.
func (w *world) compatible(m *model, pt *partType) []*model {
	extra := []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3}[w.r.n(20)]
	if pt.class == app.ClassMain {
		extra = []int{0, 0, 0, 0, 0, 0, 0, 0, 1, 2}[w.r.n(10)]
	}
	pool := slices.Clone(m.peers[:min(len(m.peers), extra+2)])
	w.r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	return append([]*model{m}, pool[:min(len(pool), extra)]...)
}

// prices gives a part's price in every demo currency from its yuan price:
// CNY ends in 9, EUR in .99 (including import and VAT margins), NGN is
// rounded to 50 naira. All in minor units.
func prices(yuan int64) []app.Money {
	yuan = max(9, yuan/10*10+9)
	eur := (yuan*147+999)/1000*100 - 1 // about 0.147 EUR per yuan, as x.99
	naira := (yuan*235 + 25) / 50 * 50 // about 235 NGN per yuan
	return []app.Money{
		{Amount: yuan * 100, Currency: "CNY"},
		{Amount: eur, Currency: "EUR"},
		{Amount: naira * 100, Currency: "NGN"},
	}
}

// partNumber mints a unique part number in the style of the brand.
func (w *world) partNumber(m *model, pt *partType) app.PartNumber {
	r := w.r
	for {
		var s string
		switch m.brand {
		case "Samsung":
			switch pt.cat {
			case "battery":
				s = "EB-B" + pick(r, l("A", "S", "G", "M", "N")) + r.digits(3) + pick(r, l("ABY", "ABU", "ABE"))
			case "charger":
				s = "EP-T" + r.digits(4) + pick(r, l("NBEGEU", "NBEGWW", "XBEGCN"))
			case "cable":
				s = "EP-DN" + r.digits(3) + pick(r, l("BWE", "WWE"))
			default:
				grp := map[string]string{"display": "82", "housing": "98", "flex": "59", "camera": "96", "mainboard": "82"}[pt.cat]
				if grp == "" {
					grp = "96"
				}
				s = "GH" + grp + "-" + r.digits(5) + string(upperChars[r.n(6)])
			}
		case "Huawei":
			switch pt.cat {
			case "battery":
				s = "2402" + r.digits(4)
			case "charger", "cable":
				s = "0222" + r.digits(4)
			default:
				s = "0235" + r.chars(4, alnumChars)
			}
		case "Xiaomi":
			switch pt.cat {
			case "charger", "cable":
				s = "BHR" + r.digits(4) + pick(r, l("GL", "EU", "CN"))
			case "battery":
				s = "4602" + r.chars(8, alnumChars)
			case "display":
				s = "5600" + r.chars(8, alnumChars)
			default:
				s = pick(r, l("2701", "3210", "4800")) + r.chars(8, alnumChars)
			}
		case "Tecno":
			s = "TC" + r.digits(8)
		case "Haier":
			s = "00" + pick(r, l("21", "24", "30", "60")) + r.digits(6) + string(upperChars[r.n(5)])
		case "Midea":
			s = pick(r, l("1713", "1720", "1122")) + r.digits(10)
		case "Bosch":
			if r.chance(0.7) {
				s = "00" + r.digits(6)
			} else {
				s = "1" + r.digits(7)
			}
		case "Hisense":
			s = "K" + r.digits(7)
		case "Lenovo":
			prefix := map[string]string{"battery": "5B10", "display": "5D10", "keyboard": "5N20", "mainboard": "5B20", "fan": "5H40", "charger": "5A10", "storage": "5SS0", "memory": "5M30", "psu": "54Y8"}[pt.cat]
			if prefix == "" {
				prefix = pick(r, l("5CB0", "5M11", "5C10", "5SE0"))
			}
			s = prefix + string(upperChars[r.n(26)]) + r.digits(5)
		case "HP":
			s = pick(r, l("L", "M", "N")) + r.digits(5) + "-" + pick(r, l("001", "601", "B31", "AD1", "005", "850"))
		case "Dell":
			s = "0" + r.chars(5, tagChars)
		case "Inspur":
			code := map[string]string{"mainboard": "MB", "psu": "PS", "fan": "FA", "storage": "DK", "memory": "MM", "raid": "RD", "backplane": "BP", "riser": "RS", "network": "NI", "battery": "CB", "rail": "RL", "cable": "PC"}[pt.cat]
			if code == "" {
				code = "OT"
			}
			s = "YZ" + code + "-" + r.digits(5) + "-" + r.digits(3)
		default:
			s = r.chars(10, alnumChars)
		}
		if n := app.PartNumber(s); !w.partNums[n] {
			w.partNums[n] = true
			return n
		}
	}
}
