package scanner_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/scanner"
)

// keys is a sequence of key events: a rune, or '\n' for Enter, each after
// a pause.
type key struct {
	r     rune
	after time.Duration
}

func burst(s string, gap time.Duration) []key {
	var ks []key
	for _, r := range s {
		ks = append(ks, key{r, gap})
	}
	return ks
}

func TestWedgeDetector(t *testing.T) {
	ms := time.Millisecond
	for name, tc := range map[string]struct {
		keys  []key
		scans []string
		typed string
	}{
		"ScannerBurst":     {append(burst("R58N12ABCDE", 8*ms), key{'\n', 5 * ms}), []string{"R58N12ABCDE"}, ""},
		"BluetoothJitter":  {append(append(burst("FB1|T|", 3*ms), burst("0193a5b2", 30*ms)...), key{'\n', 20 * ms}), []string{"FB1|T|0193a5b2"}, ""},
		"PersonTyping":     {append(burst("hello", 120*ms), key{'\n', 150 * ms}), nil, "hello"},
		"FastTypist":       {append(burst("serial", 50*ms), key{'\n', 60 * ms}), nil, "serial"},
		"ShortFastBurst":   {append(burst("ab", 5*ms), key{'\n', 5 * ms}), nil, "ab"},
		"TypedThenScanned": {append(append(burst("note ", 150*ms), key{'3', 900 * ms}), append(burst("56938035643809", 6*ms), key{'\n', 6 * ms})...), []string{"356938035643809"}, "note "},
		// A busy device hands a scanner's keys over late: one pause
		// longer than MaxGap but within MaxStall inside a burst is a
		// stall, and the burst is one code, its first key too.
		"StallInABurst":    {append(append(burst("ABCD", 5*ms), key{'E', 80 * ms}), append(burst("FGH", 5*ms), key{'\n', 5 * ms})...), []string{"ABCDEFGH"}, ""},
		"FirstKeySplitOff": {append(append(burst("F", 5*ms), key{'D', 200 * ms}), append(burst("9803-654321", 5*ms), key{'\n', 5 * ms})...), []string{"FD9803-654321"}, ""},
		// A pause past MaxStall splits a burst: what came before is
		// typing, what follows is judged on its own.
		"LongPauseSplitsABurst": {append(append(burst("ABCD", 5*ms), key{'E', 3001 * ms}), append(burst("FGH", 5*ms), key{'\n', 5 * ms})...), []string{"EFGH"}, "ABCD"},
		// A freeze of a loaded device held a live burst 2,029 ms
		// (README, "Scanning"): within MaxStall, one code.
		"FreezeInABurst":    {append(append(burst("FB-2026", 1*ms), key{'-', 2029 * ms}), append(burst("002849", 1*ms), key{'\n', 30 * ms})...), []string{"FB-2026-002849"}, ""},
		"EnterAfterAFreeze": {append(burst("FB-2026-002849", 1*ms), key{'\n', 2029 * ms}), []string{"FB-2026-002849"}, ""},
		// Two pauses are one code too: a loaded device hands a code over
		// in three runs (measured: TestWedgeDetectorUnderLoad).
		"TwoStallsOneCode": {append(append(append(burst("AB", 5*ms), key{'C', 80 * ms}), key{'D', 80 * ms}), append(burst("EFGH", 5*ms), key{'\n', 5 * ms})...), []string{"ABCDEFGH"}, ""},
		// A person's fast pair ("th" rolled) then ordinary typing stays
		// typing, however Enter follows.
		"PersonRollsAPair": {append(append(burst("th", 20*ms), burst("e code", 110*ms)...), key{'\n', 30 * ms}), nil, "the code"},
		// A person's typing that the device hands over in runs (keys
		// batched behind a stall) keeps most of its pauses slow.
		"PersonTypingBatched": {append(append(append(burst("123", 120*ms), burst("45", 1*ms)...), append(burst("67", 130*ms), burst("8", 1*ms)...)...), key{'\n', 140 * ms}), nil, "12345678"},
		// Typing, then a scan within MaxStall: the key typed last, alone
		// before the pause, stays typing; the scan's first key, handed
		// over alone, is the scan's.
		// A person's rolled pair, then the scan a second later: the
		// pair is a run as the scanner's are, but one shorter than
		// MinLen with a pause over DefaultWedgeLead after it is the
		// person's, and stays typing.
		"RolledPairThenScan":   {append(append(append(burst("note ", 150*ms), key{'t', 150 * ms}, key{'h', 25 * ms}), key{'3', time.Second}), append(burst("56938035643809", 6*ms), key{'\n', 6 * ms})...), []string{"356938035643809"}, "note th"},
		"RolledTripleThenScan": {append(append(append(burst("the i", 150*ms), burst("ng", 20*ms)...), key{'3', 600 * ms}), append(burst("56938035643809", 6*ms), key{'\n', 6 * ms})...), []string{"356938035643809"}, "the ing"},
		// A scanner's first keys, at its pace, then a freeze past the
		// lead (live at load 18: "FB-", then the rest): one code.
		// A person's pair that a busy device hands over batched, 1 ms
		// apart, right after the key before it: still typing.
		"BatchedPairThenScan":    {append(append(burst("note ", 150*ms), key{'t', 150 * ms}, key{'h', 1 * ms}, key{'F', time.Second}), append(burst("B-2026-002784", 1*ms), key{'\n', 10 * ms})...), []string{"FB-2026-002784"}, "note th"},
		"FastFirstRunThenFreeze": {append(append(burst("note ", 150*ms), key{'F', time.Second}, key{'B', 5 * ms}, key{'-', 5 * ms}, key{'2', 1200 * ms}), append(burst("026-002784", 1*ms), key{'\n', 10 * ms})...), []string{"FB-2026-002784"}, "note "},
		"TypedThenScannedSoon":   {append(append(burst("note ", 150*ms), key{'3', 600 * ms}), append(burst("56938035643809", 6*ms), key{'\n', 6 * ms})...), []string{"356938035643809"}, "note "},
		"EnterTooLate":           {append(burst("12345678", 5*ms), key{'\n', 3001 * ms}), nil, "12345678"},
		"EnterLateUnderLoad":     {append(burst("12345678", 5*ms), key{'\n', 550 * ms}), []string{"12345678"}, ""},
		"TwoScansInARow":         {append(append(burst("AAAA1111", 4*ms), key{'\n', 4 * ms}), append(burst("BBBB2222", 4*ms), key{'\n', 4 * ms})...), []string{"AAAA1111", "BBBB2222"}, ""},
		"EnterAloneIsNotAScan":   {[]key{{'\n', 100 * ms}}, nil, ""},
	} {
		t.Run(name, func(t *testing.T) {
			var w scanner.WedgeDetector
			at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
			var scans []string
			var typed strings.Builder
			for _, k := range tc.keys {
				at = at.Add(k.after)
				if k.r == '\n' {
					code, ok, text := w.Enter(at)
					typed.WriteString(text)
					if ok {
						scans = append(scans, code)
					}
					continue
				}
				typed.WriteString(w.Rune(k.r, at))
			}
			typed.WriteString(w.Flush())
			if strings.Join(scans, ",") != strings.Join(tc.scans, ",") {
				t.Errorf("scans = %q, want %q", scans, tc.scans)
			}
			if typed.String() != tc.typed {
				t.Errorf("typed = %q, want %q", typed.String(), tc.typed)
			}
			if w.Pending() {
				t.Error("keys still held after Flush")
			}
		})
	}
}

