package central

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	tus "github.com/tus/tusd/v2/pkg/handler"
)

// The photo upload tests run the device's PhotoUploader against the real
// server (NewServer over a SQLite central database in a temporary
// directory) on loopback, with an in-memory device store.

// photoFixture is one tenant with technicians A and B, a ticket each, and
// a paired device each, served over HTTP.
type photoFixture struct {
	db     *DB
	srv    *Server
	ts     *httptest.Server
	tenant string
	a, b   *photoDevice
}

type photoDevice struct {
	p     Principal
	token string
	seq   int64
}

func newPhotoFixture(tb testing.TB) *photoFixture {
	tb.Helper()
	db, err := OpenDB(context.Background(), Config{DataDir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	f := &photoFixture{db: db, srv: NewServer(db, nil)}
	// Until NewServer mounts photos itself; a second call is a no-op.
	if err := f.srv.mountPhotos(); err != nil {
		tb.Fatal(err)
	}
	if err := f.srv.mountPhotos(); err != nil {
		tb.Fatal(err)
	}
	f.ts = httptest.NewServer(f.srv)
	tb.Cleanup(f.ts.Close)
	f.tenant = "photo-t1"
	f.a, f.b = f.addTenant(tb, f.tenant)
	return f
}

// addTenant loads technicians tech-a and tech-b with tickets tk-a and
// tk-b into tenant and pairs a device for each.
func (f *photoFixture) addTenant(tb testing.TB, tenant string) (a, b *photoDevice) {
	tb.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	ticket := func(id, number string, tech app.TechnicianID) app.TicketDetail {
		return app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(id), Number: number, Kind: app.KindCarryIn, Country: "CN",
			Product:  app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
			Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0000", Address: "1 Road"},
			Priority: app.PriorityNormal, Technician: tech, Epoch: 1, Status: app.StatusAssigned, CreatedAt: now, UpdatedAt: now}}
	}
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-a", Name: "A", Country: "CN"}, {ID: "tech-b", Name: "B", Country: "CN"}},
		Tickets:     []app.TicketDetail{ticket("tk-a", "FB-1", "tech-a"), ticket("tk-b", "FB-2", "tech-b")},
	}
	if err := f.db.LoadDataset(ctx, tenant, ds); err != nil {
		tb.Fatal(err)
	}
	pair := func(tech app.TechnicianID) *photoDevice {
		code, _, err := f.db.CreatePairing(ctx, tenant, tech)
		if err != nil {
			tb.Fatal(err)
		}
		_, tok, err := f.db.Pair(ctx, code, "phone")
		if err != nil {
			tb.Fatal(err)
		}
		p, err := f.db.Authenticate(ctx, tok)
		if err != nil {
			tb.Fatal(err)
		}
		return &photoDevice{p: p, token: tok}
	}
	return pair("tech-a"), pair("tech-b")
}

// attach pushes a photo.attach of data on ticket through the device's
// outbox, as the sync client would, and returns the photo as the device
// store holds it.
func (f *photoFixture) attach(tb testing.TB, d *photoDevice, ticket app.TicketID, data []byte) app.Photo {
	tb.Helper()
	sum := sha256.Sum256(data)
	ph := app.Photo{ID: app.NewID(), Ticket: ticket, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), Mime: "image/jpeg", Kind: "condition", At: time.Now().UTC()}
	m, err := app.NewMutation(&app.AttachPhoto{Photo: ph}, ph.At)
	if err != nil {
		tb.Fatal(err)
	}
	d.seq++
	m.Seq = d.seq
	res, err := f.db.Push(context.Background(), d.p, []app.Mutation{m})
	if err != nil {
		tb.Fatal(err)
	}
	if len(res.Rejected) > 0 || res.Acked != d.seq {
		tb.Fatalf("push photo.attach: %+v", res)
	}
	ph.State = "local"
	return ph
}

// serverPhoto returns the server's record of a photo.
func (f *photoFixture) serverPhoto(tb testing.TB, tenant string, ph app.Photo) app.Photo {
	tb.Helper()
	d, err := f.db.TicketDetail(context.Background(), tenant, ph.Ticket)
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range d.Photos {
		if p.ID == ph.ID {
			return p
		}
	}
	tb.Fatalf("photo %s not on ticket %s", ph.ID, ph.Ticket)
	return app.Photo{}
}

