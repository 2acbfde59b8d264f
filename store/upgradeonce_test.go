package store

import (
	"cmp"
	"context"
	"database/sql"
	"math/rand/v2"
	"path/filepath"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// searchWrites counts, per store file a test watches, the entries
// written into each search index: every entry FTS5 writes adds a row to
// its table's docsize shadow table, and SQLite's pre-update hook sees
// that insert. It counts from outside the store's code, through the
// driver, on every connection opened on the file.
var searchWrites = struct {
	once    gosync.Once
	mu      gosync.Mutex
	watched map[string]*entryCounts // by the store file's path
}{watched: map[string]*entryCounts{}}

type entryCounts struct{ tickets, parts atomic.Int64 }

// watchSearchWrites starts counting the search entries written in the
// store file at path.
func watchSearchWrites(tb testing.TB, path string) *entryCounts {
	searchWrites.once.Do(func() {
		sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, dsn string) error {
			searchWrites.mu.Lock()
			var c *entryCounts
			for p, pc := range searchWrites.watched {
				if strings.Contains(dsn, p) {
					c = pc
				}
			}
			searchWrites.mu.Unlock()
			if c == nil {
				return nil
			}
			conn.(sqlite.HookRegisterer).RegisterPreUpdateHook(func(d sqlite.SQLitePreUpdateData) {
				switch {
				case d.Op != sqlite3.SQLITE_INSERT:
				case d.TableName == "tickets_fts_docsize":
					c.tickets.Add(1)
				case d.TableName == "parts_fts_docsize":
					c.parts.Add(1)
				}
			})
			return nil
		})
	})
	c := &entryCounts{}
	searchWrites.mu.Lock()
	searchWrites.watched[path] = c
	searchWrites.mu.Unlock()
	tb.Cleanup(func() {
		searchWrites.mu.Lock()
		delete(searchWrites.watched, path)
		searchWrites.mu.Unlock()
	})
	return c
}

// storeBefore writes at path a store as the code before migration
// (a file name) left it: tickets with their search entries as index
// writes them, and parts with theirs as the code before 0018 wrote them.
func storeBefore(tb testing.TB, path, migration string, tickets []app.Ticket, parts []app.Part, index func(tb testing.TB, q execer, rid int64, tk app.Ticket)) *sql.DB {
	tb.Helper()
	raw := rawDBBefore(tb, path, migration)
	saveTicketsIndexed(tb, raw, tickets, func(tx *sql.Tx, rid int64, tk app.Ticket) error {
		index(tb, tx, rid, tk)
		return nil
	})
	tx, err := raw.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	for i, p := range parts {
		savePartBefore0018(tb, tx, int64(i+1), p)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return raw
}

// indexTicketBefore0012 writes tk's search entry, at row rid, as the code
// before 0012_ticket_search_technician did: no technician's token.
func indexTicketBefore0012(tb testing.TB, q execer, rid int64, tk app.Ticket) {
	tb.Helper()
	f := searchFields(tk)
	if _, err := q.ExecContext(tb.Context(), `INSERT INTO tickets_fts (rowid, number, customer_name, phone_digits, serial, short) VALUES (?, ?, ?, ?, ?, ?)`,
		rid, f.number, f.customer, f.phone, f.serial, shortGrams(f.number, f.customer, f.phone, f.serial)); err != nil {
		tb.Fatal(err)
	}
}

// TestUpgradeWritesEachSearchOnce: a device upgrading across several
// migrations that write a search index whole, in one Open, writes each
// index once, each entry once: from schema 15, 0016 (the ticket search
// made again with brand and model), 0017 (the ticket search folded) and
// 0018 (the part search folded) wrote the ticket search twice; from 11,
// with 0012 (the technician's token), three times; from 17 with another
// fold recorded, 0018 and the refold at Open wrote the part search twice.
// The entries are the ones this code writes, brand, model and folds
// included, and a second Open writes none.
func TestUpgradeWritesEachSearchOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, before string
		index        func(testing.TB, execer, int64, app.Ticket)
		fold         string // search_fold's version, "" for none
	}{
		{"schema 11", "0012_ticket_search_technician.sql", indexTicketBefore0012, ""},
		{"schema 15", "0016_ticket_search_product.sql", indexTicketBefore0016, ""},
		{"schema 17, another fold", "0018_part_search_fold.sql", indexTicketBefore0017, "2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, tickets, parts, raw := upgradeFixture(t, tc.before, tc.index, tc.fold)
			if err := raw.Close(); err != nil {
				t.Fatal(err)
			}

			written := watchSearchWrites(t, path)
			db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
			if n := written.tickets.Load(); n != int64(len(tickets)) {
				t.Errorf("the upgrade wrote %d ticket search entries for %d tickets, want each once", n, len(tickets))
			}
			if n := written.parts.Load(); n != int64(len(parts)) {
				t.Errorf("the upgrade wrote %d part search entries for %d parts, want each once", n, len(parts))
			}
			checkUpgradedTicketSearch(t, db, tickets)
			if got, err := NewPartService(db).FindParts(t.Context(), app.PartFilter{Query: string(parts[5].Number)}); err != nil || len(got) == 0 {
				t.Errorf("part %s not found by its number after the upgrade: %d parts, %v", parts[5].Number, len(got), err)
			}

			written.tickets.Store(0)
			written.parts.Store(0)
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
			if n, m := written.tickets.Load(), written.parts.Load(); n != 0 || m != 0 {
				t.Errorf("a second open wrote %d ticket and %d part search entries, want none", n, m)
			}
		})
	}
}

