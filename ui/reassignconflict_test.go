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

// TestConsoleDispatcherNamedByLogin: work refused because a dispatcher
// reassigned the ticket in the office console, and a ticket the console
// cancelled, name that dispatcher by their login: the sync page read
// "Changed by console:demo-dispatcher", the service's record of a
// console user, which a technician took for a machine (walk6's French
// phone walk).
func TestConsoleDispatcherNamedByLogin(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	const login = "zhou.min"
	tks := sw.assigned(t, 2)
	moved, cancelled := tks[0], tks[1]
	if _, err := sw.deps.Commit.Commit(t.Context(), sw.deps.Actor, &app.TransitionTicket{Action: app.ActionDepart, Ticket: moved.ID, Epoch: moved.Epoch}); err != nil {
		t.Fatal(err)
	}
	sw.dispatchAs(t, app.ConsoleActor+login, &app.AssignTicket{Ticket: moved.ID, Technician: otherFieldTechnician(t, sw)})
	sw.dispatchAs(t, app.ConsoleActor+login, &app.TransitionTicket{Action: app.ActionCancel, Ticket: cancelled.ID, Epoch: cancelled.Epoch, Reason: "customer called off"})
	sw.syncOnce(t)
	shown := labels(sw.openPage(t))
	if strings.Contains(shown, app.ConsoleActor) {
		t.Errorf("the sync page names the dispatcher as the service records a console user:\n%s", shown)
	}
	for _, want := range []string{"Changed by\n" + login + "\n", "was cancelled by dispatch (" + login + ")"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the sync page does not say %q:\n%s", want, shown)
		}
	}
}
