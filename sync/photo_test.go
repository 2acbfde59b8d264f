package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// The end-to-end upload tests (real central server on loopback) are in
// sync/central/upload_test.go; here are the device-only parts.

// cameraJPEG makes a w×h JPEG that compresses like a phone photo: smooth
// light, edges, fine texture and sensor noise.
func cameraJPEG(tb testing.TB, w, h, quality int) []byte {
	tb.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint32(2463534242)
	noise := func() int {
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		return int(seed%13) - 6
	}
	clamp := func(v int) uint8 { return uint8(max(0, min(255, v))) }
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 60 + 120*x/w + 40*y/h
			if (x/(w/7)+y/(h/5))%3 == 0 { // objects with edges
				v -= 45
			}
			v += int(12 * math.Sin(float64(x)/7) * math.Cos(float64(y)/11)) // texture
			img.Y[img.YOffset(x, y)] = clamp(v + noise())
		}
	}
	for y := 0; y < h/2; y++ {
		for x := 0; x < w/2; x++ {
			i := y*img.CStride + x
			img.Cb[i] = clamp(128 + 30*x/(w/2) - 15 + noise()/2)
			img.Cr[i] = clamp(128 + 25*y/(h/2) - 12 + noise()/2)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestShrinkJPEG(t *testing.T) {
	src := cameraJPEG(t, 4000, 3000, 95)
	start := time.Now()
	out, err := ShrinkJPEG(bytes.NewReader(src), 1600, 80)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("4000x3000 camera-like JPEG %d KB -> %dx%d %d KB in %v", len(src)>>10, cfg.Width, cfg.Height, len(out)>>10, took.Round(time.Millisecond))
	if len(src) < 3<<20 {
		t.Errorf("the source is %d KB, not like a 3-8 MB camera photo", len(src)>>10)
	}
	if cfg.Width != 1600 || cfg.Height != 1200 {
		t.Errorf("shrunk to %dx%d, want 1600x1200", cfg.Width, cfg.Height)
	}
	if len(out) > 600<<10 {
		t.Errorf("shrunk to %d KB, want at most 600 KB", len(out)>>10)
	}

	small := cameraJPEG(t, 1600, 900, 90)
	if out, err := ShrinkJPEG(bytes.NewReader(small), 1600, 80); err != nil || !bytes.Equal(out, small) {
		t.Errorf("a picture within maxSide changed (%d -> %d bytes, %v)", len(small), len(out), err)
	}
	for name, in := range map[string][]byte{"empty": nil, "png": []byte("\x89PNG\r\n\x1a\n"), "truncated": src[:1000]} {
		if _, err := ShrinkJPEG(bytes.NewReader(in), 1600, 80); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// withEXIF inserts an APP1 Exif segment holding orientation o after the
// SOI marker, in big- or little-endian TIFF.
func withEXIF(jpg []byte, o uint16, bigEndian bool) []byte {
	var order binary.AppendByteOrder = binary.LittleEndian
	tiff := []byte("II*\x00")
	if bigEndian {
		order, tiff = binary.BigEndian, []byte("MM\x00*")
	}
	tiff = order.AppendUint32(tiff, 8)
	tiff = order.AppendUint16(tiff, 2) // two entries
	for _, tag := range []uint16{0x010f, 0x0112} {
		tiff = order.AppendUint16(tiff, tag)
		tiff = order.AppendUint16(tiff, 3)
		tiff = order.AppendUint32(tiff, 1)
		tiff = order.AppendUint16(tiff, o)
		tiff = order.AppendUint16(tiff, 0)
	}
	tiff = order.AppendUint32(tiff, 0)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xff, 0xe1, byte((len(seg)+2)>>8), byte(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func TestShrinkJPEGOrientation(t *testing.T) {
	// Stored quadrants: top-left red, top-right green, bottom-left blue,
	// bottom-right white.
	red, green, blue, white := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 255, 0, 255}, color.RGBA{0, 0, 255, 255}, color.RGBA{255, 255, 255, 255}
	const w, h = 2000, 1000
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := [2][2]color.RGBA{{red, green}, {blue, white}}[2*y/h][2*x/w]
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	// What shows upright, quadrant by quadrant (TL, TR, BL, BR).
	tests := map[uint16][4]color.RGBA{
		1: {red, green, blue, white},
		2: {green, red, white, blue},
		3: {white, blue, green, red},
		4: {blue, white, red, green},
		5: {red, blue, green, white},
		6: {blue, red, white, green},
		7: {white, green, blue, red},
		8: {green, white, red, blue},
	}
	for o, want := range tests {
		for _, big := range []bool{false, true} {
			jpg := withEXIF(buf.Bytes(), o, big)
			if got := exifOrientation(jpg); got != int(o) {
				t.Fatalf("exifOrientation = %d, want %d", got, o)
			}
			out, err := ShrinkJPEG(bytes.NewReader(jpg), 400, 90)
			if err != nil {
				t.Fatal(err)
			}
			res, err := jpeg.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			b := res.Bounds()
			if wantW := map[bool]int{true: 200, false: 400}[o >= 5]; b.Dx() != wantW || b.Dy() != 600-wantW {
				t.Errorf("orientation %d: %v", o, b)
			}
			at := [4]image.Point{{b.Dx() / 4, b.Dy() / 4}, {3 * b.Dx() / 4, b.Dy() / 4}, {b.Dx() / 4, 3 * b.Dy() / 4}, {3 * b.Dx() / 4, 3 * b.Dy() / 4}}
			for i, p := range at {
				r, g, bl, _ := res.At(p.X, p.Y).RGBA()
				c := want[i]
				if diff(r>>8, c.R) > 40 || diff(g>>8, c.G) > 40 || diff(bl>>8, c.B) > 40 {
					t.Errorf("orientation %d (big-endian %v), quadrant %d: %d,%d,%d, want %v", o, big, i, r>>8, g>>8, bl>>8, c)
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

func FuzzExifOrientation(f *testing.F) {
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
	for o := uint16(0); o <= 9; o++ {
		f.Add(withEXIF(buf.Bytes(), o, o%2 == 0))
	}
	f.Add(withEXIF(buf.Bytes(), 6, true)[:30])
	f.Add([]byte("\xff\xd8\xff\xff\xff\xe1\x00\x02"))
	f.Add([]byte("\xff\xd8\xff\xe1\xff\xff"))
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}

// memDevice is the device store in memory: queue and photo files.
type memDevice struct {
	mu     gosync.Mutex
	photos []app.Photo
	files  map[string][]byte
}

func newMemDevice(data ...[]byte) *memDevice {
	d := &memDevice{files: map[string][]byte{}}
	for _, b := range data {
		sum := sha256.Sum256(b)
		sha := hex.EncodeToString(sum[:])
		d.files[sha] = b
		d.photos = append(d.photos, app.Photo{ID: app.NewID(), Ticket: "tk", SHA256: sha, Size: int64(len(b)), Mime: "image/jpeg", State: app.PhotoLocal})
	}
	return d
}

func (d *memDevice) PhotosToUpload(context.Context) ([]app.Photo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []app.Photo
	for _, p := range d.photos {
		if p.State == app.PhotoLocal || p.State == app.PhotoUploading {
			out = append(out, p)
		}
	}
	return out, nil
}

func (d *memDevice) SetPhotoState(_ context.Context, id, state string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range d.photos {
		if d.photos[i].ID == id {
			d.photos[i].State = state
			return nil
		}
	}
	return app.Errorf(app.ENOTFOUND, "photo.not_found", "no photo")
}

func (d *memDevice) PutPhoto(context.Context, io.Reader) (string, int64, error) {
	return "", 0, app.Errorf(app.EINTERNAL, "test", "not used")
}

func (d *memDevice) OpenPhoto(_ context.Context, sha string) (io.ReadCloser, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	b, ok := d.files[sha]
	if !ok {
		return nil, app.Errorf(app.ENOTFOUND, "photo.not_found", "no photo")
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func TestPhotoUploaderErrors(t *testing.T) {
	if _, err := NewPhotoUploader(newMemDevice(), newMemDevice(), nil, "central.example", "tok"); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("NewPhotoUploader without scheme = %v, want EINVALID", err)
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	tests := map[string]struct {
		url     string
		handler http.HandlerFunc
		code    string
		key     string
	}{
		"Offline": {url: dead.URL, code: app.EOFFLINE},
		"Unauthorized": {handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
		}, code: app.EUNAUTHORIZED},
		"ServerTrouble": {handler: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "bad gateway", http.StatusBadGateway)
		}, code: app.EOFFLINE},
		"ServerError": {handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"code":"forbidden","key":"photo.not_allowed","msg":"no"}`)
		}, code: app.EFORBIDDEN, key: "photo.not_allowed"},
		// The token must not follow a Location to another origin.
		"ForeignLocation": {handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "https://elsewhere.example/v1/photos/x")
			w.WriteHeader(http.StatusCreated)
		}, code: app.EINTERNAL, key: "photo.bad_location"},
		"NoOffset": {handler: func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				w.Header().Set("Location", "abc")
				w.WriteHeader(http.StatusCreated)
				return
			}
			w.WriteHeader(http.StatusNoContent) // a PATCH answer without Upload-Offset
		}, code: app.EOFFLINE},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			base := tt.url
			if tt.handler != nil {
				srv := httptest.NewServer(tt.handler)
				defer srv.Close()
				base = srv.URL
			}
			dev := newMemDevice([]byte("a photo"))
			u, err := NewPhotoUploader(dev, dev, nil, base, "tok")
			if err != nil {
				t.Fatal(err)
			}
			err = u.UploadAll(t.Context(), nil)
			if app.ErrorCode(err) != tt.code || (tt.key != "" && app.AsError(err).Key != tt.key) {
				t.Errorf("UploadAll = %v (%s, %s), want %s %s", err, app.ErrorCode(err), app.AsError(err).Key, tt.code, tt.key)
			}
		})
	}
}

func FuzzUploadAnswer(f *testing.F) {
	f.Add("0", "abc")
	f.Add("12", "/v1/photos/abc")
	f.Add("-1", "https://elsewhere.example/x")
	f.Add("007", "//elsewhere.example/x")
	f.Add("99999999999999999999", "http://u:p@central.example/v1/photos/x")
	f.Add("", "%zz")
	base, _ := url.Parse("https://central.example/api" + PhotosPath)
	u := &PhotoUploader{create: base}
	f.Fuzz(func(t *testing.T, offset, location string) {
		if off, err := parseOffset(offset, 100); err == nil && (off < 0 || off > 100) {
			t.Fatalf("offset %q -> %d", offset, off)
		}
		loc, err := u.resolve(location)
		if err != nil {
			return
		}
		got, perr := url.Parse(loc)
		if perr != nil || got.Scheme != "https" || got.Host != "central.example" || got.User != nil || strings.ContainsAny(got.Host, "@/") {
			t.Fatalf("Location %q resolved to %q", location, loc)
		}
	})
}

// fakeTus is a minimal tus server in memory for one upload; fail, when
// set, answers a PATCH at that offset once with the given status and tusd's
// text body, storing nothing.
type fakeTus struct {
	mu       gosync.Mutex
	data     []byte
	size     int64
	failAt   int64
	failWith int
	patches  int
}

func (f *fakeTus) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.Method {
	case http.MethodPost:
		f.size, _ = strconv.ParseInt(r.Header.Get("Upload-Length"), 10, 64)
		w.Header().Set("Location", "u1")
		w.Header().Set("Upload-Offset", strconv.Itoa(len(f.data)))
		w.WriteHeader(http.StatusCreated)
	case http.MethodHead:
		w.Header().Set("Upload-Offset", strconv.Itoa(len(f.data)))
		w.WriteHeader(http.StatusOK)
	case http.MethodPatch:
		f.patches++
		body, _ := io.ReadAll(r.Body)
		if off, _ := strconv.ParseInt(r.Header.Get("Upload-Offset"), 10, 64); off != int64(len(f.data)) {
			http.Error(w, "ERR_MISMATCHED_OFFSET: mismatched offset", http.StatusConflict)
			return
		}
		if f.failWith != 0 && int64(len(f.data)) >= f.failAt {
			http.Error(w, "ERR_UPLOAD_INTERRUPTED: upload has been interrupted by another request for this upload resource", f.failWith)
			f.failWith = 0
			return
		}
		f.data = append(f.data, body...)
		w.Header().Set("Upload-Offset", strconv.Itoa(len(f.data)))
		w.WriteHeader(http.StatusNoContent)
	}
}

// TestPhotoUploaderRecovers: a PATCH that loses the upload to another
// request (a dropped connection's request arriving late takes tusd's
// lock) or finds it locked is followed by a HEAD and goes on.
func TestPhotoUploaderRecovers(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusLocked, http.StatusConflict} {
		data := bytes.Repeat([]byte("0123456789abcdef"), 10_000)
		srv := &fakeTus{failAt: 50_000, failWith: status}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		dev := newMemDevice(data)
		u, err := NewPhotoUploader(dev, dev, nil, ts.URL, "tok")
		if err != nil {
			t.Fatal(err)
		}
		u.ChunkSize = 16 << 10
		if err := u.UploadAll(t.Context(), nil); err != nil {
			t.Fatalf("status %d: %v", status, err)
		}
		if !bytes.Equal(srv.data, data) {
			t.Errorf("status %d: the server has %d bytes, want the %d of the photo", status, len(srv.data), len(data))
		}
		if want := (len(data)+16<<10-1)/(16<<10) + 1; srv.patches != want {
			t.Errorf("status %d: %d PATCH requests, want %d", status, srv.patches, want)
		}
		if dev.photos[0].State != app.PhotoVerified {
			t.Errorf("status %d: state %q, want verified after the server's answer", status, dev.photos[0].State)
		}
	}
}
