package sqlitetx

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
)

// TxLock is how write transactions begin, for the DSN's _txlock: IMMEDIATE
// takes the write lock at BEGIN, so a write transaction that first reads
// cannot fail halfway with SQLITE_BUSY when it upgrades (the classic
// deferred-transaction deadlock).
const TxLock = "immediate"

// The statements that begin and end the write transactions.
const (
	writerBegin    = "BEGIN " + TxLock
	writerCommit   = "COMMIT"
	writerRollback = "ROLLBACK"
)

// OpenDB opens a sql.DB over the driver's connector c (modernc's
// sqlite.NewConnector), each connection wrapped in a writerConn.
func OpenDB(c driver.Connector) *sql.DB {
	return sql.OpenDB(writerConnector{c})
}

// writerConnector opens writerConns.
type writerConnector struct{ inner driver.Connector }

func (c writerConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	w, err := newWriterConn(conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return w, nil
}

func (c writerConnector) Driver() driver.Driver { return c.inner.Driver() }

// writerConn is a modernc connection whose write transactions begin,
// commit and roll back with statements it prepared once, on first use,
// and keeps for its life. modernc's own transaction parses and plans
// "BEGIN IMMEDIATE" and "COMMIT" at each call: for one user action per
// transaction that was a tenth of its CPU (docs/BENCHMARKS.md, "Store:
// commits", h-devcommit). Everything else goes to modernc's connection
// unchanged; the statements it prepares are modernc's.
type writerConn struct {
	inner driverConn
	// begin, commit and rollback are prepared on first use; nil until then.
	begin, commit, rollback driver.StmtExecContext
}

var (
	_ driver.Conn               = (*writerConn)(nil)
	_ driver.ConnPrepareContext = (*writerConn)(nil)
	_ driver.ConnBeginTx        = (*writerConn)(nil)
	_ driver.ExecerContext      = (*writerConn)(nil)
	_ driver.QueryerContext     = (*writerConn)(nil)
	_ driver.Pinger             = (*writerConn)(nil)
	_ driver.SessionResetter    = (*writerConn)(nil)
	_ driver.Validator          = (*writerConn)(nil)
)

// driverConn is what writerConn needs of the driver's connection: all it
// forwards to, and the interfaces database/sql looks for on it.
type driverConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// errWriterDriver: the driver's connection lacks what writerConn forwards
// to (a modernc upgrade that dropped an interface).
var errWriterDriver = errors.New("sqlitetx: the SQLite driver's connection lacks an interface the writer needs")

func newWriterConn(c driver.Conn) (*writerConn, error) {
	w := &writerConn{}
	var ok bool
	if w.inner, ok = c.(driverConn); !ok {
		return nil, fmt.Errorf("%w (%T)", errWriterDriver, c)
	}
	return w, nil
}

func (w *writerConn) Prepare(q string) (driver.Stmt, error) { return w.inner.Prepare(q) }

func (w *writerConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return w.inner.PrepareContext(ctx, q)
}

func (w *writerConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return w.inner.ExecContext(ctx, q, args)
}

func (w *writerConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return w.inner.QueryContext(ctx, q, args)
}

func (w *writerConn) Ping(ctx context.Context) error         { return w.inner.Ping(ctx) }
func (w *writerConn) ResetSession(ctx context.Context) error { return w.inner.ResetSession(ctx) }
func (w *writerConn) IsValid() bool                          { return w.inner.IsValid() }
func (w *writerConn) Begin() (driver.Tx, error) {
	return w.BeginTx(context.Background(), driver.TxOptions{})
}

// Close closes the kept statements, then the connection.
func (w *writerConn) Close() error {
	var errs []error
	for _, s := range []*driver.StmtExecContext{&w.begin, &w.commit, &w.rollback} {
		if *s != nil {
			errs = append(errs, (*s).(driver.Stmt).Close())
			*s = nil
		}
	}
	errs = append(errs, w.inner.Close())
	return errors.Join(errs...)
}

// run executes q through its kept statement *s, preparing it first if it
// is not yet.
func (w *writerConn) run(ctx context.Context, q string, s *driver.StmtExecContext) error {
	if *s == nil {
		st, err := w.inner.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		se, ok := st.(driver.StmtExecContext)
		if !ok {
			st.Close()
			return fmt.Errorf("%w (%T)", errWriterDriver, st)
		}
		*s = se
	}
	_, err := (*s).ExecContext(ctx, nil)
	return err
}

// BeginTx begins a write transaction with the kept BEGIN IMMEDIATE. A
// read-only transaction or another isolation level, which the writer does
// not use, takes modernc's own.
func (w *writerConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if opts.ReadOnly || opts.Isolation != driver.IsolationLevel(sql.LevelDefault) {
		return w.inner.BeginTx(ctx, opts)
	}
	// ctx ends a wait under busy_timeout for another process's lock. The
	// driver reports ctx's error once ctx is done, also for a BEGIN that
	// took effect just before: database/sql then takes the connection for
	// free, so a transaction the BEGIN may have opened is rolled back (an
	// error when there was none says nothing more).
	if err := w.run(ctx, writerBegin, &w.begin); err != nil {
		if ctx.Err() != nil {
			_ = w.run(context.Background(), writerRollback, &w.rollback)
		}
		return nil, err
	}
	return writerTx{w: w}, nil
}

// writerTx is a transaction begun by writerConn.BeginTx.
type writerTx struct{ w *writerConn }

// Commit commits. It does not watch BeginTx's context: the driver would
// report the context's error for a COMMIT that took effect, a saved action
// reported lost, and in WAL mode, with the write lock taken at BEGIN, a
// COMMIT waits for no other connection. A COMMIT that fails may leave the
// transaction open (a deferred foreign key) or SQLite may have rolled it
// back already (an I/O error): database/sql hands the connection to the
// next user, which must find no transaction open, so it is rolled back,
// whose error when there was none left says nothing the commit's does not.
func (t writerTx) Commit() error {
	err := t.w.run(context.Background(), writerCommit, &t.w.commit)
	if err != nil {
		_ = t.w.run(context.Background(), writerRollback, &t.w.rollback)
	}
	return err
}

func (t writerTx) Rollback() error {
	return t.w.run(context.Background(), writerRollback, &t.w.rollback)
}
