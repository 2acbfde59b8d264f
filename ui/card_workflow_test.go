package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// TestSecondVisitAfterWait: an on-site ticket that waited for a part is
// finished on a second visit taken from the pinned button: "On my way"
// (with the customer's "on my way" notice offered again), "Arrived",
// "Start work", each saved (app.TestSiteClockVisits counts the second
// drive as travel).
func TestSecondVisitAfterWait(t *testing.T) {
	// Twelve days after the first visit's window: the second is agreed
	// with the customer, and on its way it has missed nothing.
	var later time.Time
	term, _, ds, deps := ticketTerminal(t, func(d *ui.Deps) { d.Now = func() time.Time { return later } })
	tk := assignedTicket(t, ds, app.KindOnSite, 0)
	later = tk.WindowStart.Add(12 * 24 * time.Hour)
	if tk.WindowStart.IsZero() {
		t.Fatalf("%s has no window to have missed", tk.Number)
	}
	commitAll(t, deps, deps.Actor,
		&app.TransitionTicket{Action: app.ActionDepart, Ticket: tk.ID, Epoch: tk.Epoch},
		&app.TransitionTicket{Action: app.ActionArrive, Ticket: tk.ID, Epoch: tk.Epoch},
		&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
		&app.TransitionTicket{Action: app.ActionWait, Ticket: tk.ID, Epoch: tk.Epoch, Reason: "drain pump"})
	term.Detail().Show(tk.ID)
	detail := term.Detail().Object()
	if b := button(detail, "Resume work"); b == nil || b.Disabled() || b.Importance != widget.MediumImportance {
		t.Fatalf("resume: %+v, want an enabled secondary button", b)
	}
	if button(detail, "Notify customer: on my way") != nil {
		t.Error("the \"on my way\" notice is offered while the part is awaited")
	}
	for _, step := range []struct {
		button string
		want   app.Status
	}{{"On my way", app.StatusEnRoute}, {"Arrived", app.StatusOnSite}, {"Start work", app.StatusInProgress}} {
		b := button(detail, step.button)
		if b == nil || b.Importance != widget.HighImportance {
			t.Fatalf("%q is not the primary step: %+v", step.button, b)
		}
		if step.want == app.StatusOnSite && button(detail, "Notify customer: on my way") == nil {
			t.Error("the customer cannot be told of the second visit")
		}
		tapButton(t, detail, step.button)
		if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != step.want {
			t.Fatalf("after %q the ticket is %s, want %s", step.button, got, step.want)
		}
		if step.want == app.StatusEnRoute {
			if shown := labels(detail); strings.Contains(shown, "Missed") {
				t.Errorf("on the way to the second visit, the ticket says the first one's window was missed:\n%s", shown)
			}
			rows, err := deps.Tickets.ListTickets(t.Context(), app.TicketFilter{Query: tk.Number, Limit: 5})
			if err != nil || len(rows.Rows) != 1 || rows.Rows[0].StartedAt.IsZero() {
				t.Errorf("the list row of %s on its second visit: %+v, %v; want it to keep when the work began", tk.Number, rows, err)
			}
		}
	}
}
