package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

const (
	xssScript = `<script>alert(1)</script>`
	xssImg    = `"><img src=x onerror=alert(1)>`
)

// stockFixture adds to newTestConsole's world what the stock pages show:
//
//	t1 locations  s1 (owner s1), s2 (owner s2), wh, van-1 (tech-1's),
//	              van-2 (tech-2's), bin-1 (defective, owner s1)
//	t1 parts      P-1 "Battery" (Huawei), P-2 "Screen", P-X (a hostile name)
//	t1 stock      wh: P-1 10, P-X 4; s1: P-1 5; s2: P-2 3;
//	              van-1: P-2 -2 (fitted on tk-1 without stock);
//	              bin-1: P-1 1 (returned defective from tk-1)
//	t1 tickets    tk-4 (FB-4, s1, tech-1), tk-5 (FB-5, s2, tech-2), both
//	              waiting for parts ("Needs P-1 …", "Needs P-2")
//	t2            the location t2-only and part P-9 only there
func stockFixture(t *testing.T, tc *testConsole) {
	t.Helper()
	ctx := context.Background()
	at := testStart.Add(-30 * time.Minute)
	waiting := func(id, number string, store app.StoreID, tech app.TechnicianID, reason, customer string) app.TicketDetail {
		return app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(id), Number: number, Kind: app.KindCarryIn, Country: "CN",
			Product:  app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
			Customer: app.Customer{Name: customer, Phone: "138 0000 0001", Address: "2 Road"},
			Priority: app.PriorityNormal, Technician: tech, Store: store, Epoch: 1, Status: app.StatusWaitingParts, StatusReason: reason,
			CreatedAt: at, UpdatedAt: at}}
	}
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-1", Name: "Tech One", Country: "CN", Store: "s1", Van: "van-1"},
			{ID: "tech-2", Name: "Tech Two", Country: "CN", Store: "s2", Van: "van-2"}},
		Locations: []app.Location{{ID: "s1", Kind: app.LocationStore, Name: "Store One", Owner: "s1"}, {ID: "s2", Kind: app.LocationStore, Name: "Store Two", Owner: "s2"},
			{ID: "wh", Kind: app.LocationWarehouse, Name: "Warehouse"}, {ID: "van-1", Kind: app.LocationVan, Name: "Van One", Owner: "tech-1"},
			{ID: "van-2", Kind: app.LocationVan, Name: "Van Two", Owner: "tech-2"}, {ID: "bin-1", Kind: app.LocationDefective, Name: "Bin One", Owner: "s1"}},
		Parts: []app.Part{{Number: "P-1", NameEN: "Battery", NameZH: "电池", Category: "battery", Class: app.ClassBattery, Brand: "Huawei", ReturnNeeded: true},
			{Number: "P-2", NameEN: "Screen", NameZH: "屏幕", Category: "display", Class: app.ClassMain, Brand: "Huawei"},
			{Number: "P-X", NameEN: xssScript + xssImg, Category: "display", Class: app.ClassMain, Brand: "Huawei"}},
		Movements: []app.StockMovement{
			{ID: "m-1", Kind: app.MoveReceive, Part: "P-1", To: "wh", Qty: 10, At: at, Recorded: "import"},
			{ID: "m-2", Kind: app.MoveReceive, Part: "P-1", To: "s1", Qty: 5, At: at, Recorded: "import"},
			{ID: "m-3", Kind: app.MoveReceive, Part: "P-2", To: "s2", Qty: 3, At: at, Recorded: "import"},
			{ID: "m-4", Kind: app.MoveConsume, Part: "P-2", From: "van-1", Qty: 2, Ticket: "tk-1", At: at.Add(time.Minute), Recorded: "Tech One"},
			{ID: "m-5", Kind: app.MoveReturnDefective, Part: "P-1", To: "bin-1", Qty: 1, Ticket: "tk-1", Serial: "SN-" + xssImg, At: at.Add(2 * time.Minute), Recorded: "Tech One"},
			{ID: "m-6", Kind: app.MoveReceive, Part: "P-X", To: "wh", Qty: 4, At: at, Recorded: "import", Reason: xssScript},
		},
		Tickets: []app.TicketDetail{waiting("tk-4", "FB-4", "s1", "tech-1", "Needs P-1 Battery × 1", xssScript),
			waiting("tk-5", "FB-5", "s2", "tech-2", "Needs P-2 "+xssImg, "Customer FB-5")},
	}
	if err := tc.db.LoadDataset(ctx, "t1", ds); err != nil {
		t.Fatal(err)
	}
	if err := tc.db.LoadDataset(ctx, "t2", app.Dataset{
		Locations: []app.Location{{ID: "t2-only", Kind: app.LocationWarehouse, Name: "Other tenant's warehouse"}},
		Parts:     []app.Part{{Number: "P-9", NameEN: "Other tenant's part", Category: "battery", Class: app.ClassBattery, Brand: "Huawei"}},
		Movements: []app.StockMovement{{ID: "m-9", Kind: app.MoveReceive, Part: "P-9", To: "t2-only", Qty: 7, At: at}},
	}); err != nil {
		t.Fatal(err)
	}
}

