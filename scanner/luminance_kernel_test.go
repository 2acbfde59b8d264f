package scanner

import (
	"bytes"
	"image"
	"math/rand/v2"
	"testing"
)

// firstNotOpaque is the pixel where an opaque-row kernel must stop on
// dst, src: the first whose alpha is not 0xff, or the end of either.
func firstNotOpaque(dstLen int, src []byte) int {
	n := min(dstLen, len(src)/4)
	for i := range n {
		if src[4*i+3] != 0xff {
			return i
		}
	}
	return n
}

// checkOpaqueRow runs kernel on src and a dst of dstLen bytes and checks
// that it wrote lumOpaque of each pixel up to where it stopped, stopped
// at firstNotOpaque (exactly, or one pixel short where exact is false:
// the Go path stops on pairs) and wrote nothing past that: dst is filled
// with 0x00 on one run and 0xff on another, so no grey written past the
// end can match both.
func checkOpaqueRow(tb testing.TB, name string, kernel func(dst, src []byte) int, exact bool, dstLen int, src []byte) {
	tb.Helper()
	stop := firstNotOpaque(dstLen, src)
	for _, fill := range []byte{0x00, 0xff} {
		buf := bytes.Repeat([]byte{fill}, dstLen+32)
		n := kernel(buf[:dstLen:dstLen], src)
		if n > stop || n < stop-1 || (exact && n != stop) {
			tb.Fatalf("%s: %d pixels, dst %d bytes: wrote %d, want %d", name, len(src)/4, dstLen, n, stop)
		}
		for i := range n {
			if want := lumOpaque(uint32(src[4*i]), uint32(src[4*i+1]), uint32(src[4*i+2])); buf[i] != want {
				tb.Fatalf("%s: pixel %d of %d (%v) is %d, want %d", name, i, len(src)/4, src[4*i:4*i+4], buf[i], want)
			}
		}
		for i := n; i < len(buf); i++ {
			if buf[i] != fill {
				tb.Fatalf("%s: wrote byte %d of dst past the %d pixels it says it wrote", name, i, n)
			}
		}
	}
}

// kernelsUnderTest are the opaque-row kernels that must stop exactly at
// the first pixel that is not opaque (opaqueKernels, per architecture),
// and the Go path, which may stop a pixel short.
func kernelsUnderTest() map[string]struct {
	run   func(dst, src []byte) int
	exact bool
} {
	ks := map[string]struct {
		run   func(dst, src []byte) int
		exact bool
	}{"go": {opaqueRowGo, false}}
	for name, k := range opaqueKernels() {
		ks[name] = struct {
			run   func(dst, src []byte) int
			exact bool
		}{k, true}
	}
	return ks
}

// TestOpaqueKernelsEveryColour: each kernel, called directly on rows of
// 65,536 opaque pixels (every green and blue for one red), gives every
// one of the 2^24 colours exactly color.GrayModel's grey (lum16), in
// whichever of its loops and lanes the colour lands; newLuminanceSource
// reaches only the kernel this processor picks.
func TestOpaqueKernelsEveryColour(t *testing.T) {
	src, dst := make([]byte, 4*65536), make([]byte, 65536)
	for red := range 256 {
		for c := range 65536 {
			src[4*c], src[4*c+1], src[4*c+2], src[4*c+3] = byte(red), byte(c), byte(c>>8), 0xff
		}
		for name, k := range kernelsUnderTest() {
			if n := k.run(dst, src); n != len(dst) {
				t.Fatalf("%s: wrote %d of %d opaque pixels", name, n, len(dst))
			}
			for c, v := range dst {
				g, b := uint32(c&0xff), uint32(c>>8)
				if want := lum16(uint32(red)*0x101, g*0x101, b*0x101, 0xffff); v != want {
					t.Fatalf("%s: colour (%d, %d, %d) is %d, want %d", name, red, g, b, v, want)
				}
			}
		}
	}
}

// blueKernelsUnderTest are the blue-weighted kernels, assembly
// (blueKernels, per architecture) and Go.
func blueKernelsUnderTest() map[string]func(dst, src []byte) (n, lo, hi int) {
	ks := map[string]func(dst, src []byte) (n, lo, hi int){"go": blueOpaqueRowGo}
	for name, k := range blueKernels() {
		ks[name] = k
	}
	return ks
}

