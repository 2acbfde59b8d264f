package console

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// supplyFixture adds to stockFixture's world the part requests the supply
// pages show, sent as the named mutations a device's push applies:
//
//	t1 part       P-3 "Battery plus", listed for model P60 (a substitute)
//	t1 requests   rq-1: tk-4 (FB-4, s1) 1 × P-1 to van-1, urgent, a
//	              hostile note; rq-2: tk-5 (FB-5, s2) 2 × P-2 to van-2,
//	              normal, requested before rq-1; rq-3: tk-4, 1 × P-X
//	              to van-1, normal, the latest
func supplyFixture(t *testing.T, tc *testConsole) {
	t.Helper()
	stockFixture(t, tc)
	ctx := context.Background()
	if err := tc.db.LoadDataset(ctx, "t1", app.Dataset{Parts: []app.Part{{Number: "P-3", NameEN: "Battery plus", NameZH: "加强电池",
		Category: "battery", Class: app.ClassBattery, Brand: "Huawei", Models: []string{"P60"}}}}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []app.PartRequest{
		{ID: "rq-2", Ticket: "tk-5", Part: "P-2", Qty: 2, Urgency: app.UrgencyNormal, To: "van-2", At: testStart.Add(-20 * time.Minute)},
		{ID: "rq-1", Ticket: "tk-4", Part: "P-1", Qty: 1, Urgency: app.UrgencyUrgent, To: "van-1", Note: xssScript, At: testStart.Add(-10 * time.Minute)},
		{ID: "rq-3", Ticket: "tk-4", Part: "P-X", Qty: 1, Urgency: app.UrgencyNormal, To: "van-1", Note: xssImg, At: testStart.Add(-5 * time.Minute)},
	} {
		mutate(t, tc, "t1", &app.RequestPart{Request: r})
	}
}

// mutate applies a command as the tenant's dispatch through the admin
// API's path.
func mutate(t *testing.T, tc *testConsole, tenant string, cmd app.Command) {
	t.Helper()
	m, err := app.NewMutation(cmd, tc.clock())
	if err != nil {
		t.Fatal(err)
	}
	if err := tc.db.ApplyAdmin(context.Background(), central.Principal{Tenant: tenant, Role: app.RoleDispatcher, Name: "Tech One"}, m); err != nil {
		t.Fatalf("%s: %v", m.Name, err)
	}
}

// requestState reads a part request as the central service holds it.
func requestState(t *testing.T, tc *testConsole, id string) app.PartRequest {
	t.Helper()
	page, err := tc.db.PartRequestsList(context.Background(), "t1", central.PartRequestFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Requests {
		if r.ID == id {
			return r.PartRequest
		}
	}
	t.Fatalf("no part request %s", id)
	return app.PartRequest{}
}

var shipmentID = regexp.MustCompile(`name="id" value="([0-9a-f-]{36})"><input type="hidden" name="to" value="([^"]+)"`)

// TestPartRequestsPage: each role sees the requests of the tickets it
// sees, urgent first, with the parts that fit the ticket's model to
// substitute; a store manager only their store's; another tenant none.
func TestPartRequestsPage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		supplyFixture(t, tc)
		as := signedIn(t, tc)
		for _, c := range []struct {
			login    string
			see, not []string
			firstOf  [2]string // the first must come before the second
		}{
			// The substitute's reason and the rejection's are told apart:
			// both were labelled "Why", one above the other.
			{"clerk@t1", []string{"FB-4", "FB-5", `<option value="P-3">P-3 Battery plus</option>`, "Approve instead", "Urgent",
				`<label for="sr-rq-1">Why this part instead</label>`, `<label for="rr-rq-1">Why reject</label>`}, nil, [2]string{"/tickets/tk-4", "/tickets/tk-5"}},
			{"dispatcher@t1", []string{"FB-4", "FB-5", "Reject"}, nil, [2]string{"/tickets/tk-4", "/tickets/tk-5"}},
			{"manager@t1", []string{"FB-4", "Reject"}, []string{"FB-5"}, [2]string{}},
			{"admin@t2", []string{"No part request is open"}, []string{"FB-4", "FB-5"}, [2]string{}},
		} {
			status, body := as(c.login).get(t, "/stock/requests")
			if status != http.StatusOK {
				t.Fatalf("%s: status %d", c.login, status)
			}
			for _, s := range c.see {
				if !strings.Contains(body, s) {
					t.Errorf("%s: the page lacks %q", c.login, s)
				}
			}
			for _, s := range c.not {
				if strings.Contains(body, s) {
					t.Errorf("%s: the page shows %q", c.login, s)
				}
			}
			if c.firstOf[0] != "" {
				if i, j := strings.Index(body, c.firstOf[0]), strings.Index(body, c.firstOf[1]); i < 0 || j < 0 || i > j {
					t.Errorf("%s: the urgent request (%s at %d) does not come before the older normal one (%s at %d)", c.login, c.firstOf[0], i, c.firstOf[1], j)
				}
			}
		}
	})
}

