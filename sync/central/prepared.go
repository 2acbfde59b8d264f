package central

import (
	"context"
	"database/sql"
)

// The statements of a push's hot path. On SQLite they are prepared once,
// when the database opens, on the one write connection, and each
// transaction borrows them (Tx.StmtContext finds them prepared on its
// connection): compiling a statement cost a push more than running it,
// and per transaction a group of 64 pushes compiled each 64 times.
// PostgreSQL needs none of this: pgx prepares and caches every statement
// per connection itself.
const (
	qGetEntity    = `SELECT data FROM entities WHERE tenant = ? AND kind = ? AND id = ?`
	qCountEntity  = `SELECT count(*) FROM entities WHERE tenant = ? AND kind = ? AND id = ?`
	qInsertFact   = `INSERT INTO entities (tenant, kind, id, ticket_id, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, kind, id) DO NOTHING`
	qPutEntity    = `INSERT INTO entities (tenant, kind, id, ticket_id, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, kind, id) DO UPDATE SET ticket_id = excluded.ticket_id, data = excluded.data`
	qEmit         = `INSERT INTO changes (scope, kind, id, version, ord, gone) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, kind, id) DO UPDATE SET version = excluded.version, gone = excluded.gone`
	qWasInScope   = `SELECT count(*) FROM changes WHERE scope = ? AND kind = ? AND id = ?`
	qDeviceSeq    = `SELECT last_seq, revoked_at FROM devices WHERE id = ?`
	qDeviceSeen   = `UPDATE devices SET last_seq = ?, last_seen = ?, clock_offset_ms = ? WHERE id = ?`
	qApplied      = `SELECT count(*) FROM applied WHERE device = ? AND mutation = ?`
	qRecordApply  = `INSERT INTO applied (mutation, device, seq, name, status, conflict, at, device_at, hlc, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qSavepoint    = `SAVEPOINT mutation`
	qRollbackTo   = `ROLLBACK TO SAVEPOINT mutation`
	qRelease      = `RELEASE SAVEPOINT mutation`
	qGroupSave    = `SAVEPOINT write_tx`
	qGroupRollbck = `ROLLBACK TO SAVEPOINT write_tx`
	qGroupRelease = `RELEASE SAVEPOINT write_tx`
	qCounter      = `SELECT v FROM counter WHERE id = 1`
	qCounterSet   = `UPDATE counter SET v = ? WHERE id = 1`
)

var preparedQueries = []string{
	qGetEntity, qCountEntity, qInsertFact, qPutEntity, qEmit, qWasInScope,
	qDeviceSeq, qDeviceSeen, qApplied, qRecordApply,
	qSavepoint, qRollbackTo, qRelease, qGroupSave, qGroupRollbck, qGroupRelease, qCounter, qCounterSet,
}

// prepare prepares preparedQueries on SQLite's write connection. It runs
// before any transaction: with one connection, a Prepare on the DB while
// a transaction holds it would wait for ever.
func (db *DB) prepare(ctx context.Context) error {
	if db.dialect != dialectSQLite {
		return nil
	}
	db.prepared = make(map[string]*sql.Stmt, len(preparedQueries))
	for _, q := range preparedQueries {
		st, err := db.write.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		db.prepared[q] = st
	}
	return nil
}

// txStmt returns query as a statement of tx: on SQLite the one prepared
// when the database opened, if query is one of them, else prepared now
// for tx alone.
func (db *DB) txStmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if st := db.prepared[query]; st != nil {
		return tx.StmtContext(ctx, st), nil
	}
	st, err := tx.PrepareContext(ctx, db.q(query))
	if err != nil {
		return nil, transient(err)
	}
	return st, nil
}

// txExec runs query in tx, through its prepared statement on SQLite.
func (db *DB) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st := db.prepared[query]; st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, db.q(query), args...)
}

// txQueryRow is txExec for a query returning one row.
func (db *DB) txQueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st := db.prepared[query]; st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, db.q(query), args...)
}
