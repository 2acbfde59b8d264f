package scanner

import (
	"context"
	"fmt"
	"math/bits"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// multiRowDecoder offers one binarised row to each linear reader in turn,
// as ZXing's MultiFormatOneDReader does (gozxing does not port it).
type multiRowDecoder []rowReader

// rowReader is a linear reader, and optionally a test on the row's runs
// that every row it can read passes: a row that fails it is not offered.
type rowReader struct {
	oned.RowDecoder
	mayStart func(runs []int) bool // nil: offer every row
}

func newMultiRowDecoder(want map[Format]bool) multiRowDecoder {
	var rows multiRowDecoder
	var upcean []gozxing.BarcodeFormat
	for _, f := range []Format{EAN13, EAN8, UPCE} {
		if want[f] {
			upcean = append(upcean, zxingFormat[f])
		}
	}
	if want[UPCA] && !want[EAN13] {
		// UPC-A is read as an EAN-13 with a leading 0 and converted in
		// accept, as Java does without a formats hint.
		upcean = append(upcean, gozxing.BarcodeFormat_EAN_13)
	}
	if len(upcean) > 0 {
		h := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_POSSIBLE_FORMATS: upcean}
		readers := upceanReaders{ean13: want[EAN13] || want[UPCA], ean8: want[EAN8], upce: want[UPCE]}
		rows = append(rows, rowReader{oned.NewMultiFormatUPCEANReader(h).(oned.RowDecoder), readers.mayStart})
	}
	// Java's order, less the formats we do not read.
	if want[Code39] {
		rows = append(rows, rowReader{oned.NewCode39Reader().(oned.RowDecoder), code39MayStart})
	}
	if want[Code128] {
		rows = append(rows, rowReader{oned.NewCode128Reader().(oned.RowDecoder), code128MayStart})
	}
	if want[ITF] {
		rows = append(rows, rowReader{RowDecoder: &itfReader{}}) // itf.go: Java's ITFReader, corrected
	}
	return rows
}

func (m multiRowDecoder) DecodeRow(rowNumber int, row *gozxing.BitArray, hints map[gozxing.DecodeHintType]any) (*gozxing.Result, error) {
	return m.decodeRow(rowNumber, row, nil, hints)
}

// decodeRow is DecodeRow given the row's runs (rowRuns), or nil to make
// them when a reader needs them: scanRows makes a row's runs once for
// both directions (reversedRuns).
func (m multiRowDecoder) decodeRow(rowNumber int, row *gozxing.BitArray, runs []int, hints map[gozxing.DecodeHintType]any) (*gozxing.Result, error) {
	for _, r := range m {
		_, byRuns := r.RowDecoder.(runsDecoder)
		if runs == nil && (r.mayStart != nil || byRuns) {
			// At most a run a pixel, and the leading white.
			runs = rowRuns(row, make([]int, 0, row.GetSize()+1)) // itf.go
		}
		if r.mayStart != nil && !r.mayStart(runs) {
			continue
		}
		var res *gozxing.Result
		var err error
		if byRuns {
			res, err = r.RowDecoder.(runsDecoder).decodeRuns(rowNumber, runs, hints)
		} else {
			res, err = r.DecodeRow(rowNumber, row, hints)
		}
		if err == nil {
			return res, nil
		}
		if _, ok := err.(gozxing.ReaderException); !ok {
			return nil, err
		}
	}
	return nil, errRowNotFound
}

// reversedRuns returns, in buf, the runs of the row whose runs are runs
// (rowRuns' order, white first) reversed, as rowRuns would make them from
// the row reversed: the runs backwards, a white run of 0 first when the
// row ends black, and without the row's leading white when it was 0.
func reversedRuns(runs, buf []int) []int {
	out := buf[:0]
	if len(runs)%2 == 0 { // the last run is black
		out = append(out, 0)
	}
	for i := len(runs) - 1; i >= 0; i-- {
		out = append(out, runs[i])
	}
	if len(out) > 1 && out[len(out)-1] == 0 {
		out = out[:len(out)-1]
	}
	return out
}

