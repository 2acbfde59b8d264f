package store

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// The benchmarks of issue 16: ticket search at 10,000 tickets with the
// page the terminal asks for, every ticket list the terminal shows at
// 100,000 tickets, and the growth of part search and ticket lists with
// the catalog (10k, 100k and, with -growth1m, 1M parts).

var growth1M = flag.Bool("growth1m", false, "BenchmarkGrowth also builds and measures a store of 1,000,000 parts (minutes)")

// uiPage is the page the terminal's ticket list asks for (ui's pageSize).
const uiPage = 200

// Growth stores: growthTickets tickets on every store, a quarter of them
// the counter's (growthCounter, a technician who holds many), the rest
// spread over field technicians such as growthField.
const (
	growthTickets = 100_000
	growthCounter = app.TechnicianID("tech-000")
	growthField   = app.TechnicianID("tech-001")
)

// growthStores are built once per size and run, in one temporary directory
// that TestMain removes.
var growthStores struct {
	mu      sync.Mutex
	dir     string
	paths   map[int]string
	parts   map[int][]app.Part
	tickets map[int][]app.TicketDetail
}

func cleanupGrowthStores() {
	if growthStores.dir != "" {
		os.RemoveAll(growthStores.dir)
	}
}

// growthStore returns the path of a store of nParts parts and
// growthTickets tickets, building it on first use, with its parts.
func growthStore(b *testing.B, nParts int) (string, []app.Part) {
	path, parts, _ := growthStoreTickets(b, nParts)
	return path, parts
}

// growthStoreTickets is growthStore with the store's tickets too.
func growthStoreTickets(b *testing.B, nParts int) (string, []app.Part, []app.TicketDetail) {
	b.Helper()
	g := &growthStores
	g.mu.Lock()
	defer g.mu.Unlock()
	if p, ok := g.paths[nParts]; ok {
		return p, g.parts[nParts], g.tickets[nParts]
	}
	if g.dir == "" {
		dir, err := os.MkdirTemp("", "fieldbench-growth-")
		if err != nil {
			b.Fatal(err)
		}
		g.dir, g.paths, g.parts, g.tickets = dir, map[int]string{}, map[int][]app.Part{}, map[int][]app.TicketDetail{}
	}
	path := filepath.Join(g.dir, fmt.Sprintf("parts-%d.db", nParts))
	start := time.Now()
	parts, tickets, err := buildGrowthStore(b.Context(), path, nParts)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "growth store: %d parts, %d tickets built in %v\n", nParts, growthTickets, time.Since(start).Round(time.Millisecond))
	g.paths[nParts], g.parts[nParts], g.tickets[nParts] = path, parts, tickets
	return path, parts, tickets
}

func buildGrowthStore(ctx context.Context, path string, nParts int) ([]app.Part, []app.TicketDetail, error) {
	db, err := Open(ctx, path, WithClock(fixedClock(genNow)))
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(5, uint64(nParts)))
	techs, locs := genTechnicians(benchTechs)
	if err := db.Load(ctx, app.Dataset{Technicians: techs, Locations: locs}); err != nil {
		return nil, nil, err
	}
	parts := genParts(r, nParts)
	for i := 0; i < len(parts); i += 10_000 {
		if err := db.Load(ctx, app.Dataset{Parts: parts[i:min(i+10_000, len(parts))]}); err != nil {
			return nil, nil, err
		}
	}
	tickets := genTickets(r, growthTickets, benchTechs, "g", parts)
	for i := range tickets {
		if i%4 == 0 {
			tickets[i].Ticket.Technician = growthCounter
		}
	}
	for i := 0; i < len(tickets); i += 5_000 {
		if err := db.Load(ctx, app.Dataset{Tickets: tickets[i:min(i+5_000, len(tickets))]}); err != nil {
			return nil, nil, err
		}
	}
	return parts, tickets, db.Optimize(ctx)
}

