package conformance

import (
	"encoding/json"
	"testing"
	"time"
)

// openingMovement is a pulled movement with the fields a defective bin's
// opening keeps (PROTOCOL.md, Pull: a defective bin is the exception).
type openingMovement struct {
	movement
	Serial   string    `json:"serial"`
	Ticket   string    `json:"ticket"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
	Shipment string    `json:"shipment"`
	Source   string    `json:"source"`
}

// firstPullMovements pulls from an empty cursor until nothing more is
// waiting and returns the movements of every page.
func (d *device) firstPullMovements(t *testing.T) []openingMovement {
	t.Helper()
	var all []openingMovement
	d.pullPages(t, "", func(data json.RawMessage) {
		var p struct {
			Movements []openingMovement `json:"movements"`
		}
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("pulled page %.300s: %v", data, err)
		}
		all = append(all, p.Movements...)
	})
	return all
}

// A new device's first pull names, for each unit in its technician's
// defective bin, the ticket the part was removed on: one opening per
// return, the latest first, keeping its ticket, serial and time, with the
// ticket's number as the reason where the return gave none. A part in the
// van still arrives as one opening without a ticket. The openings sum to
// the server's balances.
func TestFirstPullNamesDefectiveReturns(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		const stock = 4
		tc := s.addFieldTech(t, "returns", stock)
		bin := name("returns-bin")
		s.adminOK(t, "PUT", "/v1/admin/locations/"+bin, map[string]any{"id": bin, "kind": "defective", "name": "Returns of " + tc.id, "owner": tc.id}, nil)
		older, newer := s.newTicket(t, tc.id, ""), s.newTicket(t, tc.id, "")
		dev := s.pair(t, tc.id)
		base := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Second)
		returns := []struct {
			ticket ticketView
			qty    int
			serial string
			reason string
			at     time.Time
		}{
			{older, 1, "D-OLD", older.Number, base},
			{newer, 2, "D-NEW", "", base.Add(time.Hour)},
		}
		for _, r := range returns {
			m := map[string]any{"id": newID(), "kind": "return_defective", "part": partFilter, "to": bin, "qty": r.qty,
				"serial": r.serial, "ticket": r.ticket.ID, "at": r.at.Format(time.RFC3339)}
			if r.reason != "" {
				m["reason"] = r.reason
			}
			if x, rejected := dev.pushOne(t, dev.mut("stock.return_defective", map[string]any{"movement": m})); rejected {
				t.Fatalf("return on %s refused: %+v", r.ticket.Number, x)
			}
		}

		fresh := s.pair(t, tc.id) // a second device: its first sync
		got := fresh.firstPullMovements(t)
		var inBin []openingMovement
		sum := map[string]int{}
		for _, m := range got {
			if m.Kind != "adjust" || m.From != "" {
				t.Errorf("first pull sent %+v, want only opening adjustments", m)
			}
			sum[m.To+" "+m.Part] += m.Qty
			if m.To == bin {
				inBin = append(inBin, m)
			}
			if m.To == tc.van && m.Ticket != "" {
				t.Errorf("the van's opening %+v names a ticket", m)
			}
		}
		want := []struct {
			ticket, reason, serial string
			qty                    int
			at                     time.Time
		}{
			{newer.ID, newer.Number, "D-NEW", 2, base.Add(time.Hour)},
			{older.ID, older.Number, "D-OLD", 1, base},
		}
		if len(inBin) != len(want) {
			t.Fatalf("the bin's openings are %+v, want one per return", inBin)
		}
		for i, w := range want {
			m := inBin[i]
			if m.Part != partFilter || m.Ticket != w.ticket || m.Reason != w.reason || m.Serial != w.serial || m.Qty != w.qty || !m.At.Equal(w.at) {
				t.Errorf("opening %d of the bin = %+v, want ticket %s, reason %q, serial %s, qty %d at %v", i, m, w.ticket, w.reason, w.serial, w.qty, w.at)
			}
		}
		for _, c := range []struct{ loc, part string }{{bin, partFilter}, {tc.van, partFilter}, {tc.van, partBelt}} {
			if b := s.balance(t, c.loc, c.part); sum[c.loc+" "+c.part] != b {
				t.Errorf("the openings of %s at %s sum to %d, the server's balance is %d", c.part, c.loc, sum[c.loc+" "+c.part], b)
			}
		}
	})
}

// A unit that arrived damaged in a parcel lies in the defective bin; a
// new device's first pull gives its opening the parcel it came in (its
// movement's shipment) with the receipt's note as the reason, or
// "opening balance" when the note was empty, while an opening of a part
// removed on a ticket names no parcel (PROTOCOL.md, Pull: a defective bin
// is the exception). The bin's openings sum to its balance.
func TestFirstPullNamesTheParcelOfADamagedUnit(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		v2 := func(args map[string]any) mutation {
			m := w.dev.mut("shipment.receive", args)
			m.Version = 2
			return m
		}
		noted, bare := newID(), newID()
		for _, c := range []struct{ ship, note string }{{noted, "display cracked"}, {bare, ""}} {
			s.dispatchOK(t, "shipment.send", shipArgs(c.ship, "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 2}))
			w.dev.pushApplied(t, v2(damagedArgs(c.ship, partFilter, 2, 1, c.note, w.bin)))
		}
		ret := map[string]any{"id": newID(), "kind": "return_defective", "part": partFilter, "to": w.bin, "qty": 1,
			"serial": "D-TK", "ticket": w.tk.ID, "at": time.Now().UTC().Format(time.RFC3339)}
		w.dev.pushApplied(t, w.dev.mut("stock.return_defective", map[string]any{"movement": ret}))

		fresh := s.pair(t, w.tc.id) // a second device: its first sync
		sum := 0
		got := map[string]openingMovement{} // by shipment, "" for the return
		for _, m := range fresh.firstPullMovements(t) {
			if m.To != w.bin {
				continue
			}
			sum += m.Qty
			if _, twice := got[m.Shipment]; twice {
				t.Errorf("two openings in the bin name shipment %q: %+v", m.Shipment, m)
			}
			got[m.Shipment] = m
		}
		want := map[string]struct {
			ticket, reason string
		}{
			noted: {"", "display cracked"},
			bare:  {"", "opening balance"},
			"":    {w.tk.ID, w.tk.Number},
		}
		if len(got) != len(want) {
			t.Errorf("the bin's openings by shipment are %+v, want one per damaged parcel and one for the return", got)
		}
		for ship, w := range want {
			m, ok := got[ship]
			if !ok || m.Kind != "adjust" || m.Part != partFilter || m.Qty != 1 || m.Ticket != w.ticket || m.Reason != w.reason {
				t.Errorf("the bin's opening of shipment %q = %+v (present %v), want an adjust of 1 %s, ticket %q, reason %q", ship, m, ok, partFilter, w.ticket, w.reason)
			}
		}
		if b := s.balance(t, w.bin, partFilter); sum != b {
			t.Errorf("the bin's openings sum to %d, the server's balance is %d", sum, b)
		}
	})
}
