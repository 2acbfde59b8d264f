package store

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestLeaseLocksAndUnlocks: past its lease the device refuses to show
// tickets, keeps its unsent work and its outbox as they were, and a
// complete sync unlocks it; the lease's days come from the server.
func TestLeaseLocksAndUnlocks(t *testing.T) {
	r := newReplica(t)
	ctx := t.Context()
	tickets := NewTicketService(r.db)
	day := 24 * time.Hour
	locked := func(when string, want bool) {
		t.Helper()
		_, _, ferr := tickets.FindTickets(ctx, app.TicketFilter{})
		_, derr := tickets.TicketDetail(ctx, storetest.T1)
		for _, err := range []error{ferr, derr} {
			if want && (app.ErrorCode(err) != app.ELEASE || app.AsError(err).Key != "lease.locked") {
				t.Fatalf("%s: %v, want ELEASE lease.locked", when, err)
			}
			if !want && err != nil {
				t.Fatalf("%s: %v", when, err)
			}
		}
	}
	if l, err := r.db.Lease(ctx); err != nil || l.Days != app.DefaultLeaseDays || !l.LastContact.Equal(storetest.Now) {
		t.Fatalf("Lease = %+v, %v; want the default days and the first sync", l, err)
	}
	m := r.commit(app.Actor{Role: app.RoleSystem}, &app.AddNote{Note: app.Note{ID: "n-lease", Ticket: storetest.T1, Text: "left the charger"}})

	// The server shortens the lease to 7 days in an answer that does not
	// complete the pull: the contact stays the first sync's.
	r.apply(app.PullPage{Epoch: "e1", Cursor: "c1", LeaseDays: 7})
	tests := []struct {
		after  time.Duration
		locked bool
	}{
		{0, false},
		{7*day - time.Minute, false},
		{7 * day, true},
		{90 * day, true},
	}
	for _, tt := range tests {
		r.now = storetest.Now.Add(tt.after)
		locked("after "+tt.after.String(), tt.locked)
	}
	// Locked, the unsent note is still there and still pending.
	st, err := r.db.SyncState(ctx)
	if err != nil || st.Pending != 1 || st.LeaseDays != 7 {
		t.Fatalf("while locked: %+v, %v; want 1 pending, lease 7 days", st, err)
	}
	pending, err := r.db.Pending(ctx, 10)
	if err != nil || len(pending) != 1 || pending[0].ID != m.ID {
		t.Fatalf("while locked, pending = %v, %v", pending, err)
	}
	// A server answer with impossible days is refused whole.
	for _, bad := range []int{-1, app.MaxLeaseDays + 1} {
		if err := r.db.ApplyPull(ctx, app.PullPage{Epoch: "e1", Cursor: "c-bad", LeaseDays: bad, Complete: true, At: r.now}); app.ErrorCode(err) != app.EINVALID {
			t.Fatalf("lease of %d days: %v, want EINVALID", bad, err)
		}
		locked("after a refused answer", true)
	}
	// The sync that completes unlocks; the note goes up with it and the
	// server's acknowledgement is what removes it from the pending work.
	r.apply(app.PullPage{Epoch: "e1", Cursor: "c2", LeaseDays: 7, Complete: true, At: r.now})
	locked("after a complete sync", false)
	if st, _ := r.db.SyncState(ctx); st.Pending != 1 {
		t.Fatalf("the sync that unlocked lost the pending note: %+v", st)
	}
	if d := r.detail(storetest.T1); !hasNote(d, "n-lease") {
		t.Error("the note saved before the lock is not on its ticket")
	}
	r.apply(app.PullPage{Epoch: "e1", Acked: m.Seq, Cursor: "c3", Complete: true, At: r.now})
	if st, _ := r.db.SyncState(ctx); st.Pending != 0 {
		t.Fatalf("after the acknowledgement: %+v", st)
	}
}

func hasNote(d app.TicketDetail, id string) bool {
	for _, n := range d.Notes {
		if n.ID == id {
			return true
		}
	}
	return false
}
