package store

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/sqlitetx"
	"github.com/fieldbench/fieldbench/internal/walvfs"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// applicationID marks a SQLite file as a Fieldbench store ("FBNH") in the
// database header, so Open can refuse someone else's database instead of
// migrating it.
const applicationID = 0x46424e48

// DB is an open store file: one writer connection and a small read pool.
// It is safe for concurrent use. The services (TicketService, PartService,
// ...) are thin views over a DB.
type DB struct {
	path     string
	photoDir string
	clock    app.Clock
	// device is this installation's ID; Wipe mints a new one while other
	// goroutines may read it.
	device atomic.Pointer[app.DeviceID]

	// write has exactly one connection. SQLite allows one writer at a time;
	// queueing writers on Go's pool instead of SQLite's busy handler keeps
	// commits in arrival order and never spins on SQLITE_BUSY in-process.
	write *sql.DB
	// read is a pool of query_only connections. In WAL mode readers never
	// block the writer nor each other, so lists stay responsive during a
	// long Load.
	read *sql.DB

	lock *fileLock

	// afterCommit is called after every successful Commit and history
	// request (WithAfterCommit).
	afterCommit func()

	// passcodeErased says a write erased a device passcode since the
	// write-ahead log was last truncated (eraseWAL).
	passcodeErased atomic.Bool

	// decoded are the tickets the commit path decoded last.
	decoded decodedTickets
}

// readConns is the size of the read pool: lists, search and the sync
// engine's reads run beside each other.
const readConns = 4

// Option configures Open.
type Option func(*options)

type options struct {
	clock       app.Clock
	busyTimeout time.Duration
	fullCheck   bool
	afterCommit func()
	upgrading   func()
	progress    func(app.StartProgress)
}

// WithUpgrading sets a function Open calls once, before it migrates a
// store made by an earlier version of the app (never for a new store, nor
// for one already current): a migration can take seconds on a device with
// 100,000 tickets (0016 rebuilds the ticket search, docs/BENCHMARKS.md),
// and the start screen says so instead of "Opening your data…". It runs on
// Open's goroutine and must not block.
func WithUpgrading(fn func()) Option { return func(o *options) { o.upgrading = fn } }

// WithUpgradeProgress sets a function the migrations that rewrite every
// row of a table (a search index written whole, also by checkSearchFold)
// call as they go, with Step app.StartUpgrading and Rows done of Total:
// 0 when a rewrite starts, then at most every upgradeReportEvery, and
// Total when its rows are all written. A technician waiting tens of
// seconds on a phone for 100,000 parts sees it move instead of killing
// an app that looks hung. It runs on Open's goroutine, inside the
// migration's transaction, and must not block.
func WithUpgradeProgress(fn func(app.StartProgress)) Option {
	return func(o *options) { o.progress = fn }
}

// upgradeReportEvery bounds how often a rewrite reports its rows: a
// screen needs no more, and each report costs its listener a redraw. A
// variable for the tests, which set it to see every batch.
var upgradeReportEvery = 100 * time.Millisecond

// upgradeReport reports how far the rewrites of an Open have come
// (WithUpgradeProgress). A nil one reports nothing, and the rewrites then
// do not count their rows either.
type upgradeReport struct {
	fn   func(app.StartProgress)
	last time.Time         // of the last report
	sent app.StartProgress // the last report
	// part of parts is the step running (app.StartProgress): a pending
	// migration, or the refold after them.
	part, parts int
}

// newUpgradeReport is nil when fn is nil.
func newUpgradeReport(fn func(app.StartProgress)) *upgradeReport {
	if fn == nil {
		return nil
	}
	return &upgradeReport{fn: fn}
}

