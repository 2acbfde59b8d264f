package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/apptest"
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

// TestFactsWithoutTimeTakeTheirMutations: the device leaves a fact's
// own time out (the app records a repair, a note, a part fitted, a
// payment as they are saved); its mutation's time is then the fact's, on
// the device and on the server alike, and not the time of the sync.
func TestFactsWithoutTimeTakeTheirMutations(t *testing.T) {
	ctx := context.Background()
	m := seeded()
	recorded := now.Add(-time.Hour) // offline, an hour before the sync
	cmds := []app.Command{
		&app.LogRepair{Entry: app.RepairEntry{ID: "r1", Ticket: "t1", Action: "replaced battery", Minutes: 20}},
		&app.ConsumePart{Used: app.PartUsed{ID: "u1", Ticket: "t1", Part: "BAT-1", Qty: 1, From: "van-1"}},
		&app.ReturnDefective{Movement: app.StockMovement{ID: "d1", Part: "BAT-1", To: "bin-1", Qty: 1, Ticket: "t1"}},
		&app.AttachPhoto{Photo: app.Photo{ID: "p1", Ticket: "t1", SHA256: strings.Repeat("ab", 32), Size: 1000, Mime: "image/jpeg"}},
		&app.AddNote{Note: app.Note{ID: "n1", Ticket: "t1", Text: "customer called"}},
		&app.RecordPayment{Payment: apptest.Deposit("pay1", "t1", 100)},
		&app.IssueEstimate{Estimate: app.Estimate{ID: "e1", Ticket: "t1", Amount: app.Money{Amount: 25000, Currency: "CNY"}}},
		&app.DecideEstimate{Ticket: "t1", Estimate: "e1", Decision: app.EstimateApproved, Customer: "李娜"},
	}
	for _, cmd := range cmds {
		mut, err := app.NewMutation(cmd, recorded)
		if err != nil {
			t.Fatal(err)
		}
		if err := app.ApplyMutation(ctx, m, tech, mut, now); err != nil {
			t.Fatalf("%s: %v", mut.FullName(), err)
		}
	}
	for name, at := range map[string]time.Time{
		"repair": m.repairs["r1"].At, "part used": m.used["u1"].At, "its movement": m.moves["u1"].At,
		"defective return": m.moves["d1"].At, "photo": m.photos["p1"].At, "note": m.notes["n1"].At,
		"payment": m.payments["pay1"].At, "estimate": m.estimates["e1"].At, "estimate's decision": m.estimates["e1"].DecidedAt,
	} {
		if !at.Equal(recorded) {
			t.Errorf("%s at %v, want its mutation's %v", name, at, recorded)
		}
	}
}
