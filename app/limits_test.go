package app_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// TestValidateBounds: every bound and enum of the reference data and the
// stock ledger refuses with its own key, and a value at the bound passes.
func TestValidateBounds(t *testing.T) {
	move := func(kind app.MovementKind, qty int) *app.StockMovement {
		m := &app.StockMovement{ID: "m1", Kind: kind, Part: "P-1", To: "van-1", Qty: qty, Reason: "count"}
		return m
	}
	part := func(f func(*app.Part)) *app.Part {
		p := &app.Part{Number: "P-1", NameEN: "Filter", Class: app.ClassMain, Prices: []app.Money{{Amount: 100, Currency: "CNY"}}}
		f(p)
		return p
	}
	loc := func(f func(*app.Location)) *app.Location {
		l := &app.Location{ID: "van-1", Kind: app.LocationVan, Name: "Van 1", Owner: "tech-1"}
		f(l)
		return l
	}
	tech := func(f func(*app.Technician)) *app.Technician {
		x := &app.Technician{ID: "tech-1", Name: "Wang Lei", Country: "CN", Van: "van-1"}
		f(x)
		return x
	}
	rules := func(f func(*app.RuleSet)) *app.RuleSet {
		rs := &app.RuleSet{ID: "CN", Version: 1, Country: "CN", Currency: "CNY", TaxBasisPts: 1300,
			Names:      map[string]string{"en": "China three guarantees", "zh-Hans": "中国三包"},
			LabourRate: app.Money{Amount: 6000, Currency: "CNY"},
			Rules: []app.WarrantyRule{{Category: app.CategoryPhone, Periods: map[app.ComponentClass]app.Period{app.ClassUnit: {Months: 12}},
				Remedies: []app.RemedyWindow{{Remedy: app.RemedyRefund, Days: 7}}, Exclusions: []app.Exclusion{app.ExcludeLiquid}}}}
		f(rs)
		return rs
	}
	captioned := func(caption string) *app.AttachPhoto {
		return &app.AttachPhoto{Photo: app.Photo{ID: "ph-1", Ticket: "t-1", SHA256: strings.Repeat("ab", 32), Size: 1000, Mime: "image/jpeg", Caption: caption}}
	}
	huge := strings.Repeat("x", 20<<20)
	tests := map[string]struct {
		v   interface{ Validate() error }
		key string // "" for valid
	}{
		"AdjustAtBound":          {move(app.MoveAdjust, app.MaxQty), ""},
		"AdjustNegativeAtBound":  {move(app.MoveAdjust, -app.MaxQty), ""},
		"AdjustMaxInt64":         {move(app.MoveAdjust, math.MaxInt64), "stock.qty_out_of_range"},
		"CaptionAtBound":         {captioned(strings.Repeat("x", app.MaxCaptionLen)), ""},
		"CaptionOverBound":       {captioned(strings.Repeat("x", app.MaxCaptionLen+1)), "mutation.too_long"},
		"AdjustMinInt64":         {move(app.MoveAdjust, math.MinInt64), "stock.qty_out_of_range"},
		"ReceiveOverBound":       {move(app.MoveReceive, app.MaxQty+1), "stock.qty_out_of_range"},
		"ReceiveHugeReason":      {&app.StockMovement{ID: "m1", Kind: app.MoveReceive, Part: "P-1", To: "v", Qty: 1, Reason: huge}, "stock.invalid"},
		"PartOK":                 {part(func(*app.Part) {}), ""},
		"PartHugeName":           {part(func(p *app.Part) { p.NameEN = huge }), "mutation.too_long"},
		"PartNameAtBound":        {part(func(p *app.Part) { p.NameZH = strings.Repeat("x", app.MaxNameLen) }), ""},
		"PartNameOverBound":      {part(func(p *app.Part) { p.NameZH = strings.Repeat("x", app.MaxNameLen+1) }), "mutation.too_long"},
		"PartBrandControl":       {part(func(p *app.Part) { p.Brand = "Ac\x00me" }), "field.control_chars"},
		"PartTooManyModels":      {part(func(p *app.Part) { p.Models = make([]string, app.MaxListLen+1) }), "field.too_many"},
		"PartPriceOverflow":      {part(func(p *app.Part) { p.Prices[0].Amount = math.MaxInt64 }), "money.out_of_range"},
		"PartPriceAtBound":       {part(func(p *app.Part) { p.Prices[0].Amount = app.MaxAmount }), ""},
		"LocationOK":             {loc(func(*app.Location) {}), ""},
		"LocationUnknownKind":    {loc(func(l *app.Location) { l.Kind = "spaceship" }), "location.invalid.kind"},
		"LocationNoKind":         {loc(func(l *app.Location) { l.Kind = "" }), "location.invalid.kind"},
		"LocationNoName":         {loc(func(l *app.Location) { l.Name = " " }), "location.invalid.name"},
		"LocationHugeName":       {loc(func(l *app.Location) { l.Name = huge }), "mutation.too_long"},
		"LocationLongID":         {loc(func(l *app.Location) { l.ID = app.LocationID(strings.Repeat("v", 129)) }), "location.invalid.id"},
		"TechnicianOK":           {tech(func(*app.Technician) {}), ""},
		"TechnicianSlash":        {tech(func(x *app.Technician) { x.ID = "a/b" }), "technician.invalid.id"},
		"TechnicianNoName":       {tech(func(x *app.Technician) { x.Name = "" }), "technician.invalid.name"},
		"TechnicianCountry":      {tech(func(x *app.Technician) { x.Country = "China" }), "technician.invalid.country"},
		"TechnicianLowerCountry": {tech(func(x *app.Technician) { x.Country = "cn" }), "technician.invalid.country"},
		"TechnicianHugePhone":    {tech(func(x *app.Technician) { x.Phone = huge }), "mutation.too_long"},
		"RulesOK":                {rules(func(*app.RuleSet) {}), ""},
		"RulesUnknownRemedy":     {rules(func(rs *app.RuleSet) { rs.Rules[0].Remedies[0].Remedy = "free_beer" }), "warranty.invalid"},
		"RulesUnknownExclusion":  {rules(func(rs *app.RuleSet) { rs.Rules[0].Exclusions[0] = "meteor" }), "warranty.invalid"},
		"RulesUnknownClass":      {rules(func(rs *app.RuleSet) { rs.Rules[0].Periods["engine"] = app.Period{Months: 1} }), "warranty.invalid"},
		"RulesUnknownCategory":   {rules(func(rs *app.RuleSet) { rs.Rules[0].Category = "boat" }), "warranty.invalid"},
		"RulesPeriodOverflow":    {rules(func(rs *app.RuleSet) { rs.Rules[0].Periods[app.ClassUnit] = app.Period{Months: math.MaxInt32} }), "warranty.invalid"},
		"RulesTaxOver100":        {rules(func(rs *app.RuleSet) { rs.TaxBasisPts = 10001 }), "warranty.invalid"},
		"RulesRateOverflow":      {rules(func(rs *app.RuleSet) { rs.LabourRate.Amount = math.MaxInt64 }), "money.out_of_range"},
		"RulesNoNames":           {rules(func(rs *app.RuleSet) { rs.Names = nil }), "warranty.invalid"},
		"RulesNoEnglishName":     {rules(func(rs *app.RuleSet) { delete(rs.Names, "en") }), "warranty.invalid"},
		"RulesEnglishUpperCase":  {rules(func(rs *app.RuleSet) { rs.Names = map[string]string{"EN": "China"} }), ""},
		"RulesEmptyName":         {rules(func(rs *app.RuleSet) { rs.Names["fr"] = " " }), "warranty.invalid"},
		"RulesNameAtBound":       {rules(func(rs *app.RuleSet) { rs.Names["fr"] = strings.Repeat("é", app.MaxNameLen) }), ""},
		"RulesNameOverBound":     {rules(func(rs *app.RuleSet) { rs.Names["fr"] = strings.Repeat("x", app.MaxNameLen+1) }), "mutation.too_long"},
		"RulesNameControl":       {rules(func(rs *app.RuleSet) { rs.Names["fr"] = "a\nb" }), "field.control_chars"},
		"RulesNameNotUTF8":       {rules(func(rs *app.RuleSet) { rs.Names["fr"] = "\xff" }), "field.control_chars"},
		"RulesNameBadTag":        {rules(func(rs *app.RuleSet) { rs.Names["chinese!"] = "x" }), "warranty.invalid"},
		"RulesNameEmptyTag":      {rules(func(rs *app.RuleSet) { rs.Names[""] = "x" }), "warranty.invalid"},
		"RulesNameDigitLanguage": {rules(func(rs *app.RuleSet) { rs.Names["e1"] = "x" }), "warranty.invalid"},
		"RulesNameLongTag":       {rules(func(rs *app.RuleSet) { rs.Names["en-"+strings.Repeat("abcdefgh-", 4)+"x"] = "x" }), "warranty.invalid"},
		"RulesNameTagTwice":      {rules(func(rs *app.RuleSet) { rs.Names["ZH-hans"] = "x" }), "warranty.invalid"},
		"RulesNamesAtBound":      {rules(func(rs *app.RuleSet) { addNames(rs.Names, app.MaxNameLangs) }), ""},
		"RulesNamesOverBound":    {rules(func(rs *app.RuleSet) { addNames(rs.Names, app.MaxNameLangs+1) }), "warranty.invalid"},
		"RulesLegalBasisTexts":   {rules(func(rs *app.RuleSet) { legal(rs, map[string]string{"zh-Hans": "三包", "fr": "Trois garanties"}) }), ""},
		"RulesLegalBasisNoEN":    {rules(func(rs *app.RuleSet) { legal(rs, map[string]string{"zh-Hans": "三包"}); rs.Rules[0].LegalBasis = "" }), "warranty.invalid"},
		"RulesLegalBasisBadTag":  {rules(func(rs *app.RuleSet) { legal(rs, map[string]string{"zh_Hans": "三包"}) }), "warranty.invalid"},
		"RulesLegalBasisEmpty":   {rules(func(rs *app.RuleSet) { legal(rs, map[string]string{"fr": ""}) }), "warranty.invalid"},
		"RulesLegalBasisLong":    {rules(func(rs *app.RuleSet) { legal(rs, map[string]string{"fr": strings.Repeat("x", app.MaxNameLen+1)}) }), "mutation.too_long"},
		"RulesLegalBasisTooMany": {rules(func(rs *app.RuleSet) { m := map[string]string{}; addNames(m, app.MaxNameLangs+1); legal(rs, m) }), "warranty.invalid"},
		"RulesHugeLegalBasis":    {rules(func(rs *app.RuleSet) { rs.Rules[0].LegalBasis = huge }), "mutation.too_long"},
		"TicketHugeFault":        {&app.Ticket{ID: "t", Number: "N", Kind: app.KindOnSite, Product: app.Product{Category: app.CategoryPhone}, Customer: app.Customer{Name: "C"}, Priority: app.PriorityNormal, Status: app.StatusAssigned, Fault: huge}, "mutation.too_long"},
		"TicketFaultAtBound":     {&app.Ticket{ID: "t", Number: "N", Kind: app.KindOnSite, Product: app.Product{Category: app.CategoryPhone}, Customer: app.Customer{Name: "C"}, Priority: app.PriorityNormal, Status: app.StatusAssigned, Fault: strings.Repeat("f", app.MaxTextLen)}, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.v.Validate()
			if tc.key == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e := app.AsError(err)
			if e == nil || e.Code != app.EINVALID || e.Key != tc.key {
				t.Fatalf("got %v (%+v), want EINVALID %s", err, e, tc.key)
			}
		})
	}
}

