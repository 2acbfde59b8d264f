package ui_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/ui"
)

// TestSyncLineAndConflictInbox runs the terminal against a real central
// service on loopback: work shows as waiting, a sync sends it, a
// dispatcher's cancel turns later work into a conflict in the inbox, and
// deciding it there clears it.
func TestSyncLineAndConflictInbox(t *testing.T) {
	test.NewTempApp(t)
	loadTranslations(t)
	ctx := t.Context()
	dir := t.TempDir()
	now := time.Now()
	emb, err := central.StartEmbedded(ctx, filepath.Join(dir, "central"), "demo", func() app.Dataset {
		return demo.Generate(7, demo.Size{Models: 20, Parts: 300, Tickets: 300, Technicians: 3}, now)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	code, err := emb.PairingCode(ctx, demo.DemoTechnician)
	if err != nil {
		t.Fatal(err)
	}
	paired, err := (&fbsync.Client{BaseURL: emb.URL}).Pair(ctx, code, "test")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "fb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	client := &fbsync.Client{BaseURL: emb.URL, Token: paired.Token}
	engine := fbsync.NewEngine(db, client)
	if err := engine.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	rules, _ := scanner.ParseSerialRules(assets.SerialRules)
	me := paired.Technician
	deps := ui.Deps{
		Tickets: store.NewTicketService(db), Parts: store.NewPartService(db), Warranty: store.NewWarrantyService(db),
		Technician: me.ID, Country: me.Country, SerialRules: rules, Commit: store.NewCommitter(db), Photos: store.NewPhotoStore(db),
		Actor: app.Actor{Role: app.RoleTechnician, Technician: me.ID, Name: me.Name}, Sync: fbsync.NewTerminalSync(engine, client, db),
		Run: func(f func()) { f() },
	}
	term := ui.NewTerminal(ctx, deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	if s := term.SyncText(); !strings.Contains(s, "All work synced") {
		t.Fatalf("sync line after the first sync: %q", s)
	}

	var tk app.Ticket
	all, _, err := deps.Tickets.FindTickets(ctx, app.TicketFilter{Technician: me.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range all {
		if x.Kind == app.KindOnSite && x.Status == app.StatusAssigned {
			tk = x
			break
		}
	}
	if tk.ID == "" {
		t.Fatal("no assigned on-site ticket")
	}
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "On my way")
	if s := term.SyncText(); !strings.Contains(s, "1 change waiting") {
		t.Fatalf("sync line after a change: %q", s)
	}
	term.List().SetQuery(tk.Number)
	if tickets := term.List().Tickets(); len(tickets) != 1 || !strings.Contains(labels(term.List().Object()), "1 unsent") {
		t.Errorf("no unsent badge on %s:\n%s", tk.Number, labels(term.List().Object()))
	}
	if err := engine.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if s := term.SyncText(); !strings.Contains(s, "All work synced") {
		t.Fatalf("sync line after sending: %q", s)
	}

	// Dispatch cancels the ticket; the technician, not synced yet, marks
	// arrival on the old assignment.
	m, err := app.NewMutation(&app.TransitionTicket{Action: app.ActionCancel, Ticket: tk.ID, Epoch: tk.Epoch, Reason: "customer called off"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := emb.DB.ApplyAdmin(ctx, central.Principal{Tenant: emb.Tenant, Role: app.RoleDispatcher, Name: "dispatch"}, m); err != nil {
		t.Fatal(err)
	}
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Arrived")
	if err := engine.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if s := term.SyncText(); !strings.Contains(s, "1 conflict needs a decision") {
		t.Fatalf("sync line after the refused change: %q", s)
	}
	if !strings.Contains(labels(term.List().Object()), "conflict") {
		t.Errorf("no conflict badge:\n%s", labels(term.List().Object()))
	}
	term.OpenSyncScreen()
	inbox := w.Canvas().Overlays().Top()
	shown := labels(inbox)
	for _, want := range []string{tk.Number, "Arrived", "Dispatch can still apply your change"} {
		if !strings.Contains(shown, want) {
			t.Errorf("inbox lacks %q:\n%s", want, shown)
		}
	}
	tapButton(t, inbox, "Drop my change")
	if err := engine.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if s := term.SyncText(); strings.Contains(s, "conflict") {
		t.Errorf("sync line after deciding: %q", s)
	}
	if shown := labels(w.Canvas().Overlays().Top()); !strings.Contains(shown, "No conflicts") {
		t.Errorf("inbox after deciding:\n%s", shown)
	}
	if d := ticketNow(t, deps, tk.ID); d.Ticket.Status != app.StatusCancelled {
		t.Errorf("ticket %s after sync, want cancelled", d.Ticket.Status)
	}
}
