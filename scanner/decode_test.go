package scanner_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/scanner/scannertest"
)

// qrImage renders text as a QR Code with module pixels per module.
func qrImage(tb testing.TB, text string, module int) *image.Gray {
	tb.Helper()
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		tb.Fatal(err)
	}
	bits := q.Bitmap() // includes a 4-module quiet zone
	return boolImage(len(bits[0]), len(bits), module, module, func(x, y int) bool { return bits[y][x] })
}

// boolImage draws a w x h grid of modules, each mw x mh pixels, black where
// black(x, y).
func boolImage(w, h, mw, mh int, black func(x, y int) bool) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w*mw, h*mh))
	for y := range h * mh {
		for x := range w * mw {
			v := uint8(255)
			if black(x/mw, y/mh) {
				v = 0
			}
			img.Pix[y*img.Stride+x] = v
		}
	}
	return img
}

// matrixImage draws a gozxing BitMatrix, each bit scale pixels.
func matrixImage(m *gozxing.BitMatrix, sx, sy int) *image.Gray {
	return boolImage(m.GetWidth(), m.GetHeight(), sx, sy, m.Get)
}

// writeCode renders text in format with gozxing's writers.
func writeCode(tb testing.TB, f scanner.Format, text string) *image.Gray {
	tb.Helper()
	var (
		m   *gozxing.BitMatrix
		err error
	)
	const barHeight = 60
	switch f {
	case scanner.EAN13:
		m, err = oned.NewEAN13Writer().Encode(text, gozxing.BarcodeFormat_EAN_13, 0, 1, nil)
	case scanner.EAN8:
		m, err = oned.NewEAN8Writer().Encode(text, gozxing.BarcodeFormat_EAN_8, 0, 1, nil)
	case scanner.UPCA:
		m, err = oned.NewUPCAWriter().Encode(text, gozxing.BarcodeFormat_UPC_A, 0, 1, nil)
	case scanner.UPCE:
		m, err = oned.NewUPCEWriter().Encode(text, gozxing.BarcodeFormat_UPC_E, 0, 1, nil)
	case scanner.Code128:
		m, err = oned.NewCode128Writer().Encode(text, gozxing.BarcodeFormat_CODE_128, 0, 1, nil)
	case scanner.Code39:
		m, err = oned.NewCode39Writer().Encode(text, gozxing.BarcodeFormat_CODE_39, 0, 1, nil)
	case scanner.ITF:
		m, err = oned.NewITFWriter().Encode(text, gozxing.BarcodeFormat_ITF, 0, 1, nil)
	case scanner.DataMatrix:
		m, err = datamatrix.NewDataMatrixWriter().Encode(text, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0, nil)
		if err == nil {
			// The writer leaves no quiet zone.
			return pad(matrixImage(m, 6, 6), 24)
		}
	case scanner.QRCode:
		return qrImage(tb, text, 4)
	}
	if err != nil {
		tb.Fatalf("encode %s %q: %v", f, text, err)
	}
	return pad(matrixImage(m, 3, barHeight), 30)
}

// pad surrounds img with a white margin.
func pad(img *image.Gray, margin int) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()+2*margin, b.Dy()+2*margin))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	for y := range b.Dy() {
		copy(out.Pix[(y+margin)*out.Stride+margin:], img.Pix[y*img.Stride:y*img.Stride+b.Dx()])
	}
	return out
}

