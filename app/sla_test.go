package app

import (
	"testing"
	"time"
)

func TestSLAUrgency(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		left time.Duration
		want SLAState
	}{
		{-time.Minute, SLAOverdue},
		{-48 * time.Hour, SLAOverdue},
		{0, SLADueSoon},
		{SLAWarning - time.Second, SLADueSoon},
		{SLAWarning, SLAOnTime},
		{72 * time.Hour, SLAOnTime},
	} {
		if got := SLAUrgency(now.Add(c.left), now); got != c.want {
			t.Errorf("SLAUrgency with %v left = %d, want %d", c.left, got, c.want)
		}
	}
}

// TestSLADue: a countdown runs to resolve-by; without one, to respond-by
// only while the first response is owed.
func TestSLADue(t *testing.T) {
	respond, resolve := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		st                 Status
		respondBy, resolve time.Time
		want               time.Time
	}{
		{StatusAssigned, respond, resolve, resolve},
		{StatusInProgress, respond, resolve, resolve},
		{StatusAssigned, respond, time.Time{}, respond},
		{StatusEnRoute, respond, time.Time{}, respond},
		{StatusOnSite, respond, time.Time{}, time.Time{}},
		{StatusInProgress, respond, time.Time{}, time.Time{}},
		{StatusWaitingParts, respond, time.Time{}, time.Time{}},
		{StatusAssigned, time.Time{}, time.Time{}, time.Time{}},
	} {
		if got := SLADue(c.st, c.respondBy, c.resolve); !got.Equal(c.want) {
			t.Errorf("SLADue(%s, respond %v, resolve %v) = %v, want %v", c.st, c.respondBy, c.resolve, got, c.want)
		}
	}
}

// TestWindowMissed: a window is missed once it is over with the
// technician not there yet; arriving or starting work ends the question.
func TestWindowMissed(t *testing.T) {
	start, end := time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC), time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		st         Status
		start, end time.Time
		now        time.Time
		want       bool
		started    time.Time // the work began on an earlier visit
	}{
		{StatusAssigned, start, end, end.Add(time.Minute), true, time.Time{}},
		{StatusEnRoute, start, end, end.Add(27 * time.Hour), true, time.Time{}},
		{StatusAssigned, start, end, end, false, time.Time{}},                           // its last minute
		{StatusAssigned, start, end, start.Add(time.Hour), false, time.Time{}},          // within it
		{StatusAssigned, start, time.Time{}, start.Add(time.Minute), true, time.Time{}}, // a time, no end
		{StatusAssigned, time.Time{}, time.Time{}, end.Add(time.Hour), false, time.Time{}},
		{StatusOnSite, start, end, end.Add(time.Hour), false, time.Time{}},
		{StatusInProgress, start, end, end.Add(time.Hour), false, time.Time{}},
		{StatusWaitingParts, start, end, end.Add(time.Hour), false, time.Time{}},
		{StatusCompleted, start, end, end.Add(time.Hour), false, time.Time{}},
		{StatusCancelled, start, end, end.Add(time.Hour), false, time.Time{}},
		// A second visit after a wait for a part, on its way: booked
		// with the customer, not the first window missed.
		{StatusEnRoute, start, end, end.Add(12 * 24 * time.Hour), false, start.Add(30 * time.Minute)},
		// Reopened for rework: a new visit is still to be booked.
		{StatusAssigned, start, end, end.Add(12 * 24 * time.Hour), true, start.Add(30 * time.Minute)},
	} {
		if got := WindowMissed(c.st, c.started, c.start, c.end, c.now); got != c.want {
			t.Errorf("WindowMissed(%s, %v, %v, %v) = %v, want %v", c.st, c.start, c.end, c.now, got, c.want)
		}
	}
}
