package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/scanner"
)

// What the intake's tests reach for: the phone look-up and the promise.

// SetPhone types a phone number into the form's phone field.
func (c *CheckIn) SetPhone(phone string) { c.f.phone.SetText(phone) }

// Phone is the phone field's text.
func (c *CheckIn) Phone() string { return c.f.phone.Text }

// Customer is the customer field's text.
func (c *CheckIn) Customer() string { return c.f.customer.Text }

// Model is the model field's text.
func (c *CheckIn) Model() string { return c.f.model.Text }

// CustomerAt is where the customer field is in the window, laid out
// anew as a frame would be (the test window lays a dialog out only when
// it is resized).
func (c *CheckIn) CustomerAt() fyne.Position {
	size := c.f.win.Canvas().Size()
	c.f.win.Resize(size.AddWidthHeight(0, 1))
	c.f.win.Resize(size)
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(c.f.customer)
}

// Known is what the phone look-up shows under the phone field.
func (c *CheckIn) Known() fyne.CanvasObject { return c.f.known }

// PromiseOptions are the promise select's choices, "none" first.
func (c *CheckIn) PromiseOptions() []string { return c.f.promise.Options }

// SetPromise chooses the i-th option of the promise select (0: none).
func (c *CheckIn) SetPromise(i int) { c.f.promise.SetSelectedIndex(i) }

// FocusPhone gives the phone field the focus, as a tap on it does.
func (c *CheckIn) FocusPhone() { c.f.win.Canvas().Focus(c.f.phone) }

// FillScan puts a scan into the form as the scan router does, and
// returns what it put.
func (c *CheckIn) FillScan(m scanner.Meaning) string { return c.f.fillScan(m) }

// MovePromise chooses the i-th option (0: none) of the open ticket's
// "Move the promise" select, as a tap would; false when it shows none.
func (v *TicketDetailView) MovePromise(i int) bool {
	var found *scanSelect
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *scanSelect:
			if o.PlaceHolder == "Move the promise…" {
				found = o
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		}
	}
	walk(v.root)
	if found == nil {
		return false
	}
	found.SetSelectedIndex(i)
	return true
}
