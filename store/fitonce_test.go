package store

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestFitOnce: the device store refuses a second fit of a unit still
// fitted on the same ticket (app.CheckFittedHere, key
// stock.unit_fitted_here), whatever the serial's case, and writes nothing
// for it: no part use, no movement, no outbox row. A unit returned as
// defective since may be fitted there again; the same serial on another
// ticket or of another part is a fit like any (the dialog asks about
// the other ticket, and sync reports it); a known ID stays fact.exists.
func TestFitOnce(t *testing.T) {
	const serial = "LCD-0001"
	fit := func(id string, tk app.TicketID, part app.PartNumber, serial string) app.Command {
		return &app.ConsumePart{Used: app.PartUsed{ID: id, Ticket: tk, Part: part, Qty: 1, Serial: serial, From: storetest.VanAna}}
	}
	back := func(id string, at time.Time) app.Command {
		return &app.ReturnDefective{Movement: app.StockMovement{ID: id, Part: storetest.DisplayP50, To: storetest.DefectSH, Qty: 1,
			Serial: serial, Ticket: storetest.T1, At: at}}
	}
	for name, c := range map[string]struct {
		before []app.Command
		last   app.Command
		key    string // the refusal's key; "" when it is recorded
	}{
		"Again":              {[]app.Command{fit("pu-1", storetest.T1, storetest.DisplayP50, serial)}, fit("pu-2", storetest.T1, storetest.DisplayP50, serial), "stock.unit_fitted_here"},
		"AgainOtherCase":     {[]app.Command{fit("pu-1", storetest.T1, storetest.DisplayP50, serial)}, fit("pu-2", storetest.T1, storetest.DisplayP50, " lcd-0001"), "stock.unit_fitted_here"},
		"ReturnedBeforeFit":  {[]app.Command{back("mv-b", storetest.Now.Add(-time.Hour)), fit("pu-1", storetest.T1, storetest.DisplayP50, serial)}, fit("pu-2", storetest.T1, storetest.DisplayP50, serial), "stock.unit_fitted_here"},
		"RemovedAndFitted":   {[]app.Command{fit("pu-1", storetest.T1, storetest.DisplayP50, serial), back("mv-b", time.Time{})}, fit("pu-2", storetest.T1, storetest.DisplayP50, serial), ""},
		"RemovedFittedTwice": {[]app.Command{fit("pu-1", storetest.T1, storetest.DisplayP50, serial), back("mv-b", time.Time{}), fit("pu-2", storetest.T1, storetest.DisplayP50, serial)}, fit("pu-3", storetest.T1, storetest.DisplayP50, serial), "stock.unit_fitted_here"},
		"OtherTicket":        {[]app.Command{fit("pu-1", storetest.T1, storetest.DisplayP50, serial)}, fit("pu-2", storetest.T2, storetest.DisplayP50, serial), ""},
		"OtherPart":          {[]app.Command{fit("pu-1", storetest.T1, storetest.DisplayP50, serial)}, fit("pu-2", storetest.T1, storetest.BatteryP50, serial), ""},
		"OtherSerial":        {[]app.Command{fit("pu-1", storetest.T1, storetest.DisplayP50, serial)}, fit("pu-2", storetest.T1, storetest.DisplayP50, "LCD-0002"), ""},
		"NoSerialTwice":      {[]app.Command{fit("pu-1", storetest.T1, storetest.BatteryP50, "")}, fit("pu-2", storetest.T1, storetest.BatteryP50, ""), ""},
		"SameIDIsFactExists": {[]app.Command{fit("pu-1", storetest.T1, storetest.DisplayP50, serial)}, fit("pu-1", storetest.T1, storetest.DisplayP50, serial), "fact.exists"},
		"First":              {nil, fit("pu-1", storetest.T1, storetest.DisplayP50, serial), ""},
	} {
		t.Run(name, func(t *testing.T) {
			// Each reading a second on: a fit after a return is later
			// than it, as on a real clock (a removal takes out the fits
			// at or before it).
			now := storetest.Now
			db := mustOpen(t, WithClock(app.ClockFunc(func() time.Time {
				now = now.Add(time.Second)
				return now
			})))
			ctx := t.Context()
			if err := db.Load(ctx, storetest.World()); err != nil {
				t.Fatal(err)
			}
			c0 := NewCommitter(db)
			for _, cmd := range c.before {
				if _, err := c0.Commit(ctx, ana, cmd); err != nil {
					t.Fatalf("%T: %v", cmd, err)
				}
			}
			count := func() (n int) {
				t.Helper()
				err := db.read.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM parts_used) + (SELECT count(*) FROM movements) + (SELECT count(*) FROM outbox)`).Scan(&n)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			was := count()
			_, err := c0.Commit(ctx, ana, c.last)
			if c.key == "" {
				if err != nil {
					t.Fatalf("the fit: %v, want it recorded", err)
				}
				return
			}
			if e := app.AsError(err); e == nil || e.Key != c.key || e.Code != app.ECONFLICT {
				t.Fatalf("the fit: %v, want conflict %s", err, c.key)
			}
			if now := count(); now != was {
				t.Errorf("rows of parts used, movements and the outbox: %d after the refusal, %d before", now, was)
			}
		})
	}
}