// TestWedgeDetectorUnderLoad replays the key timings the app measured
// (ms between the keys, the last before Enter) when xdotool typed
// "FB-2026-002849" and Return as one burst, 5 ms apart, into the search
// box of the demo under Xvfb at load 14 to 16 on two cores (two `yes`
// beside the other work; README, "Scanning"). Every one is the scan;
// before, fourteen of the nineteen were split or left as typing: two or
// three pauses, a pause over 250 ms, or Enter over 35 ms after the last
// key. (One more burst of that run stalled 2,029 ms, past MaxStall: it
// stays typing, as does any code held up longer than that.)
func TestWedgeDetectorUnderLoad(t *testing.T) {
	for i, gaps := range underLoad {
		var w scanner.WedgeDetector
		at := time.Date(2026, 12, 6, 16, 53, 0, 0, time.UTC)
		var typed strings.Builder
		got, ok := replayUnderLoad(&w, &typed, at, gaps)
		if !ok || got != loadCode || typed.Len() != 0 {
			t.Errorf("burst %d %v: scan %q (%v), typed %q; want the scan %q", i+1, gaps, got, ok, typed.String(), loadCode)
		}
	}
}

// TestWedgeDetectorKeepsARolledPairOut: a person typing in a field rolls
// two keys (or three) 20 to 35 ms apart, a run as the scanner's are,
// then picks up the scanner: every burst measured under load, after the
// pair, is the scan alone, and the pair stays typing. Before, the pair
// (and the space before it) joined the code: " th" + "FB-2026-002849".
func TestWedgeDetectorKeepsARolledPairOut(t *testing.T) {
	ms := time.Millisecond
	for name, tc := range map[string]struct {
		typed  string        // typed 150 ms apart, but for its last keys
		rolled int           // how many keys at the end are rolled
		roll   time.Duration // between the rolled keys
		pickUp time.Duration // from the last key typed to the scan's first
	}{
		"Pair20msThenASecond":    {"note th", 2, 20 * ms, time.Second},
		"Pair35msThen600ms":      {"note th", 2, 35 * ms, 600 * ms},
		"Triple25msThen600ms":    {"the ing", 3, 25 * ms, 600 * ms},
		"PairThenAlmostMaxStall": {"ok", 2, 30 * ms, 2900 * ms},
		"PairAloneInTheField":    {"th", 2, 25 * ms, 800 * ms},
	} {
		for i, gaps := range underLoad {
			var w scanner.WedgeDetector
			at := time.Date(2026, 12, 6, 16, 53, 0, 0, time.UTC)
			var typed strings.Builder
			for j, r := range []rune(tc.typed) {
				if j >= len([]rune(tc.typed))-tc.rolled+1 {
					at = at.Add(tc.roll)
				} else {
					at = at.Add(150 * ms)
				}
				typed.WriteString(w.Rune(r, at))
			}
			got, ok := replayUnderLoad(&w, &typed, at.Add(tc.pickUp), gaps)
			if !ok || got != loadCode || typed.String() != tc.typed {
				t.Errorf("%s, burst %d %v: scan %q (%v), typed %q; want the scan %q, typed %q", name, i+1, gaps, got, ok, typed.String(), loadCode, tc.typed)
			}
		}
	}
}

