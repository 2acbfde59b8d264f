package apptest

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// testPurchaseDates: a ticket.update's purchase date is refused
// (ticket.invalid.purchase_future, "after the ticket was opened") when,
// and only when, it is after the day the ticket was opened everywhere on
// Earth (app.PurchaseAfterOpening), whatever the applying side's clock
// reads: a device whose clock is two days behind takes the opening day's
// invoice as the service does. The world's tickets were opened a day
// before Now, at 09:00 UTC on 26 November: still the 26th at UTC+14.
// A refusal leaves the date as it was.
func testPurchaseDates(t *testing.T, open func(t *testing.T) Tx) {
	opened := worldTicket(TAssigned).CreatedAt
	day := func(d int) time.Time {
		y, m, dd := opened.Date()
		return time.Date(y, m, dd+d, 0, 0, 0, 0, time.UTC)
	}
	for _, tc := range []struct {
		name     string
		purchase time.Time
		clock    time.Time // the applying side's, when it applies the update
		refused  bool
	}{
		{"the day before the ticket was opened", day(-1), Now, false},
		{"the day the ticket was opened", day(0), Now, false},
		{"the day after the ticket was opened, the day of the change", day(1), Now, true},
		{"a day after the change", day(2), Now, true},
		{"the opening's day, the applying clock two days behind", day(0), opened.Add(-48 * time.Hour), false},
		{"the day before the opening, the applying clock two days behind", day(-1), opened.Add(-48 * time.Hour), false},
		{"the day after the opening, the applying clock two days behind", day(1), opened.Add(-48 * time.Hour), true},
		{"the day after the opening, the applying clock a week ahead", day(1), Now.Add(7 * 24 * time.Hour), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := open(t)
			purchase := tc.purchase
			shown := time.Time{}
			m, err := app.NewMutation(&app.UpdateTicket{Ticket: TAssigned,
				Set: app.TicketFields{PurchaseDate: &purchase}, Base: app.TicketFields{PurchaseDate: &shown}}, tc.clock)
			if err != nil {
				t.Fatal(err)
			}
			err = tx(t.Context(), func(mtx app.MutationTx) error {
				return app.ApplyMutation(t.Context(), mtx, TechActor, m, tc.clock)
			})
			want := purchase
			if tc.refused {
				wantCode(t, "the purchase on "+purchase.Format(time.DateOnly), err, app.EINVALID, "ticket.invalid.purchase_future")
				want = time.Time{}
			} else if err != nil {
				t.Fatalf("the purchase on %s, the ticket opened %v, refused: %v", purchase.Format(time.DateOnly), opened, err)
			}
			look(t, tx, func(mtx app.MutationTx) {
				got, err := mtx.Ticket(t.Context(), TAssigned)
				if err != nil {
					t.Fatal(err)
				}
				if !got.Product.PurchaseDate.Equal(want) {
					t.Errorf("purchase date %v after the update, want %v", got.Product.PurchaseDate, want)
				}
			})
		})
	}
}
