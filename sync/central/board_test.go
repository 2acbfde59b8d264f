package central

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// boardTicket is a ticket of the board's fixture.
func boardTicket(number string, status app.Status, tech app.TechnicianID, store app.StoreID, resolve, window time.Duration, name, phone, serial string) app.Ticket {
	t := app.Ticket{ID: app.TicketID("tk-" + strings.ToLower(number)), Number: number, Kind: app.KindOnSite, Country: "CN",
		Product:  app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60", Serial: serial},
		Customer: app.Customer{Name: name, Phone: phone, Address: "1 Test Road"}, Priority: app.PriorityNormal, Technician: tech, Store: store,
		Epoch: 1, Status: status, CreatedAt: testNow.Add(-time.Hour), UpdatedAt: testNow.Add(-time.Hour)}
	if store != "" {
		t.Kind = app.KindCarryIn
	}
	if resolve != 0 {
		t.ResolveBy = testNow.Add(resolve)
	}
	if window != 0 {
		t.WindowStart, t.WindowEnd = testNow.Add(window), testNow.Add(window+2*time.Hour)
	}
	return t
}

// loadBoardWorld loads the board's fixture: seven tickets in tenant t1
// and one in t2 that matches the same searches. In the board's order
// (resolve-by, then window start, then number) they are FB-102, FB-101,
// FB-104, FB-100, FB-1000, FB-105, FB-103.
func loadBoardWorld(t *testing.T, db *DB) {
	t.Helper()
	h := time.Hour
	t1 := []app.Ticket{
		boardTicket("FB-100", app.StatusAssigned, "tech-a", "", 2*h, 1*h, "Li Na", "138 0000 1234", "SN100A"),
		boardTicket("FB-101", app.StatusInProgress, "tech-a", "", -1*h, 0, "Zoë Müller", "+49 30 5555 6789", "SN101"),
		boardTicket("FB-102", app.StatusClosed, "tech-b", "", -48*h, 0, "Ann 100% Sure", "555-0100", "XY_1"),
		boardTicket("FB-103", app.StatusAssigned, "", "s1", 0, 24*h, "Bob Lœuvre-Łódź", "0123 4567", "XY1"),
		boardTicket("FB-104", app.StatusCompleted, "tech-b", "s1", 1*h, 0, "li wei", "13800001234", ""),
		// A serial with a letter inside its digits, which hold the start
		// of FB-100's and FB-104's phone: it is no phone's extension.
		boardTicket("FB-105", app.StatusCancelled, "tech-a", "", 5*h, 0, "Carl Søren Straße", "777 8888", "800001X34"),
		// Typed in a Chinese input method's full-width digits.
		boardTicket("FB-1000", app.StatusAssigned, "tech-b", "", 2*h, 0, "Dana", "９９９ ００００", "ZZ9"),
	}
	// The others are a Huawei P60 (boardTicket).
	t1[0].Product.Brand, t1[0].Product.Model = "Bosch", "WAT28400"
	t1[1].Product.Brand, t1[1].Product.Model = "Électrolux", "EW6F348W"
	t1[3].Product.Brand, t1[3].Product.Model = "LG", "F4WV309S0"
	t1[5].Product.Brand, t1[5].Product.Model = "", ""
	ds := app.Dataset{Technicians: []app.Technician{{ID: "tech-a", Name: "Alice", Country: "CN"}, {ID: "tech-b", Name: "Bruno", Country: "CN"}}}
	for _, tk := range t1 {
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
	}
	if err := db.LoadDataset(t.Context(), tenant, ds); err != nil {
		t.Fatal(err)
	}
	other := boardTicket("FB-100", app.StatusAssigned, "tech-a", "", 2*h, 1*h, "Li Na", "138 0000 1234", "SN100A")
	other.ID = "tk-other"
	if err := db.LoadDataset(t.Context(), "t2", app.Dataset{
		Technicians: []app.Technician{{ID: "tech-a", Name: "Other Alice", Country: "CN"}},
		Tickets:     []app.TicketDetail{{Ticket: other}},
	}); err != nil {
		t.Fatal(err)
	}
}

func numbers(b Board) []string {
	out := []string{}
	for _, t := range b.Tickets {
		out = append(out, t.Number)
	}
	return out
}

