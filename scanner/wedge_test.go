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
		"ScannerBurst":        {append(burst("R58N12ABCDE", 8*ms), key{'\n', 5 * ms}), []string{"R58N12ABCDE"}, ""},
		"BluetoothJitter":     {append(append(burst("FB1|T|", 3*ms), burst("0193a5b2", 30*ms)...), key{'\n', 20 * ms}), []string{"FB1|T|0193a5b2"}, ""},
		"PersonTyping":        {append(burst("hello", 120*ms), key{'\n', 150 * ms}), nil, "hello"},
		"FastTypist":          {append(burst("serial", 50*ms), key{'\n', 60 * ms}), nil, "serial"},
		"ShortFastBurst":      {append(burst("ab", 5*ms), key{'\n', 5 * ms}), nil, "ab"},
		"EnterLongAfterBurst": {append(burst("12345678", 5*ms), key{'\n', 400 * ms}), nil, "12345678"},
		"TypedThenScanned":    {append(append(burst("note ", 150*ms), key{'3', 900 * ms}), append(burst("56938035643809", 6*ms), key{'\n', 6 * ms})...), []string{"356938035643809"}, "note "},
		// A busy device hands a scanner's keys over late: one pause
		// longer than MaxGap but within MaxStall inside a burst is a
		// stall, and the burst is one code, its first key too.
		"StallInABurst":    {append(append(burst("ABCD", 5*ms), key{'E', 80 * ms}), append(burst("FGH", 5*ms), key{'\n', 5 * ms})...), []string{"ABCDEFGH"}, ""},
		"FirstKeySplitOff": {append(append(burst("F", 5*ms), key{'D', 200 * ms}), append(burst("9803-654321", 5*ms), key{'\n', 5 * ms})...), []string{"FD9803-654321"}, ""},
		// A pause past MaxStall, or a second pause, splits a burst: what
		// came before is typing, what follows is judged on its own.
		"LongPauseSplitsABurst": {append(append(burst("ABCD", 5*ms), key{'E', 400 * ms}), append(burst("FGH", 5*ms), key{'\n', 5 * ms})...), []string{"EFGH"}, "ABCD"},
		"SecondPauseSplits":     {append(append(append(burst("AB", 5*ms), key{'C', 80 * ms}), key{'D', 80 * ms}), append(burst("EFGH", 5*ms), key{'\n', 5 * ms})...), []string{"DEFGH"}, "ABC"},
		// A person's fast pair ("th" rolled) then ordinary typing stays
		// typing, however Enter follows.
		"PersonRollsAPair":     {append(append(burst("th", 20*ms), burst("e code", 110*ms)...), key{'\n', 30 * ms}), nil, "the code"},
		"TwoScansInARow":       {append(append(burst("AAAA1111", 4*ms), key{'\n', 4 * ms}), append(burst("BBBB2222", 4*ms), key{'\n', 4 * ms})...), []string{"AAAA1111", "BBBB2222"}, ""},
		"EnterAloneIsNotAScan": {[]key{{'\n', 100 * ms}}, nil, ""},
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
