//go:build !(darwin || linux || freebsd || openbsd || netbsd || dragonfly || windows)

package store

// fileLock is a no-op where no file lock is available; SQLite's own locks
// still keep the file consistent.
type fileLock struct{}

func lockFile(string) (*fileLock, error) { return &fileLock{}, nil }

func (*fileLock) unlock() error { return nil }
