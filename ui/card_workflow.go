package ui

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// workflowCard is the ticket's workflow: the state's primary action, which
// the detail view pins below the cards so that it never scrolls away, and
// the other actions the state machine allows (and why some are refused
// now), in the scrolling cards.
type workflowCard struct {
	save   committer
	ask    workflowDialogs
	keys   *wedgeKeys
	actor  app.Actor
	detail app.TicketDetail
	// typedDiagnosis is the diagnosis as typed in its card, saved or not:
	// completing takes it.
	typedDiagnosis func() string
	// signOff opens the customer's sign-off (signoff.go); nil hides it.
	signOff func()
	// signOffThenClose opens the sign-off for a close that asked for it
	// (offerSignOff): once saved, the close's confirmation opens on the
	// ticket reloaded with it. Nil opens signOff alone.
	signOffThenClose func()
	// reportChanged: the report differs from the one last signed (a
	// payment, part or repair recorded since), so its signature no
	// longer covers it (ticketView.signedReportChanged).
	reportChanged bool
	// notify offers the customer notices (card_notices.go); notices are
	// the ticket's, shown with their state.
	notify  bool
	notices []app.CustomerNoticeView
	now     func() time.Time
	// logRepair opens the repair log's form (repairCard.logRepairThen)
	// from the completion's checklist when it lacks a repair entry, and
	// runs done once the entry is saved; nil offers no such button.
	logRepair func(done func())
	// approvalNow runs goOn once the paid work of the ticket as last
	// read is approved, or the user goes on without approval (askApproval):
	// a repair logged from the completion's dialog raised the cost after
	// Complete asked. Nil goes on.
	approvalNow func(goOn func())
	// afterApproval runs again on the card of the ticket as reloaded
	// once an approval asked for by askApproval is saved; nil where
	// nothing reloads.
	afterApproval func(again func(cur *workflowCard))
	// openRequests are the ticket's part requests the office has not
	// shipped, with the parts' names: completing says each is still on
	// its way to being sent. cancelRequest withdraws one (requestsCard's
	// form, over Complete's dialog), then runs done; nil offers no button.
	openRequests  []namedRequest
	cancelRequest func(r app.PartRequest, done func())
	// requestPart opens the part picker to request a part, which can put
	// the ticket in waiting for parts in the same step; awaitingPart: a
	// request of the ticket still waits for its part. Wait for parts
	// with none asks first (waitWithoutRequest). Nil offers no request.
	requestPart  func()
	awaitingPart bool
	// draftDiagnosis puts the diagnosis typed in the completion's dialog
	// into the diagnosis card, unsaved, so that closing the dialog
	// (Cancel, Escape) keeps the typing; nil keeps it nowhere.
	draftDiagnosis func(text string)
	// money is the ticket's charges and payments (card_money.go): closing
	// asks for what is owed, paid work for the customer's approval. Nil
	// when the terminal reads no payments.
	money *moneyCard
	// wentOnUnapproved: the action run last was let go on without the
	// customer's approval (askApproval's "Go on without approval"), so
	// Complete's dialog does not ask it again for a repair logged there.
	wentOnUnapproved bool
}

// workflowDialogs is what the workflow card asks through: the dialogs,
// and a question of several answers (closing a visit not yet signed off).
type workflowDialogs interface {
	dialogs
	choose(title, message, keep string, choices ...choice)
}

// primaryOrder is the next step of each state, in preference order: the
// first of them the state allows is the primary action. Waiting for parts,
// failing and cancelling are never primary: they are the exceptions. A
// visit waiting for parts is offered both the second visit's "On my way"
// and "Resume work": the drive back comes first, as it is the usual next
// step; resume (a part that came while the technician was there) stays
// beside it.
var primaryOrder = []app.Action{app.ActionDepart, app.ActionArrive, app.ActionStart, app.ActionResume, app.ActionComplete, app.ActionClose, app.ActionReopen}

