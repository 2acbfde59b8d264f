package scanner

import (
	"context"
	"errors"
	"image"
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// itfElements lists the widths, in narrow bars, of an ITF symbol's bars
// and spaces, bar first: start pattern, digit pairs, end pattern. wide is
// the wide bars' width.
func itfElements(digits string, wide float64) []float64 {
	out := []float64{1, 1, 1, 1}
	for i := 0; i+1 < len(digits); i += 2 {
		b, w := itfDigits[digits[i]-'0'], itfDigits[digits[i+1]-'0']
		for k := range 5 {
			out = append(out, width(b[k], wide), width(w[k], wide))
		}
	}
	return append(out, wide, 1, 1)
}

func width(p int, wide float64) float64 {
	if p == 1 {
		return 1
	}
	return wide
}

// itfImage draws elements (alternately black and white) with narrow
// pixels per narrow bar, each edge at the nearest pixel as a printer or
// camera would put it, between quiet zones of quiet narrow bars, 32
// narrow bars high (an ITF-14's bars are at least about that tall).
// before, if any, is drawn left of the left quiet zone.
func itfImage(elements []float64, narrow float64, quiet int, before []float64) *image.Gray {
	var edges []int // pixel positions where black starts and ends
	x := 0.0
	for i, e := range before {
		if i%2 == 0 {
			edges = append(edges, int(math.Round(x*narrow)))
			x += e
			edges = append(edges, int(math.Round(x*narrow)))
		} else {
			x += e
		}
	}
	x += float64(quiet)
	for i, e := range elements {
		if i%2 == 0 {
			edges = append(edges, int(math.Round(x*narrow)))
			x += e
			edges = append(edges, int(math.Round(x*narrow)))
		} else {
			x += e
		}
	}
	w, h := int(math.Round((x+float64(quiet))*narrow)), int(math.Round(32*narrow))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for i := 0; i+1 < len(edges); i += 2 {
		for y := range h {
			for x := edges[i]; x < edges[i+1]; x++ {
				img.Pix[y*img.Stride+x] = 0
			}
		}
	}
	return img
}

// TestITFReader compares the corrected reader with gozxing's on symbols
// made to show each difference, and on ones both must refuse.
func TestITFReader(t *testing.T) {
	const itf14 = "00012345678905"
	// Bars a label's border and a word make beside the code: a thick
	// line, then four strokes as even as the start pattern.
	clutter := []float64{3, 1, 1, 1, 1, 1, 1, 1, 1}
	const seven = "00017345678905"
	uneven := itfElements(seven, 2.5)
	// The black digit of the third pair, a 7 (narrow, narrow, narrow,
	// wide, wide), printed unevenly as 2, 2, 4, 7 and 9 pixels at 2 per
	// narrow bar: float32 (Java) reads it, float64 (gozxing) finds the
	// 2x and 3x sevens equally good and refuses it.
	for k, v := range []float64{1, 1, 2, 3.5, 4.5} {
		uneven[4+2*10+2*k] = v
	}
	for _, tc := range []struct {
		name        string
		img         *image.Gray
		want        string // "" when no reader may read it
		gozxingMiss bool   // gozxing's reader misses what ours reads
	}{
		{"ITF-14 wide bars 3x", itfImage(itfElements(itf14, 3), 3, 10, nil), itf14, false},
		{"ITF-14 wide bars 2x", itfImage(itfElements(itf14, 2), 3, 10, nil), itf14, false},
		{"ITF-14 wide bars 2.44x, the 2x and 3x forms tie", itfImage(itfElements(itf14, 2.4375), 8, 10, nil), itf14, true},
		{"one digit printed unevenly, float32 and float64 differ", itfImage(uneven, 2, 10, nil), seven, true},
		{"a border and strokes beside the code", itfImage(itfElements(itf14, 3), 3, 12, clutter), itf14, true},
		{"six digits", itfImage(itfElements("123456", 3), 3, 10, nil), "123456", false},
		{"four digits: too short", itfImage(itfElements("1234", 3), 3, 10, nil), "", false},
		{"the strokes 6 narrow bars from the code", itfImage(itfElements(itf14, 3), 3, 6, clutter), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			row := gozxing.NewBitArray(tc.img.Bounds().Dx())
			middle := tc.img.Bounds().Dy() / 2
			for x := range tc.img.Bounds().Dx() {
				if tc.img.Pix[middle*tc.img.Stride+x] < 128 {
					row.Set(x)
				}
			}
			ours, err := (&itfReader{}).DecodeRow(middle, row, nil)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("read %q, want nothing", ours.GetText())
				}
			} else if err != nil || ours.GetText() != tc.want {
				t.Fatalf("read %v, %v; want %q", ours, err, tc.want)
			}
			theirs, err := oned.NewITFReader().(oned.RowDecoder).DecodeRow(middle, row, nil)
			gozxingRead := err == nil && theirs.GetText() == tc.want
			if tc.want != "" && gozxingRead == tc.gozxingMiss {
				t.Errorf("gozxing's reader read it: %v (%v), want %v", gozxingRead, err, !tc.gozxingMiss)
			}
			if tc.want == "" && err == nil {
				t.Errorf("gozxing's reader read %q", theirs.GetText())
			}
			// And the whole scanner, at every quarter turn.
			for _, deg := range []int{0, 90, 180, 270} {
				c, err := Decode(context.Background(), turnGray(tc.img, deg), Options{Formats: []Format{ITF}})
				switch {
				case tc.want == "" && !errors.Is(err, ErrNotFound):
					t.Errorf("at %d: Decode = %+v, %v; want ErrNotFound", deg, c, err)
				case tc.want != "" && (err != nil || c.Text != tc.want):
					t.Errorf("at %d: Decode = %+v, %v; want %q", deg, c, err, tc.want)
				}
			}
		})
	}
}

