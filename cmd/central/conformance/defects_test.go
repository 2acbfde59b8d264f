package conformance

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The defects of issue 10, each as the document states the behaviour.

// Defect 1: an offline technician works a ticket through while dispatch
// cancels it. Stock consumption is a fact: it is accepted (the van's
// balance drops), and every conflict the push raised can be decided by
// dispatch.
func TestOfflineWorkOnCancelledTicketKeepsConsumption(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		const stock, used = 10, 2
		tc := s.addFieldTech(t, "offline", stock)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")

		// Meanwhile, dispatch cancels.
		s.dispatchOK(t, "ticket.cancel", transition(tk.ID, 1, "reason", "customer called to cancel"))

		consume := newID()
		batch := []mutation{
			dev.mut("ticket.depart", transition(tk.ID, 1)),
			dev.mut("ticket.arrive", transition(tk.ID, 1)),
			dev.mut("ticket.start", transition(tk.ID, 1)),
			dev.mut("ticket.update", map[string]any{"ticket": tk.ID, "set": map[string]any{"diagnosis": "worn door seal"}, "base": map[string]any{"diagnosis": ""}}),
			dev.mut("repair.log", repairArgs(newID(), tk.ID, 30)),
			dev.mut("stock.consume", consumeArgs(consume, tk.ID, partFilter, tc.van, used)),
			dev.mut("ticket.complete", transition(tk.ID, 1, "resolution", "repaired")),
		}
		out := dev.push(t, batch...)
		if out.Acked != batch[len(batch)-1].Seq {
			t.Fatalf("acknowledged %d, want %d", out.Acked, batch[len(batch)-1].Seq)
		}
		if got := s.balance(t, tc.van, partFilter); got != stock-used {
			t.Errorf("van balance %d after the push, want %d: the fitted part must be counted", got, stock-used)
		}
		if d := s.ticket(t, tk.ID); d.Ticket.Status != "cancelled" {
			t.Errorf("ticket is %s, want dispatch's cancellation kept", d.Ticket.Status)
		}
		// Dispatch decides each conflict: the technician's evidence is
		// applied after all, the refused transitions give way to the
		// cancellation.
		names := map[int64]string{}
		for _, m := range batch {
			names[m.Seq] = m.Name
		}
		for _, x := range out.Rejected {
			if x.Conflict == "" {
				t.Errorf("rejection of seq %d (%s) names no conflict", x.Seq, names[x.Seq])
				continue
			}
			resolution := "accept_theirs"
			if !strings.HasPrefix(names[x.Seq], "ticket.") {
				resolution = "accept_ours"
			}
			a := s.do(t, "POST", "/v1/conflicts/"+x.Conflict+"/resolve", s.admin, map[string]any{"resolution": resolution})
			if a.status != http.StatusOK {
				t.Errorf("dispatch's %s of the conflict on %s: HTTP %d %s, want 200", resolution, names[x.Seq], a.status, a.body)
			}
		}
		if got := s.balance(t, tc.van, partFilter); got != stock-used {
			t.Errorf("van balance %d after dispatch's decisions, want %d (the part counted once)", got, stock-used)
		}
	})
}

