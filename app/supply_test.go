package app_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// supplyWorld is seeded() with what parts that arrive need: a van owned by
// tech-1, another technician's van, a warehouse, tech-1's defective bin,
// and a product model the parts fit.
func supplyWorld() *memTx {
	m := seeded()
	t1 := m.tickets["t1"]
	t1.Product.Model = "P40"
	t1.Status = app.StatusInProgress
	m.tickets["t1"] = t1
	m.parts["BAT-1"] = app.Part{Number: "BAT-1", NameEN: "Battery", Class: app.ClassBattery, Models: []string{"P40"}}
	m.parts["BAT-2"] = app.Part{Number: "BAT-2", NameEN: "Battery, high capacity", Class: app.ClassBattery, Models: []string{"P40", "P50"}}
	m.parts["CHG-9"] = app.Part{Number: "CHG-9", NameEN: "Charger", Class: app.ClassAccessory, Models: []string{"X1"}}
	m.locations["van-1"] = app.Location{ID: "van-1", Kind: app.LocationVan, Name: "Van 1", Owner: "tech-1"}
	m.locations["van-2"] = app.Location{ID: "van-2", Kind: app.LocationVan, Name: "Van 2", Owner: "tech-2"}
	m.locations["wh-1"] = app.Location{ID: "wh-1", Kind: app.LocationWarehouse, Name: "Warehouse"}
	m.locations["bin-1"] = app.Location{ID: "bin-1", Kind: app.LocationDefective, Name: "Van 1 defective", Owner: "tech-1"}
	return m
}

func request(id string, qty int) *app.RequestPart {
	return &app.RequestPart{Request: app.PartRequest{ID: id, Ticket: "t1", Part: "BAT-1", Qty: qty, Urgency: app.UrgencyUrgent, To: "van-1"}}
}

func supply(id string, lines ...app.ShipmentLine) *app.SendShipment {
	return &app.SendShipment{Shipment: app.Shipment{ID: id, Kind: app.ShipmentSupply, From: "wh-1", To: "van-1", Carrier: "SF", Tracking: "SF100", Lines: lines}}
}

func receive(shipment, receipt string, lines ...app.ReceiptLine) *app.ReceiveShipment {
	return &app.ReceiveShipment{Shipment: shipment, Receipt: app.Receipt{ID: receipt, Lines: lines}}
}

func balance(m *memTx, loc app.LocationID, part app.PartNumber) int {
	n := 0
	for _, mv := range m.moves {
		if mv.Part == part {
			n += mv.Delta(loc)
		}
	}
	return n
}

