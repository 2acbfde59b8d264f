package central

import (
	"context"
	"crypto/rand"
	"database/sql"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/sqlitetx"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"modernc.org/sqlite"               // database/sql driver "sqlite" (the read pool), and the writer's connector
)

//go:embed schema.sql
var schema string

// dialect is the SQL flavour of the database behind a DB.
type dialect int

const (
	dialectSQLite dialect = iota
	dialectPostgres
)

// DB is the central service's database: SQLite in a data directory, or
// PostgreSQL shared by several central instances.
type DB struct {
	dialect dialect
	write   *sql.DB // SQLite: one connection, immediate transactions
	read    *sql.DB // SQLite: a pool; PostgreSQL: the same pool as write
	clock   app.Clock
	dir     string // data directory (photos live here); "" on PostgreSQL without one
	rebound gosync.Map
	hub     hub     // the events of committed writes (events.go)
	waits   waitHub // the devices' held waits (wait.go)
	// pgWaits tells the other instances on PostgreSQL what this one's
	// writes woke, and hears theirs (waitpg.go); nil on SQLite.
	pgWaits *pgWaits

	// The writer of group commit on SQLite (group.go): queue holds the
	// write transactions waiting for it; closing tells it to stop (and
	// refuses writes after Close on both databases), and writerDone is
	// closed once it has stopped (nil on PostgreSQL: no writer).
	queue      chan *writeReq
	closing    chan struct{}
	writerDone chan struct{}
	closeOnce  gosync.Once

	// prepared holds the hot path's statements prepared on SQLite's
	// write connection (prepared.go); nil on PostgreSQL.
	prepared map[string]*sql.Stmt
	// readPrepared holds a push's reads before the writer and a sync
	// request's reads, prepared on SQLite's read pool (readQueries); nil
	// on PostgreSQL.
	readPrepared map[string]*sql.Stmt
	// scopeCache holds technicians' scopes for pushes on SQLite
	// (pushahead.go).
	scopeCache scopeCache

	// log gets what the migrations at open do (migratelog.go); wallClock
	// times them (time.Now: the migrations' own pace, not the pinnable
	// clock that stamps writes).
	log       *slog.Logger
	wallClock func() time.Time
	// noLoadAnalyze leaves a large load's tables unanalyzed, as before
	// analyzeLoad: BenchmarkPushAfterLoad's "before".
	noLoadAnalyze bool
}

// Config says where the central database lives.
type Config struct {
	// DataDir holds the SQLite database (central.db) and uploaded photos.
	DataDir string
	// Postgres, when set, is a PostgreSQL connection string used instead of
	// SQLite; photos still go to DataDir.
	Postgres string
	// Clock stamps every write (default app.SystemClock); tests pin it.
	Clock app.Clock
	// Log gets what the migrations at open do when they have work (nil:
	// nothing is logged): a long one, such as refolding the board's
	// search index, says how far it is every few seconds. It also gets
	// a large load's ANALYZE (analyzeLoad), and why one failed.
	Log *slog.Logger

	// wallClock, when set, times the migrations instead of time.Now
	// (tests step it).
	wallClock func() time.Time
}

