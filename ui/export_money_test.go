package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// What the money tests reach for: the fields of the dialog in front, and
// the charges of the ticket on screen.

// walkTree calls f for o and every object under it, widgets' rendered
// children included.
func walkTree(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	f(o)
	switch o := o.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			walkTree(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			walkTree(c, f)
		}
	}
}

// walkFront calls f for each object of the dialog in front of w.
func walkFront(w fyne.Window, f func(fyne.CanvasObject)) {
	walk := func(o fyne.CanvasObject) { walkTree(o, f) }
	if top := w.Canvas().Overlays().Top(); top != nil {
		walk(top)
	}
}

// TypeInFront types text into the field of the dialog in front whose
// placeholder is placeholder, or which holds that text now; false when
// there is none.
func TypeInFront(w fyne.Window, placeholder, text string) bool {
	done := false
	walkFront(w, func(o fyne.CanvasObject) {
		if e, ok := o.(*scanEntry); ok && !done && e.PlaceHolder == placeholder {
			e.SetText(text)
			done = true
		}
	})
	return done
}

// EntryTextInFront is the text of the field of the dialog in front with
// placeholder; ok is false when there is none.
func EntryTextInFront(w fyne.Window, placeholder string) (text string, ok bool) {
	walkFront(w, func(o fyne.CanvasObject) {
		if e, is := o.(*scanEntry); is && !ok && e.PlaceHolder == placeholder {
			text, ok = e.Text, true
		}
	})
	return text, ok
}

// ChooseInFront picks option in the drop-down or radio group of the
// dialog in front that offers it; false when none does.
func ChooseInFront(w fyne.Window, option string) bool {
	done := false
	walkFront(w, func(o fyne.CanvasObject) {
		if done {
			return
		}
		var options []string
		set := func(string) {}
		switch s := o.(type) {
		case *scanSelect:
			options, set = s.Options, s.SetSelected
		case *widget.RadioGroup:
			options, set = s.Options, s.SetSelected
		}
		for _, opt := range options {
			if opt == option {
				set(option)
				done = true
				return
			}
		}
	})
	return done
}

// Charges is the customer total of the ticket on screen; ok is false
// when no decision prices it.
func (v *TicketDetailView) Charges() (total app.Money, ok bool) {
	if v.current == nil || v.current.decision == nil {
		return app.Money{}, false
	}
	return v.current.decision.Total, true
}

// AmountText is an amount as the money dialogs prefill it.
func AmountText(m app.Money) string { return amountText(m) }

// MoneyText is m as the screens show it.
func MoneyText(m app.Money) string { return moneyText(m) }

// SetDeposit fills the check-in's deposit: amount, method (as shown) and
// reference.
func (c *CheckIn) SetDeposit(amount, method, ref string) {
	c.f.deposit.SetText(amount)
	c.f.depositMethod.SetSelected(method)
	c.f.depositRef.SetText(ref)
}
