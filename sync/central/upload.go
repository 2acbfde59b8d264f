package central

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/tus/tusd/v2/pkg/filestore"
	tus "github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"
	expslog "golang.org/x/exp/slog"
)

// Photo bytes arrive over the tus 1.0 resumable upload protocol
// (https://tus.io/protocols/resumable-upload), under fbsync.PhotosPath:
//
//	POST    /v1/photos/      create: Upload-Length, Upload-Metadata "sha256 <base64 of the hex digest>"
//	HEAD    /v1/photos/{id}  Upload-Offset: where to resume
//	PATCH   /v1/photos/{id}  append a chunk at Upload-Offset
//	OPTIONS /v1/photos/      Tus-Version, Tus-Extension: creation, Tus-Max-Size
//
// Every request carries the device's bearer token, and only the device
// (or dispatcher account) that created an upload may touch it. tusd
// (filestore in <DataDir>/uploads, in-memory locks without take-over)
// serves HEAD and PATCH. Creation is ours, because it is keyed: a device's
// upload of a photo has a fixed ID derived from (tenant, device, SHA-256),
// so a POST for a photo whose upload is under way answers 201 with the
// same Location (relative to the creation URL: just the ID) and the
// Upload-Offset it stands at, instead of starting over. A device that
// restarted and lost its upload URLs thus resumes where it stopped, keeps
// no state on disk for it, and leaves at most one unfinished upload per
// photo here.
//
// A POST for bytes this tenant has verified before answers 200, not 201,
// with Upload-Offset = Upload-Length and no Location: nothing to send.
// This is how a device learns that a retried or repeated upload is done.
//
// When the last byte arrives, the file is hashed; if it matches, it moves
// atomically to <DataDir>/photos/<sha256> and the tenant's photos with that
// hash turn "verified" (MarkPhotoVerified) before the PATCH answers 204.
// If not, the upload is deleted and the PATCH answers 400 with key
// photo.hash_mismatch: the device starts that photo over.
//
// tusd has no checksum extension (Upload-Checksum), so chunks are not
// checked one by one; the whole-file SHA-256 catches any damage, at the
// cost of resending the whole photo (a few hundred KB: the device shrinks
// photos when they are attached, store.PhotoStore.ImportPhoto).
//
// Errors of our own (authentication, permission, metadata, offset, hash)
// have the JSON body of every other endpoint; the few that tusd answers
// itself (413 a chunk past Upload-Length, 409 an offset that changed
// meanwhile, 500 lock timeout) have its text bodies, and the device goes
// by their status.
const photosPath = fbsync.PhotosPath

// maxPhotoBytes bounds one photo, as on the device.
const maxPhotoBytes = app.MaxPhotoBytes

// Keys of an upload's tusd metadata. The device only sends metaSHA; the
// others are set here from its token.
const (
	metaSHA    = "sha256"
	metaTenant = "tenant"
	metaOwner  = "owner"
)

// An upload's lock is held by one request at a time, and a request that
// wants it waits (see patientLocker) at most lockTimeout. A request whose
// client went silent lets go after networkTimeout without a byte (tusd's
// read deadline), so a device resuming after a drop waits at most that
// long.
const (
	networkTimeout = 15 * time.Second
	lockTimeout    = 20 * time.Second
)

// patientLocker is tusd's in-memory locker without its take-over: tusd
// makes a request that wants a held lock interrupt the holder. After a
// drop the holder is usually the dead connection's PATCH, but it can be
// the resumed one, when the dead connection's request reaches the server
// late; and the interruption races in tusd v2.9.1 (httpContext.body is
// read by the cancelling goroutine while writeChunk sets it). Waiting for
// the holder to finish or time out instead keeps every byte it received.
//
// The locks live in memory: several central instances sharing a data
// directory need requests for one upload to reach the same instance.
type patientLocker struct{ *memorylocker.MemoryLocker }

