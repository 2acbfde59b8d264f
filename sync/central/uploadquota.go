package central

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/tus/tusd/v2/pkg/filestore"
	tus "github.com/tus/tusd/v2/pkg/handler"
)

// Unfinished uploads take disk space until their last byte arrives, and
// a device may never send it (the photo was deleted, the device was lost
// or reset). So:
//
//   - an upload not written to for uploadTTL is deleted (the device that
//     comes back after that starts the photo over: a few hundred KB);
//   - a device (or admin account) has at most maxOpenUploads unfinished
//     uploads holding at most maxOpenBytes; creating another is refused
//     with 429 and Retry-After, and the device tries again later, when its
//     uploads under way have finished or expired.
//
// Both are checked when an upload is created, the only time the upload
// directory grows: creation reads every unfinished upload's info file
// (at most maxOpenUploads per device), deletes the expired ones, and
// counts the creator's. Concurrent creations of one device may each pass
// the check, so the bound may be exceeded by the requests in flight.
const (
	uploadTTL      = 7 * 24 * time.Hour
	maxOpenUploads = 10
	maxOpenBytes   = 200 << 20
	// expireLockWait is how long expiry waits for an upload's lock: one
	// held is in use, so not abandoned.
	expireLockWait = 50 * time.Millisecond
)

// quotaRetryAfter is the Retry-After of a refusal, in seconds: long
// enough for an upload under way to finish on a slow link.
const quotaRetryAfter = 15 * 60

// admit expires abandoned uploads and reports whether own may open one
// more of size bytes; a refusal is an *app.Error with code ELOCKED and
// key photo.quota.
func (u *photoUploads) admit(ctx context.Context, own string, size int64) error {
	entries, err := os.ReadDir(u.uploads)
	if err != nil {
		return err
	}
	now := u.db.now()
	count, bytes := 0, int64(0)
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".info")
		if !ok || !validUploadID(id) {
			continue
		}
		// An upload that cannot be read is skipped: it may have finished
		// or expired meanwhile, or be another request's, half written.
		up, err := u.store.GetUpload(ctx, id)
		if err != nil {
			continue
		}
		info, err := up.GetInfo(ctx)
		if err != nil {
			continue
		}
		if now.Sub(lastWrite(info)) > uploadTTL {
			if err := u.expire(ctx, id, now); err != nil {
				return err
			}
			continue
		}
		if info.MetaData[metaOwner] == own {
			count++
			bytes += info.Size
		}
	}
	if count+1 > maxOpenUploads || bytes+size > maxOpenBytes {
		return app.Errorf(app.ELOCKED, "photo.quota",
			"This device has {{.Count}} photo uploads under way ({{.HeldSize}}); the next photo is sent when they finish. Uploads left unfinished for {{.Days}} days are dropped.",
			// MB is what terminals before HeldSize fill their "{{.MB}} MB" with.
			"Count", count, "HeldSize", app.Size(bytes), "MB", (bytes+(1<<20)-1)>>20, "Days", int(uploadTTL/(24*time.Hour)))
	}
	return nil
}

// lastWrite is when an upload last changed: its data file's time, or its
// info file's before the first byte.
func lastWrite(info tus.FileInfo) time.Time {
	var t time.Time
	for _, p := range []string{info.Storage[filestore.StorageKeyPath], info.Storage[filestore.StorageKeyInfoPath]} {
		if st, err := os.Stat(p); err == nil && st.ModTime().After(t) {
			t = st.ModTime()
		}
	}
	return t
}

// expire deletes an abandoned upload, unless a request holds it or wrote
// to it before letting go.
func (u *photoUploads) expire(ctx context.Context, id string, now time.Time) error {
	lock, err := u.locker.NewLock(id)
	if err != nil {
		return err
	}
	lctx, cancel := context.WithTimeout(ctx, expireLockWait)
	defer cancel()
	if lock.Lock(lctx, func() {}) != nil {
		return nil // in use after all
	}
	defer lock.Unlock()
	up, err := u.store.GetUpload(ctx, id)
	if errors.Is(err, tus.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	if info, err := up.GetInfo(ctx); err != nil || now.Sub(lastWrite(info)) <= uploadTTL {
		return nil
	}
	if err := u.store.AsTerminatableUpload(up).Terminate(ctx); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	u.log.Info("expired an abandoned photo upload", "upload", id)
	return nil
}

// writeQuota answers a creation refused by admit: 429 with Retry-After and
// the JSON error body of every other endpoint.
func writeQuota(w http.ResponseWriter, err error) {
	e := app.AsError(err)
	w.Header().Set("Retry-After", strconv.Itoa(quotaRetryAfter))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	json.NewEncoder(w).Encode(fbsync.Error{Code: e.Code, Key: e.Key, Message: e.Text(), Data: e.Data})
}
