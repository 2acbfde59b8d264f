package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// supplyWorld is the conformance world with what parts on their way need:
// stock at the warehouse, technician A's defective bin, and a store whose
// two counter technicians C and D share its shelf, each with a device.
type supplyWorld struct {
	*world
	c, d Principal
}

func newSupplyWorld(t *testing.T, db *DB) *supplyWorld {
	t.Helper()
	ctx := context.Background()
	w := &supplyWorld{world: newWorld(t, db)}
	if err := db.LoadDataset(ctx, tenant, app.Dataset{
		Technicians: []app.Technician{{ID: "tech-c", Name: "Chen Jing", Country: "CN", Store: "st-1"}, {ID: "tech-d", Name: "Du Wei", Country: "CN", Store: "st-1"}},
		Locations: []app.Location{{ID: "bin-a", Kind: app.LocationDefective, Name: "Van A returns", Owner: "tech-a"},
			{ID: "shelf-1", Kind: app.LocationStore, Name: "Store shelf", Owner: "st-1"}},
		Parts:     []app.Part{{Number: "SCR-9", NameEN: "Screen of another model", Class: app.ClassMain, Models: []string{"Mate 60"}}},
		Movements: []app.StockMovement{{ID: "rcv-wh", Kind: app.MoveReceive, Part: "SCR-1", To: "wh", Qty: 10, At: testNow}},
	}); err != nil {
		t.Fatal(err)
	}
	w.c, w.d = pairNamed(t, db, "tech-c", "counter C"), pairNamed(t, db, "tech-d", "counter D")
	return w
}

// pairNamed pairs a device with a name of its own, which is not its
// technician's: a receipt and its conflict name the technician who
// received, never the device (PROTOCOL.md, "by").
func pairNamed(t *testing.T, db *DB, tech app.TechnicianID, name string) Principal {
	t.Helper()
	ctx := context.Background()
	code, _, err := db.CreatePairing(ctx, tenant, tech)
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := db.Pair(ctx, code, name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// pushCmd pushes cmd as p's next mutation.
func pushCmd(t *testing.T, db *DB, p Principal, cmd app.Command) PushResult {
	t.Helper()
	return push(t, db, p, mut(t, res0(t, db, p)+1, cmd))
}

// mustApply pushes cmd as p's and fails on a rejection.
func mustApply(t *testing.T, db *DB, p Principal, cmd app.Command) {
	t.Helper()
	if res := pushCmd(t, db, p, cmd); len(res.Rejected) > 0 {
		t.Fatalf("%T rejected: %+v", cmd, res.Rejected)
	}
}

func adminDo(t *testing.T, db *DB, p Principal, cmd app.Command) error {
	t.Helper()
	m, err := app.NewMutation(cmd, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return db.ApplyAdmin(context.Background(), p, m)
}

func mustAdmin(t *testing.T, db *DB, p Principal, cmd app.Command) {
	t.Helper()
	if err := adminDo(t, db, p, cmd); err != nil {
		t.Fatalf("%T: %v", cmd, err)
	}
}

// pullSupply pulls p's whole scope in small pages, checking on the way
// that a request's ticket, when it arrives at all, arrives no later than
// the request; it answers the requests, shipments and likely parts last
// sent of each, and the tickets.
func pullSupply(t *testing.T, db *DB, p Principal) (map[string]app.PartRequest, map[string]app.Shipment, map[app.TicketID]app.LikelyParts, map[app.TicketID]bool) {
	t.Helper()
	reqs, ships, likely, tickets := map[string]app.PartRequest{}, map[string]app.Shipment{}, map[app.TicketID]app.LikelyParts{}, map[app.TicketID]bool{}
	var late []app.PartRequest
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("pull does not end")
		}
		res, err := db.Pull(context.Background(), p, cursor, MinPageBytes)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range res.Data.Tickets {
			tickets[d.Ticket.ID] = true
		}
		for _, r := range res.Data.PartRequests {
			reqs[r.ID] = r
			if !tickets[r.Ticket] {
				late = append(late, r)
			}
		}
		for _, s := range res.Data.Shipments {
			ships[s.ID] = s
		}
		for _, l := range res.Data.LikelyParts {
			likely[l.Ticket] = l
		}
		cursor = res.Cursor
		if !res.More {
			break
		}
	}
	for _, r := range late {
		if tickets[r.Ticket] {
			t.Fatalf("request %s arrived before its ticket %s", r.ID, r.Ticket)
		}
	}
	return reqs, ships, likely, tickets
}

func balance(t *testing.T, db *DB, loc app.LocationID, part app.PartNumber) int {
	t.Helper()
	bs, err := db.Balances(context.Background(), tenant, loc)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.Part == part {
			return b.Qty
		}
	}
	return 0
}

