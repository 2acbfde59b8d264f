package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// moneyHost is what the money dialogs need of the screen: to save, to
// ask, and to offer a choice of actions.
type moneyHost interface {
	committer
	dialogs
	signedApprovals
	// choose shows message with a button per choice and keep, which
	// does nothing; a choice's button closes the dialog, then runs.
	choose(title, message, keep string, choices ...choice)
	// receiptButton writes payment p's receipt, then offers to open or
	// save it (documents.go); nil when the device cannot write documents.
	receiptButton(tk app.Ticket, p app.Payment) fyne.CanvasObject
}

// choice is one of choose's actions.
type choice struct {
	label      string
	importance widget.Importance
	run        func()
}

func (t *Terminal) choose(title, message, keep string, choices ...choice) {
	if t.win == nil {
		return
	}
	text := widget.NewLabel(message)
	text.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(text)
	var d dialog.Dialog
	for _, c := range choices {
		b := widget.NewButton(c.label, func() {
			d.Hide()
			c.run()
		})
		b.Importance = c.importance
		box.Add(b)
	}
	d = dialog.NewCustom(title, keep, box, t.win)
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.94, 480), 0))
	t.present(d, nil)
}

// maxAmountText bounds a typed amount: 13 digits, a separator and two
// decimals are already more than app.Money allows.
const maxAmountText = 20

// parseAmount reads an amount typed in the currency's major unit ("67.8",
// "67,80", "1200", "1 200,50", "1.200,50", "1,200.50") exactly into minor
// units: no floating point, at most two decimals, a dot or a comma before
// them (the UI's languages write either). Thousands are grouped by threes
// with a space (French writes "1 200,50", often with a no-break space) or
// an apostrophe (as the app writes French, "1’200,50"), or
// with the mark that is not the decimal one when both appear, or with one
// mark used twice ("1.000.000"). One mark alone before three digits
// ("1.234", "1,234") reads two ways across the languages, so it is
// refused with a text that says so rather than guessed.
func parseAmount(text, currency string) (app.Money, error) {
	bad := app.Errorf(app.EINVALID, "money.bad_amount", "Type the amount as a number with up to two decimals, such as 67.80.")
	s := strings.TrimSpace(text)
	if s == "" || len(s) > maxAmountText || strings.Contains(s, "_") {
		return app.Money{}, bad
	}
	// A space of any width between digits groups thousands in French, or
	// the apostrophe the app's own French texts group with (translations'
	// numberStyles: "1’200,50 ¥" above the field).
	s = strings.NewReplacer(" ", "_", "\u00a0", "_", "\u202f", "_", "\u2009", "_", "\u2019", "_", "'", "_").Replace(s)
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	groups, decimal := "_", ""
	switch {
	case dots > 0 && commas > 0: // the last mark is the decimal one
		decimal, groups = ",", "_."
		if strings.LastIndex(s, ".") > strings.LastIndex(s, ",") {
			decimal, groups = ".", "_,"
		}
	case dots > 1:
		groups = "_."
	case commas > 1:
		groups = "_,"
	case dots == 1:
		decimal = "."
	case commas == 1:
		decimal = ","
	}
	whole, frac, found := s, "", false
	if decimal != "" {
		whole, frac, found = strings.Cut(s, decimal)
	}
	if found && len(frac) == 3 && dots+commas == 1 && !strings.Contains(whole, "_") {
		return app.Money{}, app.Errorf(app.EINVALID, "money.ambiguous_amount",
			"{{.Amount}} reads as thousands in some languages and as decimals in others: type it with no thousands mark, such as 1234 or 1234.50.", "Amount", text)
	}
	if whole == "" || len(frac) > 2 || found && frac == "" || strings.ContainsAny(frac, "_.,") {
		return app.Money{}, bad
	}
	// Grouped thousands: one to three digits first, then exactly three
	// after each mark; a mark at either end or twice in a row is refused.
	if strings.ContainsAny(whole, "_.,") {
		parts := strings.FieldsFunc(whole, func(r rune) bool { return strings.ContainsRune(groups, r) })
		if len(parts) != strings.Count(whole, "_")+strings.Count(whole, ".")+strings.Count(whole, ",")+1 || len(parts[0]) > 3 {
			return app.Money{}, bad
		}
		for _, g := range parts[1:] {
			if len(g) != 3 {
				return app.Money{}, bad
			}
		}
		whole = strings.Join(parts, "")
	}
	var amount int64
	for _, r := range whole + (frac + "00")[:2] {
		if r < '0' || r > '9' {
			return app.Money{}, bad
		}
		amount = amount*10 + int64(r-'0')
	}
	m := app.Money{Amount: amount, Currency: currency}
	if err := m.Validate(); err != nil {
		return app.Money{}, err
	}
	return m, nil
}

