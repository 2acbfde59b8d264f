package central

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestPromisedDate: the counter's promised date goes up with its ticket
// and comes back in the pull; a later ticket.update moves it within the
// bounds app.CheckPromise sets, and one out of them is refused and
// changes nothing. On SQLite and PostgreSQL.
func TestPromisedDate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		c, _, _ := counterWorld(t, db, w)
		tk := w.ticketA
		tk.ID, tk.Number, tk.Technician, tk.Store = app.TicketID(app.NewID()), "C-PROMISE", "", "store-9"
		tk.Kind, tk.CreatedAt = app.KindCarryIn, testNow.Add(-time.Hour)
		first := testNow.Add(3 * 24 * time.Hour).Truncate(time.Second)
		tk.PromisedAt = first
		if res := push(t, db, c, mut(t, 1, &app.CreateTicket{Ticket: tk})); len(res.Rejected) != 0 {
			t.Fatalf("create refused: %+v", res.Rejected)
		}
		ds, _, _ := pullAll(t, db, c, "", DefaultPageBytes)
		pulled := false
		for _, d := range ds.Tickets {
			if d.Ticket.ID == tk.ID {
				pulled = d.Ticket.PromisedAt.Equal(first)
			}
		}
		if !pulled {
			t.Fatalf("the pull lacks the ticket with its promise %v", first)
		}

		later := first.Add(48 * time.Hour)
		if res := push(t, db, c, mut(t, 2, &app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{PromisedAt: &later}})); len(res.Rejected) != 0 {
			t.Fatalf("moving the promise refused: %+v", res.Rejected)
		}
		if got := detail(t, db, tk.ID).Ticket.PromisedAt; !got.Equal(later) {
			t.Fatalf("promise %v after the update, want %v", got, later)
		}
		far := tk.CreatedAt.AddDate(0, 4, 0)
		res := push(t, db, c, mut(t, 3, &app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{PromisedAt: &far}}))
		if len(res.Rejected) != 1 || res.Rejected[0].Key != "ticket.invalid.promise_far" {
			t.Fatalf("push = %+v, want ticket.invalid.promise_far", res)
		}
		if got := detail(t, db, tk.ID).Ticket.PromisedAt; !got.Equal(later) {
			t.Fatalf("a refused promise changed it to %v", got)
		}
	})
}
