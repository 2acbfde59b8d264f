package central

import (
	"time"

	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/fieldbench/fieldbench/app"
)

// bulkRows is how many rows one multi-row INSERT of a dataset load
// writes at most: 512 rows of at most 7 columns stay far below SQLite's
// 32,766 and PostgreSQL's 65,535 bound parameters, and make a statement's
// compilation and round trip a small share of its cost.
const bulkRows = 512

// bulkInsert runs "head VALUES (...), (...) tail" over rows; every row has
// the same number of columns, and no two rows the key of an ON CONFLICT DO
// UPDATE tail (PostgreSQL refuses to update a row twice in one statement).
// Rows are written in the order of their first key columns (strings):
// each statement then touches a few neighbouring index pages, not one
// page per row, and SQLite copies every page a statement touches into its
// statement journal. Statements hold a power of two of rows (chunkLen), so
// db.q caches at most ten rebound forms of each.
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
	for len(rows) > 0 {
		n := chunkLen(len(rows))
		chunk := rows[:n]
		rows = rows[n:]
		args := make([]any, 0, n*len(chunk[0]))
		for _, r := range chunk {
			args = append(args, r...)
		}
		q := head + " VALUES " + tuple + strings.Repeat(", "+tuple, n-1) + " " + tail
		if _, err := tx.ExecContext(ctx, db.q(q), args...); err != nil {
			return transient(err)
		}
	}
	return nil
}

// chunkLen is how many of n rows or IDs the next statement takes: at most
// bulkRows, a power of two.
func chunkLen(n int) int { return min(bulkRows, 1<<(bits.Len(uint(n))-1)) }

// reference is one row of server-owned reference data to load.
type reference struct {
	kind, id, scope string
	v               any
}

