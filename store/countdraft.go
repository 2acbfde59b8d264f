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

// CountDraft returns actor's stock count at loc: its counts (migration
// 0021_count_drafts) and the units ticked missing (0024_count_draft_missing),
// read in one transaction so that a put between the two reads does not
// pair one draft's counts with another's units.
func (db *DB) CountDraft(ctx context.Context, actor app.Actor, loc app.LocationID) (app.CountDraft, error) {
	out := app.CountDraft{Counts: map[app.PartNumber]int{}, Missing: map[app.PartNumber][]string{}}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return out, db.sqlError(fmt.Errorf("count draft: %w", err))
	}
	defer tx.Rollback()
	if err := scanRows(ctx, tx, func(rows *sql.Rows) error {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			return err
		}
		out.Counts[app.PartNumber(p)] = n
		return nil
	}, `SELECT part, counted FROM count_drafts WHERE technician = ? AND location_id = ?`, string(actor.Technician), string(loc)); err != nil {
		return out, db.sqlError(fmt.Errorf("count draft: %w", err))
	}
	if err := scanRows(ctx, tx, func(rows *sql.Rows) error {
		var p, serial string
		if err := rows.Scan(&p, &serial); err != nil {
			return err
		}
		out.Missing[app.PartNumber(p)] = append(out.Missing[app.PartNumber(p)], serial)
		return nil
	}, `SELECT part, serial FROM count_draft_missing WHERE technician = ? AND location_id = ? ORDER BY part, pos`, string(actor.Technician), string(loc)); err != nil {
		return out, db.sqlError(fmt.Errorf("count draft: %w", err))
	}
	return out, nil
}

// scanRows runs query in tx and hands each row to scan.
func scanRows(ctx context.Context, tx *sql.Tx, scan func(*sql.Rows) error, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PutCountDraft replaces actor's count at loc, its counts and the units
// ticked missing, in one transaction: a crash keeps the count before or
// the count after, never half of each.
func (db *DB) PutCountDraft(ctx context.Context, actor app.Actor, loc app.LocationID, d app.CountDraft) error {
	if err := app.CheckCountDraft(actor, d); err != nil {
		return err
	}
	return db.actionTx(ctx, func(tx txRunner) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM locations WHERE id = ?`, string(loc)).Scan(&n); err != nil {
			return db.sqlError(fmt.Errorf("put count draft: %w", err))
		}
		if n == 0 {
			return app.Errorf(app.ENOTFOUND, "stock.count_location_gone", "This stock location is no longer on this device, so its count cannot be kept. Sync, then count again.")
		}
		if err := deleteCountDraft(ctx, tx, actor, loc); err != nil {
			return db.sqlError(fmt.Errorf("put count draft: %w", err))
		}
		now := db.now().UnixNano()
		for _, p := range slices.Sorted(maps.Keys(d.Counts)) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO count_drafts (technician, location_id, part, counted, updated_at) VALUES (?, ?, ?, ?, ?)`,
				string(actor.Technician), string(loc), string(p), d.Counts[p], now); err != nil {
				return db.sqlError(fmt.Errorf("put count draft: %w", err))
			}
		}
		for _, p := range slices.Sorted(maps.Keys(d.Missing)) {
			for i, serial := range d.Missing[p] {
				if _, err := tx.ExecContext(ctx, `INSERT INTO count_draft_missing (technician, location_id, part, pos, serial) VALUES (?, ?, ?, ?, ?)`,
					string(actor.Technician), string(loc), string(p), i, serial); err != nil {
					return db.sqlError(fmt.Errorf("put count draft: %w", err))
				}
			}
		}
		return nil
	})
}

// DeleteCountDraft deletes actor's count at loc.
func (db *DB) DeleteCountDraft(ctx context.Context, actor app.Actor, loc app.LocationID) error {
	return db.actionTx(ctx, func(tx txRunner) error {
		if err := deleteCountDraft(ctx, tx, actor, loc); err != nil {
			return db.sqlError(fmt.Errorf("delete count draft: %w", err))
		}
		return nil
	})
}

// deleteCountDraft deletes actor's counts at loc and the units ticked
// missing with them.
func deleteCountDraft(ctx context.Context, tx execer, actor app.Actor, loc app.LocationID) error {
	for _, q := range []string{
		`DELETE FROM count_drafts WHERE technician = ? AND location_id = ?`,
		`DELETE FROM count_draft_missing WHERE technician = ? AND location_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, string(actor.Technician), string(loc)); err != nil {
			return err
		}
	}
	return nil
}
