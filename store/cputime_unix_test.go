//go:build unix

package store

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system) this process has used. A
// benchmark's wall clock on a shared machine measures the neighbours too;
// its CPU time does not.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