func (l patientLocker) NewLock(id string) (tus.Lock, error) {
	lock, err := l.MemoryLocker.NewLock(id)
	if err != nil {
		return nil, err
	}
	return patientLock{lock}, nil
}

type patientLock struct{ lock tus.Lock }

// Lock ignores requestRelease: nobody interrupts the holder.
func (l patientLock) Lock(ctx context.Context, _ func()) error {
	return l.lock.Lock(ctx, func() {})
}

func (l patientLock) Unlock() error { return l.lock.Unlock() }

// photoUploads is the handler behind photosPath.
type photoUploads struct {
	db      *DB
	log     *slog.Logger
	uploads string // tusd's filestore: <id> and <id>.info
	photos  string // verified photos, named by SHA-256
	store   filestore.FileStore
	locker  tus.Locker
	tus     http.Handler // HEAD and PATCH, with photosPath stripped
}

// mountPhotos serves photo uploads under photosPath, with the upload store
// in <DataDir>/uploads and verified photos in <DataDir>/photos. Calling it
// again does nothing. When the data directory cannot be used it still
// mounts the path, answering 500 (the device retries later), and returns
// the cause.
func (s *Server) mountPhotos() error {
	if s.photos != nil {
		return nil
	}
	u, err := newPhotoUploads(s.db, s.log)
	if err != nil {
		s.photos = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, app.Errorf(app.EINTERNAL, "photo.uploads_off", "Photo uploads are not available on this server.").WithCause(err))
		})
	} else {
		s.photos = u
	}
	s.mux.Handle(photosPath, s.photos)
	return err
}

// PhotoPath is where the verified bytes of sha live ("" for a malformed
// hash, so it never names a file outside the photo directory). The file
// may not exist.
func (s *Server) PhotoPath(sha string) string {
	if !app.ValidSHA256(sha) || s.db.dir == "" {
		return ""
	}
	return filepath.Join(s.db.dir, "photos", sha)
}

func newPhotoUploads(db *DB, log *slog.Logger) (*photoUploads, error) {
	if db.dir == "" {
		return nil, errors.New("photo uploads need a data directory")
	}
	u := &photoUploads{
		db:      db,
		log:     log,
		uploads: filepath.Join(db.dir, "uploads"),
		photos:  filepath.Join(db.dir, "photos"),
		locker:  patientLocker{memorylocker.New()},
	}
	for _, dir := range []string{u.uploads, u.photos} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("photo uploads: %w", err)
		}
	}
	u.store = filestore.New(u.uploads)
	u.store.DirModePerm, u.store.FileModePerm = 0o700, 0o600
	// Only the core and the locker: no termination, concatenation,
	// deferred length or download.
	composer := tus.NewStoreComposer()
	composer.UseCore(u.store)
	composer.UseLocker(u.locker)
	h, err := tus.NewHandler(tus.Config{
		StoreComposer:        composer,
		BasePath:             photosPath,
		MaxSize:              maxPhotoBytes,
		DisableDownload:      true,
		DisableTermination:   true,
		DisableConcatenation: true,
		Cors:                 &tus.CorsConfig{Disable: true},
		// Creation never reaches tusd (see create); refuse it should
		// routing ever change.
		PreUploadCreateCallback: func(tus.HookEvent) (tus.HTTPResponse, tus.FileInfoChanges, error) {
			return tus.HTTPResponse{}, tus.FileInfoChanges{}, tus.ErrNotImplemented
		},
		PreFinishResponseCallback: u.preFinish,
		AcquireLockTimeout:        lockTimeout,
		NetworkTimeout:            networkTimeout,
		// tusd logs every request at Info; a dropped mobile link is an
		// Error there (BodyReadError), which is worth a line.
		Logger: expslog.New(expBridge{log.Handler(), slog.LevelError}),
	})
	if err != nil {
		return nil, fmt.Errorf("photo uploads: %w", err)
	}
	u.tus = http.StripPrefix(strings.TrimSuffix(photosPath, "/"), h)
	return u, nil
}

