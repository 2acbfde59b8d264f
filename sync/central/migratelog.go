package central

import (
	"log/slog"
	"time"
)

// migrationLogEvery is how often a long migration at open logs how far it
// is: often enough that an operator watching a service that does not
// answer yet sees it work (a refold of a million tickets takes about a
// minute on PostgreSQL), seldom enough that it writes a few dozen lines
// at most, whatever the rows.
const migrationLogEvery = 5 * time.Second

// migrationLog tells the service's log what a migration at open that may
// take long does: that it started and why, how many rows it has done of
// how many about every migrationLogEvery, and its end with the count and
// the time it took. A migration that finds nothing to do logs nothing: a
// nil *migrationLog is one that logs nothing.
type migrationLog struct {
	log         *slog.Logger
	what        string
	total, done int
	start, last time.Time
	now         func() time.Time
}

// startMigration logs that migration what starts, why, and over how many
// rows (total; -1 when not counted).
func (db *DB) startMigration(what, why string, total int) *migrationLog {
	m := &migrationLog{log: db.log, what: what, total: total, now: db.wallClock}
	m.start = m.now()
	m.last = m.start
	attrs := []any{"why", why}
	if total >= 0 {
		attrs = append(attrs, "rows", total)
	}
	m.log.Info("migration: "+what+": started", attrs...)
	return m
}

// progress counts n more rows done and logs how many when
// migrationLogEvery has passed since the last line.
func (m *migrationLog) progress(n int) {
	if m == nil {
		return
	}
	m.done += n
	if now := m.now(); now.Sub(m.last) >= migrationLogEvery {
		m.last = now
		m.log.Info("migration: "+m.what+": in progress", "done", m.done, "of", m.total, "elapsed", now.Sub(m.start).Round(time.Second))
	}
}

// end logs the migration's end: the rows it did (when it counted them),
// those of them it changed (-1: all it did), and how long it took.
func (m *migrationLog) end(changed int) {
	if m == nil {
		return
	}
	var attrs []any
	if m.total >= 0 {
		attrs = append(attrs, "rows", m.done)
	}
	if changed >= 0 {
		attrs = append(attrs, "changed", changed)
	}
	attrs = append(attrs, "took", m.now().Sub(m.start).Round(time.Millisecond))
	m.log.Info("migration: "+m.what+": done", attrs...)
}