// quietBefore says whether the white before runs[k] (a bar, in rowRuns'
// order: white first) is at least half as wide as the n runs from it,
// or reaches the row's start: the quiet zone gozxing's Code 39 and Code
// 128 start searches ask of a start pattern (row.IsRange(max(0,
// start-width/2), start, false)).
func quietBefore(runs []int, k, n int) bool {
	start, width := 0, 0
	for _, w := range runs[:k] {
		start += w
	}
	for _, w := range runs[k : k+n] {
		width += w
	}
	return runs[k-1] >= min(start, width/2)
}

// upceanReaders says which of gozxing's UPC/EAN readers a
// MultiFormatUPCEANReader holds (UPC-A is read by the EAN-13 one).
type upceanReaders struct{ ean13, ean8, upce bool }

// mayStart says whether the runs hold what one of the readers needs
// first: the start guard they all take (the first 1:1:1 from a bar, ended
// by white, with as much white before it as its width:
// upceanReader_findStartGuardPattern), then for EAN-13 and UPC-E six
// digits whose L and G parities are one of their tables' (their
// determineFirstDigit, determineNumSysAndCheckDigit) and, for EAN-13, the
// middle guard and six more digits, for UPC-E an end guard; for EAN-8
// four digits of the L patterns, the middle guard and four more; and
// the check digit agreeing with the others. A digit is
// four runs within the variances of one of the L or G patterns, the best
// deciding its parity (upceanReader_decodeDigit). The same exported
// variances and patterns decide, so a row that fails here fails there;
// there it fails at its own pace, with an exception and a stack walk at
// each refusal (issue 16: on ean13-1/34.png, bars too damaged to read,
// most rows near them found a guard and failed after it, about 90,000
// instructions a row and direction).
func (u upceanReaders) mayStart(runs []int) bool {
	k := 1 // runs[k] is a bar
	for {
		for ; k+3 < len(runs); k += 2 {
			if oned.PatternMatchVariance(runs[k:k+3], oned.UPCEANReader_START_END_PATTERN, oned.UPCEANReader_MAX_INDIVIDUAL_VARIANCE) < oned.UPCEANReader_MAX_AVG_VARIANCE {
				break
			}
		}
		if k+3 >= len(runs) {
			return false
		}
		if runs[k-1] >= runs[k]+runs[k+1]+runs[k+2] {
			break
		}
		k += 4 // the search goes on from the next bar after this guard
	}
	var left [6]int          // the digits after the guard, 0-9
	digits, parities := 0, 0 // read after the guard, at most six
	for i := k + 3; digits < 6 && i+4 <= len(runs); i += 4 {
		d := upceanDigit(runs[i:i+4], oned.UPCEANReader_L_AND_G_PATTERNS)
		if d < 0 {
			break
		}
		if d >= 10 {
			parities |= 1 << (5 - digits)
		}
		left[digits] = d % 10
		digits++
	}
	after6 := k + 3 + 6*4
	if digits == 6 && u.ean13 {
		// The first digit is the one whose parities the six have; the
		// check digit must agree (gozxing's checkChecksum: rows that
		// pass everything else here fail it nine times in ten, and each
		// cost the three readers about 100,000 instructions, issue 16).
		if first := slices.Index(ean13FirstDigitParities, parities); first >= 0 {
			var code [13]int
			code[0] = first
			copy(code[1:7], left[:])
			if middleThenL(runs, after6, code[7:]) && checksumOK(code[:]) {
				return true
			}
		}
	}
	if digits == 6 && u.upce && upceEnd(runs, after6) {
		// The parities give the number system and the check digit, which
		// must agree with the UPC-A the code expands to.
		if i := slices.Index(upceParities, parities); i >= 0 && checksumOK(upceToUPCA(i/10, left, i%10)) {
			return true
		}
	}
	if !u.ean8 || digits < 4 {
		return false
	}
	// EAN-8 reads its first four digits in the L patterns alone.
	var code [8]int
	for j := range 4 {
		if code[j] = upceanDigit(runs[k+3+4*j:][:4], oned.UPCEANReader_L_PATTERNS); code[j] < 0 {
			return false
		}
	}
	return middleThenL(runs, k+3+4*4, code[4:]) && checksumOK(code[:])
}

// checksumOK says whether the last of the digits of a UPC/EAN is its
// check digit, as gozxing's upceanReader_checkStandardUPCEANChecksum
// computes it: from the right, the payload's digits weigh 3, 1, 3...
func checksumOK(digits []int) bool {
	n := len(digits) - 1
	sum := 0
	for i := n - 1; i >= 0; i -= 2 {
		sum += digits[i]
	}
	sum *= 3
	for i := n - 2; i >= 0; i -= 2 {
		sum += digits[i]
	}
	return (1000-sum)%10 == digits[n]
}

