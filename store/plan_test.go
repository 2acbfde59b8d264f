package store

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/queryplan"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestQueryPlans pins the indexes the hot queries use, after Optimize has
// gathered statistics: a plan that falls back to a scan is a regression
// the benchmarks would only show on a big store.
func TestQueryPlans(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	// Statistics of a store of some size, as the planner sees a real one.
	parts := genParts(newRand(), 2000)
	if err := db.Load(t.Context(), app.Dataset{Parts: parts, Tickets: genTickets(newRand(), 2000, 20, "p", parts)}); err != nil {
		t.Fatal(err)
	}
	if err := db.Optimize(t.Context()); err != nil {
		t.Fatal(err)
	}
	where, args, _, err := db.ticketWhere(app.TicketFilter{View: app.ViewToday, Technician: storetest.Ana, Now: storetest.Now})
	if err != nil {
		t.Fatal(err)
	}
	order, _ := ticketOrder(app.TicketFilter{})
	swhere, sargs, smatch, err := db.ticketWhere(app.TicketFilter{Query: "王伟"})
	if err != nil {
		t.Fatal(err)
	}
	mwhere, margs, mmatch, err := db.ticketWhere(app.TicketFilter{Query: "王伟", Technician: storetest.Ana, View: app.ViewToday, Now: storetest.Now})
	if err != nil {
		t.Fatal(err)
	}
	// Each list the terminal shows is one index range in the order asked,
	// without a sort, and its count reads an index only.
	lists := map[string]struct {
		f   app.TicketFilter
		idx string
	}{
		"Today":        {app.TicketFilter{View: app.ViewToday}, "tickets_list_appointment (technician=? AND list_state=?)"},
		"UpcomingSLA":  {app.TicketFilter{View: app.ViewUpcoming, Sort: app.SortSLA}, "tickets_list_sla (technician=? AND list_state=? AND rb_key>?)"},
		"WaitingPrio":  {app.TicketFilter{View: app.ViewWaitingParts, Sort: app.SortPriority}, "tickets_list_priority (technician=? AND list_state=?)"},
		"Done":         {app.TicketFilter{View: app.ViewDone}, "tickets_list_updated (technician=? AND list_state=?)"},
		"DoneSLA":      {app.TicketFilter{View: app.ViewDone, Sort: app.SortSLA}, "tickets_list_sla (technician=? AND list_state=?)"},
		"TodayPrio":    {app.TicketFilter{View: app.ViewToday, Sort: app.SortPriority}, "tickets_list_priority (technician=? AND list_state=?)"},
		"WaitingAppt":  {app.TicketFilter{View: app.ViewWaitingParts, Sort: app.SortAppointment}, "tickets_list_appointment (technician=? AND list_state=?)"},
		"UpcomingAppt": {app.TicketFilter{View: app.ViewUpcoming}, "tickets_list_appointment (technician=? AND list_state=? AND ws_key>?)"},
		"AllOneLetter": {app.TicketFilter{Query: "s"}, "tickets_list_all (technician=?)"},
	}
	type planCase struct {
		query string
		args  []any
		want  []string // substrings of the plan, in order
		none  []string // substrings the plan must not have
	}
	listCases := map[string]planCase{}
	for name, l := range lists {
		l.f.Technician, l.f.Now = storetest.Ana, storetest.Now
		w, a, _, err := db.ticketWhere(l.f)
		if err != nil {
			t.Fatal(err)
		}
		o, err := ticketOrder(l.f)
		if err != nil {
			t.Fatal(err)
		}
		listCases["List"+name] = planCase{listPageQuery(w, o), append(a, 50, 0), []string{"SEARCH tickets USING COVERING INDEX " + l.idx}, []string{"TEMP B-TREE"}}
		countIdx := "tickets_list_appointment (technician=? AND list_state=?)"
		switch l.f.View {
		case app.ViewAll:
			countIdx = "tickets_list_appointment (technician=?)"
		case app.ViewUpcoming:
			// Upcoming starts past today: a seek, not a read of what
			// is due today.
			countIdx = "tickets_list_appointment (technician=? AND list_state=? AND ws_key>?)"
		}
		listCases["Count"+name] = planCase{listCountQuery(w), a, []string{"SEARCH tickets USING COVERING INDEX " + countIdx}, []string{"MULTI-INDEX"}}
	}
	cases := map[string]planCase{
		"PartPrefix": {partsByPrefix + byNumber, []any{"hb-", "hb-\xff", 50},
			[]string{"SEARCH p USING INDEX sqlite_autoindex_parts_1 (number>? AND number<?)"}, nil},
		"PartPrefixModel": {partsByPrefix + ofModel + byNumber, []any{"hb-", "hb-\xff", "p50", 50},
			[]string{"SEARCH p USING INDEX sqlite_autoindex_parts_1 (number>? AND number<?)"}, nil},
		"PartSearch": {partsMatching, []any{`"battery"`},
			[]string{"SCAN f VIRTUAL TABLE", "SEARCH p USING INTEGER PRIMARY KEY"}, nil},
		"PartModel": {partsOfModel, []any{"p50", 50},
			[]string{"SEARCH m USING PRIMARY KEY (model=?)", "SEARCH p USING INTEGER PRIMARY KEY"}, nil},
		"TicketsToday": {listPageQuery(where, order), append(args, 50, 0),
			[]string{"SEARCH tickets USING COVERING INDEX tickets_list_appointment (technician=? AND list_state=?)"}, nil},
		"TicketSearch": {searchPageQuery(swhere, order), append(sargs, smatch, 50, 0),
			[]string{"SEARCH tickets USING COVERING INDEX tickets_search (rid=?)", "SCAN tickets_fts VIRTUAL TABLE"}, nil},
		"TicketSearchMine": {searchPageQuery(mwhere, order), append(margs, mmatch, 50, 0),
			[]string{"SEARCH tickets USING COVERING INDEX tickets_search (rid=? AND technician=? AND list_state=?)", "SCAN tickets_fts VIRTUAL TABLE"}, nil},
		// A search in the default order is driven by the index of the
		// search, in its order, without a sort: it stops at the page.
		"TicketSearchNewest": {newestPageQuery(swhere), append(sargs, smatch, 50, 0),
			[]string{"SCAN tickets_fts VIRTUAL TABLE", "SEARCH tickets USING COVERING INDEX tickets_search (rid=?)"}, []string{"TEMP B-TREE"}},
		"TicketSearchNewestMine": {newestPageQuery(mwhere), append(margs, mmatch, 50, 0),
			[]string{"SCAN tickets_fts VIRTUAL TABLE", "SEARCH tickets USING COVERING INDEX tickets_search (rid=? AND technician=? AND list_state=?)"}, []string{"TEMP B-TREE"}},
		"TicketSearchNewestCount": {cappedCount(newestCountQuery(mwhere), app.TicketCountCap), append(margs, mmatch),
			[]string{"SCAN tickets_fts VIRTUAL TABLE", "SEARCH tickets USING COVERING INDEX tickets_search (rid=? AND technician=? AND list_state=?)"}, nil},
		"Balances": {balancesQuery, []any{"van-ana"},
			[]string{"SEARCH movements USING COVERING INDEX movements_to (to_loc=?)", "SEARCH movements USING COVERING INDEX movements_from (from_loc=?)"}, nil},
		"Pending": {pendingQuery, []any{100},
			[]string{"SEARCH outbox USING INTEGER PRIMARY KEY (rowid>?)"}, nil},
		"PhotosToUpload": {photosToUploadQuery, nil,
			[]string{"SCAN photos USING INDEX photos_unsent"}, nil},
		"OpenConflicts": {openConflictsQuery, nil,
			[]string{"SCAN conflicts USING INDEX conflicts_open"}, nil},
		"LoadList": {loadListQuery, []any{string(storetest.Ana), storetest.Now.UnixNano(), storetest.Now.Add(48 * time.Hour).UnixNano()},
			[]string{"SEARCH t USING INDEX tickets_technician (technician=? AND is_open=? AND window_start>? AND window_start<?)",
				"SEARCH lp USING INDEX sqlite_autoindex_likely_parts_1 (ticket_id=?)"}, nil},
		"TicketRequests": {ticketRequestsQuery, []any{"t-0001"},
			[]string{"SEARCH part_requests USING INDEX part_requests_ticket (ticket_id=?)"}, nil},
		"FindShipment": {findShipmentQuery, []any{"sf-1"},
			[]string{"MULTI-INDEX OR", "shipments_id_folded (<expr>=?)", "shipments_tracking (tracking_key=?)"}, nil},
		// A pull's dropRefused reads the few conflicts, each refused
		// mutation's outbox row among its ticket's (the outbox has no index
		// of the mutation ID since 0015), and its facts through their
		// ticket: never a scan of the outbox or of a fact table.
		"RefusedMutations": {refusedMutations, nil,
			[]string{"SEARCH o USING INDEX outbox_ticket (ticket_id=? AND seq<?)"}, []string{"SCAN o", "AUTOMATIC"}},
		// A conflict that names no ticket (a server that could not decode
		// the mutation) is looked up by ID: the conflicts outer, the
		// outbox read for each of those few, never indexed whole.
		"RefusedWithoutTicket": {refusedWithoutTicket, nil,
			[]string{"SCAN c", "SEARCH o USING INTEGER PRIMARY KEY (rowid<?)"}, []string{"AUTOMATIC", "BLOOM"}},
		// The conflicts screen's times: each conflict's mutation among
		// its ticket's outbox rows, never a scan of the outbox.
		"MutationTimesByTicket": {mutationTimesByTicket, []any{`["m-1","m-2"]`},
			[]string{"SEARCH o USING INDEX outbox_ticket (ticket_id=?)"}, []string{"SCAN o", "AUTOMATIC"}},
		"DropRefusedNotes": {dropRefusedFacts("notes"), nil,
			[]string{"SEARCH notes USING INDEX notes_ticket (ticket_id=?)", "SEARCH o USING INDEX outbox_ticket (ticket_id=? AND seq<?)"}, []string{"SCAN notes", "SCAN o", "AUTOMATIC"}},
		"DropRefusedRepairs": {dropRefusedFacts("repairs"), nil,
			[]string{"SEARCH repairs USING INDEX repairs_ticket (ticket_id=?)", "SEARCH o USING INDEX outbox_ticket (ticket_id=? AND seq<?)"}, []string{"SCAN repairs", "SCAN o", "AUTOMATIC"}},
		"DropRefusedPartsUsed": {dropRefusedFacts("parts_used"), nil,
			[]string{"SEARCH parts_used USING INDEX parts_used_ticket (ticket_id=?)", "SEARCH o USING INDEX outbox_ticket (ticket_id=? AND seq<?)"}, []string{"SCAN parts_used", "SCAN o", "AUTOMATIC"}},
		// A refused part use's movement (movements_local leaves it out,
		// 0028) is found by its ID, from the refused mutations' outbox
		// rows among their tickets'; the other movements recorded here
		// through movements_local.
		"DropRefusedConsumes": {dropRefusedConsumes, nil,
			[]string{"SEARCH movements USING PRIMARY KEY (id=?)", "SEARCH o USING INDEX outbox_ticket (ticket_id=? AND seq<?)"}, []string{"SCAN movements", "SCAN o", "AUTOMATIC"}},
		"DropRefusedConsumeAt": {dropRefusedConsumeAt, []any{1},
			[]string{"SEARCH movements USING PRIMARY KEY (id=?)", "SEARCH outbox USING INTEGER PRIMARY KEY (rowid=?)"}, []string{"SCAN"}},
		"DropRefusedMovements": {dropRefusedLocal("movements"), nil,
			[]string{"SEARCH movements USING INDEX movements_local (outbox_seq<?)"}, []string{"SCAN movements", "AUTOMATIC"}},
		// A serial given in the add-part dialog is looked up once, through
		// the serial indexes of part uses and movements: never a scan of
		// either.
		"UnitFits": {unitFitsQuery, []any{"SN-1", "LCD-1", app.MaxUnitFits},
			[]string{"SEARCH u USING INDEX parts_used_serial (serial=? AND part=?)", "SEARCH t USING", "SEARCH m USING INDEX movements_serial (serial=? AND part=?)"}, []string{"SCAN u", "SCAN m", "AUTOMATIC"}},
		"OpenRequests": {openRequestsQuery, []any{100},
			[]string{"SCAN part_requests USING INDEX part_requests_open"}, nil},
	}
	// Upcoming by priority names every priority (openPriorities) and
	// seeks past today's SLAs in each, in the index's order.
	up := app.TicketFilter{View: app.ViewUpcoming, Sort: app.SortPriority, Technician: storetest.Ana, Now: storetest.Now}
	uwhere, uargs, _, err := db.ticketWhere(up)
	if err != nil {
		t.Fatal(err)
	}
	uorder, err := ticketOrder(up)
	if err != nil {
		t.Fatal(err)
	}
	cases["ListUpcomingPrioByPriority"] = planCase{listPageQuery(uwhere+" AND priority IN (?, ?, ?, ?)", uorder), append(uargs, 1, 2, 3, 4, 50, 0),
		[]string{"SEARCH tickets USING COVERING INDEX tickets_list_priority (technician=? AND list_state=? AND priority=? AND rb_key>?)"}, []string{"TEMP B-TREE"}}
	cases["OpenPriorities"] = planCase{openPrioritiesQuery, []any{string(storetest.Ana), 1},
		[]string{"SEARCH tickets USING COVERING INDEX tickets_list_priority (technician=? AND list_state=? AND priority>?)"}, nil}
	maps.Copy(cases, listCases)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { checkPlan(t, db, tc.query, tc.args, tc.want, tc.none) })
	}
}

// checkPlan fails unless query's plan on db has want in that order and
// none of none.
func checkPlan(tb testing.TB, db *DB, query string, args []any, want, none []string) {
	tb.Helper()
	plan, err := queryplan.Explain(context.Background(), db.read, query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	all := strings.Join(plan, "\n")
	rest := all
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			tb.Fatalf("plan lacks %q:\n%s", w, all)
		}
		rest = rest[i+len(w):]
	}
	for _, w := range none {
		if strings.Contains(all, w) {
			tb.Fatalf("plan has %q:\n%s", w, all)
		}
	}
}