// signedIn returns a client per login, signing in once: the console
// throttles sign-ins from one address.
func signedIn(t *testing.T, tc *testConsole) func(login string) *client {
	clients := map[string]*client{}
	return func(login string) *client {
		if clients[login] == nil {
			clients[login] = tc.signIn(t, login)
		}
		return clients[login]
	}
}

// balances is every balance of a tenant, to compare before and after.
func balances(t *testing.T, tc *testConsole, tenant string) []app.Balance {
	t.Helper()
	bs, err := tc.db.Balances(context.Background(), tenant, "")
	if err != nil {
		t.Fatal(err)
	}
	return bs
}

func balanceOf(t *testing.T, tc *testConsole, loc app.LocationID, part app.PartNumber) int {
	t.Helper()
	for _, b := range balances(t, tc, "t1") {
		if b.Location == loc && b.Part == part {
			return b.Qty
		}
	}
	return 0
}

var formID = regexp.MustCompile(`name="id" value="([0-9a-f-]{36})"`)

// freshForm reads the movement ID of the first form of a page.
func freshForm(t *testing.T, cl *client, path string) string {
	t.Helper()
	status, body := cl.get(t, path)
	m := formID.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("GET %s: status %d, no movement form\n%s", path, status, body)
	}
	return m[1]
}