func (f *photoFixture) uploader(tb testing.TB, dev *fakeDevice, d *photoDevice, rt http.RoundTripper) *fbsync.PhotoUploader {
	tb.Helper()
	u, err := fbsync.NewPhotoUploader(dev, dev, &http.Client{Transport: rt}, f.ts.URL, d.token)
	if err != nil {
		tb.Fatal(err)
	}
	u.ChunkSize = 64 << 10
	return u
}

func randomBytes(tb testing.TB, n int) []byte {
	tb.Helper()
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// fakeDevice is the device store as the uploader sees it: a photo queue
// and photo files, in memory.
type fakeDevice struct {
	mu     gosync.Mutex
	photos []app.Photo
	files  map[string][]byte
}

func newFakeDevice(photos ...app.Photo) *fakeDevice {
	return &fakeDevice{photos: photos, files: map[string][]byte{}}
}

func (d *fakeDevice) add(ph app.Photo, data []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.photos = append(d.photos, ph)
	d.files[ph.SHA256] = data
}

func (d *fakeDevice) PhotosToUpload(context.Context) ([]app.Photo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []app.Photo
	for _, p := range d.photos {
		if p.State == "local" || p.State == "uploading" {
			out = append(out, p)
		}
	}
	return out, nil
}

func (d *fakeDevice) SetPhotoState(_ context.Context, id, state string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if state != "local" && state != "uploading" && state != "verified" {
		return app.Errorf(app.EINVALID, "photo.bad_state", "bad state")
	}
	for i, p := range d.photos {
		if p.ID == id {
			if p.State != "local" && p.State != "uploading" {
				return app.Errorf(app.ECONFLICT, "photo.not_unsent", "not unsent")
			}
			d.photos[i].State = state
			return nil
		}
	}
	return app.Errorf(app.ENOTFOUND, "photo.not_found", "no photo")
}

func (d *fakeDevice) state(id string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, p := range d.photos {
		if p.ID == id {
			return p.State
		}
	}
	return ""
}

func (d *fakeDevice) PutPhoto(_ context.Context, r io.Reader) (string, int64, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return "", 0, err
	}
	sum := sha256.Sum256(data)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.files[hex.EncodeToString(sum[:])] = data
	return hex.EncodeToString(sum[:]), int64(len(data)), nil
}

func (d *fakeDevice) OpenPhoto(_ context.Context, sha string) (io.ReadCloser, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	data, ok := d.files[sha]
	if !ok {
		return nil, app.Errorf(app.ENOTFOUND, "photo.not_found", "no photo")
	}
	return io.NopCloser(bytes.NewReader(data)), nil // not a Seeker: resumes skip
}

var _ fbsync.PhotoQueue = (*fakeDevice)(nil)
var _ app.PhotoStore = (*fakeDevice)(nil)

// link is the device's network: loopback, counting the photo bytes the
// device puts on it (PATCH bodies read by the transport) and requests by
// method. It can drop once, cutting a PATCH body when the bytes sent
// reach dropAt, and damage one byte in transit at damageAt.
type link struct {
	tr *http.Transport

	mu       gosync.Mutex
	sent     int64
	dropAt   int64 // 0: never
	damageAt int64 // 0: never
	requests map[string]int
}

func newLink(tb testing.TB) *link {
	l := &link{tr: &http.Transport{}, requests: map[string]int{}}
	tb.Cleanup(l.tr.CloseIdleConnections)
	return l
}

var errLinkDown = errors.New("link down")

func (l *link) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.requests[r.Method]++
	l.mu.Unlock()
	if r.Method == http.MethodPatch && r.Body != nil {
		r = r.Clone(r.Context())
		r.Body = &linkBody{l: l, rc: r.Body}
	}
	return l.tr.RoundTrip(r)
}

func (l *link) count(method string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.requests[method]
}

func (l *link) bytesSent() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent
}

type linkBody struct {
	l  *link
	rc io.ReadCloser
}

func (b *linkBody) Read(p []byte) (int, error) {
	l := b.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dropAt > 0 {
		room := l.dropAt - l.sent
		if room <= 0 {
			l.dropAt = 0
			return 0, errLinkDown
		}
		p = p[:min(int64(len(p)), room)]
	}
	n, err := b.rc.Read(p)
	if l.damageAt > 0 && l.sent <= l.damageAt && l.damageAt < l.sent+int64(n) {
		p[l.damageAt-l.sent] ^= 0xff
		l.damageAt = 0
	}
	l.sent += int64(n)
	return n, err
}

