package demoserver_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device"
	"github.com/fieldbench/fieldbench/device/demoserver"
)

// TestDemoComputesLikelyParts: the demo service runs the likely-parts job
// before it answers, so the device's first sync brings every open
// ticket's list: a refresh right after the start finds them all written
// already, at the first start and at a restart.
func TestDemoComputesLikelyParts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "central")
	start := demoserver.Starter(1, demo.Size{Models: 20, Parts: 400, Tickets: 600, Technicians: 3})
	for _, name := range []string{"FirstStart", "Restart"} {
		t.Run(name, func(t *testing.T) {
			began := time.Now()
			svc := startDemo(t, start, dir)
			defer svc.Close()
			took := time.Since(began)
			st, err := svc.DB().RefreshLikelyParts(t.Context(), device.DemoTenant, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("start %v; refresh after it: %+v", took.Round(time.Millisecond), st)
			if st.Cases == 0 || st.Open == 0 || st.Written != 0 || st.Unchanged != st.Open {
				t.Errorf("a refresh after the start: %+v; want every open ticket's list unchanged", st)
			}
		})
	}
}
