package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/fieldbench/fieldbench/app"
)

// refoldSearch folds both search indexes again, the parts' and the
// tickets', and records this app's app.FoldVersion (search_fold): what
// Open does when another fold made them (checkSearchFold).
func refoldSearch(ctx context.Context, tx *sql.Tx, report *upgradeReport) error {
	if err := refoldPartSearch(ctx, tx, report); err != nil {
		return err
	}
	return refoldTicketSearch(ctx, tx, report) // records the version
}

// refoldPartSearch is the step of migrations 0018 and 0019 (migrate
// runs 0019's alone when it upgrades past both), and half of
// refoldSearch: every entry of parts_fts deleted and
// written again from its part's row, folded (partSearchValues), and
// part_models keyed again by app.ModelKey, which folds as the entries do
// (modelRekeyer); a batch of parts at a time (rebuildSearchWith).
func refoldPartSearch(ctx context.Context, tx *sql.Tx, report *upgradeReport) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO parts_fts (parts_fts) VALUES ('delete-all')`); err != nil {
		return err
	}
	rk, err := newModelRekeyer(ctx, tx)
	if err != nil {
		return err
	}
	defer rk.close()
	batch := func(after int64) ([]partSearchRow, error) {
		rows, err := partSearchBatch(ctx, tx, after)
		if err != nil {
			return nil, err
		}
		return rows, rk.rekey(ctx, rows)
	}
	return rebuildSearchWith(ctx, tx, "parts_fts", partFTSInsert, app.RowsParts, report, batch,
		func(r partSearchRow) (int64, []any) { return r.id, partSearchValues(r.id, r.part) },
		func(r partSearchRow) string { return "part " + string(r.part.Number) })
}

// modelRekeyer makes the part_models rows of a batch of parts their
// models' app.ModelKey, writing only the rows that change: a catalog's
// models are mostly ASCII, whose keys no fold changes, and deleting and
// inserting every row cost a third more than the whole part search's
// refold (BenchmarkRefoldPartSearch, 100,000 parts).
type modelRekeyer struct {
	read, del, ins *sql.Stmt
}

func newModelRekeyer(ctx context.Context, tx *sql.Tx) (*modelRekeyer, error) {
	rk := &modelRekeyer{}
	var err error
	if rk.read, err = tx.PrepareContext(ctx, `SELECT part, model FROM part_models WHERE part BETWEEN ? AND ?`); err != nil {
		return nil, err
	}
	if rk.del, err = tx.PrepareContext(ctx, `DELETE FROM part_models WHERE model = ? AND part = ?`); err != nil {
		rk.close()
		return nil, err
	}
	// Two models of a part may make one key (load writes them alike).
	if rk.ins, err = tx.PrepareContext(ctx, `INSERT INTO part_models (model, part) VALUES (?, ?) ON CONFLICT DO NOTHING`); err != nil {
		rk.close()
		return nil, err
	}
	return rk, nil
}

func (rk *modelRekeyer) close() {
	for _, st := range []*sql.Stmt{rk.read, rk.del, rk.ins} {
		if st != nil {
			st.Close()
		}
	}
}

// rekey writes the part_models rows of rows, parts in id order.
func (rk *modelRekeyer) rekey(ctx context.Context, rows []partSearchRow) error {
	if len(rows) == 0 {
		return nil
	}
	type row struct {
		part  int64
		model string
	}
	have := map[row]bool{}
	rs, err := rk.read.QueryContext(ctx, rows[0].id, rows[len(rows)-1].id)
	if err != nil {
		return err
	}
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.part, &r.model); err != nil {
			rs.Close()
			return err
		}
		have[r] = true
	}
	if err := rs.Close(); err != nil {
		return err
	}
	for _, p := range rows {
		want := map[string]bool{}
		for _, m := range p.part.Models {
			want[app.ModelKey(m)] = true
		}
		for k := range want {
			if have[row{p.id, k}] {
				delete(have, row{p.id, k})
				continue
			}
			if _, err := rk.ins.ExecContext(ctx, k, p.id); err != nil {
				return fmt.Errorf("part %s model %q: %w", p.part.Number, k, err)
			}
		}
	}
	// What is left is keyed otherwise: the rows of an earlier rule.
	for r := range have {
		if _, err := rk.del.ExecContext(ctx, r.model, r.part); err != nil {
			return err
		}
	}
	return nil
}

// partSearchRow is a part row's id and what its search entry holds.
type partSearchRow struct {
	id   int64
	part app.Part
}

// partSearchBatch reads the search text of up to rebuildBatch part rows
// after id after.
func partSearchBatch(ctx context.Context, tx *sql.Tx, after int64) ([]partSearchRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, number, name_en, name_zh, names, models FROM parts WHERE id > ? ORDER BY id LIMIT ?`, after, rebuildBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]partSearchRow, 0, rebuildBatch)
	for rows.Next() {
		var r partSearchRow
		var number, names, models string
		if err := rows.Scan(&r.id, &number, &r.part.NameEN, &r.part.NameZH, &names, &models); err != nil {
			return nil, err
		}
		r.part.Number, r.part.Models = app.PartNumber(number), decodeModels(models)
		if names != "" {
			if err := json.Unmarshal([]byte(names), &r.part.Names); err != nil {
				return nil, fmt.Errorf("part %s: names: %w", number, err)
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
