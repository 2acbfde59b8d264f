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
	m := &memoryTrimmer{after: 20 * time.Millisecond, every: 200 * time.Millisecond, trim: func() { n.Add(1); done <- time.Now() }}
	var last time.Time
	for range 5 {
		last = time.Now()
		m.changed()
	}
	at := <-done
	if waited := at.Sub(last); waited < m.after {
		t.Errorf("trimmed %v after the last change, want at least %v", waited, m.after)
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