// listFilters are the lists the terminal's ticket list shows (ui's
// TicketList.Reload): each view in each order, for tech, and the search
// that lists every ticket.
func listFilters(tech app.TechnicianID) map[string]app.TicketFilter {
	out := map[string]app.TicketFilter{}
	for _, v := range []app.TicketView{app.ViewToday, app.ViewUpcoming, app.ViewWaitingParts, app.ViewDone} {
		for _, s := range []app.TicketSort{app.SortAppointment, app.SortSLA, app.SortPriority} {
			f := app.TicketFilter{View: v, Technician: tech, Now: genNow, Sort: s, Limit: uiPage}
			if v == app.ViewDone && s == app.SortAppointment {
				f.Sort = "" // done: most recent first, as the terminal asks
			}
			out[string(v)+"_"+string(s)] = f
		}
	}
	// A single letter typed in the search box narrows nothing: every
	// ticket of the technician, in appointment order.
	out["search_one_letter"] = app.TicketFilter{Technician: tech, Query: "s", Now: genNow, Limit: uiPage}
	return out
}

// benchFilters runs each filter set as a sub-benchmark and reports p50 and
// p95 over its filters, taken in turn: ListTickets, as the terminal's
// ticket list asks.
func benchFilters(b *testing.B, ts *TicketService, sets map[string][]app.TicketFilter) {
	for _, name := range sortedKeys(sets) {
		fs := sets[name]
		b.Run(name, func(b *testing.B) {
			ds := make([]time.Duration, 0, b.N)
			cpu := processCPU()
			for i := range b.N {
				start := time.Now()
				if _, err := ts.ListTickets(b.Context(), fs[i%len(fs)]); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(start))
			}
			reportCPU(b, cpu)
			reportPercentiles(b, ds)
		})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// BenchmarkTicketSearch is the terminal's ticket search on the 10,000-ticket
// store (target p95 <= 5 ms): the page the terminal shows, over a fixed set
// of queries per kind, across the device ("all") and as the terminal asks,
// within the technician's tickets ("mine").
func BenchmarkTicketSearch(b *testing.B) {
	db, err := Open(b.Context(), benchFixture(b), WithClock(fixedClock(genNow)))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchFilters(b, NewTicketService(db), searchSets(bench.tickets, map[string]app.TechnicianID{"mine": benchMe}))
}

// BenchmarkTicketSearch100k is BenchmarkTicketSearch on the store of
// BenchmarkTicketLists (100,000 tickets), the growth of the search:
// across the device, within the counter's 25,000 tickets and within a
// field technician's (about 1,500).
func BenchmarkTicketSearch100k(b *testing.B) {
	path, _, tickets := growthStoreTickets(b, 10_000)
	db, err := Open(b.Context(), path, WithClock(fixedClock(genNow)))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchFilters(b, NewTicketService(db), searchSets(tickets, map[string]app.TechnicianID{"counter": growthCounter, "field": growthField}))
}

// searchSets are the searches of the ticket search benchmarks, by kind:
// each kind's queries across the device ("all_" + kind) and within the
// tickets of each technician of mine (its key + "_" + kind). Phones,
// numbers and serials are those of the first 20 of tickets.
func searchSets(tickets []app.TicketDetail, mine map[string]app.TechnicianID) map[string][]app.TicketFilter {
	queries := map[string][]string{
		// About a tenth of the tickets each.
		"one_char_zh": {"王", "李", "张", "刘", "陈"},
		// A word in every ticket: every customer name, every number.
		"every_ticket": {"customer", "FB-2026", "fb"},
		"name_en":      {"Smith", "Müller", "garcia", "Rossi customer 12"},
		"name_zh":      {"王 customer 1", "陈 12"},
		// A brand or a model: the world's 8 brands take an eighth of the
		// tickets each, and each brand's tickets one model (genTickets).
		"brand":       {"Huawei", "samsung", "Midea", "dell"},
		"model":       {"Mate 51", "redmi note", "galaxy s", "KFR-LW"},
		"brand_short": {"hu", "ga", "de"}, // a 2-letter word: the short grams
	}
	for _, d := range tickets[:20] {
		t := d.Ticket
		digits := app.PhoneDigits(t.Customer.Phone)
		queries["phone"] = append(queries["phone"], t.Customer.Phone, digits[len(digits)-8:])
		queries["number"] = append(queries["number"], t.Number, t.Number[len(t.Number)-6:])
		queries["serial"] = append(queries["serial"], t.Product.Serial, strings.ToLower(t.Product.Serial[4:]))
	}
	sets := map[string][]app.TicketFilter{}
	for kind, qs := range queries {
		for _, q := range qs {
			sets["all_"+kind] = append(sets["all_"+kind], app.TicketFilter{Query: q, Now: genNow, Limit: uiPage})
			for who, tech := range mine {
				sets[who+"_"+kind] = append(sets[who+"_"+kind], app.TicketFilter{Query: q, Technician: tech, Now: genNow, Limit: uiPage})
			}
		}
	}
	return sets
}

// BenchmarkTicketLists is every list the terminal shows on a store of
// 100,000 tickets (target <= 2 ms): the counter's (25,000 tickets) and a
// field technician's (about 1,500).
func BenchmarkTicketLists(b *testing.B) {
	path, _ := growthStore(b, 10_000)
	db, err := Open(b.Context(), path, WithClock(fixedClock(genNow)))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	sets := map[string][]app.TicketFilter{}
	for who, tech := range map[string]app.TechnicianID{"counter": growthCounter, "field": growthField} {
		for name, f := range listFilters(tech) {
			sets[who+"_"+name] = []app.TicketFilter{f}
		}
	}
	benchFilters(b, NewTicketService(db), sets)
}

// BenchmarkGrowth measures part search and the ticket lists on stores of
// 10,000, 100,000 and (with -growth1m) 1,000,000 parts, each with 100,000
// tickets. Run it alone: go test -run '^$' -bench Growth -growth1m ./store/
func BenchmarkGrowth(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if *growth1M {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("parts=%s", sizeName(n)), func(b *testing.B) {
			path, parts := growthStore(b, n)
			db, err := Open(b.Context(), path, WithClock(fixedClock(genNow)))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ps := NewPartService(db)
			var prefixes []string
			for _, p := range parts[:200] {
				n := string(p.Number)
				prefixes = append(prefixes, strings.ToLower(n[:5+len(prefixes)%4]))
			}
			for _, tc := range []struct {
				name    string
				filters []app.PartFilter
			}{
				{"part_prefix", filters(prefixes, "")},
				{"part_words", filters([]string{"huawei battery", "samsung display", "haier pump", "dell keyboard", "black charger"}, "")},
				{"part_chinese", filters([]string{"电池", "主板", "华为", "压缩机", "屏幕总成", "华为 电池"}, "")},
				{"part_model_word", filters([]string{"电池", "battery", "display", "主板"}, "Mate 60")},
			} {
				b.Run(tc.name, func(b *testing.B) { benchPartFilters(b, ps, tc.filters, true) })
			}
			ts := NewTicketService(db)
			var all []app.TicketFilter
			for _, tech := range []app.TechnicianID{growthCounter, growthField} {
				for _, k := range sortedKeys(listFilters(tech)) {
					all = append(all, listFilters(tech)[k])
				}
			}
			benchFilters(b, ts, map[string][]app.TicketFilter{"ticket_lists": all})
		})
	}
}

