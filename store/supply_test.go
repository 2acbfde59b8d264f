package store

import (
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// The supply chain as the device sees it: Ana asks for two P50 batteries
// for T4, the office approves and ships them from the warehouse, Ana
// receives them into her van.
const (
	warehouse app.LocationID = "wh-sh"
	tracking                 = "SF1234567890"
)

var (
	dispatcher = app.Actor{Role: app.RoleDispatcher, Name: "Dispatch"}
	decidedAt  = storetest.Now.Add(time.Hour)
	shippedAt  = storetest.Now.Add(2 * time.Hour)
	receivedAt = storetest.Now.Add(26 * time.Hour)
)

// newSupplyReplica is a replica that also knows the warehouse.
func newSupplyReplica(t *testing.T) *replica {
	r := newReplica(t)
	r.apply(app.PullPage{Epoch: "e1", Cursor: "c0", Data: app.Dataset{
		Locations: []app.Location{{ID: warehouse, Kind: app.LocationWarehouse, Name: "Shanghai warehouse"}}}})
	return r
}

// askBatteries is Ana's request pr-1, as she commits it.
func askBatteries() app.Command {
	return &app.RequestPart{Request: app.PartRequest{ID: "pr-1", Ticket: storetest.T4, Part: storetest.BatteryP50, Qty: 2,
		Urgency: app.UrgencyUrgent, To: storetest.VanAna, Note: "customer waits"}}
}

// serverRequest is pr-1 as the server sends it in state st.
func serverRequest(st app.RequestState) app.PartRequest {
	r := app.PartRequest{ID: "pr-1", Ticket: storetest.T4, Part: storetest.BatteryP50, Qty: 2, Urgency: app.UrgencyUrgent,
		To: storetest.VanAna, Note: "customer waits", RequestedBy: "Ana Li", At: storetest.Now, State: st}
	if st != app.RequestRequested {
		r.DecidedBy, r.DecidedAt = dispatcher.Name, decidedAt
	}
	if st == app.RequestShipped || st == app.RequestReceived {
		r.Shipment = "sh-1"
	}
	return r
}

// serverShipment is sh-1 in transit, as the server sends it.
func serverShipment() app.Shipment {
	return app.Shipment{ID: "sh-1", Kind: app.ShipmentSupply, From: warehouse, To: storetest.VanAna, Carrier: "SF Express",
		Tracking: tracking, Lines: []app.ShipmentLine{{Part: storetest.BatteryP50, Qty: 2, Request: "pr-1", Ticket: storetest.T4}},
		State: app.ShipmentInTransit, At: shippedAt, By: dispatcher.Name}
}

// shipPage is the page of the office's shipment: the shipment, its ship
// movement and the request it carries.
func shipPage(acked int64) app.PullPage {
	return app.PullPage{Epoch: "e1", Acked: acked, Cursor: "c2", Complete: true, At: shippedAt, Data: app.Dataset{
		Shipments:    []app.Shipment{serverShipment()},
		PartRequests: []app.PartRequest{serverRequest(app.RequestShipped)},
		Movements: []app.StockMovement{{ID: "sh-1/1", Kind: app.MoveShip, Part: storetest.BatteryP50, From: warehouse, Qty: 2,
			Ticket: storetest.T4, Shipment: "sh-1", At: shippedAt, Recorded: dispatcher.Name}}}}
}

// receiveBatteries is Ana's receipt of what arrived.
func receiveBatteries(qty int) app.Command {
	return &app.ReceiveShipment{Shipment: "sh-1", Receipt: app.Receipt{ID: "rc-1", Lines: []app.ReceiptLine{{Part: storetest.BatteryP50, Qty: qty}}}}
}

// received is sh-1 as a receipt of qty batteries by whom leaves it.
func received(qty int, by string) app.Shipment {
	s := serverShipment()
	rc := app.Receipt{ID: "rc-1", Lines: []app.ReceiptLine{{Part: storetest.BatteryP50, Qty: qty}}, At: receivedAt, By: by}
	rc.Differences = app.Differences(s.Lines, rc.Lines)
	s.State, s.Receipt = app.ShipmentReceived, &rc
	return s
}

// supplyRows is what the device shows of the supply chain, as JSON: T4's
// requests, the open requests, sh-1, and the van's batteries.
func (r *replica) supplyRows() string {
	r.t.Helper()
	ctx := r.t.Context()
	s := NewSupplyService(r.db)
	reqs, err := s.PartRequests(ctx, storetest.T4)
	if err != nil {
		r.t.Fatal(err)
	}
	open, err := s.OpenPartRequests(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	sh, err := s.FindShipment(ctx, "sh-1")
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		r.t.Fatal(err)
	}
	b, err := json.Marshal([]any{reqs, open, sh, r.balance(storetest.VanAna, storetest.BatteryP50)})
	if err != nil {
		r.t.Fatal(err)
	}
	return string(b)
}

func (r *replica) request(id string) app.PartRequest {
	r.t.Helper()
	var data []byte
	if err := r.db.read.QueryRow(`SELECT data FROM part_requests WHERE id = ?`, id).Scan(&data); err != nil {
		r.t.Fatalf("request %s: %v", id, err)
	}
	req, err := decodeRequest(data)
	if err != nil {
		r.t.Fatal(err)
	}
	return req
}

func (r *replica) shipment(code string) app.Shipment {
	r.t.Helper()
	s, err := NewSupplyService(r.db).FindShipment(r.t.Context(), code)
	if err != nil {
		r.t.Fatalf("FindShipment(%q): %v", code, err)
	}
	return s
}

// sameBase reports whether every part request's and shipment's view is
// its server copy.
func (r *replica) sameBase() bool {
	return r.count(`SELECT (SELECT count(*) FROM part_requests WHERE base IS NULL OR base <> data)
		+ (SELECT count(*) FROM shipments WHERE base IS NULL OR base <> data)`) == 0
}

// TestSupplyFlow: request -> decided -> shipped -> received on the
// device -> pending -> acknowledged, with the views at each step, and a
// rebase of the pending receipt on a freshly pulled shipment.
func TestSupplyFlow(t *testing.T) {
	r := newSupplyReplica(t)
	ctx := t.Context()
	supply := NewSupplyService(r.db)
	before := r.balance(storetest.VanAna, storetest.BatteryP50)

	m1 := r.commit(ana, askBatteries())
	if got := r.request("pr-1"); got.State != app.RequestRequested || got.RequestedBy != "Ana Li" || !got.At.Equal(storetest.Now) {
		t.Fatalf("request after commit = %+v", got)
	}
	wantSeqs(t, "pending after the request", r.pending(), m1.Seq)

	// The office approves: the page acknowledges the request and sends
	// the decided copy.
	r.apply(app.PullPage{Epoch: "e1", Acked: m1.Seq, Cursor: "c1", Complete: true, At: decidedAt,
		Data: app.Dataset{PartRequests: []app.PartRequest{serverRequest(app.RequestApproved)}}})
	if got := r.request("pr-1"); got.State != app.RequestApproved || got.DecidedBy != dispatcher.Name || !r.sameBase() {
		t.Fatalf("request after the decision = %+v (view is base: %v)", got, r.sameBase())
	}
	wantSeqs(t, "pending after the decision", r.pending())

	// The office ships: the shipment is found by its tracking number,
	// spaced and in lower case, as a scanner or a thumb gives it.
	r.apply(shipPage(m1.Seq))
	for _, code := range []string{"sh-1", "SH-1", " " + tracking + " ", "sf1234567890"} {
		if s := r.shipment(code); s.ID != "sh-1" || s.State != app.ShipmentInTransit {
			t.Errorf("FindShipment(%q) = %+v", code, s)
		}
	}
	if got := r.request("pr-1"); got.State != app.RequestShipped || got.Shipment != "sh-1" {
		t.Errorf("request after shipping = %+v", got)
	}
	if b := r.balance(storetest.VanAna, storetest.BatteryP50); b != before {
		t.Errorf("van batteries while in transit = %v, want %v", b, before)
	}
	if b := r.balance(warehouse, storetest.BatteryP50); b != [2]int{-2, 0} {
		t.Errorf("warehouse batteries after the ship movement = %v, want -2 (it never received any here)", b)
	}

	// Ana receives one battery: the request is short, the van holds one
	// more, pending.
	r.now = receivedAt
	m2 := r.commit(ana, receiveBatteries(1))
	wantSeqs(t, "pending after the receipt", r.pending(), m2.Seq)
	if b := r.balance(storetest.VanAna, storetest.BatteryP50); b != [2]int{before[0] + 1, 1} {
		t.Errorf("van batteries after the receipt = %v, want %d with 1 pending", b, before[0]+1)
	}
	got := r.shipment("sh-1")
	wantDiff := []app.Difference{{Kind: app.DifferenceShort, Part: storetest.BatteryP50, Shipped: 2, Received: 1}}
	if got.State != app.ShipmentReceived || got.Receipt == nil || got.Receipt.By != "Ana Li" || !got.Receipt.At.Equal(receivedAt) ||
		len(got.Receipt.Differences) != 1 || got.Receipt.Differences[0] != wantDiff[0] {
		t.Errorf("shipment after the receipt = %+v, receipt %+v", got, got.Receipt)
	}
	if req := r.request("pr-1"); req.State != app.RequestShort || req.Received != 1 {
		t.Errorf("request after the receipt = %+v, want short with 1", req)
	}
	arr, err := NewPartService(r.db).Arrivals(ctx, storetest.VanAna, []app.PartNumber{storetest.BatteryP50}, 1)
	if err != nil || len(arr) != 1 || arr[0].ID != "rc-1/1" || arr[0].Shipment != "sh-1" || arr[0].Kind != app.MoveReceive {
		t.Errorf("latest arrival = %+v, %v; want rc-1/1 of sh-1", arr, err)
	}
	ins, err := supply.Shipments(ctx, []app.LocationID{storetest.VanAna}, 10)
	if err != nil || len(ins) != 1 || ins[0].State != app.ShipmentReceived {
		t.Errorf("Shipments(van) = %+v, %v; want sh-1 received", ins, err)
	}

	// A pull before the server has the receipt sends the shipment in
	// transit again: the rebase replays the receipt on it, at the time it
	// was made, and the rows are as before the pull.
	want := r.supplyRows()
	for i := range 2 {
		r.now = receivedAt.Add(time.Duration(i+1) * time.Hour)
		page := shipPage(m1.Seq)
		page.Complete = false
		r.apply(page)
		if rows := r.supplyRows(); rows != want {
			t.Errorf("pull %d over the pending receipt:\n  %s\nwant\n  %s", i, rows, want)
		}
		wantSeqs(t, "pending after a pull", r.pending(), m2.Seq)
	}

	// The server takes the receipt and sends its copies.
	serverReq := serverRequest(app.RequestShort)
	serverReq.Shipment, serverReq.Received, serverReq.ReceivedAt = "sh-1", 1, receivedAt
	r.apply(app.PullPage{Epoch: "e1", Acked: m2.Seq, Cursor: "c3", Complete: true, At: receivedAt,
		Data: app.Dataset{Shipments: []app.Shipment{received(1, "Ana Li")}, PartRequests: []app.PartRequest{serverReq},
			Movements: []app.StockMovement{{ID: "rc-1/1", Kind: app.MoveReceive, Part: storetest.BatteryP50, To: storetest.VanAna,
				Qty: 1, Shipment: "sh-1", At: receivedAt, Recorded: "Ana Li"}}}})
	wantSeqs(t, "pending after the acknowledgement", r.pending())
	if b := r.balance(storetest.VanAna, storetest.BatteryP50); b != [2]int{before[0] + 1, 0} {
		t.Errorf("van batteries after the acknowledgement = %v, want %d, none pending", b, before[0]+1)
	}
	if !r.sameBase() {
		t.Errorf("a view differs from the server's copy after the acknowledgement")
	}
	if open, err := supply.OpenPartRequests(ctx); err != nil || len(open) != 0 {
		t.Errorf("open requests after a short receipt = %+v, %v; want none (short is not open)", open, err)
	}
}

// TestSupplyRefused: what the server refuses leaves the server's copy in
// the view, and the refused work whole in its conflict; the local receive
// movements of a refused receipt go.
func TestSupplyRefused(t *testing.T) {
	t.Parallel()
	conflict := func(m app.Mutation, key string) app.Conflict {
		return app.Conflict{ID: "cf-" + m.ID, Kind: app.ConflictRejected, Ticket: app.TicketOf(mustDecode(t, m)), Mutation: m.ID,
			Name: m.FullName(), Ours: string(m.Args), Code: app.ECONFLICT, Key: key, Message: key, At: receivedAt}
	}
	for name, tc := range map[string]struct {
		// setup brings the replica to where the refused mutation is
		// committed; it returns the mutation's seq and ID.
		setup func(r *replica) app.Mutation
		// page is the server's answer besides the conflict.
		page app.Dataset
		key  string
		// check looks at the rows after the answer.
		check func(t *testing.T, r *replica)
	}{
		// Bo's device received sh-1 first: the page brings his receipt.
		"ReceivedByAnother": {
			setup: func(r *replica) app.Mutation {
				r.apply(shipPage(0))
				r.now = receivedAt
				return r.commit(ana, receiveBatteries(2))
			},
			page: app.Dataset{Shipments: []app.Shipment{received(2, "Bo Chen")}},
			key:  "shipment.already_received",
			check: func(t *testing.T, r *replica) {
				if s := r.shipment(tracking); s.Receipt == nil || s.Receipt.By != "Bo Chen" {
					t.Errorf("shipment = %+v; want Bo's receipt", s.Receipt)
				}
				if req := r.request("pr-1"); req.State != app.RequestShipped || req.Received != 0 {
					t.Errorf("request = %+v; want the server's, shipped", req)
				}
			},
		},
		// Refused with nothing new from the server: the view returns to
		// the copy it had, in transit.
		"ReceiveRefusedAlone": {
			setup: func(r *replica) app.Mutation {
				r.apply(shipPage(0))
				r.now = receivedAt
				return r.commit(ana, receiveBatteries(2))
			},
			key: "shipment.not_found",
			check: func(t *testing.T, r *replica) {
				if s := r.shipment(tracking); s.State != app.ShipmentInTransit || s.Receipt != nil {
					t.Errorf("shipment = %+v; want the server's copy, in transit", s)
				}
				if req := r.request("pr-1"); req.State != app.RequestShipped {
					t.Errorf("request = %+v; want shipped", req)
				}
			},
		},
		// A request the server refused (the ticket was closed meanwhile)
		// was never on the server: it goes.
		"RequestRefused": {
			setup: func(r *replica) app.Mutation { return r.commit(ana, askBatteries()) },
			key:   "part_request.ticket_not_open",
			check: func(t *testing.T, r *replica) {
				if n := r.count(`SELECT count(*) FROM part_requests`); n != 0 {
					t.Errorf("%d requests after the refusal, want none", n)
				}
			},
		},
		// A cancellation refused (the request shipped meanwhile) comes
		// back as shipped, as the server sends it.
		"CancelRefused": {
			setup: func(r *replica) app.Mutation {
				r.apply(app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{PartRequests: []app.PartRequest{serverRequest(app.RequestApproved)}}})
				return r.commit(ana, &app.CancelPartRequest{Request: "pr-1", Ticket: storetest.T4, Reason: "found one"})
			},
			page: app.Dataset{PartRequests: []app.PartRequest{serverRequest(app.RequestShipped)}},
			key:  "part_request.not_cancellable",
			check: func(t *testing.T, r *replica) {
				if req := r.request("pr-1"); req.State != app.RequestShipped {
					t.Errorf("request = %+v; want shipped", req)
				}
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := newSupplyReplica(t)
			before := r.balance(storetest.VanAna, storetest.BatteryP50)
			m := tc.setup(r)
			page := tc.page
			cf := conflict(m, tc.key)
			page.Conflicts = []app.Conflict{cf}
			r.apply(app.PullPage{Epoch: "e1", Acked: m.Seq, Cursor: "c9", Complete: true, At: receivedAt, Data: page})
			tc.check(t, r)
			wantSeqs(t, "pending", r.pending())
			if b := r.balance(storetest.VanAna, storetest.BatteryP50); b != before {
				t.Errorf("van batteries = %v, want %v as before the refused work", b, before)
			}
			if n := r.count(`SELECT count(*) FROM movements WHERE outbox_seq IS NOT NULL`); n != 0 {
				t.Errorf("%d local movements left after the refusal", n)
			}
			if !r.sameBase() {
				t.Errorf("a view differs from the server's copy after the refusal")
			}
			cfs, err := r.db.OpenConflicts(t.Context())
			if err != nil || len(cfs) != 1 || cfs[0].Ours != string(m.Args) || cfs[0].Mutation != m.ID {
				t.Errorf("conflicts = %+v, %v; want the refused work whole", cfs, err)
			}
		})
	}
}