func shipmentOf(t *testing.T, db *DB, id string) ShipmentView {
	t.Helper()
	s, err := db.Shipment(context.Background(), tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func requestOf(t *testing.T, db *DB, id string) app.PartRequest {
	t.Helper()
	page, err := db.PartRequestsList(context.Background(), tenant, PartRequestFilter{Limit: maxSupplyPage})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Requests {
		if r.ID == id {
			return r.PartRequest
		}
	}
	t.Fatalf("request %s not listed", id)
	return app.PartRequest{}
}

// TestRequestToShortReceipt: a technician requests two screens, dispatch
// approves and ships them, one arrives; the request is short, the
// difference recorded, the stock what was counted, and the technician
// requests the missing one anew. Only A's device ever sees any of it.
func TestRequestToShortReceipt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newSupplyWorld(t, db)
		req, again, ship, rcpt := fid("req-1"), fid("req-2"), "s-1", fid("rcpt-1")
		mustApply(t, db, w.a, &app.RequestPart{Request: app.PartRequest{ID: req, Ticket: w.ticketA.ID, Part: "SCR-1", Qty: 2, Urgency: app.UrgencyUrgent, Note: "customer waits", To: "van-a"}})
		if r := requestOf(t, db, req); r.State != app.RequestRequested || r.RequestedBy != "A" || !r.At.Equal(testNow) {
			t.Fatalf("requested: %+v", r)
		}
		reqs, _, _, tickets := pullSupply(t, db, w.a)
		if reqs[req].State != app.RequestRequested || !tickets[w.ticketA.ID] {
			t.Fatalf("A's device pulled %+v, tickets %v", reqs, tickets)
		}
		mustAdmin(t, db, w.dispatch, &app.DecidePartRequest{Request: req, Ticket: w.ticketA.ID, Decision: app.DecisionApprove})
		mustAdmin(t, db, w.dispatch, &app.SendShipment{Shipment: app.Shipment{ID: ship, Kind: app.ShipmentSupply, From: "wh", To: "van-a",
			Carrier: "SF Express", Tracking: "SF1234567890", Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 2, Request: req, Ticket: w.ticketA.ID}}}})
		if r := requestOf(t, db, req); r.State != app.RequestShipped || r.Shipment != ship || r.DecidedBy != w.dispatch.Name {
			t.Fatalf("shipped: %+v", r)
		}
		// In transit: out of the warehouse, not yet in the van.
		if wh, van := balance(t, db, "wh", "SCR-1"), balance(t, db, "van-a", "SCR-1"); wh != 8 || van != 0 {
			t.Fatalf("in transit: warehouse %d, van %d; want 8, 0", wh, van)
		}
		reqs, ships, _, _ := pullSupply(t, db, w.a)
		if reqs[req].State != app.RequestShipped || ships[ship].State != app.ShipmentInTransit || ships[ship].Tracking != "SF1234567890" {
			t.Fatalf("A's device pulled %+v, %+v", reqs, ships)
		}
		for _, p := range []Principal{w.b, w.c} {
			if reqs, ships, _, _ := pullSupply(t, db, p); len(reqs)+len(ships) > 0 {
				t.Fatalf("another technician's device pulled %+v, %+v", reqs, ships)
			}
		}

		mustApply(t, db, w.a, &app.ReceiveShipment{Shipment: ship, Receipt: app.Receipt{ID: rcpt, Lines: []app.ReceiptLine{{Part: "SCR-1", Qty: 1}}, Note: "one in the box"}})
		s := shipmentOf(t, db, ship)
		want := []app.Difference{{Kind: app.DifferenceShort, Part: "SCR-1", Shipped: 2, Received: 1}}
		if s.State != app.ShipmentReceived || s.Receipt == nil || s.Receipt.By != "A" || !slices.Equal(s.Receipt.Differences, want) {
			t.Fatalf("received: %+v (receipt %+v)", s, s.Receipt)
		}
		if s.FromName != "Warehouse" || s.ToName != "Van A" || s.PartNames["SCR-1"] != "Screen" {
			t.Fatalf("names: %q %q %v", s.FromName, s.ToName, s.PartNames)
		}
		if r := requestOf(t, db, req); r.State != app.RequestShort || r.Received != 1 || !r.ReceivedAt.Equal(testNow) {
			t.Fatalf("short: %+v", r)
		}
		if van := balance(t, db, "van-a", "SCR-1"); van != 1 {
			t.Fatalf("the van holds %d, want the 1 counted", van)
		}
		reqs, ships, _, _ = pullSupply(t, db, w.a)
		if reqs[req].State != app.RequestShort || ships[ship].State != app.ShipmentReceived {
			t.Fatalf("A's device pulled %+v, %+v", reqs[req], ships[ship])
		}

		mustApply(t, db, w.a, &app.RequestPart{Request: app.PartRequest{ID: again, Ticket: w.ticketA.ID, Part: "SCR-1", Qty: 1, Urgency: app.UrgencyUrgent, To: "van-a"}})
		page, err := db.PartRequestsList(context.Background(), tenant, PartRequestFilter{State: RequestStateOpen, Limit: 10})
		if err != nil || len(page.Requests) != 1 || page.Requests[0].ID != again || page.Requests[0].TicketNumber != "FB-1" || page.Requests[0].ToName != "Van A" {
			t.Fatalf("open requests: %+v, %v", page, err)
		}

		// Withdrawn: by the technician's device, and by dispatch.
		mustApply(t, db, w.a, &app.CancelPartRequest{Request: again, Ticket: w.ticketA.ID, Reason: "fixed without it"})
		if r := requestOf(t, db, again); r.State != app.RequestCancelled || r.Reason != "fixed without it" || r.DecidedBy != "A" {
			t.Fatalf("cancelled by the device: %+v", r)
		}
		third := fid("req-3")
		mustAdmin(t, db, w.dispatch, &app.RequestPart{Request: app.PartRequest{ID: third, Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-a"}})
		mustAdmin(t, db, w.dispatch, &app.CancelPartRequest{Request: third, Ticket: w.ticketA.ID, Reason: "ordered twice"})
		reqs, _, _, _ = pullSupply(t, db, w.a)
		if reqs[again].State != app.RequestCancelled || reqs[third].State != app.RequestCancelled || reqs[third].RequestedBy != w.dispatch.Name {
			t.Fatalf("A's device pulled %+v and %+v", reqs[again], reqs[third])
		}
	})
}

