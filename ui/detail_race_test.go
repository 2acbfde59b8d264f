package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// TestSyncEndKeepsTheTicketAskedFor: a sync that ends while a newly opened
// ticket is still loading (a check-in opens the new ticket, and its
// saving starts a sync) reloads that ticket, not the one still on screen:
// the detail once went back to the ticket shown before the check-in.
func TestSyncEndKeepsTheTicketAskedFor(t *testing.T) {
	term, deps, now, drain := queuedTerminal(t)
	attachDesktop(t, term)
	drain()
	tickets, n, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{})
	if err != nil || n < 2 {
		t.Fatalf("tickets: %d, %v", n, err)
	}
	before, opened := tickets[0], tickets[1]
	term.Detail().Show(before.ID)
	drain()
	if got := term.Detail().ShownNumber(); got != before.Number {
		t.Fatalf("shown %q, want %q", got, before.Number)
	}
	term.Detail().Show(opened.ID) // loading, not on screen yet
	last := now.Add(-time.Minute)
	term.SyncChanged(app.SyncStatus{Seq: 1, LastSuccess: last}, app.SyncStatus{Seq: 2, LastSuccess: now})
	drain()
	if got := term.Detail().ShownNumber(); got != opened.Number {
		t.Errorf("after the sync ended the detail shows %q, want the ticket opened, %q", got, opened.Number)
	}
}

// TestSlowOpenSaysTheTicketIsOpening: a ticket that takes long to load
// (its load held here) replaces the ticket on screen with "Opening the
// ticket…" at once, with no timer to wait for, rather than leave the one
// tapped before as if the tap had not been taken; the ticket then shows.
// A load done shows no notice.
func TestSlowOpenSaysTheTicketIsOpening(t *testing.T) {
	term, deps, _, drain := queuedTerminal(t)
	term.ManualPaneTimers()
	attachDesktop(t, term)
	drain()
	tickets, n, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{})
	if err != nil || n < 3 {
		t.Fatalf("tickets: %d, %v", n, err)
	}
	term.Detail().Show(tickets[0].ID)
	drain()
	if shown := labels(term.Detail().Object()); strings.Contains(shown, "Opening the ticket") || term.Detail().ShownNumber() != tickets[0].Number {
		t.Fatalf("a loaded ticket shows %q:\n%s", term.Detail().ShownNumber(), shown)
	}
	// Slow: the load still waits, and no timer fired.
	term.Detail().Show(tickets[1].ID)
	shown := labels(term.Detail().Object())
	if !strings.Contains(shown, "Opening the ticket") {
		t.Fatalf("a ticket still loading leaves on screen:\n%s", shown)
	}
	if strings.Contains(shown, tickets[0].Number) {
		t.Errorf("the ticket tapped before stays on screen beside the notice")
	}
	drain()
	if got := term.Detail().ShownNumber(); got != tickets[1].Number {
		t.Errorf("once loaded the detail shows %q, want %q", got, tickets[1].Number)
	}
	if shown := labels(term.Detail().Object()); strings.Contains(shown, "Opening the ticket") {
		t.Errorf("the notice stays once the ticket is loaded:\n%s", shown)
	}
}

// queuedTerminal is a terminal whose background work (Deps.Run) waits in
// a queue until the test drains it: a load held there is a slow one.
func queuedTerminal(t *testing.T) (term *ui.Terminal, deps ui.Deps, now time.Time, drain func()) {
	t.Helper()
	test.NewTempApp(t)
	now = time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps, _, _ = openDemoStore(t, now)
	var queued []func()
	deps.Run = func(f func()) { queued = append(queued, f) }
	drain = func() {
		for len(queued) > 0 {
			f := queued[0]
			queued = queued[1:]
			f()
		}
	}
	return ui.NewTerminal(t.Context(), deps), deps, now, drain
}

// attachDesktop shows term in a desktop-sized test window.
func attachDesktop(t *testing.T, term *ui.Terminal) {
	t.Helper()
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
}

// openWatch is a ticket store whose TicketDetail, the first read of a
// ticket's opening, calls at first the test's look at the screen: what
// the pane shows while the store is read, however long that takes.
type openWatch struct {
	app.TicketService
	at func(id app.TicketID)
}

func (o openWatch) TicketDetail(ctx context.Context, id app.TicketID) (app.TicketDetail, error) {
	o.at(id)
	return o.TicketService.TicketDetail(ctx, id)
}

// TestTappedTicketSaysOpeningBeforeTheStoreIsRead: a ticket tapped in
// the list says "Opening the ticket…" before its store read begins, on
// a tablet and on a phone, the first ticket and the next: on a loaded
// machine the empty "Select a ticket" (or the ticket tapped before)
// stood under the selected row for seconds, until a 250 ms timer ran.
func TestTappedTicketSaysOpeningBeforeTheStoreIsRead(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1280, Height: 800}, {Width: 720, Height: 1280}} {
		test.NewTempApp(t)
		now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
		deps, _, _ := openDemoStore(t, now)
		var term *ui.Terminal
		var seen []string
		deps.Tickets = openWatch{TicketService: deps.Tickets, at: func(id app.TicketID) {
			if term != nil {
				seen = append(seen, labels(term.Detail().Object()))
			}
		}}
		term = ui.NewTerminal(t.Context(), deps)
		term.ManualPaneTimers() // none fires: the notice needs none
		w := test.NewTempWindow(t, term.Object())
		w.Resize(size)
		term.Attach(w)
		for i := range 2 {
			seen = nil
			term.List().Select(i)
			if len(seen) == 0 {
				t.Fatalf("%v: ticket %d opened without reading the store", size, i)
			}
			if !strings.Contains(seen[0], "Opening the ticket") || strings.Contains(seen[0], "Select a ticket") {
				t.Errorf("%v: while ticket %d is read the pane shows:\n%s", size, i, seen[0])
			}
			if got, want := term.Detail().ShownNumber(), term.List().Tickets()[i].Number; got != want {
				t.Errorf("%v: once read the pane shows %q, want %q", size, got, want)
			}
			if size.Width < 760 {
				tapButton(t, term.Object(), "Tickets") // back to the list
			}
		}
	}
}
