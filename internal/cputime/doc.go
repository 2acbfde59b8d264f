// Package cputime reads the CPU time the process has used, for the
// benchmarks of store, scanner, sync/central and sync/simulation: on a
// machine shared with other builds the CPU an operation costs is steadier
// than its wall clock. Only tests import it.
package cputime
