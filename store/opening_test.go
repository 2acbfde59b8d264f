package store

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestFirstPullKeepsDefectiveSources: a first pull gives a defective bin's
// units as openings that name the tickets they came from (PROTOCOL.md,
// Pull). The device keeps each opening's ticket, reason and time, so the
// parts page can name the sources; the balance is their sum, a page
// applied twice counts once, and a return pulled later comes first.
func TestFirstPullKeepsDefectiveSources(t *testing.T) {
	ctx := t.Context()
	now := storetest.Now
	open := func(id string, ticket app.TicketID, qty int, reason string, h int) app.StockMovement {
		return app.StockMovement{ID: id, Kind: app.MoveAdjust, Part: storetest.BatteryP50, To: storetest.DefectSH, Qty: qty,
			Serial: "S-" + id, Ticket: ticket, Reason: reason, At: now.Add(time.Duration(h) * time.Hour), Recorded: "Ana"}
	}
	first := storetest.World()
	first.Movements = []app.StockMovement{
		open("open-2", storetest.T2, 2, "FB-2", -1),
		open("open-1", storetest.T1, 1, "FB-1", -2),
		open("open-0", "", 3, "opening balance", -3),
	}
	later := app.Dataset{Movements: []app.StockMovement{{ID: "ret-3", Kind: app.MoveReturnDefective, Part: storetest.BatteryP50,
		To: storetest.DefectSH, Qty: 1, Ticket: storetest.T3, Reason: "FB-3", At: now}}}
	db := mustOpen(t, WithClock(app.ClockFunc(func() time.Time { return now })))
	parts := NewPartService(db)
	for i, step := range []struct {
		name    string
		page    app.PullPage
		balance int
		want    []app.StockMovement // the latest three arrivals
	}{
		{"FirstPull", app.PullPage{Epoch: "e1", Data: first, Cursor: "c1", Complete: true, At: now}, 6, first.Movements},
		{"SamePageAgain", app.PullPage{Epoch: "e1", Data: first, Cursor: "c1", Complete: true, At: now}, 6, first.Movements},
		{"LaterReturn", app.PullPage{Epoch: "e1", Data: later, Cursor: "c2", Complete: true, At: now}, 7,
			append(later.Movements, first.Movements[:2]...)},
	} {
		if err := db.ApplyPull(ctx, step.page); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		bal, err := parts.Balances(ctx, storetest.DefectSH)
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, b := range bal {
			if b.Part == storetest.BatteryP50 {
				got = b.Qty
			}
		}
		if got != step.balance {
			t.Errorf("step %d %s: the bin holds %d, want %d", i, step.name, got, step.balance)
		}
		arr, err := parts.Arrivals(ctx, storetest.DefectSH, []app.PartNumber{storetest.BatteryP50}, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(arr) != len(step.want) {
			t.Fatalf("step %d %s: arrivals %+v, want %d", i, step.name, arr, len(step.want))
		}
		for j, m := range arr {
			w := step.want[j]
			if m.ID != w.ID || m.Ticket != w.Ticket || m.Reason != w.Reason || m.Qty != w.Qty || m.Serial != w.Serial || !m.At.Equal(w.At) {
				t.Errorf("step %d %s: arrival %d = %+v, want %+v", i, step.name, j, m, w)
			}
		}
	}
}
