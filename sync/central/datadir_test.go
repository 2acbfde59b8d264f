package central_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
	"modernc.org/sqlite"
)

// TestOpenDBDataPathWithQueryAndFragment: a data directory whose name
// holds '?' or '#' keeps its database inside it, in WAL mode (the pragmas
// were applied), and creates nothing beside it.
func TestOpenDBDataPathWithQueryAndFragment(t *testing.T) {
	for _, name := range []string{"data?x=1", "data#frag", "d?_pragma=journal_mode(DELETE)#x", "plain"} {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, name)
			db, err := central.OpenDB(t.Context(), central.Config{DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.CreateTenant(t.Context(), "t1", "T1"); err != nil {
				t.Fatal(err)
			}
			if got := db.Path(); got != filepath.Join(dir, "central.db") {
				t.Errorf("Path() = %q, want it inside %q", got, dir)
			}
			db.Close()
			entries, _ := os.ReadDir(parent)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if !slices.Equal(names, []string{name}) {
				t.Errorf("the data directory's parent holds %q, want only %q", names, name)
			}
			hdr := make([]byte, 100)
			f, err := os.Open(filepath.Join(dir, "central.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.Read(hdr); err != nil {
				t.Fatal(err)
			}
			// Bytes 18 and 19 of a SQLite header are 2 in WAL mode.
			if !bytes.HasPrefix(hdr, []byte("SQLite format 3\x00")) || hdr[18] != 2 || hdr[19] != 2 {
				t.Errorf("central.db is not a WAL database: header % x", hdr[:20])
			}
		})
	}
}

// TestOpenDBFileModes: the database's files are 0600 whether the data
// directory is new or existed (an older version's 0644 files are
// tightened); a directory others may write to is refused and left as it
// was.
func TestOpenDBFileModes(t *testing.T) {
	for name, tc := range map[string]struct {
		dirMode  os.FileMode // 0: the directory does not exist
		oldFiles bool        // central.db and its -wal exist, mode 0644
		key      string      // the refusal, "" to open
	}{
		"NewDir":                {0, false, ""},
		"ExistingDir0755":       {0o755, false, ""},
		"ExistingFiles0644":     {0o755, true, ""},
		"WorldWritable":         {0o777, false, "central.data_dir_open"},
		"GroupWritable":         {0o770, false, "central.data_dir_open"},
		"WorldWritableWithFile": {0o757, true, "central.data_dir_open"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if tc.dirMode != 0 {
				if err := os.Mkdir(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				if tc.oldFiles {
					seed, err := central.OpenDB(t.Context(), central.Config{DataDir: dir})
					if err != nil {
						t.Fatal(err)
					}
					seed.Close()
					if err := os.WriteFile(filepath.Join(dir, "central.db-wal"), nil, 0o644); err != nil { // an empty WAL is valid
						t.Fatal(err)
					}
					for _, f := range []string{"central.db", "central.db-wal"} {
						if err := os.Chmod(filepath.Join(dir, f), 0o644); err != nil {
							t.Fatal(err)
						}
					}
				}
				if err := os.Chmod(dir, tc.dirMode); err != nil {
					t.Fatal(err)
				}
			}
			before := listModes(t, dir)
			db, err := central.OpenDB(t.Context(), central.Config{DataDir: dir})
			if tc.key != "" {
				if err == nil {
					db.Close()
					t.Fatal("OpenDB accepted the directory")
				}
				if e := app.AsError(err); e.Code != app.EINVALID || e.Key != tc.key {
					t.Fatalf("got %v, want EINVALID %s", err, tc.key)
				}
				if after := listModes(t, dir); !mapsEqual(before, after) {
					t.Errorf("the refused directory changed: %v -> %v", before, after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.CreateTenant(t.Context(), "t1", "T1"); err != nil { // writes the -wal
				t.Fatal(err)
			}
			fi, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if want := max(tc.dirMode, 0o700); fi.Mode().Perm() != want {
				t.Errorf("data directory mode %04o, want %04o", fi.Mode().Perm(), want)
			}
			modes := listModes(t, dir)
			for _, f := range []string{"central.db", "central.db-wal", "central.db-shm"} {
				if m, ok := modes[f]; !ok || m != 0o600 {
					t.Errorf("%s: mode %04o (present %v), want 0600; all: %v", f, m, ok, modes)
				}
			}
		})
	}
}

func listModes(t *testing.T, dir string) map[string]os.FileMode {
	t.Helper()
	out := map[string]os.FileMode{}
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = fi.Mode().Perm()
	}
	return out
}

func mapsEqual(a, b map[string]os.FileMode) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestOpenDBSyncsData: the service's SQLite writer commits with
// fdatasync(2), as the device's store and SQLite's Linux builds do.
func TestOpenDBSyncsData(t *testing.T) {
	prev, err := sqlite.Fdatasync(false)
	unavailable := errors.Is(err, sqlite.ErrFdatasyncUnavailable)
	if !unavailable {
		t.Cleanup(func() { sqlite.Fdatasync(prev) })
	}
	db, err := central.OpenDB(t.Context(), central.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !unavailable && !sqlite.FdatasyncEnabled() {
		t.Fatal("the service's writer syncs with fsync(2)")
	}
	if err := db.CreateTenant(t.Context(), "t1", "T1"); err != nil {
		t.Fatal(err)
	}
}