func mustDecode(t *testing.T, m app.Mutation) app.Command {
	t.Helper()
	cmd, err := app.DecodeMutation(m)
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestSupplyResetAndWipe: a reset drops the server's requests, shipments
// and likely parts but keeps a request still to be sent; Wipe drops all.
func TestSupplyResetAndWipe(t *testing.T) {
	r := newSupplyReplica(t)
	r.apply(shipPage(0))
	r.apply(app.PullPage{Epoch: "e1", Cursor: "c3", Data: app.Dataset{LikelyParts: []app.LikelyParts{
		{Ticket: storetest.T1, Parts: []app.LikelyPart{{Part: storetest.BatteryP50, Probability: 0.7, Basis: app.BasisModel, Support: 30}}}}}})
	r.commit(ana, &app.RequestPart{Request: app.PartRequest{ID: "pr-2", Ticket: storetest.T2, Part: storetest.DisplayP50, Qty: 1,
		Urgency: app.UrgencyNormal, To: storetest.VanAna}})
	r.apply(app.PullPage{Epoch: "e2", Reset: true, Cursor: "d0"})
	for q, want := range map[string]int{
		`SELECT count(*) FROM part_requests WHERE id = 'pr-1'`:                  0,
		`SELECT count(*) FROM part_requests WHERE id = 'pr-2' AND base IS NULL`: 1,
		`SELECT count(*) FROM shipments`:                                        0,
		`SELECT count(*) FROM likely_parts`:                                     0,
	} {
		if n := r.count(q); n != want {
			t.Errorf("after the reset, %s = %d, want %d", q, n, want)
		}
	}
	// The new epoch sends the tickets and the shipment again.
	page := shipPage(0)
	page.Epoch, page.Data.Tickets = "e2", storetest.World().Tickets
	r.apply(page)
	if n := r.count(`SELECT count(*) FROM part_requests`); n != 2 {
		t.Fatalf("%d requests before Wipe, want 2", n)
	}
	if err := r.db.Wipe(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"part_requests", "shipments", "likely_parts"} {
		if n := r.count(`SELECT count(*) FROM ` + table); n != 0 {
			t.Errorf("%s has %d rows after Wipe", table, n)
		}
	}
}

// TestSupplyLoad: bad lists are refused whole; a likely list of a ticket
// not on the device is skipped; a ticket's list replaces the one held.
func TestSupplyLoad(t *testing.T) {
	r := newSupplyReplica(t)
	ctx := t.Context()
	noID := serverShipment()
	noID.ID = ""
	for name, ds := range map[string]app.Dataset{
		"request without ID":           {PartRequests: []app.PartRequest{{Ticket: storetest.T4}}},
		"request without ticket":       {PartRequests: []app.PartRequest{{ID: "pr-x"}}},
		"request of a ticket not here": {PartRequests: []app.PartRequest{{ID: "pr-x", Ticket: "t-nope", State: app.RequestRequested}}},
		"shipment without ID":          {Shipments: []app.Shipment{noID}},
		"likely without ticket":        {LikelyParts: []app.LikelyParts{{}}},
	} {
		// Written before the bad row, and rolled back with it.
		ds.Locations = []app.Location{{ID: "loc-new", Kind: app.LocationStore, Name: "New"}}
		ds.Shipments = append([]app.Shipment{serverShipment()}, ds.Shipments...)
		if err := r.db.Load(ctx, ds); app.ErrorCode(err) == "" {
			t.Errorf("%s: Load = %v, want an error", name, err)
		}
		if n := r.count(`SELECT (SELECT count(*) FROM shipments) + (SELECT count(*) FROM locations WHERE id = 'loc-new')`); n != 0 {
			t.Errorf("%s: the refused load wrote %d rows", name, n)
		}
	}
	supply := NewSupplyService(r.db)
	list := func(p float64) app.LikelyParts {
		return app.LikelyParts{Ticket: storetest.T1, At: storetest.Now, Parts: []app.LikelyPart{{Part: storetest.BatteryP50, Probability: p, Basis: app.BasisModelSymptom, Support: 12}}}
	}
	if err := r.db.Load(ctx, app.Dataset{LikelyParts: []app.LikelyParts{list(0.5), {Ticket: "t-nope", Parts: list(0.9).Parts}}}); err != nil {
		t.Fatal(err)
	}
	if err := r.db.Load(ctx, app.Dataset{LikelyParts: []app.LikelyParts{list(0.75)}}); err != nil {
		t.Fatal(err)
	}
	got, err := supply.LikelyParts(ctx, storetest.T1)
	if err != nil || len(got.Parts) != 1 || got.Parts[0].Probability != 0.75 || got.Ticket != storetest.T1 {
		t.Errorf("LikelyParts(T1) = %+v, %v; want the second list", got, err)
	}
	if got, err := supply.LikelyParts(ctx, storetest.T8); err != nil || got.Ticket != storetest.T8 || got.Parts == nil || len(got.Parts) != 0 {
		t.Errorf("LikelyParts(T8) = %+v, %v; want an empty list", got, err)
	}
	if n := r.count(`SELECT count(*) FROM likely_parts`); n != 1 {
		t.Errorf("%d likely lists held, want 1 (none for a ticket not here)", n)
	}
	if _, err := supply.FindShipment(ctx, "  "); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("FindShipment(blank) = %v, want not found", err)
	}
}