func TestDecodeQRRoundTrip(t *testing.T) {
	texts := map[string]string{
		"ASCII":   "FB1|T-0042|Pixel 7|IMEI 356938035643809",
		"UTF8":    "Réparation écran – 修理 ✓",
		"Numeric": "0123456789012345678901234567890",
	}
	for name, text := range texts {
		src := qrImage(t, text, 4)
		for _, rot := range []int{0, 90, 180, 270} {
			t.Run(fmt.Sprintf("%s/%d", name, rot), func(t *testing.T) {
				img := scannertest.Rotate(src, rot)
				c, err := scanner.Decode(t.Context(), img, scanner.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if c.Format != scanner.QRCode || c.Text != text {
					t.Fatalf("got %s %q, want QR_CODE %q", c.Format, c.Text, text)
				}
				if c.Rotation != rot {
					t.Errorf("Rotation = %d, want %d", c.Rotation, rot)
				}
				checkPoints(t, c, img.Bounds())
			})
		}
	}
}

func checkPoints(tb testing.TB, c scanner.Code, b image.Rectangle) {
	tb.Helper()
	if len(c.Points) == 0 {
		tb.Errorf("no points")
	}
	for _, p := range c.Points {
		if !p.In(b.Inset(-2)) {
			tb.Errorf("point %v outside %v", p, b)
		}
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	tests := []struct {
		format scanner.Format
		text   string
	}{
		{scanner.EAN13, "4006381333931"},
		{scanner.EAN8, "96385074"},
		{scanner.UPCA, "036000291452"},
		{scanner.UPCE, "01234565"},
		{scanner.Code128, "FB-2024/0042 repair"},
		{scanner.Code39, "PART-4711"},
		{scanner.ITF, "00012345678905"},
		{scanner.DataMatrix, "SN:ABC123456;IMEI:356938035643809"},
		{scanner.QRCode, "https://example.com/t/42"},
	}
	for _, tt := range tests {
		src := writeCode(t, tt.format, tt.text)
		for _, rot := range []int{0, 90, 180, 270} {
			for _, hard := range []bool{false, true} {
				// Linear codes turned a quarter need TryHarder.
				if rot%180 == 90 && !hard && !tt.format.Is2D() {
					continue
				}
				name := fmt.Sprintf("%s/%d", tt.format, rot)
				if hard {
					name += "/TryHarder"
				}
				t.Run(name, func(t *testing.T) {
					img := scannertest.Rotate(src, rot)
					c, err := scanner.Decode(t.Context(), img, scanner.Options{TryHarder: hard})
					if err != nil {
						t.Fatal(err)
					}
					if c.Format != tt.format || c.Text != tt.text {
						t.Fatalf("got %s %q, want %s %q", c.Format, c.Text, tt.format, tt.text)
					}
					if c.Rotation != rot {
						t.Errorf("Rotation = %d, want %d", c.Rotation, rot)
					}
					checkPoints(t, c, img.Bounds())
				})
			}
		}
	}
}

// TestDecodeUPCA checks Java's MultiFormatUPCEANReader semantics: the bars
// of a UPC-A are those of an EAN-13 with a leading 0.
func TestDecodeUPCA(t *testing.T) {
	upca := writeCode(t, scanner.UPCA, "036000291452")
	ean := writeCode(t, scanner.EAN13, "4006381333931")
	tests := map[string]struct {
		img     image.Image
		formats []scanner.Format
		want    scanner.Format
		text    string
	}{
		"AllFormats":      {upca, nil, scanner.UPCA, "036000291452"},
		"UPCAOnly":        {upca, []scanner.Format{scanner.UPCA}, scanner.UPCA, "036000291452"},
		"EAN13Only":       {upca, []scanner.Format{scanner.EAN13}, scanner.EAN13, "0036000291452"},
		"Both":            {upca, []scanner.Format{scanner.EAN13, scanner.UPCA}, scanner.UPCA, "036000291452"},
		"EAN13AsUPCAOnly": {ean, []scanner.Format{scanner.UPCA}, "", ""},
		"EAN13":           {ean, nil, scanner.EAN13, "4006381333931"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := scanner.Decode(t.Context(), tt.img, scanner.Options{Formats: tt.formats})
			if tt.want == "" {
				if !errors.Is(err, scanner.ErrNotFound) {
					t.Fatalf("got %v %v, want ErrNotFound", c, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Format != tt.want || c.Text != tt.text {
				t.Fatalf("got %s %q, want %s %q", c.Format, c.Text, tt.want, tt.text)
			}
		})
	}
}

func TestDecodeFormatsFilter(t *testing.T) {
	img := writeCode(t, scanner.QRCode, "only QR")
	_, err := scanner.Decode(t.Context(), img, scanner.Options{Formats: []scanner.Format{scanner.Code128, scanner.DataMatrix}})
	if !errors.Is(err, scanner.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

// TestDecodeOffset checks that points are in the input's coordinates when
// its bounds do not start at 0,0.
func TestDecodeOffset(t *testing.T) {
	src := pad(qrImage(t, "offset", 4), 100)
	sub := src.SubImage(image.Rect(60, 70, src.Bounds().Dx()-10, src.Bounds().Dy()-20))
	want, err := scanner.Decode(t.Context(), src, scanner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := scanner.Decode(t.Context(), sub, scanner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Points) != fmt.Sprint(want.Points) {
		t.Errorf("sub-image points %v, want %v", got.Points, want.Points)
	}
}

func TestDecodeErrors(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 200, 100))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := map[string]struct {
		ctx  context.Context
		img  image.Image
		opts scanner.Options
		code string
	}{
		"ErrNil":           {context.Background(), nil, scanner.Options{}, app.EINVALID},
		"ErrEmpty":         {context.Background(), image.NewGray(image.Rectangle{}), scanner.Options{}, app.EINVALID},
		"ErrUnknownFormat": {context.Background(), blank, scanner.Options{Formats: []scanner.Format{"PDF_417"}}, app.EINVALID},
		"ErrNotFound":      {context.Background(), blank, scanner.Options{TryHarder: true}, app.ENOTFOUND},
		"ErrTiny":          {context.Background(), image.NewGray(image.Rect(0, 0, 1, 1)), scanner.Options{TryHarder: true}, app.ENOTFOUND},
		"ErrCancelled":     {cancelled, writeCode(t, scanner.QRCode, "x"), scanner.Options{}, app.EINTERNAL},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := scanner.Decode(tt.ctx, tt.img, tt.opts)
			var e *app.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *app.Error", err, err)
			}
			if e.Code != tt.code || e.Key == "" || e.Text() == "" {
				t.Errorf("err = %+v, want code %s with key and message", e, tt.code)
			}
			if tt.code == app.ENOTFOUND && !errors.Is(err, scanner.ErrNotFound) {
				t.Errorf("not errors.Is(err, ErrNotFound)")
			}
			if name == "ErrCancelled" && !errors.Is(err, context.Canceled) {
				t.Errorf("not errors.Is(err, context.Canceled)")
			}
		})
	}
}

func encodeFile(tb testing.TB, img image.Image, format string) []byte {
	tb.Helper()
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, img)
	case "jpeg":
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	case "gif":
		err = gif.Encode(&b, img, nil)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// pngHeader returns the start of a PNG file (signature and IHDR) claiming
// w x h pixels, with no image data.
func pngHeader(w, h int) []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	data := b.Bytes()[:33] // signature (8) + IHDR chunk (25)
	data = bytes.Clone(data)
	be := func(p []byte, v uint32) { p[0], p[1], p[2], p[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v) }
	be(data[16:], uint32(w))
	be(data[20:], uint32(h))
	be(data[29:], crc32IEEE(data[12:29]))
	return data
}

func crc32IEEE(p []byte) uint32 {
	crc := ^uint32(0)
	for _, c := range p {
		crc ^= uint32(c)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xedb88320
			} else {
				crc >>= 1
			}
		}
	}
	return ^crc
}

