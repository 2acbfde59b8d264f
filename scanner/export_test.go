package scanner

import (
	"context"
	"golang.org/x/image/font/sfnt"
	"image"
)

// Lines are a label's printed lines of text.
func Lines(p Printable) []string { return p.lines() }

// Glance is the first look at img's luminance, shrunk as Decode shrinks
// it: finder patterns for QR Code, bars for the linear codes, an L for
// Data Matrix.
func Glance(img image.Image) (finders, bars, matrix bool) {
	small, _ := newLuminanceSource(img).scaleDown(DefaultMaxDimension)
	g := look(small)
	return g.finders, g.bars, g.matrix
}

// GlanceDense says whether the first look at img saw dense ink, the
// inside of a Data Matrix at a slant, which gates the Data Matrix reader
// on the crops around clusters of ink.
func GlanceDense(img image.Image) bool {
	small, _ := newLuminanceSource(img).scaleDown(DefaultMaxDimension)
	return look(small).dense
}

// DecodeWithoutLook is Decode with the first look turned off: every
// reader pass runs, as before issue 16.
func DecodeWithoutLook(ctx context.Context, img image.Image, opts Options) (Code, error) {
	d, err := newDecoder(opts)
	if err != nil {
		return Code{}, err
	}
	d.blind = true
	return d.decode(ctx, img)
}

// ColourEdges counts the edges only the blue-weighted rendering of img
// has, and MinColourEdges is how many make Decode look at it when the
// BT.601 looks saw nothing.
func ColourEdges(img image.Image) int { return colourEdges(img, 1<<30) }

const MinColourEdges = minColourEdges

// LabelFontHas reports whether the labels' font draws r.
func LabelFontHas(r rune) bool {
	var b sfnt.Buffer
	i, err := monoBold.GlyphIndex(&b, r)
	return err == nil && i != 0
}

// LinePoints are the sizes, in points, p's lines are set at.
func LinePoints(p Printable, size LabelSize) []float64 {
	_, lines, err := layOut(p, size)
	if err != nil {
		return nil
	}
	var out []float64
	for _, l := range lines {
		out = append(out, l.pt)
	}
	return out
}
