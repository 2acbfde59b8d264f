package store

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// A small deterministic generator of catalog and ticket data for the
// benchmarks and search tests (app/demo may grow a richer one; store does
// not depend on it).

var genNow = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

type genBrand struct {
	code, en, zh string
	models       []string
}

// genSeries gives each brand 3 series of 10 models ("Mate 51" ... "Mate
// 60"): with 100,000 parts, a model fits about 600 of them.
func genSeries(series ...string) []string {
	var out []string
	for _, s := range series {
		for n := 51; n <= 60; n++ {
			out = append(out, fmt.Sprint(s, " ", n))
		}
	}
	return out
}

var genBrands = []genBrand{
	{"HW", "Huawei", "华为", genSeries("Mate", "P", "Nova")},
	{"MI", "Xiaomi", "小米", genSeries("Redmi Note", "Mi", "Mix")},
	{"HR", "Haier", "海尔", genSeries("EG", "BCD", "KFR")},
	{"MD", "Midea", "美的", genSeries("MG", "KFR-GW", "BCD-W")},
	{"LN", "Lenovo", "联想", genSeries("ThinkPad X", "Legion", "Yoga")},
	{"SS", "Samsung", "三星", genSeries("Galaxy S", "Galaxy A", "WW")},
	{"GR", "Gree", "格力", genSeries("KFR-LW", "GMV", "Q")},
	{"DL", "Dell", "戴尔", genSeries("Latitude", "XPS", "PowerEdge R")},
}

type genKind struct {
	code, en, zh string
	class        app.ComponentClass
}

var genKinds = []genKind{
	{"BAT", "battery", "电池", app.ClassBattery},
	{"LCD", "display assembly", "屏幕总成", app.ClassMain},
	{"MB", "mainboard", "主板", app.ClassMain},
	{"CHG", "charger", "充电器", app.ClassAccessory},
	{"FLX", "flex cable", "排线", app.ClassUnit},
	{"CMP", "compressor", "压缩机", app.ClassMain},
	{"MOT", "motor", "电机", app.ClassMain},
	{"PMP", "drain pump", "排水泵", app.ClassMain},
	{"FAN", "fan", "风扇", app.ClassUnit},
	{"KB", "keyboard", "键盘", app.ClassUnit},
	{"CAM", "camera", "摄像头", app.ClassUnit},
	{"SPK", "speaker", "扬声器", app.ClassUnit},
	{"RC", "remote control", "遥控器", app.ClassAccessory},
	{"PWR", "power board", "电源板", app.ClassMain},
	{"SEAL", "door seal", "门封条", app.ClassUnit},
	{"FLT", "filter", "过滤器", app.ClassUnit},
	{"HDD", "hard drive", "硬盘", app.ClassMain},
	{"RAM", "memory module", "内存条", app.ClassMain},
	{"CVR", "back cover", "后盖", app.ClassUnit},
	{"BTN", "button", "按键", app.ClassUnit},
}

var genQualities = [][2]string{
	{"original", "原装"}, {"high capacity", "高容量"}, {"black", "黑色"}, {"white", "白色"},
	{"front", "前置"}, {"rear", "后置"}, {"left", "左"}, {"right", "右"}, {"", ""}, {"", ""},
}

// genParts returns n parts with unique numbers.
func genParts(r *rand.Rand, n int) []app.Part {
	out := make([]app.Part, n)
	for i := range out {
		b := genBrands[r.IntN(len(genBrands))]
		k := genKinds[r.IntN(len(genKinds))]
		q := genQualities[r.IntN(len(genQualities))]
		models := []string{b.models[r.IntN(len(b.models))]}
		if r.IntN(2) == 0 {
			if m := b.models[r.IntN(len(b.models))]; m != models[0] {
				models = append(models, m)
			}
		}
		en := b.en + " " + k.en + " " + models[0]
		if q[0] != "" {
			en = b.en + " " + q[0] + " " + k.en + " " + models[0]
		}
		price := int64(1000 + r.IntN(200000))
		out[i] = app.Part{
			Number: app.PartNumber(fmt.Sprintf("%s-%s%06d%c", b.code, k.code, i, 'A'+r.IntN(26))),
			NameEN: en, NameZH: b.zh + q[1] + k.zh, Category: k.en, Class: k.class, Brand: b.en,
			Models: models, Serialized: k.class == app.ClassMain && r.IntN(3) == 0,
			Prices:       []app.Money{{Amount: price, Currency: "CNY"}, {Amount: price / 8, Currency: "EUR"}},
			ReturnNeeded: k.class == app.ClassMain,
		}
	}
	return out
}

var genStatuses = []app.Status{
	app.StatusAssigned, app.StatusAssigned, app.StatusAssigned, app.StatusEnRoute, app.StatusInProgress,
	app.StatusWaitingParts, app.StatusCompleted, app.StatusClosed, app.StatusClosed, app.StatusCancelled,
}

var genSurnames = []string{"王", "李", "张", "刘", "陈", "Müller", "Smith", "García", "Rossi", "Nguyen"}

