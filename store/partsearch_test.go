package store

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// savePartBefore0018 writes part p's row, its models and its search entry
// at id, as the code before 0018_part_search_fold did: the entry's
// number and names as the catalog holds them, not folded, and its models
// keyed as before 0019 (savePartModelsBefore0019).
func savePartBefore0018(tb testing.TB, q execer, id int64, p app.Part) {
	tb.Helper()
	number := string(p.Number)
	savePartModelsBefore0019(tb, q, id, p, number, p.NameEN, p.NameZH)
}

// savePartModelsBefore0019 writes part p's row at id, its part_models
// rows and its search entry of number and names, with the models keyed
// as the code before 0019_part_models_fold did: trimmed and lower-cased,
// not folded.
func savePartModelsBefore0019(tb testing.TB, q execer, id int64, p app.Part, number, nameEN, nameZH string) {
	tb.Helper()
	models, err := encodeModels(p.Models)
	if err != nil {
		tb.Fatal(err)
	}
	prices, err := encodePrices(p.Prices)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := tb.Context()
	if _, err := q.ExecContext(ctx, `INSERT INTO parts (id, number, name_en, name_zh, category, class, brand, serialized, return_needed, models, prices)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, string(p.Number), p.NameEN, p.NameZH, p.Category, string(p.Class), p.Brand, p.Serialized, p.ReturnNeeded, models, prices); err != nil {
		tb.Fatal(err)
	}
	var short strings.Builder
	writeShortGrams(&short, number, nameEN, nameZH)
	for _, m := range p.Models {
		key := strings.ToLower(strings.TrimSpace(m))
		if _, err := q.ExecContext(ctx, `INSERT INTO part_models (model, part) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, id); err != nil {
			tb.Fatal(err)
		}
		short.WriteString(pad)
		short.WriteString(privateToken(key))
	}
	if _, err := q.ExecContext(ctx, partFTSInsertBefore0023, id, number, nameEN, nameZH, short.String()); err != nil {
		tb.Fatal(err)
	}
}

// partFTSInsertBefore0023 writes a part's search entry as the code
// before 0023_part_search_names did: no names in other languages. It names
// its columns, so it writes into the table of 0023 too (names empty).
const partFTSInsertBefore0023 = `INSERT INTO parts_fts (rowid, number, name_en, name_zh, short) VALUES (?, ?, ?, ?, ?)`

// foldedCatalog is a generated catalog of more parts than a batch of the
// refold, with a ligature, stroked letters and full-width forms at its
// start and past the first batch, and the indexes of those parts.
func foldedCatalog() (parts []app.Part, grommet, bearing, hinge int) {
	parts = genParts(rand.New(rand.NewPCG(18, 18)), rebuildBatch+250)
	grommet, bearing, hinge = 10, rebuildBatch+20, rebuildBatch+100
	parts[grommet].Number, parts[grommet].NameEN = "0021464550A", "Œillet de hublot"
	parts[grommet].Models = append(parts[grommet].Models, "Hublot Étanche")
	parts[bearing].NameEN = "Łożysko bębna 6204"
	parts[hinge].NameEN = "Ｐｏｒｔｈｏｌｅ ｈｉｎｇｅ"
	return parts, grommet, bearing, hinge
}

// partQueries are what finds parts: each sampled part's number, its
// number's first characters, its English name's words, its Chinese name
// and that name's first two characters, some within a model.
func partQueries(parts []app.Part) []app.PartFilter {
	var out []app.PartFilter
	for i := 0; i < len(parts); i += 41 {
		p := parts[i]
		model := ""
		if i%2 == 0 && len(p.Models) > 0 {
			model = p.Models[0]
		}
		qs := []string{string(p.Number), strings.ToLower(string(p.Number)[:6]), p.NameEN, p.NameZH, string([]rune(p.NameZH)[:2])}
		qs = append(qs, strings.Fields(p.NameEN)...)
		for _, q := range qs {
			out = append(out, app.PartFilter{Query: q, Limit: maxPartLimit}, app.PartFilter{Query: q, Model: model, Limit: maxPartLimit})
		}
	}
	return out
}

