package ui_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets"
	"github.com/fieldbench/fieldbench/device/reports"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// historySync is a SyncService whose status the test sets and publishes,
// as the device's engine does; it counts the syncs asked for.
type historySync struct {
	app.SyncService // nil: the ticket screen uses only the methods below
	st              app.SyncStatus
	watch           []func(app.SyncStatus)
	syncs           atomic.Int32
}

func (s *historySync) SyncStatus() app.SyncStatus        { return s.st }
func (s *historySync) WatchSync(fn func(app.SyncStatus)) { s.watch = append(s.watch, fn) }
func (s *historySync) SyncNow()                          { s.syncs.Add(1) }
func (s *historySync) Notices() []app.Notice             { return nil }
func (s *historySync) Recount(ctx context.Context) error { return nil }
func (s *historySync) SetWorkOffline(on bool)            {}
func (s *historySync) OpenConflicts(context.Context) ([]app.Conflict, error) {
	return nil, nil
}
func (s *historySync) UnsentTickets(context.Context) (map[app.TicketID]int, error) {
	return nil, nil
}

// publish hands st on to the screens as the engine does.
func (s *historySync) publish(st app.SyncStatus) {
	st.Seq = s.st.Seq + 1
	s.st = st
	for _, fn := range s.watch {
		fn(st)
	}
}

// countingDocs is the device's report builder, counting the reports made.
type countingDocs struct {
	builderDocs
	reports atomic.Int32
}

func (d *countingDocs) ServiceReport(ctx context.Context, w io.Writer, id app.TicketID) error {
	d.reports.Add(1)
	return d.builderDocs.ServiceReport(ctx, w, id)
}

// awayWorld is a terminal on a real store whose demo world holds one
// closed ticket as a first sync sends it: without its facts, counted in
// Away.
type awayWorld struct {
	db      *store.DB
	deps    ui.Deps
	term    *ui.Terminal
	w       fyne.Window
	tk      app.Ticket
	away    app.HistoryAway // what the store was told is on the server
	history app.Dataset     // the facts kept back, as the server answers
	sync    *historySync
	docs    *countingDocs
}

// syncedAt is when the sync before the test ended.
var syncedAt = time.Date(2026, 6, 18, 9, 0, 0, 0, time.UTC)

// newAwayWorld opens the world with the sync status st (LastSuccess set
// to syncedAt) in a window of size.
func newAwayWorld(t *testing.T, st app.SyncStatus, size fyne.Size) *awayWorld {
	t.Helper()
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	aw := &awayWorld{}
	deps, _, db := openDemoStoreWith(t, now, func(ds *app.Dataset) {
		best, most := -1, 0
		for i, d := range ds.Tickets {
			n := len(d.Repairs) + len(d.Parts) + len(d.Photos)
			if d.Ticket.Status == app.StatusClosed && len(d.Repairs) > 0 && len(d.Parts) > 0 && n > most {
				best, most = i, n
			}
		}
		if best < 0 {
			t.Fatal("the demo world has no closed ticket with repairs and parts")
		}
		d := &ds.Tickets[best]
		aw.tk = d.Ticket
		aw.history = app.Dataset{Repairs: d.Repairs, PartsUsed: d.Parts, Photos: d.Photos, Notes: d.Notes,
			Signatures: d.Signatures, Payments: d.Payments, Estimates: d.Estimates}
		aw.away = app.HistoryAway{Repairs: len(d.Repairs), PartsUsed: len(d.Parts), Photos: len(d.Photos), Notes: len(d.Notes),
			Signatures: len(d.Signatures), Payments: len(d.Payments), Estimates: len(d.Estimates)}
		d.Repairs, d.Parts, d.Photos, d.Notes, d.Signatures, d.Payments, d.Estimates = nil, nil, nil, nil, nil, nil, nil
		away := aw.away
		d.Away = &away
	})
	aw.db = db
	deps.History = db
	deps.DataDir = t.TempDir()
	b := reports.Builder{Tickets: deps.Tickets, Parts: deps.Parts, Warranty: deps.Warranty, History: db,
		Photos: deps.Photos, Provider: demo.Provider, Technician: deps.Actor.Name}
	aw.docs = &countingDocs{builderDocs: builderDocs{b: b, commit: deps.Commit, actor: deps.Actor}}
	deps.Documents = aw.docs
	st.LastSuccess = syncedAt
	st.Seq = 1
	aw.sync = &historySync{st: st}
	deps.Sync = aw.sync
	aw.deps = deps
	aw.term = ui.NewTerminal(t.Context(), deps)
	aw.w = test.NewTempWindow(t, aw.term.Object())
	aw.w.Resize(size)
	aw.term.Attach(aw.w)
	return aw
}

