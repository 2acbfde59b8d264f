package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Group commit, on SQLite. Every write transaction that takes a
// change-log version (writeTx) goes to one writer goroutine per DB, which
// runs the ones queued together in one database transaction, each in a
// savepoint of its own, and commits them with one flush to disk. SQLite
// has one writer at a time anyway (one write connection, immediate
// transactions), so the versions the writer gives in order are committed
// in that order: a pull that has seen version v never later finds a
// version below v committed (docs/PROTOCOL.md, "Pull: scopes, cursor,
// byte-bounded pages").
// The writer takes what is queued when it is free and never waits for
// more: a lone write commits at once, and a busy server's writes queue
// while the previous group commits.
//
// On PostgreSQL there is no writer: each write is a transaction of its
// own, which holds the counter row's lock from taking its version
// (UPDATE counter ... RETURNING) to its commit; the next write, from this
// instance or another on the same database, waits for that lock, so
// version order is commit order there too. A push, and every write
// through serverTx (entityTx: dispatch, conflicts, the likely-parts job,
// photos, notices), takes its version last (lateTx), so these writes do
// their reads, checks and writes concurrently and hold the lock only for
// their change rows, applied rows and commit, which go to PostgreSQL in
// one round trip (pgTry, pgEnd); the others take it with
// their first statement (directTx), and one PostgreSQL ends to break a
// deadlock runs again (pgTx). Through a
// writer, a group's statements waited for their answers
// one after the other on one connection, and 8 devices pushed half as
// many mutations a second as through their own transactions, which queue
// on the counter row inside PostgreSQL (docs/BENCHMARKS.md, "Server
// throughput").
const (
	// maxGroup and maxGroupBytes bound one group: its members' work (and
	// locks) are held until the last member's done, and a failed commit
	// costs every member a retry.
	maxGroup      = 64
	maxGroupBytes = 4 << 20 // the pushed mutations' arguments
	// writeQueue bounds the write transactions waiting for the writer;
	// past it, callers wait (or give up with their context) to enqueue.
	writeQueue = 1024
	// groupTimeout bounds one group's database transaction: a member
	// that started runs to its end whatever its caller's context says
	// (its outcome must be known before anyone is answered).
	groupTimeout = 2 * time.Minute
)

// Write request states: the writer and the caller race to move a queued
// request on; whoever moves it first decides.
const (
	reqQueued int32 = iota
	reqStarted
	reqAbandoned
)

// writeReq is one caller's write transaction, queued for the writer.
type writeReq struct {
	ctx   context.Context
	bytes int
	fn    func(ctx context.Context, tx *sql.Tx, version int64) error
	state atomic.Int32
	done  chan error // buffered: the writer never waits for the caller
}

// startWriter starts the writer goroutine on SQLite; Close stops it.
// On PostgreSQL it only readies Close's signal, which writeTx heeds.
func (db *DB) startWriter() {
	db.closing = make(chan struct{})
	if db.dialect == dialectPostgres {
		return
	}
	db.queue = make(chan *writeReq, writeQueue)
	db.writerDone = make(chan struct{})
	go db.runWriter()
}

// writeTx runs fn in a write transaction with the next change-log version
// and returns once what fn wrote is committed (nil) or rolled back (fn's
// error, or the database's). fn must do its work with the ctx it is
// given: its caller's values, without its cancellation, since fn shares
// the transaction with other callers' writes. A caller whose ctx ends
// while its write is still queued gets ctx's error and its fn never runs.
func (db *DB) writeTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx, version int64) error) error {
	return db.writeTxBytes(ctx, 0, fn)
}

// mayWrite says whether a write may start: its ctx is alive and the
// service is not closing (errClosed).
func (db *DB) mayWrite(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-db.closing:
		return errClosed
	default:
	}
	return nil
}

// writeTxBytes is writeTx for a write carrying about n bytes of input
// (a push's mutations), which bounds the size of its group.
func (db *DB) writeTxBytes(ctx context.Context, n int, fn func(ctx context.Context, tx *sql.Tx, version int64) error) error {
	if err := db.mayWrite(ctx); err != nil {
		return err
	}
	if db.dialect == dialectPostgres {
		return db.directTx(ctx, fn)
	}
	r := &writeReq{ctx: ctx, bytes: n, fn: fn, done: make(chan error, 1)}
	select {
	case db.queue <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.closing:
		return errClosed
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		if r.state.CompareAndSwap(reqQueued, reqAbandoned) {
			return ctx.Err()
		}
		// Started: its outcome is known only once its group ends.
		return <-r.done
	case <-db.writerDone:
		if r.state.CompareAndSwap(reqQueued, reqAbandoned) {
			return errClosed
		}
		return <-r.done
	}
}