func TestBoardQueries(t *testing.T) {
	all := []string{"FB-102", "FB-101", "FB-104", "FB-100", "FB-1000", "FB-105", "FB-103"}
	forEachBackend(t, func(t *testing.T, db *DB) {
		loadBoardWorld(t, db)
		for _, tc := range []struct {
			name string
			q    BoardQuery
			want []string
		}{
			{"All", BoardQuery{}, all},
			{"Open", BoardQuery{Open: true}, []string{"FB-101", "FB-104", "FB-100", "FB-1000", "FB-103"}},
			{"Technician", BoardQuery{Technician: "tech-a"}, []string{"FB-101", "FB-100", "FB-105"}},
			{"Unassigned", BoardQuery{Unassigned: true}, []string{"FB-103"}},
			{"Store", BoardQuery{Store: "s1"}, []string{"FB-104", "FB-103"}},
			{"StoreOfAnotherTenantIsEmpty", BoardQuery{Store: "s9"}, []string{}},
			{"Statuses", BoardQuery{Statuses: []app.Status{app.StatusAssigned, app.StatusCompleted}}, []string{"FB-104", "FB-100", "FB-1000", "FB-103"}},
			{"Period", BoardQuery{From: testNow, To: testNow.Add(4 * time.Hour)}, []string{"FB-104", "FB-100", "FB-1000"}},
			{"PeriodWindowOnly", BoardQuery{From: testNow.Add(25 * time.Hour), To: testNow.Add(25*time.Hour + time.Minute)}, []string{"FB-103"}},
			{"FromOnly", BoardQuery{From: testNow.Add(3 * time.Hour)}, []string{"FB-105", "FB-103"}},
			{"NumberPrefix", BoardQuery{Search: "fb-100"}, []string{"FB-100", "FB-1000"}},
			{"NumberExact", BoardQuery{Search: "FB-1000"}, []string{"FB-1000"}},
			{"NameAnyCase", BoardQuery{Search: "LI"}, []string{"FB-104", "FB-100"}},
			{"NameNotASCII", BoardQuery{Search: "MÜLLER"}, []string{"FB-101"}},
			{"PhoneDigits", BoardQuery{Search: "1234"}, []string{"FB-104", "FB-100", "FB-103"}},
			{"PhoneAsTyped", BoardQuery{Search: "0000-1234"}, []string{"FB-104", "FB-100"}},
			{"ThreeDigitsAreNoPhone", BoardQuery{Search: "123"}, []string{}},
			{"PhoneLink", BoardQuery{Search: "tel:0000-1234"}, []string{"FB-104", "FB-100"}},
			{"PhoneWithCountryCode", BoardQuery{Search: "+86 138 0000 1234"}, []string{"FB-104", "FB-100"}},
			// As people write it: an area code after a slash, a
			// contact's no-break spaces, a word processor's dash.
			{"PhoneWithSlash", BoardQuery{Search: "0000/1234"}, []string{"FB-104", "FB-100"}},
			{"PhonePasted", BoardQuery{Search: "138\u00a00000\u00a01234"}, []string{"FB-104", "FB-100"}},
			{"PhoneWithDash", BoardQuery{Search: "0000\u20131234"}, []string{"FB-104", "FB-100"}},
			{"PhoneWithExtension", BoardQuery{Search: "138 0000 1234 ext. 56"}, []string{"FB-104", "FB-100"}},
			// A serial's scattered digits (1, 2, 3, 4) are no phone.
			{"SerialDigitsAreNoPhone", BoardQuery{Search: "Q1W2E3R4"}, []string{}},
			{"SerialLetterIsNoExtension", BoardQuery{Search: "800001X34"}, []string{"FB-105"}},
			{"SerialLetterFullWidth", BoardQuery{Search: "８００００１ｘ３４"}, []string{"FB-105"}},
			{"PercentMatchesItself", BoardQuery{Search: "%"}, []string{"FB-102"}},
			{"UnderscoreMatchesItself", BoardQuery{Search: "xy_"}, []string{"FB-102"}},
			{"SerialPrefix", BoardQuery{Search: "sn10"}, []string{"FB-101", "FB-100"}},
			{"SerialPart", BoardQuery{Search: "100A"}, []string{"FB-100"}},
			{"NumberDigits", BoardQuery{Search: "1000"}, []string{"FB-1000"}},
			{"NumberAndSerialPart", BoardQuery{Search: "101"}, []string{"FB-101"}},
			{"SearchAndFilter", BoardQuery{Search: "li", Store: "s1"}, []string{"FB-104"}},
			{"Brand", BoardQuery{Search: "Bosch"}, []string{"FB-100"}},
			{"BrandAnyCase", BoardQuery{Search: "bosch"}, []string{"FB-100"}},
			{"BrandShort", BoardQuery{Search: "lg"}, []string{"FB-103"}},
			{"BrandNotASCII", BoardQuery{Search: "ÉLECTROLUX"}, []string{"FB-101"}},
			{"NameWithoutAccents", BoardQuery{Search: "zoe muller"}, []string{"FB-101"}},
			{"BrandWithoutAccent", BoardQuery{Search: "electrolux"}, []string{"FB-101"}},
			{"AccentTypedOnPlainName", BoardQuery{Search: "LÍ"}, []string{"FB-104", "FB-100"}},
			{"Model", BoardQuery{Search: "WAT28400"}, []string{"FB-100"}},
			{"ModelPart", BoardQuery{Search: "wat2"}, []string{"FB-100"}},
			{"BrandAndModel", BoardQuery{Search: "bosch wat28"}, []string{"FB-100"}},
			{"BrandOfMany", BoardQuery{Search: "huawei"}, []string{"FB-102", "FB-104", "FB-1000"}},
			{"ModelAndFilter", BoardQuery{Search: "p60", Technician: "tech-b"}, []string{"FB-102", "FB-104", "FB-1000"}},
			// Ligatures, a sharp s and stroked letters fold (app.Fold).
			{"Ligature", BoardQuery{Search: "loeuvre"}, []string{"FB-103"}},
			{"StrokedLetters", BoardQuery{Search: "LODZ"}, []string{"FB-103"}},
			{"SharpS", BoardQuery{Search: "strasse"}, []string{"FB-105"}},
			{"SlashedO", BoardQuery{Search: "soren"}, []string{"FB-105"}},
			// Full-width digits and letters, typed or stored, are their
			// ASCII.
			{"PhoneStoredFullWidth", BoardQuery{Search: "999 0000"}, []string{"FB-1000"}},
			{"PhoneTypedFullWidth", BoardQuery{Search: "１３８ ００００ １２３４"}, []string{"FB-104", "FB-100"}},
			{"PhoneLinkFullWidth", BoardQuery{Search: "ｔｅｌ：＋８６１３８００００１２３４"}, []string{"FB-104", "FB-100"}},
			{"NumberFullWidth", BoardQuery{Search: "ＦＢ－１０５"}, []string{"FB-105"}},
			// A phone link's three digits are a phone's; its two are not.
			{"PhoneLinkThreeDigits", BoardQuery{Search: "tel:555"}, []string{"FB-102", "FB-101"}},
			{"PhoneLinkTwoDigits", BoardQuery{Search: "tel:55"}, []string{}},
		} {
			tc.q.Tenant = tenant
			b, err := db.Board(t.Context(), tc.q)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := numbers(b); !slices.Equal(got, tc.want) {
				t.Errorf("%s: tickets %v, want %v", tc.name, got, tc.want)
			}
			if b.Total != len(tc.want) || b.Next != "" {
				t.Errorf("%s: total %d next %q, want %d and none", tc.name, b.Total, b.Next, len(tc.want))
			}
		}
		b, err := db.Board(t.Context(), BoardQuery{Tenant: tenant, Statuses: []app.Status{app.StatusAssigned}})
		if err != nil {
			t.Fatal(err)
		}
		wantStatus := map[app.Status]int{app.StatusAssigned: 3, app.StatusInProgress: 1, app.StatusClosed: 1, app.StatusCompleted: 1, app.StatusCancelled: 1}
		if !maps.Equal(b.ByStatus, wantStatus) {
			t.Errorf("by status %v, want %v (the status filter does not narrow its own counts)", b.ByStatus, wantStatus)
		}
		// tech-a: FB-100 and FB-101 (past its resolve-by) open; FB-105 is
		// cancelled. tech-b: FB-104 (completed, still on the board) and
		// FB-1000; FB-102 is closed.
		wantTech := []TechnicianCount{{ID: "tech-a", Name: "Alice", Open: 2, Overdue: 1}, {ID: "tech-b", Name: "Bruno", Open: 2, Overdue: 0}}
		if !slices.Equal(b.ByTechnician, wantTech) {
			t.Errorf("by technician %+v, want %+v", b.ByTechnician, wantTech)
		}
		b, err = db.Board(t.Context(), BoardQuery{Tenant: tenant, Store: "s1"})
		if err != nil {
			t.Fatal(err)
		}
		if want := []TechnicianCount{{ID: "tech-b", Name: "Bruno", Open: 1}}; !slices.Equal(b.ByTechnician, want) {
			t.Errorf("store s1 by technician %+v, want %+v", b.ByTechnician, want)
		}
		b, err = db.Board(t.Context(), BoardQuery{Tenant: "t2", Search: "li"})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Tickets) != 1 || b.Tickets[0].ID != "tk-other" || b.Total != 1 {
			t.Errorf("t2's board = %+v, want its one ticket only", b)
		}
		// The row holds what the board shows.
		b, err = db.Board(t.Context(), BoardQuery{Tenant: tenant, Search: "FB-100", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		want := BoardTicket{ID: "tk-fb-100", Number: "FB-100", Status: app.StatusAssigned, Open: true, Kind: app.KindOnSite, Priority: app.PriorityNormal,
			Technician: "tech-a", WindowStart: testNow.Add(time.Hour), WindowEnd: testNow.Add(3 * time.Hour), ResolveBy: testNow.Add(2 * time.Hour),
			CustomerName: "Li Na", CustomerPhone: "13800001234", Serial: "SN100A", Brand: "Bosch", Model: "WAT28400",
			StepAt: testNow.Add(-time.Hour)} // its one step, its creation an hour ago
		if len(b.Tickets) != 1 || b.Tickets[0] != want || b.Total != 2 || b.Next == "" {
			t.Errorf("FB-100 = %+v (total %d, next %q), want %+v, total 2 and a next page", b.Tickets, b.Total, b.Next, want)
		}
	})
}

func TestBoardPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		loadBoardWorld(t, db)
		for _, limit := range []int{1, 2, 3, 7} {
			var got []string
			q := BoardQuery{Tenant: tenant, Limit: limit}
			for pages := 0; ; pages++ {
				if pages > 10 {
					t.Fatalf("limit %d: paging does not end", limit)
				}
				b, err := db.Board(t.Context(), q)
				if err != nil {
					t.Fatal(err)
				}
				if len(b.Tickets) > limit || b.Total != 7 {
					t.Fatalf("limit %d: page of %d, total %d", limit, len(b.Tickets), b.Total)
				}
				got = append(got, numbers(b)...)
				if b.Next == "" {
					break
				}
				q.After = b.Next
			}
			if want := []string{"FB-102", "FB-101", "FB-104", "FB-100", "FB-1000", "FB-105", "FB-103"}; !slices.Equal(got, want) {
				t.Errorf("limit %d: pages gave %v, want %v", limit, got, want)
			}
		}
	})
}

