package scanner

import (
	"context"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

func TestTiles(t *testing.T) {
	tests := map[string]struct {
		w, h, tw, th int
	}{
		"Landscape12MP": {4000, 3000, 1600, 1200},
		"Portrait12MP":  {3000, 4000, 1200, 1600},
		"Wide":          {5000, 1000, 1600, 320},
		"JustOver":      {1700, 1275, 1600, 1200},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			centre := image.Rect(0, 0, tt.tw, tt.th).Add(image.Pt((tt.w-tt.tw)/2, (tt.h-tt.th)/2))
			all := append(tiles(tt.w, tt.h, tt.tw, tt.th, centre), centre)
			bounds := image.Rect(0, 0, tt.w, tt.h)
			// Every pixel is covered, and every tile is inside the image.
			for _, r := range all {
				if !r.In(bounds) || r.Dx() != tt.tw || r.Dy() != tt.th {
					t.Errorf("tile %v: outside %v or not %dx%d", r, bounds, tt.tw, tt.th)
				}
			}
			for y := 0; y < tt.h; y += 7 {
				for x := 0; x < tt.w; x += 7 {
					covered := false
					for _, r := range all {
						covered = covered || image.Pt(x, y).In(r)
					}
					if !covered {
						t.Fatalf("(%d,%d) is in no tile: %v", x, y, all)
					}
				}
			}
		})
	}
	c := image.Rect(1200, 900, 2800, 2100)
	for _, r := range tiles(4000, 3000, 1600, 1200, c) {
		if r == c {
			t.Errorf("the centre crop is tiled again")
		}
	}
}

func TestTally(t *testing.T) {
	a := Code{Format: EAN13, Text: "4006381333931"}
	b := Code{Format: EAN8, Text: "02700700"}
	var tl tally
	if _, n := tl.best(); n != 0 {
		t.Fatal("empty tally has a best answer")
	}
	for i, step := range []struct {
		c    Code
		lead int
	}{{b, 1}, {a, 0}, {b, 1}, {a, 0}, {a, 1}, {a, 2}} {
		if got := tl.add(step.c, 0); got != step.lead {
			t.Fatalf("step %d: lead %d, want %d", i, got, step.lead)
		}
	}
	if c, n := tl.best(); c.Text != a.Text || n != 4 {
		t.Errorf("best = %q with %d votes", c.Text, n)
	}
	var tie tally
	tie.add(b, 0)
	tie.add(a, 0)
	if c, _ := tie.best(); c.Text != b.Text {
		t.Errorf("a tie goes to %q, want the earlier %q", c.Text, b.Text)
	}
}