func TestDecodeBytes(t *testing.T) {
	qr := writeCode(t, scanner.QRCode, "file QR")
	for _, format := range []string{"png", "jpeg", "gif"} {
		t.Run(format, func(t *testing.T) {
			c, err := scanner.DecodeBytes(t.Context(), encodeFile(t, qr, format), scanner.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if c.Text != "file QR" {
				t.Errorf("text %q", c.Text)
			}
		})
	}
	good := encodeFile(t, qr, "png")
	tests := map[string]struct {
		data []byte
		code string
		key  string
	}{
		"ErrEmpty":     {nil, app.EINVALID, "scan.file_empty"},
		"ErrGarbage":   {[]byte("this is not an image"), app.EINVALID, "scan.file_format"},
		"ErrTruncated": {good[:len(good)/2], app.ECORRUPT, "scan.file_corrupt"},
		"ErrTooLarge":  {pngHeader(10000, 5001), app.EINVALID, "photo.too_many_pixels"},
		"ErrZeroSize":  {pngHeader(0, 10), app.ECORRUPT, "scan.file_corrupt"},
		"ErrBMP":       {append([]byte("BM"), make([]byte, 60)...), app.EINVALID, "scan.file_format"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := scanner.DecodeBytes(t.Context(), tt.data, scanner.Options{})
			var e *app.Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Key != tt.key {
				t.Fatalf("err = %#v, want %s %s", err, tt.code, tt.key)
			}
			if strings.Contains(e.Text(), "{{") {
				t.Errorf("unrendered message %q", e.Text())
			}
		})
	}
}

