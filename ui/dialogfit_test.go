package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/ui"
)

// TestTallFormDialogFitsTheWindow: a dialog asking a form (ask, askWith)
// keeps its buttons in a small window and scrolls its form between them
// and its title. The part request's form (six rows, 345 high) ran off a
// phone held sideways at a large text scale (1280x720 at 2.5: 512x288)
// and off a short desktop window, its Request part and Cancel buttons out
// of reach.
func TestTallFormDialogFitsTheWindow(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 512, Height: 288}, {Width: 1024, Height: 300}} {
		s := newSupplyWorld(t)
		tk := workingTicket(t, s.term, s.ds, s.deps)
		part := s.missingParts(t, tk.Product.Model, 1)[0]
		s.w.Resize(size)
		dlg := openPicker(t, s.term, s.w)
		typeInto(t, dlg, "Part number", string(part.Number))
		tapButton(t, dlg, "Not in stock: request it")
		form := s.w.Canvas().Overlays().Top()
		for _, name := range []string{"Request part", "Cancel"} {
			b := findButton(form, name)
			if b == nil {
				t.Fatalf("the request form has no %s button", name)
			}
			if !inWindow(s.w, b) {
				t.Errorf("at %v the %s button lies at %v, outside the window", size, name, fyne.CurrentApp().Driver().AbsolutePositionForObject(b))
			}
		}
		// Every row of the form is within reach above the buttons: in view
		// once the form is scrolled to it, not drawn under them or past
		// the window's edge.
		d := fyne.CurrentApp().Driver()
		top := d.AbsolutePositionForObject(findButton(form, "Request part")).Y
		var page *container.Scroll // the form's, if it scrolls
		walk(form, func(o fyne.CanvasObject) {
			if s, ok := o.(*container.Scroll); ok && page == nil {
				walk(s.Content, func(c fyne.CanvasObject) {
					if _, isForm := c.(*widget.Form); isForm {
						page = s
					}
				})
			}
		})
		for _, hint := range []string{"For the office", "Put the ticket in waiting"} {
			var row fyne.CanvasObject
			walk(form, func(o fyne.CanvasObject) {
				if e := entryOf(o); e != nil && strings.Contains(e.PlaceHolder, hint) {
					row = o
				}
				if c := ui.CheckOf(o); c != nil && strings.Contains(c.Text, hint) {
					row = o
				}
			})
			if row == nil {
				t.Fatalf("the request form has no %q", hint)
			}
			if page != nil {
				inForm := d.AbsolutePositionForObject(row).Y - d.AbsolutePositionForObject(page.Content).Y
				page.ScrollToOffset(fyne.NewPos(0, inForm))
			}
			at := d.AbsolutePositionForObject(row)
			if at.Y < 0 || at.Y+row.Size().Height > top {
				t.Errorf("at %v %q lies at %v-%v, not above the buttons at %v", size, hint, at.Y, at.Y+row.Size().Height, top)
			}
		}
	}
}

// TestScrollbarLeavesTheCheckInFieldsFree: in the check-in form, which
// scrolls, no field reaches under the scrollbar: Fyne draws the bar over
// the content's right edge, where a field's clear or dropdown button is,
// and a click there moved the bar.
func TestScrollbarLeavesTheCheckInFieldsFree(t *testing.T) {
	_, page := openCheckInForm(t)
	if page.Content.MinSize().Height <= page.Size().Height {
		t.Fatalf("the form (%v high) fits its dialog (%v): no scrollbar", page.Content.MinSize().Height, page.Size().Height)
	}
	d := fyne.CurrentApp().Driver()
	bar := d.AbsolutePositionForObject(page).X + page.Size().Width - theme.Size(theme.SizeNameScrollBar)
	n := 0
	walk(page.Content, func(o fyne.CanvasObject) {
		_, isSelect := o.(*widget.Select)
		if (entryOf(o) == nil && !isSelect) || !o.Visible() {
			return
		}
		n++
		if right := d.AbsolutePositionForObject(o).X + o.Size().Width; right > bar {
			t.Errorf("a field (%T) reaches %v, under the scrollbar from %v", o, right, bar)
		}
	})
	if n < 5 {
		t.Fatalf("%d fields in the form", n)
	}
}

// TestFormDialogTakesTypingInItsFirstField: the Log repair dialog opens
// with its first, empty field focused, as the check-in form does: the
// technician types what they did without reaching for the mouse.
func TestFormDialogTakesTypingInItsFirstField(t *testing.T) {
	term, w, ds, deps := ticketTerminal(t, nil)
	workingTicket(t, term, ds, deps)
	tapButton(t, term.Detail().Object(), "Log repair")
	dlg := w.Canvas().Overlays().Top()
	if dlg == nil {
		t.Fatal("no Log repair dialog")
	}
	focused, _ := w.Canvas().Focused().(fyne.CanvasObject)
	if e := entryOf(focused); e == nil || !strings.Contains(e.PlaceHolder, "drain pump") {
		t.Fatalf("the focus is on %T, not on What you did", w.Canvas().Focused())
	}
}