func TestRotationOf(t *testing.T) {
	tests := map[string]struct {
		f    Format
		pts  []image.Point
		want int
	}{
		"LinearRight": {EAN13, []image.Point{{10, 50}, {200, 52}}, 0},
		"LinearDown":  {EAN13, []image.Point{{10, 50}, {12, 250}}, 90},
		"LinearLeft":  {Code128, []image.Point{{200, 50}, {10, 50}}, 180},
		"LinearUp":    {ITF, []image.Point{{10, 250}, {10, 50}}, 270},
		"QRUpright":   {QRCode, []image.Point{{10, 100}, {10, 10}, {100, 10}}, 0},
		"QRTurned90":  {QRCode, []image.Point{{10, 10}, {100, 10}, {100, 100}}, 90},
		"DMTurned180": {DataMatrix, []image.Point{{10, 10}, {100, 10}, {10, 10}, {10, 100}}, 180},
		"NoPoints":    {QRCode, nil, 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := rotationOf(tt.f, tt.pts); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestLatin1ToUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "",
		"plain ASCII":          "plain ASCII",
		"\xf3\xf3ab\xf3zz":     "óóabózz",
		"caf\xe9 \xa9 \xff":    "café © ÿ",
		"\xc3\xa9 is 2 chars?": "Ã© is 2 chars?", // Latin-1, never UTF-8
	} {
		if got := latin1ToUTF8(in); got != want {
			t.Errorf("latin1ToUTF8(%q) = %q, want %q", in, got, want)
		}
	}
}

func encode128(tb testing.TB, contents string) image.Image {
	tb.Helper()
	m, err := oned.NewCode128Writer().Encode(contents, gozxing.BarcodeFormat_CODE_128, 0, 1, nil)
	if err != nil {
		tb.Fatal(err)
	}
	const module, height, margin = 3, 60, 30
	img := image.NewGray(image.Rect(0, 0, m.GetWidth()*module+2*margin, height+2*margin))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for x := range m.GetWidth() * module {
		if m.Get(x/module, 0) {
			for y := margin; y < margin+height; y++ {
				img.Pix[y*img.Stride+margin+x] = 0
			}
		}
	}
	return img
}

// TestCode128Extended: FNC4 characters come back as UTF-8, and FNC1
// separators are dropped or kept as asked.
func TestCode128Extended(t *testing.T) {
	const fnc1, fnc4 = "\u00f1", "\u00f4" // gozxing's writer escapes
	tests := map[string]struct {
		contents string
		keep     bool
		want     string
		sym      string
	}{
		"FNC4":          {fnc4 + "s1234" + fnc4 + "i", false, "ó1234é", "]C0"},
		"GS1":           {fnc1 + "0104012345678901" + "21ABC" + fnc1 + "10LOT7", false, "010401234567890121ABC10LOT7", "]C1"},
		"GS1KeepFNC1":   {fnc1 + "0104012345678901" + "21ABC" + fnc1 + "10LOT7", true, "010401234567890121ABC\x1d10LOT7", "]C1"},
		"PlainKeepFNC1": {"PART-4711", true, "PART-4711", "]C0"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := Decode(t.Context(), encode128(t, tt.contents), Options{KeepFNC1: tt.keep})
			if err != nil {
				t.Fatal(err)
			}
			if c.Format != Code128 || c.Text != tt.want || c.Symbology != tt.sym {
				t.Errorf("got %s %q %s, want CODE_128 %q %s", c.Format, c.Text, c.Symbology, tt.want, tt.sym)
			}
		})
	}
}

// dmLabel draws a Data Matrix (5 px modules) at (40, 40) of a white
// 900 x 700 image; busy adds a dark frame around the centre.
func dmLabel(tb testing.TB, text string, busy bool) (*image.Gray, image.Rectangle) {
	tb.Helper()
	m, err := datamatrix.NewDataMatrixWriter().Encode(text, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0, nil)
	if err != nil {
		tb.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 900, 700))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	if busy {
		for y := 300; y < 420; y++ {
			for x := 380; x < 560; x++ {
				if y < 306 || y >= 414 || x < 386 || x >= 554 {
					img.Pix[y*img.Stride+x] = 40
				}
			}
		}
		// A solid block and a rule: ink, but not code-like.
		for y := 500; y < 600; y++ {
			for x := 600; x < 700; x++ {
				img.Pix[y*img.Stride+x] = 0
			}
		}
		for x := 100; x < 800; x++ {
			img.Pix[650*img.Stride+x] = 0
		}
	}
	const module, at = 5, 40
	for y := range m.GetHeight() * module {
		for x := range m.GetWidth() * module {
			if m.Get(x/module, y/module) {
				img.Pix[(at+y)*img.Stride+at+x] = 0
			}
		}
	}
	return img, image.Rect(at, at, at+m.GetWidth()*module, at+m.GetHeight()*module)
}

