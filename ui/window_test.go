package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
)

// TestMissedWindowSaysToCall: a visit whose appointment window is over
// with the technician not there yet says so in the list and on the
// ticket, with what to do; one still ahead, or whose technician arrived,
// does not. The list said only "Assigned · 20 h left" under a window
// that ended hours before, and the customer was still waiting at home.
func TestMissedWindowSaysToCall(t *testing.T) {
	term, w, kb, _, deps := scanTerminal(t)
	now := deps.Now()
	for _, tc := range []struct {
		name       string
		taps       []string // the technician's steps after it was assigned
		start, end time.Time
		missed     bool
	}{
		{"Missed Customer", nil, now.Add(-5 * time.Hour), now.Add(-3 * time.Hour), true},
		{"Travelling Customer", []string{"On my way"}, now.Add(-3 * time.Hour), now.Add(-time.Hour), true},
		{"Later Customer", nil, now.Add(time.Hour), now.Add(3 * time.Hour), false},
		{"Visited Customer", []string{"On my way", "Arrived"}, now.Add(-5 * time.Hour), now.Add(-3 * time.Hour), false},
	} {
		tk := app.Ticket{ID: app.TicketID(app.NewID()), Number: app.NewTicketNumber(now), Kind: app.KindOnSite, Country: deps.Country,
			Product:  app.Product{Category: app.CategoryAppliance, Brand: "Midea", Model: "MV16FCM", Serial: "WINDOW" + strings.Fields(tc.name)[0]},
			Customer: app.Customer{Name: tc.name, Phone: "+86 139 0000 2222", Address: "上海市杨浦区黄兴路987号"}, Fault: "Does not drain",
			Priority: app.PriorityNormal, Status: app.StatusAssigned, CreatedAt: now.Add(-48 * time.Hour), WindowStart: tc.start, WindowEnd: tc.end,
			ResolveBy: now.Add(20 * time.Hour)}
		if _, err := deps.Commit.Commit(context.Background(), deps.Actor, &app.CreateTicket{Ticket: tk}); err != nil {
			t.Fatal(err)
		}
		term.Detail().Show(tk.ID)
		for _, b := range tc.taps {
			tapButton(t, term.Detail().Object(), b)
		}
		rows := searchedRows(t, term, w, kb, tk.Number, tc.name)
		if got := strings.Contains(rows, "missed: call the customer"); got != tc.missed {
			t.Errorf("%s: the list flags a missed window %v, want %v:\n%s", tc.name, got, tc.missed, rows)
		}
		term.Detail().Show(tk.ID)
		shown := labels(term.Detail().Object())
		if got := strings.Contains(shown, "ago: call the customer to book a new visit"); got != tc.missed {
			t.Errorf("%s: the ticket says the window was missed %v, want %v:\n%s", tc.name, got, tc.missed, shown)
		}
		if tc.name == "Missed Customer" && !strings.Contains(shown, "Missed 3 h ago") {
			t.Errorf("the ticket does not say how long ago the window ended:\n%s", shown)
		}
	}
}

// TestAddPartButtonsInARow: the add-part dialog's Cancel, Not in stock
// and Fit part stand side by side on a tablet, as the other dialogs'
// buttons do. In the dialog's own button bar they were given the widest
// one's width and stood one above the other at 1280x800.
func TestAddPartButtonsInARow(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	w.Resize(fyne.NewSize(1280, 800))
	tk := workingTicket(t, term, ds, deps)
	term.Detail().Show(tk.ID)
	picker := openPicker(t, term, w)
	var at []fyne.Position
	for _, text := range []string{"Cancel", "Not in stock: request it", "Fit part"} {
		b := button(picker, text)
		if b == nil {
			t.Fatalf("no %q in the add-part dialog:\n%s", text, labels(picker))
		}
		at = append(at, fyne.CurrentApp().Driver().AbsolutePositionForObject(b))
	}
	for i := 1; i < len(at); i++ {
		if at[i].Y != at[0].Y || at[i].X <= at[i-1].X {
			t.Errorf("at 1280x800 the buttons stand at %v: not side by side in order", at)
		}
	}
}
