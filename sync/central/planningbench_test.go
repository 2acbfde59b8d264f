package central

import (
	"context"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// BenchmarkPlanning runs the planning reads on the heavy demo world (the
// default world with 10,000 tickets): RefreshLikelyParts once all lists
// are written (a run that retrains and finds nothing changed; the first
// run's time, which writes every list, is logged), StockLevels and
// DormantStock for the whole tenant.
func BenchmarkPlanning(b *testing.B) {
	size := demo.Default
	size.Tickets = 10_000
	ds := demo.Generate(1, size, testNow)
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			ctx := context.Background()
			cfg := Config{DataDir: b.TempDir(), Clock: app.ClockFunc(func() time.Time { return testNow })}
			if backend == "postgres" {
				cfg.Postgres = pgtest.ForTest(b)
			}
			db, err := OpenDB(ctx, cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if err := db.LoadDataset(ctx, tenant, ds); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			st, err := db.RefreshLikelyParts(ctx, tenant, testNow)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("first RefreshLikelyParts: %+v in %v", st, time.Since(start).Round(time.Millisecond))
			b.Run("RefreshLikelyParts", func(b *testing.B) {
				for b.Loop() {
					st, err := db.RefreshLikelyParts(ctx, tenant, testNow)
					if err != nil {
						b.Fatal(err)
					}
					if st.Written != 0 || st.Open == 0 {
						b.Fatalf("steady run %+v: wrote lists, or found no open ticket", st)
					}
					b.ReportMetric(float64(st.Cases), "cases")
					b.ReportMetric(float64(st.Open), "open")
				}
			})
			b.Run("StockLevels", func(b *testing.B) {
				for b.Loop() {
					l, err := db.StockLevels(ctx, tenant, "", testNow)
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(len(l)), "levels")
				}
			})
			b.Run("DormantStock", func(b *testing.B) {
				for b.Loop() {
					d, err := db.DormantStock(ctx, tenant, "", testNow)
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(len(d)), "dormant")
				}
			})
		})
	}
}
