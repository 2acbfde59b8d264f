package apptest

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// testFieldTimes: a ticket's start and completion record when the
// technician took the step, the time of the mutation (app.FieldTime),
// not the applying side's clock, within the bounds a wrong device clock
// calls for; out of them the applying side's time, never before the
// ticket's creation or its start. The suite's clock reads Now; the world's
// tickets were created a day before it, TInProgress started two hours
// before it.
func testFieldTimes(t *testing.T, open func(t *testing.T) Tx) {
	start := func(id app.TicketID) app.Command {
		return &app.TransitionTicket{Action: app.ActionStart, Ticket: id, Epoch: 1}
	}
	complete := func(id app.TicketID) app.Command {
		return &app.TransitionTicket{Action: app.ActionComplete, Ticket: id, Epoch: 1, Resolution: app.ResolutionNoFault}
	}
	type step struct {
		cmd func(app.TicketID) app.Command
		at  time.Time // the mutation's time
	}
	for _, tc := range []struct {
		name               string
		ticket             app.TicketID
		steps              []step
		started, completed time.Time
	}{
		{"start an hour ago, synced now", TAssigned, []step{{start, Now.Add(-time.Hour)}},
			Now.Add(-time.Hour), time.Time{}},
		{"start and completion offline, synced hours later", TAssigned, []step{{start, Now.Add(-5 * time.Hour)}, {complete, Now.Add(-3 * time.Hour)}},
			Now.Add(-5 * time.Hour), Now.Add(-3 * time.Hour)},
		{"completion half an hour ago", TInProgress, []step{{complete, Now.Add(-30 * time.Minute)}},
			Now.Add(-2 * time.Hour), Now.Add(-30 * time.Minute)},
		{"no time: the applying side's", TAssigned, []step{{start, time.Time{}}},
			Now, time.Time{}},
		{"a device clock a little ahead is taken", TAssigned, []step{{start, Now.Add(app.MaxClockSkew)}},
			Now.Add(app.MaxClockSkew), time.Time{}},
		{"a start in the future: the applying side's", TAssigned, []step{{start, Now.Add(app.MaxClockSkew + time.Second)}},
			Now, time.Time{}},
		{"a start before the ticket was created: the applying side's", TAssigned, []step{{start, Now.Add(-25 * time.Hour)}},
			Now, time.Time{}},
		{"a completion in the future: the applying side's", TInProgress, []step{{complete, Now.Add(24 * time.Hour)}},
			Now.Add(-2 * time.Hour), Now},
		{"a completion before the start: the applying side's", TInProgress, []step{{complete, Now.Add(-3 * time.Hour)}},
			Now.Add(-2 * time.Hour), Now},
		// The start is within the skew ahead of Now, the completion past
		// it: Now would end the work before it began.
		{"a completion in the future after a start ahead: the start", TAssigned, []step{{start, Now.Add(5 * time.Minute)}, {complete, Now.Add(time.Hour)}},
			Now.Add(5 * time.Minute), Now.Add(5 * time.Minute)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := open(t)
			for _, s := range tc.steps {
				if err := applyAt(t, tx, TechActor, s.cmd(tc.ticket), s.at); err != nil {
					t.Fatalf("%T at %v: %v", s.cmd(tc.ticket), s.at, err)
				}
			}
			look(t, tx, func(mtx app.MutationTx) {
				got, err := mtx.Ticket(t.Context(), tc.ticket)
				if err != nil {
					t.Fatal(err)
				}
				if !got.StartedAt.Equal(tc.started) || !got.CompletedAt.Equal(tc.completed) {
					t.Errorf("started %v, completed %v; want %v, %v", got.StartedAt, got.CompletedAt, tc.started, tc.completed)
				}
				if !got.UpdatedAt.Equal(Now) {
					t.Errorf("updated %v, want the applying side's clock %v", got.UpdatedAt, Now)
				}
			})
		})
	}
}

// applyAt applies cmd as a mutation made at at (its Mutation.At, the
// device's clock), on a side whose clock reads Now.
func applyAt(t *testing.T, tx Tx, actor app.Actor, cmd app.Command, at time.Time) error {
	t.Helper()
	m, err := app.NewMutation(cmd, at)
	if err != nil {
		t.Fatalf("NewMutation(%T): %v", cmd, err)
	}
	return tx(t.Context(), func(mtx app.MutationTx) error {
		return app.ApplyMutation(t.Context(), mtx, actor, m, Now)
	})
}
