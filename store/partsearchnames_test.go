package store

import (
	"path/filepath"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// namedCatalog is foldedCatalog with names in other languages on some of
// its parts, one past the first batch of a refold, and the index of the
// drain pump named in French, Spanish and Portuguese.
func namedCatalog() (parts []app.Part, pump int) {
	parts, _, _, _ = foldedCatalog()
	pump = rebuildBatch + 60
	parts[pump].NameEN = "Drain pump"
	parts[pump].Names = map[string]string{"fr": "Pompe de vidange", "es": "Bomba de desagüe", "pt": "Bomba de drenagem"}
	parts[3].Names = map[string]string{"fr": "Joint de porte", "de": "Türdichtung"}
	return parts, pump
}

// nameQueries are the searches by a part's names in other languages: a
// word, a word's start, words of two names, the accent left out.
var nameQueries = []struct {
	query string
	found bool
}{
	{"pompe", true}, {"POMPE vidange", true}, {"desague", true}, {"desagüe", true}, {"drenagem", true},
	{"po vidange", true}, {"bomba", true}, {"turdichtung", true}, {"joint porte", true},
	{"pompe drenagem", true}, // every word matches one of its names
	{"pompier", false}, {"vidange piano", false},
}

// TestFindPartsByOtherNames: a part is found by its names in other
// languages (app.Part.Names) as by its English or Chinese name, folded by
// app.Fold alike, and counted alike; a word of none of its names finds
// nothing.
func TestFindPartsByOtherNames(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	parts, pump := namedCatalog()
	if err := db.Load(t.Context(), app.Dataset{Parts: parts}); err != nil {
		t.Fatal(err)
	}
	checkNameQueries(t, NewPartService(db), parts, pump)
}

// checkNameQueries runs nameQueries on ps over parts (from namedCatalog).
func checkNameQueries(t *testing.T, ps *PartService, parts []app.Part, pump int) {
	t.Helper()
	for _, tc := range nameQueries {
		got, err := ps.FindParts(t.Context(), app.PartFilter{Query: tc.query, Limit: maxPartLimit})
		if err != nil {
			t.Fatal(err)
		}
		n, err := ps.CountParts(t.Context(), app.PartFilter{Query: tc.query})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if tc.found {
			want = 1
		}
		if len(got) != want || n != want {
			t.Errorf("%q: %v (counted %d), want %d part", tc.query, numbers(got), n, want)
			continue
		}
		if tc.found && got[0].Number != parts[pump].Number && got[0].Number != parts[3].Number {
			t.Errorf("%q: %v, want a part named so", tc.query, numbers(got))
		}
	}
}

// TestMigratePartSearchNames opens a store file of schema 22 whose parts
// hold names in other languages (0022) but whose search entries were
// written by the code before 0023_part_search_names (without them), and
// checks that the upgrade finds parts by those names, and every part as a
// store that downloaded the catalog with this code finds it.
func TestMigratePartSearchNames(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDBBefore(t, path, "0023_part_search_names.sql")
	// search_fold names this app's fold: the refold at Open has nothing
	// to do, the migration all.
	rawExec(t, raw, `INSERT INTO search_fold (id, version) VALUES (1, '`+app.FoldVersion+`')`)
	parts, pump := namedCatalog()
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	// rawDBBefore runs the migrations' SQL alone: 0022's step adds the
	// names column.
	if err := addPartNames(t.Context(), tx, nil); err != nil {
		t.Fatal(err)
	}
	for i, p := range parts {
		// As the code of 0022 wrote a part: its row with its names,
		// its entry and models keyed as since 0019, without the names.
		id := int64(i + 1)
		number, en, zh := app.Fold(string(p.Number)), app.Fold(p.NameEN), app.Fold(p.NameZH)
		savePartModelsBefore0019(t, tx, id, p, number, en, zh)
		names, err := encodeNames(p.Names)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`UPDATE parts SET names = ? WHERE id = ?`, names, id); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`DELETE FROM part_models WHERE part = ?`, id); err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Models {
			if _, err := tx.Exec(`INSERT INTO part_models (model, part) VALUES (?, ?) ON CONFLICT DO NOTHING`, app.ModelKey(m), id); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var found int
	if err := raw.QueryRow(`SELECT count(*) FROM parts_fts WHERE parts_fts MATCH ?`, quoteFTS("pompe")).Scan(&found); err != nil || found != 0 {
		t.Fatalf("%d entries found by a French name before the upgrade, %v", found, err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	ps := NewPartService(db)
	checkNameQueries(t, ps, parts, pump)
	fresh := mustOpen(t)
	if err := fresh.Load(t.Context(), app.Dataset{Parts: parts}); err != nil {
		t.Fatal(err)
	}
	filters := partQueries(parts)
	for _, tc := range nameQueries {
		filters = append(filters, app.PartFilter{Query: tc.query, Limit: maxPartLimit})
	}
	sameSearch(t, ps, NewPartService(fresh), filters)
}
