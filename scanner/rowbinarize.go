package scanner

import "github.com/makiuchi-d/gozxing"

// GetBlackRow implements gozxing.Binarizer as gozxing's HybridBinarizer
// does (its GlobalHistogramBinarizer's rows), reading the row in place
// (blackRow).
func (b *hybridBinarizer) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	s := b.src
	if y < 0 || y >= s.height {
		return b.Binarizer.GetBlackRow(y, row) // gozxing's error
	}
	return blackRow(s.pix[(s.top+y)*s.stride+s.left:][:s.width], row)
}

// columnBinarizer is gozxing's HybridBinarizer over a columnSource, its
// rows made by blackRow.
type columnBinarizer struct {
	gozxing.Binarizer
	cols *columnSource
	lum  []byte
}

func newColumnBinarizer(cols *columnSource) *columnBinarizer {
	return &columnBinarizer{Binarizer: gozxing.NewHybridBinarizer(cols), cols: cols}
}

// GetBlackRow implements gozxing.Binarizer as gozxing's HybridBinarizer
// does.
func (b *columnBinarizer) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	lum, err := b.cols.GetRow(y, b.lum)
	if err != nil {
		return nil, err
	}
	b.lum = lum
	return blackRow(lum[:b.cols.GetWidth()], row)
}

// blackRow is gozxing's GlobalHistogramBinarizer.GetBlackRow of a row
// whose luminances are lum, bit for bit: the black point from the row's
// histogram (estimateBlackPoint), then pixel x is black where its -1 4 -1
// sharpening, halved, is under it. gozxing sets each black pixel with a
// method call after copying the row (issue 16: 7 % of ean13-1/34.png's
// try-harder decode, 35 instructions a pixel); here a pixel takes a few,
// and a refusal is errRowNotFound, not a new exception with its stack.
func blackRow(lum []byte, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	width := len(lum)
	if row == nil || row.GetSize() < width {
		row = gozxing.NewBitArray(width)
	} else {
		row.Clear()
	}
	var buckets [gozxing.LUMINANCE_BUCKETS]int
	for _, v := range lum {
		buckets[v>>gozxing.LUMINANCE_SHIFT]++
	}
	blackPoint, ok := estimateBlackPoint(&buckets)
	if !ok {
		return nil, errRowNotFound
	}
	bits := row.GetBitArray()
	if width < 3 {
		for x, v := range lum {
			if int(v) < blackPoint {
				bits[x/32] |= 1 << (x % 32)
			}
		}
		return row, nil
	}
	// (4c - l - r) / 2 < blackPoint, Go's (and Java's) division rounding
	// toward zero, is 4c - l - r < 2 blackPoint: blackPoint is positive
	// (estimateBlackPoint), so a negative sum is black either way, and
	// for a sum n >= 0, n/2 < b exactly when n < 2b.
	limit := 2 * blackPoint
	bits = bits[:(width+31)/32]
	for x := 1; x < width-1; x++ {
		d := 4*int(lum[x]) - int(lum[x-1]) - int(lum[x+1]) - limit
		bits[x>>5] |= uint32(uint64(d)>>63) << (x & 31)
	}
	return row, nil
}

// estimateBlackPoint is gozxing's GlobalHistogramBinarizer's, which it
// does not export: the valley, nearer the white, between the two
// tallest peaks far enough apart; false where there is too little
// contrast. The black point it returns is at least 1 << LUMINANCE_SHIFT
// (the valley lies above the first peak).
func estimateBlackPoint(buckets *[gozxing.LUMINANCE_BUCKETS]int) (int, bool) {
	numBuckets := len(buckets)
	maxBucketCount, firstPeak, firstPeakSize := 0, 0, 0
	for x := range numBuckets {
		if buckets[x] > firstPeakSize {
			firstPeak = x
			firstPeakSize = buckets[x]
		}
		if buckets[x] > maxBucketCount {
			maxBucketCount = buckets[x]
		}
	}
	secondPeak, secondPeakScore := 0, 0
	for x := range numBuckets {
		distanceToBiggest := x - firstPeak
		score := buckets[x] * distanceToBiggest * distanceToBiggest
		if score > secondPeakScore {
			secondPeak = x
			secondPeakScore = score
		}
	}
	if firstPeak > secondPeak {
		firstPeak, secondPeak = secondPeak, firstPeak
	}
	if secondPeak-firstPeak <= numBuckets/16 {
		return 0, false
	}
	bestValley, bestValleyScore := secondPeak-1, -1
	for x := secondPeak - 1; x > firstPeak; x-- {
		fromFirst := x - firstPeak
		score := fromFirst * fromFirst * (secondPeak - x) * (maxBucketCount - buckets[x])
		if score > bestValleyScore {
			bestValley = x
			bestValleyScore = score
		}
	}
	return bestValley << gozxing.LUMINANCE_SHIFT, true
}