// amountText is m as the amount field shows it: major units with two
// decimals, no symbol, for parseAmount to read back, with the decimal mark
// of the UI language ("56,50" in Spanish, beside "56,50 ¥" in the text
// above the field) and no grouping, so that it reads back in every language.
func amountText(m app.Money) string {
	if m.Amount <= 0 {
		return ""
	}
	text := strings.TrimPrefix(m.String(), m.Currency+" ")
	if strings.Contains(printer().Sprintf("%.1f", 1.5), ",") {
		text = strings.Replace(text, ".", ",", 1)
	}
	return text
}

// checkPayment checks p as the store will, before it numbers the
// receipt, so that a form shows what to correct under its field and a
// refused payment uses no number.
func checkPayment(p app.Payment) error {
	p.Receipt = app.ReceiptNumber("D1", 1) // the store numbers it on commit
	return p.Validate()
}

// paymentForm is the fields of a payment or refund.
type paymentForm struct {
	kind   *scanSelect // nil for a refund
	kinds  []app.PaymentKind
	method *scanSelect
	amount *scanEntry
	ref    *scanEntry
	// currency is what the amount is typed in.
	currency string
}

func newPaymentForm(keys *wedgeKeys, prefill app.Money, kind app.PaymentKind) *paymentForm {
	f := &paymentForm{currency: prefill.Currency}
	if kind != app.PaymentRefund {
		f.kinds = []app.PaymentKind{app.PaymentPayment, app.PaymentDeposit}
		names := []string{paymentKindText(app.PaymentPayment), paymentKindText(app.PaymentDeposit)}
		f.kind = newScanSelect(keys, names, nil)
		if kind == app.PaymentDeposit {
			f.kind.SetSelectedIndex(1)
		} else {
			f.kind.SetSelectedIndex(0)
		}
	}
	names := make([]string, len(methods))
	for i, m := range methods {
		names[i] = methodText(m)
	}
	f.method = newScanSelect(keys, names, nil)
	f.method.SetSelectedIndex(0)
	f.amount = newScanEntry(keys)
	f.amount.SetText(amountText(prefill))
	f.amount.SetPlaceHolder(lang.X("payment.amount_hint", "Amount in {{.Currency}}, e.g. 67.80", map[string]any{"Currency": prefill.Currency}))
	f.ref = newScanEntry(keys)
	f.ref.SetPlaceHolder(lang.X("payment.reference_hint", "Slip or transaction number (card, mobile)"))
	return f
}

func (f *paymentForm) items() []*widget.FormItem {
	var items []*widget.FormItem
	if f.kind != nil {
		items = append(items, widget.NewFormItem(lang.X("payment.kind", "Kind"), f.kind))
	}
	return append(items,
		widget.NewFormItem(lang.X("payment.method", "Method"), f.method),
		widget.NewFormItem(lang.X("payment.amount_in", "Amount, {{.Currency}}", map[string]any{"Currency": f.currency}), f.amount.withProblem()),
		widget.NewFormItem(lang.X("payment.reference", "Reference"), f.ref.withProblem()),
	)
}

// payment is the typed payment on tk, checked; a refusal names its
// field.
func (f *paymentForm) payment(tk app.Ticket, currency string, kind app.PaymentKind) (app.Payment, error) {
	m, err := parseAmount(f.amount.Text, currency)
	if err != nil {
		return app.Payment{}, &fieldError{f.amount, err}
	}
	if f.kind != nil {
		kind = f.kinds[f.kind.SelectedIndex()]
	}
	p := app.Payment{ID: app.NewID(), Ticket: tk.ID, Kind: kind, Method: methods[f.method.SelectedIndex()], Amount: m, Reference: strings.TrimSpace(f.ref.Text)}
	if err := checkPayment(p); err != nil {
		field := f.amount
		if key := app.AsError(err); key != nil && strings.Contains(key.Key, "reference") {
			field = f.ref
		}
		return app.Payment{}, &fieldError{field, err}
	}
	return p, nil
}