// sameSearch fails unless got finds what want finds, in the same order,
// and counts it alike, for every filter.
func sameSearch(t *testing.T, got, want *PartService, filters []app.PartFilter) {
	t.Helper()
	for _, f := range filters {
		g, err := got.FindParts(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		w, err := want.FindParts(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(numbers(g), numbers(w)) {
			t.Errorf("FindParts(%q, model %q) = %v, want %v", f.Query, f.Model, numbers(g), numbers(w))
		}
		gn, err := got.CountParts(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		if wn, _ := want.CountParts(t.Context(), f); gn != wn {
			t.Errorf("CountParts(%q, model %q) = %d, want %d", f.Query, f.Model, gn, wn)
		}
	}
}

// TestMigratePartSearchFold opens a store file of schema 17 whose part
// search entries were written by the code before 0018_part_search_fold
// (text as the catalog holds it) and checks that the upgrade folds them:
// a ligature and stroked letters are found by their plain letters, a
// number by its full-width digits anywhere in it, a name the catalog holds
// in full-width by its ASCII; and every part is found as a store that
// downloaded the catalog with this code finds it.
func TestMigratePartSearchFold(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDBBefore(t, path, "0018_part_search_fold.sql")
	// 0017's step recorded its fold: the refold at Open has nothing to
	// do, the migration all.
	rawExec(t, raw, `INSERT INTO search_fold (id, version) VALUES (1, '`+app.FoldVersion+`')`)
	parts, grommet, bearing, hinge := foldedCatalog()
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range parts {
		savePartBefore0018(t, tx, int64(i+1), p)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var found int
	if err := raw.QueryRow(`SELECT count(*) FROM parts_fts WHERE parts_fts MATCH ?`, quoteFTS("oeillet")).Scan(&found); err != nil || found != 0 {
		t.Fatalf("%d entries found by a folded name before the upgrade, %v", found, err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	ps := NewPartService(db)
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"oeillet", grommet}, {"ŒILLET hublot", grommet}, {"１４６４５５０", grommet},
		{"lozysko bebna", bearing}, {"ŁOŻYSKO", bearing},
		{"porthole hinge", hinge}, {"ｈｉｎｇｅ", hinge},
	} {
		got, err := ps.FindParts(t.Context(), app.PartFilter{Query: tc.query, Limit: maxPartLimit})
		if err != nil {
			t.Fatal(err)
		}
		if want := parts[tc.want].Number; len(got) != 1 || got[0].Number != want {
			t.Errorf("%q: %v, want %s alone", tc.query, numbers(got), want)
		}
	}
	fresh := mustOpen(t)
	if err := fresh.Load(t.Context(), app.Dataset{Parts: parts}); err != nil {
		t.Fatal(err)
	}
	sameSearch(t, ps, NewPartService(fresh), partQueries(parts))
}

// TestPartSearchFoldAtOpen: Open folds the part search again, with the
// ticket search, when another app.FoldVersion made them (search_fold),
// and leaves it alone when this one did: a store whose entry of "Œillet
// de hublot" was written unfolded is found by "oeillet" only after a
// reopen that finds another version recorded, and its model "Hublot
// Étanche" (part_models) by "hublot etanche" likewise.
func TestPartSearchFoldAtOpen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	parts, grommet, _, _ := foldedCatalog()
	if err := db.Load(t.Context(), app.Dataset{Parts: parts}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	unfold := func(version string) {
		t.Helper()
		raw := rawDB(t, path)
		var id int64
		if err := raw.QueryRow(`SELECT id FROM parts WHERE number = ?`, string(parts[grommet].Number)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		tx, err := raw.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`DELETE FROM parts_fts WHERE rowid = ?`, id); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`DELETE FROM part_models WHERE part = ?`, id); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`DELETE FROM parts WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		savePartBefore0018(t, tx, id, parts[grommet])
		if _, err := tx.Exec(`UPDATE search_fold SET version = ?`, version); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := raw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		version string
		refold  bool
	}{{app.FoldVersion, false}, {"2", true}} {
		unfold(tc.version)
		db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
		got, err := NewPartService(db).FindParts(t.Context(), app.PartFilter{Query: "oeillet"})
		if err != nil {
			t.Fatal(err)
		}
		if found := len(got) == 1 && got[0].Number == parts[grommet].Number; found != tc.refold {
			t.Errorf("search folded by version %q: found %t, want %t", tc.version, found, tc.refold)
		}
		// The model keys are folded: made again with the entries.
		n, err := NewPartService(db).CountParts(t.Context(), app.PartFilter{Model: "hublot etanche"})
		if err != nil {
			t.Fatal(err)
		}
		if found := n == 1; found != tc.refold {
			t.Errorf("model keys folded by version %q: %d parts of the folded model, want found %t", tc.version, n, tc.refold)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFindPartsModelFolded: the model filter compares models by
// app.ModelKey, as the words are folded: a ticket whose model a Chinese
// input method typed full-width ("Ｍａｔｅ　６０"), or typed without the
// catalog's accent, finds the parts listed for it, the list of the
// model's parts, a number's prefix and a word alike, and counts them.
func TestFindPartsModelFolded(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	parts := []app.Part{
		{Number: "HW-BAT-60", NameEN: "Battery", Class: app.ClassBattery, Models: []string{"Mate 60", "Mate 60 Pro"}},
		{Number: "HW-SCR-60", NameEN: "Screen", Class: app.ClassMain, Models: []string{"MATE 60"}},
		{Number: "HW-BAT-50", NameEN: "Battery", Class: app.ClassBattery, Models: []string{"Mate 50"}},
		{Number: "CM-GSK-1", NameEN: "Door gasket", Class: app.ClassMain, Models: []string{"Caméléon  Pro"}},
	}
	if err := db.Load(t.Context(), app.Dataset{Parts: parts}); err != nil {
		t.Fatal(err)
	}
	assertModelSearch(t, NewPartService(db))
}

// assertModelSearch checks the model filter of a store holding the parts
// of TestFindPartsModelFolded.
func assertModelSearch(t *testing.T, ps *PartService) {
	t.Helper()
	for _, tc := range []struct {
		query, model string
		want         []app.PartNumber
	}{
		{"", "Ｍａｔｅ　６０", []app.PartNumber{"HW-BAT-60", "HW-SCR-60"}},
		{"", " mate  60 ", []app.PartNumber{"HW-BAT-60", "HW-SCR-60"}},
		{"HW-", "Ｍａｔｅ ６０", []app.PartNumber{"HW-BAT-60", "HW-SCR-60"}},
		{"battery", "Ｍａｔｅ　６０", []app.PartNumber{"HW-BAT-60"}},
		{"ＢＡＴＴ", "ｍａｔｅ ６０ ｐｒｏ", []app.PartNumber{"HW-BAT-60"}},
		{"", "cameleon pro", []app.PartNumber{"CM-GSK-1"}},
		{"gasket", "CAMÉLÉON PRO", []app.PartNumber{"CM-GSK-1"}},
		{"CM", "Ｃａｍｅｌｅｏｎ　Ｐｒｏ", []app.PartNumber{"CM-GSK-1"}},
		{"battery", "Mate 6", nil},
	} {
		f := app.PartFilter{Query: tc.query, Model: tc.model}
		got, err := ps.FindParts(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(numbers(got), tc.want) {
			t.Errorf("FindParts(%q, model %q) = %v, want %v", tc.query, tc.model, numbers(got), tc.want)
		}
		if n, err := ps.CountParts(t.Context(), f); err != nil || n != len(tc.want) {
			t.Errorf("CountParts(%q, model %q) = %d, %v; want %d", tc.query, tc.model, n, err, len(tc.want))
		}
	}
}

// TestMigratePartModelsFold opens a store file of schema 18 whose
// part_models rows and search entries hold the models as the code before
// 0019_part_models_fold keyed them (lower case, not folded) and checks
// that the upgrade keys them again: the catalog's "Caméléon  Pro" is
// found by "cameleon pro", its parts listed and counted, by prefix and
// word too.
func TestMigratePartModelsFold(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDBBefore(t, path, "0019_part_models_fold.sql")
	rawExec(t, raw, `INSERT INTO search_fold (id, version) VALUES (1, '`+app.FoldVersion+`')`)
	parts := []app.Part{
		{Number: "HW-BAT-60", NameEN: "Battery", Class: app.ClassBattery, Models: []string{"Mate 60", "Mate 60 Pro"}},
		{Number: "HW-SCR-60", NameEN: "Screen", Class: app.ClassMain, Models: []string{"MATE 60"}},
		{Number: "HW-BAT-50", NameEN: "Battery", Class: app.ClassBattery, Models: []string{"Mate 50"}},
		{Number: "CM-GSK-1", NameEN: "Door gasket", Class: app.ClassMain, Models: []string{"Caméléon  Pro"}},
	}
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range parts {
		// 0018's entries: number and names folded.
		savePartModelsBefore0019(t, tx, int64(i+1), p, app.Fold(string(p.Number)), app.Fold(p.NameEN), app.Fold(p.NameZH))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM part_models WHERE model = 'cameleon pro'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows of the folded model before the upgrade, %v", n, err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	assertModelSearch(t, NewPartService(db))
	// Keyed again, not keyed twice: the old key of "Caméléon  Pro" is
	// gone, every part's models are its keys alone.
	var keys []string
	rows, err := db.read.Query(`SELECT model FROM part_models ORDER BY part, model`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if want := []string{"mate 60", "mate 60 pro", "mate 60", "mate 50", "cameleon pro"}; !slices.Equal(keys, want) || rows.Err() != nil {
		t.Errorf("part_models holds %q, %v; want %q", keys, rows.Err(), want)
	}
}