// Defect 2: a shared field changed by the technician, then by dispatch
// from the same old value: dispatch's stale write does not silently
// overwrite; taken, it leaves a field conflict holding both values (the
// issue), refused (409), it leaves the technician's value. A dispatcher's
// update of a shared field without base is refused.
func TestDispatchStaleSharedFieldWriteIsAConflict(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "shared", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		old, mine, theirs := tk.Customer.Address, "2 Tech Street", "3 Dispatch Avenue"

		if x, ok := dev.pushOne(t, dev.mut("ticket.update", map[string]any{"ticket": tk.ID,
			"set": map[string]any{"customer_address": mine}, "base": map[string]any{"customer_address": old}})); ok {
			t.Fatalf("the technician's update was refused: %+v", x)
		}
		a := s.dispatch(t, "ticket.update", map[string]any{"ticket": tk.ID,
			"set": map[string]any{"customer_address": theirs}, "base": map[string]any{"customer_address": old}})
		switch {
		case a.status == http.StatusConflict:
			// Refused at once: PROTOCOL.md files no conflict for a refused
			// admin mutation, so the technician's value must still be there.
			a.apiErr(t)
			if got := s.ticket(t, tk.ID).Ticket.Customer.Address; got != mine {
				t.Errorf("dispatch's stale update was refused but the address is %q, want the technician's %q", got, mine)
			}
		case a.status/100 == 2:
			cs := s.conflicts(t, func(c conflict) bool { return c.Ticket == tk.ID && c.Kind == "field" })
			found := false
			for _, c := range cs {
				vals := []string{c.Ours, c.Theirs}
				slices.Sort(vals)
				want := []string{mine, theirs}
				slices.Sort(want)
				found = found || c.Field == "customer_address" && slices.Equal(vals, want)
			}
			if !found {
				t.Errorf("dispatch's stale update was taken with no field conflict on customer_address holding %q and %q; conflicts on the ticket: %+v (ticket now has %q)",
					mine, theirs, cs, s.ticket(t, tk.ID).Ticket.Customer.Address)
			}
		default:
			t.Fatalf("dispatch's update: HTTP %d %s, want it taken with a field conflict, or refused with 409", a.status, a.body)
		}

		before := s.ticket(t, tk.ID).Ticket.Customer.Address
		a = s.dispatch(t, "ticket.update", map[string]any{"ticket": tk.ID, "set": map[string]any{"customer_address": "4 Blind Lane"}})
		if a.status/100 != 4 {
			t.Errorf("dispatch's update of a shared field without base: HTTP %d %s, want 4xx", a.status, a.body)
		} else {
			a.apiErr(t)
		}
		if after := s.ticket(t, tk.ID).Ticket.Customer.Address; after != before {
			t.Errorf("the refused update changed the address from %q to %q", before, after)
		}
	})
}

// Defect 3: cancellation is dispatcher-owned: a field technician's
// ticket.cancel is refused into a conflict and the ticket stays open.
func TestFieldTechnicianCannotCancel(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "canceller", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		m := dev.mut("ticket.cancel", transition(tk.ID, 1, "reason", "customer not at home"))
		x, refused := dev.pushOne(t, m)
		if !refused {
			t.Errorf("a field technician's ticket.cancel was applied")
		} else if _, ok := s.conflictByID(t, x.Conflict); !ok {
			t.Errorf("the refusal %+v names no stored conflict", x)
		}
		if d := s.ticket(t, tk.ID); d.Ticket.Status != "assigned" {
			t.Errorf("ticket is %s on the server, want it still assigned", d.Ticket.Status)
		}
	})
}

// Defect 4: a device cannot make stock appear in its own van (receive, a
// positive count adjustment); it may count stock down with a reason.
func TestDeviceCannotReceiveIntoItsVan(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		const stock = 10
		tc := s.addFieldTech(t, "receiver", stock)
		dev := s.pair(t, tc.id)
		tests := []struct {
			name    string
			mut     string
			move    map[string]any
			refused bool
			delta   int
		}{
			{"receive", "stock.receive", map[string]any{"kind": "receive", "part": partBelt, "to": tc.van, "qty": 5}, true, 0},
			{"positive adjust", "stock.adjust", map[string]any{"kind": "adjust", "part": partBelt, "to": tc.van, "qty": 3, "reason": "found in the glovebox"}, true, 0},
			{"negative adjust", "stock.adjust", map[string]any{"kind": "adjust", "part": partBelt, "to": tc.van, "qty": -2, "reason": "damaged in transit"}, false, -2},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := s.balance(t, tc.van, partBelt)
				tt.move["id"] = newID()
				x, refused := dev.pushOne(t, dev.mut(tt.mut, map[string]any{"movement": tt.move}))
				if refused != tt.refused {
					t.Errorf("refused = %v (%+v), want %v", refused, x, tt.refused)
				}
				if got := s.balance(t, tc.van, partBelt); got != before+tt.delta {
					t.Errorf("van balance %d after the push, want %d", got, before+tt.delta)
				}
			})
		}
	})
}

