package central

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// analyzeRows is how many rows a load (LoadDataset: an import, the demo
// world, a tenant's first load) must write before it analyzes the tables
// it wrote. Without statistics, PostgreSQL locks a push's tickets by
// reading the tenant's tickets in the key's order until it has found
// them (BenchmarkPushLocks: 23.5 ms a push at 10,000 tickets against 1.8
// ms analyzed, until autovacuum analyzes a minute or more later; its
// EXPLAIN filtered 9,990 rows out): a read that grows with the tickets
// loaded, a tenth of that below a thousand.
// An ANALYZE reads a bounded sample whatever the table's size (about 0.1
// s at 10,000 tickets: docs/BENCHMARKS.md, h-analyze), a small share of
// a load of 1,000 rows or more.
const analyzeRows = 1000

// analyzeShare: a load analyzes a table only if it wrote at least a
// tenth of the rows the planner last counted in it (or it has no
// statistics yet). A smaller load barely moves the table's statistics,
// and PostgreSQL's autovacuum analyzes a table once a tenth of it
// changed anyway (autovacuum_analyze_scale_factor, 0.1).
const analyzeShare = 10

// analyzeTimeout bounds a load's ANALYZE: the load is committed and
// acknowledged by then, so a slow ANALYZE only delays the answer.
const analyzeTimeout = 30 * time.Second

// sqliteAnalysisLimit bounds how many rows of each index SQLite's
// ANALYZE reads (PRAGMA analysis_limit): without it ANALYZE reads every
// row of every index, seconds at 100,000 tickets, while the writer
// waits for the connection.
const sqliteAnalysisLimit = 1000

// loadTables lists the tables a load of ds writes rows to in bulk: the
// ones whose statistics it can change. The names are fixed here, never
// taken from input (a table name cannot be a placeholder).
func loadTables(ds app.Dataset) []string {
	tables := []string{"entities", "changes"}
	if len(ds.Movements) > 0 {
		tables = append(tables, "ledger", "serial_units")
	}
	if len(ds.Tickets) > 0 {
		tables = append(tables, "ticket_index", "history")
	}
	return tables
}

// analyzeLoad gives the planner statistics of the tables a load of rows
// rows just committed, instead of leaving it without them (or with an
// empty table's) until autovacuum's next ANALYZE on PostgreSQL, and for
// good on SQLite, which analyzes only when asked. It runs after the
// load's commit (inside, ANALYZE would hold its locks longer), bounded
// by analyzeTimeout, and never fails the load: a failure is logged with
// its cause, and the statistics come later (autovacuum) or with the
// next large load.
func (db *DB) analyzeLoad(ctx context.Context, rows int, tables []string) {
	if db.noLoadAnalyze || rows < analyzeRows {
		return
	}
	start := db.wallClock()
	analyzed, err := db.analyzeTables(context.WithoutCancel(ctx), rows, tables)
	if err != nil {
		db.log.Warn("database: the statistics of the tables a load wrote were not updated; autovacuum (PostgreSQL) or the next large load will", "tables", strings.Join(tables, ","), "rows", rows, "err", err)
		return
	}
	if len(analyzed) > 0 {
		db.log.Info("database: analyzed the tables a load wrote", "tables", strings.Join(analyzed, ","), "rows", rows, "took", db.wallClock().Sub(start).Round(time.Millisecond))
	}
}

// analyzeTables analyzes those of tables that rows rows are at least a
// tenth of, and returns them, within analyzeTimeout.
func (db *DB) analyzeTables(ctx context.Context, rows int, tables []string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, analyzeTimeout)
	defer cancel()
	counted, err := db.plannerRows(ctx, tables)
	if err != nil {
		return nil, err
	}
	var todo []string
	for _, t := range tables {
		if n, ok := counted[t]; !ok || int64(rows)*analyzeShare >= n {
			todo = append(todo, t)
		}
	}
	if len(todo) == 0 {
		return nil, nil
	}
	if db.dialect == dialectPostgres {
		return todo, db.analyzePostgres(ctx, todo)
	}
	// One statement per table: SQLite's ANALYZE takes one name. The
	// limit is the write connection's (there is one), set each time
	// since nothing else reads it. The names are loadTables' own, never
	// input; a PRAGMA takes no placeholder.
	q := "PRAGMA analysis_limit = " + strconv.Itoa(sqliteAnalysisLimit)
	for _, t := range todo {
		q += "; ANALYZE " + t
	}
	if _, err := db.write.ExecContext(ctx, q); err != nil {
		return nil, fmt.Errorf("ANALYZE %s: %w", strings.Join(todo, ", "), err)
	}
	return todo, nil
}

// analyzePostgres runs one ANALYZE of tables in a transaction whose
// statement_timeout is what is left of ctx (ctx's end alone would leave
// PostgreSQL analyzing after the driver gave up).
func (db *DB) analyzePostgres(ctx context.Context, tables []string) error {
	deadline, _ := ctx.Deadline()
	ms := max(time.Until(deadline).Milliseconds(), 1)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// set_config(..., true) is SET LOCAL with a placeholder.
	if _, err := tx.ExecContext(ctx, `SELECT set_config('statement_timeout', $1, true)`, strconv.FormatInt(ms, 10)); err != nil {
		return err
	}
	// The names are loadTables' own, never input.
	if _, err := tx.ExecContext(ctx, "ANALYZE "+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("ANALYZE %s: %w", strings.Join(tables, ", "), err)
	}
	return tx.Commit()
}

// plannerRows returns how many rows the planner last counted in each of
// tables that it has statistics of: PostgreSQL's pg_class.reltuples
// (-1 until the first VACUUM or ANALYZE: left out), SQLite's
// sqlite_stat1 (its rows start with the table's or index's row count;
// no sqlite_stat1 until the first ANALYZE).
func (db *DB) plannerRows(ctx context.Context, tables []string) (map[string]int64, error) {
	counted := make(map[string]int64, len(tables))
	var rows *sql.Rows
	var err error
	if db.dialect == dialectPostgres {
		rows, err = db.read.QueryContext(ctx, `SELECT relname::text, reltuples::bigint FROM pg_class
			WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' AND relname = ANY($1) AND reltuples >= 0`, tables)
	} else {
		var stat int
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'`).Scan(&stat); err != nil || stat == 0 {
			return counted, err
		}
		// max: a table's rows in each of its indexes' rows (a WITHOUT
		// ROWID table's primary key is an index, an empty table has none).
		args := make([]any, len(tables))
		for i, t := range tables {
			args[i] = t
		}
		rows, err = db.read.QueryContext(ctx, `SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 WHERE tbl IN (?`+
			strings.Repeat(", ?", len(tables)-1)+`) GROUP BY tbl`, args...)
	}
	if err != nil {
		return nil, fmt.Errorf("the planner's row counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var n int64
		if err := rows.Scan(&t, &n); err != nil {
			return nil, fmt.Errorf("the planner's row counts: %w", err)
		}
		counted[t] = n
	}
	return counted, rows.Err()
}
