package app_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// day parses a YYYY-MM-DD test date.
func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Catalog parts priced in the three demo currencies (minor units).
func part(n, name string, class app.ComponentClass, cny, eur, ngn int64) app.Part {
	p := app.Part{Number: app.PartNumber(n), NameEN: name, Class: class}
	for _, m := range []app.Money{{Amount: cny, Currency: "CNY"}, {Amount: eur, Currency: "EUR"}, {Amount: ngn, Currency: "NGN"}} {
		if m.Amount > 0 {
			p.Prices = append(p.Prices, m)
		}
	}
	return p
}

var (
	battery    = part("BAT-5000", "Battery 5000 mAh", app.ClassBattery, 89_00, 39_00, 25_000_00)
	mainboard  = part("MB-PHONE", "Mainboard", app.ClassMain, 1_200_00, 249_00, 180_000_00)
	display    = part("LCD-6.7", "Display assembly", app.ClassMain, 899_00, 189_00, 120_000_00)
	charger    = part("CHG-25W", "Charger 25 W", app.ClassAccessory, 59_00, 25_00, 9_000_00)
	simTray    = part("SIM-TRAY", "SIM tray", app.ClassUnit, 15_50, 3_00, 1_500_00)
	compressor = part("CMP-R600A", "Compressor", app.ClassMain, 1_350_00, 320_00, 210_000_00)
	pump       = part("PMP-DRAIN", "Drain pump", app.ClassUnit, 180_00, 45_00, 28_000_00)
	pcBoard    = part("MB-PC", "PC mainboard", app.ClassMain, 2_100_00, 380_00, 300_000_00)
	psu        = part("PSU-800", "Power supply 800 W", app.ClassUnit, 1_600_00, 290_00, 240_000_00)
	cnOnly     = part("CN-ONLY", "Back cover (China)", app.ClassUnit, 120_00, 0, 0)
)

func one(ps ...app.Part) []app.UsedPart {
	var us []app.UsedPart
	for _, p := range ps {
		us = append(us, app.UsedPart{Part: p, Qty: 1})
	}
	return us
}

// product builds a product; options set dates, proof and plans.
func product(c app.Category, brand, model string, opts ...func(*app.Product)) app.Product {
	p := app.Product{Category: c, Brand: brand, Model: model, Serial: "SN-TEST"}
	for _, o := range opts {
		o(&p)
	}
	return p
}

// bought sets a purchase date backed by a receipt.
func bought(d string) func(*app.Product) {
	return func(p *app.Product) { p.PurchaseDate, p.ProofOfPurchase = day(d), "INV-1" }
}

// claimed sets a purchase date the customer states but cannot prove.
func claimed(d string) func(*app.Product) {
	return func(p *app.Product) { p.PurchaseDate, p.ProofOfPurchase = day(d), "" }
}

func made(d string) func(*app.Product) {
	return func(p *app.Product) { p.ManufactureDate = day(d) }
}

// plan attaches an extended plan; start "" means it starts at purchase.
func plan(id, start string) func(*app.Product) {
	return func(p *app.Product) {
		p.PlanID = id
		if start != "" {
			p.PlanStart = day(start)
		}
	}
}

var (
	liquid       = app.Condition{LiquidDamage: true}
	physical     = app.Condition{PhysicalDamage: true}
	unauthorized = app.Condition{UnauthorizedRepair: true}
)

// withTax returns the sum of amounts plus tax at bps, rounded half up.
func withTax(bps int64, amounts ...int64) int64 {
	var s int64
	for _, a := range amounts {
		s += a
	}
	return s + (s*bps+5000)/10000
}

// ruleSet returns the demo rule set with the given ID.
func ruleSet(tb testing.TB, id string) app.RuleSet {
	tb.Helper()
	for _, rs := range demo.RuleSets() {
		if rs.ID == id {
			return rs
		}
	}
	tb.Fatalf("no demo rule set %q", id)
	return app.RuleSet{}
}

// Demo rates: CNY 120.00/h = 200 fen a minute, call-out 50.00;
// EUR 89.00/h (30 min = 44.50), call-out 59.00;
// NGN 12,000.00/h = 20,000 kobo a minute, call-out 8,000.00.
const (
	cnMin   = 200
	cnVisit = 50_00
	de30    = 44_50
	ngMin   = 20_000
	ngVisit = 8_000_00
)

type decideCase struct {
	name    string
	rs      string             // demo rule set ID
	edit    func(*app.RuleSet) // optional change to the rule set
	country string             // ticket country; defaults to rs
	kind    app.TicketKind     // defaults to carry-in
	product app.Product
	cond    app.Condition
	parts   []app.UsedPart
	minutes int
	on      string

	wantErr      string // error key; nothing else is checked
	wantCoverage app.Coverage
	wantRemedy   app.Remedy
	wantLines    string // line kind (class for parts) and + covered / - charged
	wantTotal    int64
	wantKey      string // a reason key that must be present
	wantBasis    string // checked when set
	wantRule     string // checked when set
}

var (
	phone     = app.CategoryPhone
	appliance = app.CategoryAppliance
	pc        = app.CategoryPC
	server    = app.CategoryServer
	onSite    = app.KindOnSite
)