// TestPartRequestApproveAndShip: the clerk approves a request and ships it
// with another approved one for the same van in one shipment, which takes
// the parts out of the warehouse and marks both shipped; the shipment's
// page lists the lines with their tickets. Both actions are audited.
func TestPartRequestApproveAndShip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		supplyFixture(t, tc)
		cl := tc.signIn(t, "clerk@t1")
		for _, id := range []string{"rq-1", "rq-3"} {
			if status, body := cl.post(t, "/stock/requests/"+id+"/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"approve"}}); status != http.StatusSeeOther || cl.location != "/stock/requests" {
				t.Fatalf("approve %s: status %d to %q\n%s", id, status, cl.location, body)
			}
		}
		if r := requestState(t, tc, "rq-1"); r.State != app.RequestApproved || r.DecidedBy != "console:clerk@t1" {
			t.Fatalf("rq-1 after approval: %+v", r)
		}
		_, body := cl.get(t, "/stock/requests")
		m := shipmentID.FindStringSubmatch(body)
		if m == nil || m[2] != "van-1" {
			t.Fatalf("no ship form for van-1 on the page\n%s", body)
		}
		before := balanceOf(t, tc, "wh", "P-1")
		form := url.Values{"id": {m[1]}, "to": {"van-1"}, "from": {"wh"}, "carrier": {"SF Express"}, "tracking": {"SF123"}, "request": {"rq-1", "rq-3"}, "ticket.rq-1": {"tk-4"}, "ticket.rq-3": {"tk-4"}}
		if status, body := cl.post(t, "/stock/requests/ship", form); status != http.StatusSeeOther || cl.location != "/stock/shipments/"+m[1] {
			t.Fatalf("ship: status %d to %q\n%s", status, cl.location, body)
		}
		if got := balanceOf(t, tc, "wh", "P-1"); got != before-1 {
			t.Errorf("wh holds %d of P-1 after shipping, want %d", got, before-1)
		}
		for _, id := range []string{"rq-1", "rq-3"} {
			if r := requestState(t, tc, id); r.State != app.RequestShipped || r.Shipment != m[1] {
				t.Errorf("%s after shipping: state %s, shipment %q", id, r.State, r.Shipment)
			}
		}
		status, page := cl.get(t, "/stock/shipments/"+m[1])
		for _, want := range []string{"SF123", "SF Express", `<a href="/tickets/tk-4">FB-4</a>`, "In transit", "Van One"} {
			if status != http.StatusOK || !strings.Contains(page, want) {
				t.Errorf("the shipment's page (status %d) lacks %q", status, want)
			}
		}
		// A van's shipment is received on the device: no receive form here.
		if strings.Contains(page, "/receive") {
			t.Errorf("the console offers to receive a shipment to a van")
		}
		// The same form sent again is the API's answer, and ships nothing more.
		if status, _ := cl.post(t, "/stock/requests/ship", form); status < 400 || status >= 500 {
			t.Errorf("the ship form sent twice: status %d, want a refusal", status)
		}
		if got := balanceOf(t, tc, "wh", "P-1"); got != before-1 {
			t.Errorf("the ship form sent twice took more parts: wh holds %d", got)
		}
		recs, err := tc.db.Audit(context.Background(), "t1", 10)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, r := range recs {
			if r.Login != "clerk@t1" {
				t.Errorf("audit record by %q", r.Login)
			}
			actions = append(actions, r.Action)
		}
		if want := []string{"shipment.send.v1", "part.decide_request.v1", "part.decide_request.v1"}; !reflect.DeepEqual(actions, want) {
			t.Errorf("audit: %v, want %v", actions, want)
		}
	})
}

