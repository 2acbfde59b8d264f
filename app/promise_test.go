package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

func TestCheckPromise(t *testing.T) {
	created := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, tc := range []struct {
		name     string
		promised time.Time
		key      string // "" when accepted
	}{
		{"none", time.Time{}, ""},
		{"the same moment", created, ""},
		{"in a week", created.Add(7 * day), ""},
		{"on the last day", created.Add(app.MaxPromiseDays * day), ""},
		{"a second past the last day", created.Add(app.MaxPromiseDays*day + time.Second), "ticket.invalid.promise_far"},
		{"a year on", created.AddDate(1, 0, 0), "ticket.invalid.promise_far"},
		{"a minute before opening", created.Add(-time.Minute), "ticket.invalid.promise_past"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := app.CheckPromise(created, tc.promised)
			if got := errKey(err); got != tc.key {
				t.Fatalf("CheckPromise = %v, want key %q", err, tc.key)
			}
			// The same rule holds for a whole ticket.
			tk := app.Ticket{ID: "t1", Number: "C-1", Kind: app.KindCarryIn, Product: app.Product{Category: app.CategoryPhone},
				Customer: app.Customer{Name: "Li Na"}, Priority: app.PriorityNormal, Status: app.StatusAssigned,
				CreatedAt: created, PromisedAt: tc.promised}
			if got := errKey(tk.Validate()); got != tc.key {
				t.Fatalf("Validate = %q, want %q", got, tc.key)
			}
		})
	}
}

// TestUpdatePromise: ticket.update moves or withdraws the promise, under
// the same bounds as at check-in, and a refused one changes nothing.
func TestUpdatePromise(t *testing.T) {
	ctx := context.Background()
	created := now.Add(-48 * time.Hour)
	first := created.Add(72 * time.Hour)
	for _, tc := range []struct {
		name  string
		set   time.Time
		key   string
		after time.Time
	}{
		{"moved later", created.Add(10 * 24 * time.Hour), "", created.Add(10 * 24 * time.Hour)},
		{"withdrawn", time.Time{}, "", time.Time{}},
		{"before opening", created.Add(-time.Hour), "ticket.invalid.promise_past", first},
		{"too far", created.AddDate(0, 4, 0), "ticket.invalid.promise_far", first},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := seeded()
			tk := m.tickets["t1"]
			tk.CreatedAt, tk.PromisedAt = created, first
			m.tickets["t1"] = tk
			set := tc.set
			err := app.ApplyMutation(ctx, m, tech, mustMutation(t, &app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{PromisedAt: &set}}), now)
			if got := errKey(err); got != tc.key {
				t.Fatalf("update = %v, want key %q", err, tc.key)
			}
			if got := m.tickets["t1"].PromisedAt; !got.Equal(tc.after) {
				t.Fatalf("promised %v, want %v", got, tc.after)
			}
		})
	}
}