// OpenDB opens (creating and migrating when needed) the database cfg
// names. The data directory, on either database, is created (mode 0700)
// when missing and refused when users other than its owner may write to
// it.
func OpenDB(ctx context.Context, cfg Config) (*DB, error) {
	db := &DB{clock: cfg.Clock, log: cfg.Log, wallClock: cfg.wallClock}
	if db.clock == nil {
		db.clock = app.SystemClock
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	if db.wallClock == nil {
		db.wallClock = time.Now
	}
	if cfg.DataDir != "" {
		dir, err := PrepareDataDir(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		db.dir = dir
	}
	if cfg.Postgres != "" {
		if err := db.openPostgres(ctx, cfg.Postgres); err != nil {
			return nil, err
		}
	} else {
		if cfg.DataDir == "" {
			return nil, app.Errorf(app.EINVALID, "central.no_data_dir", "Give a data directory (-data DIR) or a PostgreSQL connection string.")
		}
		if err := db.openSQLite(ctx); err != nil {
			return nil, err
		}
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.prepare(ctx); err != nil {
		db.Close()
		return nil, transient(err)
	}
	db.startWriter()
	if db.pgWaits != nil {
		go db.runNotifier()
	}
	return db, nil
}

// PrepareDataDir returns dir made absolute, creating it (mode 0700) when
// it is missing. A directory that others may write to is refused: they
// could replace the database or the admin token.
func PrepareDataDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", app.Errorf(app.EINVALID, "central.data_dir", "Cannot create the data directory {{.Dir}}: {{.Detail}}", "Dir", dir, "Detail", err.Error()).WithCause(err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", app.Errorf(app.EINTERNAL, "central.data_dir", "Cannot create the data directory {{.Dir}}: {{.Detail}}", "Dir", abs, "Detail", err.Error()).WithCause(err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", app.Errorf(app.EINTERNAL, "central.data_dir", "Cannot create the data directory {{.Dir}}: {{.Detail}}", "Dir", abs, "Detail", err.Error()).WithCause(err)
	}
	if !fi.IsDir() {
		return "", app.Errorf(app.EINVALID, "central.data_dir_not_dir", "The data directory {{.Dir}} is a file; give a directory.", "Dir", abs)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o022 != 0 {
		return "", app.Errorf(app.EINVALID, "central.data_dir_open", "Others may write to the data directory {{.Dir}} (mode {{.Mode}}); it holds customers' data and the admin token. Run chmod 700 {{.Dir}} and start again.", "Dir", abs, "Mode", fmt.Sprintf("%04o", fi.Mode().Perm()))
	}
	return abs, nil
}

// sqliteFiles are the SQLite database's files in the data directory.
var sqliteFiles = []string{"central.db", "central.db-wal", "central.db-shm"}

func (db *DB) openSQLite(ctx context.Context) error {
	path := filepath.Join(db.dir, "central.db")
	// SQLite creates its -wal and -shm with the mode of the database
	// file: create the database 0600 so all three hold customers' data
	// for the service's user only, and tighten files an older version
	// left readable by others.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return app.Errorf(app.EINTERNAL, "central.data_dir", "Cannot create the data directory {{.Dir}}: {{.Detail}}", "Dir", db.dir, "Detail", err.Error()).WithCause(err)
	}
	for _, name := range sqliteFiles {
		p := filepath.Join(db.dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, 0o600); err != nil {
				return app.Errorf(app.EINTERNAL, "central.data_dir", "Cannot create the data directory {{.Dir}}: {{.Detail}}", "Dir", db.dir, "Detail", err.Error()).WithCause(err)
			}
		}
	}
	q := url.Values{}
	// secure_delete: a deleted row's bytes are zeroed in the file, not
	// left in free space: an erased device passcode must leave no copy.
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(1)", "secure_delete(1)"} {
		q.Add("_pragma", p)
	}
	wq := url.Values{}
	for k, v := range q {
		wq[k] = append([]string(nil), v...) // a copy: wq gets pragmas of its own
	}
	// _txlock: the writer's transactions begin IMMEDIATE; sqlitetx begins,
	// commits and rolls them back with statements each connection prepared
	// once (modernc's own compile them anew per group commit), and keeps
	// the other statements the writer runs without a *sql.Stmt prepared.
	wq.Set("_txlock", sqlitetx.TxLock)
	// A 64 MiB page cache for the one writer (SQLite's default is 2 MB):
	// loading the demo world spilled the default cache to the file
	// mid-transaction, rewriting the same index pages many times. The
	// statement journals (a multi-row statement's undo) are kept in
	// memory: in a temporary file they cost a write call per page, 0.5 s
	// of the demo world's load before LoadDataset sorted its rows.
	wq.Add("_pragma", "cache_size(-65536)")
	wq.Add("_pragma", "temp_store(MEMORY)")
	wc, err := sqlite.NewConnector(sqliteDSN(path, wq))
	if err != nil {
		return err
	}
	db.write = sqlitetx.OpenDB(wc, sqlite.Fdatasync)
	db.write.SetMaxOpenConns(1)
	if db.read, err = sql.Open("sqlite", sqliteDSN(path, q)); err != nil {
		db.write.Close()
		return err
	}
	db.read.SetMaxOpenConns(4)
	return db.write.PingContext(ctx)
}

// sqliteDSN builds a modernc DSN as the store does: the "file:" URI form
// keeps a path holding '?' or '#' whole, where "file:"+path would cut
// it there, open another file and drop the pragmas.
func sqliteDSN(path string, q url.Values) string {
	p := filepath.ToSlash(path)
	if runtime.GOOS == "windows" && !strings.HasPrefix(p, "/") {
		p = "/" + p // file:/C:/dir/x.db
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: q.Encode()}
	return u.String()
}

// pgConns bounds the connections one instance opens to PostgreSQL.
const pgConns = 16

