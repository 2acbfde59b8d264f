package store

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestTicketHistory: the workflow steps committed on a ticket come back
// in order with the device's time of each; other mutations and other
// tickets' steps do not.
func TestTicketHistory(t *testing.T) {
	now := storetest.Now
	diag := "cracked display"
	db := mustOpen(t, WithClock(app.ClockFunc(func() time.Time { return now })))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		cmd   app.Command
		after time.Duration
	}{
		{&app.TransitionTicket{Action: app.ActionDepart, Ticket: storetest.T1, Epoch: 1}, 0},
		{&app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: storetest.T1, Text: "on the way"}}, 5 * time.Minute},
		{&app.TransitionTicket{Action: app.ActionArrive, Ticket: storetest.T1, Epoch: 1}, 25 * time.Minute},
		{&app.TransitionTicket{Action: app.ActionStart, Ticket: storetest.T1, Epoch: 1}, 27 * time.Minute},
		{&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: storetest.T1, Action: "replaced display", Minutes: 30}}, 50 * time.Minute},
		{&app.UpdateTicket{Ticket: storetest.T1, Set: app.TicketFields{Diagnosis: &diag}}, 60 * time.Minute},
		{&app.TransitionTicket{Action: app.ActionComplete, Ticket: storetest.T1, Epoch: 1, Resolution: app.ResolutionRepaired}, 80 * time.Minute},
	}
	start := now
	for _, s := range steps {
		now = start.Add(s.after)
		if _, err := NewCommitter(db).Commit(t.Context(), ana, s.cmd); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.TicketHistory(t.Context(), storetest.T1)
	if err != nil {
		t.Fatal(err)
	}
	want := []app.StatusChange{{Action: app.ActionDepart, At: start}, {Action: app.ActionArrive, At: start.Add(25 * time.Minute)},
		{Action: app.ActionStart, At: start.Add(27 * time.Minute)}, {Action: app.ActionComplete, At: start.Add(80 * time.Minute)}}
	if len(got) != len(want) {
		t.Fatalf("history = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].Action != want[i].Action || !got[i].At.Equal(want[i].At) {
			t.Errorf("step %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	r := app.BuildServiceReport(app.ReportInput{History: got})
	if r.TravelMinutes != 25 || r.WorkMinutes != 55 {
		t.Errorf("time on site from the history: travel %d, work %d; want 25 and 55", r.TravelMinutes, r.WorkMinutes)
	}
	if other, err := db.TicketHistory(t.Context(), storetest.T2); err != nil || len(other) != 0 {
		t.Errorf("T2's history = %+v, %v; want none", other, err)
	}
}
