package central

import (
	"context"

	"github.com/fieldbench/fieldbench/app"
)

// describeStale says, on a stale_epoch conflict, which of cancellation or
// reassignment made the work stale (Theirs) and who did it (TheirsBy),
// from the ticket as it stands: the technician sees why their change was
// not applied without asking dispatch. A ticket reassigned and given back
// again is "reassigned" too: the assignment the work was done on ended.
func (s *serverTx) describeStale(ctx context.Context, c *app.Conflict) error {
	if c.Kind != app.ConflictStaleEpoch || c.Ticket == "" {
		return nil
	}
	t, err := s.Ticket(ctx, c.Ticket)
	if err != nil {
		return err
	}
	c.Theirs, c.TheirsBy = app.StaleReassigned, t.EpochBy
	if t.Status == app.StatusCancelled {
		c.Theirs = app.StaleCancelled
	}
	return nil
}