// TestStockPagesShowTheSessionsScope: every role sees the stock pages of
// its tenant, a store manager only the locations and tickets of their
// store; each number links to its ledger, which lists the movements with
// their running balance and ticket.
func TestStockPagesShowTheSessionsScope(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		stockFixture(t, tc)
		as := signedIn(t, tc)
		for _, c := range []struct {
			login, path string
			status      int
			see, not    []string
		}{
			{"clerk@t1", "/stock?location=wh", 200, []string{`href="/stock/wh/P-1">10<`, "Battery", `value="s2"`, "Record receipt"}, []string{"P-9", "t2-only"}},
			{"dispatcher@t1", "/stock?location=van-1", 200, []string{`class="neg">-2<`, "Record transfer"}, nil},
			{"admin@t1", "/stock?location=wh&q=batt", 200, []string{"P-1"}, []string{"P-X"}},
			{"admin@t1", "/stock?location=wh&q=%EF%BC%A2%EF%BD%81%EF%BD%94%EF%BD%94", 200, []string{"P-1"}, []string{"P-X"}}, // full-width "Ｂａｔｔ"
			{"admin@t1", "/stock?location=wh&q=" + strings.Repeat("x", 101), 400, []string{"Search for at most 100 characters"}, []string{"/stock/wh/P-1"}},
			// The bound counts characters, as its message says: 100 Chinese
			// characters (300 bytes) are a search, one more is refused.
			{"admin@t1", "/stock?location=wh&q=" + url.QueryEscape(strings.Repeat("电", 100)), 200, []string{"Record receipt"}, []string{"Search for at most"}},
			{"admin@t1", "/stock?location=wh&q=" + url.QueryEscape(strings.Repeat("电", 101)), 400, []string{"Search for at most 100 characters"}, []string{"/stock/wh/P-1"}},
			{"manager@t1", "/stock", 200, []string{`value="s1"`, `value="van-1"`, `value="bin-1"`}, []string{`value="wh"`, `value="s2"`, "Record receipt"}},
			{"manager@t1", "/stock?location=s2", 404, []string{"There is no stock location s2 here"}, []string{"Store Two"}},
			{"clerk@t1", "/stock?location=t2-only", 404, []string{"There is no stock location t2-only here"}, []string{"Other tenant"}},
			{"clerk@t1", "/stock/wh/P-1", 200, []string{"Received", "+10", ">10<", "import", "Correct the count"}, nil},
			{"clerk@t1", "/stock/van-1/P-2", 200, []string{"Fitted on a ticket", `href="/tickets/tk-1">FB-1<`, "Tech One", "-2"}, nil},
			{"manager@t1", "/stock/van-1/P-2", 200, []string{"FB-1"}, []string{"Correct the count"}},
			{"manager@t1", "/stock/wh/P-1", 404, []string{"There is no stock location wh here"}, []string{"+10"}},
			{"clerk@t1", "/stock/t2-only/P-9", 404, []string{"There is no stock location t2-only here"}, []string{"+7"}},
			{"clerk@t1", "/stock/requests", 200, []string{">FB-4<", ">FB-5<", "Van One", `name="part" value="P-1"`, `name="from"><option value="wh">`, "Ship"}, []string{`<option value="bin-1">`}},
			{"manager@t1", "/stock/requests", 200, []string{">FB-4<"}, []string{">FB-5<", "Ship<"}},
			{"clerk@t1", "/stock/returns", 200, []string{`Huawei · <span title="bin-1">Bin One</span>`, ">FB-1<", "Battery", `name="base_at" value="bin-1"`, `name="to"><option value="wh">`}, nil},
			{"manager@t1", "/stock/returns", 200, []string{`<span title="bin-1">Bin One</span>`}, []string{"Ship to a warehouse"}},
			{"clerk@t1", "/stock/negative", 200, []string{`<th scope="row" title="van-1">Van One</th>`, `class="neg" href="/stock/van-1/P-2">-2<`, `name="base" value="-2"`, `name="from"><option value="wh">`, "Transfer in"}, []string{`<option value="bin-1">`}},
			{"manager@t1", "/stock/negative", 200, []string{"van-1"}, []string{"Correct the count<"}},
			{"admin@t2", "/stock/negative", 200, []string{"No balance is below zero"}, []string{"van-1"}},
			{"admin@t2", "/stock/requests", 200, []string{"No part request is open"}, []string{"FB-4"}},
			{"admin@t2", "/stock/returns", 200, []string{"No defective part is waiting"}, []string{"bin-1"}},
		} {
			cl := as(c.login)
			status, body := cl.get(t, c.path)
			if status != c.status {
				t.Errorf("%s GET %s: status %d, want %d", c.login, c.path, status, c.status)
			}
			for _, s := range c.see {
				if !strings.Contains(body, s) {
					t.Errorf("%s GET %s: lacks %q", c.login, c.path, s)
				}
			}
			for _, s := range c.not {
				if strings.Contains(body, s) {
					t.Errorf("%s GET %s: shows %q", c.login, c.path, s)
				}
			}
		}
	})
}