func (db *DB) openPostgres(ctx context.Context, dsn string) error {
	db.dialect = dialectPostgres
	var err error
	if db.write, err = sql.Open("pgx", dsn); err != nil {
		return app.Errorf(app.EINVALID, "central.bad_postgres", "The PostgreSQL connection string is malformed: {{.Detail}}", "Detail", err.Error()).WithCause(err)
	}
	// Every connection of the pool stays open when idle: database/sql
	// keeps 2 by default, so when pushes came and went the others were
	// closed and opened again, each a new PostgreSQL backend (a fork,
	// the authentication, cold caches) whose statements pgx prepared
	// anew (a round trip per statement).
	db.write.SetMaxOpenConns(pgConns)
	db.write.SetMaxIdleConns(pgConns)
	db.read = db.write
	db.pgWaits = newPGWaits(dsn)
	if err := db.write.PingContext(ctx); err != nil {
		db.write.Close()
		return app.Errorf(app.EINTERNAL, "central.postgres_down", "Cannot reach PostgreSQL: {{.Detail}}", "Detail", err.Error()).WithCause(err)
	}
	return nil
}

// Close closes the database once the write transaction group being
// committed, if any, has ended; queued writes, and every write after
// Close on either database, fail with errClosed.
func (db *DB) Close() error {
	if db.closing != nil {
		db.closeOnce.Do(func() { close(db.closing) })
	}
	if db.writerDone != nil {
		<-db.writerDone
	}
	var err error
	for _, st := range db.prepared {
		err = errors.Join(err, st.Close())
	}
	for _, st := range db.readPrepared {
		err = errors.Join(err, st.Close())
	}
	err = errors.Join(err, db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// q rebinds a query written with "?" placeholders for the dialect.
func (db *DB) q(query string) string {
	if db.dialect != dialectPostgres {
		return query
	}
	if v, ok := db.rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	db.rebound.Store(query, b.String())
	return b.String()
}

// migrationLock is the PostgreSQL advisory lock that keeps instances
// starting together from migrating at once.
const migrationLock = 0x46424e43 // "FBNC"

func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if db.dialect == dialectPostgres {
		// Another instance migrating holds the lock, maybe for minutes
		// (refoldTicketIndex): say why this one waits.
		var locked bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, migrationLock).Scan(&locked); err != nil {
			return fmt.Errorf("lock migration: %w", err)
		}
		if !locked {
			db.log.Info("migration: waiting for another instance to finish migrating the database")
			if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
				return fmt.Errorf("lock migration: %w", err)
			}
			db.log.Info("migration: the other instance finished; checking the database")
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	}
	// Before schema.sql, whose index on history's field_at needs the
	// column.
	if err := db.migrateHistoryFieldAt(ctx, conn); err != nil {
		return fmt.Errorf("migrate history field time: %w", err)
	}
	indexes, err := db.indexNames(ctx, conn)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, stmt := range strings.Split(schema, ";\n") {
		if strings.TrimSpace(stripComments(stmt)) == "" {
			continue
		}
		// An index this version adds is built over every row of its
		// table: minutes on a large one. A new database has no index,
		// and nothing to say.
		var mlog *migrationLog
		if name, table, ok := schemaIndex(stmt); ok && len(indexes) > 0 && !indexes[name] {
			mlog = db.startMigration("building index "+name+" on "+table, "this version of the service adds it", -1)
		}
		if _, err := conn.ExecContext(ctx, db.schemaStmt(stmt)); err != nil {
			return fmt.Errorf("migrate: %w\n%s", err, stmt)
		}
		if mlog != nil {
			mlog.end(-1)
		}
	}
	if err := db.migrateApplied(ctx, conn); err != nil {
		return fmt.Errorf("migrate applied: %w", err)
	}
	if err := db.migrateTenantZone(ctx, conn); err != nil {
		return fmt.Errorf("migrate tenant zone: %w", err)
	}
	if err := db.migrateTicketIndexProduct(ctx, conn); err != nil {
		return fmt.Errorf("migrate ticket index product: %w", err)
	}
	if err := db.refoldTicketIndex(ctx, conn); err != nil {
		return fmt.Errorf("migrate ticket index folds: %w", err)
	}
	if err := db.fillTicketIndex(ctx, conn); err != nil {
		return fmt.Errorf("migrate ticket index: %w", err)
	}
	if _, err := conn.ExecContext(ctx, db.q(`INSERT INTO counter (id, v) VALUES (1, 0) ON CONFLICT (id) DO NOTHING`)); err != nil {
		return fmt.Errorf("migrate counter: %w", err)
	}
	if _, err := conn.ExecContext(ctx, db.q(`INSERT INTO meta (k, v) VALUES ('epoch', ?) ON CONFLICT (k) DO NOTHING`), newEpoch()); err != nil {
		return fmt.Errorf("migrate epoch: %w", err)
	}
	return nil
}

