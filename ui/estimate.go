package ui

import (
	"bytes"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/signimg"
)

// issueEstimate asks for an estimate of the work on tk, its amount
// prefilled with the customer's total, and records it; the customer is
// there to answer, so their answer is asked at once. approved, if not
// nil, runs once an approval is saved (decideEstimate).
func issueEstimate(host moneyHost, keys *wedgeKeys, tk app.Ticket, total app.Money, approved func()) {
	amount := newScanEntry(keys)
	if total.Amount > 0 {
		amount.SetText(amountText(total))
	} else {
		// Quoted before the work is priced: the clerk types the price.
		amount.SetPlaceHolder(lang.X("estimate.amount_hint", "The price you quote, e.g. 120"))
	}
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
		host.commit(cmd, func() { decideEstimate(host, keys, tk, cmd.Estimate, approved) })
		return nil
	})
}

// decideEstimate records the customer's answer to e: their name, the
// minimum proof of their consent (app.DecideEstimate), and approve or
// decline. The name starts as the ticket's customer, as at the sign-off
// (newSignOff): the customer checks it, or someone answering for them
// types theirs. An approval is signed on the pad as well, when the
// terminal keeps pictures: the signature is over the estimate's digest,
// so the approval names exactly the price and note offered. A decline
// needs only the name. approved, if not nil, runs once an approval is
// saved: the step the approval was asked for goes on (a decline stops it).
func decideEstimate(host moneyHost, keys *wedgeKeys, tk app.Ticket, e app.Estimate, approved func()) {
	name := newScanEntry(keys)
	name.SetText(tk.Customer.Name)
	name.SetPlaceHolder(lang.X("estimate.name_hint", "Name of the person answering"))
	answers := []string{app.EstimateApproved, app.EstimateDeclined}
	answer := widget.NewRadioGroup([]string{lang.X("estimate.approve", "Approve"), lang.X("estimate.decline", "Decline")}, nil)
	answer.Horizontal = true
	problem := newProblemLabel()
	answer.OnChanged = func(string) { problem.Hide() }
	price := widget.NewLabel(strings.TrimSpace(moneyText(e.Amount) + "\n" + e.Note))
	price.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("estimate.price", "Estimate"), price),
		widget.NewFormItem(lang.X("estimate.answer_label", "Answer"), container.NewVBox(answer, problem)),
		widget.NewFormItem(lang.X("estimate.customer", "Customer's name"), name.withProblem()),
	}
	var pad *signPad
	signProblem := newProblemLabel()
	if host.canSign() {
		pad = newSignPad(signProblem.Hide)
		clear := widget.NewButtonWithIcon(lang.X("sign.clear", "Clear"), theme.ContentClearIcon(), pad.Clear)
		items = append(items, widget.NewFormItem(lang.X("estimate.signature", "Signature to approve"),
			container.NewBorder(nil, container.NewVBox(signProblem, container.NewHBox(clear)), nil, nil, pad)))
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
		if cmd.Decision != app.EstimateApproved {
			host.commit(cmd, nil)
			return nil
		}
		if pad == nil {
			host.commit(cmd, approved)
			return nil
		}
		if pad.Empty() {
			signProblem.SetText(lang.X("estimate.sign_to_approve", "Ask the customer to sign on the pad to approve; declining needs only their name."))
			signProblem.Show()
			return errShown
		}
		strokes, err := app.EncodeStrokes(pad.Strokes())
		if err != nil {
			return err
		}
		sig := app.Signature{ID: app.NewID(), Ticket: tk.ID, Signer: cmd.Customer, Role: app.SignerCustomer,
			Digest: e.Digest(), Strokes: strokes, Photo: app.NewID()}
		if err := sig.Validate(); err != nil {
			return err
		}
		pic, err := signimg.PNG(pad.Strokes())
		if err != nil {
			return err
		}
		// The caption is what the photos card and the report show under
		// the picture: no estimate ID, which read as a cut-off code there;
		// the signature's digest ties it to the estimate.
		caption := lang.X("estimate.sign_caption", "Signature of {{.Name}} approving the estimate of {{.Amount}}",
			map[string]any{"Name": sig.Signer, "Amount": moneyText(e.Amount)})
		if err := app.CheckCaption(caption); err != nil {
			return &fieldError{name, err} // the name makes it long
		}
		host.approveSigned(sig, pic, caption, cmd, approved)
		return nil
	})
}

func newProblemLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// signedApprovals is what an estimate approved by signature needs of the
// screen.
type signedApprovals interface {
	// canSign reports whether the terminal keeps pictures, so a
	// signature can be taken.
	canSign() bool
	// approveSigned stores the signature's picture pic off the UI
	// goroutine, then records it as a photo of kind "signature" with
	// caption, the signature sig, and the approval cmd naming it, in that
	// order: each is pushed after what it names.
	// then, if not nil, runs once the approval is saved.
	approveSigned(sig app.Signature, pic []byte, caption string, cmd *app.DecideEstimate, then func())
}

func (t *Terminal) canSign() bool { return t.deps.Photos != nil }

func (t *Terminal) approveSigned(sig app.Signature, pic []byte, caption string, cmd *app.DecideEstimate, then func()) {
	// The time and the technician are the device's, as in the sign-off:
	// the server applies the mutations later, as the device's account.
	sig.At, sig.By = t.deps.Now().UTC(), t.deps.Actor.Name
	cmd.At, cmd.Signature = sig.At, sig.ID
	// The answer shows as given while its picture and records are saved:
	// the answer's button stayed under the finger until they were. A save
	// refused says so, and the ticket is read again (commitInTurn).
	id := t.detail.shown
	t.detail.applyDecision(cmd, sig.At)
	t.deps.Run(func() {
		// Stored as made (PutPhoto): the picture is drawn here and must
		// stay a PNG.
		sha, size, err := t.deps.Photos.PutPhoto(t.ctx, bytes.NewReader(pic))
		fyne.Do(func() {
			if err != nil {
				// Nothing is recorded: the estimate stays pending, its
				// answer one tap away on the ticket.
				t.showError(err)
				if id != "" {
					t.detail.Show(id)
				}
				return
			}
			photo := app.Photo{ID: sig.Photo, Ticket: sig.Ticket, SHA256: sha, Size: size, Mime: "image/png", Kind: "signature", Caption: caption}
			t.commitInTurn([]app.Command{&app.AttachPhoto{Photo: photo}, &app.RecordSignature{Signature: sig}, cmd}, then)
		})
	})
}