func (b *linkBody) Close() error { return b.rc.Close() }

func fileSHA(tb testing.TB, path string) string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestPhotoUpload(t *testing.T) {
	f := newPhotoFixture(t)
	data := randomBytes(t, 1<<20) // incompressible, as a JPEG
	ph := f.attach(t, f.a, "tk-a", data)
	if got := f.serverPhoto(t, f.tenant, ph).State; got != "pending" {
		t.Fatalf("server state before upload = %q, want pending", got)
	}
	dev := newFakeDevice()
	dev.add(ph, data)
	l := newLink(t)
	u := f.uploader(t, dev, f.a, l)

	if n, err := u.BytesToUpload(t.Context()); err != nil || n != int64(len(data)) {
		t.Fatalf("BytesToUpload = %d, %v; want %d", n, err, len(data))
	}
	var last, calls int64
	err := u.UploadAll(t.Context(), func(done, total int64) {
		if total != int64(len(data)) || done < last || done > total {
			t.Errorf("progress(%d, %d) after %d", done, total, last)
		}
		last = done
		calls++
	})
	if err != nil {
		t.Fatal(err)
	}
	if last != int64(len(data)) {
		t.Errorf("progress ended at %d, want %d", last, len(data))
	}
	path := f.srv.PhotoPath(ph.SHA256)
	if got := fileSHA(t, path); got != ph.SHA256 {
		t.Fatalf("stored photo hashes to %s, want %s", got, ph.SHA256)
	}
	if got := f.serverPhoto(t, f.tenant, ph).State; got != "verified" {
		t.Errorf("server state = %q, want verified", got)
	}
	// The server's answer says verified: the photo leaves the queue, and
	// the device keeps its file.
	if got := dev.state(ph.ID); got != "verified" {
		t.Errorf("device state = %q, want verified", got)
	}
	if _, err := dev.OpenPhoto(t.Context(), ph.SHA256); err != nil {
		t.Errorf("local photo gone: %v", err)
	}
	wantPatches := (len(data) + 64<<10 - 1) / (64 << 10)
	if got := l.count(http.MethodPatch); got != wantPatches {
		t.Errorf("%d PATCH requests, want %d", got, wantPatches)
	}
	if sent := l.bytesSent(); sent != int64(len(data)) {
		t.Errorf("sent %d photo bytes, want %d", sent, len(data))
	}
	if entries, _ := os.ReadDir(f.srv.photos.(*photoUploads).uploads); len(entries) != 0 {
		t.Errorf("upload directory not empty after finish: %v", entries)
	}
	t.Logf("1 MiB in %d PATCH requests of 64 KiB, %d progress calls", l.count(http.MethodPatch), calls)

	// Done: neither this process nor a restarted one sends anything more.
	before := l.count(http.MethodPost)
	if err := u.UploadAll(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := u.BytesToUpload(t.Context()); n != 0 || l.count(http.MethodPost) != before {
		t.Errorf("second round: %d bytes to upload, %d more requests", n, l.count(http.MethodPost)-before)
	}
	restarted := f.uploader(t, dev, f.a, l)
	if err := restarted.UploadAll(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if got := l.count(http.MethodPost); got != before || l.bytesSent() != int64(len(data)) {
		t.Errorf("after a restart: %d creations (want %d), %d bytes sent (want %d)", got, before, l.bytesSent(), len(data))
	}
}

// uploadWithDrop uploads a fresh photo of size bytes over a link that
// drops once at 90%, then retries with the same uploader, or with a new
// one when restart (the app was killed: no upload URL in memory). It
// returns the photo bytes sent more than once.
func uploadWithDrop(tb testing.TB, f *photoFixture, size int, restart bool) int64 {
	tb.Helper()
	data := randomBytes(tb, size)
	ph := f.attach(tb, f.a, "tk-a", data)
	dev := newFakeDevice()
	dev.add(ph, data)
	l := newLink(tb)
	l.dropAt = int64(size) * 9 / 10
	u := f.uploader(tb, dev, f.a, l)
	err := u.UploadAll(context.Background(), nil)
	if app.ErrorCode(err) != app.EOFFLINE {
		tb.Fatalf("UploadAll over a dropping link = %v, want EOFFLINE", err)
	}
	if l.dropAt != 0 {
		tb.Fatal("the link did not drop")
	}
	if got := dev.state(ph.ID); got != "uploading" {
		tb.Errorf("device state after the drop = %q, want uploading", got)
	}
	left, err := u.BytesToUpload(context.Background())
	if err != nil || left <= 0 || left > int64(size)/10+64<<10 {
		tb.Errorf("BytesToUpload after the drop = %d, %v", left, err)
	}
	if restart {
		u = f.uploader(tb, dev, f.a, l)
	}
	if err := u.UploadAll(context.Background(), nil); err != nil {
		tb.Fatal(err)
	}
	if got := fileSHA(tb, f.srv.PhotoPath(ph.SHA256)); got != ph.SHA256 {
		tb.Fatalf("stored photo hashes to %s", got)
	}
	if got := f.serverPhoto(tb, f.tenant, ph).State; got != "verified" {
		tb.Errorf("server state = %q, want verified", got)
	}
	return l.bytesSent() - int64(size)
}

func TestPhotoResumeAfterDrop(t *testing.T) {
	f := newPhotoFixture(t)
	const size, chunk = 1 << 20, 64 << 10
	for _, restart := range []bool{false, true} {
		resent := uploadWithDrop(t, f, size, restart)
		t.Logf("drop at 90%% of %d bytes (64 KiB chunks), retry after restart=%v: %d bytes sent again", size, restart, resent)
		if resent < 0 || resent > chunk {
			t.Errorf("restart=%v: %d bytes sent again, want at most one chunk (%d)", restart, resent, chunk)
		}
	}
}

// BenchmarkPhotoResumeAfterDrop reports the photo bytes a retry sends
// again after the link dropped at 90% of a 1 MiB upload in 64 KiB chunks.
func BenchmarkPhotoResumeAfterDrop(b *testing.B) {
	f := newPhotoFixture(b)
	var resent int64
	for i := 0; i < b.N; i++ {
		resent += uploadWithDrop(b, f, 1<<20, false)
	}
	b.ReportMetric(float64(resent)/float64(b.N), "resent-B")
}

func TestPhotoDamagedInTransitIsSentAgain(t *testing.T) {
	f := newPhotoFixture(t)
	data := randomBytes(t, 300<<10)
	ph := f.attach(t, f.a, "tk-a", data)
	dev := newFakeDevice()
	dev.add(ph, data)
	l := newLink(t)
	l.damageAt = 200 << 10
	if err := f.uploader(t, dev, f.a, l).UploadAll(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if got := fileSHA(t, f.srv.PhotoPath(ph.SHA256)); got != ph.SHA256 {
		t.Fatalf("stored photo hashes to %s", got)
	}
	if sent := l.bytesSent(); sent != 2*int64(len(data)) {
		t.Errorf("sent %d bytes, want the photo twice (%d)", sent, 2*len(data))
	}
}

// tusRequest sends one raw tus request with token.
func (f *photoFixture) tusRequest(tb testing.TB, method, path, token string, hdr map[string]string, body []byte) *http.Response {
	tb.Helper()
	target := path
	if !strings.HasPrefix(path, "http") {
		target = f.ts.URL + path
	}
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := f.ts.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { res.Body.Close() })
	return res
}

func createHeaders(sha string, length int64) map[string]string {
	return map[string]string{
		"Upload-Length":   strconv.FormatInt(length, 10),
		"Upload-Metadata": "sha256 " + base64.StdEncoding.EncodeToString([]byte(sha)),
	}
}

func patchHeaders(off int64) map[string]string {
	return map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": strconv.FormatInt(off, 10)}
}

// wantError checks a response's status and, when key is set, its JSON
// error body.
func wantError(tb testing.TB, res *http.Response, status int, key string) {
	tb.Helper()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		tb.Fatalf("%s %s = %d %s, want %d", res.Request.Method, res.Request.URL.Path, res.StatusCode, body, status)
	}
	if key == "" {
		return
	}
	var e fbsync.Error
	if err := json.Unmarshal(body, &e); err != nil || e.Key != key || res.Header.Get("Content-Type") != "application/json" {
		tb.Fatalf("%s %s: body %s (%v), want JSON error %s", res.Request.Method, res.Request.URL.Path, body, err, key)
	}
}

func TestPhotoHashMismatch(t *testing.T) {
	f := newPhotoFixture(t)
	data := randomBytes(t, 100<<10)
	ph := f.attach(t, f.a, "tk-a", data)
	res := f.tusRequest(t, http.MethodPost, fbsync.PhotosPath, f.a.token, createHeaders(ph.SHA256, ph.Size), nil)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create = %d", res.StatusCode)
	}
	loc := f.ts.URL + fbsync.PhotosPath + res.Header.Get("Location")
	wrong := bytes.Clone(data)
	wrong[len(wrong)-1] ^= 1
	wantError(t, f.tusRequest(t, http.MethodPatch, loc, f.a.token, patchHeaders(0), wrong[:60<<10]), http.StatusNoContent, "")
	wantError(t, f.tusRequest(t, http.MethodPatch, loc, f.a.token, patchHeaders(60<<10), wrong[60<<10:]), http.StatusBadRequest, "photo.hash_mismatch")
	if got := f.serverPhoto(t, f.tenant, ph).State; got != "pending" {
		t.Errorf("server state = %q, want pending", got)
	}
	if _, err := os.Stat(f.srv.PhotoPath(ph.SHA256)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("damaged photo stored: %v", err)
	}
	// The upload is gone: the device starts over.
	wantError(t, f.tusRequest(t, http.MethodHead, loc, f.a.token, nil, nil), http.StatusNotFound, "")
	res = f.tusRequest(t, http.MethodPost, fbsync.PhotosPath, f.a.token, createHeaders(ph.SHA256, ph.Size), nil)
	if res.StatusCode != http.StatusCreated || res.Header.Get("Upload-Offset") != "0" {
		t.Fatalf("create again = %d, offset %q", res.StatusCode, res.Header.Get("Upload-Offset"))
	}

	// A device whose own file is damaged finds out before sending a byte.
	dev := newFakeDevice()
	dev.add(ph, wrong)
	l := newLink(t)
	err := f.uploader(t, dev, f.a, l).UploadAll(t.Context(), nil)
	if app.ErrorCode(err) != app.ECORRUPT {
		t.Fatalf("UploadAll of a damaged file = %v, want ECORRUPT", err)
	}
	if l.count(http.MethodPost)+l.count(http.MethodPatch) != 0 || dev.state(ph.ID) != "local" {
		t.Errorf("damaged file: %d requests, state %q", l.count(http.MethodPost)+l.count(http.MethodPatch), dev.state(ph.ID))
	}
}

