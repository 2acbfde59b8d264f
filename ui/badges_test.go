package ui_test

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestListReadsConflictsOnlyWhenTheInboxChanged: reloading the ticket list
// (each search, view and save reloads it) reads the conflict inbox only
// when the sync status says the conflicts changed; the badge still comes
// with the conflict.
func TestListReadsConflictsOnlyWhenTheInboxChanged(t *testing.T) {
	counted := &countingStore{}
	sw := newSyncWorld(t, counted, nil)
	list := sw.term.List()
	reloads := func(n int) int64 {
		before := counted.conflicts.Load()
		for i := 0; i < n; i++ {
			list.Reload()
		}
		return counted.conflicts.Load() - before
	}
	if n := reloads(10); n != 0 {
		t.Errorf("10 reloads read the inbox %d times, want 0", n)
	}

	// Dispatch cancels a ticket the technician, not synced yet, departs
	// for: the sync brings a conflict.
	tk := sw.assigned(t, 1)[0]
	sw.dispatch(t, &app.TransitionTicket{Action: app.ActionCancel, Ticket: tk.ID, Epoch: tk.Epoch, Reason: "test"})
	sw.term.Commit(&app.TransitionTicket{Action: app.ActionDepart, Ticket: tk.ID, Epoch: tk.Epoch})
	if n := reloads(5); n != 0 {
		t.Errorf("5 reloads after saving work read the inbox %d times, want 0", n)
	}
	before := counted.conflicts.Load()
	sw.syncOnce(t)
	if st := sw.svc.SyncStatus(); st.Conflicts != 1 {
		t.Fatalf("%d conflicts after the refused change, want 1", st.Conflicts)
	}
	// The service counts them; the list reads them once for its badges.
	if n := counted.conflicts.Load() - before; n < 2 {
		t.Errorf("the sync that brought a conflict read the inbox %d times: the list did not read it", n)
	}
	list.SetQuery(tk.Number)
	if !strings.Contains(labels(list.Object()), "conflict") {
		t.Errorf("no conflict badge on %s:\n%s", tk.Number, labels(list.Object()))
	}
	if n := reloads(10); n != 0 {
		t.Errorf("10 reloads with a conflict read the inbox %d times, want 0", n)
	}
}
