//go:build !unix

package cputime

import "time"

// Process is 0 where getrusage is missing: the benchmarks then report no
// CPU time.
func Process() time.Duration { return 0 }
