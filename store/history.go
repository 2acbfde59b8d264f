package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// maxHistory bounds the steps TicketHistory reads: a ticket takes a dozen;
// a thousand is a ticket reopened without end, and its oldest steps are
// enough to read.
const maxHistory = 1000

// TicketHistory returns the workflow steps this device took on a ticket,
// oldest first, with the device's time of each (app.TicketHistory). It
// reads the outbox, which keeps acknowledged mutations for audit until
// sign-out: steps taken elsewhere (dispatch's cancel, another device) are
// not in it.
func (db *DB) TicketHistory(ctx context.Context, id app.TicketID) ([]app.StatusChange, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name, at FROM outbox WHERE ticket_id = ? AND name LIKE 'ticket.%'
		ORDER BY seq LIMIT ?`, string(id), maxHistory)
	if err != nil {
		return nil, db.sqlError(err)
	}
	defer rows.Close()
	var out []app.StatusChange
	for rows.Next() {
		var name string
		var at int64
		if err := rows.Scan(&name, &at); err != nil {
			return nil, db.sqlError(err)
		}
		a := app.Action(strings.TrimPrefix(name, "ticket."))
		if slices.Contains(app.Actions, a) {
			out = append(out, app.StatusChange{Action: a, At: time.Unix(0, at).UTC()})
		}
	}
	return out, db.sqlError(rows.Err())
}

var _ app.TicketHistory = (*DB)(nil)
