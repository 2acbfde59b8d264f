package app_test

import (
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

func TestClaimFor(t *testing.T) {
	cny := func(a int64) app.Money { return app.Money{Amount: a, Currency: "CNY"} }
	screen := part("SCR-1", "Screen", app.ClassMain, 800_00, 100_00, 50_000_00)
	battery := part("BAT-1", "Battery", app.ClassBattery, 150_00, 30_00, 10_000_00)
	tests := []struct {
		name    string
		product app.Product
		cond    app.Condition
		parts   []app.UsedPart
		minutes int
		// want: the claimed line kinds and the total, in fen; ok false when
		// nothing is claimable.
		wantKinds []app.ChargeKind
		wantTotal int64
		wantOK    bool
	}{
		{"InWarrantyPartAndLabour", product(phone, "Huawei", "P60", bought("2025-06-01")), app.Condition{}, one(screen), 30,
			[]app.ChargeKind{app.ChargePart, app.ChargeLabour}, 800_00 + 30*cnMin, true},
		{"OutOfWarranty", product(phone, "Huawei", "P60", bought("2020-01-01")), app.Condition{}, one(screen), 30, nil, 0, false},
		{"LiquidDamageVoids", product(phone, "Huawei", "P60", bought("2025-06-01")), app.Condition{LiquidDamage: true}, one(screen), 30, nil, 0, false},
		{"PartialClaimsCoveredLinesOnly", product(phone, "Huawei", "P60", bought("2025-03-01")), app.Condition{}, one(screen, battery), 0,
			[]app.ChargeKind{app.ChargePart}, 800_00, true},
	}
	rs := ruleSet(t, "CN")
	on := day("2025-12-01").Add(9 * time.Hour)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dec, err := app.Decide(rs, app.WarrantyInput{Ticket: app.Ticket{ID: "t-1", Number: "FB-1", Kind: app.KindCarryIn, Country: "CN", Product: tc.product,
				Customer: app.Customer{Name: "Li"}, Priority: app.PriorityNormal, Condition: tc.cond, CreatedAt: on}, Parts: tc.parts, LabourMinutes: tc.minutes, On: on})
			if err != nil {
				t.Fatal(err)
			}
			lines, total, ok := app.ClaimFor(dec)
			if ok != tc.wantOK {
				t.Fatalf("ok %v, want %v (coverage %s, lines %s)", ok, tc.wantOK, dec.Coverage, lineSummary(dec.Lines))
			}
			var kinds []app.ChargeKind
			sum := int64(0)
			for _, l := range lines {
				kinds = append(kinds, l.Kind)
				sum += l.Amount.Amount
			}
			if !slices.Equal(kinds, tc.wantKinds) || total.Amount != tc.wantTotal || sum != total.Amount {
				t.Fatalf("kinds %v total %v (lines sum %d), want %v %d", kinds, total, sum, tc.wantKinds, tc.wantTotal)
			}
			if ok && total != cny(tc.wantTotal) {
				t.Fatalf("total %v, want CNY %d", total, tc.wantTotal)
			}
		})
	}
	t.Run("PlanIsNotTheBrands", func(t *testing.T) {
		dec := app.Decision{Coverage: app.CoverageIn, Basis: "plan", Lines: []app.ChargeLine{{Kind: app.ChargePart, Amount: cny(100), Covered: true, Customer: cny(0)}}}
		if _, _, ok := app.ClaimFor(dec); ok {
			t.Fatal("a plan's cover was claimed from the brand")
		}
	})
}

func TestClaimTransition(t *testing.T) {
	paid := app.ClaimUpdate{Paid: app.Money{Amount: 500_00, Currency: "CNY"}}
	tests := []struct {
		name    string
		from    app.ClaimState
		action  app.ClaimAction
		u       app.ClaimUpdate
		want    app.ClaimState
		wantKey string
	}{
		{"Submit", app.ClaimReady, app.ClaimSubmit, app.ClaimUpdate{BrandRef: "HW-1"}, app.ClaimSubmitted, ""},
		{"Resubmit", app.ClaimRejected, app.ClaimSubmit, app.ClaimUpdate{}, app.ClaimSubmitted, ""},
		{"Pay", app.ClaimSubmitted, app.ClaimPay, paid, app.ClaimPaid, ""},
		{"Reject", app.ClaimSubmitted, app.ClaimReject, app.ClaimUpdate{Reason: "no photo of the serial"}, app.ClaimRejected, ""},
		{"PayBeforeSubmit", app.ClaimReady, app.ClaimPay, paid, "", "claim.not_from"},
		{"RejectPaid", app.ClaimPaid, app.ClaimReject, app.ClaimUpdate{Reason: "late"}, "", "claim.not_from"},
		{"SubmitPaid", app.ClaimPaid, app.ClaimSubmit, app.ClaimUpdate{}, "", "claim.not_from"},
		{"RejectWithoutReason", app.ClaimSubmitted, app.ClaimReject, app.ClaimUpdate{Reason: "  "}, "", "claim.reject_needs_reason"},
		{"PaidZero", app.ClaimSubmitted, app.ClaimPay, app.ClaimUpdate{Paid: app.Money{Currency: "CNY"}}, "", "claim.bad_paid"},
		{"PaidOtherCurrency", app.ClaimSubmitted, app.ClaimPay, app.ClaimUpdate{Paid: app.Money{Amount: 1, Currency: "EUR"}}, "", "claim.bad_paid"},
		{"PaidTooMuch", app.ClaimSubmitted, app.ClaimPay, app.ClaimUpdate{Paid: app.Money{Amount: 1e13, Currency: "CNY"}}, "", "money.out_of_range"},
		{"UnknownAction", app.ClaimReady, "approve", app.ClaimUpdate{}, "", "claim.unknown_action"},
		{"RefWithControlChars", app.ClaimReady, app.ClaimSubmit, app.ClaimUpdate{BrandRef: "a\x00b"}, "", "field.control_chars"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := app.ClaimTransition(tc.from, tc.action, tc.u, "CNY")
			key := ""
			if err != nil {
				key = app.AsError(err).Key
			}
			if key != tc.wantKey {
				t.Fatalf("error %v, want key %q", err, tc.wantKey)
			}
			if got != tc.want {
				t.Fatalf("state %q, want %q", got, tc.want)
			}
		})
	}
}