func decideCases() []decideCase {
	return []decideCase{
		// China, phones: the three guarantees' refund and exchange windows.
		{name: "CN phone day 0 refund", rs: "CN", product: product(phone, "Huawei", "Mate 60", bought("2025-03-01")),
			parts: one(mainboard), minutes: 30, on: "2025-03-01",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRefund, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.refund", wantBasis: "purchase", wantRule: "phone/*/*"},
		{name: "CN phone day 7 refund", rs: "CN", product: product(phone, "Huawei", "Mate 60", bought("2025-03-01")),
			parts: one(mainboard), minutes: 30, on: "2025-03-08",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRefund, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.refund"},
		{name: "CN phone day 8 exchange not refund", rs: "CN", product: product(phone, "Huawei", "Mate 60", bought("2025-03-01")),
			parts: one(mainboard), minutes: 30, on: "2025-03-09",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyExchange, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.exchange"},
		{name: "CN phone day 15 exchange", rs: "CN", product: product(phone, "Xiaomi", "14", bought("2025-03-01")),
			parts: one(display), minutes: 30, on: "2025-03-16",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyExchange, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.exchange"},
		{name: "CN phone day 16 repair", rs: "CN", product: product(phone, "Xiaomi", "14", bought("2025-03-01")),
			parts: one(display), minutes: 30, on: "2025-03-17",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.in_period"},

		// China, phones: end of the 12-month warranty.
		{name: "CN phone last day of warranty", rs: "CN", product: product(phone, "Huawei", "Mate 60", bought("2025-03-01")),
			parts: one(mainboard), minutes: 30, on: "2026-02-28",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.in_period"},
		{name: "CN phone day after warranty", rs: "CN", product: product(phone, "Huawei", "Mate 60", bought("2025-03-01")),
			parts: one(mainboard), minutes: 30, on: "2026-03-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour-",
			wantTotal: withTax(1300, 1_200_00, 30*cnMin), wantKey: "warranty.reason.expired"},
		{name: "CN phone bought Jan 31 last day Jan 30", rs: "CN", product: product(phone, "Samsung", "Galaxy A55", bought("2025-01-31")),
			parts: one(mainboard), minutes: 30, on: "2026-01-30",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.in_period"},
		{name: "CN phone bought Jan 31 out on Jan 31", rs: "CN", product: product(phone, "Samsung", "Galaxy A55", bought("2025-01-31")),
			parts: one(mainboard), minutes: 30, on: "2026-01-31",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour-",
			wantTotal: withTax(1300, 1_200_00, 30*cnMin), wantKey: "warranty.reason.expired"},
		{name: "CN phone bought Feb 29 last day Feb 28", rs: "CN", product: product(phone, "Xiaomi", "14", bought("2024-02-29")),
			parts: one(mainboard), minutes: 30, on: "2025-02-28",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.in_period"},

		// China, phones: the 6-month battery period, including a month end.
		{name: "CN phone battery bought Aug 31 covered to Feb 28", rs: "CN", product: product(phone, "Xiaomi", "14", bought("2024-08-31")),
			parts: one(battery), minutes: 30, on: "2025-02-28",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "battery+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.in_period"},
		{name: "CN phone battery bought Aug 31 charged on Mar 1", rs: "CN", product: product(phone, "Xiaomi", "14", bought("2024-08-31")),
			parts: one(battery), minutes: 30, on: "2025-03-01",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "battery- labour+",
			wantTotal: withTax(1300, 89_00), wantKey: "warranty.reason.class_expired"},
		{name: "CN phone battery out mainboard in", rs: "CN", product: product(phone, "Huawei", "Mate 60", bought("2025-03-01")),
			parts: one(battery, mainboard), minutes: 45, on: "2025-10-01",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "battery- main+ labour+",
			wantTotal: withTax(1300, 89_00), wantKey: "warranty.reason.class_expired"},
		{name: "CN phone diagnosis only in warranty", rs: "CN", product: product(phone, "Huawei", "Mate 60", bought("2025-03-01")),
			on:           "2025-06-01",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "", wantTotal: 0,
			wantKey: "warranty.reason.in_period"},

		// China: no proof of purchase.
		{name: "CN phone no proof made Dec 1 plus 90 days last day", rs: "CN", product: product(phone, "Tecno", "Camon 30", made("2024-12-01")),
			parts: one(mainboard), minutes: 30, on: "2026-02-28",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.in_period_manufacture", wantBasis: "manufacture"},
		{name: "CN phone no proof made Dec 1 plus 90 days day after", rs: "CN", product: product(phone, "Tecno", "Camon 30", made("2024-12-01")),
			parts: one(mainboard), minutes: 30, on: "2026-03-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour-",
			wantTotal: withTax(1300, 1_200_00, 30*cnMin), wantKey: "warranty.reason.expired_manufacture", wantBasis: "manufacture"},
		{name: "CN phone no proof day 3 repair not refund", rs: "CN", product: product(phone, "Xiaomi", "14", claimed("2025-05-01"), made("2025-03-01")),
			parts: one(mainboard), minutes: 30, on: "2025-05-04",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.in_period_manufacture", wantBasis: "manufacture"},
		{name: "CN phone no proof and no manufacture date", rs: "CN", product: product(phone, "Xiaomi", "14", claimed("2025-05-01")),
			parts: one(mainboard), minutes: 30, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour-",
			wantTotal: withTax(1300, 1_200_00, 30*cnMin), wantKey: "warranty.reason.no_proof", wantBasis: "none"},

		// China: exclusions and the Care plan.
		{name: "CN phone liquid damage excluded", rs: "CN", product: product(phone, "Xiaomi", "14", bought("2025-03-01")),
			cond: liquid, parts: one(mainboard), minutes: 30, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour-",
			wantTotal: withTax(1300, 1_200_00, 30*cnMin), wantKey: "warranty.reason.liquid_damage"},
		{name: "CN phone liquid damage day 3 no refund", rs: "CN", product: product(phone, "Xiaomi", "14", bought("2025-03-01")),
			cond: liquid, parts: one(mainboard), minutes: 30, on: "2025-03-04",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour-",
			wantTotal: withTax(1300, 1_200_00, 30*cnMin), wantKey: "warranty.reason.liquid_damage"},
		{name: "CN phone unauthorized repair", rs: "CN", product: product(phone, "Samsung", "Galaxy A55", bought("2025-03-01")),
			cond: unauthorized, parts: one(mainboard), minutes: 30, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour-",
			wantTotal: withTax(1300, 1_200_00, 30*cnMin), wantKey: "warranty.reason.unauthorized_repair"},
		{name: "CN phone cracked screen under Care plan pays excess", rs: "CN",
			product: product(phone, "Huawei", "Mate 60", bought("2025-03-01"), plan("CN-CARE-2Y", "")),
			cond:    physical, parts: one(display), minutes: 30, on: "2025-06-01",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+ excess-",
			wantTotal: withTax(1300, 299_00), wantKey: "warranty.reason.plan_covers_damage", wantBasis: "plan"},
		{name: "CN phone cracked screen day 2 under Care plan repair not refund", rs: "CN",
			product: product(phone, "Huawei", "Mate 60", bought("2025-03-01"), plan("CN-CARE-2Y", "")),
			cond:    physical, parts: one(display), minutes: 30, on: "2025-03-03",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+ excess-",
			wantTotal: withTax(1300, 299_00), wantKey: "warranty.reason.physical_damage", wantBasis: "plan"},
		{name: "CN phone liquid damage not covered by Care plan", rs: "CN",
			product: product(phone, "Huawei", "Mate 60", bought("2025-03-01"), plan("CN-CARE-2Y", "")),
			cond:    liquid, parts: one(display), minutes: 30, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour-",
			wantTotal: withTax(1300, 899_00, 30*cnMin), wantKey: "warranty.reason.plan_not_covering"},
		{name: "CN phone Care plan bought after the damage", rs: "CN",
			product: product(phone, "Huawei", "Mate 60", bought("2025-03-01"), plan("CN-CARE-2Y", "2025-07-01")),
			cond:    physical, parts: one(display), minutes: 30, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour-",
			wantTotal: withTax(1300, 899_00, 30*cnMin), wantKey: "warranty.reason.plan_not_started"},
		{name: "CN phone Care plan extends after base expiry", rs: "CN",
			product: product(phone, "Huawei", "Mate 60", bought("2025-03-01"), plan("CN-CARE-2Y", "")),
			parts:   one(mainboard), minutes: 30, on: "2026-06-01",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.plan_extends", wantBasis: "plan"},
		{name: "CN phone Care plan covers battery to 12 months", rs: "CN",
			product: product(phone, "Huawei", "Mate 60", bought("2025-03-01"), plan("CN-CARE-2Y", "")),
			parts:   one(battery), minutes: 30, on: "2025-10-01",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "battery+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.plan_extends", wantBasis: "plan"},
		{name: "CN phone Care plan last day Feb 29 2028", rs: "CN",
			product: product(phone, "Huawei", "Mate 60", bought("2025-03-01"), plan("CN-CARE-2Y", "")),
			parts:   one(mainboard), minutes: 30, on: "2028-02-29",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.plan_extends", wantBasis: "plan"},
		{name: "CN phone Care plan ended", rs: "CN",
			product: product(phone, "Huawei", "Mate 60", bought("2025-03-01"), plan("CN-CARE-2Y", "")),
			parts:   one(mainboard), minutes: 30, on: "2028-03-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour-",
			wantTotal: withTax(1300, 1_200_00, 30*cnMin), wantKey: "warranty.reason.plan_expired", wantBasis: "purchase"},
		{name: "CN tax rounds half up", rs: "CN", product: product(phone, "Xiaomi", "13", bought("2023-01-01")),
			parts: one(simTray), on: "2025-06-01",
			// 15.50 x 13 % = 2.015, rounded half up to 2.02.
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "unit-", wantTotal: 15_50 + 2_02,
			wantKey: "warranty.reason.expired"},

		// China, appliances: main parts outlive the unit; call-out on site.
		{name: "CN appliance on site in warranty call-out free", rs: "CN", kind: onSite,
			product: product(appliance, "Midea", "MG100V11F", bought("2025-02-01")),
			parts:   one(pump), minutes: 60, on: "2025-06-01",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "unit+ labour+ call_out+", wantTotal: 0,
			wantKey: "warranty.reason.in_period"},
		{name: "CN appliance compressor 36 months unit expired labour and call-out charged", rs: "CN", kind: onSite,
			product: product(appliance, "Midea", "BCD-520WKPZM", bought("2023-06-01")),
			parts:   one(compressor), minutes: 90, on: "2025-12-01",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "main+ labour- call_out-",
			wantTotal: withTax(1300, 90*cnMin, cnVisit), wantKey: "warranty.reason.labour_charged"},
		{name: "CN appliance compressor last day of 36 months", rs: "CN", kind: onSite,
			product: product(appliance, "Midea", "BCD-520WKPZM", bought("2022-06-01")),
			parts:   one(compressor), minutes: 90, on: "2025-05-31",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "main+ labour- call_out-",
			wantTotal: withTax(1300, 90*cnMin, cnVisit), wantKey: "warranty.reason.class_in_period"},
		{name: "CN appliance compressor day after 36 months", rs: "CN", kind: onSite,
			product: product(appliance, "Midea", "BCD-520WKPZM", bought("2022-06-01")),
			parts:   one(compressor), minutes: 90, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour- call_out-",
			wantTotal: withTax(1300, 1_350_00, 90*cnMin, cnVisit), wantKey: "warranty.reason.expired"},
		{name: "CN appliance on site out of warranty call-out charged", rs: "CN", kind: onSite,
			product: product(appliance, "Midea", "MG100V11F", bought("2024-01-10")),
			parts:   one(pump), minutes: 60, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "unit- labour- call_out-",
			wantTotal: withTax(1300, 180_00, 60*cnMin, cnVisit), wantKey: "warranty.reason.expired"},
		{name: "CN appliance carry-in out of warranty no call-out", rs: "CN",
			product: product(appliance, "Midea", "MG100V11F", bought("2024-01-10")),
			parts:   one(pump), minutes: 60, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "unit- labour-",
			wantTotal: withTax(1300, 180_00, 60*cnMin), wantKey: "warranty.reason.expired"},

		// China, appliances: brand and model rules.
		{name: "CN appliance Haier brand rule 60-month compressor", rs: "CN", kind: onSite,
			product: product(appliance, "haier", "BCD-216STPT", bought("2021-06-01")),
			parts:   one(compressor), minutes: 90, on: "2025-06-01",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "main+ labour- call_out-",
			wantTotal: withTax(1300, 90*cnMin, cnVisit), wantKey: "warranty.reason.class_in_period", wantRule: "appliance/Haier/*"},
		{name: "CN appliance Midea same age category rule out", rs: "CN", kind: onSite,
			product: product(appliance, "Midea", "BCD-520WKPZM", bought("2021-06-01")),
			parts:   one(compressor), minutes: 90, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour- call_out-",
			wantTotal: withTax(1300, 1_350_00, 90*cnMin, cnVisit), wantKey: "warranty.reason.expired", wantRule: "appliance/*/*"},
		{name: "CN appliance Haier model rule 10-year compressor", rs: "CN", kind: onSite,
			product: product(appliance, "Haier", "BCD-470WDPG", bought("2017-06-01")),
			parts:   one(compressor), minutes: 90, on: "2025-06-01",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "main+ labour- call_out-",
			wantTotal: withTax(1300, 90*cnMin, cnVisit), wantKey: "warranty.reason.class_in_period", wantRule: "appliance/Haier/BCD-470WDPG"},
		{name: "CN appliance Haier model rule for a model typed full-width", rs: "CN", kind: onSite,
			product: product(appliance, "ＨＡＩＥＲ", "ＢＣＤ－４７０ＷＤＰＧ", bought("2017-06-01")),
			parts:   one(compressor), minutes: 90, on: "2025-06-01",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "main+ labour- call_out-",
			wantTotal: withTax(1300, 90*cnMin, cnVisit), wantKey: "warranty.reason.class_in_period", wantRule: "appliance/Haier/BCD-470WDPG"},
		{name: "CN appliance Haier other model 8 years out", rs: "CN", kind: onSite,
			product: product(appliance, "Haier", "BCD-216STPT", bought("2017-06-01")),
			parts:   one(compressor), minutes: 90, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour- call_out-",
			wantTotal: withTax(1300, 1_350_00, 90*cnMin, cnVisit), wantKey: "warranty.reason.expired", wantRule: "appliance/Haier/*"},
		{name: "CN appliance model rule wins whatever the rule order", rs: "CN", kind: onSite,
			edit:    func(rs *app.RuleSet) { slices.Reverse(rs.Rules) },
			product: product(appliance, "Haier", "BCD-470WDPG", bought("2017-06-01")),
			parts:   one(compressor), minutes: 90, on: "2025-06-01",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "main+ labour- call_out-",
			wantTotal: withTax(1300, 90*cnMin, cnVisit), wantKey: "warranty.reason.class_in_period", wantRule: "appliance/Haier/BCD-470WDPG"},

		// China, PCs and servers.
		{name: "CN PC mainboard 24 months unit expired", rs: "CN", product: product(pc, "Lenovo", "ThinkPad T14", bought("2024-01-15")),
			parts: one(pcBoard), minutes: 60, on: "2025-10-01",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "main+ labour-",
			wantTotal: withTax(1300, 60*cnMin), wantKey: "warranty.reason.class_in_period", wantRule: "pc/*/*"},
		{name: "CN server day 3 repair no refund window", rs: "CN", kind: onSite,
			product: product(server, "Inspur", "NF5280M6", bought("2025-05-01")),
			parts:   one(psu), minutes: 60, on: "2025-05-04",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "unit+ labour+ call_out+", wantTotal: 0,
			wantKey: "warranty.reason.in_period", wantRule: "server/*/*"},
		{name: "CN server without a rule is out", rs: "CN", kind: onSite,
			edit: func(rs *app.RuleSet) {
				rs.Rules = slices.DeleteFunc(rs.Rules, func(r app.WarrantyRule) bool { return r.Category == app.CategoryServer })
			},
			product: product(server, "Inspur", "NF5280M6", bought("2025-05-01")),
			parts:   one(psu), minutes: 60, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "unit- labour- call_out-",
			wantTotal: withTax(1300, 1_600_00, 60*cnMin, cnVisit), wantKey: "warranty.reason.no_rule", wantBasis: "none", wantRule: ""},

		// Germany: the EU two-year legal guarantee.
		{name: "DE phone day 3 repair no refund window", rs: "DE", product: product(phone, "Samsung", "Galaxy S24", bought("2025-05-01")),
			parts: one(battery), minutes: 30, on: "2025-05-04",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "battery+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.in_period"},
		{name: "DE phone 2-year last day battery included", rs: "DE", product: product(phone, "Samsung", "Galaxy S24", bought("2024-03-15")),
			parts: one(battery), minutes: 30, on: "2026-03-14",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "battery+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.in_period", wantRule: "phone/*/*"},
		{name: "DE phone day after 2 years", rs: "DE", product: product(phone, "Samsung", "Galaxy S24", bought("2024-03-15")),
			parts: one(battery), minutes: 30, on: "2026-03-15",
			// 83.50 x 19 % = 15.865, rounded half up to 15.87.
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "battery- labour-",
			wantTotal: 83_50 + 15_87, wantKey: "warranty.reason.expired"},
		{name: "DE no receipt no cover even with manufacture date", rs: "DE", kind: onSite,
			product: product(appliance, "Bosch", "WGG14403", made("2025-01-01")),
			parts:   one(pump), minutes: 60, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "unit- labour- call_out-",
			wantTotal: withTax(1900, 45_00, 89_00, 59_00), wantKey: "warranty.reason.proof_required", wantBasis: "none"},
		{name: "DE labour rounds half up", rs: "DE", edit: func(rs *app.RuleSet) { rs.LabourRate.Amount = 85_50 },
			product: product(phone, "Samsung", "Galaxy S21", bought("2023-01-01")),
			minutes: 5, on: "2025-06-01",
			// 5 min at 85.50/h = 7.125 -> 7.13; tax 19 % = 1.3547 -> 1.35.
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "labour-", wantTotal: 7_13 + 1_35,
			wantKey: "warranty.reason.expired"},
		{name: "DE liquid damage under accident plan with excess", rs: "DE",
			product: product(phone, "Samsung", "Galaxy S24", bought("2024-03-15"), plan("DE-SCHUTZ-3J", "")),
			cond:    liquid, parts: one(display), minutes: 30, on: "2025-06-01",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+ excess-",
			wantTotal: withTax(1900, 49_00), wantKey: "warranty.reason.plan_covers_damage", wantBasis: "plan"},
		{name: "DE accident plan excess capped at repair cost", rs: "DE",
			product: product(phone, "Samsung", "Galaxy S24", bought("2024-03-15"), plan("DE-SCHUTZ-3J", "")),
			cond:    liquid, parts: one(charger), on: "2025-06-01",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "accessory+ excess-",
			wantTotal: withTax(1900, 25_00), wantKey: "warranty.reason.plan_covers_damage", wantBasis: "plan"},
		{name: "DE liquid plus unauthorized repair not covered by plan", rs: "DE",
			product: product(phone, "Samsung", "Galaxy S24", bought("2024-03-15"), plan("DE-SCHUTZ-3J", "")),
			cond:    app.Condition{LiquidDamage: true, UnauthorizedRepair: true}, parts: one(display), minutes: 30, on: "2025-06-01",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour-",
			wantTotal: withTax(1900, 189_00, de30), wantKey: "warranty.reason.plan_not_covering"},
		{name: "DE accident plan third year breakdown", rs: "DE",
			product: product(phone, "Samsung", "Galaxy S24", bought("2024-03-15"), plan("DE-SCHUTZ-3J", "")),
			parts:   one(mainboard), minutes: 30, on: "2026-09-01",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.plan_extends", wantBasis: "plan"},

		{name: "DE accident plan third year on site call-out not covered", rs: "DE", kind: onSite,
			product: product(appliance, "Bosch", "WGG14403", bought("2024-03-15"), plan("DE-SCHUTZ-3J", "")),
			parts:   one(pump), minutes: 60, on: "2026-09-01",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "unit+ labour+ call_out-",
			wantTotal: withTax(1900, 59_00), wantKey: "warranty.reason.call_out_charged", wantBasis: "plan"},

		// Nigeria: manufacturer warranties, no remedy windows.
		{name: "NG phone day 2 repair no refund window", rs: "NG", product: product(phone, "Tecno", "Camon 30", bought("2025-05-01")),
			parts: one(battery), minutes: 20, on: "2025-05-03",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "battery+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.in_period"},
		{name: "NG phone battery 6 months last day", rs: "NG", product: product(phone, "Tecno", "Camon 30", bought("2025-01-10")),
			parts: one(battery), minutes: 20, on: "2025-07-09",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "battery+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.in_period"},
		{name: "NG phone battery day after 6 months", rs: "NG", product: product(phone, "Tecno", "Camon 30", bought("2025-01-10")),
			parts: one(battery), minutes: 20, on: "2025-07-10",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "battery- labour+",
			wantTotal: withTax(750, 25_000_00), wantKey: "warranty.reason.class_expired"},
		{name: "NG phone charger after 3 months", rs: "NG", product: product(phone, "Samsung", "Galaxy A15", bought("2025-01-10")),
			parts: one(charger), minutes: 20, on: "2025-04-10",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "accessory- labour+",
			wantTotal: withTax(750, 9_000_00), wantKey: "warranty.reason.class_expired"},
		{name: "NG phone no proof made plus 60 days last day", rs: "NG", product: product(phone, "Tecno", "Spark 20", made("2024-11-01")),
			parts: one(display), minutes: 20, on: "2025-12-30",
			wantCoverage: app.CoverageIn, wantRemedy: app.RemedyRepair, wantLines: "main+ labour+", wantTotal: 0,
			wantKey: "warranty.reason.in_period_manufacture", wantBasis: "manufacture"},
		{name: "NG phone no proof made plus 60 days day after", rs: "NG", product: product(phone, "Tecno", "Spark 20", made("2024-11-01")),
			parts: one(display), minutes: 20, on: "2025-12-31",
			wantCoverage: app.CoverageOut, wantRemedy: app.RemedyPaidRepair, wantLines: "main- labour-",
			wantTotal: withTax(750, 120_000_00, 20*ngMin), wantKey: "warranty.reason.expired_manufacture"},
		{name: "NG appliance compressor 24 months unit expired", rs: "NG", kind: onSite,
			product: product(appliance, "Hisense", "RD-35DR4SA", bought("2024-02-01")),
			parts:   one(compressor), minutes: 60, on: "2025-08-01",
			wantCoverage: app.CoveragePartial, wantRemedy: app.RemedyRepair, wantLines: "main+ labour- call_out-",
			wantTotal: withTax(750, 60*ngMin, ngVisit), wantKey: "warranty.reason.labour_charged"},

		// Input the engine refuses.
		{name: "NG part without a naira price is an error", rs: "NG", product: product(phone, "Tecno", "Camon 30", bought("2025-05-01")),
			parts: one(cnOnly), on: "2025-06-01", wantErr: "warranty.invalid.part_price"},
		{name: "CN rules for a German ticket is an error", rs: "CN", country: "DE",
			product: product(phone, "Samsung", "Galaxy S24", bought("2025-05-01")),
			parts:   one(battery), on: "2025-06-01", wantErr: "warranty.invalid.country"},
		{name: "purchase after the fault was reported is an error", rs: "CN",
			product: product(phone, "Huawei", "Mate 60", bought("2025-07-01")),
			parts:   one(battery), on: "2025-06-01", wantErr: "warranty.invalid.purchase_future"},
	}
}

// input builds the Decide arguments for a case.
func (c decideCase) input(tb testing.TB) (app.RuleSet, app.WarrantyInput) {
	tb.Helper()
	rs := ruleSet(tb, c.rs)
	if c.edit != nil {
		c.edit(&rs)
	}
	country := c.country
	if country == "" {
		country = rs.Country
	}
	kind := c.kind
	if kind == "" {
		kind = app.KindCarryIn
	}
	on := day(c.on).Add(10*time.Hour + 17*time.Minute) // a time of day must not matter
	return rs, app.WarrantyInput{
		Ticket: app.Ticket{
			ID: "t-1", Number: "FB-2025-000001", Kind: kind, Country: country, Product: c.product,
			Customer: app.Customer{Name: "Test"}, Priority: app.PriorityNormal, Condition: c.cond, CreatedAt: on,
		},
		Parts:         c.parts,
		LabourMinutes: c.minutes,
		On:            on,
	}
}

// lineSummary renders lines as "battery- main+ labour+".
func lineSummary(ls []app.ChargeLine) string {
	var b []string
	for _, l := range ls {
		s := string(l.Kind)
		if l.Kind == app.ChargePart {
			s = string(l.Class)
		}
		if l.Covered {
			s += "+"
		} else {
			s += "-"
		}
		b = append(b, s)
	}
	return strings.Join(b, " ")
}

func reasonKeys(d app.Decision) []string {
	var ks []string
	for _, r := range d.Reasons {
		ks = append(ks, r.Key)
	}
	return ks
}

func TestDecide(t *testing.T) {
	cases := decideCases()
	if len(cases) < 35 {
		t.Fatalf("only %d cases", len(cases))
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			rs, in := c.input(t)
			d, err := app.Decide(rs, in)
			if c.wantErr != "" {
				e := app.AsError(err)
				if e == nil || e.Code != app.EINVALID || e.Key != c.wantErr {
					t.Fatalf("err = %v (%+v), want EINVALID %s", err, e, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Coverage != c.wantCoverage {
				t.Errorf("coverage = %s, want %s", d.Coverage, c.wantCoverage)
			}
			if d.Remedy != c.wantRemedy {
				t.Errorf("remedy = %s, want %s", d.Remedy, c.wantRemedy)
			}
			if got := lineSummary(d.Lines); got != c.wantLines {
				t.Errorf("lines = %q, want %q", got, c.wantLines)
			}
			if d.Total.Amount != c.wantTotal || d.Total.Currency != rs.Currency {
				t.Errorf("total = %s, want %s", d.Total, app.Money{Amount: c.wantTotal, Currency: rs.Currency})
			}
			if !slices.Contains(reasonKeys(d), c.wantKey) {
				t.Errorf("reasons %v lack %s", reasonKeys(d), c.wantKey)
			}
			if c.wantBasis != "" && d.Basis != c.wantBasis {
				t.Errorf("basis = %s, want %s", d.Basis, c.wantBasis)
			}
			if c.wantRule != "" || strings.Contains(c.name, "without a rule") {
				if d.Rule != c.wantRule {
					t.Errorf("rule = %q, want %q", d.Rule, c.wantRule)
				}
			}
			if d.RuleSet != rs.ID || d.RuleSetVersion != rs.Version || !d.EvaluatedOn.Equal(day(c.on)) {
				t.Errorf("provenance = %s v%d on %s", d.RuleSet, d.RuleSetVersion, d.EvaluatedOn)
			}
			if t.Failed() {
				for _, r := range d.Reasons {
					t.Logf("reason %s: %s", r.Key, r.Text())
				}
			}
			checkInvariants(t, rs, in, d)
		})
	}
}

// checkInvariants asserts what must hold for every decision.
func checkInvariants(tb testing.TB, rs app.RuleSet, in app.WarrantyInput, d app.Decision) {
	tb.Helper()
	var sub, covered, charged int64
	for _, l := range d.Lines {
		if l.Amount.Currency != rs.Currency || l.Customer.Currency != rs.Currency {
			tb.Errorf("line %q in %s/%s, want %s", l.Text, l.Amount.Currency, l.Customer.Currency, rs.Currency)
		}
		if l.Customer.Amount < 0 || l.Customer.Amount > l.Amount.Amount {
			tb.Errorf("line %q: customer %s outside 0..%s", l.Text, l.Customer, l.Amount)
		}
		if l.Kind != app.ChargeExcess && (l.Customer.Amount == 0) != (l.Covered || l.Amount.Amount == 0) {
			tb.Errorf("line %q: covered %v but customer pays %s of %s", l.Text, l.Covered, l.Customer, l.Amount)
		}
		if l.Kind == app.ChargeExcess && l.Covered {
			tb.Errorf("excess line is covered")
		}
		if l.Kind == app.ChargeCallOut && in.Ticket.Kind != app.KindOnSite {
			tb.Errorf("call-out fee on a %s ticket", in.Ticket.Kind)
		}
		sub += l.Customer.Amount
		if l.Kind != app.ChargeExcess {
			if l.Covered {
				covered++
			} else {
				charged++
			}
		}
	}
	if d.Subtotal.Amount != sub {
		tb.Errorf("subtotal %s, lines sum to %d", d.Subtotal, sub)
	}
	if tax := (sub*int64(rs.TaxBasisPts) + 5000) / 10000; d.Tax.Amount != tax {
		tb.Errorf("tax %s, want %d", d.Tax, tax)
	}
	if d.Total.Amount != d.Subtotal.Amount+d.Tax.Amount {
		tb.Errorf("total %s != subtotal %s + tax %s", d.Total, d.Subtotal, d.Tax)
	}
	switch {
	case covered > 0 && charged > 0 && d.Coverage != app.CoveragePartial,
		covered > 0 && charged == 0 && d.Coverage != app.CoverageIn,
		covered == 0 && charged > 0 && d.Coverage != app.CoverageOut:
		tb.Errorf("coverage %s with %d covered and %d charged lines", d.Coverage, covered, charged)
	}
	if (d.Remedy == app.RemedyRefund || d.Remedy == app.RemedyExchange) && !in.Ticket.Product.HasProofOfPurchase() {
		tb.Errorf("%s without proof of purchase", d.Remedy)
	}
	if (d.Remedy == app.RemedyPaidRepair) != (d.Coverage == app.CoverageOut) {
		tb.Errorf("remedy %s with coverage %s", d.Remedy, d.Coverage)
	}
	if len(d.Reasons) == 0 {
		tb.Errorf("no reasons")
	}
	for _, r := range d.Reasons {
		if txt := r.Text(); strings.Contains(txt, "<no value>") || strings.Contains(txt, "{{") || txt == "" {
			tb.Errorf("reason %s renders as %q", r.Key, txt)
		}
		if !strings.HasPrefix(r.Key, "warranty.reason.") {
			tb.Errorf("reason key %q", r.Key)
		}
	}
}

// TestDecideDeterministic runs every case twice, and once more after a
// JSON round trip of the rule set (as it arrives from the server), and
// expects identical decisions.
func TestDecideDeterministic(t *testing.T) {
	for _, c := range decideCases() {
		rs, in := c.input(t)
		d1, err1 := app.Decide(rs, in)
		d2, err2 := app.Decide(rs, in)
		b, err := json.Marshal(rs)
		if err != nil {
			t.Fatal(err)
		}
		var rs3 app.RuleSet
		if err := json.Unmarshal(b, &rs3); err != nil {
			t.Fatal(err)
		}
		d3, err3 := app.Decide(rs3, in)
		if !reflect.DeepEqual(d1, d2) || app.ErrorMessage(err1) != app.ErrorMessage(err2) {
			t.Errorf("%s: two runs differ", c.name)
		}
		j1, _ := json.Marshal(d1)
		j3, _ := json.Marshal(d3)
		if string(j1) != string(j3) || app.ErrorMessage(err1) != app.ErrorMessage(err3) {
			t.Errorf("%s: differs after a JSON round trip of the rule set", c.name)
		}
	}
}

// TestDecideTotals checks Total = Subtotal + Tax over all cases.
func TestDecideTotals(t *testing.T) {
	n := 0
	for _, c := range decideCases() {
		rs, in := c.input(t)
		d, err := app.Decide(rs, in)
		if err != nil {
			continue
		}
		n++
		if d.Total.Amount != d.Subtotal.Amount+d.Tax.Amount {
			t.Errorf("%s: total %s != %s + %s", c.name, d.Total, d.Subtotal, d.Tax)
		}
	}
	if n == 0 {
		t.Fatal("no decisions")
	}
}

// TestDecideReasonText pins the English a customer reads.
func TestDecideReasonText(t *testing.T) {
	rs := ruleSet(t, "CN")
	in := app.WarrantyInput{
		Ticket: app.Ticket{Kind: app.KindCarryIn, Country: "CN",
			Product: product(phone, "Huawei", "Mate 60", bought("2025-03-01"))},
		Parts: one(battery), LabourMinutes: 30, On: day("2025-10-01"),
	}
	d, err := app.Decide(rs, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Purchased 2025-03-01 (receipt INV-1); the 12-month warranty runs until 2026-02-28.",
		"Battery cover (6 months) ended on 2025-08-31; you pay for Battery 5000 mAh.",
		"Rules applied: China three guarantees for mobile phones (移动电话机商品修理更换退货责任规定) (CN version 1).",
	}
	var got []string
	for _, r := range d.Reasons {
		got = append(got, r.Text())
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("reasons %q lack %q", got, w)
		}
	}
	if exp := d.ExpiresOn[app.ClassBattery]; !exp.Equal(day("2025-08-31")) {
		t.Errorf("battery expires %s", exp)
	}
	if exp := d.ExpiresOn[app.ClassAccessory]; !exp.Equal(day("2025-08-31")) {
		t.Errorf("accessory expires %s", exp)
	}
}

// FuzzDecide builds inputs from fuzzed numbers across the demo rule sets:
// Decide must never panic, must only fail with EINVALID, and every
// decision must keep its invariants.
func FuzzDecide(f *testing.F) {
	// Seeds: a refund, a partial appliance, a plan claim, no proof.
	f.Add(uint8(0), uint8(0), uint8(0), false, int32(3), int32(400), int32(0), uint8(1), uint8(1), uint8(1), uint16(30))
	f.Add(uint8(0), uint8(1), uint8(1), true, int32(900), int32(1000), int32(-900), uint8(0), uint8(4), uint8(1), uint16(90))
	f.Add(uint8(0), uint8(0), uint8(3), false, int32(90), int32(300), int32(0), uint8(0x12), uint8(6), uint8(2), uint16(30))
	f.Add(uint8(1), uint8(0), uint8(2), false, int32(800), int32(900), int32(-800), uint8(0x0c), uint8(8), uint8(1), uint16(5))
	f.Add(uint8(2), uint8(3), uint8(0), true, int32(0), int32(65), int32(0), uint8(0), uint8(0x80), uint8(3), uint16(0))
	categories := []app.Category{phone, appliance, pc, server, "drone"}
	brands := []string{"Huawei", "Haier", "Samsung", "Tecno", "Lenovo", "Inspur", ""}
	models := []string{"BCD-470WDPG", "X", ""}
	parts := []app.Part{battery, mainboard, display, charger, compressor, pump, psu, cnOnly}
	plans := []string{"", "CN-CARE-2Y", "DE-SCHUTZ-3J", "NOPE"}
	sets := demo.RuleSets()
	f.Fuzz(func(t *testing.T, set, cat, brand uint8, onSiteKind bool, purchase, manufacture, planStart int32,
		flags, partMask, qty uint8, minutes uint16) {
		rs := sets[int(set)%len(sets)]
		on := day("2025-06-01")
		p := app.Product{
			Category: categories[int(cat)%len(categories)],
			Brand:    brands[int(brand)%len(brands)],
			Model:    models[int(brand/8)%len(models)],
		}
		// Offsets are days before the day judged, up to ~90 years, so
		// most inputs are valid; the plan may start after it.
		if purchase != 0 {
			p.PurchaseDate = on.AddDate(0, 0, -int(uint32(purchase)%33000))
		}
		if flags&1 != 0 {
			p.ProofOfPurchase = "INV-F"
		}
		if manufacture != 0 {
			p.ManufactureDate = on.AddDate(0, 0, -int(uint32(manufacture)%33000))
		}
		p.PlanID = plans[int(flags>>1)%len(plans)]
		if planStart != 0 {
			p.PlanStart = on.AddDate(0, 0, int(planStart%33000))
		}
		kind := app.KindCarryIn
		if onSiteKind {
			kind = app.KindOnSite
		}
		cond := app.Condition{LiquidDamage: flags&8 != 0, PhysicalDamage: flags&16 != 0, UnauthorizedRepair: flags&32 != 0}
		var used []app.UsedPart
		for i, pt := range parts {
			if partMask&(1<<i) != 0 {
				used = append(used, app.UsedPart{Part: pt, Qty: int(qty % 8)}) // 0 is invalid
			}
		}
		in := app.WarrantyInput{
			Ticket:        app.Ticket{Kind: kind, Country: rs.Country, Product: p, Condition: cond},
			Parts:         used,
			LabourMinutes: int(minutes),
			On:            on,
		}
		d, err := app.Decide(rs, in)
		if err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		checkInvariants(t, rs, in, d)
	})
}

// TestReasonDays: every calendar day a decision's reasons hold is one
// Days names, so that no reader shows a day as YYYY-MM-DD beside days in
// its own format; a day written in a reason is the same day read back.
func TestReasonDays(t *testing.T) {
	seen := 0
	for _, c := range decideCases() {
		rs, in := c.input(t)
		d, err := app.Decide(rs, in)
		if err != nil {
			continue
		}
		for _, r := range d.Reasons {
			days := r.Days()
			for k, v := range r.Data {
				s, ok := v.(string)
				if !ok {
					continue
				}
				want, err := time.Parse(time.DateOnly, s)
				if err != nil {
					if _, named := days[k]; named {
						t.Errorf("%s: %s=%q is no day, yet Days names it", r.Key, k, s)
					}
					continue
				}
				seen++
				if got, ok := days[k]; !ok || !got.Equal(want) {
					t.Errorf("%s: %s=%q: Days gives %v, %v", r.Key, k, s, got, ok)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no reason held a day: the cases no longer reach the dated reasons")
	}
}

// TestPurchaseAfter: a purchase day is in the future only when it is
// after the instant's day everywhere; in Shanghai at 07:00 on 8 December
// (23:00 UTC on the 7th) the invoice's 8 December is today, not the
// future, for a ticket opened then and for the warranty's decision.
func TestPurchaseAfter(t *testing.T) {
	shanghai7am := time.Date(2026, 12, 7, 23, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name     string
		purchase string
		at       time.Time
		after    bool
	}{
		{"the day before", "2026-12-06", shanghai7am, false},
		{"the UTC day", "2026-12-07", shanghai7am, false},
		{"Shanghai's today, still yesterday in UTC", "2026-12-08", shanghai7am, false},
		{"Shanghai's tomorrow", "2026-12-09", shanghai7am, true},
		{"noon UTC: the next day east of UTC+12", "2026-12-08", time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC), false},
		{"noon UTC: two days on", "2026-12-09", time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC), true},
		{"midnight UTC: that day", "2026-12-07", time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), false},
		{"midnight UTC: the next day, not yet anywhere", "2026-12-08", time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), true},
	} {
		if got := app.PurchaseAfter(day(c.purchase), c.at); got != c.after {
			t.Errorf("%s: PurchaseAfter(%s, %s) = %v, want %v", c.name, c.purchase, c.at.Format(time.RFC3339), got, c.after)
		}
	}
	// The rule as Validate and the warranty decision apply it.
	tk := app.Ticket{ID: "t-1", Number: "FB-1", Kind: app.KindCarryIn, Status: app.StatusAssigned, Priority: app.PriorityNormal,
		Product: app.Product{Category: app.CategoryPhone}, Customer: app.Customer{Name: "Li"}}
	tk.CreatedAt = shanghai7am
	tk.Product.PurchaseDate = day("2026-12-08")
	if err := tk.Validate(); err != nil {
		t.Errorf("a ticket opened at 07:00 in Shanghai with the day's invoice: %v", err)
	}
	tk.Product.PurchaseDate = day("2026-12-09")
	if err := tk.Validate(); errorKey(err) != "ticket.invalid.purchase_future" {
		t.Errorf("a ticket with tomorrow's invoice: %v, want ticket.invalid.purchase_future", err)
	}
}
