package scanner

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"
)

// lineRuns is a line's runs as the look takes them: binarised into bits
// (binariseRow), then counted (bitRuns).
func lineRuns(line, thr []byte, runs []int32) []int32 {
	words := make([]uint64, (len(line)+63)/64)
	binariseRow(line, thr, words)
	return bitRuns(words, len(line), runs)
}

// TestLineRuns: runs of a line against per-block thresholds, white first;
// a block whose threshold is 0 (flat and light) is white whatever its
// pixels hold, because binariseRow does not read them.
func TestLineRuns(t *testing.T) {
	// Four blocks of 8 pixels.
	dark := func(n int) []byte { return slices.Repeat([]byte{10}, n) }
	light := func(n int) []byte { return slices.Repeat([]byte{200}, n) }
	cat := func(parts ...[]byte) []byte { return slices.Concat(parts...) }
	tests := []struct {
		name string
		line []byte
		thr  []byte
		want []int32
	}{
		{"AllWhite", light(32), []byte{0, 0, 0, 0}, []int32{32}},
		{"Bars", cat(light(4), dark(4), light(8), dark(2), light(6), dark(8)), []byte{100, 100, 100, 100}, []int32{4, 4, 8, 2, 6, 8}},
		{"FlatDarkBlock", cat(light(8), dark(8), light(16)), []byte{100, 255, 100, 100}, []int32{8, 8, 16}},
		{"BlackIntoFlatLight", cat(light(4), dark(4), dark(8), light(16)), []byte{100, 0, 100, 100}, []int32{4, 4, 24}},
		{"FlatLightIgnoresPixels", cat(light(8), dark(8), dark(3), light(13)), []byte{100, 0, 100, 100}, []int32{16, 3, 13}},
		{"ShortLastBlock", cat(dark(8), light(8), dark(5)), []byte{100, 0, 100}, []int32{0, 8, 8, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lineRuns(tt.line, tt.thr, nil); !slices.Equal(got, tt.want) {
				t.Errorf("runs = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestLineRunsMatchPixelByPixel: lineRuns, eight pixels at a time in a
// whole block, gives the runs of comparing every pixel with its block's
// threshold (issue 16), on random lines of grey and of two levels, with
// thresholds from 1 to 255 and flat light blocks (0) among them, and a
// last block short or whole.
func TestLineRunsMatchPixelByPixel(t *testing.T) {
	reference := func(line, thr []byte) []int32 {
		var runs []int32
		black, n := false, int32(0)
		for x, v := range line {
			t := thr[x/gateBlock]
			if b := t != 0 && v < t; b != black {
				runs = append(runs, n)
				black, n = b, 0
			}
			n++
		}
		return append(runs, n)
	}
	rnd := rand.New(rand.NewPCG(16, 6))
	for i := range 2000 {
		size := 1 + rnd.IntN(80)
		line := make([]byte, size)
		for x := range line {
			line[x] = byte(rnd.IntN(256))
			if i%2 == 1 { // two levels: long runs across blocks
				line[x] = []byte{0, 255}[rnd.IntN(2)]
			}
		}
		thr := make([]byte, (size+gateBlock-1)/gateBlock)
		for b := range thr {
			thr[b] = byte(1 + rnd.IntN(255))
			if rnd.IntN(4) == 0 {
				thr[b] = 0
			}
		}
		if got, want := lineRuns(line, thr, nil), reference(line, thr); !slices.Equal(got, want) {
			t.Fatalf("line %v, thresholds %v: runs %v, want %v", line, thr, got, want)
		}
	}
}

// TestBlockThresholdsMatch5x5: the thresholds taken across then down are
// those of the 5 x 5 window read whole, as the look took them before
// (issue 16), on random grids of means with flat blocks among them, from
// one block to wider than the window, and on grids all flat.
func TestBlockThresholdsMatch5x5(t *testing.T) {
	reference := func(mean []int32, flat []bool, bw, bh int) []byte {
		thr := make([]byte, bw*bh)
		for by := range bh {
			for bx := range bw {
				sum, n := int32(0), int32(0)
				lo, hi := int32(255), int32(0)
				for y := max(0, by-2); y <= min(bh-1, by+2); y++ {
					for x := max(0, bx-2); x <= min(bw-1, bx+2); x++ {
						m := mean[y*bw+x]
						if !flat[y*bw+x] {
							sum, n = sum+m, n+1
						}
						lo, hi = min(lo, m), max(hi, m)
					}
				}
				t := int32(0)
				switch {
				case n > 0:
					t = sum / n
				case hi-lo >= gateContrast:
					t = (lo + hi + 1) / 2
				}
				if i := by*bw + bx; flat[i] && t > 0 {
					if mean[i] < t {
						t = 255
					} else {
						t = 0
					}
				}
				thr[by*bw+bx] = byte(t)
			}
		}
		return thr
	}
	rnd := rand.New(rand.NewPCG(16, 5))
	for _, size := range [][2]int{{1, 1}, {1, 7}, {4, 3}, {5, 5}, {6, 9}, {33, 17}, {144, 108}} {
		for _, flatShare := range []int{0, 50, 90, 100} {
			bw, bh := size[0], size[1]
			mean, flat := make([]int32, bw*bh), make([]bool, bw*bh)
			for i := range mean {
				mean[i] = int32(rnd.IntN(256))
				flat[i] = rnd.IntN(100) < flatShare
			}
			if got, want := blockThresholds(mean, flat, bw, bh), reference(mean, flat, bw, bh); !slices.Equal(got, want) {
				t.Errorf("%d x %d blocks, %d %% flat: thresholds differ from the 5 x 5 window's", bw, bh, flatShare)
			}
		}
	}
}

// parallelByScan is the outline search reading every solid leg on the
// lines near each timing edge, as it did before the legs were sorted by
// where they start: the reference for TestParallelMatchesScan.
func parallelByScan(e, across *edges) bool {
	for _, t := range e.timing {
		s := t.to - t.from
		m := max(1, 3*s/t.n)
		if t.n < minTiming || 2*s < 3*t.n || e.timingOver(t.line-m, t) || e.timingOver(t.line+m, t) {
			continue
		}
		tol := 2*s/t.n + 1
		lo, hi := t.line-4*s-2, t.line+4*s+2
		gap := 6 * s / t.n
		for _, g := range e.solid[e.firstAt(lo):] {
			if g.line > hi {
				break
			}
			if g.from < t.from-tol || g.from > t.from+tol || g.to < t.to-tol || g.to > t.to+tol || abs32(g.line-t.line) < gap {
				continue
			}
			if e.solidOver(g.line-m, g) || e.solidOver(g.line+m, g) {
				continue
			}
			side := leg{from: min(t.line, g.line), to: max(t.line, g.line) + 1}
			if across.near(false, t.from, tol, side) && across.near(true, t.to-1, tol, side) ||
				across.near(false, t.to-1, tol, side) && across.near(true, t.from, tol, side) {
				return true
			}
		}
	}
	return false
}

// TestParallelMatchesScan: the outline search over legs sorted by where
// they start finds an outline exactly when reading every leg on the
// lines near each timing edge does, on random legs dense enough that
// both answers occur (issue 16: the look's verdicts may not change).
func TestParallelMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 5))
	// randomEdges lays legs along n lines of length size, in line order
	// and, within a line, in order of position, as legs makes them.
	randomEdges := func(n, size int, p float64) *edges {
		e := &edges{}
		for line := range n {
			if rng.Float64() >= p {
				continue
			}
			for pos := rng.IntN(8); pos < size-minLeg; {
				length := minLeg + rng.IntN(24)
				g := leg{line: int32(line), from: int32(pos), to: int32(min(size, pos+length))}
				if rng.IntN(3) == 0 {
					g.n = int32(minShortTiming + rng.IntN(12))
					e.timing = append(e.timing, g)
				} else {
					e.solid = append(e.solid, g)
				}
				pos += length + 1 + rng.IntN(12)
			}
		}
		return e
	}
	found := map[bool]int{}
	for range 400 {
		w, h := 40+rng.IntN(60), 40+rng.IntN(60)
		p := 0.02 + 0.3*rng.Float64() // of a line having legs
		across, down := randomEdges(h, w, p), randomEdges(w, h, p)
		across.index(h)
		down.index(w)
		for _, dir := range [][2]*edges{{across, down}, {down, across}} {
			want := parallelByScan(dir[0], dir[1])
			if got := dir[0].parallel(dir[1]); got != want {
				t.Fatalf("%d x %d: parallel = %v, reading every leg = %v", w, h, got, want)
			}
			found[want]++
		}
	}
	if found[true] == 0 || found[false] == 0 {
		t.Fatalf("outlines found %d times, not found %d: the legs do not test both answers", found[true], found[false])
	}
	t.Logf("outlines found %d times, not found %d", found[true], found[false])
}

// finderRatioFloat is finderRatio as it was before its integer bounds:
// the reference for TestFinderRatioIntegers.
func finderRatioFloat(r []int32) (float64, bool) {
	total := r[0] + r[1] + r[2] + r[3] + r[4]
	if total < 7 {
		return 0, false
	}
	m := float64(total) / 7
	tol := 0.75*m + 1
	for _, k := range []int{0, 1, 3, 4} {
		if d := float64(r[k]) - m; d > tol || d < -tol {
			return 0, false
		}
	}
	if d := float64(r[2]) - 3*m; d > 2*tol || d < -2*tol {
		return 0, false
	}
	return m, true
}

// TestFinderRatioIntegers: finderRatio's integer bounds change no answer,
// over every five runs of 0 to 16 pixels and random runs up to about 3,000.
func TestFinderRatioIntegers(t *testing.T) {
	check := func(r []int32) {
		t.Helper()
		gm, gok := finderRatio(r)
		wm, wok := finderRatioFloat(r)
		if gm != wm || gok != wok {
			t.Fatalf("finderRatio(%v) = %v, %v; the float bounds say %v, %v", r, gm, gok, wm, wok)
		}
	}
	var r [5]int32
	passed := 0
	for i := range 17 * 17 * 17 * 17 * 17 {
		for k, n := 0, i; k < 5; k, n = k+1, n/17 {
			r[k] = int32(n % 17)
		}
		check(r[:])
		if _, ok := finderRatio(r[:]); ok {
			passed++
		}
	}
	rng := rand.New(rand.NewPCG(16, 55))
	for range 200_000 {
		m := 1 + rng.Int32N(600)
		for k := range r {
			r[k] = max(0, m+rng.Int32N(2*m+2)-m-1)
		}
		r[2] = max(0, 3*m+rng.Int32N(4*m+4)-2*m-2)
		check(r[:])
	}
	if passed == 0 {
		t.Fatal("no five runs passed: the table tests only refusals")
	}
}

// TestLookerBitsMatchPixels: the look's bits, across (rowBits) and
// turned (colBits, issue 16), say of every pixel whether it is darker
// than its block's threshold, on random views whose sides are and are
// not multiples of a block and of 64, inside a larger image.
func TestLookerBitsMatchPixels(t *testing.T) {
	rnd := rand.New(rand.NewPCG(16, 7))
	for _, size := range [][2]int{{40, 40}, {64, 64}, {65, 130}, {129, 71}, {200, 203}} {
		w, h := size[0], size[1]
		src := randomSource(rnd, w, h)
		l := newLooker(src)
		l.binarise()
		for y := range h {
			for x := range w {
				thr := l.thr[(y/gateBlock)*l.bw+x/gateBlock]
				want := src.pix[(src.top+y)*src.stride+src.left+x] < thr
				row := l.rowBits[y*l.rowWords+x/64]>>(x%64)&1 == 1
				col := l.colBits[x*l.colWords+y/64]>>(y%64)&1 == 1
				if row != want || col != want {
					t.Fatalf("%d x %d, pixel (%d, %d): row bit %v, column bit %v, want %v", w, h, x, y, row, col, want)
				}
			}
		}
	}
}

// randomSource is a w x h view, offset inside a larger image, of blobs
// of dark and light on noise, so that the look's thresholds have both
// flat and contrasting blocks.
func randomSource(rnd *rand.Rand, w, h int) *luminanceSource {
	stride := w + 13
	pix := make([]byte, stride*(h+5))
	for i := range pix {
		pix[i] = byte(150 + rnd.IntN(20))
	}
	for range w * h / 200 {
		x, y, r := rnd.IntN(w), rnd.IntN(h), 1+rnd.IntN(6)
		v := byte(rnd.IntN(80))
		for yy := max(0, y-r); yy < min(h, y+r); yy++ {
			for xx := max(0, x-r); xx < min(w, x+r); xx++ {
				pix[(yy+3)*stride+xx+7] = v
			}
		}
	}
	return &luminanceSource{pix: pix, stride: stride, left: 7, top: 3, width: w, height: h}
}

// crossDownByPixels is the finder cross-check reading its column pixel
// by pixel, as it did before it counted in colBits: the reference for
// TestCrossDownMatchesPixels.
func crossDownByPixels(l *looker, x, y, width int) (float64, float64, bool) {
	s := l.src
	black := func(yy int) bool {
		return s.pix[(s.top+yy)*s.stride+s.left+x] < l.thr[(yy/gateBlock)*l.bw+x/gateBlock]
	}
	limit := 2*width + 2
	var r [5]int32
	yy := y
	for k, want := range [3]bool{true, false, true} {
		for yy >= 0 && black(yy) == want && r[2-k] <= int32(limit) {
			r[2-k]++
			yy--
		}
		if r[2-k] == 0 || r[2-k] > int32(limit) {
			return 0, 0, false
		}
	}
	top := y - int(r[2]) + 1
	yy = y + 1
	for k, want := range [3]bool{true, false, true} {
		n := int32(0)
		for yy < s.height && black(yy) == want && n <= int32(limit) {
			n++
			yy++
		}
		if k == 0 {
			r[2] += n
			continue
		}
		if n == 0 || n > int32(limit) {
			return 0, 0, false
		}
		r[2+k] = n
	}
	m, ok := finderRatio(r[:])
	return m, float64(top) + float64(r[2])/2, ok
}

// TestCrossDownMatchesPixels: the cross-check counting 64 pixels a step
// in the column's bits gives what reading the column pixel by pixel
// gave (issue 16), from every black pixel of random views and of views
// with finder-like stripes across runs of 64, for widths from 1 to 40.
func TestCrossDownMatchesPixels(t *testing.T) {
	rnd := rand.New(rand.NewPCG(16, 8))
	passed := 0
	for i := range 12 {
		w, h := 40+rnd.IntN(60), 40+rnd.IntN(200)
		src := randomSource(rnd, w, h)
		if i%2 == 1 {
			// Stripes 1:1:3:1:1 of a random module down every column.
			m := 1 + rnd.IntN(12)
			pat := []int{1, 1, 3, 1, 1, 2}
			y := rnd.IntN(10)
			for k := 0; y < h; k++ {
				n := pat[k%len(pat)] * m
				v := byte(20)
				if k%2 == 1 {
					v = 230
				}
				for yy := y; yy < min(h, y+n); yy++ {
					for x := range w {
						src.pix[(src.top+yy)*src.stride+src.left+x] = v
					}
				}
				y += n
			}
		}
		l := newLooker(src)
		l.binarise()
		for y := range h {
			for x := range w {
				if l.colBits[x*l.colWords+y/64]>>(y%64)&1 == 0 {
					continue
				}
				width := 1 + rnd.IntN(40)
				gm, gc, gok := l.crossDown(x, y, width)
				wm, wc, wok := crossDownByPixels(l, x, y, width)
				if gm != wm || gc != wc || gok != wok {
					t.Fatalf("view %d, (%d, %d), width %d: %v, %v, %v; want %v, %v, %v", i, x, y, width, gm, gc, gok, wm, wc, wok)
				}
				if gok {
					passed++
				}
			}
		}
	}
	if passed == 0 {
		t.Fatal("no cross-check passed: the views test only refusals")
	}
}

// TestBlockCacheMatchesCrop: the statistics a look at an overlapping
// crop takes from the blockCache (issue 16: the try-harder tiles) are
// those the crop takes of its own pixels, whether its blocks were taken
// for an earlier crop or not, on crops of whole and part blocks.
func TestBlockCacheMatchesCrop(t *testing.T) {
	rnd := rand.New(rand.NewPCG(16, 9))
	src := randomSource(rnd, 203, 157)
	cache := &blockCache{src: src}
	for range 40 {
		x, y := 8*rnd.IntN(20), 8*rnd.IntN(15)
		r := image.Rect(x, y, x+1+rnd.IntN(203-x), y+1+rnd.IntN(157-y))
		c, err := src.crop(r)
		if err != nil {
			t.Fatal(err)
		}
		got, want := cache.gridAt(r), c.blockGrid()
		if got.w != want.w || got.h != want.h || !slices.Equal(got.sum, want.sum) || !slices.Equal(got.lo, want.lo) || !slices.Equal(got.hi, want.hi) {
			t.Fatalf("crop %v: the cache's block statistics differ from the crop's own", r)
		}
	}
}

// TestDivSmall: divSmall divides every window sum of means (0 to 25 x
// 255) by every count of blocks (1 to 25) as / does.
func TestDivSmall(t *testing.T) {
	for d := int32(1); d <= 25; d++ {
		for n := int32(0); n <= 25*255; n++ {
			if got := divSmall(n, d); got != n/d {
				t.Fatalf("divSmall(%d, %d) = %d, want %d", n, d, got, n/d)
			}
		}
	}
}
