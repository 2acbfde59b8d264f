package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/fieldbench/fieldbench/app"
)

// bulkRows is how many rows one multi-row INSERT of a dataset load
// writes: 500 rows of at most 6 columns stay far below SQLite's 32,766
// and PostgreSQL's 65,535 bound parameters, and make a statement's
// compilation and round trip a small share of its cost.
const bulkRows = 500

// bulkInsert runs "head VALUES (...), (...) tail" over rows, bulkRows at a
// time; every row has the same number of columns. Rows must not repeat a
// key. They are written in the order of their first key columns (strings):
// each multi-row statement then touches a few neighbouring index pages,
// not one page per row, and SQLite copies every page a statement touches
// into its statement journal.
func (db *DB) bulkInsert(ctx context.Context, tx *sql.Tx, head string, key int, tail string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	slices.SortFunc(rows, func(a, b []any) int {
		for i := range key {
			if c := strings.Compare(a[i].(string), b[i].(string)); c != 0 {
				return c
			}
		}
		return 0
	})
	tuple := "(?" + strings.Repeat(", ?", len(rows[0])-1) + ")"
	for start := 0; start < len(rows); start += bulkRows {
		chunk := rows[start:min(start+bulkRows, len(rows))]
		args := make([]any, 0, len(chunk)*len(rows[0]))
		for _, r := range chunk {
			args = append(args, r...)
		}
		q := head + " VALUES " + tuple + strings.Repeat(", "+tuple, len(chunk)-1) + " " + tail
		if _, err := tx.ExecContext(ctx, db.q(q), args...); err != nil {
			return transient(err)
		}
	}
	return nil
}

// reference is one row of server-owned reference data to load.
type reference struct {
	kind, id, scope string
	v               any
}

// loadReference writes reference data as putReference does, in multi-row
// statements: each entity replaces the row with its key, and a key given
// twice keeps its last value (PostgreSQL refuses one statement updating a
// row twice).
func (db *DB) loadReference(ctx context.Context, tx *sql.Tx, tenant string, version int64, refs []reference) error {
	last := make(map[entityKey]int, len(refs))
	for i, r := range refs {
		last[entityKey{r.kind, r.id}] = i
	}
	var entities, changes [][]any
	for i, r := range refs {
		if last[entityKey{r.kind, r.id}] != i {
			continue
		}
		data, err := json.Marshal(r.v)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", r.kind, r.id, err)
		}
		entities = append(entities, []any{tenant, r.kind, r.id, "", string(data)})
		changes = append(changes, []any{r.scope, r.kind, r.id, version, kindOrder(r.kind), 0})
	}
	if err := db.bulkInsert(ctx, tx, `INSERT INTO entities (tenant, kind, id, ticket_id, data)`,
		3, `ON CONFLICT (tenant, kind, id) DO UPDATE SET ticket_id = excluded.ticket_id, data = excluded.data`, entities); err != nil {
		return err
	}
	return db.bulkInsert(ctx, tx, `INSERT INTO changes (scope, kind, id, version, ord, gone)`,
		3, `ON CONFLICT (scope, kind, id) DO UPDATE SET version = excluded.version, gone = excluded.gone`, changes)
}

// loadMovements records movements as AddMovement does (the movement, a
// signed delta per location it touches, a change in each location's stock
// scope), in multi-row statements: one by one, the demo world's ledger
// was most of its load time. A movement whose ID the server or an earlier
// movement of the list has is skipped, as AddMovement's ECONFLICT is.
func (db *DB) loadMovements(ctx context.Context, tx *sql.Tx, tenant string, version int64, ms []app.StockMovement) error {
	known, err := db.knownIDs(ctx, tx, tenant, kindMovement, ms)
	if err != nil {
		return err
	}
	var entities, ledger, changes [][]any
	for _, m := range ms {
		if err := m.Validate(); err != nil {
			return err
		}
		if known[m.ID] {
			continue
		}
		known[m.ID] = true
		data, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", kindMovement, m.ID, err)
		}
		entities = append(entities, []any{tenant, kindMovement, m.ID, string(m.Ticket), string(data)})
		for _, loc := range []app.LocationID{m.From, m.To} {
			if loc == "" {
				continue
			}
			ledger = append(ledger, []any{tenant, m.ID, string(loc), string(m.Part), m.Delta(loc)})
			changes = append(changes, []any{stockScope(tenant, loc), kindMovement, m.ID, version, kindOrder(kindMovement), 0})
		}
	}
	if err := db.bulkInsert(ctx, tx, `INSERT INTO entities (tenant, kind, id, ticket_id, data)`, 3, ``, entities); err != nil {
		return err
	}
	if err := db.bulkInsert(ctx, tx, `INSERT INTO ledger (tenant, movement, location, part, delta)`, 3, ``, ledger); err != nil {
		return err
	}
	return db.bulkInsert(ctx, tx, `INSERT INTO changes (scope, kind, id, version, ord, gone)`,
		3, `ON CONFLICT (scope, kind, id) DO UPDATE SET version = excluded.version, gone = excluded.gone`, changes)
}

// knownIDs returns which of the movements' IDs the tenant already has,
// one query per bulkRows IDs.
func (db *DB) knownIDs(ctx context.Context, tx *sql.Tx, tenant, kind string, ms []app.StockMovement) (map[string]bool, error) {
	known := make(map[string]bool, len(ms))
	for start := 0; start < len(ms); start += bulkRows {
		chunk := ms[start:min(start+bulkRows, len(ms))]
		args := make([]any, 0, len(chunk)+2)
		args = append(args, tenant, kind)
		for _, m := range chunk {
			args = append(args, m.ID)
		}
		rows, err := tx.QueryContext(ctx, db.q(`SELECT id FROM entities WHERE tenant = ? AND kind = ? AND id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`), args...)
		if err != nil {
			return nil, transient(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, transient(err)
			}
			known[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, transient(err)
		}
	}
	return known, nil
}