// upceToUPCA returns the digits of the UPC-A that a UPC-E of number
// system numSys, six digits and check digit check expands to, as
// gozxing's convertUPCEtoUPCA does.
func upceToUPCA(numSys int, six [6]int, check int) []int {
	a := make([]int, 0, 12) // on the stack: it does not escape
	a = append(a, numSys)
	switch last := six[5]; last {
	case 0, 1, 2:
		a = append(a, six[0], six[1], last, 0, 0, 0, 0, six[2], six[3], six[4])
	case 3:
		a = append(a, six[0], six[1], six[2], 0, 0, 0, 0, 0, six[3], six[4])
	case 4:
		a = append(a, six[0], six[1], six[2], six[3], 0, 0, 0, 0, 0, six[4])
	default:
		a = append(a, six[0], six[1], six[2], six[3], six[4], 0, 0, 0, 0, last)
	}
	return append(a, check)
}

// middleThenL says whether the first 1:1:1:1:1 middle guard from the
// white run runs[i] on (ended by a bar: upceanReader_findGuardPattern)
// is followed by len(digits) digits of the L patterns, as the right half
// of an EAN-13 (six) or an EAN-8 (four) must be, and sets digits to them.
func middleThenL(runs []int, i int, digits []int) bool {
	for ; i+5 < len(runs); i += 2 {
		if oned.PatternMatchVariance(runs[i:i+5], oned.UPCEANReader_MIDDLE_PATTERN, oned.UPCEANReader_MAX_INDIVIDUAL_VARIANCE) >= oned.UPCEANReader_MAX_AVG_VARIANCE {
			continue
		}
		for n := range digits {
			at := i + 5 + 4*n
			if at+4 > len(runs) {
				return false
			}
			if digits[n] = upceanDigit(runs[at:at+4], oned.UPCEANReader_L_PATTERNS); digits[n] < 0 {
				return false
			}
		}
		return true
	}
	return false
}

// upceEnd says whether a UPC-E's end guard, 1:1:1:1:1:1 from a white run,
// is at runs[i] or after (upcEReader.decodeEnd takes the first).
func upceEnd(runs []int, i int) bool {
	for ; i+6 <= len(runs); i += 2 {
		if oned.PatternMatchVariance(runs[i:i+6], upceEndPattern, oned.UPCEANReader_MAX_INDIVIDUAL_VARIANCE) < oned.UPCEANReader_MAX_AVG_VARIANCE {
			return true
		}
	}
	return false
}

// upceEndPattern is a UPC-E's end guard (gozxing's unexported
// upce_MIDDLE_END_PATTERN).
var upceEndPattern = []int{1, 1, 1, 1, 1, 1}

// upceanDigit returns which of patterns (gozxing's L, 0-9, or L and G,
// 10-19 G) four runs are, by upceanReader_decodeDigit's test (the least
// variance under its limits, the first on a tie), or -1.
func upceanDigit(runs []int, patterns [][]int) int {
	best, bestVariance := -1, oned.UPCEANReader_MAX_AVG_VARIANCE
	for i, p := range patterns {
		if v := oned.PatternMatchVariance(runs, p, oned.UPCEANReader_MAX_INDIVIDUAL_VARIANCE); v < bestVariance {
			best, bestVariance = i, v
		}
	}
	return best
}

// ean13FirstDigitParities are the L/G parities of an EAN-13's first six
// digits, one for each first digit (gozxing's unexported
// ean13Reader_FIRST_DIGIT_ENCODINGS; G is a set bit, the first digit the
// highest of six).
var ean13FirstDigitParities = []int{0x00, 0x0B, 0x0D, 0x0E, 0x13, 0x19, 0x1C, 0x15, 0x16, 0x1A}

// upceParities are the L/G parities of a UPC-E's six digits, one for each
// number system (0, 1) and check digit (gozxing's unexported
// upce_NUMSYS_AND_CHECK_DIGIT_PATTERNS).
var upceParities = []int{
	0x38, 0x34, 0x32, 0x31, 0x2C, 0x26, 0x23, 0x2A, 0x29, 0x25,
	0x07, 0x0B, 0x0D, 0x0E, 0x13, 0x19, 0x1C, 0x15, 0x16, 0x1A,
}

