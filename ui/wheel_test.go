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
	scrollAt(c, at, 0, dy)
}

// scrollAt turns the wheel at the point at by dx, dy, the pointer not
// moved: to the last drawn visible object there that takes it, in the
// front dialog if one is open, with the event's positions set as the
// desktop driver sets them (test.Scroll leaves them zero [2.7.1]).
func scrollAt(c fyne.Canvas, at fyne.Position, dx, dy float32) {
	d := fyne.CurrentApp().Driver()
	root := c.Content()
	if top := c.Overlays().Top(); top != nil {
		root = top
	}
	var target fyne.Scrollable
	var targetAt fyne.Position
	var visit func(o fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		p, s := d.AbsolutePositionForObject(o), o.Size()
		if sc, ok := o.(fyne.Scrollable); ok && at.X >= p.X && at.Y >= p.Y && at.X < p.X+s.Width && at.Y < p.Y+s.Height {
			target, targetAt = sc, p
		}
		switch o := o.(type) {
		case *fyne.Container:
			for _, ch := range o.Objects {
				visit(ch)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(o).Objects() {
				visit(ch)
			}
		}
	}
	visit(root)
	if target != nil {
		target.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: at.Subtract(targetAt), AbsolutePosition: at}, Scrolled: fyne.NewDelta(dx, dy)})
	}
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
	w, page := openCheckInForm(t)
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
	w, page := openCheckInForm(t)
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
	scrollAt(w.Canvas(), at, -40, 0)
	if own.Offset.X <= 0 || page.Offset.Y != before {
		t.Errorf("a sideways turn over %q moved its text to %v and the form from %v to %v; want the text only",
			entryOf(field).PlaceHolder, own.Offset.X, before, page.Offset.Y)
	}
}

// TestWheelAfterADialogClosedLeavesItsField: the pointer rests on the
// check-in form's fault field, which holds more lines than it shows, and
// the form closes by the keyboard (Escape): the field is gone from the
// screen, though it still says it is visible. The next wheel turn, the
// mouse not moved, does not scroll that field.
func TestWheelAfterADialogClosedLeavesItsField(t *testing.T) {
	term, w, ds, deps := ticketTerminal(t, nil)
	w.Resize(fyne.NewSize(1280, 600))
	tk := carryIn(t, ds, deps, 0)
	commitAll(t, deps, deps.Actor, manyNotes(tk.ID, 25)...)
	term.Detail().Show(tk.ID) // a page that scrolls under the form
	tapButton(t, term.Object(), "Check in")
	front := w.Canvas().Overlays().Top()
	if front == nil {
		t.Fatal("no check-in form")
	}
	var field fyne.CanvasObject
	walk(front, func(o fyne.CanvasObject) {
		if e := entryOf(o); e != nil && e.MultiLine && field == nil {
			field = o
		}
	})
	if field == nil {
		t.Fatal("no multi-line field on the check-in form")
	}
	entryOf(field).SetText(strings.Repeat("Drum does not turn\n", 12))
	own := ownScroll(t, field)
	// Open, the wheel over the field scrolls its text: the field can.
	at := middle(field)
	wheelAt(w.Canvas(), at, -40)
	if own.Offset.Y <= 0 {
		t.Fatal("the wheel over the open form's fault field did not scroll its text")
	}
	own.ScrollToTop()
	front.Hide() // as Escape does
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("the check-in form is still open")
	}
	scrollAt(w.Canvas(), at, 0, -40) // the mouse not moved
	if own.Offset.Y != 0 {
		t.Errorf("the wheel scrolled the closed form's field to %v", own.Offset.Y)
	}
}

// openCheckInForm opens the check-in form on a 1280x600 desktop window,
// which makes it scroll, and returns the window and the form's scroller
// (the outermost one of the form's dialog).
func openCheckInForm(t *testing.T) (fyne.Window, *container.Scroll) {
	t.Helper()
	term, w, _, _, _ := scanTerminal(t)
	w.Resize(fyne.NewSize(1280, 600))
	tapButton(t, term.Object(), "Check in")
	front := w.Canvas().Overlays().Top()
	if front == nil {
		t.Fatal("no check-in form")
	}
	return w, cardsScroll(t, front)
}
