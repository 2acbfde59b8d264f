package ui

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// The customer often finds the invoice after the check-in (in the car, in
// an email), and its date can turn a paid repair into a warranty one. The
// ticket's "Correct" beside its purchase date opens a small dialog with
// the purchase date and proof, read as the check-in reads them
// (newPurchaseDayEntry, readPurchaseDay), and saves one ticket.update,
// offline like every save. The dialog shows the warranty decision the
// new date leads to before it is saved, and says, before saving, when
// that changes what the customer pays after they approved an estimate or
// paid: the correction never moves money, a refund is the counter's own
// step on the ticket's money card.

// newPurchaseDayEntry is the field a purchase date is typed in, at the
// check-in and on the ticket: its hint shows today's day in the forms
// readPurchaseDay takes.
func newPurchaseDayEntry(keys *wedgeKeys, today time.Time) *scanEntry {
	e := newScanEntry(keys)
	e.SetPlaceHolder(lang.X("checkin.date_hint", "e.g. {{.Example}} or {{.ISO}}, from the invoice", typedDayHint(today)))
	return e
}

// readPurchaseDay reads a purchase date as typed in a newPurchaseDayEntry:
// a calendar day, typed as the terminal shows days, as the invoice prints
// it in the UI language's numbers, or as YYYY-MM-DD (parseTypedDay), and
// kept as its midnight in UTC as the warranty counts days
// (civilDateText): read in the session's zone, a date typed east of UTC
// became the day before it, a day less of warranty. Nothing typed is the
// zero time. A text that is no day is refused with today's day as the
// example.
func readPurchaseDay(typed string, today time.Time) (time.Time, error) {
	s := strings.TrimSpace(typed)
	if s == "" {
		return time.Time{}, nil
	}
	d, err := parseTypedDay(s)
	if err != nil {
		return time.Time{}, app.Errorf(app.EINVALID, "checkin.bad_date", "Write the purchase date as the terminal shows a day, such as {{.Example}}, or as YYYY-MM-DD ({{.ISO}}).", typedDayExamples(today)...)
	}
	return d, nil
}

// purchaseRow is what the ticket's facts show under its purchase date:
// "Correct" where the actor may change the ticket's fields (fieldsEditable,
// app's rule for a ticket.update), why not on a closed or cancelled ticket
// they work on, and nothing on a read-only terminal or a colleague's
// ticket.
func purchaseRow(saves bool, actor app.Actor, t app.Ticket, correct func()) fyne.CanvasObject {
	switch {
	case fieldsEditable(saves, actor, t):
		b := widget.NewButtonWithIcon(lang.X("purchase.correct", "Correct"), theme.DocumentCreateIcon(), correct)
		return container.NewHBox(b)
	case saves && app.MayWorkOn(actor, t):
		return lowLabel(lang.X("purchase.closed", "{{.Status}}: the purchase date can no longer be corrected.", map[string]any{"Status": statusText(t.Status)}))
	}
	return nil
}

// purchaseForm is the open purchase date dialog.
type purchaseForm struct {
	tv            ticketView // the ticket as the screen showed it
	bought, proof *scanEntry
	// shownBought and shownProof are the fields' text as opened.
	shownBought, shownProof string
	today                   time.Time // the session's today, for the examples
	// now and with say the warranty now and with the date typed.
	now, with *widget.Label
	save      committer
	saved     func()
	dialog    dialog.Dialog
	// confirm asks before leaving what was typed, and before a
	// correction that changes what the customer pays (Terminal.confirm).
	confirm func(title, message, doLabel, keepLabel string, destructive bool, ok func())
}

