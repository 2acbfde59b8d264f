package app

import (
	"context"
	"strings"
	"time"
)

// Part requests: a technician (or the office) asks for a part a ticket
// needs; the office approves it, or approves a compatible part instead, or
// rejects it; a shipment carries it (shipment.go); the technician receives
// it by scanning, and the request learns how much arrived. Each step is a
// mutation, so every state is on the device offline and in the console.
func init() {
	register("part.request", 1, func(string) Command { return &RequestPart{} })
	register("part.cancel_request", 1, func(string) Command { return &CancelPartRequest{} })
	register("part.decide_request", 1, func(string) Command { return &DecidePartRequest{} })
}

// Urgency says how soon a requested part is needed.
type Urgency string

const (
	UrgencyNormal Urgency = "normal" // with the next regular replenishment
	UrgencyUrgent Urgency = "urgent" // the customer waits: ship at once
)

// Valid reports whether u is a known urgency.
func (u Urgency) Valid() bool { return u == UrgencyNormal || u == UrgencyUrgent }

// RequestState is where a part request stands.
type RequestState string

const (
	RequestRequested RequestState = "requested" // waiting for the office
	RequestApproved  RequestState = "approved"  // the office will ship it (or its substitute)
	RequestRejected  RequestState = "rejected"  // the office will not ship it; Reason says why
	RequestCancelled RequestState = "cancelled" // withdrawn before it shipped
	RequestShipped   RequestState = "shipped"   // on its way in Shipment
	RequestReceived  RequestState = "received"  // all of it arrived
	RequestShort     RequestState = "short"     // its shipment arrived without all of it
)

// RequestStates lists the states in the order a request moves through them.
var RequestStates = []RequestState{RequestRequested, RequestApproved, RequestShipped, RequestReceived, RequestShort, RequestRejected, RequestCancelled}

// Valid reports whether s is a known state.
func (s RequestState) Valid() bool {
	for _, x := range RequestStates {
		if x == s {
			return true
		}
	}
	return false
}

// Open reports whether the request still waits for its part: requested,
// approved or shipped.
func (s RequestState) Open() bool {
	return s == RequestRequested || s == RequestApproved || s == RequestShipped
}

// PartRequest is a request for a part for one ticket. The requester sets
// the first block; the office and the receipt set the rest.
type PartRequest struct {
	ID      string     `json:"id"`
	Ticket  TicketID   `json:"ticket"`
	Part    PartNumber `json:"part"` // as requested
	Qty     int        `json:"qty"`  // 1 to MaxRequestQty
	Urgency Urgency    `json:"urgency"`
	Note    string     `json:"note,omitempty"`
	// To is where the part should arrive: the requester's van or store.
	To          LocationID `json:"to"`
	RequestedBy string     `json:"requested_by,omitempty"`
	At          time.Time  `json:"at"`

	State RequestState `json:"state"`
	// Substitute is the compatible part the office approved instead of
	// Part; Wanted says which one ships.
	Substitute PartNumber `json:"substitute,omitempty"`
	Reason     string     `json:"reason,omitempty"` // of a rejection, substitution or cancellation
	DecidedBy  string     `json:"decided_by,omitempty"`
	DecidedAt  time.Time  `json:"decided_at,omitzero"`
	Shipment   string     `json:"shipment,omitempty"` // the shipment carrying it
	Received   int        `json:"received,omitempty"` // units of Wanted that arrived
	ReceivedAt time.Time  `json:"received_at,omitzero"`
}

// MaxRequestQty bounds a part request's quantity: a ticket needs a few
// units of a part, never a pallet.
const MaxRequestQty = 100

// Wanted is the part that ships: the substitute when the office chose one.
func (r PartRequest) Wanted() PartNumber {
	if r.Substitute != "" {
		return r.Substitute
	}
	return r.Part
}

