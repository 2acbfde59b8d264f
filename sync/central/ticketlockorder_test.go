package central

import (
	"context"
	"fmt"
	"log/slog"
	gosync "sync"
	"sync/atomic"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// TestOppositeOrdersLockTicketsInOneOrder: two devices of one
// technician push at the same moment, round after round, batches on
// the same two tickets in opposite orders (a repair and notes on ticket
// 1, then on ticket 2; the other device 2 then 1), and, in a second
// case, a batch of notes only, which reads its tickets FOR SHARE,
// against a batch of repairs in the other order. Locking each ticket
// when its first mutation read it, each push held one ticket and waited
// for the other's: PostgreSQL ended one after deadlock_timeout and the
// service ran it again. Locked in one order, none may be ended, and
// every change is applied once.
func TestOppositeOrdersLockTicketsInOneOrder(t *testing.T) {
	var lost lostWrites
	db := openTestDB(t, Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t), Log: slog.New(&lost)})
	w := newWorld(t, db)
	ctx := context.Background()
	second := w.ticketA
	second.ID, second.Number = "tk-a2", "FB-3"
	if err := db.LoadDataset(ctx, tenant, app.Dataset{Tickets: []app.TicketDetail{{Ticket: second}}}); err != nil {
		t.Fatal(err)
	}
	devices := []Principal{w.a, pairDevice(t, db, "tech-a")}
	tickets := []app.TicketID{w.ticketA.ID, second.ID}
	seqs := make([]int64, len(devices))
	var ids atomic.Int64
	// batch has device d work on tickets in order: on each, a repair
	// (or, notesOnly, a note) and three notes, so that the push holds
	// one ticket a while before it reads the next.
	batch := func(d int, notesOnly bool, order ...app.TicketID) error {
		var muts []app.Mutation
		for _, tk := range order {
			for i := range 4 {
				var cmd app.Command = note(fid(fmt.Sprint("note-", ids.Add(1))), tk)
				if i == 0 && !notesOnly {
					cmd = repair(fid(fmt.Sprint("repair-", ids.Add(1))), tk, 5)
				}
				seqs[d]++
				muts = append(muts, mut(t, seqs[d], cmd))
			}
		}
		res, err := db.Push(ctx, devices[d], muts)
		if err == nil && (res.Acked != seqs[d] || len(res.Rejected) > 0) {
			err = fmt.Errorf("acked %d, rejected %v; want %d and none", res.Acked, res.Rejected, seqs[d])
		}
		return err
	}
	const rounds = 128
	cases := []struct {
		name   string
		writes [2]func() error
	}{
		{"two pushes", [2]func() error{
			func() error { return batch(0, false, tickets[0], tickets[1]) },
			func() error { return batch(1, false, tickets[1], tickets[0]) },
		}},
		{"notes against repairs", [2]func() error{
			func() error { return batch(0, true, tickets[0], tickets[1]) },
			func() error { return batch(1, false, tickets[1], tickets[0]) },
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := lost.n.Load()
			for r := range rounds {
				start := make(chan struct{})
				var wg gosync.WaitGroup
				errs := make([]error, len(c.writes))
				for i, write := range c.writes {
					wg.Go(func() {
						<-start
						errs[i] = write()
					})
				}
				close(start)
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						t.Fatalf("round %d, write %d: %v", r, i, err)
					}
				}
			}
			if n := lost.n.Load() - before; n != 0 {
				t.Errorf("PostgreSQL ended %d of %d pushes to break a deadlock; pushes locking their tickets in one order never wait for each other in a circle", n, 2*rounds)
			}
		})
	}
}
