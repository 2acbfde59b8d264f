package app_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestWriteFileAtomic: a new file and a replaced one (even one left
// readable by others) end with the data and mode 0600, nothing else in the
// directory; a write that cannot happen changes nothing.
func TestWriteFileAtomic(t *testing.T) {
	tests := []struct {
		name    string
		old     []byte      // nil: no file before
		oldMode os.FileMode // of the old file
		dir     string      // "" the test's directory; else a subdirectory that does not exist
		wantErr bool
	}{
		{name: "new file"},
		{name: "replaces a file", old: []byte("old secret"), oldMode: 0o600},
		{name: "replaces a file readable by others", old: []byte("old secret"), oldMode: 0o644},
		{name: "directory missing", dir: "missing", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.dir, "secret")
			if tc.old != nil {
				if err := os.WriteFile(path, tc.old, tc.oldMode); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tc.oldMode); err != nil { // past the umask
					t.Fatal(err)
				}
			}
			err := app.WriteFileAtomic(path, []byte("new secret\n"))
			if tc.wantErr {
				if err == nil {
					t.Fatal("WriteFileAtomic into a missing directory succeeded")
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Fatalf("the failed write left %v", entries)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != "new secret\n" {
				t.Fatalf("file holds %q (%v)", got, err)
			}
			fi, err := os.Stat(path)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("mode %v (%v), want 0600", fi.Mode().Perm(), err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Fatalf("directory holds %v, want the file alone", entries)
			}
		})
	}
}

// TestWriteSyncedFileThenPublish: the two halves as the central service's
// first start uses them; a side file left by an earlier attempt with a
// wider mode is truncated and narrowed.
func TestWriteSyncedFileThenPublish(t *testing.T) {
	dir := t.TempDir()
	side, path := filepath.Join(dir, "token.new"), filepath.Join(dir, "token")
	if err := os.WriteFile(side, []byte("a much longer leftover of an earlier attempt"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := app.WriteSyncedFile(side, []byte("tok\n")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(side); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("side file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	if err := app.PublishFile(side, path); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "tok\n" {
		t.Fatalf("published file holds %q (%v)", got, err)
	}
	if _, err := os.Stat(side); !os.IsNotExist(err) {
		t.Fatalf("the side file is still there: %v", err)
	}
	if err := app.PublishFile(side, path); err == nil {
		t.Fatal("publishing a side file that is gone succeeded")
	}
}