// TestPartRequestSubstituteAndReject: a substitute is approved from the
// parts that fit; a rejection carries its reason.
func TestPartRequestSubstituteAndReject(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		supplyFixture(t, tc)
		cl := tc.signIn(t, "dispatcher@t1")
		if status, body := cl.post(t, "/stock/requests/rq-1/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"substitute"}, "part": {"P-3"}, "reason": {"P-1 is out of stock"}}); status != http.StatusSeeOther {
			t.Fatalf("substitute: status %d\n%s", status, body)
		}
		if r := requestState(t, tc, "rq-1"); r.State != app.RequestApproved || r.Substitute != "P-3" || r.Wanted() != "P-3" {
			t.Errorf("rq-1 after the substitute: %+v", r)
		}
		if status, body := cl.post(t, "/stock/requests/rq-2/decide", url.Values{"state": {"requested"}, "ticket": {"tk-5"}, "decision": {"reject"}, "reason": {"fitted from the store"}}); status != http.StatusSeeOther {
			t.Fatalf("reject: status %d\n%s", status, body)
		}
		if r := requestState(t, tc, "rq-2"); r.State != app.RequestRejected || r.Reason != "fitted from the store" {
			t.Errorf("rq-2 after the rejection: %+v", r)
		}
		if _, body := cl.get(t, "/stock/requests"); strings.Contains(body, `value="rq-2"`) || strings.Contains(body, "/stock/requests/rq-2/") {
			t.Errorf("the rejected request is still offered to answer or ship")
		}
	})
}

