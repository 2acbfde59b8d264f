package sqlitetx

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"
)

// insertChild is a statement of fn in Run's tests.
func insertChild(c *sql.Conn, id, parent string) error {
	_, err := c.ExecContext(context.Background(), `INSERT INTO children (id, parent) VALUES (?, ?)`, id, parent)
	return err
}

// noTransactionOpen fails t unless the writer's connection has no
// transaction open: another Run and a database/sql transaction each
// commit on it, within a second (a connection never returned to the pool
// would make them wait for ever).
func noTransactionOpen(t *testing.T, db *sql.DB, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	if err := Run(ctx, db, func(c *sql.Conn) error { return insertChild(c, id+"-run", "p") }); err != nil {
		t.Fatalf("a Run after %s: %v", id, err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("a transaction after %s: %v", id, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO children (id, parent) VALUES (?, 'p')`, id+"-tx"); err != nil {
		tx.Rollback()
		t.Fatalf("a transaction after %s: %v", id, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("a transaction after %s: %v", id, err)
	}
}

// TestRunEnds: Run commits what fn wrote; fn's error, a COMMIT that fails
// (a deferred foreign key) and fn's panic each roll back all fn wrote and
// leave no transaction open, the panic going on to Run's caller.
func TestRunEnds(t *testing.T) {
	db, _ := mustOpen(t)
	if err := Run(t.Context(), db, func(c *sql.Conn) error { return insertChild(c, "committed", "p") }); err != nil {
		t.Fatal(err)
	}
	if n := children(t, db); n != 1 {
		t.Fatalf("after Run: %d children, want 1", n)
	}
	errRefused := errors.New("refused")
	err := Run(t.Context(), db, func(c *sql.Conn) error {
		if err := insertChild(c, "refused", "p"); err != nil {
			return err
		}
		return errRefused
	})
	if !errors.Is(err, errRefused) {
		t.Fatalf("Run whose fn failed: %v, want fn's error", err)
	}
	noTransactionOpen(t, db, "an error")
	err = Run(t.Context(), db, func(c *sql.Conn) error {
		if _, err := c.ExecContext(context.Background(), `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		return insertChild(c, "orphan", "no-such-parent")
	})
	if !foreignKeyFailed(err) {
		t.Fatalf("Run committing a child without its parent: %v, want a foreign key failure", err)
	}
	noTransactionOpen(t, db, "a failed commit")
	func() {
		defer func() {
			if r := recover(); r != "fn panicked" {
				t.Errorf("Run whose fn panicked: recovered %v, want fn's panic", r)
			}
		}()
		_ = Run(t.Context(), db, func(c *sql.Conn) error {
			if err := insertChild(c, "panicked", "p"); err != nil {
				return err
			}
			panic("fn panicked")
		})
		t.Error("Run returned after fn panicked")
	}()
	noTransactionOpen(t, db, "a panic")
	var ids []string
	rows, err := db.Query(`SELECT id FROM children ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	want := []string{"a failed commit-run", "a failed commit-tx", "a panic-run", "a panic-tx", "an error-run", "an error-tx", "committed"}
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Errorf("children %q, want %q", ids, want)
	}
}

// TestRunWaitsForWriterWithinContext: Run behind another user of the
// writer gives up when its context ends, and runs once the writer is
// free.
func TestRunWaitsForWriterWithinContext(t *testing.T) {
	db, _ := mustOpen(t)
	busy, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	ran := false
	err = Run(ctx, db, func(c *sql.Conn) error { ran = true; return nil })
	if !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Errorf("Run behind a busy writer: %v, fn ran %t; want the context's deadline, fn not run", err, ran)
	}
	busy.Close()
	noTransactionOpen(t, db, "a wait")
}
