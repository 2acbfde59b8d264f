package ui

import "fyne.io/fyne/v2"

// SignPadInFront is the signature pad of the dialog in front of w; nil
// when it has none.
func SignPadInFront(w fyne.Window) *SignPad {
	var pad *SignPad
	walkFront(w, func(o fyne.CanvasObject) {
		if p, ok := o.(*signPad); ok && pad == nil {
			pad = p
		}
	})
	return pad
}
