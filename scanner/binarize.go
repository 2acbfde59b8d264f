package scanner

import (
	"encoding/binary"

	"github.com/makiuchi-d/gozxing"
)

// hybridBinarizer makes gozxing's HybridBinarizer's black matrix, bit for
// bit, at a fraction of the cost: gozxing sets each black pixel with a
// method call and copies a cropped view's luminance first, which was most
// of the binarisation of a picture without a code. Rows (the global
// histogram method, for the linear readers) and images under 40 pixels a
// side are gozxing's own.
type hybridBinarizer struct {
	gozxing.Binarizer // gozxing's HybridBinarizer over the same source
	src               *luminanceSource
	matrix            *gozxing.BitMatrix
}

func newHybridBinarizer(src *luminanceSource) *hybridBinarizer {
	return &hybridBinarizer{Binarizer: gozxing.NewHybridBinarizer(src), src: src}
}

// CreateBinarizer implements gozxing.Binarizer.
func (b *hybridBinarizer) CreateBinarizer(source gozxing.LuminanceSource) gozxing.Binarizer {
	if s, ok := source.(*luminanceSource); ok {
		return newHybridBinarizer(s)
	}
	return gozxing.NewHybridBinarizer(source)
}

// The constants of gozxing's HybridBinarizer.
const (
	hybridBlock      = gozxing.BLOCK_SIZE // pixels a side of a block
	hybridMinSide    = gozxing.MINIMUM_DIMENSION
	hybridMinRange   = gozxing.MIN_DYNAMIC_RANGE
	hybridBlockShift = gozxing.BLOCK_SIZE_POWER
)

// GetBlackMatrix implements gozxing.Binarizer as gozxing's HybridBinarizer
// does: each 8 x 8 block is thresholded at the average of the black
// points of the 5 x 5 blocks around it. The last block of a row or column
// is moved back to fit, so it overlaps the one before, and a pixel in
// both is black if either block says so.
func (b *hybridBinarizer) GetBlackMatrix() (*gozxing.BitMatrix, error) {
	if b.matrix != nil {
		return b.matrix, nil
	}
	s := b.src
	w, h := s.width, s.height
	if w < hybridMinSide || h < hybridMinSide {
		return b.Binarizer.GetBlackMatrix()
	}
	subW, subH := (w+hybridBlock-1)>>hybridBlockShift, (h+hybridBlock-1)>>hybridBlockShift
	maxX, maxY := w-hybridBlock, h-hybridBlock
	block := func(x, y int) (xo, yo int) { return min(x<<hybridBlockShift, maxX), min(y<<hybridBlockShift, maxY) }
	pixels := func(xo, yo int) []byte { return s.pix[(s.top+yo)*s.stride+s.left+xo:] }

	// calculateBlackPoints.
	points := make([]int, subW*subH)
	grid := s.blockGrid()
	for y := range subH {
		for x := range subW {
			// gozxing stops taking the least and greatest once they
			// differ by more than the minimum range, and then uses only
			// the sum: over the whole block they differ by more too, so
			// the outcome is the same. A block moved back to fit (the
			// last of a row or column when a side is not a multiple of
			// 8) is not one of the grid's.
			sum, lo, hi, ok := grid.at(x, y)
			if !ok {
				sum, lo, hi = blockStats(pixels(block(x, y)), s.stride)
			}
			average := sum >> (2 * hybridBlockShift)
			if hi-lo <= hybridMinRange {
				// A flat block: half its darkest, unless the blocks above
				// and to the left, already done, say it is light.
				average = lo / 2
				if y > 0 && x > 0 {
					nb := (points[(y-1)*subW+x] + 2*points[y*subW+x-1] + points[(y-1)*subW+x-1]) / 4
					if lo < nb {
						average = nb
					}
				}
			}
			points[y*subW+x] = average
		}
	}

	// calculateThresholdForBlock: each block's threshold is the mean of
	// the 5 x 5 black points around it (clipped to the grid), summed as
	// five column sums of the block row, each reused by five blocks.
	rowSize := (w + 31) / 32
	words := make([]uint32, rowSize*h)
	cols := make([]int, subW)
	lanesAt := make([]uint64, subW) // each block's threshold in every byte
	// The column sums slide down: the window of block row y+1 is that of
	// y, one row of points out and one in (or the same, at the edges).
	prevTop := -1
	for y := range subH {
		top := min(max(y, 2), subH-3)
		switch {
		case prevTop < 0:
			for z := top - 2; z <= top+2; z++ {
				for x, v := range points[z*subW : (z+1)*subW] {
					cols[x] += v
				}
			}
		case top != prevTop: // top == prevTop+1
			out, in := points[(top-3)*subW:][:subW], points[(top+2)*subW:][:subW]
			for x := range cols {
				cols[x] += in[x] - out[x]
			}
		}
		prevTop = top
		// And the window across slides along the row the same way.
		window := 0
		for x := range subW {
			left := min(max(x, 2), subW-3)
			switch {
			case x == 0:
				c := cols[left-2 : left+3 : left+3]
				window = c[0] + c[1] + c[2] + c[3] + c[4]
			case left != min(max(x-1, 2), subW-3):
				window += cols[left+2] - cols[left-3]
			}
			lanesAt[x] = uint64(window/25) * lanes
		}
		// Row by row across the block row (a row of pixels is one run
		// of memory): the whole blocks, four to a word of the matrix,
		// then a last block moved back to fit. Every word is or-ed in,
		// as gozxing sets black pixels and never clears one: the last
		// block row, moved back too, overlaps the one before it.
		_, yo := block(0, y)
		whole := min(subW, w>>hybridBlockShift)
		for yy := range hybridBlock {
			px := pixels(0, yo+yy)[:w]
			row := words[(yo+yy)*rowSize:][:rowSize]
			x := 0
			for ; x+4 <= whole; x += 4 {
				p := px[x<<hybridBlockShift:][:32]
				m := highBits(atMost(binary.LittleEndian.Uint64(p), lanesAt[x])) |
					highBits(atMost(binary.LittleEndian.Uint64(p[8:]), lanesAt[x+1]))<<8 |
					highBits(atMost(binary.LittleEndian.Uint64(p[16:]), lanesAt[x+2]))<<16 |
					highBits(atMost(binary.LittleEndian.Uint64(p[24:]), lanesAt[x+3]))<<24
				row[x>>2] |= m
			}
			for ; x < subW; x++ {
				xo, _ := block(x, y)
				word, shift := xo/32, uint(xo%32)
				m := highBits(atMost(binary.LittleEndian.Uint64(px[xo:]), lanesAt[x]))
				row[word] |= m << shift
				if shift > 32-hybridBlock {
					// Only the last, moved-back block can straddle words.
					row[word+1] |= m >> (32 - shift)
				}
			}
		}
	}
	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, err
	}
	row := gozxing.NewBitArray(w)
	for y := range h {
		copy(row.GetBitArray(), words[y*rowSize:(y+1)*rowSize])
		m.SetRow(y, row)
	}
	b.matrix = m
	return m, nil
}

