package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// The technician in front of the customer corrects their phone number and
// address on the spot ("my number changed"): a small dialog from the
// ticket's facts saves one ticket.update, offline like every save. Both
// fields are shared with dispatch, so the update carries the values the
// dialog opened with as base: when dispatch changed one meanwhile, the
// central service keeps both values in a field conflict, which the sync
// page shows.

// fieldsEditable reports whether actor may correct t's fields (the
// customer's contact, the purchase date) from this terminal: one that
// saves (a read-only terminal does not), on a ticket the actor works on
// (app.MayWorkOn: not a colleague's, read-only here) and whose fields may
// still change (app.TicketEditable: not closed or cancelled), as a
// ticket.update's Apply holds them.
func fieldsEditable(saves bool, actor app.Actor, t app.Ticket) bool {
	return saves && app.MayWorkOn(actor, t) && app.TicketEditable(t)
}

// contactForm is the open contact dialog.
type contactForm struct {
	ticket app.Ticket
	// shownPhone and shownAddress are the values the dialog opened with:
	// the update's base.
	shownPhone, shownAddress string
	phone, address           *scanEntry
	save                     committer
	dialog                   dialog.Dialog
	// confirm asks Discard or Keep editing (Terminal.confirm).
	confirm func(title, message, doLabel, keepLabel string, destructive bool, ok func())
}

// editContact opens the dialog that corrects tk's customer phone and
// address; save saves the update.
func (t *Terminal) editContact(save committer, tk app.Ticket) {
	if t.win == nil {
		return
	}
	f := &contactForm{ticket: tk, shownPhone: tk.Customer.Phone, shownAddress: tk.Customer.Address, save: save, confirm: t.confirm}
	f.phone = newScanEntry(t.keys)
	f.phone.SetText(tk.Customer.Phone)
	f.phone.SetPlaceHolder(lang.X("contact.phone_hint", "The number to call the customer on"))
	f.address = newScanEntry(t.keys)
	f.address.SetText(tk.Customer.Address)
	f.address.SetPlaceHolder(lang.X("contact.address_hint", "Street, building, floor and flat"))
	form := widget.NewForm(
		widget.NewFormItem(lang.X("checkin.phone", "Phone"), f.phone.withProblem()),
		widget.NewFormItem(lang.X("ticket.address", "Address"), f.address.withProblem()),
	)
	hint := lowLabel(lang.X("contact.shared", "Dispatch sees the change with the next sync. If they changed it meanwhile, both values show under Sync for you to decide."))
	cancel := widget.NewButtonWithIcon(lang.X("dialog.cancel", "Cancel"), theme.CancelIcon(), f.leave)
	saveB := widget.NewButtonWithIcon(lang.X("contact.save", "Save"), theme.ConfirmIcon(), f.submit)
	saveB.Importance = widget.HighImportance
	body := container.NewVBox(fitForm(form), hint, container.NewHBox(layout.NewSpacer(), cancel, saveB))
	f.dialog = dialog.NewCustomWithoutButtons(lang.X("contact.title", "Customer's phone and address · {{.Number}}", map[string]any{"Number": tk.Number}), body, t.win)
	f.dialog.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.96, 520), 0))
	t.presentForm(f.dialog, f.submit, nil, f.leave)
	t.win.Canvas().Focus(f.phone)
}

// submit checks what was typed and saves the fields that changed, each
// with the value shown as its base; nothing changed closes the dialog.
// A refusal shows under its field, and nothing is saved.
func (f *contactForm) submit() {
	u := &app.UpdateTicket{Ticket: f.ticket.ID}
	phone, address := f.phone.Text, f.address.Text
	if strings.TrimSpace(phone) != strings.TrimSpace(f.shownPhone) {
		p, err := app.CheckCustomerPhone(phone)
		if err != nil {
			f.refuse(f.phone, err)
			return
		}
		base := f.shownPhone
		u.Set.CustomerPhone, u.Base.CustomerPhone = &p, &base
	}
	if strings.TrimSpace(address) != strings.TrimSpace(f.shownAddress) {
		a, err := app.CheckCustomerAddress(f.ticket.Kind, address)
		if err != nil {
			f.refuse(f.address, err)
			return
		}
		base := f.shownAddress
		u.Set.CustomerAddress, u.Base.CustomerAddress = &a, &base
	}
	f.dialog.Hide()
	if u.Set == (app.TicketFields{}) {
		return
	}
	f.save.commit(u, nil)
}

func (f *contactForm) refuse(field *scanEntry, err error) {
	field.showProblem(err)
	if c := fyne.CurrentApp().Driver().CanvasForObject(field); c != nil {
		c.Focus(field)
	}
}

// leave closes the dialog (Cancel, Escape), asking first when something
// was typed: the dialogs' one rule (leaveTyped), in its own words.
func (f *contactForm) leave() {
	leaveTyped(f.confirm, f.phone.Text != f.shownPhone || f.address.Text != f.shownAddress,
		lang.X("contact.discard_title", "Discard this change?"),
		lang.X("contact.discard_text", "The phone number and address you typed are lost; the ticket keeps the ones it has."),
		f.dialog.Hide, f.dialog.Hide)
}
