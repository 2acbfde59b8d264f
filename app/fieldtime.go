package app

import "time"

// MaxClockSkew is how far a mutation's time (Mutation.At, the device's
// clock) may run ahead of the applying side's clock and still be taken as
// when the work was done; past it the central service also raises a clock
// conflict (docs/PROTOCOL.md, "Clocks").
const MaxClockSkew = 10 * time.Minute

// FieldTime is when the technician did what a command records as done in
// the field (a ticket's start and completion): at, the time its mutation
// carries, so the device and the central service record the same instant
// however late the device syncs. A customer's or a brand's warranty and
// SLA dispute reads these times on the service report, and a day offline
// must not move them to the hour of the sync.
//
// A device's clock can be wrong, so at is taken only within bounds: not
// after now (the applying side's clock) plus MaxClockSkew, a time still to
// come; and not before notBefore, what the work cannot precede (the
// ticket's creation; for a completion, its start too). Out of bounds, or
// zero (a command applied without a mutation), it is now; and never before
// notBefore, so a ticket's times keep their order (created <= started <=
// completed) whatever the clocks said.
func FieldTime(at, now, notBefore time.Time) time.Time {
	t := at
	if t.IsZero() || t.After(now.Add(MaxClockSkew)) || t.Before(notBefore) {
		t = now
	}
	if t.Before(notBefore) {
		t = notBefore
	}
	return t.UTC()
}

// fieldTimed is a command that records a time in the field: it gets its
// mutation's time (Mutation.At) when decoded (DecodeMutation,
// QueuedCommand) and hands it to FieldTime.
type fieldTimed interface {
	setMutationAt(at time.Time)
}

// stampMutationAt gives cmd, decoded from m, its mutation's time if it
// records a time in the field.
func stampMutationAt(cmd Command, m Mutation) {
	if f, ok := cmd.(fieldTimed); ok {
		f.setMutationAt(m.At)
	}
}

// latest is the later of two times.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
