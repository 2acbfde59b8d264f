package scanner

import (
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/makiuchi-d/gozxing"
)

// luminanceSource is a gozxing.LuminanceSource over an 8-bit luminance
// plane. It is built without calling At per pixel: gozxing's own
// NewLuminanceSourceFromImage does, and spends ~460 ms on a 12-megapixel
// JPEG where reading the Y plane takes ~3 ms.
//
// A source is a window (left, top, width, height) on a plane with a stride,
// so Crop shares the plane and costs nothing. The plane may be the caller's
// own pixels (the Y plane of an *image.YCbCr, the Pix of an *image.Gray):
// a source never writes to it.
type luminanceSource struct {
	pix    []byte
	stride int
	left   int
	top    int
	width  int
	height int
	// blocks caches the statistics of the whole 8 x 8 blocks, which the
	// first look and the hybrid binarizer of the same source both take
	// (blockGrid). A new source (a crop, a turn) starts without.
	blocks *blockGrid
}

var _ gozxing.LuminanceSource = (*luminanceSource)(nil)

// newLuminanceSource returns the luminance of img, 0 black to 255 white.
// Colour is weighted as BT.601 (the weights of color.GrayModel and of a
// JPEG's Y plane), and transparent pixels count as white paper, as gozxing
// and ZXing do.
func newLuminanceSource(img image.Image) *luminanceSource {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return &luminanceSource{}
	}
	switch m := img.(type) {
	case *image.YCbCr:
		// JPEG stores BT.601 luma: use the plane as it is.
		return &luminanceSource{pix: m.Y[m.YOffset(b.Min.X, b.Min.Y):], stride: m.YStride, width: w, height: h}
	case *image.NYCbCrA:
		if isOpaque(m.A[m.AOffset(b.Min.X, b.Min.Y):], m.AStride, w, h) {
			return &luminanceSource{pix: m.Y[m.YOffset(b.Min.X, b.Min.Y):], stride: m.YStride, width: w, height: h}
		}
	case *image.Gray:
		return &luminanceSource{pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], stride: m.Stride, width: w, height: h}
	case *image.RGBA:
		return fromRGBA(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, true)
	case *image.NRGBA:
		return fromRGBA(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, false)
	case *image.Paletted:
		return fromPaletted(m, w, h)
	}
	return fromAny(img)
}

func isOpaque(a []byte, stride, w, h int) bool {
	for y := range h {
		for _, v := range a[y*stride : y*stride+w] {
			if v != 0xff {
				return false
			}
		}
	}
	return true
}

// lum16 is the luminance of a colour given as alpha-premultiplied 16-bit
// components (what color.Color.RGBA returns), composited over white. The
// weights are color.GrayModel's and sum to 1<<16, so an opaque pixel gets
// exactly the value image/draw would give it in an *image.Gray.
func lum16(r, g, b, a uint32) byte {
	return byte((19595*r + 38470*g + 7471*b + (0xffff-a)<<16 + 1<<15) >> 24)
}

// BT.601 weights of 8-bit components widened to 16 bits (v*0x101), so
// that lum16 of an opaque pixel is (lumR*r + lumG*g + lumB*b + 1<<15) >> 24:
// the three weights sum to 0x101<<16, so the sum stays below 1<<32 and
// needs no table.
const (
	lumR = 19595 * 0x101
	lumG = 38470 * 0x101
	lumB = 7471 * 0x101
)

// lumOpaque is lum16 of an opaque 8-bit pixel, computed in 32 bits.
func lumOpaque(r, g, b uint32) byte {
	return byte((lumR*r + lumG*g + lumB*b + 1<<15) >> 24)
}

// fromRGBA reads 8-bit RGBA pixels, premultiplied or not, computing each
// luminance as the pixel's RGBA method and lum16 would. A PNG photo
// decodes to these types, and this is the first cost of every decode of
// one (issue 16: a third of a qrcode-1 decode with a table look-up per
// weight): opaqueRow weighs the opaque runs, in assembly on amd64
// (luminance_amd64.s), and lumRGBA takes the pixels that are not opaque.
func fromRGBA(pix []byte, stride, w, h int, premultiplied bool) *luminanceSource {
	out := make([]byte, w*h)
	for y := range h {
		greyRow(out[y*w:][:w], pix[y*stride:][:4*w], premultiplied)
	}
	return &luminanceSource{pix: out, stride: w, width: w, height: h}
}

