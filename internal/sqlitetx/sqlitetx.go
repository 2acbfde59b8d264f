package sqlitetx

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"strings"
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

// MaxKeptStmts bounds the statements a connection keeps prepared
// (writerConn): the store's commit path runs a few dozen distinct texts,
// the central service's push path fewer; a text run once (a migration's
// PRAGMA user_version = n) is dropped when the bound is reached, the
// statement used longest ago first.
const MaxKeptStmts = 128

// SyncData is the driver's process-wide switch between fsync(2) and
// fdatasync(2) for the syncs of a commit and a checkpoint: modernc's
// sqlite.Fdatasync. It reports an error where the platform has no
// fdatasync (macOS, Windows), and SQLite then syncs as it always does
// there.
type SyncData func(on bool) (prev bool, err error)

// OpenDB opens a sql.DB over the driver's connector c (modernc's
// sqlite.NewConnector), each connection wrapped in a writerConn, and
// switches the driver's syncs to fdatasync(2) (syncData(true)) before
// the first connection opens. SQLite's own builds for Linux sync with
// fdatasync (its configure script finds it and defines HAVE_FDATASYNC);
// modernc's library, transpiled without that check, keeps the source's
// default, fsync(2), which also sends the file's timestamps through the
// file system's journal. fdatasync writes the data and what reading it
// back needs, the file's size included: a commit that returned is on the
// disk just the same (docs/BENCHMARKS.md, "Commits synced with
// fdatasync"). The switch holds for every SQLite connection of the
// process, the read pools' too, which only sync at a checkpoint.
func OpenDB(c driver.Connector, syncData SyncData) *sql.DB {
	if syncData != nil {
		// An error is a platform without fdatasync: its syncs stay SQLite's.
		_, _ = syncData(true)
	}
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

// writerConn is a modernc connection that keeps the statements it runs
// prepared for its life, at most MaxKeptStmts of them: modernc's
// connection parses and plans a statement at each ExecContext and
// QueryContext, which was a fifth of a user action's CPU
// (docs/BENCHMARKS.md, "Store: commits"), and its transaction does the
// same with "BEGIN IMMEDIATE" and "COMMIT" (a tenth). The write
// transactions begin, commit and roll back with kept statements too.
// Statements the caller prepares itself (PrepareContext, a *sql.Stmt) are
// the caller's, modernc's, and not kept here.
//
// database/sql uses a connection from one goroutine at a time, also to
// close a Rows, so the kept statements need no lock of their own.
type writerConn struct {
	inner driverConn
	// kept are the prepared statements by text; used counts their uses,
	// for the one to drop when the bound is reached.
	kept map[string]*keptStmt
	used uint64
}

// keptStmt is a statement writerConn keeps prepared.
type keptStmt struct {
	stmt keptDriverStmt
	// lastUse is writerConn.used at its last use; uses counts them
	// (KeptUses).
	lastUse uint64
	uses    int
	// rowsOpen: a Rows of it is still open. modernc's Rows steps the
	// statement itself, so the statement is not run again, nor closed,
	// before that Rows is closed: a second query of the same text
	// meanwhile (a statement inside a loop over its own rows) runs on a
	// statement prepared for that call alone.
	rowsOpen bool
	// dropped: the bound dropped it while its Rows was open; that Rows'
	// Close closes it.
	dropped bool
}

// keptDriverStmt is what writerConn needs of a statement the driver
// prepared.
type keptDriverStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
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

// errWriterDriver: the driver's connection or statement lacks what
// writerConn needs (a modernc upgrade that dropped an interface).
var errWriterDriver = errors.New("sqlitetx: the SQLite driver's connection lacks an interface the writer needs")

func newWriterConn(c driver.Conn) (*writerConn, error) {
	w := &writerConn{kept: map[string]*keptStmt{}}
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

// ExecContext runs q on its kept statement, preparing and keeping it the
// first time; a script (several statements), which modernc parses at each
// run whatever it kept, and a statement whose Rows is open run on
// modernc's connection as before.
func (w *writerConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	s, err := w.keep(ctx, q)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return w.inner.ExecContext(ctx, q, args)
	}
	return s.stmt.ExecContext(ctx, args)
}

// QueryContext is ExecContext for a query; its Rows marks the kept
// statement in use until it is closed.
func (w *writerConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := w.keep(ctx, q)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return w.inner.QueryContext(ctx, q, args)
	}
	rows, err := s.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.rowsOpen = true
	return &keptRows{Rows: rows, s: s}, nil
}

