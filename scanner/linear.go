package scanner

import (
	"context"
	"math/bits"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// multiRowDecoder offers one binarised row to each linear reader in turn,
// as ZXing's MultiFormatOneDReader does (gozxing does not port it).
type multiRowDecoder []oned.RowDecoder

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
		rows = append(rows, oned.NewMultiFormatUPCEANReader(h).(oned.RowDecoder))
	}
	// Java's order, less the formats we do not read.
	if want[Code39] {
		rows = append(rows, oned.NewCode39Reader().(oned.RowDecoder))
	}
	if want[Code128] {
		rows = append(rows, oned.NewCode128Reader().(oned.RowDecoder))
	}
	if want[ITF] {
		rows = append(rows, &itfReader{}) // itf.go: Java's ITFReader, corrected
	}
	return rows
}

func (m multiRowDecoder) DecodeRow(rowNumber int, row *gozxing.BitArray, hints map[gozxing.DecodeHintType]any) (*gozxing.Result, error) {
	for _, r := range m {
		res, err := r.DecodeRow(rowNumber, row, hints)
		if err == nil {
			return res, nil
		}
		if _, ok := err.(gozxing.ReaderException); !ok {
			return nil, err
		}
	}
	return nil, errRowNotFound
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
		if c, ok := d.scanRows(ctx, v.turned(270), scan, &t, margin, look); ok {
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
	if w > 0 {
		row = gozxing.NewBitArray(w)
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
		for attempt := range 2 {
			if attempt == 1 {
				row.Reverse()
			}
			res, err := d.rows.DecodeRow(y, row, d.hints)
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