// blueWant is the blue-weighted grey of an opaque 8-bit colour and its
// difference from the BT.601 grey, as the At path of
// newBlueLuminanceSource computes them.
func blueWant(r, g, b uint32) (v byte, d int) {
	r, g, b = r*0x101, g*0x101, b*0x101
	v = byte(((r+2*g+b)/4 + 0xffff - 0xffff) >> 8)
	return v, int(v) - int(lum16(r, g, b, 0xffff))
}

// TestBlueKernelsEveryColour: each blue-weighted kernel gives every one
// of the 2^24 opaque colours the At path's blue-weighted grey, on rows of
// 65,536 pixels, and its difference from BT.601 grey as the least and
// greatest of a run of one pixel.
func TestBlueKernelsEveryColour(t *testing.T) {
	src, dst := make([]byte, 4*65536), make([]byte, 65536)
	for red := range 256 {
		for c := range 65536 {
			src[4*c], src[4*c+1], src[4*c+2], src[4*c+3] = byte(red), byte(c), byte(c>>8), 0xff
		}
		for name, k := range blueKernelsUnderTest() {
			wantLo, wantHi := 1<<30, -1<<30
			for c := range 65536 {
				_, d := blueWant(uint32(red), uint32(c&0xff), uint32(c>>8))
				wantLo, wantHi = min(wantLo, d), max(wantHi, d)
			}
			if n, lo, hi := k(dst, src); n != len(dst) || lo != wantLo || hi != wantHi {
				t.Fatalf("%s: red %d: wrote %d of %d, differences %d..%d, want %d..%d", name, red, n, len(dst), lo, hi, wantLo, wantHi)
			}
			for c, v := range dst {
				if want, _ := blueWant(uint32(red), uint32(c&0xff), uint32(c>>8)); v != want {
					t.Fatalf("%s: colour (%d, %d, %d) is %d, want %d", name, red, c&0xff, c>>8, v, want)
				}
			}
			for c := range 65536 {
				_, wantD := blueWant(uint32(red), uint32(c&0xff), uint32(c>>8))
				if n, lo, hi := k(dst[:1], src[4*c:]); n != 1 || lo != wantD || hi != wantD {
					t.Fatalf("%s: colour (%d, %d, %d): wrote %d, difference %d..%d, want %d", name, red, c&0xff, c>>8, n, lo, hi, wantD)
				}
			}
		}
	}
}

// TestBlueKernelsStop: each blue-weighted kernel, on rows of 0 to 40
// pixels at any alignment with a pixel that is not opaque at every
// position (or none), stops exactly there, writes the run and nothing
// past it, and gives the least and greatest difference of the run.
func TestBlueKernelsStop(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 4))
	backing := make([]byte, 4*40+16)
	for name, k := range blueKernelsUnderTest() {
		for pixels := range 41 {
			for _, dstLen := range []int{pixels, max(0, pixels-1-rng.IntN(10)), pixels + 1 + rng.IntN(10)} {
				align := rng.IntN(16)
				src := backing[align : align+4*pixels]
				for bad := -1; bad < pixels; bad++ {
					for i := range src {
						src[i] = byte(rng.Uint32())
					}
					for i := 3; i < len(src); i += 4 {
						src[i] = 0xff
					}
					if bad >= 0 {
						src[4*bad+3] = byte(rng.IntN(0xff))
					}
					checkBlueRow(t, name, k, dstLen, src)
				}
			}
		}
	}
}

// checkBlueRow runs a blue-weighted kernel as checkOpaqueRow runs a grey
// one, and checks the least and greatest difference it reports too.
func checkBlueRow(tb testing.TB, name string, k func(dst, src []byte) (n, lo, hi int), dstLen int, src []byte) {
	tb.Helper()
	stop := firstNotOpaque(dstLen, src)
	for _, fill := range []byte{0x00, 0xff} {
		buf := bytes.Repeat([]byte{fill}, dstLen+32)
		n, lo, hi := k(buf[:dstLen:dstLen], src)
		if n != stop {
			tb.Fatalf("%s: %d pixels, dst %d bytes: wrote %d, want %d", name, len(src)/4, dstLen, n, stop)
		}
		wantLo, wantHi := 1<<30, -1<<30
		for i := range n {
			want, d := blueWant(uint32(src[4*i]), uint32(src[4*i+1]), uint32(src[4*i+2]))
			if buf[i] != want {
				tb.Fatalf("%s: pixel %d of %d (%v) is %d, want %d", name, i, len(src)/4, src[4*i:4*i+4], buf[i], want)
			}
			wantLo, wantHi = min(wantLo, d), max(wantHi, d)
		}
		if n > 0 && (lo != wantLo || hi != wantHi) || n == 0 && lo <= hi {
			tb.Fatalf("%s: %d pixels written, differences %d..%d, want %d..%d", name, n, lo, hi, wantLo, wantHi)
		}
		for i := n; i < len(buf); i++ {
			if buf[i] != fill {
				tb.Fatalf("%s: wrote byte %d of dst past the %d pixels it says it wrote", name, i, n)
			}
		}
	}
}

