package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// serialHistory is a device store whose technician has fitted units serial
// by serial for years: fits part uses with a serial, five to a ticket,
// each unit received into the van (a receive movement) and fitted from it
// (a consume movement naming the ticket), one in ten removed since as
// defective (a return_defective movement into the defective bin), and 20
// units of each part still in the van. The units are of serialParts
// parts, round robin: a van's few main parts, each with a long ledger
// (Units reads a part's whole ledger at the van).
type serialHistory struct {
	db      *DB
	van     app.LocationID
	parts   []app.PartNumber
	serials []string // by fit: the unit fitted on fit i
	stocked []string // a unit of parts[0] still in the van
}

// serialParts is how many parts serialHistory's units are of.
const serialParts = 50

// openSerialHistory builds serialHistory in dir and gathers statistics,
// as a sync does after a first pull.
func openSerialHistory(tb testing.TB, dir string, fits int) serialHistory {
	tb.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(dir, "fieldbench.db"), WithClock(fixedClock(genNow)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	techs, locs := genTechnicians(2)
	h := serialHistory{db: db, van: techs[0].Van}
	catalog := genParts(newRand(), 2000)
	var serialized []app.Part
	for _, p := range catalog {
		if p.Serialized && len(serialized) < serialParts {
			serialized = append(serialized, p)
			h.parts = append(h.parts, p.Number)
		}
	}
	if len(serialized) < serialParts {
		tb.Fatalf("the generated catalog has %d serialized parts, want %d", len(serialized), serialParts)
	}
	w := storetest.World()
	if err := db.Load(ctx, app.Dataset{Technicians: techs, Locations: locs, RuleSets: w.RuleSets, Parts: catalog}); err != nil {
		tb.Fatal(err)
	}
	const perTicket = 5
	tickets := genTickets(newRand(), (fits+perTicket-1)/perTicket, 1, "s", catalog)
	var moves []app.StockMovement
	for i := range fits {
		d := &tickets[i/perTicket]
		part := h.parts[i%serialParts]
		serial := fmt.Sprintf("SN-%s-%07d", part, i)
		at := genNow.Add(-time.Duration(fits-i) * time.Hour)
		h.serials = append(h.serials, serial)
		d.Parts = append(d.Parts, app.PartUsed{ID: fmt.Sprintf("s-fit-%07d", i), Ticket: d.Ticket.ID, Part: part, Qty: 1, Serial: serial, From: h.van, At: at})
		moves = append(moves,
			app.StockMovement{ID: fmt.Sprintf("s-in-%07d", i), Kind: app.MoveReceive, Part: part, Qty: 1, Serial: serial, To: h.van, At: at.Add(-time.Hour)},
			app.StockMovement{ID: fmt.Sprintf("s-fit-%07d", i), Kind: app.MoveConsume, Part: part, Qty: 1, Serial: serial, From: h.van, Ticket: d.Ticket.ID, At: at})
		if (i/serialParts)%10 == 0 {
			moves = append(moves, app.StockMovement{ID: fmt.Sprintf("s-out-%07d", i), Kind: app.MoveReturnDefective, Part: part, Qty: 1, Serial: serial,
				To: "def-cn", Ticket: d.Ticket.ID, At: at.Add(time.Minute)})
		}
	}
	for j := range 20 {
		for _, part := range h.parts {
			serial := fmt.Sprintf("SN-%s-V%03d", part, j)
			if part == h.parts[0] {
				h.stocked = append(h.stocked, serial)
			}
			moves = append(moves, app.StockMovement{ID: "s-van-" + serial, Kind: app.MoveReceive, Part: part, Qty: 1, Serial: serial, To: h.van, At: genNow})
		}
	}
	for i := 0; i < len(tickets); i += 2_000 {
		if err := db.Load(ctx, app.Dataset{Tickets: tickets[i:min(i+2_000, len(tickets))]}); err != nil {
			tb.Fatal(err)
		}
	}
	for i := 0; i < len(moves); i += 20_000 {
		if err := db.Load(ctx, app.Dataset{Movements: moves[i:min(i+20_000, len(moves))]}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := db.Optimize(ctx); err != nil {
		tb.Fatal(err)
	}
	return h
}

// serialLookupPlans are the indexes a serial's look-ups go through, by
// query: a keystroke's (FindUnits, then UnitFits) and a tap on Fit's
// (Units, then UnitFits).
var serialLookupPlans = []struct {
	name, query string
	want, none  []string
}{
	{"FindUnits", findUnitsQuery,
		[]string{"SEARCH movements USING INDEX movements_serial (serial=?)", "SEARCH movements USING INDEX movements_serial (serial=?)"},
		[]string{"SCAN movements", "movements_to", "movements_from", "AUTOMATIC"}},
	{"Units", unitsQuery,
		[]string{"SEARCH movements USING INDEX movements_to (to_loc=? AND part=?)", "SEARCH movements USING INDEX movements_from (from_loc=? AND part=?)"},
		[]string{"SCAN movements", "AUTOMATIC"}},
	{"UnitFits", unitFitsQuery,
		[]string{"SEARCH u USING INDEX parts_used_serial (serial=? AND part=?)", "SEARCH t USING", "SEARCH m USING INDEX movements_serial (serial=? AND part=?)"},
		[]string{"SCAN u", "SCAN m", "AUTOMATIC"}},
}

// checkSerialLookupPlans fails unless each query of serialLookupPlans
// goes through its indexes on h, with h's statistics.
func checkSerialLookupPlans(tb testing.TB, h serialHistory) {
	tb.Helper()
	args := map[string][]any{
		"FindUnits": {string(h.van), h.serials[0], maxFoundUnits},
		"Units":     {string(h.van), string(h.parts[0]), app.MaxCountParts},
		"UnitFits":  {h.serials[0], string(h.parts[0]), app.MaxUnitFits},
	}
	for _, p := range serialLookupPlans {
		checkPlan(tb, h.db, p.query, args[p.name], p.want, p.none)
	}
}

// TestSerialLookupPlans: on a store with a history of serialized fits
// (its statistics gathered), a keystroke's look-up reads the serial's
// movements, fits and removals through the serial indexes (0027), never
// the van's ledger, which grows with every fit; a tap on Fit reads the
// part's ledger at the van through movements_to and movements_from.
// Never a scan of the part uses or the movements.
func TestSerialLookupPlans(t *testing.T) {
	t.Parallel()
	checkSerialLookupPlans(t, openSerialHistory(t, t.TempDir(), 2_000))
}

// BenchmarkSerialLookup is the look-up a keystroke in the add-part
// dialog's serial box makes ("keystroke": is the serial a unit of the
// part at the van, FindUnits, and when it is not, its fits, UnitFits),
// and the one a tap on Fit makes ("fit": the part's units at the van,
// Units, then the fits), on stores of 10,000 and 100,000 fitted units
// (openSerialHistory). Each op is one keystroke of a serial typed in full
// (a prefix, found nowhere), a serial in the van, or a unit fitted
// before (found, some removed since); the serials are of the part with
// the longest ledger at the van. Reports p50, p95, max and CPU per
// look-up.
func BenchmarkSerialLookup(b *testing.B) {
	for _, fits := range []int{10_000, 100_000} {
		// Built once per size, not once per round of b.N.
		start := time.Now()
		h := openSerialHistory(b, b.TempDir(), fits)
		b.Logf("store of %d fits built in %v", fits, time.Since(start).Round(time.Millisecond))
		checkSerialLookupPlans(b, h)
		ps := NewPartService(h.db)
		part := h.parts[0]
		// Keystrokes: a fitted unit's serial typed one character at a
		// time, then whole serials scanned: fitted ones (one in ten
		// removed since), and one in the van.
		typed := h.serials[len(h.serials)-serialParts]
		var keys []string
		for i := 1; i <= len(typed); i++ {
			keys = append(keys, typed[:i])
		}
		for i := 0; i < len(h.serials); i += serialParts * (len(h.serials) / serialParts / 50) {
			keys = append(keys, h.serials[i])
		}
		keys = append(keys, h.stocked[0])
		lookups := []struct {
			name     string
			atTheVan func(ctx context.Context, serial string) (bool, error)
		}{
			{"keystroke", func(ctx context.Context, serial string) (bool, error) {
				units, err := ps.FindUnits(ctx, h.van, serial)
				return slices.ContainsFunc(units, func(u app.Unit) bool { return u.Part == part }), err
			}},
			{"fit", func(ctx context.Context, serial string) (bool, error) {
				units, err := ps.Units(ctx, h.van, part)
				return slices.ContainsFunc(units, func(u string) bool { return strings.EqualFold(u, serial) }), err
			}},
		}
		for _, l := range lookups {
			b.Run(fmt.Sprintf("fits=%d/%s", fits, l.name), func(b *testing.B) {
				ds := make([]time.Duration, 0, b.N)
				found, stocked := 0, 0
				cpu := processCPU()
				for i := range b.N {
					serial := keys[i%len(keys)]
					t0 := time.Now()
					here, err := l.atTheVan(b.Context(), serial)
					if err != nil {
						b.Fatal(err)
					}
					var fits []app.UnitFit
					if here {
						stocked++
					} else if fits, err = ps.UnitFits(b.Context(), part, serial); err != nil {
						b.Fatal(err)
					}
					ds = append(ds, time.Since(t0))
					found += len(fits)
				}
				reportCPU(b, cpu)
				if b.N >= len(keys) && (found == 0 || stocked == 0) {
					b.Fatalf("%d look-ups found %d fits and %d units at the van, want some of each", b.N, found, stocked)
				}
				b.ReportMetric(float64(slices.Max(ds).Microseconds())/1000, "max-ms")
				reportPercentiles(b, ds)
			})
		}
	}
}
