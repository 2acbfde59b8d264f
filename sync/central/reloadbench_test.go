package central

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// BenchmarkReload is a tenant's first load of a demo world of 10,000
// tickets ("first") and a second load of the same world into it
// ("reload"), as an office re-importing its export with changes sends
// it (reloadChanges): every ticket and its facts again, some moved on,
// reassigned or with a new note, and new tickets. Each run loads into a
// new database; only the measured load is timed (load-s, wall; cpu-s,
// the process's CPU, PostgreSQL's own not counted). Run with
// -benchtime 1x -count N, alternating with the binary to compare
// (docs/BENCHMARKS.md).
func BenchmarkReload(b *testing.B) {
	world := demo.Generate(3, demo.Size{Models: 50, Parts: 2000, Tickets: 10000, Technicians: 12}, testNow)
	again := reloadChanges(world)
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, reload := range []bool{false, true} {
			name := map[bool]string{false: "first", true: "reload"}[reload]
			b.Run(fmt.Sprintf("%s/tickets=%d/%s", backend, len(world.Tickets), name), func(b *testing.B) {
				benchLoad(b, backend, world, again, reload)
			})
		}
	}
}

// BenchmarkReloadSupply is a reload of a tenant's world whose part
// requests and shipments are most of what it sends again: 2,000 tickets
// with 5,000 part requests and 2,500 shipments (withSupply), all loaded
// again as they are, in multi-row statements that leave their rows alone
// (loadSupplyBulk). Run as BenchmarkReload.
func BenchmarkReloadSupply(b *testing.B) {
	world := withSupply(demo.Generate(3, demo.Size{Models: 20, Parts: 500, Tickets: 2000, Technicians: 6}, testNow), 5000, 2500)
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(fmt.Sprintf("%s/requests=%d/shipments=%d/reload", backend, len(world.PartRequests), len(world.Shipments)), func(b *testing.B) {
			benchLoad(b, backend, world, world, true)
		})
	}
}

// benchLoad times, each run on a new database of backend, a load of
// world, or with reload a load of again into the database world was
// loaded into first; only the measured load is timed (load-s, wall;
// cpu-s, the process's CPU, PostgreSQL's own not counted).
func benchLoad(b *testing.B, backend string, world, again app.Dataset, reload bool) {
	var wall, cpu time.Duration
	for b.Loop() {
		db := openBenchDB(b, backend)
		ctx := context.Background()
		ds := world
		if reload {
			if err := db.LoadDataset(ctx, tenant, world); err != nil {
				b.Fatal(err)
			}
			ds = again
		}
		start, startCPU := time.Now(), cpuTime()
		if err := db.LoadDataset(ctx, tenant, ds); err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		cpu += cpuTime() - startCPU
		db.Close()
	}
	b.ReportMetric(wall.Seconds()/float64(b.N), "load-s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
}

// withSupply is world with requests part requests and shipments
// shipments in all: copies of its own under new IDs, the requests spread
// over its open tickets.
func withSupply(world app.Dataset, requests, shipments int) app.Dataset {
	var open []app.TicketID
	for _, d := range world.Tickets {
		if d.Ticket.Status.Open() {
			open = append(open, d.Ticket.ID)
		}
	}
	rs, shs := world.PartRequests, world.Shipments
	world.PartRequests, world.Shipments = slices.Clone(rs), slices.Clone(shs)
	for i := len(rs); i < requests; i++ {
		r := rs[i%len(rs)]
		r.ID, r.Ticket = fmt.Sprintf("pr-bench-%d", i), open[i%len(open)]
		world.PartRequests = append(world.PartRequests, r)
	}
	for i := len(shs); i < shipments; i++ {
		sh := shs[i%len(shs)]
		sh.ID = fmt.Sprintf("sh-bench-%d", i)
		world.Shipments = append(world.Shipments, sh)
	}
	return world
}

// reloadChanges is world as its second load brings it: every ticket with
// its facts; one ticket in ten moved on a status (an assigned one
// started, one in progress completed), one in fifty reassigned, one in
// twenty with a new note; and 1 % new tickets.
func reloadChanges(world app.Dataset) app.Dataset {
	again := world
	again.Tickets = make([]app.TicketDetail, 0, len(world.Tickets)*101/100)
	later := testNow.Add(time.Hour)
	for i, d := range world.Tickets {
		d.Ticket = d.Ticket.Clone()
		t := &d.Ticket
		switch {
		case i%10 == 0 && t.Status == app.StatusAssigned:
			t.Status, t.StartedAt, t.UpdatedAt = app.StatusInProgress, later, later
		case i%10 == 0 && t.Status == app.StatusInProgress:
			t.Status, t.CompletedAt, t.UpdatedAt, t.ResolutionCode = app.StatusCompleted, later, later, app.ResolutionRepaired
		case i%50 == 1 && t.Status.Open() && t.Technician != "":
			t.Technician = world.Technicians[(i/50)%len(world.Technicians)].ID
			t.Status, t.Epoch = app.StatusAssigned, t.Epoch+1
		}
		if i%20 == 2 {
			d.Notes = append(d.Notes[:len(d.Notes):len(d.Notes)], app.Note{ID: fmt.Sprintf("note-reload-%d", i), Ticket: t.ID, Text: "called back", At: later})
		}
		again.Tickets = append(again.Tickets, d)
	}
	for i := range len(world.Tickets) / 100 {
		d := app.TicketDetail{Ticket: world.Tickets[i].Ticket.Clone()}
		d.Ticket.ID, d.Ticket.Number = app.TicketID(fmt.Sprintf("tk-reload-%d", i)), fmt.Sprintf("FB-R%05d", i)
		again.Tickets = append(again.Tickets, d)
	}
	return again
}
