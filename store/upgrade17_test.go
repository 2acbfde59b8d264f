package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// BenchmarkUpgradeFrom17 is a device's first Open after an upgrade from
// schema 17 at 100,000 parts: 0018 to 0023 in one Open, of which 0023
// writes the part search whole (0018's and 0019's steps are left out
// before it, migrate), each part's number and names folded. Each run
// opens a copy of the same file; it reports the CPU of the Open alone
// (the copy is not counted). The Open hears the upgrade's progress, as
// the device's does (WithUpgradeProgress). docs/BENCHMARKS.md.
func BenchmarkUpgradeFrom17(b *testing.B) {
	src := filepath.Join(b.TempDir(), "schema17.db")
	raw := storeBefore(b, src, "0018_part_search_fold.sql", nil, genParts(rand.New(rand.NewPCG(17, 17)), 100_000),
		func(testing.TB, execer, int64, app.Ticket) {})
	if err := raw.Close(); err != nil {
		b.Fatal(err)
	}
	benchUpgradeOpen(b, src, func(n int) error {
		if n == 0 {
			return fmt.Errorf("the upgrade reported no progress")
		}
		return nil
	})
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
		step func(context.Context, *sql.Tx, *upgradeReport) error
	}{{"parts_fts", refoldPartSearch}, {"tickets_fts", refoldTicketSearch}} {
		if err := db.writeTx(ctx, func(tx *sql.Tx) error { return c.step(ctx, tx, nil) }); err != nil {
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

// TestUpgradeReportsProgress: an upgrade from schema 17 reports the part
// search's rewrite (WithUpgradeProgress) from 0 up to every part, never
// going back, and, bounded by upgradeReportEvery, not once a batch: with
// no bound, once a batch exactly.
func TestUpgradeReportsProgress(t *testing.T) {
	const parts = 4*rebuildBatch + 500
	src := filepath.Join(t.TempDir(), "schema17.db")
	raw := storeBefore(t, src, "0018_part_search_fold.sql", nil, genParts(rand.New(rand.NewPCG(17, 17)), parts),
		func(testing.TB, execer, int64, app.Ticket) {})
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		every time.Duration
		want  []int // the parts' reports; nil: only bounds checked
	}{
		{"every batch", 0, []int{0, 1000, 2000, 3000, 4000, parts}},
		{"bounded", time.Hour, []int{0, parts}},
		{"default", upgradeReportEvery, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(every time.Duration) { upgradeReportEvery = every }(upgradeReportEvery)
			upgradeReportEvery = tc.every
			path := filepath.Join(t.TempDir(), "fieldbench.db")
			if err := copyFile(src, path); err != nil {
				t.Fatal(err)
			}
			var got []int
			mustOpenMigrated(t, path, WithClock(fixedClock(genNow)), WithUpgradeProgress(func(p app.StartProgress) {
				if p.Step != app.StartUpgrading {
					t.Errorf("report %+v, want step StartUpgrading", p)
				}
				if p.Of != app.RowsParts {
					return // the tickets' rewrite: none here
				}
				if p.Total != parts {
					t.Errorf("report %+v: total %d, want %d", p, p.Total, parts)
				}
				got = append(got, p.Rows)
			}))
			if tc.want != nil && !slices.Equal(got, tc.want) {
				t.Fatalf("parts reported %v, want %v", got, tc.want)
			}
			if len(got) < 2 || got[0] != 0 || got[len(got)-1] != parts || len(got) > parts/rebuildBatch+2 || !slices.IsSorted(got) {
				t.Errorf("parts reported %v: want from 0 rising to %d, at most once a batch", got, parts)
			}
		})
	}
}

// TestUpgradeKill9: a device killed (SIGKILL) while Open rewrites the
// part search of a store of schema 17, twice, loses nothing: each
// migration is one transaction (migrate), so the next Open starts the
// rewrite again and ends with every part and ticket found.
func TestUpgradeKill9(t *testing.T) {
	const n = 30_000 // a rewrite of a second or more: reports between its ends
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	tickets := listTickets(rebuildBatch + 250)
	tickets[7].Customer.Name, tickets[8].Product.Brand = "Søren Straße", "LG"
	parts := genParts(rand.New(rand.NewPCG(17, 17)), n)
	raw := storeBefore(t, path, "0018_part_search_fold.sql", tickets, parts, indexTicketBefore0017)
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		c := startChild(t, "upgrade", path)
		for killed := false; !killed; {
			line, err := c.out.ReadString('\n')
			if err != nil {
				t.Fatalf("round %d: child stopped: %v", round, err)
			}
			var of string
			var rows, total int
			if _, err := fmt.Sscan(line, &of, &rows, &total); err != nil {
				t.Fatalf("round %d: the child finished the upgrade before a report mid-rewrite (%q)", round, line)
			}
			if of == string(app.RowsParts) && rows > 0 && rows < total {
				c.kill(t) // mid-rewrite: the child goes on writing meanwhile
				killed = true
			}
		}
	}
	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)), WithFullCheck())
	var count int
	if err := db.read.QueryRow(`SELECT count(*) FROM parts`).Scan(&count); err != nil || count != n {
		t.Fatalf("%d parts after the kills (%v), want %d", count, err, n)
	}
	ps := NewPartService(db)
	for _, i := range []int{0, n / 2, n - 1} {
		if got, err := ps.FindParts(t.Context(), app.PartFilter{Query: string(parts[i].Number)}); err != nil || !slices.ContainsFunc(got, func(p app.Part) bool { return p.Number == parts[i].Number }) {
			t.Errorf("part %s not found by its number after the kills: %d parts, %v", parts[i].Number, len(got), err)
		}
		// A name is found through the part search alone.
		if got, err := ps.FindParts(t.Context(), app.PartFilter{Query: parts[i].NameEN}); err != nil || len(got) == 0 {
			t.Errorf("no part found by the name %q after the kills: %v", parts[i].NameEN, err)
		}
	}
	checkUpgradedTicketSearch(t, db, tickets)
}
