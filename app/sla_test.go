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
