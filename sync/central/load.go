package central

import (
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
// scope; a key given twice keeps its last value. A row that would be
// replaced by the same is left alone (the catalog an office loads again
// is mostly the one it has): its indexes are not rewritten.
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
		3, entityUpsert, entities); err != nil {
		return err
	}
	return db.bulkInsert(ctx, tx, `INSERT INTO changes (scope, kind, id, version, ord, gone)`,
		3, changeUpsert, changes)
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
		3, changeUpsert, changes)
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

// loadTicketsBulk writes tickets with their facts in multi-row
// statements, leaving the rows SaveTicket and addTicketFact would, one
// ticket after the other: for a ticket the tenant has (a reload, an
// import of changed tickets) as for a new one. It reads what SaveTicket
// decides from first, in multi-row queries: the stored tickets (the
// history steps from the stored status, the scopes the ticket leaves and
// enters), the children of the tickets that move scopes, which facts are
// known (skipped, as LoadDataset skips addTicketFact's ECONFLICT). What
// SaveTicket does beyond rows of its own ticket, a reassigned ticket's
// field conflicts given to its new technician (followTicket), it does
// here through st, before any row is written. A load makes no claim.
//
// It returns the details left to the one-by-one path (st.loadTickets),
// having written none of their rows: a ticket with payments or estimates
// (their receipts and estimates are written one by one), and every
// ticket of a dataset that lists one twice, has a fact naming another
// detail's ticket or lists a fact twice: there the order of the writes
// decides, which only the one-by-one path keeps. The tickets
// written are listed in st.changed.
func (st *serverTx) loadTicketsBulk(ctx context.Context, ds []app.TicketDetail) ([]app.TicketDetail, error) {
	if len(ds) == 0 {
		return nil, nil
	}
	db, tx, tenant, version := st.db, st.tx, st.tenant, st.version
	listed := make(map[string]bool, len(ds))
	facts := map[entityKey]bool{}
	var bulk, rest []app.TicketDetail
	for _, d := range ds {
		id := string(d.Ticket.ID)
		if listed[id] {
			return ds, nil
		}
		listed[id] = true
		for _, f := range detailFacts(d) {
			k := entityKey{f.kind, f.id}
			if f.ticket != d.Ticket.ID || facts[k] {
				return ds, nil
			}
			facts[k] = true
		}
		if len(d.Payments) > 0 || len(d.Estimates) > 0 {
			rest = append(rest, d)
		} else {
			bulk = append(bulk, d)
		}
	}
	if len(bulk) == 0 {
		return rest, nil
	}
	ids := make([]string, len(bulk))
	byKind := map[string][]string{}
	for i, d := range bulk {
		t := d.Ticket
		if err := t.Validate(); err != nil {
			return nil, fmt.Errorf("ticket %s: %w", t.Number, err)
		}
		ids[i] = string(t.ID)
		for _, f := range detailFacts(d) {
			byKind[f.kind] = append(byKind[f.kind], f.id)
		}
	}
	stored, err := entitiesByID[storedTicket](ctx, db, tx, tenant, kindTicket, ids)
	if err != nil {
		return nil, err
	}
	var moving []string
	for _, d := range bulk {
		t, old := d.Ticket, stored[string(d.Ticket.ID)].Ticket
		if !slices.Equal(ticketScopes(tenant, old), ticketScopes(tenant, t)) {
			moving = append(moving, string(t.ID))
		}
	}
	children, err := db.ticketChildren(ctx, tx, tenant, moving)
	if err != nil {
		return nil, err
	}
	known := map[string]map[string]bool{}
	for kind, ids := range byKind {
		if known[kind], err = db.knownIDs(ctx, tx, tenant, kind, ids); err != nil {
			return nil, err
		}
	}
	now := db.now()
	// New tickets and their index rows are inserted, as a first load
	// always wrote them, known ones replaced where they changed.
	var tickets, retickets, entities, history, moves, hashes, index, reindex [][]any
	for _, d := range bulk {
		t, old := d.Ticket, stored[string(d.Ticket.ID)].Ticket
		// SaveTicket's write beyond its ticket's rows (a load makes no
		// claim), before this load writes its rows, as SaveTicket's.
		if old.ID != "" && old.Technician != t.Technician {
			if err := st.followTicket(ctx, t); err != nil {
				return nil, err
			}
		}
		data, err := json.Marshal(t)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s: %w", kindTicket, t.ID, err)
		}
		stepAt := int64(noStep) // the latest step's field time, as SaveTicket's
		for _, h := range savedSteps(old, t, true, now) {
			// A load's steps are the data's, not a technician's: in the
			// field when its times or the load say, as SaveTicket's.
			fieldAt := loadedFieldAt(h, t, now).UnixNano()
			history = append(history, []any{tenant, string(t.ID), version, string(h.from), string(h.to), t.Epoch, h.at.UnixNano(), fieldAt})
			stepAt = max(stepAt, fieldAt)
		}
		switch {
		case old.ID == "":
			tickets = append(tickets, []any{tenant, kindTicket, string(t.ID), string(t.ID), string(data)})
			index = append(index, ticketIndexRow(tenant, t, stepAt))
		case string(data) == stored[string(t.ID)].data:
			// Unchanged (most of a reload's tickets): SaveTicket would
			// write the same entity, and an index row that changes no
			// listed column (ticketIndexUpsert) of the one stored, which
			// was made from this entity in the transaction that wrote it.
		default:
			retickets = append(retickets, []any{tenant, kindTicket, string(t.ID), string(t.ID), string(data)})
			reindex = append(reindex, ticketIndexRow(tenant, t, stepAt))
		}
		scopes := ticketScopes(tenant, t)
		for _, c := range ticketMoves(t.ID, ticketScopes(tenant, old), scopes, children[string(t.ID)]) {
			moves = append(moves, []any{c.scope, c.kind, c.id, version, kindOrder(c.kind), c.gone})
		}
		for _, f := range detailFacts(d) {
			if f.id == "" {
				return nil, app.FactWithoutID(f.kind)
			}
			if known[f.kind][f.id] {
				continue // addTicketFact's ECONFLICT, which LoadDataset skips
			}
			known[f.kind][f.id] = true
			data, err := json.Marshal(f.v)
			if err != nil {
				return nil, fmt.Errorf("encode %s %s: %w", f.kind, f.id, err)
			}
			entities = append(entities, []any{tenant, f.kind, f.id, string(t.ID), string(data)})
			for _, sc := range scopes {
				moves = append(moves, []any{sc, f.kind, f.id, version, kindOrder(f.kind), 0})
			}
			if f.kind == kindPhoto {
				hashes = append(hashes, []any{tenant, f.sha256, f.id, ""})
			}
		}
	}
	// No key of the change rows comes twice (an ON CONFLICT DO UPDATE
	// may not change a row twice on PostgreSQL): a ticket is listed
	// once, its scopes are distinct, its children are stored facts and
	// its facts new ones (known ones skipped), each in one detail.
	for _, b := range []struct {
		head string
		key  int
		tail string
		rows [][]any
	}{
		{`INSERT INTO entities (tenant, kind, id, ticket_id, data)`, 3, ``, tickets},
		{`INSERT INTO entities (tenant, kind, id, ticket_id, data)`, 3,
			`ON CONFLICT (tenant, kind, id) DO UPDATE SET ticket_id = excluded.ticket_id, data = excluded.data`, retickets},
		{`INSERT INTO entities (tenant, kind, id, ticket_id, data)`, 3, ``, entities},
		{`INSERT INTO history (tenant, ticket, version, from_status, to_status, epoch, at, field_at)`, 2, ``, history},
		{`INSERT INTO changes (scope, kind, id, version, ord, gone)`, 3,
			changeUpsert, moves},
		{`INSERT INTO photo_hashes (tenant, sha256, photo, device)`, 3, `ON CONFLICT DO NOTHING`, hashes},
		{`INSERT INTO ticket_index (` + ticketIndexCols + `)`, 2, ``, index},
		{`INSERT INTO ticket_index (` + ticketIndexCols + `)`, 2, ticketIndexUpsert, reindex},
	} {
		if err := db.bulkInsert(ctx, tx, b.head, b.key, b.tail, b.rows); err != nil {
			return nil, err
		}
	}
	for _, d := range bulk {
		st.changed.ticket(d.Ticket.ID)
	}
	return rest, nil
}

