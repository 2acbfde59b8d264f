package scanner

import (
	"encoding/binary"
	"image"
	"math/bits"
	"slices"
)

// The first look (issue 16): before any gozxing detector runs, one pass
// over a cheap binarisation of the whole view says which kinds of code
// could be in the image at all. A camera pointed at the wrong thing sends
// mostly such images, and without this they ran every step of the plan.
//
// Each test is meant to be looser than the reader it gates, so that it
// drops no image a reader would have read (`make accuracy` reads the same
// images at every rotation with and without it): gozxing's QR Code
// detector needs three finder patterns that it confirms across and down;
// the linear readers need one row (or, turned, one column) that crosses
// every bar of a code; the Data Matrix detector follows the symbol's
// solid L and its two timing edges. The Data Matrix outline is sought
// along rows and columns only, so it sees a symbol turned by a quarter
// but not one held at a slant: the Data Matrix reader on the crops around
// clusters of ink, where such a symbol reads, is gated instead on dense
// ink, a square of contrasting blocks about half black (denseInk;
// reader.go; TestLookKeepsSlantedCodes).

// glance is what the first look saw in one rendering of the image.
type glance struct {
	finders bool // three finder patterns that could be one QR Code's corners
	bars    bool // a row or column of bars that could be a linear code
	matrix  bool // a Data Matrix's outline: timing edges and the solid L
	// dense is a square of contrasting blocks about half black, as the
	// inside of a Data Matrix is at any slant (denseInk).
	dense bool
	// lines are the rows and columns near a stretch of bars, when bars
	// is set; nil means any line may cross a code.
	lines *barLines
}

// seeAll is the glance that gates nothing.
var seeAll = glance{finders: true, bars: true, matrix: true, dense: true}

const (
	// gateBlock is the side of the blocks whose mean sets the threshold.
	gateBlock = 8
	// gateContrast is the least range of grey in a block for its mean to
	// count, gozxing's HybridBinarizer's MIN_DYNAMIC_RANGE (raised for a
	// noisy image): flatter blocks are paper or shadow, one colour.
	gateContrast = 24
	// gateMinSide: smaller images skip the look (gozxing binarises them
	// globally, and they cost little to read).
	gateMinSide = 40
	// maxFinders bounds the finder-pattern candidates kept. An image with
	// more is textured enough that the look says yes rather than
	// searching further.
	maxFinders = 48
	// minBars is the fewest bars and spaces in a row for a linear code:
	// the shortest code the readers return (a one-character Code 128) has
	// 25, an EAN-13 59, and a blurred row may merge a few.
	minBars = 20
)

// The look's blocks are the hybrid binarizer's, so that they share their
// statistics (blockGrid): this fails to compile if they differ.
const _ = uint(gateBlock-hybridBlock) + uint(hybridBlock-gateBlock)

// look binarises src against the mean of the blocks around each pixel
// and scans its rows and columns once.
func look(src *luminanceSource) glance {
	w, h := src.width, src.height
	if w < gateMinSide || h < gateMinSide {
		return seeAll
	}
	l := newLooker(src)
	if !slices.ContainsFunc(l.thr, func(t byte) bool { return t != 0 }) {
		// Every block flat and light among its neighbours: no pixel is
		// black, so no run, finder, bar or leg can be found, and dense
		// ink needs black pixels too. A smooth or out-of-focus frame, or
		// a large photo's plain tiles under TryHarder, stops here.
		return glance{}
	}
	l.binarise()
	var g glance
	runs := make([]int32, 0, 256)
	for y := range h {
		runs = bitRuns(l.rowBits[y*l.rowWords:][:l.rowWords], w, runs)
		l.across.addBars(runs, y)
		l.findFinders(runs, y)
		l.legs(runs, y, false)
	}
	// Columns from the same bits turned (binarise): a column read
	// straight down touched a cache line per pixel, and a strip of
	// columns copied turned and compared with its thresholds again was
	// a fifth of the look at a frame with no code (issue 16).
	for x := range w {
		runs = bitRuns(l.colBits[x*l.colWords:][:l.colWords], h, runs)
		l.down.addBars(runs, x)
		l.legs(runs, x, true)
	}
	g.finders = l.tooMany || l.triple()
	g.matrix = l.corner()
	g.bars = l.across.tooMany || l.down.tooMany || l.across.barred() || l.down.barred()
	g.dense = g.matrix || l.denseInk()
	if g.bars && !l.across.tooMany && !l.down.tooMany {
		g.lines = &barLines{w: w, h: h, rows: l.across.lines(h), cols: l.down.lines(w)}
	}
	return g
}

// looker holds one look's thresholds and what its scans found.
type looker struct {
	src    *luminanceSource
	bw, bh int
	thr    []byte // per block: a pixel darker than this is black; 0 none
	flat   []bool // per block: its range of grey is the image's noise
	// rowBits holds the binarised view, rowWords words a row, bit x%64
	// of word x/64 set where pixel x is black; colBits the same turned,
	// colWords words a column, bit y%64 of word y/64 of column x
	// (binarise).
	rowBits, colBits   []uint64
	rowWords, colWords int
	found              []finder
	tooMany            bool
	across             edges // Data Matrix legs and timing edges along rows
	down               edges // and along columns
}

