package scanner

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestHybridBinarizerMatchesGozxing: our black matrix is gozxing's
// HybridBinarizer's bit for bit: noise (every block contrasting), smooth
// shading (every block flat, the neighbour rule), a mix, sizes that are not
// a multiple of 8 (the last block overlaps) or 32, windows cut from a
// larger plane, and images too small for the block method.
func TestHybridBinarizerMatchesGozxing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	paint := func(w, h int, f func(x, y int) uint8) *luminanceSource {
		img := image.NewGray(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.SetGray(x, y, color.Gray{f(x, y)})
			}
		}
		return newLuminanceSource(img)
	}
	noise := func(int, int) uint8 { return uint8(rng.IntN(256)) }
	shade := func(x, y int) uint8 { return uint8((3*x + 2*y) % 256) }
	mixed := func(x, y int) uint8 {
		switch {
		case (x/37+y/29)%3 == 0:
			return uint8(rng.IntN(256)) // noise
		case (x/11)%2 == 0:
			return uint8(20 + rng.IntN(10)) // dark and flat
		}
		return uint8(200 + (x+y)%7) // light and flat
	}
	cut := func(s *luminanceSource, r image.Rectangle) *luminanceSource {
		c, err := s.crop(r)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name string
		src  *luminanceSource
	}{
		{"Noise64x64", paint(64, 64, noise)},
		{"Noise333x201", paint(333, 201, noise)},
		{"Shade200x120", paint(200, 120, shade)},
		{"Mixed517x389", paint(517, 389, mixed)},
		{"Mixed40x40", paint(40, 40, mixed)},
		{"MixedCrop", cut(paint(300, 260, mixed), image.Rect(13, 21, 290, 250))},
		{"Small39x80", paint(39, 80, mixed)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := gozxing.NewHybridBinarizer(tt.src).GetBlackMatrix()
			if err != nil {
				t.Fatal(err)
			}
			got, err := newHybridBinarizer(tt.src).GetBlackMatrix()
			if err != nil {
				t.Fatal(err)
			}
			if got.GetWidth() != want.GetWidth() || got.GetHeight() != want.GetHeight() {
				t.Fatalf("size %dx%d, want %dx%d", got.GetWidth(), got.GetHeight(), want.GetWidth(), want.GetHeight())
			}
			black := 0
			for y := range want.GetHeight() {
				for x := range want.GetWidth() {
					if got.Get(x, y) != want.Get(x, y) {
						t.Fatalf("pixel (%d, %d) is %v, gozxing's %v", x, y, got.Get(x, y), want.Get(x, y))
					}
					if want.Get(x, y) {
						black++
					}
				}
			}
			if black == 0 || black == want.GetWidth()*want.GetHeight() {
				t.Fatalf("%d black pixels: the image tests nothing", black)
			}
		})
	}
}