func sizeName(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprint(n/1_000_000, "M")
	case n >= 1_000 && n%1_000 == 0:
		return fmt.Sprint(n/1_000, "k")
	}
	return fmt.Sprint(n)
}

// reportCPU adds the process's CPU time per operation since start: on a
// machine shared with other work the wall clock also counts the time the
// benchmark waited for a core, the CPU time does not.
func reportCPU(b *testing.B, start time.Duration) {
	if start > 0 {
		b.ReportMetric(float64((processCPU()-start).Microseconds())/float64(b.N), "cpu-µs/op")
	}
}

// BenchmarkMigrate0012 is the upgrade of a store by migration
// 0012_ticket_search_technician: the ticket search index emptied and
// rebuilt from the ticket rows, in one write transaction, on the store of
// BenchmarkTicketSearch (10,000 tickets) and of BenchmarkTicketLists
// (100,000). Each run leaves the index as the migration does, which on
// today's schema is without brand and model: BenchmarkMigrate0016, after
// it in this file, writes them again.
func BenchmarkMigrate0012(b *testing.B) { benchMigration(b, "0012_ticket_search_technician.sql") }

// benchMigration runs the migration named file again, its SQL and its Go
// step in one write transaction, on a store of 10,000 and of 100,000
// tickets, and reports its CPU.
func benchMigration(b *testing.B, file string) {
	i := slices.IndexFunc(migrations(), func(m migration) bool { return m.name == file })
	if i < 0 {
		b.Fatalf("no migration %s", file)
	}
	step := migrations()[i]
	benchTx(b, func(ctx context.Context, tx *sql.Tx, report *upgradeReport) error {
		if _, err := tx.ExecContext(ctx, step.sql); err != nil {
			return err
		}
		return step.after(ctx, tx, report)
	})
}

