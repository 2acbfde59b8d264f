package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestLeaseDaysFlag: a lease outside 1 to app.MaxLeaseDays days is refused
// before the service touches its data directory or listens.
func TestLeaseDaysFlag(t *testing.T) {
	for _, days := range []string{"0", "-3", "3651"} {
		dir := filepath.Join(t.TempDir(), "data")
		var out bytes.Buffer
		err := run(context.Background(), []string{"-data", dir, "-addr", "127.0.0.1:0", "-lease-days", days}, &out, &out)
		if app.ErrorCode(err) != app.EINVALID || app.AsError(err).Key != "lease.bad_days" {
			t.Errorf("-lease-days %s: %v, want EINVALID lease.bad_days", days, err)
		}
		if _, serr := os.Stat(dir); !os.IsNotExist(serr) {
			t.Errorf("-lease-days %s: the data directory was created", days)
		}
	}
	if err := run(context.Background(), []string{"-lease-days", "thirty"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("-lease-days thirty: no error")
	}
}
