package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"github.com/fieldbench/fieldbench/app"
)

var _ app.CountDraftService = (*DB)(nil)

// CountDraft returns actor's stock count at loc (migration
// 0021_count_drafts).
func (db *DB) CountDraft(ctx context.Context, actor app.Actor, loc app.LocationID) (map[app.PartNumber]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT part, counted FROM count_drafts WHERE technician = ? AND location_id = ?`,
		string(actor.Technician), string(loc))
	if err != nil {
		return nil, db.sqlError(fmt.Errorf("count draft: %w", err))
	}
	defer rows.Close()
	out := map[app.PartNumber]int{}
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			return nil, db.sqlError(fmt.Errorf("count draft: %w", err))
		}
		out[app.PartNumber(p)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, db.sqlError(fmt.Errorf("count draft: %w", err))
	}
	return out, nil
}

// PutCountDraft replaces actor's count at loc in one transaction: a
// crash keeps the count before or the count after, never half of each.
func (db *DB) PutCountDraft(ctx context.Context, actor app.Actor, loc app.LocationID, counts map[app.PartNumber]int) error {
	if err := app.CheckCountDraft(actor, counts); err != nil {
		return err
	}
	return db.actionTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM locations WHERE id = ?`, string(loc)).Scan(&n); err != nil {
			return db.sqlError(fmt.Errorf("put count draft: %w", err))
		}
		if n == 0 {
			return app.Errorf(app.ENOTFOUND, "stock.count_location_gone", "This stock location is no longer on this device, so its count cannot be kept. Sync, then count again.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM count_drafts WHERE technician = ? AND location_id = ?`, string(actor.Technician), string(loc)); err != nil {
			return db.sqlError(fmt.Errorf("put count draft: %w", err))
		}
		now := db.now().UnixNano()
		for _, p := range slices.Sorted(maps.Keys(counts)) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO count_drafts (technician, location_id, part, counted, updated_at) VALUES (?, ?, ?, ?, ?)`,
				string(actor.Technician), string(loc), string(p), counts[p], now); err != nil {
				return db.sqlError(fmt.Errorf("put count draft: %w", err))
			}
		}
		return nil
	})
}

// DeleteCountDraft deletes actor's count at loc.
func (db *DB) DeleteCountDraft(ctx context.Context, actor app.Actor, loc app.LocationID) error {
	return db.actionTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM count_drafts WHERE technician = ? AND location_id = ?`, string(actor.Technician), string(loc)); err != nil {
			return db.sqlError(fmt.Errorf("delete count draft: %w", err))
		}
		return nil
	})
}