func TestPhotoUploadAuthorization(t *testing.T) {
	f := newPhotoFixture(t)
	data := randomBytes(t, 10<<10)
	ph := f.attach(t, f.a, "tk-a", data)
	create := createHeaders(ph.SHA256, ph.Size)

	// Another technician's device: not its ticket.
	wantError(t, f.tusRequest(t, http.MethodPost, fbsync.PhotosPath, f.b.token, create, nil), http.StatusForbidden, "photo.not_allowed")
	// No token, a forged one.
	wantError(t, f.tusRequest(t, http.MethodPost, fbsync.PhotosPath, "", create, nil), http.StatusUnauthorized, "auth.unknown_token")
	wantError(t, f.tusRequest(t, http.MethodPost, fbsync.PhotosPath, "forged-"+f.a.token[7:], create, nil), http.StatusUnauthorized, "auth.unknown_token")

	res := f.tusRequest(t, http.MethodPost, fbsync.PhotosPath, f.a.token, create, nil)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create = %d", res.StatusCode)
	}
	loc := f.ts.URL + fbsync.PhotosPath + res.Header.Get("Location")
	// B may neither look at nor add to A's upload, even knowing its URL.
	wantError(t, f.tusRequest(t, http.MethodHead, loc, f.b.token, nil, nil), http.StatusForbidden, "")
	wantError(t, f.tusRequest(t, http.MethodPatch, loc, f.b.token, patchHeaders(0), data[:100]), http.StatusForbidden, "photo.not_your_upload")
	wantError(t, f.tusRequest(t, http.MethodPatch, loc, "forged", patchHeaders(0), data[:100]), http.StatusUnauthorized, "auth.unknown_token")
	res = f.tusRequest(t, http.MethodHead, loc, f.a.token, nil, nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("Upload-Offset") != "0" {
		t.Fatalf("owner's HEAD = %d, offset %q", res.StatusCode, res.Header.Get("Upload-Offset"))
	}
	// Not an upload ID: no file store lookup.
	wantError(t, f.tusRequest(t, http.MethodHead, f.ts.URL+fbsync.PhotosPath+"..%2fcentral.db", f.a.token, nil, nil), http.StatusNotFound, "")

	// A revoked device is told so.
	if err := f.db.RevokeDevice(t.Context(), f.tenant, f.a.p.Device); err != nil {
		t.Fatal(err)
	}
	wantError(t, f.tusRequest(t, http.MethodPatch, loc, f.a.token, patchHeaders(0), data[:100]), http.StatusUnauthorized, "auth.revoked")
	dev := newFakeDevice()
	dev.add(ph, data)
	err := f.uploader(t, dev, f.a, newLink(t)).UploadAll(t.Context(), nil)
	if !fbsync.IsRevoked(err) {
		t.Errorf("UploadAll by a revoked device = %v, want auth.revoked", err)
	}
}

