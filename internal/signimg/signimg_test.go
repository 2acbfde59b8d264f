package signimg

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"math"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

func TestRender(t *testing.T) {
	line := []app.Stroke{{{X: 100, Y: 200}, {X: 900, Y: 200}}}
	tests := []struct {
		name     string
		strokes  []app.Stroke
		inked    [][2]int // pixels of the picture (600x240) that must carry ink
		blank    [][2]int // and that must stay white
		minShade int      // the darkest palette index expected on an inked pixel
	}{
		{"empty", nil, nil, [][2]int{{300, 120}, {0, 0}}, 0},
		{"line", line, [][2]int{{60, 120}, {300, 120}, {540, 120}}, [][2]int{{300, 100}, {300, 140}, {30, 120}, {570, 120}}, 15},
		{"dot", []app.Stroke{{{X: 500, Y: 100}}}, [][2]int{{300, 60}}, [][2]int{{300, 80}, {320, 60}}, 15},
		{"corner to corner", []app.Stroke{{{X: 0, Y: 0}, {X: 1000, Y: 400}}}, [][2]int{{0, 0}, {300, 120}, {599, 239}}, [][2]int{{599, 0}, {0, 239}}, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Render(tc.strokes, Width, Height)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range tc.inked {
				if v := img.ColorIndexAt(p[0], p[1]); int(v) < tc.minShade {
					t.Errorf("pixel %v has shade %d, want at least %d", p, v, tc.minShade)
				}
			}
			for _, p := range tc.blank {
				if v := img.ColorIndexAt(p[0], p[1]); v != 0 {
					t.Errorf("pixel %v has shade %d, want white", p, v)
				}
			}
		})
	}
}

// TestRenderAntiAliased: a slanted line's edge has shades between white
// and the ink, and a line drawn twice is no darker than once (the
// rasterizer's coverage saturates, windings do not cancel).
func TestRenderAntiAliased(t *testing.T) {
	img, err := Render([]app.Stroke{{{X: 0, Y: 0}, {X: 1000, Y: 300}}}, Width, Height)
	if err != nil {
		t.Fatal(err)
	}
	shades := map[uint8]bool{}
	for _, v := range img.Pix {
		shades[v] = true
	}
	if len(shades) < 8 {
		t.Errorf("%d shades, want the edges anti-aliased", len(shades))
	}
	back, err := Render([]app.Stroke{{{X: 0, Y: 0}, {X: 1000, Y: 300}, {X: 0, Y: 0}}}, Width, Height)
	if err != nil {
		t.Fatal(err)
	}
	if v := back.ColorIndexAt(300, 90); v != 15 {
		t.Errorf("a line drawn there and back has shade %d at its middle, want the ink (15)", v)
	}
}

func TestRenderRefusesSize(t *testing.T) {
	for _, wh := range [][2]int{{0, 240}, {600, -1}, {MaxSide + 1, 10}} {
		if _, err := Render(nil, wh[0], wh[1]); err == nil {
			t.Errorf("Render at %v: no error", wh)
		}
	}
}

func TestPNG(t *testing.T) {
	b, err := PNG(realistic())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if s := img.Bounds().Size(); s.X != Width || s.Y != Height {
		t.Errorf("PNG of %v, want %dx%d", s, Width, Height)
	}
	if len(b) > 16<<10 {
		t.Errorf("a signature's PNG is %d bytes, want it under 16 KB", len(b))
	}
}

// BenchmarkSignatureBytes measures a realistic signature's size: the
// strokes as the mutation carries them (base64) and the PNG uploaded as
// its photo.
func BenchmarkSignatureBytes(b *testing.B) {
	s := realistic()
	var enc string
	var pic []byte
	for b.Loop() {
		var err error
		if enc, err = app.EncodeStrokes(s); err != nil {
			b.Fatal(err)
		}
		if pic, err = PNG(s); err != nil {
			b.Fatal(err)
		}
	}
	points := 0
	for _, st := range s {
		points += len(st)
	}
	raw, _ := base64.StdEncoding.DecodeString(enc)
	b.ReportMetric(float64(len(s)), "strokes")
	b.ReportMetric(float64(points), "points")
	b.ReportMetric(float64(len(raw)), "strokes-bytes")
	b.ReportMetric(float64(len(enc)), "strokes-base64-bytes")
	b.ReportMetric(float64(len(pic)), "png-bytes")
}

// realistic is a signature as a pad records it: a name in cursive with a
// capital, a flourish under it and a dot, sampled as a pointer reports
// (60 events a second over about 4 seconds of writing).
func realistic() []app.Stroke {
	var out []app.Stroke
	pt := func(x, y float64) app.Point {
		return app.Point{X: min(max(int(math.Round(x)), 0), app.SignatureWidth), Y: min(max(int(math.Round(y)), 0), app.SignatureHeight)}
	}
	// The capital: a tall loop.
	var cap app.Stroke
	for i := range 70 {
		a := float64(i) / 69 * 2.2 * math.Pi
		cap = append(cap, pt(120+40*math.Sin(a)+float64(i)*0.6, 200-130*math.Sin(a/2.2)+20*math.Cos(a)))
	}
	out = append(out, cap)
	// The name: loops running right with a wavering baseline.
	var name app.Stroke
	for i := range 160 {
		u := float64(i) / 159
		x := 170 + 560*u + 22*math.Cos(u*9*2*math.Pi)
		y := 230 - 45*math.Abs(math.Sin(u*9*math.Pi)) + 10*math.Sin(u*3*math.Pi)
		name = append(name, pt(x, y))
	}
	out = append(out, name)
	// A second word, shorter.
	var second app.Stroke
	for i := range 60 {
		u := float64(i) / 59
		second = append(second, pt(760+180*u+15*math.Cos(u*4*2*math.Pi), 235-40*math.Abs(math.Sin(u*4*math.Pi))))
	}
	out = append(out, second)
	// The dot over an i, and the flourish under it all.
	out = append(out, app.Stroke{pt(420, 120), pt(421, 121)})
	var flourish app.Stroke
	for i := range 45 {
		u := float64(i) / 44
		flourish = append(flourish, pt(130+800*u, 320+25*math.Sin(u*math.Pi)-10*u))
	}
	return append(out, flourish)
}