// requested reads the store's mark.
func (aw *awayWorld) requested(t *testing.T) bool {
	t.Helper()
	h, err := aw.db.HistoryAway(t.Context(), aw.tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if h == nil {
		t.Fatal("HistoryAway is nil: the history is on the device")
	}
	return h.Requested
}

// answer applies the server's answer to a sync that asked for the
// ticket's history, and publishes that sync's success; whole says
// whether the server answered it (else it left it out, as it does a
// ticket no longer in the device's scopes).
func (aw *awayWorld) answer(t *testing.T, whole bool) {
	t.Helper()
	page := app.PullPage{HistoryAsked: []app.TicketID{aw.tk.ID}}
	if whole {
		page.HistoryOf, page.History = []app.TicketID{aw.tk.ID}, aw.history
	}
	if err := aw.db.ApplyPull(t.Context(), page); err != nil {
		t.Fatal(err)
	}
	st := aw.sync.st
	st.LastSuccess = st.LastSuccess.Add(time.Minute)
	aw.sync.publish(st)
}

// shownWithButtons is visibleText with each visible button's text in
// brackets.
func shownWithButtons(o fyne.CanvasObject) string {
	var b strings.Builder
	b.WriteString(visibleText(o))
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *widget.Button:
			b.WriteString("[" + o.Text + "]\n")
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

// plural is n English things.
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// awayCounts is the card's English line for a.
func awayCounts(a app.HistoryAway) string {
	var parts []string
	for _, c := range []struct {
		n         int
		one, many string
	}{{a.Repairs, "repair", "repairs"}, {a.PartsUsed, "part used", "parts used"}, {a.Photos, "photo", "photos"}, {a.Notes, "note", "notes"},
		{a.Signatures, "signature", "signatures"}, {a.Payments, "payment", "payments"}, {a.Estimates, "estimate", "estimates"}} {
		if c.n > 0 {
			parts = append(parts, plural(c.n, c.one, c.many))
		}
	}
	return "History on the server: " + strings.Join(parts, ", ")
}

func wantShown(t *testing.T, shown string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(shown, w) {
			t.Errorf("the screen lacks %q:\n%s", w, shown)
		}
	}
}

func wantHidden(t *testing.T, shown string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(shown, w) {
			t.Errorf("the screen shows %q:\n%s", w, shown)
		}
	}
}

