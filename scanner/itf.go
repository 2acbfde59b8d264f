package scanner

import (
	"github.com/makiuchi-d/gozxing"
)

// itfReader reads Interleaved 2 of 5 on one row, as ZXing Java's
// ITFReader does (gozxing's oned/itf_reader.go ports it line by line),
// but for three ways in which the port loses a symbol. (zxing-cpp, going
// by its source, reads the first and the third: it sorts bars into narrow
// and wide against a threshold, and takes a start pattern with a quiet
// zone anywhere in the row.)
//
//   - A digit whose 2x-wide and 3x-wide forms fit its bars equally well.
//     Java tries the ten digits with wide bars twice as wide as narrow
//     ones, then three times, and refuses the digit when two tries fit
//     equally, even when both name the same digit. Bars about 2.44 times
//     as wide as the narrow ones (in the ratios the specification allows,
//     2.25 to 3) fit both forms equally, and then every row fails. Here
//     only a tie between two different digits is refused.
//   - Floating point. Java computes the fit in float (32 bits), gozxing in
//     float64, so the two break exact ties differently: of all the bar
//     widths of one digit up to 24 pixels, 6,210 combinations decode in
//     one and not the other, though none whose narrow bars differ by at
//     most a pixel and wide bars likewise. Here the fit is compared
//     exactly, in integers, so only a true tie is one.
//   - Clutter beside the symbol. Java takes the first start pattern from
//     the left (and end pattern from the right) and gives the row up when
//     it lacks a quiet zone, so a mark beside the code on the same rows (a
//     label's border, a word) hides it at every rotation. Here the search
//     goes on to the next pattern, which still needs its quiet zone.
//
// Kept from Java, to avoid misreads: the quiet zone of ten narrow bars
// (or up to the edge of the row), the allowed lengths (6 to 14 digits, or
// more; DecodeHintType_ALLOWED_LENGTHS replaces them) and the limits on
// how far bars may stray from their pattern. gozxing's PatternMatchVariance
// also lacks the return of its "too few pixels" guard; that cannot change
// an ITF digit (every such case fails the per-bar limit too), and this
// reader keeps the guard.
type itfReader struct {
	runs []int // the row's runs, kept between rows
}

// Patterns are in narrow bars: 1 for a narrow bar or space, 2 for a wide
// one, which fitPattern takes as twice or three times as wide.
var (
	itfStart = []int{1, 1, 1, 1}
	// The end pattern read from the right: narrow bar, narrow space, wide bar.
	itfEnd    = []int{1, 1, 2}
	itfDigits = [10][5]int{
		{1, 1, 2, 2, 1}, {2, 1, 1, 1, 2}, {1, 2, 1, 1, 2}, {2, 2, 1, 1, 1}, {1, 1, 2, 1, 2},
		{2, 1, 2, 1, 1}, {1, 2, 2, 1, 1}, {1, 1, 1, 2, 2}, {2, 1, 1, 2, 1}, {1, 2, 1, 2, 1},
	}
	itfLengths = []int{6, 8, 10, 12, 14}
)

// itfQuiet is the quiet zone, in narrow bars, before the start pattern
// and after the end pattern.
const itfQuiet = 10

// fit is how far counted runs stray from a pattern, as the fraction
// num/den of all their pixels; ok is false when one run strays by more
// than half a unit, or the runs are fewer pixels than the pattern's units
// (Java's patternMatchVariance with a maximum individual variance of 0.5).
type fit struct {
	num, den int
	ok       bool
}

func fitPattern(runs []int, pattern []int, wide int) fit {
	total, units := 0, 0
	for i, r := range runs {
		total += r
		units += unitsOf(pattern[i], wide)
	}
	if total < units || total == 0 {
		return fit{}
	}
	// With u = total/units pixels per unit, run i strays by
	// |runs[i] - p*u|; scaled by units, |runs[i]*units - p*total|.
	sum := 0
	for i, r := range runs {
		d := r*units - unitsOf(pattern[i], wide)*total
		if d < 0 {
			d = -d
		}
		if 2*d > total { // more than half a unit
			return fit{}
		}
		sum += d
	}
	return fit{num: sum, den: units * total, ok: true}
}

// unitsOf is a pattern element's width in narrow bars.
func unitsOf(p, wide int) int {
	if p == 1 {
		return 1
	}
	return wide
}

// good says whether f is under Java's maximum average variance, 0.38.
func (f fit) good() bool { return f.ok && 100*f.num < 38*f.den }

// cmp compares two good fits: negative when f is the closer.
func (f fit) cmp(g fit) int { return f.num*g.den - g.num*f.den }