// TestShipments: in transit first, oldest first, then the latest
// received, at most limit, for the given locations only.
func TestShipments(t *testing.T) {
	r := newSupplyReplica(t)
	ship := func(id string, from, to app.LocationID, at time.Time, recv time.Time) app.Shipment {
		s := serverShipment()
		s.ID, s.From, s.To, s.At, s.Tracking = id, from, to, at, ""
		if !recv.IsZero() {
			s.State, s.Receipt = app.ShipmentReceived, &app.Receipt{ID: "rc-" + id, At: recv, Lines: []app.ReceiptLine{}}
		}
		return s
	}
	h := func(n int) time.Time { return storetest.Now.Add(time.Duration(n) * time.Hour) }
	r.apply(app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{Shipments: []app.Shipment{
		ship("a-late", warehouse, storetest.VanAna, h(5), time.Time{}),
		ship("b-early", warehouse, storetest.VanAna, h(1), time.Time{}),
		ship("c-old", warehouse, storetest.VanAna, h(0), h(2)),
		ship("d-new", warehouse, storetest.VanAna, h(0), h(8)),
		ship("e-return", storetest.DefectSH, warehouse, h(3), time.Time{}),
		ship("f-store", warehouse, storetest.StoreSH, h(2), time.Time{}),
	}}})
	for _, tc := range []struct {
		locs  []app.LocationID
		limit int
		want  []string
	}{
		{[]app.LocationID{storetest.VanAna}, 10, []string{"b-early", "a-late", "d-new", "c-old"}},
		{[]app.LocationID{storetest.VanAna}, 3, []string{"b-early", "a-late", "d-new"}},
		{[]app.LocationID{storetest.VanAna}, 1, []string{"b-early"}},
		{[]app.LocationID{storetest.VanAna}, 0, []string{"b-early"}},
		{[]app.LocationID{storetest.VanAna, storetest.DefectSH, storetest.VanAna}, 10, []string{"b-early", "e-return", "a-late", "d-new", "c-old"}},
		{[]app.LocationID{warehouse}, 2, []string{"b-early", "f-store"}},
		{nil, 10, []string{}},
		{[]app.LocationID{"nowhere"}, 10, []string{}},
	} {
		got, err := NewSupplyService(r.db).Shipments(t.Context(), tc.locs, tc.limit)
		ids := []string{}
		for _, s := range got {
			ids = append(ids, s.ID)
		}
		if err != nil || !equalStrings(ids, tc.want) {
			t.Errorf("Shipments(%v, %d) = %v, %v; want %v", tc.locs, tc.limit, ids, err, tc.want)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestLoadList on a hand-made day: Ana's T1 today (battery likely, the
// display less so, the door seal too unlikely to load), T3 tomorrow (the
// battery and a door seal), T6 yesterday and Bo's T7 today (left out of
// Ana's list); the van holds 3 batteries and a display.
func TestLoadList(t *testing.T) {
	r := newSupplyReplica(t)
	lp := func(id app.TicketID, parts ...app.LikelyPart) app.LikelyParts {
		return app.LikelyParts{Ticket: id, At: storetest.Now, Parts: parts}
	}
	p := func(n app.PartNumber, prob float64) app.LikelyPart {
		return app.LikelyPart{Part: n, Probability: prob, Basis: app.BasisModel, Support: 20}
	}
	r.apply(app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{LikelyParts: []app.LikelyParts{
		lp(storetest.T1, p(storetest.BatteryP50, 0.8), p(storetest.DisplayP50, 0.3), p(storetest.DoorSeal, 0.1)),
		lp(storetest.T3, p(storetest.BatteryP50, 0.6), p(storetest.DoorSeal, 0.5)),
		lp(storetest.T6, p(storetest.KeyboardX1, 0.9)),
		lp(storetest.T7, p(storetest.DrainPump, 0.9)),
	}}})
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	type line struct {
		part    app.PartNumber
		tickets int
		inVan   int
		toLoad  int
	}
	for _, tc := range []struct {
		name     string
		tech     app.TechnicianID
		from, to time.Time
		want     []line
		key      string
	}{
		{"today", storetest.Ana, day, day.AddDate(0, 0, 1), []line{{storetest.BatteryP50, 1, 3, 0}, {storetest.DisplayP50, 1, 1, 0}}, ""},
		{"two days", storetest.Ana, day, day.AddDate(0, 0, 2),
			[]line{{storetest.DoorSeal, 1, 0, 1}, {storetest.BatteryP50, 2, 3, 0}, {storetest.DisplayP50, 1, 1, 0}}, ""},
		{"yesterday", storetest.Ana, day.AddDate(0, 0, -1), day, []line{{storetest.KeyboardX1, 1, 0, 1}}, ""},
		{"Bo today", storetest.Bo, day, day.AddDate(0, 0, 1), []line{{storetest.DrainPump, 1, 0, 1}}, ""},
		{"no tickets", storetest.Ana, day.AddDate(0, 0, 5), day.AddDate(0, 0, 6), []line{}, ""},
		{"backwards", storetest.Ana, day, day, nil, "supply.load_period"},
		{"too long", storetest.Ana, day, day.AddDate(0, 0, maxLoadListDays+1), nil, "supply.load_period"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewSupplyService(r.db).LoadList(t.Context(), tc.tech, storetest.VanAna, tc.from, tc.to)
			if tc.key != "" {
				if e := app.AsError(err); e == nil || e.Key != tc.key || e.Code != app.EINVALID {
					t.Fatalf("LoadList = %v, want %s", err, tc.key)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			lines := []line{}
			for _, l := range got {
				lines = append(lines, line{l.Part, len(l.Tickets), l.InVan, l.ToLoad})
			}
			if len(lines) != len(tc.want) {
				t.Fatalf("LoadList = %+v, want %+v", lines, tc.want)
			}
			for i := range lines {
				if lines[i] != tc.want[i] {
					t.Errorf("line %d = %+v, want %+v", i, lines[i], tc.want[i])
				}
			}
		})
	}
}

// TestSupplyKeptAcrossReopen: a request, a receipt and their movements
// committed on a store file are there after the file is closed and
// opened again, with nothing pending lost.
func TestSupplyKeptAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	db := mustOpenPath(t, path, WithClock(fixedClock(storetest.Now)))
	ctx := t.Context()
	r := &replica{t: t, db: db, now: storetest.Now}
	r.apply(app.PullPage{Epoch: "e1", Data: storetest.World(), Cursor: "c0", Complete: true, At: storetest.Now})
	r.apply(app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{Locations: []app.Location{{ID: warehouse, Kind: app.LocationWarehouse, Name: "W"}}}})
	r.apply(shipPage(0))
	r.commit(ana, receiveBatteries(2))
	want := r.supplyRows()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	r.db = mustOpenPath(t, path, WithClock(fixedClock(storetest.Now)))
	if got := r.supplyRows(); got != want {
		t.Errorf("after reopening:\n  %s\nwant\n  %s", got, want)
	}
	if n, err := NewOutbox(r.db).PendingCount(ctx); err != nil || n != 1 {
		t.Errorf("pending after reopening = %d, %v; want the receipt", n, err)
	}
	var kept int
	if err := r.db.read.QueryRow(`SELECT count(*) FROM movements WHERE shipment = 'sh-1' AND kind = 'receive'`).Scan(&kept); err != nil || kept != 1 {
		t.Errorf("receive movements of sh-1 after reopening = %d, %v; want 1", kept, err)
	}
}

