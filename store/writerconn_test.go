package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"net/url"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
	sqlite3 "modernc.org/sqlite/lib"
)

// TestWriterTxBeginsImmediate: a write transaction holds the write lock
// from its BEGIN, before it writes anything, so another connection cannot
// begin a write meanwhile; once it ends, the other can.
func TestWriterTxBeginsImmediate(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(0)")
	other, err := sql.Open("sqlite", dsn(db.Path(), q))
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
		tx, err := db.write.BeginTx(ctx, nil)
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
	db := mustOpen(t)
	if err := db.Load(ctx, storetest.World()); err != nil {
		t.Fatal(err)
	}
	notes := func() int {
		var n int
		if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM notes WHERE id LIKE 'wc-%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	add := func(id string, ticket app.TicketID, end func(*sql.Tx) error) error {
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			t.Fatalf("begin before %s: %v", id, err)
		}
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notes (id, ticket_id, text, at, by) VALUES (?, ?, 'x', 1, 'ana')`, id, string(ticket)); err != nil {
			t.Fatal(err)
		}
		return end(tx)
	}
	if err := add("wc-rolledback", storetest.T2, (*sql.Tx).Rollback); err != nil {
		t.Fatal(err)
	}
	if n := notes(); n != 0 {
		t.Fatalf("after a rollback: %d notes, want 0", n)
	}
	if err := add("wc-committed", storetest.T2, (*sql.Tx).Commit); err != nil {
		t.Fatal(err)
	}
	if n := notes(); n != 1 {
		t.Fatalf("after a commit: %d notes, want 1", n)
	}
	if err := add("wc-orphan", "no-such-ticket", (*sql.Tx).Commit); !foreignKeyFailed(err) {
		t.Fatalf("commit of a note without its ticket: %v, want a foreign key failure", err)
	}
	if err := add("wc-after", storetest.T2, (*sql.Tx).Commit); err != nil {
		t.Fatalf("the transaction after a failed commit: %v", err)
	}
	if n := notes(); n != 2 {
		t.Fatalf("after a failed commit and a commit: %d notes, want 2", n)
	}
}

// TestWriterCommitIgnoresBeginContext: a COMMIT's result is the COMMIT's,
// whatever became of the context the transaction began with: the driver
// would report that context's error for a COMMIT that took effect.
func TestWriterCommitIgnoresBeginContext(t *testing.T) {
	db := mustOpen(t)
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	conn, err := db.write.Conn(t.Context())
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
		if _, err := w.ExecContext(ctx, `INSERT INTO notes (id, ticket_id, text, at, by) VALUES ('wc-ctx', ?, 'x', 1, 'ana')`,
			[]driver.NamedValue{{Ordinal: 1, Value: string(storetest.T2)}}); err != nil {
			return err
		}
		cancel()
		return tx.Commit()
	})
	conn.Close()
	if err != nil {
		t.Fatalf("commit after its context ended: %v", err)
	}
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM notes WHERE id = 'wc-ctx'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d notes committed (%v), want 1", n, err)
	}
}
