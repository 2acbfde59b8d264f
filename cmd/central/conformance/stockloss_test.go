package conformance

import (
	"testing"
)

// A device records a loss (a negative stock.adjust with its reason) and
// damage (a stock.transfer out of its van into its own defective bin), as
// PROTOCOL's "Stock enters only by dispatch" allows, and the damaged part
// ships back from the bin in a return; an adjustment upwards is refused
// forbidden stock.gain_dispatch_only, and one without a reason
// stock.adjust_needs_reason, and neither changes a balance. The terminal's
// "Lost or damaged…" and its stock count send exactly these.
func TestDeviceLossAndDamage(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		const stock = 5
		tc := s.addFieldTech(t, "counter", stock)
		bin, wh := name("counter-bin"), name("counter-wh")
		s.adminOK(t, "PUT", "/v1/admin/locations/"+bin, map[string]any{"id": bin, "kind": "defective", "name": "Bin of " + tc.id, "owner": tc.id}, nil)
		s.adminOK(t, "PUT", "/v1/admin/locations/"+wh, map[string]any{"id": wh, "kind": "warehouse", "name": "Warehouse"}, nil)
		dev := s.pair(t, tc.id)
		dev.pullAll(t)
		adjust := func(qty int, reason string) mutation {
			return dev.mut("stock.adjust", map[string]any{"movement": map[string]any{"id": newID(), "kind": "adjust", "part": partFilter, "to": tc.van, "qty": qty, "reason": reason}})
		}
		balances := func() (van, b int) { return s.balance(t, tc.van, partFilter), s.balance(t, bin, partFilter) }

		dev.pushApplied(t, adjust(-2, "count on 2026-12-06"))
		if van, b := balances(); van != stock-2 || b != 0 {
			t.Fatalf("after a loss of 2: van %d, bin %d; want %d and 0", van, b, stock-2)
		}
		dev.pushApplied(t, dev.mut("stock.transfer", map[string]any{"movement": map[string]any{"id": newID(), "kind": "transfer", "part": partFilter,
			"from": tc.van, "to": bin, "qty": 1, "reason": "screen cracked in the van"}}))
		if van, b := balances(); van != stock-3 || b != 1 {
			t.Fatalf("after moving 1 damaged: van %d, bin %d; want %d and 1", van, b, stock-3)
		}
		if x := dev.pushRefused(t, adjust(2, "found two"), "stock.gain_dispatch_only"); x.Code != "forbidden" {
			t.Errorf("an upward adjustment was refused %+v, want forbidden", x)
		}
		dev.pushRefused(t, adjust(-1, ""), "stock.adjust_needs_reason")
		if van, b := balances(); van != stock-3 || b != 1 {
			t.Errorf("refused adjustments changed the balances: van %d, bin %d", van, b)
		}
		dev.pushApplied(t, dev.mut("shipment.send", shipArgs(newID(), "return", bin, wh, shipmentLine{Part: partFilter, Qty: 1})))
		if _, b := balances(); b != 0 {
			t.Errorf("after shipping the damaged part back the bin holds %d", b)
		}
	})
}
