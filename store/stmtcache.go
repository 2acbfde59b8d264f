package store

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"time"
)

// maxCachedStmts bounds the writer connection's prepared statements: the
// commit path runs a few dozen distinct statements, every one a constant
// but moveUpdate's, at most 64 texts (a few in practice).
const maxCachedStmts = 128

// prepareWait bounds how long a Commit waits for the writer, after its
// action is saved, to prepare the statements it ran for the first time.
const prepareWait = 20 * time.Millisecond

// stmtCache keeps statements prepared on the writer connection for its
// whole life. modernc's driver otherwise parses and plans every statement
// at each call, which was a fifth of a user action's CPU (docs/BENCHMARKS.md,
// "Store: commits"). A statement cannot be prepared on the writer while a
// transaction holds its only connection, so a statement first run inside
// a transaction is remembered and prepared after it (prepareMissed).
type stmtCache struct {
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	missed []string
}

// lookup returns q's prepared statement, or nil after noting q to be
// prepared (while the bound allows).
func (c *stmtCache) lookup(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.stmts[q]; s != nil {
		return s
	}
	if len(c.stmts)+len(c.missed) < maxCachedStmts && !slices.Contains(c.missed, q) {
		c.missed = append(c.missed, q)
	}
	return nil
}

// hasMissed says a statement waits to be prepared (prepareMissed).
func (c *stmtCache) hasMissed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.missed) > 0
}

// prepareMissed prepares on w the statements that ran without one. It
// needs w's connection: call it with no transaction open. A statement that
// fails to prepare, or is not reached before ctx ends, stays uncached and
// runs as before, preparing at each call, until a later prepareMissed: its
// error is the statement's to report when it runs, not this cache's.
func (c *stmtCache) prepareMissed(ctx context.Context, w *sql.DB) {
	c.mu.Lock()
	missed := c.missed
	c.missed = nil
	c.mu.Unlock()
	for _, q := range missed {
		s, err := w.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if c.stmts == nil {
			c.stmts = map[string]*sql.Stmt{}
		}
		if old := c.stmts[q]; old != nil {
			old.Close()
		}
		c.stmts[q] = s
		c.mu.Unlock()
	}
}

// close closes every prepared statement; DB.Close calls it before closing
// the writer.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var first error
	for q, s := range c.stmts {
		if err := s.Close(); err != nil && first == nil {
			first = err
		}
		delete(c.stmts, q)
	}
	c.missed = nil
	return first
}

// stmtTx is a write transaction whose statements run from the writer's
// prepared statements when the cache has them; it implements rowQueryer
// and execer, so the commit path's helpers take it as they take a *sql.Tx.
type stmtTx struct {
	*sql.Tx
	cache *stmtCache
}

func (t stmtTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if s := t.cache.lookup(q); s != nil {
		return t.Tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, q, args...)
}

func (t stmtTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s := t.cache.lookup(q); s != nil {
		return t.Tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, q, args...)
}

func (t stmtTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if s := t.cache.lookup(q); s != nil {
		return t.Tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, q, args...)
}