// TestSupplyRefusals: what a device may not do with requests and
// shipments is refused into a conflict and changes nothing; what is not
// its business answers as what is not there.
func TestSupplyRefusals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newSupplyWorld(t, db)
		req, ship := fid("req-a"), "s-a"
		mustApply(t, db, w.a, &app.RequestPart{Request: app.PartRequest{ID: req, Ticket: w.ticketA.ID, Part: "SCR-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-a"}})
		mustAdmin(t, db, w.dispatch, &app.SendShipment{Shipment: app.Shipment{ID: ship, Kind: app.ShipmentSupply, From: "wh", To: "van-a",
			Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 1, Request: req}}}})
		// A defective screen in A's bin, for the returns.
		mustApply(t, db, w.a, &app.ReturnDefective{Movement: app.StockMovement{ID: fid("ret-a"), Part: "SCR-1", To: "bin-a", Qty: 1, Serial: "D-1", Ticket: w.ticketA.ID, At: testNow}})
		// A shipment A received already, whose receipt's ID is taken.
		mustAdmin(t, db, w.dispatch, &app.SendShipment{Shipment: app.Shipment{ID: "s-a2", Kind: app.ShipmentSupply, From: "wh", To: "van-a",
			Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 1}}}})
		mustApply(t, db, w.a, &app.ReceiveShipment{Shipment: "s-a2", Receipt: app.Receipt{ID: fid("rc-a2"), Lines: []app.ReceiptLine{{Part: "SCR-1", Qty: 1}}}})
		// A request still to decide.
		mustApply(t, db, w.a, &app.RequestPart{Request: app.PartRequest{ID: fid("req-c"), Ticket: w.ticketA.ID, Part: "SCR-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-a"}})
		ret := func(id string) app.Command {
			return &app.SendShipment{Shipment: app.Shipment{ID: id, Kind: app.ShipmentReturn, From: "bin-a", To: "wh", Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 1, Serial: "D-1", Ticket: w.ticketA.ID}}}}
		}
		for _, tc := range []struct {
			name string
			dev  Principal
			cmd  app.Command
			key  string
		}{
			{"receive a shipment to another's van", w.b, &app.ReceiveShipment{Shipment: ship, Receipt: app.Receipt{ID: fid("rc-b"), Lines: []app.ReceiptLine{{Part: "SCR-1", Qty: 1}}}}, "shipment.not_found"},
			{"receive a shipment that is not there", w.b, &app.ReceiveShipment{Shipment: "s-none", Receipt: app.Receipt{ID: fid("rc-none")}}, "shipment.not_found"},
			{"cancel another's request", w.b, &app.CancelPartRequest{Request: req, Ticket: w.ticketA.ID, Reason: "no"}, "central.not_found"},
			{"cancel a request under another ticket", w.b, &app.CancelPartRequest{Request: req, Ticket: w.ticketB.ID, Reason: "no"}, "part_request.not_found"},
			{"request for another's ticket", w.b, &app.RequestPart{Request: app.PartRequest{ID: fid("req-b"), Ticket: w.ticketA.ID, Part: "SCR-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-b"}}, "central.not_found"},
			{"request to another's van", w.a, &app.RequestPart{Request: app.PartRequest{ID: fid("req-x"), Ticket: w.ticketA.ID, Part: "SCR-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-b"}}, "stock.not_your_location"},
			{"request with a used ID", w.a, &app.RequestPart{Request: app.PartRequest{ID: req, Ticket: w.ticketA.ID, Part: "SCR-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-a"}}, "mutation.id_unusable"},
			{"decide a request", w.a, &app.DecidePartRequest{Request: req, Ticket: w.ticketA.ID, Decision: app.DecisionApprove}, "mutation.forbidden_role"},
			{"cancel a shipped request", w.a, &app.CancelPartRequest{Request: req, Ticket: w.ticketA.ID, Reason: "fixed"}, "part_request.not_cancellable"},
			{"ship supplies", w.a, &app.SendShipment{Shipment: app.Shipment{ID: fid("s-x"), Kind: app.ShipmentSupply, From: "van-a", To: "van-b", Lines: []app.ShipmentLine{{Part: "BAT-1", Qty: 1}}}}, "shipment.supply_dispatch_only"},
			{"return from another's bin", w.b, ret(fid("s-rb")), "stock.not_your_location"},
			{"a shipment ID that is not fresh", w.a, ret("s-a"), "mutation.id_unusable"},
			{"a receipt ID used before", w.a, &app.ReceiveShipment{Shipment: ship, Receipt: app.Receipt{ID: fid("rc-a2"), Lines: []app.ReceiptLine{{Part: "SCR-1", Qty: 1}}}}, "mutation.id_unusable"},
			{"a receipt ID that is not fresh", w.a, &app.ReceiveShipment{Shipment: ship, Receipt: app.Receipt{ID: "rc-1", Lines: []app.ReceiptLine{{Part: "SCR-1", Qty: 1}}}}, "mutation.id_unusable"},
			{"receive a shipment received already", w.a, &app.ReceiveShipment{Shipment: "s-a2", Receipt: app.Receipt{ID: fid("rc-a3")}}, "shipment.already_received"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := mustJSONc(db.dumpSupply(t))
				res := pushCmd(t, db, tc.dev, tc.cmd)
				if len(res.Rejected) != 1 || res.Rejected[0].Key != tc.key {
					t.Fatalf("rejections %+v, want one %s", res.Rejected, tc.key)
				}
				if after := mustJSONc(db.dumpSupply(t)); after != before {
					t.Fatalf("a refusal changed\n%s\ninto\n%s", before, after)
				}
			})
		}
		// Dispatch's refusals answer at once and change nothing.
		for _, tc := range []struct {
			name string
			cmd  app.Command
			key  string
		}{
			{"supplies out of a defective bin", &app.SendShipment{Shipment: app.Shipment{ID: "s-bad", Kind: app.ShipmentSupply, From: "bin-a", To: "van-a", Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 1}}}}, "shipment.defective_returns_only"},
			{"a return to a van", &app.SendShipment{Shipment: app.Shipment{ID: "s-van", Kind: app.ShipmentReturn, From: "bin-a", To: "van-b", Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 1}}}}, "shipment.return_to_van"},
			{"a substitute that does not fit", &app.DecidePartRequest{Request: fid("req-c"), Ticket: w.ticketA.ID, Decision: app.DecisionSubstitute, Part: "SCR-9", Reason: "x"}, "part_request.substitute_does_not_fit"},
			{"a request named with another ticket", &app.DecidePartRequest{Request: fid("req-c"), Ticket: w.ticketB.ID, Decision: app.DecisionApprove}, "part_request.not_found"},
			{"ship an undecided request elsewhere", &app.SendShipment{Shipment: app.Shipment{ID: "s-else", Kind: app.ShipmentSupply, From: "wh", To: "van-b", Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 1, Request: fid("req-c")}}}}, "shipment.request_elsewhere"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := mustJSONc(db.dumpSupply(t))
				if err := adminDo(t, db, w.dispatch, tc.cmd); app.AsError(err).Key != tc.key {
					t.Fatalf("error %v, want %s", err, tc.key)
				}
				if after := mustJSONc(db.dumpSupply(t)); after != before {
					t.Fatal("a refusal changed the records")
				}
			})
		}
		// A's own return leaves the bin and is in no balance on its way.
		mustApply(t, db, w.a, ret(fid("s-ra")))
		if bin := balance(t, db, "bin-a", "SCR-1"); bin != 0 {
			t.Fatalf("the bin holds %d after the return shipped", bin)
		}
		if _, ships, _, _ := pullSupply(t, db, w.a); ships[fid("s-ra")].Kind != app.ShipmentReturn {
			t.Fatalf("A's device does not see its return: %+v", ships)
		}
		// Another tenant's dispatch: the shipment is not there.
		if err := db.CreateTenant(ctx, "t2", "Other"); err != nil {
			t.Fatal(err)
		}
		tok, err := db.CreateAdminToken(ctx, "t2", "dispatch")
		if err != nil {
			t.Fatal(err)
		}
		other, err := db.Authenticate(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if err := adminDo(t, db, other, &app.ReceiveShipment{Shipment: ship, Receipt: app.Receipt{ID: "rc-t2"}}); app.AsError(err).Key != "shipment.not_found" {
			t.Fatalf("another tenant received: %v", err)
		}
		if _, err := db.Shipment(ctx, "t2", ship); app.AsError(err).Key != "shipment.not_found" {
			t.Fatalf("another tenant's view: %v", err)
		}
		if page, err := db.PartRequestsList(ctx, "t2", PartRequestFilter{Limit: 10}); err != nil || len(page.Requests) != 0 {
			t.Fatalf("another tenant lists %+v, %v", page, err)
		}
	})
}

