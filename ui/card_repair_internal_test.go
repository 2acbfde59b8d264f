package ui

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

func TestSuggestedMinutes(t *testing.T) {
	started := time.Date(2026, 6, 18, 9, 0, 0, 0, time.UTC)
	entry := func(at time.Time, minutes int) app.RepairEntry { return app.RepairEntry{At: at, Minutes: minutes} }
	tests := map[string]struct {
		started time.Time
		repairs []app.RepairEntry
		now     time.Time
		want    int
		ok      bool
	}{
		"NotStarted":           {now: started, ok: false},
		"JustStarted":          {started: started, now: started, want: 0, ok: true},
		"RoundedUp":            {started: started, now: started.Add(47 * time.Minute), want: 50, ok: true},
		"OnTheStep":            {started: started, now: started.Add(45 * time.Minute), want: 45, ok: true},
		"LessLoggedSince":      {started: started, repairs: []app.RepairEntry{entry(started.Add(20*time.Minute), 20)}, now: started.Add(47 * time.Minute), want: 30, ok: true},
		"LoggedBeforeIgnored":  {started: started, repairs: []app.RepairEntry{entry(started.Add(-time.Hour), 60)}, now: started.Add(47 * time.Minute), want: 50, ok: true},
		"MoreLoggedThanWorked": {started: started, repairs: []app.RepairEntry{entry(started, 90)}, now: started.Add(47 * time.Minute), want: 0, ok: true},
		"AWorkingDay":          {started: started, now: started.Add(12 * time.Hour), want: 720, ok: true},
		"StartedYesterday":     {started: started, now: started.Add(12*time.Hour + time.Minute), ok: false},
		"StartedDaysAgo":       {started: started, now: started.Add(3 * 24 * time.Hour), ok: false},
		"ClockBehind":          {started: started, now: started.Add(-time.Hour), want: 0, ok: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d := app.TicketDetail{Ticket: app.Ticket{StartedAt: tc.started}, Repairs: tc.repairs}
			got, ok := suggestedMinutes(d, tc.now)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("suggestedMinutes = %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
