package ui_test

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestTicketThatLeavesTheListSaysWhere: a technician puts a ticket of
// Today's list in waiting for parts; its row goes from the list, and the
// note under the screen says where it went, after the note that the work
// is saved. A step that leaves the ticket on the list says nothing of
// the kind.
func TestTicketThatLeavesTheListSaysWhere(t *testing.T) {
	term, w, _, deps := ticketTerminal(t, nil)
	pick := func(status app.Status) (int, app.TicketRow) {
		t.Helper()
		for i, r := range term.List().Tickets() {
			if r.Status == status {
				return i, r
			}
		}
		t.Fatalf("no %s ticket on Today's list", status)
		return 0, app.TicketRow{}
	}

	// A note on a ticket in progress: it stays on Today.
	i, row := pick(app.StatusInProgress)
	term.List().Select(i)
	term.Commit(&app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: row.ID, Text: "Customer away until noon"}})
	if got := ticketNow(t, deps, row.ID).Notes; len(got) == 0 {
		t.Fatal("the note was not saved")
	}
	if s := term.ScanStatus(); strings.Contains(s, "moved") {
		t.Errorf("a note, which leaves the ticket on Today, says: %q", s)
	}

	// Waiting for parts: it leaves Today.
	tapButton(t, term.Detail().Object(), "Wait for parts")
	dlg := w.Canvas().Overlays().Top()
	typeInto(t, dlg, "Which parts", "Drain pump")
	tapButton(t, dlg, "Wait for parts")
	if got := ticketNow(t, deps, row.ID).Ticket.Status; got != app.StatusWaitingParts {
		t.Fatalf("after Wait for parts the ticket is %s", got)
	}
	for _, r := range term.List().Tickets() {
		if r.ID == row.ID {
			t.Fatalf("%s waits for parts and is still on Today", row.Number)
		}
	}
	s := term.ScanStatus()
	if want := row.Number + " moved from Today to Waiting for parts."; !strings.Contains(s, want) {
		t.Errorf("the note says %q, want it to say %q", s, want)
	}
	if !strings.HasPrefix(s, "Saved") {
		t.Errorf("the note that the work is saved went: %q", s)
	}
}

// TestTicketListChosenElsewhereSaysNothingMoved: the user who picks
// another list, or leaves a search, while a ticket is open moved nothing:
// the ticket is not on the list now shown because it never was, and no
// note says it "moved".
func TestTicketListChosenElsewhereSaysNothingMoved(t *testing.T) {
	term, _, _, _ := ticketTerminal(t, nil)
	var row app.TicketRow
	for i, r := range term.List().Tickets() {
		if r.Status == app.StatusInProgress {
			term.List().Select(i)
			row = r
			break
		}
	}
	if row.ID == "" {
		t.Fatal("no ticket in progress on Today's list")
	}
	term.List().SetView(app.ViewUpcoming)
	if s := term.ScanStatus(); strings.Contains(s, "moved") {
		t.Errorf("Upcoming chosen with %s open, the note says: %q", row.Number, s)
	}

	// From a search back to a list the ticket is not on.
	term.DismissStatus()
	term.List().SetQuery(row.Number)
	for i, r := range term.List().Tickets() {
		if r.ID == row.ID {
			term.List().Select(i)
		}
	}
	term.List().SetQuery("")
	if s := term.ScanStatus(); strings.Contains(s, "moved") {
		t.Errorf("the search left for Upcoming with %s open, the note says: %q", row.Number, s)
	}
}
