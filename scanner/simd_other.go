//go:build !amd64

package scanner

// blockRow sets sums, lo and hi[x] to blockStats of the block at p[8x:],
// rows stride apart, for each x of sums.
func blockRow(p []byte, stride int, sums []int32, lo, hi []uint8) {
	blockRowGo(p, stride, sums, lo, hi)
}

// binariseRow sets bit x%64 of words[x/64] where line[x] is darker than
// its block's threshold thr[x/gateBlock]; words must be zero.
func binariseRow(line, thr []byte, words []uint64) {
	binariseRowGo(line, thr, words)
}

// colourEdgeCount is colourEdgeCountGo over the whole row.
func colourEdgeCount(g, bl, g2, bl2 []byte) int {
	return colourEdgeCountGo(g, bl, g2, bl2, 0)
}
