package central

import (
	"context"
	"database/sql"
	"slices"
	"strings"
)

// The statements of a push's hot path. On SQLite they are prepared once,
// when the database opens, on the one write connection, and each
// transaction borrows them (Tx.StmtContext finds them prepared on its
// connection): compiling a statement cost a push more than running it,
// and per transaction a group of 64 pushes compiled each 64 times.
// PostgreSQL needs none of this: pgx prepares and caches every statement
// per connection itself.
// The ON CONFLICT tails shared by the one-row statements below and the
// multi-row ones of a load (load.go), so both write the same rows.
const (
	// entityUpsert replaces a stored entity only when its ticket or JSON
	// differs: one replaced by the same keeps its row and its indexes (a
	// reload sends mostly what the server has).
	entityUpsert = `ON CONFLICT (tenant, kind, id) DO UPDATE SET ticket_id = excluded.ticket_id, data = excluded.data
		WHERE entities.ticket_id <> excluded.ticket_id OR entities.data <> excluded.data`
	// changeUpsert gives a change row the write's version, sent again.
	changeUpsert = `ON CONFLICT (scope, kind, id) DO UPDATE SET version = excluded.version, gone = excluded.gone`
	// partRequestIndexUpsert and shipmentIndexUpsert update an index row
	// only when a listed column changes.
	partRequestIndexUpsert = `ON CONFLICT (tenant, id) DO UPDATE SET ticket = excluded.ticket, state = excluded.state, at = excluded.at
		WHERE (part_request_index.ticket, part_request_index.state, part_request_index.at) <> (excluded.ticket, excluded.state, excluded.at)`
	shipmentIndexUpsert = `ON CONFLICT (tenant, id) DO UPDATE SET kind = excluded.kind, state = excluded.state, from_loc = excluded.from_loc,
		to_loc = excluded.to_loc, at = excluded.at
		WHERE (shipment_index.kind, shipment_index.state, shipment_index.from_loc, shipment_index.to_loc, shipment_index.at)
		<> (excluded.kind, excluded.state, excluded.from_loc, excluded.to_loc, excluded.at)`
)