// Eight pixels in a uint64, one per byte (SWAR): an 8 x 8 block is eight
// loads, and its statistics and thresholds take a few operations per row
// instead of a few per pixel with a branch each.
const (
	lanes    = 0x0101010101010101 // 1 in each byte
	highBit  = 0x8080808080808080 // each byte's top bit
	lowBits  = 0x7f7f7f7f7f7f7f7f // each byte's other bits
	evenByte = 0x00ff00ff00ff00ff
)

// atMost sets the top bit of each byte of the result where a's byte is at
// most b's, unsigned, and clears every other bit.
func atMost(a, b uint64) uint64 {
	return atMostDiff(a, b, a^b)
}

// atMostDiff is atMost(a, b), given a^b: minMaxBytes needs it too.
func atMostDiff(a, b, diff uint64) uint64 {
	// The low seven bits compared without a borrow crossing bytes; where
	// the top bits differ, b's decides instead (a select, low or b, on
	// diff: three operations where an or of two cases took six).
	low := ((b | highBit) - (a & lowBits)) & highBit
	return (low ^ (low^b)&diff) & highBit
}

// highBits gathers the top bits of the bytes of m (as atMost leaves
// them) into bits 0 to 7, byte i to bit i.
func highBits(m uint64) uint32 {
	return uint32(((m >> 7) * 0x0102040810204080) >> 56)
}

// minMaxBytes returns, byte by byte, the lesser and the greater of a and b.
func minMaxBytes(a, b uint64) (lo, hi uint64) {
	diff := a ^ b
	take := (atMostDiff(a, b, diff) >> 7) * 0xff // 0xff where a's byte is the lesser
	// Where a is the lesser, swap: b^diff is a and a^diff is b.
	swap := diff & take
	return b ^ swap, a ^ swap
}

// blockStats returns the sum, least and greatest of the 8 x 8 pixels at
// p, rows stride apart. Rows are compared in pairs, one comparison giving
// both the lesser and the greater, and the last three steps across the
// lanes take the least and the greatest in one word (the greatest as the
// least of its complement): 14 comparisons where separate minima and
// maxima took 20, a fifth of the look at a frame with no code (issue 16).
func blockStats(p []byte, stride int) (sum, lo, hi int) {
	// Written out rather than looped over an array: the loop kept the
	// rows on the stack.
	p = p[:7*stride+8]
	return rowStats(binary.LittleEndian.Uint64(p),
		binary.LittleEndian.Uint64(p[stride:]),
		binary.LittleEndian.Uint64(p[2*stride:]),
		binary.LittleEndian.Uint64(p[3*stride:]),
		binary.LittleEndian.Uint64(p[4*stride:]),
		binary.LittleEndian.Uint64(p[5*stride:]),
		binary.LittleEndian.Uint64(p[6*stride:]),
		binary.LittleEndian.Uint64(p[7*stride:]))
}

