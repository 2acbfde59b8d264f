package central

import (
	"context"
	"fmt"
	gosync "sync"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestFieldEditAndDecisionLockInOneOrder: on PostgreSQL, a device's push
// that edits the customer's phone moves the technician's value in the
// ticket's open field conflict (followFieldConflicts), holding the
// ticket; at the same moment the technician decides that conflict from
// another device. Had the decision locked the conflict and then the
// ticket (its change), each held one and waited for the other's, and
// PostgreSQL ended one after deadlock_timeout. The decision locks the
// ticket first: none may be ended, and the phone ends as the later of
// the two writes left it.
func TestFieldEditAndDecisionLockInOneOrder(t *testing.T) {
	db, w, lost := deadlockWorld(t)
	ctx := context.Background()
	tk := w.ticketA.ID
	var seq int64
	phone := func() string { return detail(t, db, tk).Ticket.Customer.Phone }
	const rounds = 96
	for r := range rounds {
		// An open conflict: the device's phone, then dispatch's over a
		// value it did not see.
		seen := phone()
		mine, theirs, later := fmt.Sprintf("137 %04d 0001", r), fmt.Sprintf("139 %04d 0002", r), fmt.Sprintf("137 %04d 0003", r)
		seq++
		push(t, db, w.a, mut(t, seq, &app.UpdateTicket{Ticket: tk, Set: app.TicketFields{CustomerPhone: &mine}, Base: app.TicketFields{CustomerPhone: &seen}}))
		m := mut(t, 0, &app.UpdateTicket{Ticket: tk, Set: app.TicketFields{CustomerPhone: &theirs}, Base: app.TicketFields{CustomerPhone: &seen}})
		if err := db.ApplyAdmin(ctx, w.dispatch, m); err != nil {
			t.Fatal(err)
		}
		conflict := fmt.Sprintf("cf-%s-%s", m.ID, app.FieldCustomerPhone)

		// The push holds the ticket through a few notes before its
		// edit reaches the conflict.
		var batch []app.Mutation
		for i := range 12 {
			seq++
			batch = append(batch, mut(t, seq, note(fid(fmt.Sprint("lock-note-", r, "-", i)), tk)))
		}
		seq++
		batch = append(batch, mut(t, seq, &app.UpdateTicket{Ticket: tk, Set: app.TicketFields{CustomerPhone: &later}, Base: app.TicketFields{CustomerPhone: &theirs}}))
		start := make(chan struct{})
		var wg gosync.WaitGroup
		var pushErr, decideErr error
		wg.Go(func() {
			<-start
			res, err := db.Push(ctx, w.a, batch)
			if err == nil && (res.Acked != seq || len(res.Rejected) > 0) {
				err = fmt.Errorf("acked %d, rejected %v; want %d and none", res.Acked, res.Rejected, seq)
			}
			pushErr = err
		})
		wg.Go(func() {
			<-start
			_, decideErr = db.ResolveConflict(ctx, w.a, conflict, app.ResolveAcceptTheirs)
		})
		close(start)
		wg.Wait()
		if pushErr != nil || decideErr != nil {
			t.Fatalf("round %d: push %v, decision %v", r, pushErr, decideErr)
		}
		// Either order is right: the decision first puts theirs back and
		// the edit then writes later; the edit first, and the decision
		// puts theirs back over it.
		if got := phone(); got != later && got != theirs {
			t.Fatalf("round %d: phone %q, want %q or %q", r, got, later, theirs)
		}
	}
	if n := lost.n.Load(); n != 0 {
		t.Errorf("PostgreSQL ended %d of %d writes to break a deadlock; an edit of a shared field and a decision of its conflict lock the ticket first, and never wait for each other in a circle", n, 2*rounds)
	}
}
