package central

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestFirstPullNamesDefectiveSources: a first pull gives a defective
// bin's units as openings that keep the ticket, serial and time of the
// movements they arrived with (the latest first, as many units as the bin
// holds, at most maxSourcedOpenings per part), where another location
// gets one opening per part. The openings sum to the server's balances,
// and a second first pull gives the same IDs.
func TestFirstPullNamesDefectiveSources(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		at := func(h int) time.Time { return testNow.Add(time.Duration(h) * time.Hour) }
		ret := func(id string, part app.PartNumber, ticket app.TicketID, qty, h int, reason string) app.StockMovement {
			return app.StockMovement{ID: id, Kind: app.MoveReturnDefective, Part: part, To: "bin-a", Qty: qty, Serial: "S-" + id,
				Ticket: ticket, Reason: reason, At: at(h), Recorded: "A"}
		}
		ticket := func(id, number string, tech app.TechnicianID) app.TicketDetail {
			return app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(id), Number: number, Kind: app.KindCarryIn, Country: "CN",
				Product:  app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
				Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0000"}, Priority: app.PriorityNormal,
				Technician: tech, Epoch: 1, Status: app.StatusAssigned, CreatedAt: at(-100), UpdatedAt: at(-100)}}
		}
		ms := []app.StockMovement{
			{ID: "rcv", Kind: app.MoveReceive, Part: "BAT-1", To: "van-a", Qty: 5, At: at(-50)},
			ret("r-1", "BAT-1", "tk-1", 1, -30, ""),           // shipped: the oldest unit left
			ret("r-2", "BAT-1", "tk-2", 2, -20, "FB-2 (bag)"), // another technician's ticket, its reason kept
			{ID: "ship", Kind: app.MoveAdjust, Part: "BAT-1", To: "bin-a", Qty: -1, Reason: "Shipped, RMA 1", At: at(-10)},
			{ID: "count", Kind: app.MoveAdjust, Part: "DRV-1", To: "bin-a", Qty: 1, Reason: "found in the bin", At: at(-5)},
		}
		for i := range maxSourcedOpenings + 5 {
			ms = append(ms, ret(fmt.Sprintf("s-%02d", i), "SCR-1", "tk-1", 1, -40+i, ""))
		}
		ds := app.Dataset{
			Technicians: []app.Technician{{ID: "tech-a", Name: "A", Country: "CN", Van: "van-a"}, {ID: "tech-b", Name: "B", Country: "CN"}},
			Locations: []app.Location{{ID: "van-a", Kind: app.LocationVan, Name: "Van A", Owner: "tech-a"},
				{ID: "bin-a", Kind: app.LocationDefective, Name: "Returns A", Owner: "tech-a"}},
			Parts: []app.Part{{Number: "BAT-1", NameEN: "Battery", Class: app.ClassBattery}, {Number: "SCR-1", NameEN: "Screen", Class: app.ClassMain},
				{Number: "DRV-1", NameEN: "Drive", Class: app.ClassMain}},
			Tickets:   []app.TicketDetail{ticket("tk-1", "FB-1", "tech-a"), ticket("tk-2", "FB-2", "tech-b")},
			Movements: ms,
		}
		if err := db.LoadDataset(ctx, tenant, ds); err != nil {
			t.Fatal(err)
		}
		dev := pairDevice(t, db, "tech-a")
		first, err := db.Pull(ctx, dev, "", MaxPageBytes)
		if err != nil {
			t.Fatal(err)
		}
		type line struct {
			ticket app.TicketID
			qty    int
			serial string
			reason string
			at     time.Time
		}
		got := map[string][]line{}
		sum := map[string]int{}
		for _, m := range first.Data.Movements {
			if m.Kind != app.MoveAdjust || m.From != "" || m.Validate() != nil {
				t.Errorf("opening %+v is not a valid adjustment", m)
			}
			key := string(m.To) + " " + string(m.Part)
			got[key] = append(got[key], line{m.Ticket, m.Qty, m.Serial, m.Reason, m.At})
			sum[key] += m.Qty
		}
		var scr []line
		for i := maxSourcedOpenings + 4; i >= 5; i-- {
			scr = append(scr, line{"tk-1", 1, fmt.Sprintf("S-s-%02d", i), "FB-1", at(-40 + i)})
		}
		scr = append(scr, line{"", 5, "", "opening balance", at(-36)})
		for key, want := range map[string][]line{
			"van-a BAT-1": {{"", 5, "", "opening balance", testNow}},
			"bin-a BAT-1": {{"tk-2", 2, "S-r-2", "FB-2 (bag)", at(-20)}},
			"bin-a DRV-1": {{"", 1, "", "found in the bin", at(-5)}},
			"bin-a SCR-1": scr,
		} {
			if !slices.EqualFunc(got[key], want, func(a, b line) bool {
				return a.ticket == b.ticket && a.qty == b.qty && a.serial == b.serial && a.reason == b.reason && a.at.Equal(b.at)
			}) {
				t.Errorf("openings of %s:\n got  %+v\n want %+v", key, got[key], want)
			}
		}
		if len(got) != 4 {
			t.Errorf("openings of %d location and part pairs, want 4: %v", len(got), got)
		}
		bal, err := db.Balances(ctx, tenant, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bal {
			if key := string(b.Location) + " " + string(b.Part); sum[key] != b.Qty && b.Qty != 0 {
				t.Errorf("the openings of %s sum to %d, the server's balance is %d", key, sum[key], b.Qty)
			}
		}
		again, err := db.Pull(ctx, dev, "", MaxPageBytes)
		if err != nil {
			t.Fatal(err)
		}
		ids := func(ms []app.StockMovement) []string {
			var out []string
			for _, m := range ms {
				out = append(out, m.ID)
			}
			return out
		}
		if a, b := ids(first.Data.Movements), ids(again.Data.Movements); !slices.Equal(a, b) || len(slices.Compact(slices.Sorted(slices.Values(a)))) != len(a) {
			t.Errorf("two first pulls gave openings %v and %v, want the same distinct IDs", a, b)
		}
	})
}
