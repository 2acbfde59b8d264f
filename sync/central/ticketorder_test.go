package central

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestPageTicketsInOrderOfCreation: tickets loaded together share a
// version and their change rows go by ID; a page sends them in order of
// creation (then ID) whatever their IDs, and every ticket arrives once.
func TestPageTicketsInOrderOfCreation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		var ds app.Dataset
		const n = 60
		for i := range n {
			tk := w.ticketA
			// IDs descend as creation ascends; two share a time, and the
			// ID decides between them.
			tk.ID, tk.Number = app.TicketID(fmt.Sprintf("tk-%03d", n-i)), fmt.Sprintf("FB-9%03d", i)
			tk.CreatedAt = testNow.Add(-time.Duration(n-i/2*2) * time.Hour)
			tk.UpdatedAt = tk.CreatedAt
			ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
		}
		if err := db.LoadDataset(context.Background(), tenant, ds); err != nil {
			t.Fatal(err)
		}
		for _, bound := range []int{MinPageBytes, DefaultPageBytes} {
			seen := map[app.TicketID]int{}
			cursor, pages := "", 0
			for more := true; more; pages++ {
				res, err := db.Pull(context.Background(), w.a, cursor, bound)
				if err != nil {
					t.Fatal(err)
				}
				ts := res.Data.Tickets
				if !slices.IsSortedFunc(ts, func(a, b app.TicketDetail) int {
					return cmp.Or(a.Ticket.CreatedAt.Compare(b.Ticket.CreatedAt), cmp.Compare(a.Ticket.ID, b.Ticket.ID))
				}) {
					t.Errorf("pages of %d B, page %d: tickets not in order of creation: %v", bound, pages, ticketIDs(res.Data))
				}
				for _, d := range ts {
					seen[d.Ticket.ID]++
				}
				cursor, more = res.Cursor, res.More
			}
			for _, d := range ds.Tickets {
				if seen[d.Ticket.ID] != 1 {
					t.Errorf("pages of %d B: ticket %s arrived %d times, want once", bound, d.Ticket.ID, seen[d.Ticket.ID])
				}
			}
		}
	})
}