func TestSupplyMutations(t *testing.T) {
	ctx := context.Background()
	tech2 := app.Actor{Role: app.RoleTechnician, Technician: "tech-2", Name: "Li Qiang"}
	type step struct {
		actor app.Actor
		cmd   app.Command
	}
	tests := []struct {
		name  string
		steps []step
		// key of the last step's error ("" for none)
		key   string
		check func(t *testing.T, m *memTx)
	}{
		{name: "request, approve, ship, receive all", steps: []step{
			{tech, request("r1", 2)},
			{disp, &app.DecidePartRequest{Request: "r1", Ticket: "t1", Decision: app.DecisionApprove}},
			{disp, supply("s1", app.ShipmentLine{Part: "BAT-1", Qty: 2, Request: "r1", Ticket: "t1"})},
			{tech, receive("s1", "rc1", app.ReceiptLine{Part: "BAT-1", Qty: 2})},
		}, check: func(t *testing.T, m *memTx) {
			r := m.requests["r1"]
			if r.State != app.RequestReceived || r.Received != 2 || r.Shipment != "s1" || r.RequestedBy != "Wang Lei" || r.DecidedBy != "Dispatch" {
				t.Fatalf("request = %+v", r)
			}
			s := m.shipments["s1"]
			if s.State != app.ShipmentReceived || s.Receipt == nil || len(s.Receipt.Differences) != 0 || s.Receipt.By != "Wang Lei" {
				t.Fatalf("shipment = %+v", s)
			}
			if got := balance(m, "van-1", "BAT-1"); got != 2 {
				t.Fatalf("van balance %d, want 2", got)
			}
			if got := balance(m, "wh-1", "BAT-1"); got != -2 {
				t.Fatalf("warehouse balance %d, want -2 (shipped, nothing received there)", got)
			}
		}},
		{name: "in transit is in no location", steps: []step{
			{tech, request("r1", 1)},
			{disp, supply("s1", app.ShipmentLine{Part: "BAT-1", Qty: 1, Request: "r1"})},
		}, check: func(t *testing.T, m *memTx) {
			if r := m.requests["r1"]; r.State != app.RequestShipped || r.DecidedBy != "Dispatch" {
				t.Fatalf("shipping a requested one approves it: %+v", r)
			}
			if balance(m, "van-1", "BAT-1") != 0 || balance(m, "wh-1", "BAT-1") != -1 {
				t.Fatal("a shipped part must have left the warehouse and not yet reached the van")
			}
		}},
		{name: "short and wrong part are recorded, not adjusted", steps: []step{
			{tech, request("r1", 3)},
			{disp, supply("s1", app.ShipmentLine{Part: "BAT-1", Qty: 3, Request: "r1"})},
			{tech, receive("s1", "rc1", app.ReceiptLine{Part: "BAT-1", Qty: 1}, app.ReceiptLine{Part: "CHG-9", Qty: 1})},
		}, check: func(t *testing.T, m *memTx) {
			want := []app.Difference{
				{Kind: app.DifferenceShort, Part: "BAT-1", Shipped: 3, Received: 1},
				{Kind: app.DifferenceWrong, Part: "CHG-9", Received: 1},
			}
			if got := m.shipments["s1"].Receipt.Differences; !reflect.DeepEqual(got, want) {
				t.Fatalf("differences = %+v, want %+v", got, want)
			}
			if r := m.requests["r1"]; r.State != app.RequestShort || r.Received != 1 {
				t.Fatalf("request = %+v", r)
			}
			if balance(m, "van-1", "BAT-1") != 1 || balance(m, "van-1", "CHG-9") != 1 {
				t.Fatal("what was counted enters the van, and only that")
			}
		}},
		{name: "substitute that fits ships instead", steps: []step{
			{tech, request("r1", 1)},
			{disp, &app.DecidePartRequest{Request: "r1", Ticket: "t1", Decision: app.DecisionSubstitute, Part: "BAT-2", Reason: "BAT-1 discontinued"}},
			{disp, supply("s1", app.ShipmentLine{Part: "BAT-2", Qty: 1, Request: "r1"})},
		}, check: func(t *testing.T, m *memTx) {
			if r := m.requests["r1"]; r.Wanted() != "BAT-2" || r.State != app.RequestShipped {
				t.Fatalf("request = %+v", r)
			}
		}},
		{name: "substitute that does not fit", steps: []step{
			{tech, request("r1", 1)},
			{disp, &app.DecidePartRequest{Request: "r1", Ticket: "t1", Decision: app.DecisionSubstitute, Part: "CHG-9", Reason: "x"}},
		}, key: "part_request.substitute_does_not_fit"},
		{name: "shipping the requested part after a substitute", steps: []step{
			{tech, request("r1", 1)},
			{disp, &app.DecidePartRequest{Request: "r1", Ticket: "t1", Decision: app.DecisionSubstitute, Part: "BAT-2", Reason: "x"}},
			{disp, supply("s1", app.ShipmentLine{Part: "BAT-1", Qty: 1, Request: "r1"})},
		}, key: "shipment.request_other_part"},
		{name: "rejected request does not ship", steps: []step{
			{tech, request("r1", 1)},
			{disp, &app.DecidePartRequest{Request: "r1", Ticket: "t1", Decision: app.DecisionReject, Reason: "fits no P40"}},
			{disp, supply("s1", app.ShipmentLine{Part: "BAT-1", Qty: 1, Request: "r1"})},
		}, key: "shipment.request_not_approved"},
		{name: "technician may not decide", steps: []step{
			{tech, request("r1", 1)},
			{tech, &app.DecidePartRequest{Request: "r1", Ticket: "t1", Decision: app.DecisionApprove}},
		}, key: "mutation.forbidden_role"},
		{name: "request to another's van", steps: []step{
			{tech, &app.RequestPart{Request: app.PartRequest{ID: "r1", Ticket: "t1", Part: "BAT-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-2"}}},
		}, key: "stock.not_your_location"},
		{name: "request on a closed ticket", steps: []step{
			{disp, &app.TransitionTicket{Action: app.ActionCancel, Ticket: "t1", Epoch: 1, Reason: "customer withdrew"}},
			{tech, request("r1", 1)},
		}, key: "part_request.ticket_not_open"},
		{name: "cancel before shipping", steps: []step{
			{tech, request("r1", 1)},
			{tech, &app.CancelPartRequest{Request: "r1", Ticket: "t1", Reason: "fixed without it"}},
		}, check: func(t *testing.T, m *memTx) {
			if r := m.requests["r1"]; r.State != app.RequestCancelled || r.Reason != "fixed without it" {
				t.Fatalf("request = %+v", r)
			}
		}},
		{name: "cancel after shipping", steps: []step{
			{tech, request("r1", 1)},
			{disp, supply("s1", app.ShipmentLine{Part: "BAT-1", Qty: 1, Request: "r1"})},
			{tech, &app.CancelPartRequest{Request: "r1", Ticket: "t1", Reason: "x"}},
		}, key: "part_request.not_cancellable"},
		{name: "second receipt loses", steps: []step{
			{disp, supply("s1", app.ShipmentLine{Part: "BAT-1", Qty: 1})},
			{tech, receive("s1", "rc1", app.ReceiptLine{Part: "BAT-1", Qty: 1})},
			{disp, receive("s1", "rc2", app.ReceiptLine{Part: "BAT-1", Qty: 1})},
		}, key: "shipment.already_received"},
		{name: "receiving another's shipment is not found", steps: []step{
			{disp, supply("s1", app.ShipmentLine{Part: "BAT-1", Qty: 1})},
			{tech2, receive("s1", "rc1", app.ReceiptLine{Part: "BAT-1", Qty: 1})},
		}, key: "shipment.not_found"},
		{name: "technician ships a supply", steps: []step{
			{tech, &app.SendShipment{Shipment: app.Shipment{ID: "s1", Kind: app.ShipmentSupply, From: "van-1", To: "wh-1", Lines: []app.ShipmentLine{{Part: "BAT-1", Qty: 1}}}}},
		}, key: "shipment.supply_dispatch_only"},
		{name: "technician returns defective parts from the bin", steps: []step{
			{tech, &app.SendShipment{Shipment: app.Shipment{ID: "s1", Kind: app.ShipmentReturn, From: "bin-1", To: "wh-1", Tracking: "YT9",
				Lines: []app.ShipmentLine{{Part: "MB-1", Qty: 1, Serial: "D-1", Ticket: "t1", Claim: "c-1"}}}}},
			{disp, receive("s1", "rc1", app.ReceiptLine{Part: "MB-1", Qty: 1, Serial: "D-1"})},
		}, check: func(t *testing.T, m *memTx) {
			if balance(m, "bin-1", "MB-1") != -1 || balance(m, "wh-1", "MB-1") != 1 {
				t.Fatal("the returned part must leave the bin and reach the warehouse")
			}
			if s := m.shipments["s1"]; s.State != app.ShipmentReceived || s.Label() != "YT9" {
				t.Fatalf("shipment = %+v", s)
			}
		}},
		{name: "return from another's bin", steps: []step{
			{tech2, &app.SendShipment{Shipment: app.Shipment{ID: "s1", Kind: app.ShipmentReturn, From: "bin-1", To: "wh-1", Lines: []app.ShipmentLine{{Part: "MB-1", Qty: 1}}}}},
		}, key: "stock.not_your_location"},
		{name: "return to a van", steps: []step{
			{disp, &app.SendShipment{Shipment: app.Shipment{ID: "s1", Kind: app.ShipmentReturn, From: "bin-1", To: "van-2", Lines: []app.ShipmentLine{{Part: "MB-1", Qty: 1}}}}},
		}, key: "shipment.return_to_van"},
		{name: "a new request may not carry the office's fields", steps: []step{
			{tech, &app.RequestPart{Request: app.PartRequest{ID: "r1", Ticket: "t1", Part: "BAT-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-1", State: app.RequestReceived}}},
		}, key: "part_request.server_fields"},
		{name: "quantity bound", steps: []step{
			{tech, request("r1", app.MaxRequestQty+1)},
		}, key: "part_request.bad_qty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := supplyWorld()
			var err error
			for i, s := range tc.steps {
				err = app.ApplyMutation(ctx, m, s.actor, mustMutation(t, s.cmd), now)
				if err != nil && i < len(tc.steps)-1 {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			var e *app.Error
			switch {
			case tc.key == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.key != "" && (!errors.As(err, &e) || e.Key != tc.key):
				t.Fatalf("error %v, want key %s", err, tc.key)
			}
			if tc.check != nil {
				tc.check(t, m)
			}
		})
	}
}

func TestLoadList(t *testing.T) {
	lists := []app.LikelyParts{
		{Ticket: "t1", Parts: []app.LikelyPart{{Part: "A", Probability: 0.8, Basis: app.BasisModel}, {Part: "B", Probability: 0.1, Basis: app.BasisModel}}},
		{Ticket: "t2", Parts: []app.LikelyPart{{Part: "A", Probability: 0.5, Basis: app.BasisModel}, {Part: "C", Probability: 0.3, Basis: app.BasisFamily}}},
		{Ticket: "t3", Parts: []app.LikelyPart{{Part: "C", Probability: 0.9, Basis: app.BasisModelSymptom}}},
	}
	got := app.LoadList(lists, map[app.PartNumber]int{"A": 2, "C": 1})
	want := []app.LoadLine{
		{Part: "C", Tickets: []app.TicketID{"t3", "t2"}, Expected: 1.2, InVan: 1, ToLoad: 1},
		{Part: "A", Tickets: []app.TicketID{"t1", "t2"}, Expected: 1.3, InVan: 2, ToLoad: 0},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Part != w.Part || !reflect.DeepEqual(g.Tickets, w.Tickets) || g.InVan != w.InVan || g.ToLoad != w.ToLoad || g.Expected < w.Expected-1e-9 || g.Expected > w.Expected+1e-9 {
			t.Fatalf("line %d = %+v, want %+v (B is under the threshold and left out)", i, g, w)
		}
	}
}

func TestDifferences(t *testing.T) {
	shipped := []app.ShipmentLine{{Part: "A", Qty: 2}, {Part: "B", Qty: 1}, {Part: "A", Qty: 1}}
	tests := []struct {
		name     string
		received []app.ReceiptLine
		want     []app.Difference
	}{
		{"all arrived", []app.ReceiptLine{{Part: "B", Qty: 1}, {Part: "A", Qty: 3}}, nil},
		{"nothing arrived", nil, []app.Difference{{Kind: app.DifferenceShort, Part: "A", Shipped: 3}, {Kind: app.DifferenceShort, Part: "B", Shipped: 1}}},
		{"one extra", []app.ReceiptLine{{Part: "A", Qty: 4}, {Part: "B", Qty: 1}}, []app.Difference{{Kind: app.DifferenceExtra, Part: "A", Shipped: 3, Received: 4}}},
		{"a wrong part", []app.ReceiptLine{{Part: "A", Qty: 3}, {Part: "B", Qty: 1}, {Part: "Z", Qty: 2}}, []app.Difference{{Kind: app.DifferenceWrong, Part: "Z", Received: 2}}},
		{"damaged on two lines", []app.ReceiptLine{{Part: "A", Qty: 2, Damaged: 1}, {Part: "B", Qty: 1}, {Part: "A", Qty: 1, Damaged: 1}},
			[]app.Difference{{Kind: app.DifferenceDamaged, Part: "A", Shipped: 3, Received: 3, Damaged: 2}}},
		{"a wrong part damaged", []app.ReceiptLine{{Part: "A", Qty: 3}, {Part: "B", Qty: 1}, {Part: "Z", Qty: 1, Damaged: 1}},
			[]app.Difference{{Kind: app.DifferenceWrong, Part: "Z", Received: 1}, {Kind: app.DifferenceDamaged, Part: "Z", Received: 1, Damaged: 1}}},
	}
	for _, tc := range tests {
		if got := app.Differences(shipped, tc.received); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