// TestPendingCancelOverPulledRequest: the office changes a request (its
// reason) while Ana's cancellation waits; the page carries the request
// without its ticket. The cancellation is replayed on the server's copy:
// Ana sees it cancelled, with the server's copy kept as base.
func TestPendingCancelOverPulledRequest(t *testing.T) {
	r := newSupplyReplica(t)
	r.apply(app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{PartRequests: []app.PartRequest{serverRequest(app.RequestApproved)}}})
	m := r.commit(ana, &app.CancelPartRequest{Request: "pr-1", Ticket: storetest.T4, Reason: "found one"})
	changed := serverRequest(app.RequestApproved)
	changed.Reason = "ships Monday"
	for range 2 {
		r.apply(app.PullPage{Epoch: "e1", Cursor: "c2", Data: app.Dataset{PartRequests: []app.PartRequest{changed}}})
		if got := r.request("pr-1"); got.State != app.RequestCancelled || got.Reason != "found one" || !got.DecidedAt.Equal(storetest.Now) {
			t.Errorf("request = %+v; want cancelled by the pending mutation, as of its commit", got)
		}
		wantSeqs(t, "pending", r.pending(), m.Seq)
	}
	var base string
	if err := r.db.read.QueryRow(`SELECT base FROM part_requests WHERE id = 'pr-1'`).Scan(&base); err != nil {
		t.Fatal(err)
	}
	if b, err := decodeRequest([]byte(base)); err != nil || b.Reason != "ships Monday" || b.State != app.RequestApproved {
		t.Errorf("base = %+v, %v; want the server's copy", b, err)
	}
}

