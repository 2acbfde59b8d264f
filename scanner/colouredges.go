package scanner

// colourEdgeCountGo counts, from x = from on, the edges colourEdges
// counts in one pair of sampled rows: g and bl are the even pixels of
// the first row in BT.601 and blue-weighted grey, g2 and bl2 of the row
// two below. An edge is a pixel and its right neighbour, or the pixel
// below, whose blue-weighted greys differ by gateContrast or more while
// their BT.601 greys differ by less.
func colourEdgeCountGo(g, bl, g2, bl2 []byte, from int) int {
	n := len(g)
	bl, g2, bl2 = bl[:n], g2[:n], bl2[:n]
	edge := func(g0, g1, b0, b1 byte) bool {
		return absDiff(b0, b1) >= gateContrast && absDiff(g0, g1) < gateContrast
	}
	count := 0
	for x := from; x < n; x++ {
		if x+1 < n && edge(g[x], g[x+1], bl[x], bl[x+1]) {
			count++
		}
		if edge(g[x], g2[x], bl[x], bl2[x]) {
			count++
		}
	}
	return count
}