func FuzzDecodeBytes(f *testing.F) {
	qr := qrImage(f, "fuzz", 2)
	f.Add(encodeFile(f, qr, "png"))
	f.Add(encodeFile(f, qr, "jpeg"))
	f.Add(encodeFile(f, qr, "gif"))
	f.Add(encodeFile(f, writeCode(f, scanner.EAN13, "4006381333931"), "png"))
	f.Add(encodeFile(f, writeCode(f, scanner.DataMatrix, "fuzz"), "png"))
	f.Add(pngHeader(10000, 10000))
	f.Add([]byte("GIF89a"))
	f.Add([]byte{0xff, 0xd8, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Keep each run quick: big images are DecodeBytes's business, but
		// the fuzzer would spend its time decoding them.
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > 1<<20 {
			t.Skip()
		}
		for _, hard := range []bool{false, true} {
			_, err := scanner.DecodeBytes(t.Context(), data, scanner.Options{TryHarder: hard})
			var e *app.Error
			if err != nil && !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *app.Error", err, err)
			}
		}
	})
}

// photo12MP returns a synthetic 4000x3000 camera photo, JPEG-decoded (so
// *image.YCbCr): unevenly lit, noisy background, a small QR Code (4 px
// modules) in the middle and an EAN-13 (7 px modules) down and to the
// left, on grey paper with grey ink.
func photo12MP(tb testing.TB) image.Image { return photo(tb, true) }

// photo returns the synthetic photo, with or without its codes.
func photo(tb testing.TB, codes bool) image.Image {
	tb.Helper()
	const w, h = 4000, 3000
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			// Light falling off to one side, a warm cast, sensor noise.
			v := 120 + 80*x/w + 20*y/h + rng.IntN(17) - 8
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(v), uint8(v-10), uint8(v-25), 255
		}
	}
	paste := func(src *image.Gray, at image.Point) {
		b := src.Bounds()
		for y := range b.Dy() {
			for x := range b.Dx() {
				v := src.Pix[y*src.Stride+x]
				// Paper is not white, ink is not black, and both are noisy.
				l := int(v)*150/255 + 60 + rng.IntN(17) - 8
				img.Set(at.X+x, at.Y+y, color.Gray{uint8(l)})
			}
		}
	}
	if codes {
		qr := qrImage(tb, "FB1|T-2024-00042|Galaxy S21|screen", 4)
		paste(qr, image.Pt((w-qr.Bounds().Dx())/2, (h-qr.Bounds().Dy())/2))
		m, err := oned.NewEAN13Writer().Encode("4006381333931", gozxing.BarcodeFormat_EAN_13, 0, 1, nil)
		if err != nil {
			tb.Fatal(err)
		}
		paste(pad(matrixImage(m, 7, 300), 40), image.Pt(300, 1900))
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		tb.Fatal(err)
	}
	out, err := jpeg.Decode(&b)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestDecodeLargePhoto(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 12-megapixel image")
	}
	img := photo12MP(t)
	if _, ok := img.(*image.YCbCr); !ok {
		t.Fatalf("photo is %T, want *image.YCbCr", img)
	}
	tests := map[string]struct {
		formats []scanner.Format
		want    scanner.Format
		near    image.Point
	}{
		// 4 px modules are 1.6 px once shrunk to 1600: only the
		// full-resolution centre crop can read this one.
		"QRCentre":     {[]scanner.Format{scanner.QRCode}, scanner.QRCode, image.Pt(2000, 1500)},
		"EANOffCentre": {[]scanner.Format{scanner.EAN13}, scanner.EAN13, image.Pt(700, 2040)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := scanner.Decode(t.Context(), img, scanner.Options{Formats: tt.formats})
			if err != nil {
				t.Fatal(err)
			}
			if c.Format != tt.want {
				t.Fatalf("format %s", c.Format)
			}
			for _, p := range c.Points {
				if d := p.Sub(tt.near); abs(d.X) > 500 || abs(d.Y) > 300 {
					t.Errorf("point %v is far from %v", p, tt.near)
				}
			}
		})
	}
}

