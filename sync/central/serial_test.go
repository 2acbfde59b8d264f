package central

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// serialWorld is newWorld with a serialized board, units SN-1 and SN-2 of
// it received into van A, and a second device of technician A.
func serialWorld(t *testing.T, db *DB) (*world, Principal) {
	t.Helper()
	w := newWorld(t, db)
	ds := app.Dataset{
		Parts: []app.Part{{Number: "BRD-1", NameEN: "Board", Class: app.ClassMain, Models: []string{"P60"}, Serialized: true}},
		Movements: []app.StockMovement{
			{ID: "rcv-sn1", Kind: app.MoveReceive, Part: "BRD-1", To: "van-a", Qty: 1, Serial: "SN-1", At: testNow},
			{ID: "rcv-sn2", Kind: app.MoveReceive, Part: "BRD-1", To: "van-a", Qty: 1, Serial: "SN-2", At: testNow},
		},
	}
	if err := db.LoadDataset(context.Background(), tenant, ds); err != nil {
		t.Fatal(err)
	}
	return w, pairDevice(t, db, "tech-a")
}

func fitBoard(id string, ticket app.TicketID, serial string) app.Command {
	return &app.ConsumePart{Used: app.PartUsed{ID: fid(id), Ticket: ticket, Part: "BRD-1", Qty: 1, Serial: serial, From: "van-a"}}
}

// Two devices of one technician fit the same unit while the van holds
// another of the part: its balance stays at zero, and only where the
// unit is tells that the second fit took it from where it was not.
func TestSerialFittedTwiceRaisesConflict(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w, tablet := serialWorld(t, db)
		ctx := context.Background()
		if res := push(t, db, w.a, mut(t, 1, fitBoard("fit-1", w.ticketA.ID, "SN-1"))); res.Acked != 1 || len(res.Rejected) != 0 {
			t.Fatalf("first fit: %+v", res)
		}
		if cs, _ := db.Conflicts(ctx, tenant, true); len(cs) != 0 {
			t.Fatalf("conflicts after one fit = %+v, want none", cs)
		}
		if res := push(t, db, tablet, mut(t, 1, fitBoard("fit-2", w.ticketA.ID, "SN-1"))); res.Acked != 1 || len(res.Rejected) != 0 {
			t.Fatalf("second fit: %+v; a fit is a fact and must be accepted", res)
		}
		bs, err := db.Balances(ctx, tenant, "van-a")
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bs {
			if b.Part == "BRD-1" && b.Qty != 0 {
				t.Fatalf("BRD-1 at van-a = %d, want 0 (the balance alone raises nothing)", b.Qty)
			}
		}
		cs, _ := db.Conflicts(ctx, tenant, true)
		if len(cs) != 1 {
			t.Fatalf("conflicts = %+v, want one on the second fit", cs)
		}
		c := cs[0]
		if c.Kind != app.ConflictNegativeStock || c.Key != "conflict.serial_elsewhere" || c.Mutation == "" || c.Technician != "tech-a" || c.Field != "BRD-1" ||
			c.Data["Serial"] != "SN-1" || c.Data["Part"] != "BRD-1" || c.Data["Location"] != "Van A" || c.Data["LocationID"] != "van-a" ||
			c.Data["Other"] != w.ticketA.Number || c.Data["OtherID"] != string(w.ticketA.ID) || c.Data["Place"] != "ticket" {
			t.Errorf("conflict = %+v, want negative_stock conflict.serial_elsewhere naming SN-1 of BRD-1 on %s, not at Van A", c, w.ticketA.Number)
		}
	})
}

// Dispatch's movements move units too: a unit sent back to the warehouse
// and then fitted from the van was taken from where it was not.
func TestSerialMovedByDispatchRaisesConflict(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w, _ := serialWorld(t, db)
		ctx := context.Background()
		back := mut(t, 0, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: fid("back"), Part: "BRD-1", From: "van-a", To: "wh", Qty: 1, Serial: "SN-2"}})
		if err := db.ApplyAdmin(ctx, w.dispatch, back); err != nil {
			t.Fatal(err)
		}
		push(t, db, w.a, mut(t, 1, fitBoard("fit-wh", w.ticketA.ID, "SN-2")))
		cs, _ := db.Conflicts(ctx, tenant, true)
		if len(cs) != 1 || cs[0].Key != "conflict.serial_elsewhere_location" || cs[0].Data["Other"] != "Warehouse" || cs[0].Data["OtherID"] != "wh" ||
			cs[0].Data["Location"] != "Van A" || cs[0].Data["LocationID"] != "van-a" {
			t.Fatalf("conflicts = %+v, want one conflict.serial_elsewhere_location naming Warehouse (wh), not Van A (van-a)", cs)
		}
	})
}

