package scanner

import (
	"context"
	"errors"
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

const qrFakeText = "FB1|T|FB-2026-002700|false alignment"

// qrFakeAlignment renders a version 5 QR Code (37 modules, one alignment
// pattern at module 30,30) with its alignment pattern painted out and a
// look-alike drawn dx, dy modules away, module pixels per module. The
// painted modules are within what error correction level H repairs.
func qrFakeAlignment(tb testing.TB, dx, dy, module int) *image.Gray {
	tb.Helper()
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: "H",
		gozxing.EncodeHintType_QR_VERSION:       5,
		gozxing.EncodeHintType_MARGIN:           4,
	}
	m, err := qrcode.NewQRCodeWriter().Encode(qrFakeText, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		tb.Fatal(err)
	}
	const quiet, centre = 4, 30
	n := m.GetWidth()
	black := make([]bool, n*n)
	for y := range n {
		for x := range n {
			black[y*n+x] = m.Get(x, y)
		}
	}
	set := func(x, y int, b bool) { black[(quiet+y)*n+quiet+x] = b }
	for y := centre - 2; y <= centre+2; y++ {
		for x := centre - 2; x <= centre+2; x++ {
			set(x, y, false)
		}
	}
	cx, cy := centre+dx, centre+dy
	for y := -2; y <= 2; y++ {
		for x := -2; x <= 2; x++ {
			ring := max(abs(x), abs(y))
			set(cx+x, cy+y, ring != 1) // black edge, white ring, black centre
		}
	}
	img := image.NewGray(image.Rect(0, 0, n*module, n*module))
	for y := range n * module {
		for x := range n * module {
			if !black[(y/module)*n+x/module] {
				img.Pix[y*img.Stride+x] = 255
			}
		}
	}
	return img
}

// TestQRReaderFalseAlignment reads QR Codes whose alignment pattern is a
// look-alike away from where the finder patterns put it: gozxing's
// reader (and so ZXing Java's, which it follows) maps the grid through
// the look-alike and fails, qrReader samples again through the corner the
// finder patterns imply.
func TestQRReaderFalseAlignment(t *testing.T) {
	for _, tc := range []struct {
		name       string
		dx, dy     int
		gozxingOK  bool // whether gozxing's own reader reads it
		wantPoints int  // result points: 4 through the pattern, 3 without
	}{
		{"pattern in place", 0, 0, true, 4},
		{"look-alike 3 modules left", -3, 0, false, 3},
		{"look-alike 2 modules up and left", -2, -2, false, 3},
		{"look-alike 3 modules up", 0, -3, false, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := qrFakeAlignment(t, tc.dx, tc.dy, 6)
			bm, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(newLuminanceSource(img)))
			if err != nil {
				t.Fatal(err)
			}
			res, err := qrcode.NewQRCodeReader().Decode(bm, nil)
			if got := err == nil && res.GetText() == qrFakeText; got != tc.gozxingOK {
				t.Errorf("gozxing's reader read it: %v (%v), want %v", got, err, tc.gozxingOK)
			}
			res, err = newQRReader().Decode(bm, nil)
			if err != nil {
				t.Fatalf("qrReader: %v", err)
			}
			if res.GetText() != qrFakeText || len(res.GetResultPoints()) != tc.wantPoints {
				t.Errorf("qrReader read %q with %d points, want %q with %d", res.GetText(), len(res.GetResultPoints()), qrFakeText, tc.wantPoints)
			}
			if id := res.GetResultMetadata()[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER]; id != "]Q1" {
				t.Errorf("symbology %v, want ]Q1", id)
			}
			c, err := Decode(context.Background(), img, Options{TryHarder: true, Formats: []Format{QRCode}})
			if err != nil || c.Text != qrFakeText || c.Rotation != 0 {
				t.Errorf("Decode = %+v, %v", c, err)
			}
		})
	}
}

// FuzzQRReaderFalseAlignment damages the false-alignment image: the retry
// must never read anything but the code's own text, nor fail other than
// with ErrNotFound.
func FuzzQRReaderFalseAlignment(f *testing.F) {
	f.Add(int8(-3), int8(0), []byte{})
	f.Add(int8(0), int8(0), []byte{1, 2, 3, 200, 17, 99})
	f.Add(int8(-2), int8(-2), []byte{255, 0, 255, 0, 128})
	f.Fuzz(func(t *testing.T, dx, dy int8, damage []byte) {
		img := qrFakeAlignment(t, int(dx%4), int(dy%4), 3)
		// Each pair of bytes flips one module-sized block.
		for i := 0; i+1 < len(damage) && i < 64; i += 2 {
			bx, by := int(damage[i])%45*3, int(damage[i+1])%45*3
			for y := by; y < by+3; y++ {
				for x := bx; x < bx+3; x++ {
					img.Pix[y*img.Stride+x] ^= 255
				}
			}
		}
		c, err := Decode(context.Background(), img, Options{Formats: []Format{QRCode}})
		switch {
		case err == nil && c.Text != qrFakeText:
			t.Fatalf("misread %q", c.Text)
		case err != nil && !errors.Is(err, ErrNotFound):
			t.Fatalf("error %v, want ErrNotFound", err)
		}
	})
}