type finder struct {
	x, y, module float64
}

// leg is a solid black run, or a timing edge of n runs, along line at
// from..to.
type leg struct {
	line, from, to, n int32
}

func newLooker(src *luminanceSource) *looker {
	w, h := src.width, src.height
	l := &looker{src: src, bw: (w + gateBlock - 1) / gateBlock, bh: (h + gateBlock - 1) / gateBlock}
	mean := make([]int32, l.bw*l.bh)
	spread := make([]uint8, l.bw*l.bh) // the range of grey in each block
	var hist [256]int32
	grid := src.blockGrid() // shared with the hybrid binarizer of src
	for by := range l.bh {
		y0, y1 := by*gateBlock, min(h, (by+1)*gateBlock)
		for bx := range l.bw {
			x0, x1 := bx*gateBlock, min(w, (bx+1)*gateBlock)
			sum, lo, hi, whole := grid.at(bx, by)
			if !whole {
				lo = 255
				for y := y0; y < y1; y++ {
					for _, v := range src.pix[(src.top+y)*src.stride+src.left+x0:][:x1-x0] {
						lo, hi, sum = min(lo, int(v)), max(hi, int(v)), sum+int(v)
					}
				}
			}
			if whole {
				mean[by*l.bw+bx] = int32(sum >> 6) // of 64 pixels: no division
			} else {
				mean[by*l.bw+bx] = int32(sum / ((y1 - y0) * (x1 - x0)))
			}
			spread[by*l.bw+bx] = uint8(hi - lo)
			hist[hi-lo]++
		}
	}
	// A block contrasts when its range of grey is well above the image's
	// noise: twice the range of the quietest quarter of its blocks, at
	// least the hybrid binarizer's 24, at most 64 (every code in the test
	// sets has more).
	quarter, p25 := int32(len(mean)/4), 0
	for acc := int32(0); p25 < 255; p25++ {
		if acc += hist[p25]; acc > quarter {
			break
		}
	}
	contrast := uint8(min(64, max(gateContrast, 5*p25/2)))
	flat := make([]bool, l.bw*l.bh)
	l.flat = flat
	for i, r := range spread {
		flat[i] = r < contrast
	}
	l.thr = blockThresholds(mean, flat, l.bw, l.bh)
	return l
}

// blockThresholds returns each block's threshold: the average mean of
// the contrasting blocks in the 5 x 5 around it, as the hybrid binarizer
// does. Where all 25 are flat (modules as large as the blocks and aligned
// with them, in a generated image), it is halfway between the darkest and
// the lightest when they differ enough, and otherwise the block is white.
// The 5 x 5 sums, counts and extremes are taken across, then down, the
// sums and counts in windows sliding by one block (a block in, a block
// out) and the extremes of five read at once away from the edges: the
// 5 x 5 read whole, then across and down in loops per block, were a
// sixth of the look at a frame with no code (issue 16).
func blockThresholds(mean []int32, flat []bool, bw, bh int) []byte {
	// Across: each block's row of five, clipped to the grid.
	n := bw * bh
	sum, cnt := make([]int32, n), make([]int32, n)
	lo, hi := make([]int32, n), make([]int32, n)
	for by := range bh {
		row := by * bw
		m, f := mean[row:][:bw], flat[row:][:bw]
		s, c, l, h := sum[row:][:bw], cnt[row:][:bw], lo[row:][:bw], hi[row:][:bw]
		var ws, wc int32 // the window's sum of contrasting means, and count
		add := func(i int, sign int32) {
			if !f[i] {
				ws, wc = ws+sign*m[i], wc+sign
			}
		}
		for i := range min(2, bw) {
			add(i, 1)
		}
		for bx := range bw {
			if bx+2 < bw {
				add(bx+2, 1)
			}
			if bx >= 3 {
				add(bx-3, -1)
			}
			s[bx], c[bx] = ws, wc
			if bx >= 2 && bx+2 < bw {
				w := m[bx-2 : bx+3 : bx+3]
				l[bx], h[bx] = min(w[0], w[1], w[2], w[3], w[4]), max(w[0], w[1], w[2], w[3], w[4])
				continue
			}
			l[bx], h[bx] = 255, 0
			for _, v := range m[max(0, bx-2):min(bw, bx+3)] {
				l[bx], h[bx] = min(l[bx], v), max(h[bx], v)
			}
		}
	}
	// Down: five rows of those, the sums and counts of the window kept
	// per column.
	thr := make([]byte, n)
	ws, wc := make([]int32, bw), make([]int32, bw)
	add := func(by int, sign int32) {
		s, c := sum[by*bw:][:bw], cnt[by*bw:][:bw]
		for bx := range bw {
			ws[bx] += sign * s[bx]
			wc[bx] += sign * c[bx]
		}
	}
	for by := range min(2, bh) {
		add(by, 1)
	}
	for by := range bh {
		if by+2 < bh {
			add(by+2, 1)
		}
		if by >= 3 {
			add(by-3, -1)
		}
		y0, y1 := max(0, by-2), min(bh-1, by+2)
		for bx := range bw {
			t := int32(0)
			if c := wc[bx]; c > 0 {
				t = divSmall(ws[bx], c)
			} else {
				l, h := int32(255), int32(0)
				if y1-y0 == 4 {
					i := y0*bw + bx
					l = min(lo[i], lo[i+bw], lo[i+2*bw], lo[i+3*bw], lo[i+4*bw])
					h = max(hi[i], hi[i+bw], hi[i+2*bw], hi[i+3*bw], hi[i+4*bw])
				} else {
					for y := y0; y <= y1; y++ {
						l, h = min(l, lo[y*bw+bx]), max(h, hi[y*bw+bx])
					}
				}
				if h-l >= gateContrast {
					t = (l + h + 1) / 2
				}
			}
			// A flat block is one colour: its noise is not modules.
			if i := by*bw + bx; flat[i] && t > 0 {
				if mean[i] < t {
					t = 255 // every pixel black: none is 255 in a dark block
				} else {
					t = 0
				}
			}
			thr[by*bw+bx] = byte(t)
		}
	}
	return thr
}