// TestPartRequestRefusals: every refused answer or shipment changes
// nothing: another tenant's or store's request (404, as a missing one),
// no CSRF token (403), a form answered meanwhile by someone else (409), a
// request cancelled before it ships (the API's 409), a part that does not
// fit (the API's 400), a rejection without a reason (400).
func TestPartRequestRefusals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		supplyFixture(t, tc)
		as := signedIn(t, tc)
		// rq-3 approved, then cancelled by the technician: a page drawn
		// before the cancellation still offers to ship it.
		if status, _ := as("clerk@t1").post(t, "/stock/requests/rq-3/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"approve"}}); status != http.StatusSeeOther {
			t.Fatalf("approve rq-3: %d", status)
		}
		_, page := as("clerk@t1").get(t, "/stock/requests")
		m := shipmentID.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no ship form")
		}
		mutate(t, tc, "t1", &app.CancelPartRequest{Request: "rq-3", Ticket: "tk-4", Reason: "fitted a used one"})
		before := balances(t, tc, "t1")
		for _, c := range []struct {
			name, login, path string
			form              url.Values
			noCSRF            bool
			status            int
			say               string
		}{
			{"other tenant", "admin@t2", "/stock/requests/rq-1/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"approve"}}, false, 404, "There is no part request rq-1 here"},
			{"another store's request", "manager@t1", "/stock/requests/rq-2/decide", url.Values{"state": {"requested"}, "ticket": {"tk-5"}, "decision": {"approve"}}, false, 404, "There is no part request rq-2 here"},
			{"no such request", "clerk@t1", "/stock/requests/nope/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"approve"}}, false, 404, "There is no part request nope here"},
			{"no CSRF token", "clerk@t1", "/stock/requests/rq-1/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"approve"}}, true, 403, "did not come from the console"},
			{"no reason", "clerk@t1", "/stock/requests/rq-1/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"reject"}}, false, 400, "Say why."},
			{"does not fit", "clerk@t1", "/stock/requests/rq-1/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"substitute"}, "part": {"P-2"}, "reason": {"x"}}, false, 400, "not listed for model P60"},
			{"cancelled meanwhile", "clerk@t1", "/stock/requests/rq-3/decide", url.Values{"state": {"approved"}, "ticket": {"tk-4"}, "decision": {"reject"}, "reason": {"x"}}, false, 409, "can be decided only before it ships"},
			{"ship a cancelled request", "clerk@t1", "/stock/requests/ship", url.Values{"id": {m[1]}, "to": {"van-1"}, "from": {"wh"}, "request": {"rq-3"}, "ticket.rq-3": {"tk-4"}}, false, 409, "only an approved request ships"},
			{"ship another tenant's", "admin@t2", "/stock/requests/ship", url.Values{"id": {app.NewID()}, "to": {"van-1"}, "from": {"wh"}, "request": {"rq-1"}, "ticket.rq-1": {"tk-4"}}, false, 404, "There is no stock location"},
			{"manager ships from the warehouse", "manager@t1", "/stock/requests/ship", url.Values{"id": {app.NewID()}, "to": {"van-1"}, "from": {"wh"}, "request": {"rq-1"}, "ticket.rq-1": {"tk-4"}}, false, 404, "There is no stock location wh here"},
			{"ship nothing", "clerk@t1", "/stock/requests/ship", url.Values{"id": {app.NewID()}, "to": {"van-1"}, "from": {"wh"}}, false, 400, "Tick the requests to ship"},
			{"ship with an old form", "clerk@t1", "/stock/requests/ship", url.Values{"id": {"not-a-uuid"}, "to": {"van-1"}, "from": {"wh"}, "request": {"rq-1"}, "ticket.rq-1": {"tk-4"}}, false, 400, "This form is out of date"},
		} {
			t.Run(c.name, func(t *testing.T) {
				cl := as(c.login)
				var status int
				var body string
				if c.noCSRF {
					status, body = cl.postNoCSRF(t, c.path, c.form)
				} else {
					status, body = cl.post(t, c.path, c.form)
				}
				if status != c.status || !strings.Contains(body, c.say) {
					t.Errorf("status %d, want %d saying %q\n%s", status, c.status, c.say, body)
				}
			})
		}
		if r := requestState(t, tc, "rq-1"); r.State != app.RequestRequested {
			t.Errorf("rq-1 changed by refused answers: %+v", r)
		}
		if r := requestState(t, tc, "rq-2"); r.State != app.RequestRequested {
			t.Errorf("rq-2 changed by refused answers: %+v", r)
		}
		if after := balances(t, tc, "t1"); !reflect.DeepEqual(before, after) {
			t.Errorf("refused shipments moved stock")
		}
		// Answered meanwhile by someone else: the form showed "requested".
		cl := as("dispatcher@t1")
		if status, _ := cl.post(t, "/stock/requests/rq-1/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"approve"}}); status != http.StatusSeeOther {
			t.Fatalf("approve rq-1: %d", status)
		}
		status, body := as("clerk@t1").post(t, "/stock/requests/rq-1/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"reject"}, "reason": {"no"}})
		if status != http.StatusConflict || !strings.Contains(body, "was answered by someone else") {
			t.Errorf("a stale answer: status %d\n%s", status, body)
		}
		if r := requestState(t, tc, "rq-1"); r.State != app.RequestApproved {
			t.Errorf("the stale answer changed rq-1: %+v", r)
		}
	})
}

// TestShipmentReceiveAtAStore: a shipment to a store is counted in the
// console; the shortfall is recorded as a difference and shown plainly,
// nothing adjusted away; receiving it again is the API's refusal; a store
// manager sees only their store's shipments.
func TestShipmentReceiveAtAStore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		supplyFixture(t, tc)
		mutate(t, tc, "t1", &app.SendShipment{Shipment: app.Shipment{ID: "sh-1", Kind: app.ShipmentSupply, From: "wh", To: "s1", Carrier: "Post",
			Tracking: "TR-" + xssImg, Lines: []app.ShipmentLine{{Part: "P-1", Qty: 2}}}})
		mutate(t, tc, "t1", &app.SendShipment{Shipment: app.Shipment{ID: "sh-2", Kind: app.ShipmentSupply, From: "wh", To: "s2", Lines: []app.ShipmentLine{{Part: "P-1", Qty: 1}}}})
		as := signedIn(t, tc)
		if status, body := as("manager@t1").get(t, "/stock/shipments"); status != http.StatusOK || !strings.Contains(body, "/stock/shipments/sh-1") || strings.Contains(body, "sh-2") {
			t.Errorf("the manager's list: status %d, want sh-1 only\n%s", status, body)
		}
		if status, _ := as("manager@t1").get(t, "/stock/shipments/sh-2"); status != http.StatusNotFound {
			t.Errorf("the manager opens another store's shipment: %d, want 404", status)
		}
		if status, _ := as("admin@t2").get(t, "/stock/shipments/sh-1"); status != http.StatusNotFound {
			t.Errorf("another tenant opens the shipment: %d, want 404", status)
		}
		for _, c := range []struct {
			path   string
			status int
			say    string
		}{
			{"/stock/shipments?kind=bogus", 400, "Unknown shipment kind bogus"},
			{"/stock/shipments?location=t2-only", 404, "There is no stock location t2-only here"},
			{"/stock/shipments?kind=supply&location=s1", 200, "/stock/shipments/sh-1"},
		} {
			if status, body := as("clerk@t1").get(t, c.path); status != c.status || !strings.Contains(body, c.say) {
				t.Errorf("GET %s: status %d, want %d saying %q", c.path, status, c.status, c.say)
			}
		}
		if _, body := as("clerk@t1").get(t, "/stock/shipments?state=received"); strings.Contains(body, "sh-1") {
			t.Errorf("the received filter lists a shipment in transit")
		}
		cl := as("manager@t1")
		status, page := cl.get(t, "/stock/shipments/sh-1")
		rid := regexp.MustCompile(`name="receipt" value="([^"]+)"`).FindStringSubmatch(page)
		if status != http.StatusOK || rid == nil {
			t.Fatalf("no receive form: status %d\n%s", status, page)
		}
		if strings.Contains(page, "<img src=x") || !strings.Contains(page, "TR-&#34;&gt;&lt;img") {
			t.Errorf("the tracking number is not escaped")
		}
		before := balanceOf(t, tc, "s1", "P-1")
		for _, c := range []struct {
			name   string
			form   url.Values
			noCSRF bool
			status int
			say    string
		}{
			{"no CSRF token", url.Values{"receipt": {rid[1]}, "qty-0": {"1"}}, true, 403, "did not come from the console"},
			{"a count that is no number", url.Values{"receipt": {rid[1]}, "qty-0": {"two"}}, false, 400, "Enter each count as a whole number"},
			{"an unknown extra part", url.Values{"receipt": {rid[1]}, "qty-0": {"1"}, "extra_part": {"P-404"}, "extra_qty": {"1"}}, false, 404, ""},
		} {
			var status int
			var body string
			if c.noCSRF {
				status, body = cl.postNoCSRF(t, "/stock/shipments/sh-1/receive", c.form)
			} else {
				status, body = cl.post(t, "/stock/shipments/sh-1/receive", c.form)
			}
			if status != c.status || !strings.Contains(body, c.say) {
				t.Errorf("%s: status %d, want %d saying %q", c.name, status, c.status, c.say)
			}
		}
		if got := balanceOf(t, tc, "s1", "P-1"); got != before {
			t.Fatalf("refused receipts changed s1's stock: %d, was %d", got, before)
		}
		if status, body := cl.post(t, "/stock/shipments/sh-1/receive", url.Values{"receipt": {rid[1]}, "qty-0": {"1"}, "note": {xssScript}}); status != http.StatusSeeOther {
			t.Fatalf("receive: status %d\n%s", status, body)
		}
		if got := balanceOf(t, tc, "s1", "P-1"); got != before+1 {
			t.Errorf("s1 holds %d of P-1 after receiving 1, want %d", got, before+1)
		}
		_, page = cl.get(t, "/stock/shipments/sh-1")
		for _, want := range []string{"Short: 2 of P-1 shipped, 1 arrived.", "&lt;script&gt;alert(1)&lt;/script&gt;", "Counted by console:manager@t1"} {
			if !strings.Contains(page, want) {
				t.Errorf("the received shipment's page lacks %q", want)
			}
		}
		if strings.Contains(page, "<script>alert") {
			t.Errorf("the receipt's note is not escaped")
		}
		// A form drawn before the receipt: the API refuses a second one.
		status, body := as("clerk@t1").post(t, "/stock/shipments/sh-1/receive", url.Values{"receipt": {app.NewID()}, "qty-0": {"2"}})
		if status != http.StatusConflict || !strings.Contains(body, "already received") {
			t.Errorf("a second receipt: status %d\n%s", status, body)
		}
		if got := balanceOf(t, tc, "s1", "P-1"); got != before+1 {
			t.Errorf("the refused second receipt changed s1's stock: %d", got)
		}
	})
}