// greyRow writes into dst the luminance of the len(dst) 8-bit RGBA
// pixels of src, as lumRGBA would.
func greyRow(dst, src []byte, premultiplied bool) {
	for x := 0; x < len(dst); x++ {
		// The opaque run from x, then one pixel that may not be.
		if x += opaqueRow(dst[x:], src[4*x:]); x < len(dst) {
			dst[x] = lumRGBA(binary.LittleEndian.Uint32(src[4*x:]), premultiplied)
		}
	}
}

// opaqueRowGo writes the luminance of the 8-bit RGBA pixels of src into
// dst for as long as they are opaque, and returns how many it wrote (an
// even number: it may stop one pixel short of the first that is not
// opaque); lumRGBA does the rest. It is opaqueRow where there is no
// assembly kernel (luminance_other.go), and the reference the kernels
// are tested against. Two pixels are one load and each weight one
// multiplication for both (SWAR): in a 32-bit lane a pixel's weighted sum
// stays below 1<<32 (see lumR), so the two never carry into each other.
func opaqueRowGo(dst, src []byte) int {
	const (
		lane = 0x000000ff000000ff // the low byte of each pixel
		half = 1<<15 | 1<<47      // lumOpaque's rounding, in each lane
	)
	// Eight pixels a turn of the loop, then two: the loop's bounds
	// checks and its test for opacity are then a fifth of its
	// instructions, where at four pixels a turn they were a third.
	src = src[:min(4*len(dst), len(src))&^7]
	i := 0
	for ; i+32 <= len(src); i += 32 {
		p := src[i : i+32 : i+32]
		q, r := binary.LittleEndian.Uint64(p), binary.LittleEndian.Uint64(p[8:])
		t, u := binary.LittleEndian.Uint64(p[16:]), binary.LittleEndian.Uint64(p[24:])
		if q&r&t&u&bothOpaque != bothOpaque {
			break
		}
		sq := q&lane*lumR + q>>8&lane*lumG + q>>16&lane*lumB + half
		sr := r&lane*lumR + r>>8&lane*lumG + r>>16&lane*lumB + half
		st := t&lane*lumR + t>>8&lane*lumG + t>>16&lane*lumB + half
		su := u&lane*lumR + u>>8&lane*lumG + u>>16&lane*lumB + half
		d := dst[i/4 : i/4+8 : i/4+8]
		d[0], d[1], d[2], d[3] = byte(sq>>24), byte(sq>>56), byte(sr>>24), byte(sr>>56)
		d[4], d[5], d[6], d[7] = byte(st>>24), byte(st>>56), byte(su>>24), byte(su>>56)
	}
	for ; i+8 <= len(src); i += 8 {
		q := binary.LittleEndian.Uint64(src[i : i+8])
		if q&bothOpaque != bothOpaque {
			return i / 4
		}
		sum := q&lane*lumR + q>>8&lane*lumG + q>>16&lane*lumB + half
		d := dst[i/4 : i/4+2 : i/4+2]
		d[0], d[1] = byte(sum>>24), byte(sum>>56)
	}
	return len(src) / 4
}

// bothOpaque is the alpha bytes of two 8-bit RGBA pixels in a uint64.
const bothOpaque = 0xff000000ff000000

// lumRGBA is lum16 of one 8-bit RGBA pixel packed little-endian as it
// lies in Pix (R in the low byte).
func lumRGBA(p uint32, premultiplied bool) byte {
	if p >= 0xff000000 {
		return lumOpaque(p&0xff, p>>8&0xff, p>>16&0xff)
	}
	r, g, b, a := p&0xff, p>>8&0xff, p>>16&0xff, p>>24
	r |= r << 8
	g |= g << 8
	b |= b << 8
	a |= a << 8
	if !premultiplied {
		r = r * a / 0xffff
		g = g * a / 0xffff
		b = b * a / 0xffff
	}
	return lum16(r, g, b, a)
}