func (u *photoUploads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Tus-Resumable", "1.0.0")
	p, err := u.db.Authenticate(r.Context(), bearer(r))
	if err != nil {
		writeError(w, err)
		return
	}
	id := strings.TrimPrefix(r.URL.Path, photosPath)
	switch {
	case r.Method == http.MethodOptions:
		w.Header().Set("Tus-Version", "1.0.0")
		w.Header().Set("Tus-Extension", "creation")
		w.Header().Set("Tus-Max-Size", strconv.Itoa(maxPhotoBytes))
		w.WriteHeader(http.StatusNoContent)
	case id == "" && r.Method == http.MethodPost:
		u.create(w, r, p)
	case id == "":
		w.Header().Set("Allow", "POST, OPTIONS")
		writeError(w, errMethod)
	case !validUploadID(id):
		writeError(w, errNoUpload)
	case r.Method == http.MethodHead || r.Method == http.MethodPatch:
		if u.owned(w, r, p, id) {
			u.tus.ServeHTTP(w, r)
		}
	default:
		w.Header().Set("Allow", "HEAD, PATCH, OPTIONS")
		writeError(w, errMethod)
	}
}

var (
	errMethod      = app.Errorf(app.EINVALID, "http.bad_method", "This method is not allowed here.")
	errNoUpload    = app.Errorf(app.ENOTFOUND, "photo.no_upload", "There is no such upload; start it again.")
	errOffset      = app.Errorf(app.ECONFLICT, "photo.offset_mismatch", "The upload is at another offset; ask for it again.")
	errNotYours    = app.Errorf(app.EFORBIDDEN, "photo.not_your_upload", "This upload belongs to another device.")
	errNotAllowed  = app.Errorf(app.EFORBIDDEN, "photo.not_allowed", "This photo is not on a ticket of yours, or its record has not been synced yet.")
	errBadHash     = app.Errorf(app.EINVALID, "photo.hash_mismatch", "The photo arrived damaged; it will be sent again.")
	errTusVersion  = app.Errorf(app.EINVALID, "photo.tus_version", "Send Tus-Resumable: 1.0.0.")
	errUploadShape = app.Errorf(app.EINVALID, "photo.bad_upload", "A photo upload needs Upload-Length, and takes no body, concatenation or deferred length at creation.")
)

// owner names who may touch an upload: the device, or the dispatcher
// account, of one tenant.
func owner(p Principal) string {
	if p.Device != "" {
		return p.Tenant + "/device/" + string(p.Device)
	}
	return p.Tenant + "/admin/" + p.Name
}

// uploadID is the fixed ID of owner's upload of sha: 128 bits of a hash,
// hex, the shape of tusd's own IDs.
func uploadID(owner, sha string) string {
	sum := sha256.Sum256([]byte("fieldbench-photo-upload\x00" + owner + "\x00" + sha))
	return hex.EncodeToString(sum[:16])
}

// validUploadID accepts only IDs uploadID can make, so a path never
// reaches the file store with a separator or dot in it.
func validUploadID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// owned lets a request on an upload through only for its owner.
func (u *photoUploads) owned(w http.ResponseWriter, r *http.Request, p Principal, id string) bool {
	up, err := u.store.GetUpload(r.Context(), id)
	if errors.Is(err, tus.ErrNotFound) {
		writeError(w, errNoUpload)
		return false
	} else if err != nil {
		writeError(w, err)
		return false
	}
	info, err := up.GetInfo(r.Context())
	if err != nil {
		writeError(w, err)
		return false
	}
	if info.MetaData[metaOwner] != owner(p) {
		writeError(w, errNotYours)
		return false
	}
	// A PATCH at an offset the upload has left (a request of a dropped
	// connection, arriving late) is refused before tusd takes the upload's
	// lock for it: taking the lock would interrupt the request that
	// resumed the upload meanwhile. tusd checks again under the lock.
	if r.Method == http.MethodPatch {
		if off, err := strconv.ParseInt(r.Header.Get("Upload-Offset"), 10, 64); err == nil && off != info.Offset {
			writeError(w, errOffset)
			return false
		}
	}
	return true
}