// upgradeFixture is a store file at the schema before migration before,
// holding rebuildBatch+250 tickets (one named "Søren Straße", one of
// brand "LG") indexed as index did, and 300 parts, its search_fold at
// fold ("" for none); raw is open on it.
func upgradeFixture(t *testing.T, before string, index func(testing.TB, execer, int64, app.Ticket), fold string) (path string, tickets []app.Ticket, parts []app.Part, raw *sql.DB) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "fieldbench.db")
	tickets = listTickets(rebuildBatch + 250)
	tickets[7].Customer.Name, tickets[8].Product.Brand = "Søren Straße", "LG"
	parts = genParts(rand.New(rand.NewPCG(15, 15)), 300)
	raw = storeBefore(t, path, before, tickets, parts, index)
	if fold != "" {
		rawExec(t, raw, `INSERT INTO search_fold (id, version) VALUES (1, '`+fold+`')`)
	}
	return path, tickets, parts, raw
}

// checkUpgradedTicketSearch checks db's ticket search after an upgrade
// from upgradeFixture's store: the index whole, folded, and searching as
// the reference does.
func checkUpgradedTicketSearch(t *testing.T, db *DB, tickets []app.Ticket) {
	t.Helper()
	checkTicketSearchIndex(t, db)
	ts := NewTicketService(db)
	for q, want := range map[string]app.TicketID{"strasse": tickets[7].ID, "lg": tickets[8].ID} {
		got, total, err := ts.FindTickets(t.Context(), app.TicketFilter{Query: q, Now: genNow, Limit: maxTicketLimit})
		if err != nil || total != 1 || len(got) != 1 || got[0].ID != want {
			t.Errorf("%q: %d tickets (total %d, %v), want %s alone", q, len(got), total, err, want)
		}
	}
	searchesAsReference(t, db, tickets, []app.TechnicianID{"", "tech-000", "nobody"}, "customer", "lg", "strasse")
}

