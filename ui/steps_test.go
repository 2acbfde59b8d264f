package ui_test

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// finish takes tk from assigned to completed, through the visit's steps
// when it is one.
func finish(tk app.Ticket) []app.Command {
	var cmds []app.Command
	step := func(a app.Action, res app.Resolution) {
		cmds = append(cmds, &app.TransitionTicket{Action: a, Ticket: tk.ID, Epoch: tk.Epoch, Resolution: res})
	}
	if tk.Kind == app.KindOnSite {
		step(app.ActionDepart, "")
		step(app.ActionArrive, "")
	}
	step(app.ActionStart, "")
	diag, base := "Fan seized", tk.Diagnosis
	cmds = append(cmds,
		&app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &diag}, Base: app.TicketFields{Diagnosis: &base}},
		&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: "Freed the fan", Minutes: 20}})
	step(app.ActionComplete, app.ResolutionRepaired)
	return cmds
}

// TestTicketShowsItsNextStep: the ticket page offers the state's next
// step, pinned and blue, without refused later steps above it, and names
// closing for what it is: a visit is closed, a carry-in is handed back,
// in the same colour as the counter's pick-up (not the red of a
// cancellation).
func TestTicketShowsItsNextStep(t *testing.T) {
	term, _, ds, deps := ticketTerminal(t, nil)
	visit := assignedTicket(t, ds, app.KindOnSite, 0)
	done := assignedTicket(t, ds, app.KindOnSite, 1)
	commitAll(t, deps, deps.Actor, finish(done)...)
	bench := carryIn(t, ds, deps, 0)
	commitAll(t, deps, deps.Actor, finish(bench)...)
	tests := []struct {
		name    string
		ticket  app.Ticket
		primary string
		absent  []string
	}{
		{"AssignedVisit", visit, "On my way", []string{"Start work", "Complete"}},
		{"CompletedVisit", done, "Close visit", []string{"Hand back and close"}},
		{"CompletedCarryIn", bench, "Hand back and close", []string{"Close visit"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			term.Detail().Show(tc.ticket.ID)
			page := term.Detail().Object()
			b := button(page, tc.primary)
			if b == nil {
				t.Fatalf("no %q button:\n%s", tc.primary, labels(page))
			}
			if b.Importance != widget.HighImportance || b.Disabled() {
				t.Errorf("%q has importance %v (disabled %v), want the primary's", tc.primary, b.Importance, b.Disabled())
			}
			shown := labels(page)
			for _, a := range tc.absent {
				if button(page, a) != nil || strings.Contains(shown, a+":") {
					t.Errorf("%q is offered or explained on this ticket:\n%s", a, shown)
				}
			}
		})
	}
}

// TestDispatchNotesComeBeforeTheWork: the notes are read before the
// work (the machine is on the balcony), right under the customer and
// the fault, not at the bottom under the photos.
func TestDispatchNotesComeBeforeTheWork(t *testing.T) {
	term, _, ds, deps := ticketTerminal(t, nil)
	tk := assignedTicket(t, ds, app.KindOnSite, 0)
	commitAll(t, deps, deps.Actor, &app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: tk.ID, Text: "The machine is on the balcony"}})
	term.Detail().Show(tk.ID)
	var titles []string
	walk(term.Detail().Object(), func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Card); ok {
			titles = append(titles, c.Title)
		}
	})
	notes, photos := slices.Index(titles, "Notes"), slices.Index(titles, "Photos and documents")
	if notes < 0 || photos < 0 || notes > photos || notes != 1 || titles[0] != "" {
		t.Errorf("cards in order %q: want the notes right after the customer and fault", titles)
	}
	if !strings.Contains(labels(term.Detail().Object()), "The machine is on the balcony") {
		t.Error("the note is not shown")
	}
}

// TestPhotoThumbShowsCaptionAndState: a thumbnail shows what the photo
// is of and its whole upload state; "On this device…" used to be cut.
func TestPhotoThumbShowsCaptionAndState(t *testing.T) {
	term, _, ds, deps := ticketTerminal(t, nil)
	tk := assignedTicket(t, ds, app.KindOnSite, 0)
	png, err := scanner.LabelPNG(scanner.PartLabel{Part: "X"}, scanner.Label62x29)
	if err != nil {
		t.Fatal(err)
	}
	attachFile(t, deps, tk.ID, app.Photo{Mime: "image/png", Caption: "Burnt connector"}, png)
	term.Detail().Show(tk.ID)
	card := cardTitled(term.Detail().Object(), "Photos and documents")
	if card == nil {
		t.Fatal("no Photos card")
	}
	shown := labels(card)
	for _, want := range []string{"Burnt connector", "On this device only"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the thumbnail does not show %q whole:\n%s", want, shown)
		}
	}
	walk(card, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == "On this device only" && l.Truncation != fyne.TextTruncateOff {
			t.Error("the upload state is cut to fit")
		}
	})
}
