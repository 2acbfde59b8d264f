package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// What the passcode's tests reach for.

// DrawPattern switches the passcode field to a pattern and draws dots on
// the pad: a tap on the first, a drag over the others.
func (c *CheckIn) DrawPattern(dots ...int) {
	c.f.patternOn.SetChecked(true)
	p := c.f.pattern
	if p.Size().IsZero() {
		p.Resize(p.MinSize())
	}
	for i, d := range dots {
		pos := dotCenter(d, p.Size())
		if i == 0 {
			test.TapAt(p, pos)
			continue
		}
		p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: pos}})
	}
	p.DragEnd()
}

// ClearPattern taps the pad's Clear.
func (c *CheckIn) ClearPattern() { c.f.pattern.Clear() }

// Pattern is the pattern the form shows under the pad.
func (c *CheckIn) Pattern() string { return c.f.patternIs.Text }

// PasscodeProblem is the message under the passcode field, "" when none.
func (c *CheckIn) PasscodeProblem() string {
	l := c.f.fieldErrs[c.f.passBox]
	if l == nil || !l.Visible() {
		return ""
	}
	return l.Text
}

// SetSerial types the serial field.
func (c *CheckIn) SetSerial(s string) { c.f.serial.SetText(s) }