// legal gives the first rule an English legal basis and texts in other
// languages.
func legal(rs *app.RuleSet, texts map[string]string) {
	rs.Rules[0].LegalBasis = "China three guarantees"
	rs.Rules[0].LegalBasisTexts = texts
}

// TestLegalBasisFor: the legal basis of the rule Decide would apply, in
// the user's language, else English; none when no rule matches.
func TestLegalBasisFor(t *testing.T) {
	rs := app.RuleSet{ID: "CN", Rules: []app.WarrantyRule{
		{Category: app.CategoryPhone, LegalBasis: "Phones", LegalBasisTexts: map[string]string{"zh-Hans": "手机", "fr": "Téléphones"}},
		{Category: app.CategoryPhone, Brand: "Huawei", LegalBasis: "Huawei promise", LegalBasisTexts: map[string]string{"zh-Hans": "华为承诺"}},
		{Category: app.CategoryPC, LegalBasis: "Computers"},
	}}
	tests := []struct {
		name    string
		product app.Product
		lang    string
		want    string
	}{
		{"GeneralRuleChinese", app.Product{Category: app.CategoryPhone, Brand: "Xiaomi"}, "zh-Hans-CN", "手机"},
		{"GeneralRuleFrench", app.Product{Category: app.CategoryPhone, Brand: "Xiaomi"}, "fr", "Téléphones"},
		{"BrandRuleWins", app.Product{Category: app.CategoryPhone, Brand: "huawei"}, "zh-CN", "华为承诺"},
		{"BrandRuleNoFrenchIsEnglish", app.Product{Category: app.CategoryPhone, Brand: "Huawei"}, "fr", "Huawei promise"},
		{"NoTextsIsEnglish", app.Product{Category: app.CategoryPC}, "zh", "Computers"},
		{"NoRule", app.Product{Category: app.CategoryServer}, "zh", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := rs.LegalBasisFor(tc.product, tc.lang); got != tc.want {
				t.Errorf("LegalBasisFor(%+v, %q) = %q, want %q", tc.product, tc.lang, got, tc.want)
			}
		})
	}
}

