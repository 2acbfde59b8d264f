package scanner

import (
	"strings"
	"time"
)

// Hardware barcode scanners in keyboard mode ("keyboard wedge") type the
// code's characters a few milliseconds apart and press Enter. A person
// types 60 ms or more apart and rarely ends with Enter within a
// millisecond of the last key. WedgeDetector tells the two apart from the
// key events alone, so a scan anywhere in the app becomes a scan event
// instead of text in whatever field has the focus.
//
// Feed it every printable key (Rune) and every Enter (Enter) with the time
// the event arrived. It is not safe for concurrent use: feed it from the
// UI's event goroutine.
type WedgeDetector struct {
	// MaxGap is the longest pause between two keys of one scan (default
	// 35 ms: scanners send every 2 to 20 ms, even over Bluetooth's
	// batching; people type 60 ms apart at best).
	MaxGap time.Duration
	// MinLen is the shortest code taken for a scan (default 4): shorter
	// bursts are a person's fast double key or auto-repeat.
	MinLen int
	// MaxStall is the longest pause a burst may hold once (default 250
	// ms), between keys that otherwise come MaxGap apart: a busy device
	// hands a scanner's keys over late, in two runs, and the code's
	// first characters were taken for typing and the rest for the scan
	// (a serial "FD9803-654321" read as "803-654321"). A person does not
	// type keys MaxGap apart on both sides of a pause and press Enter
	// within MaxGap of the last.
	MaxStall time.Duration

	buf   strings.Builder
	n     int
	first time.Time
	last  time.Time
	// stalled: the burst held its one pause longer than MaxGap, and every
	// key since must come within MaxGap again.
	stalled bool
}

// Wedge detection defaults.
const (
	DefaultWedgeGap    = 35 * time.Millisecond
	DefaultWedgeMinLen = 4
	DefaultWedgeStall  = 250 * time.Millisecond
)

func (w *WedgeDetector) gap() time.Duration {
	if w.MaxGap > 0 {
		return w.MaxGap
	}
	return DefaultWedgeGap
}

func (w *WedgeDetector) stall() time.Duration {
	if w.MaxStall > 0 {
		return w.MaxStall
	}
	return DefaultWedgeStall
}

func (w *WedgeDetector) minLen() int {
	if w.MinLen > 0 {
		return w.MinLen
	}
	return DefaultWedgeMinLen
}

// Rune records a printable key at time at. It returns the characters of
// an earlier burst that turned out to be typing (the pause before this key
// was too long); usually "". A caller that held the keys back would hand
// them on as text; KeyboardWedge, whose keys reach the focused field as
// they come, reads a non-empty answer as this key starting a new burst.
func (w *WedgeDetector) Rune(r rune, at time.Time) (typed string) {
	if pause := at.Sub(w.last); w.n > 0 && pause > w.gap() {
		// The burst's one stall, if the keys before it came MaxGap apart
		// (a single key may be a scanner's first, split off alone), or
		// the end of what was typing.
		if w.stalled || pause > w.stall() {
			typed = w.flush()
		} else {
			w.stalled = true
		}
	}
	if w.n == 0 {
		w.first = at
	}
	w.buf.WriteRune(r)
	w.n++
	w.last = at
	return typed
}

// Enter records the Enter key at time at. When the keys since the last
// pause form a scan, it returns the code and ok; otherwise it returns the
// keys as typed text (and the caller delivers Enter as usual).
func (w *WedgeDetector) Enter(at time.Time) (code string, ok bool, typed string) {
	if w.n >= w.minLen() && at.Sub(w.last) <= w.gap() {
		code = w.buf.String()
		w.reset()
		return code, true, ""
	}
	return "", false, w.flush()
}

// Pending reports whether the detector holds keys since the last pause
// that may yet be a scan: KeyboardWedge.Rune asks it to tell a burst's
// first key. Holding them keeps nothing from the screen, and no timer
// flushes them: the UI (ui/wedge.go) lets every key reach the focused
// field as it comes, and takes a burst's characters back out of it when
// Enter ends a scan. Held keys go at the next pause (Rune), Enter or
// Flush.
func (w *WedgeDetector) Pending() bool { return w.n > 0 }

// Flush forgets the held keys and returns them as typed text:
// KeyboardWedge calls it when the focus moves (Reset) and when it takes a
// label as a scan whatever the timing (EnterLabel).
func (w *WedgeDetector) Flush() string { return w.flush() }

func (w *WedgeDetector) flush() string {
	s := w.buf.String()
	w.reset()
	return s
}

func (w *WedgeDetector) reset() {
	w.buf.Reset()
	w.n = 0
	w.stalled = false
}
