package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
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
	// presentForm is present for a form: Enter in a field first runs
	// next (nil: none), and Escape runs leave (nil: closes d).
	presentForm(d dialog.Dialog, submit func(), next func(from fyne.CanvasObject) bool, leave func())
}

// leaveDialog is leaveTyped for a dialog shown through dialogs, in the
// words of the terminal's forms (leaveForm): close runs at once when
// nothing was typed, else after Discard.
func leaveDialog(dialogs dialogTracker, typed bool, close func()) {
	leaveTyped(func(title, message, doLabel, keepLabel string, destructive bool, ok func()) {
		confirmAction(dialogs, title, message, doLabel, keepLabel, destructive, ok)
	}, typed, lang.X("dialog.discard_title", "Discard what you typed?"),
		lang.X("dialog.discard_text", "What you typed in this form is lost. To keep it, go back and save it."), close, close)
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
	text := widget.NewLabel(breakable(message))
	text.Wrapping = fyne.TextWrapWord
	d := newConfirmDialog(title, doLabel, keepLabel, text, func(yes bool) {
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

// confirmDialog is Fyne's confirm dialog (dialog.NewCustomConfirm) with
// its two buttons side by side where they fit and one above the other
// where they do not: Fyne gives each button the width of the wider
// [2.7.1], and "Annuler" beside "Impossible de terminer" ran past a
// 360 dp phone. Like Fyne's, it answers no when hidden and yes when
// confirmed.
type confirmDialog struct {
	*dialog.CustomDialog
	confirm  *widget.Button
	callback func(yes bool)
}

var _ dialog.Dialog = (*confirmDialog)(nil)

func newConfirmDialog(title, confirm, dismiss string, content fyne.CanvasObject, callback func(yes bool), win fyne.Window) *confirmDialog {
	d := &confirmDialog{callback: callback}
	keep := widget.NewButtonWithIcon(dismiss, theme.CancelIcon(), d.Hide)
	d.confirm = widget.NewButtonWithIcon(confirm, theme.ConfirmIcon(), d.Confirm)
	d.confirm.Importance = widget.HighImportance
	buttons := container.New(&buttonsFit{}, keep, d.confirm)
	d.CustomDialog = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, buttons, nil, nil, content), win)
	return d
}

// Hide closes the dialog answering no, as its dismissing button does.
func (d *confirmDialog) Hide() { d.answer(false) }

// Dismiss is Hide.
func (d *confirmDialog) Dismiss() { d.answer(false) }

// Confirm closes the dialog answering yes.
func (d *confirmDialog) Confirm() { d.answer(true) }

func (d *confirmDialog) answer(yes bool) {
	d.CustomDialog.Hide()
	if d.callback != nil {
		d.callback(yes)
	}
}

// SetConfirmImportance colours the confirming button (red for what
// cannot be taken back).
func (d *confirmDialog) SetConfirmImportance(i widget.Importance) {
	d.confirm.Importance = i
	d.confirm.Refresh()
}

// buttonsFit lays out a dialog's buttons in a row at the right where they
// fit, else one above the other across the width, the last (the
// confirming one) on top. Its minimum is the stacked one's width and the
// height of the arrangement chosen at the last layout, as factsLayout.
type buttonsFit struct{ stacked bool }

func (l *buttonsFit) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h, sum float32
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w, h, sum = max(w, m.Width), max(h, m.Height), sum+m.Height
		n++
	}
	if l.stacked && n > 1 {
		return fyne.NewSize(w, sum+theme.Padding()*float32(n-1))
	}
	return fyne.NewSize(w, h)
}

func (l *buttonsFit) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var row float32
	var shown []fyne.CanvasObject
	for _, o := range objs {
		if o.Visible() {
			shown = append(shown, o)
			row += o.MinSize().Width
		}
	}
	if len(shown) == 0 {
		return
	}
	row += theme.Padding() * float32(len(shown)-1)
	l.stacked = size.Width < row
	if l.stacked {
		var y float32
		for i := len(shown) - 1; i >= 0; i-- {
			h := shown[i].MinSize().Height
			shown[i].Move(fyne.NewPos(0, y))
			shown[i].Resize(fyne.NewSize(size.Width, h))
			y += h + theme.Padding()
		}
		return
	}
	x := size.Width - row
	for _, o := range shown {
		m := o.MinSize()
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(m.Width, size.Height))
		x += m.Width + theme.Padding()
	}
}