// divSmall returns n / d for 0 <= n <= 25 x 255 and 1 <= d <= 25 (a
// window's sum of means and count) by a multiplication, which takes a
// few cycles where a division takes tens, once a block (issue 16).
// TestDivSmall checks every n and d.
func divSmall(n, d int32) int32 {
	return int32(uint64(n) * reciprocal[d] >> 32)
}

// reciprocal[d] is 2^32 / d rounded up: for n under 2^16, n times it
// over 2^32 is n / d exactly, the error n(d*r - 2^32) / 2^32 being under
// n*d / 2^32, far below 1/d.
var reciprocal = func() (r [26]uint64) {
	for d := uint64(1); d < uint64(len(r)); d++ {
		r[d] = (1<<32 + d - 1) / d
	}
	return r
}()

const (
	// denseSide is the side, in blocks, of the squares denseInk looks
	// at: 32 pixels, inside a Data Matrix of 3-pixel modules turned by
	// 20 degrees (14 x 14 modules, the fewest for a short serial).
	denseSide = 4
	// denseMin and denseMax bound the black part of such a square, in
	// tenths: a Data Matrix's modules are about half black; text on
	// paper and the scene's textures are mostly light (at most 0.4 in
	// BenchmarkDecodeScene1MP's scene), solid shadow is flat.
	denseMin, denseMax = 4, 8
)

// denseInk says whether some denseSide x denseSide square of blocks all
// contrasting is between denseMin and denseMax tenths black: the inside
// of a Data Matrix held at a slant, which the outline search along rows
// and columns misses, but the crops around clusters of ink read
// (TestLookKeepsSlantedCodes). A picture without such a square skips
// that pass and the binarisation of the whole view it needs.
func (l *looker) denseInk() bool {
	side := make([]int32, l.bw*l.bh) // of the contrasting square ending at each block
	black := make([]int32, l.bw*l.bh)
	for i := range black {
		black[i] = -1 // not counted yet
	}
	for by := range l.bh {
		for bx := range l.bw {
			i := by*l.bw + bx
			if l.flat[i] {
				continue
			}
			side[i] = 1
			if bx > 0 && by > 0 {
				side[i] = 1 + min(side[i-1], side[i-l.bw], side[i-l.bw-1])
			}
			if side[i] < denseSide {
				continue
			}
			n := int32(0)
			for y := by - denseSide + 1; y <= by; y++ {
				for x := bx - denseSide + 1; x <= bx; x++ {
					j := y*l.bw + x
					if black[j] < 0 {
						black[j] = l.blackIn(x, y)
					}
					n += black[j]
				}
			}
			if all := int32(denseSide * denseSide * gateBlock * gateBlock); 10*n >= denseMin*all && 10*n < denseMax*all {
				return true
			}
		}
	}
	return false
}

// blackIn counts the black pixels of block (bx, by).
func (l *looker) blackIn(bx, by int) int32 {
	y0 := by * gateBlock
	n := 0
	for y := y0; y < min(l.src.height, y0+gateBlock); y++ {
		word := l.rowBits[y*l.rowWords+bx/8]
		n += bits.OnesCount8(uint8(word >> (bx % 8 * gateBlock)))
	}
	return int32(n)
}

