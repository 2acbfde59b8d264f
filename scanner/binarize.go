package scanner

import "github.com/makiuchi-d/gozxing"

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
	for y := range subH {
		for x := range subW {
			xo, yo := block(x, y)
			p := pixels(xo, yo)
			sum, lo, hi := 0, 0xff, 0
			for yy := 0; yy < hybridBlock; yy++ {
				r := (*[hybridBlock]byte)(p[yy*s.stride:])
				sum += int(r[0]) + int(r[1]) + int(r[2]) + int(r[3]) + int(r[4]) + int(r[5]) + int(r[6]) + int(r[7])
				lo = min(lo, int(min(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])))
				hi = max(hi, int(max(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])))
				if hi-lo > hybridMinRange {
					// Enough contrast: the rest of the block only adds to
					// the sum, as gozxing's loop does.
					for yy++; yy < hybridBlock; yy++ {
						r := (*[hybridBlock]byte)(p[yy*s.stride:])
						sum += int(r[0]) + int(r[1]) + int(r[2]) + int(r[3]) + int(r[4]) + int(r[5]) + int(r[6]) + int(r[7])
					}
				}
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

	// calculateThresholdForBlock, eight pixels at a time into the words
	// of the matrix's rows.
	rowSize := (w + 31) / 32
	words := make([]uint32, rowSize*h)
	for y := range subH {
		top := min(max(y, 2), subH-3)
		for x := range subW {
			left := min(max(x, 2), subW-3)
			sum := 0
			for z := top - 2; z <= top+2; z++ {
				for _, v := range points[z*subW+left-2 : z*subW+left+3] {
					sum += v
				}
			}
			t := sum / 25
			xo, yo := block(x, y)
			p := pixels(xo, yo)
			word, shift := xo/32, uint(xo%32)
			for yy := range hybridBlock {
				var m uint32
				for i, v := range (*[hybridBlock]byte)(p[yy*s.stride:]) {
					// Branch-free: the comparison is a coin toss on noise.
					m |= uint32((t-int(v))>>63+1) << i
				}
				row := words[(yo+yy)*rowSize:][:rowSize]
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
