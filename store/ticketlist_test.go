package store

import (
	"cmp"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/app"
)

// refTickets is the reference FindTickets: the views, orders, pages and
// totals of its documentation computed in Go over every ticket (all in the
// order they were loaded, which is their rows' order), with the
// search's matches read straight from tickets_fts (the search's rules are
// the index's; TestFindTicketsSearch covers them).
func refTickets(t *testing.T, db *DB, all []app.Ticket, f app.TicketFilter) ([]app.TicketID, int) {
	t.Helper()
	return refTicketsMatching(all, f, refMatches(t, db, f.Query))
}

// refMatches reads the tickets a query matches straight from tickets_fts;
// nil for no query.
func refMatches(t *testing.T, db *DB, query string) map[app.TicketID]bool {
	t.Helper()
	expr := ticketMatchExpr(queryWords(query))
	if expr == "" {
		return nil
	}
	match := map[app.TicketID]bool{}
	rows, err := db.read.Query(`SELECT t.id FROM tickets_fts f JOIN tickets t ON t.rid = f.rowid WHERE tickets_fts MATCH ?`, expr)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		match[app.TicketID(id)] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return match
}

// refTicketsMatching is refTickets with the query's matches given (nil
// for no query).
func refTicketsMatching(all []app.Ticket, f app.TicketFilter, match map[app.TicketID]bool) ([]app.TicketID, int) {
	y, m, d := f.Now.Date()
	dayEnd := time.Date(y, m, d+1, 0, 0, 0, 0, f.Now.Location())
	due := func(tk app.Ticket) bool {
		return (!tk.WindowStart.IsZero() && tk.WindowStart.Before(dayEnd)) || (!tk.ResolveBy.IsZero() && tk.ResolveBy.Before(dayEnd)) ||
			(tk.WindowStart.IsZero() && tk.ResolveBy.IsZero())
	}
	var in []app.Ticket
	for _, tk := range all {
		if f.Technician != "" && tk.Technician != f.Technician || match != nil && !match[tk.ID] {
			continue
		}
		open, waiting := tk.Status.Open(), tk.Status == app.StatusWaitingParts
		ok := true
		switch f.View {
		case app.ViewToday:
			ok = open && !waiting && due(tk)
		case app.ViewUpcoming:
			ok = open && !waiting && !due(tk)
		case app.ViewWaitingParts:
			ok = open && waiting
		case app.ViewDone:
			ok = !open
		}
		if ok {
			in = append(in, tk)
		}
	}
	// Zero times last; the number, then the order of loading (the row),
	// break ties.
	at := func(x time.Time) int64 {
		if x.IsZero() {
			return 1<<63 - 1
		}
		return x.UnixNano()
	}
	rowOf := map[app.TicketID]int{}
	for i, tk := range all {
		rowOf[tk.ID] = i
	}
	slices.SortFunc(in, func(a, b app.Ticket) int {
		var c int
		switch {
		case match != nil && f.Sort == "":
			return cmp.Compare(rowOf[b.ID], rowOf[a.ID]) // a search: the newest row first
		case f.Sort == "" && f.View == app.ViewDone:
			c = cmp.Compare(at(b.UpdatedAt)%(1<<63-1), at(a.UpdatedAt)%(1<<63-1)) // newest first, none last
		case f.Sort == app.SortSLA:
			c = cmp.Or(cmp.Compare(at(a.ResolveBy), at(b.ResolveBy)), cmp.Compare(a.Priority, b.Priority), cmp.Compare(at(a.WindowStart), at(b.WindowStart)))
		case f.Sort == app.SortPriority:
			c = cmp.Or(cmp.Compare(a.Priority, b.Priority), cmp.Compare(at(a.ResolveBy), at(b.ResolveBy)), cmp.Compare(at(a.WindowStart), at(b.WindowStart)))
		default:
			c = cmp.Or(cmp.Compare(at(a.WindowStart), at(b.WindowStart)), cmp.Compare(at(a.ResolveBy), at(b.ResolveBy)), cmp.Compare(a.Priority, b.Priority))
		}
		return cmp.Or(c, strings.Compare(a.Number, b.Number), cmp.Compare(rowOf[a.ID], rowOf[b.ID]))
	})
	limit := f.Limit
	if limit <= 0 {
		limit = defaultTicketLimit
	}
	limit = min(limit, maxTicketLimit)
	var ids []app.TicketID
	for _, tk := range in[min(f.Offset, len(in)):min(f.Offset+limit, len(in))] {
		ids = append(ids, tk.ID)
	}
	return ids, len(in)
}

