package ui

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestMemoryTrimWaitsForTheScreenToSettle: changes in quick succession
// give one trim, after the last of them; trims keep their distance; a
// stopped trimmer does nothing.
func TestMemoryTrimWaitsForTheScreenToSettle(t *testing.T) {
	var n atomic.Int32
	done := make(chan time.Time, 4)
	m := &memoryTrimmer{after: 100 * time.Millisecond, every: 300 * time.Millisecond, trim: func() { n.Add(1); done <- time.Now() }}
	// Each change's start and end: a trim may follow a change whose call
	// had not yet returned (it had not yet put the trim off), but never
	// comes sooner than m.after after one that had. Comparing with the last
	// change's start alone failed under load, when the machine stalled
	// between taking the time and calling (CI, load average 20).
	var starts, ends [5]time.Time
	for i := range 5 {
		starts[i] = time.Now()
		m.changed()
		ends[i] = time.Now()
	}
	at := <-done
	for i := range 5 {
		if ends[i].Before(at) && at.Sub(starts[i]) < m.after {
			t.Errorf("trimmed %v after change %d, want at least %v", at.Sub(starts[i]), i+1, m.after)
		}
	}
	m.changed() // soon after a trim: waits for the distance
	at2 := <-done
	if at2.Sub(at) < m.every {
		t.Errorf("trims %v apart, want at least %v", at2.Sub(at), m.every)
	}
	m.changed()
	m.stop()
	select {
	case <-done:
		t.Error("a stopped trimmer trimmed")
	case <-time.After(2 * m.every):
	}
	if n.Load() != 2 {
		t.Errorf("%d trims, want 2", n.Load())
	}
}

// TestSettledScreenTrimsAtOnce: the first list on screen trims without
// waiting for a second of stillness, and still keeps the trims' distance.
func TestSettledScreenTrimsAtOnce(t *testing.T) {
	done := make(chan time.Time, 2)
	m := &memoryTrimmer{after: time.Hour, every: 200 * time.Millisecond, trim: func() { done <- time.Now() }}
	m.settled()
	var at time.Time
	select {
	case at = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a settled screen was not trimmed")
	}
	m.settled() // right after a trim: waits for the distance
	select {
	case at2 := <-done:
		if at2.Sub(at) < m.every {
			t.Errorf("trims %v apart, want at least %v", at2.Sub(at), m.every)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second settle never trimmed")
	}
}
