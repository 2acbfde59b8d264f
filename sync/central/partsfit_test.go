package central

import (
	"context"
	"reflect"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestPartsFitting: each model gets the tenant's parts listed for it, as
// app.Part.Fits reads the list (app.ModelKey: case, spaces, full-width
// forms aside, so a ticket's "Ｗ１" gets W1's), in part-number
// order; a model nothing fits gets an empty list; another tenant's parts
// are never offered.
func TestPartsFitting(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		for _, tn := range []string{"t1", "t2"} {
			if err := db.CreateTenant(ctx, tn, tn); err != nil {
				t.Fatal(err)
			}
		}
		part := func(n string, models ...string) app.Part {
			return app.Part{Number: app.PartNumber(n), NameEN: "Part " + n, Category: "pump", Class: app.ClassUnit, Brand: "Acme", Models: models}
		}
		if err := db.LoadDataset(ctx, "t1", app.Dataset{Parts: []app.Part{part("P-2", "W1", "W2"), part("P-1", " w1 "), part("P-3"), part("P-4", "W10")}}); err != nil {
			t.Fatal(err)
		}
		if err := db.LoadDataset(ctx, "t2", app.Dataset{Parts: []app.Part{part("P-9", "W1")}}); err != nil {
			t.Fatal(err)
		}
		got, err := db.PartsFitting(ctx, "t1", []string{"W1", "W2", "W3", "W1", "Ｗ１"})
		if err != nil {
			t.Fatal(err)
		}
		numbers := map[string][]app.PartNumber{}
		for m, ps := range got {
			numbers[m] = []app.PartNumber{}
			for _, p := range ps {
				numbers[m] = append(numbers[m], p.Number)
			}
		}
		want := map[string][]app.PartNumber{"W1": {"P-1", "P-2"}, "W2": {"P-2"}, "W3": {}, "Ｗ１": {"P-1", "P-2"}}
		if !reflect.DeepEqual(numbers, want) {
			t.Errorf("PartsFitting: %v, want %v", numbers, want)
		}
		if none, err := db.PartsFitting(ctx, "t1", nil); err != nil || len(none) != 0 {
			t.Errorf("no models: %v, %v", none, err)
		}
	})
}