// TestReturnShipmentLeavesBin: a return shipment's ship movement takes
// the part out of the defective bin (in transit, in no location), and the
// shipment is listed with the bin's.
func TestReturnShipmentLeavesBin(t *testing.T) {
	r := newSupplyReplica(t)
	ctx := t.Context()
	r.commit(ana, &app.ReturnDefective{Movement: app.StockMovement{ID: "d-1", Part: storetest.BatteryP50, To: storetest.DefectSH, Qty: 1, Ticket: storetest.T2}})
	if b := r.balance(storetest.DefectSH, storetest.BatteryP50); b != [2]int{1, 1} {
		t.Fatalf("bin after the return = %v, want 1 pending", b)
	}
	m := r.commit(dispatcher, &app.SendShipment{Shipment: app.Shipment{ID: "ret-1", Kind: app.ShipmentReturn, From: storetest.DefectSH, To: warehouse,
		Lines: []app.ShipmentLine{{Part: storetest.BatteryP50, Qty: 1}}}})
	for _, loc := range []app.LocationID{storetest.DefectSH, warehouse} {
		if b := r.balance(loc, storetest.BatteryP50); b != [2]int{} {
			t.Errorf("%s after the return shipment = %v, want nothing (in transit)", loc, b)
		}
	}
	got, err := NewSupplyService(r.db).Shipments(ctx, []app.LocationID{storetest.DefectSH}, 5)
	if err != nil || len(got) != 1 || got[0].ID != "ret-1" || got[0].State != app.ShipmentInTransit || got[0].By != dispatcher.Name {
		t.Errorf("Shipments(bin) = %+v, %v; want ret-1 in transit", got, err)
	}
	if n := r.count(`SELECT count(*) FROM movements WHERE kind = 'ship' AND shipment = 'ret-1' AND from_loc = ? AND to_loc IS NULL AND outbox_seq = ?`,
		string(storetest.DefectSH), m.Seq); n != 1 {
		t.Errorf("%d ship movements of ret-1 from the bin, want 1", n)
	}
}

