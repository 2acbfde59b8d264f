package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestLikelyEveryFlag: an interval of the likely-parts job other than 0
// or 1m to 24h is refused before the service touches its data directory.
func TestLikelyEveryFlag(t *testing.T) {
	for _, every := range []string{"-15m", "30s", "25h"} {
		dir := filepath.Join(t.TempDir(), "data")
		var out bytes.Buffer
		err := run(context.Background(), []string{"-data", dir, "-addr", "127.0.0.1:0", "-likely-every", every}, &out, &out)
		if app.ErrorCode(err) != app.EINVALID || app.AsError(err).Key != "central.likely_every" {
			t.Errorf("-likely-every %s: %v, want EINVALID central.likely_every", every, err)
		}
		if _, serr := os.Stat(dir); !os.IsNotExist(serr) {
			t.Errorf("-likely-every %s: the data directory was created", every)
		}
	}
}