func fromPaletted(m *image.Paletted, w, h int) *luminanceSource {
	var table [256]byte
	for i := range table {
		// An index past the palette (At would panic) reads as black.
		c := color.Color(color.Black)
		if i < len(m.Palette) {
			c = m.Palette[i]
		}
		table[i] = lum16(c.RGBA())
	}
	b := m.Bounds()
	out := make([]byte, w*h)
	for y := range h {
		off := m.PixOffset(b.Min.X, b.Min.Y+y)
		src := m.Pix[off : off+w]
		dst := out[y*w : y*w+w]
		for x, v := range src {
			dst[x] = table[v]
		}
	}
	return &luminanceSource{pix: out, stride: w, width: w, height: h}
}

// fromAny is the slow path for image types without a fast one (CMYK,
// 16-bit, YCbCr with alpha...).
func fromAny(img image.Image) *luminanceSource {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := make([]byte, w*h)
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out[i] = lum16(img.At(x, y).RGBA())
			i++
		}
	}
	return &luminanceSource{pix: out, stride: w, width: w, height: h}
}

// blueSpread is how many grey levels the blue-weighted rendering may
// vary against BT.601's and still count as the same picture shifted: the
// binarizer's local thresholds follow a shift, and with a wobble of 2
// levels no read of `make accuracy` changes.
const blueSpread = 2

// newBlueLuminanceSource returns a second view of a colour image's
// luminance that weights blue more: (R + 2G + B) / 4, the weighting of
// gozxing's own source. Ink and paper that BT.601 renders too alike,
// blue print on some packaging, can separate here; Decode tries it when
// everything else has failed and colourNeeded says it could show more.
// It returns nil where it would change next to nothing: images without
// colour, and those whose colour is so even (a grey or uniformly tinted
// scene) that the two renderings differ by a constant to within
// blueSpread grey levels, which the binarizer's local thresholds follow.
func newBlueLuminanceSource(img image.Image) *luminanceSource {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return nil
	}
	out := make([]byte, w*h)
	// The least and greatest difference between this rendering and
	// BT.601's.
	lo, hi := math.MaxInt, math.MinInt
	spread := func(d int) {
		lo, hi = min(lo, d), max(hi, d)
	}
	switch m := img.(type) {
	case *image.Gray, *image.Gray16:
		return nil
	case *image.YCbCr:
		// (R+2G+B)/4 = Y + 0.271 (Cb-128) - 0.007 (Cr-128) in JPEG's YCbCr.
		hs, vs := chromaShift(m.SubsampleRatio)
		cx := m.Rect.Min.X >> hs
		for y := range h {
			py := b.Min.Y + y
			yrow := m.Y[m.YOffset(b.Min.X, py):][:w]
			crow := m.Cb[(py>>vs-m.Rect.Min.Y>>vs)*m.CStride:]
			dst := out[y*w:][:w]
			for x, lum := range yrow {
				// The difference from BT.601 depends on Cb alone.
				d := int(cbBlue[crow[(b.Min.X+x)>>hs-cx]])
				lo, hi = min(lo, d), max(hi, d)
				dst[x] = byte(min(255, max(0, int(lum)+d)))
			}
		}
	case *image.RGBA:
		lo, hi = blueFromRGBA(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, true, out)
	case *image.NRGBA:
		lo, hi = blueFromRGBA(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, false, out)
	default:
		for y := range h {
			for x := range w {
				r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				out[y*w+x] = byte(((r+2*g+bl)/4 + 0xffff - a) >> 8)
				spread(int(out[y*w+x]) - int(lum16(r, g, bl, a)))
			}
		}
	}
	if hi-lo <= blueSpread {
		return nil
	}
	return &luminanceSource{pix: out, stride: w, width: w, height: h}
}

