package central

import (
	"fmt"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestPairThrottle: a source has pairBurst attempts, then one per
// pairEvery; a refund gives one back; the wait it is told is right; and
// the table of sources never grows past pairSources.
func TestPairThrottle(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	th := newPairThrottle()
	th.now = func() time.Time { return now }
	wait := func(err error) int {
		t.Helper()
		e := app.AsError(err)
		if e == nil || e.Code != app.ETHROTTLED {
			t.Fatalf("got %v, want ETHROTTLED", err)
		}
		return e.Data["Seconds"].(int)
	}
	for i := range pairBurst {
		if err := th.allow("a"); err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if s := wait(th.allow("a")); s != 6 {
		t.Errorf("told to wait %d s, want 6", s)
	}
	if err := th.allow("b"); err != nil {
		t.Errorf("another source is throttled: %v", err)
	}
	now = now.Add(4 * time.Second)
	if s := wait(th.allow("a")); s != 2 {
		t.Errorf("4 s later told to wait %d s, want 2", s)
	}
	now = now.Add(2 * time.Second)
	if err := th.allow("a"); err != nil {
		t.Errorf("after the wait: %v", err)
	}
	wait(th.allow("a"))
	th.refund("a")
	if err := th.allow("a"); err != nil {
		t.Errorf("after a refund: %v", err)
	}
	now = now.Add(time.Hour)
	for i := range pairBurst {
		if err := th.allow("a"); err != nil {
			t.Fatalf("an hour later, attempt %d: %v", i+1, err)
		}
	}

	// The table is bounded: full of busy sources, a new one waits; once
	// they have refilled, they are forgotten and it gets in.
	th = newPairThrottle()
	th.now = func() time.Time { return now }
	for i := range pairSources {
		th.allow(fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255))
	}
	wait(th.allow("new"))
	if len(th.buckets) != pairSources {
		t.Errorf("%d sources tracked, want %d", len(th.buckets), pairSources)
	}
	now = now.Add(pairEvery)
	if err := th.allow("new"); err != nil {
		t.Errorf("after the others refilled: %v", err)
	}
	if len(th.buckets) != 1 {
		t.Errorf("%d sources tracked after the sweep, want 1", len(th.buckets))
	}
}
