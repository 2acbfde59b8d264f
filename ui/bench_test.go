package ui_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"strings"
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
	return benchTerminalWith(b, nil)
}

// benchTerminalWith is benchTerminal with deps changed before the
// terminal is built.
func benchTerminalWith(b *testing.B, change func(*ui.Deps, *store.DB)) (*ui.Terminal, fyne.Window, ui.Deps) {
	b.Helper()
	db, deps := benchWorld(b, demo.Generate(1, demo.Size{Models: 200, Parts: 2000, Tickets: 10000, Technicians: 1}, benchNow))
	if change != nil {
		change(&deps, db)
	}
	term, w := benchWindow(b, deps)
	return term, w, deps
}

// benchNow is the benchmarks' clock: the demo worlds are made for it.
var benchNow = time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)

// benchWorld starts a test app and loads ds into a store in a temporary
// folder; the deps it returns are the demo technician's ticket, parts and
// warranty services on it, at benchNow, running work inline.
func benchWorld(b *testing.B, ds app.Dataset) (*store.DB, ui.Deps) {
	b.Helper()
	test.NewTempApp(b)
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "fb.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Load(ctx, ds); err != nil {
		b.Fatal(err)
	}
	return db, ui.Deps{
		Tickets: store.NewTicketService(db), Parts: store.NewPartService(db), Warranty: store.NewWarrantyService(db),
		Technician: demo.DemoTechnician, Now: func() time.Time { return benchNow }, Run: func(f func()) { f() },
	}
}

// benchWindow builds the terminal of deps in a 1280x800 test window.
func benchWindow(b *testing.B, deps ui.Deps) (*ui.Terminal, fyne.Window) {
	b.Helper()
	term := ui.NewTerminal(context.Background(), deps)
	w := test.NewTempWindow(b, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	return term, w
}

// BenchmarkOpenTicket: tap a ticket in the list until its screen is drawn
// (load from SQLite, what the server holds of its history, warranty
// decision, layout, one frame).
func BenchmarkOpenTicket(b *testing.B) {
	term, w, _ := benchTerminalWith(b, func(d *ui.Deps, db *store.DB) { d.History = db })
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

// BenchmarkCompleteToShown: from tapping the pinned Complete, choosing the
// resolution and confirming, until the detail pane and the ticket list
// both show the ticket completed and the frame is drawn, over 10,000
// tickets. The saves run inline (Deps.Run), so the figure is the app's
// own work: the commit to SQLite, the list's and the detail's reloads,
// layout and one frame; the app runs the same work on a goroutine.
func BenchmarkCompleteToShown(b *testing.B) {
	ctx := context.Background()
	me := app.Actor{Role: app.RoleTechnician, Technician: demo.DemoTechnician}
	term, w, deps := benchTerminalWith(b, func(d *ui.Deps, db *store.DB) {
		d.Commit, d.Actor = store.NewCommitter(db), me
	})
	term.Attach(w) // the dialogs need the window
	commit := func(cmd app.Command) {
		if _, err := deps.Commit.Commit(ctx, me, cmd); err != nil {
			b.Fatalf("%T: %v", cmd, err)
		}
	}
	first, err := deps.Tickets.TicketDetail(ctx, term.List().Tickets()[0].ID)
	if err != nil {
		b.Fatal(err)
	}
	model := first.Ticket
	// inProgress checks in a carry-in, starts it and logs its repair and
	// diagnosis: all Complete needs besides the resolution.
	inProgress := func(n int) app.Ticket {
		tk := model
		tk.ID, tk.Number = app.TicketID(app.NewID()), fmt.Sprintf("FB-B-%06d", n)
		tk.Product.Serial = fmt.Sprintf("QB%09d", n)
		tk.Kind, tk.Status, tk.Epoch, tk.Diagnosis, tk.ResolutionCode = app.KindCarryIn, "", 0, "", ""
		tk.WindowStart, tk.WindowEnd = time.Time{}, time.Time{}
		commit(&app.CreateTicket{Ticket: tk})
		saved, err := deps.Tickets.TicketDetail(ctx, tk.ID)
		if err != nil {
			b.Fatal(err)
		}
		commit(&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: saved.Ticket.Epoch})
		commit(&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: "Replaced the mainboard", Minutes: 40}})
		diag := "Mainboard short"
		commit(&app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &diag}})
		return tk
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		tk := inProgress(i)
		term.List().Reload()
		term.Detail().Show(tk.ID)
		w.Canvas().Capture()
		complete := findButton(term.Detail().Object(), "Complete")
		if complete == nil {
			b.Fatal("no Complete on an in-progress ticket")
		}
		b.StartTimer()

		test.Tap(complete)
		dlg := w.Canvas().Overlays().Top()
		walk(dlg, func(o fyne.CanvasObject) {
			if s := ui.SelectOf(o); s != nil {
				s.SetSelected("Repaired")
			}
		})
		confirm := findButton(dlg, "Complete")
		if confirm == nil {
			b.Fatal("no Complete in the dialog")
		}
		test.Tap(confirm)
		w.Canvas().Capture()

		b.StopTimer()
		if got, err := deps.Tickets.TicketDetail(ctx, tk.ID); err != nil || got.Ticket.Status != app.StatusCompleted {
			b.Fatalf("not completed: %v %v", got.Ticket.Status, err)
		}
		if !strings.Contains(labels(term.Detail().Object()), tk.Number+" · Completed") {
			b.Fatalf("the detail does not show %s completed", tk.Number)
		}
		for _, row := range term.List().Tickets() {
			if row.ID == tk.ID && row.Status != app.StatusCompleted {
				b.Fatalf("the list still shows %s as %s", tk.Number, row.Status)
			}
		}
		b.StartTimer()
	}
}

// findButton is the first button under o reading text.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walk(o, func(c fyne.CanvasObject) {
		if b, ok := c.(*widget.Button); ok && b.Text == text && found == nil && b.Visible() {
			found = b
		}
	})
	return found
}

// BenchmarkReloadTicketList: the "Done" list (200 rows loaded of 9,970)
// read again and drawn, as a sync or a save reloads it: the page from
// SQLite, its badges, the rows laid out, one frame. drafts=off is the
// terminal without drafts (as it read the list before the rows were
// marked); drafts=on keeps them, 20 tickets of the page drafted, and
// reads which rows hold one in the same reload (one query).
func BenchmarkReloadTicketList(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("drafts=%s", map[bool]string{false: "off", true: "on"}[on]), func(b *testing.B) {
			me := app.Actor{Role: app.RoleTechnician, Technician: demo.DemoTechnician}
			var db *store.DB
			term, w, _ := benchTerminalWith(b, func(d *ui.Deps, s *store.DB) {
				db = s
				if on {
					d.Drafts, d.Commit, d.Actor = s, store.NewCommitter(s), me
				}
			})
			term.List().SetView(app.ViewDone)
			if on {
				for _, r := range term.List().Tickets()[:20] {
					if err := db.PutDraft(context.Background(), me, r.ID, app.Draft{Field: app.DraftNote, Text: "Customer home after 5 pm"}); err != nil {
						b.Fatal(err)
					}
				}
			}
			term.List().Reload()
			if got := strings.Count(strings.Join(term.List().Rows(), "\n"), " | Draft"); on && got != 20 {
				b.Fatalf("%d rows marked, want 20", got)
			}
			for b.Loop() {
				term.List().Reload()
				w.Canvas().Capture()
			}
		})
	}
}
