package scanner

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestBlackRowMatchesGozxing: the rows of our hybridBinarizer and of the
// turned view's columnBinarizer are gozxing's GlobalHistogramBinarizer's
// bit for bit, and refused (an error, no row) where it refuses: images 1
// to 90 pixels wide (under 3: no sharpening), noise, two-tone bars with
// noise, low contrast (refused), sharp edges where the halved sum is
// negative or exactly at the black point, and a row array reused with
// bits set and one too short.
func TestBlackRowMatchesGozxing(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 32))
	refused, black := 0, 0
	for trial := range 600 {
		w, h := 1+trial%90, 1+rng.IntN(12)
		img := image.NewGray(image.Rect(0, 0, w, h))
		kind := trial % 4
		for i := range img.Pix {
			switch kind {
			case 0: // noise
				img.Pix[i] = byte(rng.IntN(256))
			case 1: // bars of two greys, a little noise
				img.Pix[i] = byte([]int{30, 200}[i/(1+rng.IntN(4))%2] + rng.IntN(9))
			case 2: // low contrast
				img.Pix[i] = byte(120 + rng.IntN(6))
			default: // greys on bucket edges
				img.Pix[i] = byte(8*rng.IntN(32) + []int{0, 7}[rng.IntN(2)])
			}
		}
		src := newLuminanceSource(img)
		cols := &columnSource{upright: src}
		for _, c := range []struct {
			name string
			ours gozxing.Binarizer
			src  gozxing.LuminanceSource
		}{
			{"upright", newHybridBinarizer(src), src},
			{"turned", newColumnBinarizer(cols), cols},
		} {
			theirs := gozxing.NewGlobalHistgramBinarizer(c.src)
			var reused *gozxing.BitArray
			if rng.IntN(2) == 0 {
				reused = gozxing.NewBitArray(c.src.GetWidth() + rng.IntN(70) - 1)
				for i := range reused.GetSize() {
					if rng.IntN(2) == 0 {
						reused.Set(i)
					}
				}
			}
			for y := range c.src.GetHeight() {
				want, wantErr := theirs.GetBlackRow(y, nil)
				got, gotErr := c.ours.GetBlackRow(y, reused)
				if (gotErr != nil) != (wantErr != nil) {
					t.Fatalf("%s %dx%d row %d: error %v, gozxing's %v", c.name, w, h, y, gotErr, wantErr)
				}
				if wantErr != nil {
					refused++
					if got != nil {
						t.Fatalf("%s %dx%d row %d: a row with the error", c.name, w, h, y)
					}
					continue
				}
				for x := range max(got.GetSize(), want.GetSize()) {
					g := x < got.GetSize() && got.Get(x)
					if wb := x < want.GetSize() && want.Get(x); g != wb {
						t.Fatalf("%s %dx%d row %d: pixel %d black = %v, gozxing's %v", c.name, w, h, y, x, g, wb)
					}
					if g {
						black++
					}
				}
			}
		}
	}
	// Both outcomes must be common, or the comparison proves little.
	if refused < 100 || black < 10000 {
		t.Fatalf("%d rows refused, %d black pixels: too few", refused, black)
	}
}