// benchTx runs fn in one write transaction, again and again, on a store
// of 10,000 and of 100,000 tickets, and reports its CPU.
func benchTx(b *testing.B, fn func(context.Context, *sql.Tx, *upgradeReport) error) {
	for _, tc := range []struct {
		name string
		path func(b *testing.B) string
	}{
		{"tickets=10k", benchFixture},
		{"tickets=100k", func(b *testing.B) string { p, _ := growthStore(b, 10_000); return p }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			db, err := Open(b.Context(), tc.path(b), WithClock(fixedClock(genNow)))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			cpu := processCPU()
			for b.Loop() {
				err := db.writeTx(b.Context(), func(tx *sql.Tx) error { return fn(b.Context(), tx, nil) })
				if err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkMigrate0016 is the upgrade of a store by migration
// 0016_ticket_search_product: the ticket search index made again with
// brand and model columns and rebuilt from the ticket rows, in one write
// transaction, on the stores of BenchmarkMigrate0012. Each run leaves
// the index as the migration does.
func BenchmarkMigrate0016(b *testing.B) { benchMigration(b, "0016_ticket_search_product.sql") }

// BenchmarkRefoldTicketSearch is the upgrade of a store by migration
// 0017_ticket_search_fold, and what Open does when the app folds
// otherwise than the store's search (refoldTicketSearch): every row's
// phone digits made again, the ticket search index emptied and rebuilt
// folded, in one write transaction, on the stores of
// BenchmarkMigrate0012. (0017's SQL only makes the table of the fold's
// version.)
func BenchmarkRefoldTicketSearch(b *testing.B) { benchTx(b, refoldTicketSearch) }

// BenchmarkRefoldPartSearch is migration 0018_part_search_fold's step,
// and the part half of what Open does when the app folds otherwise than
// the store's searches (refoldPartSearch): every part's entry written
// again, folded, and the index merged, on benchTx's stores (100,000
// parts with the 10,000 tickets, 10,000 with the 100,000).
func BenchmarkRefoldPartSearch(b *testing.B) { benchTx(b, refoldPartSearch) }

// BenchmarkMigrate0014 is the upgrade of a store by migration
// 0014_facts_without_rowid: its notes, repair entries and parts used
// copied into their WITHOUT ROWID tables, in one write transaction, on the
// store of BenchmarkTicketSearch (10,000 tickets). Each run rebuilds the
// tables as the migration does.
func BenchmarkMigrate0014(b *testing.B) {
	db, err := Open(b.Context(), benchFixture(b), WithClock(fixedClock(genNow)))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	step := migrations()[13]
	if step.name != "0014_facts_without_rowid.sql" {
		b.Fatalf("migration 14 is %s", step.name)
	}
	var facts int
	if err := db.read.QueryRowContext(b.Context(), `SELECT (SELECT count(*) FROM notes) + (SELECT count(*) FROM repairs) + (SELECT count(*) FROM parts_used)`).Scan(&facts); err != nil {
		b.Fatal(err)
	}
	cpu := processCPU()
	for b.Loop() {
		err := db.writeTx(b.Context(), func(tx *sql.Tx) error {
			_, err := tx.ExecContext(b.Context(), step.sql)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(facts), "facts")
}