// addNames fills names up to n languages with made-up tags "xa", "xb", ...
func addNames(names map[string]string, n int) {
	for c := 'a'; len(names) < n; c++ {
		names["x"+string(c)] = "name " + string(c)
	}
}

// TestRuleSetNameFor: the user's language, then a prefix, then another
// tag of the language, then English, then the ID.
func TestRuleSetNameFor(t *testing.T) {
	all := map[string]string{"en": "China three guarantees", "zh-Hans": "中国三包", "fr": "Trois garanties (Chine)", "pt-BR": "Três garantias (China)", "pt-PT": "Três garantias"}
	tests := []struct {
		name  string
		names map[string]string
		lang  string
		want  string
	}{
		{"Exact", all, "fr", "Trois garanties (Chine)"},
		{"ExactOtherCase", all, "ZH-HANS", "中国三包"},
		{"LongerTag", all, "zh-Hans-CN", "中国三包"},
		{"Underscore", all, "fr_FR", "Trois garanties (Chine)"},
		{"SameLanguageOtherScript", all, "zh-CN", "中国三包"},
		{"BareLanguage", all, "zh", "中国三包"},
		{"SameLanguageSmallestTag", all, "pt", "Três garantias (China)"},
		{"RegionPicksItsOwn", all, "pt-PT", "Três garantias"},
		{"UnknownFallsBackToEnglish", all, "de-DE", "China three guarantees"},
		{"EmptyLangFallsBackToEnglish", all, "", "China three guarantees"},
		{"EnglishUpperCase", map[string]string{"EN": "China"}, "es", "China"},
		{"OldRowWithoutNames", nil, "zh-Hans", "CN"},
		{"NoEnglishFallsBackToID", map[string]string{"fr": "Chine"}, "es", "CN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := app.RuleSet{ID: "CN", Names: tc.names}
			if got := rs.NameFor(tc.lang); got != tc.want {
				t.Errorf("NameFor(%q) = %q, want %q", tc.lang, got, tc.want)
			}
		})
	}
}

