package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	gosync "sync"

	"github.com/fieldbench/fieldbench/app"
)

// PhotosPath is where the central service takes photo bytes, over the tus
// 1.0 resumable upload protocol (see sync/central/upload.go for the
// server's side of the contract).
const PhotosPath = "/v1/photos/"

// DefaultChunkSize is the bytes one upload request carries unless
// PhotoUploader.ChunkSize says otherwise: about 3 s at 2G's 20 KB/s, so a
// drop loses little and the round trips stay few.
const DefaultChunkSize = 64 << 10

// PhotoQueue is the device store's queue of photos whose bytes the server
// has not verified yet.
type PhotoQueue interface {
	// PhotosToUpload returns the photos in state local or uploading,
	// oldest first.
	PhotosToUpload(ctx context.Context) ([]app.Photo, error)
	// SetPhotoState sets app.PhotoUploading, app.PhotoLocal or
	// app.PhotoVerified. ECONFLICT when the photo no longer waits for
	// upload (verified meanwhile), ENOTFOUND when it is not on the device.
	//
	// The uploader sets verified when the server answers that it has the
	// bytes and checked their hash (the answer to the last chunk, or to a
	// creation for bytes it has): the same fact a pull brings later,
	// recorded at once so a photo on a ticket that has since left this
	// device's scopes (whose pull would never come) leaves the queue too.
	SetPhotoState(ctx context.Context, id, state string) error
}

// PhotoUploader sends the bytes of queued photos to the central service in
// chunks, resuming from the server's offset after a failure.
//
// Where an upload stands is kept in memory, keyed by SHA-256, and on the
// server, not on the device: the server gives a device's upload of a photo
// a fixed ID, so after a restart the creation request finds the same
// upload and answers its offset. A restart costs one round trip, not the
// bytes already sent, and the device store needs no table for it.
//
// It sends the stored bytes as they are (the store shrank them when the
// photo was attached) and never deletes a local photo.
type PhotoUploader struct {
	// ChunkSize is the most bytes one PATCH carries (DefaultChunkSize when
	// 0). Set it before the first UploadAll.
	ChunkSize int

	queue  PhotoQueue
	photos app.PhotoStore
	hc     *http.Client
	create *url.URL // base URL + PhotosPath
	token  string

	run gosync.Mutex // one UploadAll at a time

	mu      gosync.Mutex      // protects following
	urls    map[string]string // sha256 -> the upload's URL
	offsets map[string]int64  // sha256 -> bytes the server last said it has
	done    map[string]bool   // sha256 -> the server verified the bytes
}

// NewPhotoUploader returns an uploader of the photos in queue, whose bytes
// it reads from photos, to the central service at baseURL (as in
// Client.BaseURL) with the device token. hc nil means
// Link{}.HTTPClient(); a Timeout on hc must leave room for one chunk on the
// slowest link, plus up to 15 s the server may wait for a dropped
// connection's request to let go of the upload.
func NewPhotoUploader(queue PhotoQueue, photos app.PhotoStore, hc *http.Client, baseURL, token string) (*PhotoUploader, error) {
	base, err := url.Parse(strings.TrimRight(baseURL, "/") + PhotosPath)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, app.Errorf(app.EINVALID, "sync.bad_server_url", "The server address {{.URL}} is not valid.", "URL", baseURL)
	}
	if hc == nil {
		hc = defaultHTTP
	}
	return &PhotoUploader{queue: queue, photos: photos, hc: hc, create: base, token: token,
		urls: map[string]string{}, offsets: map[string]int64{}, done: map[string]bool{}}, nil
}

// photoBytes is one file to send: the photos that share its bytes upload
// once.
type photoBytes struct {
	sha  string
	size int64
	mime string
	ids  []string
}

