//go:build !unix

package store

import "time"

// processCPU is 0 where getrusage is missing: reportCPU reports nothing.
func processCPU() time.Duration { return 0 }