// Defect 5: a technician's ticket.create naming another store does not
// land in that store's scope.
func TestCreateWithAnotherStoreStaysOutOfItsScope(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		victimStore := name("store")
		counter := s.addCounterTech(t, "counter", victimStore)
		counterDev := s.pair(t, counter.id)
		field := s.addFieldTech(t, "planter", 0)
		fieldDev := s.pair(t, field.id)

		planted := newID()
		fieldDev.pushOne(t, fieldDev.mut("ticket.create", createArgs(planted, name("PLANT"), victimStore)))
		if counterDev.pullAll(t).hasTicket(planted) {
			t.Errorf("the store's device pulled a ticket another technician created with the store's ID")
		}
		// The store's own tickets do reach it: the pull above is not empty
		// for lack of a scope.
		own := s.newTicket(t, "", victimStore)
		if !counterDev.pullAll(t).hasTicket(own.ID) {
			t.Fatalf("the store's device did not pull the store's own ticket")
		}
	})
}

// Defect 6: refusals do not reveal what exists. Work on another
// technician's ticket is answered like work on a ticket that does not
// exist, and is not filed as stale_epoch.
func TestRefusalsDoNotRevealWhatExists(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		owner := s.addFieldTech(t, "owner", 0)
		ownerDev := s.pair(t, owner.id)
		theirs := s.newTicket(t, owner.id, "")
		theirRepair := newID()
		if x, ok := ownerDev.pushOne(t, ownerDev.mut("repair.log", repairArgs(theirRepair, theirs.ID, 5))); ok {
			t.Fatalf("the owner's repair was refused: %+v", x)
		}
		guesser := s.addFieldTech(t, "guesser", 0)
		dev := s.pair(t, guesser.id)
		mine := s.newTicket(t, guesser.id, "")
		myRepair := newID()
		if x, ok := dev.pushOne(t, dev.mut("repair.log", repairArgs(myRepair, mine.ID, 5))); ok {
			t.Fatalf("the guesser's repair on their own ticket was refused: %+v", x)
		}

		refuse := func(t *testing.T, what string, m mutation) (rejection, conflict) {
			t.Helper()
			x, ok := dev.pushOne(t, m)
			if !ok {
				t.Fatalf("%s was applied", what)
			}
			c, ok := s.conflictByID(t, x.Conflict)
			if !ok {
				t.Fatalf("%s: the refusal %+v names no stored conflict", what, x)
			}
			for _, secret := range []string{theirs.Number, theirs.Customer.Name, owner.id} {
				if strings.Contains(x.Msg, secret) || strings.Contains(c.Message, secret) {
					t.Errorf("%s: the refusal %q / %q reveals %q", what, x.Msg, c.Message, secret)
				}
			}
			return x, c
		}
		same := func(t *testing.T, a, b rejection, what string) {
			t.Helper()
			if a.Code != b.Code || a.Key != b.Key || a.Msg != b.Msg {
				t.Errorf("%s: answers differ:\n exists, not yours: %s %s %q\n does not exist:    %s %s %q", what, a.Code, a.Key, a.Msg, b.Code, b.Key, b.Msg)
			}
		}

		t.Run("work on a ticket", func(t *testing.T) {
			foreign, fc := refuse(t, "a repair on another technician's ticket", dev.mut("repair.log", repairArgs(newID(), theirs.ID, 5)))
			nowhere := newID()
			missing, _ := refuse(t, "a repair on a ticket that does not exist", dev.mut("repair.log", repairArgs(newID(), nowhere, 5)))
			// The ticket IDs were the device's own input; everything else must match.
			foreign.Msg = strings.ReplaceAll(foreign.Msg, theirs.ID, "ID")
			missing.Msg = strings.ReplaceAll(missing.Msg, nowhere, "ID")
			same(t, foreign, missing, "repair.log")
			if fc.Kind == "stale_epoch" {
				t.Errorf("work on a ticket never in the device's scope was filed as stale_epoch")
			}
		})
		t.Run("ticket.create with an existing ID", func(t *testing.T) {
			// Whose ticket holds the ID must not show: the answer is the same
			// for another technician's ticket and for the device's own.
			number := name("GUESS")
			foreign, fc := refuse(t, "ticket.create with another technician's ticket ID", dev.mut("ticket.create", createArgs(theirs.ID, number, "")))
			own, _ := refuse(t, "ticket.create with the device's own ticket ID", dev.mut("ticket.create", createArgs(mine.ID, number, "")))
			// The IDs were the device's own input; everything else must match.
			foreign.Msg = strings.ReplaceAll(foreign.Msg, theirs.ID, "ID")
			own.Msg = strings.ReplaceAll(own.Msg, mine.ID, "ID")
			same(t, foreign, own, "ticket.create")
			if fc.Kind == "stale_epoch" {
				t.Errorf("a guessed ticket ID was filed as stale_epoch")
			}
			if dev.pullAll(t).hasTicket(theirs.ID) {
				t.Errorf("the guessed ticket reached the guessing device")
			}
		})
		t.Run("ticket.create with a guessable ID", func(t *testing.T) {
			// PROTOCOL.md, Push: a device's new ticket needs a fresh UUID;
			// any other ID gets the answer a taken one gets, so guessing
			// dispatch's order numbers tells nothing.
			order := name("ORD")
			s.newTicketWithID(t, order, owner.id, "")
			number := name("GUESS")
			taken, _ := refuse(t, "ticket.create with an order number that exists", dev.mut("ticket.create", createArgs(order, number, "")))
			free := order + "-9"
			untaken, _ := refuse(t, "ticket.create with an order number that does not exist", dev.mut("ticket.create", createArgs(free, number, "")))
			fresh, _ := refuse(t, "ticket.create with another technician's fresh ID", dev.mut("ticket.create", createArgs(theirs.ID, number, "")))
			taken.Msg = strings.ReplaceAll(taken.Msg, order, "ID")
			untaken.Msg = strings.ReplaceAll(untaken.Msg, free, "ID")
			fresh.Msg = strings.ReplaceAll(fresh.Msg, theirs.ID, "ID")
			same(t, taken, untaken, "ticket.create with an order number")
			same(t, taken, fresh, "ticket.create with a taken ID")
			if d := s.ticket(t, order); d.Ticket.Technician != owner.id {
				t.Errorf("the order's ticket went to %q", d.Ticket.Technician)
			}
		})
		t.Run("a fact with another device's ID", func(t *testing.T) {
			foreign, _ := refuse(t, "a repair reusing another device's repair ID", dev.mut("repair.log", repairArgs(theirRepair, mine.ID, 5)))
			own, _ := refuse(t, "a repair reusing the device's own repair ID", dev.mut("repair.log", repairArgs(myRepair, mine.ID, 5)))
			// The IDs were the device's own input; everything else must match.
			foreign.Msg = strings.ReplaceAll(foreign.Msg, theirRepair, "ID")
			own.Msg = strings.ReplaceAll(own.Msg, myRepair, "ID")
			same(t, foreign, own, "repair.log with a taken ID")
		})
		if d := s.ticket(t, theirs.ID); len(d.Repairs) != 1 || d.Ticket.Technician != owner.id || d.Ticket.Number != theirs.Number {
			t.Errorf("the guesses changed the owner's ticket: %+v", d)
		}
	})
}

