package scanner_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"testing"

	"github.com/fieldbench/fieldbench/scanner"
)

// inColour prints code in ink and paper of the given colours, on the 1
// MP scene or on a 640 x 480 package all of the paper's colour, as an
// RGBA image or through JPEG.
func inColour(tb testing.TB, code *image.Gray, ink, paper color.RGBA, onScene, viaJPEG bool) image.Image {
	tb.Helper()
	var img *image.RGBA
	at := image.Pt(700, 380) // on the wall, right of the sheet of text
	if onScene {
		scene := scene1MP(tb, false)
		img = image.NewRGBA(scene.Bounds())
		draw.Draw(img, img.Bounds(), scene, image.Point{}, draw.Src)
	} else {
		img = image.NewRGBA(image.Rect(0, 0, 640, 480))
		draw.Draw(img, img.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)
		at = image.Pt(200, 120)
	}
	b := code.Bounds()
	for y := range b.Dy() {
		for x := range b.Dx() {
			c := paper
			if code.Pix[y*code.Stride+x] < 128 {
				c = ink
			}
			img.SetRGBA(at.X+x, at.Y+y, c)
		}
	}
	if !viaJPEG {
		return img
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestColourCodesRead: the blue-weighted rendering exists for ink that
// BT.601 renders too like its paper: yellow print on a white label, which
// the readers miss in BT.601's grey and read in the blue weighting's
// (each case checks both; a Data Matrix in such ink reads in neither). Decode must still look at that rendering for
// them; the scene without a code must not make it (issue 16: it doubled
// the cost of a frame with nothing in it).
func TestColourCodesRead(t *testing.T) {
	label := color.RGBA{235, 235, 235, 255}
	tests := []struct {
		name   string
		format scanner.Format
		text   string
		code   *image.Gray
		ink    color.RGBA
	}{
		{"QRYellow", scanner.QRCode, "FB1|T-2026-00016", qrImage(t, "FB1|T-2026-00016", 4), color.RGBA{255, 170, 0, 255}},
		{"QROlive", scanner.QRCode, "FB1|T-2026-00016", qrImage(t, "FB1|T-2026-00016", 4), color.RGBA{200, 200, 0, 255}},
		{"QRAmber", scanner.QRCode, "FB1|T-2026-00016", qrImage(t, "FB1|T-2026-00016", 4), color.RGBA{240, 190, 0, 255}},
	}
	for _, tt := range tests {
		for _, viaJPEG := range []bool{false, true} {
			img := inColour(t, tt.code, tt.ink, label, true, viaJPEG)
			grey := image.NewGray(img.Bounds())
			draw.Draw(grey, grey.Bounds(), img, img.Bounds().Min, draw.Src)
			t.Run(fmt.Sprintf("%s/JPEG=%v", tt.name, viaJPEG), func(t *testing.T) {
				for _, hard := range []bool{false, true} {
					opts := scanner.Options{TryHarder: hard}
					if c, err := scanner.Decode(t.Context(), grey, opts); err == nil {
						t.Fatalf("TryHarder=%v: BT.601's grey alone reads %s %q: not a case for the blue weighting", hard, c.Format, c.Text)
					}
					c, err := scanner.Decode(t.Context(), img, opts)
					if err != nil || c.Format != tt.format || c.Text != tt.text {
						t.Errorf("TryHarder=%v: Decode = %s %q, %v; want %s %q", hard, c.Format, c.Text, err, tt.format, tt.text)
					}
				}
			})
		}
	}
	scene := scene1MP(t, false)
	if n := scanner.ColourEdges(scene); n >= scanner.MinColourEdges {
		t.Errorf("the scene without a code has %d edges only the blue weighting has, want fewer than %d", n, scanner.MinColourEdges)
	}
}