// Validate checks a request's shape, whatever its state.
func (r PartRequest) Validate() error {
	for _, f := range [][2]string{{"request.id", r.ID}, {"request.ticket", string(r.Ticket)}, {"request.part", string(r.Part)}, {"request.to", string(r.To)}} {
		if err := required(f[0], f[1]); err != nil {
			return err
		}
	}
	switch {
	case r.Qty < 1 || r.Qty > MaxRequestQty:
		return Errorf(EINVALID, "part_request.bad_qty", "Request 1 to {{.Max}} units of a part.", "Max", MaxRequestQty)
	case !r.Urgency.Valid():
		return Errorf(EINVALID, "part_request.bad_urgency", "Unknown urgency {{.Urgency}}: use normal or urgent.", "Urgency", string(r.Urgency))
	case !r.State.Valid():
		return Errorf(EINVALID, "part_request.bad_state", "Unknown part request state {{.State}}; update the app.", "State", string(r.State))
	case r.Substitute != "" && !ValidID(string(r.Substitute)) || r.Shipment != "" && !ValidID(r.Shipment):
		return Errorf(EINVALID, "mutation.bad_id", "{{.Field}} must be 1 to {{.Max}} characters without control characters.", "Field", "substitute/shipment", "Max", MaxIDLen)
	case r.Received < 0 || r.Received > MaxRequestQty:
		return Errorf(EINVALID, "part_request.bad_qty", "Request 1 to {{.Max}} units of a part.", "Max", MaxRequestQty)
	}
	if err := tooLong("request.note", r.Note, MaxReasonLen); err != nil {
		return err
	}
	if err := tooLong("request.reason", r.Reason, MaxReasonLen); err != nil {
		return err
	}
	for _, f := range [][2]string{{"request.requested_by", r.RequestedBy}, {"request.decided_by", r.DecidedBy}} {
		if err := checkName(f[0], f[1]); err != nil {
			return err
		}
	}
	return nil
}

// ownsLocation reports whether a technician may act for a stock location:
// it is their van, or their store's.
func ownsLocation(actor Actor, l Location) bool {
	if actor.Role != RoleTechnician || l.Owner == "" {
		return false
	}
	return l.Owner == string(actor.Technician) || actor.Store != "" && l.Owner == string(actor.Store)
}

// notYourLocation is the refusal of a technician acting for a location
// that is not theirs.
func notYourLocation(id LocationID) error {
	return Errorf(EFORBIDDEN, "stock.not_your_location", "Stock location {{.Location}} is not yours; ask dispatch to move its stock.", "Location", string(id))
}

// RequestPart asks for a part for a ticket.
type RequestPart struct {
	Request PartRequest `json:"request"`
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (*RequestPart) MutationName() (string, int)  { return "part.request", 1 }
func (c *RequestPart) setMutationAt(at time.Time) { c.MutationAt = at }
func (c *RequestPart) TicketRef() TicketID        { return c.Request.Ticket }
func (c *RequestPart) NewRecords() []NewRecord {
	return []NewRecord{{"part_request", c.Request.ID}}
}

func (c *RequestPart) Validate() error {
	r := c.Request
	if r.State != "" || r.Substitute != "" || r.Shipment != "" || r.Received != 0 || r.DecidedBy != "" || !r.DecidedAt.IsZero() || !r.ReceivedAt.IsZero() {
		return Errorf(EINVALID, "part_request.server_fields", "A new part request may carry only what is requested; the office and the receipt set the rest. Update the app.")
	}
	r.State = RequestRequested
	return r.Validate()
}

// Apply records the request. A technician requests for a ticket in their
// scope and to a location of theirs; the ticket must still be open.
func (c *RequestPart) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	r := c.Request
	if err := needRole(actor, RoleTechnician, RoleDispatcher, RoleSystem); err != nil {
		return err
	}
	t, err := ticketInScope(ctx, tx, actor, r.Ticket)
	if err != nil {
		return err
	}
	if !t.Status.Open() {
		return Errorf(ECONFLICT, "part_request.ticket_not_open", "Ticket {{.Number}} is {{.Status}}: parts are requested only for open tickets.", "Number", t.Number, "Status", string(t.Status))
	}
	if _, err := tx.Part(ctx, r.Part); err != nil {
		return err
	}
	loc, err := tx.Location(ctx, r.To)
	if err != nil {
		return err
	}
	if actor.Role == RoleTechnician && !ownsLocation(actor, loc) {
		return notYourLocation(r.To)
	}
	r.State = RequestRequested
	r.RequestedBy = actor.Name
	if r.At.IsZero() {
		r.At = FieldTime(c.MutationAt, now, t.CreatedAt)
	}
	return tx.SavePartRequest(ctx, r)
}

// CancelPartRequest withdraws a request that has not shipped.
type CancelPartRequest struct {
	Request string   `json:"request"`
	Ticket  TicketID `json:"ticket"` // the request's ticket, for the device's rebase and the conflict's place
	Reason  string   `json:"reason"`
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (*CancelPartRequest) MutationName() (string, int)  { return "part.cancel_request", 1 }
func (c *CancelPartRequest) setMutationAt(at time.Time) { c.MutationAt = at }
func (c *CancelPartRequest) TicketRef() TicketID        { return c.Ticket }

func (c *CancelPartRequest) Validate() error {
	if err := required("request", c.Request); err != nil {
		return err
	}
	if err := required("ticket", string(c.Ticket)); err != nil {
		return err
	}
	if strings.TrimSpace(c.Reason) == "" {
		return Errorf(EINVALID, "part_request.needs_reason", "Say why.")
	}
	return tooLong("reason", c.Reason, MaxReasonLen)
}

func (c *CancelPartRequest) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	r, err := requestOfTicket(ctx, tx, actor, c.Request, c.Ticket)
	if err != nil {
		return err
	}
	if r.State != RequestRequested && r.State != RequestApproved {
		return Errorf(ECONFLICT, "part_request.not_cancellable", "This request is {{.State}} and can no longer be cancelled; a part that arrived can be transferred back.", "State", string(r.State))
	}
	r.State = RequestCancelled
	r.Reason = c.Reason
	r.DecidedBy = actor.Name
	r.DecidedAt = FieldTime(c.MutationAt, now, r.At)
	return tx.SavePartRequest(ctx, r)
}

