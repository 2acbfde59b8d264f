package conformance

import (
	"net/http"
	"testing"
)

// PROTOCOL.md, "Ticket merge rules", shared fields: a later update of
// the field by the same side, applied, moves the open field conflict's
// value of that side (ours for a device, theirs for dispatch) to the value
// now in force, so resolving it never puts back a value older than one
// its side wrote since.

// fieldConflictOf is the one field conflict of ticket on field.
func (s *service) fieldConflictOf(t *testing.T, ticket, field string) conflict {
	t.Helper()
	cs := s.conflicts(t, func(c conflict) bool { return c.Ticket == ticket && c.Kind == "field" && c.Field == field })
	if len(cs) != 1 {
		t.Fatalf("ticket %s has %d field conflicts on %s, want 1: %+v", ticket, len(cs), field, cs)
	}
	return cs[0]
}

// phoneUpdate is ticket.update's arguments setting ticket's customer
// phone to set over base, the value its writer showed.
func phoneUpdate(ticket, set, base string) map[string]any {
	return map[string]any{"ticket": ticket, "set": map[string]any{"customer_phone": set}, "base": map[string]any{"customer_phone": base}}
}

// resolvePhone resolves conflict id as dev with resolution, and checks
// the ticket's phone is then want.
func (s *service) resolvePhone(t *testing.T, dev *device, id, resolution, ticket, want string) {
	t.Helper()
	if got := s.do(t, "POST", "/v1/conflicts/"+id+"/resolve", dev.token, map[string]any{"resolution": resolution}); got.status != http.StatusOK {
		t.Fatalf("%s: HTTP %d %s", resolution, got.status, got.body)
	}
	if p := s.ticket(t, ticket).Ticket.Customer.Phone; p != want {
		t.Errorf("after %s the phone is %q, want that side's latest %q", resolution, p, want)
	}
}

// The technician edits the phone twice offline (A over the X they were
// shown, then B over A) while dispatch changed it to D: update 1 raises
// the conflict, update 2 is the technician's later value. "Keep mine"
// keeps B, not A, and the device pulls the conflict with ours B.
func TestKeepMineKeepsTheTechniciansLatestValue(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "keepmine", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		x := tk.Customer.Phone
		const a, b, d = "13400000011", "13400000012", "13400000019"
		s.dispatchOK(t, "ticket.update", phoneUpdate(tk.ID, d, x))
		out := dev.push(t,
			dev.mut("ticket.update", phoneUpdate(tk.ID, a, x)),
			dev.mut("ticket.update", phoneUpdate(tk.ID, b, a)))
		if len(out.Rejected) != 0 {
			t.Fatalf("the technician's edits were rejected: %+v", out.Rejected)
		}
		c := s.fieldConflictOf(t, tk.ID, "customer_phone")
		if c.Key != "conflict.field" || c.Ours != b || c.Theirs != d {
			t.Errorf("the conflict after the second edit is %+v; want conflict.field, ours %s (in force), theirs %s", c, b, d)
		}
		pulled := false
		for _, pc := range dev.pullAll(t).Conflicts {
			if pc.ID == c.ID {
				pulled = true
				if pc.Ours != b {
					t.Errorf("the device pulled the conflict with ours %q, want %q, the value in force", pc.Ours, b)
				}
			}
		}
		if !pulled {
			t.Errorf("the device did not pull conflict %s", c.ID)
		}
		s.resolvePhone(t, dev, c.ID, "accept_ours", tk.ID, b)
	})
}

// The same for dispatch's side: dispatch overwrites the technician's A
// unseen with D (conflict.field_dispatch, theirs D), then corrects it to E
// over D. The conflict's theirs follows to E, and "Take theirs" puts E,
// never D, back.
func TestTakeTheirsTakesDispatchsLatestValue(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "taketheirs", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		x := tk.Customer.Phone
		const a, d, e = "13400000021", "13400000028", "13400000029"
		if r, rejected := dev.pushOne(t, dev.mut("ticket.update", phoneUpdate(tk.ID, a, x))); rejected {
			t.Fatalf("the technician's edit was rejected: %+v", r)
		}
		s.dispatchOK(t, "ticket.update", phoneUpdate(tk.ID, d, x))
		s.dispatchOK(t, "ticket.update", phoneUpdate(tk.ID, e, d))
		c := s.fieldConflictOf(t, tk.ID, "customer_phone")
		if c.Key != "conflict.field_dispatch" || c.Ours != a || c.Theirs != e {
			t.Errorf("the conflict after dispatch's correction is %+v; want conflict.field_dispatch, ours %s, theirs %s (in force)", c, a, e)
		}
		// The technician edits again (over E, seen): ours follows too.
		const b = "13400000022"
		if r, rejected := dev.pushOne(t, dev.mut("ticket.update", phoneUpdate(tk.ID, b, e))); rejected {
			t.Fatalf("the technician's second edit was rejected: %+v", r)
		}
		if c = s.fieldConflictOf(t, tk.ID, "customer_phone"); c.Ours != b || c.Theirs != e {
			t.Errorf("after the technician's second edit the conflict is %+v; want ours %s, theirs %s", c, b, e)
		}
		s.resolvePhone(t, dev, c.ID, "accept_theirs", tk.ID, e)
	})
}

// The service checks a customer's phone and address as the terminal
// does: a device's push of a phone that is not one, or of an empty
// address on a visit, is refused into a rejected conflict with the key
// the terminal shows; dispatch's gets 400 with it; neither changes the
// ticket.
func TestCustomerPhoneAndAddressChecked(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "contactcheck", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "") // on site
		for _, c := range []struct {
			what, field, value, key string
		}{
			{"letters for a phone", "customer_phone", "call me", "contact.phone_invalid"},
			{"too few digits", "customer_phone", "tel:139", "contact.phone_invalid"},
			{"an empty phone", "customer_phone", "  ", "contact.phone_empty"},
			{"no address on a visit", "customer_address", " ", "contact.address_empty"},
		} {
			args := map[string]any{"ticket": tk.ID, "set": map[string]any{c.field: c.value}, "base": map[string]any{c.field: ""}}
			r, rejected := dev.pushOne(t, dev.mut("ticket.update", args))
			if !rejected || r.Code != "invalid" || r.Key != c.key {
				t.Errorf("%s pushed by a device: rejected %v %+v; want a rejection invalid %s", c.what, rejected, r, c.key)
			}
			a := s.dispatch(t, "ticket.update", args)
			if a.status != http.StatusBadRequest {
				t.Errorf("%s from dispatch: HTTP %d %s, want 400", c.what, a.status, a.body)
			} else if e := a.apiErr(t); e.Key != c.key {
				t.Errorf("%s from dispatch: key %s, want %s", c.what, e.Key, c.key)
			}
		}
		if got := s.ticket(t, tk.ID).Ticket.Customer; got != tk.Customer {
			t.Errorf("refused updates changed the customer to %+v, was %+v", got, tk.Customer)
		}
		// A good phone, with spaces and a label, is taken.
		s.dispatchOK(t, "ticket.update", map[string]any{"ticket": tk.ID,
			"set": map[string]any{"customer_phone": "+86 138-0013-8000"}, "base": map[string]any{"customer_phone": tk.Customer.Phone}})
	})
}
