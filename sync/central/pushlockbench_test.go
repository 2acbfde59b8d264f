package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// BenchmarkPushLocks is the cost, on PostgreSQL, of a push's ticket
// locks and of the push, on a tenant of 10,000 tickets (and of 100, for
// the push): batches of 10 mutations on 10 tickets. "locks" is the
// statement a push sends to lock its tickets (lockTickets), for a batch
// of notes ("share", qTicketsShare) or one that saves its tickets
// ("update", qTicketsLock), in a transaction rolled back; "push" a
// whole push of 10 notes through Push. Each runs more than five times
// first on every connection (the driver prepares the statements, and
// PostgreSQL plans a prepared statement's sixth run and later
// generically when that looks no dearer), "generic" as a push runs,
// "custom" with qCustomPlans, as a load runs (loadLocks.take). Each runs right after the load ("unanalyzed": no
// statistics on the table yet) and after ANALYZE, as autovacuum runs it
// within a minute or so of a load: docs/BENCHMARKS.md.
func BenchmarkPushLocks(b *testing.B) {
	for _, n := range []int{10000, 100} {
		benchPushLocks(b, n)
	}
}

func benchPushLocks(b *testing.B, n int) {
	const batch = 10
	ctx := context.Background()
	db, err := OpenDB(ctx, Config{DataDir: b.TempDir(), Postgres: pgtest.ForTest(b),
		Clock: app.ClockFunc(func() time.Time { return testNow })})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// "unanalyzed" is the load as it was before it analyzed its tables
	// (analyzeLoad): the minute before autovacuum's first ANALYZE.
	db.noLoadAnalyze = true
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-a", Name: "A", Country: "CN", Van: "van-a"}},
		Locations:   []app.Location{{ID: "van-a", Kind: app.LocationVan, Name: "Van A", Owner: "tech-a"}},
	}
	for i := range n {
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(fmt.Sprintf("tk-%05d", i)), Number: fmt.Sprintf("FB-%05d", i),
			Kind: app.KindCarryIn, Country: "CN", Product: app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
			Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0000", Address: "1 Road"}, Priority: app.PriorityNormal,
			Technician: "tech-a", Epoch: 1, Status: app.StatusAssigned, CreatedAt: testNow.Add(-time.Hour), UpdatedAt: testNow.Add(-time.Hour)}})
	}
	// Autovacuum would analyze the table during the load or the run.
	if _, err := db.write.ExecContext(ctx, `ALTER TABLE entities SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)`); err != nil {
		b.Fatal(err)
	}
	if err := db.LoadDataset(ctx, tenant, ds); err != nil {
		b.Fatal(err)
	}
	// ticketsOf is the k-th batch's tickets, spread over the tenant.
	ticketsOf := func(k int) []app.TicketID {
		ids := make([]app.TicketID, batch)
		for j := range ids {
			ids[j] = ds.Tickets[(k*batch+j*(n/batch))%n].Ticket.ID
		}
		return ids
	}
	// locks locks the k-th batch's tickets as a push does.
	locks := func(k int, share, custom bool) error {
		rolledBack := errors.New("rolled back")
		err := db.pgTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if custom {
				if _, err := tx.ExecContext(ctx, qCustomPlans); err != nil {
					return err
				}
			}
			st := &serverTx{db: db, tx: tx, tenant: tenant, take: func(context.Context) (int64, error) { return 0, nil }, shareTickets: share}
			for _, id := range ticketsOf(k) {
				st.willLockTicket(id)
			}
			if err := st.lockTickets(ctx); err != nil {
				return err
			}
			if len(st.tickets) != batch {
				return fmt.Errorf("locked %d tickets, want %d", len(st.tickets), batch)
			}
			return rolledBack
		})
		if !errors.Is(err, rolledBack) {
			return err
		}
		return nil
	}
	push := pushNotes(b, db, "tech-a", ticketsOf)
	// run runs do more than five times on every connection of the
	// pool, then measures it.
	run := func(b *testing.B, do func(k int) error) {
		k := 0
		for range 40 {
			k++
			if err := do(k); err != nil {
				b.Fatal(err)
			}
		}
		for b.Loop() {
			k++
			if err := do(k); err != nil {
				b.Fatal(err)
			}
		}
	}
	plans := []struct {
		name   string
		custom bool
	}{{"generic", false}, {"custom", true}}
	for _, analyzed := range []bool{false, true} {
		stats := "unanalyzed"
		if analyzed {
			stats = "analyzed"
			if _, err := db.write.ExecContext(ctx, `ANALYZE entities`); err != nil {
				b.Fatal(err)
			}
		}
		for _, plan := range plans {
			name := fmt.Sprintf("tickets=%d/%s/push/%s", n, stats, plan.name)
			b.Run(name, func(b *testing.B) {
				customPushPlans(b, db, plan.custom)
				defer customPushPlans(b, db, false)
				run(b, func(int) error { return push() })
			})
		}
		if n < 10000 {
			continue
		}
		for _, kind := range []struct {
			name  string
			share bool
		}{{"share", true}, {"update", false}} {
			for _, plan := range plans {
				name := fmt.Sprintf("tickets=%d/%s/locks/%s/%s", n, stats, kind.name, plan.name)
				b.Run(name, func(b *testing.B) {
					run(b, func(k int) error { return locks(k, kind.share, plan.custom) })
				})
			}
		}
	}
}