func TestShippedReturns(t *testing.T) {
	at := func(h int) time.Time { return day("2026-11-02").Add(time.Duration(h) * time.Hour) }
	kinds := map[app.LocationID]app.LocationKind{"bin": app.LocationDefective, "wh": app.LocationWarehouse, "van": app.LocationVan}
	ret := func(id string, part app.PartNumber, qty int, serial string, h int) app.StockMovement {
		return app.StockMovement{ID: id, Kind: app.MoveReturnDefective, Part: part, To: "bin", Qty: qty, Serial: serial, At: at(h)}
	}
	xfer := func(id string, part app.PartNumber, to app.LocationID, qty int, serial string, h int) app.StockMovement {
		return app.StockMovement{ID: id, Kind: app.MoveTransfer, Part: part, From: "bin", To: to, Qty: qty, Serial: serial, At: at(h)}
	}
	ship := func(id string, part app.PartNumber, qty int, serial, shipment string, h int) app.StockMovement {
		return app.StockMovement{ID: id, Kind: app.MoveShip, Part: part, From: "bin", Qty: qty, Serial: serial, Shipment: shipment, At: at(h)}
	}
	tests := []struct {
		name  string
		moves []app.StockMovement
		want  map[string]bool // return ID -> shipped
		// shipments names, per return, the shipments that carried it.
		shipments map[string][]string
	}{
		{"ShipmentShips", []app.StockMovement{ret("r1", "P", 1, "", 1), ship("s1/1", "P", 1, "", "s1", 2)}, map[string]bool{"r1": true}, map[string][]string{"r1": {"s1"}}},
		{"ShipmentSerialShipsItsOwn", []app.StockMovement{ret("r1", "P", 1, "S1", 1), ret("r2", "P", 1, "S2", 2), ship("s1/1", "P", 1, "S2", "s1", 3)},
			map[string]bool{"r1": false, "r2": true}, map[string][]string{"r2": {"s1"}}},
		{"ShipmentAndTransferTogether", []app.StockMovement{ret("r1", "P", 2, "", 1), xfer("t1", "P", "wh", 1, "", 2), ship("s1/1", "P", 1, "", "s1", 3)},
			map[string]bool{"r1": true}, map[string][]string{"r1": {"s1"}}},
		{"ShipmentOfOtherPart", []app.StockMovement{ret("r1", "P", 1, "", 1), ship("s1/1", "Q", 1, "", "s1", 2)}, map[string]bool{"r1": false}, nil},
		{"NotShippedYet", []app.StockMovement{ret("r1", "P", 1, "", 1)}, map[string]bool{"r1": false}, nil},
		{"ShippedToWarehouse", []app.StockMovement{ret("r1", "P", 1, "", 1), xfer("t1", "P", "wh", 1, "", 2)}, map[string]bool{"r1": true}, nil},
		{"BackToAVanIsNotShipped", []app.StockMovement{ret("r1", "P", 1, "", 1), xfer("t1", "P", "van", 1, "", 2)}, map[string]bool{"r1": false}, nil},
		{"OldestFirst", []app.StockMovement{ret("r2", "P", 1, "", 3), ret("r1", "P", 1, "", 1), xfer("t1", "P", "wh", 1, "", 4)}, map[string]bool{"r1": true, "r2": false}, nil},
		{"SerialShipsItsOwn", []app.StockMovement{ret("r1", "P", 1, "S1", 1), ret("r2", "P", 1, "S2", 2), xfer("t1", "P", "wh", 1, "S2", 3)}, map[string]bool{"r1": false, "r2": true}, nil},
		{"PartlyShipped", []app.StockMovement{ret("r1", "P", 3, "", 1), xfer("t1", "P", "wh", 2, "", 2)}, map[string]bool{"r1": false}, nil},
		{"OtherPartDoesNotShip", []app.StockMovement{ret("r1", "P", 1, "", 1), xfer("t1", "Q", "wh", 1, "", 2)}, map[string]bool{"r1": false}, nil},
		{"TwoTransfersShipOne", []app.StockMovement{ret("r1", "P", 2, "", 1), xfer("t1", "P", "wh", 1, "", 2), xfer("t2", "P", "wh", 1, "", 3)}, map[string]bool{"r1": true}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := app.ShippedReturns(tc.moves, func(l app.LocationID) app.LocationKind { return kinds[l] })
			if len(got) != len(tc.want) {
				t.Fatalf("%d returns judged, want %d: %+v", len(got), len(tc.want), got)
			}
			for id, want := range tc.want {
				if got[id].Shipped != want {
					t.Fatalf("return %s shipped %v, want %v (%+v)", id, got[id].Shipped, want, got)
				}
				if want && len(got[id].Transfers) == 0 {
					t.Fatalf("return %s shipped without a transfer named", id)
				}
				if !slices.Equal(got[id].Shipments, tc.shipments[id]) {
					t.Fatalf("return %s carried by shipments %v, want %v", id, got[id].Shipments, tc.shipments[id])
				}
			}
		})
	}
}
