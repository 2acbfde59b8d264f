package central

import (
	"context"
	"fmt"
	"slices"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// secondTicketWorld is deadlockWorld with a second ticket of tech-a
// (tk-a2, which sorts after tk-a) and a second paired device of tech-a,
// for the writes that lock both tickets.
func secondTicketWorld(t *testing.T) (*DB, *world, *lostWrites, Principal, []app.TicketID) {
	t.Helper()
	db, w, lost := deadlockWorld(t)
	second := w.ticketA
	second.ID, second.Number = "tk-a2", "FB-3"
	if err := db.LoadDataset(context.Background(), tenant, app.Dataset{
		Tickets:   []app.TicketDetail{{Ticket: second}},
		Locations: []app.Location{{ID: "wh2", Kind: app.LocationWarehouse, Name: "Second warehouse"}},
		Movements: []app.StockMovement{
			{ID: "rcv-wh-many", Kind: app.MoveReceive, Part: "SCR-1", To: "wh", Qty: 100000, At: testNow},
			{ID: "rcv-wh2-many", Kind: app.MoveReceive, Part: "SCR-1", To: "wh2", Qty: 100000, At: testNow},
		},
	}); err != nil {
		t.Fatal(err)
	}
	tickets := []app.TicketID{w.ticketA.ID, second.ID}
	if tickets[0] >= tickets[1] {
		t.Fatalf("tickets %v: the first must sort first", tickets)
	}
	return db, w, lost, pairDevice(t, db, "tech-a"), tickets
}

// workPusher pushes, from device p, a repair and three notes on each
// ticket in the order given: the push locks its tickets in ID order
// (lockTickets) and then holds them while it works.
type workPusher struct {
	db  *DB
	p   Principal
	seq int64
	n   int
}

func (w *workPusher) push(ctx context.Context, label string, tickets ...app.TicketID) error {
	var muts []app.Mutation
	for _, tk := range tickets {
		for i := range 4 {
			w.n++
			var cmd app.Command = note(fid(fmt.Sprint(label, "-note-", w.n)), tk)
			if i == 0 {
				cmd = repair(fid(fmt.Sprint(label, "-repair-", w.n)), tk, 5)
			}
			m, err := app.NewMutation(cmd, testNow)
			if err != nil {
				return err
			}
			w.seq++
			m.Seq = w.seq
			muts = append(muts, m)
		}
	}
	res, err := w.db.Push(ctx, w.p, muts)
	if err == nil && (res.Acked != w.seq || len(res.Rejected) > 0) {
		err = fmt.Errorf("acked %d, rejected %v; want %d and none", res.Acked, res.Rejected, w.seq)
	}
	return err
}

// TestReceiptAndPushLockTicketsInOneOrder: a technician's van receives a
// shipment of the parts requested for tickets 2 and 1 (in that line
// order, four for ticket 2) while the technician's other device pushes work on tickets 1
// and 2, at the same moment, round after round. The receipt saves the
// requests it fills, in line order, and saving a request reads its
// ticket: locking each when it reached it, the receipt held ticket 2
// and waited for 1 while the push, which locks its tickets in ID order,
// held 1 and waited for 2. The receipt now locks its requests' tickets
// in ID order before it reads its shipment: none may be ended, and every
// request is received.
func TestReceiptAndPushLockTicketsInOneOrder(t *testing.T) {
	db, w, lost, dev, tickets := secondTicketWorld(t)
	ctx := context.Background()
	worker := &workPusher{db: db, p: dev}
	var seq int64
	const rounds = 96
	before := lost.n.Load()
	for r := range rounds {
		// Ticket 2's requests first, a few: the receipt fills them in
		// line order and stays on ticket 2 a while before ticket 1.
		var lines []app.ShipmentLine
		for i, tk := range []app.TicketID{tickets[1], tickets[1], tickets[1], tickets[1], tickets[0]} {
			req := fid(fmt.Sprintf("rcpt-req-%d-%d", r, i))
			mustAdmin(t, db, w.dispatch, &app.RequestPart{Request: app.PartRequest{ID: req, Ticket: tk, Part: "SCR-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-a"}})
			lines = append(lines, app.ShipmentLine{Part: "SCR-1", Qty: 1, Request: req, Ticket: tk})
		}
		ship := fid(fmt.Sprint("rcpt-ship-", r))
		mustAdmin(t, db, w.dispatch, &app.SendShipment{Shipment: app.Shipment{ID: ship, Kind: app.ShipmentSupply, From: "wh", To: "van-a", Lines: lines}})
		receive := func() error {
			seq++
			res, err := db.Push(ctx, w.a, []app.Mutation{mut(t, seq, &app.ReceiveShipment{Shipment: ship, Receipt: app.Receipt{ID: fid(fmt.Sprint("rcpt-", r)), Lines: []app.ReceiptLine{{Part: "SCR-1", Qty: len(lines)}}}})})
			if err == nil && (res.Acked != seq || len(res.Rejected) > 0) {
				err = fmt.Errorf("acked %d, rejected %v; want %d and none", res.Acked, res.Rejected, seq)
			}
			return err
		}
		work := func() error { return worker.push(ctx, fmt.Sprint("rcpt-", r), tickets...) }
		atOnce(t, r, []func() error{receive, work})
		for _, l := range lines {
			if got := requestOf(t, db, l.Request); got.State != app.RequestReceived {
				t.Fatalf("round %d: request %s is %s, want received", r, l.Request, got.State)
			}
		}
	}
	if n := lost.n.Load() - before; n != 0 {
		t.Errorf("PostgreSQL ended %d of %d writes to break a deadlock; writes locking their tickets in one order never wait for each other in a circle", n, 2*rounds)
	}
}

// TestShipmentsOfOneRequestPairInOneOrder: dispatch ships the same two
// part requests of one ticket twice at the same moment, from two
// warehouses (so no balance puts them one after the other), with their
// lines in opposite orders, round after round. A request ships once:
// one shipment goes, the other is refused. Shipping a request locks it
// and then, saving it, its ticket: the first shipment held request 1
// and the ticket and waited for request 2, which the second held while
// it waited for the ticket. A shipment now locks its requests' tickets
// before any request: none may be ended.
func TestShipmentsOfOneRequestPairInOneOrder(t *testing.T) {
	db, w, lost, _, tickets := secondTicketWorld(t)
	ctx := context.Background()
	const rounds = 96
	before := lost.n.Load()
	for r := range rounds {
		var reqs []string
		for i := range 2 {
			req := fid(fmt.Sprintf("twice-req-%d-%d", r, i))
			mustAdmin(t, db, w.dispatch, &app.RequestPart{Request: app.PartRequest{ID: req, Ticket: tickets[0], Part: "SCR-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-a"}})
			reqs = append(reqs, req)
		}
		errs := make([]error, 2)
		start := make(chan struct{})
		var wg gosync.WaitGroup
		for i, from := range []app.LocationID{"wh", "wh2"} {
			wg.Go(func() {
				var lines []app.ShipmentLine
				for j := range reqs {
					lines = append(lines, app.ShipmentLine{Part: "SCR-1", Qty: 1, Request: reqs[(i+j)%2], Ticket: tickets[0]})
				}
				m, err := app.NewMutation(&app.SendShipment{Shipment: app.Shipment{ID: fid(fmt.Sprintf("twice-ship-%d-%d", r, i)), Kind: app.ShipmentSupply, From: from, To: "van-a", Lines: lines}}, testNow)
				if err != nil {
					errs[i] = err
					return
				}
				<-start
				errs[i] = db.ApplyAdmin(ctx, w.dispatch, m)
			})
		}
		close(start)
		wg.Wait()
		shipped := 0
		for i, err := range errs {
			switch {
			case err == nil:
				shipped++
			case app.AsError(err).Key != "shipment.request_not_approved":
				t.Fatalf("round %d, shipment %d: %v, want shipped or shipment.request_not_approved", r, i, err)
			}
		}
		if shipped != 1 {
			t.Fatalf("round %d: %d shipments went, want 1 (a request ships once): %v", r, shipped, errs)
		}
	}
	if n := lost.n.Load() - before; n != 0 {
		t.Errorf("PostgreSQL ended %d of %d shipments to break a deadlock; writes locking tickets before their requests never wait for each other in a circle", n, 2*rounds)
	}
}

// TestPhotoCheckLocksTicketsInOneOrder: one photo's bytes sit on two
// tickets (a technician attached the same picture to both, four times
// to ticket 2, whose come first in the check's order) and arrive while the technician's
// other device pushes work on tickets 1 and 2, at the same moment, round
// after round. The check marks each photo verified and reads its
// ticket: locking each when it reached it, it held ticket 2 and waited
// for 1 while the push held 1 and waited for 2. The check now locks the
// photos' tickets in ID order before it writes any photo: none may be
// ended, and every photo is verified.
func TestPhotoCheckLocksTicketsInOneOrder(t *testing.T) {
	db, w, lost, dev, tickets := secondTicketWorld(t)
	ctx := context.Background()
	worker := &workPusher{db: db, p: dev}
	var seq int64
	const rounds = 96
	before := lost.n.Load()
	for r := range rounds {
		sha := fmt.Sprintf("%064x", r+1)
		// The check writes the photos in the order it finds them, by
		// photo ID: those on ticket 2 (a few: the check stays there a
		// while) come first.
		on := []app.TicketID{tickets[1], tickets[1], tickets[1], tickets[1], tickets[0]}
		var ids []string
		for i := range on {
			ids = append(ids, fid(fmt.Sprint("dup-photo-", r, "-", i)))
		}
		slices.Sort(ids)
		var muts []app.Mutation
		for i, tk := range on {
			seq++
			muts = append(muts, mut(t, seq, &app.AttachPhoto{Photo: app.Photo{ID: ids[i], Ticket: tk, SHA256: sha, Size: 10, Mime: "image/jpeg", At: testNow}}))
		}
		if res := push(t, db, w.a, muts...); res.Acked != seq || len(res.Rejected) > 0 {
			t.Fatalf("round %d: attaching acked %d, rejected %v", r, res.Acked, res.Rejected)
		}
		// The push reads its device and scopes before it locks its
		// tickets, and the check goes straight to its photos: the check
		// starts a little later, by 0.2 ms more each round (up to 2
		// ms), to meet the push.
		check := func() error {
			time.Sleep(time.Duration(r%10) * 200 * time.Microsecond)
			return db.MarkPhotoVerified(ctx, tenant, sha)
		}
		work := func() error { return worker.push(ctx, fmt.Sprint("photo-", r), tickets...) }
		atOnce(t, r, []func() error{check, work})
		for _, id := range ids {
			var ph app.Photo
			if err := db.readEntity(ctx, tenant, kindPhoto, id, &ph); err != nil || ph.State != app.PhotoVerified {
				t.Fatalf("round %d: photo %s is %q (%v), want verified", r, id, ph.State, err)
			}
		}
	}
	if n := lost.n.Load() - before; n != 0 {
		t.Errorf("PostgreSQL ended %d of %d writes to break a deadlock; writes locking their tickets in one order never wait for each other in a circle", n, 2*rounds)
	}
}

// TestLoadAndReceiptLockInOneOrder: the office loads a dataset that
// writes a shipment, its part requests, their tickets and their part
// (as they are) while the van receives that shipment, at the same
// moment, round after round. A load takes the version first and then
// wrote the tickets, requests and shipment as it reached them, while
// the receipt held the shipment, the tickets and the requests and
// waited for the version: each waited for the other. A load now locks
// what it will write, in the late writes' order (shipments, tickets,
// requests, parts), before it takes the version: none may be ended, and
// every receipt and load is done.
func TestLoadAndReceiptLockInOneOrder(t *testing.T) {
	db, w, lost, _, tickets := secondTicketWorld(t)
	ctx := context.Background()
	var seq int64
	const rounds = 48
	before := lost.n.Load()
	// SCR-1 as newWorld loads it.
	part := app.Part{Number: "SCR-1", NameEN: "Screen", Class: app.ClassMain, Models: []string{"P60"}}
	for r := range rounds {
		var lines []app.ShipmentLine
		for i, tk := range []app.TicketID{tickets[1], tickets[1], tickets[0]} {
			req := fid(fmt.Sprintf("load-req-%d-%d", r, i))
			mustAdmin(t, db, w.dispatch, &app.RequestPart{Request: app.PartRequest{ID: req, Ticket: tk, Part: "SCR-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-a"}})
			lines = append(lines, app.ShipmentLine{Part: "SCR-1", Qty: 1, Request: req, Ticket: tk})
		}
		ship := fid(fmt.Sprint("load-ship-", r))
		mustAdmin(t, db, w.dispatch, &app.SendShipment{Shipment: app.Shipment{ID: ship, Kind: app.ShipmentSupply, From: "wh", To: "van-a", Lines: lines}})
		ds := app.Dataset{Parts: []app.Part{part}, Shipments: []app.Shipment{shipmentOf(t, db, ship).Shipment}}
		for _, l := range lines {
			ds.PartRequests = append(ds.PartRequests, requestOf(t, db, l.Request))
		}
		for _, tk := range tickets {
			d, err := db.TicketDetail(ctx, tenant, tk)
			if err != nil {
				t.Fatal(err)
			}
			ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: d.Ticket})
		}
		receive := func() error {
			seq++
			res, err := db.Push(ctx, w.a, []app.Mutation{mut(t, seq, &app.ReceiveShipment{Shipment: ship, Receipt: app.Receipt{ID: fid(fmt.Sprint("load-rcpt-", r)), Lines: []app.ReceiptLine{{Part: "SCR-1", Qty: len(lines)}}}})})
			if err == nil && (res.Acked != seq || len(res.Rejected) > 0) {
				err = fmt.Errorf("acked %d, rejected %v; want %d and none", res.Acked, res.Rejected, seq)
			}
			return err
		}
		load := func() error { return db.LoadDataset(ctx, tenant, ds) }
		atOnce(t, r, []func() error{receive, load})
	}
	if n := lost.n.Load() - before; n != 0 {
		t.Errorf("PostgreSQL ended %d of %d writes to break a deadlock; a load that locks what it writes before it takes the version never waits in a circle with a receipt", n, 2*rounds)
	}
}