// TestUpgradeStoppedAfterALeftOutStepIsRepaired: an upgrade that leaves
// out a step writing a search index whole (a later migration, or the
// refold, writes it again) and stops before that later write commits (a
// kill -9, a flat battery) leaves a store whose next Open writes the
// index: from schema 15, 0016 committed without its entries, and 0017,
// still to run, writes them; from 17 with another fold, 0018 committed
// without its step, and search_fold, still naming the other fold, makes
// the next Open refold. The stop is a trigger that refuses the later
// write, dropped before the next Open.
func TestUpgradeStoppedAfterALeftOutStepIsRepaired(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, before string
		index        func(testing.TB, execer, int64, app.Ticket)
		fold         string // search_fold's version, "" for none
		stop         string // the trigger that stops the upgrade
		stoppedAt    int    // the schema the stopped upgrade leaves; 0: all (the refold comes after them)
	}{
		{"schema 15, stopped before 0017", "0016_ticket_search_product.sql", indexTicketBefore0016, "",
			`CREATE TRIGGER stop BEFORE INSERT ON migrations WHEN NEW.name = '0017_ticket_search_fold.sql' BEGIN SELECT RAISE(ABORT, 'stopped'); END`, 16},
		{"schema 17, another fold, stopped before the refold", "0018_part_search_fold.sql", indexTicketBefore0017, "2",
			`CREATE TRIGGER stop BEFORE UPDATE ON search_fold BEGIN SELECT RAISE(ABORT, 'stopped'); END`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, tickets, parts, raw := upgradeFixture(t, tc.before, tc.index, tc.fold)
			rawExec(t, raw, tc.stop)
			if err := raw.Close(); err != nil {
				t.Fatal(err)
			}

			if db, err := Open(t.Context(), path, WithClock(fixedClock(genNow))); err == nil {
				db.Close()
				t.Fatal("the upgrade ended without reaching the write its stop refuses")
			}
			raw = rawDB(t, path)
			var version int
			want := cmp.Or(tc.stoppedAt, len(migrations()))
			if err := raw.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != want {
				t.Fatalf("the stopped upgrade left schema %d (%v), want %d: the step left out was not the one tested", version, err, want)
			}
			rawExec(t, raw, `DROP TRIGGER stop`)
			if err := raw.Close(); err != nil {
				t.Fatal(err)
			}

			db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
			checkUpgradedTicketSearch(t, db, tickets)
			for _, p := range []app.Part{parts[5], parts[200]} {
				if got, err := NewPartService(db).FindParts(t.Context(), app.PartFilter{Query: string(p.Number)}); err != nil || len(got) == 0 {
					t.Errorf("part %s not found by its number after the repair: %d parts, %v", p.Number, len(got), err)
				}
			}
		})
	}
}

// BenchmarkUpgradeFrom15 is a device's first Open after an upgrade from
// schema 15 (0016, 0017 and 0018 in one Open) at 10,000 tickets and
// 1,000 parts: each run opens a copy of the same file. It reports the
// CPU of the Open alone (the copy is not counted).
func BenchmarkUpgradeFrom15(b *testing.B) {
	src := filepath.Join(b.TempDir(), "schema15.db")
	raw := storeBefore(b, src, "0016_ticket_search_product.sql", listTickets(10_000), genParts(rand.New(rand.NewPCG(15, 15)), 1000), indexTicketBefore0016)
	if err := raw.Close(); err != nil {
		b.Fatal(err)
	}
	benchUpgradeOpen(b, src, nil)
}

// benchUpgradeOpen times, on each loop, opening a fresh copy of the
// store at src (its upgrade, when it is older), and reports the
// process's CPU per open beside the wall time. reports, when not nil,
// checks the number of progress reports (WithUpgradeProgress) of each
// open.
func benchUpgradeOpen(b *testing.B, src string, reports func(n int) error) {
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "fieldbench.db")
		if err := copyFile(src, path); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := processCPU()
		n := 0
		opts := []Option{WithClock(fixedClock(genNow))}
		if reports != nil {
			opts = append(opts, WithUpgradeProgress(func(app.StartProgress) { n++ }))
		}
		db, err := Open(context.Background(), path, opts...)
		if err != nil {
			b.Fatal(err)
		}
		cpu += processCPU() - start
		if reports != nil {
			if err := reports(n); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}
