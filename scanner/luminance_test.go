package scanner

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

func randomImages(rng *rand.Rand, w, h int) map[string]image.Image {
	r := image.Rect(3, 5, 3+w, 5+h) // bounds not at 0,0
	gray := image.NewGray(r)
	greyRGBA := image.NewRGBA(r)
	rgba := image.NewRGBA(r)
	nrgba := image.NewNRGBA(r)
	pal := image.NewPaletted(r, color.Palette{color.Black, color.White, color.RGBA{200, 30, 40, 255}, color.NRGBA{10, 200, 90, 128}})
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			v := uint8(rng.IntN(256))
			gray.SetGray(x, y, color.Gray{v})
			greyRGBA.SetRGBA(x, y, color.RGBA{v, v, v, 255})
			a := uint8(rng.IntN(256))
			if rng.IntN(2) == 0 {
				a = 255
			}
			nrgba.SetNRGBA(x, y, color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), a})
			rgba.Set(x, y, nrgba.At(x, y))
			pal.SetColorIndex(x, y, uint8(rng.IntN(4)))
		}
	}
	return map[string]image.Image{
		"Gray": gray, "GreyRGBA": greyRGBA, "RGBA": rgba, "NRGBA": nrgba, "Paletted": pal,
		"SubImage": gray.SubImage(image.Rect(4, 7, 3+w-1, 5+h-2)),
	}
}

// TestLuminanceEveryOpaqueColour: every opaque colour, premultiplied
// and not, gets exactly color.GrayModel's grey (lum16) on the fast path
// (opaqueRow: the assembly kernel on amd64, TestOpaqueRowIsKernel; the Go
// path, two pixels a word, elsewhere), at an even and an odd x; the rows
// are 255 pixels, so each ends in the kernel's narrowest loop (or, on the
// Go path, in a pixel left to lumRGBA), and 258 of them hold every green
// and blue.
func TestLuminanceEveryOpaqueColour(t *testing.T) {
	r := image.Rect(0, 0, 255, 258)
	rgba, nrgba := image.NewRGBA(r), image.NewNRGBA(r)
	for red := range 256 {
		for shift := range 2 { // each colour at an even and an odd x
			for i := range r.Dx() * r.Dy() {
				c := (i + shift) & 0xffff
				rgba.Pix[4*i], rgba.Pix[4*i+1], rgba.Pix[4*i+2], rgba.Pix[4*i+3] = byte(red), byte(c), byte(c>>8), 0xff
			}
			copy(nrgba.Pix, rgba.Pix)
			for _, img := range []image.Image{rgba, nrgba} {
				got := newLuminanceSource(img).GetMatrix()
				for i, v := range got {
					c := uint32(i+shift) & 0xffff
					g, b := c&0xff, c>>8&0xff
					if want := lum16(uint32(red)*0x101, g*0x101, b*0x101, 0xffff); v != want {
						t.Fatalf("%T: colour (%d, %d, %d) at pixel %d is %d, want %d", img, red, g, b, i, v, want)
					}
				}
			}
		}
	}
}

// TestLuminanceMatchesGozxing: on grey pixels our fast paths give exactly
// the bytes of gozxing's own (slow) source.
func TestLuminanceMatchesGozxing(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	imgs := randomImages(rng, 37, 23)
	for _, name := range []string{"Gray", "GreyRGBA", "SubImage"} {
		t.Run(name, func(t *testing.T) {
			img := imgs[name]
			want := gozxing.NewLuminanceSourceFromImage(img).GetMatrix()
			got := newLuminanceSource(img).GetMatrix()
			if !bytes.Equal(got, want) {
				t.Fatalf("luminance differs from gozxing's")
			}
		})
	}
}

// TestLuminanceColour: colour pixels are weighted as color.GrayModel does
// (BT.601), over white where transparent, and the fast paths agree with
// the generic one byte for byte.
func TestLuminanceColour(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for name, img := range randomImages(rng, 41, 19) {
		t.Run(name, func(t *testing.T) {
			b := img.Bounds()
			got := newLuminanceSource(img).GetMatrix()
			slow := fromAny(img).GetMatrix()
			if !bytes.Equal(got, slow) {
				t.Fatalf("fast path differs from generic")
			}
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					c := img.At(x, y)
					_, _, _, a := c.RGBA()
					over := image.NewRGBA(image.Rect(0, 0, 1, 1))
					draw.Draw(over, over.Bounds(), image.White, image.Point{}, draw.Src)
					draw.Draw(over, over.Bounds(), image.NewUniform(c), image.Point{}, draw.Over)
					want := color.GrayModel.Convert(over.At(0, 0)).(color.Gray).Y
					v := got[(y-b.Min.Y)*b.Dx()+x-b.Min.X]
					if diff := int(v) - int(want); diff < -1 || diff > 1 || (a == 0xffff && diff != 0) {
						t.Fatalf("(%d,%d) %v: got %d, want %d", x, y, c, v, want)
					}
				}
			}
		})
	}
}

