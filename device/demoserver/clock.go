package demoserver

import (
	"time"
	// The demo's tenant and clocks are in demo.Zone, also on a computer
	// whose system has no zone database (a minimal container, Windows).
	_ "time/tzdata"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// computerZone is the zone the process started with, the computer's (or
// TZ's), for UseComputerClock.
var computerZone = time.Local

// UseDemoClock sets the process's local time zone to the demo world's
// (demo.Zone). The world's visits are booked in working hours there, and a
// technician's tablet shows its own zone's times, so the app started with
// -demo plays a tablet set to that zone whatever the computer's: on a
// computer in UTC the visits would read 01:00 to 10:00. time.Local is a
// plain variable, not safe to change while other goroutines read it:
// call it before the demo's session starts its goroutines (ui's
// Lifecycle.DemoClock says when).
func UseDemoClock() error {
	loc, err := time.LoadLocation(demo.Zone)
	if err != nil {
		return app.Errorf(app.EINTERNAL, "demo.zone", "Cannot load the demo's time zone {{.Zone}}. Build the app from the repository with -tags demo, which includes the zone data.", "Zone", demo.Zone).WithCause(err)
	}
	time.Local = loc
	return nil
}

// UseComputerClock sets the process's local time zone back to the one
// it started with, for a real pairing after the demo; as UseDemoClock,
// while no session's goroutines run.
func UseComputerClock() { time.Local = computerZone }
