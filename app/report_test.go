package app

import (
	"strings"
	"testing"
	"time"
)

func reportFixture() ReportInput {
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	return ReportInput{
		Provider: "Fieldbench Service", Technician: "Wang Lei",
		Detail: TicketDetail{
			Ticket: Ticket{ID: "t1", Number: "FB-1", Kind: KindOnSite, Country: "CN", Status: StatusCompleted,
				Customer: Customer{Name: "Li Na", Phone: "123", Language: "zh-CN"},
				Product:  Product{Category: CategoryPhone, Brand: "Huawei", Model: "P60", Serial: "SN1"},
				Fault:    "no power", Diagnosis: "battery", ResolutionCode: ResolutionRepaired, CreatedAt: at},
			Repairs: []RepairEntry{{ID: "r1", Action: "replaced battery", Minutes: 30, At: at.Add(time.Hour)}},
			Parts:   []PartUsed{{ID: "p1", Part: "BAT-1", Qty: 1, Serial: "B1", DefectiveSerial: "B0", At: at.Add(time.Hour)}},
			Photos: []Photo{{ID: "ph1", SHA256: "aa", Kind: "repair", At: at},
				{ID: "sig", SHA256: "bb", Kind: "signature", At: at}},
		},
		Catalog:  map[PartNumber]Part{"BAT-1": {Number: "BAT-1", NameEN: "Battery", NameZH: "电池", ReturnNeeded: true}},
		Decision: &Decision{Coverage: CoverageIn, Remedy: RemedyRepair, Total: Money{0, "CNY"}, Reasons: []Reason{{Key: "k", Message: "m", Data: map[string]any{"Days": 3}}}},
		History: []StatusChange{{ActionDepart, at}, {ActionArrive, at.Add(25 * time.Minute)},
			{ActionStart, at.Add(30 * time.Minute)}, {ActionComplete, at.Add(85 * time.Minute)}},
		Payments: []ReportPayment{{Receipt: "R1", Kind: "final", Method: "cash", Amount: Money{1000, "CNY"}, At: at}},
	}
}

func TestServiceReportTimeOnSite(t *testing.T) {
	r := BuildServiceReport(reportFixture())
	if r.TravelMinutes != 25 || r.WorkMinutes != 60 {
		t.Fatalf("travel %d work %d, want 25 and 60", r.TravelMinutes, r.WorkMinutes)
	}
	if len(r.Photos) != 1 || r.Photos[0].SHA256 != "aa" {
		t.Fatalf("photos %+v: the signature picture must not be a reported photo", r.Photos)
	}
	if r.Parts[0].NameZH != "电池" || !r.Parts[0].ReturnNeeded {
		t.Fatalf("part %+v lacks its catalog data", r.Parts[0])
	}
}

func TestServiceReportDigest(t *testing.T) {
	base := BuildServiceReport(reportFixture())
	d := base.Digest()
	if len(d) != 64 || !ValidSHA256(d) {
		t.Fatalf("digest %q is not lower-case hex SHA-256", d)
	}
	// The same facts in another zone, with sub-second noise, and with
	// empty lists made differently, give the same digest.
	in := reportFixture()
	sh := time.FixedZone("CST", 8*3600)
	in.Detail.Ticket.CreatedAt = in.Detail.Ticket.CreatedAt.In(sh).Add(300 * time.Millisecond)
	in.Detail.Repairs[0].At = in.Detail.Repairs[0].At.In(sh)
	same := BuildServiceReport(in)
	if same.Digest() != d {
		t.Fatal("the same facts in another zone give another digest")
	}
	e1, e2 := base, base
	e1.Payments, e2.Payments = nil, []ReportPayment{}
	if e1.Digest() != e2.Digest() {
		t.Fatal("nil and empty payments give different digests")
	}

	for _, c := range []struct {
		name   string
		change func(*ReportInput)
	}{
		{"number", func(i *ReportInput) { i.Detail.Ticket.Number = "FB-2" }},
		{"customer name", func(i *ReportInput) { i.Detail.Ticket.Customer.Name = "Li Nb" }},
		{"customer language", func(i *ReportInput) { i.Detail.Ticket.Customer.Language = "en" }},
		{"serial", func(i *ReportInput) { i.Detail.Ticket.Product.Serial = "SN2" }},
		{"fault", func(i *ReportInput) { i.Detail.Ticket.Fault = "no sound" }},
		{"diagnosis", func(i *ReportInput) { i.Detail.Ticket.Diagnosis = "board" }},
		{"resolution", func(i *ReportInput) { i.Detail.Ticket.ResolutionCode = ResolutionNoFault }},
		{"repair action", func(i *ReportInput) { i.Detail.Repairs[0].Action = "cleaned" }},
		{"repair minutes", func(i *ReportInput) { i.Detail.Repairs[0].Minutes = 31 }},
		{"part qty", func(i *ReportInput) { i.Detail.Parts[0].Qty = 2 }},
		{"part serial", func(i *ReportInput) { i.Detail.Parts[0].Serial = "B2" }},
		{"defective serial", func(i *ReportInput) { i.Detail.Parts[0].DefectiveSerial = "B9" }},
		{"part name", func(i *ReportInput) { i.Catalog["BAT-1"] = Part{NameEN: "Cell"} }},
		{"photo", func(i *ReportInput) { i.Detail.Photos[0].SHA256 = "ab" }},
		{"coverage", func(i *ReportInput) { i.Decision.Coverage = CoverageOut }},
		{"total", func(i *ReportInput) { i.Decision.Total.Amount = 1 }},
		{"reason data", func(i *ReportInput) { i.Decision.Reasons[0].Data = map[string]any{"Days": 4} }},
		{"no decision", func(i *ReportInput) { i.Decision = nil }},
		{"travel", func(i *ReportInput) { i.History[1].At = i.History[1].At.Add(time.Minute) }},
		{"payment", func(i *ReportInput) { i.Payments[0].Amount.Amount = 1001 }},
		{"payment time", func(i *ReportInput) { i.Payments[0].At = i.Payments[0].At.Add(time.Second) }},
		{"technician", func(i *ReportInput) { i.Technician = "Zhang Wei" }},
		{"provider", func(i *ReportInput) { i.Provider = "Other" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := reportFixture()
			c.change(&in)
			if got := BuildServiceReport(in).Digest(); got == d {
				t.Errorf("changing the %s leaves the digest %s", c.name, d)
			}
		})
	}
}

func TestTimeOnSiteTable(t *testing.T) {
	at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	m := func(n int) time.Time { return at.Add(time.Duration(n) * time.Minute) }
	for _, c := range []struct {
		name         string
		h            []StatusChange
		travel, work int
	}{
		{"counter", []StatusChange{{ActionStart, m(0)}, {ActionComplete, m(40)}}, 0, 40},
		{"reopened visit", []StatusChange{{ActionDepart, m(0)}, {ActionArrive, m(10)}, {ActionComplete, m(20)},
			{ActionReopen, m(30)}, {ActionDepart, m(40)}, {ActionArrive, m(55)}, {ActionStart, m(56)}, {ActionFail, m(70)}}, 25, 25},
		// Two visits: 110 minutes, a board ordered, 94 minutes two days
		// later when it came: 204 minutes of work, not the 45 h 54 min from
		// the arrival to the completion.
		{"two visits with a wait for a part", []StatusChange{{ActionDepart, m(0)}, {ActionArrive, m(40)}, {ActionStart, m(45)},
			{ActionWait, m(150)}, {ActionResume, m(45 * 60)}, {ActionComplete, m(45*60 + 94)}}, 40, 204},
		// A carry-in on the bench 50 minutes, 9 days waiting for an SSD,
		// 70 minutes to fit it: 2 h, not 218 h.
		{"carry-in waiting 9 days", []StatusChange{{ActionStart, m(0)}, {ActionWait, m(50)},
			{ActionResume, m(9*24*60 + 50)}, {ActionComplete, m(9*24*60 + 120)}}, 0, 120},
		{"failed while waiting", []StatusChange{{ActionStart, m(0)}, {ActionWait, m(30)}, {ActionFail, m(5 * 24 * 60)}}, 0, 30},
		{"cancelled on site", []StatusChange{{ActionDepart, m(0)}, {ActionArrive, m(20)}, {ActionCancel, m(80)}}, 20, 60},
		{"still working", []StatusChange{{ActionDepart, m(0)}, {ActionArrive, m(10)}}, 10, 0},
		{"out of order", []StatusChange{{ActionComplete, m(50)}, {ActionArrive, m(20)}, {ActionDepart, m(0)}}, 20, 30},
	} {
		tr, wk := timeOnSite(c.h, Ticket{})
		if tr != c.travel || wk != c.work {
			t.Errorf("%s: travel %d work %d, want %d and %d", c.name, tr, wk, c.travel, c.work)
		}
	}
}

// TestReportLanguage: the report is in the customer's language, else their
// country's: a Chinese customer with no language set reads Chinese.
func TestReportLanguage(t *testing.T) {
	for _, tc := range []struct {
		country, lang, want string
	}{
		{"CN", "", "zh-CN"},
		{"CN", "en-GB", "en-GB"},
		{"BR", "", "pt-BR"},
		{"NG", "", "en-NG"},
		{"XX", "", "en"},
	} {
		r := ServiceReport{Country: tc.country, Customer: Customer{Name: "x", Language: tc.lang}}
		if got := r.Language(); got != tc.want {
			t.Errorf("%s/%q: Language() = %q, want %q", tc.country, tc.lang, got, tc.want)
		}
	}
}

// TestReportPartNamedInTheCustomersLanguage: a report states a part's name
// in its customer's language when the catalog has one other than English
// and Chinese (name, printed in place of name_en); for an English or
// Chinese customer, or a language the catalog lacks, it states none, and
// the facts' JSON holds no "name" key, so their digest is as before.
func TestReportPartNamedInTheCustomersLanguage(t *testing.T) {
	names := map[string]string{"fr": "Batterie", "pt-BR": "Bateria", "es": "Batería"}
	for _, c := range []struct{ lang, want string }{
		{"fr", "Batterie"}, {"fr-CA", "Batterie"}, {"pt-BR", "Bateria"}, {"pt", "Bateria"}, {"es-MX", "Batería"},
		{"en", ""}, {"zh-CN", ""}, {"de", ""},
	} {
		in := reportFixture()
		in.Detail.Ticket.Customer.Language = c.lang
		p := in.Catalog["BAT-1"]
		p.Names = names
		in.Catalog["BAT-1"] = p
		r := BuildServiceReport(in)
		if got := r.Parts[0].Name; got != c.want {
			t.Errorf("%s: the part is named %q, want %q", c.lang, got, c.want)
		}
		facts := r.CanonicalJSON()
		if has := strings.Contains(facts, `"name_zh":"电池","name":`); has != (c.want != "") {
			t.Errorf("%s: the facts hold a name key: %v, want %v: %s", c.lang, has, c.want != "", facts)
		}
	}
}
