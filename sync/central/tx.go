package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Entity kinds, as stored in entities.kind and changes.kind.
const (
	kindTicket     = "ticket"
	kindRepair     = "repair"
	kindPartUsed   = "part_used"
	kindPhoto      = "photo"
	kindNote       = "note"
	kindSignature  = "signature"
	kindPart       = "part"
	kindLocation   = "location"
	kindMovement   = "movement"
	kindRuleSet    = "rule_set"
	kindTechnician = "technician"
	kindConflict   = "conflict"
	kindNotice     = "notice"
)

// Scopes name what a device pulls. The server computes a device's scopes
// from its own data (the technician's record), never from the request.
func techScope(tenant string, t app.TechnicianID) string { return tenant + "/tech:" + string(t) }
func storeScope(tenant string, s app.StoreID) string     { return tenant + "/store:" + string(s) }
func stockScope(tenant string, l app.LocationID) string  { return tenant + "/stock:" + string(l) }
func catalogScope(tenant string) string                  { return tenant + "/catalog" }
func rulesScope(tenant, country string) string           { return tenant + "/rules:" + country }

// ticketScopes are the scopes a ticket and its facts are pulled in.
func ticketScopes(tenant string, t app.Ticket) []string {
	var s []string
	if t.Technician != "" {
		s = append(s, techScope(tenant, t.Technician))
	}
	if t.Store != "" {
		s = append(s, storeScope(tenant, t.Store))
	}
	return s
}

var _ app.MutationTx = (*serverTx)(nil)

// serverTx is app.MutationTx over one central write transaction: every
// write also records its change-log rows at the transaction's version.
type serverTx struct {
	db     *DB
	tx     *sql.Tx
	tenant string
	// version is the transaction's version; in a late write (a push:
	// lateTx) it is 0 until take is called, at the push's end, and the
	// rows that carry it wait in pending and history until then.
	version int64
	take    takeVersion
	// moved lists the movements added by the mutation being applied, for
	// the scope and negative-stock checks after it.
	moved []app.StockMovement
	// misplaced lists those of moved that took a serialized unit from a
	// location it was not at (moveUnit), for afterApply's conflicts.
	misplaced []misplacedUnit
	// device, tech and scopes are the pushing device, its technician
	// and its scopes ("" and empty outside a push).
	device app.DeviceID
	tech   app.Technician
	scopes []string
	// changed collects what the transaction changed, for the events
	// published after it commits (nil: none are).
	changed *changeSet
	// loading is LoadDataset's: a new ticket gets the history its own
	// times tell (loadedSteps), not one step at the load's time.
	loading bool
	// mutationAt is the time of the technician's mutation being applied
	// (a push's, or one dispatch accepts after all: accept_ours), when
	// the technician took its step; zero for dispatch's and the
	// system's writes. A status step's field time comes from it
	// (stepFieldAt).
	mutationAt time.Time
	// lastFieldAt holds the field time of each ticket's latest step this
	// transaction wrote or read (stepFieldAt), emptied at a rollback to
	// a savepoint.
	lastFieldAt map[app.TicketID]time.Time
	// stmts holds this transaction's statements on SQLite, borrowed from
	// those prepared when the database opened (prepared.go) or prepared
	// for it: the driver would otherwise compile each statement on every
	// call, which was a quarter of a push's time (unused on PostgreSQL:
	// see exec).
	stmts map[string]*sql.Stmt
	// tickets holds the tickets this transaction read or saved, decoded:
	// a pushed fact's ticket was read three times per mutation (the
	// scope check, the command's own check, the fact's scopes), and a
	// push's mutations are mostly on one ticket. SaveTicket drops the
	// ticket it writes, and a rollback to a savepoint empties it. At
	// most maxCachedTickets tickets (a job may read thousands).
	tickets map[app.TicketID]app.Ticket
	// batch (a push's) makes emit keep the change rows in pending, to be
	// written in multi-row statements by flushChanges when the push ends
	// (wasInScope looks up the unwritten ones here). pending[:flushed]
	// are written; a rollback to the savepoint drops the rows kept since
	// it (savedLen) and counts as unwritten those written since
	// (savedFlushed).
	batch   bool
	pending []pendingChange
	// history holds a push's history rows (batch), written when the
	// push ends; savedHist is its length at the savepoint.
	history   []historyRow
	savedHist int
	// taken (a push's) holds, for the new records' IDs of the push's
	// mutations, whether each was taken when the push began, looked up
	// in multi-row statements; written lists the entities the push
	// wrote since, which may have taken one (checkNewIDs).
	taken   map[entityKey]bool
	written map[entityKey]bool
	// releasing (PostgreSQL): the mutation savepoint's release is due,
	// sent with the next savepoint (see Savepoint).
	releasing bool
	// checkLocks holds the check locks (lockCheck) the transaction took.
	checkLocks map[int64]bool
	// lockOrder holds the check lock keys the write named before its
	// first check lock (willCheck), which that lock's statement takes
	// in key order; ordered once it did. savedOrdered is ordered at the
	// savepoint: a rollback to it releases what was taken since.
	lockOrder             []int64
	namedKeys             map[int64]bool // lockOrder's, once it is long (name)
	ordered, savedOrdered bool
	// ticketOrder holds the IDs of the tickets a write (a push, a
	// shipment) will read, named before it locks any (willLockTicket),
	// which lockTickets locks in one statement and one order
	// (lockorder.go).
	ticketOrder []string
	// requestsNamed holds the part requests a shipment ships whose
	// lines do not name their tickets (willLockRequestTickets); lockOne
	// says the write reads a request before its ticket, so lockTickets
	// locks even one ticket up front.
	requestsNamed []string
	lockOne       bool
	// shipmentsNamed holds the shipments the write's receipts will read
	// (willLockShipment), which lockShipments locks before any ticket
	// and keeps in lockedShipments until the receipt reads one
	// (Shipment).
	shipmentsNamed  []string
	lockedShipments map[string]app.Shipment
	// optimistic (a push's first run): no savepoints are
	// taken, and a refused mutation, which would roll back to its own,
	// ends the run with errNeedSavepoints instead; the push runs again
	// with them (Push). Refusals are rare and a savepoint is a round
	// trip per mutation.
	optimistic bool
	// shareTickets (a push on PostgreSQL none of whose mutations saves a
	// ticket: factOnly): tickets are read FOR SHARE (get).
	shareTickets bool
	// deferFacts (the optimistic run of a push on PostgreSQL that only
	// adds facts: shareTickets) keeps the facts with fresh IDs that the
	// push inserts in facts, written in one statement by finish before
	// it takes the version: ten notes were ten round trips. Such a
	// push reads no fact back (factOnly), and one whose insert finds
	// its ID taken by a concurrent push (or by the push itself) ends the
	// run with errNeedSavepoints, and the run with savepoints inserts
	// one by one and refuses that mutation alone.
	deferFacts             bool
	facts                  []deferredFact
	flushed                int
	savedLen, savedFlushed int
}

