package sqlitetx

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// Run runs fn in one write transaction on a connection of db, a sql.DB
// that OpenDB opened: BEGIN IMMEDIATE, fn's statements on the connection,
// COMMIT, each on the connection's kept statements. Any error of fn or of
// the COMMIT, and a panic of fn, rolls the transaction back; fn's error
// comes back as it is. The connection goes back to db's pool when Run
// returns, with no transaction open.
//
// ctx bounds only the wait for a connection (the writer, behind another
// write): a transaction once begun runs to its end, BEGIN, COMMIT and
// ROLLBACK with no context to end them, and fn's statements with the
// context fn gives them.
//
// It is for many small transactions, one user action each, where
// database/sql's Tx cost more than the statements: a Tx starts a
// goroutine to watch its context (always, as its context is one it makes
// cancellable), woken at its end, and a Tx's use of a prepared *sql.Stmt
// makes a new *sql.Stmt per statement. A *sql.Conn with a context that
// cannot end starts no goroutine, neither for a statement nor for its
// Rows, and the connection's kept statements need no *sql.Stmt
// (docs/BENCHMARKS.md, "One action, no database/sql Tx").
func Run(ctx context.Context, db *sql.DB, fn func(c *sql.Conn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	bg := context.Background()
	if _, err := conn.ExecContext(bg, writerBegin); err != nil {
		conn.Close()
		return err
	}
	ended := false
	defer func() {
		if ended {
			return
		}
		// fn panicked: roll back, and let the panic go on. A Rows fn
		// left open holds the connection until it is closed (database/sql
		// closes a Conn once its Rows are), so the connection goes back
		// to the pool on another goroutine, not to turn a panic into a
		// hang.
		_, rbErr := conn.ExecContext(bg, writerRollback)
		go func() {
			if rbErr != nil {
				discard(conn)
			}
			conn.Close()
		}()
	}()
	if err = fn(conn); err == nil {
		_, err = conn.ExecContext(bg, writerCommit)
	}
	// A COMMIT that failed may leave the transaction open (a deferred
	// foreign key), as writerTx.Commit says.
	if err != nil {
		if _, rbErr := conn.ExecContext(bg, writerRollback); rbErr != nil {
			discard(conn)
		}
	}
	ended = true
	conn.Close()
	return err
}

// discard closes conn's driver connection instead of returning it to the
// pool, after a ROLLBACK that failed: the transaction may still be open,
// and closing the connection rolls it back. The pool opens a new one for
// its next user. (SQLite reports a ROLLBACK with no transaction open as
// an error too: a COMMIT or statement whose failure rolled the
// transaction back, an I/O error or a full disk, costs a new connection.)
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
}
