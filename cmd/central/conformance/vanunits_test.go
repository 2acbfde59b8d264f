package conformance

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// importSerialized adds a serialized part to the catalog and returns its
// number.
func (s *service) importSerialized(t *testing.T, prefix string) string {
	t.Helper()
	part := name(prefix)
	var got struct {
		Rows int `json:"rows"`
	}
	s.adminOK(t, "POST", "/v1/admin/import/parts", []byte("number,name_en,class,serialized\n"+part+",Control board,main,yes\n"), &got)
	if got.Rows != 1 {
		t.Fatalf("parts import: %d rows, want 1", got.Rows)
	}
	return part
}

// openingsOf is the first pull's openings of part at loc, and their sum.
func openingsOf(ms []openingMovement, loc, part string) (out []openingMovement, sum int) {
	for _, m := range ms {
		if m.To == loc && m.Part == part {
			out = append(out, m)
			sum += m.Qty
		}
	}
	return out, sum
}

// PROTOCOL.md, Pull: at a location other than a defective bin, a part
// with a positive balance of which the service follows units there
// arrives as one adjust of 1 per unit, with its serial, in order of
// serial, keeping the at, recorded_by, shipment and (as source) the kind
// of the movement that brought it; the rest of the balance is one opening
// without a serial, and the openings sum to the balance. A unit fitted on
// a ticket or moved to another location is not among them.
func TestFirstPullSendsTheVansUnits(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "units", 0)
		wh := name("units-wh")
		s.adminOK(t, "PUT", "/v1/admin/locations/"+wh, map[string]any{"id": wh, "kind": "warehouse", "name": "Warehouse " + wh}, nil)
		part := s.importSerialized(t, "CF-UNIT")
		base := time.Now().UTC().Add(-3 * time.Hour).Truncate(time.Second)
		serials := []string{name("U1"), name("U2"), name("U3"), name("U4"), name("U5")}
		at := map[string]time.Time{}
		for i, sn := range serials {
			at[sn] = base.Add(time.Duration(i) * time.Minute)
			s.dispatchOK(t, "stock.receive", map[string]any{"movement": map[string]any{"id": newID(), "kind": "receive", "part": part, "to": tc.van, "qty": 1,
				"serial": sn, "at": at[sn].Format(time.RFC3339)}})
		}
		// Two units without serials: the service follows neither.
		s.dispatchOK(t, "stock.receive", map[string]any{"movement": map[string]any{"id": newID(), "kind": "receive", "part": part, "to": tc.van, "qty": 2}})
		fitted, moved := serials[1], serials[3]
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		fit := consumeArgs(newID(), tk.ID, part, tc.van, 1)
		fit["used"].(map[string]any)["serial"] = fitted
		dev.pushApplied(t, dev.mut("stock.consume", fit))
		s.dispatchOK(t, "stock.transfer", map[string]any{"movement": map[string]any{"id": newID(), "part": part, "from": tc.van, "to": wh, "qty": 1, "serial": moved}})

		fresh := s.pair(t, tc.id) // a second device: its first sync
		got, sum := openingsOf(fresh.firstPullMovements(t), tc.van, part)
		if b := s.balance(t, tc.van, part); sum != b || b != 5 {
			t.Errorf("the van's openings of %s sum to %d, the server's balance is %d (want 5)", part, sum, b)
		}
		var units []string
		rest := 0
		for _, m := range got {
			if m.Kind != "adjust" || m.From != "" || m.Ticket != "" {
				t.Errorf("opening %+v, want an adjust into the van that names no ticket", m)
			}
			if m.Serial == "" {
				rest += m.Qty
				continue
			}
			units = append(units, m.Serial)
			if m.Qty != 1 || !m.At.Equal(at[m.Serial]) || m.Source != "receive" || m.Reason != "opening balance" {
				t.Errorf("the opening of unit %s = %+v, want qty 1 at %v, source receive, reason opening balance", m.Serial, m, at[m.Serial])
			}
		}
		if want := []string{serials[0], serials[2], serials[4]}; !slices.Equal(units, want) {
			t.Errorf("the van's openings name units %v, want %v in order of serial (not %s, fitted, nor %s, moved)", units, want, fitted, moved)
		}
		if rest != 2 {
			t.Errorf("the van's openings without a serial hold %d, want the 2 units never followed", rest)
		}
	})
}

