package store

import (
	"database/sql"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
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

// searchesAsReference checks that each query, within each technician's
// tickets ("" for the whole device), finds in one page what the reference
// finds among all.
func searchesAsReference(t *testing.T, db *DB, all []app.Ticket, techs []app.TechnicianID, queries ...string) {
	t.Helper()
	ts := NewTicketService(db)
	for _, tech := range techs {
		for _, q := range queries {
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

// saveTicketsIndexed saves all in raw's store, in one transaction, with
// the search entries index writes: a test of an upgrade writes them as the
// code before its migration did.
func saveTicketsIndexed(tb testing.TB, raw *sql.DB, all []app.Ticket, index func(tx *sql.Tx, rid int64, tk app.Ticket) error) {
	tb.Helper()
	tx, err := raw.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	for _, tk := range all {
		ti, err := saveTicket(tb.Context(), tx, tk)
		if err != nil {
			tb.Fatal(err)
		}
		if err := index(tx, ti.rid, tk); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// indexTicketBefore0016 writes tk's search entry, at row rid, as the code
// before 0016_ticket_search_product did: without brand and model.
func indexTicketBefore0016(tb testing.TB, q execer, rid int64, tk app.Ticket) {
	tb.Helper()
	if _, err := q.ExecContext(tb.Context(), `INSERT INTO tickets_fts (rowid, number, customer_name, phone_digits, serial, short) VALUES (?, ?, ?, ?, ?, ?)`,
		ticketSearchValues0012(rid, searchFields(tk))...); err != nil {
		tb.Fatal(err)
	}
}

// TestMigrateTicketSearchTechnician opens a store whose search index was
// written by the code before 0012_ticket_search_technician (no technician
// tokens) and checks that the upgrade rebuilds it in place: every entry
// holds its technician's token, and every list and search, within a
// technician's tickets included, equals the reference.
func TestMigrateTicketSearchTechnician(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDBBefore(t, path, "0012_ticket_search_technician.sql")
	// More tickets than a batch of the rebuild, some without a technician.
	all := listTickets(rebuildBatch + 250)
	for i := range all {
		if i%17 == 0 {
			all[i].Technician = ""
		}
	}
	// The rows of schema 11 are those of 12; the entries as the code
	// before 0012 wrote them: the text and its short grams, no technician.
	saveTicketsIndexed(t, raw, all, func(tx *sql.Tx, rid int64, tk app.Ticket) error {
		f := searchFields(tk)
		_, err := tx.Exec(`INSERT INTO tickets_fts (rowid, number, customer_name, phone_digits, serial, short) VALUES (?, ?, ?, ?, ?, ?)`,
			rid, f.number, f.customer, f.phone, f.serial, shortGrams(f.number, f.customer, f.phone, f.serial))
		return err
	})
	var stale int
	if err := raw.QueryRow(`SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH ?`, quoteFTS(technicianToken("tech-001"))).Scan(&stale); err != nil || stale != 0 {
		t.Fatalf("%d entries with a token before the upgrade, %v", stale, err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	checkTicketSearchIndex(t, db)
	// The searches within each technician's tickets and across the
	// device, every match in one page (checkAgainstReference's 2,240
	// filters over this many tickets take half a minute).
	searchesAsReference(t, db, all, []app.TechnicianID{"", "tech-000", "tech-001", "tech-002", "tech-003", "tech-004", "tech-005", "nobody"},
		"王", "customer", "smith 1", "12", "FB-SAME", "x")
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

// productTicket is T1 of the conformance world as another ticket: its ID,
// number, customer, phone, serial and product's brand and model, of tech.
func productTicket(id app.TicketID, number, brand, model string, tech app.TechnicianID) app.Ticket {
	t := serverTicket(storetest.T1).Ticket
	t.ID, t.Number, t.Technician = id, number, tech
	t.Customer = app.Customer{Name: "Kunde " + number, Phone: "+49 30 555 " + number[len(number)-4:], Address: "Unter den Linden " + number[len(number)-1:], City: "Berlin"}
	t.Product.Brand, t.Product.Model, t.Product.Serial = brand, model, "SER-"+number
	return t
}

// TestTicketSearchBrandModel: the ticket search finds a ticket by its
// product's brand and model, as it finds it by its other text: a word of
// three or more characters anywhere in them, any case, with or without
// its accents; a word of two at the start of a word of theirs. Tickets
// are written by a pull (as a first sync) and by an intake on the device;
// a search within a technician's tickets finds none of another's.
func TestTicketSearchBrandModel(t *testing.T) {
	r := newReplica(t)
	r.apply(ticketPage(0,
		app.TicketDetail{Ticket: productTicket("t-bosch", "S-2026-0001", "Bosch", "WAT28400", storetest.Ana)},
		app.TicketDetail{Ticket: productTicket("t-lg", "S-2026-0002", "LG", "F4WV309S0", storetest.Ana)},
		app.TicketDetail{Ticket: productTicket("t-elx", "S-2026-0003", "Électrolux", "EW6F348W", storetest.Ana)},
		app.TicketDetail{Ticket: productTicket("t-bosch-bo", "S-2026-0004", "Bosch", "WAW32540", storetest.Bo)},
	))
	r.commit(ana, &app.CreateTicket{Ticket: productTicket("t-siemens", "S-2026-0005", "Siemens", "WM14T", storetest.Ana)})
	checkTicketSearchIndex(t, r.db)

	ts := NewTicketService(r.db)
	for _, tc := range []struct {
		query    string
		all, ana []app.TicketID // found across the device, and within Ana's tickets
	}{
		{"Bosch", []app.TicketID{"t-bosch", "t-bosch-bo"}, []app.TicketID{"t-bosch"}},
		{"bosch", []app.TicketID{"t-bosch", "t-bosch-bo"}, []app.TicketID{"t-bosch"}},
		{"WAT28400", []app.TicketID{"t-bosch"}, []app.TicketID{"t-bosch"}},
		{"wat2", []app.TicketID{"t-bosch"}, []app.TicketID{"t-bosch"}},
		{"t2840", []app.TicketID{"t-bosch"}, []app.TicketID{"t-bosch"}},
		{"LG", []app.TicketID{"t-lg"}, []app.TicketID{"t-lg"}},
		{"lg", []app.TicketID{"t-lg"}, []app.TicketID{"t-lg"}},
		{"f4", []app.TicketID{"t-lg"}, []app.TicketID{"t-lg"}},
		{"electrolux", []app.TicketID{"t-elx"}, []app.TicketID{"t-elx"}},
		{"Électrolux", []app.TicketID{"t-elx"}, []app.TicketID{"t-elx"}},
		{"ELECTRO", []app.TicketID{"t-elx"}, []app.TicketID{"t-elx"}},
		{"él", []app.TicketID{"t-elx"}, []app.TicketID{"t-elx"}},
		{"Siemens", []app.TicketID{"t-siemens"}, []app.TicketID{"t-siemens"}},
		{"wm14", []app.TicketID{"t-siemens"}, []app.TicketID{"t-siemens"}},
		{"bosch waw", []app.TicketID{"t-bosch-bo"}, nil},
		{"bosch kunde 0001", []app.TicketID{"t-bosch"}, []app.TicketID{"t-bosch"}},
		{"bosch lg", nil, nil},
		{"Miele", nil, nil},
	} {
		for _, scope := range []struct {
			tech app.TechnicianID
			want []app.TicketID
		}{{"", tc.all}, {storetest.Ana, tc.ana}} {
			ids, total := foundIDs(t, ts, app.TicketFilter{Technician: scope.tech, Query: tc.query, Limit: maxTicketLimit})
			if !slices.Equal(ids, scope.want) || total != len(scope.want) {
				t.Errorf("%q within %q: found %v (total %d), want %v", tc.query, scope.tech, ids, total, scope.want)
			}
		}
	}
}

// foundIDs is what ts finds for f: the tickets' IDs, sorted, and the
// total.
func foundIDs(t *testing.T, ts *TicketService, f app.TicketFilter) ([]app.TicketID, int) {
	t.Helper()
	got, total, err := ts.FindTickets(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	var ids []app.TicketID
	for _, tk := range got {
		ids = append(ids, tk.ID)
	}
	slices.Sort(ids)
	return ids, total
}

// TestTicketSearchSerialNotPhone: a serial with a letter inside its run
// of digits ("305550X99") is found as the serial it is, not read as a
// phone with an extension ("305550", extension 99), which found every
// customer whose phone holds 305550 too.
func TestTicketSearchSerialNotPhone(t *testing.T) {
	r := newReplica(t)
	serial := productTicket("t-serial", "S-2026-0001", "Haier", "EG100", storetest.Ana)
	serial.Product.Serial = "305550X99"
	stranger := productTicket("t-phone", "S-2026-0100", "Haier", "EG100", storetest.Ana) // phone +49 30 555 0100
	r.apply(ticketPage(0, app.TicketDetail{Ticket: serial}, app.TicketDetail{Ticket: stranger}))
	ts := NewTicketService(r.db)
	for _, tc := range []struct {
		query string
		want  []app.TicketID
	}{
		{"305550X99", []app.TicketID{"t-serial"}},
		{"305550x99", []app.TicketID{"t-serial"}},
		{"３０５５５０Ｘ９９", []app.TicketID{"t-serial"}},
		// Written as a phone, the same digits are one.
		{"30 5550 x99", []app.TicketID{"t-phone", "t-serial"}},
		{"+49 30 555 0100", []app.TicketID{"t-phone"}},
	} {
		ids, total := foundIDs(t, ts, app.TicketFilter{Query: tc.query, Limit: maxTicketLimit})
		if !slices.Equal(ids, tc.want) || total != len(tc.want) {
			t.Errorf("%q: found %v (total %d), want %v", tc.query, ids, total, tc.want)
		}
	}
}

// TestSaveTicketSameSearch: a save keeps a ticket's search entry only when
// everything it is made of is as it was; a new brand or model rewrites it
// as a new number or technician does.
func TestSaveTicketSameSearch(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(genNow)))
	base := productTicket("t-p", "S-2026-0001", "Bosch", "WAT28400", storetest.Ana)
	for _, tc := range []struct {
		name   string
		change func(*app.Ticket)
		same   bool
	}{
		{"status", func(t *app.Ticket) { t.Status = app.StatusInProgress }, true},
		{"diagnosis", func(t *app.Ticket) { t.Diagnosis = "pump blocked" }, true},
		{"brand", func(t *app.Ticket) { t.Product.Brand = "Siemens" }, false},
		{"model", func(t *app.Ticket) { t.Product.Model = "WAT28401" }, false},
		{"brand and status", func(t *app.Ticket) { t.Product.Brand, t.Status = "Siemens", app.StatusInProgress }, false},
		{"number", func(t *app.Ticket) { t.Number = "S-2026-0002" }, false},
		{"technician", func(t *app.Ticket) { t.Technician = storetest.Bo }, false},
	} {
		// The old row as saveTicket reads it, and as a commit's head
		// makes it from the ticket's data (ticketRowOf).
		for _, head := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/head=%t", tc.name, head), func(t *testing.T) {
				err := db.writeTx(t.Context(), func(tx *sql.Tx) error {
					if _, err := tx.Exec(`DELETE FROM tickets`); err != nil {
						return err
					}
					saved, err := saveTicket(t.Context(), tx, base)
					if err != nil {
						return err
					}
					var old *ticketRow
					if head {
						old = ticketRowOf(saved.rid, base)
					}
					changed := base
					tc.change(&changed)
					ti, err := saveTicketOver(t.Context(), tx, changed, old)
					if err != nil {
						return err
					}
					if ti.sameSearch != tc.same {
						t.Errorf("sameSearch %t, want %t", ti.sameSearch, tc.same)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestMigrateTicketSearchProduct opens a store of schema 15 whose search
// index was written by the code before 0016_ticket_search_product (no
// brand, no model) and checks that the upgrade rebuilds it: every ticket
// is found by what found it before (its number, phone, serial, customer)
// and now by its brand and model too, short and accented ones included;
// the technician's tokens are those of its tickets.
func TestMigrateTicketSearchProduct(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDBBefore(t, path, "0016_ticket_search_product.sql")
	// More tickets than a batch of the rebuild, some without a technician
	// or a product's brand and model.
	all := listTickets(rebuildBatch + 250)
	for i := range all {
		switch {
		case i%17 == 0:
			all[i].Technician = ""
		case i%13 == 0:
			all[i].Product.Brand, all[i].Product.Model = "", ""
		}
	}
	all[100].Product.Brand, all[100].Product.Model = "LG", "F4WV309S0"
	all[101].Product.Brand, all[101].Product.Model = "Électrolux", "EW6F348W"
	// The rows of schema 15 are those of 16.
	saveTicketsIndexed(t, raw, all, func(tx *sql.Tx, rid int64, tk app.Ticket) error {
		indexTicketBefore0016(t, tx, rid, tk)
		return nil
	})
	var found int
	if err := raw.QueryRow(`SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH ?`, ticketMatchExpr([]string{"lg"})).Scan(&found); err != nil || found != 0 {
		t.Fatalf("%d entries found by a brand before the upgrade, %v", found, err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	checkTicketSearchIndex(t, db)
	ts := NewTicketService(db)
	finds := func(tech app.TechnicianID, q string, id app.TicketID) bool {
		t.Helper()
		got, _, err := ts.FindTickets(t.Context(), app.TicketFilter{Technician: tech, Query: q, Now: genNow, Limit: maxTicketLimit})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(got, func(tk app.Ticket) bool { return tk.ID == id })
	}
	for i := 0; i < len(all); i += 41 {
		tk := all[i]
		for _, q := range []string{tk.Number, tk.Customer.Phone, tk.Product.Serial, tk.Customer.Name, tk.Product.Brand, tk.Product.Model} {
			if q != "" && !finds(tk.Technician, q, tk.ID) {
				t.Errorf("ticket %s (technician %q) not found by %q", tk.Number, tk.Technician, q)
			}
		}
	}
	for _, tc := range []struct {
		query string
		want  app.TicketID
	}{{"lg", all[100].ID}, {"f4wv", all[100].ID}, {"electrolux", all[101].ID}, {"ew6f", all[101].ID}} {
		got, total, err := ts.FindTickets(t.Context(), app.TicketFilter{Query: tc.query, Now: genNow, Limit: maxTicketLimit})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(got) != 1 || got[0].ID != tc.want {
			t.Errorf("%q: %d tickets (total %d), want %s alone", tc.query, len(got), total, tc.want)
		}
	}
	// Every list and search, within technicians' tickets too, equals the
	// reference.
	searchesAsReference(t, db, all, []app.TechnicianID{"", "tech-000", "tech-001", "nobody"}, "Huawei", "mate 51", "customer", "王", "lg")
}

// TestMigrateTicketSearchDamagedRow: a ticket whose list_row does not
// decode (damage) does not stop migration 0016, which would leave the
// store unopenable with its unsent work: the store opens, that ticket is
// found by its number and serial, and the others by their brand too.
func TestMigrateTicketSearchDamagedRow(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDBBefore(t, path, "0016_ticket_search_product.sql")
	all := listTickets(30)
	all[0].Product.Brand, all[1].Product.Brand = "Gorenje", "Gorenje"
	saveTicketsIndexed(t, raw, all, func(tx *sql.Tx, rid int64, tk app.Ticket) error {
		indexTicketBefore0016(t, tx, rid, tk)
		return nil
	})
	rawExec(t, raw, `UPDATE tickets SET list_row = '["damaged' WHERE id = '`+string(all[0].ID)+`'`)
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	ts := NewTicketService(db)
	for _, tc := range []struct {
		query string
		want  app.TicketID
	}{{all[0].Number, all[0].ID}, {all[0].Product.Serial, all[0].ID}, {"gorenje", all[1].ID}} {
		got, _, err := ts.FindTickets(t.Context(), app.TicketFilter{Query: tc.query, Now: genNow, Limit: maxTicketLimit})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(got, func(tk app.Ticket) bool { return tk.ID == tc.want }) {
			t.Errorf("%q does not find %s after the upgrade", tc.query, tc.want)
		}
	}
}

// indexTicketBefore0017 writes tk's search entry, at row rid, as the code
// before 0017_ticket_search_fold did: its text as typed, not folded.
func indexTicketBefore0017(tb testing.TB, q execer, rid int64, tk app.Ticket) {
	tb.Helper()
	f := searchFields(tk)
	short := shortGrams(f.number, f.customer, f.phone, f.serial, f.brand, f.model)
	if f.technician != "" {
		short += pad + technicianToken(f.technician)
	}
	if _, err := q.ExecContext(tb.Context(), ticketFTSInsert, rid, f.number, f.customer, f.phone, f.serial, f.brand, f.model, short); err != nil {
		tb.Fatal(err)
	}
}

// TestMigrateTicketSearchFold opens a store file of schema 16 whose
// search index and phone digits were written by the code before
// 0017_ticket_search_fold (text as typed; a full-width phone without
// digits) and checks that the upgrade folds them: a ligature, a sharp s
// and stroked letters are found by their plain letters, a phone typed in
// full-width digits by its digits (the search and the counter's look-up),
// and every ticket by what found it before; each row's phone_digits is
// what ticketArgs writes.
func TestMigrateTicketSearchFold(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDBBefore(t, path, "0017_ticket_search_fold.sql")
	// More tickets than a batch of the rebuild.
	all := listTickets(rebuildBatch + 250)
	lœuvre, straße, łódź, wide := all[10], all[rebuildBatch+20], all[rebuildBatch+21], all[rebuildBatch+100]
	all[10].Customer.Name = "Françoise Lœuvre"
	all[rebuildBatch+20].Customer.Name = "Søren Straße"
	all[rebuildBatch+21].Product.Brand, all[rebuildBatch+21].Product.Model = "Łódź Œuvre", "ÆØ-12"
	all[rebuildBatch+100].Customer.Phone = "＋８６ １３７ ２４６８ １３５７"
	saveTicketsIndexed(t, raw, all, func(tx *sql.Tx, rid int64, tk app.Ticket) error {
		indexTicketBefore0017(t, tx, rid, tk)
		return nil
	})
	// The phone's digits as the code before 0017 read them: none.
	rawExec(t, raw, `UPDATE tickets SET phone_digits = '' WHERE id = '`+string(wide.ID)+`'`)
	var found int
	if err := raw.QueryRow(`SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH ?`, quoteFTS("strasse")).Scan(&found); err != nil || found != 0 {
		t.Fatalf("%d entries found by a folded name before the upgrade, %v", found, err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	checkTicketSearchIndex(t, db)
	ts := NewTicketService(db)
	for _, tc := range []struct {
		query string
		want  app.TicketID
	}{
		{"loeuvre", lœuvre.ID}, {"Lœuvre", lœuvre.ID}, {"francoise", lœuvre.ID},
		{"strasse", straße.ID}, {"soren", straße.ID},
		{"lodz", łódź.ID}, {"LODZ oeuvre", łódź.ID}, {"aeo-12", łódź.ID},
		{"13724681357", wide.ID}, {"２４６８１３５７", wide.ID}, {"tel:+86 137 2468 1357", wide.ID},
	} {
		got, total, err := ts.FindTickets(t.Context(), app.TicketFilter{Query: tc.query, Now: genNow, Limit: maxTicketLimit})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(got) != 1 || got[0].ID != tc.want {
			t.Errorf("%q: %d tickets (total %d), want %s alone", tc.query, len(got), total, tc.want)
		}
	}
	known, err := ts.KnownCustomers(t.Context(), "137 2468 1357")
	if err != nil || len(known) != 1 || len(known[0].Devices) != 1 || known[0].Devices[0].Ticket != wide.ID {
		t.Errorf("look-up of the full-width phone: %+v, %v", known, err)
	}
	for i := 0; i < len(all); i += 41 {
		tk := all[i]
		for _, q := range []string{tk.Number, tk.Customer.Phone, tk.Product.Serial, tk.Customer.Name, tk.Product.Brand, tk.Product.Model} {
			got, _, err := ts.FindTickets(t.Context(), app.TicketFilter{Technician: tk.Technician, Query: q, Now: genNow, Limit: maxTicketLimit})
			if err != nil {
				t.Fatal(err)
			}
			if q != "" && !slices.ContainsFunc(got, func(g app.Ticket) bool { return g.ID == tk.ID }) {
				t.Errorf("ticket %s (technician %q) not found by %q", tk.Number, tk.Technician, q)
			}
		}
	}
	rows, err := db.read.Query(`SELECT id, customer_phone, phone_digits FROM tickets`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, phone, digits string
		if err := rows.Scan(&id, &phone, &digits); err != nil {
			t.Fatal(err)
		}
		if digits != app.PhoneDigits(phone) {
			t.Errorf("ticket %s: phone_digits %q, want %q", id, digits, app.PhoneDigits(phone))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	searchesAsReference(t, db, all, []app.TechnicianID{"", "tech-000", "tech-001", "nobody"}, "Huawei", "customer", "王", "strasse", "lg")
}

// TestSearchFoldAtOpen: Open folds the ticket search again when another
// app.FoldVersion made it (search_fold), telling the upgrading hook, and
// leaves it alone when this one did: a store whose entry of "Søren
// Straße" was written unfolded is found by "strasse" only after a reopen
// that finds another version recorded.
func TestSearchFoldAtOpen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	all := listTickets(40)
	all[7].Customer.Name = "Søren Straße"
	loadTickets(t, db, all)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The entry as a fold that left ligatures made it.
	unfold := func(version string) {
		t.Helper()
		raw := rawDB(t, path)
		var rid int64
		if err := raw.QueryRow(`SELECT rid FROM tickets WHERE id = ?`, string(all[7].ID)).Scan(&rid); err != nil {
			t.Fatal(err)
		}
		rawExec(t, raw, fmt.Sprintf(`DELETE FROM tickets_fts WHERE rowid = %d`, rid))
		indexTicketBefore0017(t, raw, rid, all[7])
		rawExec(t, raw, `UPDATE search_fold SET version = '`+version+`'`)
		if err := raw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	finds := func(db *DB) bool {
		t.Helper()
		got, _, err := NewTicketService(db).FindTickets(t.Context(), app.TicketFilter{Query: "strasse", Now: genNow, Limit: maxTicketLimit})
		if err != nil {
			t.Fatal(err)
		}
		return len(got) == 1 && got[0].ID == all[7].ID
	}
	for _, tc := range []struct {
		version string
		refold  bool
	}{{app.FoldVersion, false}, {"2", true}} {
		unfold(tc.version)
		calls := 0
		db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)), WithUpgrading(func() { calls++ }))
		if got := finds(db); got != tc.refold || calls != map[bool]int{false: 0, true: 1}[tc.refold] {
			t.Errorf("search folded by version %q: found %t, upgrading hook ran %d times; want found %t", tc.version, got, calls, tc.refold)
		}
		checkTicketSearchIndex(t, db)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
