package app

import (
	"strings"
	"testing"
	"time"
)

func TestKeepsHistoryBack(t *testing.T) {
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	cutoff := HistoryCutoff(now)
	old, recent := now.AddDate(0, 0, -HistoryWholeDays-1), now.AddDate(0, 0, -HistoryWholeDays+1)
	for _, c := range []struct {
		name string
		t    Ticket
		want bool
	}{
		{"closed long ago", Ticket{Status: StatusClosed, UpdatedAt: old}, true},
		{"cancelled long ago", Ticket{Status: StatusCancelled, UpdatedAt: old}, true},
		{"closed within the month", Ticket{Status: StatusClosed, UpdatedAt: recent}, false},
		{"completed within the month, updated long ago", Ticket{Status: StatusClosed, UpdatedAt: old, CompletedAt: recent}, false},
		{"open and old", Ticket{Status: StatusInProgress, UpdatedAt: old}, false},
		{"closed without times", Ticket{Status: StatusClosed}, false},
		{"exactly at the cutoff", Ticket{Status: StatusClosed, UpdatedAt: cutoff}, false},
	} {
		if got := KeepsHistoryBack(c.t, cutoff); got != c.want {
			t.Errorf("%s: KeepsHistoryBack = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCheckHistoryRequest(t *testing.T) {
	many := make([]TicketID, MaxHistoryPerSync+1)
	for i := range many {
		many[i] = TicketID(strings.Repeat("t", i+1))
	}
	for _, c := range []struct {
		name string
		ids  []TicketID
		key  string // "" accepted
	}{
		{"none", nil, ""},
		{"the most", many[:MaxHistoryPerSync], ""},
		{"one too many", many, "sync.history_too_many"},
		{"repeated", []TicketID{"a", "b", "a"}, "sync.history_bad_ticket"},
		{"empty ID", []TicketID{""}, "sync.history_bad_ticket"},
		{"too long", []TicketID{TicketID(strings.Repeat("x", MaxIDLen+1))}, "sync.history_bad_ticket"},
	} {
		err := CheckHistoryRequest(c.ids)
		var key string
		if e, ok := err.(*Error); ok {
			key = e.Key
		}
		if c.key == "" && err != nil || key != c.key {
			t.Errorf("%s: %v, want key %q", c.name, err, c.key)
		}
		if c.key != "" && ErrorCode(err) != EINVALID {
			t.Errorf("%s: code %q, want %q", c.name, ErrorCode(err), EINVALID)
		}
	}
}

func TestHistoryAwayTotal(t *testing.T) {
	h := HistoryAway{Repairs: 1, PartsUsed: 2, Photos: 3, Notes: 4, Signatures: 5, Payments: 6, Estimates: 7, Notices: 8}
	if h.Total() != 36 {
		t.Errorf("Total = %d, want 36", h.Total())
	}
}