// queued returns the queue grouped by SHA-256, without the bytes the
// server verified during this process's life.
func (u *PhotoUploader) queued(ctx context.Context) ([]*photoBytes, error) {
	ps, err := u.queue.PhotosToUpload(ctx)
	if err != nil {
		return nil, err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []*photoBytes
	bySHA := map[string]*photoBytes{}
	for _, p := range ps {
		if b := bySHA[p.SHA256]; b != nil {
			b.ids = append(b.ids, p.ID)
			continue
		}
		b := &photoBytes{sha: p.SHA256, size: p.Size, mime: p.Mime, ids: []string{p.ID}}
		bySHA[p.SHA256] = b
		out = append(out, b)
	}
	return out, nil
}

// BytesToUpload returns how many bytes of photos still have to reach the
// server, counting what it already has of uploads under way. Safe to call
// while UploadAll runs.
func (u *PhotoUploader) BytesToUpload(ctx context.Context) (int64, error) {
	q, err := u.queued(ctx)
	if err != nil {
		return 0, err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	var n int64
	for _, b := range q {
		n += b.size - min(u.offsets[b.sha], b.size)
	}
	return n, nil
}

// UploadAll sends every queued photo, oldest first. progress, when not
// nil, is called on the calling goroutine with the bytes the server has of
// this round's photos and their total (the UI hands it on with fyne.Do).
//
// It stops at the first failure that would fail the next photo too:
// EOFFLINE (network, server trouble: call again later, the upload resumes
// where the server's offset stands), EUNAUTHORIZED, EREVOKED, EINTERNAL, ELOCKED
// (the server's quota of unfinished uploads is reached: 429), a cancelled
// ctx. Failures of one photo (EFORBIDDEN while its record is not synced
// yet, ECORRUPT for a damaged local file, EINVALID from the server, ...)
// are collected and the others go on; all are returned joined.
//
// A photo whose bytes arrived stays "uploading" until a pull says
// "verified". Calls are serialized.
func (u *PhotoUploader) UploadAll(ctx context.Context, progress func(done, total int64)) error {
	u.run.Lock()
	defer u.run.Unlock()
	q, err := u.queued(ctx)
	if err != nil {
		return err
	}
	var total, done int64
	for _, b := range q {
		total += b.size
	}
	report := func(current int64) {
		if progress != nil {
			progress(done+current, total)
		}
	}
	report(0)
	var errs []error
	for _, b := range q {
		err := u.upload(ctx, b, report)
		if err == nil || errors.Is(err, errNotHere) {
			done += b.size
			report(0)
			continue
		}
		errs = append(errs, err)
		switch app.ErrorCode(err) {
		case app.EOFFLINE, app.EUNAUTHORIZED, app.EREVOKED, app.EINTERNAL, app.ELOCKED:
			return errors.Join(errs...)
		}
		if ctx.Err() != nil {
			return errors.Join(errs...)
		}
		total -= b.size // out of this round
		report(0)
	}
	return errors.Join(errs...)
}

// Internal outcomes of one request, handled by upload.
var (
	errGone  = errors.New("the server has no such upload")
	errStale = errors.New("the upload changed under this request")
)

// Restarts of one photo within an UploadAll: after the server lost the
// upload (it finished or was cleaned up meanwhile), and after the bytes
// arrived damaged (every byte goes again).
const (
	maxGoneRestarts    = 2
	maxDamagedRestarts = 1
)

// upload sends one photo's bytes, resuming when the server has some.
func (u *PhotoUploader) upload(ctx context.Context, b *photoBytes, report func(int64)) error {
	if !app.ValidSHA256(b.sha) || b.size <= 0 {
		return u.giveUp(ctx, b, app.Errorf(app.EINVALID, "photo.bad_record", "A photo record on this device is malformed; it cannot be sent."))
	}
	gone, damaged := 0, 0
	for {
		loc, off, err := u.resume(ctx, b)
		if err == nil && loc != "" {
			err = u.send(ctx, b, loc, off, report)
		}
		switch {
		case err == nil:
			u.mu.Lock()
			u.done[b.sha], u.offsets[b.sha] = true, b.size
			delete(u.urls, b.sha)
			u.mu.Unlock()
			for _, id := range b.ids {
				if err := u.queue.SetPhotoState(ctx, id, app.PhotoVerified); err != nil && !ignorableState(err) {
					return err
				}
			}
			return nil
		case errors.Is(err, errGone) && gone < maxGoneRestarts:
			gone++
			u.forget(b.sha)
			continue
		case errors.Is(err, errGone), errors.Is(err, errStale):
			u.forget(b.sha)
			return uploadOffline(err)
		case app.AsError(err).Key == keyHashMismatch:
			// The server deleted the damaged upload: start over.
			u.forget(b.sha)
			if damaged < maxDamagedRestarts {
				damaged++
				continue
			}
			return u.giveUp(ctx, b, err)
		}
		switch app.ErrorCode(err) {
		case app.EOFFLINE, app.EUNAUTHORIZED, app.EREVOKED, app.EINTERNAL, app.ELOCKED:
			return err // resumable: keep the upload and the state
		}
		if ctx.Err() != nil {
			return err
		}
		return u.giveUp(ctx, b, err)
	}
}

// keyHashMismatch is the server's answer to bytes that do not hash to
// the photo's SHA-256.
const keyHashMismatch = "photo.hash_mismatch"

// uploadOffline is what network failures and server trouble become: the
// photo is safe on the device and the next round resumes it.
func uploadOffline(cause error) error {
	return app.Errorf(app.EOFFLINE, "photo.offline", "Cannot reach the server to send photos. They are saved on this device and will be sent when the connection is back.").WithCause(cause)
}

// giveUp puts a photo back to "local" after a failure of its own, so the
// next round starts it afresh, and returns err.
func (u *PhotoUploader) giveUp(ctx context.Context, b *photoBytes, err error) error {
	u.forget(b.sha)
	for _, id := range b.ids {
		if serr := u.queue.SetPhotoState(ctx, id, app.PhotoLocal); serr != nil && !ignorableState(serr) {
			return errors.Join(err, serr)
		}
	}
	return err
}

func (u *PhotoUploader) forget(sha string) {
	u.mu.Lock()
	delete(u.urls, sha)
	delete(u.offsets, sha)
	u.mu.Unlock()
}

// ignorableState: the photo was verified meanwhile or is gone; either way
// it has left the queue.
func ignorableState(err error) bool {
	c := app.ErrorCode(err)
	return c == app.ECONFLICT || c == app.ENOTFOUND
}

// resume finds where b's upload stands: the URL and offset of an upload
// to go on with, or loc "" when the server already has the bytes.
func (u *PhotoUploader) resume(ctx context.Context, b *photoBytes) (loc string, off int64, err error) {
	u.mu.Lock()
	loc = u.urls[b.sha]
	u.mu.Unlock()
	if loc != "" {
		off, err = u.head(ctx, loc, b.size)
		switch {
		case err == nil && off < b.size:
			u.setOffset(b.sha, loc, off)
			return loc, off, nil
		case err == nil, errors.Is(err, errGone):
			// Complete but unfinished, or gone (finished, deleted):
			// creation tells which.
			u.forget(b.sha)
		default:
			return "", 0, err
		}
	}
	if err := u.checkLocal(ctx, b); err != nil {
		return "", 0, err
	}
	loc, off, err = u.createUpload(ctx, b)
	if err != nil || loc == "" {
		return "", 0, err
	}
	if off >= b.size { // the server finishes a complete upload at creation
		return "", 0, uploadOffline(fmt.Errorf("new upload already at offset %d", off))
	}
	u.setOffset(b.sha, loc, off)
	for _, id := range b.ids {
		if err := u.queue.SetPhotoState(ctx, id, app.PhotoUploading); err != nil && !ignorableState(err) {
			return "", 0, err
		}
	}
	return loc, off, nil
}

func (u *PhotoUploader) setOffset(sha, loc string, off int64) {
	u.mu.Lock()
	u.urls[sha], u.offsets[sha] = loc, off
	u.mu.Unlock()
}

// checkLocal hashes the local file before an upload starts: a damaged
// file would be refused by the server after every byte crossed the link.
func (u *PhotoUploader) checkLocal(ctx context.Context, b *photoBytes) error {
	rc, err := u.photos.OpenPhoto(ctx, b.sha)
	if app.ErrorCode(err) == app.ENOTFOUND {
		// Taken on another device (the ticket came here later): that
		// device uploads it.
		return errNotHere
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return fmt.Errorf("read photo %s: %w", b.sha, err)
	}
	if n != b.size || hex.EncodeToString(h.Sum(nil)) != b.sha {
		return errCorrupt(b.sha)
	}
	return nil
}

// errNotHere marks a queued photo whose bytes this device does not have.
var errNotHere = errors.New("photo bytes not on this device")

func errCorrupt(sha string) error {
	return app.Errorf(app.ECORRUPT, "photo.corrupt", "A photo file on this device is damaged and cannot be sent ({{.SHA}}).", "SHA", sha[:12])
}

// createUpload asks the server for b's upload: a new one, the one under
// way (201), or none because the bytes are verified (200, loc "").
func (u *PhotoUploader) createUpload(ctx context.Context, b *photoBytes) (string, int64, error) {
	hdr := http.Header{}
	hdr.Set("Upload-Length", strconv.FormatInt(b.size, 10))
	hdr.Set("Upload-Metadata", photoMetadata(b.sha, b.mime))
	res, err := u.do(ctx, http.MethodPost, u.create.String(), hdr, nil)
	if err != nil {
		return "", 0, err
	}
	switch res.status {
	case http.StatusOK:
		return "", b.size, nil
	case http.StatusCreated:
	default:
		return "", 0, res.err()
	}
	loc, err := u.resolve(res.header.Get("Location"))
	if err != nil {
		return "", 0, err
	}
	off := int64(0)
	if h := res.header.Get("Upload-Offset"); h != "" {
		if off, err = parseOffset(h, b.size); err != nil {
			return "", 0, err
		}
	}
	return loc, off, nil
}

// photoMetadata is the Upload-Metadata of a photo: its SHA-256, which the
// server checks the bytes against, and its type.
func photoMetadata(sha, mime string) string {
	md := "sha256 " + base64.StdEncoding.EncodeToString([]byte(sha))
	if mime != "" {
		md += ",filetype " + base64.StdEncoding.EncodeToString([]byte(mime))
	}
	return md
}

// head asks how many bytes of the upload at loc the server has.
func (u *PhotoUploader) head(ctx context.Context, loc string, size int64) (int64, error) {
	res, err := u.do(ctx, http.MethodHead, loc, nil, nil)
	if err != nil {
		return 0, err
	}
	if res.status == http.StatusNotFound || res.status == http.StatusGone {
		return 0, errGone
	}
	if res.status != http.StatusOK && res.status != http.StatusNoContent {
		return 0, res.err()
	}
	return parseOffset(res.header.Get("Upload-Offset"), size)
}

// send PATCHes the bytes of b from off on, one chunk per request. The
// request that carries the last byte answers only after the server
// checked the whole file's hash.
func (u *PhotoUploader) send(ctx context.Context, b *photoBytes, loc string, off int64, report func(int64)) error {
	src := &chunkReader{ctx: ctx, photos: u.photos, sha: b.sha}
	defer src.close()
	chunk := u.ChunkSize
	if chunk <= 0 {
		chunk = DefaultChunkSize
	}
	buf := make([]byte, min(int64(chunk), b.size))
	stale := 0 // answers without progress in a row
	report(off)
	for off < b.size {
		n := min(int64(len(buf)), b.size-off)
		if err := src.readAt(buf[:n], off); err != nil {
			return err
		}
		next, err := u.patch(ctx, loc, off, buf[:n], b.size)
		if errors.Is(err, errStale) && stale < maxStale {
			// Our offset is behind (a drop after the server stored the
			// chunk), or another request for the upload got in the way
			// (a dropped connection's, arriving late): ask again.
			stale++
			if next, err = u.head(ctx, loc, b.size); err == nil && next == b.size {
				return errGone // complete but not finished: creation finishes it
			}
		}
		if err != nil {
			return err
		}
		if next > off {
			stale = 0
		}
		off = next
		u.setOffset(b.sha, loc, off)
		report(off)
	}
	return nil
}

// maxStale bounds the stale answers in a row before a photo waits for the
// next round.
const maxStale = 3

// patch sends one chunk at off and returns the server's new offset.
func (u *PhotoUploader) patch(ctx context.Context, loc string, off int64, chunk []byte, size int64) (int64, error) {
	hdr := http.Header{}
	hdr.Set("Content-Type", "application/offset+octet-stream")
	hdr.Set("Upload-Offset", strconv.FormatInt(off, 10))
	res, err := u.do(ctx, http.MethodPatch, loc, hdr, chunk)
	if err != nil {
		return 0, err
	}
	switch res.status {
	case http.StatusNoContent, http.StatusOK:
	case http.StatusConflict, http.StatusLocked:
		return 0, errStale
	case http.StatusBadRequest:
		if !res.hasError() {
			// tusd's own 400s: interrupted by another request for the
			// upload, body shorter than announced.
			return 0, errStale
		}
		return 0, res.err()
	case http.StatusNotFound, http.StatusGone:
		return 0, errGone
	default:
		return 0, res.err()
	}
	next, err := parseOffset(res.header.Get("Upload-Offset"), size)
	if err != nil {
		return 0, err
	}
	if next <= off {
		return 0, uploadOffline(fmt.Errorf("offset did not advance from %d", off))
	}
	return next, nil
}

// response is what upload requests need of an answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// maxUploadAnswer bounds the body read from an upload answer (an error
// message at most).
const maxUploadAnswer = 64 << 10

// do sends one tus request. Network failures become EOFFLINE.
func (u *PhotoUploader) do(ctx context.Context, method, target string, hdr http.Header, body []byte) (*response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, app.Errorf(app.EINVALID, "sync.bad_server_url", "The server address {{.URL}} is not valid.", "URL", target).WithCause(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	if u.token != "" {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	res, err := u.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if lerr := linkError(err); lerr != nil {
			return nil, lerr
		}
		return nil, uploadOffline(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxUploadAnswer))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, uploadOffline(err)
	}
	return &response{status: res.StatusCode, header: res.Header, body: data}, nil
}

// hasError reports whether the body is one of the server's JSON errors
// (not a tus protocol error).
func (r *response) hasError() bool {
	var e Error
	return json.Unmarshal(r.body, &e) == nil && e.Code != ""
}

// err turns an unexpected answer into an *app.Error: the server's own
// when the body has one (JSON, as every non-tus error), else by status.
func (r *response) err() error {
	cause := fmt.Errorf("HTTP %d", r.status)
	var e Error
	if json.Unmarshal(r.body, &e) == nil && e.Code != "" {
		return &app.Error{Code: e.Code, Key: e.Key, Message: e.Message, Data: e.Data, Err: cause}
	}
	switch {
	case r.status == http.StatusUnauthorized:
		return app.Errorf(app.EUNAUTHORIZED, "photo.unauthorized", "The server did not accept this device's credentials.").WithCause(cause)
	case r.status == http.StatusForbidden:
		return app.Errorf(app.EFORBIDDEN, "photo.forbidden", "The server refused this photo.").WithCause(cause)
	case r.status == http.StatusLocked, r.status == http.StatusTooManyRequests, r.status >= 500:
		return uploadOffline(cause)
	}
	return app.Errorf(app.EINTERNAL, "photo.upload_failed", "The server refused the photo upload (HTTP {{.Status}}).", "Status", r.status).WithCause(cause)
}

// parseOffset reads an Upload-Offset header, which must lie in [0, size].
func parseOffset(h string, size int64) (int64, error) {
	off, err := strconv.ParseInt(h, 10, 64)
	if err != nil || off < 0 || off > size || h != strconv.FormatInt(off, 10) {
		// A proxy that strips headers, or not a tus server: try later.
		return 0, uploadOffline(fmt.Errorf("bad Upload-Offset %q", h))
	}
	return off, nil
}

// resolve makes an upload's Location absolute against the creation URL,
// and refuses one on another origin: the device token goes with it.
func (u *PhotoUploader) resolve(loc string) (string, error) {
	ref, err := url.Parse(loc)
	if err == nil && loc != "" {
		abs := u.create.ResolveReference(ref)
		if abs.Scheme == u.create.Scheme && abs.Host == u.create.Host && abs.User == nil {
			return abs.String(), nil
		}
	}
	return "", app.Errorf(app.EINTERNAL, "photo.bad_location", "The server answered an upload address this app does not trust.").WithCause(fmt.Errorf("Location %q", loc))
}

// chunkReader reads a stored photo at increasing offsets, seeking or
// reopening when a resume goes back.
type chunkReader struct {
	ctx    context.Context
	photos app.PhotoStore
	sha    string
	rc     io.ReadCloser
	pos    int64
}

func (c *chunkReader) readAt(buf []byte, off int64) error {
	if c.rc != nil && off != c.pos {
		if s, ok := c.rc.(io.Seeker); ok {
			if _, err := s.Seek(off, io.SeekStart); err == nil {
				c.pos = off
			}
		}
	}
	if c.rc == nil || off < c.pos {
		c.close()
		rc, err := c.photos.OpenPhoto(c.ctx, c.sha)
		if err != nil {
			return err
		}
		c.rc, c.pos = rc, 0
	}
	if off > c.pos {
		n, err := io.CopyN(io.Discard, c.rc, off-c.pos)
		c.pos += n
		if err != nil {
			return c.readErr(err)
		}
	}
	n, err := io.ReadFull(c.rc, buf)
	c.pos += int64(n)
	if err != nil {
		return c.readErr(err)
	}
	return nil
}

func (c *chunkReader) readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errCorrupt(c.sha) // shorter than recorded
	}
	return fmt.Errorf("read photo %s: %w", c.sha, err)
}

func (c *chunkReader) close() {
	if c.rc != nil {
		c.rc.Close()
		c.rc = nil
	}
}
