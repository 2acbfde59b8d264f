package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/fieldbench/fieldbench/app"
)

var _ app.TicketService = (*TicketService)(nil)

// TicketService implements app.TicketService on a DB.
type TicketService struct {
	db *DB
	// countCap is where ListTickets stops counting; 0 is
	// app.TicketCountCap (tests set a small one).
	countCap int
}

// NewTicketService returns the ticket service of db.
func NewTicketService(db *DB) *TicketService { return &TicketService{db: db} }

// Default and maximum page sizes of FindTickets.
const (
	defaultTicketLimit = 50
	maxTicketLimit     = 500
)

// FindTickets returns one page of tickets and the number matching f.
//
// Views partition the tickets: ViewToday is every open ticket not waiting
// for parts whose appointment starts or whose resolution is due before the
// end of f.Now's day (so overdue ones stay on it), or that has neither
// (unscheduled work needs attention); ViewUpcoming is the other open ones
// not waiting for parts; ViewWaitingParts and ViewDone (not Status.Open)
// are by status. Query words must each match the number, customer name,
// phone (also ignoring spaces and dashes) or serial, as FindParts matches
// words: 3+ characters anywhere, shorter ones as Chinese characters or the
// start of a word (a single letter narrows nothing). f.Now defaults to the
// store's clock, f.Location to f.Now's. The default order is by
// appointment, and most recently updated first for ViewDone; a search
// without f.Sort lists the ticket that came to this device last first
// (the search index's order, so a search matching thousands stops at the
// page). An unknown view or sort is EINVALID; a device past its lease,
// ELEASE ("lease.locked").
func (s *TicketService) FindTickets(ctx context.Context, f app.TicketFilter) ([]app.Ticket, int, error) {
	out := []app.Ticket{}
	var total int
	err := s.find(ctx, f, 0, func(tx *sql.Tx, rids []any, n int, _ bool) error {
		total = n
		if len(rids) == 0 {
			return nil
		}
		var err error
		out, err = ticketsByRID(ctx, tx, rids)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// ListTickets returns FindTickets's page as list rows, read from the
// ticket rows' list_row (0011_ticket_rows.sql, listrow.go), and its count
// up to app.TicketCountCap.
func (s *TicketService) ListTickets(ctx context.Context, f app.TicketFilter) (app.TicketList, error) {
	out := app.TicketList{Rows: []app.TicketRow{}}
	countCap := s.countCap
	if countCap == 0 {
		countCap = app.TicketCountCap
	}
	err := s.find(ctx, f, countCap, func(tx *sql.Tx, rids []any, n int, more bool) error {
		out.Total, out.More = n, more
		if len(rids) == 0 {
			return nil
		}
		var err error
		out.Rows, err = ticketRowsByRID(ctx, tx, rids)
		return err
	})
	if err != nil {
		return app.TicketList{}, err
	}
	return out, nil
}

// find runs f's page and count in one read transaction and hands the
// page's row IDs, in order, to read with the count: exact when countCap is
// 0, else at most countCap and more set when more tickets match.
func (s *TicketService) find(ctx context.Context, f app.TicketFilter, countCap int, read func(tx *sql.Tx, rids []any, total int, more bool) error) error {
	if err := s.db.checkLease(ctx); err != nil {
		return err
	}
	where, args, match, err := s.db.ticketWhere(f)
	if err != nil {
		return err
	}
	order, err := ticketOrder(f)
	if err != nil {
		return err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultTicketLimit
	}
	limit = min(limit, maxTicketLimit)
	offset := max(f.Offset, 0)

	err = s.db.readTx(ctx, func(tx *sql.Tx) error {
		var rids []any
		var total int
		var err error
		switch {
		case match == "" && f.View == app.ViewUpcoming && f.Sort == app.SortPriority && f.Technician != "":
			var in string
			var ps []any
			if in, ps, err = openPriorities(ctx, tx, f.Technician); err == nil {
				rids, total, err = listPage(ctx, tx, where, order, args, limit, offset, countCap, in, ps...)
			}
		case match == "":
			rids, total, err = listPage(ctx, tx, where, order, args, limit, offset, countCap, "")
		case f.Sort == "":
			rids, total, err = newestMatches(ctx, tx, where, append(args, match), limit, offset, countCap)
		default:
			rids, total, err = searchPage(ctx, tx, where, order, append(args, match), limit, offset)
		}
		if err != nil {
			return err
		}
		more := countCap > 0 && total > countCap
		if more {
			total = countCap
		}
		return read(tx, rids, total, more)
	})
	return s.db.sqlError(err)
}

// ftsMatch is the condition of a search in the queries of a search with
// an order of ticketOrder: its argument follows those of the WHERE.
const ftsMatch = `rid IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?)`

// listPage returns the row IDs of a page of a list and the number of
// tickets in it (up to countCap+1 when countCap > 0): the page is the first
// rows of the index of the order (see 0009_ticket_lists.sql), read in
// order and stopped at the limit; the count reads the list's range of an
// index, never the table, and stops past countCap. narrow, when not "",
// is a condition the page's query adds, with its arguments narrowArgs,
// that lets it seek (openPriorities); the count does without it.
func listPage(ctx context.Context, tx *sql.Tx, where, order string, args []any, limit, offset, countCap int, narrow string, narrowArgs ...any) ([]any, int, error) {
	pageWhere, pageArgs := where, slices.Clip(args)
	if narrow != "" {
		pageWhere, pageArgs = where+" AND "+narrow, append(pageArgs, narrowArgs...)
	}
	rids, err := queryRIDs(ctx, tx, listPageQuery(pageWhere, order), append(pageArgs, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	if n := len(rids); (n > 0 || offset == 0) && n < limit {
		return rids, offset + n, nil // the list ends on this page
	}
	var total int
	err = tx.QueryRowContext(ctx, cappedCount(listCountQuery(where), countCap), args...).Scan(&total)
	return rids, total, err
}

// maxOpenPriorities bounds the priorities openPriorities looks for: the
// app knows four (app.PriorityUrgent to app.PriorityLow).
const maxOpenPriorities = 8

// openPrioritiesQuery is the next priority of a technician's open
// tickets (list_state 1) above a given one: one seek in
// tickets_list_priority (plan_test.go).
var openPrioritiesQuery = `SELECT min(priority) FROM tickets WHERE technician = ? AND list_state = ` + strconv.Itoa(listOpen) + ` AND priority > ?`

// openPriorities returns the condition "priority IN (...)" naming every
// priority of tech's open tickets, and its arguments, or "" when there
// are none or more than maxOpenPriorities. It changes no list: it names
// every priority there is. It lets "upcoming" by priority seek, per
// priority, past the tickets whose SLA is due today in
// tickets_list_priority (technician, list_state, priority, rb_key, ...),
// where without it they are read to be skipped (those due today by their
// appointment alone still are). SQLite walks an IN list in order, so the
// page is still read in the index's order, without a sort.
func openPriorities(ctx context.Context, tx *sql.Tx, tech app.TechnicianID) (string, []any, error) {
	var ps []any
	last := int64(math.MinInt64)
	for {
		var p sql.NullInt64
		if err := tx.QueryRowContext(ctx, openPrioritiesQuery, string(tech), last).Scan(&p); err != nil {
			return "", nil, err
		}
		if !p.Valid {
			break
		}
		if len(ps) == maxOpenPriorities {
			return "", nil, nil
		}
		ps = append(ps, p.Int64)
		last = p.Int64
	}
	if len(ps) == 0 {
		return "", nil, nil
	}
	return "priority IN (?" + strings.Repeat(", ?", len(ps)-1) + ")", ps, nil
}

// newestMatches returns the row IDs of a page of a search in the order of
// the search index, newest row first, and the number of matches (up to
// countCap+1 when countCap > 0): FTS5 yields its matches in that order, so
// neither the page nor a capped count visits every match.
func newestMatches(ctx context.Context, tx *sql.Tx, where string, args []any, limit, offset, countCap int) ([]any, int, error) {
	rids, err := queryRIDs(ctx, tx, newestPageQuery(where), append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	if n := len(rids); (n > 0 || offset == 0) && n < limit {
		return rids, offset + n, nil // the matches end on this page
	}
	var total int
	err = tx.QueryRowContext(ctx, cappedCount(newestCountQuery(where), countCap), args...).Scan(&total)
	return rids, total, err
}

// searchPage returns the row IDs of a page of a search in an order of
// ticketOrder with the number of tickets matching, in one pass over the
// matches (the search is evaluated once, not again for a count), each
// read from the index tickets_search.
func searchPage(ctx context.Context, tx *sql.Tx, where, order string, args []any, limit, offset int) ([]any, int, error) {
	rows, err := tx.QueryContext(ctx, searchPageQuery(where, order), append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var rids []any
	var total int
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid, &total); err != nil {
			return nil, 0, err
		}
		rids = append(rids, rid)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(rids) == 0 && offset > 0 {
		// Past the end: the window saw no row to count.
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM tickets INDEXED BY tickets_search WHERE `+where+` AND `+ftsMatch, args...).Scan(&total)
	}
	return rids, total, err
}

func queryRIDs(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]any, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rids []any
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			return nil, err
		}
		rids = append(rids, rid)
	}
	return rids, rows.Err()
}

// The queries of FindTickets (plan_test.go pins their plans).
func listPageQuery(where, order string) string {
	return `SELECT rid FROM tickets WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
}

// listCountQuery counts a list on one index range: left free, SQLite
// counts "due today" as the union of three index searches, deduplicated,
// several times slower than reading the list's range once.
func listCountQuery(where string) string {
	return `SELECT count(*) FROM tickets INDEXED BY tickets_list_appointment WHERE ` + where
}

// cappedCount is a count query that stops at countCap+1 rows (0: counts
// all): a count(*) over a subquery with a LIMIT.
func cappedCount(count string, countCap int) string {
	if countCap <= 0 {
		return count
	}
	from := strings.TrimPrefix(count, `SELECT count(*) `)
	return `SELECT count(*) FROM (SELECT 1 ` + from + ` LIMIT ` + strconv.Itoa(countCap+1) + `)`
}

// newestFrom is a search's matches joined to the columns its conditions
// read: FTS5 drives the join, in its order of row IDs.
const newestFrom = `FROM tickets_fts JOIN tickets INDEXED BY tickets_search ON tickets.rid = tickets_fts.rowid WHERE `

func newestPageQuery(where string) string {
	return `SELECT tickets.rid ` + newestFrom + where + ` AND tickets_fts MATCH ? ORDER BY tickets_fts.rowid DESC LIMIT ? OFFSET ?`
}

func newestCountQuery(where string) string {
	return `SELECT count(*) ` + newestFrom + where + ` AND tickets_fts MATCH ?`
}

func searchPageQuery(where, order string) string {
	return `SELECT rid, count(*) OVER () FROM tickets INDEXED BY tickets_search WHERE ` + where + ` AND ` + ftsMatch + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
}

// ticketsByRID reads and decodes tickets, in the order of rids.
func ticketsByRID(ctx context.Context, q rowQueryer, rids []any) ([]app.Ticket, error) {
	rows, err := q.QueryContext(ctx, `SELECT rid, data FROM tickets WHERE rid IN (?`+strings.Repeat(", ?", len(rids)-1)+`)`, rids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byRID := make(map[int64]app.Ticket, len(rids))
	for rows.Next() {
		var rid int64
		var data []byte
		if err := rows.Scan(&rid, &data); err != nil {
			return nil, err
		}
		t, err := decodeTicket(data)
		if err != nil {
			return nil, err
		}
		byRID[rid] = t
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]app.Ticket, 0, len(rids))
	for _, rid := range rids {
		if t, ok := byRID[rid.(int64)]; ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// ticketRowsByRID reads list rows from the ticket rows' list_row, in the
// order of rids.
func ticketRowsByRID(ctx context.Context, q rowQueryer, rids []any) ([]app.TicketRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT rid, list_row FROM tickets WHERE rid IN (?`+strings.Repeat(", ?", len(rids)-1)+`)`, rids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byRID := make(map[int64]app.TicketRow, len(rids))
	for rows.Next() {
		var rid int64
		var data string
		if err := rows.Scan(&rid, &data); err != nil {
			return nil, err
		}
		r, err := decodeListRow(data)
		if err != nil {
			return nil, app.Errorf(app.ECORRUPT, "store.ticket_damaged", "A ticket record on this device is damaged. Sync to download it again.").WithCause(err)
		}
		byRID[rid] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]app.TicketRow, 0, len(rids))
	for _, rid := range rids {
		if r, ok := byRID[rid.(int64)]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// ticketWhere builds the WHERE clause of a ticket filter without its
// search, and the search's FTS5 expression ("" for none).
func (db *DB) ticketWhere(f app.TicketFilter) (string, []any, string, error) {
	var conds []string
	var args []any
	if f.Technician != "" {
		conds = append(conds, "technician = ?")
		args = append(args, string(f.Technician))
	}
	now := f.Now
	if now.IsZero() {
		now = db.now()
	}
	loc := f.Location
	if loc == nil {
		loc = now.Location()
	}
	y, m, d := now.In(loc).Date()
	dayEnd := time.Date(y, m, d+1, 0, 0, 0, 0, loc).UnixNano()
	// due: the appointment starts or the resolution is due before the end
	// of today (overdue included), or the ticket has no schedule at all;
	// ws_key and rb_key hold NULL as the largest value (0009_ticket_lists),
	// so the test is two-valued and NOT due is exactly the rest.
	const due = "(ws_key < ? OR rb_key < ? OR (ws_key = 9223372036854775807 AND rb_key = 9223372036854775807))"
	// NOT due, written as ranges: the index of the order (by appointment
	// or by SLA) and the count's then seek past today instead of reading
	// the open tickets due today, most of the counter's, to skip them.
	const notDue = "ws_key >= ? AND rb_key >= ? AND NOT (ws_key = 9223372036854775807 AND rb_key = 9223372036854775807)"
	switch f.View {
	case app.ViewAll:
	case app.ViewToday:
		conds = append(conds, "list_state = "+strconv.Itoa(listOpen), due)
		args = append(args, dayEnd, dayEnd)
	case app.ViewUpcoming:
		conds = append(conds, "list_state = "+strconv.Itoa(listOpen), notDue)
		args = append(args, dayEnd, dayEnd)
	case app.ViewWaitingParts:
		conds = append(conds, "list_state = "+strconv.Itoa(listWaiting))
	case app.ViewDone:
		conds = append(conds, "list_state = "+strconv.Itoa(listDone))
	default:
		return "", nil, "", app.Errorf(app.EINVALID, "tickets.bad_view", "Unknown ticket list {{.View}}.", "View", string(f.View))
	}
	match := technicianMatch(f.Technician, ticketMatchExpr(queryWords(f.Query)))
	if len(conds) == 0 {
		return "1", args, match, nil
	}
	return strings.Join(conds, " AND "), args, match, nil
}

// ticketOrder returns the ORDER BY of a list, each the order of an index
// of 0009_ticket_lists. Unscheduled tickets go last in appointment and SLA
// order (ws_key and rb_key hold NULL as the largest value); the number,
// then the row, break ties so pages never overlap.
func ticketOrder(f app.TicketFilter) (string, error) {
	const (
		appointment = "ws_key, rb_key, priority"
		ties        = ", number, rid"
	)
	switch f.Sort {
	case "":
		if f.View == app.ViewDone {
			return "updated_at DESC" + ties, nil
		}
		return appointment + ties, nil
	case app.SortAppointment:
		return appointment + ties, nil
	case app.SortSLA:
		return "rb_key, priority, ws_key" + ties, nil
	case app.SortPriority:
		return "priority, rb_key, ws_key" + ties, nil
	}
	return "", app.Errorf(app.EINVALID, "tickets.bad_sort", "Unknown ticket order {{.Sort}}.", "Sort", string(f.Sort))
}

// ticketMatchExpr is matchExpr for tickets. The phone is indexed as its
// digits only, so "+86 138 0013 8000", "0013-8000" and "13800138000" all
// find it: a word of digits and punctuation matches as its digits, and a
// word with letters matches as itself, or as its digits too when it reads
// as a phone ("tel:13800138000", app.PhoneText). A serial's scattered
// digits are no phone: "C02XK1ZZJG5H" must not find a stranger whose
// phone holds "0215".
//
// A query that reads as a phone as a whole also finds the phones that
// hold its app.PhoneLookupKey, as the board and the counter's look-up
// do: "+86 138 0013 8000" and "tel:+8613800138000" find "138 0013 8000",
// whose digits lack the country code the query's words carry.
//
// The words are folded (app.Fold) as the index's text is
// (ticketSearchValues): "strasse" finds "Straße", "１３８" finds "138".
func ticketMatchExpr(words []string) string {
	words = foldWords(words)
	var terms []string
	for _, w := range words {
		digits := app.PhoneDigits(w)
		hasLetter := strings.ContainsFunc(w, unicode.IsLetter)
		_, phone := app.PhoneText(w)
		var term string
		switch {
		case !hasLetter && digits == "":
			continue // punctuation only
		case !hasLetter:
			term = matchExpr([]string{digits})
		case phone:
			term = "(" + matchExpr([]string{w}) + " OR " + quoteFTS(digits) + ")"
		default:
			term = matchExpr([]string{w})
		}
		if term != "" {
			terms = append(terms, term)
		}
	}
	expr := strings.Join(terms, " AND ")
	if p, ok := app.PhoneText(strings.Join(words, " ")); ok && expr != "" {
		// A word of the key's digits alone ("00138000") matches them
		// already: no second term to look up.
		if key := app.PhoneLookupKey(p); len(words) > 1 || key != app.PhoneDigits(words[0]) {
			// In parentheses whole: technicianMatch ANDs its token before.
			expr = "((" + expr + ") OR phone_digits : " + quoteFTS(key) + ")"
		}
	}
	return expr
}

// TicketDetail returns a ticket with its repairs, parts, photos, notes,
// signatures, payments and estimates in time order, and what the server
// still holds of its history (Away); ENOTFOUND when there is
// no such ticket, ELEASE ("lease.locked") on a device past its lease.
func (s *TicketService) TicketDetail(ctx context.Context, id app.TicketID) (app.TicketDetail, error) {
	if err := s.db.checkLease(ctx); err != nil {
		return app.TicketDetail{}, err
	}
	var d app.TicketDetail
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		t, err := getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		d.Ticket = t
		if d.Repairs, err = ticketRepairs(ctx, tx, id); err != nil {
			return err
		}
		if d.Parts, err = ticketPartsUsed(ctx, tx, id); err != nil {
			return err
		}
		if d.Photos, err = ticketPhotos(ctx, tx, id); err != nil {
			return err
		}
		if d.Notes, err = ticketNotes(ctx, tx, id); err != nil {
			return err
		}
		d.Signatures, err = ticketSignatures(ctx, tx, id)
		if err != nil {
			return err
		}
		if d.Payments, err = ticketPayments(ctx, tx, id); err != nil {
			return err
		}
		if d.Estimates, err = ticketEstimates(ctx, tx, id); err != nil {
			return err
		}
		d.Away, err = historyAway(ctx, tx, id)
		return err
	})
	if err != nil {
		return app.TicketDetail{}, s.db.sqlError(err)
	}
	return d, nil
}

type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func errNoTicket(id app.TicketID) *app.Error {
	return app.Errorf(app.ENOTFOUND, "ticket.not_found", "Ticket {{.ID}} is not on this device. Sync to download it.", "ID", string(id))
}

func getTicket(ctx context.Context, q rowQueryer, id app.TicketID) (app.Ticket, error) {
	data, err := ticketData(ctx, q, id)
	if err != nil {
		return app.Ticket{}, err
	}
	return decodeTicket(data)
}

// ticketData reads the JSON of a ticket's row; ENOTFOUND when it is not
// here.
func ticketData(ctx context.Context, q rowQueryer, id app.TicketID) ([]byte, error) {
	var data []byte
	err := q.QueryRowContext(ctx, `SELECT data FROM tickets WHERE id = ?`, string(id)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoTicket(id)
	}
	return data, err
}

// decodeTicket decodes the JSON column of a ticket row. A row that does not
// decode is damage, not a user error: ECORRUPT.
func decodeTicket(data []byte) (app.Ticket, error) {
	var t app.Ticket
	if err := json.Unmarshal(data, &t); err != nil {
		return app.Ticket{}, app.Errorf(app.ECORRUPT, "store.ticket_damaged", "A ticket record on this device is damaged. Sync to download it again.").WithCause(err)
	}
	if t.ID == "" {
		return app.Ticket{}, app.Errorf(app.ECORRUPT, "store.ticket_damaged", "A ticket record on this device is damaged. Sync to download it again.").WithCause(errors.New("ticket without id"))
	}
	return t, nil
}

// ticketUpsert writes a ticket row. It is an upsert, not INSERT OR REPLACE:
// REPLACE deletes the old row first, which would cascade to the ticket's
// repairs, parts, photos and notes. It never touches base: a local change
// is not the server's copy (Load sets base after it).
const ticketUpsert = `INSERT INTO tickets (id, number, technician, store, status, is_open, priority,
	window_start, window_end, respond_by, resolve_by, customer_name, customer_phone, phone_digits,
	serial, created_at, updated_at, completed_at, list_state, ws_key, rb_key, list_row, data)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET number = excluded.number, technician = excluded.technician,
	store = excluded.store, status = excluded.status, is_open = excluded.is_open,
	priority = excluded.priority, window_start = excluded.window_start,
	window_end = excluded.window_end, respond_by = excluded.respond_by,
	resolve_by = excluded.resolve_by, customer_name = excluded.customer_name,
	customer_phone = excluded.customer_phone, phone_digits = excluded.phone_digits,
	serial = excluded.serial, created_at = excluded.created_at, updated_at = excluded.updated_at,
	completed_at = excluded.completed_at, data = excluded.data, list_state = excluded.list_state,
	ws_key = excluded.ws_key, rb_key = excluded.rb_key, list_row = excluded.list_row`

// execer runs statements; *sql.Tx and the loader implement it.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ticketIndex is a saved ticket to be (re)indexed for search.
type ticketIndex struct {
	rid      int64
	ticket   app.Ticket
	replaced bool // it had an index entry to delete
	// sameSearch: the row it replaced had the same searchFields, so its
	// index entry, written from them, is still the right one.
	sameSearch bool
	data       []byte // the ticket's JSON as written to the row
}

// saveTicket writes t's row and returns what indexTicket needs. A row
// that is here already is compared with t column by column: when only
// columns of ticketMoves changed, only they and data are written
// (moveUpdate), and SQLite rewrites only the indexes holding one of them.
// An upsert assigns every column, and SQLite rewrites every index whose
// columns are assigned, changed or not: ten index pages of the
// write-ahead log for a status change that moves five.
func saveTicket(ctx context.Context, q execer, t app.Ticket) (ticketIndex, error) {
	return saveTicketOver(ctx, q, t, nil)
}

// saveTicketOver is saveTicket over the ticket's row as the caller read it
// in the same transaction (old), or as it reads it itself (old nil).
func saveTicketOver(ctx context.Context, q execer, t app.Ticket, old *ticketRow) (ticketIndex, error) {
	ti := ticketIndex{ticket: t}
	args, err := ticketArgs(t)
	if err != nil {
		return ti, err
	}
	ti.data, _ = args[len(args)-1].([]byte) // data: ticketArgs's last value
	if old == nil {
		old = new(ticketRow)
		err = q.QueryRowContext(ctx, ticketOld, string(t.ID)).Scan(old.dest(&old.rid)...)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := q.ExecContext(ctx, ticketUpsert, args...)
			if err != nil {
				return ti, err
			}
			ti.rid, err = res.LastInsertId()
			return ti, err
		case err != nil:
			return ti, err
		}
	}
	ti.rid = old.rid
	ti.replaced = true
	ti.sameSearch = sameProduct(old, args[ticketListRowCol], t.Product)
	for _, i := range ticketSearchCols {
		ti.sameSearch = ti.sameSearch && sameValue(old.cols[i], args[i])
	}
	if set, ok := moveSet(old.cols[:], args); ok {
		_, err = q.ExecContext(ctx, moveUpdate(set), append(moveArgs(set, args), ti.rid)...)
		return ti, err
	}
	_, err = q.ExecContext(ctx, ticketUpsert, args...)
	return ti, err
}

// ticketCols are the columns of ticketUpsert, in its order, but data:
// ticketArgs's values up to the last but one.
var ticketCols = [...]string{"id", "number", "technician", "store", "status", "is_open", "priority",
	"window_start", "window_end", "respond_by", "resolve_by", "customer_name", "customer_phone", "phone_digits",
	"serial", "created_at", "updated_at", "completed_at", "list_state", "ws_key", "rb_key", "list_row"}

// ticketOld reads a ticket row's rid and ticketCols.
var ticketOld = `SELECT ` + ticketRowCols("tickets") + ` FROM tickets WHERE id = ?`

// ticketRow is a ticket's row as saveTicket compares it with the values
// it saves: its rid and ticketCols' values as the driver returns them.
type ticketRow struct {
	rid  int64
	cols [len(ticketCols)]any
	// fromData: the row was made from its ticket's data (ticketRowOf),
	// whose list_row is unknown; brand and model are then that ticket's,
	// what the row's search entry holds (sameProduct).
	fromData     bool
	brand, model string
}

// ticketRowCols lists, for a SELECT, ticketRow's columns of table (a name
// or an alias): rid, then ticketCols.
func ticketRowCols(table string) string {
	return table + ".rid, " + table + "." + strings.Join(ticketCols[:], ", "+table+".")
}

// dest is Scan's destinations for ticketRowCols: rid, which the caller
// gives (a NULL rid, a ticket that is not there, needs a sql.NullInt64),
// then cols.
func (r *ticketRow) dest(rid any) []any {
	d := make([]any, 1+len(r.cols))
	d[0] = rid
	for i := range r.cols {
		d[1+i] = &r.cols[i]
	}
	return d
}

// ticketSearchCols are the positions in ticketCols of searchFields's
// values but the brand and model, which list_row holds (sameProduct): a
// save that leaves them as they were keeps the ticket's search entry; a
// reassignment rewrites it.
var ticketSearchCols = ticketColPositions("number", "customer_name", "phone_digits", "serial", "technician")

// ticketListRowCol is the position of list_row in ticketCols.
var ticketListRowCol = ticketColPositions("list_row")[0]

// sameProduct reports whether the ticket of row old has p's brand and
// model: its product when the row was made from its data, else what its
// list_row as the driver read it shows; arg is the list_row the save
// writes, and the same text needs no decoding. A list_row that does not
// decode reads as changed, which costs only a rewritten entry.
func sameProduct(old *ticketRow, arg any, p app.Product) bool {
	if old.fromData {
		return old.brand == p.Brand && old.model == p.Model
	}
	s, ok := old.cols[ticketListRowCol].(string)
	if !ok {
		return false
	}
	if a, ok := arg.(string); ok && a == s {
		return true
	}
	r, err := decodeListRow(s)
	return err == nil && r.Brand == p.Brand && r.Model == p.Model
}

// ticketMoves are the positions in ticketCols, in its order, of the
// columns a status change or an edit of a ticket moves; list_row shows the
// status, so it moves with it. At most 64 sets of them, so at most 64 texts
// of moveUpdate, each prepared once (maxCachedStmts leaves room for them).
var ticketMoves = ticketColPositions("status", "is_open", "updated_at", "completed_at", "list_state", "list_row")

// ticketColPositions returns the positions of names in ticketCols. The
// names are constants of this file: one missing is a build's mistake.
func ticketColPositions(names ...string) []int {
	out := make([]int, len(names))
	for k, n := range names {
		i := slices.Index(ticketCols[:], n)
		if i < 0 {
			panic("store: no ticket column " + n)
		}
		out[k] = i
	}
	return out
}

// moveSet returns, as a bit per ticketMoves position, which of those
// columns args changes from old; ok is false when it changes another
// column but data.
func moveSet(old, args []any) (set uint, ok bool) {
	j := 0
	for i := range old {
		moved := j < len(ticketMoves) && ticketMoves[j] == i
		if moved {
			j++
		}
		if sameValue(old[i], args[i]) {
			continue
		}
		if !moved {
			return 0, false
		}
		set |= 1 << (j - 1)
	}
	return set, true
}

// moveUpdate is the UPDATE of data and the ticketMoves columns in set, by
// rid.
func moveUpdate(set uint) string {
	var b strings.Builder
	b.WriteString("UPDATE tickets SET ")
	for j, i := range ticketMoves {
		if set&(1<<j) != 0 {
			b.WriteString(ticketCols[i] + " = ?, ")
		}
	}
	b.WriteString("data = ? WHERE rid = ?")
	return b.String()
}

// moveArgs are moveUpdate(set)'s values from ticketArgs's, but the rid.
func moveArgs(set uint, args []any) []any {
	out := make([]any, 0, len(ticketMoves)+2)
	for j, i := range ticketMoves {
		if set&(1<<j) != 0 {
			out = append(out, args[i])
		}
	}
	return append(out, args[len(args)-1])
}

// sameValue compares a column as the driver read it (int64, string or
// nil) with the value ticketArgs would write (int, int64, string or nil).
// Anything else reads as changed, which costs only a wider write.
func sameValue(read, arg any) bool {
	switch a := arg.(type) {
	case int:
		r, ok := read.(int64)
		return ok && r == int64(a)
	case int64:
		r, ok := read.(int64)
		return ok && r == a
	case string:
		r, ok := read.(string)
		return ok && r == a
	case nil:
		return read == nil
	}
	return false
}

// searchText is what a ticket's search entry is made of: the text of
// tickets_fts's columns, then the technician, whose token the short column
// holds (ticketsearch.go).
type searchText struct {
	number, customer, phone, serial, brand, model string
	technician                                    app.TechnicianID
}

// searchFields is t's searchText. ticketArgs stores each value in the
// ticket's row too, in a column (ticketSearchCols) or, for the brand and
// model, in list_row, which lets saveTicket tell a save that leaves them
// as they were and migrations 0012 and 0016 rebuild the index. Whatever
// indexTicket indexes must come from here.
func searchFields(t app.Ticket) searchText {
	return searchText{number: t.Number, customer: t.Customer.Name, phone: app.PhoneDigits(t.Customer.Phone),
		serial: t.Product.Serial, brand: t.Product.Brand, model: t.Product.Model, technician: t.Technician}
}

// indexTicket writes the search entry of a saved ticket.
func indexTicket(ctx context.Context, q execer, ti ticketIndex) error {
	f := searchFields(ti.ticket)
	if ti.replaced {
		if _, err := q.ExecContext(ctx, `DELETE FROM tickets_fts WHERE rowid = ?`, ti.rid); err != nil {
			return fmt.Errorf("index ticket %s: %w", f.number, err)
		}
	}
	if _, err := q.ExecContext(ctx, ticketFTSInsert, ticketSearchValues(ti.rid, f)...); err != nil {
		return fmt.Errorf("index ticket %s: %w", f.number, err)
	}
	return nil
}

// ticketArgs returns the arguments of ticketUpsert for t.
func ticketArgs(t app.Ticket) ([]any, error) {
	data, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("encode ticket %s: %w", t.ID, err)
	}
	row, err := encodeListRow(t.Row())
	if err != nil {
		return nil, fmt.Errorf("encode ticket %s: %w", t.ID, err)
	}
	return append(ticketColArgs(t, row), data), nil
}

// ticketColArgs are ticketArgs's values but data, list_row given.
func ticketColArgs(t app.Ticket, listRow any) []any {
	open, state := 0, listDone
	if t.Status.Open() {
		open, state = 1, listOpen
		if t.Status == app.StatusWaitingParts {
			state = listWaiting
		}
	}
	// Room for data, which ticketArgs appends.
	out := make([]any, 0, len(ticketCols)+1)
	return append(out, string(t.ID), t.Number, nullStr(t.Technician), nullStr(t.Store), string(t.Status), open, int(t.Priority),
		nsec(t.WindowStart), nsec(t.WindowEnd), nsec(t.RespondBy), nsec(t.ResolveBy),
		t.Customer.Name, t.Customer.Phone, app.PhoneDigits(t.Customer.Phone), t.Product.Serial,
		nsec(t.CreatedAt), nsec(t.UpdatedAt), nsec(t.CompletedAt),
		state, sortKey(t.WindowStart), sortKey(t.ResolveBy), listRow)
}

// ticketRowOf is the row ticketArgs writes for t, in the driver's types
// (ticketRow), with the rid the row has: what a row saved from t holds,
// every column written from its data by ticketArgs (saveTicket, and the
// migrations that filled a new column from the data, tested to agree).
// Its list_row is left unknown (a JSON encoding saved): compared, it
// reads as moved, and list_row is in no index, so writing it again costs
// no page.
func ticketRowOf(rid int64, t app.Ticket) *ticketRow {
	r := &ticketRow{rid: rid, fromData: true, brand: t.Product.Brand, model: t.Product.Model}
	for i, v := range ticketColArgs(t, unknownColumn{}) {
		if n, ok := v.(int); ok {
			v = int64(n)
		}
		r.cols[i] = v
	}
	return r
}

// unknownColumn is a column ticketRowOf does not know: sameValue reads it
// as changed.
type unknownColumn struct{}

// The list_state of a ticket row (0009_ticket_lists.sql).
const (
	listDone    = 0
	listOpen    = 1 // today or upcoming
	listWaiting = 2
)

// sortKey is the ws_key or rb_key of a time: its nsec, the zero time the
// largest value, so that it sorts last.
func sortKey(t time.Time) int64 {
	if t.IsZero() {
		return math.MaxInt64
	}
	return t.UnixNano()
}

func ticketRepairs(ctx context.Context, q rowQueryer, id app.TicketID) ([]app.RepairEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, action, minutes, at, by FROM repairs WHERE ticket_id = ? ORDER BY at, id`, string(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.RepairEntry{}
	for rows.Next() {
		r := app.RepairEntry{Ticket: id}
		var at sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Action, &r.Minutes, &at, &r.By); err != nil {
			return nil, err
		}
		r.At = fromNsec(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

func ticketPartsUsed(ctx context.Context, q rowQueryer, id app.TicketID) ([]app.PartUsed, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, part, qty, serial, defective_serial, from_loc, at FROM parts_used WHERE ticket_id = ? ORDER BY at, id`, string(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.PartUsed{}
	for rows.Next() {
		p := app.PartUsed{Ticket: id}
		var at sql.NullInt64
		if err := rows.Scan(&p.ID, &p.Part, &p.Qty, &p.Serial, &p.DefectiveSerial, &p.From, &at); err != nil {
			return nil, err
		}
		p.At = fromNsec(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

func ticketPhotos(ctx context.Context, q rowQueryer, id app.TicketID) ([]app.Photo, error) {
	return queryPhotos(ctx, q, `SELECT `+photoCols+` FROM photos WHERE ticket_id = ? ORDER BY at, id`, string(id))
}

// photoCols are the columns queryPhotos reads.
const photoCols = `id, ticket_id, sha256, size, mime, caption, kind, at, state`

func queryPhotos(ctx context.Context, q rowQueryer, query string, args ...any) ([]app.Photo, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.Photo{}
	for rows.Next() {
		var p app.Photo
		var at sql.NullInt64
		if err := rows.Scan(&p.ID, &p.Ticket, &p.SHA256, &p.Size, &p.Mime, &p.Caption, &p.Kind, &at, &p.State); err != nil {
			return nil, err
		}
		p.At = fromNsec(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

func ticketNotes(ctx context.Context, q rowQueryer, id app.TicketID) ([]app.Note, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, text, at, by FROM notes WHERE ticket_id = ? ORDER BY at, id`, string(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.Note{}
	for rows.Next() {
		n := app.Note{Ticket: id}
		var at sql.NullInt64
		if err := rows.Scan(&n.ID, &n.Text, &at, &n.By); err != nil {
			return nil, err
		}
		n.At = fromNsec(at)
		out = append(out, n)
	}
	return out, rows.Err()
}

func ticketSignatures(ctx context.Context, q rowQueryer, id app.TicketID) ([]app.Signature, error) {
	rows, err := q.QueryContext(ctx, `SELECT data FROM signatures WHERE ticket_id = ? ORDER BY at, id`, string(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Signature
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var s app.Signature
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, app.Errorf(app.ECORRUPT, "store.corrupt_signature", "A signature on this device is unreadable. Sync, then tell support if the ticket still shows this.").WithCause(err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
