package simulation

import (
	"context"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// TestLeaseLocksAndUnlocks: the central service gives a 7-day lease; a
// device offline for longer locks its tickets, keeps the work saved
// meanwhile, and unlocks by itself at the first sync that completes, which
// also sends that work.
func TestLeaseLocksAndUnlocks(t *testing.T) {
	clock := &stepClock{now: time.Now().UTC()}
	now, advance := clock.Now(), clock.advance
	w := newEngineWorld(t, store.WithClock(clock))
	w.server.LeaseDays = 7
	ctx := context.Background()
	e := fbsync.NewEngine(w.store, w.client)
	e.Clock = clock
	tickets := store.NewTicketService(w.store)
	locked := func(when string, want bool) {
		t.Helper()
		_, n, err := tickets.FindTickets(ctx, app.TicketFilter{Limit: 10})
		if want && (app.ErrorCode(err) != app.ELEASE || app.AsError(err).Key != "lease.locked") {
			t.Fatalf("%s: FindTickets = %d, %v; want ELEASE lease.locked", when, n, err)
		}
		if !want && (err != nil || n != 1) {
			t.Fatalf("%s: FindTickets = %d, %v; want the one ticket", when, n, err)
		}
		if got := e.Status().Lease.Locked(clock.Now()); got != want {
			t.Fatalf("%s: the engine's status says locked %v (%+v)", when, got, e.Status().Lease)
		}
	}

	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if l := e.Status().Lease; l.Days != 7 || !l.LastContact.Equal(now) {
		t.Fatalf("after the first sync the lease is %+v, want 7 days from now", l)
	}
	locked("after the first sync", false)

	// Offline: work is saved, days pass, the syncs fail.
	w.setDown(true)
	offline := w.note(t)
	advance(6 * 24 * time.Hour)
	if err := e.SyncOnce(ctx); app.ErrorCode(err) != app.EOFFLINE {
		t.Fatalf("offline sync = %v", err)
	}
	locked("six days offline", false)
	advance(25 * time.Hour)
	if err := e.SyncOnce(ctx); app.ErrorCode(err) != app.EOFFLINE {
		t.Fatalf("offline sync = %v", err)
	}
	locked("seven days and an hour offline", true)
	lockedNote := w.note(t) // saving still works: nothing is lost
	if st, err := w.store.SyncState(ctx); err != nil || st.Pending != 2 {
		t.Fatalf("while locked %d changes wait (%v), want 2", st.Pending, err)
	}

	// Back online: the next sync sends the work and unlocks.
	w.setDown(false)
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	locked("after the sync", false)
	if st := e.Status(); st.Pending != 0 {
		t.Fatalf("after the sync %d changes wait", st.Pending)
	}
	d, err := w.db.TicketDetail(ctx, "t", w.ticket)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, n := range d.Notes {
		got[n.ID] = true
	}
	if !got[offline] || !got[lockedNote] {
		t.Errorf("the server has notes %v, want both saved while offline", got)
	}
}