// A unit dispatch put in a shipment and then fitted from the van: the
// conflict names the shipment as the console and the device show it, by
// its tracking number (app.Shipment.Label).
func TestSerialInShipmentRaisesConflictNamingIt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w, _ := serialWorld(t, db)
		ctx := context.Background()
		mustAdmin(t, db, w.dispatch, &app.SendShipment{Shipment: app.Shipment{ID: "s-sn2", Kind: app.ShipmentSupply, From: "van-a", To: "van-b",
			Carrier: "SF Express", Tracking: "SF1234567890", Lines: []app.ShipmentLine{{Part: "BRD-1", Qty: 1, Serial: "SN-2"}}}})
		push(t, db, w.a, mut(t, 1, fitBoard("fit-shipped", w.ticketA.ID, "SN-2")))
		cs, _ := db.Conflicts(ctx, tenant, true)
		if len(cs) != 1 || cs[0].Key != "conflict.serial_elsewhere_shipment" || cs[0].Data["Other"] != "SF1234567890" || cs[0].Data["OtherID"] != "s-sn2" ||
			cs[0].Data["Location"] != "Van A" || cs[0].Data["LocationID"] != "van-a" || cs[0].Data["Place"] != "shipment" {
			t.Fatalf("conflicts = %+v, want one conflict.serial_elsewhere_shipment naming SF1234567890 (s-sn2), not Van A (van-a)", cs)
		}
	})
}

// A unit the service does not know where it is (received before it
// followed units, or without its serial) is recorded where it goes, and
// raises nothing: no false alarm on old data.
func TestSerialUnknownUnitRaisesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w, tablet := serialWorld(t, db)
		ctx := context.Background()
		if _, err := db.write.ExecContext(ctx, db.q(`DELETE FROM serial_units WHERE tenant = ? AND serial = ?`), tenant, "SN-1"); err != nil {
			t.Fatal(err)
		}
		push(t, db, w.a, mut(t, 1, fitBoard("fit-old", w.ticketA.ID, "SN-1")))
		push(t, db, w.a, mut(t, 2, fitBoard("fit-new", w.ticketA.ID, "SN-7")))
		if cs, _ := db.Conflicts(ctx, tenant, true); len(cs) != 0 {
			t.Fatalf("conflicts = %+v, want none for units the service did not know", cs)
		}
		// Recorded where they went: fitted again, each is taken from
		// where it is not.
		push(t, db, tablet, mut(t, 1, fitBoard("fit-old-2", w.ticketA.ID, "SN-1")), mut(t, 2, fitBoard("fit-new-2", w.ticketA.ID, "SN-7")))
		if cs, _ := db.Conflicts(ctx, tenant, true); len(cs) != 2 {
			t.Fatalf("conflicts = %+v, want two once the units were recorded on the ticket", cs)
		}
	})
}

// Two devices pushing fits of one unit at the same moment: on PostgreSQL
// pushes run concurrently, and each round's second fit must still find
// the unit on the first's ticket (one conflict per unit, never none).
func TestSerialFittedTwiceAtOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w, tablet := serialWorld(t, db)
		ctx := context.Background()
		const rounds = 8
		// Each device fits on a ticket of its own: fits on one ticket
		// wait for each other on the ticket's row.
		second := w.ticketA
		second.ID, second.Number = "tk-a2", "FB-3"
		ds := app.Dataset{Tickets: []app.TicketDetail{{Ticket: second}}}
		for i := range rounds {
			ds.Movements = append(ds.Movements, app.StockMovement{ID: fmt.Sprint("rcv-at-once-", i), Kind: app.MoveReceive, Part: "BRD-1", To: "van-a", Qty: 1, Serial: fmt.Sprint("SN-AT-ONCE-", i), At: testNow})
		}
		if err := db.LoadDataset(ctx, tenant, ds); err != nil {
			t.Fatal(err)
		}
		for i := range rounds {
			serial := fmt.Sprint("SN-AT-ONCE-", i)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for j, p := range []Principal{w.a, tablet} {
				m := mut(t, int64(i+1), fitBoard(fmt.Sprint("at-once-", i, "-", j), []app.TicketID{w.ticketA.ID, second.ID}[j], serial))
				wg.Go(func() {
					<-start
					if _, err := db.Push(ctx, p, []app.Mutation{m}); err != nil {
						t.Error(err)
					}
				})
			}
			close(start)
			wg.Wait()
			cs, _ := db.Conflicts(ctx, tenant, true)
			n := 0
			for _, c := range cs {
				if c.Data["Serial"] == serial {
					n++
				}
			}
			if n != 1 {
				t.Errorf("round %d: %d conflicts name %s, want one", i, n, serial)
			}
		}
	})
}
