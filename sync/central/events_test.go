package central

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// next returns the next event, failing after a bounded wait.
func next(t *testing.T, ch <-chan Event) Event {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("the events channel was closed")
		}
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	return Event{}
}

// none checks that no event is waiting: events are published before the
// write returns, so one that is not there now never comes.
func none(t *testing.T, ch <-chan Event, after string) {
	t.Helper()
	select {
	case e := <-ch:
		t.Errorf("%s: event %+v, want none", after, e)
	default:
	}
}

func subscribe(t *testing.T, db *DB, tenant string) <-chan Event {
	t.Helper()
	ch, cancel, err := db.Subscribe(tenant)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	return ch
}

// TestEventsOfEachWrite: every write the board follows publishes its
// event after it commits, to its own tenant only; refused writes publish
// nothing.
func TestEventsOfEachWrite(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		ch := subscribe(t, db, tenant)
		other := subscribe(t, db, "t2")
		want := func(what string, kind string, device app.DeviceID, tickets ...app.TicketID) {
			t.Helper()
			e := next(t, ch)
			if e.Kind != kind || e.Tenant != tenant || e.Device != device || !slices.Equal(e.Tickets, tickets) || !e.At.Equal(testNow) {
				t.Errorf("%s: event %+v, want %s by %q of %v", what, e, kind, device, tickets)
			}
		}

		push(t, db, w.a, mut(t, 1, start(w.ticketA.ID, 1)), mut(t, 2, repair(fid("r1"), w.ticketA.ID, 20)))
		want("push", EventTickets, w.a.Device, w.ticketA.ID)
		none(t, ch, "push")

		push(t, db, w.a, mut(t, 1, start(w.ticketA.ID, 1)))
		none(t, ch, "a replayed push, which applies nothing")

		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.AssignTicket{Ticket: w.ticketA.ID, Technician: "tech-b"})); err != nil {
			t.Fatal(err)
		}
		want("assign", EventTickets, "", w.ticketA.ID)

		res := push(t, db, w.a, mut(t, 3, note(fid("late"), w.ticketA.ID)))
		if len(res.Rejected) != 1 {
			t.Fatalf("push = %+v, want the note held as a conflict", res)
		}
		// The refused note rolled back to its savepoint: the ticket may be
		// named (one read too many), the conflict must be.
		if e := next(t, ch); e.Kind == EventTickets {
			want("refused push", EventConflicts, w.a.Device)
		} else if e.Kind != EventConflicts || e.Device != w.a.Device {
			t.Errorf("refused push: event %+v, want conflicts", e)
		}
		none(t, ch, "refused push")

		if _, err := db.ResolveConflict(ctx, w.dispatch, res.Rejected[0].Conflict, app.ResolveAcceptOurs); err != nil {
			t.Fatal(err)
		}
		want("resolve: the note applied", EventTickets, "", w.ticketA.ID)
		want("resolve", EventConflicts, "")
		none(t, ch, "resolve")

		if _, err := db.Import(ctx, w.dispatch, ImportStock, []byte("location,part,qty\nwh,BAT-1,7\n")); err != nil {
			t.Fatal(err)
		}
		want("stock import", EventStock, "")

		p := pairDevice(t, db, "tech-a")
		want("pairing", EventDevices, p.Device)
		if err := db.RevokeDevice(ctx, tenant, p.Device); err != nil {
			t.Fatal(err)
		}
		want("revoke", EventDevices, p.Device)

		// Refused and rolled-back writes publish nothing.
		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.TransitionTicket{Action: app.ActionClose, Ticket: w.ticketB.ID, Epoch: 1})); err == nil {
			t.Fatal("closing an assigned ticket was applied")
		}
		none(t, ch, "a refused dispatch mutation")
		if err := db.RevokeDevice(ctx, tenant, p.Device); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("second revoke: %v", err)
		}
		none(t, ch, "revoking a revoked device")
		if _, err := db.Import(ctx, w.dispatch, ImportStock, []byte("location,part,qty\nwh,NOPE,7\n")); err == nil {
			t.Fatal("a stock import of an unknown part was applied")
		}
		none(t, ch, "a refused import")
		if _, err := db.ResolveConflict(ctx, w.dispatch, res.Rejected[0].Conflict, app.ResolveDismissed); err == nil {
			t.Fatal("a resolved conflict was resolved again")
		}
		none(t, ch, "a refused decision")
		revoked := w.b
		if err := db.RevokeDevice(ctx, tenant, revoked.Device); err != nil {
			t.Fatal(err)
		}
		want("revoke b", EventDevices, revoked.Device)
		if _, err := db.Push(ctx, revoked, []app.Mutation{mut(t, 1, start(w.ticketB.ID, 1))}); app.ErrorCode(err) != app.EREVOKED {
			t.Fatalf("push of a revoked device: %v", err)
		}
		none(t, ch, "a rolled-back push")
		none(t, other, "tenant t2, after all of t1's writes")
	})
}