// customPushPlans has every statement of the pushes after it planned
// for its arguments, as qCustomPlans in their transactions would (or
// not): the database's default for new connections, and the pool's
// idle connections closed. (It saves the SET's round trip per push.)
func customPushPlans(b *testing.B, db *DB, on bool) {
	ctx := context.Background()
	var name string
	if err := db.write.QueryRowContext(ctx, `SELECT current_database()`).Scan(&name); err != nil {
		b.Fatal(err)
	}
	q := `ALTER DATABASE ` + pgx.Identifier{name}.Sanitize() + ` RESET plan_cache_mode`
	if on {
		q = `ALTER DATABASE ` + pgx.Identifier{name}.Sanitize() + ` SET plan_cache_mode = force_custom_plan`
	}
	if _, err := db.write.ExecContext(ctx, q); err != nil {
		b.Fatal(err)
	}
	db.write.SetMaxIdleConns(0)
	db.write.SetMaxIdleConns(pgConns)
	var mode string
	if err := db.write.QueryRowContext(ctx, `SHOW plan_cache_mode`).Scan(&mode); err != nil {
		b.Fatal(err)
	}
	if want := map[bool]string{true: "force_custom_plan", false: "auto"}[on]; mode != want {
		b.Fatalf("plan_cache_mode %s, want %s", mode, want)
	}
}

// pushNotes returns a push of one note on each of the k-th batch's
// tickets, the next k each time, by a device of technician tech.
func pushNotes(b *testing.B, db *DB, tech app.TechnicianID, ticketsOf func(k int) []app.TicketID) func() error {
	ctx := context.Background()
	code, _, err := db.CreatePairing(ctx, tenant, tech)
	if err != nil {
		b.Fatal(err)
	}
	_, tok, err := db.Pair(ctx, code, "tablet")
	if err != nil {
		b.Fatal(err)
	}
	p, err := db.Authenticate(ctx, tok)
	if err != nil {
		b.Fatal(err)
	}
	seq, k := int64(0), 0
	return func() error {
		k++
		var muts []app.Mutation
		for _, id := range ticketsOf(k) {
			seq++
			m, err := app.NewMutation(&app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: id, Text: "Customer asked for an update"}}, testNow)
			if err != nil {
				return err
			}
			m.Seq = seq
			muts = append(muts, m)
		}
		res, err := db.Push(ctx, p, muts)
		if err == nil && (res.Acked != seq || len(res.Rejected) != 0) {
			err = fmt.Errorf("pushed up to %d: %+v", seq, res)
		}
		return err
	}
}