// TestFindShipment: a code matches an ID or a tracking number, trimmed
// and in any case; an ID wins over a tracking
// number, then the latest shipped.
func TestFindShipment(t *testing.T) {
	r := newSupplyReplica(t)
	ship := func(id, tracking string, h int) app.Shipment {
		s := serverShipment()
		s.ID, s.Tracking, s.At = id, tracking, storetest.Now.Add(time.Duration(h)*time.Hour)
		return s
	}
	r.apply(app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{Shipments: []app.Shipment{
		ship("sh-old", "JD0001", 1),
		ship("sh-new", "JD0001", 2),
		ship("sh-x", "sh-old", 3), // a tracking number equal to another's ID
		ship("Sh-Mixed", "", 0),
	}}})
	for _, tc := range []struct {
		code, want string // want "" for not found
	}{
		{"sh-old", "sh-old"},
		{" SH-OLD\t", "sh-old"},
		{"jd0001", "sh-new"},
		{"  JD0001 ", "sh-new"},
		{"Sh-Mixed", "Sh-Mixed"},
		{"sh-mixed", "Sh-Mixed"},
		{"SH-X", "sh-x"},
		{"JD0002", ""},
		{"", ""},
		{strings.Repeat("x", 300), ""},
	} {
		got, err := NewSupplyService(r.db).FindShipment(t.Context(), tc.code)
		if tc.want == "" {
			if app.ErrorCode(err) != app.ENOTFOUND {
				t.Errorf("FindShipment(%q) = %s, %v; want not found", tc.code, got.ID, err)
			}
			continue
		}
		if err != nil || got.ID != tc.want {
			t.Errorf("FindShipment(%q) = %s, %v; want %s", tc.code, got.ID, err, tc.want)
		}
	}
}

