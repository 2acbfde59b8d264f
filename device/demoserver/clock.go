package demoserver

import (
	"time"
	// The demo's tenant and clocks are in demo.Zone, also on a computer
	// whose system has no zone database (a minimal container, Windows).
	_ "time/tzdata"

	"github.com/fieldbench/fieldbench/app/demo"
)

// UseDemoClock sets the process's local time zone to the demo world's
// (demo.Zone). The world's visits are booked in working hours there, and a
// technician's tablet shows its own zone's times, so the app started with
// -demo plays a tablet set to that zone whatever the computer's: on a
// computer in UTC the visits would read 01:00 to 10:00. Call it before
// anything reads time.Local (main, right after the flags): time.Local is
// not safe to change while other goroutines read it.
func UseDemoClock() error {
	loc, err := time.LoadLocation(demo.Zone)
	if err != nil {
		return err
	}
	time.Local = loc
	return nil
}
