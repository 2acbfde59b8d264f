package scanner

import (
	"math/bits"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// findFinderPatterns is gozxing's FinderPatternFinder.Find (v0.1.1) with
// the same outcome, callbacks and errors, but for how it reads a row:
// gozxing asks the matrix for each pixel (BitMatrix.Get, bounds checks
// and all), on every third row under try harder, which was a fifth of a
// qrcode-1 decode (issue 16). Here a row is copied once and a run of one
// colour is counted in one step where the state machine would only count
// it pixel by pixel; every decision (a colour change, a possible centre)
// is gozxing's own code, called at the same pixel with the same counts.
// TestFindFinderPatternsMatchesGozxing holds it to gozxing's.
func findFinderPatterns(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]any) (*detector.FinderPatternInfo, error) {
	var callback gozxing.ResultPointCallback
	if cb, ok := hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK]; ok {
		callback, _ = cb.(gozxing.ResultPointCallback)
	}
	f := detector.NewFinderPatternFinder(m, callback)
	_, tryHarder := hints[gozxing.DecodeHintType_TRY_HARDER]
	maxI, maxJ := m.GetHeight(), m.GetWidth()

	iSkip := (3 * maxI) / (4 * detector.FinderPatternFinder_MAX_MODULES)
	if iSkip < detector.FinderPatternFinder_MIN_SKIP || tryHarder {
		iSkip = detector.FinderPatternFinder_MIN_SKIP
	}
	// hasSkipped mirrors the finder's own flag, which only FindRowSkip
	// sets, and only when it finds two confirmed centres.
	hasSkipped := false
	done := false
	stateCount := make([]int, 5)
	row := gozxing.NewBitArray(maxJ)
	for i := iSkip - 1; i < maxI && !done; i += iSkip {
		words := m.GetRow(i, row).GetBitArray()
		clear(stateCount)
		currentState := 0
		for j := 0; j < maxJ; j++ {
			if words[j>>5]>>(j&31)&1 != 0 {
				// Black: the state moves on from a white one, then the
				// whole black run counts to it.
				if currentState&1 == 1 {
					currentState++
				}
				end := runEnd(words, j, maxJ, true)
				stateCount[currentState] += end - j
				j = end - 1
				continue
			}
			if currentState&1 == 1 || currentState != 4 {
				// White in a white state, or after black but the fifth:
				// the state moves on to a white one, and the whole white
				// run counts to it.
				if currentState&1 == 0 {
					currentState++
				}
				end := runEnd(words, j, maxJ, false)
				stateCount[currentState] += end - j
				j = end - 1
				continue
			}
			// White after the fifth run: gozxing's own steps.
			if !detector.FinderPatternFinder_foundPatternCross(stateCount) {
				detector.FinderPatternFinder_doShiftCounts2(stateCount)
				currentState = 3
				continue
			}
			if !f.HandlePossibleCenter(stateCount, i, j) {
				detector.FinderPatternFinder_doShiftCounts2(stateCount)
				currentState = 3
				continue
			}
			iSkip = 2
			if hasSkipped {
				done = f.HaveMultiplyConfirmedCenters()
			} else {
				rowSkip := f.FindRowSkip()
				hasSkipped = confirmedCentres(f) >= 2
				if rowSkip > stateCount[2] {
					i += rowSkip - stateCount[2] - iSkip
					j = maxJ - 1
				}
			}
			currentState = 0
			clear(stateCount)
		}
		if detector.FinderPatternFinder_foundPatternCross(stateCount) {
			if f.HandlePossibleCenter(stateCount, i, maxJ) {
				iSkip = stateCount[0]
				if hasSkipped {
					done = f.HaveMultiplyConfirmedCenters()
				}
			}
		}
	}

	fps, err := f.SelectBestPatterns()
	if err != nil {
		return nil, err
	}
	bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(fps[0], fps[1], fps[2])
	return detector.NewFinderPatternInfo(bl.(*detector.FinderPattern), tl.(*detector.FinderPattern), tr.(*detector.FinderPattern)), nil
}

// confirmedCentres counts f's possible centres seen often enough to
// count as found, as FindRowSkip does.
func confirmedCentres(f *detector.FinderPatternFinder) int {
	n := 0
	for _, c := range f.GetPossibleCenters() {
		if c.GetCount() >= detector.FinderPatternFinder_CENTER_QUORUM {
			n++
		}
	}
	return n
}

// runEnd returns the end of the run of pixel j of a row (bit x%32 of
// words[x/32] is pixel x, set for black), black or white as black says:
// the first x after j, below n, of the other colour, or n.
func runEnd(words []uint32, j, n int, black bool) int {
	var same uint32 // the bits of the run's colour
	if black {
		same = ^uint32(0)
	}
	w := j >> 5
	if x := (words[w] ^ same) >> (j & 31); x != 0 {
		return min(j+bits.TrailingZeros32(x), n)
	}
	for w++; w < len(words); w++ {
		if x := words[w] ^ same; x != 0 {
			return min(w<<5+bits.TrailingZeros32(x), n)
		}
	}
	return n
}