// TestDemoWorldIsValid: the bounds leave the seeded demo world, which the
// central service loads through the same checks, whole.
func TestDemoWorldIsValid(t *testing.T) {
	ds := demo.Generate(1, demo.Default, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	if len(ds.Technicians) == 0 || len(ds.Locations) == 0 || len(ds.Parts) == 0 || len(ds.RuleSets) == 0 || len(ds.Movements) == 0 {
		t.Fatalf("the demo world lacks reference data: %d technicians, %d locations, %d parts, %d rule sets, %d movements",
			len(ds.Technicians), len(ds.Locations), len(ds.Parts), len(ds.RuleSets), len(ds.Movements))
	}
	for _, x := range ds.Technicians {
		if err := x.Validate(); err != nil {
			t.Errorf("technician %s: %v", x.ID, err)
		}
	}
	for _, x := range ds.Locations {
		if err := x.Validate(); err != nil {
			t.Errorf("location %s: %v", x.ID, err)
		}
	}
	for _, x := range ds.Parts {
		if err := x.Validate(); err != nil {
			t.Errorf("part %s: %v", x.Number, err)
		}
	}
	for _, x := range ds.RuleSets {
		if err := x.Validate(); err != nil {
			t.Errorf("rule set %s: %v", x.ID, err)
		}
	}
	for _, m := range ds.Movements {
		if err := m.Validate(); err != nil {
			t.Errorf("movement %s: %v", m.ID, err)
		}
	}
}
