package central

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Page bounds, in uncompressed bytes of entity JSON. A bigger page means
// fewer round trips on a first sync; a smaller one loses less when a 2G
// link drops mid-page.
const (
	DefaultPageBytes = 1 << 20
	MinPageBytes     = 16 << 10
	MaxPageBytes     = 4 << 20
	// maxBatchesPerPage bounds the steps of one page: the change rows it
	// reads are at most this many pullBatches per scope.
	maxBatchesPerPage = 8
)

// pullBatch is how many change rows a page reads per scope per step: at
// least 2,000, and enough for a page of small entities (a part is about
// 340 bytes of JSON) to fill its budget, up to MaxPageBytes. A page cut
// by this count rather than by its bytes compresses worse and costs one
// more round trip.
func pullBatch(budget int) int { return min(max(budget/256, 2000), MaxPageBytes/256) }

// position is a place in the change log: changes are pulled in
// (version, kindOrder(kind), kind, id) order. One entity in two scopes (a
// ticket assigned to a technician and a store) has one row per scope with
// the same position and is sent once.
type position struct {
	Version int64
	Kind    string
	ID      string
}

func (a position) compare(b position) int {
	return cmp.Or(cmp.Compare(a.Version, b.Version), cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)),
		cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
}

// kindOrder ranks the kinds written in one transaction: what others refer
// to comes first. A ticket and the repair logged with it share a version;
// with the ticket first, a page that holds the repair holds its ticket
// already.
func kindOrder(kind string) int {
	switch kind {
	case kindTechnician, kindLocation, kindPart, kindRuleSet:
		return 0
	case kindTicket:
		return 1
	case kindRepair, kindPartUsed, kindPhoto, kindNote, kindSignature, kindPayment, kindEstimate, kindNotice, kindPasscode,
		kindPartRequest, kindLikelyParts:
		return 2
	case kindMovement, kindShipment:
		// A shipment after the requests it ships, with its movements.
		return 3
	}
	return 4 // conflicts, and kinds added later
}

// cursor is what the device keeps between pulls: the epoch it belongs to,
// a hash of the scope set it covers, the position reached, the version
// up to which the stock ledger reached the device as opening balances,
// and, while a pull from the start is under way, the history cutoff
// (unix seconds, app.HistoryCutoff of its first page; 0 after it): the
// closed tickets whose history it keeps back (historyaway.go).
type cursor struct {
	Epoch   string
	Scopes  uint32
	At      position
	Opening int64
	Cutoff  int64
}

