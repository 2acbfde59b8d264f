package central

import (
	"fmt"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestPartsByNumber: a lookup of more IDs than one query takes
// (fetchBatch) gives every part that exists once, leaves out unknown and
// repeated numbers and another tenant's parts, on both databases.
func TestPartsByNumber(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		for _, tn := range []string{"t1", "t2"} {
			if err := db.CreateTenant(ctx, tn, tn); err != nil {
				t.Fatal(err)
			}
		}
		var parts []app.Part
		for i := range 2*fetchBatch + 7 {
			parts = append(parts, app.Part{Number: app.PartNumber(fmt.Sprintf("P-%04d", i)), NameEN: fmt.Sprintf("part %d", i), Class: app.ClassUnit})
		}
		if err := db.LoadDataset(ctx, "t1", app.Dataset{Parts: parts}); err != nil {
			t.Fatal(err)
		}
		if err := db.LoadDataset(ctx, "t2", app.Dataset{Parts: []app.Part{{Number: "ONLY-T2", NameEN: "the other tenant's", Class: app.ClassUnit}}}); err != nil {
			t.Fatal(err)
		}
		var ask []app.PartNumber
		for i := len(parts) - 1; i >= 0; i -= 2 { // every other part, backwards
			ask = append(ask, parts[i].Number)
		}
		ask = append(ask, parts[0].Number, parts[2].Number, "NOT-THERE", "ONLY-T2") // two asked twice
		got, err := db.PartsByNumber(ctx, "t1", ask)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for i, p := range parts {
			g, ok := got[p.Number]
			if i%2 == 0 { // len(parts) is odd: the even ones were asked
				want++
				if !ok || g.NameEN != p.NameEN {
					t.Errorf("%s: %+v, %v; want %q", p.Number, g, ok, p.NameEN)
				}
			} else if ok {
				t.Errorf("%s was not asked for and came back", p.Number)
			}
		}
		if len(got) != want {
			t.Errorf("%d parts, want %d (no unknown, no other tenant's)", len(got), want)
		}
	})
}
