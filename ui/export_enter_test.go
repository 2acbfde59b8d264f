package ui

import (
	"fyne.io/fyne/v2"
)

// What the check-in form's keyboard tests reach for: every field by name.

// fields are the check-in form's fields by the names the tests use.
func (c *CheckIn) fields() map[string]fyne.CanvasObject {
	f := c.f
	return map[string]fyne.CanvasObject{"phone": f.phone, "customer": f.customer, "category": f.category, "brand": f.brand,
		"model": f.model, "serial": f.serial, "bought": f.bought, "proof": f.proof, "fault": f.fault, "kit": f.kit,
		"promise": f.promise, "passcode": f.passcode}
}

// FocusedField names the form's field that has the focus in w, "" for
// none of them.
func (c *CheckIn) FocusedField(w fyne.Window) string {
	for name, o := range c.fields() {
		if f, ok := o.(fyne.Focusable); ok && w.Canvas().Focused() == f {
			return name
		}
	}
	return ""
}

// Input is a field ("phone", "customer", "category", "serial", "kit" …)
// to give the focus and type into.
func (c *CheckIn) Input(name string) fyne.Focusable {
	f, _ := c.fields()[name].(fyne.Focusable)
	return f
}

// ShownProblems names the fields with a problem shown under them, and
// "above the buttons" when the form's message shows.
func (c *CheckIn) ShownProblems() []string {
	var shown []string
	if c.f.problem.Visible() {
		shown = append(shown, "above the buttons")
	}
	for name, o := range c.fields() {
		if l := c.f.fieldErrs[o]; l != nil && l.Visible() {
			shown = append(shown, name)
		}
	}
	return shown
}

// LastField is the form's last field in its order: Enter there goes round
// to a field still needed, or submits.
func (c *CheckIn) LastField() fyne.Focusable {
	f, _ := c.f.order[len(c.f.order)-1].(fyne.Focusable)
	return f
}

// ChooseCategory picks the form's product category by its place in the
// drop-down, as a tap on it does.
func (c *CheckIn) ChooseCategory(i int) { c.f.category.SetSelectedIndex(i) }

// CategoryChosen is the place of the product chosen in the drop-down, -1
// for none.
func (c *CheckIn) CategoryChosen() int { return c.f.category.SelectedIndex() }

// IMEIWarning is the warning under the serial when it shows, "" when not.
func (c *CheckIn) IMEIWarning() string {
	if !c.f.imei.Visible() {
		return ""
	}
	return c.f.imei.Text
}
