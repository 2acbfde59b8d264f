package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/scanner"
)

// OpenCheckIn opens an empty check-in form, as Check in does.
func (t *Terminal) OpenCheckIn() { t.openCheckIn(scanner.Meaning{}) }

// OpenSyncPage opens the sync page, as tapping the sync line does.
func (t *Terminal) OpenSyncPage() { t.sync.openPage() }

// CheckNamed is the tick box under root whose text contains text, its
// own or wrapping beside it (wrappedCheck).
func CheckNamed(root fyne.CanvasObject, text string) *widget.Check {
	var found *widget.Check
	walkTree(root, func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *scanCheck:
			if strings.Contains(o.Text, text) {
				found = &o.Check
			}
		case *checkText:
			if strings.Contains(o.Text, text) {
				found = o.check
			}
		}
	})
	return found
}

// TapPickerHidden taps the add-part dialog's "show all" link. The test
// driver does not lay out the dialog again when the link appears, and a
// link takes only taps on its text, which it places at its layout: the
// tap runs what a tap on the text runs.
func (t *Terminal) TapPickerHidden() { t.partPicker.hidden.OnTapped() }