// binarise sets rowBits and colBits: pixel (x, y) is black when it is
// darker than its block's threshold, compared once, eight pixels at a
// time in a whole block; a flat light block (threshold 0, most of a
// scene without a code) is white without reading its pixels. Rows and
// columns then take their runs from the same bits (bitRuns), so they
// see each pixel alike.
func (l *looker) binarise() {
	s := l.src
	w, h := s.width, s.height
	l.rowWords, l.colWords = (w+63)/64, (h+63)/64
	l.rowBits = make([]uint64, h*l.rowWords)
	l.colBits = make([]uint64, w*l.colWords)
	for y := range h {
		line := s.pix[(s.top+y)*s.stride+s.left:][:w]
		binariseRow(line, l.thr[(y/gateBlock)*l.bw:][:l.bw], l.rowBits[y*l.rowWords:][:l.rowWords])
	}
	// 64 x 64 pixels at a time, turned as bit matrices; a square with no
	// black pixel (most of a scene without a code) stays 0.
	var sq [64]uint64
	for ty := 0; ty < h; ty += 64 {
		for tx := range l.rowWords {
			any := uint64(0)
			for r := range sq {
				sq[r] = 0
				if ty+r < h {
					sq[r] = l.rowBits[(ty+r)*l.rowWords+tx]
				}
				any |= sq[r]
			}
			if any == 0 {
				continue
			}
			transpose64(&sq)
			for c := range min(64, w-tx*64) {
				l.colBits[(tx*64+c)*l.colWords+ty/64] = sq[c]
			}
		}
	}
}

// binariseRowGo is binariseRow in Go, eight pixels at a time, for
// processors without simd_*.s and for the end of a row.
func binariseRowGo(line, thr []byte, words []uint64) {
	for b, t := range thr {
		if t == 0 {
			continue // a flat light block: white
		}
		seg := line[b*gateBlock : min(len(line), (b+1)*gateBlock)]
		m := uint32(0)
		if len(seg) == gateBlock {
			// Bit i of m is pixel i darker than t: at most t-1.
			m = highBits(atMost(binary.LittleEndian.Uint64(seg), uint64(t-1)*lanes))
		} else {
			for i, v := range seg {
				if v < t {
					m |= 1 << i
				}
			}
		}
		words[b/8] |= uint64(m) << (b % 8 * gateBlock)
	}
}

// transpose64 turns a 64 x 64 bit matrix about its diagonal: bit c of
// a[r] goes to bit r of a[c]. Halves, then quarters, ... are swapped in
// place (Hacker's Delight, 7-3, with bit 0 as the first column).
func transpose64(a *[64]uint64) {
	m := uint64(0x00000000ffffffff)
	for j := 32; j != 0; j, m = j>>1, m^(m<<(j>>1)) {
		for k := 0; k < 64; k = (k + j + 1) &^ j {
			t := (a[k]>>j ^ a[k+j]) & m
			a[k+j] ^= t
			a[k] ^= t << j
		}
	}
}

// bitRuns returns the run lengths of the first n bits of words (1
// black), white first: runs[0] is the white before the first black
// pixel (maybe 0), then black, white, ... Bits from n on must be 0.
func bitRuns(words []uint64, n int, runs []int32) []int32 {
	runs = runs[:0]
	last, prev := 0, uint64(0) // where the current run starts; the bit before word i
	for i, word := range words {
		// A run ends where a bit differs from the one before it.
		flips := word ^ (word<<1 | prev)
		prev = word >> 63
		if end := n - i*64; end < 64 {
			flips &= 1<<end - 1 // no pixel at end: the last run is not ended
		}
		for ; flips != 0; flips &= flips - 1 {
			p := i*64 + bits.TrailingZeros64(flips)
			runs = append(runs, int32(p-last))
			last = p
		}
	}
	return append(runs, int32(n-last))
}

// bars appends to e.bars the stretches of runs (white first) that could
// be a linear code: minBars or more consecutive bars and spaces, none
// wider than a quiet zone relative to the narrowest (one module; the
// widest element of every format is 4 modules, 6 with blur and
// rounding), with both narrow and wide elements (every format has both;
// a column through lines of text is evenly striped).
func (e *edges) addBars(runs []int32, line int) {
	start, pos, from := 1, int32(0), int32(0) // a stretch starts at a bar
	lo, hi := int32(1<<30), int32(0)
	flush := func(end int, to int32) {
		if end-start >= minBars && 4*hi >= 7*lo {
			e.bars = append(e.bars, leg{line: int32(line), from: from, to: to, n: int32(end - start)})
		}
	}
	for i, r := range runs {
		if i == 0 {
			pos, from = r, r
			continue
		}
		if i > start && r > 6*lo+2 {
			flush(i, pos)
			// The next stretch starts at this run if it is a bar, else
			// at the next.
			start, lo, hi, from = i+1, 1<<30, 0, pos+r
			if i&1 == 1 {
				start, lo, hi, from = i, r, r, pos
			}
			pos += r
			continue
		}
		lo, hi = min(lo, r), max(hi, r)
		pos += r
	}
	end := len(runs)
	if end&1 == 1 { // the line ends white: a quiet zone, not an element
		end--
		pos -= runs[end]
	}
	flush(end, pos)
	e.tooMany = e.tooMany || len(e.bars) > maxLegs
}

// barMargin is how many lines either side of a stretch of bars the
// linear readers still read (barLines): in ZXing's test sets every row
// that read a code had a stretch of the look's on that very row; the
// margin allows for the readers' row binarisation placing an edge a
// pixel off.
const barMargin = 2

// barLines are the lines of a view (its rows, and its columns) within
// barMargin of a stretch of bars the look found, whether or not the
// stretch was barred: a row of a linear code that a reader can read
// crosses every bar, and the look, looser than the readers, sees them
// there too.
type barLines struct {
	w, h       int
	rows, cols []bool
}

