package simulation

import "github.com/fieldbench/fieldbench/internal/cputime"

// cpuTime is the process's CPU time, for the benchmarks.
var cpuTime = cputime.Process