// itfDigit decodes the five runs of one digit, or returns -1.
func itfDigit(runs []int) int {
	best, digit, tie := fit{}, -1, false
	for _, wide := range []int{2, 3} {
		for d, p := range itfDigits {
			f := fitPattern(runs, p[:], wide)
			if !f.good() {
				continue
			}
			switch c := f.cmp(best); {
			case digit < 0 || c < 0:
				best, digit, tie = f, d, false
			case c == 0 && d != digit:
				tie = true
			}
		}
	}
	if tie {
		return -1
	}
	return digit
}

// rowRuns returns the row's run lengths, white first (0 when the row starts
// black), then alternating.
func rowRuns(row *gozxing.BitArray, buf []int) []int {
	runs := buf[:0]
	size := row.GetSize()
	x, black := 0, false
	for x < size {
		var next int
		if black {
			next = row.GetNextUnset(x)
		} else {
			next = row.GetNextSet(x)
		}
		runs = append(runs, next-x)
		x, black = next, !black
	}
	if len(runs) == 0 {
		runs = append(runs, 0)
	}
	return runs
}

func (r *itfReader) DecodeRow(rowNumber int, row *gozxing.BitArray, hints map[gozxing.DecodeHintType]any) (*gozxing.Result, error) {
	r.runs = rowRuns(row, r.runs)
	return r.decodeRuns(rowNumber, r.runs, hints)
}

// decodeRuns reads one row given as rowRuns returns it: multiRowDecoder
// has them already.
func (r *itfReader) decodeRuns(rowNumber int, runs []int, hints map[gozxing.DecodeHintType]any) (*gozxing.Result, error) {
	// Black runs have odd indices. start is the index of the start
	// pattern's first bar, first the index after it: the first digit.
	start, narrow := -1, 0
	for i := 1; i+4 < len(runs); i += 2 {
		if !fitPattern(runs[i:i+4], itfStart, 2).good() {
			continue
		}
		n := (runs[i] + runs[i+1] + runs[i+2] + runs[i+3]) / 4
		if i == 1 || runs[i-1] >= itfQuiet*n { // white up to the row's edge, or a quiet zone
			start, narrow = i, n
			break
		}
	}
	if start < 0 {
		return nil, errRowNotFound
	}
	// The end pattern's last bar, searched from the right: Java's first
	// pattern (wide bar 2x), then the second (3x). It must be followed by
	// white to the row's edge or by a quiet zone.
	last := len(runs) - 1
	if last%2 == 0 {
		last-- // the row ends white
	}
	end := -1
	for _, wide := range []int{2, 3} {
		for j := last; j-2 > start+3 && end < 0; j -= 2 {
			if !fitPattern([]int{runs[j], runs[j-1], runs[j-2]}, itfEnd, wide).good() {
				continue
			}
			if j == last || runs[j+1] >= itfQuiet*narrow {
				end = j - 2 // the wide bar
			}
		}
		if end >= 0 {
			break
		}
	}
	if end < 0 {
		return nil, errRowNotFound
	}

	text := make([]byte, 0, 20)
	var black, white [5]int
	k := start + 4
	for k < end {
		if k+10 > len(runs) {
			return nil, errRowNotFound
		}
		for i := range 5 {
			black[i], white[i] = runs[k+2*i], runs[k+2*i+1]
		}
		b, w := itfDigit(black[:]), itfDigit(white[:])
		if b < 0 || w < 0 {
			return nil, errRowNotFound
		}
		text = append(text, byte('0'+b), byte('0'+w))
		k += 10
	}
	if !itfLengthOK(len(text), hints) {
		return nil, gozxing.NewFormatException("ITF length %d", len(text))
	}
	x0, x1 := 0, 0
	for i, n := range runs {
		if i < start+4 {
			x0 += n
		}
		if i < end {
			x1 += n
		}
	}
	res := gozxing.NewResult(string(text), nil, []gozxing.ResultPoint{
		gozxing.NewResultPoint(float64(x0), float64(rowNumber)),
		gozxing.NewResultPoint(float64(x1), float64(rowNumber)),
	}, gozxing.BarcodeFormat_ITF)
	res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, "]I0")
	return res, nil
}

// itfLengthOK applies the allowed lengths: one of the list, or longer
// than all of it.
func itfLengthOK(n int, hints map[gozxing.DecodeHintType]any) bool {
	allowed, ok := hints[gozxing.DecodeHintType_ALLOWED_LENGTHS].([]int)
	if !ok {
		allowed = itfLengths
	}
	longest := 0
	for _, a := range allowed {
		if n == a {
			return true
		}
		longest = max(longest, a)
	}
	return n > longest
}
