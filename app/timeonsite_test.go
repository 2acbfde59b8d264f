package app

import (
	"testing"
	"time"
)

// TestSiteClockVisits walks each ticket through the status machine
// (Transition must allow every step) and adds up its time by SiteClock:
// an on-site ticket that waited for a part is finished on a second visit
// whose drive is travel too, while the days of the wait count nowhere.
func TestSiteClockVisits(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	m := func(n int) time.Time { return at.Add(time.Duration(n) * time.Minute) }
	const day = 24 * 60
	for _, c := range []struct {
		name         string
		kind         TicketKind
		h            []StatusChange
		travel, work time.Duration
	}{
		// 30 minutes there, 65 at work, three days for the board, 40
		// minutes back, 65 at work: travel is both trips.
		{"second visit after a wait", KindOnSite, []StatusChange{{ActionDepart, m(0)}, {ActionArrive, m(30)}, {ActionStart, m(35)},
			{ActionWait, m(95)}, {ActionDepart, m(3*day + 60)}, {ActionArrive, m(3*day + 100)}, {ActionStart, m(3*day + 105)},
			{ActionComplete, m(3*day + 165)}}, 70 * time.Minute, 130 * time.Minute},
		// The part came by courier while the technician was still there:
		// no second trip, the 20 minutes waiting are not work.
		{"part came while there", KindOnSite, []StatusChange{{ActionDepart, m(0)}, {ActionArrive, m(30)}, {ActionStart, m(35)},
			{ActionWait, m(95)}, {ActionResume, m(115)}, {ActionComplete, m(135)}}, 30 * time.Minute, 85 * time.Minute},
		{"three visits", KindOnSite, []StatusChange{{ActionDepart, m(0)}, {ActionArrive, m(10)}, {ActionStart, m(10)},
			{ActionWait, m(20)}, {ActionDepart, m(day)}, {ActionArrive, m(day + 15)}, {ActionStart, m(day + 20)},
			{ActionWait, m(day + 30)}, {ActionDepart, m(2 * day)}, {ActionArrive, m(2*day + 20)}, {ActionStart, m(2*day + 20)},
			{ActionComplete, m(2*day + 50)}}, 45 * time.Minute, 55 * time.Minute},
		{"carry-in resumes at the bench", KindCarryIn, []StatusChange{{ActionStart, m(0)}, {ActionWait, m(50)},
			{ActionResume, m(9*day + 50)}, {ActionComplete, m(9*day + 120)}}, 0, 120 * time.Minute},
	} {
		tk := Ticket{Kind: c.kind, Status: StatusAssigned, Diagnosis: "d"}
		var clock SiteClock
		for _, x := range c.h {
			to, err := Transition(tk, x.Action, TransitionInput{RepairEntries: 1, Resolution: ResolutionRepaired, Reason: "r"})
			if err != nil {
				t.Fatalf("%s: %s from %s: %v", c.name, x.Action, tk.Status, err)
			}
			tk.Status = to
			clock.Move(to, x.At)
		}
		if clock.Travel != c.travel || clock.Work != c.work {
			t.Errorf("%s: travel %v work %v, want %v and %v", c.name, clock.Travel, clock.Work, c.travel, c.work)
		}
		// The service report reads the same history by the same rule.
		if tr, wk := timeOnSite(c.h, Ticket{}); time.Duration(tr)*time.Minute != c.travel || time.Duration(wk)*time.Minute != c.work {
			t.Errorf("%s: report travel %d work %d, want %v and %v", c.name, tr, wk, c.travel, c.work)
		}
	}
}