// destructive reports whether a throws the ticket's work away: it looks
// different and is confirmed. Closing is the ordinary end (the device
// handed back, the visit signed off): confirmed, as it cannot be undone,
// but blue, as the counter's pick-up shows it.
func destructive(a app.Action) bool { return a == app.ActionCancel }

// stepText names action a on ticket tk: closing a visit hands nothing
// back.
func stepText(tk app.Ticket, a app.Action) string {
	if a == app.ActionClose && tk.Kind == app.KindOnSite {
		return lang.X("action.close_visit", "Close visit")
	}
	return actionText(a)
}

// later reports whether a comes after step in the order of next steps:
// refused now, it is no news while step is the thing to do (a disabled
// "Start work" above the pinned "On my way" only misleads).
func later(a, step app.Action) bool {
	ia, is := slices.Index(primaryOrder, a), slices.Index(primaryOrder, step)
	return step != "" && ia > is && is >= 0
}

// actions returns the primary action's button (nil when there is none)
// and the card with the others. A read-only terminal shows neither.
func (w *workflowCard) actions(editable bool) (primary *widget.Button, rest fyne.CanvasObject) {
	box := container.NewVBox()
	if line := signatureLine(w.now().Location(), w.detail); line != "" && w.signOff == nil {
		// With the sign-off offered, the line goes under its button
		// (signOffRow): here it would push the button down as it appears.
		box.Add(lowLabel(line))
	}
	if notices := w.noticeBox(editable); notices != nil {
		box.Add(notices)
	}
	if !editable {
		return nil, box
	}
	tk := w.detail.Ticket
	if w.money != nil && w.money.needsApproval() {
		// A warning, not a block: the server does not enforce it, and a
		// customer who agreed by phone must not leave a technician stuck
		// offline. The step to the approval is one tap away.
		warn := widget.NewLabel(w.money.approvalBanner())
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.WarningImportance
		label, step := w.money.estimateStep(nil)
		box.Add(warn)
		box.Add(container.NewHBox(widget.NewButton(label, step)))
	}
	var checks []app.ActionCheck
	for _, c := range app.AvailableActions(tk, len(w.detail.Repairs)) {
		if c.Action == app.ActionCancel && !app.MayCancel(w.actor, tk) {
			continue // dispatch's decision: a field technician records "cannot complete"
		}
		if c.Action == app.ActionComplete {
			// Completing shows the whole checklist of what is missing,
			// typed text included: the button stays available for it.
			c.Allowed, c.Reason = true, nil
		}
		checks = append(checks, c)
	}
	first := app.Action("")
	for _, a := range primaryOrder {
		for _, c := range checks {
			if first == "" && c.Action == a && c.Allowed {
				first = a
			}
		}
	}
	// The others wrap at one size; the primary, alone in the pinned bar,
	// is wider, so a destructive action never sits beside it as its equal.
	others := container.NewGridWrap(fyne.NewSize(190, 48))
	var why []string
	for _, c := range checks {
		if !c.Allowed && later(c.Action, first) {
			continue
		}
		b := widget.NewButton(stepText(tk, c.Action), func() { w.run(c.Action) })
		switch {
		case destructive(c.Action):
			b.Importance = widget.DangerImportance
		case c.Action == first:
			b.Importance = widget.HighImportance
		default:
			// Waiting for parts, cannot complete, reopen: the exceptions,
			// which must not look like the next step, yet must still look
			// like buttons (a low-importance one draws as bare text).
			b.Importance = widget.MediumImportance
		}
		if !c.Allowed {
			b.Disable()
			why = append(why, stepText(tk, c.Action)+": "+errorText(c.Reason))
		}
		if c.Action == first {
			primary = b
			continue
		}
		others.Add(b)
	}
	if len(others.Objects) > 0 {
		box.Add(others)
	}
	for _, text := range why {
		box.Add(lowLabel(text))
	}
	if w.signOff != nil {
		box.Add(w.signOffRow())
	}
	return primary, box
}

