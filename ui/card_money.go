package ui

import (
	"time"

	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// moneyCard is the ticket's charges and payments: what the warranty
// decision charges the customer, what they paid, what they still owe,
// each payment with its receipt number, and the estimates they answered.
// Its dialogs are in payment.go and estimate.go.
type moneyCard struct {
	host     moneyHost
	keys     *wedgeKeys
	editable bool
	detail   app.TicketDetail
	// decision prices the work; nil when it could not be made (no rule
	// set on the device): then the balance is unknown.
	decision  *app.Decision
	payments  []app.Payment
	zone      *time.Location // the session's (Deps.Zone)
	estimates []app.Estimate
}

func newMoneyCard(host moneyHost, keys *wedgeKeys, editable bool, zone *time.Location, tv ticketView) *moneyCard {
	return &moneyCard{host: host, keys: keys, editable: editable, detail: tv.detail, decision: tv.decision,
		payments: tv.payments, estimates: tv.estimates, zone: zone}
}

// balance is what the customer still owes (negative when a refund is
// due); ok is false when the charges are unknown.
func (c *moneyCard) balance() (bal app.Money, ok bool) {
	if c.decision == nil {
		return app.Money{}, false
	}
	return app.BalanceDue(c.decision.Total, c.payments), true
}

// currency is the ticket's: its charges', else its payments'; "" when
// neither is known, and no money can be taken.
func (c *moneyCard) currency() string {
	if c.decision != nil {
		return c.decision.Total.Currency
	}
	if len(c.payments) > 0 {
		return c.payments[0].Amount.Currency
	}
	return ""
}

// needsApproval reports whether the open ticket's work costs the
// customer more than an estimate they approved.
func (c *moneyCard) needsApproval() bool {
	return c.decision != nil && c.detail.Ticket.Status.Open() && app.NeedsEstimateApproval(*c.decision, c.estimates)
}

// approvedEstimate is the customer's latest approved estimate; nil when
// they approved none.
func (c *moneyCard) approvedEstimate() *app.Estimate {
	var last *app.Estimate
	for i, e := range c.estimates {
		if e.Decision == app.EstimateApproved && (last == nil || e.DecidedAt.After(last.DecidedAt)) {
			last = &c.estimates[i]
		}
	}
	return last
}

// approvalBanner is the ticket's warning while the work needs approval.
// A customer who approved a smaller estimate did approve something: told
// "has not approved", a technician who just recorded their answer thinks
// it was lost, so the text names what they approved and what it costs now.
// An estimate issued and not yet answered is named: "issue an estimate"
// under the button that records its answer sent the technician to issue
// a second one.
func (c *moneyCard) approvalBanner() string {
	total := moneyText(c.decision.Total)
	if e := c.pendingEstimate(); e != nil {
		return lang.X("estimate.needed_pending", "The customer has not answered the estimate of {{.Amount}} yet: record their answer before the repair.",
			map[string]any{"Amount": moneyText(e.Amount)})
	}
	if e := c.approvedEstimate(); e != nil {
		return lang.X("estimate.exceeded", "The customer approved {{.Approved}}; the cost is now {{.Total}}: issue a new estimate and have them approve it before going on.",
			map[string]any{"Approved": moneyText(e.Amount), "Total": total})
	}
	return lang.X("estimate.needed", "The customer has not approved the cost of {{.Total}}: issue an estimate and have them approve it before the repair.",
		map[string]any{"Total": total})
}

// approvalQuestion is the title and text of the warning before paid work
// starts, resumes or completes without approval (see approvalBanner).
func (c *moneyCard) approvalQuestion() (title, text string) {
	total := moneyText(c.decision.Total)
	if e := c.approvedEstimate(); e != nil {
		return lang.X("estimate.exceeded_title", "Cost above the approved estimate"),
			lang.X("estimate.exceeded_text", "The customer approved {{.Approved}}; the cost is now {{.Total}}. Have them approve a new estimate first; go on without it only if they agreed another way.",
				map[string]any{"Approved": moneyText(e.Amount), "Total": total})
	}
	return lang.X("estimate.needed_title", "No approved estimate"),
		lang.X("estimate.needed_text", "The customer has not approved the cost of {{.Total}}. Have them approve an estimate first; go on without it only if they agreed another way.",
			map[string]any{"Total": total})
}

// pendingEstimate is the estimate waiting for the customer's answer, the
// latest issued; nil when none waits.
func (c *moneyCard) pendingEstimate() *app.Estimate {
	var last *app.Estimate
	for i, e := range c.estimates {
		if e.Decision == app.EstimatePending && (last == nil || e.At.After(last.At)) {
			last = &c.estimates[i]
		}
	}
	return last
}

// estimateStep is the one tap that moves the approval on: the answer to
// the pending estimate, else a new estimate. approved, if not nil, runs
// once the customer's approval is saved.
func (c *moneyCard) estimateStep(approved func()) (label string, run func()) {
	if e := c.pendingEstimate(); e != nil {
		est := *e
		return lang.X("estimate.answer", "Customer's answer"), func() { decideEstimate(c.host, c.keys, c.detail.Ticket, est, approved) }
	}
	return lang.X("estimate.issue", "Estimate"), func() { issueEstimate(c.host, c.keys, c.detail.Ticket, c.decision.Total, approved) }
}

// shown reports whether the card has anything to say: a free repair
// with no money taken shows none.
func (c *moneyCard) shown() bool {
	return len(c.payments) > 0 || len(c.estimates) > 0 || c.decision != nil && c.decision.Total.Amount != 0 || c.quoteFirst()
}

// quoteFirst: the customer pays everything and nothing is priced yet (no
// part fitted, no repair logged) nor quoted, before the work is done. A
// counter quotes the customer there and then, and a customer who says no
// takes the device back unrepaired; the card, shown only once a part or
// repair priced the work, offered no estimate until the repair was under
// way (walk4's Spanish counter walk: a phone out of warranty, its owner
// at the counter, no Estimate anywhere).
func (c *moneyCard) quoteFirst() bool {
	st := c.detail.Ticket.Status
	return c.editable && c.decision != nil && c.decision.Coverage == app.CoverageOut && c.decision.Total.Amount == 0 &&
		len(c.estimates) == 0 && st.Open() && st != app.StatusCompleted && st != app.StatusCannotComplete
}

func (c *moneyCard) object() fyne.CanvasObject {
	cur := c.currency()
	box := container.NewVBox()
	paid := app.Money{Amount: app.Paid(c.payments, cur), Currency: cur}
	var charges string
	bal, known := c.balance()
	if known {
		charges = moneyText(c.decision.Total)
	}
	if cur != "" {
		box.Add(fields(
			lang.X("money.charges", "Charges"), charges,
			lang.X("money.paid", "Paid"), moneyText(paid),
		))
	}
	if known && !(c.quoteFirst() && bal.Amount == 0) {
		// Work not priced yet owes nothing so far: "Nothing owed." in
		// green beside Estimate read as a free repair.
		box.Add(balanceLabel(bal, c.detail.Ticket.Status.Open()))
	}
	for _, e := range c.estimates {
		l := widget.NewLabel(estimateText(c.zone, e))
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	for _, p := range c.payments {
		l := widget.NewLabel(paymentText(c.zone, p))
		l.Wrapping = fyne.TextWrapWord
		if p.Kind == app.PaymentRefund {
			l.Importance = widget.WarningImportance
		}
		if b := c.host.receiptButton(c.detail.Ticket, p); b != nil {
			box.Add(container.NewBorder(nil, nil, nil, b, l))
		} else {
			box.Add(l)
		}
	}
	if len(c.payments) == 0 && cur != "" {
		box.Add(lowLabel(lang.X("money.none", "No payments yet.")))
	}
	if c.editable && cur != "" {
		buttons := container.NewGridWrap(fyne.NewSize(190, 48))
		// Only what makes sense now, open or closed (app.MoneyOffered): a
		// closed ticket settled offered Take payment and Refund.
		var charges *app.Money
		if c.decision != nil {
			charges = &c.decision.Total
		}
		offerTake, offerRefund := app.MoneyOffered(c.detail.Ticket.Status.Open(), charges, c.payments, cur)
		if offerTake {
			buttons.Add(widget.NewButton(lang.X("money.take", "Take payment"), func() {
				owed := app.Money{Currency: cur}
				if known && bal.Amount > 0 {
					owed = bal
				}
				takePayment(c.host, c.keys, c.detail.Ticket, owed, app.PaymentPayment, nil)
			}))
		}
		// An estimate to give or answer only while the work needs one: an
		// approved estimate covering the cost left "Estimate" beside the
		// payment, as if a new one were due.
		if c.needsApproval() || c.quoteFirst() || c.detail.Ticket.Status.Open() && c.pendingEstimate() != nil {
			label, run := c.estimateStep(nil)
			buttons.Add(widget.NewButton(label, run))
		}
		if offerRefund {
			refund := widget.NewButton(lang.X("money.refund", "Refund"), func() { refundPayment(c.host, c.keys, c.detail.Ticket, paid) })
			refund.Importance = widget.DangerImportance
			buttons.Add(refund)
		}
		if len(buttons.Objects) > 0 {
			box.Add(buttons)
		}
	}
	return widget.NewCard(lang.X("money.title", "Charges and payments"), "", box)
}

// balanceLabel says where the customer stands: owing (in red once the
// work is done, when it is to be paid), owed a refund, or settled.
func balanceLabel(bal app.Money, working bool) *widget.Label {
	l := widget.NewLabel("")
	l.TextStyle.Bold = true
	switch {
	case bal.Amount > 0:
		l.SetText(lang.X("money.owed", "Still owed: {{.Amount}}", map[string]any{"Amount": moneyText(bal)}))
		if !working {
			l.Importance = widget.DangerImportance
		}
	case bal.Amount < 0 && working:
		// A deposit before the work is priced is money held, not a
		// refund to give: the charges come with the repair.
		l.SetText(lang.X("money.held", "{{.Amount}} paid in advance: it counts against the charges once the work is done.",
			map[string]any{"Amount": moneyText(app.Money{Amount: -bal.Amount, Currency: bal.Currency})}))
	case bal.Amount < 0:
		l.SetText(lang.X("money.refund_due", "Paid {{.Amount}} more than the charges: refund it or keep it for more work.",
			map[string]any{"Amount": moneyText(app.Money{Amount: -bal.Amount, Currency: bal.Currency})}))
		l.Importance = widget.WarningImportance
	default:
		l.SetText(lang.X("money.settled", "Nothing owed."))
		l.Importance = widget.SuccessImportance
	}
	l.Wrapping = fyne.TextWrapWord
	return l
}

// paymentText is one line of the payments: receipt, kind, method,
// amount (a refund's with a minus), reference and time.
func paymentText(zone *time.Location, p app.Payment) string {
	amount := moneyText(p.Amount)
	if p.Kind == app.PaymentRefund {
		amount = "−" + amount
	}
	parts := []string{p.Receipt, paymentKindText(p.Kind), methodText(p.Method), amount}
	if p.Reference != "" {
		parts = append(parts, p.Reference)
	}
	return strings.Join(append(parts, timeText(zone, p.At)), " · ")
}

// estimateText is an estimate with the customer's answer.
func estimateText(zone *time.Location, e app.Estimate) string {
	data := map[string]any{"Amount": moneyText(e.Amount), "Name": e.ApprovedBy, "At": timeText(zone, e.DecidedAt)}
	var s string
	switch e.Decision {
	case app.EstimateApproved:
		s = lang.X("estimate.approved_line", "Estimate {{.Amount}}: approved by {{.Name}}, {{.At}}", data)
	case app.EstimateDeclined:
		s = lang.X("estimate.declined_line", "Estimate {{.Amount}}: declined by {{.Name}}, {{.At}}", data)
	default:
		s = lang.X("estimate.pending_line", "Estimate {{.Amount}}: waiting for the customer's answer", data)
	}
	if e.Note != "" {
		s += "\n" + e.Note
	}
	return s
}

func paymentKindText(k app.PaymentKind) string {
	switch k {
	case app.PaymentDeposit:
		return lang.X("payment.kind.deposit", "Deposit")
	case app.PaymentRefund:
		return lang.X("payment.kind.refund", "Refund")
	}
	return lang.X("payment.kind.payment", "Payment")
}

// methods are the payment methods in the order the dialogs offer them.
var methods = []app.PaymentMethod{app.MethodCash, app.MethodCard, app.MethodMobile, app.MethodTransfer}

func methodText(m app.PaymentMethod) string {
	switch m {
	case app.MethodCard:
		return lang.X("payment.method.card", "Card")
	case app.MethodMobile:
		return lang.X("payment.method.mobile", "Mobile payment")
	case app.MethodTransfer:
		return lang.X("payment.method.transfer", "Bank transfer")
	}
	return lang.X("payment.method.cash", "Cash")
}
