package central

import (
	"context"
	"strings"

	"github.com/fieldbench/fieldbench/app"
)

// TicketsByNumber returns the IDs of tenant's tickets whose number is
// number, folded alike (app.Fold: "fb-2026-002667" finds
// "FB-2026-002667"), in ID order: dispatchers read and say numbers (a
// phone call, a printed report) while pages are keyed by ID. Numbers are
// made on the devices, so two tickets may share one; none is no error.
func (db *DB) TicketsByNumber(ctx context.Context, tenant, number string) ([]app.TicketID, error) {
	number = strings.TrimSpace(number)
	if number == "" {
		return nil, nil
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id FROM ticket_index WHERE tenant = ? AND number_fold = ? ORDER BY id`), tenant, app.Fold(number))
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	var ids []app.TicketID
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, transient(err)
		}
		ids = append(ids, app.TicketID(id))
	}
	return ids, transient(rows.Err())
}
