package ui

import (
	"runtime/debug"
	"sync"
	"time"
)

// Opening a ticket allocates about 30 MB, nearly all of it Fyne's text
// shaping, and garbage a moment later. Go hands freed memory back to the
// system only gradually, so a tablet would carry tens of megabytes it no
// longer uses for minutes. The terminal trims instead, as mobile apps do
// when the screen settles: once no screen has changed for trimAfter, it
// collects and returns the free memory, at most once per trimEvery. A
// trim is one garbage collection in the background, about 10 ms of CPU on
// this app's heap, never while the user is moving between screens.
const (
	trimAfter = time.Second
	trimEvery = 5 * time.Second
)

// memoryTrimmer debounces trims.
type memoryTrimmer struct {
	after, every time.Duration // trimAfter and trimEvery; tests shorten them
	trim         func()        // debug.FreeOSMemory; tests count calls

	mu    sync.Mutex
	timer *time.Timer
	last  time.Time
}

func newMemoryTrimmer() *memoryTrimmer {
	return &memoryTrimmer{after: trimAfter, every: trimEvery, trim: debug.FreeOSMemory}
}

// changed notes a screen change; the trim waits for trimAfter without one.
func (m *memoryTrimmer) changed() { m.schedule(m.after) }

// schedule trims after wait, or later if one ran within m.every.
func (m *memoryTrimmer) schedule(wait time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.timer != nil {
		m.timer.Stop()
	}
	if next := m.last.Add(m.every); time.Until(next) > wait {
		wait = time.Until(next)
	}
	m.timer = time.AfterFunc(wait, func() {
		m.mu.Lock()
		m.last = time.Now()
		m.mu.Unlock()
		m.trim()
	})
}

// settled notes a screen that has settled: the trim follows at once (in
// the background), unless one ran within trimEvery.
func (m *memoryTrimmer) settled() { m.schedule(0) }

// stop cancels a pending trim.
func (m *memoryTrimmer) stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.timer != nil {
		m.timer.Stop()
	}
}