// turnGray turns img clockwise by deg, a multiple of 90.
func turnGray(img *image.Gray, deg int) *image.Gray {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if deg%180 != 0 {
		w, h = h, w
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			tx, ty := rotatePoint(float64(x), float64(y), img.Bounds().Dx(), img.Bounds().Dy(), deg)
			out.Pix[int(ty)*out.Stride+int(tx)] = img.Pix[y*img.Stride+x]
		}
	}
	return out
}

// FuzzITFRow reads rows made of run lengths: the reader must not panic,
// must return only an allowed number of digits between the row's ends,
// and must agree with gozxing's reader whenever both read the row.
func FuzzITFRow(f *testing.F) {
	for _, wide := range []float64{2, 2.4375, 3} {
		// A white quiet zone, then an ITF-14 at 8 pixels per narrow bar.
		seed := []byte{39}
		for _, e := range itfElements("00012345678905", wide) {
			seed = append(seed, byte(math.Round(e*8)))
		}
		seed = append(seed, 39)
		if _, err := (&itfReader{}).DecodeRow(0, runsRow(seed), nil); err != nil {
			f.Fatalf("seed at %gx: %v; the fuzzer would not reach the digits", wide, err)
		}
		f.Add(seed)
	}
	f.Add([]byte{0, 8, 8, 8, 8, 8, 8, 19, 20, 8})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, runs []byte) {
		if len(runs) > 400 {
			return // rows of a few hundred runs say it all
		}
		row := runsRow(runs)
		size := row.GetSize()
		res, err := (&itfReader{}).DecodeRow(0, row, nil)
		if err != nil {
			return
		}
		text := res.GetText()
		if !itfLengthOK(len(text), nil) || len(text)%2 != 0 {
			t.Fatalf("read %q: a length Java refuses", text)
		}
		for _, c := range text {
			if c < '0' || c > '9' {
				t.Fatalf("read %q", text)
			}
		}
		p := res.GetResultPoints()
		if len(p) != 2 || p[0].GetX() < 0 || p[0].GetX() >= p[1].GetX() || p[1].GetX() > float64(size) {
			t.Fatalf("points %v in a row of %d", p, size)
		}
		if theirs, err := oned.NewITFReader().(oned.RowDecoder).DecodeRow(0, row, nil); err == nil && theirs.GetText() != text {
			t.Fatalf("read %q, gozxing %q", text, theirs.GetText())
		}
	})
}

// runsRow makes a row of alternately white and black runs, each byte a
// run of up to 39 pixels.
func runsRow(runs []byte) *gozxing.BitArray {
	size := 0
	for _, r := range runs {
		size += int(r % 40)
	}
	row := gozxing.NewBitArray(max(size, 1))
	x := 0
	for i, r := range runs {
		if i%2 == 1 {
			for k := x; k < x+int(r%40); k++ {
				row.Set(k)
			}
		}
		x += int(r % 40)
	}
	return row
}
