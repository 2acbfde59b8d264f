package store

import (
	"runtime/metrics"

	"github.com/fieldbench/fieldbench/internal/cputime"
)

// processCPU is the process's CPU time, for the benchmarks.
var processCPU = cputime.Process

// goroutinesCreated is how many goroutines the process has started: a
// count the machine's load does not change, for the commit path's tests
// and benchmarks (a goroutine per transaction was a tenth of an action's
// CPU, docs/BENCHMARKS.md).
func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		panic("runtime/metrics has no " + s[0].Name)
	}
	return s[0].Value.Uint64()
}
