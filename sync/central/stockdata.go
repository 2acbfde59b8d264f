package central

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/fieldbench/fieldbench/app"
)

// The office console's stock and ticket pages read what they show through
// the methods of this file. Each is scoped to a tenant and, when store is
// not "", to one store (storeView): a list leaves out what lies outside
// the scope, and a location asked for by ID there is answered as one that
// does not exist.

// MaxLedgerLines bounds one page of Ledger.
const MaxLedgerLines = 1000

// LedgerQuery asks for the movements behind the balances of one location.
type LedgerQuery struct {
	Tenant   string
	Location app.LocationID
	Part     app.PartNumber // "" = every part at the location
	Limit    int            // 1..MaxLedgerLines
	Before   string         // cursor: LedgerLine.Cursor of the last line of the previous page; "" = newest
	// Store, when not "", limits the query to that store's locations: any
	// other is not found.
	Store app.StoreID
}

// LedgerLine is one movement as it changed one location's balance of one
// part.
type LedgerLine struct {
	Movement     string
	At           time.Time
	Kind         string // receive, transfer, consume, return_defective, adjust
	Part         app.PartNumber
	PartName     string // English, else Chinese; "" when the part is not in the catalog
	Delta        int
	Balance      int            // the location's balance of Part after this line
	Other        app.LocationID // a transfer's other side
	Ticket       app.TicketID
	TicketNumber string
	Reason       string
	By           string // technician name, "console:<login>", the admin token's name, "import"
}

// Cursor is where the page after this line starts (LedgerQuery.Before).
func (l LedgerLine) Cursor() string {
	return strconv.FormatInt(l.At.UnixNano(), 10) + "." + l.Movement
}

// ledgerBefore reads a cursor: the line's time and movement.
func ledgerBefore(c string) (time.Time, string, error) {
	ns, id, ok := strings.Cut(c, ".")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || id == "" {
		return time.Time{}, "", app.Errorf(app.EINVALID, "central.ledger_cursor", "The ledger's page marker is not valid; open the ledger again from its first page.")
	}
	return time.Unix(0, n).UTC(), id, nil
}

// newerFirst orders movements newest first (by their time, then ID): the
// ledger's order.
func newerFirst(aAt time.Time, aID string, bAt time.Time, bID string) int {
	return cmp.Or(bAt.Compare(aAt), strings.Compare(bID, aID))
}