// editPurchase opens the dialog that corrects the purchase date and proof
// of tv's ticket; save saves its update, saved runs once it is saved.
func (t *Terminal) editPurchase(save committer, tv ticketView, saved func()) {
	if t.win == nil {
		return
	}
	p := tv.detail.Ticket.Product
	f := &purchaseForm{tv: tv, save: save, saved: saved, confirm: t.confirm, today: t.deps.Now().In(t.deps.Zone)}
	if !p.PurchaseDate.IsZero() {
		f.shownBought = civilDateText(p.PurchaseDate)
	}
	f.shownProof = p.ProofOfPurchase
	f.bought = newPurchaseDayEntry(t.keys, f.today)
	f.bought.SetText(f.shownBought)
	f.proof = newScanEntry(t.keys)
	f.proof.SetPlaceHolder(lang.X("checkin.proof_hint", "Invoice or receipt number"))
	f.proof.SetText(f.shownProof)
	f.bought.OnChanged = func(string) { f.preview() }
	f.proof.OnChanged = func(string) { f.preview() }
	form := widget.NewForm(
		widget.NewFormItem(lang.X("checkin.bought", "Purchase date"), f.bought.withProblem()),
		widget.NewFormItem(lang.X("checkin.proof", "Proof of purchase"), f.proof.withProblem()),
	)
	hint := lowLabel(lang.X("purchase.hint", "Without proof of purchase the warranty counts from the manufacture date, where the rules allow it."))
	f.now, f.with = widget.NewLabel(""), widget.NewLabel("")
	for _, l := range []*widget.Label{f.now, f.with} {
		l.Wrapping = fyne.TextWrapWord
	}
	f.now.Importance = widget.LowImportance
	f.with.TextStyle.Bold = true
	if d := tv.decision; d != nil {
		f.now.SetText(lang.X("purchase.warranty_now", "Warranty now: {{.Decision}}", map[string]any{"Decision": decisionText(*d)}))
	} else {
		f.now.Hide()
	}
	f.preview()
	cancel := widget.NewButtonWithIcon(lang.X("dialog.cancel", "Cancel"), theme.CancelIcon(), f.leave)
	saveB := widget.NewButtonWithIcon(lang.X("contact.save", "Save"), theme.ConfirmIcon(), f.submit)
	saveB.Importance = widget.HighImportance
	body := container.NewVBox(fitForm(form), hint, f.now, f.with, container.NewHBox(layout.NewSpacer(), cancel, saveB))
	f.dialog = dialog.NewCustomWithoutButtons(lang.X("purchase.title", "Purchase date · {{.Number}}", map[string]any{"Number": tv.detail.Ticket.Number}), body, t.win)
	f.dialog.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.96, 520), 0))
	t.presentForm(f.dialog, f.submit, nil, f.leave)
	t.win.Canvas().Focus(f.bought)
}

// decisionText is a decision's headline and what the customer pays:
// "In warranty · Free repair, customer pays ¥0.00".
func decisionText(d app.Decision) string {
	return lang.X("purchase.decision", "{{.Coverage}} · {{.Remedy}}, customer pays {{.Pays}}",
		map[string]any{"Coverage": coverageText(d.Coverage), "Remedy": remedyText(d.Remedy), "Pays": moneyText(d.Total)})
}

// typed reads the fields: the update they make (nil when they change
// nothing), the ticket as it would read, or why not and in which field.
func (f *purchaseForm) typed() (*app.UpdateTicket, ticketView, *scanEntry, error) {
	tk := f.tv.detail.Ticket
	day, err := readPurchaseDay(f.bought.Text, f.today)
	if err != nil {
		return nil, ticketView{}, f.bought, err
	}
	proof := strings.TrimSpace(f.proof.Text)
	u := &app.UpdateTicket{Ticket: tk.ID}
	if shown := tk.Product.PurchaseDate; !day.Equal(shown) {
		u.Set.PurchaseDate, u.Base.PurchaseDate = &day, &shown
	}
	if shown := tk.Product.ProofOfPurchase; proof != shown {
		u.Set.ProofOfPurchase, u.Base.ProofOfPurchase = &proof, &shown
	}
	if u.Set == (app.TicketFields{}) {
		return nil, f.tv, nil, nil
	}
	if err := u.Validate(); err != nil {
		return nil, ticketView{}, f.proof, err // the proof is the one text
	}
	// The ticket's own rule, the one the store applies to the update:
	// a purchase after the ticket was opened is refused, with what to do.
	next := f.tv
	next.detail.Ticket.Product.PurchaseDate, next.detail.Ticket.Product.ProofOfPurchase = day, proof
	if err := next.detail.Ticket.Validate(); err != nil {
		field := f.proof
		if e := (*app.Error)(nil); errors.As(err, &e) && e.Key == "ticket.invalid.purchase_future" {
			field = f.bought
		}
		return nil, ticketView{}, field, err
	}
	if next.rs != nil {
		next.decision, next.decErr = nil, nil
		if d, err := next.decide(*next.rs); err != nil {
			next.decErr = err
		} else {
			next.decision = &d
		}
	}
	return u, next, nil, nil
}

