package ui

import (
	"path/filepath"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
)

// TestMyLocations: whose stock is "mine", on a real store holding every
// kind of location of several owners.
func TestMyLocations(t *testing.T) {
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "fb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	locs := []app.Location{
		{ID: "wh", Kind: app.LocationWarehouse, Name: "Warehouse"},
		// Names sort the store's bin before the van's.
		{ID: "store-1", Kind: app.LocationStore, Name: "Store 1", Owner: "store-1"},
		{ID: "store-1-bin", Kind: app.LocationDefective, Name: "A store bin", Owner: "store-1"},
		{ID: "van-a", Kind: app.LocationVan, Name: "Van A", Owner: "tech-a"},
		{ID: "van-a-bin", Kind: app.LocationDefective, Name: "B van bin", Owner: "tech-a"},
		{ID: "van-b", Kind: app.LocationVan, Name: "Van B", Owner: "tech-b"},
	}
	if err := db.Load(t.Context(), app.Dataset{Locations: locs}); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		tech                  app.TechnicianID
		store                 app.StoreID
		wantStock, wantDefect app.LocationID
		wantCode              string
	}{
		"FieldEngineer":        {"tech-a", "", "van-a", "van-a-bin", ""},
		"CounterStaff":         {"tech-c", "store-1", "store-1", "store-1-bin", ""},
		"FieldEngineerOfStore": {"tech-a", "store-1", "van-a", "van-a-bin", ""},
		"VanWithoutBin":        {"tech-b", "store-1", "van-b", "store-1-bin", ""},
		"NoStock":              {"tech-z", "", "", "", app.ENOTFOUND},
	} {
		t.Run(name, func(t *testing.T) {
			env := partsEnv{ctx: t.Context(), parts: store.NewPartService(db), tech: tc.tech, store: tc.store}
			stock, defect, err := env.myLocations()
			if app.ErrorCode(err) != tc.wantCode {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if stock.ID != tc.wantStock || defect.ID != tc.wantDefect {
				t.Errorf("stock %q, bin %q; want %q, %q", stock.ID, defect.ID, tc.wantStock, tc.wantDefect)
			}
		})
	}
}
