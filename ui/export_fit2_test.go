package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// PickerLists are the add-part dialog's results, the labels it draws
// their lines with (visible ones), the units' pane and the room both
// share, for a test to measure.
func (t *Terminal) PickerLists() (results fyne.CanvasObject, rows []*widget.Label, units, center fyne.CanvasObject) {
	pp := t.partPicker
	lines := make([]string, len(pp.found))
	for i, p := range pp.found {
		lines[i] = pp.line(p)
	}
	walkTree(pp.results, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Visible() && slices.Contains(lines, l.Text) {
			rows = append(rows, l)
		}
	})
	return pp.results, rows, pp.units.pane, pp.center
}

// TapPickerResult taps the add-part dialog's line of part n, as a finger
// does; false when it is not listed.
func (t *Terminal) TapPickerResult(n string) bool {
	pp := t.partPicker
	for i, p := range pp.found {
		if string(p.Number) == n {
			pp.results.Select(i)
			return true
		}
	}
	return false
}