// code39MayStart says whether the runs hold what gozxing's Code 39 reader
// needs first, an asterisk with its quiet zone: nine runs from a bar
// whose 2nd, 5th and 7th are wider than all the others, none of the three
// half their sum or more (code39ToNarrowWidePattern's test for 0x094).
// The reader searches pixel by pixel and, on most rows of a picture that
// holds no Code 39, ends in an exception with a stack walk: about 48,000
// instructions a row on ean13-1/34.png (issue 16), where this costs a
// few thousand. A row that passes is still read by the reader alone.
func code39MayStart(runs []int) bool {
	const n = 9
	for k := 1; k+n <= len(runs); k += 2 {
		w := runs[k : k+n]
		narrow := max(w[0], w[2], w[3], w[5], w[7], w[8])
		if min(w[1], w[4], w[6]) <= narrow {
			continue
		}
		wide := w[1] + w[4] + w[6]
		if 2*max(w[1], w[4], w[6]) >= wide {
			continue
		}
		if quietBefore(runs, k, n) {
			return true
		}
	}
	return false
}

// code128StartPatterns are Code 128's START A, B and C, as gozxing's
// code128CODE_PATTERNS[103:106] (unexported there).
var code128StartPatterns = [3][]int{
	{2, 1, 1, 4, 1, 2},
	{2, 1, 1, 2, 1, 4},
	{2, 1, 1, 2, 3, 2},
}

// code128MayStart says whether the runs hold a Code 128 start pattern
// with its quiet zone, by the test of gozxing's code128FindStartPattern
// (its variance limits, 0.7 each and 0.25 on average, and the same
// oned.PatternMatchVariance), on six runs from each bar; as for Code 39,
// a row without one is not offered to the reader.
func code128MayStart(runs []int) bool {
	const n = 6
	for k := 1; k+n <= len(runs); k += 2 {
		w := runs[k : k+n]
		// Every start pattern begins 2:1:1, and a run may stray 0.7 of a
		// module: the first is at least 1.3 modules, the next two at most
		// 1.7, so neither is twice the first. This skips most windows
		// before the variances.
		if w[1] >= 2*w[0] || w[2] >= 2*w[0] {
			continue
		}
		// Each run within 0.7 of a module (the total over 11) of every
		// start pattern's: the first and fourth 2 modules, the second
		// and third 1, the fifth at most 3, the sixth at least 2. In
		// integers, in tenths of a module and a tenth looser than the
		// variances below, so that no window they pass is skipped (issue
		// 16: most windows failed all three variances, 9,000
		// instructions a row on ean13-1/34.png).
		t := w[0] + w[1] + w[2] + w[3] + w[4] + w[5]
		out := func(r, lo, hi int) bool { return 110*r < lo*t || 110*r > hi*t }
		if out(w[0], 12, 28) || out(w[1], 2, 18) || out(w[2], 2, 18) || out(w[3], 12, 28) || 110*w[4] > 38*t || 110*w[5] < 12*t {
			continue
		}
		match := false
		for _, p := range code128StartPatterns {
			if oned.PatternMatchVariance(w, p, 0.7) < 0.25 {
				match = true
				break
			}
		}
		if match && quietBefore(runs, k, n) {
			return true
		}
	}
	return false
}

// runsDecoder is a linear reader of our own that reads a row's runs
// (rowRuns), which multiRowDecoder makes once for all its readers.
type runsDecoder interface {
	decodeRuns(rowNumber int, runs []int, hints map[gozxing.DecodeHintType]any) (*gozxing.Result, error)
}

// errRowNotFound is the refusal of a row by every reader, and by the ITF
// reader: one value, made once. gozxing makes a new exception for each
// refusal, recording its caller (runtime.Callers, about a tenth of a
// try-harder decode's instructions on ZXing's images that nothing
// reads), and under TryHarder rows are refused by the hundred; every
// caller here only tests for an error, or for a ReaderException, which
// this is.
var errRowNotFound = gozxing.NewNotFoundException()

// rowScan says which rows of a view readLinear reads.
type rowScan int