// TestHistoryAwayLoadsOnDemand: offline, a closed ticket whose history is
// on the server shows what is there, and the parts of the screen that
// need it say so (the warranty's total, the service report) instead of
// "nothing". "Load history" marks it requested and says it waits for the
// network, then for the next sync once online; the sync that brings it
// shows the repairs and parts, and the report is made.
func TestHistoryAwayLoadsOnDemand(t *testing.T) {
	aw := newAwayWorld(t, app.SyncStatus{Offline: true}, fyne.NewSize(1280, 800))
	if aw.away.Repairs == 0 || aw.away.PartsUsed == 0 {
		t.Fatalf("away %+v: want repairs and parts", aw.away)
	}
	detail := aw.term.Detail()
	detail.Show(aw.tk.ID)
	shown := shownWithButtons(detail.Object())
	wantShown(t, shown, awayCounts(aw.away), "[Load history]", "The parts used on this ticket are still on the server")
	wantHidden(t, shown, "No parts fitted.", "Nothing logged yet.", "Customer pays", "Loading with the next sync")
	if aw.requested(t) || aw.sync.syncs.Load() != 0 {
		t.Fatalf("opened offline: requested %v, %d syncs asked; want neither", aw.requested(t), aw.sync.syncs.Load())
	}

	// The report would lack the history: it says so and makes nothing.
	tapButton(t, detail.Object(), "Service report")
	dlg := aw.w.Canvas().Overlays().Top()
	if dlg == nil {
		t.Fatal("Service report showed nothing")
	}
	wantShown(t, shownWithButtons(dlg), "This document needs the history of ticket "+aw.tk.Number)
	tapButton(t, dlg, "Close")
	if aw.docs.reports.Load() != 0 || aw.requested(t) {
		t.Fatalf("closing the notice: %d reports made, requested %v; want none", aw.docs.reports.Load(), aw.requested(t))
	}

	tapButton(t, detail.Object(), "Load history")
	if !aw.requested(t) {
		t.Fatal("Load history did not mark the history requested")
	}
	shown = shownWithButtons(detail.Object())
	wantShown(t, shown, "You are offline: the history loads when you reconnect.", awayCounts(aw.away))
	wantHidden(t, shown, "[Load history]")

	// Working offline by choice, then back online: the line follows.
	aw.sync.publish(app.SyncStatus{WorkOffline: true, LastSuccess: syncedAt})
	wantShown(t, shownWithButtons(detail.Object()), "turn off “Work offline” on the sync page")
	aw.sync.publish(app.SyncStatus{LastSuccess: syncedAt})
	shown = shownWithButtons(detail.Object())
	wantShown(t, shown, "Loading with the next sync…")
	wantHidden(t, shown, "You are offline", "Work offline")

	// The report asked for now says it waits too.
	tapButton(t, detail.Object(), "Service report")
	wantShown(t, shownWithButtons(aw.w.Canvas().Overlays().Top()), "This document needs the history", "Loading with the next sync…")
	tapButton(t, aw.w.Canvas().Overlays().Top(), "Close")

	aw.answer(t, true)
	shown = shownWithButtons(detail.Object())
	wantHidden(t, shown, "History on the server", "still on the server", "Loading with the next sync")
	wantShown(t, shown, "Customer pays")
	for _, r := range aw.history.Repairs {
		wantShown(t, shown, r.Action)
	}
	for _, u := range aw.history.PartsUsed {
		wantShown(t, shown, string(u.Part))
	}
	if h, err := aw.db.HistoryAway(t.Context(), aw.tk.ID); err != nil || h != nil {
		t.Fatalf("after the answer HistoryAway = %+v, %v; want nil", h, err)
	}
	tapButton(t, detail.Object(), "Service report")
	if aw.docs.reports.Load() != 1 {
		t.Fatalf("Service report with the history here made %d reports, want 1", aw.docs.reports.Load())
	}
}

// TestHistoryAskedWhenOpenedOnline: online, opening the ticket asks for
// its history and a sync at once; a sync that leaves it unanswered (the
// server clears the mark) offers the button again and does not ask by
// itself, which would sync for ever.
func TestHistoryAskedWhenOpenedOnline(t *testing.T) {
	aw := newAwayWorld(t, app.SyncStatus{}, fyne.NewSize(1280, 800))
	detail := aw.term.Detail()
	detail.Show(aw.tk.ID)
	if !aw.requested(t) || aw.sync.syncs.Load() != 1 {
		t.Fatalf("opened online: requested %v, %d syncs asked; want true, 1", aw.requested(t), aw.sync.syncs.Load())
	}
	shown := shownWithButtons(detail.Object())
	wantShown(t, shown, awayCounts(aw.away), "Loading with the next sync…")
	wantHidden(t, shown, "[Load history]")

	aw.answer(t, false)
	if aw.requested(t) || aw.sync.syncs.Load() != 1 {
		t.Fatalf("after a sync without it: requested %v, %d syncs asked; want false, 1", aw.requested(t), aw.sync.syncs.Load())
	}
	shown = shownWithButtons(detail.Object())
	wantShown(t, shown, awayCounts(aw.away), "[Load history]")
	wantHidden(t, shown, "Loading with the next sync")

	// Opened again from the list, it is not asked again by itself either.
	detail.Show(aw.tk.ID)
	if aw.requested(t) {
		t.Fatal("opening it again asked again")
	}
	tapButton(t, detail.Object(), "Load history")
	if !aw.requested(t) || aw.sync.syncs.Load() != 2 {
		t.Fatalf("Load history: requested %v, %d syncs asked; want true, 2", aw.requested(t), aw.sync.syncs.Load())
	}
}

