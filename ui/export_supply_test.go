package ui

import "fyne.io/fyne/v2"

// OnWayPage is the parts-on-the-way page's content, nil without it.
func (t *Terminal) OnWayPage() fyne.CanvasObject {
	if t.onway == nil {
		return nil
	}
	return t.onway.root
}

// OnWayStatus is the page's status line.
func (t *Terminal) OnWayStatus() string { return t.onway.status.Text }

// OnWayTitle is the page's tab title, with its count.
func (t *Terminal) OnWayTitle() string { return t.tabTitles[t.onwayTab] }

// Receiving reports whether a receive dialog is open.
func (t *Terminal) Receiving() bool { return t.receiver != nil }

// LoadListShown is the what-to-load dialog's content and status.
func (t *Terminal) LoadListShown() (fyne.CanvasObject, string) {
	l := t.onway.loadList
	return l.rows, l.status.Text
}

// SetLoadRange chooses the what-to-load dialog's range by its index.
func (t *Terminal) SetLoadRange(i int) { t.onway.loadList.rng.SetSelectedIndex(i) }

// LoadDates are the what-to-load dialog's typed days.
func (t *Terminal) LoadDates() (from, to string) {
	return t.onway.loadList.from.Text, t.onway.loadList.to.Text
}

// SetLoadDates types the what-to-load dialog's days and shows them.
func (t *Terminal) SetLoadDates(from, to string) {
	l := t.onway.loadList
	l.from.SetText(from)
	l.to.SetText(to)
	l.load()
}
