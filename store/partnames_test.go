package store

import (
	"reflect"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestPartNamesLoad: a part's names in other languages are kept as the
// server sent them, replaced when it sends the part again, gone when it
// sends none, and read by every way the catalog is read.
func TestPartNamesLoad(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	ctx := t.Context()
	w := storetest.World()
	if err := db.Load(ctx, w); err != nil {
		t.Fatal(err)
	}
	parts := NewPartService(db)
	p := w.Parts[0]
	for _, names := range []map[string]string{
		{"fr": "Batterie d'origine", "es": "Batería original", "pt-BR": "Bateria original"},
		{"fr": "Batterie"},
		nil,
	} {
		p.Names = names
		if err := db.Load(ctx, app.Dataset{Parts: []app.Part{p}}); err != nil {
			t.Fatal(err)
		}
		got, err := parts.Part(ctx, p.Number)
		if err != nil {
			t.Fatal(err)
		}
		found, err := parts.FindParts(ctx, app.PartFilter{Query: string(p.Number)})
		if err != nil || len(found) == 0 {
			t.Fatalf("FindParts %s: %v, %v", p.Number, found, err)
		}
		if !reflect.DeepEqual(got.Names, names) || !reflect.DeepEqual(found[0].Names, names) {
			t.Errorf("names loaded %v: Part has %v, FindParts %v", names, got.Names, found[0].Names)
		}
	}
}