// lines marks the lines within barMargin of a stretch of bars in e, of
// n lines.
func (e *edges) lines(n int) []bool {
	near := make([]bool, n)
	for _, b := range e.bars {
		for l := max(0, int(b.line)-barMargin); l <= min(n-1, int(b.line)+barMargin); l++ {
			near[l] = true
		}
	}
	return near
}

// rowsOf returns, for a view of the looked-at source upright or turned
// 270 degrees (the two ways readLinear scans it), whether row y of the
// view is near bars; nil when b is nil or v is neither.
func (b *barLines) rowsOf(v *view) func(y int) bool {
	switch {
	case b == nil:
		return nil
	case v.rot == 0 && v.src.width == b.w && v.src.height == b.h:
		return func(y int) bool { return b.rows[y] }
	case v.rot == 270 && v.src.width == b.h && v.src.height == b.w:
		// Row y of the source turned 270 degrees clockwise is its
		// column w-1-y (rotatePoint).
		return func(y int) bool { return b.cols[b.w-1-y] }
	}
	return nil
}

// barred says whether some stretch of bars has bars a few elements
// above and below it too: a code's bars are taller than its elements are
// wide, and lines of text are not evenly so.
func (e *edges) barred() bool {
	for _, b := range e.bars {
		// Half way and all the way to two mean elements away on both
		// sides (the shortest bars in the test sets are about ten modules
		// tall): lines of text, evenly spaced, fail one of the four.
		d := max(2, 2*(b.to-b.from)/b.n)
		if e.barsOver(b.line-d, b) && e.barsOver(b.line+d, b) && e.barsOver(b.line-d/2, b) && e.barsOver(b.line+d/2, b) {
			return true
		}
	}
	return false
}

// barsOver says whether line has a stretch of bars overlapping half of
// b's.
func (e *edges) barsOver(line int32, b leg) bool {
	i, _ := slices.BinarySearchFunc(e.bars, line, func(g leg, line int32) int { return int(g.line - line) })
	for _, o := range e.bars[i:] {
		if o.line != line {
			return false
		}
		if min(o.to, b.to)-max(o.from, b.from) >= (b.to-b.from)/2 {
			return true
		}
	}
	return false
}

// findFinders looks along one row's runs for a finder pattern's
// 1:1:3:1:1 (black, white, black three wide, white, black) and keeps
// those that cross-check down the column through the middle.
func (l *looker) findFinders(runs []int32, y int) {
	if l.tooMany {
		return
	}
	x := int32(0)
	for i := 0; i+1 < len(runs); i++ {
		// runs[i] starts at x; odd indexes are black.
		if i&1 == 1 && i+4 < len(runs) {
			if m, ok := finderRatio(runs[i : i+5]); ok {
				cx := int(x + runs[i] + runs[i+1] + runs[i+2]/2)
				if vm, vy, ok := l.crossDown(cx, y, int(runs[i]+runs[i+1]+runs[i+2]+runs[i+3]+runs[i+4])); ok && vm < 2*m && m < 2*vm {
					l.addFinder(finder{x: float64(cx), y: vy, module: (m + vm) / 2})
					if l.tooMany {
						return
					}
				}
			}
		}
		x += runs[i]
	}
}

// finderRatio says whether five runs are 1:1:3:1:1, more loosely than
// gozxing (which allows half a module on each run), and returns the
// module size.
func finderRatio(r []int32) (float64, bool) {
	r = r[:5]
	total := r[0] + r[1] + r[2] + r[3] + r[4]
	if total < 7 {
		return 0, false
	}
	// Most candidates fail by far: the bounds below, in integers, say
	// the same as the float ones (a side at least a quarter of a pixel
	// beyond), and only the runs they pass are measured in floats, so
	// no answer changes (TestFinderRatioIntegers).
	for _, k := range [4]int{0, 1, 3, 4} {
		if 4*r[k] > total+4 || 28*r[k] < total-28 {
			return 0, false
		}
	}
	if 14*r[2] > 9*total+28 || 14*r[2] < 3*total-28 {
		return 0, false
	}
	m := float64(total) / 7
	tol := 0.75*m + 1
	for _, k := range [4]int{0, 1, 3, 4} {
		if d := float64(r[k]) - m; d > tol || d < -tol {
			return 0, false
		}
	}
	if d := float64(r[2]) - 3*m; d > 2*tol || d < -2*tol {
		return 0, false
	}
	return m, true
}

