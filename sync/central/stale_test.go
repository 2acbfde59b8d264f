package central

import (
	"context"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestStaleConflictSaysWhichAndWho: work on an assignment that dispatch
// ended comes back as a stale_epoch conflict whose theirs says what
// dispatch did and theirs_by who, in the technician's pull too.
func TestStaleConflictSaysWhichAndWho(t *testing.T) {
	cases := []struct {
		name   string
		admin  func(w *world) app.Command
		theirs string
	}{
		{"cancelled", func(w *world) app.Command {
			return &app.TransitionTicket{Action: app.ActionCancel, Ticket: w.ticketA.ID, Epoch: 1, Reason: "customer cancelled"}
		}, app.StaleCancelled},
		{"reassigned", func(w *world) app.Command {
			return &app.AssignTicket{Ticket: w.ticketA.ID, Technician: "tech-b"}
		}, app.StaleReassigned},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, db *DB) {
				w := newWorld(t, db)
				ctx := context.Background()
				_, cursor, _ := pullAll(t, db, w.a, "", DefaultPageBytes)
				if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, tc.admin(w))); err != nil {
					t.Fatal(err)
				}
				if w.dispatch.Name == "" {
					t.Fatal("the dispatcher has no name to show")
				}
				// Offline, the technician started the job on epoch 1.
				if res := push(t, db, w.a, mut(t, 1, start(w.ticketA.ID, 1))); len(res.Rejected) != 1 {
					t.Fatalf("push = %+v, want the start refused", res)
				}
				cs, err := db.Conflicts(ctx, tenant, true)
				if err != nil {
					t.Fatal(err)
				}
				if len(cs) != 1 || cs[0].Kind != app.ConflictStaleEpoch || cs[0].Theirs != tc.theirs || cs[0].TheirsBy != w.dispatch.Name {
					t.Fatalf("conflicts = %+v, want one stale_epoch with theirs %q by %q", cs, tc.theirs, w.dispatch.Name)
				}
				ds, _, _ := pullAll(t, db, w.a, cursor, DefaultPageBytes)
				if len(ds.Conflicts) != 1 || ds.Conflicts[0].Theirs != tc.theirs || ds.Conflicts[0].TheirsBy != w.dispatch.Name {
					t.Fatalf("the technician's pull has conflicts %+v", ds.Conflicts)
				}
			})
		})
	}
}
