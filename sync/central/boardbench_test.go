package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// BenchmarkBoard reads the board of a tenant with 10,000 open tickets
// spread over 500 technicians and 20,000 closed ones: the first page of
// 200 open tickets with its counts, and a search by phone digits.
func BenchmarkBoard(b *testing.B) {
	const open, closed, techs = 10_000, 20_000, 500
	for _, backend := range []string{"sqlite", "postgres"} {
		db := openBenchDB(b, backend)
		seedBoard(b, db, open, closed, techs)
		for _, tc := range []struct {
			name string
			q    BoardQuery
			want int
		}{
			{"first-page", BoardQuery{Tenant: tenant, Open: true}, open},
			// 1 in 1,000 phones holds "7777" (seedBoard).
			{"phone-search", BoardQuery{Tenant: tenant, Search: "77 77"}, (open + closed) / 1000},
		} {
			b.Run(backend+"/"+tc.name, func(b *testing.B) {
				var size int
				for b.Loop() {
					page, err := db.Board(b.Context(), tc.q)
					if err != nil {
						b.Fatal(err)
					}
					if page.Total != tc.want {
						b.Fatalf("total %d, want %d", page.Total, tc.want)
					}
					j, _ := json.Marshal(page)
					size = len(j)
				}
				b.ReportMetric(float64(size), "json-bytes")
			})
		}
		db.Close()
	}
}

// seedBoard loads techs technicians and open+closed tickets in one
// dataset (the bulk path). Ticket i's phone holds "7777" when i is a
// multiple of 1,000, and never otherwise.
func seedBoard(tb testing.TB, db *DB, open, closed, techs int) {
	tb.Helper()
	var ds app.Dataset
	for i := range techs {
		ds.Technicians = append(ds.Technicians, app.Technician{ID: app.TechnicianID(fmt.Sprintf("tech-%03d", i)), Name: fmt.Sprintf("Technician %03d", i), Country: "CN"})
	}
	for i := range open + closed {
		status := app.StatusAssigned
		if i >= open {
			status = app.StatusClosed
		}
		// No digit 7 but in the chosen phones.
		phone := "+86 138 " + strings.ReplaceAll(fmt.Sprintf("%08d", i), "7", "8")
		if i%1000 == 0 {
			phone = fmt.Sprintf("+86 139 7777 %04d", i/1000)
		}
		tk := boardTicket(fmt.Sprintf("FB-%06d", i), status, app.TechnicianID(fmt.Sprintf("tech-%03d", i%techs)), "",
			time.Duration(i%(14*24))*time.Hour-48*time.Hour, time.Duration(i%(7*24))*time.Hour, fmt.Sprintf("Customer %d", i), phone, fmt.Sprintf("SN%08d", i))
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
	}
	// At most seedLoad tickets a load: one load of 300,000 passed its
	// deadline on PostgreSQL on a loaded machine.
	const seedLoad = 50_000
	tickets := ds.Tickets
	for len(tickets) > 0 {
		n := min(len(tickets), seedLoad)
		ds.Tickets, tickets = tickets[:n], tickets[n:]
		if err := db.LoadDataset(context.Background(), tenant, ds); err != nil {
			tb.Fatal(err)
		}
		ds.Technicians = nil
	}
}

