package conformance

import (
	"testing"
	"time"
)

// A purchase date is a calendar day, refused as
// ticket.invalid.purchase_future only when it is after the day the
// ticket was opened everywhere on Earth (PROTOCOL.md, ticket.update's
// fields; the test opens the ticket now): the latest calendar, UTC+14,
// is the bound, so a technician east of UTC whose morning is still
// yesterday in UTC enters the day's invoice. The bound's own day is
// accepted and the day after it refused, whatever the hour of the run
// (before 10:00 UTC the bound's day is UTC's).
func TestPurchaseDateRefusedOnlyAfterTheDayEverywhere(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "purchase", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		y, m, d := time.Now().UTC().Add(14 * time.Hour).Date()
		latest := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		set := func(day, base time.Time) (rejection, bool) {
			return dev.pushOne(t, dev.mut("ticket.update", map[string]any{"ticket": tk.ID,
				"set":  map[string]any{"purchase_date": day.Format(time.RFC3339)},
				"base": map[string]any{"purchase_date": base.Format(time.RFC3339)}}))
		}
		if x, refused := set(latest, time.Time{}); refused {
			t.Fatalf("the purchase on %s, today on the latest calendar, refused: %+v", latest.Format(time.DateOnly), x)
		}
		if got := s.ticket(t, tk.ID).Ticket.Product.PurchaseDate; !got.Equal(latest) {
			t.Fatalf("purchase date %s, want %s", got, latest)
		}
		next := latest.AddDate(0, 0, 1)
		x, refused := set(next, latest)
		if !refused || x.Key != "ticket.invalid.purchase_future" {
			t.Fatalf("the purchase on %s, tomorrow everywhere: refused %v %+v, want ticket.invalid.purchase_future", next.Format(time.DateOnly), refused, x)
		}
		if got := s.ticket(t, tk.ID).Ticket.Product.PurchaseDate; !got.Equal(latest) {
			t.Errorf("after the refusal the purchase date is %s, want %s kept", got, latest)
		}
	})
}