func TestPhotoUploadLimits(t *testing.T) {
	f := newPhotoFixture(t)
	data := randomBytes(t, 10<<10)
	ph := f.attach(t, f.a, "tk-a", data)
	post := func(hdr map[string]string, body []byte) *http.Response {
		return f.tusRequest(t, http.MethodPost, fbsync.PhotosPath, f.a.token, hdr, body)
	}
	wantError(t, post(createHeaders(ph.SHA256, ph.Size+1), nil), http.StatusBadRequest, "photo.size_mismatch")
	wantError(t, post(createHeaders(ph.SHA256, ph.Size-1), nil), http.StatusBadRequest, "photo.size_mismatch")
	wantError(t, post(createHeaders(ph.SHA256, maxPhotoBytes+1), nil), http.StatusRequestEntityTooLarge, "http.too_large")
	wantError(t, post(map[string]string{"Upload-Length": "10240"}, nil), http.StatusBadRequest, "photo.bad_metadata")
	wantError(t, post(map[string]string{"Upload-Length": "10240", "Upload-Metadata": "sha256 " + base64.StdEncoding.EncodeToString([]byte(strings.ToUpper(ph.SHA256)))}, nil), http.StatusBadRequest, "photo.bad_metadata")
	wantError(t, post(map[string]string{"Upload-Metadata": createHeaders(ph.SHA256, 1)["Upload-Metadata"]}, nil), http.StatusBadRequest, "photo.bad_upload")
	wantError(t, post(map[string]string{"Upload-Length": "10240", "Upload-Defer-Length": "1"}, nil), http.StatusBadRequest, "photo.bad_upload")
	wantError(t, post(createHeaders(ph.SHA256, ph.Size), data), http.StatusBadRequest, "photo.bad_upload")
	wantError(t, post(map[string]string{"Tus-Resumable": "0.2.2"}, nil), http.StatusPreconditionFailed, "photo.tus_version")

	res := post(createHeaders(ph.SHA256, ph.Size), nil)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create = %d", res.StatusCode)
	}
	loc := f.ts.URL + fbsync.PhotosPath + res.Header.Get("Location")
	// More bytes than the upload's length, a wrong offset.
	wantError(t, f.tusRequest(t, http.MethodPatch, loc, f.a.token, patchHeaders(0), append(bytes.Clone(data), 0)), http.StatusRequestEntityTooLarge, "")
	wantError(t, f.tusRequest(t, http.MethodPatch, loc, f.a.token, patchHeaders(5), data[5:]), http.StatusConflict, "")
	wantError(t, f.tusRequest(t, http.MethodGet, loc, f.a.token, nil, nil), http.StatusBadRequest, "http.bad_method")
	wantError(t, f.tusRequest(t, http.MethodDelete, loc, f.a.token, nil, nil), http.StatusBadRequest, "http.bad_method")
	wantError(t, f.tusRequest(t, http.MethodPatch, loc, f.a.token, patchHeaders(0), data), http.StatusNoContent, "")
	if got := f.serverPhoto(t, f.tenant, ph).State; got != "verified" {
		t.Errorf("state = %q, want verified", got)
	}
	res = f.tusRequest(t, http.MethodOptions, fbsync.PhotosPath, f.a.token, nil, nil)
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Tus-Max-Size") != strconv.Itoa(maxPhotoBytes) || res.Header.Get("Tus-Extension") != "creation" {
		t.Errorf("OPTIONS = %d %v", res.StatusCode, res.Header)
	}
}