func TestBoardRefusesBadQueries(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		loadBoardWorld(t, db)
		for _, tc := range []struct {
			name string
			q    BoardQuery
			key  string
		}{
			{"NoTenant", BoardQuery{Tenant: ""}, "board.no_tenant"},
			{"LimitTooBig", BoardQuery{Tenant: tenant, Limit: BoardMaxLimit + 1}, "board.bad_limit"},
			{"LimitNegative", BoardQuery{Tenant: tenant, Limit: -1}, "board.bad_limit"},
			{"CursorNotBase64", BoardQuery{Tenant: tenant, After: "%%%"}, "board.bad_cursor"},
			{"CursorNotJSON", BoardQuery{Tenant: tenant, After: "bm90IGpzb24"}, "board.bad_cursor"},
			{"CursorTooLong", BoardQuery{Tenant: tenant, After: strings.Repeat("A", boardMaxCursor+1)}, "board.bad_cursor"},
			{"TechnicianNotAnID", BoardQuery{Tenant: tenant, Technician: app.TechnicianID(strings.Repeat("t", app.MaxIDLen+1))}, "board.bad_filter"},
			{"StoreNotAnID", BoardQuery{Tenant: tenant, Store: "s\x00"}, "board.bad_filter"},
			{"TechnicianAndUnassigned", BoardQuery{Tenant: tenant, Technician: "tech-a", Unassigned: true}, "board.tech_and_unassigned"},
			{"PeriodBackwards", BoardQuery{Tenant: tenant, From: testNow, To: testNow.Add(-time.Hour)}, "board.bad_period"},
			{"PeriodEmpty", BoardQuery{Tenant: tenant, From: testNow, To: testNow}, "board.bad_period"},
			{"UnknownStatus", BoardQuery{Tenant: tenant, Statuses: []app.Status{"lost"}}, "board.bad_status"},
			{"SearchTooLong", BoardQuery{Tenant: tenant, Search: strings.Repeat("é", boardMaxSearch+1)}, "board.search_too_long"},
		} {
			_, err := db.Board(t.Context(), tc.q)
			var ae *app.Error
			if app.ErrorCode(err) != app.EINVALID || !errors.As(err, &ae) || ae.Key != tc.key {
				t.Errorf("%s: %v, want invalid %s", tc.name, err, tc.key)
			}
		}
		// A search of exactly the bound is served.
		if _, err := db.Board(t.Context(), BoardQuery{Tenant: tenant, Search: strings.Repeat("é", boardMaxSearch), Limit: BoardMaxLimit}); err != nil {
			t.Errorf("search of %d characters, limit %d: %v", boardMaxSearch, BoardMaxLimit, err)
		}
	})
}

