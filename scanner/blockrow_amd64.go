package scanner

// blockRow sets sums, lo and hi[x] to blockStats of the block at p[8x:],
// rows stride apart, for each x of sums: two blocks at a time in SSE2
// (blockrow_amd64.s), where rowStats' word-wide folds took a fifth of
// the look at a 1-megapixel frame with no code (issue 16). SSE2 is in
// every amd64 processor, so there is no fallback to choose at run time.
func blockRow(p []byte, stride int, sums []int32, lo, hi []uint8) {
	n := len(sums)
	if n == 0 {
		return
	}
	// Every load within p, and every store within the three: checked
	// here once, as the assembly checks nothing.
	_ = p[7*stride+8*n-1]
	lo, hi = lo[:n], hi[:n]
	if pairs := n / 2; pairs > 0 {
		blockPairs(&p[0], stride, pairs, &sums[0], &lo[0], &hi[0])
	}
	if n%2 == 1 {
		x := n - 1
		sum, l, h := blockStats(p[8*x:], stride)
		sums[x], lo[x], hi[x] = int32(sum), uint8(l), uint8(h)
	}
}

//go:noescape
func blockPairs(p *byte, stride, pairs int, sums *int32, lo, hi *uint8)
