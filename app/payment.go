package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Money taken and promised on a ticket: estimates the customer approves
// before paid work, deposits, payments and refunds. Money is a fact: a
// payment or refund is recorded on any ticket in the sender's scope,
// cancelled and closed ones included, since the cash changed hands either
// way and a server must never throw it away.
func init() {
	register("payment.record", 1, func(string) Command { return &RecordPayment{} })
	register("payment.refund", 1, func(string) Command { return &RefundPayment{} })
	register("estimate.issue", 1, func(string) Command { return &IssueEstimate{} })
	register("estimate.decide", 1, func(string) Command { return &DecideEstimate{} })
}

// PaymentKind says which way money moved.
type PaymentKind string

const (
	PaymentDeposit PaymentKind = "deposit" // taken at intake, before the work
	PaymentPayment PaymentKind = "payment" // taken at completion or pick-up
	PaymentRefund  PaymentKind = "refund"  // given back to the customer
)

// PaymentMethod says how money moved.
type PaymentMethod string

const (
	MethodCash     PaymentMethod = "cash"
	MethodCard     PaymentMethod = "card"     // a terminal's slip number as reference
	MethodMobile   PaymentMethod = "mobile"   // a mobile payment's transaction number as reference
	MethodTransfer PaymentMethod = "transfer" // a bank transfer
)

// Valid reports whether m is a known method.
func (m PaymentMethod) Valid() bool {
	return m == MethodCash || m == MethodCard || m == MethodMobile || m == MethodTransfer
}

// MaxReceiptLen bounds a receipt number: a device's prefix, a dash and
// its sequence fit in far less, and the number is printed on paper.
const MaxReceiptLen = 32

// Payment is money taken from or given back to a customer on a ticket,
// with the receipt number printed for it.
type Payment struct {
	ID     string        `json:"id"`
	Ticket TicketID      `json:"ticket"`
	Kind   PaymentKind   `json:"kind"`
	Method PaymentMethod `json:"method"`
	Amount Money         `json:"amount"` // always positive; Kind gives the direction
	// Reference is the card slip or the mobile payment's transaction
	// number: required for card and mobile, since no gateway confirms
	// them offline and the office reconciles on it.
	Reference string    `json:"reference,omitempty"`
	Receipt   string    `json:"receipt"` // see ReceiptNumber
	At        time.Time `json:"at"`
	By        string    `json:"by,omitempty"`
}

// Validate checks a payment's fields alone.
func (p Payment) Validate() error {
	if err := required("payment.id", p.ID); err != nil {
		return err
	}
	if err := required("payment.ticket", string(p.Ticket)); err != nil {
		return err
	}
	switch p.Kind {
	case PaymentDeposit, PaymentPayment, PaymentRefund:
	default:
		return Errorf(EINVALID, "payment.invalid.kind", "Unknown payment kind {{.Kind}}: use deposit, payment or refund.", "Kind", string(p.Kind))
	}
	if !p.Method.Valid() {
		return Errorf(EINVALID, "payment.invalid.method", "Unknown payment method {{.Method}}: use cash, card, mobile or transfer.", "Method", string(p.Method))
	}
	if err := p.Amount.Validate(); err != nil {
		return err
	}
	if p.Amount.Amount <= 0 {
		return Errorf(EINVALID, "payment.invalid.amount", "Enter an amount above zero; a refund is recorded as a refund, not as a negative payment.")
	}
	if (p.Method == MethodCard || p.Method == MethodMobile) && strings.TrimSpace(p.Reference) == "" {
		return Errorf(EINVALID, "payment.needs_reference", "Enter the slip or transaction number of this {{.Method}} payment, so the office can match it.", "Method", string(p.Method))
	}
	if err := checkName("payment.reference", p.Reference); err != nil {
		return err
	}
	if !ValidReceipt(p.Receipt) {
		return Errorf(EINVALID, "payment.invalid.receipt", "The receipt number {{.Receipt}} is malformed; the app numbers receipts itself: update it.", "Receipt", p.Receipt)
	}
	return checkName("payment.by", p.By)
}