var errClosed = app.Errorf(app.EINTERNAL, "central.closing", "The central service is shutting down; try again shortly.")

// runWriter takes the queued write transactions in groups until Close.
func (db *DB) runWriter() {
	defer close(db.writerDone)
	for {
		var first *writeReq
		select {
		case first = <-db.queue:
		case <-db.closing:
			return
		}
		group, bytes := []*writeReq{first}, first.bytes
	gather:
		for len(group) < maxGroup && bytes < maxGroupBytes {
			select {
			case r := <-db.queue:
				group = append(group, r)
				bytes += r.bytes
			default:
				break gather
			}
		}
		run := group[:0]
		for _, r := range group {
			if r.state.CompareAndSwap(reqQueued, reqStarted) {
				run = append(run, r)
			}
		}
		if len(run) == 0 {
			continue
		}
		errs := make([]error, len(run))
		err := db.commitGroup(run, errs)
		for i, r := range run {
			if errs[i] == nil {
				errs[i] = err
			}
			r.done <- errs[i]
		}
	}
}

// commitGroup runs the members' fns in one database transaction, giving
// each the next version and its own savepoint, and commits. A member
// whose fn fails is rolled back to its savepoint and gets its own error
// in errs; the others go on. An error returned is the whole group's: no
// member's work was committed (or, for a failed commit, none is known
// to be), and every member without an error of its own gets it.
func (db *DB) commitGroup(run []*writeReq, errs []error) error {
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return transient(err)
	}
	defer tx.Rollback()
	var last int64
	if err := db.txQueryRow(ctx, tx, qCounter).Scan(&last); err != nil {
		return transient(err)
	}
	first := last
	deadline, _ := ctx.Deadline()
	alone := len(run) == 1
	for i, r := range run {
		mctx, cancel := context.WithDeadline(context.WithoutCancel(r.ctx), deadline)
		if alone {
			// Nothing to keep apart: fn's failure rolls back the whole
			// transaction, without a savepoint's two statements.
			err := runMember(mctx, tx, last+1, r.fn)
			cancel()
			if err != nil {
				errs[i] = err
				return err
			}
			last++
			break
		}
		if _, err := db.txExec(ctx, tx, qGroupSave); err != nil {
			cancel()
			return transient(err)
		}
		err := runMember(mctx, tx, last+1, r.fn)
		cancel()
		if err != nil {
			errs[i] = err
			if _, err := db.txExec(ctx, tx, qGroupRollbck); err != nil {
				return transient(err)
			}
		} else {
			last++
		}
		if _, err := db.txExec(ctx, tx, qGroupRelease); err != nil {
			return transient(err)
		}
	}
	if last == first {
		return nil // every member failed and was rolled back: nothing to commit
	}
	if _, err := db.txExec(ctx, tx, qCounterSet, last); err != nil {
		return transient(err)
	}
	return transient(tx.Commit())
}

// takeVersion gives a late write (lateTx) its change-log version: the
// first call takes it, later calls return the same.
type takeVersion func(ctx context.Context) (int64, error)

// lateTx is writeTxBytes for a write that needs its version only at its
// end (a push, dispatch's and the jobs' writes through serverTx: see
// entityTx): fn calls take when it does. On SQLite the group's writer
// gives the version when fn starts, as writeTx does. On PostgreSQL fn
// runs without the counter row's lock, concurrently with other writes,
// and take locks the row (UPDATE counter ... RETURNING), which is then
// held to the commit: version order stays commit order, and the lock is
// held for what fn does after take, not for its whole work. fn must do
// after take only what waits for no other write's row lock (writes to
// the change log, which only holders of the counter write, and to rows
// of its own already locked): a write holding the counter while waiting
// for a row another write holds, which waits for the counter, would
// deadlock.
func (db *DB) lateTx(ctx context.Context, n int, fn func(ctx context.Context, tx *sql.Tx, take takeVersion) error) error {
	if db.dialect != dialectPostgres {
		return db.writeTxBytes(ctx, n, func(ctx context.Context, tx *sql.Tx, version int64) error {
			return fn(ctx, tx, func(context.Context) (int64, error) { return version, nil })
		})
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-db.closing:
		return errClosed
	default:
	}
	return db.pgTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var v int64
		take := func(ctx context.Context) (int64, error) {
			if v == 0 {
				if err := tx.QueryRowContext(ctx, qCounterNext).Scan(&v); err != nil {
					return 0, transient(err)
				}
			}
			return v, nil
		}
		return runMember(ctx, tx, 0, func(ctx context.Context, tx *sql.Tx, _ int64) error { return fn(ctx, tx, take) })
	})
}