func (c cursor) String() string {
	raw := c.Epoch + "\x00" + strconv.FormatUint(uint64(c.Scopes), 36) + "\x00" + strconv.FormatInt(c.At.Version, 36) + "\x00" + c.At.Kind + "\x00" + c.At.ID +
		"\x00" + strconv.FormatInt(c.Opening, 36)
	if c.Cutoff != 0 { // only during a pull from the start: every later sync sends the cursor
		raw += "\x00" + strconv.FormatInt(c.Cutoff, 36)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// maxCursorLen bounds a cursor a device sends: room for the position's
// ID at its longest in bytes (app.MaxIDLen characters of 4 bytes each)
// and the other fields (an epoch, base-36 numbers, a kind and separators,
// well under 128 bytes), in base64.
var maxCursorLen = base64.RawURLEncoding.EncodedLen(4*app.MaxIDLen + 128)

var errBadCursor = app.Errorf(app.EINVALID, "sync.bad_cursor", "The sync position sent by the device is malformed.")

func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	if len(s) > maxCursorLen {
		return cursor{}, errBadCursor
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, errBadCursor
	}
	f := strings.Split(string(raw), "\x00")
	if len(f) == 6 { // no cutoff: no pull from the start under way
		f = append(f, "0")
	}
	if len(f) != 7 {
		return cursor{}, errBadCursor
	}
	sc, err1 := strconv.ParseUint(f[1], 36, 32)
	v, err2 := strconv.ParseInt(f[2], 36, 64)
	o, err3 := strconv.ParseInt(f[5], 36, 64)
	co, err4 := strconv.ParseInt(f[6], 36, 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || v < 0 || o < 0 {
		return cursor{}, errBadCursor
	}
	return cursor{Epoch: f[0], Scopes: uint32(sc), At: position{v, f[3], f[4]}, Opening: o, Cutoff: co}, nil
}

// Scopes computes what a device pulls from the server's own data: its
// technician's tickets and conflicts, their store's tickets, the stock at
// the locations they use, the tenant's catalog and their country's rules.
func (db *DB) Scopes(ctx context.Context, q querier, p Principal) ([]string, error) {
	_, scopes, err := db.technicianScopes(ctx, q, p)
	return scopes, err
}

// technicianScopes returns the device's technician record and scopes.
func (db *DB) technicianScopes(ctx context.Context, q querier, p Principal) (app.Technician, []string, error) {
	var data string
	err := q.QueryRowContext(ctx, db.q(qTechnician), p.Tenant, string(p.Technician)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return app.Technician{}, nil, app.Errorf(app.EFORBIDDEN, "auth.no_technician", "This device's technician no longer exists on the server.")
	}
	if err != nil {
		return app.Technician{}, nil, transient(err)
	}
	var t app.Technician
	if err := json.Unmarshal([]byte(data), &t); err != nil {
		return app.Technician{}, nil, app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", "technician", "ID", string(p.Technician))
	}
	scopes := []string{techScope(p.Tenant, t.ID), catalogScope(p.Tenant), rulesScope(p.Tenant, strings.ToUpper(t.Country))}
	if t.Store != "" {
		scopes = append(scopes, storeScope(p.Tenant, t.Store))
	}
	if t.Van != "" {
		scopes = append(scopes, stockScope(p.Tenant, t.Van))
	}
	// Other locations the technician or their store uses (a defective bin,
	// the store's shelf).
	rows, err := q.QueryContext(ctx, db.q(qLocations), p.Tenant)
	if err != nil {
		return app.Technician{}, nil, transient(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return app.Technician{}, nil, transient(err)
		}
		var l app.Location
		if json.Unmarshal([]byte(data), &l) == nil && l.Owner != "" && (l.Owner == string(t.ID) || l.Owner == string(t.Store)) {
			if s := stockScope(p.Tenant, l.ID); !slices.Contains(scopes, s) {
				scopes = append(scopes, s)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return app.Technician{}, nil, transient(err)
	}
	slices.Sort(scopes)
	return t, scopes, nil
}

func scopesHash(scopes []string) uint32 {
	h := fnv.New32a()
	for _, s := range scopes {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum32()
}

// querier is a *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// PullResult is one page of a device's pull.
type PullResult struct {
	Data   app.Dataset
	Cursor string
	More   bool
	// Reset says the device's cursor was from another server epoch: it
	// drops its server rows before loading Data.
	Reset bool
	Epoch string
}

type changeRow struct {
	position
	gone bool
}

// Pull reads one page of the device's scopes after its cursor, at most
// about maxBytes of entity JSON (and at least one entity), from one
// consistent snapshot.
func (db *DB) Pull(ctx context.Context, p Principal, cursorText string, maxBytes int) (PullResult, error) {
	var res PullResult
	cur, err := parseCursor(cursorText)
	if err != nil {
		return res, err
	}
	maxBytes = min(max(maxBytes, MinPageBytes), MaxPageBytes)
	tx, err := db.snapshotTx(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	var scopes []string
	if cur, scopes, res.Epoch, res.Reset, err = db.pullFrom(ctx, tx, p, cursorText, cur); err != nil {
		return res, err
	}
	hash := scopesHash(scopes)
	first := cur.At.Version == 0
	pg := &page{db: db, tx: tx, tenant: p.Tenant, budget: maxBytes, tickets: map[app.TicketID]bool{}}
	if cur.Opening == 0 {
		// A new device gets each stock location's balance as one opening
		// movement instead of the location's whole ledger (years of it for
		// a busy van); the movements after this snapshot follow as usual.
		// The cursor keeps the snapshot's version from then on, so the
		// openings come once per pull from the start, however few rows
		// its first page had.
		if err := tx.QueryRowContext(ctx, `SELECT v FROM counter WHERE id = 1`).Scan(&cur.Opening); err != nil {
			return res, transient(err)
		}
		if err := pg.openingBalances(ctx, scopes, cur.Opening); err != nil {
			return res, err
		}
		cur.Cutoff = app.HistoryCutoff(db.now()).Unix()
	}
	pg.opening, pg.scopes = cur.Opening, scopes
	if cur.Cutoff != 0 {
		pg.cutoff = time.Unix(cur.Cutoff, 0)
	}
	at := cur.At
	full, more, seen := false, true, 0
	// A batch of change rows may leave the page short of its budget
	// (small rows, or history kept back): the next batch fills it, up to
	// maxBatchesPerPage.
	for batch := 0; more && !full && batch < maxBatchesPerPage; batch++ {
		var keys []changeRow
		if keys, more, err = db.nextChanges(ctx, tx, scopes, at, cur.Opening, pullBatch(maxBytes)); err != nil {
			return res, err
		}
		for start := 0; start < len(keys) && !full; start += fetchBatch {
			chunk := keys[start:min(start+fetchBatch, len(keys))]
			if err := pg.fetch(ctx, chunk); err != nil {
				return res, err
			}
			if err := pg.judge(ctx, chunk); err != nil {
				return res, err
			}
			for _, k := range chunk {
				if pg.used >= pg.budget && seen > 0 {
					more, full = true, true
					break
				}
				if err := pg.add(ctx, k, first); err != nil {
					return res, err
				}
				at, seen = k.position, seen+1
			}
		}
	}
	if err := pg.parents(ctx, scopes, at); err != nil {
		return res, err
	}
	if err := pg.awayCounts(ctx); err != nil {
		return res, err
	}
	if err := pg.wholeAgain(ctx); err != nil {
		return res, err
	}
	if !more {
		cur.Cutoff = 0 // the pull from the start is done
	}
	sortTickets(pg.data.Tickets)
	res.Data, res.More = pg.data, more
	res.Cursor = cursor{Epoch: res.Epoch, Scopes: hash, At: at, Opening: cur.Opening, Cutoff: cur.Cutoff}.String()
	return res, nil
}

// pullFrom is where a pull from cur (parsed from cursorText) starts in
// tx's snapshot: the device's scopes, the server epoch, and cur itself,
// or the start with reset set when cur belongs to another epoch or
// scope set. Pull and the wait (PullWaiting) share it, so a wait says
// "something to pull" exactly when a pull would bring it.
func (db *DB) pullFrom(ctx context.Context, tx *sql.Tx, p Principal, cursorText string, cur cursor) (_ cursor, scopes []string, epoch string, reset bool, err error) {
	if err := tx.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = 'epoch'`).Scan(&epoch); err != nil {
		return cur, nil, "", false, transient(err)
	}
	if scopes, err = db.Scopes(ctx, tx, p); err != nil {
		return cur, nil, "", false, err
	}
	switch {
	case cursorText == "":
	case cur.Epoch != epoch:
		// The server was restored: what the device holds may be newer
		// than what the server has. Start over from a clean slate.
		reset, cur = true, cursor{}
	case cur.Scopes != scopesHash(scopes):
		// The scope set changed (a new van, another country): start over.
		// A reset, because the stock arrives as new opening balances.
		reset, cur = true, cursor{}
	}
	return cur, scopes, epoch, reset, nil
}

// sortTickets puts a page's tickets in order of creation (created_at,
// then ID). Change order is write order, and tickets written together
// (an import, a loaded world) share a version and go by ID, at random
// for UUIDs: in order of creation, neighbours share their dates, their
// numbers' prefixes and their deadlines' days, and the heavy first
// sync's ticket pages compress 7 % smaller (docs/BENCHMARKS.md, "First
// sync bytes"). Nothing in a page depends on the order within a list.
func sortTickets(ts []app.TicketDetail) {
	slices.SortStableFunc(ts, func(a, b app.TicketDetail) int {
		return cmp.Or(a.Ticket.CreatedAt.Compare(b.Ticket.CreatedAt), cmp.Compare(a.Ticket.ID, b.Ticket.ID))
	})
}

// nextChanges merges the scopes' change rows after from, in position
// order, up to the point where every scope's rows are known. Movements up
// to version opening are left out: the device has them as opening
// balances.
func (db *DB) nextChanges(ctx context.Context, tx *sql.Tx, scopes []string, from position, opening int64, batch int) ([]changeRow, bool, error) {
	var all []changeRow
	var bound *position
	for _, sc := range scopes {
		rows, err := tx.QueryContext(ctx, db.q(`SELECT version, kind, id, gone FROM changes
			WHERE scope = ? AND (version, ord, kind, id) > (?, ?, ?, ?) AND NOT (kind = 'movement' AND version <= ?)
			ORDER BY version, ord, kind, id LIMIT ?`),
			sc, from.Version, kindOrder(from.Kind), from.Kind, from.ID, opening, batch)
		if err != nil {
			return nil, false, transient(err)
		}
		n := 0
		var last position
		for rows.Next() {
			var r changeRow
			var gone int64
			if err := rows.Scan(&r.Version, &r.Kind, &r.ID, &gone); err != nil {
				rows.Close()
				return nil, false, transient(err)
			}
			r.gone = gone != 0
			all = append(all, r)
			last, n = r.position, n+1
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, false, transient(err)
		}
		if n == batch && (bound == nil || last.compare(*bound) < 0) {
			b := last
			bound = &b
		}
	}
	slices.SortFunc(all, func(a, b changeRow) int {
		// Within one position, a live row sorts before a gone one, so an
		// entity in two scopes that left one of them is still sent.
		return cmp.Or(a.compare(b.position), boolOrder(a.gone, b.gone))
	})
	out := all[:0]
	for i, r := range all {
		if bound != nil && r.compare(*bound) > 0 {
			break
		}
		if i > 0 && r.position == all[i-1].position {
			continue
		}
		out = append(out, r)
	}
	return out, bound != nil, nil
}

func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// fetchBatch is how many entities a pull reads per query: one query per
// kind and batch instead of one per entity.
const fetchBatch = 400

// page accumulates one pull answer.
type page struct {
	db      *DB
	tx      *sql.Tx
	tenant  string
	budget  int
	used    int
	data    app.Dataset
	tickets map[app.TicketID]bool // tickets in the page
	facts   []app.TicketID        // tickets whose facts are in the page
	fetched map[entityKey]string  // entity JSON read ahead by fetch
	// The history kept back (historyaway.go): set while a pull from the
	// start is under way (cutoff not zero).
	opening  int64
	cutoff   time.Time
	scopes   []string
	ticketOf map[entityKey]app.TicketID // of the fetched facts
	keep     map[app.TicketID]bool      // tickets judged: their history stays back
	away     []int                      // indexes in data.Tickets of tickets sent without history
	whole    []app.TicketID             // tickets that changed during the pull, sent with their history
}

// fetch reads the current JSON of a batch of changed entities, one query
// per kind. The IN list is built of placeholders only.
func (pg *page) fetch(ctx context.Context, keys []changeRow) error {
	pg.fetched = make(map[entityKey]string, len(keys))
	pg.ticketOf = make(map[entityKey]app.TicketID, len(keys))
	byKind := map[string][]any{}
	for _, k := range keys {
		if !k.gone && k.Kind != kindPasscode { // not an entity: see addPasscode
			byKind[k.Kind] = append(byKind[k.Kind], k.ID)
		}
	}
	for kind, ids := range byKind {
		args := append([]any{pg.tenant, kind}, ids...)
		q := `SELECT id, ticket_id, data FROM entities WHERE tenant = ? AND kind = ? AND id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
		rows, err := pg.tx.QueryContext(ctx, pg.db.q(q), args...)
		if err != nil {
			return transient(err)
		}
		for rows.Next() {
			var id, ticket, data string
			if err := rows.Scan(&id, &ticket, &data); err != nil {
				rows.Close()
				return transient(err)
			}
			pg.fetched[entityKey{kind, id}] = data
			pg.ticketOf[entityKey{kind, id}] = app.TicketID(ticket)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return transient(err)
		}
	}
	return nil
}

func (pg *page) load(ctx context.Context, kind, id string) (string, bool, error) {
	if data, ok := pg.fetched[entityKey{kind, id}]; ok {
		pg.used += len(data)
		return data, true, nil
	}
	var data string
	err := pg.tx.QueryRowContext(ctx, pg.db.q(`SELECT data FROM entities WHERE tenant = ? AND kind = ? AND id = ?`), pg.tenant, kind, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, transient(err)
	}
	pg.used += len(data)
	return data, true, nil
}

// add puts the current state of one changed entity into the page. first
// says the device holds nothing yet, so "gone" rows are of no use to it.
func (pg *page) add(ctx context.Context, k changeRow, first bool) error {
	if k.gone {
		switch {
		case first:
		case k.Kind == kindTicket:
			pg.data.GoneTickets = append(pg.data.GoneTickets, app.TicketID(k.ID))
			pg.used += len(k.ID) + 3
		case k.Kind == kindConflict:
			pg.data.GoneConflicts = append(pg.data.GoneConflicts, k.ID)
			pg.used += len(k.ID) + 3
		}
		return nil
	}
	if k.Kind == kindPasscode {
		return pg.addPasscode(ctx, k.ID, first)
	}
	if pg.keptBack(k) {
		return nil
	}
	data, ok, err := pg.load(ctx, k.Kind, k.ID)
	if err != nil || !ok {
		return err
	}
	d := &pg.data
	var derr error
	switch k.Kind {
	case kindTicket:
		var t app.Ticket
		if derr = json.Unmarshal([]byte(data), &t); derr == nil && !pg.tickets[t.ID] {
			pg.tickets[t.ID] = true
			d.Tickets = append(d.Tickets, app.TicketDetail{Ticket: t})
			pg.judged(t, k.Version, len(d.Tickets)-1)
		}
	case kindRepair:
		derr = appendJSON(data, &d.Repairs, func(v app.RepairEntry) app.TicketID { return v.Ticket }, &pg.facts)
	case kindPartUsed:
		derr = appendJSON(data, &d.PartsUsed, func(v app.PartUsed) app.TicketID { return v.Ticket }, &pg.facts)
	case kindPhoto:
		derr = appendJSON(data, &d.Photos, func(v app.Photo) app.TicketID { return v.Ticket }, &pg.facts)
	case kindNote:
		derr = appendJSON(data, &d.Notes, func(v app.Note) app.TicketID { return v.Ticket }, &pg.facts)
	case kindSignature:
		derr = appendJSON(data, &d.Signatures, func(v app.Signature) app.TicketID { return v.Ticket }, &pg.facts)
	case kindPayment:
		derr = appendJSON(data, &d.Payments, func(v app.Payment) app.TicketID { return v.Ticket }, &pg.facts)
	case kindEstimate:
		derr = appendJSON(data, &d.Estimates, func(v app.Estimate) app.TicketID { return v.Ticket }, &pg.facts)
	case kindNotice:
		derr = appendJSON(data, &d.CustomerNotices, func(v app.CustomerNotice) app.TicketID { return v.Ticket }, &pg.facts)
	case kindPartRequest:
		derr = appendJSON(data, &d.PartRequests, func(v app.PartRequest) app.TicketID { return v.Ticket }, &pg.facts)
	case kindLikelyParts:
		derr = appendJSON(data, &d.LikelyParts, func(v app.LikelyParts) app.TicketID { return v.Ticket }, &pg.facts)
	case kindShipment:
		derr = appendJSON(data, &d.Shipments, nil, nil)
	case kindPart:
		derr = appendJSON(data, &d.Parts, nil, nil)
	case kindLocation:
		derr = appendJSON(data, &d.Locations, nil, nil)
	case kindMovement:
		derr = appendJSON(data, &d.Movements, nil, nil)
	case kindRuleSet:
		derr = appendJSON(data, &d.RuleSets, nil, nil)
	case kindTechnician:
		derr = appendJSON(data, &d.Technicians, nil, nil)
	case kindConflict:
		derr = appendJSON(data, &d.Conflicts, nil, nil)
	default:
		return fmt.Errorf("pull: unknown entity kind %q", k.Kind)
	}
	if derr != nil {
		return app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", k.Kind, "ID", k.ID).WithCause(derr)
	}
	return nil
}

func appendJSON[T any](data string, list *[]T, ticketOf func(T) app.TicketID, facts *[]app.TicketID) error {
	var v T
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		return err
	}
	*list = append(*list, v)
	if ticketOf != nil {
		*facts = append(*facts, ticketOf(v))
	}
	return nil
}

// parents adds the ticket of every fact in the page whose own change row
// comes after the page (the ticket changed after the fact was recorded):
// the device may not have it yet, and a fact must never arrive before its
// ticket. A ticket whose row is at or before the page's end is in this
// page or an earlier one. One query looks up all of the page's tickets.
// A part request whose ticket is in none of the scopes is left out.
func (pg *page) parents(ctx context.Context, scopes []string, end position) error {
	var ids []any
	seen := map[app.TicketID]bool{}
	for _, id := range pg.facts {
		if !pg.tickets[id] && !seen[id] {
			seen[id] = true
			ids = append(ids, string(id))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var later []position
	held := map[app.TicketID]bool{} // tickets with a live row in the scopes
	for start := 0; start < len(ids); start += fetchBatch {
		chunk := ids[start:min(start+fetchBatch, len(ids))]
		args := make([]any, 0, len(scopes)+len(chunk))
		for _, sc := range scopes {
			args = append(args, sc)
		}
		args = append(args, chunk...)
		rows, err := pg.tx.QueryContext(ctx, pg.db.q(`SELECT id, max(version) FROM changes WHERE kind = 'ticket' AND gone = 0
			AND scope IN (?`+strings.Repeat(", ?", len(scopes)-1)+`) AND id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`) GROUP BY id`), args...)
		if err != nil {
			return transient(err)
		}
		for rows.Next() {
			var id string
			var v int64
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return transient(err)
			}
			held[app.TicketID(id)] = true
			if at := (position{Version: v, Kind: kindTicket, ID: id}); at.compare(end) > 0 {
				later = append(later, at)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return transient(err)
		}
	}
	// A part request is also in the stock scope of the location it is
	// for, where its ticket may be another's: it reaches a device only
	// with its ticket, which the device's store requires.
	pg.data.PartRequests = slices.DeleteFunc(pg.data.PartRequests, func(r app.PartRequest) bool {
		return !pg.tickets[r.Ticket] && !held[r.Ticket]
	})
	slices.SortFunc(later, func(a, b position) int { return cmp.Compare(a.ID, b.ID) })
	for _, at := range later {
		if err := pg.add(ctx, changeRow{position: at}, true); err != nil {
			return err
		}
	}
	return nil
}

// CursorPosition reads the epoch and change-log version a device's cursor
// has reached; audits use it to check that cursors never go backwards.
func CursorPosition(s string) (epoch string, version int64, ok bool) {
	c, err := parseCursor(s)
	if err != nil {
		return "", 0, false
	}
	return c.Epoch, c.At.Version, true
}

// openingBalances puts into the page, for each stock location in scopes,
// one adjustment per part holding the location's balance as of version
// (the snapshot being read). Their IDs name the version, so a later first
// pull's openings never collide with these. A defective bin's balance is
// split by the movements its units arrived with (sourcedOpenings), so the
// device can name the ticket each returned part was removed on; another
// location's by the serialized units the service has there
// (unitOpenings), so the device knows which units it holds.
func (pg *page) openingBalances(ctx context.Context, scopes []string, version int64) error {
	prefix := pg.tenant + "/stock:"
	var locs []any
	for _, sc := range scopes {
		if loc, ok := strings.CutPrefix(sc, prefix); ok {
			locs = append(locs, loc)
		}
	}
	if len(locs) == 0 {
		return nil
	}
	defective, err := pg.defectiveBins(ctx, locs)
	if err != nil {
		return err
	}
	rows, err := pg.tx.QueryContext(ctx, pg.db.q(`SELECT location, part, CAST(sum(delta) AS BIGINT) FROM ledger
		WHERE tenant = ? AND location IN (?`+strings.Repeat(", ?", len(locs)-1)+`)
		GROUP BY location, part HAVING sum(delta) <> 0 ORDER BY location, part`), append([]any{pg.tenant}, locs...)...)
	if err != nil {
		return transient(err)
	}
	type balance struct {
		loc, part string
		qty       int64
	}
	var bal []balance
	for rows.Next() {
		var b balance
		if err := rows.Scan(&b.loc, &b.part, &b.qty); err != nil {
			rows.Close()
			return transient(err)
		}
		bal = append(bal, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return transient(err)
	}
	now := pg.db.now()
	need := map[string]map[string]int64{} // defective bin, part: units
	for _, b := range bal {
		if defective[b.loc] && b.qty > 0 {
			if need[b.loc] == nil {
				need[b.loc] = map[string]int64{}
			}
			need[b.loc][b.part] = b.qty
		}
	}
	sourced := map[string]map[string][]app.StockMovement{}
	for bin, parts := range need {
		if sourced[bin], err = pg.sourcedOpenings(ctx, bin, parts, version); err != nil {
			return err
		}
	}
	held := map[string]map[string]int64{} // other location, part: units
	for _, b := range bal {
		if !defective[b.loc] && b.qty > 0 {
			if held[b.loc] == nil {
				held[b.loc] = map[string]int64{}
			}
			held[b.loc][b.part] = b.qty
		}
	}
	for loc, parts := range held {
		if sourced[loc], err = pg.unitOpenings(ctx, loc, parts, version, now); err != nil {
			return err
		}
	}
	for _, b := range bal {
		ms, ok := sourced[b.loc][b.part]
		if !ok {
			ms = []app.StockMovement{opening(version, b.loc, b.part, b.qty, now)}
		}
		for _, m := range ms {
			// Counted at their size, as the page's other entities are.
			data, err := json.Marshal(m)
			if err != nil {
				return fmt.Errorf("encode opening %s: %w", m.ID, err)
			}
			pg.used += len(data)
			pg.data.Movements = append(pg.data.Movements, m)
		}
	}
	return nil
}

// opening is the adjustment that gives a device qty of part at loc as of
// version, sourced from no movement in particular.
func opening(version int64, loc, part string, qty int64, at time.Time) app.StockMovement {
	return app.StockMovement{ID: openingID(version, loc, part, ""), Kind: app.MoveAdjust, Part: app.PartNumber(part),
		To: app.LocationID(loc), Qty: int(qty), Reason: app.OpeningReason, At: at, Recorded: "central"}
}

// openingID names an opening by the snapshot's version, its location and
// part, and the movement it stands for ("" for a location's whole
// balance of the part).
func openingID(version int64, loc, part, source string) string {
	key := strconv.FormatInt(version, 10) + "\x00" + loc + "\x00" + part
	if source != "" {
		key += "\x00" + source
	}
	sum := sha256.Sum256([]byte(key))
	return "open-" + hex.EncodeToString(sum[:12])
}

// defectiveBins says which of locs are defective-returns bins.
func (pg *page) defectiveBins(ctx context.Context, locs []any) (map[string]bool, error) {
	rows, err := pg.tx.QueryContext(ctx, pg.db.q(`SELECT id, data FROM entities WHERE tenant = ? AND kind = 'location' AND id IN (?`+
		strings.Repeat(", ?", len(locs)-1)+`)`), append([]any{pg.tenant}, locs...)...)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return nil, transient(err)
		}
		var l app.Location
		if err := json.Unmarshal([]byte(data), &l); err != nil {
			return nil, app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kindLocation, "ID", id).WithCause(err)
		}
		out[id] = l.Kind == app.LocationDefective
	}
	return out, transient(rows.Err())
}

// maxSourcedOpenings bounds the openings of one part of a defective bin
// that name their source; older units arrive as one opening without.
// The parts page names a part's latest three sources.
const maxSourcedOpenings = 20

// sourcedOpenings splits the units of each part in a defective bin (need,
// all positive) among the movements they arrived with, latest first: one
// opening per movement, with its ticket, serial, reason, time, shipment
// and kind (Source: a transfer is a report of damage), so a device that never saw those movements can still name the
// ticket each returned part came from, or the parcel it arrived damaged in. It reads the bin's arrivals of those parts,
// no more than the bin's ledger.
func (pg *page) sourcedOpenings(ctx context.Context, bin string, need map[string]int64, version int64) (map[string][]app.StockMovement, error) {
	arrivals, err := pg.arrivals(ctx, bin, slices.Sorted(maps.Keys(need)))
	if err != nil {
		return nil, err
	}
	left := maps.Clone(need)
	out := map[string][]app.StockMovement{}
	for _, a := range arrivals {
		part := string(a.m.Part)
		n := left[part]
		if n <= 0 {
			continue
		}
		if len(out[part]) == maxSourcedOpenings {
			// The units left arrived with this movement or before it.
			out[part] = append(out[part], opening(version, bin, part, n, a.m.At))
			left[part] = 0
			continue
		}
		q := min(n, a.delta)
		out[part] = append(out[part], app.StockMovement{ID: openingID(version, bin, part, a.m.ID), Kind: app.MoveAdjust, Part: a.m.Part,
			To: app.LocationID(bin), Qty: int(q), Serial: a.m.Serial, Ticket: a.m.Ticket, Reason: a.m.Reason, At: a.m.At, Recorded: a.m.Recorded,
			Shipment: a.m.Shipment, Source: a.m.Kind})
		left[part] = n - q
	}
	// A balance is at most the sum of its arrivals: nothing is left over.
	return out, pg.nameOpenings(ctx, out)
}

// arrival is a movement into a location and the units it brought there.
type arrival struct {
	delta int64
	m     app.StockMovement
}

// arrivals reads the movements that brought parts into loc, latest first
// (by at, then ID): as many rows as loc's ledger has arrivals of parts.
func (pg *page) arrivals(ctx context.Context, loc string, parts []string) ([]arrival, error) {
	var out []arrival
	for start := 0; start < len(parts); start += fetchBatch {
		chunk := parts[start:min(start+fetchBatch, len(parts))]
		args := []any{pg.tenant, loc}
		for _, part := range chunk {
			args = append(args, part)
		}
		rows, err := pg.tx.QueryContext(ctx, pg.db.q(`SELECT l.movement, l.part, l.delta, e.data FROM ledger l
			JOIN entities e ON e.tenant = l.tenant AND e.kind = 'movement' AND e.id = l.movement
			WHERE l.tenant = ? AND l.location = ? AND l.delta > 0 AND l.part IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`), args...)
		if err != nil {
			return nil, transient(err)
		}
		for rows.Next() {
			var a arrival
			var id, part, data string
			if err := rows.Scan(&id, &part, &a.delta, &data); err != nil {
				rows.Close()
				return nil, transient(err)
			}
			if err := json.Unmarshal([]byte(data), &a.m); err != nil {
				rows.Close()
				return nil, app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kindMovement, "ID", id).WithCause(err)
			}
			a.m.Part = app.PartNumber(part)
			out = append(out, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, transient(err)
		}
	}
	slices.SortFunc(out, func(a, b arrival) int { return cmp.Or(b.m.At.Compare(a.m.At), cmp.Compare(a.m.ID, b.m.ID)) })
	return out, nil
}

// maxUnitOpenings bounds the openings of one part at a location (other
// than a defective bin) that name a unit: a shelf of thousands of units
// would otherwise make a first page of thousands of openings per part.
// The units past it arrive in the opening without a serial. A location
// holds at most maxLocationUnitOpenings of them in all (parts in order of
// their numbers), so a store's shelf of a thousand serialized parts adds
// at most about 250 KB to the first page.
const (
	maxUnitOpenings         = 100
	maxLocationUnitOpenings = 1000
)

// unitOpenings splits the balances of loc, a location other than a
// defective bin (need: part, units, all positive), into one opening per
// unit the service has there (serial_units), so a new device knows the
// serials in its van: in order of serial, at most the balance and
// maxUnitOpenings of a part (and maxLocationUnitOpenings in all), each of 1 unit with its serial and the time,
// recorder, shipment and kind (Source) of the latest movement that
// brought that serial there; the rest of the balance, if any, is one
// opening without a serial. A part of which the service knows no unit
// there is left out, and arrives as one opening. It reads loc's units and
// its arrivals of the parts that have units there.
func (pg *page) unitOpenings(ctx context.Context, loc string, need map[string]int64, version int64, now time.Time) (map[string][]app.StockMovement, error) {
	// In the serials' byte order on both databases (collate), as the
	// device's own list of units (store.PartService.Units) is.
	rows, err := pg.tx.QueryContext(ctx, pg.db.q(`SELECT part, serial FROM serial_units WHERE tenant = ? AND place_kind = ? AND place = ?
		ORDER BY part`+pg.db.collate()+`, serial`+pg.db.collate()), pg.tenant, placeLocation, loc)
	if err != nil {
		return nil, transient(err)
	}
	units := map[string][]string{} // part: the serials sent
	sent := 0
	for rows.Next() {
		var part, serial string
		if err := rows.Scan(&part, &serial); err != nil {
			rows.Close()
			return nil, transient(err)
		}
		if n := int64(len(units[part])); n < need[part] && n < maxUnitOpenings && sent < maxLocationUnitOpenings {
			units[part] = append(units[part], serial)
			sent++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, transient(err)
	}
	if len(units) == 0 {
		return nil, nil
	}
	arrivals, err := pg.arrivals(ctx, loc, slices.Sorted(maps.Keys(units)))
	if err != nil {
		return nil, err
	}
	type unit struct{ part, serial string }
	latest := map[unit]app.StockMovement{}
	for _, a := range arrivals {
		u := unit{string(a.m.Part), a.m.Serial}
		if _, ok := latest[u]; !ok && u.serial != "" {
			latest[u] = a.m
		}
	}
	out := map[string][]app.StockMovement{}
	for part, serials := range units {
		for _, sn := range serials {
			m := app.StockMovement{ID: openingID(version, loc, part, "serial\x00"+sn), Kind: app.MoveAdjust, Part: app.PartNumber(part),
				To: app.LocationID(loc), Qty: 1, Serial: sn, Reason: app.OpeningReason, At: now, Recorded: "central"}
			if a, ok := latest[unit{part, sn}]; ok {
				m.At, m.Recorded, m.Shipment, m.Source = a.At, a.Recorded, a.Shipment, a.Kind
			}
			out[part] = append(out[part], m)
		}
		if rest := need[part] - int64(len(serials)); rest > 0 {
			out[part] = append(out[part], opening(version, loc, part, rest, now))
		}
	}
	return out, nil
}

// nameOpenings gives each sourced opening a reason, which an adjustment
// needs: its movement's own, else its ticket's number (the device shows
// it for a ticket it does not hold), else app.OpeningReason.
func (pg *page) nameOpenings(ctx context.Context, openings map[string][]app.StockMovement) error {
	var ids []any
	seen := map[app.TicketID]bool{}
	for _, ms := range openings {
		for _, m := range ms {
			if m.Reason == "" && m.Ticket != "" && !seen[m.Ticket] {
				seen[m.Ticket] = true
				ids = append(ids, string(m.Ticket))
			}
		}
	}
	numbers := map[app.TicketID]string{}
	for start := 0; start < len(ids); start += fetchBatch {
		chunk := ids[start:min(start+fetchBatch, len(ids))]
		rows, err := pg.tx.QueryContext(ctx, pg.db.q(`SELECT id, data FROM entities WHERE tenant = ? AND kind = 'ticket' AND id IN (?`+
			strings.Repeat(", ?", len(chunk)-1)+`)`), append([]any{pg.tenant}, chunk...)...)
		if err != nil {
			return transient(err)
		}
		for rows.Next() {
			var id, data string
			var t app.Ticket
			if err := rows.Scan(&id, &data); err != nil {
				rows.Close()
				return transient(err)
			}
			if json.Unmarshal([]byte(data), &t) == nil {
				numbers[app.TicketID(id)] = t.Number
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return transient(err)
		}
	}
	for _, ms := range openings {
		for i := range ms {
			if ms[i].Reason == "" {
				ms[i].Reason = numbers[ms[i].Ticket]
			}
			if ms[i].Reason == "" {
				ms[i].Reason = app.OpeningReason
			}
		}
	}
	return nil
}

// snapshotTx begins a read-only transaction that sees one snapshot (on
// PostgreSQL REPEATABLE READ; SQLite's read transactions do already): a
// page or a history answer is consistent with itself.
func (db *DB) snapshotTx(ctx context.Context) (*sql.Tx, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == dialectPostgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	return tx, transient(err)
}
