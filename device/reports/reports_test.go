package reports_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/device/reports"
	"github.com/fieldbench/fieldbench/internal/signimg"
	"github.com/fieldbench/fieldbench/report"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/store/storetest"
)

var ana = app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}

// open opens (or reopens) the store at path and the builder over it.
func open(t *testing.T, path string) (*store.DB, reports.Builder) {
	t.Helper()
	now := storetest.Now
	db, err := store.Open(t.Context(), path, store.WithClock(app.ClockFunc(func() time.Time { return now })))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, reports.Builder{Tickets: store.NewTicketService(db), Parts: store.NewPartService(db), Warranty: store.NewWarrantyService(db),
		History: db, Photos: store.NewPhotoStore(db), Provider: "Test Service Co", Technician: ana.Name}
}

func commit(t *testing.T, db *store.DB, cmd app.Command) {
	t.Helper()
	if _, err := store.NewCommitter(db).Commit(t.Context(), ana, cmd); err != nil {
		t.Fatalf("%T: %v", cmd, err)
	}
}

// sign records the customer's signature of digest on ticket id, as the
// sign-off does: the picture's photo, then the signature naming it.
func sign(t *testing.T, db *store.DB, id app.TicketID, digest string) {
	t.Helper()
	strokes := []app.Stroke{{{X: 100, Y: 200}, {X: 300, Y: 100}, {X: 500, Y: 300}}, {{X: 600, Y: 200}, {X: 700, Y: 250}}}
	enc, err := app.EncodeStrokes(strokes)
	if err != nil {
		t.Fatal(err)
	}
	pic, err := signimg.PNG(strokes)
	if err != nil {
		t.Fatal(err)
	}
	sha, size, err := store.NewPhotoStore(db).PutPhoto(t.Context(), bytes.NewReader(pic))
	if err != nil {
		t.Fatal(err)
	}
	photo := app.Photo{ID: app.NewID(), Ticket: id, SHA256: sha, Size: size, Mime: "image/png", Kind: app.PhotoKindSignature, Caption: "Signature"}
	commit(t, db, &app.AttachPhoto{Photo: photo})
	commit(t, db, &app.RecordSignature{Signature: app.Signature{ID: app.NewID(), Ticket: id, Signer: "Wang Fang", Role: app.SignerCustomer,
		At: storetest.Now, By: ana.Name, Digest: digest, Strokes: enc, Photo: photo.ID}})
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: starts %q", pdf[:min(len(pdf), 16)])
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestSignedReportOnStore: the digest of a ticket's report is the same
// across builds and a reopened store; the signed report is filed as a
// PDF photo of kind report without changing the digest, once; a part
// added after signing changes the digest, and the report then prints as
// not signed and cannot be filed.
func TestSignedReportOnStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	db, b := open(t, path)
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	id := storetest.T5
	first, err := b.Report(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if first.Provider != b.Provider || first.Technician != ana.Name || first.Number != "FB-2026-000005" {
		t.Fatalf("report names %q, %q, ticket %q", first.Provider, first.Technician, first.Number)
	}
	if first.Warranty == nil {
		t.Fatal("the report has no warranty decision, though the store has CN's rule set")
	}
	digest := first.Digest()
	if again, err := b.Report(t.Context(), id); err != nil || again.Digest() != digest {
		t.Fatalf("second build: digest %s, %v; want %s", again.Digest(), err, digest)
	}
	db.Close()
	db, b = open(t, path)
	r2, total, err := b.ToSign(t.Context(), id)
	if err != nil || r2.Digest() != digest || app.ReportDigest(r2.CanonicalJSON()) != digest {
		t.Fatalf("after reopening: digest %s, %v; want %s", r2.Digest(), err, digest)
	}
	if !strings.Contains(total, "CNY") {
		t.Errorf("total to sign = %q, want an amount in CNY", total)
	}

	// Not signed yet: nothing to file.
	if _, err := b.FileSigned(t.Context(), store.NewCommitter(db), ana, id); app.ErrorCode(err) != app.ECONFLICT {
		t.Fatalf("filing an unsigned report: %v, want ECONFLICT", err)
	}

	sign(t, db, id, digest)
	if r, err := b.Report(t.Context(), id); err != nil || r.Digest() != digest {
		t.Fatalf("the signature changed the report: %s, %v", r.Digest(), err)
	}
	filed, err := b.FileSigned(t.Context(), store.NewCommitter(db), ana, id)
	if err != nil {
		t.Fatal(err)
	}
	if filed.Kind != app.PhotoKindReport || filed.Mime != app.MimePDF || filed.Size <= 0 {
		t.Fatalf("filed %+v, want a PDF of kind report", filed)
	}
	rc, err := b.Photos.OpenPhoto(t.Context(), filed.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	pdf.ReadFrom(rc)
	rc.Close()
	text := pdfText(t, pdf.Bytes())
	for _, want := range []string{"FB-2026-000005", "Wang Fang", "Test Service Co"} {
		if !strings.Contains(text, want) {
			t.Errorf("the filed report lacks %q:\n%s", want, text)
		}
	}
	if r, err := b.Report(t.Context(), id); err != nil || r.Digest() != digest {
		t.Fatalf("filing the report changed its digest: %s, %v", r.Digest(), err)
	}
	if again, err := b.FileSigned(t.Context(), store.NewCommitter(db), ana, id); err != nil || again.ID != filed.ID {
		t.Fatalf("filing again: %+v, %v; want the same photo %s", again, err, filed.ID)
	}
	d, err := b.Tickets.TicketDetail(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range d.Photos {
		if p.Kind == app.PhotoKindReport {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d reports filed on the ticket, want 1", n)
	}

	commit(t, db, &app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: id, Part: storetest.BatteryP50, From: storetest.VanAna, Qty: 1}})
	changed, err := b.Report(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if changed.Digest() == digest {
		t.Fatal("a part added after signing left the digest unchanged")
	}
	if _, err := b.FileSigned(t.Context(), store.NewCommitter(db), ana, id); app.ErrorCode(err) != app.ECONFLICT {
		t.Fatalf("filing a report changed after signing: %v, want ECONFLICT", err)
	}
	var out bytes.Buffer
	if _, err := b.ServicePDF(t.Context(), &out, id); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, out.Bytes()); strings.Contains(text, "Wang Fang") || !strings.Contains(text, string(storetest.BatteryP50)) {
		t.Errorf("the changed report shows the old signature or lacks the new part:\n%s", text)
	}
}

// TestIntakeReceipt: a carry-in ticket's receipt is a PDF naming it; any
// other ticket has none (EINVALID) and nothing is written.
func TestIntakeReceipt(t *testing.T) {
	db, b := open(t, filepath.Join(t.TempDir(), "fieldbench.db"))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id   app.TicketID
		want string // the error code; "" for a receipt
	}{
		{storetest.T8, ""},
		{storetest.T1, app.EINVALID},
		{"t-none", app.ENOTFOUND},
	} {
		var out bytes.Buffer
		err := b.IntakePDF(context.Background(), &out, tc.id)
		if app.ErrorCode(err) != tc.want || (tc.want == "") != (err == nil) {
			t.Errorf("%s: %v, want %q", tc.id, err, tc.want)
			continue
		}
		if tc.want != "" {
			if out.Len() != 0 {
				t.Errorf("%s: %d bytes written with the error", tc.id, out.Len())
			}
			continue
		}
		if text := pdfText(t, out.Bytes()); !strings.Contains(text, "FB-2026-000008") {
			t.Errorf("the receipt lacks the ticket number:\n%s", text)
		}
	}
}

// TestPaymentReceipts: the intake receipt shows the deposit taken at
// check-in; each payment's receipt shows its number, its amount and
// where the customer stands after it (the later payment not counted on
// the earlier receipt); a payment the ticket does not have is ENOTFOUND,
// with nothing written.
func TestPaymentReceipts(t *testing.T) {
	db, b := open(t, filepath.Join(t.TempDir(), "fieldbench.db"))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	if err := db.ApplyPull(t.Context(), app.PullPage{ReceiptPrefix: "D7", At: storetest.Now}); err != nil {
		t.Fatal(err)
	}
	id := storetest.T8
	cny := func(a int64) app.Money { return app.Money{Amount: a, Currency: "CNY"} }
	deposit := app.Payment{ID: app.NewID(), Ticket: id, Kind: app.PaymentDeposit, Method: app.MethodCash, Amount: cny(5000)}
	pickup := app.Payment{ID: app.NewID(), Ticket: id, Kind: app.PaymentPayment, Method: app.MethodMobile, Reference: "WX4200017", Amount: cny(6780)}
	commit(t, db, &app.RecordPayment{Payment: deposit})
	commit(t, db, &app.RecordPayment{Payment: pickup})

	in, err := b.Input(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	tag := in.Detail.Ticket.CustomerLanguage()
	c := translations.For(tag)
	amount := func(m app.Money) string { return strings.ReplaceAll(report.Money(tag, m), "\u00a0", " ") }
	text := func(pdf []byte) string { return strings.ReplaceAll(pdfText(t, pdf), "\u00a0", " ") }

	var intake bytes.Buffer
	if err := b.IntakePDF(t.Context(), &intake, id); err != nil {
		t.Fatal(err)
	}
	if s := text(intake.Bytes()); !strings.Contains(s, "D7-1") || !strings.Contains(s, amount(cny(5000))) {
		t.Errorf("the intake receipt lacks the deposit D7-1 of %s:\n%s", amount(cny(5000)), s)
	}

	for _, tc := range []struct {
		payment string
		want    []string
		paid    int64
	}{
		{deposit.ID, []string{"D7-1", c.Text("payment.kind.deposit", "", nil), c.Text("payment.method.cash", "", nil), amount(cny(5000))}, 5000},
		{pickup.ID, []string{"D7-2", c.Text("payment.method.mobile", "", nil), "WX4200017", amount(cny(6780))}, 11780},
	} {
		var out bytes.Buffer
		if err := b.ReceiptPDF(t.Context(), &out, id, tc.payment); err != nil {
			t.Fatal(err)
		}
		s := text(out.Bytes())
		want := append(tc.want, "FB-2026-000008", "Test Service Co", c.Text("report.paid", "", nil), amount(cny(tc.paid)))
		if in.Decision != nil {
			owed := in.Decision.Total.Amount - tc.paid
			label := c.Text("report.owed", "", nil)
			if owed < 0 {
				label, owed = c.Text("report.overpaid", "", nil), -owed
			}
			want = append(want, c.Text("report.total", "", nil), amount(in.Decision.Total), label, amount(cny(owed)))
		} else {
			want = append(want, c.Text("report.total_unknown", "", nil))
		}
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Errorf("receipt of %s lacks %q:\n%s", tc.want[0], w, s)
			}
		}
		if tc.paid == 5000 && strings.Contains(s, amount(cny(11780))) {
			t.Errorf("the deposit's receipt counts the later payment:\n%s", s)
		}
	}

	var out bytes.Buffer
	if err := b.ReceiptPDF(t.Context(), &out, id, app.NewID()); app.ErrorCode(err) != app.ENOTFOUND || out.Len() != 0 {
		t.Errorf("receipt of a payment the ticket lacks: %v, %d bytes; want ENOTFOUND and none", err, out.Len())
	}
}