// listTickets returns generated tickets for the list tests, with the edge
// cases of the orders: tickets without an appointment or SLA, equal keys
// that only the number or the row separates, and no update time.
func listTickets(n int) []app.Ticket {
	r := newRand()
	gen := genTickets(r, n, 6, "l", genParts(r, 50))
	out := make([]app.Ticket, len(gen))
	for i, d := range gen {
		tk := d.Ticket
		switch i % 11 {
		case 3:
			tk.WindowStart, tk.WindowEnd, tk.ResolveBy = time.Time{}, time.Time{}, time.Time{}
		case 5:
			tk.WindowStart = genNow.Truncate(time.Hour)
			tk.ResolveBy = genNow.Add(24 * time.Hour).Truncate(time.Hour)
			tk.Priority = 2
			tk.UpdatedAt = genNow
		case 7:
			tk.Number = "FB-SAME" // ties broken by the row
			tk.UpdatedAt = time.Time{}
		case 2, 9:
			// Promised days as the JSON keeps them: with a fraction of
			// a second and an offset, or whole seconds in UTC.
			tk.PromisedAt = genNow.Add(time.Duration(i)*time.Hour + 123456789*time.Nanosecond).In(time.FixedZone("", 8*3600))
			if i%2 == 0 {
				tk.PromisedAt = genNow.Add(time.Duration(i) * time.Minute).Truncate(time.Second).UTC()
			}
		}
		out[i] = tk
	}
	return out
}

func loadTickets(t *testing.T, db *DB, tickets []app.Ticket) {
	t.Helper()
	ds := app.Dataset{}
	for _, tk := range tickets {
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
	}
	if err := db.Load(t.Context(), ds); err != nil {
		t.Fatal(err)
	}
}

// listFilterCases are the filters compared with the reference: every view
// in every order, pages at the start, the middle and past the end, with
// and without a technician and a query.
func listFilterCases() []app.TicketFilter {
	var out []app.TicketFilter
	for _, v := range []app.TicketView{app.ViewAll, app.ViewToday, app.ViewUpcoming, app.ViewWaitingParts, app.ViewDone} {
		for _, s := range []app.TicketSort{"", app.SortAppointment, app.SortSLA, app.SortPriority} {
			for _, tech := range []app.TechnicianID{"", "tech-001", "tech-005", "nobody"} {
				for _, q := range []string{"", "王", "customer", "smith 1", "12", "FB-SAME", "x"} {
					for _, page := range [][2]int{{0, 0}, {0, 7}, {13, 40}, {2000, 10}} {
						out = append(out, app.TicketFilter{View: v, Sort: s, Technician: tech, Query: q, Now: genNow, Offset: page[0], Limit: page[1]})
					}
				}
			}
		}
	}
	return out
}

// raceSampleStride: under the race detector checkAgainstReference compares
// one filter in this many, 204 of the 2,240. The stride is prime to every
// count of listFilterCases' loops, so the sample still holds every view,
// order, technician, query and page, each in many combinations.
const raceSampleStride = 11