// Ledger lists the movements at a location, newest first, each with the
// running balance of its part after it: the newest line's balance is the
// number Balances shows. The running balance needs every movement of the
// location (and part), so a page reads them all and returns Limit of
// them: 175 ms on SQLite for the demo world's busiest warehouse, 9,699
// movements (BenchmarkConsoleStockData).
func (db *DB) Ledger(ctx context.Context, q LedgerQuery) ([]LedgerLine, error) {
	if q.Limit < 1 || q.Limit > MaxLedgerLines {
		return nil, app.Errorf(app.EINVALID, "central.ledger_limit", "Ask for 1 to {{.Max}} ledger lines at a time.", "Max", MaxLedgerLines)
	}
	var beforeAt time.Time
	var beforeID string
	if q.Before != "" {
		var err error
		if beforeAt, beforeID, err = ledgerBefore(q.Before); err != nil {
			return nil, err
		}
	}
	view, err := db.storeView(ctx, q.Tenant, q.Store)
	if err != nil {
		return nil, err
	}
	loc, ok := view.locations[q.Location]
	if !ok || !view.hasLocation(loc) {
		return nil, app.NotFound(kindLocation, string(q.Location))
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT l.movement, l.part, l.delta, COALESCE(e.data, '') FROM ledger l
		LEFT JOIN entities e ON e.tenant = l.tenant AND e.kind = 'movement' AND e.id = l.movement
		WHERE l.tenant = ? AND l.location = ? AND (? = '' OR l.part = ?)`), q.Tenant, string(q.Location), string(q.Part), string(q.Part))
	if err != nil {
		return nil, transient(err)
	}
	var lines []LedgerLine
	for rows.Next() {
		var ln LedgerLine
		var part, data string
		var delta int64
		if err := rows.Scan(&ln.Movement, &part, &delta, &data); err != nil {
			rows.Close()
			return nil, transient(err)
		}
		ln.Part, ln.Delta = app.PartNumber(part), int(delta)
		if data != "" {
			var m app.StockMovement
			if err := json.Unmarshal([]byte(data), &m); err != nil {
				rows.Close()
				return nil, corruptEntity(kindMovement, ln.Movement, err)
			}
			ln.At, ln.Kind, ln.Ticket, ln.Reason, ln.By = m.At.UTC(), string(m.Kind), m.Ticket, m.Reason, m.Recorded
			if m.Kind == app.MoveTransfer {
				ln.Other = m.From
				if m.From == q.Location {
					ln.Other = m.To
				}
			}
		}
		lines = append(lines, ln)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, transient(err)
	}
	slices.SortFunc(lines, func(a, b LedgerLine) int { return newerFirst(a.At, a.Movement, b.At, b.Movement) })
	balance := map[app.PartNumber]int{}
	for _, ln := range lines {
		balance[ln.Part] += ln.Delta
	}
	for i := range lines {
		lines[i].Balance = balance[lines[i].Part]
		balance[lines[i].Part] -= lines[i].Delta
	}
	if q.Before != "" {
		i, _ := slices.BinarySearchFunc(lines, 0, func(ln LedgerLine, _ int) int {
			if newerFirst(ln.At, ln.Movement, beforeAt, beforeID) <= 0 {
				return -1 // at or before the cursor's line in the ledger's order
			}
			return 1
		})
		lines = lines[i:]
	}
	lines = lines[:min(len(lines), q.Limit)]
	if err := db.nameLedger(ctx, q.Tenant, lines); err != nil {
		return nil, err
	}
	return lines, nil
}

// nameLedger fills in the part names and ticket numbers of lines.
func (db *DB) nameLedger(ctx context.Context, tenant string, lines []LedgerLine) error {
	var parts []app.PartNumber
	var tickets []string
	for _, ln := range lines {
		parts = append(parts, ln.Part)
		if ln.Ticket != "" {
			tickets = append(tickets, string(ln.Ticket))
		}
	}
	ps, err := db.PartsByNumber(ctx, tenant, parts)
	if err != nil {
		return err
	}
	ts, err := entitiesByID[app.Ticket](ctx, db, db.read, tenant, kindTicket, tickets)
	if err != nil {
		return err
	}
	for i := range lines {
		lines[i].PartName = partName(ps[lines[i].Part])
		lines[i].TicketNumber = ts[string(lines[i].Ticket)].Number
	}
	return nil
}

// partName is a catalog entry's name for a page that shows one: English,
// else Chinese (a part has at least one).
func partName(p app.Part) string {
	if strings.TrimSpace(p.NameEN) != "" {
		return p.NameEN
	}
	return p.NameZH
}

// corruptEntity reports a stored entity that does not decode.
func corruptEntity(kind, id string, err error) error {
	return app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kind, "ID", id).WithCause(err)
}

// entitiesByID reads the entities of kind named by ids (unknown ones are
// left out), fetchBatch at a time, through q: db.read, or the
// transaction that goes on to write what it read (a load, the board's
// page). It sorts ids and drops repeats, in place.
//
// On PostgreSQL the IDs go as one array and each is looked up alone in
// the primary key (qEntitiesAny), as a push's lookups are (qTakenAny): a
// list of 400 in IN (...) was read, under statistics older than the
// table's rows (autovacuum analyzes a minute later at best, and a
// tenant's catalog or tickets are loaded at once), by scanning the
// tenant's entities of the kind, about 0.3 s a list, most of a likely-parts
// refresh.
func entitiesByID[T any](ctx context.Context, db *DB, q querier, tenant, kind string, ids []string) (map[string]T, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make(map[string]T, len(ids))
	for start := 0; start < len(ids); start += fetchBatch {
		chunk := ids[start:min(start+fetchBatch, len(ids))]
		var rows *sql.Rows
		var err error
		if db.dialect == dialectPostgres {
			rows, err = q.QueryContext(ctx, db.q(qEntitiesAny), chunk, tenant, kind)
		} else {
			args := []any{tenant, kind}
			for _, id := range chunk {
				args = append(args, id)
			}
			rows, err = q.QueryContext(ctx, db.q(`SELECT id, data FROM entities WHERE tenant = ? AND kind = ? AND id IN (?`+
				strings.Repeat(", ?", len(chunk)-1)+`)`), args...)
		}
		if err != nil {
			return nil, transient(err)
		}
		for rows.Next() {
			var id, data string
			if err := rows.Scan(&id, &data); err != nil {
				rows.Close()
				return nil, transient(err)
			}
			var v T
			if err := json.Unmarshal([]byte(data), &v); err != nil {
				rows.Close()
				return nil, corruptEntity(kind, id, err)
			}
			out[id] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, transient(err)
		}
	}
	return out, nil
}

// qEntitiesAny is entitiesByID's read on PostgreSQL: the IDs as one
// array (first), each looked up alone in the primary key (a LATERAL
// subquery with a LIMIT is not flattened into a join).
const qEntitiesAny = `SELECT e.id, e.data FROM unnest(?::text[]) AS u (id),
	LATERAL (SELECT id, data FROM entities WHERE tenant = ? AND kind = ? AND id = u.id LIMIT 1) AS e`

// allEntities reads every entity of kind in tenant whose JSON holds
// contains ("" = all); contains only narrows the read, the caller checks
// the decoded value.
func allEntities[T any](ctx context.Context, db *DB, tenant, kind, contains string) ([]T, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, data FROM entities WHERE tenant = ? AND kind = ? AND data LIKE ? ESCAPE '\' ORDER BY id`),
		tenant, kind, "%"+likeEscape(contains)+"%")
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return nil, transient(err)
		}
		var v T
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return nil, corruptEntity(kind, id, err)
		}
		out = append(out, v)
	}
	return out, transient(rows.Err())
}