// dumpSupply is what a refusal must leave as it was: the tenant's
// requests, shipments and balances.
func (db *DB) dumpSupply(t *testing.T) any {
	t.Helper()
	ctx := context.Background()
	reqs, err := db.PartRequestsList(ctx, tenant, PartRequestFilter{Limit: maxSupplyPage})
	if err != nil {
		t.Fatal(err)
	}
	ships, err := db.Shipments(ctx, tenant, ShipmentFilter{Limit: maxSupplyPage})
	if err != nil {
		t.Fatal(err)
	}
	bal, err := db.Balances(ctx, tenant, "")
	if err != nil {
		t.Fatal(err)
	}
	return []any{reqs, ships, bal}
}

// TestTwoDevicesReceiveOneShipment: C and D of one store both count the
// parcel offline; the first push is applied, the second becomes a
// conflict holding its count, and the shelf holds the first count only.
func TestTwoDevicesReceiveOneShipment(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newSupplyWorld(t, db)
		mustAdmin(t, db, w.dispatch, &app.SendShipment{Shipment: app.Shipment{ID: "s-st", Kind: app.ShipmentSupply, From: "wh", To: "shelf-1",
			Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 3}}}})
		for _, p := range []Principal{w.c, w.d} {
			if _, ships, _, _ := pullSupply(t, db, p); ships["s-st"].State != app.ShipmentInTransit {
				t.Fatalf("the store's device does not see the shipment: %+v", ships)
			}
		}
		mustApply(t, db, w.c, &app.ReceiveShipment{Shipment: "s-st", Receipt: app.Receipt{ID: fid("rc-c"), Lines: []app.ReceiptLine{{Part: "SCR-1", Qty: 3}}}})
		res := pushCmd(t, db, w.d, &app.ReceiveShipment{Shipment: "s-st", Receipt: app.Receipt{ID: fid("rc-d"), Lines: []app.ReceiptLine{{Part: "SCR-1", Qty: 2}, {Part: "BAT-1", Qty: 1}}}})
		if len(res.Rejected) != 1 || res.Rejected[0].Key != "shipment.already_received" {
			t.Fatalf("second receipt: %+v", res)
		}
		if shelf := balance(t, db, "shelf-1", "SCR-1"); shelf != 3 {
			t.Fatalf("the shelf holds %d, want the first count, 3", shelf)
		}
		if s := shipmentOf(t, db, "s-st"); s.Receipt == nil || s.Receipt.ID != fid("rc-c") || s.Receipt.By != "Chen Jing" {
			t.Fatalf("the receipt kept is %+v", s.Receipt)
		}
		cs, err := db.Conflicts(ctx, tenant, true)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(cs, func(c app.Conflict) bool { return c.ID == res.Rejected[0].Conflict })
		if i < 0 || cs[i].Technician != "tech-d" || cs[i].Kind != app.ConflictRejected {
			t.Fatalf("conflict %s not found among %+v", res.Rejected[0].Conflict, cs)
		}
		var ours app.ReceiveShipment
		if err := json.Unmarshal([]byte(cs[i].Ours), &ours); err != nil || ours.Receipt.ID != fid("rc-d") || len(ours.Receipt.Lines) != 2 || ours.Receipt.Lines[0].Qty != 2 {
			t.Fatalf("the conflict does not hold D's count: %q, %v", cs[i].Ours, err)
		}
		if !strings.Contains(cs[i].Message, "Chen Jing") {
			t.Fatalf("the conflict does not name who received it: %q", cs[i].Message)
		}
	})
}