// PROTOCOL.md, Push: every record a device creates needs a fresh ID (a
// lower-case UUID). A fact with any other ID, taken (dispatch's own
// receipt number) or free, or an upper-case UUID, gets the one answer a
// taken UUID gets, body for body, and changes nothing; a fresh UUID is
// applied.
func TestDeviceFactIDsMustBeFresh(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "minter", 10)
		dev := s.pair(t, tc.id)
		receipt := name("RCV")
		s.dispatchOK(t, "stock.receive", map[string]any{"movement": map[string]any{"id": receipt, "kind": "receive", "part": partBelt, "to": tc.van, "qty": 5}})
		loss := func(id string) mutation {
			return dev.mut("stock.adjust", map[string]any{"movement": map[string]any{"id": id, "kind": "adjust", "part": partBelt, "to": tc.van, "qty": -1, "reason": "dropped"}})
		}
		// rejected pushes m alone and returns its rejection as the wire
		// carries it, with the ID the device sent replaced by "ID", and
		// its stored conflict.
		rejected := func(t *testing.T, what, id string, m mutation) (map[string]any, conflict) {
			t.Helper()
			a := dev.sync(t, map[string]any{"v": 1, "p": []mutation{m}, "np": true})
			if a.status != http.StatusOK {
				t.Fatalf("%s: HTTP %d %s", what, a.status, a.body)
			}
			var out struct {
				Acked    int64            `json:"a"`
				Rejected []map[string]any `json:"x"`
			}
			if err := json.Unmarshal(a.body, &out); err != nil {
				t.Fatalf("%s: answer %s: %v", what, a.body, err)
			}
			if out.Acked != m.Seq || len(out.Rejected) != 1 {
				t.Fatalf("%s: answer %s, want seq %d acknowledged and refused", what, a.body, m.Seq)
			}
			x := out.Rejected[0]
			cfID, _ := x["cf"].(string)
			c, ok := s.conflictByID(t, cfID)
			if !ok {
				t.Fatalf("%s: the refusal %s names no stored conflict", what, a.body)
			}
			if x["code"] != "conflict" || x["key"] != "mutation.id_unusable" || c.Key != "mutation.id_unusable" || c.Kind != "rejected" {
				t.Errorf("%s: refused with %v %v (conflict %s %s), want conflict mutation.id_unusable", what, x["code"], x["key"], c.Kind, c.Key)
			}
			msg, _ := x["msg"].(string)
			if !strings.Contains(msg, id) {
				t.Errorf("%s: the answer %q does not name the ID the device sent", what, msg)
			}
			x["msg"] = strings.ReplaceAll(msg, id, "ID")
			c.Message = strings.ReplaceAll(c.Message, id, "ID")
			// These differ by nature: the seq, the conflict's own ID.
			delete(x, "s")
			delete(x, "cf")
			return x, c
		}

		fresh := newID()
		before := s.balance(t, tc.van, partBelt)
		if x, ok := dev.pushOne(t, loss(fresh)); ok {
			t.Fatalf("a loss with a fresh UUID was refused: %+v", x)
		}
		if got := s.balance(t, tc.van, partBelt); got != before-1 {
			t.Fatalf("van balance %d after a loss with a fresh UUID, want %d", got, before-1)
		}
		want, wantConflict := rejected(t, "a taken fresh UUID", fresh, loss(fresh))
		free := receipt + "-9"
		upper := strings.ToUpper(newID())
		tests := []struct{ name, id string }{
			{"dispatch's receipt number, taken", receipt},
			{"a receipt number that is free", free},
			{"an upper-case UUID", upper},
			{"a short name", "m1"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				was := s.balance(t, tc.van, partBelt)
				got, gotConflict := rejected(t, tt.name, tt.id, loss(tt.id))
				if !reflect.DeepEqual(got, want) {
					t.Errorf("answer %v, want the taken UUID's %v", got, want)
				}
				if gotConflict.Code != wantConflict.Code || gotConflict.Key != wantConflict.Key || gotConflict.Message != wantConflict.Message || gotConflict.Kind != wantConflict.Kind {
					t.Errorf("conflict %s %s %s %q, want the taken UUID's %s %s %s %q", gotConflict.Kind, gotConflict.Code, gotConflict.Key, gotConflict.Message,
						wantConflict.Kind, wantConflict.Code, wantConflict.Key, wantConflict.Message)
				}
				if now := s.balance(t, tc.van, partBelt); now != was {
					t.Errorf("van balance %d after the refused loss, want %d", now, was)
				}
			})
		}
		// A repair and a note: every kind of fact, not only movements.
		tk := s.newTicket(t, tc.id, "")
		for _, m := range []mutation{dev.mut("repair.log", repairArgs("rp-1", tk.ID, 5)), dev.mut("note.add", noteArgs(strings.ToUpper(newID()), tk.ID))} {
			if x, ok := dev.pushOne(t, m); !ok || x.Key != "mutation.id_unusable" {
				t.Errorf("%s with an ID that is not fresh: refused %v %+v, want mutation.id_unusable", m.Name, ok, x)
			}
		}
		if d := s.ticket(t, tk.ID); len(d.Repairs) != 0 || len(d.Notes) != 0 {
			t.Errorf("the refused facts reached the ticket: %d repairs, %d notes", len(d.Repairs), len(d.Notes))
		}
	})
}

