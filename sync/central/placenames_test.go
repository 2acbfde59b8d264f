package central

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/queryplan"
)

// TestPlaceNames: the names of the locations and the labels of the
// shipments asked for (the tracking number, else the ID), by ID, and
// only those: unknown IDs, another tenant's places and a shipment's ID
// asked as a location's are left out; more than MaxPlaceNames IDs are
// refused; on both databases.
func TestPlaceNames(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		for _, tn := range []string{"t1", "t2"} {
			if err := db.CreateTenant(ctx, tn, tn); err != nil {
				t.Fatal(err)
			}
		}
		ds := app.Dataset{Parts: []app.Part{{Number: "P-1", NameEN: "Pump", Class: app.ClassUnit}}}
		for i := range 30 {
			ds.Locations = append(ds.Locations, app.Location{ID: app.LocationID(fmt.Sprintf("van-%02d", i)), Kind: app.LocationVan, Name: fmt.Sprintf("Van %02d", i)})
		}
		ds.Locations = append(ds.Locations, app.Location{ID: "wh", Kind: app.LocationWarehouse, Name: "Main warehouse"})
		if err := db.LoadDataset(ctx, "t1", ds); err != nil {
			t.Fatal(err)
		}
		if err := db.LoadDataset(ctx, "t2", app.Dataset{Locations: []app.Location{{ID: "only-t2", Kind: app.LocationVan, Name: "Another tenant's van"}}}); err != nil {
			t.Fatal(err)
		}
		dispatch := Principal{Tenant: "t1", Role: app.RoleDispatcher, Name: "office"}
		for _, s := range []app.Shipment{
			{ID: "sh-tracked", Kind: app.ShipmentSupply, From: "wh", To: "van-01", Tracking: "1Z-7"},
			{ID: "sh-plain", Kind: app.ShipmentSupply, From: "wh", To: "van-02"},
		} {
			s.Lines = []app.ShipmentLine{{Part: "P-1", Qty: 1}}
			m, err := app.NewMutation(&app.SendShipment{Shipment: s}, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.ApplyAdmin(ctx, dispatch, m); err != nil {
				t.Fatal(err)
			}
		}
		locs, ships, err := db.PlaceNames(ctx, "t1", []app.LocationID{"van-03", "wh", "van-99", "only-t2", "sh-plain"}, []string{"sh-tracked", "sh-plain", "sh-none", "van-04"})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[app.LocationID]string{"van-03": "Van 03", "wh": "Main warehouse"}; fmt.Sprint(locs) != fmt.Sprint(want) {
			t.Errorf("locations %v, want %v", locs, want)
		}
		if want := map[string]string{"sh-tracked": "1Z-7", "sh-plain": "sh-plain"}; fmt.Sprint(ships) != fmt.Sprint(want) {
			t.Errorf("shipments %v, want %v", ships, want)
		}
		if locs, ships, err := db.PlaceNames(ctx, "t1", nil, nil); err != nil || len(locs)+len(ships) != 0 {
			t.Errorf("nothing asked: %v %v %v", locs, ships, err)
		}
		many := make([]app.LocationID, MaxPlaceNames)
		if _, _, err := db.PlaceNames(ctx, "t1", many, []string{"sh-plain"}); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%d places asked: %v, want EINVALID", MaxPlaceNames+1, err)
		}
	})
}

// TestPlaceNamesSQLitePlan: on SQLite each place is looked up in the
// entities' primary key: the read costs the places asked for, not the
// tenant's thousands of locations.
func TestPlaceNamesSQLitePlan(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir()})
	plan, err := queryplan.Explain(t.Context(), db.read, qPlaceNamesSQLite, "t1", `["a"]`, "t1", `["b"]`)
	if err != nil {
		t.Fatal(err)
	}
	search := 0
	for _, step := range plan {
		if strings.HasPrefix(step, "SCAN entities") {
			t.Errorf("the read scans entities: %q", plan)
		}
		// The primary key's index (sqlite_autoindex_entities_1), every
		// column of it.
		if strings.HasPrefix(step, "SEARCH entities USING ") && strings.HasSuffix(step, "(tenant=? AND kind=? AND id=?)") {
			search++
		}
	}
	if search != 2 {
		t.Errorf("plan %q: want both kinds looked up by their full key", plan)
	}
}
