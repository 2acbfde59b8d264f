package demotest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/cmd/internal/xvfb"
)

// Bounds of the waits: the build links the central service; the first
// start creates the demo world and syncs it (tens of seconds on a busy
// 2-core machine).
const (
	buildTimeout = 5 * time.Minute
	firstStart   = 3 * time.Minute
	laterStart   = 2 * time.Minute
)

// visitWindow is a visit's hours as a ticket's row shows them, "09:00–11:00".
var visitWindow = regexp.MustCompile(`\b(\d\d):(\d\d)–(\d\d):(\d\d)\b`)

// TestDemoShowsItsVisitsOnTheDemoClock: on a computer whose clock is UTC,
// the demo app lists the demo world's visits at their hours in the
// world's zone (Asia/Shanghai), the working day from 09:00 to 18:00, not
// eight hours earlier: started with -demo, and started again without it
// on the device the demo paired, as a user who tried the demo from the
// first-run screen starts it the next day.
func TestDemoShowsItsVisitsOnTheDemoClock(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), buildTimeout+firstStart+laterStart+time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "fieldbench-demo")
	build := exec.CommandContext(ctx, "go", "build", "-tags", "demo", "-o", bin, "github.com/fieldbench/fieldbench")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags demo: %v\n%s", err, out)
	}
	x, err := xvfb.Start(ctx, "1280x800", filepath.Join(dir, "xvfb.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Stop()
	data := filepath.Join(dir, "data")
	for _, run := range []struct {
		name    string
		args    []string
		timeout time.Duration
	}{
		{"-demo", []string{"-demo"}, firstStart},
		{"again without -demo", nil, laterStart},
	} {
		list := filepath.Join(dir, "list.txt")
		os.Remove(list)
		args := append([]string{bin, "-data", data, "-lang", "en", "-list-file", list}, run.args...)
		app, err := x.StartApp(args, []string{"TZ=UTC"}, filepath.Join(dir, "ready"), filepath.Join(dir, "app.log"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = app.WaitReady(ctx, run.timeout)
		app.Stop()
		if err != nil {
			t.Fatalf("%s: %v", run.name, err)
		}
		shown, err := os.ReadFile(list)
		if err != nil {
			t.Fatalf("%s: %v", run.name, err)
		}
		windows := visitWindow.FindAllStringSubmatch(string(shown), -1)
		if len(windows) == 0 {
			t.Fatalf("%s: no visit on the first list, want the demo's day:\n%s", run.name, shown)
		}
		for _, w := range windows {
			if from, to := w[1]+":"+w[2], w[3]+":"+w[4]; from < "09:00" || to > "18:00" || from >= to {
				t.Errorf("%s: a visit at %s–%s, outside the demo's working day (09:00–18:00 in its zone):\n%s", run.name, from, to, strings.TrimSpace(string(shown)))
				break
			}
		}
	}
}
