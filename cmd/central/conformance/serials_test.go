package conformance

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

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

// PROTOCOL.md, "Ticket merge rules": a serialized unit is followed by its
// part and serial; a movement that takes a unit the service knows from a
// location it is not at is applied all the same and raises a
// negative_stock conflict with key conflict.serial_elsewhere (the unit is
// on a ticket: Other is the ticket's number), theirs -1, field the part,
// data naming the unit. Here two devices of one technician fit the same
// unit offline, from a van that holds another unit of the part.
func TestSerialUnitFittedTwice(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "twin", 0)
		part, unit, other := s.serializedInVan(t, tc.van)
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
			c.Data["Serial"] != unit || c.Data["Part"] != part || c.Data["Location"] != "Van of "+tc.id || c.Data["LocationID"] != tc.van ||
			c.Data["Other"] != first.Number || c.Data["OtherID"] != first.ID || c.Data["Place"] != "ticket" {
			t.Errorf("conflict %+v, want negative_stock conflict.serial_elsewhere on %s: %s of %s on %s, not at Van of %s", c, second.Number, unit, part, first.Number, tc.id)
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

// PROTOCOL.md, "Ticket merge rules": a unit's conflict names its places
// as people know them, the service's names (a device may hold neither the
// warehouse nor the shipment): the location's name, the shipment's label
// (its tracking number), their IDs beside; and the console's inbox says
// them in words. Dispatch moves one unit of the van to the warehouse and
// ships another to a second van; the technician, offline, fits both from
// the van.
func TestSerialUnitElsewhereNamesItsPlaces(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc, other := s.addFieldTech(t, "named", 0), s.addFieldTech(t, "named-other", 0)
		part, sent, shipped := s.serializedInVan(t, tc.van)
		wh := name("wh")
		s.adminOK(t, "PUT", "/v1/admin/locations/"+wh, map[string]any{"id": wh, "kind": "warehouse", "name": "Almacén Central"}, nil)
		phone := s.pair(t, tc.id)
		phone.pullAll(t) // the van's two units, before dispatch moves them
		s.dispatchOK(t, "stock.transfer", map[string]any{"movement": map[string]any{"id": newID(), "part": part, "from": tc.van, "to": wh, "qty": 1, "serial": sent}})
		ship := newID()
		args := shipArgs(ship, "supply", tc.van, other.van)
		args["shipment"].(map[string]any)["lines"] = []map[string]any{{"part": part, "qty": 1, "serial": shipped}}
		s.dispatchOK(t, "shipment.send", args)
		ticket := s.newTicket(t, tc.id, "")
		fit := func(serial string) map[string]any {
			a := consumeArgs(newID(), ticket.ID, part, tc.van, 1)
			a["used"].(map[string]any)["serial"] = serial
			return a
		}
		if a := phone.push(t, phone.mut("stock.consume", fit(sent)), phone.mut("stock.consume", fit(shipped))); a.Acked != 2 || len(a.Rejected) != 0 {
			t.Fatalf("the fits: a=%d x=%+v, want both applied (a fit is a fact)", a.Acked, a.Rejected)
		}
		byKey := map[string]unitConflict{}
		for _, c := range s.unitConflicts(t, tc.id) {
			byKey[c.Key] = c
		}
		van := "Van of " + tc.id
		for _, want := range []struct {
			key, serial, other, otherID, place string
		}{
			{"conflict.serial_elsewhere_location", sent, "Almacén Central", wh, "location"},
			{"conflict.serial_elsewhere_shipment", shipped, "SF" + ship, ship, "shipment"},
		} {
			c, ok := byKey[want.key]
			if !ok || c.Data["Serial"] != want.serial || c.Data["Other"] != want.other || c.Data["OtherID"] != want.otherID || c.Data["Place"] != want.place ||
				c.Data["Location"] != van || c.Data["LocationID"] != tc.van {
				t.Errorf("%s: %+v, want %s of %s at %s (%s), not at %s (%s)", want.key, c, want.serial, part, want.other, want.otherID, van, tc.van)
			}
		}
		// The office's inbox, in French: the names, no ID.
		login := name("names") + "@example.com"
		s.mustAddConsoleUser(t, "default", login, "dispatcher", "")
		b := s.browser()
		b.mustSignIn(t, login)
		page := b.req(t, "GET", "/conflicts", nil, "Accept-Language", "fr")
		if page.status != http.StatusOK {
			t.Fatalf("GET /conflicts: HTTP %d %s", page.status, page.body)
		}
		for _, want := range []string{
			fmt.Sprintf("L’unité %s de %s est enregistrée à Almacén Central, pas à %s", sent, part, van),
			fmt.Sprintf("L’unité %s de %s est enregistrée dans l’envoi SF%s, pas à %s", shipped, part, ship, van),
		} {
			if !strings.Contains(string(page.body), want) {
				t.Errorf("the inbox lacks %q", want)
			}
		}
	})
}

