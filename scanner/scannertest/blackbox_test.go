package scannertest

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/fieldbench/fieldbench/scanner"
)

func writeFile(tb testing.TB, path string, data []byte) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestLoadThresholds(t *testing.T) {
	dir := t.TempDir()
	// Columns in another order, optional ones missing, comments, CRLF.
	writeFile(t, filepath.Join(dir, "thresholds.tsv"), []byte(strings.Join([]string{
		"# a comment",
		"rotation\tset\tformat\ttry_harder_must_pass\tmust_pass",
		"0\tqr\tQR_CODE\t3\t2",
		"90\tqr\tQR_CODE\t3\t1\r",
		"",
		"0\tean\tEAN_13\t5\t4",
		"90\tean\tEAN_13\t5\t0",
	}, "\n")))
	got, err := LoadThresholds(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Threshold{
		{Set: "qr", Format: scanner.QRCode, Rotation: 0, MustPass: 2, TryHarderMustPass: 3},
		{Set: "qr", Format: scanner.QRCode, Rotation: 90, MustPass: 1, TryHarderMustPass: 3},
		{Set: "ean", Format: scanner.EAN13, Rotation: 0, MustPass: 4, TryHarderMustPass: 5},
		{Set: "ean", Format: scanner.EAN13, Rotation: 90, MustPass: 0, TryHarderMustPass: 5},
		{Set: "ean", Format: scanner.EAN13, Rotation: 270, ReportOnly: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}

	for name, body := range map[string]string{
		"ErrNoHeaderColumn": "set\tformat\trotation\tmust_pass\n",
		"ErrFormat":         "set\tformat\trotation\tmust_pass\ttry_harder_must_pass\nx\tPDF_417\t0\t1\t1\n",
		"ErrRotation":       "set\tformat\trotation\tmust_pass\ttry_harder_must_pass\nx\tITF\t45\t1\t1\n",
		"ErrNumber":         "set\tformat\trotation\tmust_pass\ttry_harder_must_pass\nx\tITF\t0\tmany\t1\n",
		"ErrSetName":        "set\tformat\trotation\tmust_pass\ttry_harder_must_pass\n../x\tITF\t0\t1\t1\n",
		"ErrEmpty":          "# nothing\n",
	} {
		t.Run(name, func(t *testing.T) {
			d := t.TempDir()
			writeFile(t, filepath.Join(d, "thresholds.tsv"), []byte(body))
			if _, err := LoadThresholds(d); err == nil {
				t.Errorf("no error")
			}
		})
	}
}

func qrPNG(tb testing.TB, text string) []byte {
	tb.Helper()
	b, err := qrcode.Encode(text, qrcode.Medium, 200)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestRun builds a tiny set and checks the counting: a pass, a misread,
// a miss, a .bin expectation and a symbology note.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	set := filepath.Join(dir, "qr")
	writeFile(t, filepath.Join(set, "1.png"), qrPNG(t, "hello"))
	writeFile(t, filepath.Join(set, "1.txt"), []byte("hello"))
	writeFile(t, filepath.Join(set, "1.metadata.txt"), []byte("SYMBOLOGY_IDENTIFIER=]Q1\nERRORS_CORRECTED=0\n"))
	writeFile(t, filepath.Join(set, "2.png"), qrPNG(t, "caf\u00e9"))
	writeFile(t, filepath.Join(set, "2.bin"), []byte("caf\xe9")) // Latin-1
	writeFile(t, filepath.Join(set, "3.png"), qrPNG(t, "something else"))
	writeFile(t, filepath.Join(set, "3.txt"), []byte("expected text"))
	blank := image.NewGray(image.Rect(0, 0, 50, 50))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	f, err := os.Create(filepath.Join(set, "4.png"))
	if err != nil {
		t.Fatal(err)
	}
	png.Encode(f, blank)
	f.Close()
	writeFile(t, filepath.Join(set, "4.txt"), []byte("never"))
	writeFile(t, filepath.Join(set, "4.png.error"), []byte("not an image glob match"))
	writeFile(t, filepath.Join(dir, "thresholds.tsv"), []byte(
		"set\tformat\timages\trotation\tmust_pass\ttry_harder_must_pass\tmax_misreads\tmax_try_harder_misreads\n"+
			"qr\tQR_CODE\t4\t0\t2\t3\t0\t1\n"+
			"qr\tQR_CODE\t4\t90\t2\t2\t1\t1\n"))

	thresholds, err := LoadThresholds(dir)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Run(t.Context(), dir, thresholds, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		if r.Count != 4 || r.Passed != 2 || r.TryHarderPassed != 2 || r.Misreads != 1 || r.TryHarderMisreads != 1 {
			t.Errorf("rotation %d: %+v", r.Rotation, r)
		}
		if r.SymbologyChecked != 2 || r.SymbologyWrong != 0 {
			t.Errorf("rotation %d: symbology checked %d, wrong %d", r.Rotation, r.SymbologyChecked, r.SymbologyWrong)
		}
		if len(r.Times) != 4 || len(r.TryHarderTimes) != 4 {
			t.Errorf("times %v %v", r.Times, r.TryHarderTimes)
		}
	}
	// Rotation 0: try harder needs 3 and allows 1 misread; normal allows none.
	if got := rows[0].Shortfalls(); len(got) != 2 {
		t.Errorf("rotation 0 shortfalls %q, want two", got)
	}
	if got := rows[1].Shortfalls(); len(got) != 0 {
		t.Errorf("rotation 90 shortfalls %q, want none", got)
	}
}

func TestDir(t *testing.T) {
	t.Setenv(EnvDir, "some/where")
	got, err := Dir()
	if err != nil || !filepath.IsAbs(got) || !strings.HasSuffix(got, filepath.Join("some", "where")) {
		t.Errorf("Dir() = %q, %v", got, err)
	}
	t.Setenv(EnvDir, "")
	got, err = Dir()
	if err != nil || !strings.HasSuffix(got, filepath.FromSlash("shared/testdata/barcodes/zxing-blackbox")) {
		t.Errorf("Dir() = %q, %v", got, err)
	}
}

func TestRotate(t *testing.T) {
	pal := image.NewPaletted(image.Rect(2, 3, 7, 6), color.Palette{color.White, color.Black, color.RGBA{255, 0, 0, 255}})
	gray := image.NewGray(pal.Rect)
	rgba := image.NewRGBA(pal.Rect)
	cmyk := image.NewCMYK(pal.Rect)
	i := 0
	for y := pal.Rect.Min.Y; y < pal.Rect.Max.Y; y++ {
		for x := pal.Rect.Min.X; x < pal.Rect.Max.X; x++ {
			pal.SetColorIndex(x, y, uint8(i%3))
			gray.SetGray(x, y, color.Gray{uint8(i * 10)})
			rgba.SetRGBA(x, y, color.RGBA{uint8(i), uint8(2 * i), 0, 255})
			cmyk.SetCMYK(x, y, color.CMYK{uint8(i), 0, uint8(3 * i), 0})
			i++
		}
	}
	for name, img := range map[string]image.Image{"Paletted": pal, "Gray": gray, "RGBA": rgba, "CMYK": cmyk} {
		t.Run(name, func(t *testing.T) {
			b := img.Bounds()
			r90 := Rotate(img, 90)
			if r90.Bounds() != image.Rect(0, 0, b.Dy(), b.Dx()) {
				t.Fatalf("bounds %v", r90.Bounds())
			}
			// The top-left pixel goes to the top right.
			if !sameColour(r90.At(b.Dy()-1, 0), img.At(b.Min.X, b.Min.Y)) {
				t.Errorf("90: top-left did not move to top-right")
			}
			r180 := Rotate(img, 180)
			if !sameColour(r180.At(b.Dx()-1, b.Dy()-1), img.At(b.Min.X, b.Min.Y)) {
				t.Errorf("180: top-left did not move to bottom-right")
			}
			back := Rotate(Rotate(r90, 90), 180)
			for y := range b.Dy() {
				for x := range b.Dx() {
					if !sameColour(back.At(x, y), img.At(b.Min.X+x, b.Min.Y+y)) {
						t.Fatalf("four quarter turns changed (%d,%d)", x, y)
					}
				}
			}
		})
	}
}

func sameColour(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	d := func(x, y uint32) bool { return x-y+0x101 <= 0x202 } // within one 8-bit step
	return d(r1, r2) && d(g1, g2) && d(b1, b2) && d(a1, a2)
}
