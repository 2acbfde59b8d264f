package store

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkFdatasync is BenchmarkFsync with fdatasync(2), the sync the
// store's commits make since sqlitetx.OpenDB switches the driver to it:
// the stricter anchor beside the fsync one (docs/BENCHMARKS.md,
// "Commits synced with fdatasync").
func BenchmarkFdatasync(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "fdatasync"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := bytes.Repeat([]byte{1}, 4096)
	b.ResetTimer()
	start := time.Now()
	cpu0 := processCPU()
	for i := range b.N {
		if _, err := f.WriteAt(buf, int64(i%16)*4096); err != nil {
			b.Fatal(err)
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "fdatasyncs/s")
	if cpu1 := processCPU(); cpu0 > 0 {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "cpu-µs/fdatasync")
	}
}