// keep returns q's kept statement, preparing it when it is not kept yet;
// nil when q is to run on modernc's connection (ExecContext).
func (w *writerConn) keep(ctx context.Context, q string) (*keptStmt, error) {
	w.used++
	if s := w.kept[q]; s != nil {
		if s.rowsOpen {
			return nil, nil
		}
		s.lastUse = w.used
		s.uses++
		return s, nil
	}
	if isScript(q) {
		return nil, nil
	}
	if len(w.kept) >= MaxKeptStmts {
		w.dropOldest()
	}
	st, err := w.inner.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	ks, ok := st.(keptDriverStmt)
	if !ok {
		st.Close()
		return nil, fmt.Errorf("%w (%T)", errWriterDriver, st)
	}
	s := &keptStmt{stmt: ks, lastUse: w.used, uses: 1}
	w.kept[q] = s
	return s, nil
}

// isScript says q holds more than one statement: text after a semicolon
// other than blanks and semicolons. A semicolon inside a literal makes a
// statement look like a script, which only leaves it unkept.
func isScript(q string) bool {
	return strings.Contains(strings.TrimRight(q, " \t\r\n;"), ";")
}

// dropOldest drops the kept statement used longest ago, closing it unless
// its Rows is open (that Rows' Close does).
func (w *writerConn) dropOldest() {
	var oldest string
	var found *keptStmt
	for q, s := range w.kept {
		if found == nil || s.lastUse < found.lastUse {
			oldest, found = q, s
		}
	}
	if found == nil {
		return
	}
	delete(w.kept, oldest)
	if found.rowsOpen {
		found.dropped = true
		return
	}
	found.stmt.Close()
}

// keptRows is the Rows of a kept statement: its Close resets the
// statement (modernc's Rows does) and frees it for the next call. It
// forwards the column type interfaces modernc's Rows implements.
type keptRows struct {
	driver.Rows
	s *keptStmt
}

func (r *keptRows) Close() error {
	err := r.Rows.Close()
	if r.s != nil {
		r.s.rowsOpen = false
		if r.s.dropped {
			err = errors.Join(err, r.s.stmt.Close())
		}
		r.s = nil
	}
	return err
}

func (r *keptRows) ColumnTypeScanType(i int) reflect.Type {
	if c, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return c.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *keptRows) ColumnTypeDatabaseTypeName(i int) string {
	if c, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return c.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *keptRows) ColumnTypeLength(i int) (int64, bool) {
	if c, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return c.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *keptRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if c, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return c.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *keptRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if c, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return c.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
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
	for q, s := range w.kept {
		errs = append(errs, s.stmt.Close())
		delete(w.kept, q)
	}
	errs = append(errs, w.inner.Close())
	return errors.Join(errs...)
}

// run executes q, a statement without arguments, on its kept statement.
func (w *writerConn) run(ctx context.Context, q string) error {
	_, err := w.ExecContext(ctx, q, nil)
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
	if err := w.run(ctx, writerBegin); err != nil {
		if ctx.Err() != nil {
			_ = w.run(context.Background(), writerRollback)
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
	err := t.w.run(context.Background(), writerCommit)
	if err != nil {
		_ = t.w.run(context.Background(), writerRollback)
	}
	return err
}

func (t writerTx) Rollback() error {
	return t.w.run(context.Background(), writerRollback)
}

// KeptUses returns, for each statement the connection of db (one that
// OpenDB opened, with one connection) keeps prepared, how many times it
// ran since it was kept: a test reads which statements an action ran from
// it. It waits for the connection within ctx.
func KeptUses(ctx context.Context, db *sql.DB) (map[string]int, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	uses := map[string]int{}
	err = conn.Raw(func(dc any) error {
		w, ok := dc.(*writerConn)
		if !ok {
			return fmt.Errorf("sqlitetx: %T is not a connection OpenDB opened", dc)
		}
		for q, s := range w.kept {
			uses[q] = s.uses
		}
		return nil
	})
	return uses, err
}
