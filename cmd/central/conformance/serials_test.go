package conformance

import (
	"fmt"
	"testing"
)

// PROTOCOL.md, "Ticket merge rules": a serialized unit is followed by its
// part and serial; a movement that takes a unit the service knows from a
// location it is not at is applied all the same and raises a
// negative_stock conflict with key conflict.serial_elsewhere (the unit is
// on a ticket: Other is the ticket's number), theirs -1, field the part,
// data naming the unit. Here two devices of one technician fit the same
// unit offline, from a van that holds another unit of the part.
// unitConflict is a conflict with the data that fills its message.
type unitConflict struct {
	conflict
	Data map[string]any `json:"data"`
}

// unitConflicts lists tech's conflicts, open and resolved, with their data.
func (s *service) unitConflicts(t *testing.T, tech string) []unitConflict {
	t.Helper()
	var all, out []unitConflict
	s.adminOK(t, "GET", "/v1/admin/conflicts?all=1", nil, &all)
	for _, c := range all {
		if c.Technician == tech {
			out = append(out, c)
		}
	}
	return out
}

func TestSerialUnitFittedTwice(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		part := name("CF-BOARD")
		var got struct {
			Rows int `json:"rows"`
		}
		s.adminOK(t, "POST", "/v1/admin/import/parts", []byte("number,name_en,class,serialized\n"+part+",Control board,main,yes\n"), &got)
		if got.Rows != 1 {
			t.Fatalf("parts import: %d rows, want 1", got.Rows)
		}
		tc := s.addFieldTech(t, "twin", 0)
		unit, other := name("SN"), name("SN")
		s.adminOK(t, "POST", "/v1/admin/import/stock", []byte(fmt.Sprintf("location,part,qty,serial\n%s,%s,1,%s\n%s,%s,1,%s\n", tc.van, part, unit, tc.van, part, other)), &got)
		if got.Rows != 2 {
			t.Fatalf("stock import: %d rows, want 2", got.Rows)
		}
		phone, tablet := s.pair(t, tc.id), s.pair(t, tc.id)
		first, second := s.newTicket(t, tc.id, ""), s.newTicket(t, tc.id, "")
		fit := func(ticket string) map[string]any {
			args := consumeArgs(newID(), ticket, part, tc.van, 1)
			args["used"].(map[string]any)["serial"] = unit
			return args
		}
		for i, d := range []*device{phone, tablet} {
			d.pullAll(t) // both saw the van's two units before going offline
			ticket := []ticketView{first, second}[i]
			if a := d.push(t, d.mut("stock.consume", fit(ticket.ID))); a.Acked != 1 || len(a.Rejected) != 0 {
				t.Fatalf("device %d's fit: a=%d x=%+v, want it applied (a fit is a fact)", i, a.Acked, a.Rejected)
			}
			if i == 0 {
				if cs := s.unitConflicts(t, tc.id); len(cs) != 0 {
					t.Fatalf("conflicts after the first fit: %+v, want none", cs)
				}
			}
		}
		if b := s.balance(t, tc.van, part); b != 0 {
			t.Errorf("van balance of %s = %d, want 0: the balance alone raises nothing", part, b)
		}
		cs := s.unitConflicts(t, tc.id)
		if len(cs) != 1 {
			t.Fatalf("conflicts after the second fit: %+v, want one", cs)
		}
		c := cs[0]
		if c.Kind != "negative_stock" || c.Key != "conflict.serial_elsewhere" || c.Theirs != "-1" || c.Field != part || c.Ticket != second.ID ||
			c.Data["Serial"] != unit || c.Data["Part"] != part || c.Data["Location"] != tc.van || c.Data["Other"] != first.Number || c.Data["Place"] != "ticket" {
			t.Errorf("conflict %+v, want negative_stock conflict.serial_elsewhere on %s: %s of %s on %s, not at %s", c, second.Number, unit, part, first.Number, tc.van)
		}
		// The technician's devices pull it, as every conflict of theirs.
		found := false
		for _, pc := range tablet.pullAll(t).Conflicts {
			found = found || pc.ID == c.ID && pc.Key == "conflict.serial_elsewhere"
		}
		if !found {
			t.Errorf("the tablet's pull does not carry conflict %s", c.ID)
		}
		// The other unit, where the service has it, is not misplaced (the
		// van's balance now goes to -1, which is the balance's conflict).
		args := consumeArgs(newID(), first.ID, part, tc.van, 1)
		args["used"].(map[string]any)["serial"] = other
		if a := phone.push(t, phone.mut("stock.consume", args)); a.Acked != 2 || len(a.Rejected) != 0 {
			t.Fatalf("fit of %s: %+v", other, a)
		}
		var units []unitConflict
		for _, c := range s.unitConflicts(t, tc.id) {
			if c.Data["Serial"] != nil {
				units = append(units, c)
			}
		}
		if len(units) != 1 {
			t.Errorf("conflicts naming a unit after fitting the other one: %+v, want still one", units)
		}
	})
}
