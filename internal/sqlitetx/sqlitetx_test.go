package sqlitetx

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"testing"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dsn is a modernc DSN for the file at path with the pragmas the store's
// and the central service's writers use, busy_timeout aside.
func dsn(path, busyTimeout string) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "busy_timeout(" + busyTimeout + ")"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", TxLock)
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

// mustOpen opens a writer through OpenDB on a new database of parents and
// their children.
func mustOpen(t *testing.T) (db *sql.DB, path string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "tx.db")
	c, err := sqlite.NewConnector(dsn(path, "10000"))
	if err != nil {
		t.Fatal(err)
	}
	db = OpenDB(c, sqlite.Fdatasync)
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE parents (id TEXT PRIMARY KEY);
		CREATE TABLE children (id TEXT PRIMARY KEY, parent TEXT NOT NULL REFERENCES parents (id));
		INSERT INTO parents (id) VALUES ('p')`); err != nil {
		t.Fatal(err)
	}
	return db, path
}

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

func foreignKeyFailed(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

func children(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM children`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWriterTxBeginsImmediate: a write transaction holds the write lock
// from its BEGIN, before it writes anything, so another connection cannot
// begin a write meanwhile; once it ends, the other can.
func TestWriterTxBeginsImmediate(t *testing.T) {
	ctx := context.Background()
	db, path := mustOpen(t)
	other, err := sql.Open("sqlite", dsn(path, "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.SetMaxOpenConns(1)
	otherBegins := func() error {
		_, err := other.ExecContext(ctx, `BEGIN IMMEDIATE`)
		if err == nil {
			_, err = other.ExecContext(ctx, `ROLLBACK`)
			if err != nil {
				t.Fatal(err)
			}
		}
		return err
	}
	for i := range 2 { // the second time with the kept BEGIN
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := otherBegins(); sqliteCode(err) != sqlite3.SQLITE_BUSY {
			t.Errorf("round %d: another connection's BEGIN IMMEDIATE during a write transaction: %v, want SQLITE_BUSY", i, err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if err := otherBegins(); err != nil {
			t.Errorf("round %d: another connection's BEGIN IMMEDIATE after the write transaction: %v", i, err)
		}
	}
}

// TestWriterTxEnds: a rolled back transaction leaves nothing, a committed
// one stays, and a COMMIT that fails (a deferred foreign key: SQLite keeps
// the transaction open) is rolled back, so the connection's next user
// finds no transaction open and nothing of the failed one.
func TestWriterTxEnds(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	add := func(id, parent string, end func(*sql.Tx) error) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatalf("begin before %s: %v", id, err)
		}
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO children (id, parent) VALUES (?, ?)`, id, parent); err != nil {
			t.Fatal(err)
		}
		return end(tx)
	}
	if err := add("rolledback", "p", (*sql.Tx).Rollback); err != nil {
		t.Fatal(err)
	}
	if n := children(t, db); n != 0 {
		t.Fatalf("after a rollback: %d children, want 0", n)
	}
	if err := add("committed", "p", (*sql.Tx).Commit); err != nil {
		t.Fatal(err)
	}
	if n := children(t, db); n != 1 {
		t.Fatalf("after a commit: %d children, want 1", n)
	}
	if err := add("orphan", "no-such-parent", (*sql.Tx).Commit); !foreignKeyFailed(err) {
		t.Fatalf("commit of a child without its parent: %v, want a foreign key failure", err)
	}
	if err := add("after", "p", (*sql.Tx).Commit); err != nil {
		t.Fatalf("the transaction after a failed commit: %v", err)
	}
	if n := children(t, db); n != 2 {
		t.Fatalf("after a failed commit and a commit: %d children, want 2", n)
	}
}

// TestWriterCommitIgnoresBeginContext: a COMMIT's result is the COMMIT's,
// whatever became of the context the transaction began with: the driver
// would report that context's error for a COMMIT that took effect.
func TestWriterCommitIgnoresBeginContext(t *testing.T) {
	db, _ := mustOpen(t)
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	err = conn.Raw(func(dc any) error {
		w := dc.(*writerConn)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		tx, err := w.BeginTx(ctx, driver.TxOptions{})
		if err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `INSERT INTO children (id, parent) VALUES ('ctx', 'p')`, nil); err != nil {
			return err
		}
		cancel()
		return tx.Commit()
	})
	conn.Close()
	if err != nil {
		t.Fatalf("commit after its context ended: %v", err)
	}
	if n := children(t, db); n != 1 {
		t.Errorf("%d children committed, want 1", n)
	}
}

// kept runs fn on the writer's connection of db, as its writerConn.
func kept(t *testing.T, db *sql.DB, fn func(w *writerConn)) {
	t.Helper()
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Raw(func(dc any) error { fn(dc.(*writerConn)); return nil }); err != nil {
		t.Fatal(err)
	}
}

// TestKeptStmtWhileItsRowsAreOpen: a statement run again while a Rows of
// it is open, within one transaction (a query inside a loop over its own
// rows, an insert of the rows read), runs on a statement of its own and
// leaves the open Rows reading on; the kept statement serves the next
// call once that Rows is closed.
func TestKeptStmtWhileItsRowsAreOpen(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	const parents = `SELECT id FROM parents ORDER BY id`
	if _, err := db.ExecContext(ctx, `INSERT INTO parents (id) VALUES ('q'), ('r')`); err != nil {
		t.Fatal(err)
	}
	err := Run(ctx, db, func(c *sql.Conn) error {
		rows, err := c.QueryContext(ctx, parents)
		if err != nil {
			return err
		}
		defer rows.Close()
		var read []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			read = append(read, id)
			// The same text again, as a query and as a statement.
			var first string
			if err := c.QueryRowContext(ctx, parents).Scan(&first); err != nil || first != "p" {
				return fmt.Errorf("the query again inside its rows: %q, %v", first, err)
			}
			if _, err := c.ExecContext(ctx, parents); err != nil {
				return fmt.Errorf("the query run as a statement inside its rows: %v", err)
			}
			if err := insertChild(c, "of-"+id, id); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if fmt.Sprint(read) != "[p q r]" {
			return fmt.Errorf("read %q inside a loop of its own query, want [p q r]", read)
		}
		return rows.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := children(t, db); n != 3 {
		t.Errorf("%d children, want 3", n)
	}
	var before, after int
	kept(t, db, func(w *writerConn) { before = w.kept[parents].uses })
	var first string
	if err := db.QueryRowContext(ctx, parents).Scan(&first); err != nil || first != "p" {
		t.Fatalf("the query after its rows closed: %q, %v", first, err)
	}
	kept(t, db, func(w *writerConn) { after = w.kept[parents].uses })
	if after != before+1 {
		t.Errorf("the query after its rows closed ran its kept statement %d times, want once", after-before)
	}
}

// TestKeptStmtsBound: a connection keeps at most MaxKeptStmts statements,
// dropping the one used longest ago; one dropped while its Rows is open
// reads on, and is closed with that Rows. Closing the connection closes
// them all.
func TestKeptStmtsBound(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	const hot = `SELECT id FROM parents`
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := conn.QueryContext(ctx, `SELECT id FROM parents WHERE id <> 'open'`)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 * MaxKeptStmts {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("SELECT %d", i)); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, hot); err != nil {
			t.Fatal(err)
		}
	}
	var open *keptStmt
	err = conn.Raw(func(dc any) error {
		w := dc.(*writerConn)
		if len(w.kept) > MaxKeptStmts {
			t.Errorf("%d statements kept, bound %d", len(w.kept), MaxKeptStmts)
		}
		if w.kept[hot] == nil {
			t.Error("the statement run most dropped")
		}
		if w.kept[`SELECT 0`] != nil {
			t.Error("the statement used longest ago kept")
		}
		for _, s := range w.kept {
			if s.rowsOpen {
				open = s
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if open != nil {
		t.Error("the statement whose Rows is open was kept over newer ones")
	}
	var id string
	if !rows.Next() || rows.Scan(&id) != nil || id != "p" {
		t.Errorf("the dropped statement's open rows read %q, %v", id, rows.Err())
	}
	if err := rows.Close(); err != nil {
		t.Errorf("closing the rows of a dropped statement: %v", err)
	}
	conn.Close()
	var w *writerConn
	kept(t, db, func(c *writerConn) { w = c })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if len(w.kept) != 0 {
		t.Errorf("%d statements kept after the connection closed", len(w.kept))
	}
}

// TestOpenDBSyncsData: a writer OpenDB opens commits with fdatasync(2)
// where the platform has it, as SQLite's own Linux builds do; modernc's
// library starts with fsync(2).
func TestOpenDBSyncsData(t *testing.T) {
	prev, err := sqlite.Fdatasync(false)
	if errors.Is(err, sqlite.ErrFdatasyncUnavailable) {
		// macOS and Windows: SQLite syncs its own way there, and OpenDB
		// must not fail for it.
		mustOpen(t)
		if sqlite.FdatasyncEnabled() {
			t.Fatal("fdatasync reported on where the platform has none")
		}
		return
	}
	t.Cleanup(func() { sqlite.Fdatasync(prev) })
	if sqlite.FdatasyncEnabled() {
		t.Fatal("the switch did not turn off")
	}
	db, _ := mustOpen(t)
	if !sqlite.FdatasyncEnabled() {
		t.Fatal("OpenDB left the driver syncing with fsync(2)")
	}
	if _, err := db.Exec(`INSERT INTO parents (id) VALUES ('q')`); err != nil {
		t.Fatalf("a commit synced with fdatasync: %v", err)
	}
}