// signOffRow is the sign-off's button with, under it, how the report was
// signed off: the button stays where the technician tapped it when the
// line appears. A signature is over the report's digest, which signing
// and filing the report do not change (app.BuildServiceReport), so while
// the report is as signed the sign-off is done and "Sign again" is there
// only for a customer who wants to redo it. A payment, part or repair
// recorded since changes the report: the signature no longer covers what
// the customer will read, so the sign-off is offered again, saying why.
// A refusal or absence leaves it offered: a signature can still be taken.
func (w *workflowCard) signOffRow() fyne.CanvasObject {
	label := lang.X("sign.open", "Customer sign-off")
	line := signatureLine(w.now().Location(), w.detail)
	s, ok := app.SignOff(w.detail)
	switch {
	case ok && !s.Refused && w.reportChanged:
		line = lang.X("sign.report_changed", "{{.Signature}}. The report changed since (a payment, part or repair): ask for a new signature.", map[string]any{"Signature": line})
	case ok && !s.Refused:
		label = lang.X("sign.again", "Sign again")
	}
	b := widget.NewButtonWithIcon(label, theme.DocumentCreateIcon(), w.signOff)
	row := container.NewVBox(container.NewHBox(b))
	if line != "" {
		row.Add(lowLabel(line))
	}
	return row
}

// run asks for what action a needs (a reason, a resolution, a
// confirmation) and commits it; paid work without the customer's
// approval is warned about first.
func (w *workflowCard) run(a app.Action) {
	w.wentOnUnapproved = false
	if (a == app.ActionStart || a == app.ActionResume || a == app.ActionComplete) && w.money != nil && w.money.needsApproval() {
		w.askApproval(func() { w.wentOnUnapproved = true; w.step(a) }, func(cur *workflowCard) { cur.run(a) })
		return
	}
	w.step(a)
}

// askApproval warns that the paid work lacks the customer's approval and
// offers its estimate, or goOn without it. Approved through the estimate,
// again runs on the card of the reloaded ticket (afterApproval): the
// technician asked to start or complete, and was left on the card with
// the button to tap again.
func (w *workflowCard) askApproval(goOn func(), again func(cur *workflowCard)) {
	var approved func()
	if w.afterApproval != nil && again != nil {
		approved = func() { w.afterApproval(again) }
	}
	label, step := w.money.estimateStep(approved)
	title, text := w.money.approvalQuestion()
	w.money.host.choose(title, text,
		lang.X("dialog.cancel", "Cancel"),
		choice{label, widget.HighImportance, step},
		choice{lang.X("estimate.go_on", "Go on without approval"), widget.MediumImportance, goOn})
}

