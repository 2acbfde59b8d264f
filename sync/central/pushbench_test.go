package central

import (
	"context"
	"fmt"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// BenchmarkPushNotes: devices push batches of 10 notes through Push, at
// once, on SQLite, without HTTP: what the service's writer (group.go) and
// a push's work around it cost per mutation. Under valgrind's callgrind
// with --toggle-collect='*runWriter*' it counts the writer's
// instructions alone, which the machine's load does not move.
func BenchmarkPushNotes(b *testing.B) {
	for _, devices := range []int{1, 8} {
		b.Run(fmt.Sprintf("devices=%d", devices), func(b *testing.B) {
			benchPushNotes(b, devices)
		})
	}
}

func benchPushNotes(b *testing.B, devices int) {
	ctx := context.Background()
	db, err := OpenDB(ctx, Config{DataDir: b.TempDir(), Clock: app.ClockFunc(func() time.Time { return testNow })})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var ds app.Dataset
	for i := range devices {
		tech := app.TechnicianID(fmt.Sprintf("tech-%d", i))
		ds.Technicians = append(ds.Technicians, app.Technician{ID: tech, Name: string(tech), Country: "CN"})
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(fmt.Sprintf("tk-%d", i)), Number: fmt.Sprintf("FB-%d", i),
			Kind: app.KindCarryIn, Country: "CN", Product: app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
			Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0000", Address: "1 Road"}, Priority: app.PriorityNormal,
			Technician: tech, Epoch: 1, Status: app.StatusAssigned, CreatedAt: testNow.Add(-time.Hour), UpdatedAt: testNow.Add(-time.Hour)}})
	}
	if err := db.LoadDataset(ctx, tenant, ds); err != nil {
		b.Fatal(err)
	}
	const batch = 10
	per := max(1, (b.N+devices*batch-1)/(devices*batch))
	type device struct {
		p       Principal
		batches [][]app.Mutation
	}
	devs := make([]device, devices)
	for i := range devs {
		code, _, err := db.CreatePairing(ctx, tenant, ds.Technicians[i].ID)
		if err != nil {
			b.Fatal(err)
		}
		_, tok, err := db.Pair(ctx, code, "tablet")
		if err != nil {
			b.Fatal(err)
		}
		if devs[i].p, err = db.Authenticate(ctx, tok); err != nil {
			b.Fatal(err)
		}
		seq := int64(0)
		for range per {
			var muts []app.Mutation
			for range batch {
				seq++
				m, err := app.NewMutation(&app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: ds.Tickets[i].Ticket.ID, Text: "Customer asked for an update"}}, testNow)
				if err != nil {
					b.Fatal(err)
				}
				m.Seq = seq
				muts = append(muts, m)
			}
			devs[i].batches = append(devs[i].batches, muts)
		}
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	var wg gosync.WaitGroup
	errs := make(chan error, devices)
	for _, d := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, muts := range d.batches {
				res, err := db.Push(ctx, d.p, muts)
				if err == nil && (res.Acked != muts[len(muts)-1].Seq || len(res.Rejected) != 0) {
					err = fmt.Errorf("pushed up to %d: %+v", muts[len(muts)-1].Seq, res)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(devices*per*batch), "cpu-µs/mutation")
}
