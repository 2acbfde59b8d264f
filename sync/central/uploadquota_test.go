package central

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// declare pushes a photo.attach of size bytes with a made-up hash: the
// server then accepts an upload of that size, whose bytes are never sent.
func (f *photoFixture) declare(tb testing.TB, d *photoDevice, ticket app.TicketID, i int, size int64) app.Photo {
	tb.Helper()
	ph := app.Photo{ID: app.NewID(), Ticket: ticket, SHA256: strings.Repeat("0", 62) + string("0123456789abcdef"[i/16]) + string("0123456789abcdef"[i%16]),
		Size: size, Mime: "image/jpeg", Kind: "condition", At: time.Now().UTC()}
	m, err := app.NewMutation(&app.AttachPhoto{Photo: ph}, ph.At)
	if err != nil {
		tb.Fatal(err)
	}
	d.seq++
	m.Seq = d.seq
	if res, err := f.db.Push(context.Background(), d.p, []app.Mutation{m}); err != nil || len(res.Rejected) > 0 {
		tb.Fatalf("push photo.attach: %+v %v", res, err)
	}
	ph.State = "local"
	return ph
}

// uploadFiles lists the upload directory.
func (f *photoFixture) uploadFiles(tb testing.TB) []string {
	tb.Helper()
	es, err := os.ReadDir(filepath.Join(f.db.dir, "uploads"))
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func (f *photoFixture) create(tb testing.TB, d *photoDevice, ph app.Photo) *http.Response {
	tb.Helper()
	return f.tusRequest(tb, http.MethodPost, fbsync.PhotosPath, d.token, createHeaders(ph.SHA256, ph.Size), nil)
}

// wantQuota checks a 429 refusal: Retry-After, the JSON error photo.quota
// with code locked, saying how many uploads are under way.
func wantQuota(tb testing.TB, res *http.Response, count string) {
	tb.Helper()
	body, _ := io.ReadAll(res.Body)
	var e fbsync.Error
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || json.Unmarshal(body, &e) != nil ||
		e.Key != "photo.quota" || e.Code != app.ELOCKED || !strings.Contains(e.Message, count+" photo uploads under way") {
		tb.Fatalf("create = %d %v %s, want 429 photo.quota with %s uploads", res.StatusCode, res.Header, body, count)
	}
}

// TestPhotoUploadQuota: a device has at most maxOpenUploads unfinished
// uploads and maxOpenBytes declared; one more is refused with 429 and
// creates nothing, while resuming its uploads and other devices' uploads
// go on. The real uploader takes the refusal as "later".
func TestPhotoUploadQuota(t *testing.T) {
	f := newPhotoFixture(t)
	var phs []app.Photo
	for i := range maxOpenUploads + 1 {
		phs = append(phs, f.declare(t, f.a, "tk-a", i, 1<<10))
	}
	for _, ph := range phs[:maxOpenUploads] {
		if res := f.create(t, f.a, ph); res.StatusCode != http.StatusCreated {
			t.Fatalf("create = %d", res.StatusCode)
		}
	}
	before := f.uploadFiles(t)
	wantQuota(t, f.create(t, f.a, phs[maxOpenUploads]), "10")
	if after := f.uploadFiles(t); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Fatalf("a refused creation changed the uploads: %v -> %v", before, after)
	}
	// Resuming one under way is no new upload.
	if res := f.create(t, f.a, phs[0]); res.StatusCode != http.StatusCreated || res.Header.Get("Upload-Offset") != "0" {
		t.Fatalf("resume = %d %v", res.StatusCode, res.Header)
	}
	// Another device's quota is its own.
	if res := f.create(t, f.b, f.declare(t, f.b, "tk-b", 0, 1<<10)); res.StatusCode != http.StatusCreated {
		t.Fatalf("B's create = %d", res.StatusCode)
	}
	// The device's uploader stops for now and keeps the photo queued.
	data := randomBytes(t, 1<<10)
	dev := newFakeDevice()
	dev.add(f.attach(t, f.a, "tk-a", data), data)
	err := f.uploader(t, dev, f.a, newLink(t)).UploadAll(t.Context(), nil)
	if app.ErrorCode(err) != app.ELOCKED || app.AsError(err).Key != "photo.quota" {
		t.Fatalf("uploader: %v", err)
	}
	if q, _ := dev.PhotosToUpload(t.Context()); len(q) != 1 {
		t.Fatalf("the refused photo left the queue: %+v", q)
	}

	// Bytes: four photos of 50 MiB fill 200 MiB; a fifth of one byte does
	// not fit.
	c, _ := f.addTenant(t, "photo-t2")
	for i := range 4 {
		if res := f.create(t, c, f.declare(t, c, "tk-a", i, maxPhotoBytes)); res.StatusCode != http.StatusCreated {
			t.Fatalf("create %d of 50 MiB = %d", i, res.StatusCode)
		}
	}
	wantQuota(t, f.create(t, c, f.declare(t, c, "tk-a", 4, 1)), "4")
}