// TestDataMatrixOffCentre: the detector, starting from the centre of the
// image, misses a symbol in a corner; a quadrant crop finds it, or with
// other ink about, a crop around its blob.
func TestDataMatrixOffCentre(t *testing.T) {
	for name, busy := range map[string]bool{"Quiet": false, "Busy": true} {
		t.Run(name, func(t *testing.T) {
			img, symbol := dmLabel(t, "SN 0042-A7", busy)
			d, err := newDecoder(Options{Formats: []Format{DataMatrix}})
			if err != nil {
				t.Fatal(err)
			}
			whole := newView(newLuminanceSource(img), 1, image.Point{})
			if c, ok := d.read(whole, d.dm, d.hints); ok {
				t.Logf("the whole image decoded (%q): the test no longer shows the need for crops", c.Text)
			}
			c, err := Decode(t.Context(), img, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if c.Format != DataMatrix || c.Text != "SN 0042-A7" {
				t.Fatalf("got %s %q", c.Format, c.Text)
			}
			for _, p := range c.Points {
				if !p.In(symbol.Inset(-10)) {
					t.Errorf("point %v is not on the symbol %v", p, symbol)
				}
			}
		})
	}
}

func TestBlobs(t *testing.T) {
	img, symbol := dmLabel(t, "SN 0042-A7", true)
	v := newView(newLuminanceSource(img), 1, image.Point{})
	m, err := v.bitmap.GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	got := blobs(m, 6)
	if len(got) == 0 || !symbol.In(got[0]) {
		t.Fatalf("blobs = %v, want the first to hold the symbol %v", got, symbol)
	}
	for _, r := range got {
		if image.Rect(600, 500, 700, 600).In(r.Inset(-1)) && !symbol.In(r) {
			t.Errorf("blob %v is the solid block", r)
		}
	}
}

// TestCropAndTurnBits: the bits cut and turned word by word are the
// parent's, pixel for pixel, at every offset within a word and odd sizes.
func TestCropAndTurnBits(t *testing.T) {
	const w, h = 101, 67
	rng := rand.New(rand.NewPCG(3, 5))
	pix := make([]byte, w*h)
	for i := range pix {
		pix[i] = byte(rng.IntN(256))
	}
	v := newView(&luminanceSource{pix: pix, stride: w, width: w, height: h}, 1, image.Point{})
	parent, err := v.bitmap.GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []image.Rectangle{
		image.Rect(0, 0, w, h), image.Rect(1, 2, 40, 30), image.Rect(31, 5, 64, 66),
		image.Rect(32, 0, 101, 67), image.Rect(63, 10, 65, 12), image.Rect(17, 1, 100, 9),
	} {
		m, err := v.cropBits(r).bitmap.GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		for y := range r.Dy() {
			for x := range r.Dx() {
				if m.Get(x, y) != parent.Get(r.Min.X+x, r.Min.Y+y) {
					t.Fatalf("crop %v: bit %d,%d differs", r, x, y)
				}
			}
		}
	}
	for _, deg := range []int{90, 180, 270} {
		tv := v.turnedBits(v.turned(deg))
		m, err := tv.bitmap.GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		if m.GetWidth() != tv.src.width || m.GetHeight() != tv.src.height {
			t.Fatalf("turned %d: %dx%d bits for a %dx%d view", deg, m.GetWidth(), m.GetHeight(), tv.src.width, tv.src.height)
		}
		for y := range h {
			for x := range w {
				tx, ty := rotatePoint(float64(x), float64(y), w, h, deg)
				if m.Get(int(tx), int(ty)) != parent.Get(x, y) {
					t.Fatalf("turned %d: bit %d,%d differs", deg, x, y)
				}
			}
		}
	}
}

// matrixCounter stands for a matrix reader: it records the size of every
// view it is given and reads nothing. With confirm, it reports a finder
// pattern to the QR Code hints' callback on each call, as the detector
// does for each pattern it confirms.
type matrixCounter struct {
	sizes   []image.Point
	confirm bool
}

func (m *matrixCounter) Decode(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]any) (*gozxing.Result, error) {
	m.sizes = append(m.sizes, image.Pt(bm.GetWidth(), bm.GetHeight()))
	if cb, ok := hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK].(gozxing.ResultPointCallback); ok && m.confirm {
		cb(gozxing.NewResultPoint(1, 1))
	}
	return nil, gozxing.NewNotFoundException()
}

func (m *matrixCounter) DecodeWithoutHints(bm *gozxing.BinaryBitmap) (*gozxing.Result, error) {
	return m.Decode(bm, nil)
}

func (m *matrixCounter) Reset() {}

