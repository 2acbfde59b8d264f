package simulation

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// TestEngineHistoryOnDemand: a first sync brings old closed tickets
// without their history; the technician opens more of them than one
// request may ask for while offline; back online, one sync brings every
// history, which then stays on the device offline.
func TestEngineHistoryOnDemand(t *testing.T) {
	w := newEngineWorld(t)
	ctx := context.Background()
	const old = app.MaxHistoryPerSync + 5
	closedAt := time.Now().AddDate(0, 0, -app.HistoryWholeDays-10)
	var ds app.Dataset
	var ids []app.TicketID
	for i := range old {
		id := app.TicketID(fmt.Sprintf("tk-old-%02d", i))
		ids = append(ids, id)
		ds.Tickets = append(ds.Tickets, app.TicketDetail{
			Ticket: app.Ticket{ID: id, Number: fmt.Sprintf("FB-%d", 100+i), Kind: app.KindCarryIn, Country: "CN",
				Product: app.Product{Category: app.CategoryAppliance, Brand: "Haier", Model: "W1"}, Customer: app.Customer{Name: "Li", Phone: "138 0000 0001"},
				Priority: app.PriorityNormal, Technician: "tech-1", Status: app.StatusClosed, Epoch: 1,
				CreatedAt: closedAt.AddDate(0, 0, -3), UpdatedAt: closedAt, CompletedAt: closedAt},
			Repairs: []app.RepairEntry{{ID: string(id) + "-r1", Ticket: id, Action: "replaced pump", At: closedAt},
				{ID: string(id) + "-r2", Ticket: id, Action: "tested", At: closedAt}},
			Notes: []app.Note{{ID: string(id) + "-n", Ticket: id, Text: "customer collected", At: closedAt}},
		})
	}
	if err := w.db.LoadDataset(ctx, "t", ds); err != nil {
		t.Fatal(err)
	}
	e := fbsync.NewEngine(w.store, w.client)
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	tickets := store.NewTicketService(w.store)
	check := func(when string, whole bool) {
		t.Helper()
		for _, id := range ids {
			d, err := tickets.TicketDetail(ctx, id)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			switch {
			case whole && (d.Away != nil || len(d.Repairs) != 2 || len(d.Notes) != 1):
				t.Fatalf("%s: %s has away %+v, %d repairs, %d notes; want it whole", when, id, d.Away, len(d.Repairs), len(d.Notes))
			case !whole && (d.Away == nil || d.Away.Repairs != 2 || d.Away.Notes != 1 || len(d.Repairs)+len(d.Notes) != 0):
				t.Fatalf("%s: %s has away %+v, %d repairs, %d notes; want its history away", when, id, d.Away, len(d.Repairs), len(d.Notes))
			}
		}
	}
	check("after the first sync", false)

	w.setDown(true)
	for _, id := range ids {
		if err := w.store.RequestHistory(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.SyncOnce(ctx); err == nil {
		t.Fatal("a sync with the network down succeeded")
	}
	check("offline", false)

	w.setDown(false)
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	check("back online", true)
	if left, err := w.store.HistoryRequested(ctx, app.MaxHistoryPerSync); err != nil || len(left) != 0 {
		t.Errorf("still asked for: %v, %v", left, err)
	}
	w.setDown(true)
	check("offline again", true)
}