// rows reports done of total rows of of: always at 0 and at total, in
// between only when upgradeReportEvery has passed since the last report,
// and never the same report twice (a table of whole batches reads one
// empty batch after its last).
func (r *upgradeReport) rows(of app.StartRows, done, total int) {
	if r == nil {
		return
	}
	p := app.StartProgress{Step: app.StartUpgrading, Rows: min(done, total), Total: total, Of: of, Part: r.part, Parts: r.parts}
	now := time.Now()
	if p == r.sent || p.Rows > 0 && p.Rows < total && now.Sub(r.last) < upgradeReportEvery {
		return
	}
	r.last, r.sent = now, p
	r.fn(p)
}

// plan says how many steps the upgrade has (the pending migrations, and
// the refold after them when migrate knows it comes).
func (r *upgradeReport) plan(steps int) {
	if r != nil {
		r.parts = steps
	}
}

// step reports that the upgrade's next step begins, always: a step in SQL
// alone reports nothing else, and a technician watching a screen that
// does not move for a minute may kill the app. A step not planned (a
// refold migrate did not foresee) adds itself to the steps.
func (r *upgradeReport) step() {
	if r == nil {
		return
	}
	r.part++
	r.parts = max(r.parts, r.part)
	r.last, r.sent = time.Now(), app.StartProgress{Step: app.StartUpgrading, Part: r.part, Parts: r.parts}
	r.fn(r.sent)
}

// WithAfterCommit sets a function called after every successful Commit
// and RequestHistory that marked a ticket, outside the transaction: the app
// wakes its sync engine with it, so saved work leaves, and asked-for
// history comes, at once when there is a network. It must not block.
func WithAfterCommit(fn func()) Option { return func(o *options) { o.afterCommit = fn } }

// WithClock sets the clock that stamps mutations, HLCs and "today"
// (default app.SystemClock). Tests pin it.
func WithClock(c app.Clock) Option { return func(o *options) { o.clock = c } }

// WithBusyTimeout sets how long a statement waits for a lock held by
// another process before failing with ELOCKED (default 5s).
func WithBusyTimeout(d time.Duration) Option { return func(o *options) { o.busyTimeout = d } }

// WithFullCheck makes Open run PRAGMA quick_check over the whole file.
// It reads every page (about a second for 100,000 parts), so by default
// Open checks only the header, the schema and the tables holding unsent
// work, and the app runs DB.Check in the background after start.
func WithFullCheck() Option { return func(o *options) { o.fullCheck = true } }