// PartsByNumber returns the catalog entries of ids, by number; a number
// not in the catalog is left out.
func (db *DB) PartsByNumber(ctx context.Context, tenant string, ids []app.PartNumber) (map[app.PartNumber]app.Part, error) {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = string(id)
	}
	ps, err := entitiesByID[app.Part](ctx, db, db.read, tenant, kindPart, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[app.PartNumber]app.Part, len(ps))
	for id, p := range ps {
		out[app.PartNumber(id)] = p
	}
	return out, nil
}

// Locations lists a tenant's stock locations by ID.
func (db *DB) Locations(ctx context.Context, tenant string) ([]app.Location, error) {
	return allEntities[app.Location](ctx, db, tenant, kindLocation, "")
}

// StoreLocations lists the stock locations a store sees (every location
// of the tenant when store is ""), by ID: see storeView.
func (db *DB) StoreLocations(ctx context.Context, tenant string, store app.StoreID) ([]app.Location, error) {
	view, err := db.storeView(ctx, tenant, store)
	if err != nil {
		return nil, err
	}
	out := []app.Location{}
	for _, l := range view.locations {
		if view.hasLocation(l) {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b app.Location) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out, nil
}

// storeView is what one store of a tenant sees (the whole tenant when
// store is ""): the locations its owner names the store or one of the
// store's technicians (their counter stock, defective bin and vans), and
// the tickets of the store's counter or of its technicians.
type storeView struct {
	store     app.StoreID
	locations map[app.LocationID]app.Location // all of the tenant's
	techs     map[app.TechnicianID]app.Technician
}

func (db *DB) storeView(ctx context.Context, tenant string, store app.StoreID) (storeView, error) {
	v := storeView{store: store, locations: map[app.LocationID]app.Location{}, techs: map[app.TechnicianID]app.Technician{}}
	ls, err := db.Locations(ctx, tenant)
	if err != nil {
		return v, err
	}
	for _, l := range ls {
		v.locations[l.ID] = l
	}
	ts, err := allEntities[app.Technician](ctx, db, tenant, kindTechnician, "")
	if err != nil {
		return v, err
	}
	for _, t := range ts {
		v.techs[t.ID] = t
	}
	return v, nil
}

func (v storeView) hasLocation(l app.Location) bool {
	if v.store == "" {
		return true
	}
	if l.Owner == string(v.store) {
		return true
	}
	t, ok := v.techs[app.TechnicianID(l.Owner)]
	return ok && t.Store == v.store
}

func (v storeView) hasTicket(t app.Ticket) bool {
	if v.store == "" || t.Store == v.store {
		return true
	}
	tech, ok := v.techs[t.Technician]
	return ok && t.Technician != "" && tech.Store == v.store
}

// NamedBalance is a balance with the names a page shows.
type NamedBalance struct {
	app.Balance
	LocationName string
	PartName     string
}

// NegativeBalances lists the balances below zero in the locations a store
// sees (the tenant's when store is ""), by location and part: what the
// conflicts page offers to reconcile with a stock.adjust or a transfer.
func (db *DB) NegativeBalances(ctx context.Context, tenant string, store app.StoreID) ([]NamedBalance, error) {
	view, err := db.storeView(ctx, tenant, store)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT location, part, CAST(sum(delta) AS BIGINT) FROM ledger WHERE tenant = ?
		GROUP BY location, part HAVING sum(delta) < 0 ORDER BY location, part`), tenant)
	if err != nil {
		return nil, transient(err)
	}
	out := []NamedBalance{}
	var parts []app.PartNumber
	for rows.Next() {
		var b NamedBalance
		var loc, part string
		if err := rows.Scan(&loc, &part, &b.Qty); err != nil {
			rows.Close()
			return nil, transient(err)
		}
		l := view.locations[app.LocationID(loc)]
		if !view.hasLocation(l) {
			continue // another store's, or (a store asking) a location gone from the catalog
		}
		b.Location, b.Part, b.LocationName = app.LocationID(loc), app.PartNumber(part), l.Name
		out = append(out, b)
		parts = append(parts, b.Part)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, transient(err)
	}
	ps, err := db.PartsByNumber(ctx, tenant, parts)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].PartName = partName(ps[out[i].Part])
	}
	return out, nil
}

// PartWait is an open ticket waiting for parts.
type PartWait struct {
	Ticket         app.TicketID
	TicketNumber   string
	Store          app.StoreID
	Technician     app.TechnicianID
	TechnicianName string
	Van            app.LocationID // the technician's van ("" for counter staff)
	VanName        string
	// Reason is what the technician wrote when the ticket began to wait
	// (the terminal's part request writes "Needs <part> <name> × <qty>"
	// in the technician's language); Parts are the catalog entries whose
	// number it names.
	Reason string
	Parts  []app.Part
	Since  time.Time     // when it last began to wait
	Waited time.Duration // from Since to the server's now
}

// maxReasonWords bounds the words of a reason looked up as part numbers.
const maxReasonWords = 64

// WaitingForParts lists the tickets waiting for parts that a store sees
// (the tenant's when store is ""), longest waiting first. A request is
// today the ticket's wait reason, free text in which the terminal names
// the part; part requests become records of their own in a later issue,
// and this reads them then.
func (db *DB) WaitingForParts(ctx context.Context, tenant string, store app.StoreID) ([]PartWait, error) {
	view, err := db.storeView(ctx, tenant, store)
	if err != nil {
		return nil, err
	}
	ts, err := allEntities[app.Ticket](ctx, db, tenant, kindTicket, `"status":"`+string(app.StatusWaitingParts)+`"`)
	if err != nil {
		return nil, err
	}
	now := db.now()
	out := []PartWait{}
	var words []string
	for _, t := range ts {
		if t.Status != app.StatusWaitingParts || !view.hasTicket(t) {
			continue
		}
		w := PartWait{Ticket: t.ID, TicketNumber: t.Number, Store: t.Store, Technician: t.Technician, Reason: t.StatusReason, Since: t.UpdatedAt}
		if tech, ok := view.techs[t.Technician]; ok {
			w.TechnicianName, w.Van = tech.Name, tech.Van
			w.VanName = view.locations[tech.Van].Name
		}
		var at sql.NullInt64
		if err := db.read.QueryRowContext(ctx, db.q(`SELECT max(field_at) FROM history WHERE tenant = ? AND ticket = ? AND to_status = ?`),
			tenant, string(t.ID), string(app.StatusWaitingParts)).Scan(&at); err != nil {
			return nil, transient(err)
		}
		if at.Valid {
			w.Since = time.Unix(0, at.Int64).UTC()
		}
		w.Waited = max(now.Sub(w.Since), 0)
		words = append(words, reasonWords(t.StatusReason)...)
		out = append(out, w)
	}
	known, err := entitiesByID[app.Part](ctx, db, db.read, tenant, kindPart, words)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for _, wd := range reasonWords(out[i].Reason) {
			if p, ok := known[wd]; ok && !slices.ContainsFunc(out[i].Parts, func(q app.Part) bool { return q.Number == p.Number }) {
				out[i].Parts = append(out[i].Parts, p)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b PartWait) int {
		return cmp.Or(a.Since.Compare(b.Since), strings.Compare(a.TicketNumber, b.TicketNumber))
	})
	return out, nil
}

// reasonWords splits a reason into the words that may be part numbers:
// separated by spaces and punctuation other than those part numbers hold
// ('-', '.', '/', '_'), trailing dots and colons cut; at most
// maxReasonWords.
func reasonWords(s string) []string {
	ws := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r != '-' && r != '.' && r != '/' && r != '_' && (unicode.IsPunct(r) || unicode.IsSymbol(r))
	})
	out := ws[:0]
	for _, w := range ws {
		if w = strings.TrimRight(w, ".:"); w != "" && app.ValidID(w) {
			out = append(out, w)
		}
	}
	return out[:min(len(out), maxReasonWords)]
}

// DefectiveReturn is a removed part in a defective bin, waiting to be
// shipped back to its brand.
type DefectiveReturn struct {
	Movement     string // the return_defective movement
	Part         app.PartNumber
	PartName     string
	Qty          int
	Serial       string // the removed part's, when recorded
	Ticket       app.TicketID
	TicketNumber string
	Technician   app.TechnicianID // the ticket's
	By           string           // who recorded the return
	Location     app.LocationID   // the bin it was returned to
	LocationName string
	Since        time.Time
	Claim        string // the brand claim of its ticket, which lists it; "" when none
}

// DefectiveReturns lists the defective returns not yet shipped on to a
// warehouse (app.ShippedReturns) in the bins a store sees (the tenant's
// when store is ""), oldest first.
func (db *DB) DefectiveReturns(ctx context.Context, tenant string, store app.StoreID) ([]DefectiveReturn, error) {
	view, err := db.storeView(ctx, tenant, store)
	if err != nil {
		return nil, err
	}
	var bins []any
	for _, l := range view.locations {
		if l.Kind == app.LocationDefective && view.hasLocation(l) {
			bins = append(bins, string(l.ID))
		}
	}
	var moves []app.StockMovement
	for start := 0; start < len(bins); start += fetchBatch {
		chunk := bins[start:min(start+fetchBatch, len(bins))]
		rows, err := db.read.QueryContext(ctx, db.q(`SELECT l.movement, e.data FROM ledger l
			JOIN entities e ON e.tenant = l.tenant AND e.kind = 'movement' AND e.id = l.movement
			WHERE l.tenant = ? AND l.location IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`), append([]any{tenant}, chunk...)...)
		if err != nil {
			return nil, transient(err)
		}
		for rows.Next() {
			var id, data string
			if err := rows.Scan(&id, &data); err != nil {
				rows.Close()
				return nil, transient(err)
			}
			var m app.StockMovement
			if err := json.Unmarshal([]byte(data), &m); err != nil {
				rows.Close()
				return nil, corruptEntity(kindMovement, id, err)
			}
			moves = append(moves, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, transient(err)
		}
	}
	shipped := app.ShippedReturns(moves, func(l app.LocationID) app.LocationKind { return view.locations[l].Kind })
	out := []DefectiveReturn{}
	var parts []app.PartNumber
	var tickets []string
	for _, m := range moves {
		if m.Kind != app.MoveReturnDefective || shipped[m.ID].Shipped {
			continue
		}
		out = append(out, DefectiveReturn{Movement: m.ID, Part: m.Part, Qty: m.Qty, Serial: m.Serial, Ticket: m.Ticket, By: m.Recorded,
			Location: m.To, LocationName: view.locations[m.To].Name, Since: m.At.UTC()})
		parts = append(parts, m.Part)
		if m.Ticket != "" {
			tickets = append(tickets, string(m.Ticket))
		}
	}
	ps, err := db.PartsByNumber(ctx, tenant, parts)
	if err != nil {
		return nil, err
	}
	ts, err := entitiesByID[app.Ticket](ctx, db, db.read, tenant, kindTicket, tickets)
	if err != nil {
		return nil, err
	}
	claims, err := db.claimsOfTickets(ctx, tenant, tickets)
	if err != nil {
		return nil, err
	}
	for i := range out {
		r := &out[i]
		r.PartName = partName(ps[r.Part])
		t := ts[string(r.Ticket)]
		r.TicketNumber, r.Technician, r.Claim = t.Number, t.Technician, claims[string(r.Ticket)]
	}
	slices.SortFunc(out, func(a, b DefectiveReturn) int { return newerFirst(b.Since, b.Movement, a.Since, a.Movement) })
	return out, nil
}

// claimsOfTickets returns the claim ID of each of tickets that has one.
// A claim's evidence lists every defective return of its ticket.
func (db *DB) claimsOfTickets(ctx context.Context, tenant string, tickets []string) (map[string]string, error) {
	slices.Sort(tickets)
	tickets = slices.Compact(tickets)
	out := map[string]string{}
	for start := 0; start < len(tickets); start += fetchBatch {
		chunk := tickets[start:min(start+fetchBatch, len(tickets))]
		args := []any{tenant}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := db.read.QueryContext(ctx, db.q(`SELECT ticket, id FROM claims WHERE tenant = ? AND ticket IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`), args...)
		if err != nil {
			return nil, transient(err)
		}
		for rows.Next() {
			var ticket, id string
			if err := rows.Scan(&ticket, &id); err != nil {
				rows.Close()
				return nil, transient(err)
			}
			out[ticket] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, transient(err)
		}
	}
	return out, nil
}
