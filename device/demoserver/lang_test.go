package demoserver_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device"
	"github.com/fieldbench/fieldbench/device/demoserver"
)

// TestDemoWorldInTheAppsLanguage: the demo service writes its world in
// the language the app shows at the first start (asked then, not when
// the starter was made), and a later start in another language keeps the
// world it made.
func TestDemoWorldInTheAppsLanguage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "central")
	size := demo.Size{Models: 5, Parts: 20, Tickets: 10, Technicians: 2}
	language := "en"
	start := demoserver.StarterIn(1, size, func() string { return language })
	language = "fr" // chosen on the first-run screen, after the starter was made
	names := func() string {
		svc := startDemo(t, start, dir)
		defer svc.Close()
		locs, err := svc.DB().Locations(t.Context(), device.DemoTenant)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, l := range locs {
			b.WriteString(l.Name + "\n")
		}
		return b.String()
	}
	first := names()
	for _, w := range []string{"Camionnette", "Bac de pièces défectueuses", "Entrepôt central"} {
		if !strings.Contains(first, w) {
			t.Errorf("the demo world started in French has no %q among its places:\n%s", w, first)
		}
	}
	language = "zh"
	if again := names(); again != first {
		t.Errorf("a second start in Chinese renamed the world's places:\n%s\nwas:\n%s", again, first)
	}
}
