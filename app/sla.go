package app

import "time"

// SLAState is how close an SLA target is, for the colours the terminal
// and the office console give it.
type SLAState int

const (
	SLAOnTime  SLAState = iota // more than SLAWarning left
	SLADueSoon                 // due within SLAWarning: amber
	SLAOverdue                 // past its target: red
)

// SLAWarning is how long before its target an SLA is shown as due soon.
const SLAWarning = 4 * time.Hour

// SLAUrgency says how close target is at now.
func SLAUrgency(target, now time.Time) SLAState {
	switch d := target.Sub(now); {
	case d < 0:
		return SLAOverdue
	case d < SLAWarning:
		return SLADueSoon
	}
	return SLAOnTime
}

// AwaitingResponse reports whether a ticket of status st still owes its
// first response (Ticket.RespondBy: arrival on site, else the start of
// work). Once the technician is there or at work, a countdown to
// respond-by ("Overdue by 28 h" in red on a ticket being repaired) would
// only alarm.
func AwaitingResponse(st Status) bool {
	return st == StatusAssigned || st == StatusEnRoute
}

// SLADue is the target a ticket's countdown runs to: resolve-by, or
// without one respond-by while the first response is owed
// (AwaitingResponse); zero when there is none to count down to.
func SLADue(st Status, respondBy, resolveBy time.Time) time.Time {
	switch {
	case !resolveBy.IsZero():
		return resolveBy
	case AwaitingResponse(st):
		return respondBy
	}
	return time.Time{}
}

// WindowMissed reports whether a visit's appointment window is over and
// the technician is not there yet (AwaitingResponse): the customer
// waited in vain, and someone has to call them to book again. The
// window's end counts, or its start when it has none; a ticket without a
// window, or whose technician has arrived or begun, has nothing to miss.
// Nor has a later visit on its way (en route, the work begun before:
// started is Ticket.StartedAt): the drive back after a wait for a part
// was agreed with the customer, and the first visit's window, long
// over, read "missed 12 days ago: call the customer" (h-travel's walk).
func WindowMissed(st Status, started, start, end, now time.Time) bool {
	if end.IsZero() {
		end = start
	}
	if st == StatusEnRoute && !started.IsZero() {
		return false
	}
	return !end.IsZero() && AwaitingResponse(st) && now.After(end)
}
