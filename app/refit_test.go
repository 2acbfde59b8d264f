package app_test

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestCheckRefit: a serial fitted on the same ticket and not removed is
// refused; one fitted on another ticket is asked about, the fit still in
// place before a removed one, then the newest; another part's unit with
// the same serial, and a fit removed since on the same ticket, are no
// concern.
func TestCheckRefit(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 3, 2, h, 0, 0, 0, time.UTC) }
	u := app.PartUsed{Ticket: "t-here", Part: "LCD-1", Qty: 1, Serial: "sn-7"}
	fit := func(tk app.TicketID, part app.PartNumber, serial string, h int, removed bool) app.UnitFit {
		return app.UnitFit{Ticket: tk, Number: "N-" + string(tk), Part: part, Serial: serial, At: at(h), Removed: removed}
	}
	for _, c := range []struct {
		name    string
		fits    []app.UnitFit
		want    app.TicketID // "" when none is asked about
		refused bool
	}{
		{"none", nil, "", false},
		{"other part", []app.UnitFit{fit("t-a", "LCD-2", "SN-7", 9, false)}, "", false},
		{"other serial", []app.UnitFit{fit("t-a", "LCD-1", "SN-70", 9, false)}, "", false},
		{"here", []app.UnitFit{fit("t-here", "LCD-1", "SN-7", 9, false)}, "", true},
		{"here removed", []app.UnitFit{fit("t-here", "LCD-1", "SN-7", 9, true)}, "", false},
		{"here and elsewhere", []app.UnitFit{fit("t-a", "LCD-1", "SN-7", 10, false), fit("t-here", "LCD-1", "SN-7", 9, false)}, "", true},
		{"elsewhere", []app.UnitFit{fit("t-a", "LCD-1", "SN-7", 9, false)}, "t-a", false},
		{"elsewhere newest", []app.UnitFit{fit("t-a", "LCD-1", "SN-7", 9, true), fit("t-b", "LCD-1", "SN-7", 11, true)}, "t-b", false},
		{"in place first", []app.UnitFit{fit("t-b", "LCD-1", "SN-7", 11, true), fit("t-a", "LCD-1", "SN-7", 9, false)}, "t-a", false},
		{"here removed, elsewhere", []app.UnitFit{fit("t-here", "LCD-1", "SN-7", 11, true), fit("t-a", "LCD-1", "SN-7", 9, false)}, "t-a", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok, err := app.CheckRefit(u, c.fits)
			if c.refused {
				if app.ErrorCode(err) != app.ECONFLICT {
					t.Fatalf("want a conflict, got %v (%+v, %v)", err, got, ok)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ok != (c.want != "") || got.Ticket != c.want {
				t.Errorf("asked about %q (%v), want %q", got.Ticket, ok, c.want)
			}
		})
	}
}
