package ui_test

import (
	"context"
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
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps, _, _ := openDemoStore(t, now)
	var queued []func()
	deps.Run = func(f func()) { queued = append(queued, f) }
	drain := func() {
		for len(queued) > 0 {
			f := queued[0]
			queued = queued[1:]
			f()
		}
	}
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
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