const (
	qGetEntity = `SELECT data FROM entities WHERE tenant = ? AND kind = ? AND id = ?`
	// qGetEntityLock and qGetEntityShare are qGetEntity in a late write
	// on PostgreSQL (serverTx.get says which).
	qGetEntityLock  = qGetEntity + ` FOR UPDATE`
	qGetEntityShare = qGetEntity + ` FOR SHARE`
	qHistory        = `INSERT INTO history (tenant, ticket, version, from_status, to_status, epoch, at, field_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	qCountEntity    = `SELECT count(*) FROM entities WHERE tenant = ? AND kind = ? AND id = ?`
	qInsertFact     = `INSERT INTO entities (tenant, kind, id, ticket_id, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, kind, id) DO NOTHING`
	qPutEntity      = `INSERT INTO entities (tenant, kind, id, ticket_id, data) VALUES (?, ?, ?, ?, ?) ` + entityUpsert
	qEmit           = `INSERT INTO changes (scope, kind, id, version, ord, gone) VALUES (?, ?, ?, ?, ?, ?) ` + changeUpsert
	qWasInScope     = `SELECT count(*) FROM changes WHERE scope = ? AND kind = ? AND id = ?`
	qDeviceSeq      = `SELECT last_seq, revoked_at FROM devices WHERE id = ?`
	// qDeviceSeqLock is qDeviceSeq in a push on PostgreSQL: it holds the
	// device's row to the commit, so that two pushes of one device, which
	// run concurrently there, apply its mutations once, one after the
	// other.
	qDeviceSeqLock = qDeviceSeq + ` FOR UPDATE`
	qDeviceSeen    = `UPDATE devices SET last_seq = ?, last_seen = ?, clock_offset_ms = ? WHERE id = ?`
	qSavepoint     = `SAVEPOINT mutation`
	qRollbackTo    = `ROLLBACK TO SAVEPOINT mutation`
	qRelease       = `RELEASE SAVEPOINT mutation`
	qGroupSave     = `SAVEPOINT write_tx`
	qGroupRollbck  = `ROLLBACK TO SAVEPOINT write_tx`
	qGroupRelease  = `RELEASE SAVEPOINT write_tx`
	qCounter       = `SELECT v FROM counter WHERE id = 1`
	qCounterSet    = `UPDATE counter SET v = ? WHERE id = 1`
	// qCounterNext takes the next version on PostgreSQL, locking the
	// counter row to the commit (group.go).
	qCounterNext = `UPDATE counter SET v = v + 1 WHERE id = 1 RETURNING v`
	// qCheckLock (PostgreSQL only) serializes one check (of a balance, a
	// receipt number, a serialized unit) in concurrent late writes
	// (serverTx.lockCheck).
	qCheckLock = `SELECT pg_advisory_xact_lock(?)`
	// qCheckLocks takes the check locks of an array of keys in ascending
	// order, whatever the array's (willCheck): the sorted subquery is not
	// flattened into the outer query (its ORDER BY keeps it apart), so
	// the plan calls the lock in a Subquery Scan above the Sort, once a
	// row, in the Sort's order (EXPLAIN VERBOSE, PostgreSQL 15;
	// TestCheckLocksTakeKeysAscending checks the order in pg_locks).
	qCheckLocks = `SELECT pg_advisory_xact_lock(k) FROM (SELECT k FROM unnest(CAST(? AS BIGINT[])) AS u (k) ORDER BY k) AS sorted`
	// qTicketsLock and qTicketsShare (PostgreSQL only) lock the tickets
	// of an array of IDs, as qGetEntityLock and qGetEntityShare lock
	// one, in ascending ID order whatever the array's (lockTickets): the
	// plan's LockRows sits above its Sort and locks each row as the Sort
	// hands it up (PostgreSQL's SELECT documents that such a query may
	// return rows out of order because ORDER BY is applied first).
	qTicketsLock  = `SELECT id, data FROM entities WHERE tenant = ? AND kind = 'ticket' AND id = ANY(CAST(? AS TEXT[])) ORDER BY id FOR UPDATE`
	qTicketsShare = `SELECT id, data FROM entities WHERE tenant = ? AND kind = 'ticket' AND id = ANY(CAST(? AS TEXT[])) ORDER BY id FOR SHARE`
	// qTicketsOfRequestsLock (PostgreSQL only) is qTicketsLock of an
	// array of tickets and of the tickets of an array of part requests,
	// looked up in the same statement (lockTickets); only the tickets'
	// rows are locked (OF t), not the index's.
	qTicketsOfRequestsLock = `SELECT t.id, t.data FROM entities t WHERE t.tenant = ? AND t.kind = 'ticket' AND (t.id = ANY(CAST(? AS TEXT[]))
		OR t.id IN (SELECT r.ticket FROM part_request_index r WHERE r.tenant = ? AND r.id = ANY(CAST(? AS TEXT[])))) ORDER BY t.id FOR UPDATE OF t`
	// qShipmentsLock (PostgreSQL only) locks the shipments of an array of
	// IDs in ascending ID order, as qTicketsLock locks tickets
	// (lockShipments).
	qShipmentsLock = `SELECT id, data FROM entities WHERE tenant = ? AND kind = 'shipment' AND id = ANY(CAST(? AS TEXT[])) ORDER BY id FOR UPDATE`
	// qLedger writes a movement's delta at one location; qLedgerLocked
	// (PostgreSQL only) also takes the check lock of the balance it
	// debits, its last argument (serverTx.AddMovement).
	qLedger       = `INSERT INTO ledger (tenant, movement, location, part, delta) VALUES (?, ?, ?, ?, ?)`
	qLedgerLocked = `INSERT INTO ledger (tenant, movement, location, part, delta) SELECT ?, ?, ?, ?, CAST(? AS BIGINT) FROM (SELECT pg_advisory_xact_lock(?)) AS held`
	// qLedgerLockedAll is qLedgerLocked taking the locks of an array of
	// keys, as qCheckLocks does (the count makes the one row to insert;
	// PostgreSQL keeps a subquery's volatile outputs it does not use).
	qLedgerLockedAll = `INSERT INTO ledger (tenant, movement, location, part, delta) SELECT ?, ?, ?, ?, CAST(? AS BIGINT) FROM (SELECT count(*) FROM (` + qCheckLocks + `) AS taken) AS held`
	// qTechnician and qLocations are technicianScopes' reads.
	qTechnician = `SELECT data FROM entities WHERE tenant = ? AND kind = 'technician' AND id = ?`
	qLocations  = `SELECT id, data FROM entities WHERE tenant = ? AND kind = 'location'`
	// qScopesChanged counts the change rows after a version that could
	// change a technician's scopes (technicianScopes reads the
	// technician and the tenant's locations, and every write of either
	// writes its change row, LoadDataset's): the technician's row in
	// its own scope and the locations' in the catalog (pushahead.go).
	qScopesChanged = `SELECT (SELECT count(*) FROM changes WHERE scope = ? AND kind = 'technician' AND id = ? AND version > ?) + (SELECT count(*) FROM changes WHERE scope = ? AND version > ? AND kind = 'location')`
	// qFinish ends a late write on PostgreSQL in one statement
	// (serverTx.finish): it takes the next version as qCounterNext does
	// and writes with it the history rows (tenant, then one array per
	// column), the change rows, the applied rows (arrays too) and the
	// pushing device's row (qDeviceSeen's arguments). The statements of
	// a WITH all run, each once, whether the query reads them or not.
	qFinish = `WITH nv AS (` + qCounterNext + `),
h AS (INSERT INTO history (tenant, ticket, version, from_status, to_status, epoch, at, field_at)
	SELECT ?, r.ticket, nv.v, r.f, r.t, r.epoch, r.at, r.fat FROM nv, unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[]) AS r (ticket, f, t, epoch, at, fat)),
