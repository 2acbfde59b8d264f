package scanner

import (
	"time"
)

// Hardware barcode scanners in keyboard mode ("keyboard wedge") type the
// code's characters a few milliseconds apart and press Enter. A person
// types 60 ms or more apart. WedgeDetector tells the two apart from the
// key events alone, so a scan anywhere in the app becomes a scan event
// instead of text in whatever field has the focus.
//
// The times are those at which the UI handled each key, not those at
// which the scanner sent it, and a loaded device hands keys over late and
// in runs: measured under xdotool at load 14 to 16 on two cores
// (TestWedgeDetectorUnderLoad), a 14-key code came as two to four runs of
// keys under 10 ms apart, the pauses between them 36 ms to 1.5 s (once 2 s), its
// first or last key often alone, and Enter up to 1.1 s after the last key. So a scan is
// judged whole at Enter, by the shape of its runs, not key by key: a
// person's typing is keys alone, one after another; a scanner's is runs
// of keys, at most a quarter of its pauses slow.
//
// Feed it every printable key (Rune) and every Enter (Enter) with the time
// the event arrived. It is not safe for concurrent use: feed it from the
// UI's event goroutine.
type WedgeDetector struct {
	// MaxGap is the longest pause between two keys of one run (default
	// 35 ms: scanners send every 2 to 20 ms, even over Bluetooth's
	// batching; people type 60 ms apart at best).
	MaxGap time.Duration
	// MinLen is the shortest code taken for a scan (default 4): shorter
	// bursts are a person's fast double key or auto-repeat.
	MinLen int
	// MaxStall is the longest pause inside a scan, between two of its
	// runs or before its Enter (default 3 s): a longer one ends what came
	// before as typing. Measured under load, the longest was 2,029 ms.
	// A key alone, or a run shorter than MinLen that looks typed (keys
	// over DefaultWedgePace apart, or right after a key alone), joins
	// the run after it across a pause of at most DefaultWedgeLead (or
	// MaxStall, if shorter): a scanner's first key handed over apart
	// from the rest (measured up to 303 ms), but not a person's last
	// key, or rolled pair, before they picked up the scanner.
	MaxStall time.Duration

	keys  []rune
	times []time.Time
}

