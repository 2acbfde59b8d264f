package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// PickerUnits returns the units the open add-part dialog lists, as
// shown; nil when it lists none.
func (t *Terminal) PickerUnits() []string {
	if t.partPicker == nil || !t.partPicker.units.pane.Visible() {
		return nil
	}
	return slices.Clone(t.partPicker.units.shown)
}

// PickerUnitsText is the text above and below the add-part dialog's
// units.
func (t *Terminal) PickerUnitsText() string {
	u := t.partPicker.units
	if !u.more.Visible() {
		return u.head.Text
	}
	return u.head.Text + "\n" + u.more.Text
}

// TapPickerUnit taps the line of unit serial in the add-part dialog, as a
// finger does; false when it is not listed.
func (t *Terminal) TapPickerUnit(serial string) bool {
	i := slices.Index(t.partPicker.units.shown, serial)
	if i < 0 {
		return false
	}
	t.partPicker.units.list.Select(i)
	return true
}

// PickerFields are the add-part dialog's quantity and serial as typed.
func (t *Terminal) PickerFields() (qty, serial string) {
	return t.partPicker.qty.Text, t.partPicker.serial.Text
}

// PickerSerialBox is the add-part dialog's serial box, for a test to type
// or scan into.
func (t *Terminal) PickerSerialBox() *scanEntry { return t.partPicker.serial }

// OpenPartPicker opens the add-part dialog of tk searching for query, as
// a part label scanned at the bench does.
func (t *Terminal) OpenPartPicker(tk app.Ticket, query string) { t.addPart(tk, query) }

// PickerUnitRows are the add-part dialog's unit list and the labels it
// draws its lines with, for a test to measure.
func (t *Terminal) PickerUnitRows() (fyne.CanvasObject, []*widget.Label) {
	var rows []*widget.Label
	walkTree(t.partPicker.units.list, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && slices.Contains(t.partPicker.units.shown, l.Text) {
			rows = append(rows, l)
		}
	})
	return t.partPicker.units.list, rows
}

// PickerSerialNote is what the add-part dialog says under its serial box
// (empty when it says nothing) and its importance.
func (t *Terminal) PickerSerialNote() (string, widget.Importance) {
	n := t.partPicker.serialNote
	if !n.Visible() {
		return "", n.Importance
	}
	return n.Text, n.Importance
}

// PickerDefectiveBin is where the add-part dialog puts removed parts.
func (t *Terminal) PickerDefectiveBin() app.LocationID { return t.partPicker.defectiveLoc.ID }