// TestLikelyPartsReachTheTicketsDevices: a ticket's likely parts go to
// its technician's device, replace the list held, and move with the
// ticket when it is reassigned.
func TestLikelyPartsReachTheTicketsDevices(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newSupplyWorld(t, db)
		save := func(l app.LikelyParts) error {
			return db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
				return (&serverTx{db: db, tx: tx, tenant: tenant, version: version}).SaveLikelyParts(ctx, l)
			})
		}
		lp := app.LikelyParts{Ticket: w.ticketA.ID, Parts: []app.LikelyPart{{Part: "SCR-1", Probability: 0.6, Basis: app.BasisModel, Support: 12}}, At: testNow}
		if err := save(lp); err != nil {
			t.Fatal(err)
		}
		if err := save(app.LikelyParts{Ticket: w.ticketA.ID, Parts: []app.LikelyPart{{Part: "SCR-1", Probability: 1.5, Basis: app.BasisModel}}}); app.AsError(err).Key != "likely_parts.bad_probability" {
			t.Fatalf("a probability above 1: %v", err)
		}
		_, _, likely, _ := pullSupply(t, db, w.a)
		if got := likely[w.ticketA.ID]; len(got.Parts) != 1 || got.Parts[0].Probability != 0.6 {
			t.Fatalf("A's device pulled %+v", likely)
		}
		if _, _, likely, _ := pullSupply(t, db, w.b); len(likely) != 0 {
			t.Fatalf("B's device pulled A's ticket's likely parts: %+v", likely)
		}
		mustAdmin(t, db, w.dispatch, &app.AssignTicket{Ticket: w.ticketA.ID, Technician: "tech-b"})
		if _, _, likely, _ := pullSupply(t, db, w.b); len(likely[w.ticketA.ID].Parts) != 1 {
			t.Fatalf("the likely parts did not follow the ticket: %+v", likely)
		}
	})
}

