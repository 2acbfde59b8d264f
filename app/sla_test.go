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
	}{
		{StatusAssigned, start, end, end.Add(time.Minute), true},
		{StatusEnRoute, start, end, end.Add(27 * time.Hour), true},
		{StatusAssigned, start, end, end, false},                           // its last minute
		{StatusAssigned, start, end, start.Add(time.Hour), false},          // within it
		{StatusAssigned, start, time.Time{}, start.Add(time.Minute), true}, // a time, no end
		{StatusAssigned, time.Time{}, time.Time{}, end.Add(time.Hour), false},
		{StatusOnSite, start, end, end.Add(time.Hour), false},
		{StatusInProgress, start, end, end.Add(time.Hour), false},
		{StatusWaitingParts, start, end, end.Add(time.Hour), false},
		{StatusCompleted, start, end, end.Add(time.Hour), false},
		{StatusCancelled, start, end, end.Add(time.Hour), false},
	} {
		if got := WindowMissed(c.st, c.start, c.end, c.now); got != c.want {
			t.Errorf("WindowMissed(%s, %v, %v, %v) = %v, want %v", c.st, c.start, c.end, c.now, got, c.want)
		}
	}
}
