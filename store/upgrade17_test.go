package store

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// BenchmarkUpgradeFrom17 is a device's first Open after an upgrade from
// schema 17 at 100,000 parts: 0018 to 0023 in one Open, of which 0023
// writes the part search whole (0018's and 0019's steps are left out
// before it, migrate), each part's number and names folded. Each run
// opens a copy of the same file; it reports the CPU of the Open alone
// (the copy is not counted). docs/BENCHMARKS.md.
func BenchmarkUpgradeFrom17(b *testing.B) {
	src := filepath.Join(b.TempDir(), "schema17.db")
	raw := storeBefore(b, src, "0018_part_search_fold.sql", nil, genParts(rand.New(rand.NewPCG(17, 17)), 100_000),
		func(testing.TB, execer, int64, app.Ticket) {})
	if err := raw.Close(); err != nil {
		b.Fatal(err)
	}
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

// TestRefoldLeavesAutomergeOn: writing a search whole turns FTS5's
// automerge off (rebuildSearchWith) and on again before its
// transaction commits, so the entries later saves write are merged as
// they come, as before.
func TestRefoldLeavesAutomergeOn(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "fieldbench.db"), WithClock(fixedClock(genNow)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, c := range []struct {
		fts  string
		step func(context.Context, *sql.Tx) error
	}{{"parts_fts", refoldPartSearch}, {"tickets_fts", refoldTicketSearch}} {
		if err := db.writeTx(ctx, func(tx *sql.Tx) error { return c.step(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		var v int
		if err := db.read.QueryRowContext(ctx, `SELECT v FROM `+c.fts+`_config WHERE k = 'automerge'`).Scan(&v); err != nil {
			t.Fatalf("%s: automerge not set: %v", c.fts, err)
		}
		if v != 4 {
			t.Errorf("%s: automerge %d after a refold, want FTS5's 4", c.fts, v)
		}
	}
}