const (
	quickRows rowScan = iota // 15 rows 1/32 apart: the middle half, as ZXing
	tallRows                 // 31 rows 1/32 apart: the whole height
	allRows                  // every row, then the view turned: TRY_HARDER
)

// readLinear scans rows of v for linear codes, the way gozxing's
// OneDReader does (from the middle outwards; each row also reversed, for
// codes upside down; for allRows every row, then the view turned 90
// degrees) but it does not stop at the first row that decodes. Each row's
// answer is a vote, and a code wins once it leads every other answer by
// a margin, or has the most votes when the rows run out (at least two in
// the tiles of a large image).
//
// A single row can misread: an EAN-8 or UPC-E hides inside the bars of
// many EAN-13s, and a damaged row can still pass the check digit. The
// right answer comes from many rows, a misread from a few. This is where
// we depart from ZXing, and it is what keeps misreads at or under its
// thresholds.
//
// For allRows, the turned pass runs only when the first look at v, look,
// saw bars: on a picture of a QR Code or of nothing, the upright rows of a
// 512 x 384 image take a few milliseconds and the look one or two, while
// the columns cost as much as the rows again. The first lookAfterRows
// upright rows come before the look, for the images that read there; the
// rest only when the look saw bars or a row has read something.
func (d *decoder) readLinear(ctx context.Context, v *view, scan rowScan, look func() glance) (c Code, ok bool) {
	defer d.recover(&ok)
	margin, least := 2, 1
	switch scan {
	case allRows:
		margin = 3 // neighbouring rows are 1/256 apart and see the same bars
	case tallRows:
		// A lone row in a tile of a big photo is more likely noise than a
		// code only one row 1/32 of the tile high can read.
		margin, least = 3, 2
	}
	var t tally
	if c, ok := d.scanRows(ctx, v, scan, &t, margin, look); ok {
		return c, true
	}
	if scan == allRows && ctx.Err() == nil && look().bars {
		// Bars running across the image: turn it a quarter (the reversed
		// rows cover the other three quarters).
		if c, ok := d.scanRows(ctx, v.turnedRows(), scan, &t, margin, look); ok {
			return c, true
		}
	}
	c, votes := t.best()
	if votes < least || votes == 1 && !d.loneVoteOK(c, t.module[t.index(c)], scan) {
		return Code{}, false
	}
	return c, true
}

// loneVoteOK says whether a code read by one row alone may stand. With
// every row scanned, random texture decodes now and then as a short code
// (an EAN-8 or UPC-E: 8 digits, a check digit and a 3-module quiet zone
// are little to go on) or as a UPC/EAN with pixel-wide modules; a real
// code is read by several rows. Longer codes keep ZXing's behaviour, a
// row that decodes is an answer, because ZXing's try-harder thresholds
// count codes only one row can read; the price is a false EAN-13 in about
// one of 300 try-harder decodes of random noise.
func (d *decoder) loneVoteOK(c Code, module float64, scan rowScan) bool {
	if scan == quickRows {
		return true
	}
	if c.Format == EAN8 || c.Format == UPCE {
		return false
	}
	return module == 0 || module >= minModule
}

// minModule is the narrowest module, in pixels, of a UPC/EAN read that
// only one row gave: a real code that fine reads on many rows, and the
// real codes read by one row only in the test images have wider modules.
const minModule = 1.1

// lookAfterRows is how many rows of an allRows scan run before the look
// may end it (issue 16: on ZXing's images that nothing reads, every row of
// a 256 x 256 to 640 x 480 view took 4 to 15 ms of a try-harder decode;
// on qrcode-2/5.png 32 rows and the look took 2.2 of its 10.7 ms). Most
// images that read do so in the middle
// rows, before the look; at 32 the code128-1 images that read further out
// paid for it (try-harder CPU per image up by about a quarter), at 96 they
// did not measurably. A view less tall than 480 pixels runs a fifth of
// its rows (lookRows), and at least minLookAfterRows.
const lookAfterRows = 96

// minLookAfterRows is the fewest rows of an allRows scan before the look,
// in a view under 160 pixels tall.
const minLookAfterRows = 32