// TestSupplyPagesEscapeDeviceText: what devices write (a request's note,
// a part's name) is escaped on the supply pages.
func TestSupplyPagesEscapeDeviceText(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		supplyFixture(t, tc)
		cl := tc.signIn(t, "clerk@t1")
		_, body := cl.get(t, "/stock/requests")
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("device text is not escaped on the requests page")
		}
		for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"} {
			if !strings.Contains(body, want) {
				t.Errorf("the requests page lacks the escaped %q", want)
			}
		}
	})
}

// TestReturnShipment: the ticked returns of a bin leave in one return
// shipment to a warehouse, each line with its serial and ticket, and no
// longer wait; the warehouse receives it in the console. A return shipped
// meanwhile, another store's or tenant's bin, and a form without its
// CSRF token are refused and ship nothing.
func TestReturnShipment(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		stockFixture(t, tc)
		as := signedIn(t, tc)
		cl := as("clerk@t1")
		_, page := cl.get(t, "/stock/returns")
		m := regexp.MustCompile(`id="rs-([0-9a-f-]{36})"`).FindStringSubmatch(page)
		if m == nil || !strings.Contains(page, `name="return" value="m-5" checked`) {
			t.Fatalf("no return shipment form\n%s", page)
		}
		ship := url.Values{"id": {m[1]}, "from": {"bin-1"}, "to": {"wh"}, "carrier": {"DHL"}, "tracking": {"RET-1"}, "return": {"m-5"}}
		before := balances(t, tc, "t1")
		for _, c := range []struct {
			name, login string
			form        url.Values
			noCSRF      bool
			status      int
			say         string
		}{
			{"no CSRF token", "clerk@t1", ship, true, 403, "did not come from the console"},
			{"store manager to the warehouse", "manager@t1", ship, false, 404, "There is no stock location wh here"},
			{"other tenant", "admin@t2", ship, false, 404, "There is no stock location"},
			{"nothing ticked", "clerk@t1", url.Values{"id": {m[1]}, "from": {"bin-1"}, "to": {"wh"}}, false, 400, "Tick the returns to ship"},
			{"not in this bin", "clerk@t1", url.Values{"id": {m[1]}, "from": {"bin-1"}, "to": {"wh"}, "return": {"m-1"}}, false, 409, "shipped meanwhile or is no longer in this bin"},
		} {
			var status int
			var body string
			if c.noCSRF {
				status, body = as(c.login).postNoCSRF(t, "/stock/returns/ship", c.form)
			} else {
				status, body = as(c.login).post(t, "/stock/returns/ship", c.form)
			}
			if status != c.status || !strings.Contains(body, c.say) {
				t.Errorf("%s: status %d, want %d saying %q", c.name, status, c.status, c.say)
			}
		}
		if after := balances(t, tc, "t1"); !reflect.DeepEqual(before, after) {
			t.Fatalf("refused return shipments moved stock")
		}
		if status, body := cl.post(t, "/stock/returns/ship", ship); status != http.StatusSeeOther || cl.location != "/stock/shipments/"+m[1] {
			t.Fatalf("ship the return: status %d to %q\n%s", status, cl.location, body)
		}
		if got := balanceOf(t, tc, "bin-1", "P-1"); got != 0 {
			t.Errorf("bin-1 holds %d of P-1 after the return shipped, want 0", got)
		}
		if _, body := cl.get(t, "/stock/returns"); !strings.Contains(body, "No defective part is waiting") {
			t.Errorf("the shipped return still waits")
		}
		// Shipped meanwhile: the same return ticked on an old page.
		if status, body := cl.post(t, "/stock/returns/ship", url.Values{"id": {app.NewID()}, "from": {"bin-1"}, "to": {"wh"}, "return": {"m-5"}}); status != http.StatusConflict || !strings.Contains(body, "shipped meanwhile") {
			t.Errorf("a return shipped twice: status %d", status)
		}
		sh, err := tc.db.Shipment(context.Background(), "t1", m[1])
		if err != nil {
			t.Fatal(err)
		}
		if sh.Kind != app.ShipmentReturn || len(sh.Lines) != 1 || sh.Lines[0].Ticket != "tk-1" || sh.Lines[0].Serial != "SN-"+xssImg || sh.Tracking != "RET-1" {
			t.Errorf("the return shipment: %+v", sh.Shipment)
		}
		status, page := cl.get(t, "/stock/shipments/"+m[1])
		if status != http.StatusOK || !strings.Contains(page, "Defective returns") || !strings.Contains(page, `<a href="/tickets/tk-1">FB-1</a>`) || strings.Contains(page, "<img src=x") {
			t.Errorf("the return shipment's page: status %d\n%s", status, page)
		}
		for _, doc := range []string{"label.pdf", "packing-list.pdf"} {
			path := "/stock/shipments/" + m[1] + "/" + doc
			if !strings.Contains(page, `href="`+path+`"`) {
				t.Errorf("the shipment's page does not link %s", doc)
			}
			if status, body := cl.get(t, path); status != http.StatusOK || !strings.HasPrefix(body, "%PDF-") {
				t.Errorf("GET %s: status %d, %d bytes, not a PDF", path, status, len(body))
			}
			if status, _ := as("admin@t2").get(t, path); status != http.StatusNotFound {
				t.Errorf("another tenant's GET %s: status %d, want 404", path, status)
			}
		}
		rid := regexp.MustCompile(`name="receipt" value="([^"]+)"`).FindStringSubmatch(page)
		if rid == nil {
			t.Fatal("no receive form at the warehouse")
		}
		before2 := balanceOf(t, tc, "wh", "P-1")
		if status, body := cl.post(t, "/stock/shipments/"+m[1]+"/receive", url.Values{"receipt": {rid[1]}, "qty-0": {"1"}}); status != http.StatusSeeOther {
			t.Fatalf("receive the return: status %d\n%s", status, body)
		}
		if got := balanceOf(t, tc, "wh", "P-1"); got != before2+1 {
			t.Errorf("wh holds %d of P-1 after receiving the return, want %d", got, before2+1)
		}
		if _, body := cl.get(t, "/stock/shipments/"+m[1]); !strings.Contains(body, "Everything shipped arrived.") {
			t.Errorf("the received return shows differences")
		}
	})
}