func TestPhotoAlreadyVerified(t *testing.T) {
	f := newPhotoFixture(t)
	data := randomBytes(t, 20<<10)
	first := f.attach(t, f.a, "tk-a", data)
	dev := newFakeDevice()
	dev.add(first, data)
	if err := f.uploader(t, dev, f.a, newLink(t)).UploadAll(t.Context(), nil); err != nil {
		t.Fatal(err)
	}

	// The same picture on B's ticket: B's device need not send it.
	second := f.attach(t, f.b, "tk-b", data)
	devB := newFakeDevice()
	devB.add(second, data)
	l := newLink(t)
	if err := f.uploader(t, devB, f.b, l).UploadAll(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if l.count(http.MethodPost) != 1 || l.bytesSent() != 0 {
		t.Errorf("known bytes: %d creations, %d bytes sent; want 1, 0", l.count(http.MethodPost), l.bytesSent())
	}
	if got := f.serverPhoto(t, f.tenant, second).State; got != "verified" {
		t.Errorf("second photo's state = %q, want verified", got)
	}

	// Another tenant that knows the hash must still send the bytes: the
	// hash alone proves nothing.
	a2, _ := f.addTenant(t, "photo-t2")
	third := f.attach(t, a2, "tk-a", data)
	res := f.tusRequest(t, http.MethodPost, fbsync.PhotosPath, a2.token, createHeaders(third.SHA256, third.Size), nil)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("other tenant's create = %d, want 201", res.StatusCode)
	}
	if got := f.serverPhoto(t, "photo-t2", third).State; got != "pending" {
		t.Errorf("other tenant's photo = %q, want pending", got)
	}
}

