package store

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/phototest"
)

// checkNoMetadata fails when stored bytes keep an EXIF block or the GPS
// latitude.
func checkNoMetadata(t *testing.T, name string, stored []byte) {
	t.Helper()
	if bytes.Contains(stored, []byte("Exif\x00\x00")) {
		t.Errorf("%s: the stored photo keeps its EXIF block", name)
	}
	for _, order := range []binary.AppendByteOrder{binary.BigEndian, binary.LittleEndian} {
		if bytes.Contains(stored, phototest.GPSLatitude(order)) {
			t.Errorf("%s: the stored photo keeps the GPS latitude", name)
		}
	}
}

// TestImportPhotoShrinks: a 12 MP camera photo with EXIF and GPS, through
// the store, leaves as a 1600x1200 JPEG of a few hundred KB without its
// metadata; the original is kept only when asked for.
func TestImportPhotoShrinks(t *testing.T) {
	t.Parallel()
	src := phototest.WithEXIF(phototest.CameraJPEG(t, 4000, 3000, 95), 1, false)
	for _, keep := range []bool{false, true} {
		db := mustOpen(t)
		ps := NewPhotoStore(db)
		start := time.Now()
		f, err := ps.ImportPhoto(t.Context(), bytes.NewReader(src), keep)
		took := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := os.ReadFile(filepath.Join(db.photoDir, f.SHA256))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(stored))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("4000x3000 camera-like JPEG %d KB -> %dx%d %d KB in %v", len(src)>>10, cfg.Width, cfg.Height, len(stored)>>10, took.Round(time.Millisecond))
		if len(src) < 3<<20 {
			t.Errorf("the source is %d KB, not like a 3-8 MB camera photo", len(src)>>10)
		}
		if cfg.Width != app.PhotoMaxSide || cfg.Height != 1200 || f.Mime != "image/jpeg" || f.Size != int64(len(stored)) {
			t.Errorf("stored %dx%d %s of %d bytes (file %d), want 1600x1200 image/jpeg", cfg.Width, cfg.Height, f.Mime, f.Size, len(stored))
		}
		if len(stored) > 600<<10 {
			t.Errorf("shrunk to %d KB, want at most 600 KB", len(stored)>>10)
		}
		checkNoMetadata(t, "12 MP", stored)
		original, err := os.ReadFile(filepath.Join(db.photoDir, originalPrefix+f.SHA256))
		if keep && !bytes.Equal(original, src) {
			t.Errorf("kept original: %d bytes, %v; want the %d bytes given", len(original), err, len(src))
		}
		if !keep && !os.IsNotExist(err) {
			t.Errorf("an original was kept without the setting: %v", err)
		}
		if keep {
			// Signing out erases the originals with the photos.
			if err := db.Wipe(t.Context()); err != nil {
				t.Fatal(err)
			}
			if entries, _ := os.ReadDir(db.photoDir); len(entries) != 0 {
				t.Errorf("after a wipe the photo folder holds %d files", len(entries))
			}
		}
	}
}

// TestImportPhotoSmall: a picture within app.PhotoMaxSide keeps its size; a
// JPEG loses only its metadata (the image data is copied as it is), a
// PNG or GIF is re-encoded as PNG.
func TestImportPhotoSmall(t *testing.T) {
	plain := phototest.CameraJPEG(t, 1600, 900, 90)
	tagged := phototest.WithEXIF(plain, 0, true)
	gray := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i % 251)
	}
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, gray); err != nil {
		t.Fatal(err)
	}
	ps := NewPhotoStore(mustOpen(t))
	tests := []struct {
		name  string
		in    []byte
		want  []byte // nil: any bytes of the right size and type
		mime  string
		w, h  int
		exact bool
	}{
		{name: "plain JPEG", in: plain, want: plain, mime: "image/jpeg", w: 1600, h: 900},
		{name: "JPEG with EXIF and GPS", in: tagged, want: plain, mime: "image/jpeg", w: 1600, h: 900},
		{name: "PNG", in: pngBuf.Bytes(), mime: "image/png", w: 300, h: 200},
	}
	for _, tt := range tests {
		f, err := ps.ImportPhoto(t.Context(), bytes.NewReader(tt.in), false)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		stored, err := os.ReadFile(filepath.Join(ps.dir, f.SHA256))
		if err != nil {
			t.Fatal(err)
		}
		if tt.want != nil && !bytes.Equal(stored, tt.want) {
			t.Errorf("%s: stored %d bytes, want the %d of the image without metadata", tt.name, len(stored), len(tt.want))
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(stored))
		if err != nil || "image/"+format != tt.mime || f.Mime != tt.mime || cfg.Width != tt.w || cfg.Height != tt.h {
			t.Errorf("%s: stored %s %dx%d (recorded %s), %v; want %s %dx%d", tt.name, format, cfg.Width, cfg.Height, f.Mime, err, tt.mime, tt.w, tt.h)
		}
		checkNoMetadata(t, tt.name, stored)
	}
}

