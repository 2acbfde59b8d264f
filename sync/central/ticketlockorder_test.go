package central

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/fieldbench/fieldbench/app"
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
	db, w, lost := deadlockWorld(t)
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
				atOnce(t, r, c.writes[:])
			}
			if n := lost.n.Load() - before; n != 0 {
				t.Errorf("PostgreSQL ended %d of %d pushes to break a deadlock; pushes locking their tickets in one order never wait for each other in a circle", n, 2*rounds)
			}
		})
	}
}

// TestShipmentAndPushLockTicketsInOneOrder: dispatch ships the parts
// requested for tickets 2 and 1 (in that line order; their IDs sort 1
// first) while a device of the technician pushes work on tickets 1 then
// 2, at the same moment, round after round. Shipping a request saves
// it, which locks its ticket: had the shipment locked each line's
// ticket when it reached it, it held ticket 2 and waited for 1 while
// the push held 1 and waited for 2. The shipment names its lines'
// tickets (or the service looks them up from its requests) and locks
// them in the push's order, before any: none may be ended, and every
// request ships.
func TestShipmentAndPushLockTicketsInOneOrder(t *testing.T) {
	db, w, lost := deadlockWorld(t)
	ctx := context.Background()
	second := w.ticketA
	second.ID, second.Number = "tk-a2", "FB-3"
	if err := db.LoadDataset(ctx, tenant, app.Dataset{
		Tickets:   []app.TicketDetail{{Ticket: second}},
		Movements: []app.StockMovement{{ID: "rcv-wh-many", Kind: app.MoveReceive, Part: "SCR-1", To: "wh", Qty: 100000, At: testNow}},
	}); err != nil {
		t.Fatal(err)
	}
	dev := pairDevice(t, db, "tech-a")
	tickets := []app.TicketID{w.ticketA.ID, second.ID}
	if tickets[0] >= tickets[1] {
		t.Fatalf("tickets %v: the first must sort first", tickets)
	}
	var seq int64
	const rounds = 96
	// A line names its request's ticket when the console sends it; an
	// API caller may name the request only, and the service looks the
	// ticket up.
	for _, named := range []bool{true, false} {
		t.Run(fmt.Sprint("lines name their tickets: ", named), func(t *testing.T) {
			before := lost.n.Load()
			for r := range rounds {
				var lines []app.ShipmentLine
				for i, tk := range []app.TicketID{tickets[1], tickets[0]} {
					req := fid(fmt.Sprintf("req-%t-%d-%d", named, r, i))
					mustAdmin(t, db, w.dispatch, &app.RequestPart{Request: app.PartRequest{ID: req, Ticket: tk, Part: "SCR-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-a"}})
					l := app.ShipmentLine{Part: "SCR-1", Qty: 1, Request: req}
					if named {
						l.Ticket = tk
					}
					lines = append(lines, l)
				}
				ship := func() error {
					m, err := app.NewMutation(&app.SendShipment{Shipment: app.Shipment{ID: fid(fmt.Sprintf("ship-%t-%d", named, r)), Kind: app.ShipmentSupply, From: "wh", To: "van-a", Lines: lines}}, testNow)
					if err != nil {
						return err
					}
					return db.ApplyAdmin(ctx, w.dispatch, m)
				}
				push := func() error {
					var muts []app.Mutation
					for _, tk := range tickets {
						for i := range 4 {
							var cmd app.Command = note(fid(fmt.Sprintf("note-%t-%d-%s-%d", named, r, tk, i)), tk)
							if i == 0 {
								cmd = repair(fid(fmt.Sprintf("repair-%t-%d-%s", named, r, tk)), tk, 5)
							}
							seq++
							muts = append(muts, mut(t, seq, cmd))
						}
					}
					res, err := db.Push(ctx, dev, muts)
					if err == nil && (res.Acked != seq || len(res.Rejected) > 0) {
						err = fmt.Errorf("acked %d, rejected %v; want %d and none", res.Acked, res.Rejected, seq)
					}
					return err
				}
				atOnce(t, r, []func() error{ship, push})
				for _, l := range lines {
					if got := requestOf(t, db, l.Request); got.State != app.RequestShipped {
						t.Fatalf("round %d: request %s is %s, want shipped", r, l.Request, got.State)
					}
				}
			}
			if n := lost.n.Load() - before; n != 0 {
				t.Errorf("PostgreSQL ended %d of %d writes to break a deadlock; writes locking their tickets in one order never wait for each other in a circle", n, 2*rounds)
			}
		})
	}
}

