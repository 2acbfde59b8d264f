package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// TestSaveKeepsTheButtonUnderThePointer: a save reloads the ticket with
// more above the card saved from (the diagnosis in the ticket's facts, a
// fitted part's charge in the warranty card); the button the technician
// tapped stays where it was on screen, so the next tap lands where they
// aim. A reload after a sync keeps the cards in view in place too.
func TestSaveKeepsTheButtonUnderThePointer(t *testing.T) {
	for name, c := range map[string]struct {
		button string // the button tapped, in view in mid-screen
		save   func(t *testing.T, term *ui.Terminal, w fyne.Window, ds app.Dataset, deps ui.Deps, tk app.Ticket)
	}{
		"diagnosis": {"Save diagnosis", func(t *testing.T, term *ui.Terminal, _ fyne.Window, _ app.Dataset, deps ui.Deps, tk app.Ticket) {
			typeInto(t, term.Detail().Object(), "What you found", "Door seal torn at the hinge")
			tapButton(t, term.Detail().Object(), "Save diagnosis")
			if got := ticketNow(t, deps, tk.ID).Ticket.Diagnosis; got == "" {
				t.Fatal("the diagnosis was not saved")
			}
		}},
		"a sync": {"Add part", func(t *testing.T, term *ui.Terminal, _ fyne.Window, _ app.Dataset, deps ui.Deps, tk app.Ticket) {
			// The office wrote the diagnosis; sync saved it and reloads
			// the ticket on screen. No card was acted in: the first in
			// view stays.
			text, base := "Seen on the phone call: door seal", ""
			commitAll(t, deps, deps.Actor, &app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &text}, Base: app.TicketFields{Diagnosis: &base}})
			term.Detail().Show(tk.ID)
		}},
		"part": {"Add part", func(t *testing.T, term *ui.Terminal, w fyne.Window, ds app.Dataset, deps ui.Deps, tk app.Ticket) {
			stock := vanStock(t, deps)
			var p app.Part
			for _, x := range ds.Parts {
				if stock[x.Number] > 0 && !x.Serialized && !x.ReturnNeeded {
					p = x
					break
				}
			}
			dlg := openPicker(t, term, w)
			typeInto(t, dlg, "Part number", string(p.Number))
			tapButton(t, dlg, "Fit part")
			if used := ticketNow(t, deps, tk.ID).Parts; len(used) != 1 {
				t.Fatalf("parts fitted: %+v", used)
			}
		}},
	} {
		t.Run(name, func(t *testing.T) {
			term, w, ds, deps := ticketTerminal(t, nil)
			tk := workingTicket(t, term, ds, deps)
			detail := term.Detail().Object()
			tapped := findButton(detail, c.button)
			if tapped == nil {
				t.Fatalf("no %s button", c.button)
			}
			scroll := cardsScroll(t, detail)
			d := fyne.CurrentApp().Driver()
			// The button in the middle of the screen, as a technician
			// scrolls to the card they work on.
			inCards := d.AbsolutePositionForObject(tapped).Y - d.AbsolutePositionForObject(scroll.Content).Y
			scroll.ScrollToOffset(fyne.NewPos(0, inCards-scroll.Size().Height/2))
			if scroll.Offset.Y <= 0 {
				t.Fatalf("%s is on the ticket's first screen (offset %v): nothing could move", c.button, scroll.Offset.Y)
			}
			test.MoveMouse(w.Canvas(), middle(tapped))
			before := d.AbsolutePositionForObject(tapped)
			c.save(t, term, w, ds, deps, tk)
			after := findButton(term.Detail().Object(), c.button)
			if after == nil || after == tapped {
				t.Fatal("the ticket did not reload after the save")
			}
			if got := d.AbsolutePositionForObject(after); got != before {
				t.Errorf("%s moved from %v to %v after the save", c.button, before, got)
			}
		})
	}
}