// step asks what action a needs and commits it.
func (w *workflowCard) step(a app.Action) {
	tk := w.detail.Ticket
	cmd := &app.TransitionTicket{Action: a, Ticket: tk.ID, Epoch: tk.Epoch}
	switch a {
	case app.ActionCancel:
		w.ask.confirm(lang.X("action.cancel_title", "Cancel ticket {{.Number}}?", map[string]any{"Number": tk.Number}),
			lang.X("action.cancel_confirm", "A cancelled ticket cannot be reopened. The customer and dispatch read the reason you give next."),
			actionText(a), lang.X("action.keep", "Keep ticket"), true, func() {
				w.askReason(cmd, lang.X("action.keep", "Keep ticket"))
			})
	case app.ActionClose:
		title := lang.X("action.close_title", "Hand back and close {{.Number}}?", map[string]any{"Number": tk.Number})
		msg := lang.X("action.close_confirm", "Hand the device back first. A closed ticket cannot be changed or reopened.")
		if check := handBackChecks(tk); tk.Kind == app.KindCarryIn && check != "" {
			msg = check + "\n" + msg
		}
		if tk.Kind == app.KindOnSite {
			title = lang.X("action.close_visit_title", "Close visit {{.Number}}?", map[string]any{"Number": tk.Number})
			msg = lang.X("action.close_visit_confirm", "Close it once the customer has signed off the work. A closed ticket cannot be changed or reopened.")
			// Once signed (or the refusal recorded), "once the customer has
			// signed off" sends the technician looking for a step already done.
			if line := signatureLine(w.now().Location(), w.detail); line != "" {
				msg = lang.X("action.close_visit_signed", "{{.Signature}}. A closed ticket cannot be changed or reopened.", map[string]any{"Signature": line})
				if s, ok := app.SignOff(w.detail); ok && !s.Refused && w.reportChanged {
					// The signature is of another report: closing now
					// closes with the one the customer did not sign.
					msg = lang.X("action.close_visit_report_changed", "{{.Signature}}, but the report changed since (a payment, part or repair): take a new signature before closing. A closed ticket cannot be changed or reopened.", map[string]any{"Signature": line})
				}
			}
		}
		if w.offerSignOff(title, cmd) || w.closeSignedOwing(title, cmd) {
			return
		}
		if w.money == nil {
			w.ask.confirm(title, msg, stepText(tk, a), lang.X("action.keep_open", "Keep it open"), false, func() { w.save.commit(cmd, nil) })
			return
		}
		closeWithMoney(w.money.host, w.keys, tk, cmd, w.owed(), title, msg, stepText(tk, a))
	case app.ActionWait:
		if w.requestPart != nil && !w.awaitingPart {
			w.waitWithoutRequest(cmd)
			return
		}
		w.askReason(cmd, lang.X("dialog.cancel", "Cancel"))
	case app.ActionFail, app.ActionReopen:
		w.askReason(cmd, lang.X("dialog.cancel", "Cancel"))
	case app.ActionComplete:
		w.complete(cmd)
	default:
		w.save.commit(cmd, nil)
	}
}

// owed is what the customer still owes, nil when the terminal reads no
// payments or the ticket's charges cannot be worked out.
func (w *workflowCard) owed() *app.Money {
	if w.money == nil {
		return nil
	}
	if bal, ok := w.money.balance(); ok {
		return &bal
	}
	return nil
}