// TestWillLockTicketIsBounded: a write names at most maxOrderedTickets
// tickets, as many as a request holds mutations (its one lock statement
// takes an array of them), a ticket again in a row once, none outside
// a late write on PostgreSQL, a shipment the tickets of its lines
// that ship a request (or the request, when the line names no ticket),
// locking even one of them, and a receipt its shipment (as many).
func TestWillLockTicketIsBounded(t *testing.T) {
	st := &serverTx{db: &DB{dialect: dialectPostgres}, take: func(context.Context) (int64, error) { return 1, nil }}
	for i := range 2 * maxOrderedTickets {
		id := app.TicketID(fmt.Sprint("tk-", i))
		st.willLockTicket(id)
		st.willLockTicket(id)
	}
	if len(st.ticketOrder) != maxOrderedTickets {
		t.Errorf("named %d tickets, want at most %d", len(st.ticketOrder), maxOrderedTickets)
	}
	if maxOrderedTickets < maxPush {
		t.Errorf("at most %d tickets named, but a push holds up to %d mutations", maxOrderedTickets, maxPush)
	}
	ship := &serverTx{db: &DB{dialect: dialectPostgres}, take: st.take}
	ship.willLockTicketsOf(&app.SendShipment{Shipment: app.Shipment{Lines: []app.ShipmentLine{
		{Part: "SCR-1", Qty: 1, Request: "r-1", Ticket: "tk-2"},
		{Part: "SCR-1", Qty: 1, Ticket: "tk-9"}, // a defective part's ticket: no request, no lock
		{Part: "SCR-1", Qty: 1, Request: "r-2", Ticket: "tk-1"},
		{Part: "SCR-1", Qty: 1, Request: "r-3"}, // its ticket is looked up
	}}})
	if want := []string{"tk-2", "tk-1"}; !slices.Equal(ship.ticketOrder, want) {
		t.Errorf("a shipment named %v, want %v", ship.ticketOrder, want)
	}
	if want := []string{"r-3"}; !slices.Equal(ship.requestsNamed, want) {
		t.Errorf("a shipment named requests %v to look up, want %v", ship.requestsNamed, want)
	}
	if !ship.lockOne {
		t.Errorf("a shipment of part requests does not lock its one ticket up front; it reads each request before its ticket")
	}
	returns := &serverTx{db: &DB{dialect: dialectPostgres}, take: st.take}
	returns.willLockTicketsOf(&app.SendShipment{Shipment: app.Shipment{Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 1, Ticket: "tk-9"}}}})
	if returns.lockOne || len(returns.ticketOrder) != 0 {
		t.Errorf("a shipment of no request named %v (lock one: %t), want none", returns.ticketOrder, returns.lockOne)
	}
	receipt := &serverTx{db: &DB{dialect: dialectPostgres}, take: st.take}
	for i := range 2 * maxOrderedTickets {
		receipt.willLockTicketsOf(&app.ReceiveShipment{Shipment: fmt.Sprint("s-", i)})
	}
	if len(receipt.shipmentsNamed) != maxOrderedTickets || receipt.shipmentsNamed[0] != "s-0" {
		t.Errorf("receipts named %d shipments, first %q; want at most %d, the first s-0", len(receipt.shipmentsNamed), receipt.shipmentsNamed[0], maxOrderedTickets)
	}
	sqlite := &serverTx{db: &DB{dialect: dialectSQLite}, take: st.take}
	sqlite.willLockTicket("tk-1")
	sqlite.willLockTicketsOf(&app.ReceiveShipment{Shipment: "s-1"})
	if len(sqlite.ticketOrder) != 0 || len(sqlite.shipmentsNamed) != 0 {
		t.Errorf("on SQLite named %v and %v, want none (writes there run one at a time)", sqlite.ticketOrder, sqlite.shipmentsNamed)
	}
}