// create opens, or finds again, the principal's upload of one photo.
func (u *photoUploads) create(w http.ResponseWriter, r *http.Request, p Principal) {
	ctx := r.Context()
	if r.Header.Get("Tus-Resumable") != "1.0.0" {
		w.Header().Set("Tus-Version", "1.0.0")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusPreconditionFailed)
		json.NewEncoder(w).Encode(fbsync.Error{Code: errTusVersion.Code, Key: errTusVersion.Key, Message: errTusVersion.Message})
		return
	}
	if r.ContentLength > 0 || r.Header.Get("Upload-Concat") != "" || r.Header.Get("Upload-Defer-Length") != "" {
		writeError(w, errUploadShape)
		return
	}
	length, err := strconv.ParseInt(r.Header.Get("Upload-Length"), 10, 64)
	if err != nil || length < 1 {
		writeError(w, errUploadShape)
		return
	}
	if length > maxPhotoBytes {
		writeError(w, &http.MaxBytesError{Limit: maxPhotoBytes})
		return
	}
	sha, err := parsePhotoMetadata(r.Header.Get("Upload-Metadata"))
	if err != nil {
		writeError(w, err)
		return
	}
	size, ok, err := u.db.PhotoAllowed(ctx, p, sha)
	if err != nil {
		writeError(w, err)
		return
	}
	if !ok {
		writeError(w, errNotAllowed)
		return
	}
	if length != size {
		writeError(w, app.Errorf(app.EINVALID, "photo.size_mismatch", "The upload is {{.Length}} bytes but the photo was recorded with {{.Size}} bytes.", "Length", app.Number(length), "Size", app.Number(size)))
		return
	}
	if done, err := u.alreadyVerified(ctx, p.Tenant, sha); err != nil {
		writeError(w, err)
		return
	} else if done {
		writeVerified(w, sha, size)
		return
	}

	own := owner(p)
	id := uploadID(own, sha)
	lock, err := u.lock(ctx, id)
	if err != nil {
		writeError(w, err)
		return
	}
	defer lock.Unlock()
	offset := int64(0)
	up, err := u.store.GetUpload(ctx, id)
	switch {
	case errors.Is(err, tus.ErrNotFound):
		if err := u.admit(ctx, own, size); app.ErrorCode(err) == app.ELOCKED {
			writeQuota(w, err)
			return
		} else if err != nil {
			writeError(w, err)
			return
		}
		info := tus.FileInfo{ID: id, Size: size, MetaData: tus.MetaData{metaSHA: sha, metaTenant: p.Tenant, metaOwner: own}}
		if _, err := u.store.NewUpload(ctx, info); err != nil {
			u.log.Error("create photo upload", "sha256", sha, "err", err)
			writeError(w, err)
			return
		}
	case err != nil:
		writeError(w, err)
		return
	default:
		info, err := up.GetInfo(ctx)
		if err != nil {
			writeError(w, err)
			return
		}
		if info.Offset >= info.Size {
			// Every byte arrived but the upload was not finished (the
			// server stopped in between): finish it now.
			if err := u.finish(ctx, info); err != nil {
				writeError(w, err)
				return
			}
			writeVerified(w, sha, size)
			return
		}
		offset = info.Offset
	}
	// Relative to the creation URL, so it holds behind a proxy that
	// serves the API under a path prefix.
	w.Header().Set("Location", id)
	w.Header().Set("Upload-Offset", strconv.FormatInt(offset, 10))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusCreated)
}

