package simulation

import (
	"context"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// stepClock is a clock a test moves by hand; the engine and the central
// service read it from their own goroutines.
type stepClock struct {
	mu  gosync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestOfflineStartKeepsItsTime: a technician offline starts a job
// (18 minutes after it was assigned), logs a repair and a note, and
// completes it 102 minutes after the start, the device showing those
// times; the device syncs ten hours later. The central service records the
// technician's times, not the sync's, so the device's own view keeps
// them after the round trip, and so does the office's.
func TestOfflineStartKeepsItsTime(t *testing.T) {
	clock := &stepClock{now: time.Now().UTC()} // the world's ticket is created at time.Now()
	w := newEngineWorldClock(t, clock, store.WithClock(clock))
	ctx := context.Background()
	e := fbsync.NewEngine(w.store, w.client)
	e.Clock = clock
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	tickets := store.NewTicketService(w.store)
	committer := store.NewCommitter(w.store)
	tech := app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Name: "Wang Lei"}
	shown := func(when string) app.Ticket {
		t.Helper()
		d, err := tickets.TicketDetail(ctx, w.ticket)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		return d.Ticket
	}

	w.setDown(true)
	clock.advance(18 * time.Minute)
	started := clock.Now()
	if _, err := committer.Commit(ctx, tech, &app.TransitionTicket{Action: app.ActionStart, Ticket: w.ticket, Epoch: 1}); err != nil {
		t.Fatal(err)
	}
	// The repair and the note are saved without a time of their own, as
	// the app saves them: theirs is their mutation's.
	clock.advance(30 * time.Minute)
	worked := clock.Now()
	repair, note := app.NewID(), app.NewID()
	for _, cmd := range []app.Command{
		&app.LogRepair{Entry: app.RepairEntry{ID: repair, Ticket: w.ticket, Action: "cleaned the pump", Minutes: 30}},
		&app.AddNote{Note: app.Note{ID: note, Ticket: w.ticket, Text: "customer away, neighbour let me in"}},
	} {
		if _, err := committer.Commit(ctx, tech, cmd); err != nil {
			t.Fatal(err)
		}
	}
	clock.advance(72 * time.Minute)
	completed := clock.Now()
	if _, err := committer.Commit(ctx, tech, &app.TransitionTicket{Action: app.ActionComplete, Ticket: w.ticket, Epoch: 1, Resolution: app.ResolutionNoFault}); err != nil {
		t.Fatal(err)
	}
	if err := e.SyncOnce(ctx); app.ErrorCode(err) != app.EOFFLINE {
		t.Fatalf("offline sync = %v", err)
	}
	if tk := shown("offline"); !tk.StartedAt.Equal(started) || !tk.CompletedAt.Equal(completed) {
		t.Fatalf("offline the device shows started %v, completed %v; want %v, %v", tk.StartedAt, tk.CompletedAt, started, completed)
	}

	clock.advance(10 * time.Hour) // back in range
	w.setDown(false)
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if st := e.Status(); st.Pending != 0 {
		t.Fatalf("after the sync %d changes wait", st.Pending)
	}
	if tk := shown("after the sync"); !tk.StartedAt.Equal(started) || !tk.CompletedAt.Equal(completed) || tk.Status != app.StatusCompleted {
		t.Errorf("after the sync the device shows %s, started %v, completed %v; want completed, %v, %v", tk.Status, tk.StartedAt, tk.CompletedAt, started, completed)
	}
	d, err := w.db.TicketDetail(ctx, "t", w.ticket)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Ticket.StartedAt.Equal(started) || !d.Ticket.CompletedAt.Equal(completed) {
		t.Errorf("the office has started %v, completed %v; want the technician's %v, %v", d.Ticket.StartedAt, d.Ticket.CompletedAt, started, completed)
	}
	if len(d.Repairs) != 1 || !d.Repairs[0].At.Equal(worked) || len(d.Notes) != 1 || !d.Notes[0].At.Equal(worked) {
		t.Errorf("the office has the repair and note at %v; want both at %v", factTimes(d), worked)
	}
	if local, err := tickets.TicketDetail(ctx, w.ticket); err != nil || len(local.Repairs) != 1 || !local.Repairs[0].At.Equal(worked) || len(local.Notes) != 1 || !local.Notes[0].At.Equal(worked) {
		t.Errorf("the device has the repair and note at %v (%v); want both at %v", factTimes(local), err, worked)
	}
	if !d.Ticket.UpdatedAt.Equal(clock.Now()) {
		t.Errorf("the office's ticket was updated %v, want the server's time of the sync %v", d.Ticket.UpdatedAt, clock.Now())
	}
}

// factTimes lists the times of a ticket's repairs and notes.
func factTimes(d app.TicketDetail) []time.Time {
	var out []time.Time
	for _, r := range d.Repairs {
		out = append(out, r.At)
	}
	for _, n := range d.Notes {
		out = append(out, n.At)
	}
	return out
}
