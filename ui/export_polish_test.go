package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// ShowError shows err as the terminal does when an action fails.
func (t *Terminal) ShowError(err error) { t.showError(err) }

// IsPhotoThumb reports whether o is a photo's thumbnail.
func IsPhotoThumb(o fyne.CanvasObject) bool {
	_, ok := o.(*photoThumb)
	return ok
}

// SelectOf is the drop-down o is or extends; nil when it is none.
func SelectOf(o fyne.CanvasObject) *widget.Select {
	switch s := o.(type) {
	case *scanSelect:
		return &s.Select
	case *widget.Select:
		return s
	}
	return nil
}

// CheckOf is the tick box o is or extends; nil when it is none.
func CheckOf(o fyne.CanvasObject) *widget.Check {
	switch c := o.(type) {
	case *scanCheck:
		return &c.Check
	case *widget.Check:
		return c
	}
	return nil
}

// FeedsWedge reports whether o is one of the widgets that hand a
// scanner's keys to the wedge.
func FeedsWedge(o fyne.CanvasObject) bool {
	switch o.(type) {
	case *scanEntry, *scanSelect, *scanCheck, *scanList:
		return true
	}
	return false
}

// Commit saves cmd as the ticket cards do.
func (t *Terminal) Commit(cmd app.Command) { t.commit(cmd, nil) }

// ScanBarShown reports whether the note below the screen shows.
func (t *Terminal) ScanBarShown() bool { return t.scanBar.Visible() }

// Say shows a note below the screen, as a scan does.
func (t *Terminal) Say(text string) { t.say(false, text) }