// alreadyVerified reports whether the bytes of sha are here and this
// tenant has verified them before; photos of the tenant with that hash not
// marked yet (attached again) are marked now. Bytes another tenant sent do
// not count: knowing a hash proves nothing about having the photo.
func (u *photoUploads) alreadyVerified(ctx context.Context, tenant, sha string) (bool, error) {
	if _, err := os.Stat(filepath.Join(u.photos, sha)); err != nil {
		return false, nil
	}
	photos, err := photosWithHash(ctx, u.db, u.db.read, tenant, sha)
	if err != nil {
		return false, err
	}
	verified, all := false, true
	for _, ph := range photos {
		verified = verified || ph.State == app.PhotoVerified
		all = all && ph.State == app.PhotoVerified
	}
	if verified && !all {
		if err := u.db.MarkPhotoVerified(ctx, tenant, sha); err != nil {
			return false, err
		}
	}
	return verified, nil
}

// writeVerified answers a creation whose bytes are already verified.
func writeVerified(w http.ResponseWriter, sha string, size int64) {
	w.Header().Set("Upload-Offset", strconv.FormatInt(size, 10))
	w.Header().Set("Upload-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	json.NewEncoder(w).Encode(map[string]string{"sha256": sha, "state": app.PhotoVerified})
}

func (u *photoUploads) lock(ctx context.Context, id string) (tus.Lock, error) {
	lock, err := u.locker.NewLock(id)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, lockTimeout)
	defer cancel()
	if err := lock.Lock(ctx, func() {}); err != nil {
		return nil, app.Errorf(app.EINTERNAL, "photo.busy", "The upload is busy; try again shortly.").WithCause(err)
	}
	return lock, nil
}

// preFinish runs in the PATCH that delivers the last byte, under the
// upload's lock.
func (u *photoUploads) preFinish(hook tus.HookEvent) (tus.HTTPResponse, error) {
	if err := u.finish(hook.Context, hook.Upload); err != nil {
		return tus.HTTPResponse{}, tusError(err)
	}
	return tus.HTTPResponse{}, nil
}