// minColourEdges is how many edges only the blue-weighted rendering
// has (colourEdges) that make it worth a look: a code in such ink has
// one at each module edge of every sampled row it crosses, while the
// coloured boxes of BenchmarkDecodeScene1MP's scene make 3
// (TestColourCodesRead).
const minColourEdges = 16

// colourEdges counts, up to limit, the edges that the blue-weighted
// rendering of img has and BT.601's has not: pairs of pixels two apart,
// across and down, whose blue-weighted grey differs by gateContrast or
// more (what the first look counts as contrast) while their BT.601 grey
// differs by less. It samples the even pixels of two rows in every
// colourRowStep: every edge across a row lies between two even pixels
// two apart, and a code the readers can read (21 modules or more, at 2
// pixels or more a module) is taller than colourRowStep.
func colourEdges(img image.Image, limit int) int {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < 3 || h < 3 {
		return 0
	}
	switch img.(type) {
	case *image.Gray, *image.Gray16:
		return 0
	}
	n := (w + 1) / 2
	var grey, blue [2][]byte
	for i := range 2 {
		grey[i], blue[i] = make([]byte, n), make([]byte, n)
	}
	count := 0
	for y := 0; y+2 < h; y += colourRowStep {
		for i := range 2 {
			renderEven(img, b.Min.Y+y+2*i, grey[i], blue[i])
		}
		count += colourEdgeCount(grey[0], blue[0], grey[1], blue[1]) // colouredges.go
		if count >= limit {
			return count
		}
	}
	return count
}

// colourRowStep is the distance between the row pairs colourEdges reads.
const colourRowStep = 16

func absDiff(a, b byte) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// renderEven writes the even pixels of row y of img (x = 0, 2, 4... from
// its left edge) in BT.601 grey, as newLuminanceSource renders them, and
// in the blue-weighted rendering, as newBlueLuminanceSource does.
func renderEven(img image.Image, y int, grey, blue []byte) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		hs, vs := chromaShift(m.SubsampleRatio)
		cx := m.Rect.Min.X >> hs
		yrow := m.Y[m.YOffset(b.Min.X, y):][:b.Dx()]
		crow := m.Cb[(y>>vs-m.Rect.Min.Y>>vs)*m.CStride:]
		for i := range grey {
			lum := yrow[2*i]
			grey[i] = lum
			blue[i] = byte(min(255, max(0, int(lum)+int(cbBlue[crow[(b.Min.X+2*i)>>hs-cx]]))))
		}
	case *image.RGBA, *image.NRGBA:
		var pix []byte
		premultiplied := false
		switch m := m.(type) {
		case *image.RGBA:
			pix, premultiplied = m.Pix[m.PixOffset(b.Min.X, y):], true
		case *image.NRGBA:
			pix = m.Pix[m.PixOffset(b.Min.X, y):]
		}
		for i := range grey {
			p := binary.LittleEndian.Uint32(pix[8*i:])
			blue[i], grey[i] = blueRGBA(p, premultiplied), lumRGBA(p, premultiplied)
		}
	default:
		for i := range grey {
			r, g, bl, a := img.At(b.Min.X+2*i, y).RGBA()
			blue[i] = byte(((r+2*g+bl)/4 + 0xffff - a) >> 8)
			grey[i] = lum16(r, g, bl, a)
		}
	}
}

// blueFromRGBA writes into out the blue-weighted rendering of 8-bit RGBA
// pixels, premultiplied or not, exactly as the At path of
// newBlueLuminanceSource computes it (a PNG decodes to these types, and At
// per pixel was most of the rendering's cost), and returns the least and
// greatest difference from BT.601's luminance. blueOpaqueRow takes the
// opaque runs, in assembly on amd64 (issue 16: this rendering was a fifth
// of the decode of ean13-1/34.png, the set's p95 image, at 34.5
// instructions a pixel); blueRGBA and lumRGBA the pixels that are not.
func blueFromRGBA(pix []byte, stride, w, h int, premultiplied bool, out []byte) (lo, hi int) {
	lo, hi = math.MaxInt, math.MinInt
	for y := range h {
		src := pix[y*stride:][:4*w]
		dst := out[y*w:][:w]
		for x := 0; x < w; x++ {
			// The opaque run from x, then one pixel that may not be.
			n, runLo, runHi := blueOpaqueRow(dst[x:], src[4*x:])
			lo, hi = min(lo, runLo), max(hi, runHi)
			if x += n; x < w {
				p := binary.LittleEndian.Uint32(src[4*x:])
				v := blueRGBA(p, premultiplied)
				dst[x] = v
				d := int(v) - int(lumRGBA(p, premultiplied))
				lo, hi = min(lo, d), max(hi, d)
			}
		}
	}
	return lo, hi
}

