package ui_test

import (
	"context"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// benchTerminal opens a terminal on a store of 10,000 tickets, all the
// demo technician's, in a 1280x800 test window. Rendering is Fyne's
// software painter (Capture), not a GPU: the figures are the app's own
// layout and drawing work per frame.
func benchTerminal(b *testing.B) (*ui.Terminal, fyne.Window, ui.Deps) {
	b.Helper()
	test.NewTempApp(b)
	ctx := context.Background()
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "fb.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Load(ctx, demo.Generate(1, demo.Size{Models: 200, Parts: 2000, Tickets: 10000, Technicians: 1}, now)); err != nil {
		b.Fatal(err)
	}
	deps := ui.Deps{
		Tickets: store.NewTicketService(db), Parts: store.NewPartService(db), Warranty: store.NewWarrantyService(db),
		Technician: demo.DemoTechnician, Now: func() time.Time { return now }, Run: func(f func()) { f() },
	}
	term := ui.NewTerminal(ctx, deps)
	w := test.NewTempWindow(b, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	return term, w, deps
}

// BenchmarkOpenTicket: tap a ticket in the list until its screen is drawn
// (load from SQLite, warranty decision, layout, one frame).
func BenchmarkOpenTicket(b *testing.B) {
	term, w, _ := benchTerminal(b)
	term.List().SetView(app.ViewDone)
	tickets := term.List().Tickets()
	if len(tickets) < 100 {
		b.Fatalf("only %d done tickets", len(tickets))
	}
	i := 0
	for b.Loop() {
		term.List().Select(i % 100)
		w.Canvas().Capture()
		i++
	}
}

// BenchmarkScrollTicketList: scroll the "Done" list (200 rows loaded of
// 9,970) a screenful at a time and draw each frame.
func BenchmarkScrollTicketList(b *testing.B) {
	term, w, _ := benchTerminal(b)
	term.List().SetView(app.ViewDone)
	list := term.List().Focusable().(interface{ ScrollTo(widget.ListItemID) })
	n := len(term.List().Tickets())
	i := 0
	for b.Loop() {
		list.ScrollTo((i * 9) % n)
		w.Canvas().Capture()
		i++
	}
}

// BenchmarkDrawFrame is the floor of the two above: drawing the same
// screen again with nothing changed, in the same software painter.
func BenchmarkDrawFrame(b *testing.B) {
	term, w, _ := benchTerminal(b)
	term.List().SetView(app.ViewDone)
	for b.Loop() {
		w.Canvas().Capture()
	}
}

// BenchmarkMemoryTrim is the cost of the trim the terminal runs once a
// screen has settled (ui/trim.go): a full collection that returns free
// memory to the system, with a ticket open over 10,000 tickets.
func BenchmarkMemoryTrim(b *testing.B) {
	term, w, _ := benchTerminal(b)
	term.List().SetView(app.ViewDone)
	term.List().Select(0)
	w.Canvas().Capture()
	for b.Loop() {
		debug.FreeOSMemory()
	}
}