// TestEventsOfALoad: a load names its tickets, and one of more than
// maxEventTickets tickets is a reload.
func TestEventsOfALoad(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir()})
	ch := subscribe(t, db, tenant)
	var ds app.Dataset
	for i := range maxEventTickets + 3 {
		tk := boardTicket(fmt.Sprintf("N-%d", i), app.StatusAssigned, "", "s1", 0, 0, "C", "", "")
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
	}
	if err := db.LoadDataset(t.Context(), tenant, app.Dataset{Tickets: ds.Tickets[:2]}); err != nil {
		t.Fatal(err)
	}
	if e := next(t, ch); e.Kind != EventTickets || !slices.Equal(e.Tickets, []app.TicketID{ds.Tickets[0].Ticket.ID, ds.Tickets[1].Ticket.ID}) {
		t.Errorf("load of 2: %+v", e)
	}
	if err := db.LoadDataset(t.Context(), tenant, app.Dataset{Tickets: ds.Tickets[2:]}); err != nil {
		t.Fatal(err)
	}
	if e := next(t, ch); e.Kind != EventReload || len(e.Tickets) != 0 {
		t.Errorf("load of %d: %+v, want a reload", maxEventTickets+1, e)
	}
	none(t, ch, "loads")
}

// TestStuckSubscriber: a subscriber that never reads neither blocks nor
// slows a push; what waits for it stays within eventBuffer events and
// ends in a reload. A reading subscriber meanwhile gets every event.
func TestStuckSubscriber(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir()})
	w := newWorld(t, db)
	stuck := subscribe(t, db, tenant)
	live := subscribe(t, db, tenant)
	const pushes = 3 * eventBuffer
	got := make(chan int)
	go func() {
		n := 0
		for e := range live {
			if e.Kind == EventReload {
				t.Errorf("the reading subscriber got a reload")
			}
			if n++; n == pushes {
				break
			}
		}
		got <- n
	}()
	began := time.Now()
	for i := range pushes {
		push(t, db, w.a, mut(t, int64(i+1), note(fid(fmt.Sprintf("n%d", i)), w.ticketA.ID)))
	}
	took := time.Since(began)
	select {
	case n := <-got:
		if n != pushes {
			t.Errorf("the reading subscriber got %d events, want %d", n, pushes)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the reading subscriber did not get its events within 10s")
	}
	if len(stuck) > eventBuffer {
		t.Fatalf("%d events wait for the stuck subscriber, want at most %d", len(stuck), eventBuffer)
	}
	var kinds []string
	for len(stuck) > 0 {
		kinds = append(kinds, (<-stuck).Kind)
	}
	if !slices.Contains(kinds, EventReload) {
		t.Errorf("the stuck subscriber's events %v hold no reload", kinds)
	}
	// Bound: 192 pushes of a note take well under a second each here.
	if took > time.Duration(pushes)*time.Second {
		t.Errorf("%d pushes took %v with a stuck subscriber", pushes, took)
	}
}

// TestHubBounds: publishing to a full subscriber costs no wait, cancel
// frees the place and closes the channel, and a tenant has at most
// MaxSubscribers.
func TestHubBounds(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir()})
	ch, cancel, err := db.Subscribe(tenant)
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	for i := range 100_000 {
		db.hub.publish(tenant, []Event{{Tenant: tenant, Kind: EventTickets, Tickets: []app.TicketID{"tk"}, At: time.Unix(int64(i), 0)}})
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("100,000 events to a stuck subscriber took %v", took)
	}
	if len(ch) > eventBuffer {
		t.Errorf("%d events wait, want at most %d", len(ch), eventBuffer)
	}
	cancel()
	cancel() // a second cancel does nothing
	for range ch {
	}
	if n := db.hub.subscribers(tenant); n != 0 {
		t.Errorf("%d subscribers after cancel", n)
	}
	db.hub.publish(tenant, []Event{{Tenant: tenant, Kind: EventStock}}) // nobody listens: no panic on the closed channel

	cancels := make([]func(), 0, MaxSubscribers)
	for range MaxSubscribers {
		_, c, err := db.Subscribe(tenant)
		if err != nil {
			t.Fatal(err)
		}
		cancels = append(cancels, c)
	}
	_, _, err = db.Subscribe(tenant)
	var ae *app.Error
	if app.ErrorCode(err) != app.ETHROTTLED || !errors.As(err, &ae) || ae.Key != "board.too_many_watchers" {
		t.Fatalf("subscriber %d: %v, want throttled", MaxSubscribers+1, err)
	}
	if _, c, err := db.Subscribe("t2"); err != nil {
		t.Fatalf("another tenant's first subscriber: %v", err)
	} else {
		c()
	}
	cancels[0]()
	if _, c, err := db.Subscribe(tenant); err != nil {
		t.Fatalf("after a cancel: %v", err)
	} else {
		c()
	}
	for _, c := range cancels {
		c()
	}
	if n := db.hub.subscribers(tenant); n != 0 {
		t.Errorf("%d subscribers after every cancel", n)
	}
}