// Open opens the store at path, creating the file and its directory on
// first run and migrating the schema. path must be absolute (a relative
// path resolves against a working directory that mobile platforms do not
// define).
//
// Open never modifies or replaces a file it refuses:
//   - ELOCKED when another Fieldbench (or another program) holds the file;
//   - ECORRUPT when the file is not a SQLite database, is not a Fieldbench
//     store, or fails the integrity check;
//   - ETOONEW when the schema is newer than this build knows.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	o := options{clock: app.SystemClock, busyTimeout: 5 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if !filepath.IsAbs(path) {
		return nil, app.Errorf(app.EINVALID, "store.path_relative", "The data file path {{.Path}} is not absolute; Fieldbench cannot tell where to keep your data.", "Path", path)
	}
	path = filepath.Clean(path)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, openFailed(path, err)
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return nil, app.Errorf(app.EINVALID, "store.path_is_folder", "The data file path {{.Path}} is a folder. Choose a file name inside it.", "Path", path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, openFailed(path, err)
	}

	lock, err := lockFile(path + ".lock")
	if err != nil {
		if errors.Is(err, errLocked) {
			return nil, errLockedStore(path).WithCause(err)
		}
		return nil, openFailed(path, err)
	}
	db := &DB{path: path, photoDir: filepath.Join(filepath.Dir(path), "photos"), clock: o.clock, lock: lock, afterCommit: o.afterCommit}
	// A file that exists is checked even when empty: SQLite would take a
	// zero-length file for a new database and delete a -wal beside it,
	// which may hold the last commits of a store whose main file was lost.
	if err := db.open(ctx, o, fi != nil); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) open(ctx context.Context, o options, exists bool) error {
	// Check the header before SQLite sees the file: a file that is not a
	// database is reported as such without SQLite touching it.
	if exists {
		if err := checkHeader(db.path); err != nil {
			return err
		}
	}
	busy := strconv.FormatInt(o.busyTimeout.Milliseconds(), 10)
	q := url.Values{}
	// busy_timeout: wait this long for another process's lock before
	// SQLITE_BUSY (reported as ELOCKED) instead of failing at once.
	q.Add("_pragma", "busy_timeout("+busy+")")
	// foreign_keys: off by default in SQLite; children of a ticket must
	// never outlive or precede it.
	q.Add("_pragma", "foreign_keys(1)")
	// synchronous=FULL: in WAL mode NORMAL can lose the last commits on
	// power loss. A technician's "saved" must survive a dead battery.
	q.Add("_pragma", "synchronous(FULL)")
	// secure_delete: a deleted row's bytes are overwritten with zeros in
	// the database file, not left in free space: an erased device passcode
	// (passcode.go) must leave no copy on the device.
	q.Add("_pragma", "secure_delete(1)")
	// _txlock: the writer's transactions begin IMMEDIATE (sqlitetx.TxLock);
	// sqlitetx begins them itself with a kept statement, modernc's
	// transaction only a read-only one, which the writer does not use.
	q.Set("_txlock", sqlitetx.TxLock)
	// vfs: the writer's log frames reach the file in one write per commit
	// (internal/walvfs); the readers, which never write to the log, open
	// through the platform's VFS.
	if err := walvfs.Register(); err != nil {
		return openFailed(db.path, err)
	}
	q.Set("vfs", walvfs.Name)
	wc, err := sqlite.NewConnector(dsn(db.path, q))
	if err != nil {
		return openFailed(db.path, err)
	}
	db.write = sqlitetx.OpenDB(wc, sqlite.Fdatasync)
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	db.write.SetConnMaxLifetime(0)

	version, err := db.probe(ctx, o.fullCheck)
	if err != nil {
		return err
	}
	// WAL: readers never block the writer and a commit is one append +
	// fsync. It is persistent in the file, so it is set once here, after
	// the checks above, never on a file Open refuses. SQLite answers with
	// the mode in effect, which stays "delete" on storage that cannot
	// share memory between connections: refuse to run without it.
	var mode string
	if err := db.write.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return db.openError(err)
	}
	if !strings.EqualFold(mode, "wal") {
		return openFailed(db.path, fmt.Errorf("journal_mode is %q, want wal", mode))
	}
	if version > 0 && version < len(migrations()) && o.upgrading != nil {
		o.upgrading()
	}
	// A new store (version 0) runs every migration on empty tables: no
	// upgrade to report.
	var report *upgradeReport
	if version > 0 {
		report = newUpgradeReport(o.progress)
	}
	if err := db.migrate(ctx, version, report); err != nil {
		return err
	}
	if err := db.checkSearchFold(ctx, o, version, report); err != nil {
		return err
	}
	if err := db.initDevice(ctx); err != nil {
		return err
	}

	rq := url.Values{}
	rq.Add("_pragma", "busy_timeout("+busy+")")
	// query_only: the read pool can never write, so no write can bypass
	// the single writer connection by accident. Its BEGIN is deferred (no
	// _txlock): a read transaction must not take the write lock.
	rq.Add("_pragma", "query_only(1)")
	if db.read, err = sql.Open("sqlite", dsn(db.path, rq)); err != nil {
		return openFailed(db.path, err)
	}
	db.read.SetMaxOpenConns(readConns)
	db.read.SetMaxIdleConns(readConns)
	removeTempPhotos(db.photoDir)
	return nil
}

// dsn builds a modernc DSN. The "file:" URI form keeps a path containing
// '?' or '#' intact; modernc passes it to SQLite with SQLITE_OPEN_URI, and
// SQLite ignores the driver's own parameters.
func dsn(path string, q url.Values) string {
	p := filepath.ToSlash(path)
	if runtime.GOOS == "windows" && !strings.HasPrefix(p, "/") {
		p = "/" + p // file:/C:/dir/x.db
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: q.Encode()}
	return u.String()
}