// BenchmarkHybridBinarizer makes the black matrix of a 1152 x 864 image
// (shaded, with patches of noise) with gozxing's HybridBinarizer and with
// ours.
func BenchmarkHybridBinarizer(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	img := image.NewGray(image.Rect(0, 0, 1152, 864))
	for y := range 864 {
		for x := range 1152 {
			v := uint8(60 + (x+2*y)%150)
			if (x/64+y/48)%4 == 0 {
				v = uint8(rng.IntN(256))
			}
			img.Pix[y*img.Stride+x] = v
		}
	}
	src := newLuminanceSource(img)
	for _, bench := range []struct {
		name string
		make func() gozxing.Binarizer
	}{
		{"Gozxing", func() gozxing.Binarizer { return gozxing.NewHybridBinarizer(src) }},
		{"Ours", func() gozxing.Binarizer { return newHybridBinarizer(src) }},
	} {
		b.Run(bench.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := bench.make().GetBlackMatrix(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSWAREveryPair checks atMost and minMaxBytes on every pair of bytes
// in every lane, beside neighbours that differ from pair to pair: the
// select on the top bits and the borrow of the low seven must hold for
// all 65536 pairs, not only the random ones of TestSWAR.
func TestSWAREveryPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for a := range 256 {
		for b := range 256 {
			lane := rng.IntN(8)
			x, y := rng.Uint64(), rng.Uint64()
			shift := uint(8 * lane)
			x = x&^(0xff<<shift) | uint64(a)<<shift
			y = y&^(0xff<<shift) | uint64(b)<<shift
			m := highBits(atMost(x, y))
			lo, hi := minMaxBytes(x, y)
			for i := range 8 {
				xa, yb := byte(x>>(8*i)), byte(y>>(8*i))
				if (m>>i&1 == 1) != (xa <= yb) {
					t.Fatalf("atMost(%#x, %#x) lane %d = %08b: %d <= %d wrong", x, y, i, m, xa, yb)
				}
				if byte(lo>>(8*i)) != min(xa, yb) || byte(hi>>(8*i)) != max(xa, yb) {
					t.Fatalf("minMaxBytes(%#x, %#x) lane %d = %d, %d", x, y, i, byte(lo>>(8*i)), byte(hi>>(8*i)))
				}
			}
		}
	}
}

// TestSWAR checks the eight-pixels-at-once helpers against a pixel at a
// time, on the bytes where a borrow or a top bit could go wrong and on
// random ones.
func TestSWAR(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	edge := []byte{0, 1, 24, 25, 126, 127, 128, 129, 254, 255}
	pick := func() byte {
		if rng.IntN(2) == 0 {
			return edge[rng.IntN(len(edge))]
		}
		return byte(rng.IntN(256))
	}
	word := func(b [8]byte) uint64 {
		var w uint64
		for i, v := range b {
			w |= uint64(v) << (8 * i)
		}
		return w
	}
	for range 20000 {
		var a, b [8]byte
		for i := range a {
			a[i], b[i] = pick(), pick()
		}
		var want uint32
		for i := range a {
			if a[i] <= b[i] {
				want |= 1 << i
			}
		}
		if got := highBits(atMost(word(a), word(b))); got != want {
			t.Fatalf("atMost(%v, %v) = %08b, want %08b", a, b, got, want)
		}
		lo, hi := minMaxBytes(word(a), word(b))
		for i := range a {
			if byte(lo>>(8*i)) != min(a[i], b[i]) || byte(hi>>(8*i)) != max(a[i], b[i]) {
				t.Fatalf("minMaxBytes(%v, %v) byte %d = %d, %d", a, b, i, byte(lo>>(8*i)), byte(hi>>(8*i)))
			}
		}
	}
	for range 2000 {
		const stride = 11
		p := make([]byte, 7*stride+8)
		sum, lo, hi := 0, 255, 0
		for y := range 8 {
			for x := range 8 {
				v := pick()
				p[y*stride+x] = v
				sum, lo, hi = sum+int(v), min(lo, int(v)), max(hi, int(v))
			}
		}
		for i := range p {
			if i%stride >= 8 {
				p[i] = pick() // outside the block: must not count
			}
		}
		if s, l, h := blockStats(p, stride); s != sum || l != lo || h != hi {
			t.Fatalf("blockStats = %d, %d, %d, want %d, %d, %d", s, l, h, sum, lo, hi)
		}
	}
}

// TestBlockRowMatchesPixels: blockRow (SSE2 on amd64) and blockRowGo
// give each block's sum, least and greatest as a loop over its pixels
// does, for rows of one to nine blocks (odd counts end on a lone block),
// extremes 0 and 255 placed anywhere in a block, and pixels beside the
// blocks (the stride's slack, the eighth row's tail) that must not count.
func TestBlockRowMatchesPixels(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for trial := range 3000 {
		n := 1 + trial%9
		stride := 8*n + rng.IntN(13)
		p := make([]byte, 7*stride+8*n+rng.IntN(9))
		for i := range p {
			switch rng.IntN(8) {
			case 0:
				p[i] = 0
			case 1:
				p[i] = 255
			default:
				p[i] = byte(rng.IntN(256))
			}
		}
		for name, row := range map[string]func([]byte, int, []int32, []uint8, []uint8){"blockRow": blockRow, "blockRowGo": blockRowGo} {
			sums, lo, hi := make([]int32, n), make([]uint8, n), make([]uint8, n)
			row(p, stride, sums, lo, hi)
			for x := range n {
				sum, l, h := 0, 255, 0
				for y := range 8 {
					for _, v := range p[y*stride+8*x:][:8] {
						sum, l, h = sum+int(v), min(l, int(v)), max(h, int(v))
					}
				}
				if int(sums[x]) != sum || int(lo[x]) != l || int(hi[x]) != h {
					t.Fatalf("%s, %d blocks, stride %d: block %d = %d, %d, %d; want %d, %d, %d",
						name, n, stride, x, sums[x], lo[x], hi[x], sum, l, h)
				}
			}
		}
	}
}

// TestBinariseRowMatchesPixels: binariseRow (SSE2 on amd64 for whole
// words) and binariseRowGo set exactly the bits of the pixels darker than
// their block's threshold, for rows of 1 to 200 pixels (whole words, a
// last part word, a last part block), thresholds 0 (a flat light block),
// 1, 255 and any, and pixels equal to their threshold (not darker).
func TestBinariseRowMatchesPixels(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 64))
	pick := func() byte {
		switch rng.IntN(6) {
		case 0:
			return 0
		case 1:
			return 1
		case 2:
			return 255
		}
		return byte(rng.IntN(256))
	}
	for trial := range 4000 {
		w := 1 + trial%200
		line, thr := make([]byte, w), make([]byte, (w+gateBlock-1)/gateBlock)
		for i := range thr {
			thr[i] = pick()
		}
		for i := range line {
			line[i] = pick()
			if rng.IntN(8) == 0 {
				line[i] = thr[i/gateBlock] // equal: not darker
			}
		}
		for name, binarise := range map[string]func(line, thr []byte, words []uint64){"binariseRow": binariseRow, "binariseRowGo": binariseRowGo} {
			words := make([]uint64, (w+63)/64)
			binarise(line, thr, words)
			for x := range (w + 63) / 64 * 64 {
				want := x < w && line[x] < thr[x/gateBlock]
				if got := words[x/64]>>(x%64)&1 == 1; got != want {
					t.Fatalf("%s, %d pixels: pixel %d (grey %d, threshold %d) black = %v, want %v", name, w, x, line[min(x, w-1)], thr[min(x, w-1)/gateBlock], got, want)
				}
			}
		}
	}
}