// TestPhotoUploadFinishedOnCreate: every byte arrived but the server
// stopped before checking them (here: the PATCH's finish step removed by
// hand); the next creation finishes the upload.
func TestPhotoUploadFinishedOnCreate(t *testing.T) {
	f := newPhotoFixture(t)
	data := randomBytes(t, 30<<10)
	ph := f.attach(t, f.a, "tk-a", data)
	id := uploadID(owner(f.a.p), ph.SHA256)
	up := f.srv.photos.(*photoUploads)
	info := tus.FileInfo{ID: id, Size: ph.Size, MetaData: tus.MetaData{metaSHA: ph.SHA256, metaTenant: f.tenant, metaOwner: owner(f.a.p)}}
	if _, err := up.store.NewUpload(t.Context(), info); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(up.store.Path, id), data, 0o600); err != nil {
		t.Fatal(err)
	}
	res := f.tusRequest(t, http.MethodPost, fbsync.PhotosPath, f.a.token, createHeaders(ph.SHA256, ph.Size), nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("Upload-Offset") != strconv.Itoa(len(data)) {
		t.Fatalf("create = %d, offset %q; want 200 and the whole size", res.StatusCode, res.Header.Get("Upload-Offset"))
	}
	if got := f.serverPhoto(t, f.tenant, ph).State; got != "verified" {
		t.Errorf("state = %q, want verified", got)
	}
}

func FuzzPhotoMetadata(f *testing.F) {
	sha := strings.Repeat("ab", 32)
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, seed := range []string{
		"sha256 " + enc(sha),
		"filetype " + enc("image/jpeg") + ",sha256 " + enc(sha),
		" sha256 " + enc(sha) + " , empty",
		"sha256 " + enc(sha) + ",sha256 " + enc(sha),
		"sha256",
		"sha256 " + enc(strings.ToUpper(sha)),
		"sha256 !!!",
		",,,",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		got, err := parsePhotoMetadata(header)
		if err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if !app.ValidSHA256(got) {
			t.Fatalf("accepted %q from %q", got, header)
		}
		// What the device sends round-trips, whatever else is there.
		again, err := parsePhotoMetadata("sha256 " + enc(got) + ",filetype " + enc(header))
		if err != nil || again != got {
			t.Fatalf("round trip of %q: %q, %v", got, again, err)
		}
	})
}