// TestOpaqueRowStops: every kernel, on rows of 0 to 80 pixels at every
// byte alignment of src, with dst shorter, as long or longer, and a pixel
// that is not opaque at every position (or none), writes exactly the
// grey of the opaque run and stops at that pixel.
func TestOpaqueRowStops(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	backing := make([]byte, 4*80+16)
	for name, k := range kernelsUnderTest() {
		for pixels := range 81 {
			for _, dstLen := range []int{pixels, max(0, pixels-1-rng.IntN(20)), pixels + 1 + rng.IntN(20)} {
				align := rng.IntN(16)
				src := backing[align : align+4*pixels]
				for bad := -1; bad < pixels; bad++ {
					for i := range src {
						src[i] = byte(rng.Uint32())
					}
					for i := 3; i < len(src); i += 4 {
						src[i] = 0xff
					}
					if bad >= 0 {
						src[4*bad+3] = byte(rng.IntN(0xff)) // anything but 0xff
					}
					checkOpaqueRow(t, name, k.run, k.exact, dstLen, src)
				}
			}
		}
	}
}

// TestLuminanceRGBAStrides: RGBA and NRGBA images of random sizes, as
// sub-images at random offsets (so the rows have a stride wider than
// they are and start at any alignment), with a few pixels that are not
// opaque among long opaque runs, render byte for byte as the generic
// path does.
func TestLuminanceRGBAStrides(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2))
	for range 300 {
		w, h := 1+rng.IntN(120), 1+rng.IntN(6)
		outer := image.Rect(0, 0, w+rng.IntN(9), h+rng.IntN(3))
		rgba, nrgba := image.NewRGBA(outer), image.NewNRGBA(outer)
		for i := range rgba.Pix {
			rgba.Pix[i] = byte(rng.Uint32())
			if i%4 == 3 && rng.IntN(40) != 0 {
				rgba.Pix[i] = 0xff
			}
		}
		copy(nrgba.Pix, rgba.Pix)
		for i := 0; i < len(rgba.Pix); i += 4 { // premultiplied: no colour above alpha
			a := rgba.Pix[i+3]
			rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2] = min(a, rgba.Pix[i]), min(a, rgba.Pix[i+1]), min(a, rgba.Pix[i+2])
		}
		x0, y0 := rng.IntN(outer.Dx()-w+1), rng.IntN(outer.Dy()-h+1)
		r := image.Rect(x0, y0, x0+w, y0+h)
		for _, img := range []image.Image{rgba.SubImage(r), nrgba.SubImage(r)} {
			if got, want := newLuminanceSource(img).GetMatrix(), fromAny(img).GetMatrix(); !bytes.Equal(got, want) {
				t.Fatalf("%T %v in %v: fast path differs from generic", img, r, outer)
			}
		}
	}
}

// FuzzOpaqueRow compares every kernel, grey and blue-weighted, with the
// Go path and lumOpaque (blueWant) on arbitrary pixels; the first opaqueUpTo pixels are made opaque, so that
// the runs are long enough to reach the kernels' widest loops.
func FuzzOpaqueRow(f *testing.F) {
	f.Add(bytes.Repeat([]byte{1, 2, 3, 0xff}, 40), uint16(200), uint16(40))
	f.Add(bytes.Repeat([]byte{0xff, 0xfe, 0, 0xff}, 33), uint16(33), uint16(17))
	f.Add([]byte{9, 9, 9, 0xff, 9, 9, 9, 0xfe, 9}, uint16(3), uint16(0))
	// 1,000 random colours: enough that a weight off by one shows.
	random := make([]byte, 4000)
	rng := rand.New(rand.NewPCG(16, 5))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	f.Add(random, uint16(1000), uint16(990))
	f.Fuzz(func(t *testing.T, src []byte, dstLen, opaqueUpTo uint16) {
		src = bytes.Clone(src)
		for i := 3; i < len(src) && i < 4*int(opaqueUpTo); i += 4 {
			src[i] = 0xff
		}
		for name, k := range blueKernelsUnderTest() {
			checkBlueRow(t, name, k, int(dstLen), src)
		}
		goDst := make([]byte, dstLen)
		goN := opaqueRowGo(goDst, src)
		for name, k := range kernelsUnderTest() {
			checkOpaqueRow(t, name, k.run, k.exact, int(dstLen), src)
			dst := make([]byte, dstLen)
			n := k.run(dst, src)
			if common := min(n, goN); !bytes.Equal(dst[:common], goDst[:common]) {
				t.Fatalf("%s: the first %d pixels differ from the Go path's", name, common)
			}
		}
	})
}

