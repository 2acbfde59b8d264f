package scanner

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestLineRuns: runs of a line against per-block thresholds, white first;
// a block whose threshold is 0 (flat and light) is white whatever its
// pixels hold, because the look does not copy them for the columns.
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
