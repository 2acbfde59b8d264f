package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	gosync "sync"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// The end-to-end upload tests (real central server on loopback) are in
// sync/central/upload_test.go; here are the device-only parts.

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