c AS (INSERT INTO changes (scope, kind, id, version, ord, gone)
	SELECT r.scope, r.kind, r.id, nv.v, r.ord, r.gone FROM nv, unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[]) AS r (scope, kind, id, ord, gone)
	ON CONFLICT (scope, kind, id) DO UPDATE SET version = excluded.version, gone = excluded.gone),
a AS (INSERT INTO applied (mutation, device, seq, name, status, conflict, at, device_at, hlc, version)
	SELECT r.m, r.d, r.seq, r.n, r.s, r.c, r.at, r.dat, r.hlc, nv.v FROM nv,
	unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[]) AS r (m, d, seq, n, s, c, at, dat, hlc)),
d AS (UPDATE devices SET last_seq = ?, last_seen = ?, clock_offset_ms = ? WHERE id = ?)
SELECT v FROM nv`
)

// qLastFieldAt is the field time of a ticket's latest step, which its
// next step may not precede (serverTx.stepFieldAt).
const qLastFieldAt = `SELECT max(field_at) FROM history WHERE tenant = ? AND ticket = ?`

// A push's rows for the applied table, its change rows and its lookups
// go in multi-row statements of up to pushRows rows, one statement for
// each count (pushChunk): a batch of 10 is one statement of 10 rows, not
// one of 8 and one of 2, since each statement run costs the writer a
// fixed amount (database/sql's statement, the arguments' binding, the
// VDBE's start and end) whatever its rows.
const pushRows = 16

// qAppliedAny and qTakenAny are qAppliedIn and qTakenIn on PostgreSQL,
// one statement for any count: the IDs go as one array, first. Each ID
// is looked up alone in the primary key (a LATERAL subquery with a
// LIMIT is not flattened into a join): written as key = ANY(array),
// the planner, whose statistics lag behind a busy table (autovacuum
// analyzes it a minute later at best), scanned every note of the
// tenant, or every applied row of the device, filtering them against
// the array, a push's cost growing with the table (thousands of rows
// read for ten IDs in BenchmarkServerMutations).
const (
	qAppliedAny = `SELECT u.id FROM unnest(?::text[]) AS u (id),
	LATERAL (SELECT 1 FROM applied WHERE device = ? AND mutation = u.id LIMIT 1) AS a`
	qTakenAny = `SELECT u.id FROM unnest(?::text[]) AS u (id),
	LATERAL (SELECT 1 FROM entities WHERE tenant = ? AND kind = ? AND id = u.id LIMIT 1) AS e`
	// qInsertFacts is qInsertFact for a push's deferred facts on
	// PostgreSQL (serverTx.insertFacts), one array per column.
	qInsertFacts = `INSERT INTO entities (tenant, kind, id, ticket_id, data)
	SELECT ?, r.kind, r.id, r.ticket, r.data FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS r (kind, id, ticket, data)
	ON CONFLICT (tenant, kind, id) DO NOTHING`
)

// pushChunk is how many of n rows the next multi-row statement takes.
func pushChunk(n int) int { return min(pushRows, n) }

// qAppliedIn[k] and qAppliedRows[k] take k+1 mutations: which of them
// the device used before, and their applied rows; qEmitRows[k] writes
// k+1 change rows as qEmit does one; qTakenIn[k] finds which of k+1
// IDs of one kind are taken. They are built by initializers, not in an
// init function: preparedQueries is initialized before init functions
// run, and took them empty, so they were compiled at every call.
var (
	qAppliedIn = multiRow(func(n int) string {
		return `SELECT mutation FROM applied WHERE device = ? AND mutation IN (?` + strings.Repeat(`, ?`, n-1) + `)`
	})
	qTakenIn = multiRow(func(n int) string {
		return `SELECT id FROM entities WHERE tenant = ? AND kind = ? AND id IN (?` + strings.Repeat(`, ?`, n-1) + `)`
	})
	qAppliedRows = multiRow(func(n int) string {
		const row = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		return `INSERT INTO applied (mutation, device, seq, name, status, conflict, at, device_at, hlc, version) VALUES ` + row + strings.Repeat(`, `+row, n-1)
	})
	qEmitRows = multiRow(func(n int) string {
		const row = `(?, ?, ?, ?, ?, ?)`
		return `INSERT INTO changes (scope, kind, id, version, ord, gone) VALUES ` + row + strings.Repeat(`, `+row, n-1) +
			` ON CONFLICT (scope, kind, id) DO UPDATE SET version = excluded.version, gone = excluded.gone`
	})
)

// multiRow returns query(k+1) for each k below pushRows.
func multiRow(query func(n int) string) (qs [pushRows]string) {
	for k := range qs {
		qs[k] = query(k + 1)
	}
	return qs
}

var preparedQueries = slices.Concat([]string{
	qGetEntity, qCountEntity, qInsertFact, qPutEntity, qEmit, qWasInScope, qLastFieldAt,
	qDeviceSeq, qDeviceSeen, qTechnician, qLocations, qScopesChanged,
	qSavepoint, qRollbackTo, qRelease, qGroupSave, qGroupRollbck, qGroupRelease, qCounter, qCounterSet,
}, qAppliedIn[:], qAppliedRows[:], qEmitRows[:], qTakenIn[:])

// The reads of every sync request outside the push's transaction: the
// token's principal, the device's receipt prefix, the epoch and the
// device's recorded app version. Each compiled anew cost about as much as
// running it, four or five times per request.
const (
	qAuthDevice    = `SELECT id, tenant, technician, name, revoked_at FROM devices WHERE token_hash = ?`
	qAuthAdmin     = `SELECT tenant, name, role, revoked_at FROM admin_tokens WHERE token_hash = ?`
	qReceiptPrefix = `SELECT num FROM receipt_prefixes WHERE device = ?`
	qEpoch         = `SELECT v FROM meta WHERE k = 'epoch'`
	qDeviceInfo    = `SELECT app, protocol, at FROM device_info WHERE device = ?`
)

// readQueries are a push's reads before it queues for the writer
// (pushahead.go) and a sync request's reads, prepared on SQLite's read
// pool: database/sql prepares each on a connection of the pool the first
// time it runs there.
var readQueries = []string{qCounter, qTechnician, qLocations, qAuthDevice, qAuthAdmin, qReceiptPrefix, qEpoch, qDeviceInfo}

// prepare prepares preparedQueries on SQLite's write connection, and
// readQueries on its read pool. It runs before any transaction:
// with one connection, a Prepare on the DB while a transaction holds it
// would wait for ever.
func (db *DB) prepare(ctx context.Context) error {
	if db.dialect != dialectSQLite {
		return nil
	}
	var err error
	if db.prepared, err = prepareAll(ctx, db.write, preparedQueries); err != nil {
		return err
	}
	db.readPrepared, err = prepareAll(ctx, db.read, readQueries)
	return err
}

// prepareAll prepares queries on d; on an error it closes those
// prepared already.
func prepareAll(ctx context.Context, d *sql.DB, queries []string) (map[string]*sql.Stmt, error) {
	stmts := make(map[string]*sql.Stmt, len(queries))
	for _, q := range queries {
		st, err := d.PrepareContext(ctx, q)
		if err != nil {
			for _, st := range stmts {
				st.Close()
			}
			return nil, err
		}
		stmts[q] = st
	}
	return stmts, nil
}

// preparedTx runs tx's queries through stmts, the statements prepared
// for tx's database, when query is one of them (technicianScopes takes
// a querier, not a transaction). Without stmts (PostgreSQL) it is tx.
type preparedTx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func (p preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmts[query]; st != nil {
		return p.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return p.tx.QueryContext(ctx, query, args...)
}

func (p preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmts[query]; st != nil {
		return p.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return p.tx.QueryRowContext(ctx, query, args...)
}

// readRow runs query on the read pool, through its prepared statement
// on SQLite when it is one of readQueries.
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.readPrepared[query]; st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, db.q(query), args...)
}

// txStmt returns query as a statement of tx: on SQLite the one prepared
// when the database opened, if query is one of them, else prepared now
// for tx alone.
func (db *DB) txStmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if st := db.prepared[query]; st != nil {
		return tx.StmtContext(ctx, st), nil
	}
	st, err := tx.PrepareContext(ctx, db.q(query))
	if err != nil {
		return nil, transient(err)
	}
	return st, nil
}

// txExec runs query in tx, through its prepared statement on SQLite.
func (db *DB) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st := db.prepared[query]; st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, db.q(query), args...)
}

// txQuery is txExec for a query returning rows.
func (db *DB) txQuery(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	if st := db.prepared[query]; st != nil {
		return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, db.q(query), args...)
}

// txQueryRow is txExec for a query returning one row.
func (db *DB) txQueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st := db.prepared[query]; st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, db.q(query), args...)
}