// Technicians fit the same unit, one the service does not know yet (it
// came without its serial), each from their own van, at the same moment
// (one typed its serial wrong, or the unit went from van to van by
// hand): every fit is applied, and every one but the first finds the
// unit on the ticket of the one before and raises
// conflict.serial_elsewhere, as when they sync one after the other.
// Their vans' balances are apart: only the unit's own check orders
// them. Each of a few rounds fits a unit of its own: one round's pushes
// do not always meet.
func TestUnknownUnitFittedAtOnce(t *testing.T) {
	const n, rounds = 6, 5
	onEachDB(t, func(t *testing.T, s *service) {
		part := name("CF-BOARD")
		var got struct {
			Rows int `json:"rows"`
		}
		s.adminOK(t, "POST", "/v1/admin/import/parts", []byte("number,name_en,class,serialized\n"+part+",Control board,main,yes\n"), &got)
		var devs []*device
		var techs []tech
		for range n {
			tc := s.addFieldTech(t, "fitter", 0)
			s.importStock(t, tc.van, part, rounds)
			devs, techs = append(devs, s.pair(t, tc.id)), append(techs, tc)
		}
		for round := range rounds {
			unit := name("SN")
			var tickets []string
			fitted := map[string]bool{} // a fitted ticket: whether it has the unit's conflict
			for _, tc := range techs {
				tk := s.newTicket(t, tc.id, "").ID
				tickets, fitted[tk] = append(tickets, tk), false
			}
			pushAtOnce(t, s, devs, func(i int, d *device) []mutation {
				args := consumeArgs(newID(), tickets[i], part, techs[i].van, 1)
				args["used"].(map[string]any)["serial"] = unit
				return withNotes(d, d.mut("stock.consume", args), tickets[i], 30)
			})
			found := 0
			for _, tc := range techs {
				for _, c := range s.unitConflicts(t, tc.id) {
					if c.Data["Serial"] != unit {
						continue // another round's
					}
					if had, ok := fitted[c.Ticket]; c.Key != "conflict.serial_elsewhere" || !ok || had {
						t.Errorf("round %d: conflict %+v, want one conflict.serial_elsewhere on each fit but the first", round, c.conflict)
					}
					fitted[c.Ticket] = true
					found++
				}
			}
			if found != n-1 {
				t.Errorf("round %d: %d serial_elsewhere conflicts, want %d: one for each fit after the first", round, found, n-1)
			}
		}
		for _, tc := range techs {
			if b := s.balance(t, tc.van, part); b != 0 {
				t.Errorf("%s's van balance %d, want 0", tc.id, b)
			}
		}
	})
}

// serializedInVan imports a serialized part and two units of it, each
// with its serial, into van; it returns the part's number and the two
// serials.
func (s *service) serializedInVan(t *testing.T, van string) (part, first, second string) {
	t.Helper()
	part = name("CF-BOARD")
	var got struct {
		Rows int `json:"rows"`
	}
	s.adminOK(t, "POST", "/v1/admin/import/parts", []byte("number,name_en,class,serialized\n"+part+",Control board,main,yes\n"), &got)
	if got.Rows != 1 {
		t.Fatalf("parts import: %d rows, want 1", got.Rows)
	}
	first, second = name("SN"), name("SN")
	s.adminOK(t, "POST", "/v1/admin/import/stock", []byte(fmt.Sprintf("location,part,qty,serial\n%s,%s,1,%s\n%s,%s,1,%s\n", van, part, first, van, part, second)), &got)
	if got.Rows != 2 {
		t.Fatalf("stock import: %d rows, want 2", got.Rows)
	}
	return part, first, second
}

// PROTOCOL.md, "Ticket merge rules": a second fit of a unit on the ticket
// it is on already is applied, a fit being a fact, and raises
// conflict.serial_elsewhere whose Other is that same ticket. Here the
// technician's phone and tablet each fitted the unit on one ticket
// offline; the device refuses the second fit only when it holds the
// first.
func TestSerialUnitFittedTwiceOnOneTicket(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "twice", 0)
		part, unit, _ := s.serializedInVan(t, tc.van)
		phone, tablet := s.pair(t, tc.id), s.pair(t, tc.id)
		ticket := s.newTicket(t, tc.id, "")
		for i, d := range []*device{phone, tablet} {
			d.pullAll(t)
			args := consumeArgs(newID(), ticket.ID, part, tc.van, 1)
			args["used"].(map[string]any)["serial"] = unit
			if a := d.push(t, d.mut("stock.consume", args)); a.Acked != 1 || len(a.Rejected) != 0 {
				t.Fatalf("device %d's fit: a=%d x=%+v, want it applied (a fit is a fact)", i, a.Acked, a.Rejected)
			}
		}
		cs := s.unitConflicts(t, tc.id)
		if len(cs) != 1 {
			t.Fatalf("conflicts after the second fit: %+v, want one", cs)
		}
		c := cs[0]
		if c.Kind != "negative_stock" || c.Key != "conflict.serial_elsewhere" || c.Theirs != "-1" || c.Field != part || c.Ticket != ticket.ID ||
			c.Data["Serial"] != unit || c.Data["Other"] != ticket.Number || c.Data["OtherID"] != ticket.ID || c.Data["Place"] != "ticket" {
			t.Errorf("conflict %+v, want negative_stock conflict.serial_elsewhere on %s naming %s itself", c, ticket.Number, ticket.Number)
		}
	})
}