// loadReference writes reference data in multi-row statements: each
// entity replaces the row with its key and gets a change row in its
// scope; a key given twice keeps its last value.
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
func (db *DB) loadMovements(ctx context.Context, tx *sql.Tx, tenant string, version int64, ms []app.StockMovement, cs *changeSet) error {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	known, err := db.knownIDs(ctx, tx, tenant, kindMovement, ids)
	if err != nil {
		return err
	}
	var entities, ledger, changes [][]any
	var added []app.StockMovement
	for _, m := range ms {
		if err := m.Validate(); err != nil {
			return err
		}
		if known[m.ID] {
			continue
		}
		known[m.ID] = true
		added = append(added, m)
		cs.movement()
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
	if err := db.loadUnits(ctx, tx, tenant, added); err != nil {
		return err
	}
	return db.bulkInsert(ctx, tx, `INSERT INTO changes (scope, kind, id, version, ord, gone)`,
		3, `ON CONFLICT (scope, kind, id) DO UPDATE SET version = excluded.version, gone = excluded.gone`, changes)
}

// knownIDs returns which of ids the tenant has an entity of kind for,
// bulkRows IDs at most per query.
func (db *DB) knownIDs(ctx context.Context, tx *sql.Tx, tenant, kind string, ids []string) (map[string]bool, error) {
	known := make(map[string]bool, len(ids))
	for start, n := 0, 0; start < len(ids); start += n {
		n = chunkLen(len(ids) - start)
		chunk := ids[start : start+n]
		args := make([]any, 0, len(chunk)+2)
		args = append(args, tenant, kind)
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := tx.QueryContext(ctx, db.q(`SELECT id FROM entities WHERE tenant = ? AND kind = ? AND id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`), args...)
		if err != nil {
			return nil, transient(err)
		}
		if err := scanIDs(rows, func(id string) { known[id] = true }); err != nil {
			return nil, transient(err)
		}
	}
	return known, nil
}

// fact is a ticket's fact as loadNewTickets writes it.
type fact struct {
	kind, id string
	ticket   app.TicketID
	v        any
	sha256   string // a photo's, for photo_hashes
}

// detailFacts lists a ticket detail's facts in the order LoadDataset
// writes them, photos marked pending as AddPhoto marks them.
func detailFacts(d app.TicketDetail) []fact {
	var fs []fact
	for _, r := range d.Repairs {
		fs = append(fs, fact{kindRepair, r.ID, r.Ticket, r, ""})
	}
	for _, p := range d.Parts {
		fs = append(fs, fact{kindPartUsed, p.ID, p.Ticket, p, ""})
	}
	for _, p := range d.Photos {
		p.State = app.PhotoPending
		fs = append(fs, fact{kindPhoto, p.ID, p.Ticket, p, p.SHA256})
	}
	for _, n := range d.Notes {
		fs = append(fs, fact{kindNote, n.ID, n.Ticket, n, ""})
	}
	for _, sg := range d.Signatures {
		fs = append(fs, fact{kindSignature, sg.ID, sg.Ticket, sg, ""})
	}
	return fs
}

// loadNewTickets writes tickets with their facts in multi-row statements,
// leaving the same rows SaveTicket and addTicketFact would: when every
// ticket is new to the tenant and listed once, no fact of the tenant names
// one of them yet, and every fact names its own detail's ticket (the
// initial dataset), nothing needs reading back, so none is. It returns
// false, having written nothing, for any other dataset, which LoadDataset
// then writes one row at a time. The tickets' ticket_index rows are
// written too, and the tickets listed in cs.
func (db *DB) loadNewTickets(ctx context.Context, tx *sql.Tx, tenant string, version int64, ds []app.TicketDetail, cs *changeSet) (bool, error) {
	if len(ds) == 0 {
		return true, nil
	}
	ids := make([]string, len(ds))
	listed := make(map[string]bool, len(ds))
	byKind := map[string][]string{}
	for i, d := range ds {
		ids[i] = string(d.Ticket.ID)
		if listed[ids[i]] {
			return false, nil
		}
		listed[ids[i]] = true
		if len(d.Payments) > 0 || len(d.Estimates) > 0 {
			return false, nil // their receipts and estimates are written one by one
		}
		for _, f := range detailFacts(d) {
			if f.ticket != d.Ticket.ID {
				return false, nil
			}
			byKind[f.kind] = append(byKind[f.kind], f.id)
		}
	}
	if known, err := db.knownIDs(ctx, tx, tenant, kindTicket, ids); err != nil || len(known) > 0 {
		return false, err
	}
	for start, n := 0, 0; start < len(ids); start += n {
		n = chunkLen(len(ids) - start)
		chunk := ids[start : start+n]
		args := []any{tenant}
		for _, id := range chunk {
			args = append(args, id)
		}
		var n int
		if err := tx.QueryRowContext(ctx, db.q(`SELECT count(*) FROM entities WHERE tenant = ? AND kind IN ('repair', 'part_used', 'photo', 'note')
			AND ticket_id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`), args...).Scan(&n); err != nil {
			return false, transient(err)
		}
		if n > 0 {
			return false, nil
		}
	}
	known := map[string]map[string]bool{}
	for kind, ids := range byKind {
		var err error
		if known[kind], err = db.knownIDs(ctx, tx, tenant, kind, ids); err != nil {
			return false, err
		}
	}
	at := db.now().UnixNano()
	var entities, history, changes, hashes, index [][]any
	for _, d := range ds {
		t := d.Ticket
		if err := t.Validate(); err != nil {
			return false, fmt.Errorf("ticket %s: %w", t.Number, err)
		}
		data, err := json.Marshal(t)
		if err != nil {
			return false, fmt.Errorf("encode %s %s: %w", kindTicket, t.ID, err)
		}
		entities = append(entities, []any{tenant, kindTicket, string(t.ID), string(t.ID), string(data)})
		index = append(index, ticketIndexRow(tenant, t, at))
		// SaveTicket's history rows for a new ticket being loaded.
		if t.Status != "" || t.Epoch != 0 {
			for _, h := range loadedSteps(t, time.Unix(0, at).UTC()) {
				history = append(history, []any{tenant, string(t.ID), version, string(h.from), string(h.to), t.Epoch, h.at.UnixNano()})
			}
		}
		scopes := ticketScopes(tenant, t)
		for _, sc := range scopes {
			changes = append(changes, []any{sc, kindTicket, string(t.ID), version, kindOrder(kindTicket), 0})
		}
		for _, f := range detailFacts(d) {
			if f.id == "" {
				return false, app.FactWithoutID(f.kind)
			}
			if known[f.kind][f.id] {
				continue // addTicketFact's ECONFLICT, which LoadDataset skips
			}
			known[f.kind][f.id] = true
			data, err := json.Marshal(f.v)
			if err != nil {
				return false, fmt.Errorf("encode %s %s: %w", f.kind, f.id, err)
			}
			entities = append(entities, []any{tenant, f.kind, f.id, string(t.ID), string(data)})
			for _, sc := range scopes {
				changes = append(changes, []any{sc, f.kind, f.id, version, kindOrder(f.kind), 0})
			}
			if f.kind == kindPhoto {
				hashes = append(hashes, []any{tenant, f.sha256, f.id, ""})
			}
		}
	}
	for _, b := range []struct {
		head string
		key  int
		tail string
		rows [][]any
	}{
		{`INSERT INTO entities (tenant, kind, id, ticket_id, data)`, 3, ``, entities},
		{`INSERT INTO history (tenant, ticket, version, from_status, to_status, epoch, at)`, 2, ``, history},
		{`INSERT INTO changes (scope, kind, id, version, ord, gone)`, 3,
			`ON CONFLICT (scope, kind, id) DO UPDATE SET version = excluded.version, gone = excluded.gone`, changes},
		{`INSERT INTO photo_hashes (tenant, sha256, photo, device)`, 3, `ON CONFLICT DO NOTHING`, hashes},
		{`INSERT INTO ticket_index (` + ticketIndexCols + `)`, 2, ``, index},
	} {
		if err := db.bulkInsert(ctx, tx, b.head, b.key, b.tail, b.rows); err != nil {
			return false, err
		}
	}
	for _, d := range ds {
		cs.ticket(d.Ticket.ID)
	}
	return true, nil
}