// TestReplenishment: a van below its suggested minimum is proposed an
// order up to its maximum, shipped from its warehouse on approval; a
// proposal changed since the page was drawn is refused as stale; a part
// idle for half a year is listed as dormant with its suggested action.
func TestReplenishment(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		stockFixture(t, tc)
		if err := tc.db.LoadDataset(context.Background(), "t1", app.Dataset{Movements: []app.StockMovement{
			{ID: "m-old", Kind: app.MoveReceive, Part: "P-X", To: "s2", Qty: 3, At: testStart.AddDate(0, 0, -200), Recorded: "import"}}}); err != nil {
			t.Fatal(err)
		}
		as := signedIn(t, tc)
		cl := as("clerk@t1")
		status, page := cl.get(t, "/stock/replenish")
		m := regexp.MustCompile(`name="id" value="([0-9a-f-]{36})"><input type="hidden" name="to" value="van-1">`).FindStringSubmatch(page)
		order := regexp.MustCompile(`name="order.P-2" value="(\d+)"`).FindStringSubmatch(page)
		if status != http.StatusOK || m == nil || order == nil {
			t.Fatalf("no proposal for van-1's P-2: status %d\n%s", status, page)
		}
		for _, want := range []string{"Dormant stock", "Store Two", "&lt;script&gt;alert(1)&lt;/script&gt;", "/stock?location=s2&amp;q=P-X"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(page, "<script>alert") {
			t.Errorf("a part's name is not escaped")
		}
		if _, body := as("manager@t1").get(t, "/stock/replenish"); strings.Contains(body, "Store Two") {
			t.Errorf("the manager of s1 sees s2's dormant stock")
		}
		n, _ := strconv.Atoi(order[1])
		ship := url.Values{"id": {m[1]}, "to": {"van-1"}, "from": {"wh"}, "part": {"P-2"}, "order.P-2": {order[1]}}
		stale := url.Values{"id": {app.NewID()}, "to": {"van-1"}, "from": {"wh"}, "part": {"P-2"}, "order.P-2": {strconv.Itoa(n + 1)}}
		before := balances(t, tc, "t1")
		if status, body := cl.post(t, "/stock/replenish/ship", stale); status != http.StatusConflict || !strings.Contains(body, "changed since you opened the page") {
			t.Errorf("a stale proposal: status %d", status)
		}
		if status, _ := cl.postNoCSRF(t, "/stock/replenish/ship", ship); status != http.StatusForbidden {
			t.Errorf("without the CSRF token: status %d", status)
		}
		if status, _ := as("admin@t2").post(t, "/stock/replenish/ship", ship); status != http.StatusNotFound {
			t.Errorf("another tenant: status %d", status)
		}
		if after := balances(t, tc, "t1"); !reflect.DeepEqual(before, after) {
			t.Fatalf("refused proposals moved stock")
		}
		if status, body := cl.post(t, "/stock/replenish/ship", ship); status != http.StatusSeeOther || cl.location != "/stock/shipments/"+m[1] {
			t.Fatalf("ship the proposal: status %d to %q\n%s", status, cl.location, body)
		}
		if got := balanceOf(t, tc, "wh", "P-2"); got != -n {
			t.Errorf("wh holds %d of P-2 after shipping %d, want %d", got, n, -n)
		}
	})
}

