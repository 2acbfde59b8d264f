package signimg

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"golang.org/x/image/vector"

	"github.com/fieldbench/fieldbench/app"
)

// The picture's size: the signature box (1000 x 400) at 0.6, sharp on a
// report at 5 cm wide and a few KB as a PNG.
const (
	Width  = 600
	Height = 240
	// MaxSide bounds either side of a picture Render makes.
	MaxSide = 4000
)

// ink is the pen's colour: a dark blue, as a pen on paper, told apart
// from the report's black print.
var ink = color.NRGBA{R: 0x10, G: 0x28, B: 0x78, A: 0xff}

// PNG renders strokes at Width x Height on white and encodes the picture
// as a PNG.
func PNG(strokes []app.Stroke) ([]byte, error) {
	img, err := Render(strokes, Width, Height)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("encode signature picture: %w", err)
	}
	return b.Bytes(), nil
}

// Render draws strokes, scaled from the signature box to w x h, as
// anti-aliased lines with round joins and ends on white; a stroke of one
// point is a dot. The picture is paletted (white, the ink and 14 shades
// between), which keeps the PNG small.
func Render(strokes []app.Stroke, w, h int) (*image.Paletted, error) {
	if w < 1 || h < 1 || w > MaxSide || h > MaxSide {
		return nil, fmt.Errorf("signature picture of %dx%d: each side must be 1 to %d pixels", w, h, MaxSide)
	}
	sx := float32(w) / app.SignatureWidth
	sy := float32(h) / app.SignatureHeight
	// The pen is 2% of the height wide: about 5 pixels at 240, a
	// ballpoint's line against a signature's height.
	r := float32(h) / 100
	z := vector.NewRasterizer(w, h)
	for _, s := range strokes {
		for i, p := range s {
			x, y := float32(p.X)*sx, float32(p.Y)*sy
			dot(z, x, y, r)
			if i > 0 {
				q := s[i-1]
				segment(z, float32(q.X)*sx, float32(q.Y)*sy, x, y, r)
			}
		}
	}
	cov := image.NewAlpha(image.Rect(0, 0, w, h))
	z.Draw(cov, cov.Bounds(), image.Opaque, image.Point{})
	img := image.NewPaletted(cov.Bounds(), palette)
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for i, a := range cov.Pix {
		if a != 0 {
			img.Pix[i] = uint8((int(a)*(len(palette)-1) + 127) / 255)
		}
	}
	return img, nil
}

// palette runs from white (0) to the ink (15).
var palette = func() color.Palette {
	p := make(color.Palette, 16)
	for i := range p {
		t := float64(i) / float64(len(p)-1)
		mix := func(c uint8) uint8 { return uint8(math.Round(255 - t*(255-float64(c)))) }
		p[i] = color.NRGBA{R: mix(ink.R), G: mix(ink.G), B: mix(ink.B), A: 0xff}
	}
	return p
}()

// Every shape is drawn clockwise (on screen): the rasterizer adds the
// coverage of overlapping shapes of one winding, and would cancel those of
// opposite windings.

// segment draws the rectangle of width 2r from (x0, y0) to (x1, y1).
func segment(z *vector.Rasterizer, x0, y0, x1, y1, r float32) {
	dx, dy := x1-x0, y1-y0
	l := float32(math.Hypot(float64(dx), float64(dy)))
	if l == 0 {
		return
	}
	nx, ny := -dy/l*r, dx/l*r
	z.MoveTo(x0-nx, y0-ny)
	z.LineTo(x1-nx, y1-ny)
	z.LineTo(x1+nx, y1+ny)
	z.LineTo(x0+nx, y0+ny)
	z.ClosePath()
}

// dot draws a disc of radius r, the round join or end at a point.
func dot(z *vector.Rasterizer, x, y, r float32) {
	const n = 16
	z.MoveTo(x+r, y)
	for i := 1; i < n; i++ {
		a := 2 * math.Pi * float64(i) / n
		z.LineTo(x+r*float32(math.Cos(a)), y+r*float32(math.Sin(a)))
	}
	z.ClosePath()
}
