package ui_test

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestContactConflictLeavesWithItsTicket: the technician and dispatch
// both changed the customer's phone, and the sync page asks which stays;
// then dispatch gives the ticket to another technician. The question
// went with the ticket (docs/PROTOCOL.md, "Conflicts"): after the next
// sync the sync line counts no conflict and the page no longer shows it,
// so the technician is not left deciding for a ticket no longer theirs.
func TestContactConflictLeavesWithItsTicket(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	const mine = "+86 139 2222 4444"
	tk := phoneConflict(t, sw, mine, "+86 137 0000 2222")
	sw.dispatch(t, &app.AssignTicket{Ticket: tk.ID, Technician: otherFieldTechnician(t, sw)})
	sw.syncOnce(t)
	if s := sw.term.SyncText(); strings.Contains(s, "conflict") {
		t.Errorf("sync line after the ticket was reassigned: %q, want no conflict counted", s)
	}
	if shown := labels(sw.openPage(t)); strings.Contains(shown, "Both you and dispatch changed the customer's phone") || strings.Contains(shown, mine) {
		t.Errorf("the sync page still asks about the reassigned ticket's phone:\n%s", shown)
	}
}

// otherFieldTechnician is a field technician of sw's world other than
// the one the terminal is paired as, to reassign a ticket to.
func otherFieldTechnician(t *testing.T, sw *syncWorld) app.TechnicianID {
	t.Helper()
	for _, tc := range sw.ds.Technicians {
		if tc.ID != sw.me.ID && tc.Store == "" {
			return tc.ID
		}
	}
	t.Fatal("the world has no other field technician")
	return ""
}