// takePayment asks for a payment on tk, its amount prefilled with owed
// (when above zero) and in owed's currency, records it and shows its
// receipt number; then, if set, runs with the payment recorded. A device
// without a receipt prefix yet is refused by the store, whose error says
// to sync once.
func takePayment(host moneyHost, keys *wedgeKeys, tk app.Ticket, owed app.Money, kind app.PaymentKind, then func(app.Payment)) {
	f := newPaymentForm(keys, owed, kind)
	host.ask(lang.X("money.take", "Take payment"), lang.X("payment.record", "Record payment"), f.items(), func() error {
		p, err := f.payment(tk, owed.Currency, kind)
		if err != nil {
			return err
		}
		cmd := &app.RecordPayment{Payment: p}
		host.commit(cmd, func() {
			if then == nil {
				showReceipt(host, tk, cmd.Payment)
				return
			}
			// The receipt number first, for the customer's copy; what
			// comes next (the close) only when the technician goes on.
			showReceipt(host, tk, cmd.Payment, choice{label: lang.X("payment.continue", "Continue"), importance: widget.HighImportance,
				run: func() { then(cmd.Payment) }})
		})
		return nil
	})
}

// refundPayment asks for a refund of at most paid on tk (the store
// refuses more), confirms it, as money given back cannot be taken back,
// and records it.
func refundPayment(host moneyHost, keys *wedgeKeys, tk app.Ticket, paid app.Money) {
	f := newPaymentForm(keys, paid, app.PaymentRefund)
	host.ask(lang.X("money.refund", "Refund"), lang.X("money.refund", "Refund"), f.items(), func() error {
		p, err := f.payment(tk, paid.Currency, app.PaymentRefund)
		if err != nil {
			return err
		}
		host.confirm(lang.X("payment.refund_title", "Refund {{.Amount}} to {{.Customer}}?", map[string]any{"Amount": moneyText(p.Amount), "Customer": tk.Customer.Name}),
			lang.X("payment.refund_confirm", "Give the money back first. A refund is recorded with its own receipt and cannot be taken back."),
			lang.X("money.refund", "Refund"), lang.X("payment.keep", "Do not refund"), true, func() {
				cmd := &app.RefundPayment{Payment: p}
				host.commit(cmd, func() { showReceipt(host, tk, cmd.Payment) })
			})
		return nil
	})
}

// showReceipt tells the receipt number of a payment just recorded, to
// write on the customer's copy; next, if given, is the way on. With none,
// it offers the receipt's document too: it says to give the customer the
// receipt, and its only button closed it, the receipt's own button being
// on the payment's row behind (walk4's Spanish counter walk, a refund).
// A way on keeps the dialog to it: the receipt stays on the row.
func showReceipt(host moneyHost, tk app.Ticket, p app.Payment, next ...choice) {
	if len(next) == 0 {
		if b, ok := host.receiptButton(tk, p).(*widget.Button); ok {
			next = append(next, choice{label: b.Text, importance: widget.HighImportance, run: b.OnTapped})
		}
	}
	data := map[string]any{"Receipt": p.Receipt, "Amount": moneyText(p.Amount), "Kind": paymentKindText(p.Kind), "Method": methodText(p.Method)}
	host.choose(lang.X("payment.receipt_title", "Receipt {{.Receipt}}", data),
		lang.X("payment.receipt_text", "{{.Kind}} of {{.Amount}} ({{.Method}}) recorded. Give the customer receipt number {{.Receipt}}.", data),
		lang.X("dialog.close", "Close"), next...)
}

