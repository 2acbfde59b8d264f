package scanner

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
	qrcode "github.com/skip2/go-qrcode"
)

// TestFindFinderPatternsMatchesGozxing runs findFinderPatterns and
// gozxing's FinderPatternFinder.Find on the same matrices: QR Codes of
// several sizes and module widths, one to three to a scene, over noise
// and with pixels flipped, with and without try harder. Both must find
// the same three patterns (place, module size, times seen) or fail
// alike, and pass the callback the same points in the same order.
func TestFindFinderPatternsMatchesGozxing(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	found := 0
	for n := range 300 {
		m := finderScene(t, rng)
		for _, tryHarder := range []bool{false, true} {
			var want, got []string
			hints := func(points *[]string) map[gozxing.DecodeHintType]any {
				h := map[gozxing.DecodeHintType]any{
					gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK: gozxing.ResultPointCallback(func(p gozxing.ResultPoint) {
						*points = append(*points, fmt.Sprintf("%v,%v", p.GetX(), p.GetY()))
					}),
				}
				if tryHarder {
					h[gozxing.DecodeHintType_TRY_HARDER] = true
				}
				return h
			}
			wantHints := hints(&want)
			wantInfo, wantErr := detector.NewFinderPatternFinder(m, wantHints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK].(gozxing.ResultPointCallback)).Find(wantHints)
			gotInfo, gotErr := findFinderPatterns(m, hints(&got))
			if (wantErr == nil) != (gotErr == nil) {
				t.Fatalf("scene %d, try harder %v: error %v, gozxing's %v", n, tryHarder, gotErr, wantErr)
			}
			if w, g := describeInfo(wantInfo), describeInfo(gotInfo); w != g {
				t.Fatalf("scene %d, try harder %v: patterns\n%s\nwant gozxing's\n%s", n, tryHarder, g, w)
			}
			if fmt.Sprint(want) != fmt.Sprint(got) {
				t.Fatalf("scene %d, try harder %v: callback points %v, gozxing's %v", n, tryHarder, got, want)
			}
			if wantErr == nil {
				found++
			}
		}
	}
	// The scenes must exercise the finding, not only the failing.
	if found < 200 {
		t.Fatalf("patterns found in %d of 600 runs: the scenes do not test a find", found)
	}
}

func describeInfo(info *detector.FinderPatternInfo) string {
	if info == nil {
		return "none"
	}
	s := ""
	for _, p := range []*detector.FinderPattern{info.GetBottomLeft(), info.GetTopLeft(), info.GetTopRight()} {
		s += fmt.Sprintf("(%v, %v) size %v seen %d\n", p.GetX(), p.GetY(), p.GetEstimatedModuleSize(), p.GetCount())
	}
	return s
}

// finderScene draws one to three QR Codes, at 1 to 6 pixels a module,
// on a noisy background of 120 to 420 pixels a side, and flips a few
// pixels everywhere.
func finderScene(t *testing.T, rng *rand.Rand) *gozxing.BitMatrix {
	t.Helper()
	w, h := 120+rng.IntN(300), 120+rng.IntN(300)
	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		t.Fatal(err)
	}
	noise := rng.Float64() * 0.3
	for y := range h {
		for x := range w {
			if rng.Float64() < noise {
				m.Set(x, y)
			}
		}
	}
	for range 1 + rng.IntN(3) {
		q, err := qrcode.New(fmt.Sprintf("FB1|T-%d", rng.IntN(1e9)), qrcode.RecoveryLevel(rng.IntN(4)))
		if err != nil {
			t.Fatal(err)
		}
		bitmap := q.Bitmap() // with its quiet zone
		scale := 1 + rng.IntN(6)
		side := len(bitmap) * scale
		if side >= w || side >= h {
			continue
		}
		ox, oy := rng.IntN(w-side), rng.IntN(h-side)
		for y := range side {
			for x := range side {
				if bitmap[y/scale][x/scale] {
					m.Set(ox+x, oy+y)
				} else {
					m.Unset(ox+x, oy+y)
				}
			}
		}
	}
	flips := rng.Float64() * 0.02
	for y := range h {
		for x := range w {
			if rng.Float64() < flips {
				m.Flip(x, y)
			}
		}
	}
	return m
}

// TestRunEnd checks runEnd against a pixel at a time, across word
// boundaries and at the end of a row that is not a whole word.
func TestRunEnd(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		n := 1 + rng.IntN(100)
		row := gozxing.NewBitArray(n)
		runs := rng.IntN(40) // long runs often, so that some cross words
		for x := range n {
			if rng.IntN(runs+1) == 0 {
				row.Flip(x)
			}
			if x > 0 && row.Get(x-1) != row.Get(x) && rng.IntN(2) == 0 {
				row.Flip(x)
			}
		}
		j := rng.IntN(n)
		want := j + 1
		for want < n && row.Get(want) == row.Get(j) {
			want++
		}
		if got := runEnd(row.GetBitArray(), j, n, row.Get(j)); got != want {
			t.Fatalf("runEnd(%v, %d, %d) = %d, want %d", row, j, n, got, want)
		}
	}
}