// TestStoreManagerShipsWithinTheStore: a store manager answers their
// store's request and ships it from the store's shelf to the van, the
// store's own locations.
func TestStoreManagerShipsWithinTheStore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		supplyFixture(t, tc)
		cl := tc.signIn(t, "manager@t1")
		if status, body := cl.post(t, "/stock/requests/rq-1/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"approve"}}); status != http.StatusSeeOther {
			t.Fatalf("approve: status %d\n%s", status, body)
		}
		_, page := cl.get(t, "/stock/requests")
		m := shipmentID.FindStringSubmatch(page)
		if m == nil || strings.Contains(page, `<option value="wh">`) {
			t.Fatalf("the manager's ship form: missing, or offers the warehouse\n%s", page)
		}
		before := balanceOf(t, tc, "s1", "P-1")
		if status, body := cl.post(t, "/stock/requests/ship", url.Values{"id": {m[1]}, "to": {"van-1"}, "from": {"s1"}, "request": {"rq-1"}, "ticket.rq-1": {"tk-4"}}); status != http.StatusSeeOther {
			t.Fatalf("ship: status %d\n%s", status, body)
		}
		if got := balanceOf(t, tc, "s1", "P-1"); got != before-1 {
			t.Errorf("s1 holds %d of P-1, want %d", got, before-1)
		}
		if r := requestState(t, tc, "rq-1"); r.State != app.RequestShipped {
			t.Errorf("rq-1: %s, want shipped", r.State)
		}
	})
}