// closeWithMoney closes tk through cmd (a ticket.close) with the balance
// the customer owes: nothing owed, it only confirms (title, message and
// doLabel as the close says them); money owed, it says so and offers
// taking the payment, then closing, or closing without full payment for
// a reason. bal nil closes without a balance (the charges are unknown).
func closeWithMoney(host moneyHost, keys *wedgeKeys, tk app.Ticket, cmd *app.TransitionTicket, bal *app.Money, title, message, doLabel string) {
	cmd.Balance, cmd.UnpaidReason = bal, ""
	if bal == nil || bal.Amount <= 0 {
		host.confirm(title, message, doLabel, lang.X("action.keep_open", "Keep it open"), false, func() { host.commit(cmd, nil) })
		return
	}
	owed := *bal
	data := map[string]any{"Amount": moneyText(owed), "Number": tk.Number}
	host.choose(lang.X("close.owed_title", "{{.Amount}} is still owed", data),
		lang.X("close.owed_text", "The customer still owes {{.Amount}} on {{.Number}}. Take the payment, then close; or close without full payment and say why.", data),
		lang.X("action.keep_open", "Keep it open"),
		choice{lang.X("close.take_payment", "Take payment"), widget.HighImportance, func() {
			takePayment(host, keys, tk, owed, app.PaymentPayment, func(p app.Payment) {
				rest := owed
				if p.Amount.Currency == owed.Currency {
					rest.Amount -= p.Amount.Amount
				}
				// A part payment asks again, with what is left.
				closeWithMoney(host, keys, tk, cmd, &rest, title, message, doLabel)
			})
		}},
		choice{lang.X("close.unpaid", "Close without full payment"), widget.MediumImportance, func() { closeUnpaid(host, keys, cmd, owed) }})
}

// unpaidReasons are the reasons offered to close with money owed.
var unpaidReasons = []string{app.UnpaidInvoiceLater, app.UnpaidGoodwill, app.UnpaidOther}

func unpaidText(r string) string {
	switch r {
	case app.UnpaidInvoiceLater:
		return lang.X("close.unpaid.invoice_later", "Invoice later")
	case app.UnpaidGoodwill:
		return lang.X("close.unpaid.goodwill", "Goodwill (waived)")
	}
	return lang.X("close.unpaid.other", "Other")
}

// closeUnpaid asks why the ticket closes with owed unpaid and closes it,
// recording owed as its balance: every caller's cmd closes with the
// amount the form shows. The signed close's "Close without full payment"
// (closeSignedOwing) left cmd's balance unset, and app refused every
// reason chosen ("Send the balance owed with the reason it is unpaid").
func closeUnpaid(host moneyHost, keys *wedgeKeys, cmd *app.TransitionTicket, owed app.Money) {
	names := make([]string, len(unpaidReasons))
	for i, r := range unpaidReasons {
		names[i] = unpaidText(r)
	}
	// No default: the office acts on the reason (an invoice to send).
	why := newScanSelect(keys, names, nil)
	why.PlaceHolder = lang.X("complete.resolution_hint", "Choose…")
	words := newScanEntry(keys)
	words.SetPlaceHolder(lang.X("close.unpaid_words_hint", "In words; required for Other"))
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	problem.Hide()
	why.OnChanged = func(string) { problem.Hide() }
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("close.unpaid_owed", "Owed"), widget.NewLabel(moneyText(owed))),
		widget.NewFormItem(lang.X("close.unpaid_why", "Why unpaid"), container.NewVBox(why, problem)),
		widget.NewFormItem(lang.X("action.reason", "Reason"), words.withProblem()),
	}
	host.askWith(lang.X("close.unpaid", "Close without full payment"), lang.X("close.unpaid_do", "Close unpaid"), lang.X("action.keep_open", "Keep it open"), items, func() error {
		bal := owed
		cmd.Balance, cmd.UnpaidReason, cmd.Reason = &bal, "", strings.TrimSpace(words.Text)
		i := why.SelectedIndex()
		if i < 0 {
			// app's refusal says to take the payment: this form is the
			// other way, and only lacks the reason.
			problem.SetText(lang.X("close.unpaid_choose", "Choose why the ticket closes unpaid."))
			problem.Show()
			return errShown
		}
		cmd.UnpaidReason = unpaidReasons[i]
		if err := cmd.Validate(); err != nil {
			if e := app.AsError(err); e != nil && e.Key == "ticket.unpaid_needs_reason" {
				return &fieldError{words, err}
			}
			problem.SetText(errorText(err))
			problem.Show()
			return errShown
		}
		host.commit(cmd, nil)
		return nil
	})
}
