package store

import (
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestQueryPlans pins the indexes the hot queries use, after Optimize has
// gathered statistics: a plan that falls back to a scan is a regression
// the benchmarks would only show on a big store.
func TestQueryPlans(t *testing.T) {
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
	where, args, err := db.ticketWhere(app.TicketFilter{View: app.ViewToday, Technician: storetest.Ana, Now: storetest.Now})
	if err != nil {
		t.Fatal(err)
	}
	order, _ := ticketOrder(app.TicketFilter{})
	swhere, sargs, err := db.ticketWhere(app.TicketFilter{Query: "王伟"})
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		query string
		args  []any
		want  []string // substrings of the plan, in order
	}{
		"PartPrefix": {partsByPrefix + byNumber, []any{"hb-", "hb-\xff", 50},
			[]string{"SEARCH p USING INDEX sqlite_autoindex_parts_1 (number>? AND number<?)"}},
		"PartPrefixModel": {partsByPrefix + ofModel + byNumber, []any{"hb-", "hb-\xff", "p50", 50},
			[]string{"SEARCH p USING INDEX sqlite_autoindex_parts_1 (number>? AND number<?)"}},
		"PartSearch": {partsMatching, []any{`"battery"`},
			[]string{"SCAN f VIRTUAL TABLE", "SEARCH p USING INTEGER PRIMARY KEY"}},
		"PartModel": {partsOfModel, []any{"p50", 50},
			[]string{"SEARCH m USING PRIMARY KEY (model=?)", "SEARCH p USING INTEGER PRIMARY KEY"}},
		"TicketsToday": {ticketPageQuery(where, order), append(args, 50, 0),
			[]string{"SEARCH tickets USING INDEX tickets_technician (technician=? AND is_open=?)"}},
		"TicketSearch": {ticketPageQuery(swhere, order), append(sargs, 50, 0),
			[]string{"SEARCH tickets USING INTEGER PRIMARY KEY (rowid=?)", "SCAN tickets_fts VIRTUAL TABLE"}},
		"Balances": {balancesQuery, []any{"van-ana"},
			[]string{"SEARCH movements USING COVERING INDEX movements_to (to_loc=?)", "SEARCH movements USING COVERING INDEX movements_from (from_loc=?)"}},
		"Pending": {pendingQuery, []any{100},
			[]string{"SEARCH outbox USING INTEGER PRIMARY KEY (rowid>?)"}},
		"PhotosToUpload": {photosToUploadQuery, nil,
			[]string{"SCAN photos USING INDEX photos_unsent"}},
		"OpenConflicts": {openConflictsQuery, nil,
			[]string{"SCAN conflicts USING INDEX conflicts_open"}},
		"LoadList": {loadListQuery, []any{string(storetest.Ana), storetest.Now.UnixNano(), storetest.Now.Add(48 * time.Hour).UnixNano()},
			[]string{"SEARCH t USING INDEX tickets_technician (technician=? AND is_open=? AND window_start>? AND window_start<?)",
				"SEARCH lp USING INDEX sqlite_autoindex_likely_parts_1 (ticket_id=?)"}},
		"TicketRequests": {ticketRequestsQuery, []any{"t-0001"},
			[]string{"SEARCH part_requests USING INDEX part_requests_ticket (ticket_id=?)"}},
		"FindShipment": {findShipmentQuery, []any{"SF-1", "sf-1"},
			[]string{"MULTI-INDEX OR", "sqlite_autoindex_shipments_1 (id=?)", "sqlite_autoindex_shipments_1 (id=?)", "shipments_tracking (tracking_key=?)"}},
		"OpenRequests": {openRequestsQuery, []any{100},
			[]string{"SCAN part_requests USING INDEX part_requests_open"}},
	} {
		t.Run(name, func(t *testing.T) {
			rows, err := db.read.Query(`EXPLAIN QUERY PLAN `+tc.query, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			all := strings.Join(plan, "\n")
			rest := all
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("plan lacks %q:\n%s", w, all)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}
