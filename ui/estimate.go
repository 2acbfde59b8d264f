package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// issueEstimate asks for an estimate of the work on tk, its amount
// prefilled with the customer's total, and records it; the customer is
// there to answer, so their answer is asked at once.
func issueEstimate(host moneyHost, keys *wedgeKeys, tk app.Ticket, total app.Money) {
	amount := newScanEntry(keys)
	amount.SetText(amountText(total))
	note := newScanMultiLineEntry(keys)
	note.SetPlaceHolder(lang.X("estimate.note_hint", "What the price covers, what may change it"))
	note.SetMinRowsVisible(2)
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("payment.amount_in", "Amount, {{.Currency}}", map[string]any{"Currency": total.Currency}), amount.withProblem()),
		widget.NewFormItem(lang.X("estimate.note", "Note"), note.withProblem()),
	}
	host.ask(lang.X("estimate.title", "Estimate for {{.Number}}", map[string]any{"Number": tk.Number}), lang.X("estimate.issue_do", "Issue estimate"), items, func() error {
		m, err := parseAmount(amount.Text, total.Currency)
		if err != nil {
			return &fieldError{amount, err}
		}
		cmd := &app.IssueEstimate{Estimate: app.Estimate{ID: app.NewID(), Ticket: tk.ID, Amount: m, Note: strings.TrimSpace(note.Text)}}
		if err := cmd.Validate(); err != nil {
			if e := app.AsError(err); e != nil && strings.HasPrefix(e.Key, "estimate.note") {
				return &fieldError{note, err}
			}
			return &fieldError{amount, err}
		}
		host.commit(cmd, func() { decideEstimate(host, keys, tk, cmd.Estimate) })
		return nil
	})
}

// decideEstimate records the customer's answer to e: they type their
// name, the minimum proof of their consent (app.DecideEstimate), and
// approve or decline.
func decideEstimate(host moneyHost, keys *wedgeKeys, tk app.Ticket, e app.Estimate) {
	name := newScanEntry(keys)
	name.SetPlaceHolder(lang.X("estimate.name_hint", "The customer types their name"))
	answers := []string{app.EstimateApproved, app.EstimateDeclined}
	answer := widget.NewRadioGroup([]string{lang.X("estimate.approve", "Approve"), lang.X("estimate.decline", "Decline")}, nil)
	answer.Horizontal = true
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	problem.Hide()
	answer.OnChanged = func(string) { problem.Hide() }
	price := widget.NewLabel(strings.TrimSpace(moneyText(e.Amount) + "\n" + e.Note))
	price.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("estimate.price", "Estimate"), price),
		widget.NewFormItem(lang.X("estimate.answer_label", "Answer"), container.NewVBox(answer, problem)),
		widget.NewFormItem(lang.X("estimate.customer", "Customer's name"), name.withProblem()),
	}
	host.askWith(lang.X("estimate.answer", "Customer's answer"), lang.X("estimate.record", "Record answer"), lang.X("estimate.later", "Later"), items, func() error {
		cmd := &app.DecideEstimate{Ticket: tk.ID, Estimate: e.ID, Customer: strings.TrimSpace(name.Text)}
		if i := slices.Index(answer.Options, answer.Selected); i >= 0 {
			cmd.Decision = answers[i]
		}
		if err := cmd.Validate(); err != nil {
			if e := app.AsError(err); e != nil && e.Key == "estimate.invalid.decision" {
				problem.SetText(errorText(err))
				problem.Show()
				return errShown
			}
			return &fieldError{name, err}
		}
		host.commit(cmd, nil)
		return nil
	})
}