// TestStockMovementsFromTheConsole: receive, transfer and adjust record
// the named mutation, change the balances, say so once and are audited.
func TestStockMovementsFromTheConsole(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		stockFixture(t, tc)
		as := signedIn(t, tc)
		for _, c := range []struct {
			login, page, action string
			form                url.Values
			to                  string
			want                map[[2]string]int // location, part -> balance after
			flash               string
		}{
			{"clerk@t1", "/stock?location=wh", "/stock/receive", url.Values{"to": {"wh"}, "part": {"P-2"}, "qty": {"6"}, "back": {"/stock?location=wh"}},
				"/stock?location=wh", map[[2]string]int{{"wh", "P-2"}: 6}, "Received 6 × P-2 at wh."},
			{"dispatcher@t1", "/stock?location=wh", "/stock/transfer", url.Values{"from": {"wh"}, "to": {"van-1"}, "part": {"P-1"}, "qty": {"4"}},
				"/stock?location=wh", map[[2]string]int{{"wh", "P-1"}: 6, {"van-1", "P-1"}: 4}, "Moved 4 × P-1 from wh to van-1."},
			{"admin@t1", "/stock/s1/P-1", "/stock/adjust", url.Values{"to": {"s1"}, "part": {"P-1"}, "qty": {"-2"}, "reason": {"counted on the shelf"}, "base": {"5"}, "back": {"/stock/s1/P-1"}},
				"/stock/s1/P-1", map[[2]string]int{{"s1", "P-1"}: 3}, "Corrected the count of P-1 at s1 by -2."},
			{"clerk@t1", "/stock/negative", "/stock/adjust", url.Values{"to": {"van-1"}, "part": {"P-2"}, "qty": {"2"}, "reason": {"found in the van"}, "base": {"-2"}, "back": {"/stock/negative"}},
				"/stock/negative", map[[2]string]int{{"van-1", "P-2"}: 0}, "Corrected the count of P-2 at van-1 by 2."},
		} {
			cl := as(c.login)
			c.form.Set("id", freshForm(t, cl, c.page))
			status, body := cl.post(t, c.action, c.form)
			if status != http.StatusSeeOther || cl.location != c.to {
				t.Fatalf("%s POST %s: status %d to %q, want 303 to %q\n%s", c.login, c.action, status, cl.location, c.to, body)
			}
			for k, want := range c.want {
				if got := balanceOf(t, tc, app.LocationID(k[0]), app.PartNumber(k[1])); got != want {
					t.Errorf("%s POST %s: balance of %s at %s is %d, want %d", c.login, c.action, k[1], k[0], got, want)
				}
			}
			if _, body := cl.get(t, c.to); !strings.Contains(body, c.flash) {
				t.Errorf("%s POST %s: the next page lacks the flash %q", c.login, c.action, c.flash)
			}
			if _, body := cl.get(t, c.to); strings.Contains(body, c.flash) {
				t.Errorf("%s POST %s: the flash shows twice", c.login, c.action)
			}
			audit, err := tc.db.Audit(context.Background(), "t1", 1)
			if err != nil {
				t.Fatal(err)
			}
			name := "stock." + strings.TrimPrefix(c.action, "/stock/") + ".v1"
			if len(audit) != 1 || audit[0].Login != c.login || audit[0].Action != name {
				t.Errorf("%s POST %s: audit %+v, want %s by %s", c.login, c.action, audit, name, c.login)
			}
		}
		// The ledger names who moved the stock: the console user.
		cl := as("clerk@t1")
		if _, body := cl.get(t, "/stock/van-1/P-1"); !strings.Contains(body, "console:dispatcher@t1") {
			t.Errorf("the ledger of van-1 does not name the console user who moved the stock")
		}
	})
}

// TestStockLedgerPages: a ledger longer than a page links to the older
// movements, whose running balances go on where the first page stopped.
func TestStockLedgerPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		stockFixture(t, tc)
		var moves []app.StockMovement
		for i := range ledgerPage + 5 {
			moves = append(moves, app.StockMovement{ID: fmt.Sprintf("r-%03d", i), Kind: app.MoveReceive, Part: "P-2", To: "wh", Qty: 1,
				At: testStart.Add(time.Duration(i) * time.Minute), Recorded: "import"})
		}
		if err := tc.db.LoadDataset(context.Background(), "t1", app.Dataset{Movements: moves}); err != nil {
			t.Fatal(err)
		}
		cl := tc.signIn(t, "clerk@t1")
		_, first := cl.get(t, "/stock/wh/P-2")
		next := regexp.MustCompile(`<a href="(/stock/wh/P-2\?before=[^"]+)">Older movements</a>`).FindStringSubmatch(first)
		if next == nil || strings.Count(first, "<td>Received</td>") != ledgerPage || !strings.Contains(first, `<td class="num">105</td>`) {
			t.Fatalf("the first page: no link to older movements, or not %d lines from 105 down\n%s", ledgerPage, first)
		}
		status, second := cl.get(t, strings.ReplaceAll(next[1], "&amp;", "&"))
		if status != http.StatusOK || strings.Count(second, "<td>Received</td>") != 5 || !strings.Contains(second, `<td class="num">5</td>`) ||
			!strings.Contains(second, `<td class="num">1</td>`) || strings.Contains(second, "Older movements") {
			t.Errorf("the second page: status %d, want the 5 oldest lines, balances 5 down to 1, and no further link\n%s", status, second)
		}
	})
}

