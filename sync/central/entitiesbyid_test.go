package central

import (
	"database/sql"
	"fmt"
	"slices"
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

// TestEntitiesByID: the one chunked reader of entities by ID (a load's
// stored tickets, the board's reasons and technicians, the catalog's
// lookups) gives every asked entity that exists exactly once, for 0, 1,
// exactly one chunk (fetchBatch) and one chunk + 1 IDs, through the
// read pool and through a transaction, on both databases: unknown IDs,
// repeats, another kind's and another tenant's entities of the same ID
// are left out.
func TestEntitiesByID(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		const stored = fetchBatch + 1
		var techs []app.Technician
		for i := range stored {
			techs = append(techs, app.Technician{ID: app.TechnicianID(fmt.Sprintf("tech-%04d", i)), Name: fmt.Sprint("Tech ", i), Country: "CN"})
		}
		if err := db.LoadDataset(ctx, "t1", app.Dataset{Technicians: techs,
			Parts: []app.Part{{Number: "tech-0000", NameEN: "a part named like a technician", Class: app.ClassUnit}}}); err != nil {
			t.Fatal(err)
		}
		if err := db.LoadDataset(ctx, "t2", app.Dataset{Technicians: []app.Technician{{ID: "tech-t2", Name: "the other tenant's", Country: "CN"}}}); err != nil {
			t.Fatal(err)
		}
		// The last n technicians, backwards; the strangers after them are
		// asked too and must not come back.
		last := func(n int, strangers ...string) []string {
			var ask []string
			for i := stored - 1; i >= stored-n; i-- {
				ask = append(ask, string(techs[i].ID))
			}
			return append(ask, strangers...)
		}
		for _, c := range []struct {
			name string
			ask  []string
			n    int // the last n technicians come back
		}{
			{"none", nil, 0},
			{"one", last(1), 1},
			{"a chunk", last(fetchBatch), fetchBatch},
			{"a chunk + 1", last(fetchBatch + 1), fetchBatch + 1},
			// Unknown, the other tenant's, and one asked twice: a chunk of
			// IDs once the repeat is dropped, one less known.
			{"strangers", last(fetchBatch-2, "tech-none", "tech-t2", string(techs[stored-1].ID)), fetchBatch - 2},
		} {
			ask, n := c.ask, c.n
			for _, via := range []string{"read", "tx"} {
				t.Run(c.name+"/"+via, func(t *testing.T) {
					var got map[string]app.Technician
					var err error
					if via == "read" {
						got, err = entitiesByID[app.Technician](ctx, db, db.read, "t1", kindTechnician, slices.Clone(ask))
					} else {
						tx, terr := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
						if terr != nil {
							t.Fatal(terr)
						}
						defer tx.Rollback()
						got, err = entitiesByID[app.Technician](ctx, db, tx, "t1", kindTechnician, slices.Clone(ask))
					}
					if err != nil {
						t.Fatal(err)
					}
					if len(got) != n {
						t.Errorf("%d technicians, want %d", len(got), n)
					}
					for _, tech := range techs[stored-n:] {
						if g, ok := got[string(tech.ID)]; !ok || g.Name != tech.Name {
							t.Errorf("%s: %+v, %v; want %q", tech.ID, g, ok, tech.Name)
						}
					}
				})
			}
		}
	})
}
