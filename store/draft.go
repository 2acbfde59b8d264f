package store

import (
	"context"
	"database/sql"
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
	return db.actionTx(ctx, func(tx *sql.Tx) error {
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
	return db.actionTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE ticket_id = ? AND technician = ? AND field = ?`,
			string(ticket), string(actor.Technician), string(field))
		if err != nil {
			return db.sqlError(fmt.Errorf("delete draft: %w", err))
		}
		return nil
	})
}
