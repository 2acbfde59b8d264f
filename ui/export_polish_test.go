package ui

import "fyne.io/fyne/v2"

// ShowError shows err as the terminal does when an action fails.
func (t *Terminal) ShowError(err error) { t.showError(err) }

// IsPhotoThumb reports whether o is a photo's thumbnail.
func IsPhotoThumb(o fyne.CanvasObject) bool {
	_, ok := o.(*photoThumb)
	return ok
}