// lookRows returns how many rows of an allRows scan of an upright view h
// pixels tall run before the look gates the rest: the middle fifth of the
// view, at most lookAfterRows. A code fills about as much of a small
// picture as of a large one, so the rows that cross it are a share of
// the height, not a number of rows (issue 16: qrcode-2/12.png and 13.png,
// 256 x 256 QR Codes that nothing reads, ran 96 rows, a third of their
// try-harder decode's instructions, before the look that saw no bars;
// every verdict of `make accuracy` is the same, at every set, rotation
// and mode).
//
// When the QR Code detector has already confirmed three finder or
// alignment patterns in this decode, the image most likely holds a QR
// Code it could not read, and the later steps take the look anyway: it
// comes first, and the rows it saw no bars near are not read at all
// (issue 16: on qrcode-2/5.png, which nothing reads, the first 96 rows
// were a sixth of a try-harder decode's instructions).
func (d *decoder) lookRows(h int) int {
	if d.finders >= 3 {
		return 0
	}
	return min(lookAfterRows, max(minLookAfterRows, h/5))
}

// scanRows reads the rows of v that scan names, middle out, into t until a
// code leads by margin. An allRows scan stops after lookRows rows when
// no row has read anything and look saw no bars: the look is looser than
// the readers (gate.go), so no further row would read a code. When it saw
// bars, the rows after that point (and every row of the turned pass) are
// read only near a line it saw them on (issue 16: ean13-1/34.png and
// 36.png, bars too damaged to read, ran every row of 384 and 480; the
// look sees bars on 86 and 224 of them).
func (d *decoder) scanRows(ctx context.Context, v *view, scan rowScan, t *tally, margin int, look func() glance) (Code, bool) {
	w, h := v.src.width, v.src.height
	rowStep, maxLines := max(1, h>>5), 15
	switch scan {
	case tallRows:
		maxLines = 31
	case allRows:
		rowStep, maxLines = max(1, h>>8), h
	}
	middle := h / 2
	var row *gozxing.BitArray
	// A row's runs, and reversed, at most one a pixel and the leading
	// white: made once a row, not by each direction's decodeRow.
	var runs, reversed []int
	if w > 0 {
		row = gozxing.NewBitArray(w)
		runs, reversed = make([]int, 0, w+1), make([]int, 0, w+2)
	}
	// near, once set, says which rows the look saw bars on or beside:
	// only those can read (barLines). The turned pass comes after the
	// look, and heeds it from its first row.
	var near func(y int) bool
	if scan == allRows && v.rot != 0 {
		near = look().lines.rowsOf(v)
	}
	lookAt := d.lookRows(h)
	for i := range maxLines {
		if i&31 == 31 && ctx.Err() != nil {
			return Code{}, false
		}
		if scan == allRows && i == lookAt && len(t.codes) == 0 {
			g := look()
			if !g.bars {
				return Code{}, false
			}
			near = g.lines.rowsOf(v)
		}
		steps := (i + 1) / 2
		y := middle - rowStep*steps
		if i&1 == 0 {
			y = middle + rowStep*steps
		}
		if y < 0 || y >= h {
			break
		}
		if near != nil && !near(y) {
			continue
		}
		var err error
		if row, err = v.bitmap.GetBlackRow(y, row); err != nil || bars(row) < minRowBars {
			continue
		}
		runs = rowRuns(row, runs) // itf.go
		for attempt := range 2 {
			dirRuns := runs
			if attempt == 1 {
				row.Reverse()
				reversed = reversedRuns(runs, reversed)
				dirRuns = reversed
			}
			res, err := d.rows.decodeRow(y, row, dirRuns, d.hints)
			if err != nil {
				continue
			}
			if c, ok := d.accept(v, res, false, attempt == 1); ok {
				if t.add(c, moduleWidth(c.Format, res.GetResultPoints())) >= margin {
					c, _ := t.best()
					return c, true
				}
			}
			break
		}
	}
	return Code{}, false
}

// minRowBars is the fewest bars in a row that some linear reader can read:
// a Code 128 has 13 (start, one character, check, stop: an empty one is
// refused), a Code 39 15, a UPC-E 17, an ITF 19, an EAN-8 22. Rows with
// fewer fail every reader in both directions, and are not offered: each
// refusal costs gozxing an exception with a stack trace, and under
// TryHarder most rows of a picture without a code are refused.
const minRowBars = 13

// bars counts the runs of set bits (black) in row.
func bars(row *gozxing.BitArray) int {
	n, carry := 0, uint32(0)
	for _, w := range row.GetBitArray() {
		// A bar starts at each set bit whose left neighbour is clear:
		// bit x of the row is bit x%32 of word x/32.
		n += bits.OnesCount32(w &^ (w<<1 | carry))
		carry = w >> 31
	}
	return n
}