// ValidReceiptPrefix reports whether s can prefix a device's receipt
// numbers: 1 to 12 upper-case letters and digits.
func ValidReceiptPrefix(s string) bool {
	if s == "" || len(s) > 12 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// ReceiptNumber is the number of a device's seq-th receipt: its prefix
// (unique in the tenant, given at pairing) and a per-device sequence, so
// two devices never issue the same number, offline.
func ReceiptNumber(prefix string, seq int64) string {
	return prefix + "-" + strconv.FormatInt(seq, 10)
}

// ValidReceipt reports whether s has the form ReceiptNumber gives: a
// valid prefix, a dash and a positive sequence without leading zeros.
func ValidReceipt(s string) bool {
	if len(s) > MaxReceiptLen {
		return false
	}
	prefix, seq, ok := strings.Cut(s, "-")
	if !ok || !ValidReceiptPrefix(prefix) || seq == "" || seq[0] == '0' {
		return false
	}
	n, err := strconv.ParseInt(seq, 10, 64)
	return err == nil && n > 0
}

// ConflictDuplicateReceipt is the office's notice that a payment came
// with a receipt number another payment of the tenant has: the payment is
// recorded all the same (Ours its ID, Theirs the first payment's).
const ConflictDuplicateReceipt ConflictKind = "duplicate_receipt"

// DuplicateReceipt is the error of a duplicate_receipt conflict.
func DuplicateReceipt(receipt string) *Error {
	return Errorf(ECONFLICT, "payment.duplicate_receipt", "Receipt number {{.Receipt}} was issued twice; the payment is recorded: give the customer a corrected receipt and check the device's receipt prefix.", "Receipt", receipt)
}

// Paid is what the customer has paid on a ticket in a currency: deposits
// and payments less refunds.
func Paid(payments []Payment, currency string) int64 {
	var sum int64
	for _, p := range payments {
		if p.Amount.Currency != currency {
			continue
		}
		if p.Kind == PaymentRefund {
			sum -= p.Amount.Amount
		} else {
			sum += p.Amount.Amount
		}
	}
	return sum
}

// BalanceDue is what the customer still owes of total: positive when they
// owe, negative when they paid more (a refund is due). Payments in
// another currency than total's are not counted: a ticket is charged in
// its rule set's currency.
func BalanceDue(total Money, payments []Payment) Money {
	return Money{Amount: total.Amount - Paid(payments, total.Currency), Currency: total.Currency}
}

// MoneyOffered says which money moves make sense on a ticket now, the
// same rule whether it is open or closed: take a payment while the
// customer owes (a balance due on the charges), or while the charges are
// still to come (open, nothing priced yet: a deposit); refund while
// something was paid and not given back. A closed ticket settled offers
// neither: a counter tool that offers "Take payment" on a ticket owing
// nothing invites a double charge. charges is nil when the work is not
// priced; currency is the ticket's ("" when none is known: nothing).
func MoneyOffered(open bool, charges *Money, payments []Payment, currency string) (take, refund bool) {
	if currency == "" {
		return false, false
	}
	refund = Paid(payments, currency) > 0
	if charges == nil || charges.Amount == 0 {
		return open, refund
	}
	return BalanceDue(*charges, payments).Amount > 0, refund
}

// Receipted is a command that carries a receipt number the device issues
// (payment.record, payment.refund): the device's Committer numbers it in
// the transaction that records it, whatever number it held before.
type Receipted interface {
	SetReceipt(number string)
}

func (c *RecordPayment) SetReceipt(n string) { c.Payment.Receipt = n }
func (c *RefundPayment) SetReceipt(n string) { c.Payment.Receipt = n }

// RecordPayment records a deposit or a payment (payment.record).
type RecordPayment struct {
	Payment Payment `json:"payment"`
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (*RecordPayment) MutationName() (string, int)  { return "payment.record", 1 }
func (c *RecordPayment) setMutationAt(at time.Time) { c.MutationAt = at }
func (c *RecordPayment) TicketRef() TicketID        { return c.Payment.Ticket }
func (c *RecordPayment) NewRecords() []NewRecord {
	return []NewRecord{{"payment", c.Payment.ID}}
}

func (c *RecordPayment) Validate() error {
	if c.Payment.Kind == PaymentRefund {
		return Errorf(EINVALID, "payment.refund_separate", "Record a refund with payment.refund.")
	}
	return c.Payment.Validate()
}

func (c *RecordPayment) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	t, err := ticketInScope(ctx, tx, actor, c.Payment.Ticket)
	if err != nil {
		return err
	}
	return addPayment(ctx, tx, actor, c.Payment, FieldTime(c.MutationAt, now, t.CreatedAt))
}

// RefundPayment gives money back (payment.refund): at most what the
// customer paid on the ticket in that currency, refunds before it
// deducted.
type RefundPayment struct {
	Payment Payment `json:"payment"` // Kind is "refund" (or left out)
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (*RefundPayment) MutationName() (string, int)  { return "payment.refund", 1 }
func (c *RefundPayment) setMutationAt(at time.Time) { c.MutationAt = at }
func (c *RefundPayment) TicketRef() TicketID        { return c.Payment.Ticket }
func (c *RefundPayment) NewRecords() []NewRecord {
	return []NewRecord{{"payment", c.Payment.ID}}
}

func (c *RefundPayment) Validate() error {
	p := c.Payment
	if p.Kind == "" {
		p.Kind = PaymentRefund
	}
	if p.Kind != PaymentRefund {
		return Errorf(EINVALID, "payment.refund_kind", "A refund has kind refund; record money taken with payment.record.")
	}
	return p.Validate()
}

func (c *RefundPayment) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	p := c.Payment
	p.Kind = PaymentRefund
	t, err := ticketInScope(ctx, tx, actor, p.Ticket)
	if err != nil {
		return err
	}
	paid, err := tx.Payments(ctx, p.Ticket)
	if err != nil {
		return err
	}
	if have := Paid(paid, p.Amount.Currency); p.Amount.Amount > have {
		return Errorf(ECONFLICT, "payment.refund_too_much", "A refund of {{.Amount}} is more than the {{.Paid}} paid on this ticket; refund at most what was paid.",
			"Amount", p.Amount.String(), "Paid", Money{Amount: max(have, 0), Currency: p.Amount.Currency}.String())
	}
	return addPayment(ctx, tx, actor, p, FieldTime(c.MutationAt, now, t.CreatedAt))
}

// addPayment records p on its ticket (in the actor's scope), whatever
// the ticket's status, at at when it has no time of its own.
func addPayment(ctx context.Context, tx MutationTx, actor Actor, p Payment, at time.Time) error {
	if p.At.IsZero() {
		p.At = at
	}
	if p.By == "" {
		p.By = actor.Name
	}
	return tx.AddPayment(ctx, p)
}

// Estimate decisions.
const (
	EstimatePending  = ""
	EstimateApproved = "approved"
	EstimateDeclined = "declined"
)

// Estimate is the price of out-of-warranty work as offered to the
// customer, and their answer: paid work starts only on an approved one.
type Estimate struct {
	ID     string    `json:"id"`
	Ticket TicketID  `json:"ticket"`
	Amount Money     `json:"amount"` // the customer's total, tax included
	Note   string    `json:"note,omitempty"`
	At     time.Time `json:"at"`
	By     string    `json:"by,omitempty"`
	// Decision is EstimatePending, EstimateApproved or EstimateDeclined.
	Decision string `json:"decision,omitempty"`
	// ApprovedBy is the name of the customer who decided, as they typed
	// or said it: the minimum proof of their consent.
	ApprovedBy string `json:"approved_by,omitempty"`
	// Signature is the ID of the customer's signature over the estimate
	// (a Signature whose Digest is the estimate's Digest), when one was
	// taken.
	Signature string    `json:"signature,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
}

// Digest is what a customer signs to approve the estimate: the SHA-256,
// in lower-case hex, of its canonical facts: the line
// "fieldbench-estimate/1", then its ID, ticket, amount in minor units,
// currency and note, each on a line of its own, the note last and
// verbatim. IDs and currencies hold no line break, so the text is
// unambiguous; its time, author and answer are left out, since they are
// not what the customer agrees to. A signed estimate whose amount or note
// changes no longer matches its signature.
func (e Estimate) Digest() string {
	text := strings.Join([]string{"fieldbench-estimate/1", e.ID, string(e.Ticket),
		strconv.FormatInt(e.Amount.Amount, 10), e.Amount.Currency, e.Note}, "\n")
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// NeedsEstimateApproval reports whether the work priced by d needs the
// customer's (new) approval before it goes on: it costs them something
// and no approved estimate covers it, because none was approved, or the
// latest approved one is in another currency or for less. The device
// checks it before paid work starts and again when the cost grows; the
// central service does not, since money taken offline on an estimate it
// would judge otherwise must still be recorded.
func NeedsEstimateApproval(d Decision, estimates []Estimate) bool {
	if d.Total.Amount <= 0 {
		return false
	}
	var last *Estimate
	for i, e := range estimates {
		if e.Decision == EstimateApproved && (last == nil || e.DecidedAt.After(last.DecidedAt)) {
			last = &estimates[i]
		}
	}
	return last == nil || last.Amount.Currency != d.Total.Currency || d.Total.Amount > last.Amount.Amount
}

// IssueEstimate offers an estimate to the customer (estimate.issue).
type IssueEstimate struct {
	Estimate Estimate `json:"estimate"`
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (*IssueEstimate) MutationName() (string, int)  { return "estimate.issue", 1 }
func (c *IssueEstimate) setMutationAt(at time.Time) { c.MutationAt = at }
func (c *IssueEstimate) TicketRef() TicketID        { return c.Estimate.Ticket }
func (c *IssueEstimate) NewRecords() []NewRecord {
	return []NewRecord{{"estimate", c.Estimate.ID}}
}

func (c *IssueEstimate) Validate() error {
	e := c.Estimate
	if err := required("estimate.id", e.ID); err != nil {
		return err
	}
	if err := required("estimate.ticket", string(e.Ticket)); err != nil {
		return err
	}
	if err := e.Amount.Validate(); err != nil {
		return err
	}
	if e.Amount.Amount <= 0 {
		return Errorf(EINVALID, "estimate.invalid.amount", "An estimate needs an amount above zero; work that costs the customer nothing needs none.")
	}
	if e.Decision != EstimatePending {
		return Errorf(EINVALID, "estimate.issued_decided", "Issue the estimate first, then record the customer's decision with estimate.decide.")
	}
	if err := checkLens(lenOf{"estimate.note", e.Note, MaxTextLen}, lenOf{"estimate.approved_by", e.ApprovedBy, MaxNameLen}, lenOf{"estimate.signature", e.Signature, MaxIDLen}); err != nil {
		return err
	}
	return checkName("estimate.by", e.By)
}

func (c *IssueEstimate) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	t, err := ticketInScope(ctx, tx, actor, c.Estimate.Ticket)
	if err != nil {
		return err
	}
	if !t.Status.Open() {
		return Errorf(ECONFLICT, "estimate.ticket_not_open", "Ticket {{.Number}} is {{.Status}}: no more work to estimate.", "Number", t.Number, "Status", string(t.Status))
	}
	have, err := tx.Estimates(ctx, t.ID)
	if err != nil {
		return err
	}
	for _, e := range have {
		if e.ID == c.Estimate.ID {
			return FactExists("estimate", e.ID)
		}
	}
	e := c.Estimate
	e.ApprovedBy, e.Signature, e.DecidedAt = "", "", time.Time{}
	if e.At.IsZero() {
		e.At = FieldTime(c.MutationAt, now, t.CreatedAt)
	}
	if e.By == "" {
		e.By = actor.Name
	}
	return tx.SaveEstimate(ctx, e)
}

// DecideEstimate records the customer's answer to an estimate
// (estimate.decide): approved or declined, once.
type DecideEstimate struct {
	Ticket   TicketID `json:"ticket"`
	Estimate string   `json:"estimate"`
	Decision string   `json:"decision"`
	// Customer is the name of who decided (required); Signature the ID
	// of their signature over the estimate (optional; see Estimate).
	Customer  string    `json:"customer"`
	Signature string    `json:"signature,omitempty"`
	At        time.Time `json:"at,omitzero"`
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (*DecideEstimate) MutationName() (string, int)  { return "estimate.decide", 1 }
func (c *DecideEstimate) setMutationAt(at time.Time) { c.MutationAt = at }
func (c *DecideEstimate) TicketRef() TicketID        { return c.Ticket }

func (c *DecideEstimate) Validate() error {
	if err := required("ticket", string(c.Ticket)); err != nil {
		return err
	}
	if err := required("estimate", c.Estimate); err != nil {
		return err
	}
	if c.Decision != EstimateApproved && c.Decision != EstimateDeclined {
		return Errorf(EINVALID, "estimate.invalid.decision", "Record the customer's decision as approved or declined.")
	}
	if strings.TrimSpace(c.Customer) == "" {
		return Errorf(EINVALID, "estimate.needs_customer", "Have the customer type or say their name to approve or decline the estimate.")
	}
	if err := checkName("customer", c.Customer); err != nil {
		return err
	}
	if c.Signature != "" {
		return checkID("signature", c.Signature)
	}
	return nil
}

func (c *DecideEstimate) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	t, err := ticketInScope(ctx, tx, actor, c.Ticket)
	if err != nil {
		return err
	}
	have, err := tx.Estimates(ctx, t.ID)
	if err != nil {
		return err
	}
	e, err := c.Decided(have, FieldTime(c.MutationAt, now, t.CreatedAt))
	if err != nil {
		return err
	}
	return tx.SaveEstimate(ctx, e)
}

// Decided is the estimate of have the answer names, as the answer leaves
// it: what Apply saves, and what a screen shows of an answer saved before
// it reads the ticket again.
func (c *DecideEstimate) Decided(have []Estimate, now time.Time) (Estimate, error) {
	for _, e := range have {
		if e.ID != c.Estimate {
			continue
		}
		if e.Decision != EstimatePending {
			return Estimate{}, Errorf(ECONFLICT, "estimate.decided", "The customer has already decided on this estimate ({{.Decision}}); issue a new one for a new price.", "Decision", e.Decision)
		}
		e.Decision, e.ApprovedBy, e.Signature = c.Decision, strings.TrimSpace(c.Customer), c.Signature
		e.DecidedAt = c.At
		if e.DecidedAt.IsZero() {
			e.DecidedAt = now
		}
		return e, nil
	}
	return Estimate{}, Errorf(ENOTFOUND, "estimate.not_found", "Estimate {{.ID}} is not on this ticket; issue the estimate again and record the decision on it.", "ID", c.Estimate)
}

// Reasons a ticket is closed with money still owed (ticket.close's
// unpaid_reason).
const (
	UnpaidInvoiceLater = "invoice_later" // the office sends an invoice
	UnpaidGoodwill     = "goodwill"      // waived for the customer
	UnpaidOther        = "other"         // the close's reason says why
)

// checkClosingBalance is the rule of a close with money owed: a positive
// balance needs a reason; "other" needs it in words.
func checkClosingBalance(balance *Money, unpaid, reason string) error {
	if balance == nil {
		if unpaid != "" {
			return Errorf(EINVALID, "ticket.unpaid_without_balance", "Send the balance owed with the reason it is unpaid.")
		}
		return nil
	}
	if err := balance.Validate(); err != nil {
		return err
	}
	switch {
	case balance.Amount <= 0 && unpaid != "":
		return Errorf(EINVALID, "ticket.unpaid_nothing_owed", "Nothing is owed on this ticket; close it without an unpaid reason.")
	case balance.Amount <= 0:
		return nil
	case unpaid == "":
		return Errorf(EINVALID, "ticket.balance_owed", "The customer still owes {{.Balance}}: take the payment, or say why the ticket closes unpaid (invoice later, goodwill).", "Balance", balance.String())
	case unpaid == UnpaidOther && strings.TrimSpace(reason) == "":
		return Errorf(EINVALID, "ticket.unpaid_needs_reason", "Say in words why the ticket closes unpaid.")
	case unpaid != UnpaidInvoiceLater && unpaid != UnpaidGoodwill && unpaid != UnpaidOther:
		return Errorf(EINVALID, "ticket.invalid.unpaid_reason", "Unknown unpaid reason {{.Reason}}: use invoice_later, goodwill or other.", "Reason", unpaid)
	}
	return nil
}