// crossDown counts the runs up and down the column x from the black pixel
// (x, y), as gozxing's crossCheckVertical does, and returns the module
// size and the middle of the centre run when they are 1:1:3:1:1. Runs
// longer than the row's pattern (width across) end the search. It counts
// in the column's bits (colBits), 64 pixels a step: reading the column
// pixel by pixel was a tenth of the look at a frame with no code (issue
// 16).
func (l *looker) crossDown(x, y, width int) (float64, float64, bool) {
	col := l.colBits[x*l.colWords:][:l.colWords]
	h := l.src.height
	// A run is counted to limit+1 pixels at most, as the pixel loop
	// this replaced did, and is too long past limit.
	limit := int32(2*width + 2)
	var r [5]int32
	// Up: the centre's upper part, a white run, a black run.
	yy := y
	for k, black := range [3]bool{true, false, true} {
		n := sameUp(col, yy, black, limit+1)
		if n == 0 || n > limit {
			return 0, 0, false
		}
		r[2-k] = n
		yy -= int(n)
	}
	top := y - int(r[2]) + 1
	// Down: the rest of the centre, white, black.
	yy = y + 1
	for k, black := range [3]bool{true, false, true} {
		n := sameDown(col, yy, h, black, limit+1)
		yy += int(n)
		if k == 0 {
			r[2] += n
			continue
		}
		if n == 0 || n > limit {
			return 0, 0, false
		}
		r[2+k] = n
	}
	m, ok := finderRatio(r[:])
	return m, float64(top) + float64(r[2])/2, ok
}

// sameDown counts the pixels from p on, before n, that are black (or
// white) in bits, one after another, up to most.
func sameDown(bits64 []uint64, p, n int, black bool, most int32) int32 {
	count := int32(0)
	for count < most && p < n {
		off := p & 63
		word := bits64[p>>6] >> off
		if black {
			word = ^word
		}
		k := min(bits.TrailingZeros64(word), 64-off, n-p, int(most-count))
		count += int32(k)
		p += k
		if k < 64-off {
			break // another colour, the end, or most
		}
	}
	return count
}

// sameUp counts the pixels from p back to 0 that are black (or white)
// in bits, one after another, up to most.
func sameUp(bits64 []uint64, p int, black bool, most int32) int32 {
	count := int32(0)
	for count < most && p >= 0 {
		off := p & 63
		word := bits64[p>>6] << (63 - off)
		if black {
			word = ^word
		}
		k := min(bits.LeadingZeros64(word), off+1, int(most-count))
		count += int32(k)
		p -= k
		if k < off+1 {
			break
		}
	}
	return count
}

// addFinder keeps f unless it is one already found, seen again on a
// nearby row.
func (l *looker) addFinder(f finder) {
	for _, g := range l.found {
		if dx, dy := f.x-g.x, f.y-g.y; dx*dx+dy*dy < 9*g.module*g.module {
			return
		}
	}
	if len(l.found) == maxFinders {
		l.tooMany = true
		return
	}
	l.found = append(l.found, f)
}

// triple says whether three of the finder patterns found could be one QR
// Code's: modules within a factor 2 of each other, at least 8 modules
// apart, two sides of the triangle within a factor 1.5 and the third
// roughly their hypotenuse. gozxing asks for more; perspective and a
// loose cross-check here make the bounds wide.
func (l *looker) triple() bool {
	f := l.found
	for i := range f {
		for j := i + 1; j < len(f); j++ {
			for k := j + 1; k < len(f); k++ {
				lo := min(f[i].module, f[j].module, f[k].module)
				hi := max(f[i].module, f[j].module, f[k].module)
				if hi > 2*lo {
					continue
				}
				d := func(a, b finder) float64 { dx, dy := a.x-b.x, a.y-b.y; return dx*dx + dy*dy }
				s := []float64{d(f[i], f[j]), d(f[j], f[k]), d(f[i], f[k])}
				a, b, c := min(s[0], s[1], s[2]), s[0]+s[1]+s[2]-min(s[0], s[1], s[2])-max(s[0], s[1], s[2]), max(s[0], s[1], s[2])
				// At least 8 modules apart (14 in the smallest symbol) and
				// at most 250 (171 in the largest), in the largest module
				// seen.
				if a < 64*lo*lo || b > 250*250*hi*hi {
					continue
				}
				if b > 2.25*a || c < 0.5*(a+b) || c > 1.6*(a+b) {
					continue
				}
				return true
			}
		}
	}
	return false
}

const (
	// minLeg is the shortest solid leg or timing edge of a Data Matrix,
	// in pixels: 10 modules (the smallest symbol) of at least 1 pixel.
	minLeg = 10
	// minTiming is the fewest alternating runs taken for a timing edge:
	// the smallest square symbol has 10 modules on each side, and a
	// rectangular one at least 18 on its long side, but the white module
	// at the end of an edge merges with the quiet zone.
	minTiming = 9
	// minShortTiming is the same for the short side of a rectangular
	// symbol (8 modules), which only confirms an edge found first.
	minShortTiming = 7
	// maxLegs bounds the legs and edges kept per direction; an image
	// with more says yes rather than searching further.
	maxLegs = 1 << 15
)

// edges holds, for rows or columns, the solid black runs long enough to be
// a Data Matrix's leg and the stretches of even, alternating runs that
// could be its timing edge, in line order.
type edges struct {
	solid, timing []leg
	bars          []leg // stretches that could be a linear code
	tooMany       bool
	// solidAt and timingAt index solid and timing by line (index): the
	// outline search asks for a line's legs thousands of times in a
	// picture with text, and a binary search each time was a tenth of
	// the look.
	solidAt, timingAt []int32
	// byFrom is solid sorted by where each leg starts, in line order
	// among those starting at the same place, and fromAt indexes it by
	// that place (sortByFrom): parallel wants the legs starting within a
	// few pixels of a timing edge's start over hundreds of lines, and
	// scanning every leg on those lines was two thirds of its time.
	byFrom []leg
	fromAt []int32
}

