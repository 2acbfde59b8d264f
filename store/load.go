package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/fieldbench/fieldbench/app"
)

// Load writes a dataset in one transaction: the demo world, a first sync,
// or a page of pulled changes. Technicians, locations, parts, rule sets,
// conflicts and tickets replace the rows with the same key (a rule set only
// by an equal or newer version); a ticket's row becomes the server's copy
// (its base) and back in scope, and so does a part request's or a
// shipment's; a ticket's likely parts replace the list held before. Stock movements, repairs, parts used and
// notes with a known ID are skipped, so loading the same dataset twice
// changes nothing; a movement made here keeps its outbox seq, so it counts
// as pending until the server acknowledges that seq. A known photo only
// takes the upload state (see photoLoad). Gone tickets are dropped with
// their children, or marked as out of scope while this device has unsent
// work on them. Either everything is written or nothing. Load does not
// rebase pending mutations (ApplyPull does). After a first sync or a large
// pull, call Optimize.
func (db *DB) Load(ctx context.Context, ds app.Dataset) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error { return db.load(ctx, tx, ds) })
}

// loader holds the prepared statements of one Load; each is compiled once
// per transaction instead of once per row. Its statements run without
// cancellation (the driver starts a watcher goroutine per statement for a
// cancellable context, a third of the cost of a small insert); done is
// checked between rows instead.
type loader struct {
	ctx   context.Context // never cancelled
	done  context.Context // the caller's
	rows  int
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	// erased is set when the load deleted a passcode (DB.eraseWAL).
	erased *atomic.Bool
}

// next counts a row and reports the caller's cancellation every 256 rows.
func (l *loader) next() error {
	l.rows++
	if l.rows%256 == 0 {
		return l.done.Err()
	}
	return nil
}

func (l *loader) stmt(query string) (*sql.Stmt, error) {
	if st, ok := l.stmts[query]; ok {
		return st, nil
	}
	st, err := l.tx.PrepareContext(l.ctx, query)
	if err != nil {
		return nil, err
	}
	l.stmts[query] = st
	return st, nil
}

func (l *loader) exec(query string, args ...any) (sql.Result, error) {
	st, err := l.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(l.ctx, args...)
}

// ExecContext and QueryRowContext make the loader an execer that reuses
// its prepared statements.
func (l *loader) ExecContext(_ context.Context, query string, args ...any) (sql.Result, error) {
	return l.exec(query, args...)
}

func (l *loader) QueryRowContext(_ context.Context, query string, args ...any) *sql.Row {
	st, err := l.stmt(query)
	if err != nil {
		return l.tx.QueryRowContext(l.ctx, query, args...) // reports the same error
	}
	return st.QueryRowContext(l.ctx, args...)
}

func (l *loader) close() {
	for _, st := range l.stmts {
		st.Close()
	}
}

func (db *DB) load(ctx context.Context, tx *sql.Tx, ds app.Dataset) error {
	l := &loader{ctx: context.WithoutCancel(ctx), done: ctx, tx: tx, stmts: map[string]*sql.Stmt{}, erased: &db.passcodeErased}
	defer l.close()
	return db.sqlError(l.load(ds))
}

func (db *DB) loadHistory(ctx context.Context, tx *sql.Tx, page app.PullPage) error {
	l := &loader{ctx: context.WithoutCancel(ctx), done: ctx, tx: tx, stmts: map[string]*sql.Stmt{}, erased: &db.passcodeErased}
	defer l.close()
	return db.sqlError(l.history(page))
}

func missing(what string) error {
	return app.Errorf(app.EINVALID, "store.load_missing_key", "The downloaded data has a {{.What}} without an ID; nothing was saved. Sync again, and contact support if it keeps happening.", "What", what)
}

