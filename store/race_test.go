//go:build race

package store

// raceDetector is true in a test binary built with -race. The detector
// watches every memory access, SQLite's too (modernc's is C translated to
// Go), which makes a single-goroutine sweep of thousands of queries five
// to twelve times slower while it has nothing to find there: such sweeps
// check a sample under it, and everything in the ordinary run.
const raceDetector = true
