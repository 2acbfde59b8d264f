package central

import (
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// historyStep is one row of a ticket's status history.
type historyStep struct {
	from, to app.Status
	at       time.Time
}

// loadedSteps is the status history of a ticket that arrives as data (a
// dataset or an import) instead of living through the service. A ticket
// whose work is over (completed, could not be completed, closed,
// cancelled) brings the steps its own times tell: created (assigned),
// started (on site first, for on-site work: the arrival is not recorded
// apart from the start), completed or failed, then its status at its last
// update; so the office's figures (Numbers) count past work when it
// happened. Any other ticket has the one step to its status at now, as a
// ticket created through the service has.
func loadedSteps(t app.Ticket, now time.Time) []historyStep {
	if t.Status.Open() || t.CreatedAt.IsZero() {
		return []historyStep{{"", t.Status, now}}
	}
	var out []historyStep
	cur := app.Status("")
	step := func(to app.Status, at time.Time) {
		if at.IsZero() || to == cur {
			return
		}
		if n := len(out); n > 0 && at.Before(out[n-1].at) {
			at = out[n-1].at // times out of order: the steps keep their order
		}
		out = append(out, historyStep{cur, to, at})
		cur = to
	}
	step(app.StatusAssigned, t.CreatedAt)
	if !t.StartedAt.IsZero() {
		if t.Kind == app.KindOnSite {
			step(app.StatusOnSite, t.StartedAt)
		}
		step(app.StatusInProgress, t.StartedAt)
	}
	if !t.CompletedAt.IsZero() {
		done := app.StatusCompleted
		if t.Status == app.StatusCannotComplete {
			done = app.StatusCannotComplete
		}
		step(done, t.CompletedAt)
	}
	last := t.UpdatedAt
	if last.IsZero() {
		last = now
	}
	step(t.Status, last)
	return out
}

// savedSteps are the history rows SaveTicket writes when it saves t over
// old (zero for a new ticket), at now: none when neither the status nor
// the epoch changed, else one step from the stored status, or for a
// ticket a load brings new (loading) the steps its own times tell. The
// bulk load (load.go) writes the same rows.
func savedSteps(old, t app.Ticket, loading bool, now time.Time) []historyStep {
	switch {
	case old.Status == t.Status && old.Epoch == t.Epoch:
		return nil
	case loading && old.Status == "":
		return loadedSteps(t, now)
	}
	return []historyStep{{old.Status, t.Status, now}}
}

// loadedFieldAt is the field time (history's field_at) of h, a step a
// load or a new ticket brings (loadedSteps, savedSteps), of ticket t at
// now: a ticket's creation (its first step, to assigned) when the ticket
// says it was created (CreatedAt: dispatch or an import may date it in
// the past, a device dates a ticket it opened offline), taken as
// app.FieldTime takes a time (now when zero, or in the future); any
// other step of a load at the time it is written at, the time the
// load's data tell or the load's. A later step's field time never
// precedes it (stepFieldAt), as the ticket's start never precedes its
// CreatedAt.
func loadedFieldAt(h historyStep, t app.Ticket, now time.Time) time.Time {
	if h.from == "" && h.to == app.StatusAssigned {
		return app.FieldTime(t.CreatedAt, now, time.Time{})
	}
	return h.at
}
