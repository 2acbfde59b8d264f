package central

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// logRecords is a slog.Handler keeping every record, its attributes by
// key, for a test to read.
type logRecords struct {
	mu      gosync.Mutex
	records []logRecord
	seen    chan string // each message, when not nil
}

type logRecord struct {
	msg   string
	attrs map[string]any
}

func (h *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecords) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logRecords) WithGroup(string) slog.Handler            { return h }

func (h *logRecords) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{msg: r.Message, attrs: map[string]any{}}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.Any()
		return true
	})
	h.mu.Lock()
	h.records = append(h.records, rec)
	h.mu.Unlock()
	if h.seen != nil {
		h.seen <- r.Message
	}
	return nil
}

// about returns the records whose message starts with prefix.
func (h *logRecords) about(prefix string) []logRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []logRecord
	for _, r := range h.records {
		if strings.HasPrefix(r.msg, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// steppingClock is a wall clock that moves on by step at every reading.
func steppingClock(step time.Duration) func() time.Time {
	var mu gosync.Mutex
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		at = at.Add(step)
		return at
	}
}

func intAttr(t *testing.T, r logRecord, key string) int {
	t.Helper()
	v, ok := r.attrs[key].(int64)
	if !ok {
		t.Fatalf("%q has no number %s: %v", r.msg, key, r.attrs)
	}
	return int(v)
}

// TestOpenLogsLongMigrations: opening a database whose board index an
// older service made (other folds, tickets without a row, an index
// missing) logs the refold, the fill and the index's build, on SQLite and
// PostgreSQL: each one's start and why, its progress (rows done of how
// many) when migrationLogEvery has passed, at most once per statement and
// never without the time passing, and its end with the rows and the time
// it took. Opening a new database, or one with nothing to migrate, logs
// nothing.
func TestOpenLogsLongMigrations(t *testing.T) {
	const refold, fill = "migration: refolding the board's search index", "migration: indexing tickets for the board"
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := Config{DataDir: t.TempDir()}
			if backend == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			// A new database: nothing to tell.
			logs := &logRecords{}
			cfg.Log = slog.New(logs)
			db := openTestDB(t, cfg)
			if got := logs.about("migration:"); len(got) != 0 {
				t.Errorf("a new database logged %v", got)
			}
			ds := app.Dataset{Technicians: []app.Technician{{ID: "tech-a", Name: "Alice", Country: "CN"}}}
			const tickets, unindexed = 3*bulkRows + 3, bulkRows + 1
			for i := range tickets {
				tk := boardTicket(fmt.Sprintf("OLD-%04d", i), app.StatusAssigned, "tech-a", "", time.Duration(i+1)*time.Minute, 0, "José", "1234 5678", "")
				ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
			}
			if err := db.LoadDataset(t.Context(), tenant, ds); err != nil {
				t.Fatal(err)
			}
			aged := func(db *DB, mark string) {
				t.Helper()
				for _, q := range []string{`UPDATE ticket_index SET name_fold = 'x'`, `DELETE FROM meta WHERE k = ?`, `INSERT INTO meta (k, v) VALUES (?, ?)`} {
					args := []any{ticketIndexFoldMark, mark}[:strings.Count(q, "?")]
					if mark == "" && strings.HasPrefix(q, "INSERT") {
						continue
					}
					if _, err := db.write.ExecContext(t.Context(), db.q(q), args...); err != nil {
						t.Fatal(err)
					}
				}
			}
			aged(db, "")
			if _, err := db.write.ExecContext(t.Context(), db.q(`DELETE FROM ticket_index WHERE number >= ?`), fmt.Sprintf("OLD-%04d", tickets-unindexed)); err != nil {
				t.Fatal(err)
			}
			// An index an older service did not have.
			if _, err := db.write.ExecContext(t.Context(), `DROP INDEX ticket_index_serial`); err != nil {
				t.Fatal(err)
			}
			db.Close()

			// The clock moves on by migrationLogEvery at every reading:
			// every statement's rows are logged.
			logs = &logRecords{}
			cfg.Log, cfg.wallClock = slog.New(logs), steppingClock(migrationLogEvery)
			db = openTestDB(t, cfg)
			indexed := tickets - unindexed
			checkMigration(t, logs, refold, "no record of the fold", indexed, indexed, []int{512, 1024, indexed})
			checkMigration(t, logs, fill, "no row in the board's index", unindexed, -1, []int{512, unindexed})
			const index = "migration: building index ticket_index_serial on ticket_index"
			if start, end := logs.about(index+": started"), logs.about(index+": done"); len(start) != 1 || len(end) != 1 || end[0].attrs["took"] == nil {
				t.Errorf("the index's build logged %v and %v, want its start and its end with the time it took", start, end)
			}
			if n := len(logs.about("migration: building index")); n != 2 {
				t.Errorf("%d lines about building indexes, want 2 (the one index missing)", n)
			}

			// A clock that stands still: the start and the end only,
			// whatever the rows.
			aged(db, "0")
			db.Close()
			logs = &logRecords{}
			cfg.Log, cfg.wallClock = slog.New(logs), steppingClock(0)
			db = openTestDB(t, cfg)
			checkMigration(t, logs, refold, "fold version 0 made it", tickets, tickets, nil)

			db.Close()
			logs = &logRecords{}
			cfg.Log = slog.New(logs)
			db = openTestDB(t, cfg)
			if got := logs.about("migration:"); len(got) != 0 {
				t.Errorf("an open with nothing to migrate logged %v", got)
			}
			if b, err := db.Board(t.Context(), BoardQuery{Tenant: tenant, Search: "jose"}); err != nil || b.Total != tickets {
				t.Errorf("after the migrations, %q finds %d tickets (%v), want %d", "jose", b.Total, err, tickets)
			}
		})
	}
}

