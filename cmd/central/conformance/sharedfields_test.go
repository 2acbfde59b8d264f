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

// pushPhone pushes d's edit of ticket's phone to set over base, which the
// service must take: a conflict the edit raises is not a rejection.
func (d *device) pushPhone(t *testing.T, ticket, set, base string) {
	t.Helper()
	if r, rejected := d.pushOne(t, d.mut("ticket.update", phoneUpdate(ticket, set, base))); rejected {
		t.Fatalf("the device's edit of the phone to %s over %s was rejected: %+v", set, base, r)
	}
}

// phoneClash raises the field conflict the conflict cases start from:
// dispatch changes tk's phone to theirs, then dev, still showing the
// phone tk had, changes it to ours. It returns the conflict.
func (s *service) phoneClash(t *testing.T, dev *device, tk ticketView, ours, theirs string) conflict {
	t.Helper()
	s.dispatchOK(t, "ticket.update", phoneUpdate(tk.ID, theirs, tk.Customer.Phone))
	dev.pushPhone(t, tk.ID, ours, tk.Customer.Phone)
	return s.fieldConflictOf(t, tk.ID, "customer_phone")
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
		dev.pushPhone(t, tk.ID, a, x)
		s.dispatchOK(t, "ticket.update", phoneUpdate(tk.ID, d, x))
		s.dispatchOK(t, "ticket.update", phoneUpdate(tk.ID, e, d))
		c := s.fieldConflictOf(t, tk.ID, "customer_phone")
		if c.Key != "conflict.field_dispatch" || c.Ours != a || c.Theirs != e {
			t.Errorf("the conflict after dispatch's correction is %+v; want conflict.field_dispatch, ours %s, theirs %s (in force)", c, a, e)
		}
		// The technician edits again (over E, seen): ours follows too.
		const b = "13400000022"
		dev.pushPhone(t, tk.ID, b, e)
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

// A field has at most one open field conflict on a ticket: a clash on a
// field whose conflict is open restates that conflict, under its ID, as
// the clash would have opened one. The technician's A won over
// dispatch's D (conflict.field); dispatch, still showing D, writes E: the
// one conflict now says dispatch's E is in force over the technician's
// A (conflict.field_dispatch), the device pulls it so, and one decision
// settles the field.
func TestOneOpenConflictPerField(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "onefield", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		const a, d, e = "13400000031", "13400000038", "13400000039"
		first := s.phoneClash(t, dev, tk, a, d)
		if first.Key != "conflict.field" || first.Ours != a || first.Theirs != d {
			t.Fatalf("the first conflict is %+v; want conflict.field, ours %s, theirs %s", first, a, d)
		}
		s.dispatchOK(t, "ticket.update", phoneUpdate(tk.ID, e, d))
		c := s.fieldConflictOf(t, tk.ID, "customer_phone")
		if c.ID != first.ID || c.Key != "conflict.field_dispatch" || c.Ours != a || c.Theirs != e || c.Resolution != "" {
			t.Errorf("after dispatch's clash the conflict is %+v; want %s still open, conflict.field_dispatch, ours %s, theirs %s (in force)", c, first.ID, a, e)
		}
		var pulled []conflict
		for _, pc := range dev.pullAll(t).Conflicts {
			if pc.Ticket == tk.ID && pc.Kind == "field" {
				pulled = append(pulled, pc)
			}
		}
		if len(pulled) != 1 || pulled[0].ID != first.ID || pulled[0].Key != "conflict.field_dispatch" || pulled[0].Theirs != e {
			t.Errorf("the device pulled %+v; want the one conflict %s restated", pulled, first.ID)
		}
		s.resolvePhone(t, dev, first.ID, "accept_ours", tk.ID, a)
		if open := s.conflicts(t, func(c conflict) bool { return c.Ticket == tk.ID && c.Kind == "field" && c.Resolution == "" }); len(open) != 0 {
			t.Errorf("after the decision %d field conflicts are still open: %+v", len(open), open)
		}
	})
}