func TestLuminanceYCbCr(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	src := randomImages(rng, 64, 48)["RGBA"]
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, nil); err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	m := img.(*image.YCbCr)
	sub := m.SubImage(image.Rect(5, 6, 50, 40)).(*image.YCbCr)
	for name, y := range map[string]*image.YCbCr{"Whole": m, "SubImage": sub} {
		t.Run(name, func(t *testing.T) {
			s := newLuminanceSource(y)
			b := y.Bounds()
			if s.width != b.Dx() || s.height != b.Dy() {
				t.Fatalf("size %dx%d", s.width, s.height)
			}
			got := s.GetMatrix()
			for py := b.Min.Y; py < b.Max.Y; py++ {
				for px := b.Min.X; px < b.Max.X; px++ {
					if v, want := got[(py-b.Min.Y)*b.Dx()+px-b.Min.X], y.YCbCrAt(px, py).Y; v != want {
						t.Fatalf("(%d,%d): %d, want Y %d", px, py, v, want)
					}
				}
			}
		})
	}
}

// at reads a source pixel by pixel, through GetRow.
func at(tb testing.TB, s gozxing.LuminanceSource, x, y int) byte {
	row, err := s.GetRow(y, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return row[x]
}

func TestLuminanceCropRotate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	img := randomImages(rng, 13, 9)["Gray"]
	s := newLuminanceSource(img)
	ref := gozxing.NewLuminanceSourceFromImage(img)

	c, err := s.Crop(2, 3, 7, 5)
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := ref.Crop(2, 3, 7, 5)
	if !bytes.Equal(c.GetMatrix(), rc.GetMatrix()) {
		t.Errorf("crop matrix differs from gozxing's")
	}
	if _, err := s.Crop(10, 0, 4, 1); err == nil {
		t.Errorf("crop past the edge: no error")
	}

	// gozxing's 90 degree turn counter-clockwise, on a crop.
	cc, _ := c.RotateCounterClockwise()
	rcc, _ := rc.RotateCounterClockwise()
	if !bytes.Equal(cc.GetMatrix(), rcc.GetMatrix()) {
		t.Errorf("RotateCounterClockwise differs from gozxing's")
	}

	cs := c.(*luminanceSource)
	for _, deg := range []int{0, 90, 180, 270} {
		r := cs.rotate(deg)
		for y := range cs.height {
			for x := range cs.width {
				fx, fy := rotatePoint(float64(x), float64(y), cs.width, cs.height, deg)
				if got, want := at(t, r, int(fx), int(fy)), at(t, cs, x, y); got != want {
					t.Fatalf("rotate %d: (%d,%d)->(%v,%v) = %d, want %d", deg, x, y, fx, fy, got, want)
				}
				bx, by := rotatePoint(fx, fy, r.width, r.height, 360-deg)
				if int(bx) != x || int(by) != y {
					t.Fatalf("rotatePoint %d does not invert: (%d,%d) -> (%v,%v)", deg, x, y, bx, by)
				}
			}
		}
	}
	if _, err := s.GetRow(s.height, nil); err == nil {
		t.Errorf("GetRow past the end: no error")
	}
}

func TestScaleDown(t *testing.T) {
	const w, h = 1000, 600
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Pix[y*w+x] = uint8((x / 10 * 37) % 256) // 10 px stripes
		}
	}
	s := newLuminanceSource(img)
	if same, f := s.scaleDown(1000); same != s || f != 1 {
		t.Fatalf("scaled an image already small enough")
	}
	small, f := s.scaleDown(400)
	if small.width != 400 || small.height != 240 || f != 2.5 {
		t.Fatalf("got %dx%d factor %v", small.width, small.height, f)
	}
	// Each output pixel averages 2.5 source pixels: check against a float
	// reference.
	m := small.GetMatrix()
	for x := range small.width {
		lo, hi := float64(x)*f, float64(x+1)*f
		var sum float64
		for sx := int(lo); float64(sx) < hi; sx++ {
			cover := min(hi, float64(sx+1)) - max(lo, float64(sx))
			sum += cover * float64(img.Pix[sx])
		}
		want := sum / f
		if d := float64(m[x]) - want; d < -1 || d > 1 {
			t.Fatalf("x=%d: %d, want %.1f", x, m[x], want)
		}
		if m[100*small.width+x] != m[x] {
			t.Fatalf("rows differ on a vertical pattern")
		}
	}
}

func BenchmarkLuminance12MP(b *testing.B) {
	rgba := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range rgba.Pix {
		rgba.Pix[i] = uint8(rng.IntN(256)) | uint8(255*(i%4/3)) // opaque
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, rgba, nil); err != nil {
		b.Fatal(err)
	}
	ycc, err := jpeg.Decode(&buf)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("YCbCr", func(b *testing.B) {
		for b.Loop() {
			newLuminanceSource(ycc).GetMatrix()
		}
	})
	b.Run("RGBA", func(b *testing.B) {
		for b.Loop() {
			newLuminanceSource(rgba)
		}
	})
	b.Run("YCbCrScaleDown1600", func(b *testing.B) {
		s := newLuminanceSource(ycc)
		for b.Loop() {
			s.scaleDown(1600)
		}
	})
	b.Run("GozxingYCbCr", func(b *testing.B) {
		for b.Loop() {
			gozxing.NewLuminanceSourceFromImage(ycc)
		}
	})
}