// finish checks a complete upload against its SHA-256. A match moves the
// file to the photo directory (atomically: a rename within the data
// directory) and marks the tenant's photos verified; a mismatch deletes
// the upload. Either way the upload is gone afterwards.
func (u *photoUploads) finish(ctx context.Context, info tus.FileInfo) error {
	sha, tenant := info.MetaData[metaSHA], info.MetaData[metaTenant]
	bin, infoPath := info.Storage[filestore.StorageKeyPath], info.Storage[filestore.StorageKeyInfoPath]
	if !app.ValidSHA256(sha) || bin == "" || infoPath == "" {
		return fmt.Errorf("upload %s: incomplete metadata", info.ID)
	}
	f, err := os.OpenFile(bin, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open upload %s: %w", info.ID, err)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err == nil {
		err = f.Sync() // the rename below must not publish unwritten bytes
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("read upload %s: %w", info.ID, err)
	}
	if n != info.Size || hex.EncodeToString(h.Sum(nil)) != sha {
		err := errors.Join(os.Remove(bin), os.Remove(infoPath))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			u.log.Error("remove damaged photo upload", "id", info.ID, "err", err)
		}
		return errBadHash
	}
	if err := os.Rename(bin, filepath.Join(u.photos, sha)); err != nil {
		return fmt.Errorf("store photo %s: %w", sha, err)
	}
	if err := syncDir(u.photos); err != nil {
		return fmt.Errorf("store photo %s: %w", sha, err)
	}
	// Without its data file the upload is already gone for tusd; the info
	// file is left-over.
	if err := os.Remove(infoPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		u.log.Error("remove finished photo upload", "id", info.ID, "err", err)
	}
	if err := u.db.MarkPhotoVerified(ctx, tenant, sha); err != nil {
		u.log.Error("mark photo verified", "sha256", sha, "err", err)
		return err
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// tusError turns an error into a tusd error whose response has the JSON
// body writeError gives.
func tusError(err error) tus.Error {
	status := HTTPStatus(err)
	e := app.AsError(err)
	body := fbsync.Error{Code: e.Code, Key: e.Key, Message: e.Text(), Data: e.Data}
	if status == http.StatusInternalServerError {
		body = fbsync.Error{Code: app.EINTERNAL, Key: "error.internal", Message: "Internal error. Please try again; if it keeps happening, contact support."}
	}
	data, _ := json.Marshal(body) // strings and a map of JSON values: cannot fail
	return tus.Error{
		ErrorCode: strings.ToUpper("ERR_" + body.Code),
		Message:   body.Message,
		HTTPResponse: tus.HTTPResponse{
			StatusCode: status,
			Body:       string(data) + "\n",
			Header:     tus.HTTPHeader{"Content-Type": "application/json"},
		},
	}
}

// maxMetadataHeader bounds the Upload-Metadata header parsed.
const maxMetadataHeader = 4096

var errBadMetadata = app.Errorf(app.EINVALID, "photo.bad_metadata", "Upload-Metadata must name the photo's sha256 (lower-case hex, base64-encoded).")

// parsePhotoMetadata reads a tus Upload-Metadata header ("key base64,key
// base64,...", a key may come without a value) and returns its sha256
// value, which must be a lower-case hex SHA-256. Other keys are ignored;
// a malformed pair or a repeated key refuses the whole header, where tusd
// would skip it.
func parsePhotoMetadata(header string) (string, error) {
	if len(header) > maxMetadataHeader {
		return "", errBadMetadata
	}
	seen := map[string]bool{}
	sha, found := "", false
	for pair := range strings.SplitSeq(header, ",") {
		pair = strings.Trim(pair, " \t")
		if pair == "" {
			continue
		}
		key, value, hasValue := strings.Cut(pair, " ")
		if key == "" || seen[key] || strings.ContainsAny(value, " \t") {
			return "", errBadMetadata
		}
		seen[key] = true
		dec, err := base64.StdEncoding.DecodeString(value)
		if err != nil {
			return "", errBadMetadata
		}
		if key == metaSHA {
			if !hasValue || !app.ValidSHA256(string(dec)) {
				return "", errBadMetadata
			}
			sha, found = string(dec), true
		}
	}
	if !found {
		return "", errBadMetadata
	}
	return sha, nil
}

// expBridge hands tusd's log records (golang.org/x/exp/slog, which
// tusd v2 still uses) to the server's log/slog handler, dropping those
// below min.
type expBridge struct {
	h   slog.Handler
	min slog.Level
}

func (b expBridge) Enabled(ctx context.Context, l expslog.Level) bool {
	return slog.Level(l) >= b.min && b.h.Enabled(ctx, slog.Level(l))
}

func (b expBridge) Handle(ctx context.Context, r expslog.Record) error {
	out := slog.NewRecord(r.Time, slog.Level(r.Level), r.Message, r.PC)
	r.Attrs(func(a expslog.Attr) bool {
		out.AddAttrs(fromExp(a))
		return true
	})
	return b.h.Handle(ctx, out)
}

func (b expBridge) WithAttrs(as []expslog.Attr) expslog.Handler {
	conv := make([]slog.Attr, len(as))
	for i, a := range as {
		conv[i] = fromExp(a)
	}
	return expBridge{b.h.WithAttrs(conv), b.min}
}

func (b expBridge) WithGroup(name string) expslog.Handler {
	return expBridge{b.h.WithGroup(name), b.min}
}

func fromExp(a expslog.Attr) slog.Attr {
	v := a.Value.Resolve()
	if v.Kind() != expslog.KindGroup {
		return slog.Any(a.Key, v.Any())
	}
	var sub []any
	for _, g := range v.Group() {
		sub = append(sub, fromExp(g))
	}
	return slog.Group(a.Key, sub...)
}
