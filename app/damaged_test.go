package app_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// damagedReceipt is a receipt of BAT-1 into van-1 whose lines carry
// damaged units, into bin.
func damagedReceipt(bin app.LocationID, lines ...app.ReceiptLine) *app.ReceiveShipment {
	c := receive("s1", "rc1", lines...)
	c.Receipt.Defective = bin
	return c
}

// TestReceiveDamaged: what arrived damaged enters the receiving
// location's defective bin, never its stock; requests take only the
// sound units; the differences say how many arrived damaged; a count
// of damaged units that is not some of those counted, or a bin that is
// not the receiving location's, is refused and changes nothing.
func TestReceiveDamaged(t *testing.T) {
	tech2 := app.Actor{Role: app.RoleTechnician, Technician: "tech-2", Name: "Li Qiang"}
	tests := []struct {
		name  string
		actor app.Actor
		cmd   *app.ReceiveShipment
		key   string // "" for none
		code  string // the error's code, when its key is the MutationTx's
		// after a success: units in the van and the bin, the request's
		// state and units received, the differences
		van, bin int
		state    app.RequestState
		received int
		diffs    []app.Difference
	}{
		{name: "one of two damaged", actor: tech, cmd: damagedReceipt("bin-1", app.ReceiptLine{Part: "BAT-1", Qty: 2, Damaged: 1, Note: "swollen"}),
			van: 1, bin: 1, state: app.RequestShort, received: 1,
			diffs: []app.Difference{{Kind: app.DifferenceDamaged, Part: "BAT-1", Shipped: 2, Received: 2, Damaged: 1}}},
		{name: "all damaged", actor: tech, cmd: damagedReceipt("bin-1", app.ReceiptLine{Part: "BAT-1", Qty: 2, Damaged: 2}),
			van: 0, bin: 2, state: app.RequestShort, received: 0,
			diffs: []app.Difference{{Kind: app.DifferenceDamaged, Part: "BAT-1", Shipped: 2, Received: 2, Damaged: 2}}},
		{name: "short and damaged", actor: disp, cmd: damagedReceipt("bin-1", app.ReceiptLine{Part: "BAT-1", Qty: 1, Damaged: 1}),
			van: 0, bin: 1, state: app.RequestShort, received: 0,
			diffs: []app.Difference{{Kind: app.DifferenceShort, Part: "BAT-1", Shipped: 2, Received: 1}, {Kind: app.DifferenceDamaged, Part: "BAT-1", Shipped: 2, Received: 1, Damaged: 1}}},
		{name: "none damaged", actor: tech, cmd: receive("s1", "rc1", app.ReceiptLine{Part: "BAT-1", Qty: 2}),
			van: 2, bin: 0, state: app.RequestReceived, received: 2},
		{name: "more damaged than counted", actor: tech, cmd: damagedReceipt("bin-1", app.ReceiptLine{Part: "BAT-1", Qty: 1, Damaged: 2}), key: "shipment.bad_damaged"},
		{name: "negative damaged", actor: tech, cmd: damagedReceipt("bin-1", app.ReceiptLine{Part: "BAT-1", Qty: 2, Damaged: -1}), key: "shipment.bad_damaged"},
		{name: "damaged without a bin", actor: tech, cmd: damagedReceipt("", app.ReceiptLine{Part: "BAT-1", Qty: 2, Damaged: 1}), key: "shipment.damaged_needs_bin"},
		{name: "a bin that is no defective bin", actor: disp, cmd: damagedReceipt("wh-1", app.ReceiptLine{Part: "BAT-1", Qty: 2, Damaged: 1}), key: "shipment.damaged_not_its_bin"},
		{name: "another owner's bin", actor: disp, cmd: damagedReceipt("bin-2", app.ReceiptLine{Part: "BAT-1", Qty: 2, Damaged: 1}), key: "shipment.damaged_not_its_bin"},
		{name: "a technician names another's bin", actor: tech, cmd: damagedReceipt("bin-2", app.ReceiptLine{Part: "BAT-1", Qty: 2, Damaged: 1}), key: "stock.not_your_location"},
		{name: "an unknown bin", actor: tech, cmd: damagedReceipt("bin-9", app.ReceiptLine{Part: "BAT-1", Qty: 2, Damaged: 1}), code: app.ENOTFOUND},
		{name: "a note too long", actor: tech, cmd: damagedReceipt("bin-1", app.ReceiptLine{Part: "BAT-1", Qty: 2, Damaged: 1, Note: strings.Repeat("裂", app.MaxNameLen+1)}), key: "mutation.too_long"},
		{name: "another's parcel", actor: tech2, cmd: damagedReceipt("bin-2", app.ReceiptLine{Part: "BAT-1", Qty: 2, Damaged: 1}), key: "shipment.not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := supplyWorld()
			m.locations["bin-2"] = app.Location{ID: "bin-2", Kind: app.LocationDefective, Name: "Van 2 defective", Owner: "tech-2"}
			for _, s := range []app.Command{request("r1", 2), supply("s1", app.ShipmentLine{Part: "BAT-1", Qty: 2, Request: "r1", Ticket: "t1"})} {
				if err := app.ApplyMutation(t.Context(), m, disp, mustMutation(t, s), now); err != nil {
					t.Fatal(err)
				}
			}
			moves := len(m.moves)
			err := app.ApplyMutation(t.Context(), m, tc.actor, mustMutation(t, tc.cmd), now)
			if tc.key != "" || tc.code != "" {
				var e *app.Error
				if !errors.As(err, &e) || tc.key != "" && e.Key != tc.key || tc.code != "" && e.Code != tc.code {
					t.Fatalf("error %v, want key %q code %q", err, tc.key, tc.code)
				}
				if err := tc.cmd.Validate(); err == nil && len(m.moves) != moves {
					t.Errorf("a refused receipt moved stock: %d movements, had %d", len(m.moves), moves)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := balance(m, "van-1", "BAT-1"); got != tc.van {
				t.Errorf("van holds %d, want %d", got, tc.van)
			}
			if got := balance(m, "bin-1", "BAT-1"); got != tc.bin {
				t.Errorf("bin holds %d, want %d", got, tc.bin)
			}
			if r := m.requests["r1"]; r.State != tc.state || r.Received != tc.received {
				t.Errorf("request %s with %d received, want %s with %d", r.State, r.Received, tc.state, tc.received)
			}
			if got := m.shipments["s1"].Receipt.Differences; !reflect.DeepEqual(got, tc.diffs) {
				t.Errorf("differences %+v, want %+v", got, tc.diffs)
			}
			if _, ok := m.moves["rc1/1"]; !ok {
				t.Errorf("no movement rc1/1: a receipt's ID is its first movement's stem")
			}
		})
	}
}

// TestReceiveVersions: a receipt with damaged units is version 2; one
// without stays version 1, what every service takes; version 1 knows no
// damaged units and refuses them as an unknown field.
func TestReceiveVersions(t *testing.T) {
	plain := receive("s1", "rc1", app.ReceiptLine{Part: "BAT-1", Qty: 2})
	damaged := damagedReceipt("bin-1", app.ReceiptLine{Part: "BAT-1", Qty: 2, Damaged: 1})
	for _, c := range []struct {
		cmd  *app.ReceiveShipment
		want int
	}{{plain, 1}, {damaged, 2}} {
		if _, v := c.cmd.MutationName(); v != c.want {
			t.Errorf("%+v is version %d, want %d", c.cmd.Receipt, v, c.want)
		}
	}
	args, err := json.Marshal(damaged)
	if err != nil {
		t.Fatal(err)
	}
	_, err = app.DecodeMutation(app.Mutation{Name: "shipment.receive", Version: 1, Args: args})
	if app.AsError(err).Key != "mutation.bad_args" {
		t.Errorf("version 1 with damaged units: %v, want mutation.bad_args", err)
	}
	for _, v := range []int{1, 2} {
		args, _ := json.Marshal(plain)
		if _, err := app.DecodeMutation(app.Mutation{Name: "shipment.receive", Version: v, Args: args}); err != nil {
			t.Errorf("version %d without damaged units: %v", v, err)
		}
	}
}