// migrateHistoryFieldAt gives the history table of a database made
// before it had field_at (when a step happened in the field, schema.sql)
// the column, its rows the one time they knew: field_at = at, when the
// server wrote them. One transaction: a crash leaves the column out and
// the next open starts again. A new database has no history table yet;
// schema.sql makes it with the column.
func (db *DB) migrateHistoryFieldAt(ctx context.Context, conn *sql.Conn) error {
	exists := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'history'`
	column := `SELECT count(*) FROM pragma_table_info('history') WHERE name = 'field_at'`
	if db.dialect == dialectPostgres {
		exists = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'history'`
		column = `SELECT count(*) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = 'history' AND column_name = 'field_at'`
	}
	var tables, columns int
	if err := conn.QueryRowContext(ctx, exists).Scan(&tables); err != nil || tables == 0 {
		return err
	}
	if err := conn.QueryRowContext(ctx, column).Scan(&columns); err != nil || columns > 0 {
		return err
	}
	var rows int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM history`).Scan(&rows); err != nil {
		return err
	}
	mlog := db.startMigration("adding the field time to the status history", "the office's figures count a step when the technician took it, not when it synced", rows)
	return migrateRows(ctx, conn, mlog, rows, []string{
		`ALTER TABLE history ADD COLUMN field_at BIGINT NOT NULL DEFAULT 0`,
		`UPDATE history SET field_at = at`,
	})
}

// migrateRows runs a migration's statements, which change rows rows of
// a table, in one transaction, and logs its end to mlog: a crash leaves
// the table as it was, and the next open starts again.
func migrateRows(ctx context.Context, conn *sql.Conn, mlog *migrationLog, rows int, stmts []string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	mlog.done = rows
	mlog.end(-1)
	return nil
}

// sqliteWithoutRowid names the tables SQLite keeps WITHOUT ROWID, as
// one b-tree ordered by the primary key. An applied row went into four
// b-trees (the table by rowid, its primary key, applied_device and
// applied_version), one of each per pushed mutation on the writer's
// goroutine (group.go); keyed by its primary key it goes into three.
// Its rows are small (IDs, a name, a status), as such a table's should
// be. PostgreSQL has no such tables and keeps schema.sql's.
var sqliteWithoutRowid = map[string]bool{"applied": true}

const createTable = "CREATE TABLE IF NOT EXISTS "

// schemaStmt is stmt, a statement of schema.sql, as db's dialect runs it:
// on SQLite the tables of sqliteWithoutRowid are created WITHOUT ROWID.
func (db *DB) schemaStmt(stmt string) string {
	if db.dialect != dialectSQLite {
		return stmt
	}
	s := strings.TrimSpace(stripComments(stmt))
	name, _, _ := strings.Cut(strings.TrimPrefix(s, createTable), " ")
	if !strings.HasPrefix(s, createTable) || !sqliteWithoutRowid[name] {
		return stmt
	}
	return s + " WITHOUT ROWID"
}

// migrateApplied re-keys the applied table of a database created when it
// was keyed by mutation ID alone to (device, mutation): with the old key, a
// second device using a mutation ID would fail its push for good. On
// SQLite it also makes a table created with a rowid (before
// sqliteWithoutRowid named it) a WITHOUT ROWID one, copying its rows.
func (db *DB) migrateApplied(ctx context.Context, conn *sql.Conn) error {
	count := `SELECT count(*) FROM pragma_table_info('applied') WHERE pk > 0`
	if db.dialect == dialectPostgres {
		count = `SELECT count(*) FROM information_schema.key_column_usage
			WHERE table_schema = current_schema() AND table_name = 'applied' AND constraint_name = 'applied_pkey'`
	}
	var n int
	if err := conn.QueryRowContext(ctx, count).Scan(&n); err != nil {
		return err
	}
	rowid := false
	if db.dialect == dialectSQLite {
		var wr int
		if err := conn.QueryRowContext(ctx, `SELECT wr FROM pragma_table_list('applied') WHERE schema = 'main'`).Scan(&wr); err != nil {
			return err
		}
		rowid = wr == 0
	}
	if n != 1 && !rowid {
		return nil // keyed per device already, and on SQLite without a rowid
	}
	// One statement rebuilds the table, a minute or more for millions of
	// rows: no progress to tell, but its start and its end.
	var rows int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM applied`).Scan(&rows); err != nil {
		return err
	}
	why := "the applied mutations are keyed by device and mutation since devices may reuse a mutation ID"
	if n != 1 {
		why = "SQLite keeps the applied mutations without a rowid since it spares an index per push"
	}
	mlog := db.startMigration("rebuilding the applied mutations' table", why, rows)
	var stmts []string
	if db.dialect == dialectPostgres {
		stmts = []string{`ALTER TABLE applied DROP CONSTRAINT applied_pkey, ADD PRIMARY KEY (device, mutation)`}
	} else {
		// SQLite cannot change a primary key, or a table's rowid: copy
		// into the table as the schema now creates it.
		create := ""
		for _, stmt := range strings.Split(schema, ";\n") {
			if s := strings.TrimSpace(stripComments(stmt)); strings.HasPrefix(s, createTable+"applied (") {
				create = db.schemaStmt(s)
			}
		}
		if create == "" {
			return errors.New("schema.sql does not create the applied table")
		}
		const cols = `mutation, device, seq, name, status, conflict, at, device_at, hlc, version`
		stmts = []string{
			`DROP INDEX IF EXISTS applied_device`,
			`ALTER TABLE applied RENAME TO applied_old`,
			create,
			`INSERT INTO applied (` + cols + `) SELECT ` + cols + ` FROM applied_old`,
			`DROP TABLE applied_old`,
			`CREATE INDEX applied_device ON applied (device, seq)`,
			// Dropped with the old table: schema.sql made it before.
			`CREATE INDEX IF NOT EXISTS applied_version ON applied (version)`,
		}
	}
	return migrateRows(ctx, conn, mlog, rows, stmts)
}