// TestClaimShowsTheReturnShipment: a claim's returned part is shipped
// once a return shipment carries it, and the claim names that shipment,
// its carrier and tracking, in transit and then received.
func TestClaimShowsTheReturnShipment(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newClaimWorld(t, db)
		w.repairWithScreen(t, claimIn)
		w.push(t, act(app.ActionClose, claimIn, ""),
			&app.ReturnDefective{Movement: app.StockMovement{ID: fid("ret-1"), Part: screen, To: "bin-a", Qty: 1, Serial: "D-tk-in", Ticket: claimIn, At: testNow}})
		claim := func() ClaimPart {
			t.Helper()
			cs := allClaims(t, db, ClaimFilter{})
			if len(cs) != 1 {
				t.Fatalf("%d claims, want 1", len(cs))
			}
			c, err := db.Claim(ctx, tenant, cs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Evidence.Parts) != 1 {
				t.Fatalf("parts %+v", c.Evidence.Parts)
			}
			if c.Flags.DefectiveNotShipped == c.Evidence.Parts[0].Shipped {
				t.Fatalf("flag %v with the part shipped %v", c.Flags.DefectiveNotShipped, c.Evidence.Parts[0].Shipped)
			}
			return c.Evidence.Parts[0]
		}
		if p := claim(); p.Shipped || len(p.ReturnShipments) != 0 {
			t.Fatalf("in the bin, yet %+v", p)
		}
		ship := fid("ship-ret")
		w.push(t, &app.SendShipment{Shipment: app.Shipment{ID: ship, Kind: app.ShipmentReturn, From: "bin-a", To: "wh", Carrier: "SF Express", Tracking: "SF1234567999",
			Lines: []app.ShipmentLine{{Part: screen, Qty: 1, Serial: "D-tk-in", Ticket: claimIn}}}})
		want := ClaimShipment{ID: ship, Carrier: "SF Express", Tracking: "SF1234567999", State: app.ShipmentInTransit, At: testNow}
		if p := claim(); !p.Shipped || !slices.Equal(p.Shipments, []string{ship + "/1"}) || !slices.Equal(p.ReturnShipments, []ClaimShipment{want}) {
			t.Fatalf("shipped in a return, yet %+v", p)
		}
		w.dispatchDo(t, &app.ReceiveShipment{Shipment: ship, Receipt: app.Receipt{ID: "rc-wh", Lines: []app.ReceiptLine{{Part: screen, Qty: 1, Serial: "D-tk-in"}}, At: testNow.Add(48 * time.Hour)}})
		want.State, want.ReceivedAt = app.ShipmentReceived, testNow.Add(48*time.Hour)
		if p := claim(); !p.Shipped || !slices.Equal(p.ReturnShipments, []ClaimShipment{want}) {
			t.Fatalf("received at the warehouse, yet %+v", p)
		}
	})
}