// TestCropsAfterConfirmedFinders: the QR Code reader runs on the crops of
// the whole view (the quadrants and the clusters of ink) only once the
// detector has confirmed a finder pattern in the decode; here a QR Code
// whose finder patterns the look sees, and a stand-in reader that
// confirms one on each call or none.
func TestCropsAfterConfirmedFinders(t *testing.T) {
	m, err := qrcode.NewQRCodeWriter().Encode("crops after finders", gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 4})
	if err != nil {
		t.Fatal(err)
	}
	const module = 4
	n := m.GetWidth()
	img := image.NewGray(image.Rect(0, 0, n*module*3/2, n*module))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := range n * module {
		for x := range n * module {
			if m.Get(x/module, y/module) {
				img.Pix[y*img.Stride+x] = 0
			}
		}
	}
	if finders, _, _ := Glance(img); !finders {
		t.Fatal("the look saw no finder patterns: the image tests nothing")
	}
	whole := img.Bounds().Dx() * img.Bounds().Dy()
	for _, confirm := range []bool{false, true} {
		d, err := newDecoder(Options{TryHarder: true, Formats: []Format{QRCode}})
		if err != nil {
			t.Fatal(err)
		}
		qr := &matrixCounter{confirm: confirm}
		d.qr = qr
		if _, err := d.decode(context.Background(), img); err == nil {
			t.Fatal("the stand-in reader read a code")
		}
		crops := 0
		for _, s := range qr.sizes {
			if s.X*s.Y < whole {
				crops++
			}
		}
		if len(qr.sizes) == 0 {
			t.Fatal("the QR Code reader never ran: the image tests nothing")
		}
		if confirm && crops == 0 {
			t.Errorf("no crop read after the detector confirmed %d patterns", d.finders)
		}
		if !confirm && crops > 0 {
			t.Errorf("%d crops read although the detector confirmed no finder pattern", crops)
		}
	}
}

// TestBlueRenderingGated: in the blue-weighted rendering, made only after
// the BT.601 one has failed, the matrix readers' first pass over the
// whole image waits for that rendering's look like every later pass;
// here coloured stripes, bars and no finder pattern or Data Matrix, so
// QR Code and Data Matrix each run on the whole image once, in BT.601's
// first pass only; unless the QR Code detector confirmed a finder pattern
// there (a stand-in reader confirms one on each call), when the blue
// rendering's first pass runs before its look, as BT.601's does.
func TestBlueRenderingGated(t *testing.T) {
	const w, h = 320, 240
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(16, 9))
	inks := []color.RGBA{{0, 0, 0, 255}, {20, 30, 160, 255}, {170, 20, 20, 255}}
	for x := 0; x < w; {
		bar := 2 + rng.IntN(5)
		ink := inks[rng.IntN(len(inks))]
		for i := x; i < min(w, x+bar); i++ {
			for y := range h {
				if x < 40 || x >= w-40 || (x/bar)%2 == 1 {
					img.Set(i, y, color.RGBA{255, 255, 255, 255})
				} else {
					img.Set(i, y, ink)
				}
			}
		}
		x += bar
	}
	for _, confirm := range []bool{false, true} {
		d, err := newDecoder(Options{TryHarder: true, Formats: []Format{QRCode, DataMatrix, Code39}})
		if err != nil {
			t.Fatal(err)
		}
		qr, dm := &matrixCounter{confirm: confirm}, &matrixCounter{}
		d.qr, d.dm = qr, dm
		if c, err := d.decode(context.Background(), img); err == nil {
			t.Fatalf("read %q from stripes", c.Text)
		}
		if d.looks != 2 {
			t.Fatalf("%d looks taken, want 2 (BT.601 and blue-weighted): the image tests nothing", d.looks)
		}
		if d.seen.finders || d.seen.matrix {
			t.Fatalf("the looks saw finder patterns %v, a Data Matrix %v: the image tests nothing", d.seen.finders, d.seen.matrix)
		}
		// Reads of the whole image; Data Matrix also runs on the crops
		// around clusters of ink, gated on the dense ink the looks see.
		wholeReads := func(m *matrixCounter) int {
			n := 0
			for _, s := range m.sizes {
				if s == image.Pt(w, h) {
					n++
				}
			}
			return n
		}
		want := 1 // BT.601's first pass
		if confirm {
			want = 2 // and the blue-weighted rendering's
		}
		if q, m := wholeReads(qr), wholeReads(dm); q != want || m != want {
			t.Errorf("finder patterns confirmed %d: QR Code ran %d times on the whole image, Data Matrix %d, want %d each", d.finders, q, m, want)
		}
	}
}