// directTx runs fn alone in a PostgreSQL transaction that first takes
// the next version: for the writes that use the counter row's lock as
// a mutex for their own rows (tokens, receipt prefixes, pairing, cash,
// claims). They lock no record a push reads; a dataset load, which
// writes the version into rows of its own and writes records pushes
// lock, locks those first and takes the version then (loadTx).
func (db *DB) directTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx, version int64) error) error {
	return db.pgTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var v int64
		if err := tx.QueryRowContext(ctx, qCounterNext).Scan(&v); err != nil {
			return transient(err)
		}
		return runMember(ctx, tx, v, fn)
	})
}

// pgTries bounds the tries of one PostgreSQL write that PostgreSQL ends
// as a deadlock's victim (or a serialization failure): each costs the
// deadlock_timeout (1 s by default) before it is ended, and the locks
// that made it are gone once the other write commits.
const pgTries = 4

// pgTx runs fn in a PostgreSQL transaction of its own and commits it,
// running it again in a new transaction, up to pgTries in all, when
// PostgreSQL ended it to break a deadlock (or a serialization failure):
// such a write was rolled back whole and did nothing, and every fn given
// here keeps no state outside its transaction but what it sets anew on
// each run. fn gets ctx without its cancellation, as a group's member
// does, bounded by groupTimeout per try.
//
// Each such end is logged: it cost the write deadlock_timeout, and an
// operator seeing them often has writes that lock in opposite orders.
func (db *DB) pgTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	for try := 1; ; try++ {
		err := db.pgTry(ctx, fn)
		if !lostToLocks(err) {
			return err
		}
		db.log.Warn("database: PostgreSQL ended a write to break a deadlock (or a serialization failure)", "try", try, "of", pgTries, "err", err)
		if try == pgTries {
			return err
		}
	}
}

func (db *DB) pgTry(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), groupTimeout)
	defer cancel()
	conn, err := db.write.Conn(tctx)
	if err != nil {
		return transient(err)
	}
	defer conn.Close()
	// READ COMMITTED whatever the database's default: the check locks
	// and the FOR UPDATE reads (serverTx.get, lockCheck) are right only
	// where each statement sees what was committed before it began.
	tx, err := conn.BeginTx(tctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return transient(err)
	}
	defer tx.Rollback()
	end := &pgEnd{}
	if err := fn(context.WithValue(tctx, pgEndKey{}, end), tx); err != nil {
		return err
	}
	if end.query == "" {
		return transient(tx.Commit())
	}
	// The end's statement, COMMIT and a BEGIN go in one round trip:
	// the end takes the counter row, whose lock COMMIT releases, and
	// waiting between them for the answer to reach this process and
	// the COMMIT to come back (on a busy machine, for a CPU each way)
	// held every other write of every instance. The BEGIN opens an
	// empty transaction for database/sql's, whose Commit ends it
	// (without a WAL flush: it wrote nothing); a COMMIT outside a
	// transaction would log a warning at every push.
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("PostgreSQL connection is a %T, not pgx's", dc)
		}
		b := &pgx.Batch{}
		b.Queue(db.q(end.query), end.args...).QueryRow(func(row pgx.Row) error { return row.Scan(end.dest...) })
		b.Queue("COMMIT")
		b.Queue("BEGIN")
		return c.Conn().SendBatch(tctx, b).Close()
	})
	if err != nil {
		return transient(err)
	}
	// The write is committed whatever this answers: it ends the empty
	// transaction, and a broken connection is database/sql's to drop.
	tx.Commit()
	return nil
}

// pgEnd is the last statement of a PostgreSQL write (pgTry), sent with
// its COMMIT; a late write's end (serverTx.finish) sets it when it
// finds one in its context (pgEndFrom), set by pgTry. A context, not a
// parameter, carries it: it passes through lateTx and its callers'
// closures, which run on SQLite too, where there is none.
type pgEnd struct {
	query string
	args  []any
	dest  []any // the end's one row is scanned into these
}

type pgEndKey struct{}

// pgEndFrom returns the end pgTry waits for in ctx, or nil outside one.
func pgEndFrom(ctx context.Context) *pgEnd {
	e, _ := ctx.Value(pgEndKey{}).(*pgEnd)
	return e
}

// lostToLocks reports whether PostgreSQL ended a transaction to break a
// deadlock (40P01) or as a serialization failure (40001).
func lostToLocks(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// runMember runs one member's fn, turning a panic into its error: the
// writer serves every caller and must outlive one's bug.
func runMember(ctx context.Context, tx *sql.Tx, version int64, fn func(ctx context.Context, tx *sql.Tx, version int64) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = app.Errorf(app.EINTERNAL, "central.database", "The central database failed; try again shortly.").WithCause(fmt.Errorf("write transaction panicked: %v", p))
		}
	}()
	return fn(ctx, tx, version)
}
