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