// offerSignOff asks, when a visit is closed before the customer signed off
// its report (no signature, refusal or absence recorded, or a signature
// of a report that changed since), whether to take the sign-off first, and
// reports whether it asked. "Close it once the customer has signed off"
// alone sent the technician out of the dialog and down the cards for the
// button; the sign-off is one tap from here, and closing without it stays
// one tap too (a customer who left before the end), the money owed still
// asked for.
func (w *workflowCard) offerSignOff(title string, cmd *app.TransitionTicket) bool {
	tk := w.detail.Ticket
	if tk.Kind != app.KindOnSite || w.signOff == nil {
		return false
	}
	msg := lang.X("action.close_visit_unsigned", "The customer has not signed off the work. Take their signature first, or record that they refused or were not there. A closed ticket cannot be changed or reopened.")
	s, ok := app.SignOff(w.detail)
	if ok {
		if s.Refused || !w.reportChanged {
			return false // signed off: the confirmation says how
		}
		msg = lang.X("action.close_visit_report_changed", "{{.Signature}}, but the report changed since (a payment, part or repair): take a new signature before closing. A closed ticket cannot be changed or reopened.", map[string]any{"Signature": signatureLine(w.now().Location(), w.detail)})
	}
	closeAnyway := func() {
		owed := w.owed()
		if owed != nil && owed.Amount > 0 {
			closeWithMoney(w.money.host, w.keys, tk, cmd, owed, title, msg, stepText(tk, cmd.Action))
			return
		}
		cmd.Balance = owed // as closeWithMoney records a settled ticket
		w.save.commit(cmd, nil)
	}
	// The technician asked to close: signed off, the close goes on
	// rather than leave them on the card with "Close visit" still there.
	signThenClose := w.signOffThenClose
	if signThenClose == nil {
		signThenClose = w.signOff
	}
	sign := choice{lang.X("sign.open", "Customer sign-off"), widget.HighImportance, signThenClose}
	var choices []choice
	if owed := w.owed(); owed != nil && owed.Amount > 0 {
		// A payment changes the report: signed first, then paid, the
		// signature no longer covers the report the visit closes with.
		// So the usual order is the money, then the sign-off of the
		// report that shows it, then the close, said once as an order
		// (not "pay first" beside "sign first"). Signing first stays
		// offered: the report then shows the amount owed, and the close
		// after it offers the invoice to follow (closeSignedOwing).
		data := map[string]any{"Amount": moneyText(*owed)}
		msg = lang.X("action.close_visit_owed_unsigned", "{{.Amount}} is still owed. The usual order: take the payment, then the customer signs the report that shows it, then the visit closes. Signed now, the report shows {{.Amount}} as owed, with an invoice to follow. A closed ticket cannot be changed or reopened.", data)
		if ok {
			data["Signature"] = signatureLine(w.now().Location(), w.detail)
			msg = lang.X("action.close_visit_owed_changed", "{{.Signature}}, but the report changed since (a payment, part or repair). {{.Amount}} is still owed. The usual order: take the payment, then the customer signs the report that shows it, then the visit closes. A closed ticket cannot be changed or reopened.", data)
		}
		bal := *owed
		choices = append(choices, choice{lang.X("action.close_visit_pay_sign", "Take payment, then sign-off"), widget.HighImportance, func() {
			takePayment(w.money.host, w.keys, tk, bal, app.PaymentPayment, func(app.Payment) { signThenClose() })
		}})
		sign.importance = widget.MediumImportance
	}
	choices = append(choices, sign, choice{lang.X("action.close_visit_unsigned_go", "Close without sign-off"), widget.MediumImportance, closeAnyway})
	w.ask.choose(title, msg, lang.X("action.keep_open", "Keep it open"), choices...)
	return true
}

// closeSignedOwing asks, when a visit whose customer signed its report
// as it is now still owes money, how it closes, and reports whether it
// asked. The report they signed shows the amount as owed, so the close
// that keeps their signature valid leaves it owed, an invoice to follow
// (app.UnpaidInvoiceLater, which the office acts on). A payment taken
// now changes the report (app.BuildServiceReport states the payments)
// and the signature no longer covers it: offered too, it says so and
// opens the sign-off again once paid, whose close then goes on as after
// any sign-off. "Take payment" alone, as closeWithMoney offers it, closed
// the visit with a signature of a report it no longer had. Another
// reason to leave it unpaid (goodwill) stays one tap away; a refusal or
// absence recorded signs nothing a payment could outdate, and a
// terminal that cannot take a new signature asks as any close does.
func (w *workflowCard) closeSignedOwing(title string, cmd *app.TransitionTicket) bool {
	tk := w.detail.Ticket
	if tk.Kind != app.KindOnSite || w.signOff == nil || w.reportChanged {
		return false
	}
	s, ok := app.SignOff(w.detail)
	owed := w.owed()
	if !ok || s.Refused || owed == nil || owed.Amount <= 0 {
		return false
	}
	bal := *owed
	signAgain := w.signOffThenClose
	if signAgain == nil {
		signAgain = w.signOff
	}
	data := map[string]any{"Signature": signatureLine(w.now().Location(), w.detail), "Amount": moneyText(bal)}
	msg := lang.X("action.close_visit_signed_owed", "{{.Signature}}. The signed report shows {{.Amount}} still owed. Close with it owed and an invoice to follow, as the customer signed; or take the payment now: it changes the report, so the customer signs it again before the close. A closed ticket cannot be changed or reopened.", data)
	host := w.money.host
	w.ask.choose(title, msg, lang.X("action.keep_open", "Keep it open"),
		choice{lang.X("action.close_visit_invoice_later", "Close, invoice to follow"), widget.HighImportance, func() {
			cmd.Balance, cmd.UnpaidReason, cmd.Reason = &bal, app.UnpaidInvoiceLater, ""
			w.save.commit(cmd, nil)
		}},
		choice{lang.X("action.close_visit_pay_sign_again", "Take payment, then sign again"), widget.MediumImportance, func() {
			takePayment(host, w.keys, tk, bal, app.PaymentPayment, func(app.Payment) { signAgain() })
		}},
		choice{lang.X("close.unpaid", "Close without full payment"), widget.MediumImportance, func() { closeUnpaid(host, w.keys, cmd, bal) }})
	return true
}