// BenchmarkBoardLive is what a device's sync costs until the board shows
// it, in process: the push of one note on a ticket of that board, its
// event reaching a subscriber, and the board's first page read again.
func BenchmarkBoardLive(b *testing.B) {
	const open, closed, techs = 10_000, 20_000, 500
	for _, backend := range []string{"sqlite", "postgres"} {
		db := openBenchDB(b, backend)
		seedBoard(b, db, open, closed, techs)
		ctx := context.Background()
		code, _, err := db.CreatePairing(ctx, tenant, "tech-000")
		if err != nil {
			b.Fatal(err)
		}
		_, tok, err := db.Pair(ctx, code, "tablet")
		if err != nil {
			b.Fatal(err)
		}
		dev, err := db.Authenticate(ctx, tok)
		if err != nil {
			b.Fatal(err)
		}
		events, cancel, err := db.Subscribe(tenant)
		if err != nil {
			b.Fatal(err)
		}
		seq := int64(0)
		b.Run(backend+"/push-to-board", func(b *testing.B) {
			for b.Loop() {
				seq++
				m, err := app.NewMutation(&app.AddNote{Note: app.Note{ID: fid(fmt.Sprintf("live-%d", seq)), Ticket: "tk-fb-000000", Text: "on my way"}}, testNow)
				if err != nil {
					b.Fatal(err)
				}
				m.Seq = seq
				if _, err := db.Push(ctx, dev, []app.Mutation{m}); err != nil {
					b.Fatal(err)
				}
				select {
				case e := <-events:
					if e.Kind != EventTickets || len(e.Tickets) != 1 || e.Tickets[0] != "tk-fb-000000" {
						b.Fatalf("event %+v", e)
					}
				case <-time.After(10 * time.Second):
					b.Fatal("no event within 10s")
				}
				if _, err := db.Board(ctx, BoardQuery{Tenant: tenant, Open: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
		cancel()
		db.Close()
	}
}

// BenchmarkBoardRefold is the one-time cost, at the first open by a
// service that folds otherwise, of making ticket_index's folds again
// (refoldTicketIndex) on the board's 30,000 tickets: "all", every row's
// folds changed (the worst case), and "none", none changed (the board's
// ASCII names, which an older service lower-cased as app.Fold does: only
// rows with accents change on a real database).
func BenchmarkBoardRefold(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, changed := range []string{"all", "none"} {
			benchmarkBoardRefold(b, backend, changed)
		}
	}
}

func benchmarkBoardRefold(b *testing.B, backend, changed string) {
	b.Run(backend+"/"+changed, func(b *testing.B) {
		db, conn := seededBoardConn(b, backend, 10_000, 20_000)
		ctx := context.Background()
		for b.Loop() {
			b.StopTimer()
			if changed == "all" {
				if _, err := conn.ExecContext(ctx, `UPDATE ticket_index SET number_fold = 'x', name_fold = 'x', serial_fold = 'x', product_fold = 'x'`); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := conn.ExecContext(ctx, db.q(`DELETE FROM meta WHERE k = ?`), ticketIndexFoldMark); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if err := db.refoldTicketIndex(ctx, conn); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBoardStepAtMigration is the one-time cost, at the first open
// of a database made before the board's index kept step_at, of
// migrateTicketIndexStepAt: the column renamed and every row's time set
// from its history's latest field time, on the board's tickets (a third
// open, with one step each, two thirds closed, with two), 30,000 and
// 300,000 of them.
func BenchmarkBoardStepAtMigration(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, tickets := range []int{30_000, 300_000} {
			b.Run(fmt.Sprintf("%s/%d", backend, tickets), func(b *testing.B) {
				db, conn := seededBoardConn(b, backend, tickets/3, tickets-tickets/3)
				ctx := context.Background()
				for b.Loop() {
					b.StopTimer()
					if _, err := conn.ExecContext(ctx, `ALTER TABLE ticket_index RENAME COLUMN step_at TO updated_at`); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if err := db.migrateTicketIndexStepAt(ctx, conn); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// seededBoardConn opens a new database of backend with the board's
// open+closed tickets of 500 technicians (seedBoard), and a connection of
// its writer for a migration to run on; both close when b ends.
func seededBoardConn(b *testing.B, backend string, open, closed int) (*DB, *sql.Conn) {
	b.Helper()
	db := openBenchDB(b, backend)
	b.Cleanup(func() { db.Close() })
	seedBoard(b, db, open, closed, 500)
	conn, err := db.write.Conn(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	return db, conn
}

// openBenchDB opens a new database of backend ("sqlite" or
// "postgres") on the tests' clock for a benchmark.
func openBenchDB(b *testing.B, backend string) *DB {
	b.Helper()
	cfg := Config{DataDir: b.TempDir(), Clock: app.ClockFunc(func() time.Time { return testNow })}
	if backend == "postgres" {
		cfg.Postgres = pgtest.ForTest(b)
	}
	db, err := OpenDB(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	return db
}