// Wedge detection defaults.
const (
	DefaultWedgeGap    = 35 * time.Millisecond
	DefaultWedgeMinLen = 4
	// DefaultWedgeStall is 3 s: one live burst at load 14 to 16 on two
	// cores stalled 2,029 ms, past the 2 s of before, and stayed typing.
	// 3 s holds it with half again to spare, and stays short of the time
	// a person waits before pressing Enter on a field a scanner without
	// an Enter suffix filled.
	DefaultWedgeStall = 3 * time.Second
	// DefaultWedgeLead is the longest pause after a scan's first run when
	// that run is shorter than MinLen: the scanner's first key or two
	// handed over apart came at most 303 ms before the rest under load
	// (TestWedgeDetectorUnderLoad), and a person is taken to pick the
	// scanner up after their last key (a key alone, or a pair rolled 20
	// to 40 ms apart) more slowly than that: assumed, not measured.
	DefaultWedgeLead = 500 * time.Millisecond
	// DefaultWedgePace tells a scanner's short run from a person's
	// rolled pair: a scanner's keys in runs of two or three came 0 to
	// 9 ms apart under load, a person rolls two keys 20 to 40 ms apart.
	DefaultWedgePace = 15 * time.Millisecond
	// MaxWedgeKeys bounds the keys held between two pauses: longer than
	// any code a scan takes (a GS1 label's data is at most 90
	// characters); a key held down does not grow the detector for ever.
	MaxWedgeKeys = 256
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

func (w *WedgeDetector) lead() time.Duration {
	return min(DefaultWedgeLead, w.stall())
}

func (w *WedgeDetector) minLen() int {
	if w.MinLen > 0 {
		return w.MinLen
	}
	return DefaultWedgeMinLen
}

// Rune records a printable key at time at. It returns the characters of
// an earlier burst that turned out to be typing (the pause before this key
// was longer than MaxStall, or the burst holds MaxWedgeKeys); usually "".
// A caller that held the keys back would hand them on as text;
// KeyboardWedge, whose keys reach the focused field as they come, reads a
// non-empty answer as this key starting a new burst.
func (w *WedgeDetector) Rune(r rune, at time.Time) (typed string) {
	if n := len(w.keys); n > 0 && (at.Sub(w.times[n-1]) > w.stall() || n >= MaxWedgeKeys) {
		typed = w.flush()
	}
	w.keys = append(w.keys, r)
	w.times = append(w.times, at)
	return typed
}

// Enter records the Enter key at time at. When the keys held end in a
// scan, it returns the code, ok, and the keys before the code as typed
// text (usually ""); otherwise it returns all the keys as typed text (and
// the caller delivers Enter as usual).
func (w *WedgeDetector) Enter(at time.Time) (code string, ok bool, typed string) {
	start, ok := w.scanStart(at)
	if !ok {
		return "", false, w.flush()
	}
	typed, code = string(w.keys[:start]), string(w.keys[start:])
	w.reset()
	return code, true, typed
}

// scanStart finds where a scan ending at Enter at begins in the keys
// held. Walking back from Enter, it takes runs of keys (MaxGap apart)
// across pauses of at most MaxStall; a key alone, or a run shorter than
// MinLen whose keys came further apart than DefaultWedgePace or that
// came within the lead after a key alone, is taken when it is the last
// run, or when the pause after it is at most the lead
// (DefaultWedgeLead); a second key alone in a row, or a pause over
// MaxStall, ends the walk. What it took is a scan when it is at least
// MinLen keys and at most a quarter of its pauses (between keys, and
// before Enter) are over MaxGap, one at least allowed.
//
// The lead keeps a person's rolled pair out of the scan after it: "th"
// typed 25 ms apart is a run like the scanner's, but slower than the
// scanner's keys, which came 0 to 9 ms apart in every short run measured
// (TestWedgeDetectorUnderLoad), and a person is taken to need longer
// than the lead to pick the scanner up. A busy device may hand a
// person's pair over batched, under the pace (live at load 18 to 21,
// with the pace alone, a rolled pair joined the scan 3 times in 6), but
// then still right after the key typed before it. A scanner's
// fast first keys may stall up to MaxStall before the rest: live at
// load 18 the demo handed "FB-" over alone and the rest more than
// 500 ms later.
func (w *WedgeDetector) scanStart(at time.Time) (int, bool) {
	n := len(w.keys)
	if n == 0 || at.Sub(w.times[n-1]) > w.stall() {
		return 0, false
	}
	slow := 0
	if at.Sub(w.times[n-1]) > w.gap() {
		slow++
	}
	start := n
	lone := false // the run taken last was a key alone
	for start > 0 {
		// The run ending at start-1.
		i := start - 1
		for i > 0 && w.times[i].Sub(w.times[i-1]) <= w.gap() {
			i--
		}
		alone := i == start-1
		// A person's: a key alone, or a short run at a person's pace
		// or right after a key typed alone.
		led := alone || start-i < w.minLen() && (w.slowestIn(i, start) > DefaultWedgePace || w.afterLoneKey(i))
		if start < n {
			pause := w.times[start].Sub(w.times[start-1])
			if pause > w.stall() || led && pause > w.lead() || alone && lone {
				break
			}
			slow++
		}
		start, lone = i, alone
	}
	taken := n - start
	return start, taken >= w.minLen() && slow <= max(1, taken/4)
}

// slowestIn is the longest pause between the keys from i to end
// (exclusive).
func (w *WedgeDetector) slowestIn(i, end int) time.Duration {
	var d time.Duration
	for j := i + 1; j < end; j++ {
		d = max(d, w.times[j].Sub(w.times[j-1]))
	}
	return d
}

// afterLoneKey reports whether the key before key i is a key alone
// that came at most the lead before it: typing goes on into the run at
// i. A scanner's first keys come after the pause to pick it up, and its
// later runs after a run of its own.
func (w *WedgeDetector) afterLoneKey(i int) bool {
	if i == 0 || w.times[i].Sub(w.times[i-1]) > w.lead() {
		return false
	}
	return i == 1 || w.times[i-1].Sub(w.times[i-2]) > w.gap()
}

// Pending reports whether the detector holds keys that may yet be part
// of a scan: KeyboardWedge.Rune asks it to tell a burst's first key.
// Holding them keeps nothing from the screen, and no timer flushes them:
// the UI (ui/wedge.go) lets every key reach the focused field as it
// comes, and takes a scan's characters back out of it when Enter ends
// one. Held keys go at a pause over MaxStall (Rune), Enter or Flush.
func (w *WedgeDetector) Pending() bool { return len(w.keys) > 0 }

// Flush forgets the held keys and returns them as typed text:
// KeyboardWedge calls it when the focus moves or a key that is no
// character is pressed (Reset), and when it takes a label as a scan
// whatever the timing (EnterLabel).
func (w *WedgeDetector) Flush() string { return w.flush() }

func (w *WedgeDetector) flush() string {
	s := string(w.keys)
	w.reset()
	return s
}

func (w *WedgeDetector) reset() {
	w.keys = w.keys[:0]
	w.times = w.times[:0]
}
