package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/fieldbench/fieldbench/app"
)

var _ app.DraftService = (*DB)(nil)

// Drafts returns actor's drafts on ticket (migration 0020_drafts), by
// field.
func (db *DB) Drafts(ctx context.Context, actor app.Actor, ticket app.TicketID) ([]app.Draft, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT field, text, base FROM drafts WHERE ticket_id = ? AND technician = ? ORDER BY field`,
		string(ticket), string(actor.Technician))
	if err != nil {
		return nil, db.sqlError(fmt.Errorf("drafts: %w", err))
	}
	defer rows.Close()
	var out []app.Draft
	for rows.Next() {
		var d app.Draft
		var field string
		if err := rows.Scan(&field, &d.Text, &d.Base); err != nil {
			return nil, db.sqlError(fmt.Errorf("drafts: %w", err))
		}
		d.Field = app.DraftField(field)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, db.sqlError(fmt.Errorf("drafts: %w", err))
	}
	return out, nil
}

// PutDraft keeps d. The row is written only if the ticket is on the
// device, in the same statement, so a draft written after a sync took
// its ticket away is refused rather than left behind.
func (db *DB) PutDraft(ctx context.Context, actor app.Actor, ticket app.TicketID, d app.Draft) error {
	if err := app.CheckDraft(actor, d); err != nil {
		return err
	}
	return db.actionTx(ctx, func(tx txRunner) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO drafts (ticket_id, technician, field, text, base, updated_at)
			SELECT id, ?, ?, ?, ?, ? FROM tickets WHERE id = ?
			ON CONFLICT (ticket_id, technician, field) DO UPDATE SET text = excluded.text, base = excluded.base, updated_at = excluded.updated_at`,
			string(actor.Technician), string(d.Field), d.Text, d.Base, db.now().UnixNano(), string(ticket))
		if err != nil {
			return db.sqlError(fmt.Errorf("put draft: %w", err))
		}
		n, err := res.RowsAffected()
		if err != nil {
			return db.sqlError(fmt.Errorf("put draft: %w", err))
		}
		if n == 0 {
			return app.Errorf(app.ENOTFOUND, "draft.ticket_gone", "This ticket is no longer on this device, so what was typed on it cannot be kept. Choose another ticket from the list.")
		}
		return nil
	})
}

// DeleteDraft deletes actor's draft of field on ticket.
func (db *DB) DeleteDraft(ctx context.Context, actor app.Actor, ticket app.TicketID, field app.DraftField) error {
	return db.actionTx(ctx, func(tx txRunner) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE ticket_id = ? AND technician = ? AND field = ?`,
			string(ticket), string(actor.Technician), string(field))
		if err != nil {
			return db.sqlError(fmt.Errorf("delete draft: %w", err))
		}
		return nil
	})
}

// DraftedTickets reads the drafts of a page of tickets in one statement:
// the ticket IDs go in as one JSON array, a placeholder, and each is
// found by the drafts' primary key (ticket first).
func (db *DB) DraftedTickets(ctx context.Context, actor app.Actor, tickets []app.TicketID) (map[app.TicketID][]app.DraftField, error) {
	if err := app.CheckDraftedTickets(tickets); err != nil {
		return nil, err
	}
	out := map[app.TicketID][]app.DraftField{}
	if len(tickets) == 0 || actor.Technician == "" {
		return out, nil
	}
	ids, err := json.Marshal(tickets)
	if err != nil {
		return nil, fmt.Errorf("drafted tickets: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT ticket_id, field FROM drafts
		WHERE technician = ? AND ticket_id IN (SELECT value FROM json_each(?))
		ORDER BY ticket_id, field`, string(actor.Technician), string(ids))
	if err != nil {
		return nil, db.sqlError(fmt.Errorf("drafted tickets: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		var id, field string
		if err := rows.Scan(&id, &field); err != nil {
			return nil, db.sqlError(fmt.Errorf("drafted tickets: %w", err))
		}
		out[app.TicketID(id)] = append(out[app.TicketID(id)], app.DraftField(field))
	}
	if err := rows.Err(); err != nil {
		return nil, db.sqlError(fmt.Errorf("drafted tickets: %w", err))
	}
	return out, nil
}