// Defect 7: mutation IDs are per device. Device B reusing an ID device A
// used is applied or refused visibly, and A's conflict stays A's.
func TestMutationIDsArePerDevice(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		a := s.addFieldTech(t, "first", 0)
		devA := s.pair(t, a.id)
		b := s.addFieldTech(t, "second", 0)
		devB := s.pair(t, b.id)
		ticketB := s.newTicket(t, b.id, "")

		// A's mutation is refused (no such ticket): it leaves a conflict.
		ma := devA.mut("note.add", noteArgs(newID(), newID()))
		xa, ok := devA.pushOne(t, ma)
		if !ok {
			t.Fatalf("a note on a ticket that does not exist was applied")
		}
		before, ok := s.conflictByID(t, xa.Conflict)
		if !ok {
			t.Fatalf("A's refusal names no stored conflict: %+v", xa)
		}

		// B pushes a valid note under the same mutation ID.
		note := newID()
		mb := devB.mut("note.add", noteArgs(note, ticketB.ID))
		mb.ID = ma.ID
		out := devB.push(t, mb)
		if out.Acked != mb.Seq {
			t.Fatalf("B's push acknowledged %d, want %d", out.Acked, mb.Seq)
		}
		var row *applied
		for _, r := range s.applied(t, devB.id) {
			if r.Seq == mb.Seq {
				row = &r
			}
		}
		switch {
		case row == nil:
			t.Errorf("B's seq %d is acknowledged but not in B's applied list: silently swallowed", mb.Seq)
		case row.Status == "applied":
			if d := s.ticket(t, ticketB.ID); len(d.Notes) != 1 || d.Notes[0].ID != note {
				t.Errorf("B's mutation is listed as applied but the ticket's notes are %+v", d.Notes)
			}
		case row.Status == "rejected":
			if len(out.Rejected) != 1 || out.Rejected[0].Conflict == "" || out.Rejected[0].Conflict == xa.Conflict {
				t.Errorf("B's refused mutation has no conflict of its own in the answer: %+v", out.Rejected)
			} else if c, ok := s.conflictByID(t, out.Rejected[0].Conflict); !ok || c.Device != devB.id {
				t.Errorf("B's conflict %q is not stored as B's: %+v", out.Rejected[0].Conflict, c)
			}
		default:
			t.Errorf("B's applied row has status %q", row.Status)
		}
		after, ok := s.conflictByID(t, xa.Conflict)
		if !ok || after != before {
			t.Errorf("A's conflict changed:\n before %+v\n after  %+v", before, after)
		}
	})
}