// genTechnicians returns technicians "tech-000" ... with a van each.
func genTechnicians(n int) ([]app.Technician, []app.Location) {
	techs := make([]app.Technician, n)
	locs := make([]app.Location, 0, n+2)
	for i := range techs {
		id := app.TechnicianID(fmt.Sprintf("tech-%03d", i))
		van := app.LocationID(fmt.Sprintf("van-%03d", i))
		techs[i] = app.Technician{ID: id, Name: fmt.Sprint("Technician ", i), Country: "CN", Van: van}
		locs = append(locs, app.Location{ID: van, Kind: app.LocationVan, Name: fmt.Sprint("Van ", i), Owner: string(id)})
	}
	locs = append(locs, app.Location{ID: "wh-cn", Kind: app.LocationWarehouse, Name: "China warehouse"},
		app.Location{ID: "def-cn", Kind: app.LocationDefective, Name: "Defective returns"})
	return techs, locs
}

// genTickets returns n tickets spread over nTech technicians, scheduled
// within a month around genNow, with a few facts each. prefix keeps the
// IDs of separate batches apart.
func genTickets(r *rand.Rand, n, nTech int, prefix string, parts []app.Part) []app.TicketDetail {
	out := make([]app.TicketDetail, n)
	for i := range out {
		id := app.TicketID(fmt.Sprintf("%s-t-%06d", prefix, i))
		b := genBrands[r.IntN(len(genBrands))]
		st := genStatuses[r.IntN(len(genStatuses))]
		created := genNow.Add(-time.Duration(r.IntN(30*24)) * time.Hour)
		t := app.Ticket{
			ID: id, Number: fmt.Sprintf("FB-2026-%s%06d", prefix, i), Kind: app.KindOnSite, Country: "CN",
			Product: app.Product{Category: app.CategoryPhone, Brand: b.en, Model: b.models[0],
				Serial: fmt.Sprintf("SN%010d", r.Int64N(1e10)), PurchaseDate: created.AddDate(0, -r.IntN(30), 0)},
			Customer: app.Customer{Name: genSurnames[r.IntN(len(genSurnames))] + fmt.Sprint(" customer ", i),
				Phone: fmt.Sprintf("+86 1%02d %04d %04d", r.IntN(100), r.IntN(10000), r.IntN(10000)), City: "Shanghai",
				Address: fmt.Sprint(r.IntN(999), " Nanjing Road")},
			Fault:      "does not power on after a fall; customer reports intermittent charging",
			Priority:   app.Priority(1 + r.IntN(4)),
			Technician: app.TechnicianID(fmt.Sprintf("tech-%03d", r.IntN(nTech))),
			Epoch:      1, Status: st, CreatedAt: created, UpdatedAt: created,
		}
		if i%3 == 0 {
			t.Kind = app.KindCarryIn
		}
		if r.IntN(5) > 0 {
			t.WindowStart = genNow.Truncate(time.Hour).Add(time.Duration(r.IntN(24*20)-24*5) * time.Hour)
			t.WindowEnd = t.WindowStart.Add(2 * time.Hour)
		}
		if r.IntN(3) > 0 {
			t.ResolveBy = created.Add(time.Duration(48+r.IntN(24*10)) * time.Hour)
		}
		d := app.TicketDetail{Ticket: t}
		if !st.Open() || st == app.StatusInProgress || st == app.StatusWaitingParts {
			for j := range 1 + r.IntN(2) {
				d.Repairs = append(d.Repairs, app.RepairEntry{ID: fmt.Sprintf("%s-r%d", id, j), Ticket: id, Action: "replaced part", Minutes: 15, At: created.Add(time.Hour)})
			}
			p := parts[r.IntN(len(parts))]
			d.Parts = append(d.Parts, app.PartUsed{ID: fmt.Sprintf("%s-u", id), Ticket: id, Part: p.Number, Qty: 1, From: app.LocationID("van-000"), At: created.Add(time.Hour)})
		}
		if r.IntN(2) == 0 {
			d.Notes = append(d.Notes, app.Note{ID: fmt.Sprintf("%s-n", id), Ticket: id, Text: "customer asked for a call before arrival", At: created})
		}
		out[i] = d
	}
	return out
}

// genMovements returns n receive and consume movements of parts at the vans.
func genMovements(r *rand.Rand, n, nTech int, prefix string, parts []app.Part) []app.StockMovement {
	out := make([]app.StockMovement, n)
	for i := range out {
		p := parts[r.IntN(len(parts))].Number
		van := app.LocationID(fmt.Sprintf("van-%03d", r.IntN(nTech)))
		m := app.StockMovement{ID: fmt.Sprintf("%s-mv-%06d", prefix, i), Part: p, Qty: 1 + r.IntN(3), At: genNow.Add(-time.Duration(i) * time.Minute)}
		if i%3 == 2 {
			m.Kind, m.From, m.Ticket = app.MoveConsume, van, "t-x"
		} else {
			m.Kind, m.To = app.MoveReceive, van
		}
		out[i] = m
	}
	return out
}

// newRand returns a generator with a fixed seed.
func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }
