package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

func signedReportFixture() app.ServiceReport {
	at := time.Date(2026, 11, 26, 9, 12, 0, 0, time.UTC)
	return app.BuildServiceReport(app.ReportInput{Provider: "P", Technician: "Ana Li",
		Detail: app.TicketDetail{Ticket: app.Ticket{ID: "t1", Number: "FB-1", Kind: app.KindOnSite, Country: "CN",
			Customer: app.Customer{Name: "Li Na", Phone: "1"}, Product: app.Product{Brand: "Huawei", Model: "P60"}, Fault: "no picture", CreatedAt: at},
			Parts:  []app.PartUsed{{ID: "u1", Part: "SCR-1", Qty: 1, Serial: "S1", At: at}},
			Photos: []app.Photo{{ID: "p1", SHA256: strings.Repeat("a", 64), Kind: "repair", At: at}}},
		Payments: []app.ReportPayment{{Receipt: "D12-0001", Kind: "final", Method: "cash", Amount: app.Money{Amount: 100, Currency: "CNY"}, At: at}}})
}

// TestSignatureReport: a signature's report must be the facts its digest
// names, of its ticket, within the bound; a signature without one is
// accepted as before.
func TestSignatureReport(t *testing.T) {
	r := signedReportFixture()
	canon := r.CanonicalJSON()
	if app.ReportDigest(canon) != r.Digest() {
		t.Fatal("the digest is not the SHA-256 of the canonical JSON")
	}
	strokes, _ := app.EncodeStrokes([]app.Stroke{{{X: 1, Y: 2}}})
	other := r
	other.TicketID = "t2"
	for _, tc := range []struct {
		name           string
		report, digest string
		want           string // error key; "" accepted
	}{
		{"none", "", r.Digest(), ""},
		{"the report signed", canon, r.Digest(), ""},
		{"another digest", canon, strings.Repeat("0", 64), "signature.report_mismatch"},
		{"a changed byte", strings.Replace(canon, "no picture", "no pictures", 1), r.Digest(), "signature.report_mismatch"},
		{"another ticket's", other.CanonicalJSON(), other.Digest(), "signature.report_other_ticket"},
		{"not JSON", "not json", app.ReportDigest("not json"), "signature.bad_report"},
		{"too large", strings.Repeat(" ", app.MaxSignedReportBytes+1), app.ReportDigest(strings.Repeat(" ", app.MaxSignedReportBytes+1)), "signature.report_too_large"},
	} {
		s := app.Signature{ID: "sig-1", Ticket: "t1", Signer: "Li Na", Role: app.SignerCustomer, Digest: tc.digest, Strokes: strokes, Photo: "ph-1", Report: tc.report}
		err := s.Validate()
		if got := keyOf(err); got != tc.want {
			t.Errorf("%s: %v, want key %q", tc.name, err, tc.want)
		}
	}
}

// TestWorstReportIsSigned: a ticket whose texts are at their bounds in
// four-byte characters has a report over MaxSignedReportBytes; its
// signature leaves the copy out (CarriedReport) and is accepted with the
// report's digest, so the customer's signature is never refused for the
// report's size. A report within the bound is carried whole.
func TestWorstReportIsSigned(t *testing.T) {
	strokes, _ := app.EncodeStrokes([]app.Stroke{{{X: 1, Y: 2}}})
	text := strings.Repeat("𠀀", app.MaxTextLen)
	big := signedReportFixture()
	big.Fault, big.Diagnosis, big.Customer.Address, big.Condition.Notes = text, text, text, text
	small := signedReportFixture()
	for _, tc := range []struct {
		name    string
		r       app.ServiceReport
		carried bool
	}{{"worst", big, false}, {"usual", small, true}} {
		canon := tc.r.CanonicalJSON()
		if over := len(canon) > app.MaxSignedReportBytes; over == tc.carried {
			t.Fatalf("%s: report of %d bytes, bound %d", tc.name, len(canon), app.MaxSignedReportBytes)
		}
		got := tc.r.CarriedReport()
		if tc.carried && got != canon || !tc.carried && got != "" {
			t.Fatalf("%s: carried %d bytes of %d", tc.name, len(got), len(canon))
		}
		s := app.Signature{ID: "sig-1", Ticket: "t1", Signer: "Li Na", Role: app.SignerCustomer, Digest: tc.r.Digest(), Strokes: strokes, Photo: "ph-1", Report: got}
		if err := s.Validate(); err != nil {
			t.Errorf("%s: signature refused: %v", tc.name, err)
		}
	}
}

// TestReportDifferences: the facts both sides hold are compared; each
// change names its fact, and facts only the device computes are not.
func TestReportDifferences(t *testing.T) {
	signed := signedReportFixture()
	for _, tc := range []struct {
		name   string
		change func(r *app.ServiceReport)
		want   []string
	}{
		{"the same", func(*app.ServiceReport) {}, nil},
		{"a part added", func(r *app.ServiceReport) { r.Parts = append(r.Parts, app.ReportPart{Number: "BAT-1", Qty: 1}) }, []string{"parts"}},
		{"a photo removed and the diagnosis changed", func(r *app.ServiceReport) { r.Photos, r.Diagnosis = nil, "x" }, []string{"diagnosis", "photos"}},
		{"a payment's amount", func(r *app.ServiceReport) { r.Payments[0].Amount.Amount++ }, []string{"payments"}},
		{"only the catalog's name and time on site", func(r *app.ServiceReport) { r.Parts[0].NameEN, r.WorkMinutes = "Screen", 99 }, nil},
	} {
		held := signedReportFixture()
		tc.change(&held)
		if got := app.ReportDifferences(signed, held); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
