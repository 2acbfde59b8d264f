package ui

import "fyne.io/fyne/v2/widget"

// PartsRows returns the parts page's lines as the list shows them, title
// and detail, and whether the detail is shown as an error.
func (t *Terminal) PartsRows() (lines []string, danger []bool) {
	for _, r := range t.parts.rows {
		o := newTwoLineRow("", "")
		t.parts.showRow(r, o)
		title, sub := twoLineRow(o)
		lines = append(lines, title.Text+" | "+sub.Text)
		danger = append(danger, sub.Importance == widget.DangerImportance)
	}
	return lines, danger
}

// PartsStatus is the parts page's status line.
func (t *Terminal) PartsStatus() string { return t.parts.status.Text }

// PickerShown returns the open add-part dialog's results as shown; nil
// when it is not open.
func (t *Terminal) PickerShown() []string {
	if t.partPicker == nil {
		return nil
	}
	out := []string{}
	for _, p := range t.partPicker.found {
		out = append(out, t.partPicker.line(p))
	}
	return out
}

// PickerHidden is the text of the add-part dialog's "not for this model"
// button, "" when it is hidden.
func (t *Terminal) PickerHidden() string {
	if t.partPicker == nil || !t.partPicker.hidden.Visible() {
		return ""
	}
	return t.partPicker.hidden.Text
}

// PickerNoneFit is the add-part dialog's warning that none of the parts
// listed is for the ticket's model, "" when it is hidden.
func (t *Terminal) PickerNoneFit() string {
	if t.partPicker == nil || !t.partPicker.noneFit.Visible() {
		return ""
	}
	return t.partPicker.noneFit.Text
}

// PickerNothing is the add-part dialog's word that its search found no
// part, "" when it is hidden.
func (t *Terminal) PickerNothing() string {
	if t.partPicker == nil || !t.partPicker.nothing.Visible() {
		return ""
	}
	return t.partPicker.nothing.Text
}

// OpenPartCard taps the parts page's line of part n, which opens its card.
func (t *Terminal) OpenPartCard(n string) bool {
	for i, r := range t.parts.rows {
		if string(r.part.Number) == n {
			t.parts.list.Select(i)
			return true
		}
	}
	return false
}

// TypePartsQuery sets the parts page's search text, as a keystroke does.
func (t *Terminal) TypePartsQuery(q string) { t.parts.query.SetText(q) }

// PickerChosen is the part number chosen in the add-part dialog, "" when
// none is.
func (t *Terminal) PickerChosen() string {
	if p, err := t.partPicker.chosenPart(); err == nil {
		return string(p.Number)
	}
	return ""
}

// TickPickerOnlyMine ticks or unticks the add-part dialog's "Only parts
// in my stock", as a tap does.
func (t *Terminal) TickPickerOnlyMine(on bool) { t.partPicker.onlyMine.SetChecked(on) }

// PartsNothing is the parts page's word that its search found nothing,
// "" when it is hidden.
func (t *Terminal) PartsNothing() string {
	if !t.parts.empty.Visible() {
		return ""
	}
	return t.parts.nothing.Text
}

// PartsSearchCatalog taps the parts page's "Search the catalog", false
// when it is hidden.
func (t *Terminal) PartsSearchCatalog() bool {
	if !t.parts.empty.Visible() || !t.parts.toCatalog.Visible() {
		return false
	}
	t.parts.toCatalog.OnTapped()
	return true
}
