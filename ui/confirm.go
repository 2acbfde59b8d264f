package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// dialogTracker shows dialogs over the terminal's window and keeps each
// until it closes: Fyne's dialogs take no keys, so the shell gives the one
// in front Escape (and Enter, when it has a form to submit). A dialog
// shown any other way ignores Escape.
type dialogTracker interface {
	// window is where dialogs show; nil before Attach.
	window() fyne.Window
	// present shows d and tracks it; submit is what Enter does, nil for
	// a dialog that only says or asks.
	present(d dialog.Dialog, submit func())
}

// confirmAction asks before an action that cannot be taken back. Both
// buttons say what they do ("Cancel ticket" / "Keep ticket"), never a bare
// Yes/No that a translation turns into 是/不; a destructive action is red.
// Nothing is chosen by default: Fyne's confirm dialog has no default
// button, the dismissing one is listed first, and Enter does not answer
// it; Escape keeps, as the dismissing button does.
func confirmAction(dialogs dialogTracker, title, message, doLabel, keepLabel string, destructive bool, ok func()) {
	win := dialogs.window()
	if win == nil {
		return
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
	dialogs.present(d, nil)
}
