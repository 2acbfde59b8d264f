package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/fieldbench/fieldbench/app"
)

// refoldSearch folds both search indexes again, the parts' and the
// tickets', and records this app's app.FoldVersion (search_fold): what
// Open does when another fold made them (checkSearchFold).
func refoldSearch(ctx context.Context, tx *sql.Tx) error {
	if err := refoldPartSearch(ctx, tx); err != nil {
		return err
	}
	return refoldTicketSearch(ctx, tx) // records the version
}

// refoldPartSearch is the step of migrations 0018 and 0019 (migrate
// runs 0019's alone when it upgrades past both), and half of
// refoldSearch: every entry of parts_fts deleted and
// written again from its part's row, folded (partSearchValues), and every
// row of part_models made again by app.ModelKey, which folds as the
// entries do; a batch of parts at a time (rebuildSearchWith).
func refoldPartSearch(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO parts_fts (parts_fts) VALUES ('delete-all')`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM part_models`); err != nil {
		return err
	}
	// Two models of a part may make one key (load writes them alike).
	insModel, err := tx.PrepareContext(ctx, `INSERT INTO part_models (model, part) VALUES (?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return err
	}
	defer insModel.Close()
	batch := func(after int64) ([]partSearchRow, error) {
		rows, err := partSearchBatch(ctx, tx, after)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			for _, m := range r.part.Models {
				if _, err := insModel.ExecContext(ctx, app.ModelKey(m), r.id); err != nil {
					return nil, fmt.Errorf("part %s model %q: %w", r.part.Number, m, err)
				}
			}
		}
		return rows, nil
	}
	return rebuildSearchWith(ctx, tx, "parts_fts", partFTSInsert, batch,
		func(r partSearchRow) (int64, []any) { return r.id, partSearchValues(r.id, r.part) },
		func(r partSearchRow) string { return "part " + string(r.part.Number) })
}

// partSearchRow is a part row's id and what its search entry holds.
type partSearchRow struct {
	id   int64
	part app.Part
}

// partSearchBatch reads the search text of up to rebuildBatch part rows
// after id after.
func partSearchBatch(ctx context.Context, tx *sql.Tx, after int64) ([]partSearchRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, number, name_en, name_zh, models FROM parts WHERE id > ? ORDER BY id LIMIT ?`, after, rebuildBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]partSearchRow, 0, rebuildBatch)
	for rows.Next() {
		var r partSearchRow
		var number, models string
		if err := rows.Scan(&r.id, &number, &r.part.NameEN, &r.part.NameZH, &models); err != nil {
			return nil, err
		}
		r.part.Number, r.part.Models = app.PartNumber(number), decodeModels(models)
		out = append(out, r)
	}
	return out, rows.Err()
}
