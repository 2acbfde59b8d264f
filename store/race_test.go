//go:build race

package store

// raceDetector is true in a test binary built with -race. The detector
// watches every memory access, SQLite's too (modernc's is C translated to
// Go): TestFindTicketsReference's sweep of 6,720 filters took 472 s under
// it instead of 18 s, with nothing for it to find on one goroutine. Such
// sweeps check a sample under it, and everything in the ordinary run.
const raceDetector = true