// TestBlueLuminanceSkipped: the blue-weighted rendering is made for an
// image with colour in it, and skipped where it would be BT.601's shifted
// by a constant: grey, or one tint all over.
func TestBlueLuminanceSkipped(t *testing.T) {
	const w, h = 64, 48
	rng := rand.New(rand.NewPCG(9, 9))
	paint := func(tint func(x, y int) [3]int) image.Image {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				v := rng.IntN(200) + 28
				c := tint(x, y)
				img.SetRGBA(x, y, color.RGBA{uint8(v + c[0]), uint8(v + c[1]), uint8(v + c[2]), 255})
			}
		}
		return img
	}
	viaJPEG := func(img image.Image) image.Image {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		out, err := jpeg.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	grey := func(int, int) [3]int { return [3]int{} }
	warm := func(int, int) [3]int { return [3]int{20, 10, -20} }
	blueBox := func(x, y int) [3]int { // blue print on the left half
		if x < w/2 {
			return [3]int{-25, -10, 25}
		}
		return [3]int{}
	}
	tests := []struct {
		name string
		img  image.Image
		made bool
	}{
		{"GreyRGBA", paint(grey), false},
		{"WarmRGBA", paint(warm), false},
		{"BlueBoxRGBA", paint(blueBox), true},
		{"WarmJPEG", viaJPEG(paint(warm)), false},
		{"BlueBoxJPEG", viaJPEG(paint(blueBox)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newBlueLuminanceSource(tt.img) != nil; got != tt.made {
				t.Errorf("made = %v, want %v", got, tt.made)
			}
		})
	}
}

// opaqueType hides an image's concrete type, so that the luminance
// functions take their general path, through At.
type opaqueType struct{ image.Image }

// TestBlueLuminanceFastPaths: the blue-weighted rendering of RGBA and
// NRGBA pixels, read from Pix, is byte for byte what the general path
// through At makes, transparent pixels and bounds not at 0,0 included,
// and both skip the same evenly tinted image.
func TestBlueLuminanceFastPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	imgs := randomImages(rng, 41, 29)
	tinted := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for i := range tinted.Pix {
		tinted.Pix[i] = []byte{120, 120, 120, 255}[i%4]
	}
	for _, tt := range []struct {
		name string
		img  image.Image
		made bool
	}{
		{"RGBA", imgs["RGBA"], true},
		{"NRGBA", imgs["NRGBA"], true},
		{"RGBASubImage", imgs["RGBA"].(*image.RGBA).SubImage(image.Rect(5, 6, 30, 20)), true},
		{"NRGBAGrey", tinted, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, want := newBlueLuminanceSource(tt.img), newBlueLuminanceSource(opaqueType{tt.img})
			if (got != nil) != tt.made || (want != nil) != tt.made {
				t.Fatalf("made = %v (general path %v), want %v", got != nil, want != nil, tt.made)
			}
			if got != nil && !bytes.Equal(got.GetMatrix(), want.GetMatrix()) {
				t.Fatalf("fast path differs from the general path")
			}
		})
	}
}

// TestBlueLuminanceYCbCr: the blue-weighted rendering of a JPEG's planes is
// Y + 0.271 (Cb-128) for each pixel's own Cb, at every chroma subsampling
// and for a window not at 0,0.
func TestBlueLuminanceYCbCr(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	r := image.Rect(3, 5, 3+45, 5+31)
	for _, tt := range []struct {
		name  string
		ratio image.YCbCrSubsampleRatio
		sub   image.Rectangle
	}{
		{"420", image.YCbCrSubsampleRatio420, r},
		{"422", image.YCbCrSubsampleRatio422, r},
		{"444", image.YCbCrSubsampleRatio444, r},
		{"410", image.YCbCrSubsampleRatio410, r},
		{"420SubImage", image.YCbCrSubsampleRatio420, image.Rect(8, 6, 40, 33)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := image.NewYCbCr(r, tt.ratio)
			for _, p := range [][]byte{m.Y, m.Cb, m.Cr} {
				for i := range p {
					p[i] = byte(rng.IntN(256))
				}
			}
			img := m.SubImage(tt.sub).(*image.YCbCr)
			got := newBlueLuminanceSource(img)
			if got == nil {
				t.Fatal("not made for random colour")
			}
			b := img.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					c := img.YCbCrAt(x, y)
					want := byte(min(255, max(0, int(c.Y)+((int(c.Cb)-128)*277)>>10)))
					if v := got.pix[(y-b.Min.Y)*got.stride+x-b.Min.X]; v != want {
						t.Fatalf("(%d, %d) = %d, want %d", x, y, v, want)
					}
				}
			}
		})
	}
}