// blueOpaqueRowGo writes into dst the blue-weighted grey (blueRGBA) of
// the 8-bit RGBA pixels of src for as long as they are opaque, and
// returns how many it wrote and the least and greatest difference from
// their BT.601 grey; with none written, lo > hi. It is blueOpaqueRow
// where there is no assembly kernel, and the kernels' reference.
func blueOpaqueRowGo(dst, src []byte) (n, lo, hi int) {
	lo, hi = math.MaxInt, math.MinInt
	src = src[:min(4*len(dst), len(src))&^3]
	for ; 4*n < len(src); n++ {
		p := binary.LittleEndian.Uint32(src[4*n:])
		if p < 0xff000000 {
			break
		}
		v := blueRGBA(p, true)
		dst[n] = v
		d := int(v) - int(lumOpaque(p&0xff, p>>8&0xff, p>>16&0xff))
		lo, hi = min(lo, d), max(hi, d)
	}
	return n, lo, hi
}

// blueRGBA is the blue-weighted grey, (R + 2G + B) / 4 over white, of
// one 8-bit RGBA pixel packed little-endian as it lies in Pix (R in the
// low byte), computed as the At path of newBlueLuminanceSource does.
func blueRGBA(p uint32, premultiplied bool) byte {
	r, g, b, a := p&0xff*0x101, p>>8&0xff*0x101, p>>16&0xff*0x101, p>>24
	if a == 0xff {
		return byte((r + 2*g + b) / 4 >> 8)
	}
	if !premultiplied {
		// As color.NRGBA's RGBA method.
		r, g, b = r*a/0xff, g*a/0xff, b*a/0xff
	}
	a *= 0x101
	return byte(((r+2*g+b)/4 + 0xffff - a) >> 8)
}

// cbBlue is what the blue-weighted rendering adds to a JPEG's Y for each
// Cb: 0.271 (Cb-128), rounded down.
var cbBlue [256]int16

func init() {
	for cb := range cbBlue {
		cbBlue[cb] = int16(((cb - 128) * 277) >> 10)
	}
}

// chromaShift returns how far x and y shift right to index the chroma
// planes of an image.YCbCr, as its COffset method does.
func chromaShift(r image.YCbCrSubsampleRatio) (hs, vs int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 1, 0
	case image.YCbCrSubsampleRatio420:
		return 1, 1
	case image.YCbCrSubsampleRatio440:
		return 0, 1
	case image.YCbCrSubsampleRatio411:
		return 2, 0
	case image.YCbCrSubsampleRatio410:
		return 2, 1
	}
	return 0, 0
}

// GetRow implements gozxing.LuminanceSource.
func (s *luminanceSource) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= s.height {
		return row, fmt.Errorf("IllegalArgumentException: row %d is outside the image", y)
	}
	if len(row) < s.width {
		row = make([]byte, s.width)
	}
	off := (s.top+y)*s.stride + s.left
	copy(row, s.pix[off:off+s.width])
	return row, nil
}

// GetMatrix implements gozxing.LuminanceSource. It returns the plane itself
// when the window covers it without padding; callers must not modify it.
func (s *luminanceSource) GetMatrix() []byte {
	w, h := s.width, s.height
	if s.left == 0 && s.top == 0 && s.stride == w && len(s.pix) >= w*h {
		return s.pix[:w*h]
	}
	m := make([]byte, w*h)
	for y := range h {
		off := (s.top+y)*s.stride + s.left
		copy(m[y*w:(y+1)*w], s.pix[off:off+w])
	}
	return m
}