// legs records the solid runs and timing stretches of one line.
func (l *looker) legs(runs []int32, line int, vertical bool) {
	e := &l.across
	if vertical {
		e = &l.down
	}
	if e.tooMany {
		return
	}
	pos := int32(0)
	start, sum := -1, int32(0) // the current even stretch: first run, total
	flush := func(end int) {
		if start >= 0 && end-start >= minShortTiming && sum >= minLeg {
			e.timing = append(e.timing, leg{line: int32(line), from: startPos(runs, start), to: startPos(runs, start) + sum, n: int32(end - start)})
		}
	}
	for i, r := range runs {
		if i&1 == 1 && r >= minLeg {
			e.solid = append(e.solid, leg{line: int32(line), from: pos, to: pos + r})
		}
		// An even stretch: every run within half a mean of the mean so
		// far (plus a pixel of rounding). It starts at a black run.
		if start >= 0 {
			n := int32(i - start)
			if d := r*n - sum; d > sum/2+n || -d > sum/2+n {
				flush(i)
				start = -1
			}
		}
		if start < 0 && i&1 == 1 {
			start, sum = i, 0
		}
		if start >= 0 {
			sum += r
		}
		pos += r
	}
	if start >= 0 {
		end := len(runs)
		if end&1 == 1 { // the last run is white to the edge: not a module
			sum -= runs[end-1]
			end--
		}
		flush(end)
	}
	e.tooMany = len(e.solid) > maxLegs || len(e.timing) > maxLegs
}

// startPos returns where run i of a line starts.
func startPos(runs []int32, i int) int32 {
	p := int32(0)
	for _, r := range runs[:i] {
		p += r
	}
	return p
}

// corner says whether a timing edge has a solid leg parallel to it across
// the symbol, as long and starting or ending with it: the two opposite
// sides of a Data Matrix, at any quarter turn. A rectangular symbol's
// height is between a quarter of its width (8 x 32) and four times it.
func (l *looker) corner() bool {
	if l.across.tooMany || l.down.tooMany {
		return true
	}
	l.across.index(l.src.height)
	l.down.index(l.src.width)
	return l.across.parallel(&l.down) || l.down.parallel(&l.across)
}

// index makes solidAt and timingAt for lines 0 to lines-1.
func (e *edges) index(lines int) {
	e.solidAt, e.timingAt = lineIndex(e.solid, lines), lineIndex(e.timing, lines)
}

// lineIndex returns, for each line from 0 to lines, the index of the
// first of legs (in line order) on that line or after.
func lineIndex(legs []leg, lines int) []int32 {
	at := make([]int32, lines+1)
	i := 0
	for line := range at {
		for i < len(legs) && int(legs[i].line) < line {
			i++
		}
		at[line] = int32(i)
	}
	return at
}

// legAt returns at's index for line: 0 before the first line, the last
// entry (every leg's line is before it) after.
func legAt(at []int32, line int32) int {
	return int(at[min(max(line, 0), int32(len(at)-1))])
}

// parallel looks in e for a timing edge and a solid leg across the symbol
// from it, joined at one end by a solid leg in across (the lines the
// other way).
func (e *edges) parallel(across *edges) bool {
	for _, t := range e.timing {
		s := t.to - t.from
		// Modules under 1.5 pixels are noise to the Data Matrix reader
		// too; and a timing edge is one module wide: three modules to
		// either side, the line is not evenly striped over the same
		// stretch (a column through lines of text is).
		m := max(1, 3*s/t.n)
		if t.n < minTiming || 2*s < 3*t.n || e.timingOver(t.line-m, t) || e.timingOver(t.line+m, t) {
			continue
		}
		// Both ends of the leg within two modules (and a pixel of blur)
		// of the edge's: the other two sides join them.
		tol := 2*s/t.n + 1
		// Solid legs are in line order: look at those up to four times s
		// away, either side, and at least six modules (the short side of
		// the smallest rectangular symbol is eight).
		lo, hi := t.line-4*s-2, t.line+4*s+2
		gap := 6 * s / t.n
		// Thousands of legs per edge in a picture with lines of text:
		// only those starting within tol of the edge's start are read,
		// and of those the end, which rules out most, is compared first.
		if e.byFrom == nil {
			e.sortByFrom()
		}
		to0, to1 := t.to-tol, t.to+tol
		for from := max(t.from-tol, 0); from <= min(t.from+tol, int32(len(e.fromAt)-2)); from++ {
			same := e.byFrom[e.fromAt[from]:e.fromAt[from+1]]
			i, _ := slices.BinarySearchFunc(same, lo, func(g leg, line int32) int { return int(g.line - line) })
			for _, g := range same[i:] {
				if g.line > hi {
					break
				}
				if g.to < to0 || g.to > to1 || abs32(g.line-t.line) < gap {
					continue
				}
				// A leg is one module thick: three modules (of the timing
				// edge) to either side it is not solid. The side of a box is.
				if e.solidOver(g.line-m, g) || e.solidOver(g.line+m, g) {
					continue
				}
				// The L's other leg joins the two at one end, and the other
				// timing edge at the other.
				side := leg{from: min(t.line, g.line), to: max(t.line, g.line) + 1}
				if !(across.near(false, t.from, tol, side) && across.near(true, t.to-1, tol, side) ||
					across.near(false, t.to-1, tol, side) && across.near(true, t.from, tol, side)) {
					continue
				}
				return true
			}
		}
	}
	return false
}