// A phone is one number whatever its spaces and dashes: an update whose
// base or value differs from the phone in force only so overwrites
// nothing unseen, and raises no conflict, from a device or dispatch. The
// value is kept as written.
func TestPhoneWritingRaisesNoConflict(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "phonewriting", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		// Dispatch writes the number in force again, spaced: the device,
		// which showed it unspaced, writes a new one over that.
		spaced := "138 0000 0000"
		if tk.Customer.Phone != "13800000000" {
			t.Fatalf("the ticket's phone is %q; the case needs 13800000000", tk.Customer.Phone)
		}
		s.dispatchOK(t, "ticket.update", phoneUpdate(tk.ID, spaced, tk.Customer.Phone))
		dev.pushPhone(t, tk.ID, "13400000041", "13800000000")
		// Dispatch, showing 134-0000-0041, writes it dashed over the same.
		s.dispatchOK(t, "ticket.update", phoneUpdate(tk.ID, "134-0000-0042", "134-0000-0041"))
		// The device, showing the old 134 0000 0041, writes the number in
		// force, spaced.
		dev.pushPhone(t, tk.ID, "134 0000 0042", "134 0000 0041")
		if cs := s.conflicts(t, func(c conflict) bool { return c.Ticket == tk.ID }); len(cs) != 0 {
			t.Errorf("conflicts raised where the phones differ only in their writing: %+v", cs)
		}
		if p := s.ticket(t, tk.ID).Ticket.Customer.Phone; p != "134 0000 0042" {
			t.Errorf("the phone is %q, want the last one as written, %q", p, "134 0000 0042")
		}
	})
}

// ticket.create checks the customer's phone and address as an edit
// does, from dispatch (400) and from a device (a rejected conflict), with
// the same keys; nothing is created. A phone may be missing, and a
// counter's walk-in has no address.
func TestCreateChecksPhoneAndAddress(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "createcheck", 0)
		dev := s.pair(t, tc.id)
		create := func(kind, phone, address string) (string, map[string]any) {
			id := newID()
			return id, map[string]any{"ticket": map[string]any{"id": id, "number": name("CC"), "kind": kind, "country": "CN",
				"product":  map[string]any{"category": "appliance", "brand": "Acme", "model": "W1"},
				"customer": map[string]any{"name": "Li Na", "phone": phone, "address": address}, "fault": "leaks", "technician": tc.id}}
		}
		for _, c := range []struct {
			what, kind, phone, address, key string
		}{
			{"letters for a phone", "carry_in", "ask his wife", "", "contact.phone_invalid"},
			{"three digits", "on_site", "139", "1 Road", "contact.phone_invalid"},
			{"a visit without an address", "on_site", "13800000000", " ", "contact.address_empty"},
		} {
			id, args := create(c.kind, c.phone, c.address)
			a := s.dispatch(t, "ticket.create", args)
			if a.status != http.StatusBadRequest {
				t.Errorf("%s from dispatch: HTTP %d %s, want 400", c.what, a.status, a.body)
			} else if e := a.apiErr(t); e.Key != c.key {
				t.Errorf("%s from dispatch: key %s, want %s", c.what, e.Key, c.key)
			}
			if g := s.do(t, "GET", "/v1/admin/tickets/"+id, s.admin, nil); g.status != http.StatusNotFound {
				t.Errorf("%s from dispatch: the ticket reads HTTP %d, want 404: not created", c.what, g.status)
			}
			id, args = create(c.kind, c.phone, c.address)
			r, rejected := dev.pushOne(t, dev.mut("ticket.create", args))
			if !rejected || r.Code != "invalid" || r.Key != c.key {
				t.Errorf("%s from a device: rejected %v %+v; want invalid %s", c.what, rejected, r, c.key)
			}
			if g := s.do(t, "GET", "/v1/admin/tickets/"+id, s.admin, nil); g.status != http.StatusNotFound {
				t.Errorf("%s from a device: the ticket reads HTTP %d, want 404: not created", c.what, g.status)
			}
		}
		// Taken: a walk-in who gives no phone and no address, a visit with
		// both, from either.
		_, args := create("carry_in", "", "")
		s.dispatchOK(t, "ticket.create", args)
		_, args = create("on_site", "+86 138-0013-8000", "1 Road")
		if r, rejected := dev.pushOne(t, dev.mut("ticket.create", args)); rejected {
			t.Errorf("a good visit from a device was rejected: %+v", r)
		}
	})
}
