package store

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestPartSearchApostropheFoldAtOpen: a part search made before Fold
// made the apostrophes one (FoldVersion 3) holds "l’eau" with its
// typographic apostrophe, which a technician's "l'eau" does not find;
// Open makes it again, and then "l'eau" finds the part, as "l’eau" does.
func TestPartSearchApostropheFoldAtOpen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	hose := app.Part{Number: "FR-HOSE-1", NameEN: "Tuyau d’arrivée de l’eau", NameZH: "进水管", Class: app.ClassMain, Models: []string{"Lave-linge L’Océane"}}
	other := app.Part{Number: "FR-PUMP-1", NameEN: "Pompe de vidange", NameZH: "排水泵", Class: app.ClassMain}
	if err := db.Load(t.Context(), app.Dataset{Parts: []app.Part{hose, other}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// The hose's entry as version 3 wrote it: its text folded, the
	// apostrophes as they were.
	raw := rawDB(t, path)
	var id int64
	if err := raw.QueryRow(`SELECT id FROM parts WHERE number = ?`, string(hose.Number)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	values := partSearchValues(id, hose)
	for i, v := range values {
		if s, ok := v.(string); ok {
			values[i] = strings.ReplaceAll(s, "'", "’")
		}
	}
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM parts_fts WHERE rowid = ?`, []any{id}},
		{partFTSInsert, values},
		{`UPDATE search_fold SET version = '3'`, nil},
	} {
		if _, err := tx.Exec(stmt.sql, stmt.args...); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db = mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	defer db.Close()
	for _, q := range []string{"l'eau", "l’eau", "d'arrivee", "L`EAU"} {
		got, err := NewPartService(db).FindParts(t.Context(), app.PartFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Number != hose.Number {
			t.Errorf("FindParts(%q) after the reopen = %v, want [%s]", q, numbers(got), hose.Number)
		}
	}
}
