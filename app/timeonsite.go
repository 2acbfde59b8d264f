package app

import "time"

// SiteClock adds up a ticket's time on site and travel from its moves
// between statuses, oldest first: the one rule the service report and the
// office's figures (sync/central) both apply, so a report and the figures
// behind a brand's labour claim cannot tell two stories.
//
// Time on site is the time the status machine says someone was at work on
// the ticket: on_site (arrived, not yet started: looking at the fault
// counts) and in_progress. A span of work begins at a move into one of the
// two and ends at the next move out of both: waiting_parts (the days a
// part is on its way: no one is at the customer's or at the bench, and a
// brand paying labour or a customer paying by the hour does not pay them),
// completed, cannot_complete, cancelled, assigned. A second visit after
// the wait departs again (waiting_parts -> en_route): its drive counts as
// travel like the first, its work from its arrival; a resume (a part that
// came while the technician was still there) starts the next span itself.
// Travel is the time en_route, from each depart to the next move
// (arrive), summed over the trips.
//
// A carry-in or mail-in ticket has no travel and no on_site: its time "on
// site" is its time at the bench, start (or resume) to the next wait,
// completion or failure, by the same rule.
//
// A span still open (the ticket at work now) is not counted: it has no
// end yet. A move that keeps the status changes nothing.
type SiteClock struct {
	Travel time.Duration // ended spans en route
	Work   time.Duration // ended spans at work (on_site, in_progress)
	Spans  int           // spans of work ended

	travelFrom, workFrom time.Time
}

// AtWork reports whether someone is at work on a ticket in status s: at
// the customer's (on_site) or on the repair itself (in_progress).
func (s Status) AtWork() bool { return s == StatusOnSite || s == StatusInProgress }

// Move takes the ticket's move to status to at time at; moves come oldest
// first.
func (c *SiteClock) Move(to Status, at time.Time) {
	if !c.workFrom.IsZero() && !to.AtWork() {
		c.Work += at.Sub(c.workFrom)
		c.Spans++
		c.workFrom = time.Time{}
	} else if c.workFrom.IsZero() && to.AtWork() {
		c.workFrom = at
	}
	if !c.travelFrom.IsZero() && to != StatusEnRoute {
		c.Travel += at.Sub(c.travelFrom)
		c.travelFrom = time.Time{}
	} else if c.travelFrom.IsZero() && to == StatusEnRoute {
		c.travelFrom = at
	}
}