// tally counts the rows that read each answer.
type tally struct {
	codes  []Code
	votes  []int
	module []float64 // the module width of the first read, if known
}

func (t *tally) index(c Code) int {
	for i := range t.codes {
		if t.codes[i].Format == c.Format && t.codes[i].Text == c.Text {
			return i
		}
	}
	return -1
}

// add counts one row's answer and returns the lead of the best answer
// over the next.
func (t *tally) add(c Code, module float64) int {
	i := t.index(c)
	if i < 0 {
		i = len(t.codes)
		t.codes = append(t.codes, c)
		t.votes = append(t.votes, 0)
		t.module = append(t.module, module)
	}
	t.votes[i]++
	first, second := 0, 0
	for _, n := range t.votes {
		if n > first {
			first, second = n, first
		} else if n > second {
			second = n
		}
	}
	return first - second
}

// best returns the answer with the most votes, the earliest on a tie, and
// its votes; 0 votes when there is none.
func (t *tally) best() (Code, int) {
	bi := -1
	for i, n := range t.votes {
		if bi < 0 || n > t.votes[bi] {
			bi = i
		}
	}
	if bi < 0 {
		return Code{}, 0
	}
	return t.codes[bi], t.votes[bi]
}

// turnedRows returns the view v turned 270 degrees clockwise for the
// linear readers, which read it a row at a time: each row is made from
// v's column when a reader asks for it, not by turning every pixel first
// (issue 16: on ean13-1/34.png, which nothing reads, turning the view was
// 7 % of a try-harder decode's instructions, and the look lets only the
// rows near bars be read). The view's src carries the turned size alone,
// for the mapping of points (toImage); the luminance is the bitmap's.
func (v *view) turnedRows() *view {
	cols := &columnSource{upright: v.src}
	bm, _ := gozxing.NewBinaryBitmap(newColumnBinarizer(cols)) // rowbinarize.go
	return &view{
		src:    &luminanceSource{width: v.src.height, height: v.src.width},
		scale:  v.scale,
		origin: v.origin,
		rot:    270,
		bitmap: bm,
	}
}

// columnSource is an upright source turned 270 degrees clockwise, as
// luminanceSource.rotate turns it: row y is the upright source's column
// width-1-y, top to bottom. Rows are read from the columns; anything
// more turns the whole source, once.
type columnSource struct {
	upright *luminanceSource
	whole   *luminanceSource // the full turn, made on first need
}

var _ gozxing.LuminanceSource = (*columnSource)(nil)

func (c *columnSource) turned() *luminanceSource {
	if c.whole == nil {
		c.whole = c.upright.rotate(270)
	}
	return c.whole
}

func (c *columnSource) GetRow(y int, row []byte) ([]byte, error) {
	s := c.upright
	if y < 0 || y >= s.width {
		return row, fmt.Errorf("IllegalArgumentException: row %d is outside the image", y)
	}
	if len(row) < s.height {
		row = make([]byte, s.height)
	}
	off := s.top*s.stride + s.left + s.width - 1 - y
	for i := range s.height {
		row[i] = s.pix[off+i*s.stride]
	}
	return row, nil
}

func (c *columnSource) GetMatrix() []byte { return c.turned().GetMatrix() }
func (c *columnSource) GetWidth() int     { return c.upright.height }
func (c *columnSource) GetHeight() int    { return c.upright.width }

func (c *columnSource) IsCropSupported() bool { return true }
func (c *columnSource) Crop(left, top, width, height int) (gozxing.LuminanceSource, error) {
	return c.turned().Crop(left, top, width, height)
}
func (c *columnSource) IsRotateSupported() bool { return true }
func (c *columnSource) RotateCounterClockwise() (gozxing.LuminanceSource, error) {
	return c.turned().RotateCounterClockwise()
}
func (c *columnSource) RotateCounterClockwise45() (gozxing.LuminanceSource, error) {
	return c.turned().RotateCounterClockwise45()
}
func (c *columnSource) Invert() gozxing.LuminanceSource { return c.turned().Invert() }
func (c *columnSource) String() string                  { return gozxing.LuminanceSourceString(c) }
