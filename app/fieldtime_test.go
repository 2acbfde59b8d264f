package app_test

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestFieldTime: the mutation's time within the bounds, the applying
// side's clock out of them, never before what the work cannot precede.
func TestFieldTime(t *testing.T) {
	now := time.Date(2026, 11, 27, 21, 21, 0, 0, time.UTC)
	created := now.Add(-48 * time.Hour)
	for _, tc := range []struct {
		name                string
		at, notBefore, want time.Time
	}{
		{"offline start three minutes before the sync", now.Add(-3 * time.Minute), created, now.Add(-3 * time.Minute)},
		{"a day offline", now.Add(-24 * time.Hour), created, now.Add(-24 * time.Hour)},
		{"at the ticket's creation", created, created, created},
		{"before the ticket's creation", created.Add(-time.Second), created, now},
		{"a clock ahead by the skew", now.Add(app.MaxClockSkew), created, now.Add(app.MaxClockSkew)},
		{"a clock ahead past the skew", now.Add(app.MaxClockSkew + time.Nanosecond), created, now},
		{"a year in the future", now.AddDate(1, 0, 0), created, now},
		{"no time (no mutation)", time.Time{}, created, now},
		{"no lower bound", now.AddDate(-1, 0, 0), time.Time{}, now.AddDate(-1, 0, 0)},
		{"the bound after now: the bound", now.Add(time.Hour), now.Add(5 * time.Minute), now.Add(5 * time.Minute)},
		{"the bound after now, no time: the bound", time.Time{}, now.Add(5 * time.Minute), now.Add(5 * time.Minute)},
		{"in another zone: the same instant in UTC", now.Add(-time.Hour).In(time.FixedZone("CST", 8*3600)), created, now.Add(-time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := app.FieldTime(tc.at, now, tc.notBefore)
			if !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Errorf("FieldTime(%v, %v, %v) = %v, want %v in UTC", tc.at, now, tc.notBefore, got, tc.want)
			}
		})
	}
}

// TestTransitionGetsItsMutationsTime: the device's queued command and the
// server's decoded one both carry the mutation's time, so the same Apply
// records the same start on both sides; the time never travels in the
// arguments.
func TestTransitionGetsItsMutationsTime(t *testing.T) {
	at := time.Date(2026, 11, 27, 21, 18, 0, 0, time.UTC)
	cmd := &app.TransitionTicket{Action: app.ActionStart, Ticket: "T-1", Epoch: 1}
	m, err := app.NewMutation(cmd, at)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Args) != `{"ticket":"T-1","epoch":1}` {
		t.Errorf("args %s carry more than before", m.Args)
	}
	decoded, err := app.DecodeMutation(m)
	if err != nil {
		t.Fatal(err)
	}
	queued, err := app.QueuedCommand(cmd, m)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]app.Command{"decoded": decoded, "queued": queued} {
		if got := c.(*app.TransitionTicket).MutationAt; !got.Equal(at) {
			t.Errorf("%s: MutationAt %v, want %v", name, got, at)
		}
	}
	if !cmd.MutationAt.IsZero() {
		t.Errorf("QueuedCommand changed the caller's command: %v", cmd.MutationAt)
	}
}
