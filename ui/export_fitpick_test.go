package ui

import "slices"

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