// TestStockShipsAPartRequest: approving a request transfers the part from
// the chosen location to the technician's van, naming the ticket.
func TestStockShipsAPartRequest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		stockFixture(t, tc)
		cl := tc.signIn(t, "clerk@t1")
		form := url.Values{"id": {freshForm(t, cl, "/stock/requests")}, "from": {"wh"}, "to": {"van-1"}, "part": {"P-1"}, "qty": {"1"},
			"ticket": {"tk-4"}, "epoch": {"1"}, "back": {"/stock/requests"}}
		if status, body := cl.post(t, "/stock/transfer", form); status != http.StatusSeeOther || cl.location != "/stock/requests" {
			t.Fatalf("ship: status %d to %q\n%s", status, cl.location, body)
		}
		if got := balanceOf(t, tc, "van-1", "P-1"); got != 1 {
			t.Errorf("van-1 holds %d of P-1 after shipping, want 1", got)
		}
		if _, body := cl.get(t, "/stock/van-1/P-1"); !strings.Contains(body, "Parts for ticket FB-4") {
			t.Errorf("the van's ledger does not name the ticket in the movement's reason")
		}
	})
}

// TestStockShipsADefectiveReturn: shipping a return transfers it by its
// serial from the bin to a warehouse, after which it no longer waits.
func TestStockShipsADefectiveReturn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		stockFixture(t, tc)
		cl := tc.signIn(t, "clerk@t1")
		form := url.Values{"id": {freshForm(t, cl, "/stock/returns")}, "from": {"bin-1"}, "to": {"wh"}, "part": {"P-1"}, "qty": {"1"},
			"serial": {"SN-" + xssImg}, "base": {"1"}, "base_at": {"bin-1"}, "back": {"/stock/returns"}}
		if status, body := cl.post(t, "/stock/transfer", form); status != http.StatusSeeOther || cl.location != "/stock/returns" {
			t.Fatalf("ship the return: status %d to %q\n%s", status, cl.location, body)
		}
		if _, body := cl.get(t, "/stock/returns"); !strings.Contains(body, "No defective part is waiting") {
			t.Errorf("the shipped return still waits")
		}
	})
}

