package central

import (
	"context"
	"fmt"
	gosync "sync"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestTwoDevicesPushToOneTicketAtOnce: two devices of one technician
// push repairs to the same ticket at the same time, each repair adding
// to the ticket's labour minutes (a read, a decision and a write of the
// ticket). On PostgreSQL pushes run concurrently until they take their
// version (lateTx): without the ticket's row lock one push's update of
// the ticket would overwrite the other's and minutes would be lost.
func TestTwoDevicesPushToOneTicketAtOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		devices := []Principal{w.a, pairDevice(t, db, "tech-a")}
		const rounds, batch = 12, 5
		var wg gosync.WaitGroup
		errs := make(chan error, len(devices)*rounds)
		for d, p := range devices {
			wg.Go(func() {
				seq := int64(0)
				for r := range rounds {
					var muts []app.Mutation
					for i := range batch {
						seq++
						muts = append(muts, mut(t, seq, repair(fid(fmt.Sprintf("d%d-r%d-%d", d, r, i)), w.ticketA.ID, 1+i)))
					}
					res, err := db.Push(context.Background(), p, muts)
					if err != nil {
						errs <- fmt.Errorf("device %d, round %d: %w", d, r, err)
						return
					}
					if res.Acked != seq || len(res.Rejected) > 0 {
						errs <- fmt.Errorf("device %d, round %d: acked %d, rejected %v; want %d and none", d, r, res.Acked, res.Rejected, seq)
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if t.Failed() {
			return
		}
		want := len(devices) * rounds * (batch * (batch + 1) / 2)
		d := detail(t, db, w.ticketA.ID)
		if len(d.Repairs) != len(devices)*rounds*batch || d.Ticket.LabourMinutes != want {
			t.Fatalf("%d repairs, %d minutes; want %d and %d", len(d.Repairs), d.Ticket.LabourMinutes, len(devices)*rounds*batch, want)
		}
	})
}
