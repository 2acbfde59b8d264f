package app

import (
	"testing"
	"time"
)

func TestLease(t *testing.T) {
	last := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name   string
		lease  Lease
		now    time.Time
		locked bool
	}{
		{"never synced", Lease{Days: 30}, last.Add(1000 * day), false},
		{"just synced", Lease{Days: 30, LastContact: last}, last, false},
		{"a second before the end", Lease{Days: 30, LastContact: last}, last.Add(30*day - time.Second), false},
		{"at the end", Lease{Days: 30, LastContact: last}, last.Add(30 * day), true},
		{"long after", Lease{Days: 30, LastContact: last}, last.Add(400 * day), true},
		{"one-day lease", Lease{Days: 1, LastContact: last}, last.Add(25 * time.Hour), true},
		{"clock before the contact", Lease{Days: 1, LastContact: last}, last.Add(-day), false},
	}
	for _, tt := range tests {
		if got := tt.lease.Locked(tt.now); got != tt.locked {
			t.Errorf("%s: Locked = %v, want %v", tt.name, got, tt.locked)
		}
		err := tt.lease.Check(tt.now)
		if tt.locked && (ErrorCode(err) != ELEASE || AsError(err).Key != "lease.locked") {
			t.Errorf("%s: Check = %v, want ELEASE lease.locked", tt.name, err)
		}
		if !tt.locked && err != nil {
			t.Errorf("%s: Check = %v", tt.name, err)
		}
	}
}

func TestCheckLeaseDays(t *testing.T) {
	for days, ok := range map[int]bool{-1: false, 0: false, 1: true, 30: true, MaxLeaseDays: true, MaxLeaseDays + 1: false} {
		if err := CheckLeaseDays(days); (err == nil) != ok {
			t.Errorf("CheckLeaseDays(%d) = %v", days, err)
		}
	}
}
