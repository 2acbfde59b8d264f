package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// BenchmarkLoadLocks is the cost, on PostgreSQL, of the locks a dataset
// load takes before the version (loadLocks): an import of 10,000
// tickets and 10,000 parts, whole ("load"), and its lock statements
// alone ("locks", in a transaction rolled back), once into a tenant that
// has none of them (the statements find nothing to lock) and once again
// over the same records (they lock 20,000 rows); and the locks as a
// prepared statement's generic plan runs them ("locks-generic"), as
// every load past the fifth did before loadLocks.take asked for plans
// made for the arguments. The load without its locks costs about
// "load" less "locks": docs/BENCHMARKS.md.
func BenchmarkLoadLocks(b *testing.B) {
	const n = 10000
	ctx := context.Background()
	db, err := OpenDB(ctx, Config{DataDir: b.TempDir(), Postgres: pgtest.ForTest(b),
		Clock: app.ClockFunc(func() time.Time { return testNow })})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-a", Name: "A", Country: "CN", Van: "van-a"}},
		Locations:   []app.Location{{ID: "van-a", Kind: app.LocationVan, Name: "Van A", Owner: "tech-a"}},
	}
	for i := range n {
		ds.Parts = append(ds.Parts, app.Part{Number: app.PartNumber(fmt.Sprintf("P-%05d", i)), NameEN: fmt.Sprint("Part ", i), Class: app.ClassMain, Models: []string{"P60"}})
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(fmt.Sprintf("tk-%05d", i)), Number: fmt.Sprintf("FB-%05d", i),
			Kind: app.KindCarryIn, Country: "CN", Product: app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
			Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0000", Address: "1 Road"}, Priority: app.PriorityNormal,
			Technician: "tech-a", Epoch: 1, Status: app.StatusAssigned, CreatedAt: testNow.Add(-time.Hour), UpdatedAt: testNow.Add(-time.Hour)}})
	}
	// locks takes the load's locks as loadTx does; generic, without
	// asking for plans made for their arguments (as before take).
	locks := func(tenant string, generic bool) error {
		rolledBack := errors.New("rolled back")
		err := db.pgTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			l := loadLocksOf(tenant, ds)
			take := l.take
			if generic {
				take = l.lock
			}
			if err := take(ctx, db, tx, tenant); err != nil {
				return err
			}
			return rolledBack
		})
		if !errors.Is(err, rolledBack) {
			return err
		}
		return nil
	}
	tenants := 0
	fresh := func() string { tenants++; return fmt.Sprint("bench-", tenants) }
	b.Run("first/locks", func(b *testing.B) {
		for b.Loop() {
			if err := locks(fresh(), false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("first/load", func(b *testing.B) {
		for b.Loop() {
			if err := db.LoadDataset(ctx, fresh(), ds); err != nil {
				b.Fatal(err)
			}
		}
	})
	const again = "bench-again"
	if err := db.LoadDataset(ctx, again, ds); err != nil {
		b.Fatal(err)
	}
	b.Run("again/locks", func(b *testing.B) {
		for b.Loop() {
			if err := locks(again, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The driver prepares each statement, and PostgreSQL plans a
	// prepared statement's sixth run and later generically, unless told.
	b.Run("again/locks-generic", func(b *testing.B) {
		for range 5 {
			if err := locks(again, true); err != nil {
				b.Fatal(err)
			}
		}
		for b.Loop() {
			if err := locks(again, true); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("again/load", func(b *testing.B) {
		for b.Loop() {
			if err := db.LoadDataset(ctx, again, ds); err != nil {
				b.Fatal(err)
			}
		}
	})
}