// loadCode is the code xdotool typed for underLoad.
const loadCode = "FB-2026-002849"

// replayUnderLoad feeds w loadCode from at on, its keys and Enter gaps
// apart, writes what w gives back as typing to typed, and returns the
// scan Enter ended.
func replayUnderLoad(w *scanner.WedgeDetector, typed *strings.Builder, at time.Time, gaps []int) (string, bool) {
	for j, r := range loadCode {
		if j > 0 {
			at = at.Add(time.Duration(gaps[j-1]) * time.Millisecond)
		}
		typed.WriteString(w.Rune(r, at))
	}
	got, ok, text := w.Enter(at.Add(time.Duration(gaps[len(gaps)-1]) * time.Millisecond))
	typed.WriteString(text)
	typed.WriteString(w.Flush())
	return got, ok
}

// underLoad are the measured timings TestWedgeDetectorUnderLoad replays.
var underLoad = [][]int{
	{45, 1, 0, 0, 42, 0, 0, 0, 1, 0, 0, 232, 0, 0},
	{34, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 36, 2},
	{303, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	{202, 0, 0, 0, 0, 0, 0, 0, 0, 0, 197, 0, 0, 0},
	{1, 0, 0, 8, 1, 0, 0, 0, 0, 0, 27, 0, 1, 0},
	{0, 0, 0, 0, 0, 0, 0, 0, 0, 51, 0, 0, 0, 0},
	{1, 53, 0, 32, 1, 0, 0, 84, 1, 0, 0, 2, 1, 1},
	{0, 0, 0, 3, 0, 278, 1, 0, 0, 0, 4, 0, 0, 0},
	{0, 0, 0, 0, 0, 0, 927, 5, 4, 4, 28, 0, 0, 0},
	{0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 88},
	{0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 26},
	{82, 0, 0, 0, 0, 0, 4, 1, 1, 1, 1, 1, 1, 0},
	{0, 36, 0, 0, 0, 36, 1, 0, 0, 0, 1, 38, 1, 0},
	{0, 0, 8, 4, 0, 0, 0, 0, 0, 0, 0, 45, 0, 554},
	{0, 39, 0, 0, 0, 1, 0, 35, 0, 1, 1, 1, 71, 1},
	{48, 0, 0, 0, 0, 0, 48, 0, 0, 0, 0, 0, 110, 0},
	{0, 0, 0, 0, 67, 0, 0, 0, 0, 0, 0, 0, 0, 503},
	{0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1091},
	{0, 0, 0, 0, 0, 0, 0, 1474, 0, 0, 0, 26, 0, 0},
}