// TestImportPhotoOrientation: the EXIF orientation is applied to the
// pixels, for a photo that is shrunk and for one that is not.
func TestImportPhotoOrientation(t *testing.T) {
	t.Parallel()
	// Stored quadrants: top-left red, top-right green, bottom-left blue,
	// bottom-right white.
	red, green, blue, white := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 255, 0, 255}, color.RGBA{0, 0, 255, 255}, color.RGBA{255, 255, 255, 255}
	quadrants := func(w, h int) []byte {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				img.SetRGBA(x, y, [2][2]color.RGBA{{red, green}, {blue, white}}[2*y/h][2*x/w])
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	// What shows upright, quadrant by quadrant (TL, TR, BL, BR).
	upright := map[uint16][4]color.RGBA{
		1: {red, green, blue, white},
		2: {green, red, white, blue},
		3: {white, blue, green, red},
		4: {blue, white, red, green},
		5: {red, blue, green, white},
		6: {blue, red, white, green},
		7: {white, green, blue, red},
		8: {green, white, red, blue},
	}
	sizes := []struct {
		w, h   int // stored
		sw, sh int // shown upright (no rotation)
	}{
		{3200, 1600, 1600, 800}, // shrunk by 2
		{800, 400, 800, 400},    // within app.PhotoMaxSide
	}
	for _, sz := range sizes {
		src := quadrants(sz.w, sz.h)
		for o, want := range upright {
			for _, big := range []bool{false, true} {
				jpg := phototest.WithEXIF(src, o, big)
				if got := exifOrientation(jpg); got != int(o) {
					t.Fatalf("exifOrientation = %d, want %d", got, o)
				}
				if raceDetector && big != (o%2 == 0) {
					// The pixels are turned the same whatever the EXIF's
					// byte order, on one goroutine: under the race
					// detector (ten times slower here) each byte order
					// goes through for half the orientations.
					continue
				}
				out, mime, err := preparePhoto(jpg)
				if err != nil || mime != "image/jpeg" {
					t.Fatalf("%dx%d orientation %d: %s, %v", sz.w, sz.h, o, mime, err)
				}
				checkNoMetadata(t, "oriented", out)
				res, err := jpeg.Decode(bytes.NewReader(out))
				if err != nil {
					t.Fatal(err)
				}
				b := res.Bounds()
				ww, wh := sz.sw, sz.sh
				if o >= 5 {
					ww, wh = wh, ww
				}
				if b.Dx() != ww || b.Dy() != wh {
					t.Errorf("%dx%d orientation %d: %v, want %dx%d", sz.w, sz.h, o, b, ww, wh)
				}
				at := [4]image.Point{{b.Dx() / 4, b.Dy() / 4}, {3 * b.Dx() / 4, b.Dy() / 4}, {b.Dx() / 4, 3 * b.Dy() / 4}, {3 * b.Dx() / 4, 3 * b.Dy() / 4}}
				for i, p := range at {
					r, g, bl, _ := res.At(p.X, p.Y).RGBA()
					c := want[i]
					if diff(r>>8, c.R) > 40 || diff(g>>8, c.G) > 40 || diff(bl>>8, c.B) > 40 {
						t.Errorf("%dx%d orientation %d (big-endian %v), quadrant %d: %d,%d,%d, want %v", sz.w, sz.h, o, big, i, r>>8, g>>8, bl>>8, c)
					}
				}
			}
		}
	}
}

func diff(a uint32, b uint8) uint32 {
	if a > uint32(b) {
		return a - uint32(b)
	}
	return uint32(b) - a
}

