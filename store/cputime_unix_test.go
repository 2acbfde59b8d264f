//go:build unix

package store

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system) this process has used. A
// benchmark's wall clock on a shared machine measures the neighbours too;
// its CPU time does not. It is 0 where it cannot be measured.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