func (l *loader) load(ds app.Dataset) error {
	for _, t := range ds.Technicians {
		if err := l.next(); err != nil {
			return err
		}
		if t.ID == "" {
			return missing("technician")
		}
		if _, err := l.exec(`INSERT INTO technicians (id, name, phone, country, van, store, language) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, country = excluded.country,
			van = excluded.van, store = excluded.store, language = excluded.language`,
			string(t.ID), t.Name, t.Phone, t.Country, string(t.Van), string(t.Store), t.Language); err != nil {
			return fmt.Errorf("load technician %s: %w", t.ID, err)
		}
	}
	for _, loc := range ds.Locations {
		if err := l.next(); err != nil {
			return err
		}
		if loc.ID == "" {
			return missing("stock location")
		}
		if _, err := l.exec(`INSERT INTO locations (id, kind, name, owner) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, owner = excluded.owner`,
			string(loc.ID), string(loc.Kind), loc.Name, loc.Owner); err != nil {
			return fmt.Errorf("load location %s: %w", loc.ID, err)
		}
	}
	// The search index is written after all part rows: FTS5 flushes its
	// pending terms to a new segment whenever a statement on another table
	// opens a savepoint (any statement checking a foreign key does), so
	// interleaving would write a segment per part, ten times slower.
	index := make([]partIndex, 0, len(ds.Parts))
	for _, p := range ds.Parts {
		if err := l.next(); err != nil {
			return err
		}
		pi, err := l.part(p)
		if err != nil {
			return err
		}
		index = append(index, pi)
	}
	for _, pi := range index {
		if pi.replaced {
			if _, err := l.exec(`DELETE FROM parts_fts WHERE rowid = ?`, pi.id); err != nil {
				return fmt.Errorf("index part %s: %w", pi.part.Number, err)
			}
		}
		if _, err := l.exec(partFTSInsert, partSearchValues(pi.id, pi.part)...); err != nil {
			return fmt.Errorf("index part %s: %w", pi.part.Number, err)
		}
	}
	for _, m := range ds.Movements {
		if err := l.next(); err != nil {
			return err
		}
		if m.ID == "" {
			return missing("stock movement")
		}
		if _, err := l.exec(movementLoad, append(movementArgs(m, 0), string(m.Source))...); err != nil {
			return fmt.Errorf("load movement %s: %w", m.ID, err)
		}
	}
	for _, rs := range ds.RuleSets {
		if err := l.next(); err != nil {
			return err
		}
		if rs.ID == "" {
			return missing("warranty rule set")
		}
		data, err := json.Marshal(rs)
		if err != nil {
			return fmt.Errorf("encode rule set %s: %w", rs.ID, err)
		}
		if _, err := l.exec(`INSERT INTO rule_sets (id, country, version, data) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET country = excluded.country, version = excluded.version, data = excluded.data
			WHERE excluded.version >= rule_sets.version`,
			rs.ID, strings.ToUpper(rs.Country), rs.Version, data); err != nil {
			return fmt.Errorf("load rule set %s: %w", rs.ID, err)
		}
	}
	tickets := make([]ticketIndex, 0, len(ds.Tickets))
	for _, d := range ds.Tickets {
		if err := l.next(); err != nil {
			return err
		}
		ti, err := l.ticket(d)
		if err != nil {
			return err
		}
		tickets = append(tickets, ti)
	}
	for _, ti := range tickets { // after the rows, as for parts
		if err := indexTicket(l.ctx, l, ti); err != nil {
			return err
		}
	}
	// Loose facts after the tickets: the server sends a fact's ticket in
	// the same page when the device may lack it.
	for _, r := range ds.Repairs {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.repair(r); err != nil {
			return err
		}
	}
	for _, p := range ds.PartsUsed {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.partUsed(p); err != nil {
			return err
		}
	}
	for _, p := range ds.Photos {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.photo(p); err != nil {
			return err
		}
	}
	for _, n := range ds.Notes {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.note(n); err != nil {
			return err
		}
	}
	for _, sg := range ds.Signatures {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.signature(sg); err != nil {
			return err
		}
	}
	for _, p := range ds.Payments {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.payment(p); err != nil {
			return err
		}
	}
	for _, e := range ds.Estimates {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.estimate(e); err != nil {
			return err
		}
	}
	for _, n := range ds.CustomerNotices {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.notice(n); err != nil {
			return err
		}
	}
	for _, p := range ds.Passcodes {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.passcode(p); err != nil {
			return err
		}
	}
	for _, r := range ds.PartRequests {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.partRequest(r); err != nil {
			return err
		}
	}
	for _, sh := range ds.Shipments {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.shipment(sh); err != nil {
			return err
		}
	}
	for _, lp := range ds.LikelyParts {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.likelyParts(lp); err != nil {
			return err
		}
	}
	for _, c := range ds.Conflicts {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.conflict(c); err != nil {
			return err
		}
	}
	for _, id := range ds.GoneTickets {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.goneTicket(id); err != nil {
			return err
		}
	}
	for _, id := range ds.GoneConflicts {
		if err := l.next(); err != nil {
			return err
		}
		if err := l.goneConflict(id); err != nil {
			return err
		}
	}
	return nil
}

// partIndex is a part written by Load, to be indexed for search.
type partIndex struct {
	id       int64
	part     app.Part
	replaced bool // it had an index entry to delete
}

