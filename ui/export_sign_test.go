package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// SignPad is the signature pad, for the tests that draw on it.
type SignPad = signPad

// NewSignPad is a pad on its own; changed is told of every stroke.
func NewSignPad(changed func()) *SignPad { return newSignPad(changed) }

// SignOffPad is the pad of the sign-off last shown; nil before one.
func (t *Terminal) SignOffPad() *SignPad {
	if t.signing == nil {
		return nil
	}
	return t.signing.pad
}

// SignOffName is the sign-off's name of the signer.
func (t *Terminal) SignOffName() *widget.Entry { return &t.signing.name.Entry }

// SignOffRole chooses the signer's role in the sign-off shown.
func (t *Terminal) SignOffRole(r app.SignerRole) {
	for i, x := range signerRoles {
		if x == r {
			t.signing.role.SetSelectedIndex(i)
		}
	}
}

// SignOffButton is the sign-off's button "Sign", "Clear" or "Refuse".
func (t *Terminal) SignOffButton(name string) *widget.Button {
	switch name {
	case "Sign":
		return t.signing.sign
	case "Clear":
		return t.signing.clear
	}
	return t.signing.refuse
}

// SignOffShown reports whether the sign-off is on screen.
func (t *Terminal) SignOffShown() bool {
	if t.signing == nil || t.win == nil {
		return false
	}
	for _, o := range t.win.Canvas().Overlays().List() {
		if containsObject(o, t.signing.pad) {
			return true
		}
	}
	return false
}

func containsObject(o, want fyne.CanvasObject) bool {
	if o == want {
		return true
	}
	switch o := o.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			if containsObject(c, want) {
				return true
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			if containsObject(c, want) {
				return true
			}
		}
	}
	return false
}
