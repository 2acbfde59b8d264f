package store

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// checkTicketSearchIndex fails tb when the ticket search index is not the
// tickets': one entry per ticket, and for every technician of a ticket or
// of the technicians table, the entries holding its token are exactly the
// tickets whose technician has that token (a reassignment that left the
// entry behind shows as a ticket missing from its new technician's and
// found in its old one's).
func checkTicketSearchIndex(tb testing.TB, db *DB) {
	tb.Helper()
	techOf := map[int64]app.TechnicianID{}
	techs := map[app.TechnicianID]bool{}
	rows, err := db.read.Query(`SELECT rid, coalesce(technician, '') FROM tickets`)
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var rid int64
		var tech string
		if err := rows.Scan(&rid, &tech); err != nil {
			tb.Fatal(err)
		}
		techOf[rid] = app.TechnicianID(tech)
		if tech != "" {
			techs[app.TechnicianID(tech)] = true
		}
	}
	if err := rows.Close(); err != nil {
		tb.Fatal(err)
	}
	var entries int
	if err := db.read.QueryRow(`SELECT count(*) FROM tickets_fts`).Scan(&entries); err != nil || entries != len(techOf) {
		tb.Fatalf("%d search entries for %d tickets, %v", entries, len(techOf), err)
	}
	known, err := db.read.Query(`SELECT id FROM technicians`)
	if err != nil {
		tb.Fatal(err)
	}
	for known.Next() {
		var id string
		if err := known.Scan(&id); err != nil {
			tb.Fatal(err)
		}
		techs[app.TechnicianID(id)] = true
	}
	if err := known.Close(); err != nil {
		tb.Fatal(err)
	}
	for _, tech := range slices.Sorted(maps.Keys(techs)) {
		tok := technicianToken(tech)
		got := map[int64]bool{}
		rows, err := db.read.Query(`SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?`, quoteFTS(tok))
		if err != nil {
			tb.Fatal(err)
		}
		for rows.Next() {
			var rid int64
			if err := rows.Scan(&rid); err != nil {
				tb.Fatal(err)
			}
			got[rid] = true
		}
		if err := rows.Close(); err != nil {
			tb.Fatal(err)
		}
		for rid, owner := range techOf {
			if want := owner != "" && technicianToken(owner) == tok; got[rid] != want {
				tb.Fatalf("technician %s: ticket row %d (technician %q) in the index %t, want %t", tech, rid, owner, got[rid], want)
			}
		}
	}
}

// TestMigrateTicketSearchTechnician opens a store whose search index was
// written by the code before 0012_ticket_search_technician (no technician
// tokens) and checks that the upgrade rebuilds it in place: every entry
// holds its technician's token, and every list and search, within a
// technician's tickets included, equals the reference.
func TestMigrateTicketSearchTechnician(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDBBefore(t, path, "0012_ticket_search_technician.sql")
	// More tickets than a batch of the rebuild, some without a technician.
	all := listTickets(rebuildBatch + 250)
	for i := range all {
		if i%17 == 0 {
			all[i].Technician = ""
		}
	}
	ctx := context.Background()
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range all {
		ti, err := saveTicket(ctx, tx, tk) // the rows of schema 11 are those of 12
		if err != nil {
			t.Fatal(err)
		}
		// The entry as the code before 0012 wrote it: the text and its
		// short grams, no technician.
		f := searchFields(tk)
		if _, err := tx.Exec(`INSERT INTO tickets_fts (rowid, number, customer_name, phone_digits, serial, short) VALUES (?, ?, ?, ?, ?, ?)`,
			ti.rid, f[0], f[1], f[2], f[3], shortGrams(f[0], f[1], f[2], f[3])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var stale int
	if err := raw.QueryRow(`SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH ?`, quoteFTS(technicianToken("tech-001"))).Scan(&stale); err != nil || stale != 0 {
		t.Fatalf("%d entries with a token before the upgrade, %v", stale, err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := mustOpenPath(t, path, WithClock(fixedClock(genNow)))
	var version int
	if err := db.read.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != len(migrations()) {
		t.Fatalf("user_version %d, %v; want %d", version, err, len(migrations()))
	}
	checkTicketSearchIndex(t, db)
	// The searches within each technician's tickets and across the
	// device, every match in one page (checkAgainstReference's 2,240
	// filters over this many tickets take half a minute).
	ts := NewTicketService(db)
	for _, tech := range []app.TechnicianID{"", "tech-000", "tech-001", "tech-002", "tech-003", "tech-004", "tech-005", "nobody"} {
		for _, q := range []string{"王", "customer", "smith 1", "12", "FB-SAME", "x"} {
			f := app.TicketFilter{Technician: tech, Query: q, Now: genNow, Limit: maxTicketLimit}
			got, total, err := ts.FindTickets(t.Context(), f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []app.TicketID
			for _, tk := range got {
				ids = append(ids, tk.ID)
			}
			want, wantTotal := refTickets(t, db, all, f)
			if !slices.Equal(ids, want) || total != wantTotal {
				t.Fatalf("tech %q query %q: got %d of %d, want %d of %d", tech, q, len(ids), total, len(want), wantTotal)
			}
		}
	}
}

// TestTicketSearchTokenCollision: two technicians whose tokens are the
// same; a search within one's tickets lists none of the other's.
func TestTicketSearchTokenCollision(t *testing.T) {
	const a, b = app.TechnicianID("tech-6964409"), app.TechnicianID("tech-7756094")
	if technicianToken(a) != technicianToken(b) {
		t.Fatalf("tokens %q and %q differ: find another pair", technicianToken(a), technicianToken(b))
	}
	db := mustOpen(t, WithClock(fixedClock(genNow)))
	all := listTickets(60)
	for i := range all {
		all[i].Technician = []app.TechnicianID{a, b, "tech-001"}[i%3]
	}
	loadTickets(t, db, all)
	checkTicketSearchIndex(t, db)
	ts := NewTicketService(db)
	for _, tech := range []app.TechnicianID{a, b} {
		got, total, err := ts.FindTickets(t.Context(), app.TicketFilter{Technician: tech, Query: "customer", Now: genNow, Limit: maxTicketLimit})
		if err != nil {
			t.Fatal(err)
		}
		if total != 20 || len(got) != 20 {
			t.Errorf("%s: %d of %d tickets, want 20", tech, len(got), total)
		}
		for _, tk := range got {
			if tk.Technician != tech {
				t.Errorf("%s: ticket %s of %s", tech, tk.Number, tk.Technician)
			}
		}
	}
}