// storedTicket is a ticket as stored, with its JSON as the row holds it:
// a load whose encoding of the ticket is the same leaves its rows alone.
type storedTicket struct {
	app.Ticket
	data string
}

func (s *storedTicket) UnmarshalJSON(b []byte) error {
	s.data = string(b)
	return json.Unmarshal(b, &s.Ticket)
}

// ticketChildren lists the children (serverTx.children) of each ticket
// of ids, bulkRows IDs at most per query.
func (db *DB) ticketChildren(ctx context.Context, tx *sql.Tx, tenant string, ids []string) (map[string][]entityKey, error) {
	out := map[string][]entityKey{}
	for start, n := 0, 0; start < len(ids); start += n {
		n = chunkLen(len(ids) - start)
		args := []any{tenant}
		for _, id := range ids[start : start+n] {
			args = append(args, id)
		}
		in := `(?` + strings.Repeat(", ?", n-1) + `)`
		for _, q := range []string{
			`SELECT ticket_id, kind, id FROM entities WHERE tenant = ? AND ticket_id IN ` + in + ` AND kind IN ('repair', 'part_used', 'photo', 'note', 'payment', 'estimate', 'part_request', 'likely_parts')`,
			`SELECT ticket, '` + kindPasscode + `', ticket FROM ticket_passcodes WHERE tenant = ? AND ticket IN ` + in,
		} {
			rows, err := tx.QueryContext(ctx, db.q(q), args...)
			if err != nil {
				return nil, transient(err)
			}
			for rows.Next() {
				var ticket string
				var k entityKey
				if err := rows.Scan(&ticket, &k.kind, &k.id); err != nil {
					rows.Close()
					return nil, transient(err)
				}
				out[ticket] = append(out[ticket], k)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, transient(err)
			}
		}
	}
	return out, nil
}
