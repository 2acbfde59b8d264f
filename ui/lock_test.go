package ui_test

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/ui"
)

// cutTransport is the device's link to the server, which the test cuts.
type cutTransport struct {
	fbsync.Transport
	mu  gosync.Mutex
	cut bool
}

func (c *cutTransport) set(cut bool) {
	c.mu.Lock()
	c.cut = cut
	c.mu.Unlock()
}

func (c *cutTransport) Sync(ctx context.Context, req *fbsync.Request) (*fbsync.Response, error) {
	c.mu.Lock()
	cut := c.cut
	c.mu.Unlock()
	if cut {
		return nil, app.Errorf(app.EOFFLINE, "sync.offline", "No connection to the server. Your work is saved on this device and will be sent when the connection is back.")
	}
	return c.Transport.Sync(ctx, req)
}

// TestLockedScreen runs the terminal against a real central service on
// loopback: a device that has not completed a sync for longer than its
// lease (30 days) replaces its pages with the locked screen, saying why and
// what to do; the work saved before stays pending; the sync that
// completes sends it and unlocks. With FIELDBENCH_CAPTURE set to a folder,
// the locked window is saved there as lock-LANG.png (run once with
// LANGUAGE=en and once with LANGUAGE=zh to see both).
func TestLockedScreen(t *testing.T) {
	test.NewTempApp(t)
	loadTranslations(t)
	ctx := t.Context()
	dir := t.TempDir()
	var mu gosync.Mutex
	now := time.Now().UTC()
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
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
	db, err := store.Open(ctx, filepath.Join(dir, "fb.db"), store.WithClock(app.ClockFunc(clock)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	client := &fbsync.Client{BaseURL: emb.URL, Token: paired.Token}
	link := &cutTransport{Transport: client}
	engine := fbsync.NewEngine(db, link)
	engine.Clock = app.ClockFunc(clock)
	if err := engine.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	rules, _ := scanner.ParseSerialRules(assets.SerialRules)
	me := paired.Technician
	deps := ui.Deps{
		Tickets: store.NewTicketService(db), Parts: store.NewPartService(db), Warranty: store.NewWarrantyService(db),
		Technician: me.ID, Country: me.Country, SerialRules: rules, Commit: store.NewCommitter(db), Photos: store.NewPhotoStore(db),
		Actor: app.Actor{Role: app.RoleTechnician, Technician: me.ID, Name: me.Name}, Sync: terminalSync(t, engine, client, db),
		Now: clock, Run: func(f func()) { f() },
	}
	term := ui.NewTerminal(ctx, deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	list := term.List().Tickets()
	if term.Locked() || len(list) == 0 {
		t.Fatalf("after the first sync: locked %v, %d tickets", term.Locked(), len(list))
	}
	customer := list[0].CustomerName
	if !strings.Contains(visibleText(term.Object()), customer) {
		t.Fatalf("the list does not show %q", customer)
	}

	// Offline, a note is saved; then 29 days pass, then 31.
	link.set(true)
	lost := app.NewID()
	if _, err := deps.Commit.Commit(ctx, deps.Actor, &app.AddNote{Note: app.Note{ID: lost, Ticket: list[0].ID, Text: "customer away until Monday"}}); err != nil {
		t.Fatal(err)
	}
	// A dialog open when the lock comes (here the check-in form) closes.
	tapButton(t, term.Object(), lang.X("checkin.button", "Check in"))
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("the check-in form did not open")
	}
	lockTitle := lang.X("lock.title", "Customer data is locked")
	synced := clock()
	w.Resize(fyne.NewSize(720, 1280)) // the lock comes to a phone
	for _, tt := range []struct {
		days   int
		locked bool
	}{{29, false}, {31, true}} {
		mu.Lock()
		now = synced.Add(time.Duration(tt.days) * 24 * time.Hour)
		mu.Unlock()
		if err := engine.SyncOnce(ctx); app.ErrorCode(err) != app.EOFFLINE {
			t.Fatalf("offline sync = %v", err)
		}
		shown := visibleText(term.Object())
		if term.Locked() != tt.locked || strings.Contains(shown, lockTitle) != tt.locked || strings.Contains(shown, customer) == tt.locked {
			t.Fatalf("%d days after the last sync: locked %v, screen shows the lock %v, the customer %v", tt.days, term.Locked(), strings.Contains(shown, lockTitle), strings.Contains(shown, customer))
		}
	}
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("locked, a dialog stays open:\n%s", labels(top))
	}
	shown := visibleText(term.Object())
	for _, want := range []string{lang.X("lock.sync_now", "Sync now"), "30"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the locked screen lacks %q:\n%s", want, shown)
		}
	}
	// On a phone too the sync line stays under the locked screen: it says
	// the device is offline, which is why it stays locked. (On a phone the
	// line otherwise rides in the page shown, which the lock hides.)
	if line := term.SyncText(); line == "" || !strings.Contains(visibleText(term.Object()), line) {
		t.Errorf("locked on a phone, the sync line %q is not shown:\n%s", line, visibleText(term.Object()))
	}
	w.Resize(fyne.NewSize(1280, 800))
	if out := os.Getenv("FIELDBENCH_CAPTURE"); out != "" {
		f, err := os.Create(filepath.Join(out, "lock-"+lang.SystemLocale().LanguageString()+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, capture(w)); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	// Working offline by choice, Sync now would do nothing: the screen
	// says so and offers Go back online instead.
	syncNow, back := button(term.Object(), lang.X("lock.sync_now", "Sync now")), button(term.Object(), lang.X("lock.go_online", "Go back online"))
	if syncNow == nil || back == nil {
		t.Fatalf("the locked screen's buttons: Sync now %v, Go back online %v", syncNow, back)
	}
	offers := func(sync, online bool) {
		t.Helper()
		if syncNow.Visible() != sync || back.Visible() != online {
			t.Errorf("the locked screen offers Sync now %v, Go back online %v; want %v, %v:\n%s",
				syncNow.Visible(), back.Visible(), sync, online, visibleText(term.Object()))
		}
	}
	offers(true, false)
	deps.Sync.SetWorkOffline(true)
	offers(false, true)
	if shown := visibleText(term.Object()); !strings.Contains(shown, lang.X("lock.work_offline", "You chose to work offline, so Sync now does nothing. Go back online to sync and unlock.")) {
		t.Errorf("working offline, the locked screen does not say why Sync now cannot help:\n%s", shown)
	}
	test.Tap(back)
	if deps.Sync.SyncStatus().WorkOffline {
		t.Error("Go back online left the device working offline")
	}
	offers(true, false)
	if _, _, err := deps.Tickets.FindTickets(ctx, app.TicketFilter{}); app.ErrorCode(err) != app.ELEASE {
		t.Errorf("locked, the store still answers tickets: %v", err)
	}
	if st := deps.Sync.SyncStatus(); st.Pending != 1 {
		t.Errorf("locked, %d changes wait, want the note", st.Pending)
	}

	// Back online: the sync sends the note and unlocks.
	link.set(false)
	if err := engine.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	shown = visibleText(term.Object())
	if term.Locked() || strings.Contains(shown, lockTitle) || !strings.Contains(shown, customer) {
		t.Fatalf("after the sync: locked %v, lock shown %v, customer shown %v", term.Locked(), strings.Contains(shown, lockTitle), strings.Contains(shown, customer))
	}
	if st := deps.Sync.SyncStatus(); st.Pending != 0 {
		t.Errorf("after the sync %d changes wait", st.Pending)
	}
	d, err := emb.DB.TicketDetail(ctx, emb.Tenant, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(d.Notes, func(n app.Note) bool { return n.ID == lost }) {
		t.Errorf("the server lacks the note saved while offline: %+v", d.Notes)
	}
}

// visibleText is the text of the labels and texts under o that show:
// hidden objects and their children are skipped.
func visibleText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *widget.Label:
			b.WriteString(o.Text + "\n")
		case *canvas.Text:
			b.WriteString(o.Text + "\n")
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}