// preview says the warranty the date typed leads to, as the fields
// change; nothing while they read no day, or change nothing.
func (f *purchaseForm) preview() {
	u, next, _, err := f.typed()
	switch {
	case err != nil || u == nil:
		f.with.Hide()
	case next.decision != nil:
		f.with.SetText(lang.X("purchase.warranty_with", "With this date: {{.Decision}}", map[string]any{"Decision": decisionText(*next.decision)}))
		f.with.Show()
	case next.decErr != nil:
		f.with.SetText(errorText(next.decErr))
		f.with.Show()
	default:
		f.with.Hide() // no rule set on the device: nothing to decide with
	}
}

// submit saves what changed; nothing changed closes the dialog. A
// refusal shows under its field and saves nothing. A change of what the
// customer pays on a ticket with money taken or an estimate approved is
// said first (moneyChange).
func (f *purchaseForm) submit() {
	u, next, field, err := f.typed()
	if err != nil {
		field.showProblem(err)
		if c := fyne.CurrentApp().Driver().CanvasForObject(field); c != nil {
			c.Focus(field)
		}
		return
	}
	if u == nil {
		f.dialog.Hide()
		return
	}
	save := func() {
		f.dialog.Hide()
		f.save.commit(u, f.saved)
	}
	if text := moneyChange(f.tv, next); text != "" {
		f.confirm(lang.X("purchase.money_title", "What the customer pays changes"), text,
			lang.X("purchase.money_save", "Save the date"), lang.X("dialog.keep_editing", "Keep editing"), false, save)
		return
	}
	save()
}

// moneyChange says what a correction does to the money of a ticket on
// which the customer approved an estimate or paid, when it changes what
// they pay; "" when it does not, or when no money is at stake yet. The
// correction moves no money: what was paid stays paid, an approved
// estimate stays as approved, and the money card then shows the
// balance (app.BalanceDue) with its own Refund.
func moneyChange(before, after ticketView) string {
	if before.decision == nil || after.decision == nil || before.decision.Total == after.decision.Total {
		return ""
	}
	was, now := before.decision.Total, after.decision.Total
	paid := app.Money{Amount: app.Paid(before.payments, now.Currency), Currency: now.Currency}
	approved := (&moneyCard{estimates: before.estimates}).approvedEstimate()
	if paid.Amount <= 0 && approved == nil {
		return ""
	}
	lines := []string{lang.X("purchase.money_total", "With this date the customer pays {{.Now}} instead of {{.Was}}.",
		map[string]any{"Now": moneyText(now), "Was": moneyText(was)})}
	if approved != nil {
		if app.NeedsEstimateApproval(*after.decision, after.estimates) {
			lines = append(lines, lang.X("purchase.money_estimate_up", "They approved {{.Approved}}: have them approve a new estimate before going on.",
				map[string]any{"Approved": moneyText(approved.Amount)}))
		} else {
			lines = append(lines, lang.X("purchase.money_estimate", "The estimate they approved ({{.Approved}}) stays on the ticket as it was.",
				map[string]any{"Approved": moneyText(approved.Amount)}))
		}
	}
	if paid.Amount > 0 {
		if due := app.BalanceDue(now, before.payments); due.Amount < 0 {
			lines = append(lines, lang.X("purchase.money_paid", "They paid {{.Paid}}. Nothing is refunded by itself: refund {{.Refund}} under Charges and payments, or keep it for more work.",
				map[string]any{"Paid": moneyText(paid), "Refund": moneyText(app.Money{Amount: -due.Amount, Currency: due.Currency})}))
		} else {
			lines = append(lines, lang.X("purchase.money_paid_short", "They paid {{.Paid}}; the rest is taken as usual under Charges and payments.",
				map[string]any{"Paid": moneyText(paid)}))
		}
	}
	return strings.Join(lines, "\n")
}

// leave closes the dialog (Cancel, Escape), asking first when something
// was typed (leaveTyped).
func (f *purchaseForm) leave() {
	leaveTyped(f.confirm, f.bought.Text != f.shownBought || f.proof.Text != f.shownProof,
		lang.X("purchase.discard_title", "Discard this correction?"),
		lang.X("purchase.discard_text", "The purchase date and proof you typed are lost; the ticket keeps the ones it has."),
		f.dialog.Hide, f.dialog.Hide)
}