var sqliteMagic = []byte("SQLite format 3\x00")

func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return openFailed(path, err)
	}
	defer f.Close()
	hdr := make([]byte, 100)
	if _, err := io.ReadFull(f, hdr); err != nil || !bytes.Equal(hdr[:16], sqliteMagic) {
		return errCorrupt(path).WithCause(fmt.Errorf("not a SQLite database"))
	}
	return nil
}

// probe reads the schema version and checks the file without writing to
// it; it returns the schema version.
func (db *DB) probe(ctx context.Context, fullCheck bool) (int, error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return 0, db.openError(err)
	}
	defer conn.Close()
	var appID, version, objects int
	if err := conn.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return 0, db.openError(err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, db.openError(err)
	}
	// Reading sqlite_schema parses every table definition: a damaged
	// schema page fails here.
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&objects); err != nil {
		return 0, db.openError(err)
	}
	if appID != applicationID && (appID != 0 || version != 0 || objects != 0) {
		return 0, app.Errorf(app.ECORRUPT, "store.not_fieldbench", "The file {{.Path}} is not a Fieldbench data file. Move it away or choose another folder, then restart Fieldbench.", "Path", db.path)
	}
	if known := len(migrations()); version > known {
		return 0, app.Errorf(app.ETOONEW, "store.too_new", "Your data was saved by a newer version of Fieldbench (data version {{.Version}}, this app knows {{.Known}}). Update Fieldbench to open it.", "Path", db.path, "Version", version, "Known", known)
	}
	if version == 0 {
		return 0, nil
	}
	checks := []string{"PRAGMA quick_check(device)", "PRAGMA quick_check(outbox)"}
	if fullCheck {
		checks = []string{"PRAGMA quick_check"}
	}
	for _, q := range checks {
		if err := quickCheck(ctx, conn, q); err != nil {
			return 0, db.openError(err)
		}
	}
	return version, nil
}

// errCheckFailed is the cause of ECORRUPT when quick_check reports damage.
var errCheckFailed = errors.New("quick_check failed")

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func quickCheck(ctx context.Context, q queryer, pragma string) error {
	rows, err := q.QueryContext(ctx, pragma)
	if err != nil {
		return err
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" && len(msgs) < 5 {
			msgs = append(msgs, s)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(msgs) > 0 {
		return fmt.Errorf("%w: %s", errCheckFailed, strings.Join(msgs, "; "))
	}
	return nil
}

// Check runs PRAGMA quick_check over the whole file on a read connection;
// it returns ECORRUPT when the file is damaged. It reads every page, so run
// it in the background after Open; writers are not blocked.
func (db *DB) Check(ctx context.Context) error {
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return db.sqlError(err)
	}
	defer conn.Close()
	if err := quickCheck(ctx, conn, "PRAGMA quick_check"); err != nil {
		return db.openError(err)
	}
	return nil
}

// checkSearchFold folds the part and ticket searches again (refoldSearch),
// in one write transaction, when another app.FoldVersion made them than this
// app's: a later app that folds otherwise needs no migration to find
// what its fold finds. A crash leaves the old entries and the old
// version, and the next Open starts again. version is the schema's
// before migrate: a store just upgraded was told (upgrading) already.
func (db *DB) checkSearchFold(ctx context.Context, o options, version int, report *upgradeReport) error {
	current, err := db.searchFoldCurrent(ctx)
	if err != nil {
		return db.openError(err)
	}
	if current {
		return nil
	}
	if version == len(migrations()) && o.upgrading != nil {
		o.upgrading()
	}
	report.step()
	if err := db.writeTx(ctx, func(tx *sql.Tx) error { return refoldSearch(ctx, tx, report) }); err != nil {
		return db.openError(fmt.Errorf("fold the part and ticket search again: %w", err))
	}
	return nil
}