// TestPartRequestStateWords: a request's state is a label, capitalised,
// in the requests' table ("Approved", a badge as a ticket's status is,
// never broken inside a word), and a word inside the sentence of
// a stale answer ("it is now approved"), in English and French; Chinese
// writes both alike.
func TestPartRequestStateWords(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		supplyFixture(t, tc)
		as := signedIn(t, tc)
		if status, _ := as("dispatcher@t1").post(t, "/stock/requests/rq-1/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"approve"}}); status != http.StatusSeeOther {
			t.Fatalf("approve rq-1: %d", status)
		}
		for _, c := range []struct{ lang, cell, sentence string }{
			{"en", `<span class="st req-state">Approved</span>`, "it is now approved."},
			{"fr", `<span class="st req-state">Approuvée</span>`, "elle est maintenant approuvée."},
			{"zh-Hans", `<span class="st req-state">已批准</span>`, "已批准"},
		} {
			if err := tc.db.SetConsoleLanguage(t.Context(), "t1", "clerk@t1", c.lang); err != nil {
				t.Fatal(err)
			}
			cl := as("clerk@t1")
			if _, body := cl.get(t, "/stock/requests"); !strings.Contains(body, c.cell) {
				t.Errorf("%s: the requests' table lacks the state label %q", c.lang, c.cell)
			}
			status, body := cl.post(t, "/stock/requests/rq-1/decide", url.Values{"state": {"requested"}, "ticket": {"tk-4"}, "decision": {"reject"}, "reason": {"no"}})
			if status != http.StatusConflict || !strings.Contains(body, c.sentence) {
				t.Errorf("%s: a stale answer: status %d, want 409 saying %q\n%s", c.lang, status, c.sentence, body)
			}
		}
	})
}