// checkMigration checks the log of migration what: one start saying why
// (a part of it) and the rows, progress lines whose done counts are
// progress exactly, of rows, and one end with rows and changed (-1: not
// said) and the time it took.
func checkMigration(t *testing.T, logs *logRecords, what, why string, rows, changed int, progress []int) {
	t.Helper()
	start, during, end := logs.about(what+": started"), logs.about(what+": in progress"), logs.about(what+": done")
	if len(start) != 1 || len(end) != 1 {
		t.Fatalf("%s: %d start lines and %d end lines, want one each", what, len(start), len(end))
	}
	if w, _ := start[0].attrs["why"].(string); !strings.Contains(w, why) {
		t.Errorf("%s: started because %q, want it to say %q", what, w, why)
	}
	if n := intAttr(t, start[0], "rows"); n != rows {
		t.Errorf("%s: started over %d rows, want %d", what, n, rows)
	}
	var done []int
	for _, r := range during {
		done = append(done, intAttr(t, r, "done"))
		if n := intAttr(t, r, "of"); n != rows {
			t.Errorf("%s: progress of %d rows, want %d", what, n, rows)
		}
	}
	if fmt.Sprint(done) != fmt.Sprint(progress) {
		t.Errorf("%s: progress lines at %v rows done, want %v", what, done, progress)
	}
	if n := intAttr(t, end[0], "rows"); n != rows {
		t.Errorf("%s: ended after %d rows, want %d", what, n, rows)
	}
	if changed >= 0 {
		if n := intAttr(t, end[0], "changed"); n != changed {
			t.Errorf("%s: changed %d rows, want %d", what, n, changed)
		}
	}
	if d, ok := end[0].attrs["took"].(time.Duration); !ok || d <= 0 && len(progress) > 0 {
		t.Errorf("%s: took %v, want the time it took", what, end[0].attrs["took"])
	}
}

// TestOpenSaysItWaitsForAnotherInstance: on PostgreSQL, an instance that
// opens the database while another migrates it says it waits for that
// one, and goes on once it is done.
func TestOpenSaysItWaitsForAnotherInstance(t *testing.T) {
	dsn := pgtest.ForTest(t)
	first := openTestDB(t, Config{DataDir: t.TempDir(), Postgres: dsn})
	ctx := t.Context()
	conn, err := first.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The other instance's migration, as migrate holds it.
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		t.Fatal(err)
	}
	logs := &logRecords{seen: make(chan string, 16)}
	opened := make(chan error, 1)
	// Bounded: with no wait said, the test ends failing, not hanging.
	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	go func() {
		db, err := OpenDB(openCtx, Config{DataDir: t.TempDir(), Postgres: dsn, Log: slog.New(logs)})
		if err == nil {
			db.Close()
		}
		opened <- err
	}()
	select {
	case msg := <-logs.seen:
		if !strings.Contains(msg, "waiting for another instance") {
			t.Fatalf("first line while another instance migrates: %q", msg)
		}
	case err := <-opened:
		t.Fatalf("opened without a word while another instance migrates: %v", err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, migrationLock); err != nil {
		t.Fatal(err)
	}
	if err := <-opened; err != nil {
		t.Fatal(err)
	}
	if got := logs.about("migration: the other instance finished"); len(got) != 1 {
		t.Errorf("no line says the wait ended: %v", logs.about(""))
	}
}
