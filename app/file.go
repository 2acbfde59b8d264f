package app

import (
	"os"
	"path/filepath"
	"runtime"
)

// The device's pairing, the central service's TLS key and certificate and
// its admin tokens are small secrets written whole: each write leaves the
// file with its old content or all of the new, even after a power cut, and
// readable by its owner only. These three functions are that one rule.

// WriteFileAtomic writes data to path with mode 0600: through a temporary
// file beside it, flushed to disk, then renamed over path (PublishFile).
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a failure; gone once renamed
	tmp.Close()
	if err := WriteSyncedFile(tmp.Name(), data); err != nil {
		return err
	}
	return PublishFile(tmp.Name(), path)
}

// WriteSyncedFile writes data to path with mode 0600 (a file left there is
// truncated, and its mode corrected) and flushes it to disk. It is the
// first half of WriteFileAtomic, for a caller that must act between the
// halves: the central service writes its first admin token beside its
// place before the database holds it, and publishes it after.
func WriteSyncedFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// PublishFile renames tmp over path and flushes the directory, so that the
// rename survives a power cut.
func PublishFile(tmp, path string) error {
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if runtime.GOOS == "windows" { // directories cannot be opened for syncing
		return nil
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