// deferredFact is one entities row a push will insert (deferFacts).
type deferredFact struct{ kind, id, ticket, data string }

// historyRow is one row of a ticket's status history a push will write.
type historyRow struct {
	ticket   app.TicketID
	from, to app.Status
	epoch    int
	at       int64
	fieldAt  int64
}

// pendingChange is one row of the change log a push will write.
type pendingChange struct {
	scope, kind, id string
	gone            int
}

const maxCachedTickets = 64

// entityTx runs fn with a serverTx of tenant in a write that takes its
// version last (lateTx), as a push does: dispatch's and the jobs' writes
// through serverTx. Their change and history rows wait in the serverTx
// (batch) and are written at the end, and on PostgreSQL every record
// they read is locked to the commit (get). Taking the version first,
// such a write then waited for a record a push had locked while the
// push waited for the version: a deadlock, which PostgreSQL ended with
// one of them failing. cs (nil: no events) is emptied at each run, since
// PostgreSQL may run fn again (pgTx).
func (db *DB) entityTx(ctx context.Context, tenant string, cs *changeSet, fn func(ctx context.Context, st *serverTx) error) error {
	var ran *serverTx
	err := db.lateTx(ctx, 0, func(ctx context.Context, tx *sql.Tx, take takeVersion) error {
		if cs != nil {
			*cs = changeSet{}
		}
		st := &serverTx{db: db, tx: tx, tenant: tenant, take: take, changed: cs, batch: true}
		ran = st
		if err := fn(ctx, st); err != nil {
			return err
		}
		return st.finish(ctx, nil, nil)
	})
	if err == nil {
		// Committed: the devices waiting on the scopes it wrote pull now.
		db.wakeWaits(tenant, scopesOf(ran.pending))
	}
	return err
}

var _ app.Savepoints = (*serverTx)(nil)

// Savepoint, RollbackToSavepoint and ReleaseSavepoint give app's
// ApplyOrRollback one mutation's savepoint in a pushed batch.
//
// On PostgreSQL a release waits for the next savepoint, sent with it in
// one round trip (without arguments pgx sends both in one simple-protocol
// message), or for the commit, which releases what is still open: each
// statement is a round trip there, and a push of 10 mutations took 40.
// The statements between a release and the next savepoint (the next
// mutation's reads) run inside the released one, which changes nothing:
// only a rollback to it could tell, and none comes.
func (s *serverTx) Savepoint(ctx context.Context) error {
	if s.optimistic {
		return nil
	}
	s.savedLen, s.savedFlushed, s.savedHist = len(s.pending), s.flushed, len(s.history)
	s.savedOrdered = s.ordered
	q := qSavepoint
	if s.releasing {
		q, s.releasing = qRelease+"; "+qSavepoint, false
	}
	_, err := s.exec(ctx, q)
	return transient(err)
}

func (s *serverTx) RollbackToSavepoint(ctx context.Context) error {
	if s.optimistic {
		return errNeedSavepoints
	}
	s.tickets = nil // what was saved since the savepoint is undone
	s.lastFieldAt = nil
	s.lockedShipments = nil
	s.forgetCheckLocks()
	s.pending, s.flushed, s.history = s.pending[:s.savedLen], s.savedFlushed, s.history[:s.savedHist]
	_, err := s.exec(ctx, qRollbackTo)
	return transient(err)
}

// errNeedSavepoints ends an optimistic push's run: a mutation was
// refused and its effects must be rolled back alone.
var errNeedSavepoints = errors.New("a refused mutation needs its savepoint")

func (s *serverTx) ReleaseSavepoint(ctx context.Context) error {
	if s.optimistic {
		return nil
	}
	if s.db.dialect == dialectPostgres {
		s.releasing = true
		return nil
	}
	_, err := s.exec(ctx, qRelease)
	return transient(err)
}

