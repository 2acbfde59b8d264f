package app

import "errors"

// The ticket-scope rule: who may see and change a ticket. The device
// applies it when the technician acts and when it replays its queue; the
// central service when a device pushes. Both call these functions, so the
// two sides cannot drift.

// MayWorkOn reports whether actor may record work on t. Dispatch and the
// system may on any ticket. A technician may on a ticket assigned to them,
// and, as counter staff, on one assigned to their store and to no
// technician (a carry-in waiting at the counter). Their store's tickets
// assigned to a colleague are in their store's scope, so their device
// sees them, but read-only.
func MayWorkOn(actor Actor, t Ticket) bool {
	if actor.Role != RoleTechnician {
		return true
	}
	return t.Technician == actor.Technician || t.Technician == "" && t.Store != "" && t.Store == actor.Store
}

// TicketPast is what the side applying a technician's work knows of a
// ticket the technician may not work on (MayWorkOn is false).
type TicketPast int

const (
	// PastHeld: the side holds the ticket in the technician's own view (the
	// device's copy: their store's ticket of a colleague, or one still
	// showing an assignment the device has not pulled yet).
	PastHeld TicketPast = iota
	// PastInScope: the ticket was in the technician's scopes and left them
	// (reassigned away, or cancelled off their store).
	PastInScope
	// PastNever: the ticket was never in the technician's scopes.
	PastNever
)

// OwnScope is a command with a ticket-scope rule of its own: when
// MayActOn is true the side applying it skips CheckTicketScope, and the
// command's Apply checks who may.
type OwnScope interface {
	MayActOn(actor Actor, t Ticket) bool
}

// CheckTicketScope is the refusal of actor's work on t, nil when MayWorkOn.
// past is asked only then (the central service reads its change log):
//   - PastHeld: ticket.not_yours, naming the ticket the technician sees;
//   - PastInScope: StaleWork, which the central service keeps in a
//     stale_epoch conflict for dispatch to decide;
//   - PastNever: NotFound, the answer a missing ticket gets, so that a
//     device learns nothing of tickets that are not its business.
func CheckTicketScope(actor Actor, t Ticket, past func() (TicketPast, error)) error {
	if MayWorkOn(actor, t) {
		return nil
	}
	p, err := past()
	if err != nil {
		return err
	}
	switch p {
	case PastHeld:
		return Errorf(EFORBIDDEN, "ticket.not_yours", "Ticket {{.Number}} is assigned to someone else.", "Number", t.Number)
	case PastInScope:
		return StaleWork(t)
	default:
		return NotFound("ticket", string(t.ID))
	}
}

// CheckEpoch refuses a technician's transition made on an assignment epoch
// that reassignment or cancellation has since bumped. Dispatch's
// transitions carry no epoch and are not checked.
func CheckEpoch(actor Actor, t Ticket, epoch int) error {
	if actor.Role == RoleTechnician && epoch != t.Epoch {
		return StaleWork(t)
	}
	return nil
}

// ErrStaleEpoch is the code detail of work done on an assignment that has
// since changed: a transition on a stale epoch, or work on a ticket that
// was the technician's and went to someone else.
var ErrStaleEpoch = errors.New("stale assignment epoch")

// StaleWork is the refusal of work on ticket t done on an assignment that
// has since changed; the central service files it as a stale_epoch
// conflict for dispatch to review.
func StaleWork(t Ticket) *Error {
	return Errorf(ECONFLICT, "ticket.stale_epoch", "Ticket {{.Number}} was reassigned or cancelled while you worked on it; dispatch will review your work.", "Number", t.Number).WithCause(ErrStaleEpoch)
}

// NotFound is the central service's answer about a thing (kind "ticket",
// "conflict", ...) it does not have, and about one outside the caller's
// scopes: the two must not differ, so that a guessed ID is never confirmed.
func NotFound(kind, id string) *Error {
	return Errorf(ENOTFOUND, "central.not_found", "No {{.Kind}} {{.ID}} on the server.", "Kind", kind, "ID", id)
}

// MayReassign reports whether dispatch may still reassign or reschedule
// t (ticket.assign, ticket.schedule): only while work can happen on it,
// so not once it is completed or could not be completed (reopen it
// first), and never once it is cancelled or closed.
func MayReassign(t Ticket) bool { return t.Status.Open() }

// MayCancel reports whether actor may cancel t. Cancellation is
// dispatcher-owned; the one exception is counter staff, who cancel a
// carry-in of their own store (one they checked in, or one assigned to
// the store) when the customer takes the device back. A field technician
// who cannot do the work records "cannot complete" with a reason instead.
func MayCancel(actor Actor, t Ticket) bool {
	if actor.Role != RoleTechnician {
		return true
	}
	if !actor.CounterStaff() || t.Kind != KindCarryIn {
		return false
	}
	return t.Store == actor.Store || t.Store == "" && t.Technician == actor.Technician
}