// TestBlueRenderingRGBA: the blue-weighted rendering of RGBA and NRGBA
// images (random sizes, offsets and strides, a few pixels not opaque
// among long opaque runs) gives, row by row from greyRow, the bytes and
// the least and greatest difference from BT.601 that the At path gives
// pixel by pixel; renderEven gives the At path's even pixels.
func TestBlueRenderingRGBA(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 3))
	for range 200 {
		w, h := 1+rng.IntN(100), 1+rng.IntN(5)
		outer := image.Rect(0, 0, w+rng.IntN(5), h)
		rgba, nrgba := image.NewRGBA(outer), image.NewNRGBA(outer)
		for _, pix := range [][]byte{rgba.Pix, nrgba.Pix} {
			for i := range pix {
				pix[i] = byte(rng.Uint32())
				if i%4 == 3 && rng.IntN(30) != 0 {
					pix[i] = 0xff
				}
			}
		}
		for i := 0; i < len(rgba.Pix); i += 4 { // premultiplied: no colour above alpha
			a := rgba.Pix[i+3]
			rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2] = min(a, rgba.Pix[i]), min(a, rgba.Pix[i+1]), min(a, rgba.Pix[i+2])
		}
		x0 := rng.IntN(rgba.Rect.Dx() - w + 1)
		for _, img := range []image.Image{rgba.SubImage(image.Rect(x0, 0, x0+w, h)), nrgba.SubImage(image.Rect(x0, 0, x0+w, h))} {
			b := img.Bounds()
			if b.Dx() != w {
				t.Fatalf("%v: sub-image %v, want %d wide", outer, b, w)
			}
			want := make([]byte, w*h)
			wantLo, wantHi := 1<<30, -1<<30
			for y := range h {
				for x := range w {
					r, g, bl, a := img.At(b.Min.X+x, y).RGBA()
					v := byte(((r+2*g+bl)/4 + 0xffff - a) >> 8)
					want[y*w+x] = v
					d := int(v) - int(lum16(r, g, bl, a))
					wantLo, wantHi = min(wantLo, d), max(wantHi, d)
				}
			}
			var got []byte
			var lo, hi int
			switch m := img.(type) {
			case *image.RGBA:
				got = make([]byte, w*h)
				lo, hi = blueFromRGBA(m.Pix[m.PixOffset(b.Min.X, 0):], m.Stride, w, h, true, got)
			case *image.NRGBA:
				got = make([]byte, w*h)
				lo, hi = blueFromRGBA(m.Pix[m.PixOffset(b.Min.X, 0):], m.Stride, w, h, false, got)
			}
			if !bytes.Equal(got, want) || lo != wantLo || hi != wantHi {
				t.Fatalf("%T %v: blue rendering (spread %d..%d) differs from the At path's (%d..%d)", img, b, lo, hi, wantLo, wantHi)
			}
			n := (w + 1) / 2
			grey, blue, atGrey, atBlue := make([]byte, n), make([]byte, n), make([]byte, n), make([]byte, n)
			for y := range h {
				renderEven(img, y, grey, blue)
				renderEven(opaqueType{img}, y, atGrey, atBlue)
				if !bytes.Equal(grey, atGrey) || !bytes.Equal(blue, atBlue) {
					t.Fatalf("%T %v row %d: renderEven differs from the At path's", img, b, y)
				}
			}
		}
	}
}

// BenchmarkRGBAVGA renders an opaque 640 x 480 RGBA photo, qrcode-1's
// size, in BT.601 grey (the first cost of every decode of one) and in
// the blue-weighted rendering.
func BenchmarkRGBAVGA(b *testing.B) {
	rgba := image.NewRGBA(image.Rect(0, 0, 640, 480))
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range rgba.Pix {
		rgba.Pix[i] = byte(rng.Uint32()) | byte(255*(i%4/3)) // opaque
	}
	b.Run("Grey", func(b *testing.B) {
		for b.Loop() {
			newLuminanceSource(rgba)
		}
	})
	b.Run("Blue", func(b *testing.B) {
		for b.Loop() {
			newBlueLuminanceSource(rgba)
		}
	})
}