// TestImportPhotoRefuses: bad input gets a clear error and stores
// nothing; an image bomb is refused on its header, before a pixel is
// decoded (decoding 16000x16000 grey would allocate 256 MB).
func TestImportPhotoRefuses(t *testing.T) {
	camera := phototest.CameraJPEG(t, 64, 48, 80)
	tests := []struct {
		name string
		in   []byte
		code string
		key  string
	}{
		{"empty", nil, app.EINVALID, "photo.bad_size"},
		{"not an image", []byte("%PDF-1.7 a scanned invoice"), app.EINVALID, "scan.file_format"},
		{"truncated JPEG", camera[:len(camera)/2], app.ECORRUPT, "scan.file_corrupt"},
		{"truncated header", camera[:20], app.ECORRUPT, "scan.file_corrupt"},
		{"PNG bomb 16000x16000", phototest.PNGBomb(16000, 16000), app.EINVALID, "photo.too_many_pixels"},
		{"PNG 0x0", phototest.PNGBomb(0, 0), app.ECORRUPT, "scan.file_corrupt"},
		{"PNG just over the limit", phototest.PNGBomb(app.MaxPhotoPixels/1000+1, 1000), app.EINVALID, "photo.too_many_pixels"},
	}
	db := mustOpen(t)
	ps := NewPhotoStore(db)
	for _, tt := range tests {
		var err error
		n := phototest.Allocated(func() { _, err = ps.ImportPhoto(t.Context(), bytes.NewReader(tt.in), true) })
		if e := app.AsError(err); app.ErrorCode(err) != tt.code || e.Key != tt.key {
			t.Errorf("%s: %v, want %s %s", tt.name, err, tt.code, tt.key)
		}
		if n > 8<<20 {
			t.Errorf("%s: refusing it allocated %d MB", tt.name, n>>20)
		}
	}
	if entries, _ := os.ReadDir(db.photoDir); len(entries) != 0 {
		t.Errorf("refused photos left %d files", len(entries))
	}
}

func FuzzExifOrientation(f *testing.F) {
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
	for o := uint16(0); o <= 9; o++ {
		f.Add(phototest.WithEXIF(buf.Bytes(), o, o%2 == 0))
	}
	f.Add(phototest.WithEXIF(buf.Bytes(), 6, true)[:30])
	f.Add([]byte("\xff\xd8\xff\xff\xff\xe1\x00\x02"))
	f.Add([]byte("\xff\xd8\xff\xe1\xff\xff"))
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		if out, err := stripJPEGMetadata(data); err == nil && len(out) > len(data) {
			t.Fatalf("stripping grew %d bytes to %d", len(data), len(out))
		}
	})
}

// noisyJPEG makes a w×h JPEG with more fine detail than cameraJPEG
// (sensor noise over the whole frame): the larger end of a 12 MP
// camera's files.
func noisyJPEG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint32(2463534242)
	for i := range img.Y {
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		img.Y[i] = uint8(90 + i%97 + int(seed%23))
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(110+i%31), uint8(120+i%17)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// upload2G is the time to upload n bytes on the 2G link of
// docs/BENCHMARKS.md: 100 kbit/s, and 600 ms per request (the creation,
// then one per 64 KiB chunk).
func upload2G(n int) time.Duration {
	requests := 1 + (n+65535)/65536
	return time.Duration(float64(n)*8/100_000*float64(time.Second)) + time.Duration(requests)*600*time.Millisecond
}

// BenchmarkImportPhoto: a 12 MP camera JPEG attached through the store,
// its bytes before and after, and the 2G upload time of each.
func BenchmarkImportPhoto(b *testing.B) {
	for _, src := range []struct {
		name string
		data []byte
	}{
		{"camera-like", phototest.WithEXIF(phototest.CameraJPEG(b, 4000, 3000, 95), 1, false)},
		{"high-detail", phototest.WithEXIF(noisyJPEG(b, 4000, 3000), 6, true)},
	} {
		b.Run(src.name, func(b *testing.B) {
			ps := NewPhotoStore(mustOpen(b))
			var out int64
			for b.Loop() {
				f, err := ps.ImportPhoto(b.Context(), bytes.NewReader(src.data), false)
				if err != nil {
					b.Fatal(err)
				}
				out = f.Size
			}
			b.ReportMetric(float64(len(src.data)), "bytes-in")
			b.ReportMetric(float64(out), "bytes-out")
			b.ReportMetric(upload2G(len(src.data)).Seconds(), "2G-s-in")
			b.ReportMetric(upload2G(int(out)).Seconds(), "2G-s-out")
		})
	}
}
