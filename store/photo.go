package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fieldbench/fieldbench/app"
)

var _ app.PhotoLibrary = (*PhotoStore)(nil)

// PhotoStore implements app.PhotoLibrary: photo bytes as files named by their
// SHA-256 in one directory (by default "photos" beside the database).
type PhotoStore struct {
	dir string
}

// NewPhotoStore returns the photo store of db.
func NewPhotoStore(db *DB) *PhotoStore { return &PhotoStore{dir: db.photoDir} }

// tempPrefix names files being written; Open removes leftovers of a crash.
const tempPrefix = ".put-"

// PutPhoto copies r into the store and returns its SHA-256 and size. The
// bytes go to a temporary file in the same directory, which is synced and
// then renamed to its hash, and the directory is synced: a crash leaves
// either no file or the whole file, never a torn one under a valid name.
// Storing bytes that are already there leaves the existing file alone.
func (s *PhotoStore) PutPhoto(ctx context.Context, r io.Reader) (string, int64, error) {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return "", 0, fmt.Errorf("photo dir: %w", err)
	}
	f, err := os.CreateTemp(s.dir, tempPrefix+"*")
	if err != nil {
		return "", 0, fmt.Errorf("photo temp file: %w", err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), &ctxReader{ctx: ctx, r: io.LimitReader(r, app.MaxPhotoBytes+1)})
	if err != nil {
		return "", 0, fmt.Errorf("write photo: %w", err)
	}
	if err := app.CheckPhotoBytes(n); err != nil {
		return "", 0, err
	}
	if err := f.Sync(); err != nil {
		return "", 0, fmt.Errorf("sync photo: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", 0, fmt.Errorf("close photo: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	final := filepath.Join(s.dir, sum)
	if _, err := os.Stat(final); err == nil {
		// Same name, same bytes: the first copy stays untouched.
		return sum, n, os.Remove(tmp)
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", 0, fmt.Errorf("store photo: %w", err)
	}
	done = true
	if err := syncDir(s.dir); err != nil {
		return "", 0, fmt.Errorf("sync photo dir: %w", err)
	}
	return sum, n, nil
}

// OpenPhoto opens stored bytes; EINVALID for a malformed hash, ENOTFOUND
// when absent.
func (s *PhotoStore) OpenPhoto(ctx context.Context, sum string) (io.ReadCloser, error) {
	if !app.ValidSHA256(sum) {
		return nil, app.Errorf(app.EINVALID, "photo.bad_hash", "The photo's SHA-256 is malformed.")
	}
	f, err := os.Open(filepath.Join(s.dir, sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, app.Errorf(app.ENOTFOUND, "photo.not_found", "The photo is not on this device. Sync to download it.")
	}
	return f, err
}

// ctxReader stops a long copy when ctx is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// removeTempPhotos deletes temporary files left by a crash during PutPhoto.
func removeTempPhotos(dir string) {
	names, _ := filepath.Glob(filepath.Join(dir, tempPrefix+"*")) // only a bad pattern errs
	for _, n := range names {
		os.Remove(n) // best effort: a leftover is retried next time
	}
}
