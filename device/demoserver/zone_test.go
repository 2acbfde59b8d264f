package demoserver_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device"
	"github.com/fieldbench/fieldbench/device/demoserver"
	"github.com/fieldbench/fieldbench/sync/central"
)

// TestDemoZone: the demo tenant is in the demo world's zone
// (Asia/Shanghai, where its technicians work), not UTC, and the world's
// visits are at working hours there, 09:00 to 18:00, whenever the demo
// starts: the console shows a first-time user their day as the office
// sees it.
func TestDemoZone(t *testing.T) {
	svc := startDemo(t, demoserver.Starter(1, demo.Size{Models: 5, Parts: 20, Tickets: 80, Technicians: 3}), filepath.Join(t.TempDir(), "central"))
	defer svc.Close()
	db := svc.DB()
	zone, err := db.TenantZone(t.Context(), device.DemoTenant)
	if err != nil || zone != demo.Zone {
		t.Fatalf("the demo tenant's zone is %q (%v), want %s", zone, err, demo.Zone)
	}
	loc, err := central.LoadZone(zone)
	if err != nil {
		t.Fatal(err)
	}
	visits := 0
	q := central.BoardQuery{Tenant: device.DemoTenant, Limit: central.BoardMaxLimit}
	for range 100 {
		b, err := db.Board(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range b.Tickets {
			if tk.WindowStart.IsZero() {
				continue
			}
			visits++
			from, to := tk.WindowStart.In(loc), tk.WindowEnd.In(loc)
			y, m, d := from.Date()
			if from.Before(time.Date(y, m, d, 9, 0, 0, 0, loc)) || to.After(time.Date(y, m, d, 18, 0, 0, 0, loc)) {
				t.Errorf("ticket %s: visit %s to %s in %s, outside 09:00-18:00", tk.Number, from.Format("2006-01-02 15:04"), to.Format("15:04"), zone)
			}
		}
		if q.After = b.Next; q.After == "" {
			break
		}
	}
	if visits == 0 {
		t.Error("the demo world has no visits to check")
	}
}

// TestUseDemoClock: the demo's sessions show the demo world's clock (the
// service's Zone, which device.StartDemo hands to the screens): a demo
// visit booked at 09:00 in its zone reads 09:00 on the tablet, whatever
// zone the computer running the test is in, and the process's time.Local
// is left as it was.
func TestUseDemoClock(t *testing.T) {
	local := time.Local
	svc := startDemo(t, demoserver.Starter(1, demo.Size{Models: 5, Parts: 20, Tickets: 10, Technicians: 1}), filepath.Join(t.TempDir(), "central"))
	defer svc.Close()
	shanghai, err := time.LoadLocation(demo.Zone)
	if err != nil {
		t.Fatal(err)
	}
	visit := time.Date(2026, 12, 7, 9, 0, 0, 0, shanghai).In(time.UTC) // as the store keeps it
	if got := visit.In(svc.Zone()).Format("15:04 MST"); got != "09:00 CST" {
		t.Fatalf("a 09:00 demo visit reads %s on the demo's clock, want 09:00 CST", got)
	}
	if time.Local != local {
		t.Errorf("starting the demo changed the process's time.Local to %v", time.Local)
	}
}
