package central

import (
	"context"
	"slices"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestTechniciansAndLocations: the lists hold one tenant's records, in ID
// order, as they were put; a damaged record is reported, not skipped.
func TestTechniciansAndLocations(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		t1 := app.Dataset{
			Technicians: []app.Technician{{ID: "tech-b", Name: "Bo", Country: "CN", Van: "van-b", Language: "zh-Hans"}, {ID: "tech-a", Name: "Ann", Phone: "1", Country: "DE", Store: "s1"}},
			Locations:   []app.Location{{ID: "van-b", Kind: app.LocationVan, Name: "Van B", Owner: "tech-b"}, {ID: "s1", Kind: app.LocationStore, Name: "Store"}},
		}
		if err := db.LoadDataset(ctx, "t1", t1); err != nil {
			t.Fatal(err)
		}
		if err := db.LoadDataset(ctx, "t2", app.Dataset{Technicians: []app.Technician{{ID: "tech-z", Name: "Zed"}}, Locations: []app.Location{{ID: "wh", Kind: app.LocationWarehouse, Name: "WH"}}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			tenant string
			techs  []app.Technician
			locs   []app.Location
		}{
			{"t1", []app.Technician{t1.Technicians[1], t1.Technicians[0]}, []app.Location{t1.Locations[1], t1.Locations[0]}},
			{"t2", []app.Technician{{ID: "tech-z", Name: "Zed"}}, []app.Location{{ID: "wh", Kind: app.LocationWarehouse, Name: "WH"}}},
			{"t3", []app.Technician{}, []app.Location{}},
		} {
			techs, err := db.Technicians(ctx, c.tenant)
			if err != nil || !slices.Equal(techs, c.techs) {
				t.Errorf("%s: technicians %+v, %v; want %+v", c.tenant, techs, err, c.techs)
			}
			locs, err := db.Locations(ctx, c.tenant)
			if err != nil || !slices.Equal(locs, c.locs) {
				t.Errorf("%s: locations %+v, %v; want %+v", c.tenant, locs, err, c.locs)
			}
		}
		if _, err := db.write.ExecContext(ctx, db.q(`UPDATE entities SET data = ? WHERE tenant = ? AND kind = ? AND id = ?`), "{", "t1", kindTechnician, "tech-b"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Technicians(ctx, "t1"); app.ErrorCode(err) != app.ECORRUPT {
			t.Errorf("a damaged technician: %v, want %s", err, app.ECORRUPT)
		}
	})
}