// TestStockRefusals: every stock action refused changes nothing: a role
// without stock, another tenant's or store's location or ticket (404, the
// same answer as one that does not exist), no CSRF token, a stale form,
// a form sent twice, bad input; and a large adjustment or a transfer
// below zero asks first.
func TestStockRefusals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		stockFixture(t, tc)
		move := func(action string, kv ...string) url.Values {
			v := url.Values{"id": {app.NewID()}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		sent := move("", "to", "wh", "part", "P-1", "qty", "1")
		as := signedIn(t, tc)
		clerk := as("clerk@t1")
		if status, _ := clerk.post(t, "/stock/receive", sent); status != http.StatusSeeOther {
			t.Fatalf("the first receipt: status %d", status)
		}
		for _, c := range []struct {
			name, login, action string
			form                url.Values
			noCSRF              bool
			status              int
			say                 string
		}{
			{"store manager receives", "manager@t1", "/stock/receive", move("", "to", "s1", "part", "P-1", "qty", "1"), false, 403, "Your role may not do this"},
			{"store manager adjusts", "manager@t1", "/stock/adjust", move("", "to", "s1", "part", "P-1", "qty", "1", "reason", "x"), false, 403, "Your role may not do this"},
			{"no CSRF token", "clerk@t1", "/stock/receive", move("", "to", "wh", "part", "P-1", "qty", "1"), true, 403, ""},
			{"other tenant's location", "clerk@t1", "/stock/receive", move("", "to", "t2-only", "part", "P-1", "qty", "1"), false, 404, "There is no stock location t2-only here"},
			{"no such location", "clerk@t1", "/stock/transfer", move("", "from", "nowhere", "to", "wh", "part", "P-1", "qty", "1"), false, 404, "There is no stock location nowhere here"},
			{"other tenant's part", "clerk@t1", "/stock/receive", move("", "to", "wh", "part", "P-9", "qty", "1"), false, 400, "There is no part P-9 in the catalog"},
			{"other tenant's ticket", "clerk@t1", "/stock/transfer", move("", "from", "wh", "to", "van-1", "part", "P-1", "qty", "1", "ticket", "tk-9", "epoch", "1"), false, 404, "There is no ticket tk-9 here"},
			{"stale ticket", "clerk@t1", "/stock/transfer", move("", "from", "wh", "to", "van-1", "part", "P-1", "qty", "1", "ticket", "tk-1", "epoch", "1"), false, 409, "Ticket FB-1 changed since you opened the page"},
			{"stale balance", "clerk@t1", "/stock/adjust", move("", "to", "s1", "part", "P-1", "qty", "1", "reason", "count", "base", "4"), false, 409, "is now 5, not the 4 you saw"},
			{"sent twice", "clerk@t1", "/stock/receive", sent, false, 409, "recorded already"},
			{"return shipped meanwhile", "clerk@t1", "/stock/transfer", move("", "from", "bin-1", "to", "wh", "part", "P-1", "qty", "1", "base", "2", "base_at", "bin-1"), false, 409, "The balance of P-1 at bin-1 is now 1, not the 2 you saw"},
			{"base at another tenant's", "clerk@t1", "/stock/transfer", move("", "from", "wh", "to", "s1", "part", "P-1", "qty", "1", "base", "7", "base_at", "t2-only"), false, 404, "There is no stock location t2-only here"},
			{"not a form of ours", "clerk@t1", "/stock/receive", url.Values{"id": {"m-1"}, "to": {"wh"}, "part": {"P-1"}, "qty": {"1"}}, false, 400, "This form is out of date"},
			{"no quantity", "clerk@t1", "/stock/receive", move("", "to", "wh", "part", "P-1", "qty", "many"), false, 400, "Enter a whole number of parts"},
			{"zero", "clerk@t1", "/stock/transfer", move("", "from", "wh", "to", "s1", "part", "P-1", "qty", "0"), false, 400, "1 or more"},
			{"too many", "clerk@t1", "/stock/receive", move("", "to", "wh", "part", "P-1", "qty", "1000001"), false, 400, "at most 1,000,000"},
			{"same place", "clerk@t1", "/stock/transfer", move("", "from", "wh", "to", "wh", "part", "P-1", "qty", "1"), false, 400, "other than the source"},
			{"no reason", "clerk@t1", "/stock/adjust", move("", "to", "wh", "part", "P-1", "qty", "-1"), false, 400, "Say why the count is corrected"},
			{"no part", "clerk@t1", "/stock/receive", move("", "to", "wh", "qty", "1"), false, 400, "Enter the part number"},
			{"large adjustment", "clerk@t1", "/stock/adjust", move("", "to", "wh", "part", "P-1", "qty", "-50", "reason", "lost"), false, 200, "a large adjustment"},
			{"below zero", "clerk@t1", "/stock/transfer", move("", "from", "s1", "to", "van-1", "part", "P-1", "qty", "6"), false, 200, "this transfer takes it to -1"},
		} {
			cl := as(c.login)
			before := balances(t, tc, "t1")
			auditBefore, err := tc.db.Audit(context.Background(), "t1", 1000)
			if err != nil {
				t.Fatal(err)
			}
			var status int
			var body string
			if c.noCSRF {
				status, body = cl.postNoCSRF(t, c.action, c.form)
			} else {
				status, body = cl.post(t, c.action, c.form)
			}
			if status != c.status || !strings.Contains(body, c.say) {
				t.Errorf("%s: status %d, want %d saying %q\n%s", c.name, status, c.status, c.say, body)
			}
			if after := balances(t, tc, "t1"); !reflect.DeepEqual(before, after) {
				t.Errorf("%s: the balances changed", c.name)
			}
			if auditAfter, _ := tc.db.Audit(context.Background(), "t1", 1000); len(auditAfter) != len(auditBefore) {
				t.Errorf("%s: the audit grew", c.name)
			}
		}
		// A refusal for another tenant's location reads as one for no location.
		_, other := clerk.post(t, "/stock/receive", move("", "to", "t2-only", "part", "P-1", "qty", "1"))
		_, none := clerk.post(t, "/stock/receive", move("", "to", "nowhere", "part", "P-1", "qty", "1"))
		if a, b := errorText(other, "t2-only"), errorText(none, "nowhere"); a == "" || a != b {
			t.Errorf("another tenant's location is refused unlike a missing one:\n%s\n%s", errorText(other, "t2-only"), errorText(none, "nowhere"))
		}
		// Confirmed, the large adjustment and the transfer below zero are
		// recorded: the API accepts them; the negative balance is listed.
		for _, form := range []url.Values{move("", "to", "wh", "part", "P-1", "qty", "-50", "reason", "lost", "confirm", "1"),
			move("", "from", "s1", "to", "van-1", "part", "P-1", "qty", "6", "confirm", "1")} {
			action := "/stock/adjust"
			if form.Get("from") != "" {
				action = "/stock/transfer"
			}
			if status, body := clerk.post(t, action, form); status != http.StatusSeeOther {
				t.Fatalf("confirmed %s: status %d\n%s", action, status, body)
			}
		}
		if got := balanceOf(t, tc, "s1", "P-1"); got != -1 {
			t.Errorf("s1 holds %d of P-1 after the confirmed transfer, want -1", got)
		}
		if _, body := clerk.get(t, "/stock/negative"); !strings.Contains(body, `title="s1">Store One<`) || !strings.Contains(body, `title="wh">Warehouse<`) {
			t.Errorf("the negative stock page does not list s1 and wh")
		}
	})
}