// PROTOCOL.md, Pull: at most 100 openings of one part at a location name
// a unit (the first by serial); the units past them arrive in one
// opening without a serial, and the openings still sum to the balance.
func TestFirstPullBoundsTheUnitsOfAPart(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		const bound, units = 100, 103
		tc := s.addFieldTech(t, "many-units", 0)
		part := s.importSerialized(t, "CF-MANY")
		var csv strings.Builder
		csv.WriteString("location,part,qty,serial\n")
		prefix := name("M")
		for i := range units {
			fmt.Fprintf(&csv, "%s,%s,1,%s-%03d\n", tc.van, part, prefix, i)
		}
		var got struct {
			Rows int `json:"rows"`
		}
		s.adminOK(t, "POST", "/v1/admin/import/stock", []byte(csv.String()), &got)
		if got.Rows != units {
			t.Fatalf("stock import: %d rows, want %d", got.Rows, units)
		}
		fresh := s.pair(t, tc.id)
		ms, sum := openingsOf(fresh.firstPullMovements(t), tc.van, part)
		if sum != units {
			t.Errorf("the van's openings of %s sum to %d, want its balance %d", part, sum, units)
		}
		var named []string
		rest := 0
		for _, m := range ms {
			if m.Serial != "" {
				named = append(named, m.Serial)
			} else {
				rest += m.Qty
			}
		}
		if len(ms) != bound+1 || len(named) != bound || rest != units-bound {
			t.Fatalf("%d openings, %d naming a unit, %d units without: want %d, %d, %d", len(ms), len(named), rest, bound+1, bound, units-bound)
		}
		for i, sn := range named {
			if want := fmt.Sprintf("%s-%03d", prefix, i); sn != want {
				t.Errorf("opening %d names unit %s, want %s (the first by serial)", i, sn, want)
			}
		}
	})
}

// PROTOCOL.md, Pull: the openings of a part's units are at most its
// balance. The van's device reports two units lost without saying
// which: the service still follows all three units at the van, and the
// balance of one arrives as one unit, the first by serial.
func TestFirstPullSendsNoMoreUnitsThanTheBalance(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "lost-units", 0)
		part := s.importSerialized(t, "CF-LOST")
		prefix := name("L")
		serials := []string{prefix + "-a", prefix + "-b", prefix + "-c"}
		for _, sn := range serials {
			s.dispatchOK(t, "stock.receive", map[string]any{"movement": map[string]any{"id": newID(), "kind": "receive", "part": part, "to": tc.van, "qty": 1, "serial": sn}})
		}
		dev := s.pair(t, tc.id)
		dev.pushApplied(t, dev.mut("stock.adjust", map[string]any{"movement": map[string]any{"id": newID(), "kind": "adjust", "part": part, "to": tc.van, "qty": -2, "reason": "lost"}}))
		ms, sum := openingsOf(s.pair(t, tc.id).firstPullMovements(t), tc.van, part)
		if b := s.balance(t, tc.van, part); sum != b || b != 1 {
			t.Errorf("the van's openings of %s sum to %d, the server's balance is %d (want 1)", part, sum, b)
		}
		if len(ms) != 1 || ms[0].Serial != serials[0] || ms[0].Qty != 1 {
			t.Errorf("the van's openings of %s are %+v, want one of unit %s", part, ms, serials[0])
		}
	})
}

// PROTOCOL.md, Pull: at most 1,000 openings at one location name a unit,
// taken part by part in order of part number: of 11 parts of 100 units
// each, the first 10 arrive unit by unit and the 11th as one opening
// without a serial.
func TestFirstPullBoundsTheUnitsOfALocation(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		const parts, each = 11, 100
		tc := s.addFieldTech(t, "shelf-units", 0)
		prefix := name("CF-SHELF")
		var catalog, stock strings.Builder
		catalog.WriteString("number,name_en,class,serialized\n")
		stock.WriteString("location,part,qty,serial\n")
		for p := range parts {
			fmt.Fprintf(&catalog, "%s-%02d,Control board,main,yes\n", prefix, p)
			for u := range each {
				fmt.Fprintf(&stock, "%s,%s-%02d,1,%s-%02d-%03d\n", tc.van, prefix, p, prefix, p, u)
			}
		}
		var got struct {
			Rows int `json:"rows"`
		}
		s.adminOK(t, "POST", "/v1/admin/import/parts", []byte(catalog.String()), &got)
		if got.Rows != parts {
			t.Fatalf("parts import: %d rows, want %d", got.Rows, parts)
		}
		s.adminOK(t, "POST", "/v1/admin/import/stock", []byte(stock.String()), &got)
		if got.Rows != parts*each {
			t.Fatalf("stock import: %d rows, want %d", got.Rows, parts*each)
		}
		all := s.pair(t, tc.id).firstPullMovements(t)
		named := 0
		for p := range parts {
			part := fmt.Sprintf("%s-%02d", prefix, p)
			ms, sum := openingsOf(all, tc.van, part)
			n := 0
			for _, m := range ms {
				if m.Serial != "" {
					n++
				}
			}
			named += n
			want := each
			if p == parts-1 {
				want = 0
			}
			if sum != each || n != want {
				t.Errorf("%s: %d openings name a unit and they sum to %d, want %d naming a unit, summing to %d", part, n, sum, want, each)
			}
		}
		if named != 1000 {
			t.Errorf("%d openings at the location name a unit, want 1,000", named)
		}
	})
}