// TestBoardFollowsWrites: the index changes with the ticket in the
// transaction of every write path (a device's push, dispatch's mutations,
// a conflict's decision), and a refused write leaves it as it was.
func TestBoardFollowsWrites(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		row := func(id app.TicketID) BoardTicket {
			t.Helper()
			b, err := db.Board(ctx, BoardQuery{Tenant: tenant})
			if err != nil {
				t.Fatal(err)
			}
			for _, bt := range b.Tickets {
				if bt.ID == id {
					return bt
				}
			}
			t.Fatalf("%s is not on the board", id)
			return BoardTicket{}
		}
		push(t, db, w.a, mut(t, 1, start(w.ticketA.ID, 1)))
		if got := row(w.ticketA.ID); got.Status != app.StatusInProgress || !got.Open {
			t.Errorf("after a push: %+v, want in progress", got)
		}
		phone := "+86 139-1111-2222"
		seen := w.ticketB.Customer.Phone
		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.UpdateTicket{Ticket: w.ticketB.ID, Set: app.TicketFields{CustomerPhone: &phone}, Base: app.TicketFields{CustomerPhone: &seen}})); err != nil {
			t.Fatal(err)
		}
		if got := row(w.ticketB.ID); got.CustomerPhone != "8613911112222" {
			t.Errorf("after dispatch's update: phone %q", got.CustomerPhone)
		}
		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.AssignTicket{Ticket: w.ticketB.ID, Technician: "tech-a"})); err != nil {
			t.Fatal(err)
		}
		if got := row(w.ticketB.ID); got.Technician != "tech-a" {
			t.Errorf("after assign: %+v", got)
		}
		// Refused: closing a ticket whose work is not done changes nothing.
		before := row(w.ticketB.ID)
		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.TransitionTicket{Action: app.ActionClose, Ticket: w.ticketB.ID, Epoch: 2})); err == nil {
			t.Fatal("closing an assigned ticket was applied")
		}
		if got := row(w.ticketB.ID); got != before {
			t.Errorf("a refused close changed the row: %+v, was %+v", got, before)
		}
		cancel := mut(t, 0, &app.TransitionTicket{Action: app.ActionCancel, Ticket: w.ticketA.ID, Epoch: 1, Reason: "customer called off"})
		if err := db.ApplyAdmin(ctx, w.dispatch, cancel); err != nil {
			t.Fatal(err)
		}
		if got := row(w.ticketA.ID); got.Status != app.StatusCancelled || got.Open {
			t.Errorf("after cancel: %+v, want cancelled and not open", got)
		}
		b, err := db.Board(ctx, BoardQuery{Tenant: tenant, Open: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := numbers(b); !slices.Equal(got, []string{"FB-2"}) {
			t.Errorf("open board after cancel: %v", got)
		}
	})
}