func (l *loader) part(p app.Part) (partIndex, error) {
	pi := partIndex{part: p}
	if strings.TrimSpace(string(p.Number)) == "" {
		return pi, missing("part")
	}
	models, err := encodeModels(p.Models)
	if err != nil {
		return pi, err
	}
	prices, err := encodePrices(p.Prices)
	if err != nil {
		return pi, err
	}
	names, err := encodeNames(p.Names)
	if err != nil {
		return pi, err
	}
	// Insert first: new parts are the common case (a first sync), and
	// the insert tells whether the number is known.
	res, err := l.exec(`INSERT INTO parts (number, name_en, name_zh, category, class, brand, serialized, return_needed, models, prices, names)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (number) DO NOTHING`,
		string(p.Number), p.NameEN, p.NameZH, p.Category, string(p.Class), p.Brand, p.Serialized, p.ReturnNeeded, models, prices, names)
	if err != nil {
		return pi, fmt.Errorf("load part %s: %w", p.Number, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return pi, fmt.Errorf("load part %s: %w", p.Number, err)
	} else if n == 1 {
		pi.id, err = res.LastInsertId()
		if err != nil {
			return pi, fmt.Errorf("load part %s: %w", p.Number, err)
		}
	} else {
		find, err := l.stmt(`SELECT id FROM parts WHERE number = ?`)
		if err != nil {
			return pi, err
		}
		if err := find.QueryRowContext(l.ctx, string(p.Number)).Scan(&pi.id); err != nil {
			return pi, fmt.Errorf("load part %s: %w", p.Number, err)
		}
		pi.replaced = true
		if _, err := l.exec(`DELETE FROM part_models WHERE part = ?`, pi.id); err != nil {
			return pi, fmt.Errorf("load part %s: %w", p.Number, err)
		}
		if _, err := l.exec(`UPDATE parts SET number = ?, name_en = ?, name_zh = ?, category = ?, class = ?, brand = ?,
			serialized = ?, return_needed = ?, models = ?, prices = ?, names = ? WHERE id = ?`,
			string(p.Number), p.NameEN, p.NameZH, p.Category, string(p.Class), p.Brand, p.Serialized, p.ReturnNeeded, models, prices, names, pi.id); err != nil {
			return pi, fmt.Errorf("load part %s: %w", p.Number, err)
		}
	}
	for _, m := range p.Models {
		if _, err := l.exec(`INSERT INTO part_models (model, part) VALUES (?, ?) ON CONFLICT DO NOTHING`, app.ModelKey(m), pi.id); err != nil {
			return pi, fmt.Errorf("load part %s model %q: %w", p.Number, m, err)
		}
	}
	return pi, nil
}

func (l *loader) ticket(d app.TicketDetail) (ticketIndex, error) {
	t := d.Ticket
	if t.ID == "" {
		return ticketIndex{}, missing("ticket")
	}
	ti, err := saveTicket(l.ctx, l, t)
	if err != nil {
		return ti, fmt.Errorf("load ticket %s: %w", t.Number, err)
	}
	// The row as written is the server's copy: ApplyPull re-applies the
	// pending mutations on top of data, and base keeps what it saw.
	if _, err := l.exec(`UPDATE tickets SET base = data, left_scope = 0 WHERE rid = ?`, ti.rid); err != nil {
		return ti, fmt.Errorf("load ticket %s: %w", t.Number, err)
	}
	if err := l.away(t, d.Away); err != nil {
		return ti, err
	}
	// Children belong to the ticket they are listed under.
	for _, r := range d.Repairs {
		r.Ticket = t.ID
		if err := l.repair(r); err != nil {
			return ti, err
		}
	}
	for _, p := range d.Parts {
		p.Ticket = t.ID
		if err := l.partUsed(p); err != nil {
			return ti, err
		}
	}
	for _, p := range d.Photos {
		p.Ticket = t.ID
		if err := l.photo(p); err != nil {
			return ti, err
		}
	}
	for _, n := range d.Notes {
		n.Ticket = t.ID
		if err := l.note(n); err != nil {
			return ti, err
		}
	}
	for _, sg := range d.Signatures {
		sg.Ticket = t.ID
		if err := l.signature(sg); err != nil {
			return ti, err
		}
	}
	for _, p := range d.Payments {
		p.Ticket = t.ID
		if err := l.payment(p); err != nil {
			return ti, err
		}
	}
	for _, e := range d.Estimates {
		e.Ticket = t.ID
		if err := l.estimate(e); err != nil {
			return ti, err
		}
	}
	return ti, nil
}

func (l *loader) repair(r app.RepairEntry) error {
	if r.ID == "" {
		return missing("repair entry")
	}
	if _, err := l.exec(repairLoad, repairArgs(r)...); err != nil {
		return fmt.Errorf("load repair %s: %w", r.ID, err)
	}
	return nil
}

func (l *loader) partUsed(p app.PartUsed) error {
	if p.ID == "" {
		return missing("part used")
	}
	if _, err := l.exec(partUsedLoad, partUsedArgs(p)...); err != nil {
		return fmt.Errorf("load part used %s: %w", p.ID, err)
	}
	return nil
}

func (l *loader) photo(p app.Photo) error {
	if p.ID == "" {
		return missing("photo")
	}
	// A photo is this device's when it attached it: the server may send
	// it as new here (it was dropped with its ticket, or as refused, and
	// a restored server took the re-pushed attach), and it is recorded
	// then as this device recorded it, with its attach's seq (so a
	// refusal drops it, see dropRefused).
	var seq sql.NullInt64
	if p.State == app.PhotoPending {
		err := l.QueryRowContext(l.ctx, `SELECT seq FROM `+photoAttaches+` WHERE ticket_id = ? AND pid = ?`, string(p.Ticket), p.ID).Scan(&seq)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("load photo %s: %w", p.ID, err)
		}
	}
	if seq.Valid {
		// The server lacks its bytes: sending them is this device's job,
		// also when it had seen them verified (by the server before a
		// restore). Another device's photo stays pending: its bytes are
		// not here.
		p.State = app.PhotoLocal
	}
	if _, err := l.exec(photoLoad, append(photoArgs(p), seq)...); err != nil {
		return fmt.Errorf("load photo %s: %w", p.ID, err)
	}
	return nil
}