// TestKill9Receive receives shipments in a child process killed with
// SIGKILL at an arbitrary point: every receipt the child reported after
// Commit returned is there after reopening, and each received shipment
// has its one receive movement and its one outbox row: a receipt is
// committed whole or not at all.
func TestKill9Receive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	c := startChild(t, "receive", path)
	var acked []string
	for range 30 {
		line, err := c.out.ReadString('\n')
		if err != nil {
			t.Fatalf("child stopped after %d receipts: %v", len(acked), err)
		}
		acked = append(acked, strings.TrimSpace(line))
	}
	time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
	c.kill(t)

	db := mustOpenPath(t, path, WithFullCheck())
	r := &replica{t: t, db: db, now: storetest.Now}
	for _, id := range acked {
		if s := r.shipment(id); s.State != app.ShipmentReceived || s.Receipt == nil {
			t.Errorf("acknowledged receipt of %s lost: %+v", id, s)
		}
	}
	received := r.count(`SELECT count(*) FROM shipments WHERE state = 'received'`)
	moves := r.count(`SELECT count(*) FROM movements WHERE kind = 'receive' AND shipment <> '' AND outbox_seq IS NOT NULL`)
	queued := r.count(`SELECT count(*) FROM outbox WHERE name = 'shipment.receive'`)
	if received < len(acked) || moves != received || queued != received {
		t.Errorf("%d shipments received, %d receive movements, %d receipts queued; want equal, at least %d", received, moves, queued, len(acked))
	}
	if b := r.balance(storetest.VanAna, storetest.BatteryP50); b[1] != received {
		t.Errorf("van batteries pending = %d, want %d", b[1], received)
	}
}

