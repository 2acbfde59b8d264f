package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
)

// fitDialogHeight makes a shown dialog as high as what it holds needs,
// up to dialogSize's height, its page scrolling past that: dialogSize's
// fixed 640 dp left a band of empty dialog under the print dialog's
// five rows on a desktop. page is the dialog's scrolling part; a scroll
// asks no height of its own, so the dialog's MinSize counts what lies
// around the page and page.Content what lies in it. Call it once d is
// shown: only then is the content laid out at the dialog's width, and a
// wrapped text knows how many lines it takes. Two paddings more keep
// the page's last row off the buttons, which Fyne's dialog sets one
// padding under it.
func fitDialogHeight(d dialog.Dialog, win fyne.Window, page *container.Scroll) {
	bound := dialogSize(win)
	need := d.MinSize().Height + max(0, page.Content.MinSize().Height-page.MinSize().Height) + 2*theme.Padding()
	d.Resize(fyne.NewSize(bound.Width, min(need, bound.Height)))
}