type migration struct {
	name string
	sql  string
	// after, when set, runs in the migration's transaction after sql: a
	// step SQL alone cannot do (migrationSteps); one that rewrites every
	// row of a table reports its rows to report.
	after func(ctx context.Context, tx *sql.Tx, report *upgradeReport) error
	// rewrites names the search index after writes whole, every entry
	// from its table's rows ("" when it writes none); recordsFold: after
	// records this app's app.FoldVersion in search_fold.
	rewrites    string
	recordsFold bool
}

// migrationStep is a migration's Go step, the search index it writes
// whole, if any, and whether it records the fold (migration's fields).
type migrationStep struct {
	run         func(context.Context, *sql.Tx, *upgradeReport) error
	rewrites    string
	recordsFold bool
}

// migrationSteps are the Go steps of migrations, by file name.
var migrationSteps = map[string]migrationStep{
	"0012_ticket_search_technician.sql": {rebuildTicketSearch0012, "tickets_fts", false},
	"0016_ticket_search_product.sql":    {rebuildTicketSearch, "tickets_fts", false},
	"0017_ticket_search_fold.sql":       {refoldTicketSearch, "tickets_fts", true},
	"0018_part_search_fold.sql":         {refoldPartSearch, "parts_fts", false},
	// refoldPartSearch writes part_models whole too (app.ModelKey): 0019
	// rewrites parts_fts, so migrate leaves 0018's step out before it.
	"0019_part_models_fold.sql": {refoldPartSearch, "parts_fts", false},
	"0022_part_names.sql":       {addPartNames, "", false},
	// 0023 makes parts_fts again with the names column: its step writes
	// it whole, so migrate leaves 0018's and 0019's out before it.
	"0023_part_search_names.sql": {refoldPartSearch, "parts_fts", false},
	"0025_movement_source.sql":   {addMovementSource, "", false},
	"0026_list_row_kind.sql":     {writeWaitingListRows, "", false},
}

// addPartNames adds parts.names (0022_part_names.sql) unless it is there.
var addPartNames = addColumn("parts", "names", `ALTER TABLE parts ADD COLUMN names TEXT NOT NULL DEFAULT ''`)

// addMovementSource adds movements.source (0025_movement_source.sql)
// unless it is there.
var addMovementSource = addColumn("movements", "source", `ALTER TABLE movements ADD COLUMN source TEXT NOT NULL DEFAULT ''`)

// addColumn is a migration step that runs alter, which adds column to
// table, unless the table has the column already (SQLite has no ADD
// COLUMN IF NOT EXISTS).
func addColumn(table, column, alter string) func(context.Context, *sql.Tx, *upgradeReport) error {
	return func(ctx context.Context, tx *sql.Tx, _ *upgradeReport) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n); err != nil || n > 0 {
			return err
		}
		_, err := tx.ExecContext(ctx, alter)
		return err
	}
}

// migrations returns the embedded migrations in order; migration i (from 1)
// brings the schema to user_version i.
func migrations() []migration {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		panic(err) // the pattern is constant
	}
	sort.Strings(names)
	out := make([]migration, 0, len(names))
	for _, n := range names {
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			panic(err) // embedded at build time
		}
		name := filepath.Base(n)
		step := migrationSteps[name]
		out = append(out, migration{name: name, sql: string(b), after: step.run, rewrites: step.rewrites, recordsFold: step.recordsFold})
	}
	return out
}

