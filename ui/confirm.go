package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// confirmAction asks before an action that cannot be taken back. Both
// buttons say what they do ("Cancel ticket" / "Keep ticket"), never a bare
// Yes/No that a translation turns into 是/不; a destructive action is red.
// Nothing is chosen by default: Fyne's confirm dialog has no default
// button, and the dismissing one is listed first.
func confirmAction(win fyne.Window, title, message, doLabel, keepLabel string, destructive bool, ok func()) dialog.Dialog {
	if win == nil {
		return nil
	}
	text := widget.NewLabel(message)
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(title, doLabel, keepLabel, text, func(yes bool) {
		if yes {
			ok()
		}
	}, win)
	if destructive {
		d.SetConfirmImportance(widget.DangerImportance)
	}
	d.Resize(fyne.NewSize(min(win.Canvas().Size().Width*0.94, 480), 0))
	d.Show()
	return d
}
