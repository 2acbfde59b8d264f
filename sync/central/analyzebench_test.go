package central

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// BenchmarkPushAfterLoad is the cost of the first pushes right after a
// tenant's first load of 10,000 tickets (LoadDataset, as the demo world
// and a tenant's first load go): pushes of 10 notes on 10 tickets spread
// over the tenant, none run before (no warm-up: the first pushes are
// what is measured, -benchtime 100x). "before" leaves the load's tables
// unanalyzed, as the service did (noLoadAnalyze), "after" lets the load
// analyze them (analyzeLoad). On PostgreSQL autovacuum is off for the
// load's tables, so "before" is the minute or more before its first
// ANALYZE; SQLite never analyzes unless asked. load-s is the load's
// wall time, with its ANALYZE in "after". docs/BENCHMARKS.md.
func BenchmarkPushAfterLoad(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, analyze := range []bool{false, true} {
			name := map[bool]string{false: "before", true: "after"}[analyze]
			b.Run(fmt.Sprintf("%s/tickets=10000/%s", backend, name), func(b *testing.B) {
				db, ds, load := loadedForBench(b, backend, 10000, !analyze)
				push := pushNotes(b, db, "tech-a", spreadBatch(ds, 10))
				for b.Loop() {
					if err := push(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(load.Seconds(), "load-s")
			})
		}
	}
}

// BenchmarkLoadAnalyze is what a load's ANALYZE costs (analyzeTables,
// as analyzeLoad runs it) after a first load of 10,000 and of 100,000
// tickets, on each database: every table the load wrote, each run.
func BenchmarkLoadAnalyze(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, n := range []int{10000, 100000} {
			b.Run(fmt.Sprintf("%s/tickets=%d", backend, n), func(b *testing.B) {
				db, ds, load := loadedForBench(b, backend, n, true)
				tables := loadTables(ds)
				for b.Loop() {
					got, err := db.analyzeTables(context.Background(), ds.Rows(), tables)
					if err != nil || len(got) != len(tables) {
						b.Fatalf("analyzed %v of %v: %v", got, tables, err)
					}
				}
				b.ReportMetric(load.Seconds(), "load-s")
			})
		}
	}
}

// loadedForBench opens a database of backend and loads n tickets of one
// technician into it, the load analyzing its tables unless noAnalyze;
// it returns the load's wall time too (reported as load-s after the
// loop: b.Loop's start drops metrics reported before it).
func loadedForBench(b *testing.B, backend string, n int, noAnalyze bool) (*DB, app.Dataset, time.Duration) {
	b.Helper()
	ctx := context.Background()
	db := openBenchDB(b, backend)
	b.Cleanup(func() { db.Close() })
	db.noLoadAnalyze = noAnalyze
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-a", Name: "A", Country: "CN", Van: "van-a"}},
		Locations:   []app.Location{{ID: "van-a", Kind: app.LocationVan, Name: "Van A", Owner: "tech-a"}},
	}
	for i := range n {
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(fmt.Sprintf("tk-%06d", i)), Number: fmt.Sprintf("FB-%06d", i),
			Kind: app.KindCarryIn, Country: "CN", Product: app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
			Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0000", Address: "1 Road"}, Priority: app.PriorityNormal,
			Technician: "tech-a", Epoch: 1, Status: app.StatusAssigned, CreatedAt: testNow.Add(-time.Hour), UpdatedAt: testNow.Add(-time.Hour)}})
	}
	if backend == "postgres" {
		// Autovacuum would analyze the tables during the load or the run.
		for _, t := range loadTables(ds) {
			if _, err := db.write.ExecContext(ctx, `ALTER TABLE `+t+` SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)`); err != nil {
				b.Fatal(err)
			}
		}
	}
	start := time.Now()
	if err := db.LoadDataset(ctx, tenant, ds); err != nil {
		b.Fatal(err)
	}
	return db, ds, time.Since(start)
}

// spreadBatch is the k-th batch of size tickets of ds, spread over them.
func spreadBatch(ds app.Dataset, size int) func(k int) []app.TicketID {
	n := len(ds.Tickets)
	return func(k int) []app.TicketID {
		ids := make([]app.TicketID, size)
		for j := range ids {
			ids[j] = ds.Tickets[(k*size+j*(n/size))%n].Ticket.ID
		}
		return ids
	}
}