// TestBoardProductMigration: a database made before ticket_index had
// product_fold gets the column when opened, filled from every row's brand
// and model (more rows than a statement of the fill takes), on SQLite and
// PostgreSQL; a search finds a ticket by its brand and model.
func TestBoardProductMigration(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := Config{DataDir: t.TempDir()}
			if backend == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			db := openTestDB(t, cfg)
			ds := app.Dataset{Technicians: []app.Technician{{ID: "tech-a", Name: "Alice", Country: "CN"}}}
			var bosch, huawei int
			for i := range bulkRows + 3 {
				tk := boardTicket(fmt.Sprintf("OLD-%04d", i), app.StatusAssigned, "tech-a", "", time.Duration(i+1)*time.Minute, 0, "Old Customer", "1234 5678", "")
				switch i % 3 {
				case 0:
					tk.Product.Brand, tk.Product.Model = "Bosch", fmt.Sprintf("WAT%05d", i)
					bosch++
				case 1:
					tk.Product.Brand, tk.Product.Model = "", ""
				default:
					huawei++ // boardTicket's Huawei P60
				}
				ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
			}
			if err := db.LoadDataset(t.Context(), tenant, ds); err != nil {
				t.Fatal(err)
			}
			if _, err := db.write.ExecContext(t.Context(), `ALTER TABLE ticket_index DROP COLUMN product_fold`); err != nil {
				t.Fatal(err)
			}
			db.Close()
			db = openTestDB(t, cfg)
			rows, err := db.write.QueryContext(t.Context(), `SELECT brand, model, product_fold FROM ticket_index`)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var brand, model, fold string
				if err := rows.Scan(&brand, &model, &fold); err != nil {
					t.Fatal(err)
				}
				if want := productFold(brand, model); fold != want {
					t.Errorf("product_fold %q for %q %q, want %q", fold, brand, model, want)
				}
				n++
			}
			if err := rows.Close(); err != nil || n != len(ds.Tickets) {
				t.Fatalf("%d rows, %v; want %d", n, err, len(ds.Tickets))
			}
			for q, want := range map[string]int{"bosch": bosch, "WAT00513": 1, "bosch wat00000": 1, "huawei p60": huawei} {
				b, err := db.Board(t.Context(), BoardQuery{Tenant: tenant, Search: q})
				if err != nil {
					t.Fatal(err)
				}
				if b.Total != want {
					t.Errorf("%q: %d tickets, want %d", q, b.Total, want)
				}
			}
		})
	}
}