// TestRequestReachesADeviceOnlyWithItsTicket: dispatch asks for a part to
// A's van for B's ticket; the shipment reaches A's device, the request
// does not (the device holds no request without its ticket) until the
// ticket is reassigned to A, and then comes with it.
func TestRequestReachesADeviceOnlyWithItsTicket(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newSupplyWorld(t, db)
		req := "req-for-b"
		mustAdmin(t, db, w.dispatch, &app.RequestPart{Request: app.PartRequest{ID: req, Ticket: w.ticketB.ID, Part: "SCR-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-a"}})
		mustAdmin(t, db, w.dispatch, &app.SendShipment{Shipment: app.Shipment{ID: "s-b", Kind: app.ShipmentSupply, From: "wh", To: "van-a",
			Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 1, Request: req}}}})
		reqs, ships, _, tickets := pullSupply(t, db, w.a)
		if _, ok := reqs[req]; ok || tickets[w.ticketB.ID] || ships["s-b"].State != app.ShipmentInTransit {
			t.Fatalf("A's device pulled requests %+v, tickets %v, shipments %+v", reqs, tickets, ships)
		}
		if reqs, _, _, _ := pullSupply(t, db, w.b); reqs[req].State != app.RequestShipped {
			t.Fatalf("B's device pulled %+v", reqs)
		}
		mustAdmin(t, db, w.dispatch, &app.AssignTicket{Ticket: w.ticketB.ID, Technician: "tech-a"})
		if reqs, _, _, tickets := pullSupply(t, db, w.a); reqs[req].State != app.RequestShipped || !tickets[w.ticketB.ID] {
			t.Fatalf("after the reassignment A's device pulled %+v, tickets %v", reqs, tickets)
		}
	})
}