// rowStats is blockStats of the block whose eight rows of eight pixels
// are r0 to r7, one pixel a byte, the leftmost in the low byte.
func rowStats(r0, r1, r2, r3, r4, r5, r6, r7 uint64) (sum, lo, hi int) {
	// Four 16-bit sums, at most 16 x 255 a lane.
	pairs := r0&evenByte + r0>>8&evenByte + r1&evenByte + r1>>8&evenByte +
		r2&evenByte + r2>>8&evenByte + r3&evenByte + r3>>8&evenByte +
		r4&evenByte + r4>>8&evenByte + r5&evenByte + r5>>8&evenByte +
		r6&evenByte + r6>>8&evenByte + r7&evenByte + r7>>8&evenByte
	l0, h0 := minMaxBytes(r0, r1)
	l1, h1 := minMaxBytes(r2, r3)
	l2, h2 := minMaxBytes(r4, r5)
	l3, h3 := minMaxBytes(r6, r7)
	l0, _ = minMaxBytes(l0, l1)
	l2, _ = minMaxBytes(l2, l3)
	mins, _ := minMaxBytes(l0, l2)
	_, h0 = minMaxBytes(h0, h1)
	_, h2 = minMaxBytes(h2, h3)
	_, maxs := minMaxBytes(h0, h2)
	mins, _ = minMaxBytes(mins, mins>>32)
	_, maxs = minMaxBytes(maxs, maxs>>32)
	// Lanes 0 to 3 the least so far, 4 to 7 the complement of the
	// greatest: halving twice more leaves the least of each in lanes 0
	// and 4.
	both := mins&0xffffffff | (^maxs)<<32
	both, _ = minMaxBytes(both, both>>16)
	both, _ = minMaxBytes(both, both>>8)
	return int((pairs * 0x0001000100010001) >> 48), int(both & 0xff), 255 - int(both>>32&0xff)
}

// blockGrid holds blockStats of each whole 8 x 8 block of a source, the
// block at (x, y) covering pixels 8x to 8x+7 and 8y to 8y+7.
type blockGrid struct {
	w, h   int // whole blocks across and down
	sum    []int32
	lo, hi []uint8
}

// blockGrid returns s's grid of block statistics, made on the first
// call: the first look and the hybrid binarizer of a view both need
// them, and on a picture with no code they were a fifth of its cost.
func (s *luminanceSource) blockGrid() *blockGrid {
	if s.blocks != nil {
		return s.blocks
	}
	w, h := s.width/hybridBlock, s.height/hybridBlock
	g := &blockGrid{w: w, h: h, sum: make([]int32, w*h), lo: make([]uint8, w*h), hi: make([]uint8, w*h)}
	for y := range h {
		blockRow(s.pix[(s.top+y*hybridBlock)*s.stride+s.left:], s.stride, g.sum[y*w:][:w], g.lo[y*w:][:w], g.hi[y*w:][:w])
	}
	s.blocks = g
	return g
}

// blockRowGo is blockRow in Go, for processors without simd_*.s.
func blockRowGo(p []byte, stride int, sums []int32, lo, hi []uint8) {
	n := len(sums)
	// The block row's eight rows of pixels, cut to one length, so that a
	// block's eight loads need one bounds check, not eight (they were a
	// seventh of blockStats).
	row := func(yy int) []byte { return p[yy*stride:][:n*hybridBlock] }
	p0, p1, p2, p3, p4, p5, p6, p7 := row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7)
	lo, hi = lo[:n], hi[:n]
	for x := range n {
		i := x * hybridBlock
		sum, l, h := rowStats(
			binary.LittleEndian.Uint64(p0[i:]), binary.LittleEndian.Uint64(p1[i:]),
			binary.LittleEndian.Uint64(p2[i:]), binary.LittleEndian.Uint64(p3[i:]),
			binary.LittleEndian.Uint64(p4[i:]), binary.LittleEndian.Uint64(p5[i:]),
			binary.LittleEndian.Uint64(p6[i:]), binary.LittleEndian.Uint64(p7[i:]))
		sums[x], lo[x], hi[x] = int32(sum), uint8(l), uint8(h)
	}
}

// at returns the statistics of whole block (x, y), and false when (x, y)
// is not a whole block of the grid.
func (g *blockGrid) at(x, y int) (sum, lo, hi int, ok bool) {
	if x < 0 || y < 0 || x >= g.w || y >= g.h {
		return 0, 0, 0, false
	}
	i := y*g.w + x
	return int(g.sum[i]), int(g.lo[i]), int(g.hi[i]), true
}
