package store

import (
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

// storeBefore0016 writes at path a store as the code of schema 15 left
// it: tickets, their search entries without brand and model, and parts
// with their entries as the code before 0018 wrote them.
func storeBefore0016(tb testing.TB, path string, tickets []app.Ticket, parts []app.Part) {
	tb.Helper()
	raw := rawDBBefore(tb, path, "0016_ticket_search_product.sql")
	saveTicketsIndexed(tb, raw, tickets, func(tx *sql.Tx, rid int64, tk app.Ticket) error {
		indexTicketBefore0016(tb, tx, rid, tk)
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
	if err := raw.Close(); err != nil {
		tb.Fatal(err)
	}
}

// TestUpgradeFrom15WritesEachSearchOnce: a device upgrading from schema
// 15 runs 0016 (the ticket search made again with brand and model), 0017
// (the ticket search folded) and 0018 (the part search folded) in one
// Open; each index is written once, each entry once, not the ticket
// search twice (by 0016 and again by 0017). The entries are the ones
// this code writes, brand and model and folds included.
func TestUpgradeFrom15WritesEachSearchOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	tickets := listTickets(rebuildBatch + 250)
	tickets[7].Customer.Name, tickets[8].Product.Brand = "Søren Straße", "LG"
	parts := genParts(rand.New(rand.NewPCG(15, 15)), 300)
	storeBefore0016(t, path, tickets, parts)

	written := watchSearchWrites(t, path)
	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	if n := written.tickets.Load(); n != int64(len(tickets)) {
		t.Errorf("the upgrade wrote %d ticket search entries for %d tickets, want each once", n, len(tickets))
	}
	if n := written.parts.Load(); n != int64(len(parts)) {
		t.Errorf("the upgrade wrote %d part search entries for %d parts, want each once", n, len(parts))
	}
	checkTicketSearchIndex(t, db)
	ts := NewTicketService(db)
	for q, want := range map[string]app.TicketID{"strasse": tickets[7].ID, "lg": tickets[8].ID} {
		got, total, err := ts.FindTickets(t.Context(), app.TicketFilter{Query: q, Now: genNow, Limit: maxTicketLimit})
		if err != nil || total != 1 || len(got) != 1 || got[0].ID != want {
			t.Errorf("%q: %d tickets (total %d, %v), want %s alone", q, len(got), total, err, want)
		}
	}
	searchesAsReference(t, db, tickets, []app.TechnicianID{"", "tech-000", "nobody"}, "customer", "lg", "strasse")

	written.tickets.Store(0)
	written.parts.Store(0)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	if n, m := written.tickets.Load(), written.parts.Load(); n != 0 || m != 0 {
		t.Errorf("a second open wrote %d ticket and %d part search entries, want none", n, m)
	}
}

// BenchmarkUpgradeFrom15 is a device's first Open after an upgrade from
// schema 15 (0016, 0017 and 0018 in one Open) at 10,000 tickets and
// 1,000 parts: each run opens a copy of the same file. It reports the
// CPU of the Open alone (the copy is not counted).
func BenchmarkUpgradeFrom15(b *testing.B) {
	src := filepath.Join(b.TempDir(), "schema15.db")
	storeBefore0016(b, src, listTickets(10_000), genParts(rand.New(rand.NewPCG(15, 15)), 1000))
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "fieldbench.db")
		if err := copyFile(src, path); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := processCPU()
		db, err := Open(context.Background(), path, WithClock(fixedClock(genNow)))
		if err != nil {
			b.Fatal(err)
		}
		cpu += processCPU() - start
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}
