package scanner

import (
	"math/rand/v2"
	"testing"
)

// TestColourEdgeCountMatchesPixels: colourEdgeCount (SSE2 on amd64) and
// colourEdgeCountGo count what a loop over each pixel, its right
// neighbour and the pixel below counts, for rows of 1 to 100 sampled
// pixels, with differences at gateContrast and one under it on both
// renderings, and a row only across edges or only down ones.
func TestColourEdgeCountMatchesPixels(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 23))
	// Greys at 0, 23, 24, 47, 48... apart make differences of exactly
	// gateContrast-1 and gateContrast frequent.
	pick := func() byte {
		if rng.IntN(2) == 0 {
			return byte(rng.IntN(256))
		}
		return byte((rng.IntN(6)*(gateContrast-1) + rng.IntN(2)) % 256)
	}
	edge := func(g0, g1, b0, b1 byte) bool {
		d := func(a, b byte) int { return max(int(a)-int(b), int(b)-int(a)) }
		return d(b0, b1) >= gateContrast && d(g0, g1) < gateContrast
	}
	for trial := range 4000 {
		n := 1 + trial%100
		rows := make([][]byte, 4)
		for i := range rows {
			rows[i] = make([]byte, n)
			for x := range rows[i] {
				rows[i][x] = pick()
			}
		}
		g, bl, g2, bl2 := rows[0], rows[1], rows[2], rows[3]
		want := 0
		for x := range n {
			if x+1 < n && edge(g[x], g[x+1], bl[x], bl[x+1]) {
				want++
			}
			if edge(g[x], g2[x], bl[x], bl2[x]) {
				want++
			}
		}
		if got := colourEdgeCount(g, bl, g2, bl2); got != want {
			t.Fatalf("colourEdgeCount, %d pixels = %d, want %d", n, got, want)
		}
		if got := colourEdgeCountGo(g, bl, g2, bl2, 0); got != want {
			t.Fatalf("colourEdgeCountGo, %d pixels = %d, want %d", n, got, want)
		}
	}
}