// waitWithoutRequest asks, when the ticket is to wait for parts while no
// request of it waits for one, whether to request the part: the reason
// typed for the wait is read by dispatch, but the office ships a part
// only once it is requested (walk4's Portuguese walk: "Aguardar peças",
// the part's name typed as the reason, and nothing was on its way). The
// request can put the ticket in waiting for parts in the same step; a
// wait for another reason (a part the customer orders) stays a tap away.
func (w *workflowCard) waitWithoutRequest(cmd *app.TransitionTicket) {
	w.ask.choose(actionText(cmd.Action),
		lang.X("action.wait_no_request", "No part is requested for this ticket: the office sends a part only once it is requested. Request it now, and the ticket can wait for it in the same step; or wait without a request (a part the customer brings, say)."),
		lang.X("dialog.cancel", "Cancel"),
		choice{lang.X("request.new", "Request a part"), widget.HighImportance, w.requestPart},
		choice{lang.X("action.wait_anyway", "Wait without a request"), widget.MediumImportance, func() { w.askReason(cmd, lang.X("dialog.cancel", "Cancel")) }})
}

// askReason asks why, then commits cmd with the reason.
func (w *workflowCard) askReason(cmd *app.TransitionTicket, keep string) {
	reason := newScanEntry(w.keys)
	hint := lang.X("action.reason_hint", "Why: the customer and dispatch read this")
	if cmd.Action == app.ActionWait {
		hint = lang.X("action.wait_hint", "Which parts, and what they are for")
	}
	reason.SetPlaceHolder(hint)
	w.ask.askWith(actionText(cmd.Action), actionText(cmd.Action), keep, []*widget.FormItem{widget.NewFormItem(lang.X("action.reason", "Reason"), reason)}, func() error {
		cmd.Reason = reason.Text
		w.save.commit(cmd, nil)
		return nil
	})
}

// neverShorter lays out its one object at the tallest height it has
// wanted since it was made: a ticked item's line is often shorter than
// the missing one's ("✓ Repair logged, or none needed." in one line where
// its request took two), and a checklist that shrank by a line still
// moved the dialog under the finger. The band it may leave is a line's,
// below the list. The height kept is one measured once laid out, at the
// width laid out at: wrapping labels measured before are a word a line,
// and a width changed (a phone turned) starts again.
type neverShorter struct{ tallest, width float32 }

func (l *neverShorter) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(s.Width, max(s.Height, l.tallest))
}

func (l *neverShorter) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	if size.Width != l.width {
		l.width, l.tallest = size.Width, 0
	}
	for _, o := range objects {
		o.Move(fyne.Position{})
		o.Resize(fyne.NewSize(size.Width, o.MinSize().Height))
		l.tallest = max(l.tallest, o.MinSize().Height)
	}
}

// completeGivenText says that a checklist item of Complete's, listed
// missing when the dialog opened or since, is given now.
func completeGivenText(key string) string {
	switch key {
	case "transition.complete_needs_resolution":
		return lang.X("complete.given_resolution", "Resolution chosen.")
	case "transition.complete_needs_repair":
		return lang.X("complete.given_repair", "Repair logged, or none needed.")
	case "transition.complete_needs_diagnosis":
		return lang.X("complete.given_diagnosis", "Diagnosis entered, or none needed.")
	}
	return lang.X("complete.given", "Done.")
}

