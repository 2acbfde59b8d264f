package store

import "github.com/fieldbench/fieldbench/internal/cputime"

// processCPU is the process's CPU time, for the benchmarks.
var processCPU = cputime.Process