// TestBoardRefoldsAnOldDatabase: a database whose ticket_index folds were
// made by another fold than app.Fold's (before the board folded accents,
// they were lower-cased only) has them made again when opened, every row
// (more rows than a statement of the refold takes), on SQLite and
// PostgreSQL; "jose" then finds "José".
func TestBoardRefoldsAnOldDatabase(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := Config{DataDir: t.TempDir()}
			if backend == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			db := openTestDB(t, cfg)
			ds := app.Dataset{Technicians: []app.Technician{{ID: "tech-a", Name: "Alice", Country: "CN"}}}
			jose := 0
			for i := range bulkRows + 3 {
				name := "Ana Nguyễn Conceição"
				if i%2 == 0 {
					name = "José Señor"
					jose++
				}
				phone := "1234 5678"
				if i%3 == 0 {
					phone = "１３８ ０００２ ５６７８" // an older service stored it without digits
				}
				tk := boardTicket(fmt.Sprintf("ÖLD-%04d", i), app.StatusAssigned, "tech-a", "", time.Duration(i+1)*time.Minute, 0, name, phone, fmt.Sprintf("SÑ%d", i))
				tk.Product.Brand = "Électrolux"
				ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
			}
			if err := db.LoadDataset(t.Context(), tenant, ds); err != nil {
				t.Fatal(err)
			}
			// What an older service left: other folds, and no mark of
			// this one.
			if _, err := db.write.ExecContext(t.Context(), `UPDATE ticket_index SET number_fold = 'x', name_fold = 'x', serial_fold = 'x', product_fold = 'x'`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.write.ExecContext(t.Context(), `UPDATE ticket_index SET customer_phone = '' WHERE customer_phone = '13800025678'`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.write.ExecContext(t.Context(), db.q(`DELETE FROM meta WHERE k = ?`), ticketIndexFoldMark); err != nil {
				t.Fatal(err)
			}
			db.Close()
			db = openTestDB(t, cfg)
			rows, err := db.write.QueryContext(t.Context(), `SELECT number, customer_name, serial, brand, model, number_fold, name_fold, serial_fold, product_fold FROM ticket_index`)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var text, folds [4]string
				var model string
				if err := rows.Scan(&text[0], &text[1], &text[2], &text[3], &model, &folds[0], &folds[1], &folds[2], &folds[3]); err != nil {
					t.Fatal(err)
				}
				if want := [4]string{app.Fold(text[0]), app.Fold(text[1]), app.Fold(text[2]), productFold(text[3], model)}; folds != want {
					t.Errorf("folds %q of %q %q, want %q", folds, text, model, want)
				}
				n++
			}
			if err := rows.Close(); err != nil || n != len(ds.Tickets) {
				t.Fatalf("%d rows, %v; want %d", n, err, len(ds.Tickets))
			}
			wide := (len(ds.Tickets) + 2) / 3
			for q, want := range map[string]int{"jose": jose, "SENOR": jose, "conceicao": len(ds.Tickets) - jose, "nguyen": len(ds.Tickets) - jose, "old-0513": 1, "sn51": 6, "electrolux p60": len(ds.Tickets),
				"138 0002 5678": wide, "１３８０００２５６７８": wide, "1234 5678": len(ds.Tickets) - wide} {
				b, err := db.Board(t.Context(), BoardQuery{Tenant: tenant, Search: q})
				if err != nil {
					t.Fatal(err)
				}
				if b.Total != want {
					t.Errorf("%q: %d tickets, want %d", q, b.Total, want)
				}
			}
		})
	}
}