func (l *loader) note(n app.Note) error {
	if n.ID == "" {
		return missing("note")
	}
	if _, err := l.exec(noteLoad, noteArgs(n)...); err != nil {
		return fmt.Errorf("load note %s: %w", n.ID, err)
	}
	return nil
}

func (l *loader) signature(s app.Signature) error {
	if s.ID == "" {
		return missing("signature")
	}
	args, err := signatureArgs(s)
	if err != nil {
		return err
	}
	if _, err := l.exec(signatureLoad, args...); err != nil {
		return fmt.Errorf("load signature %s: %w", s.ID, err)
	}
	return nil
}

// conflict writes or replaces a conflict: the server sends it again when
// someone resolves it.
func (l *loader) conflict(c app.Conflict) error {
	if c.ID == "" {
		return missing("conflict")
	}
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode conflict %s: %w", c.ID, err)
	}
	if _, err := l.exec(`INSERT INTO conflicts (id, kind, ticket_id, open, at, data) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, ticket_id = excluded.ticket_id, open = excluded.open,
		at = excluded.at, data = excluded.data`,
		c.ID, string(c.Kind), nullStr(c.Ticket), c.Open(), nsec(c.At), data); err != nil {
		return fmt.Errorf("load conflict %s: %w", c.ID, err)
	}
	return nil
}

// goneConflict drops a conflict that is now another technician's (an
// open field conflict follows its ticket): the technician could neither
// decide it nor see its ticket.
func (l *loader) goneConflict(id string) error {
	if id == "" {
		return missing("gone conflict")
	}
	if _, err := l.exec(`DELETE FROM conflicts WHERE id = ?`, id); err != nil {
		return fmt.Errorf("drop conflict %s: %w", id, err)
	}
	return nil
}

// goneTicket drops a ticket that left the device's scopes, or only marks
// it while the device has unsent work on it: that work must reach the
// server first (and its result come back), and the technician keeps seeing
// what they did meanwhile.
func (l *loader) goneTicket(id app.TicketID) error {
	if id == "" {
		return missing("gone ticket")
	}
	res, err := l.exec(`UPDATE tickets SET left_scope = 1 WHERE tickets.id = ? AND `+unsentWork, string(id))
	if err != nil {
		return fmt.Errorf("mark ticket %s out of scope: %w", id, err)
	}
	marked, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("mark ticket %s out of scope: %w", id, err)
	}
	if marked > 0 {
		return nil
	}
	if err := deleteTickets(l.ctx, l, `tickets.id = ?`, string(id)); err != nil {
		return fmt.Errorf("drop ticket %s: %w", id, err)
	}
	return nil
}