var alertText = regexp.MustCompile(`(?s)<p class="error" role="alert">(.*?)</p>`)

// errorText is a form page's refusal with name replaced by X.
func errorText(body, name string) string {
	m := alertText.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(m[1], name, "X")
}

// TestStockEscapesDeviceText: what devices and imports write (a part's
// name, a customer's name, a wait reason, a serial, a movement's reason)
// is escaped on every stock page.
func TestStockEscapesDeviceText(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		stockFixture(t, tc)
		cl := tc.signIn(t, "clerk@t1")
		for _, path := range []string{"/stock?location=wh", "/stock/wh/P-X", "/stock/requests", "/stock/returns", "/stock/negative"} {
			status, body := cl.get(t, path)
			if status != http.StatusOK {
				t.Errorf("GET %s: status %d", path, status)
			}
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
				t.Errorf("GET %s: device text is not escaped", path)
			}
		}
		for _, c := range []struct{ path, want string }{
			{"/stock?location=wh", "&lt;script&gt;alert(1)&lt;/script&gt;"},
			{"/stock/wh/P-X", "&lt;script&gt;alert(1)&lt;/script&gt;"},
			{"/stock/requests", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"},
			{"/stock/returns", "SN-&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"},
		} {
			if _, body := cl.get(t, c.path); !strings.Contains(body, c.want) {
				t.Errorf("GET %s: lacks the escaped text %q", c.path, c.want)
			}
		}
		// A hostile part number typed into a form comes back escaped.
		_, body := cl.post(t, "/stock/receive", url.Values{"id": {app.NewID()}, "to": {"wh"}, "part": {xssImg}, "qty": {"1"}})
		if strings.Contains(body, "<img src=x") {
			t.Errorf("a typed part number is not escaped on the form page")
		}
	})
}