// indexNames are the indexes the database has (in the current schema on
// PostgreSQL).
func (db *DB) indexNames(ctx context.Context, conn *sql.Conn) (map[string]bool, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'index'`
	if db.dialect == dialectPostgres {
		q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()`
	}
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out[name] = true
	}
	return out, rows.Err()
}

// schemaIndex reads the index's name and table from a statement of
// schema.sql that creates one.
func schemaIndex(stmt string) (name, table string, ok bool) {
	f := strings.Fields(stripComments(stmt))
	if len(f) < 8 || strings.Join(f[:5], " ") != "CREATE INDEX IF NOT EXISTS" || f[6] != "ON" {
		return "", "", false
	}
	return f[5], f[7], true
}

func stripComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// newEpoch mints a server epoch: devices compare it to notice a restore.
func newEpoch() string { return "ep-" + randomToken(9) }

// randomToken returns n random bytes, base64url.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("central: system random source failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Epoch returns the current server epoch.
func (db *DB) Epoch(ctx context.Context) (string, error) {
	var e string
	err := db.readRow(ctx, qEpoch).Scan(&e)
	return e, err
}

// RestoreEpoch mints a new server epoch. Run it after restoring a backup:
// devices then re-push what the server lost and pull again from the start.
// Photos whose bytes arrived after the backup are verified again from the
// photo directory.
func (db *DB) RestoreEpoch(ctx context.Context) (string, error) {
	e := newEpoch()
	if _, err := db.write.ExecContext(ctx, db.q(`UPDATE meta SET v = ? WHERE k = 'epoch'`), e); err != nil {
		return "", transient(err)
	}
	if _, err := db.ReverifyPhotos(ctx); err != nil {
		return e, err
	}
	return e, nil
}

// now is the server clock, the only one that decides order.
func (db *DB) now() time.Time { return db.clock.Now().UTC() }

// transient wraps a database failure as EINTERNAL: the device retries.
func transient(err error) error {
	if err == nil {
		return nil
	}
	var ae *app.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return app.Errorf(app.EINTERNAL, "central.database", "The central database failed; try again shortly.").WithCause(err)
}

// Backup writes a consistent copy of the SQLite database to path (which
// must not exist) while the service runs. On PostgreSQL use pg_dump.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect != dialectSQLite {
		return app.Errorf(app.EINVALID, "central.backup_postgres", "Back up a PostgreSQL deployment with pg_dump.")
	}
	_, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path)
	return transient(err)
}

// Path is the SQLite database file ("" on PostgreSQL).
func (db *DB) Path() string {
	if db.dialect != dialectSQLite {
		return ""
	}
	return filepath.Join(db.dir, "central.db")
}
