package conformance

import (
	"net/http"
	"slices"
	"testing"
)

// PROTOCOL.md, "Conflicts": an open field conflict follows its ticket.
// When dispatch reassigns the ticket, the conflict becomes the new
// technician's: the old technician's device is told it is gone (as it is
// told the ticket left) and drops it, their decision is answered as an
// unknown conflict's, and a later clash that restates the conflict
// reaches the new technician's device only.

// containsConflict says whether cs holds conflict id.
func containsConflict(cs []conflict, id string) bool {
	return slices.ContainsFunc(cs, func(c conflict) bool { return c.ID == id })
}

// decision is an answer's status and error code and key, to compare
// decisions.
type decision struct {
	status    int
	code, key string
}

// decideAs resolves conflict id as token with resolution and returns the
// answer's decision (status 200 and nothing else when it was taken).
func (s *service) decideAs(t *testing.T, token, id, resolution string) decision {
	t.Helper()
	a := s.do(t, "POST", "/v1/conflicts/"+id+"/resolve", token, map[string]any{"resolution": resolution})
	if a.status == http.StatusOK {
		return decision{status: a.status}
	}
	e := a.apiErr(t)
	return decision{a.status, e.Code, e.Key}
}

func TestFieldConflictFollowsItsTicket(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		a := s.addFieldTech(t, "leaving", 0)
		devA := s.pair(t, a.id)
		b := s.addFieldTech(t, "arriving", 0)
		devB := s.pair(t, b.id)
		tk := s.newTicket(t, a.id, "")
		const ours, d, e = "13400000041", "13400000048", "13400000049"
		c := s.phoneClash(t, devA, tk, ours, d)
		first, cursorA := devA.pullFrom(t, "")
		if !containsConflict(first.Conflicts, c.ID) {
			t.Fatalf("A's device did not pull its conflict %s", c.ID)
		}

		s.dispatchOK(t, "ticket.assign", map[string]any{"ticket": tk.ID, "technician": b.id})
		if moved, _ := s.conflictByID(t, c.ID); moved.Technician != b.id || moved.Resolution != "" {
			t.Errorf("after the reassignment the conflict is %+v; want it open and %s's", moved, b.id)
		}
		away, cursorA := devA.pullFrom(t, cursorA)
		if !slices.Contains(away.Gone, tk.ID) {
			t.Errorf("A's pull after the reassignment: gone_tickets %v, want %s", away.Gone, tk.ID)
		}
		if !slices.Contains(away.GoneConflicts, c.ID) || containsConflict(away.Conflicts, c.ID) {
			t.Errorf("A's pull after the reassignment: gone_conflicts %v, conflict sent again %v; want %s gone",
				away.GoneConflicts, containsConflict(away.Conflicts, c.ID), c.ID)
		}
		// A's decision is refused as a conflict that does not exist:
		// nothing says it is there.
		unknown := s.decideAs(t, devA.token, "cf-"+newID()+"-customer_phone", "accept_ours")
		if got := s.decideAs(t, devA.token, c.ID, "accept_ours"); got != unknown || got.status != http.StatusNotFound {
			t.Errorf("A's decision after the reassignment: %+v; want %+v, as an unknown conflict's", got, unknown)
		}
		if p := s.ticket(t, tk.ID).Ticket.Customer.Phone; p != ours {
			t.Errorf("after A's refused decision the phone is %q, want %q unchanged", p, ours)
		}

		// A second clash: dispatch, still showing D, writes E over A's
		// value. The conflict is restated for B, and only B's device gets it.
		s.dispatchOK(t, "ticket.update", phoneUpdate(tk.ID, e, d))
		restated := s.fieldConflictOf(t, tk.ID, "customer_phone")
		if restated.ID != c.ID || restated.Technician != b.id || restated.Key != "conflict.field_dispatch" || restated.Theirs != e || restated.Resolution != "" {
			t.Errorf("after the second clash the conflict is %+v; want %s open, %s's, conflict.field_dispatch, theirs %s", restated, c.ID, b.id, e)
		}
		later, _ := devA.pullFrom(t, cursorA)
		if containsConflict(later.Conflicts, c.ID) {
			t.Errorf("A's device pulled the restated conflict %s, which is B's", c.ID)
		}
		var atB []conflict
		for _, pc := range devB.pullAll(t).Conflicts {
			if pc.ID == c.ID {
				atB = append(atB, pc)
			}
		}
		if len(atB) != 1 || atB[0].Technician != b.id || atB[0].Theirs != e || atB[0].Ours != ours {
			t.Errorf("B's device pulled %+v; want conflict %s once, B's, ours %s, theirs %s", atB, c.ID, ours, e)
		}
		if got := s.decideAs(t, devA.token, c.ID, "dismissed"); got != unknown {
			t.Errorf("A's decision after the second clash: %+v; want %+v, as an unknown conflict's", got, unknown)
		}
		s.resolvePhone(t, devB, c.ID, "accept_ours", tk.ID, ours)
	})
}

// At a counter two hands share the store's tickets: one's clash on the
// phone raises the field conflict for them; the other's later clash on
// the same field restates it for the other, whose devices pull it, and
// the first's devices are told it is gone and can no longer decide it.
func TestFieldConflictRestatedForAnotherCounterHand(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		store := name("store")
		x, y := s.addCounterTech(t, "hand", store), s.addCounterTech(t, "hand", store)
		devX, devY := s.pair(t, x.id), s.pair(t, y.id)
		tk := s.newTicket(t, "", store)
		const mineX, d, mineY = "13400000051", "13400000058", "13400000052"
		c := s.phoneClash(t, devX, tk, mineX, d)
		if c.Technician != x.id {
			t.Fatalf("the conflict is %+v, want it X's (%s)", c, x.id)
		}
		first, cursorX := devX.pullFrom(t, "")
		if !containsConflict(first.Conflicts, c.ID) {
			t.Fatalf("X's device did not pull its conflict %s", c.ID)
		}
		// Y still shows dispatch's D and writes over X's value unseen.
		devY.pushPhone(t, tk.ID, mineY, d)
		restated := s.fieldConflictOf(t, tk.ID, "customer_phone")
		if restated.ID != c.ID || restated.Technician != y.id || restated.Ours != mineY || restated.Theirs != mineX {
			t.Errorf("after Y's clash the conflict is %+v; want %s, Y's, ours %s, theirs %s", restated, c.ID, mineY, mineX)
		}
		later, _ := devX.pullFrom(t, cursorX)
		if !slices.Contains(later.GoneConflicts, c.ID) || containsConflict(later.Conflicts, c.ID) {
			t.Errorf("X's next pull: gone_conflicts %v, conflict sent %v; want %s gone", later.GoneConflicts, containsConflict(later.Conflicts, c.ID), c.ID)
		}
		if slices.Contains(later.Gone, tk.ID) {
			t.Errorf("X's next pull says the store's ticket is gone")
		}
		if !containsConflict(devY.pullAll(t).Conflicts, c.ID) {
			t.Errorf("Y's device did not pull the conflict restated for Y")
		}
		unknown := s.decideAs(t, devX.token, "cf-"+newID()+"-customer_phone", "accept_ours")
		if got := s.decideAs(t, devX.token, c.ID, "accept_ours"); got != unknown {
			t.Errorf("X's decision: %+v; want %+v, as an unknown conflict's", got, unknown)
		}
		s.resolvePhone(t, devY, c.ID, "accept_theirs", tk.ID, mineX)
	})
}