// TestDecodeDeadline: a long decode stops soon after its context ends.
func TestDecodeDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 12-megapixel image")
	}
	img := photo(t, false) // nothing to find: every pass would run
	// The deadline must pass well before the decode could end: the whole
	// decode took about 70 ms at main 4c90830 and 40 ms once rows that
	// cannot start a code were no longer offered to gozxing (issue 16);
	// with 30 ms one run then saw the decode end first.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := scanner.Decode(ctx, img, scanner.Options{TryHarder: true})
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || app.ErrorCode(err) != app.EINTERNAL {
		t.Fatalf("err = %v, want a wrapped context.DeadlineExceeded", err)
	}
	t.Logf("stopped after %v", took)
	// The whole decode takes tens of milliseconds (more under -race), the
	// steps between checks less.
	if took > 2*time.Second {
		t.Errorf("took %v to notice the deadline", took)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestDecodeNoise: random texture must not decode. These seeds made
// EAN-8s out of noise before lone short reads were refused.
func TestDecodeNoise(t *testing.T) {
	for _, seed := range []uint64{0, 4, 20, 22} {
		rng := rand.New(rand.NewPCG(seed, 7))
		w, h := 400+rng.IntN(800), 300+rng.IntN(600)
		blur := int(seed % 4) // a box blur makes the noise blotchy
		raw := make([]int, w*h)
		for i := range raw {
			raw[i] = rng.IntN(256)
		}
		img := image.NewGray(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				s, n := 0, 0
				for yy := max(0, y-blur); yy <= min(h-1, y+blur); yy++ {
					for xx := max(0, x-blur); xx <= min(w-1, x+blur); xx++ {
						s += raw[yy*w+xx]
						n++
					}
				}
				img.Pix[y*w+x] = uint8(s / n)
			}
		}
		for _, hard := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d/TryHarder=%v", seed, hard), func(t *testing.T) {
				c, err := scanner.Decode(t.Context(), img, scanner.Options{TryHarder: hard})
				if !errors.Is(err, scanner.ErrNotFound) {
					t.Errorf("got %+v, %v; want ErrNotFound", c, err)
				}
			})
		}
	}
}

// TestDecodeConcurrent: Decode shares nothing between calls (run with
// -race).
func TestDecodeConcurrent(t *testing.T) {
	imgs := []struct {
		img  image.Image
		text string
	}{
		{writeCode(t, scanner.QRCode, "one"), "one"},
		{writeCode(t, scanner.DataMatrix, "two"), "two"},
		{writeCode(t, scanner.EAN13, "4006381333931"), "4006381333931"},
		{writeCode(t, scanner.Code128, "four"), "four"},
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			s := imgs[i%len(imgs)]
			c, err := scanner.Decode(t.Context(), s.img, scanner.Options{TryHarder: i%2 == 0})
			if err != nil || c.Text != s.text {
				t.Errorf("goroutine %d: got %q, %v; want %q", i, c.Text, err, s.text)
			}
		})
	}
	wg.Wait()
}