// checkAgainstReference compares FindTickets and ListTickets with the
// reference for every filter of listFilterCases (a sample of them under
// the race detector: they run on one goroutine).
func checkAgainstReference(t *testing.T, db *DB, all []app.Ticket) {
	t.Helper()
	ts := NewTicketService(db)
	byID := map[app.TicketID]app.Ticket{}
	for _, tk := range all {
		byID[tk.ID] = tk
	}
	// The matches of each query, read once per call: the store does not
	// change during it, and the 2,240 filters hold 7 queries.
	matches := map[string]map[app.TicketID]bool{}
	for i, f := range listFilterCases() {
		if raceDetector && i%raceSampleStride != 0 {
			continue
		}
		match, ok := matches[f.Query]
		if !ok {
			match = refMatches(t, db, f.Query)
			matches[f.Query] = match
		}
		got, total, err := ts.FindTickets(t.Context(), f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		var ids []app.TicketID
		for _, tk := range got {
			ids = append(ids, tk.ID)
		}
		want, wantTotal := refTicketsMatching(all, f, match)
		if !slices.Equal(ids, want) || total != wantTotal {
			t.Fatalf("view %q sort %q tech %q query %q offset %d limit %d:\n got %d of %d: %v\nwant %d of %d: %v",
				f.View, f.Sort, f.Technician, f.Query, f.Offset, f.Limit, len(ids), total, ids, len(want), wantTotal, want)
		}
		// ListTickets: the same page as rows equal to the tickets', and
		// the count capped, in turn, at 30, at the number of matches and
		// one below it.
		for _, countCap := range [][]int{{30}, {max(wantTotal, 1)}, {max(wantTotal-1, 1)}}[i%3] {
			lts := &TicketService{db: db, countCap: countCap}
			list, err := lts.ListTickets(t.Context(), f)
			if err != nil {
				t.Fatalf("%+v: ListTickets: %v", f, err)
			}
			var rows []app.TicketRow
			for _, id := range want {
				rows = append(rows, leanRow(byID[id].Row()))
			}
			var got []app.TicketRow
			for _, r := range list.Rows {
				got = append(got, leanRow(r))
			}
			wantList := app.TicketList{Rows: rows, Total: min(wantTotal, countCap), More: wantTotal > countCap}
			if !slices.Equal(got, rows) || list.Total != wantList.Total || list.More != wantList.More {
				t.Fatalf("view %q sort %q tech %q query %q offset %d limit %d, cap %d: ListTickets\n got %d rows of %d (more %t): %+v\nwant %d rows of %d (more %t): %+v",
					f.View, f.Sort, f.Technician, f.Query, f.Offset, f.Limit, countCap, len(got), list.Total, list.More, got, len(rows), wantList.Total, wantList.More, rows)
			}
		}
	}
}

// kindsAsUpgraded are tickets as the list rows of an upgraded store show
// them: rows made before they kept the kind have none, but those of the
// tickets waiting for parts, which 0026 wrote again.
func kindsAsUpgraded(tickets []app.Ticket) []app.Ticket {
	out := slices.Clone(tickets)
	for i := range out {
		if out[i].Status != app.StatusWaitingParts {
			out[i].Kind = ""
		}
	}
	return out
}

// leanRow drops what a time keeps beyond its instant (location,
// monotonic reading), so rows compare with ==.
func leanRow(r app.TicketRow) app.TicketRow {
	for _, p := range []*time.Time{&r.WindowStart, &r.WindowEnd, &r.ResolveBy, &r.PromisedAt} {
		if !p.IsZero() {
			*p = time.Unix(0, p.UnixNano()).UTC()
		}
	}
	return r
}

// TestFindTicketsReference compares every list and search with the
// reference, on a store loaded and then changed (tickets closed, moved to
// waiting for parts, rescheduled, reassigned by a pull) so the index
// columns follow updates, and then reassigned on the device (the
// mutation path, which keeps a search entry whose text did not change),
// so the search within a technician's tickets follows its technician.
func TestFindTicketsReference(t *testing.T) {
	t.Parallel()
	db := mustOpen(t, WithClock(fixedClock(genNow)))
	all := listTickets(600)
	loadTickets(t, db, all)
	checkAgainstReference(t, db, all)
	checkTicketSearchIndex(t, db)

	for i := 0; i < len(all); i += 4 {
		tk := &all[i]
		switch i % 3 {
		case 0:
			tk.Status = app.StatusClosed
		case 1:
			tk.Status = app.StatusWaitingParts
		default:
			tk.Status, tk.WindowStart, tk.ResolveBy = app.StatusAssigned, genNow.Add(72*time.Hour), time.Time{}
		}
		tk.UpdatedAt = genNow.Add(time.Duration(i) * time.Minute)
	}
	for i := 1; i < len(all); i += 10 {
		all[i].Technician = []app.TechnicianID{"tech-001", "tech-005", ""}[i%3]
	}
	loadTickets(t, db, all)
	checkAgainstReference(t, db, all)
	checkTicketSearchIndex(t, db)

	dispatch := app.Actor{Role: app.RoleDispatcher, Name: "Dispatch"}
	for i, n := 2, 0; i < len(all); i += 9 {
		if !all[i].Status.Open() {
			continue
		}
		assign := &app.AssignTicket{Ticket: all[i].ID, Technician: []app.TechnicianID{"tech-005", "tech-001", "tech-002", ""}[n%4]}
		if assign.Technician == "" {
			assign.Store = "store-1" // to a store: no technician
		}
		n++
		if _, err := NewCommitter(db).Commit(t.Context(), dispatch, assign); err != nil {
			t.Fatalf("reassign %s: %v", all[i].Number, err)
		}
		d, err := NewTicketService(db).TicketDetail(t.Context(), all[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Ticket.Technician != assign.Technician {
			t.Fatalf("%s reassigned to %q, want %q", all[i].Number, d.Ticket.Technician, assign.Technician)
		}
		all[i] = d.Ticket
	}
	checkAgainstReference(t, db, all)
	checkTicketSearchIndex(t, db)
}

// TestMigrateTicketLists opens a store written by the schema before
// 0009_ticket_lists and checks that the upgrade fills the list columns of
// the tickets already there.
func TestMigrateTicketLists(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDBBefore(t, path, "0009_ticket_lists.sql")
	all := listTickets(300)
	for _, tk := range all {
		args, err := ticketArgs(tk)
		if err != nil {
			t.Fatal(err)
		}
		// The row as the previous schema's ticketUpsert wrote it.
		res, err := raw.Exec(`INSERT INTO tickets (id, number, technician, store, status, is_open, priority,
			window_start, window_end, respond_by, resolve_by, customer_name, customer_phone, phone_digits,
			serial, created_at, updated_at, completed_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(args[:18:18], args[len(args)-1])...)
		if err != nil {
			t.Fatal(err)
		}
		rid, _ := res.LastInsertId()
		indexTicketBefore0016(t, raw, rid, tk)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	all = kindsAsUpgraded(all)
	checkAgainstReference(t, db, all)
	var stale int
	if err := db.read.QueryRow(`SELECT count(*) FROM tickets WHERE ws_key IS NOT coalesce(window_start, 9223372036854775807)
		OR rb_key IS NOT coalesce(resolve_by, 9223372036854775807)
		OR list_state IS NOT CASE WHEN is_open = 0 THEN 0 WHEN status = 'waiting_parts' THEN 2 ELSE 1 END`).Scan(&stale); err != nil || stale != 0 {
		t.Fatalf("%d rows with list columns unlike their ticket, %v", stale, err)
	}
}

// TestMigrateTicketRows opens a store written by the schema before
// 0011_ticket_rows and checks that the upgrade fills the list row columns
// of the tickets already there, promised times to the nanosecond.
func TestMigrateTicketRows(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDBBefore(t, path, "0011_ticket_rows.sql")
	all := listTickets(300)
	all[1].Customer.Address, all[1].Customer.City = "", "" // nothing to copy
	all[4].Customer.Address, all[4].Customer.City = "浦东新区世纪大道100号", "上海市"
	all[6].Product.Brand, all[6].Product.Model = "", ""
	all[8].Customer.Name = "Wang \"Bill\" \\ <&>\n\t\u2028 😀" // escapes in JSON
	for _, tk := range all {
		args, err := ticketArgs(tk)
		if err != nil {
			t.Fatal(err)
		}
		// The row as the previous schema's ticketUpsert wrote it.
		res, err := raw.Exec(`INSERT INTO tickets (id, number, technician, store, status, is_open, priority,
			window_start, window_end, respond_by, resolve_by, customer_name, customer_phone, phone_digits,
			serial, created_at, updated_at, completed_at, list_state, ws_key, rb_key, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(args[:21:21], args[len(args)-1])...)
		if err != nil {
			t.Fatal(err)
		}
		rid, _ := res.LastInsertId()
		indexTicketBefore0016(t, raw, rid, tk)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := mustOpenPath(t, path, WithClock(fixedClock(genNow)))
	all = kindsAsUpgraded(all)
	list, err := NewTicketService(db).ListTickets(t.Context(), app.TicketFilter{Now: genNow, Limit: maxTicketLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Rows) != len(all) || list.Total != len(all) || list.More {
		t.Fatalf("%d rows of %d (more %t), want %d", len(list.Rows), list.Total, list.More, len(all))
	}
	byID := map[app.TicketID]app.Ticket{}
	for _, tk := range all {
		byID[tk.ID] = tk
	}
	promised := 0
	for _, r := range list.Rows {
		want := leanRow(byID[r.ID].Row())
		if got := leanRow(r); got != want {
			t.Errorf("migrated row\n got %+v\nwant %+v", got, want)
		}
		if !r.PromisedAt.IsZero() {
			promised++
		}
	}
	wantPromised := 0
	for _, tk := range all {
		if !tk.PromisedAt.IsZero() {
			wantPromised++
		}
	}
	if promised != wantPromised || promised == 0 {
		t.Errorf("%d migrated rows with a promised time, want %d", promised, wantPromised)
	}
	checkAgainstReference(t, db, all)
}

// TestListRow: a list row comes back from its list_row as it went in,
// whatever its text holds, and a damaged list_row is an error.
func TestListRow(t *testing.T) {
	at := time.Date(2026, 6, 18, 10, 0, 0, 123456789, time.UTC)
	for _, r := range []app.TicketRow{
		{},
		{ID: "t-1", Number: "FB-1", CustomerName: "王伟", Address: "浦东新区世纪大道100号", City: "上海市", Brand: "Huawei", Model: "P50",
			Status: app.StatusAssigned, WindowStart: at, WindowEnd: at.Add(time.Hour), ResolveBy: at.Add(48 * time.Hour), PromisedAt: at.Add(-time.Hour)},
		{ID: "t-3", Status: app.StatusEnRoute, WindowStart: at, StartedAt: at.Add(30 * time.Minute), Kind: app.KindOnSite},
		{ID: "t-4", Status: app.StatusWaitingParts, Kind: app.KindCarryIn},
		{ID: "t-2", Number: `a"b\c`, CustomerName: "<&> \n\t\u2028 😀 \x01", Address: `\"`, WindowStart: time.Unix(0, -5).UTC()},
	} {
		s, err := encodeListRow(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeListRow(s)
		if err != nil || got != r {
			t.Errorf("%s:\n got %+v, %v\nwant %+v", s, got, err, r)
		}
	}
	// A row written before it kept its start (migration 0011's, an older
	// app's) ends after promised at, and reads as not started.
	older := `["t-1","FB-1","","","","","","en_route",null,null,null,1781776800123456789]`
	if got, err := decodeListRow(older); err != nil || got != (app.TicketRow{ID: "t-1", Number: "FB-1", Status: app.StatusEnRoute, PromisedAt: at}) {
		t.Errorf("an older row: got %+v, %v", got, err)
	}
	// One written before it kept the kind (an app of the 13-element rows)
	// ends after started at, and reads with no kind.
	started := `["t-3","FB-3","","","","","","waiting_parts",null,null,null,null,1781776800123456789]`
	if got, err := decodeListRow(started); err != nil || got != (app.TicketRow{ID: "t-3", Number: "FB-3", Status: app.StatusWaitingParts, StartedAt: at}) {
		t.Errorf("a row without a kind: got %+v, %v", got, err)
	}
	good, _ := encodeListRow(app.TicketRow{ID: "t-1", PromisedAt: at})
	for _, bad := range []string{"", "[]", "{}", good[:len(good)-1], good + "]", strings.Replace(good, `"t-1"`, `1`, 1),
		strings.Replace(good, "null", "nul", 1), strings.Replace(good, `"t-1"`, `"t-1`, 1), `["a"]`,
		strings.Replace(good, "1781776800123456789", "99999999999999999999", 1), older[:len(older)-1] + ",]", good[:len(good)-1] + ",null]",
		started[:len(started)-1] + ",null]", started[:len(started)-1] + ",5]", started[:len(started)-1] + `,"on_site",""]`} {
		if r, err := decodeListRow(bad); err == nil {
			t.Errorf("%q decoded to %+v", bad, r)
		}
	}
}

// FuzzDecodeListRow: any list_row decodes or is refused without a panic,
// and a row it accepts encodes back to a list_row that decodes to it.
func FuzzDecodeListRow(f *testing.F) {
	at := time.Date(2026, 6, 18, 10, 0, 0, 0, time.UTC)
	for _, r := range []app.TicketRow{{}, {ID: "t-1", Number: `a"b`, Status: app.StatusEnRoute, WindowStart: at, StartedAt: at, Kind: app.KindOnSite}} {
		s, err := encodeListRow(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
	}
	f.Add(`["t-1","FB-1","","","","","","en_route",null,null,null,1781776800123456789]`)
	f.Add(`["t-3","FB-3","","","","","","waiting_parts",null,null,null,null,1781776800123456789]`)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := decodeListRow(s)
		if err != nil || !utf8.ValidString(s) {
			// A list_row is written by json_array or encoding/json,
			// which write valid UTF-8 only (bad bytes as U+FFFD).
			return
		}
		again, err := encodeListRow(r)
		if err != nil {
			t.Fatalf("%q decoded to %+v, which does not encode: %v", s, r, err)
		}
		if back, err := decodeListRow(again); err != nil || back != r {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", s, r, again, back, err)
		}
	})
}
