package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
)

// wheelAt moves the pointer to at and turns the mouse wheel there by dy
// (< 0 scrolls down), as the desktop driver does: the hover first, then
// the wheel to the last drawn object at the point that takes it.
func wheelAt(c fyne.Canvas, at fyne.Position, dy float32) {
	test.MoveMouse(c, at)
	test.Scroll(c, at, 0, dy)
}

// ownScroll is the scroller an entry holds of its own text.
func ownScroll(t *testing.T, field fyne.CanvasObject) *container.Scroll {
	t.Helper()
	var s *container.Scroll
	walk(field, func(o fyne.CanvasObject) {
		if c, ok := o.(*container.Scroll); ok && s == nil {
			s = c
		}
	})
	if s == nil {
		t.Fatal("the field has no scroller of its own")
	}
	return s
}

// middle is the absolute position of o's middle.
func middle(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Add(fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
}

// TestWheelOverTheCheckInFieldsScrollsTheForm: on a desktop, the mouse
// wheel over any field of the check-in form scrolls the form, as it does
// between the fields.
func TestWheelOverTheCheckInFieldsScrollsTheForm(t *testing.T) {
	term, w, _, _, _ := scanTerminal(t)
	w.Resize(fyne.NewSize(1280, 600))
	tapButton(t, term.Object(), "Check in")
	front := w.Canvas().Overlays().Top()
	if front == nil {
		t.Fatal("no check-in form")
	}
	page := cardsScroll(t, front) // the outermost scroller: the form's
	if page.Content.MinSize().Height <= page.Size().Height {
		t.Fatalf("the form (%v high) fits its dialog (%v): nothing to scroll", page.Content.MinSize().Height, page.Size().Height)
	}
	d := fyne.CurrentApp().Driver()
	top, bottom := d.AbsolutePositionForObject(page).Y, d.AbsolutePositionForObject(page).Y+page.Size().Height
	var fields []fyne.CanvasObject
	walk(page.Content, func(o fyne.CanvasObject) {
		if entryOf(o) == nil || !o.Visible() {
			return
		}
		if y := d.AbsolutePositionForObject(o).Y; y >= top && y+o.Size().Height <= bottom {
			fields = append(fields, o)
		}
	})
	if len(fields) < 3 {
		t.Fatalf("%d fields in view, want the form's first ones", len(fields))
	}
	for _, f := range fields {
		page.ScrollToTop()
		wheelAt(w.Canvas(), middle(f), -40)
		if page.Offset.Y <= 0 {
			t.Errorf("the wheel over the field %q left the form at its top", entryOf(f).PlaceHolder)
		}
	}
}

// TestWheelOverTheNoteFieldScrollsTheTicket: the wheel over the ticket's
// note field scrolls the ticket, and over a diagnosis that shows all its
// text too.
func TestWheelOverTheNoteFieldScrollsTheTicket(t *testing.T) {
	term, w, ds, deps := ticketTerminal(t, nil)
	tk := carryIn(t, ds, deps, 0)
	commitAll(t, deps, deps.Actor, append(manyNotes(tk.ID, 25), &app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch})...)
	term.Detail().Show(tk.ID)
	detail := term.Detail().Object()
	scroll := cardsScroll(t, detail)
	d := fyne.CurrentApp().Driver()
	for _, hint := range []string{"Add a note", "What you found"} {
		var field fyne.CanvasObject
		walk(detail, func(o fyne.CanvasObject) {
			if e := entryOf(o); e != nil && strings.Contains(e.PlaceHolder, hint) {
				field = o
			}
		})
		if field == nil {
			t.Fatalf("no field %q on the ticket", hint)
		}
		// Bring the field into view, 60 below the top of the cards.
		inCards := d.AbsolutePositionForObject(field).Y - d.AbsolutePositionForObject(scroll.Content).Y
		scroll.ScrollToOffset(fyne.NewPos(0, inCards-60))
		before := scroll.Offset.Y
		if before <= 0 {
			t.Fatalf("the field %q is on the ticket's first screen: scrolled to %v", hint, before)
		}
		wheelAt(w.Canvas(), middle(field), 40)
		if scroll.Offset.Y >= before {
			t.Errorf("the wheel up over %q left the ticket at %v (was %v)", hint, scroll.Offset.Y, before)
		}
	}
}

// TestSidewaysOverALongFieldScrollsItsText: a sideways turn (a trackpad's
// swipe, Shift and the wheel) over a single-line field holding more than
// it shows scrolls its text sideways, as it did before the wheel's
// catcher lay over the page, and leaves the form where it is.
func TestSidewaysOverALongFieldScrollsItsText(t *testing.T) {
	term, w, _, _, _ := scanTerminal(t)
	w.Resize(fyne.NewSize(1280, 600))
	tapButton(t, term.Object(), "Check in")
	front := w.Canvas().Overlays().Top()
	if front == nil {
		t.Fatal("no check-in form")
	}
	page := cardsScroll(t, front)
	var field fyne.CanvasObject
	walk(page.Content, func(o fyne.CanvasObject) {
		if e := entryOf(o); e != nil && field == nil && !e.MultiLine && o.Visible() {
			field = o
		}
	})
	if field == nil {
		t.Fatal("no single-line field on the check-in form")
	}
	entryOf(field).SetText(strings.Repeat("QX-731000-", 30))
	own := ownScroll(t, field)
	if own.Content.MinSize().Width <= own.Size().Width {
		t.Fatalf("the field's text (%v wide) fits it (%v): nothing to scroll", own.Content.MinSize().Width, own.Size().Width)
	}
	before := page.Offset.Y
	at := middle(field)
	test.MoveMouse(w.Canvas(), at)
	test.Scroll(w.Canvas(), at, -40, 0)
	if own.Offset.X <= 0 || page.Offset.Y != before {
		t.Errorf("a sideways turn over %q moved its text to %v and the form from %v to %v; want the text only",
			entryOf(field).PlaceHolder, own.Offset.X, before, page.Offset.Y)
	}
}