func (s *luminanceSource) GetWidth() int  { return s.width }
func (s *luminanceSource) GetHeight() int { return s.height }

func (s *luminanceSource) IsCropSupported() bool { return true }

// Crop implements gozxing.LuminanceSource; the result shares s's plane.
func (s *luminanceSource) Crop(left, top, width, height int) (gozxing.LuminanceSource, error) {
	c, err := s.crop(image.Rect(left, top, left+width, top+height))
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (s *luminanceSource) crop(r image.Rectangle) (*luminanceSource, error) {
	if r.Empty() || !r.In(image.Rect(0, 0, s.width, s.height)) {
		return nil, fmt.Errorf("IllegalArgumentException: crop %v does not fit in %dx%d", r, s.width, s.height)
	}
	return &luminanceSource{
		pix: s.pix, stride: s.stride,
		left: s.left + r.Min.X, top: s.top + r.Min.Y,
		width: r.Dx(), height: r.Dy(),
	}, nil
}

func (s *luminanceSource) IsRotateSupported() bool { return true }

// RotateCounterClockwise implements gozxing.LuminanceSource: one-dimensional
// readers call it under TRY_HARDER to look for vertical bars.
func (s *luminanceSource) RotateCounterClockwise() (gozxing.LuminanceSource, error) {
	return s.rotate(270), nil
}

// RotateCounterClockwise45 implements gozxing.LuminanceSource; no reader
// we use calls it.
func (s *luminanceSource) RotateCounterClockwise45() (gozxing.LuminanceSource, error) {
	return nil, fmt.Errorf("UnsupportedOperationException: rotation by 45 degrees")
}

// Invert implements gozxing.LuminanceSource.
func (s *luminanceSource) Invert() gozxing.LuminanceSource {
	return gozxing.NewInvertedLuminanceSource(s)
}

func (s *luminanceSource) String() string { return gozxing.LuminanceSourceString(s) }

// rotate returns a copy of s turned clockwise by deg, a multiple of 90.
// A pixel at (x, y) of s lands at rotatePoint(x, y, w, h, deg).
func (s *luminanceSource) rotate(deg int) *luminanceSource {
	deg = ((deg % 360) + 360) % 360
	w, h := s.width, s.height
	if deg == 0 {
		return s
	}
	out := &luminanceSource{stride: w, width: w, height: h}
	if deg != 180 {
		out.stride, out.width, out.height = h, h, w
	}
	out.pix = make([]byte, w*h)
	if deg == 180 {
		for y := range h {
			src := s.pix[(s.top+y)*s.stride+s.left:][:w]
			dst := out.pix[(h-1-y)*w:][:w]
			for x, v := range src {
				dst[w-1-x] = v
			}
		}
		return out
	}
	// A quarter turn writes columns: in tiles, so that the rows of the
	// output a tile writes stay in the cache (a row at a time took
	// several milliseconds a megapixel).
	const tile = 32
	for y0 := 0; y0 < h; y0 += tile {
		for x0 := 0; x0 < w; x0 += tile {
			for y := y0; y < min(y0+tile, h); y++ {
				src := s.pix[(s.top+y)*s.stride+s.left:][:w]
				for x := x0; x < min(x0+tile, w); x++ {
					if deg == 90 { // row y becomes column h-1-y, top to bottom
						out.pix[x*h+h-1-y] = src[x]
					} else { // 270: row y becomes column y, bottom to top
						out.pix[(w-1-x)*h+y] = src[x]
					}
				}
			}
		}
	}
	return out
}

// rotatePoint maps (x, y) of a w x h plane to the plane turned clockwise
// by deg.
func rotatePoint(x, y float64, w, h int, deg int) (float64, float64) {
	switch ((deg % 360) + 360) % 360 {
	case 90:
		return float64(h-1) - y, x
	case 180:
		return float64(w-1) - x, float64(h-1) - y
	case 270:
		return y, float64(w-1) - x
	}
	return x, y
}

// scaleDown returns s shrunk by area averaging so that its longer side is
// at most maxDim, and the factor by which it shrank (1 when it did not).
// Averaging rather than sampling keeps thin bars from vanishing.
func (s *luminanceSource) scaleDown(maxDim int) (*luminanceSource, float64) {
	long := max(s.width, s.height)
	if maxDim <= 0 || long <= maxDim {
		return s, 1
	}
	f := float64(long) / float64(maxDim)
	dw := max(1, int(float64(s.width)/f+0.5))
	dh := max(1, int(float64(s.height)/f+0.5))
	src := s
	for max(src.width, src.height) >= 2*maxDim {
		// Halving by 2x2 boxes is area averaging too, and much cheaper.
		src = src.half()
	}
	if src.width == dw && src.height == dh {
		return src, float64(s.width) / float64(dw)
	}
	out := src.resample(dw, dh)
	return out, float64(s.width) / float64(dw)
}

// half shrinks s to half its size by averaging 2x2 blocks; an odd last
// row or column is dropped.
func (s *luminanceSource) half() *luminanceSource {
	w, h := s.width/2, s.height/2
	out := make([]byte, w*h)
	for y := range h {
		r0 := s.pix[(s.top+2*y)*s.stride+s.left:][:2*w]
		r1 := s.pix[(s.top+2*y+1)*s.stride+s.left:][:2*w]
		dst := out[y*w:][:w]
		for x := range dst {
			a := uint(r0[2*x]) + uint(r0[2*x+1]) + uint(r1[2*x]) + uint(r1[2*x+1])
			dst[x] = byte((a + 2) >> 2)
		}
	}
	return &luminanceSource{pix: out, stride: w, width: w, height: h}
}

// resample shrinks s to dw x dh by area averaging.
func (s *luminanceSource) resample(dw, dh int) *luminanceSource {
	xs := areaWeights(s.width, dw)
	ys := areaWeights(s.height, dh)

	// Per output row: sum the source rows it covers (a tight loop over
	// whole rows), then sum across columns.
	out := make([]byte, dw*dh)
	acc := make([]uint32, s.width)
	for oy := range dh {
		clear(acc)
		for i := ys.start[oy]; i < ys.start[oy+1]; i++ {
			wt := ys.weight[i]
			row := s.pix[(s.top+int(ys.src[i]))*s.stride+s.left:][:len(acc)]
			for x, v := range row {
				acc[x] += wt * uint32(v)
			}
		}
		dst := out[oy*dw : (oy+1)*dw]
		for ox := range dst {
			var sum uint64
			for i := xs.start[ox]; i < xs.start[ox+1]; i++ {
				sum += uint64(xs.weight[i]) * uint64(acc[xs.src[i]])
			}
			dst[ox] = byte((sum + 1<<(2*weightBits-1)) >> (2 * weightBits))
		}
	}
	return &luminanceSource{pix: out, stride: dw, width: dw, height: dh}
}

const weightBits = 14

// weights lists, for each output pixel i, the source pixels
// src[start[i]:start[i+1]] it covers and their weights, which sum to
// 1<<weightBits.
type weights struct {
	start  []int32
	src    []int32
	weight []uint32
}

func areaWeights(src, dst int) weights {
	var ws weights
	scale := float64(src) / float64(dst)
	for i := range dst {
		ws.start = append(ws.start, int32(len(ws.src)))
		lo, hi := float64(i)*scale, float64(i+1)*scale
		first := len(ws.weight)
		var sum uint32
		big := first
		for j := int(lo); j < min(src, int(math.Ceil(hi))); j++ {
			cover := min(hi, float64(j+1)) - max(lo, float64(j))
			wt := uint32(cover / scale * (1 << weightBits))
			ws.src = append(ws.src, int32(j))
			ws.weight = append(ws.weight, wt)
			sum += wt
			if wt > ws.weight[big] {
				big = len(ws.weight) - 1
			}
		}
		ws.weight[big] += 1<<weightBits - sum // rounding goes to the largest share
	}
	ws.start = append(ws.start, int32(len(ws.src)))
	return ws
}