// scene1MP returns a deterministic 1152 x 864 camera-like scene, JPEG
// round-tripped: light falling across a wall, a few coloured objects
// with hard edges and shading, a disc, diagonal cables, lines of text-like strokes
// on a sheet of paper, and sensor noise. With codes, a QR Code and an
// EAN-13 are printed on the paper among the text.
func scene1MP(tb testing.TB, codes bool) image.Image {
	tb.Helper()
	const w, h = 1152, 864
	rng := rand.New(rand.NewPCG(16, 1))
	lum := make([]int, w*h)
	tint := make([][3]int8, w*h) // colour against grey, per channel
	for y := range h {
		for x := range w {
			lum[y*w+x] = 70 + 110*x/w + 40*y/h // the wall, lit from the right
		}
	}
	fill := func(r image.Rectangle, f func(x, y int) int) {
		r = r.Intersect(image.Rect(0, 0, w, h))
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				lum[y*w+x] = f(x, y)
			}
		}
	}
	// Coloured boxes and a device on the bench: flat faces shaded by a
	// gradient.
	for range 7 {
		x, y := rng.IntN(w-200), rng.IntN(h-150)
		bw, bh := 80+rng.IntN(220), 60+rng.IntN(160)
		base, slope := 30+rng.IntN(160), rng.IntN(60)-30
		c := [3]int8{int8(rng.IntN(61) - 30), int8(rng.IntN(61) - 30), int8(rng.IntN(61) - 30)}
		fill(image.Rect(x, y, x+bw, y+bh), func(px, py int) int {
			tint[py*w+px] = c
			return base + slope*(px-x)/bw
		})
	}
	// A disc (a roll of tape) and two cables crossing the scene.
	cx, cy, rad := 880, 250, 90
	fill(image.Rect(cx-rad, cy-rad, cx+rad, cy+rad), func(x, y int) int {
		if d := (x-cx)*(x-cx) + (y-cy)*(y-cy); d < rad*rad && d > rad*rad/4 {
			return 40 + (x-cx+rad)/3
		}
		return lum[y*w+x]
	})
	for k := range 2 {
		for x := range w {
			y0 := 600 + k*120 + (x*x/3000+x/5)%90 - 45
			fill(image.Rect(x, y0, x+1, y0+7), func(int, int) int { return 25 })
		}
	}
	// A sheet of paper with lines of text-like strokes.
	paper := image.Rect(140, 180, 640, 700)
	fill(paper, func(x, y int) int { return 200 + 20*x/w })
	for line := paper.Min.Y + 30; line < paper.Max.Y-30; line += 22 {
		x := paper.Min.X + 30
		for x < paper.Max.X-60 {
			word := 3 + rng.IntN(7)
			for range word {
				gw := 5 + rng.IntN(4) // one letter: strokes up, across, round
				for s := range 1 + rng.IntN(3) {
					sx := x + s*gw/3
					top := line + rng.IntN(4)
					fill(image.Rect(sx, top, sx+2, line+12), func(int, int) int { return 45 })
				}
				if rng.IntN(2) == 0 {
					fill(image.Rect(x, line+rng.IntN(10), x+gw, line+rng.IntN(10)+2), func(int, int) int { return 45 })
				}
				x += gw + 2
			}
			x += 8 + rng.IntN(6)
		}
	}
	if codes {
		put := func(src *image.Gray, at image.Point) {
			b := src.Bounds()
			fill(image.Rect(at.X, at.Y, at.X+b.Dx(), at.Y+b.Dy()), func(x, y int) int {
				return int(src.Pix[(y-at.Y)*src.Stride+x-at.X])*160/255 + 45
			})
		}
		put(qrImage(tb, "FB1|T-2026-00016|scene", 4), image.Pt(700, 420))
		m, err := oned.NewEAN13Writer().Encode("4006381333931", gozxing.BarcodeFormat_EAN_13, 0, 1, nil)
		if err != nil {
			tb.Fatal(err)
		}
		put(pad(matrixImage(m, 2, 60), 20), image.Pt(250, 560))
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i, v := range lum {
		v += rng.IntN(17) - 8
		c := tint[i]
		for k, cast := range [3]int{0, -8, -20} { // a warm cast
			img.Pix[4*i+k] = uint8(min(255, max(0, v+cast+int(c[k]))))
		}
		img.Pix[4*i+3] = 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		tb.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestDecodeScene: the camera-like scene without a code is ErrNotFound in
// both modes; with a QR Code and an EAN-13 printed on it, both read.
func TestDecodeScene(t *testing.T) {
	empty, coded := scene1MP(t, false), scene1MP(t, true)
	tests := []struct {
		name    string
		img     image.Image
		formats []scanner.Format
		want    string // "" for ErrNotFound
	}{
		{"NoCode", empty, nil, ""},
		{"NoCode/QROnly", empty, []scanner.Format{scanner.QRCode}, ""},
		{"NoCode/EANOnly", empty, []scanner.Format{scanner.EAN13}, ""},
		{"QR", coded, []scanner.Format{scanner.QRCode}, "FB1|T-2026-00016|scene"},
		{"EAN", coded, []scanner.Format{scanner.EAN13}, "4006381333931"},
	}
	for _, tt := range tests {
		for _, hard := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/TryHarder=%v", tt.name, hard), func(t *testing.T) {
				c, err := scanner.Decode(t.Context(), tt.img, scanner.Options{TryHarder: hard, Formats: tt.formats})
				if tt.want == "" {
					if !errors.Is(err, scanner.ErrNotFound) {
						t.Fatalf("got %+v, %v; want ErrNotFound", c, err)
					}
					return
				}
				if err != nil || c.Text != tt.want {
					t.Fatalf("got %q, %v; want %q", c.Text, err, tt.want)
				}
			})
		}
	}
}