// TestBoardFillsAnOldDatabase: a database made before ticket_index shows
// its tickets once the service opens it.
func TestBoardFillsAnOldDatabase(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := Config{DataDir: t.TempDir()}
			if backend == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			db := openTestDB(t, cfg)
			ds := app.Dataset{Technicians: []app.Technician{{ID: "tech-a", Name: "Alice", Country: "CN"}}}
			var want []string
			// More than one fill's chunk (bulkRows), with history for some.
			for i := range bulkRows + 3 {
				tk := boardTicket(fmt.Sprintf("OLD-%04d", i), app.StatusAssigned, "tech-a", "", time.Duration(i+1)*time.Minute, 0, "Old Customer", "1234 5678", "")
				ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
				want = append(want, tk.Number)
			}
			if err := db.LoadDataset(t.Context(), tenant, ds); err != nil {
				t.Fatal(err)
			}
			if _, err := db.write.ExecContext(t.Context(), `DROP TABLE ticket_index`); err != nil {
				t.Fatal(err)
			}
			db.Close()
			db = openTestDB(t, cfg)
			b, err := db.Board(t.Context(), BoardQuery{Tenant: tenant, Limit: BoardMaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			if b.Total != len(want) || !slices.Equal(numbers(b), want[:BoardMaxLimit]) {
				t.Fatalf("reopened board: total %d, first %v, want %d tickets in order", b.Total, numbers(b)[:3], len(want))
			}
			if got := b.Tickets[0]; got.CustomerPhone != "12345678" || !got.StepAt.Equal(testNow.Add(-time.Hour)) {
				t.Errorf("filled row %+v, want the phone's digits and the field time of its latest step, its creation", got)
			}
		})
	}
}

// TestBoardCursorOfLongestIDs: the board's next page is reachable after a
// ticket whose number and ID are at their bound, app.MaxIDLen characters,
// in the characters that take the most room once in the cursor.
func TestBoardCursorOfLongestIDs(t *testing.T) {
	for _, r := range []string{"x", "<", "界", "\u2028", "🔧"} {
		id := strings.Repeat(r, app.MaxIDLen)
		c := boardCursor{ResolveBy: math.MaxInt64, WindowStart: math.MinInt64, Number: id, ID: id}
		got, err := parseBoardCursor(c.String())
		if err != nil || got != c {
			t.Errorf("cursor after a ticket numbered %d × %q: %+v, %v", app.MaxIDLen, r, got, err)
		}
	}
}