// migrate applies the migrations above version, one transaction each, so a
// crash leaves the schema at a known version. PRAGMA user_version is set in
// the same transaction, which makes the version check at Open one header
// read; the migrations table records what ran and when.
//
// A step that writes a search index whole is left out when a later
// migration of this run, or the refold after them (checkSearchFold),
// writes the same index whole again: a store upgrading from schema 15
// wrote the ticket search's entries in 0016 and again in 0017, which
// deletes them all first (a quarter of a second of a device's CPU at
// 10,000 tickets lost, docs/BENCHMARKS.md); one of schema 17 whose
// search another fold made wrote the part search in 0018 and again in the
// refold. Leaving it out is safe across a crash: until that later
// migration commits, the store's version says it is still to run, and
// until the refold commits, search_fold names the other fold; Open
// returns only after both.
func (db *DB) migrate(ctx context.Context, version int, report *upgradeReport) error {
	all := migrations()
	refold, err := db.refoldsAfter(ctx, all[min(version, len(all)):])
	if err != nil {
		return db.openError(err)
	}
	steps := len(all) - min(version, len(all))
	if refold {
		steps++
	}
	report.plan(steps)
	for i, m := range all {
		if i+1 <= version {
			continue
		}
		report.step()
		if m.rewrites != "" && (refold || slices.ContainsFunc(all[i+1:], func(later migration) bool { return later.rewrites == m.rewrites })) {
			m.after = nil
		}
		err := db.writeTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if m.after != nil {
				if err := m.after(ctx, tx, report); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, m.name, db.now().UnixNano()); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, db.openError(err))
		}
	}
	return nil
}

// refoldsAfter reports whether checkSearchFold will write both search
// indexes whole after the pending migrations, when one of them writes an
// index whole: none of them records a fold (0017's step records this
// app's and makes search_fold), and search_fold names another.
func (db *DB) refoldsAfter(ctx context.Context, pending []migration) (bool, error) {
	if !slices.ContainsFunc(pending, func(m migration) bool { return m.rewrites != "" }) ||
		slices.ContainsFunc(pending, func(m migration) bool { return m.recordsFold }) {
		return false, nil
	}
	current, err := db.searchFoldCurrent(ctx)
	return !current, err
}

// initDevice reads the device identity, minting it on first run.
func (db *DB) initDevice(ctx context.Context) error {
	var id string
	err := db.write.QueryRowContext(ctx, `SELECT device_id FROM device WHERE id = 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		id = app.NewID()
		err = db.writeTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO device (id, device_id) VALUES (1, ?)`, id)
			return err
		})
	}
	if err != nil {
		return db.openError(err)
	}
	db.setDevice(app.DeviceID(id))
	return nil
}

// Optimize merges the part and ticket search indexes into one segment
// each and refreshes the query planner's statistics. Run it after a first
// sync or a large pull: Load writes the search indexes in many small
// segments and a search reads them all, about four times slower on
// 100,000 parts than after Optimize. It takes about two seconds for
// 100,000 parts and blocks other writes meanwhile; readers go on.
func (db *DB) Optimize(ctx context.Context) error {
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO parts_fts (parts_fts) VALUES ('optimize')`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tickets_fts (tickets_fts) VALUES ('optimize')`)
		return err
	})
	if err != nil {
		return db.sqlError(err)
	}
	// analysis_limit bounds ANALYZE to a sample per index; 0x10002 asks
	// optimize to consider every table, not only those this connection
	// has queried.
	_, err = db.write.ExecContext(ctx, `PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002`)
	return db.sqlError(err)
}

// Close closes the connections and releases the file lock. The last
// connection to close checkpoints the WAL into the main file.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
		db.read = nil
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
		db.write = nil
	}
	if db.lock != nil {
		errs = append(errs, db.lock.unlock())
		db.lock = nil
	}
	return errors.Join(errs...)
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// DeviceID returns this installation's device ID, minted on first Open.
func (db *DB) DeviceID() app.DeviceID { return *db.device.Load() }

func (db *DB) setDevice(id app.DeviceID) { db.device.Store(&id) }

func (db *DB) now() time.Time { return db.clock.Now().UTC() }

// writeTx runs fn in one write transaction on the writer connection and
// commits; any error rolls everything back.
func (db *DB) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.sqlError(err)
	}
	if err := db.runTx(tx, fn); err != nil {
		return err
	}
	db.eraseWAL(ctx)
	return nil
}

