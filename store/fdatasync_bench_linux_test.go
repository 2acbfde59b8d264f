package store

import (
	"os"
	"syscall"
	"testing"
)

// BenchmarkFdatasync is BenchmarkFsync with fdatasync(2), the sync the
// store's commits make since sqlitetx.OpenDB switches the driver to it:
// the stricter anchor beside the fsync one (docs/BENCHMARKS.md,
// "Commits synced with fdatasync").
func BenchmarkFdatasync(b *testing.B) {
	benchSync(b, "fdatasync", func(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) })
}
