package apptest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// sameJSON compares two records as their JSON: the wire form every
// implementation must give back whole.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		t.Errorf("%s:\n  %s\nwant\n  %s", what, g, w)
	}
}

// testPartRequests: PartRequest is ENOTFOUND (part_request.not_found) for
// an unknown ID; SavePartRequest refuses an invalid request and one on a
// missing ticket, writing nothing, and replaces a known one whole;
// PartRequests lists a ticket's requests in request order (time, then
// ID), none for a ticket without any; a rolled back save leaves nothing.
func testPartRequests(t *testing.T, open func(t *testing.T) Tx) {
	tx := open(t)
	ctx := t.Context()
	late, early, same := Request("pr-b", TWaiting), Request("pr-c", TWaiting), Request("pr-a", TWaiting)
	late.At, early.At, same.At = Now, Now.Add(-time.Hour), Now
	for _, r := range []*app.PartRequest{&late, &early, &same} {
		r.State, r.RequestedBy = app.RequestRequested, TechActor.Name
	}
	bad := map[string]func(r *app.PartRequest){
		"no quantity":   func(r *app.PartRequest) { r.Qty = 0 },
		"too many":      func(r *app.PartRequest) { r.Qty = app.MaxRequestQty + 1 },
		"no state":      func(r *app.PartRequest) { r.State = "" },
		"odd urgency":   func(r *app.PartRequest) { r.Urgency = "yesterday" },
		"no part":       func(r *app.PartRequest) { r.Part = "" },
		"no ID":         func(r *app.PartRequest) { r.ID = "" },
		"control chars": func(r *app.PartRequest) { r.Shipment = "sh\x00" },
	}
	in(t, tx, func(tx app.MutationTx) error {
		_, err := tx.PartRequest(ctx, "pr-missing")
		wantCode(t, "PartRequest(missing)", err, app.ENOTFOUND, "part_request.not_found")
		for name, breakIt := range bad {
			r := late
			r.ID = "pr-bad"
			breakIt(&r)
			wantCode(t, "SavePartRequest("+name+")", tx.SavePartRequest(ctx, r), app.EINVALID, "")
		}
		if _, err := tx.PartRequest(ctx, "pr-bad"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("a refused request was written: PartRequest = %v, want not found", err)
		}
		orphan := late
		orphan.ID, orphan.Ticket = "pr-orphan", TMissing
		wantCode(t, "SavePartRequest(missing ticket)", tx.SavePartRequest(ctx, orphan), app.ENOTFOUND, "")
		for _, r := range []app.PartRequest{late, early, same} {
			if err := tx.SavePartRequest(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	decided := late
	decided.State, decided.Substitute, decided.Reason = app.RequestShipped, Battery2, "BAT-1 discontinued"
	decided.DecidedBy, decided.DecidedAt, decided.Shipment = DispatchActor.Name, Now.Add(time.Minute), "sh-9"
	in(t, tx, func(tx app.MutationTx) error {
		rs, err := tx.PartRequests(ctx, TWaiting)
		if err != nil {
			return err
		}
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		if len(ids) != 3 || ids[0] != "pr-c" || ids[1] != "pr-a" || ids[2] != "pr-b" {
			t.Errorf("PartRequests = %v, want [pr-c pr-a pr-b] (time, then ID)", ids)
		}
		if rs, err := tx.PartRequests(ctx, TAssigned); err != nil || len(rs) != 0 {
			t.Errorf("PartRequests of a ticket without any = %+v, %v; want none", rs, err)
		}
		got, err := tx.PartRequest(ctx, "pr-b")
		sameJSON(t, "request read back", got, late)
		if err != nil {
			return err
		}
		return tx.SavePartRequest(ctx, decided)
	})
	err := tx(ctx, func(tx app.MutationTx) error {
		r := decided
		r.State, r.Received, r.ReceivedAt = app.RequestReceived, 2, Now
		if err := tx.SavePartRequest(ctx, r); err != nil {
			return err
		}
		return errAbort
	})
	if err != errAbort {
		t.Fatalf("aborted transaction = %v", err)
	}
	look(t, tx, func(tx app.MutationTx) {
		got, err := tx.PartRequest(ctx, "pr-b")
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "request replaced, then a rolled back change", got, decided)
		rs, err := tx.PartRequests(ctx, TWaiting)
		if err != nil || len(rs) != 3 {
			t.Errorf("PartRequests after a replace = %d requests, %v; want 3", len(rs), err)
		}
	})
}

// testShipments: Shipment is ENOTFOUND (shipment.not_found) for an
// unknown ID; SaveShipment refuses an invalid shipment, writing nothing,
// and replaces a known one whole (its receipt added); a rolled back save
// leaves nothing.
func testShipments(t *testing.T, open func(t *testing.T) Tx) {
	tx := open(t)
	ctx := t.Context()
	sent := Supply("sh-1", "")
	sent.State, sent.At, sent.By, sent.Note = app.ShipmentInTransit, Now, DispatchActor.Name, "fragile"
	sent.Lines = append(sent.Lines, app.ShipmentLine{Part: Mainboard, Qty: 1, Serial: "MB-SN-9", Ticket: TWaiting})
	bad := map[string]func(s *app.Shipment){
		"no lines":      func(s *app.Shipment) { s.Lines = nil },
		"same place":    func(s *app.Shipment) { s.To = s.From },
		"odd kind":      func(s *app.Shipment) { s.Kind = "gift" },
		"no state":      func(s *app.Shipment) { s.State = "" },
		"zero quantity": func(s *app.Shipment) { s.Lines = []app.ShipmentLine{{Part: Battery}} },
		"bad receipt":   func(s *app.Shipment) { s.Receipt = &app.Receipt{} },
	}
	in(t, tx, func(tx app.MutationTx) error {
		_, err := tx.Shipment(ctx, "sh-missing")
		wantCode(t, "Shipment(missing)", err, app.ENOTFOUND, "shipment.not_found")
		for name, breakIt := range bad {
			s := sent
			s.Lines = append([]app.ShipmentLine(nil), sent.Lines...)
			breakIt(&s)
			wantCode(t, "SaveShipment("+name+")", tx.SaveShipment(ctx, s), app.EINVALID, "")
		}
		if _, err := tx.Shipment(ctx, "sh-1"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("a refused shipment was written: Shipment = %v, want not found", err)
		}
		return tx.SaveShipment(ctx, sent)
	})
	received := sent
	received.State = app.ShipmentReceived
	received.Receipt = &app.Receipt{ID: "rc-1", Lines: []app.ReceiptLine{{Part: Battery, Qty: 1}, {Part: Battery2, Qty: 1}},
		Note: "box dented", At: Now.Add(time.Hour), By: TechActor.Name}
	received.Receipt.Differences = app.Differences(received.Lines, received.Receipt.Lines)
	in(t, tx, func(tx app.MutationTx) error {
		got, err := tx.Shipment(ctx, "sh-1")
		sameJSON(t, "shipment read back", got, sent)
		if err != nil {
			return err
		}
		return tx.SaveShipment(ctx, received)
	})
	err := tx(ctx, func(tx app.MutationTx) error {
		s := sent
		s.ID = "sh-2"
		if err := tx.SaveShipment(ctx, s); err != nil {
			return err
		}
		return errAbort
	})
	if err != errAbort {
		t.Fatalf("aborted transaction = %v", err)
	}
	look(t, tx, func(tx app.MutationTx) {
		got, err := tx.Shipment(ctx, "sh-1")
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "shipment replaced by its receipt", got, received)
		if len(got.Receipt.Differences) != 3 {
			t.Errorf("receipt differences = %+v, want short, short and wrong", got.Receipt.Differences)
		}
		_, err = tx.Shipment(ctx, "sh-2")
		wantCode(t, "a rolled back shipment", err, app.ENOTFOUND, "shipment.not_found")
	})
}