// actionTx is writeTx for one user action, a few small statements, on
// the writer's connection without database/sql's Tx (sqlitetx.Run): ctx
// bounds the wait for the writer, and a transaction once begun runs to its
// end; any error or panic of fn rolls it back. database/sql's Tx watched
// its context with a goroutine per transaction, and made a *sql.Stmt per
// prepared statement run, which cost more than the statements. fn's
// statements start no goroutine either when their context cannot end
// (Commit gives them one that cannot).
func (db *DB) actionTx(ctx context.Context, fn func(tx txRunner) error) error {
	err := sqlitetx.Run(ctx, db.write, func(c *sql.Conn) error { return fn(c) })
	if err != nil {
		return db.sqlError(err)
	}
	// The writer is back in the pool: eraseWAL needs it.
	db.eraseWAL(ctx)
	return nil
}

// runTx runs fn in tx and commits; any error rolls everything back.
func (db *DB) runTx(tx *sql.Tx, fn func(tx *sql.Tx) error) error {
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // the error that caused it matters more
		return err
	}
	if err := tx.Commit(); err != nil {
		return db.sqlError(err)
	}
	return nil
}

// readTx runs fn in one read transaction, so several queries see the same
// snapshot (a page and its total count).
func (db *DB) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return db.sqlError(err)
	}
	defer tx.Rollback() // read-only: nothing to keep
	return fn(tx)
}

// sqliteCode returns the primary SQLite result code of err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// foreignKeyFailed reports whether err is SQLite refusing a row whose
// parent (a fact's ticket) does not exist.
func foreignKeyFailed(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// sqlError translates driver errors into app errors at the boundary:
// locks, damage and a full disk each tell the user what to do. Errors that
// are already *app.Error pass through.
func (db *DB) sqlError(err error) error {
	if err == nil {
		return nil
	}
	var ae *app.Error
	if errors.As(err, &ae) {
		return err
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return errLockedStore(db.path).WithCause(err)
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return errCorrupt(db.path).WithCause(err)
	case sqlite3.SQLITE_FULL:
		return app.Errorf(app.EINTERNAL, "store.disk_full", "The device storage is full, so nothing was saved. Free some space, then try again.").WithCause(err)
	case sqlite3.SQLITE_CONSTRAINT:
		return app.Errorf(app.EINVALID, "store.constraint", "The change breaks a data rule and was not saved.").WithCause(err)
	}
	if errors.Is(err, errCheckFailed) {
		return errCorrupt(db.path).WithCause(err)
	}
	return err
}

// openError is sqlError for Open: anything not recognised is an open
// failure with advice rather than a bare internal error.
func (db *DB) openError(err error) error {
	err = db.sqlError(err)
	var ae *app.Error
	if errors.As(err, &ae) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return openFailed(db.path, err)
}

func errLockedStore(path string) *app.Error {
	return app.Errorf(app.ELOCKED, "store.locked", "Your Fieldbench data is in use by another Fieldbench window or program. Close the other Fieldbench window, then try again.", "Path", path)
}

func errCorrupt(path string) *app.Error {
	return app.Errorf(app.ECORRUPT, "store.corrupt", "The data file {{.Path}} is damaged. Restore it from a backup, or re-pair this device to download your data again.", "Path", path)
}

func openFailed(path string, cause error) *app.Error {
	return app.Errorf(app.EINTERNAL, "store.open_failed", "Fieldbench cannot open its data file {{.Path}}. Check that the device has free space and that Fieldbench may write to that folder, then restart Fieldbench.", "Path", path).WithCause(cause)
}

// nsec stores a time as unix nanoseconds in UTC; the zero time is NULL.
func nsec(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// fromNsec is the inverse of nsec.
func fromNsec(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.Unix(0, v.Int64).UTC()
}

// nullStr stores "" as NULL, so partial indexes and IS NULL tests skip it.
func nullStr[S ~string](s S) any {
	if s == "" {
		return nil
	}
	return string(s)
}