// TestPartRequestLists: PartRequests lists a ticket's requests in request
// order, whatever their state; OpenPartRequests the requests of every
// ticket that still wait for their part, oldest first.
func TestPartRequestLists(t *testing.T) {
	r := newSupplyReplica(t)
	req := func(id string, ticket app.TicketID, st app.RequestState, h int) app.PartRequest {
		p := serverRequest(st)
		p.ID, p.Ticket, p.At = id, ticket, storetest.Now.Add(time.Duration(h)*time.Hour)
		return p
	}
	r.apply(app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{PartRequests: []app.PartRequest{
		req("pr-a", storetest.T4, app.RequestReceived, 1),
		req("pr-b", storetest.T4, app.RequestShipped, 3),
		req("pr-c", storetest.T2, app.RequestRequested, 2),
		req("pr-d", storetest.T2, app.RequestRejected, 0),
		req("pr-e", storetest.T1, app.RequestApproved, 5),
		req("pr-f", storetest.T1, app.RequestCancelled, 4),
		req("pr-g", storetest.T1, app.RequestShort, 6),
		req("pr-h", storetest.T4, app.RequestRequested, 3),
	}}})
	supply := NewSupplyService(r.db)
	ids := func(rs []app.PartRequest, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, x := range rs {
			out = append(out, x.ID)
		}
		return out
	}
	for _, tc := range []struct {
		ticket app.TicketID // "" for OpenPartRequests
		want   []string
	}{
		{storetest.T4, []string{"pr-a", "pr-b", "pr-h"}},
		{storetest.T2, []string{"pr-d", "pr-c"}},
		{storetest.T1, []string{"pr-f", "pr-e", "pr-g"}},
		{storetest.T8, []string{}},
		{"t-nope", []string{}},
		{"", []string{"pr-c", "pr-b", "pr-h", "pr-e"}},
	} {
		var got []string
		if tc.ticket == "" {
			got = ids(supply.OpenPartRequests(t.Context()))
		} else {
			got = ids(supply.PartRequests(t.Context(), tc.ticket))
		}
		if !equalStrings(got, tc.want) {
			t.Errorf("requests of %q = %v, want %v", tc.ticket, got, tc.want)
		}
	}
}