// complete asks for the resolution beside the whole checklist of what
// completing still needs (app.CompleteMissing), counting the diagnosis
// as typed; confirmed, it saves a typed diagnosis first, then completes.
// What is missing can be given in the dialog itself: a diagnosis in a
// field of its own (when none is typed), a repair entry through the
// repair log's form, opened over it.
func (w *workflowCard) complete(cmd *app.TransitionTicket) {
	tk := w.detail.Ticket
	askedAlready := w.wentOnUnapproved
	names := make([]string, len(app.Resolutions))
	for i, r := range app.Resolutions {
		names[i] = resolutionText(r)
	}
	// A scanSelect: it keeps the focus after its menu closes, and a
	// scan must still reach the wedge (wedge.go).
	res := newScanSelect(w.keys, names, nil)
	res.PlaceHolder = lang.X("complete.resolution_hint", "Choose…")
	checklist := container.NewVBox()
	// logged counts the repair entries saved from this dialog: the
	// ticket's detail behind it is the one it opened on.
	logged := 0
	// A ticket without a diagnosis, saved or typed, gets a field for it
	// here: its card is below the ticket's facts, out of view.
	var diagnosis *scanEntry
	if strings.TrimSpace(w.typedDiagnosis()) == "" {
		diagnosis = newScanMultiLineEntry(w.keys)
		diagnosis.SetPlaceHolder(lang.X("diagnosis.hint", "What you found: cause, tests done, readings"))
		diagnosis.SetMinRowsVisible(minDiagnosisRows)
		diagnosis.keptElsewhere = true // on the card (draftDiagnosis)
	}
	typedDiagnosis := func() string {
		if diagnosis != nil {
			return diagnosis.Text
		}
		return w.typedDiagnosis()
	}
	chosen := func() app.Resolution {
		if i := res.SelectedIndex(); i >= 0 {
			return app.Resolutions[i]
		}
		return ""
	}
	missing := func() []error {
		t := tk
		t.Diagnosis = typedDiagnosis()
		return app.CompleteMissing(t, app.TransitionInput{RepairEntries: len(w.detail.Repairs) + logged, Resolution: chosen()})
	}
	withdrawn := map[string]bool{} // requests cancelled from this dialog
	// shown are the items the checklist has listed missing since the
	// dialog opened, in order. One given stays in its place, ticked
	// ("✓ Resolution chosen"), rather than leaving the list: the dialog
	// shrank and Fyne centred it again, so the field under the finger
	// moved (h-walk's French walk: choosing "No fault found" dropped a
	// line, and the next tap missed the diagnosis).
	var shown []string
	var refresh func()
	refresh = func() {
		checklist.RemoveAll()
		m := missing()
		now := map[string]error{}
		for _, err := range m {
			key := errorText(err)
			if e := app.AsError(err); e != nil {
				key = e.Key
			}
			now[key] = err
			if !slices.Contains(shown, key) {
				shown = append(shown, key)
			}
		}
		for _, key := range shown {
			err, open := now[key]
			l := widget.NewLabel("")
			l.Wrapping = fyne.TextWrapWord
			if open {
				l.SetText("• " + errorText(err))
				l.Importance = widget.WarningImportance
			} else {
				l.SetText("✓ " + completeGivenText(key))
				l.Importance = widget.SuccessImportance
			}
			checklist.Add(l)
			if key == "transition.complete_needs_repair" && w.logRepair != nil {
				// The repair log's card is far down the ticket: its form
				// opens over this dialog, which then counts the entry.
				// It stays once the item is given: another entry may be
				// logged, and the list keeps its height.
				checklist.Add(container.NewHBox(widget.NewButtonWithIcon(lang.X("repair.add", "Log repair"), theme.ContentAddIcon(), func() {
					w.logRepair(func() {
						logged++
						refresh()
					})
				})))
			}
		}
		if len(shown) == 0 {
			l := widget.NewLabel(lang.X("complete.ready", "Everything completing needs is there."))
			l.Importance = widget.SuccessImportance
			checklist.Add(l)
		}
		// Not a block (the part may still be wanted for a later visit),
		// but said: a repair done another way left the office shipping a
		// part nobody needed any more, found only when it arrived.
		for _, r := range w.openRequests {
			if withdrawn[r.ID] {
				continue
			}
			l := widget.NewLabel("• " + lang.X("complete.open_request", "{{.Part}} is still requested from the office: cancel the request if the repair no longer needs it, or the part is still sent.", map[string]any{"Part": r.name}))
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.WarningImportance
			checklist.Add(l)
			if w.cancelRequest != nil {
				req := r.PartRequest
				checklist.Add(container.NewHBox(widget.NewButtonWithIcon(lang.X("request.cancel", "Cancel request"), theme.CancelIcon(), func() {
					w.cancelRequest(req, func() {
						withdrawn[req.ID] = true
						refresh()
					})
				})))
			}
		}
	}
	res.OnChanged = func(string) { refresh() }
	if diagnosis != nil {
		// Only when the diagnosis turns empty or not: the checklist
		// built anew at every key would flicker.
		was := false
		diagnosis.OnChanged = func(s string) {
			if w.draftDiagnosis != nil {
				w.draftDiagnosis(s)
			}
			if now := strings.TrimSpace(s) != ""; now != was {
				was = now
				refresh()
			}
		}
	}
	for i, r := range app.Resolutions {
		if r == tk.ResolutionCode {
			res.SetSelectedIndex(i)
		}
	}
	refresh()
	items := []*widget.FormItem{widget.NewFormItem(lang.X("ticket.resolution", "Resolution"), res)}
	if diagnosis != nil {
		items = append(items, widget.NewFormItem(lang.X("ticket.diagnosis", "Diagnosis"), diagnosis))
	}
	// A label that holds whether or not something is missing: "Still
	// needed" stood over "Everything completing needs is there."
	items = append(items, widget.NewFormItem(lang.X("complete.checklist", "Before completing"), container.New(&neverShorter{}, checklist)))
	w.ask.ask(actionText(app.ActionComplete), actionText(app.ActionComplete), items, func() error {
		if len(missing()) > 0 {
			return errShown // the checklist in the dialog lists what is missing
		}
		cmd.Resolution = chosen()
		finish := func() { w.save.commit(cmd, nil) }
		if logged > 0 && w.approvalNow != nil && !askedAlready {
			// The repair logged here changed the charges after Complete
			// asked about them: ask as Complete tapped again would. The
			// diagnosis typed is saved first, so an answer of Cancel
			// loses no typing. Once told to go on without approval, it
			// is not asked twice: the technician has just answered it
			// (walk4).
			finish = func() { w.approvalNow(func() { w.save.commit(cmd, nil) }) }
		}
		typed := strings.TrimSpace(typedDiagnosis())
		if typed == strings.TrimSpace(tk.Diagnosis) {
			finish()
			return nil
		}
		base := tk.Diagnosis
		w.save.commit(&app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &typed}, Base: app.TicketFields{Diagnosis: &base}}, finish)
		return nil
	})
}

// namedRequest is a part request with its part's name as the screens
// write it.
type namedRequest struct {
	app.PartRequest
	name string
}

// openRequests are sv's requests the office may still ship, named.
func openRequests(sv *supplyView) []namedRequest {
	if sv == nil {
		return nil
	}
	var out []namedRequest
	for _, r := range sv.requests {
		if r.State == app.RequestRequested || r.State == app.RequestApproved {
			out = append(out, namedRequest{r, namedPart(sv.names, r.Part) + " × " + countText(r.Qty)})
		}
	}
	return out
}
