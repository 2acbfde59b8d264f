package simulation

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	pdfreport "github.com/fieldbench/fieldbench/report"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// terminal is one more paired device of the engine world.
type terminal struct {
	path   string
	store  *store.DB
	engine *fbsync.Engine
	actor  app.Actor
}

func (w *engineWorld) pairDevice(t *testing.T, tech app.Technician) *terminal {
	t.Helper()
	ctx := context.Background()
	code, _, err := w.db.CreatePairing(ctx, "t", tech.ID)
	if err != nil {
		t.Fatal(err)
	}
	pair, err := (&fbsync.Client{BaseURL: w.srv.URL}).Pair(ctx, code, "tablet-"+string(tech.ID))
	if err != nil {
		t.Fatal(err)
	}
	d := &terminal{path: filepath.Join(t.TempDir(), "device.db"), actor: app.Actor{Role: app.RoleTechnician, Technician: tech.ID, Store: tech.Store, Name: tech.Name}}
	if d.store, err = store.Open(ctx, d.path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.store.Close() })
	d.engine = fbsync.NewEngine(d.store, &fbsync.Client{BaseURL: w.srv.URL, Token: pair.Token})
	return d
}

// passcode is what the device shows of the ticket's passcode: "" for
// none, "-" when the ticket is not on the device.
func (d *terminal) passcode(t *testing.T, id app.TicketID) string {
	t.Helper()
	p, err := d.store.Passcode(context.Background(), d.actor, id)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return "-"
	}
	if err != nil {
		t.Fatalf("%s: Passcode: %v", d.actor.Name, err)
	}
	return p.Secret
}