// sortByFrom makes byFrom and fromAt: a counting sort of solid by from,
// which keeps the line order of legs starting at the same place.
func (e *edges) sortByFrom() {
	n := int32(0)
	for _, g := range e.solid {
		n = max(n, g.from+1)
	}
	at := make([]int32, n+1)
	for _, g := range e.solid {
		at[g.from+1]++
	}
	for i := 1; i < len(at); i++ {
		at[i] += at[i-1]
	}
	e.fromAt = at
	e.byFrom = make([]leg, len(e.solid))
	next := slices.Clone(at[:n])
	for _, g := range e.solid {
		e.byFrom[next[g.from]] = g
		next[g.from]++
	}
}

// firstAt returns the index of the first solid leg on line or after.
func (e *edges) firstAt(line int32) int {
	return legAt(e.solidAt, line)
}

// near says whether a line within tol of at has a timing edge (timing)
// or a solid run (otherwise) covering most of span. (The test is called
// directly rather than passed as a method value: the indirect calls were
// a twentieth of the look at a frame with no code, issue 16.)
func (e *edges) near(timing bool, at, tol int32, span leg) bool {
	for line := at - tol; line <= at+tol; line++ {
		if timing && e.timingOver(line, span) || !timing && e.solidOver(line, span) {
			return true
		}
	}
	return false
}

// timingOver says whether line has a timing edge covering most of t's
// span.
func (e *edges) timingOver(line int32, t leg) bool {
	for _, o := range e.timing[legAt(e.timingAt, line):] {
		if o.line != line {
			return false
		}
		if min(o.to, t.to)-max(o.from, t.from) >= (t.to-t.from)*4/5 {
			return true
		}
	}
	return false
}

// solidOver says whether line has a solid run covering most of g's span.
func (e *edges) solidOver(line int32, g leg) bool {
	for _, o := range e.solid[e.firstAt(line):] {
		if o.line != line {
			return false
		}
		if min(o.to, g.to)-max(o.from, g.from) >= (g.to-g.from)*4/5 {
			return true
		}
	}
	return false
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// blockCache holds the statistics of the blocks of src taken so far, for
// looks at crops of it that overlap: the try-harder tiles of a large
// photo overlap by up to a half each way, so a pixel lies in up to four,
// and each look took the statistics of all its blocks again (issue 16:
// most of what a 12-megapixel photo without a code cost under TryHarder
// over the normal mode). Blocks are taken when a look first needs them.
type blockCache struct {
	src  *luminanceSource
	grid blockGrid // src's whole blocks
	done []bool    // per block of grid: taken
}

// gridAt returns the statistics of the whole blocks of src's crop r,
// which must start on a block of src, as that crop's blockGrid would
// take them.
func (b *blockCache) gridAt(r image.Rectangle) *blockGrid {
	s := b.src
	if b.done == nil {
		n := (s.width / gateBlock) * (s.height / gateBlock)
		b.grid = blockGrid{w: s.width / gateBlock, h: s.height / gateBlock,
			sum: make([]int32, n), lo: make([]uint8, n), hi: make([]uint8, n)}
		b.done = make([]bool, n)
	}
	bx0, by0 := r.Min.X/gateBlock, r.Min.Y/gateBlock
	g := &blockGrid{w: r.Dx() / gateBlock, h: r.Dy() / gateBlock}
	g.sum, g.lo, g.hi = make([]int32, g.w*g.h), make([]uint8, g.w*g.h), make([]uint8, g.w*g.h)
	for y := range g.h {
		row := (by0 + y) * b.grid.w
		pix := s.pix[(s.top+(by0+y)*gateBlock)*s.stride+s.left:]
		// Each stretch of blocks not taken yet, in one blockRow.
		for x := bx0; x < bx0+g.w; {
			if b.done[row+x] {
				x++
				continue
			}
			end := x + 1
			for end < bx0+g.w && !b.done[row+end] {
				end++
			}
			blockRow(pix[x*gateBlock:], s.stride, b.grid.sum[row+x:row+end], b.grid.lo[row+x:row+end], b.grid.hi[row+x:row+end])
			for i := row + x; i < row+end; i++ {
				b.done[i] = true
			}
			x = end
		}
		j, i := y*g.w, row+bx0
		copy(g.sum[j:j+g.w], b.grid.sum[i:i+g.w])
		copy(g.lo[j:j+g.w], b.grid.lo[i:i+g.w])
		copy(g.hi[j:j+g.w], b.grid.hi[i:i+g.w])
	}
	return g
}
