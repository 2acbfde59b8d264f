package scanner

// blockRow sets sums, lo and hi[x] to blockStats of the block at p[8x:],
// rows stride apart, for each x of sums: two blocks at a time in SSE2
// (simd_amd64.s), where rowStats' word-wide folds took a fifth of
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

// binariseRow sets bit x%64 of words[x/64] where line[x] is darker than
// its block's threshold thr[x/gateBlock]; words must be zero. Whole
// words of 64 pixels go sixteen pixels at a time in SSE2
// (simd_amd64.s), where eight at a time in a word took a tenth of the
// look at a 1-megapixel frame with no code (issue 16); the rest as
// binariseRowGo does.
func binariseRow(line, thr []byte, words []uint64) {
	if n := min(len(line)/64, len(thr)/8, len(words)); n > 0 {
		binariseWords(&line[0], &thr[0], &words[0], n)
		line, thr, words = line[64*n:], thr[8*n:], words[n:]
	}
	binariseRowGo(line, thr, words)
}

//go:noescape
func binariseWords(line, thr *byte, words *uint64, n int)

// colourEdgeCount is colourEdgeCountGo, sixteen pixels at a time in SSE2
// (simd_amd64.s) while a pixel and its right neighbour are within the
// row: the scalar loop was a sixth of a 1-megapixel frame's decode
// without a code, besides the rendering (issue 16).
func colourEdgeCount(g, bl, g2, bl2 []byte) int {
	n := len(g)
	bl, g2, bl2 = bl[:n], g2[:n], bl2[:n]
	count, x := 0, 0
	if chunks := (n - 1) / 16; chunks > 0 {
		// The last chunk's right neighbours end at g[16*chunks] and
		// bl[16*chunks], within the row.
		count = colourEdgeChunks(&g[0], &bl[0], &g2[0], &bl2[0], &contrastLanes, chunks)
		x = 16 * chunks
	}
	return count + colourEdgeCountGo(g, bl, g2, bl2, x)
}

// contrastLanes is gateContrast-1 in each byte of an SSE2 register.
var contrastLanes = func() (l [16]byte) {
	for i := range l {
		l[i] = gateContrast - 1
	}
	return l
}()

//go:noescape
func colourEdgeChunks(grey, blue, grey2, blue2 *byte, low *[16]byte, chunks int) int