// TestLoadDatasetWritesSupply: a world loaded as data (the demo's) keeps
// its part requests, shipments and likely parts, in their scopes; an
// invalid one refuses the load.
func TestLoadDatasetWritesSupply(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		ds := app.Dataset{
			PartRequests: []app.PartRequest{{ID: "pr-l", Ticket: w.ticketA.ID, Part: "SCR-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-a", State: app.RequestShipped, Shipment: "s-l", At: testNow}},
			Shipments: []app.Shipment{{ID: "s-l", Kind: app.ShipmentSupply, From: "wh", To: "van-a", State: app.ShipmentInTransit, At: testNow,
				Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 1, Request: "pr-l"}}}},
			LikelyParts: []app.LikelyParts{{Ticket: w.ticketA.ID, Parts: []app.LikelyPart{{Part: "SCR-1", Probability: 0.4, Basis: app.BasisModelSymptom, Support: 3}}, At: testNow}},
		}
		if err := db.LoadDataset(ctx, tenant, ds); err != nil {
			t.Fatal(err)
		}
		reqs, ships, likely, _ := pullSupply(t, db, w.a)
		if reqs["pr-l"].State != app.RequestShipped || ships["s-l"].State != app.ShipmentInTransit || len(likely[w.ticketA.ID].Parts) != 1 {
			t.Fatalf("A's device pulled %+v, %+v, %+v", reqs, ships, likely)
		}
		bad := app.Dataset{Shipments: []app.Shipment{{ID: "s-bad", Kind: app.ShipmentSupply, From: "wh", To: "wh", State: app.ShipmentInTransit,
			Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 1}}}}}
		if err := db.LoadDataset(ctx, tenant, bad); app.AsError(err).Key != "shipment.same_location" {
			t.Fatalf("an invalid shipment loaded: %v", err)
		}
		if _, err := db.Shipment(ctx, tenant, "s-bad"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("the refused load wrote its shipment: %v", err)
		}
	})
}

// TestReturnBeyondTheBinIsShippedWithAConflict: a device's return of more
// than its bin holds is applied (the parcel left) and raises a
// negative_stock conflict for the office, as a consumption does.
func TestReturnBeyondTheBinIsShippedWithAConflict(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newSupplyWorld(t, db)
		res := pushCmd(t, db, w.a, &app.SendShipment{Shipment: app.Shipment{ID: fid("s-over"), Kind: app.ShipmentReturn, From: "bin-a", To: "wh",
			Lines: []app.ShipmentLine{{Part: "SCR-1", Qty: 2}}}})
		if len(res.Rejected) != 0 {
			t.Fatalf("refused: %+v", res.Rejected)
		}
		if bin := balance(t, db, "bin-a", "SCR-1"); bin != -2 {
			t.Fatalf("the bin holds %d, want -2", bin)
		}
		cs, err := db.Conflicts(context.Background(), tenant, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Kind != app.ConflictNegativeStock || cs[0].Technician != "tech-a" {
			t.Fatalf("conflicts %+v", cs)
		}
	})
}
