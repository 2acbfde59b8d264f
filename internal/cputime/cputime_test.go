//go:build unix

package cputime

import "testing"

// Spinning for a while shows up as CPU time used.
func TestProcessCounts(t *testing.T) {
	before := Process()
	x := 0
	for i := range 50_000_000 {
		x += i & 3
	}
	if after := Process(); after <= before {
		t.Errorf("CPU time %v after a busy loop (%d), %v before", after, x, before)
	}
}