// requestOfTicket loads a request named with its ticket, applying the
// ticket-scope rule; a request of another ticket is "not found", as one
// that is not there.
func requestOfTicket(ctx context.Context, tx MutationTx, actor Actor, id string, ticket TicketID) (PartRequest, error) {
	if _, err := ticketInScope(ctx, tx, actor, ticket); err != nil {
		return PartRequest{}, err
	}
	r, err := tx.PartRequest(ctx, id)
	if err != nil {
		return PartRequest{}, err
	}
	if r.Ticket != ticket {
		return PartRequest{}, Errorf(ENOTFOUND, "part_request.not_found", "Part request {{.ID}} was not found.", "ID", id)
	}
	return r, nil
}

// Decision is the office's answer to a part request.
type RequestDecision string

const (
	DecisionApprove    RequestDecision = "approve"
	DecisionSubstitute RequestDecision = "substitute" // approve a compatible part instead
	DecisionReject     RequestDecision = "reject"
)

// DecidePartRequest is the office's answer to a request.
type DecidePartRequest struct {
	Request  string          `json:"request"`
	Ticket   TicketID        `json:"ticket"`
	Decision RequestDecision `json:"decision"`
	Part     PartNumber      `json:"part,omitempty"` // the substitute
	Reason   string          `json:"reason,omitempty"`
}

func (*DecidePartRequest) MutationName() (string, int) { return "part.decide_request", 1 }
func (c *DecidePartRequest) TicketRef() TicketID       { return c.Ticket }

func (c *DecidePartRequest) Validate() error {
	if err := required("request", c.Request); err != nil {
		return err
	}
	if err := required("ticket", string(c.Ticket)); err != nil {
		return err
	}
	switch c.Decision {
	case DecisionApprove:
		if c.Part != "" {
			return Errorf(EINVALID, "part_request.part_only_for_substitute", "Name a part only when approving a substitute.")
		}
	case DecisionSubstitute:
		if err := required("part", string(c.Part)); err != nil {
			return err
		}
		if strings.TrimSpace(c.Reason) == "" {
			return Errorf(EINVALID, "part_request.needs_reason", "Say why.")
		}
	case DecisionReject:
		if strings.TrimSpace(c.Reason) == "" {
			return Errorf(EINVALID, "part_request.needs_reason", "Say why.")
		}
	default:
		return Errorf(EINVALID, "part_request.bad_decision", "Unknown decision {{.Decision}}: use approve, substitute or reject.", "Decision", string(c.Decision))
	}
	return tooLong("reason", c.Reason, MaxReasonLen)
}

// Apply decides a request that has not shipped: a requested one, or an
// approved one the office changes its mind on. A substitute must fit the
// ticket's product model, as the catalog lists it.
func (c *DecidePartRequest) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	if err := needRole(actor, RoleDispatcher, RoleSystem); err != nil {
		return err
	}
	r, err := requestOfTicket(ctx, tx, actor, c.Request, c.Ticket)
	if err != nil {
		return err
	}
	if r.State != RequestRequested && r.State != RequestApproved {
		return Errorf(ECONFLICT, "part_request.already_decided", "This request is {{.State}}; it can be decided only before it ships.", "State", string(r.State))
	}
	switch c.Decision {
	case DecisionApprove:
		r.State, r.Substitute = RequestApproved, ""
	case DecisionSubstitute:
		p, err := tx.Part(ctx, c.Part)
		if err != nil {
			return err
		}
		t, err := tx.Ticket(ctx, r.Ticket)
		if err != nil {
			return err
		}
		if !p.Fits(t.Product.Model) {
			return Errorf(EINVALID, "part_request.substitute_does_not_fit", "Part {{.Part}} is not listed for model {{.Model}}; choose a compatible part.", "Part", string(p.Number), "Model", t.Product.Model)
		}
		r.State, r.Substitute = RequestApproved, p.Number
	case DecisionReject:
		r.State = RequestRejected
	}
	r.Reason = c.Reason
	r.DecidedBy = actor.Name
	r.DecidedAt = now
	return tx.SavePartRequest(ctx, r)
}
