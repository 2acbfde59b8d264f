package xvfb

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWaitFile(t *testing.T) {
	dir := t.TempDir()
	sleeper, err := start(exec.Command("sleep", "30"))
	if err != nil {
		t.Fatal(err)
	}
	defer sleeper.stop()

	t.Run("Ready", func(t *testing.T) {
		path := filepath.Join(dir, "ready")
		go func() {
			time.Sleep(20 * time.Millisecond)
			os.WriteFile(path, []byte("ready_ms=312 rss_kb=150000\nmore\n"), 0o644)
		}()
		line, err := waitFile(context.Background(), path, 10*time.Second, sleeper)
		if err != nil || line != "ready_ms=312 rss_kb=150000" {
			t.Errorf("waitFile = %q, %v, want the first line", line, err)
		}
	})
	t.Run("ErrTimeout", func(t *testing.T) {
		if _, err := waitFile(context.Background(), filepath.Join(dir, "never"), 20*time.Millisecond, sleeper); err == nil || !strings.Contains(err.Error(), "within") {
			t.Errorf("waitFile error %v, want a timeout", err)
		}
	})
	t.Run("ErrExited", func(t *testing.T) {
		exited, err := start(exec.Command("false"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := waitFile(context.Background(), filepath.Join(dir, "never"), 10*time.Second, exited); err == nil || !strings.Contains(err.Error(), "exited") {
			t.Errorf("waitFile error %v, want the app's exit", err)
		}
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := waitFile(ctx, filepath.Join(dir, "never"), 10*time.Second, sleeper); err != context.Canceled {
			t.Errorf("waitFile error %v, want %v", err, context.Canceled)
		}
	})
}

func TestTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(path, []byte("a\nb\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]string{2: "b\nc", 5: "a\nb\nc"} {
		if got := tail(path, n); got != want {
			t.Errorf("tail(%d) = %q, want %q", n, got, want)
		}
	}
	if got := tail(filepath.Join(filepath.Dir(path), "missing"), 2); got != "" {
		t.Errorf("tail of a missing file = %q, want nothing", got)
	}
}