// TestPhotoUploadExpiry: an upload not written to for uploadTTL is
// deleted at the next creation, which its quota then admits; a recent
// one, and one written to recently, stay.
func TestPhotoUploadExpiry(t *testing.T) {
	f := newPhotoFixture(t)
	var phs []app.Photo
	for i := range maxOpenUploads + 1 {
		phs = append(phs, f.declare(t, f.a, "tk-a", i, 1<<10))
	}
	ids := map[int]string{}
	for i, ph := range phs[:maxOpenUploads] {
		res := f.create(t, f.a, ph)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create = %d", res.StatusCode)
		}
		ids[i] = res.Header.Get("Location")
	}
	// Upload 1 had its first bytes a day ago, after being created 8 days
	// ago; upload 0 has not changed for 8 days.
	dir := filepath.Join(f.db.dir, "uploads")
	age := func(file string, d time.Duration) {
		t.Helper()
		at := time.Now().Add(-d)
		if err := os.Chtimes(filepath.Join(dir, file), at, at); err != nil {
			t.Fatal(err)
		}
	}
	age(ids[0], uploadTTL+time.Hour)
	age(ids[0]+".info", uploadTTL+time.Hour)
	age(ids[1], 24*time.Hour)
	age(ids[1]+".info", uploadTTL+time.Hour)
	age(ids[2], uploadTTL-time.Hour)
	age(ids[2]+".info", uploadTTL-time.Hour)

	if res := f.create(t, f.a, phs[maxOpenUploads]); res.StatusCode != http.StatusCreated {
		t.Fatalf("create after expiry = %d", res.StatusCode)
	}
	files := strings.Join(f.uploadFiles(t), " ")
	if strings.Contains(files, ids[0]) {
		t.Fatalf("the abandoned upload is still there: %s", files)
	}
	for _, i := range []int{1, 2, 3} {
		if !strings.Contains(files, ids[i]+".info") {
			t.Fatalf("upload %d was expired too: %s", i, files)
		}
	}
	wantError(t, f.tusRequest(t, http.MethodHead, fbsync.PhotosPath+ids[0], f.a.token, nil, nil), http.StatusNotFound, "") // HEAD: no body
	// Starting that photo over counts as a new upload: the quota is full
	// again with the one just created.
	wantQuota(t, f.create(t, f.a, phs[0]), "10")
}

// TestPhotoUploadOverPinnedTLS: the device's uploader sends a photo over
// TLS to the service's own certificate when it pins its fingerprint, and
// sends nothing with another pin.
func TestPhotoUploadOverPinnedTLS(t *testing.T) {
	f := newPhotoFixture(t)
	cert, err := LoadCertificate(t.TempDir(), "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(f.srv)
	ts.TLS = cert.TLSConfig()
	ts.StartTLS()
	defer ts.Close()
	data := randomBytes(t, 200<<10)
	ph := f.attach(t, f.a, "tk-a", data)
	// In this order: the wrong pin first, while the photo is pending.
	for _, tc := range []struct {
		name    string
		pin     string
		wantKey string
		state   string
	}{
		{name: "WrongPin", pin: strings.Repeat("0", 64), wantKey: "sync.fingerprint_mismatch", state: "pending"},
		{name: "RightPin", pin: cert.Fingerprint, state: "verified"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dev := newFakeDevice()
			dev.add(ph, data)
			u, err := fbsync.NewPhotoUploader(dev, dev, fbsync.Link{Fingerprint: tc.pin}.HTTPClient(), ts.URL, f.a.token)
			if err != nil {
				t.Fatal(err)
			}
			err = u.UploadAll(t.Context(), nil)
			if tc.wantKey == "" && err != nil || tc.wantKey != "" && (err == nil || app.AsError(err).Key != tc.wantKey) {
				t.Fatalf("upload: %v, want key %q", err, tc.wantKey)
			}
			if got := f.serverPhoto(t, f.tenant, ph).State; got != tc.state {
				t.Fatalf("server's photo state %q, want %q", got, tc.state)
			}
		})
	}
}