// historyCard finds the history's card on the screen.
func historyCard(t *testing.T, o fyne.CanvasObject, title string) *widget.Card {
	t.Helper()
	var found *widget.Card
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Card:
			if o.Title == title && found == nil {
				found = o
			}
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
	if found == nil {
		t.Fatalf("no card %q", title)
	}
	return found
}

// TestGoldenHistoryCard pins the history's card on a 360 px phone and a
// tablet, in English and Chinese, before and after "Load history"
// (offline).
func TestGoldenHistoryCard(t *testing.T) {
	for _, lang := range []struct{ code, title string }{{"en", "History"}, {"zh", "历史记录"}} {
		t.Run(lang.code, func(t *testing.T) {
			t.Setenv("LANGUAGE", lang.code)
			os.Setenv("LANG", "")
			if err := assets.AddTranslations(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				// Back to English for the tests that follow in this binary.
				os.Setenv("LANGUAGE", "en")
				assets.AddTranslations()
			})
			aw := newAwayWorld(t, app.SyncStatus{Offline: true}, fyne.NewSize(1280, 800))
			aw.term.Detail().Show(aw.tk.ID)
			for _, step := range []string{"ask", "asked"} {
				if step == "asked" {
					tapButton(t, historyCard(t, aw.term.Detail().Object(), lang.title), map[string]string{"en": "Load history", "zh": "加载历史记录"}[lang.code])
				}
				card := historyCard(t, aw.term.Detail().Object(), lang.title)
				for _, size := range []struct {
					name string
					w    float32
				}{{"phone", 360}, {"tablet", 800}} {
					w := test.NewTempWindow(t, card)
					w.Resize(fyne.NewSize(size.w, 320))
					test.AssertRendersToMarkup(t, fmt.Sprintf("history_%s_%s_%s.xml", step, lang.code, size.name), w.Canvas())
					w.SetContent(widget.NewLabel(""))
				}
			}
		})
	}
}

// TestHistoryLoadsWithARealSync: against the central service on
// loopback, a first sync brings an old closed ticket of the technician
// without its history; opening it online asks for it, and the next sync
// brings it and the screen shows its repairs without being opened again.
func TestHistoryLoadsWithARealSync(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	ctx := t.Context()
	var tk app.TicketDetail
	var away *app.HistoryAway
	for _, d := range sw.ds.Tickets {
		if d.Ticket.Technician != sw.me.ID || !d.Ticket.Status.Terminal() || len(d.Repairs) == 0 {
			continue
		}
		a, err := sw.db.HistoryAway(ctx, d.Ticket.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a != nil {
			tk, away = d, a
			break
		}
	}
	if away == nil {
		t.Fatal("the first sync kept back the history of none of the technician's closed tickets with repairs")
	}
	if away.Repairs != len(tk.Repairs) || away.PartsUsed != len(tk.Parts) {
		t.Errorf("away %+v, but the ticket has %d repairs and %d parts", away, len(tk.Repairs), len(tk.Parts))
	}
	detail := sw.term.Detail()
	detail.Show(tk.Ticket.ID)
	shown := shownWithButtons(detail.Object())
	wantShown(t, shown, awayCounts(*away), "Loading with the next sync…")
	for _, r := range tk.Repairs {
		wantHidden(t, shown, r.Action)
	}
	if a, err := sw.db.HistoryAway(ctx, tk.Ticket.ID); err != nil || a == nil || !a.Requested {
		t.Fatalf("opened online: HistoryAway = %+v, %v; want requested", a, err)
	}

	sw.syncOnce(t)
	shown = shownWithButtons(detail.Object())
	wantHidden(t, shown, "History on the server", "Loading with the next sync", "[Load history]")
	for _, r := range tk.Repairs {
		wantShown(t, shown, r.Action)
	}
	if a, err := sw.db.HistoryAway(ctx, tk.Ticket.ID); err != nil || a != nil {
		t.Fatalf("after the sync HistoryAway = %+v, %v; want nil", a, err)
	}
}