func (s *serverTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	st, err := s.db.txStmt(ctx, s.tx, query)
	if err != nil {
		return nil, err
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[query] = st
	return st, nil
}

// exec runs a statement of this transaction, prepared once per query. On
// PostgreSQL pgx prepares and caches every statement per connection by
// itself, so a Prepare here would only add a round trip (and a Close) per
// query and transaction.
func (s *serverTx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s.db.dialect == dialectPostgres {
		return s.tx.ExecContext(ctx, s.db.q(query), args...)
	}
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// queryRow is exec for a query returning one row.
func (s *serverTx) queryRow(ctx context.Context, query string, args ...any) rowScanner {
	if s.db.dialect == dialectPostgres {
		return s.tx.QueryRowContext(ctx, s.db.q(query), args...)
	}
	st, err := s.stmt(ctx, query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

type rowScanner interface{ Scan(dest ...any) error }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// ver returns the transaction's version, taking it in a late write.
func (s *serverTx) ver(ctx context.Context) (int64, error) {
	if s.take != nil && s.version == 0 {
		v, err := s.take(ctx)
		if err != nil {
			return 0, err
		}
		s.version = v
	}
	return s.version, nil
}

// get reads an entity. In a late write on PostgreSQL it locks the row to
// the commit: such writes run concurrently, under READ COMMITTED, and
// one that reads a record, decides and writes must not have another
// change the record in between. Writes that take the version first
// (directTx, and every write on SQLite) run one at a time and read
// without a lock.
//
// The lock is FOR UPDATE on a record a late write may write (a ticket,
// a conflict, a part request, a shipment, a likely-parts list): a second
// reader waits, else one of two updates would be lost, or a fact added
// to a ticket that moved scopes would miss the new scope. It is FOR SHARE
// on a part or a location, which no write through serverTx changes (only
// imports do, locking it before they take the version: loadTx): the many pushes consuming one
// part then read it at once instead of one after the other, and an
// import that would change it waits for them, so what a push decided
// from it (serialized or not, the location known) still holds at its
// commit. A push that only adds facts (notes, photos, signatures) reads
// its tickets FOR SHARE too: it decides from the ticket (in scope, not
// closed) and writes no ticket, and a write that would change the
// ticket (a reassignment that moves its facts' scopes) waits for it, so
// the pushes adding notes to one ticket run at the same time.
func (s *serverTx) get(ctx context.Context, kind, id string, v any) error {
	var data string
	q := qGetEntity
	if s.take != nil && s.db.dialect == dialectPostgres {
		q = qGetEntityLock
		if kind == kindPart || kind == kindLocation || kind == kindTicket && s.shareTickets {
			q = qGetEntityShare
		}
	}
	err := s.queryRow(ctx, q, s.tenant, kind, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return app.NotFound(kind, id)
	}
	if err != nil {
		return transient(err)
	}
	if err := json.Unmarshal([]byte(data), v); err != nil {
		return app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kind, "ID", id).WithCause(err)
	}
	return nil
}

// put inserts or replaces an entity. A push's new record (one its
// mutations create, whose ID was free when the push began and which it
// did not write since) is only inserted: on PostgreSQL another push may
// have created the same ID meanwhile (pushes run concurrently until they
// take their version: lateTx), and this one gets the answer a taken ID gets, not
// the record. A stored row the put would replace by the same is left alone
// (qPutEntity): a reload sends its part requests, shipments, estimates and
// likely parts again, mostly unchanged, and rewriting them rewrote their
// indexes for nothing. PostgreSQL still locks the row it leaves, as an
// update would.
func (s *serverTx) put(ctx context.Context, kind, id, ticket string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", kind, id, err)
	}
	if s.newRecord(kind, id) {
		s.wrote(kind, id)
		inserted, err := s.insertNew(ctx, kind, id, ticket, data)
		if err == nil && !inserted {
			err = app.IDUnusable(kind, id)
		}
		return err
	}
	s.wrote(kind, id)
	_, err = s.exec(ctx, qPutEntity, s.tenant, kind, id, ticket, string(data))
	return transient(err)
}

// newRecord reports whether kind/id is a new record of the push whose
// ID was free when the push began and which the push did not write
// since: if it is taken now, a concurrent push took it (on PostgreSQL),
// and the answer is the one a taken ID gets (app.IDUnusable).
func (s *serverTx) newRecord(kind, id string) bool {
	k := entityKey{kind, id}
	taken, ok := s.taken[k]
	return ok && !taken && !s.written[k]
}

// wrote notes, in a push, that the entity kind/id may exist now.
func (s *serverTx) wrote(kind, id string) {
	if s.taken == nil {
		return
	}
	if s.written == nil {
		s.written = map[entityKey]bool{}
	}
	s.written[entityKey{kind, id}] = true
}

// insertFact inserts an append-only fact; a known ID is ECONFLICT.
func (s *serverTx) insertFact(ctx context.Context, kind, id, ticket string, v any) error {
	if id == "" {
		return app.FactWithoutID(kind)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", kind, id, err)
	}
	fresh := s.newRecord(kind, id)
	s.wrote(kind, id)
	if fresh && s.deferFacts {
		s.facts = append(s.facts, deferredFact{kind, id, ticket, string(data)})
		return nil
	}
	inserted, err := s.insertNew(ctx, kind, id, ticket, data)
	switch {
	case err != nil || inserted:
		return err
	case fresh:
		return app.IDUnusable(kind, id)
	default:
		return app.FactExists(kind, id)
	}
}

// insertNew inserts the entity kind/id unless one with that key exists,
// and reports whether it did.
func (s *serverTx) insertNew(ctx context.Context, kind, id, ticket string, data []byte) (bool, error) {
	res, err := s.exec(ctx, qInsertFact, s.tenant, kind, id, ticket, string(data))
	if err != nil {
		return false, transient(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, transient(err)
	}
	return n > 0, nil
}

// emit records that an entity changed in (or, gone, left) a scope.
func (s *serverTx) emit(ctx context.Context, scope, kind, id string, gone bool) error {
	g := 0
	if gone {
		g = 1
	}
	if s.batch {
		s.pending = append(s.pending, pendingChange{scope, kind, id, g})
		return nil
	}
	v, err := s.ver(ctx)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, qEmit, scope, kind, id, v, kindOrder(kind), g)
	return transient(err)
}

// flushChanges writes the change rows emit kept since the last flush,
// a row whose key comes again keeping its last value (one statement may
// not change a row twice on PostgreSQL), and the history rows kept.
func (s *serverTx) flushChanges(ctx context.Context) error {
	v, err := s.ver(ctx)
	if err != nil {
		return err
	}
	for _, h := range s.history {
		if _, err := s.exec(ctx, qHistory, s.tenant, string(h.ticket), v, string(h.from), string(h.to), h.epoch, h.at, h.fieldAt); err != nil {
			return transient(err)
		}
	}
	s.history, s.savedHist = nil, 0
	uniq := s.unwritten()
	for len(uniq) > 0 {
		n := pushChunk(len(uniq))
		args := make([]any, 0, 6*n)
		for _, r := range uniq[:n] {
			args = append(args, r.scope, r.kind, r.id, v, kindOrder(r.kind), r.gone)
		}
		if _, err := s.exec(ctx, qEmitRows[n-1], args...); err != nil {
			return transient(err)
		}
		uniq = uniq[n:]
	}
	s.flushed = len(s.pending)
	return nil
}

// unwritten returns the change rows emit kept since the last flush, a
// row whose key comes again once, with its last value: one statement may
// not change a row twice on PostgreSQL.
func (s *serverTx) unwritten() []pendingChange {
	rows := s.pending[s.flushed:]
	last := make(map[pendingChange]int, len(rows))
	for i, r := range rows {
		last[pendingChange{r.scope, r.kind, r.id, 0}] = i
	}
	uniq := make([]pendingChange, 0, len(last))
	for i, r := range rows {
		if last[pendingChange{r.scope, r.kind, r.id, 0}] == i {
			uniq = append(uniq, r)
		}
	}
	return uniq
}

// finish ends a late write (lateTx, batch): it takes the version and
// writes with it the history and change rows kept, a push's applied
// rows and, for a push, its device's row (seen: qDeviceSeen's
// arguments; nil for none). On PostgreSQL that is one statement
// (qFinish), so the counter row's lock, taken there as take takes it,
// is held for one round trip and the commit; elsewhere, or when the
// version was taken already, the statements one by one.
func (s *serverTx) finish(ctx context.Context, applied []appliedRow, seen []any) error {
	if err := s.insertFacts(ctx); err != nil {
		return err
	}
	if s.db.dialect != dialectPostgres || s.take == nil || s.version != 0 {
		if seen != nil {
			if _, err := s.db.txExec(ctx, s.tx, qDeviceSeen, seen...); err != nil {
				return transient(err)
			}
		}
		if err := s.flushChanges(ctx); err != nil {
			return err
		}
		return s.db.insertApplied(ctx, s.tx, applied, s.version)
	}
	var hTicket, hFrom, hTo, cScope, cKind, cID []string
	var hEpoch, hAt, hFieldAt, cOrd, cGone []int64
	for _, r := range s.history {
		hTicket, hFrom, hTo = append(hTicket, string(r.ticket)), append(hFrom, string(r.from)), append(hTo, string(r.to))
		hEpoch, hAt, hFieldAt = append(hEpoch, int64(r.epoch)), append(hAt, r.at), append(hFieldAt, r.fieldAt)
	}
	for _, r := range s.unwritten() {
		cScope, cKind, cID = append(cScope, r.scope), append(cKind, r.kind), append(cID, r.id)
		cOrd, cGone = append(cOrd, int64(kindOrder(r.kind))), append(cGone, int64(r.gone))
	}
	var aMut, aDevice, aName, aStatus, aConflict, aHLC []string
	var aSeq, aAt, aDeviceAt []int64
	for _, r := range applied {
		aMut, aDevice, aName, aStatus, aConflict, aHLC = append(aMut, r.mutation), append(aDevice, r.device), append(aName, r.name), append(aStatus, r.status), append(aConflict, r.conflict), append(aHLC, r.hlc)
		aSeq, aAt, aDeviceAt = append(aSeq, r.seq), append(aAt, r.at), append(aDeviceAt, r.deviceAt)
	}
	if seen == nil {
		seen = []any{int64(0), int64(0), int64(0), ""} // no device has the ID ""
	}
	args := append([]any{s.tenant, hTicket, hFrom, hTo, hEpoch, hAt, hFieldAt, cScope, cKind, cID, cOrd, cGone,
		aMut, aDevice, aSeq, aName, aStatus, aConflict, aAt, aDeviceAt, aHLC}, seen...)
	s.history, s.savedHist, s.flushed = nil, 0, len(s.pending)
	if end := pgEndFrom(ctx); end != nil {
		// Sent with the COMMIT (pgTry), which sets the version: the
		// write's callers read it only once it is committed.
		end.query, end.args, end.dest = qFinish, args, []any{&s.version}
		return nil
	}
	if err := s.tx.QueryRowContext(ctx, s.db.q(qFinish), args...).Scan(&s.version); err != nil {
		return transient(err)
	}
	return nil
}

// insertFacts writes the facts deferFacts kept, in one statement, before
// the version is taken: an insert may wait for a concurrent push's
// insert of the same key, which must not happen while holding the
// counter row (lateTx). Fewer rows inserted than kept means an ID was
// taken meanwhile: the run ends with errNeedSavepoints (see deferFacts).
func (s *serverTx) insertFacts(ctx context.Context) error {
	if len(s.facts) == 0 {
		return nil
	}
	kinds, ids, tickets, data := make([]string, len(s.facts)), make([]string, len(s.facts)), make([]string, len(s.facts)), make([]string, len(s.facts))
	for i, f := range s.facts {
		kinds[i], ids[i], tickets[i], data[i] = f.kind, f.id, f.ticket, f.data
	}
	res, err := s.tx.ExecContext(ctx, s.db.q(qInsertFacts), s.tenant, kinds, ids, tickets, data)
	if err != nil {
		return transient(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return transient(err)
	}
	if n != int64(len(s.facts)) {
		return errNeedSavepoints
	}
	s.facts = nil
	return nil
}

func (s *serverTx) emitAll(ctx context.Context, scopes []string, kind, id string) error {
	for _, sc := range scopes {
		if err := s.emit(ctx, sc, kind, id, false); err != nil {
			return err
		}
	}
	return nil
}

func (s *serverTx) Ticket(ctx context.Context, id app.TicketID) (app.Ticket, error) {
	if t, ok := s.tickets[id]; ok {
		return t.Clone(), nil
	}
	var t app.Ticket
	if err := s.get(ctx, kindTicket, string(id), &t); err != nil {
		return t, err
	}
	s.cacheTicket(t)
	return t, nil
}

// cacheTicket keeps a copy of t, as read from the database.
func (s *serverTx) cacheTicket(t app.Ticket) {
	if _, ok := s.tickets[t.ID]; !ok && len(s.tickets) >= maxCachedTickets {
		return
	}
	if s.tickets == nil {
		s.tickets = map[app.TicketID]app.Ticket{}
	}
	s.tickets[t.ID] = t.Clone()
}

// SaveTicket writes a ticket and moves it between scopes when its
// assignment changed: the scopes it enters get the ticket with all its
// facts, the scopes it leaves a "gone" row.
func (s *serverTx) SaveTicket(ctx context.Context, t app.Ticket) error {
	if err := t.Validate(); err != nil {
		return err
	}
	old, err := s.Ticket(ctx, t.ID)
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return err
	}
	// Read again from the database when next asked for: the stored
	// ticket is what JSON made of t, which need not equal t.
	delete(s.tickets, t.ID)
	if err := s.put(ctx, kindTicket, string(t.ID), string(t.ID), t); err != nil {
		return err
	}
	s.changed.ticket(t.ID)
	stepAt := int64(noStep) // the latest step's field time, for the board's index
	for _, h := range savedSteps(old, t, s.loading, s.db.now()) {
		fieldAt, err := s.stepFieldAt(ctx, t, old.ID == "", h)
		if err != nil {
			return err
		}
		stepAt = max(stepAt, fieldAt.UnixNano())
		if s.batch {
			s.history = append(s.history, historyRow{t.ID, h.from, h.to, t.Epoch, h.at.UnixNano(), fieldAt.UnixNano()})
			continue
		}
		v, err := s.ver(ctx)
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, qHistory, s.tenant, string(t.ID), v, string(h.from), string(h.to), t.Epoch, h.at.UnixNano(), fieldAt.UnixNano()); err != nil {
			return transient(err)
		}
	}
	if err := s.indexTicket(ctx, t, stepAt); err != nil {
		return err
	}
	// A load's close is no close on the service: a ticket loaded closed,
	// new or known, has no claim (PROTOCOL.md, "Brand warranty claims").
	if t.Status == app.StatusClosed && old.Status != app.StatusClosed && !s.loading {
		if err := s.makeClaim(ctx, t); err != nil {
			return err
		}
	}
	if old.ID != "" && old.Technician != t.Technician {
		if err := s.followTicket(ctx, t); err != nil {
			return err
		}
	}
	before, after := ticketScopes(s.tenant, old), ticketScopes(s.tenant, t)
	var children []entityKey
	if !slices.Equal(before, after) {
		if children, err = s.children(ctx, t.ID); err != nil {
			return err
		}
	}
	for _, c := range ticketMoves(t.ID, before, after, children) {
		if err := s.emit(ctx, c.scope, c.kind, c.id, c.gone == 1); err != nil {
			return err
		}
	}
	return nil
}

// stepFieldAt is when h, a step of ticket t the server writes at h.at
// (its clock), happened in the field (history's field_at): a new
// ticket's steps (created) and a load's as loadedFieldAt says; a
// technician's step at its mutation's time (mutationAt), dispatch's and
// the system's at h.at, both through app.FieldTime with the ticket's
// previous step's field time as the bound, so that its steps never go
// backwards (a device whose clock is behind cannot make an arrival
// precede the departure).
func (s *serverTx) stepFieldAt(ctx context.Context, t app.Ticket, created bool, h historyStep) (time.Time, error) {
	var at time.Time
	if created || s.loading {
		at = loadedFieldAt(h, t, s.db.now())
	} else {
		prev, ok := s.lastFieldAt[t.ID]
		if !ok {
			// Emptied by a rollback to a savepoint: a push's steps made
			// before it still wait in s.history, unwritten, the latest
			// last.
			for _, r := range s.history {
				if r.ticket == t.ID {
					prev, ok = time.Unix(0, r.fieldAt), true
				}
			}
		}
		if !ok {
			var last sql.NullInt64
			if err := s.queryRow(ctx, qLastFieldAt, s.tenant, string(t.ID)).Scan(&last); err != nil {
				return time.Time{}, transient(err)
			}
			if last.Valid {
				prev = time.Unix(0, last.Int64)
			}
		}
		at = app.FieldTime(s.mutationAt, h.at, prev)
	}
	if s.lastFieldAt == nil {
		s.lastFieldAt = map[app.TicketID]time.Time{}
	}
	s.lastFieldAt[t.ID] = at
	return at, nil
}

// ticketMoves are the change rows of saving ticket id, in the scopes
// after it was in before: the ticket in each scope after; its children
// (SaveTicket's children) in each scope it enters; the ticket and its
// children gone from each scope it leaves.
func ticketMoves(id app.TicketID, before, after []string, children []entityKey) []pendingChange {
	var out []pendingChange
	for _, sc := range after {
		out = append(out, pendingChange{sc, kindTicket, string(id), 0})
		if slices.Contains(before, sc) {
			continue
		}
		for _, c := range children {
			out = append(out, pendingChange{sc, c.kind, c.id, 0})
		}
	}
	for _, sc := range before {
		if slices.Contains(after, sc) {
			continue
		}
		for _, c := range append([]entityKey{{kindTicket, string(id)}}, children...) {
			out = append(out, pendingChange{sc, c.kind, c.id, 1})
		}
	}
	return out
}

type entityKey struct{ kind, id string }

// children lists a ticket's facts (repairs, parts used, photos, notes,
// payments, estimates, part requests, likely parts) and its device
// passcode.
func (s *serverTx) children(ctx context.Context, id app.TicketID) ([]entityKey, error) {
	rows, err := s.tx.QueryContext(ctx, s.db.q(`SELECT kind, id FROM entities WHERE tenant = ? AND ticket_id = ? AND kind IN ('repair', 'part_used', 'photo', 'note', 'payment', 'estimate', 'part_request', 'likely_parts')`), s.tenant, string(id))
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []entityKey{}
	for rows.Next() {
		var k entityKey
		if err := rows.Scan(&k.kind, &k.id); err != nil {
			return nil, transient(err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, transient(err)
	}
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM ticket_passcodes WHERE tenant = ? AND ticket = ?`, s.tenant, string(id)).Scan(&n); err != nil {
		return nil, transient(err)
	}
	if n > 0 {
		out = append(out, entityKey{kindPasscode, string(id)})
	}
	return out, nil
}

func (s *serverTx) CountRepairs(ctx context.Context, id app.TicketID) (int, error) {
	var n int
	err := s.queryRow(ctx, (`SELECT count(*) FROM entities WHERE tenant = ? AND ticket_id = ? AND kind = 'repair'`), s.tenant, string(id)).Scan(&n)
	return n, transient(err)
}

func (s *serverTx) Part(ctx context.Context, n app.PartNumber) (app.Part, error) {
	var p app.Part
	err := s.get(ctx, kindPart, string(n), &p)
	return p, err
}

func (s *serverTx) Location(ctx context.Context, id app.LocationID) (app.Location, error) {
	var l app.Location
	err := s.get(ctx, kindLocation, string(id), &l)
	return l, err
}

// AddMovement appends to the ledger: the movement itself, a signed delta
// per location it touches, and a change in each location's stock scope.
func (s *serverTx) AddMovement(ctx context.Context, m app.StockMovement) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if err := s.insertFact(ctx, kindMovement, m.ID, string(m.Ticket), m); err != nil {
		return err
	}
	for _, loc := range []app.LocationID{m.From, m.To} {
		if loc == "" {
			continue
		}
		q, args := qLedger, []any{s.tenant, m.ID, string(loc), string(m.Part), m.Delta(loc)}
		if key := balanceLockKey(s.tenant, loc, m.Part); loc == m.From && s.lateOnPostgres() && !s.checkLocks[key] {
			// The balance's check lock (balance), taken with the row
			// that debits it: a push's check then costs no round trip
			// of its own, and every late write debiting a balance
			// (dispatch's too) holds its lock to its commit, so a
			// push's check waits for its movement too. The write's
			// first lock takes every lock it named with it, in order
			// (willCheck).
			if all := s.orderedKeys(key); all != nil {
				q, args = qLedgerLockedAll, append(args, all)
				s.heldOrdered()
			} else {
				q, args = qLedgerLocked, append(args, key)
				s.heldCheckLock(key)
			}
		}
		if _, err := s.exec(ctx, q, args...); err != nil {
			return transient(err)
		}
		if err := s.emit(ctx, stockScope(s.tenant, loc), kindMovement, m.ID, false); err != nil {
			return err
		}
	}
	if err := s.moveUnit(ctx, m); err != nil {
		return err
	}
	s.moved = append(s.moved, m)
	s.changed.movement()
	return nil
}

// addTicketFact inserts a fact and emits it in its ticket's scopes.
func (s *serverTx) addTicketFact(ctx context.Context, kind, id string, ticket app.TicketID, v any) error {
	t, err := s.Ticket(ctx, ticket)
	if err != nil {
		return err
	}
	if err := s.insertFact(ctx, kind, id, string(ticket), v); err != nil {
		return err
	}
	s.changed.ticket(ticket)
	return s.emitAll(ctx, ticketScopes(s.tenant, t), kind, id)
}

func (s *serverTx) AddRepair(ctx context.Context, r app.RepairEntry) error {
	return s.addTicketFact(ctx, kindRepair, r.ID, r.Ticket, r)
}

func (s *serverTx) AddPartUsed(ctx context.Context, p app.PartUsed) error {
	return s.addTicketFact(ctx, kindPartUsed, p.ID, p.Ticket, p)
}

// AddPhoto records a photo's metadata; its state is "pending" until the
// bytes arrive and their hash is verified (see photos.go).
func (s *serverTx) AddPhoto(ctx context.Context, p app.Photo) error {
	p.State = app.PhotoPending
	if err := s.addTicketFact(ctx, kindPhoto, p.ID, p.Ticket, p); err != nil {
		return err
	}
	_, err := s.exec(ctx, (`INSERT INTO photo_hashes (tenant, sha256, photo, device) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`), s.tenant, p.SHA256, p.ID, string(s.device))
	return transient(err)
}

func (s *serverTx) AddNote(ctx context.Context, n app.Note) error {
	return s.addTicketFact(ctx, kindNote, n.ID, n.Ticket, n)
}

// AddSignature stores a signature with the digest as the device signed
// it: the server does not build the report, so it cannot check the digest
// yet (see docs/PROTOCOL.md, "Signatures").
func (s *serverTx) AddSignature(ctx context.Context, sg app.Signature) error {
	return s.addTicketFact(ctx, kindSignature, sg.ID, sg.Ticket, sg)
}

// balance sums a part's ledger at a location.
//
// In a late write on PostgreSQL (a push: concurrent, READ COMMITTED; see
// get) it holds the balance's check lock (lockCheck) to the commit when
// it sums: two pushes taking the shelf's last unit at the same moment
// would otherwise each sum the ledger without the other's uncommitted
// movement, both find 0 and neither raise negative_stock. With the lock
// the second waits for the first's commit, and its sum, a statement
// begun after that, sees the first's movement and its own: -1. The
// movement being checked took the lock already, with its ledger row
// (AddMovement), so it is held from the movement to the commit.
func (s *serverTx) balance(ctx context.Context, loc app.LocationID, part app.PartNumber) (int64, error) {
	if err := s.lockCheck(ctx, balanceLockKey(s.tenant, loc, part)); err != nil {
		return 0, err
	}
	var n sql.NullInt64
	err := s.queryRow(ctx, (`SELECT CAST(sum(delta) AS BIGINT) FROM ledger WHERE tenant = ? AND location = ? AND part = ?`), s.tenant, string(loc), string(part)).Scan(&n)
	return n.Int64, transient(err)
}

// lockCheck serializes, in a late write on PostgreSQL, a check that reads
// rows concurrent late writes may be adding (a sum, or "is there one
// already"), keyed by what it reads: it takes a transaction-scoped
// advisory lock on key, held to the commit. No row lock does it: a sum
// or an absence locks no row. The check's read must be a statement of
// its own after this one (a statement's snapshot is taken when it
// starts, so one begun before the lock was granted would miss the
// commit it waited for); every late write adding such rows takes the
// same lock before its check, so the second of two waits for the first's
// commit and then sees its rows. Elsewhere it does nothing: a write
// that takes its version first (directTx, and every write on SQLite)
// runs alone. Two writes taking two check locks in opposite orders
// would deadlock: a write's first check lock takes every one it named
// (willCheck) with it, in key order (lockorder.go).
func (s *serverTx) lockCheck(ctx context.Context, key int64) error {
	if !s.lateOnPostgres() || s.checkLocks[key] {
		return nil
	}
	if all := s.orderedKeys(key); all != nil {
		if _, err := s.exec(ctx, qCheckLocks, all); err != nil {
			return transient(err)
		}
		s.heldOrdered()
		return nil
	}
	if _, err := s.exec(ctx, qCheckLock, key); err != nil {
		return transient(err)
	}
	s.heldCheckLock(key)
	return nil
}

// lateOnPostgres reports whether s is a late write on PostgreSQL, whose
// checks lock (get, lockCheck).
func (s *serverTx) lateOnPostgres() bool { return s.take != nil && s.db.dialect == dialectPostgres }

// heldCheckLock notes that the transaction holds the check lock key: a
// push checking one balance ten times takes its lock once.
func (s *serverTx) heldCheckLock(key int64) {
	if s.checkLocks == nil {
		s.checkLocks = map[int64]bool{}
	}
	s.checkLocks[key] = true
}

// forgetCheckLocks is a rollback to the savepoint's part of the check
// locks (RollbackToSavepoint): PostgreSQL releases the locks taken since
// the savepoint. Those taken one by one are all forgotten (one taken
// before the savepoint is taken again when needed, which a lock the
// transaction holds grants at once). The ordered ones (willCheck) were
// taken in one statement, before the savepoint or after it: held still,
// or all released, and then the next check lock takes them again, in
// order, as the first did.
func (s *serverTx) forgetCheckLocks() {
	s.checkLocks = nil
	if s.ordered && !s.savedOrdered {
		s.ordered = false
	}
	if s.ordered {
		s.heldOrdered()
	}
}

// balanceLockKey is the check lock key of a balance (balance): a hash,
// so two balances may share a key, which makes their checks wait for each
// other and is otherwise harmless.
func balanceLockKey(tenant string, loc app.LocationID, part app.PartNumber) int64 {
	return checkLockKey(tenant, string(loc), string(part))
}

// unitLockKey is the check lock key of where a serialized unit is
// (moveUnit): one of unitLockBuckets per tenant, the unit's by its part
// and serial. A stock import placing 100,000 units takes each bucket's
// lock once (loadLocks), never a lock per unit, which PostgreSQL's lock
// table (64 a connection by default) could not hold; two writes on
// different units of one bucket wait for each other, which is harmless.
func unitLockKey(tenant string, part app.PartNumber, serial string) int64 {
	b := uint64(checkLockKey(string(part), serial)) % unitLockBuckets
	return checkLockKey("unit", tenant, strconv.FormatUint(b, 10))
}

// unitLockBuckets bounds the unit check locks one write takes.
const unitLockBuckets = 1024

// receiptLockKey is the check lock key of a receipt number's payments
// (AddPayment).
func receiptLockKey(tenant, receipt string) int64 {
	return checkLockKey("receipt", tenant, receipt)
}

// checkLockKey hashes the strings that name what a check reads
// (lockCheck). The keys of checks other than balance's start with a tag
// naming the check, so two kinds of check rarely share a key; when two
// do, one waits for the other, which is harmless.
func checkLockKey(fields ...string) int64 {
	h := fnv.New64a()
	for _, s := range fields {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return int64(h.Sum64())
}

// addConflict stores a new conflict and emits it. A conflict is never
// overwritten by another: when its ID (derived from a mutation ID, which a
// device chooses) is taken, as when another device used the same mutation
// ID, the server mints one.
func (s *serverTx) addConflict(ctx context.Context, c *app.Conflict) error {
	if err := s.describeStale(ctx, c); err != nil {
		return err
	}
	err := s.insertFact(ctx, kindConflict, c.ID, string(c.Ticket), c)
	if app.ErrorCode(err) == app.ECONFLICT {
		c.ID = "cf-" + app.NewID()
		err = s.insertFact(ctx, kindConflict, c.ID, string(c.Ticket), c)
	}
	if err != nil {
		return err
	}
	return s.emitConflict(ctx, *c)
}

// putConflict stores a changed conflict (a resolution) and emits it.
func (s *serverTx) putConflict(ctx context.Context, c app.Conflict) error {
	if err := s.put(ctx, kindConflict, c.ID, string(c.Ticket), c); err != nil {
		return err
	}
	return s.emitConflict(ctx, c)
}

// moveConflict stores c, which was was's technician's, as c.Technician's:
// was's devices get a "gone" row and drop their copy, since a question
// left on them could no longer be decided there (ResolveConflict answers
// another technician's conflict as an unknown one), and c.Technician's
// get the conflict.
func (s *serverTx) moveConflict(ctx context.Context, c app.Conflict, was app.TechnicianID) error {
	if err := s.putConflict(ctx, c); err != nil {
		return err
	}
	if was == "" || was == c.Technician {
		return nil
	}
	return s.emit(ctx, techScope(s.tenant, was), kindConflict, c.ID, true)
}

// followTicket gives ticket t's open field conflicts to its technician
// when its assignment changed: such a conflict asks which of two values
// of the ticket's customer phone or address stays, a question for
// whoever holds the ticket now (PROTOCOL.md, "Conflicts"). The other
// kinds keep a technician's own work or count and stay theirs. It runs
// from SaveTicket, under the ticket's lock, which every writer of a field
// conflict takes before the conflict's row.
func (s *serverTx) followTicket(ctx context.Context, t app.Ticket) error {
	var move []app.Conflict
	err := s.ticketEntities(ctx, kindConflict, t.ID, func(data string) error {
		var c app.Conflict
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			return err
		}
		if c.Kind == app.ConflictField && c.Open() && c.Technician != t.Technician {
			move = append(move, c)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range move {
		was := c.Technician
		c.Technician = t.Technician
		if err := s.moveConflict(ctx, c, was); err != nil {
			return err
		}
	}
	return nil
}

// emitConflict emits a conflict to the technician concerned, and notes
// it for the office's events.
func (s *serverTx) emitConflict(ctx context.Context, c app.Conflict) error {
	s.changed.conflict()
	if c.Technician != "" {
		return s.emit(ctx, techScope(s.tenant, c.Technician), kindConflict, c.ID, false)
	}
	return nil
}