// holds reports whether any of the device's database files holds s.
func (d *terminal) holds(t *testing.T, s string) bool {
	t.Helper()
	for _, p := range []string{d.path, d.path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// TestPasscodeAcrossDevices: the counter takes a pattern offline; once
// it syncs, the store's other counter device pulls it, a field technician
// and another store's counter do not; closing the ticket on the other
// device erases it there at once, on the server, and on the first device
// at its next sync, leaving no byte of it in the first device's files.
func TestPasscodeAcrossDevices(t *testing.T) {
	ctx := context.Background()
	w := newEngineWorld(t)
	const pattern = "7-4-1-2-3-6-9"
	shop := app.TicketID("tk-shop")
	clerk1 := app.Technician{ID: "clerk-1", Name: "Zhou", Country: "CN", Store: "store-1"}
	clerk2 := app.Technician{ID: "clerk-2", Name: "Qian", Country: "CN", Store: "store-1"}
	other := app.Technician{ID: "clerk-9", Name: "Sun", Country: "CN", Store: "store-9"}
	if err := w.db.LoadDataset(ctx, "t", app.Dataset{
		Technicians: []app.Technician{clerk1, clerk2, other},
		Tickets: []app.TicketDetail{{Ticket: app.Ticket{ID: shop, Number: "FB-7", Kind: app.KindCarryIn, Country: "CN", Store: "store-1",
			Product: app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"}, Customer: app.Customer{Name: "Li", Phone: "138 0000 0001"},
			Priority: app.PriorityNormal, Status: app.StatusCompleted, ResolutionCode: app.ResolutionRepaired, Epoch: 1,
			CreatedAt: time.Now().Add(-time.Hour), StartedAt: time.Now().Add(-time.Hour), CompletedAt: time.Now(), UpdatedAt: time.Now()}}},
	}); err != nil {
		t.Fatal(err)
	}
	counter, colleague, stranger := w.pairDevice(t, clerk1), w.pairDevice(t, clerk2), w.pairDevice(t, other)
	field := &terminal{path: "", store: w.store, engine: fbsync.NewEngine(w.store, w.client), actor: app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Name: "Wang Lei"}}
	syncAll := func(ds ...*terminal) {
		t.Helper()
		for _, d := range ds {
			if err := d.engine.SyncOnce(ctx); err != nil {
				t.Fatalf("%s: sync: %v", d.actor.Name, err)
			}
		}
	}
	syncAll(counter, colleague, stranger, field)
	w.setDown(true)
	if _, err := store.NewCommitter(counter.store).Commit(ctx, counter.actor, &app.SetPasscode{Ticket: shop, Kind: app.PasscodePattern, Secret: pattern}); err != nil {
		t.Fatal(err)
	}
	if err := counter.engine.SyncOnce(ctx); app.ErrorCode(err) != app.EOFFLINE {
		t.Fatalf("offline sync: %v, want EOFFLINE", err)
	}
	if got := counter.passcode(t, shop); got != pattern {
		t.Fatalf("offline, the counter shows %q", got)
	}
	w.setDown(false)
	syncAll(counter, colleague, stranger, field)
	for _, c := range []struct {
		d    *terminal
		want string
	}{{counter, pattern}, {colleague, pattern}, {stranger, "-"}, {field, "-"}} {
		if got := c.d.passcode(t, shop); got != c.want {
			t.Errorf("%s shows %q, want %q", c.d.actor.Name, got, c.want)
		}
	}
	documentsOmit(t, counter, shop, pattern)
	if stranger.holds(t, pattern) {
		t.Errorf("another store's device holds the passcode")
	}
	if _, err := store.NewCommitter(colleague.store).Commit(ctx, colleague.actor, &app.TransitionTicket{Action: app.ActionClose, Ticket: shop, Epoch: 1}); err != nil {
		t.Fatal(err)
	}
	if got := colleague.passcode(t, shop); got != "" {
		t.Fatalf("after the close, offline, the closing device shows %q", got)
	}
	syncAll(colleague, counter)
	if got := counter.passcode(t, shop); got != "" {
		t.Fatalf("after the close, the counter shows %q", got)
	}
	if d, err := w.db.TicketDetail(ctx, "t", shop); err != nil || d.Ticket.Status != app.StatusClosed {
		t.Fatalf("the server's ticket: %s, %v; want closed", d.Ticket.Status, err)
	}
	for _, d := range []*terminal{counter, colleague} {
		if d.holds(t, pattern) {
			t.Errorf("%s's database files still hold the passcode", d.actor.Name)
		}
	}
}

// documentsOmit builds, from the device's own data, the ticket's service
// report and intake receipt, and fails when the text of either holds the
// passcode, in its own form or as the bare digits of a pattern.
func documentsOmit(t *testing.T, d *terminal, id app.TicketID, secret string) {
	t.Helper()
	ctx := context.Background()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatalf("pdftotext is missing: run `make setup` (it installs poppler-utils)")
	}
	detail, err := store.NewTicketService(d.store).TicketDetail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var rep, rec bytes.Buffer
	if err := pdfreport.ServiceReport(ctx, &rep, app.BuildServiceReport(app.ReportInput{Detail: detail, Provider: "Acme", Technician: d.actor.Name}), pdfreport.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := pdfreport.IntakeReceipt(ctx, &rec, pdfreport.Intake{Ticket: detail.Ticket, Provider: "Acme"}, pdfreport.Options{}); err != nil {
		t.Fatal(err)
	}
	digits := bytes.ReplaceAll([]byte(secret), []byte("-"), nil)
	for name, pdf := range map[string][]byte{"service report": rep.Bytes(), "intake receipt": rec.Bytes()} {
		path := filepath.Join(t.TempDir(), "doc.pdf")
		if err := os.WriteFile(path, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text := bytes.Join(bytes.Fields(out), nil)
		if !bytes.Contains(text, []byte(detail.Ticket.Number)) {
			t.Fatalf("the %s's text lacks the ticket number: %s", name, out)
		}
		if bytes.Contains(text, []byte(secret)) || bytes.Contains(text, digits) || bytes.Contains(pdf, []byte(secret)) {
			t.Errorf("the %s holds the passcode", name)
		}
	}
}
