package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

func TestPutPhoto(t *testing.T) {
	db := mustOpen(t)
	ps := NewPhotoStore(db)
	data := bytes.Repeat([]byte{0xff, 0xd8, 1, 2}, 5000)
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:])

	got, n, err := ps.PutPhoto(t.Context(), bytes.NewReader(data))
	if err != nil || got != want || n != int64(len(data)) {
		t.Fatalf("PutPhoto = %s, %d, %v", got, n, err)
	}
	path := filepath.Join(db.photoDir, want)
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// The same bytes again leave the stored file alone.
	if again, _, err := ps.PutPhoto(t.Context(), bytes.NewReader(data)); err != nil || again != want {
		t.Fatalf("again = %s, %v", again, err)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("storing the same bytes replaced the file")
	}
	// Concurrent puts of the same bytes all succeed.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if got, _, err := ps.PutPhoto(context.Background(), bytes.NewReader(data)); err != nil || got != want {
				t.Errorf("concurrent put = %s, %v", got, err)
			}
		})
	}
	wg.Wait()
	entries, _ := os.ReadDir(db.photoDir)
	if len(entries) != 1 {
		t.Errorf("photo dir holds %d files, want 1", len(entries))
	}
}

// zeros reads zero bytes forever.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	r.n -= len(p)
	return len(p), nil
}

func TestPutPhotoFailures(t *testing.T) {
	db := mustOpen(t)
	ps := NewPhotoStore(db)
	if _, _, err := ps.PutPhoto(t.Context(), &failingReader{n: 100_000}); err == nil {
		t.Error("a failing reader stored a photo")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := ps.PutPhoto(ctx, strings.NewReader("photo")); err == nil {
		t.Error("a cancelled put stored a photo")
	}
	for name, r := range map[string]io.Reader{
		"empty":     strings.NewReader(""),
		"too large": io.LimitReader(zeros{}, app.MaxPhotoBytes+1),
	} {
		if _, _, err := ps.PutPhoto(t.Context(), r); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	if entries, _ := os.ReadDir(db.photoDir); len(entries) != 0 {
		t.Errorf("failed puts left %d files", len(entries))
	}
}

// TestOpenRemovesTempPhotos: a crash during PutPhoto leaves a temporary
// file, which the next Open deletes; stored photos stay.
func TestOpenRemovesTempPhotos(t *testing.T) {
	dir := t.TempDir()
	photos := filepath.Join(dir, "photos")
	os.MkdirAll(photos, 0o700)
	tmp := filepath.Join(photos, tempPrefix+"123")
	kept := filepath.Join(photos, strings.Repeat("ab", 32))
	os.WriteFile(tmp, []byte("half a photo"), 0o600)
	os.WriteFile(kept, []byte("photo"), 0o600)
	mustOpenPath(t, filepath.Join(dir, "fb.db"))
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("temporary photo survived Open: %v", err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("stored photo lost: %v", err)
	}
}
