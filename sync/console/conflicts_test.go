package console

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// conflictWorld raises, through real pushes, the conflicts of the inbox
// tests in t1:
//
//	field  tk-1 (s1): tech-1's device changed the phone unseen after dispatch did
//	stale  tk-1 (s1): tech-1's device started work after dispatch gave it to tech-2
//	other  tk-2 (s2): tech-2's device changed the address unseen
//
// and returns their IDs.
func conflictWorld(t *testing.T, tc *testConsole) (field, stale, other string) {
	t.Helper()
	ctx := context.Background()
	office := central.Principal{Tenant: "t1", Role: app.RoleDispatcher, Name: "office"}
	dispatch := func(cmd app.Command) {
		t.Helper()
		tc.advance(time.Minute)
		if err := tc.db.ApplyAdmin(ctx, office, mustMutation(t, cmd, tc.clock())); err != nil {
			t.Fatal(err)
		}
	}
	one, two := tc.pairDevice(t, "t1", "tech-1"), tc.pairDevice(t, "t1", "tech-2")
	dispatch(&app.UpdateTicket{Ticket: "tk-1", Set: app.TicketFields{CustomerPhone: ptr("139 0000 0001")}, Base: app.TicketFields{CustomerPhone: ptr("138 0000 0000")}})
	tc.advance(time.Minute)
	one.mustApply(t, "ticket.update", app.UpdateTicket{Ticket: "tk-1", Set: app.TicketFields{CustomerPhone: ptr("137 0000 0002")}, Base: app.TicketFields{CustomerPhone: ptr("138 0000 0000")}})
	dispatch(&app.AssignTicket{Ticket: "tk-1", Technician: "tech-2", Store: "s1"})
	tc.advance(time.Minute)
	stale = one.push(t, "ticket.start", map[string]any{"ticket": "tk-1", "epoch": 1})
	tc.advance(time.Minute)
	two.mustApply(t, "ticket.update", app.UpdateTicket{Ticket: "tk-2", Set: app.TicketFields{CustomerAddress: ptr("3 Road")}, Base: app.TicketFields{CustomerAddress: ptr("0 Road")}})
	cs, err := tc.db.Conflicts(ctx, "t1", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		switch {
		case c.Kind == app.ConflictField && c.Ticket == "tk-1":
			field = c.ID
		case c.Kind == app.ConflictField && c.Ticket == "tk-2":
			other = c.ID
		}
	}
	if field == "" || stale == "" || other == "" || len(cs) != 3 {
		t.Fatalf("the conflict world has conflicts %+v (stale %q)", cs, stale)
	}
	return field, stale, other
}

// TestConflictsInbox: each role sees the open conflicts of its scope with
// what happened, both values, who and when, and the decisions the
// protocol allows for dispatch; a store manager sees only their store's.
func TestConflictsInbox(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		field, stale, other := conflictWorld(t, tc)
		for _, c := range []struct {
			login     string
			see, not  []string
			decisions bool
		}{
			{"dispatcher@t1", []string{field, stale, other}, nil, true},
			{"admin@t1", []string{field, stale, other}, nil, true},
			{"manager@t1", []string{field, stale}, []string{other}, true},
			{"clerk@t1", []string{field, stale, other}, nil, false},
			{"dispatcher@t2", nil, []string{field, stale, other}, true},
		} {
			status, body := tc.signIn(t, c.login).get(t, "/conflicts")
			if status != http.StatusOK {
				t.Fatalf("%s: GET /conflicts: status %d\n%s", c.login, status, body)
			}
			for _, id := range c.see {
				if !strings.Contains(body, `id="cf-`+id+`"`) {
					t.Errorf("%s: the inbox lacks %s", c.login, id)
				}
			}
			for _, id := range c.not {
				if strings.Contains(body, id) {
					t.Errorf("%s: the inbox shows %s", c.login, id)
				}
			}
			if got := strings.Contains(body, `name="resolution"`); got != (c.decisions && len(c.see) > 0) {
				t.Errorf("%s: decisions shown %v", c.login, got)
			}
		}
		_, body := tc.signIn(t, "dispatcher@t1").get(t, "/conflicts")
		for _, want := range []string{
			// The field conflict: what, both values, who, the three decisions.
			"Tech One changed the customer&#39;s phone on ticket FB-1 without seeing the value on the server",
			"137 0000 0002", "139 0000 0001", "Use “137 0000 0002”", "Use “139 0000 0001”", "Leave the value in force",
			// The stale work: what dispatch did meanwhile and the held change.
			"Tech One worked on ticket FB-1 after it was reassigned", "Start work", "Apply the change after all", "Drop the change",
			`href="/tickets/tk-1"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the inbox lacks %q", want)
			}
		}
		if i, j := strings.Index(body, "cf-"+stale), strings.Index(body, "cf-"+other); i < 0 || j < 0 || j > i {
			t.Errorf("the inbox is not newest first")
		}
		if status, body := tc.signIn(t, "dispatcher@t1").get(t, "/conflicts?state=nonsense"); status != http.StatusBadRequest || !strings.Contains(body, "choose one of the filters") {
			t.Errorf("a bad filter: status %d\n%s", status, body)
		}
		// A held edit names the fields it sets.
		if cf := tc.pairDevice(t, "t1", "tech-1").push(t, "ticket.update", app.UpdateTicket{Ticket: "tk-1", Set: app.TicketFields{Diagnosis: ptr("Swollen battery")}}); cf == "" {
			t.Fatal("tech-1's edit of a ticket given to tech-2 was applied")
		}
		if _, body := tc.signIn(t, "dispatcher@t1").get(t, "/conflicts"); !strings.Contains(body, "Edit of the ticket: Diagnosis") {
			t.Errorf("the inbox does not name the held edit's fields")
		}
		// The ticket page lists its conflicts, linking to each.
		_, page := tc.signIn(t, "dispatcher@t1").get(t, "/tickets/tk-1")
		if !strings.Contains(page, `href="/conflicts?state=open#cf-`+url.QueryEscape(field)+`"`) || !strings.Contains(page, "waiting for a decision") {
			t.Errorf("the ticket page does not link its open conflicts\n%s", page)
		}
	})
}

// TestConflictsResolve: dispatch decides with ResolveConflict as the
// session's principal; the decision shows who and when; every refusal
// changes nothing.
func TestConflictsResolve(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		field, stale, other := conflictWorld(t, tc)
		conflict := func(id string) app.Conflict {
			t.Helper()
			cs, err := tc.db.Conflicts(ctx, "t1", false)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if c.ID == id {
					return c
				}
			}
			t.Fatalf("no conflict %s", id)
			return app.Conflict{}
		}
		path := func(id string) string { return "/conflicts/" + url.PathEscape(id) + "/resolve" }
		take := url.Values{"resolution": {app.ResolveAcceptTheirs}, "state": {"open"}}

		_, missing := tc.signIn(t, "manager@t1").post(t, path("cf-no-such"), take)
		missing = mainOf(missing)
		for _, c := range []struct {
			name, login, id string
			form            url.Values
			noCSRF          bool
			status          int
			says            string
		}{
			{"parts clerk", "clerk@t1", field, take, false, http.StatusForbidden, "Your role may not do this"},
			{"other tenant", "dispatcher@t2", field, take, false, http.StatusNotFound, "There is no conflict"},
			{"another store's", "manager@t1", other, take, false, http.StatusNotFound, "There is no conflict"},
			{"no CSRF token", "dispatcher@t1", field, take, true, http.StatusForbidden, ""},
			{"unknown resolution", "dispatcher@t1", field, url.Values{"resolution": {"maybe"}}, false, http.StatusBadRequest, "Unknown resolution maybe"},
		} {
			cl := tc.signIn(t, c.login)
			var status int
			var body string
			if c.noCSRF {
				status, body = cl.postNoCSRF(t, path(c.id), c.form)
			} else {
				status, body = cl.post(t, path(c.id), c.form)
			}
			if status != c.status || !strings.Contains(body, c.says) {
				t.Errorf("%s: status %d, want %d saying %q\n%s", c.name, status, c.status, c.says, body)
			}
			if status == http.StatusNotFound && mainOf(body) != strings.ReplaceAll(missing, "cf-no-such", c.id) {
				t.Errorf("%s: the refusal differs from a missing conflict's\n%s", c.name, mainOf(body))
			}
			if !conflict(c.id).Open() {
				t.Fatalf("%s: the conflict was decided", c.name)
			}
		}

		// A store manager decides their store's field conflict: the
		// phone becomes the office's value again.
		cl := tc.signIn(t, "manager@t1")
		if status, body := cl.post(t, path(field), take); status != http.StatusSeeOther || cl.location != "/conflicts?state=open" {
			t.Fatalf("decide: status %d to %q\n%s", status, cl.location, body)
		}
		cf := conflict(field)
		if cf.Open() || cf.Resolution != app.ResolveAcceptTheirs || cf.ResolvedBy != "console:manager@t1" {
			t.Errorf("after deciding, the conflict is %+v", cf)
		}
		d, err := tc.db.TicketDetail(ctx, "t1", "tk-1")
		if err != nil {
			t.Fatal(err)
		}
		if d.Ticket.Customer.Phone != "139 0000 0001" {
			t.Errorf("after taking the office's value the phone is %q", d.Ticket.Customer.Phone)
		}
		audit, err := tc.db.Audit(ctx, "t1", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) == 0 || audit[0].Login != "manager@t1" || audit[0].Action != "conflict.resolve" || audit[0].Target != field || audit[0].Detail != app.ResolveAcceptTheirs {
			t.Errorf("audit after deciding: %+v", audit)
		}
		_, body := cl.get(t, "/conflicts?state=open")
		if !strings.Contains(body, "Decided.") || strings.Contains(body, `id="cf-`+field+`"`) {
			t.Errorf("the open inbox after deciding lacks the flash or still lists the conflict")
		}
		_, body = cl.get(t, "/conflicts?state=decided")
		if !strings.Contains(body, `id="cf-`+field+`"`) || !strings.Contains(body, `Kept the server&#39;s side · <span title="manager@t1">User manager</span>`) || strings.Contains(body, `id="cf-`+stale+`"`) {
			t.Errorf("the decided inbox does not show who decided what\n%s", mainOf(body))
		}

		// A stale form: decided meanwhile, the API's 409 on the inbox.
		status, body := tc.signIn(t, "dispatcher@t1").post(t, path(field), url.Values{"resolution": {app.ResolveAcceptOurs}})
		if status != http.StatusConflict || !strings.Contains(body, "This conflict is already resolved.") || !strings.Contains(body, `<h1>Conflicts</h1>`) {
			t.Errorf("deciding a decided conflict: status %d\n%s", status, mainOf(body))
		}
		if cf := conflict(field); cf.Resolution != app.ResolveAcceptTheirs {
			t.Errorf("the second decision changed the first: %+v", cf)
		}

		// Applying the held work after all re-runs it, past the epoch.
		if status, body := tc.signIn(t, "dispatcher@t1").post(t, path(stale), url.Values{"resolution": {app.ResolveAcceptOurs}}); status != http.StatusSeeOther {
			t.Fatalf("apply the held work: status %d\n%s", status, mainOf(body))
		}
		if d, _ := tc.db.TicketDetail(ctx, "t1", "tk-1"); d.Ticket.Status != app.StatusInProgress {
			t.Errorf("after applying the held start, tk-1 is %s", d.Ticket.Status)
		}
	})
}

// TestConflictNamesStockLocations: the inbox names stock locations, in
// the office's language: a unit's conflict as the service sends it now
// (names, IDs beside), one stored before (IDs in Location and Other), and
// a balance's (its Location an ID). A location the tenant does not have
// (any more) is shown by what the conflict holds.
func TestConflictNamesStockLocations(t *testing.T) {
	locations := map[app.LocationID]string{"van-1": "Van Ana", "wh": "Main warehouse"}
	unit := func(data map[string]any) app.Conflict {
		return app.Conflict{ID: "cf-1", Kind: app.ConflictNegativeStock, Key: "conflict.serial_elsewhere_location", Theirs: "-1",
			Message: "Unit {{.Serial}} of {{.Part}} is recorded at {{.Other}}, not at {{.Location}}: check which has it and correct the other.", Data: data}
	}
	balance := app.Conflict{ID: "cf-2", Kind: app.ConflictNegativeStock, Key: "conflict.negative_stock", Theirs: "-2",
		Message: "Stock of {{.Part}} at {{.Location}} is now {{.Balance}}: count it and correct the books.", Data: map[string]any{"Part": "P-50", "Location": "van-1", "Balance": -2}}
	gone := balance
	gone.Data = map[string]any{"Part": "P-50", "Location": "van-9", "Balance": -2}
	for _, c := range []struct {
		name, lang string
		cf         app.Conflict
		want       string
	}{
		{"UnitNamed", "en", unit(map[string]any{"Serial": "SN-1", "Part": "P-50", "Location": "Van Ana", "LocationID": "van-1", "Other": "Main warehouse", "OtherID": "wh", "Place": "location"}),
			"Unit SN-1 of P-50 is recorded at Main warehouse, not at Van Ana"},
		{"UnitStoredWithIDs", "en", unit(map[string]any{"Serial": "SN-1", "Part": "P-50", "Location": "van-1", "Other": "wh", "Place": "location"}),
			"Unit SN-1 of P-50 is recorded at Main warehouse, not at Van Ana"},
		{"UnitStoredWithIDsInFrench", "fr", unit(map[string]any{"Serial": "SN-1", "Part": "P-50", "Location": "van-1", "Other": "wh", "Place": "location"}),
			"L’unité SN-1 de P-50 est enregistrée à Main warehouse, pas à Van Ana"},
		{"Balance", "en", balance, "Stock of P-50 at Van Ana is now -2"},
		{"LocationGone", "en", gone, "Stock of P-50 at van-9 is now -2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			places := app.PlaceNames{Location: func(id app.LocationID) string { return locations[id] }}
			v := conflictOn(translations.For(c.lang), c.cf, nil, func(app.TechnicianID) string { return "" }, nil, nil, places, true)
			if !strings.Contains(v.What, c.want) {
				t.Errorf("what = %q, want it to say %q", v.What, c.want)
			}
		})
	}
}

// storeOldConflict writes cf into tenant's conflicts as an older service
// stored it: the service raises only today's.
func storeOldConflict(t *testing.T, tc *testConsole, tenant string, cf app.Conflict) {
	t.Helper()
	driver, dsn, q := "sqlite", "file:"+tc.db.Path()+"?_pragma=busy_timeout(10000)", `INSERT INTO entities (tenant, kind, id, ticket_id, data) VALUES (?, 'conflict', ?, ?, ?)`
	if tc.cfg.Postgres != "" {
		driver, dsn, q = "pgx", tc.cfg.Postgres, `INSERT INTO entities (tenant, kind, id, ticket_id, data) VALUES ($1, 'conflict', $2, $3, $4)`
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	data, err := json.Marshal(cf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(t.Context(), q, tenant, cf.ID, string(cf.Ticket), string(data)); err != nil {
		t.Fatal(err)
	}
}

// TestConflictNamesShipmentsStoredByID: a unit's conflict stored with a
// shipment's ID (before the service named places) shows the shipment's
// tracking label, or "a shipment" when the tenant has no such shipment,
// never the ID, in English and Chinese, on SQLite and PostgreSQL; its
// location by name too.
func TestConflictNamesShipmentsStoredByID(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		supplyFixture(t, tc)
		mutate(t, tc, "t1", &app.SendShipment{Shipment: app.Shipment{ID: "sh-old-1", Kind: app.ShipmentSupply, From: "wh", To: "s1", Carrier: "Post",
			Tracking: "1Z-TRACK-7", Lines: []app.ShipmentLine{{Part: "P-1", Qty: 1}}}})
		for i, other := range []string{"sh-old-1", "sh-old-gone"} {
			storeOldConflict(t, tc, "t1", app.Conflict{ID: fmt.Sprintf("cf-old-%d", i), Kind: app.ConflictNegativeStock, Ticket: "tk-1", Technician: "tech-1",
				Field: "P-1", Theirs: "-1", Code: app.ECONFLICT, Key: "conflict.serial_elsewhere_shipment", At: testStart.Add(-time.Hour),
				Message: "Unit {{.Serial}} of {{.Part}} is recorded in shipment {{.Other}}, not at {{.Location}}: check which has it and correct the other.",
				Data:    map[string]any{"Serial": fmt.Sprintf("SN-%d", i), "Part": "P-1", "Location": "s1", "Other": other, "Place": "shipment"}})
		}
		cl := tc.signIn(t, "dispatcher@t1")
		for lang, want := range map[string][]string{
			"en":      {"Unit SN-0 of P-1 is recorded in shipment 1Z-TRACK-7, not at Store One", "Unit SN-1 of P-1 is recorded in a shipment, not at Store One"},
			"zh-Hans": {"P-1 的部件 SN-0 记录在发货单 1Z-TRACK-7 中，而不在 Store One", "P-1 的部件 SN-1 记录在某个发货单中，而不在 Store One"},
		} {
			if err := tc.db.SetConsoleLanguage(t.Context(), "t1", "dispatcher@t1", lang); err != nil {
				t.Fatal(err)
			}
			status, body := cl.get(t, "/conflicts")
			if status != http.StatusOK {
				t.Fatalf("%s: GET /conflicts: %d", lang, status)
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: the inbox lacks %q", lang, w)
				}
			}
			if strings.Contains(body, "sh-old-") {
				t.Errorf("%s: the inbox shows a shipment's ID", lang)
			}
		}
	})
}

// TestConflictShowsWhyTheTicketWasCancelled: work held because its
// ticket was cancelled shows the cancel's reason beside it, what
// dispatch weighs to apply the work after all or drop it.
func TestConflictShowsWhyTheTicketWasCancelled(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		one := tc.pairDevice(t, "t1", "tech-1")
		tc.advance(time.Minute)
		tc.dispatch(t, "t1", &app.TransitionTicket{Action: app.ActionCancel, Ticket: "tk-1", Epoch: 1, Reason: "customer fixed it <b>"})
		tc.advance(time.Minute)
		held := startCancelled(t, one)
		_, body := tc.signIn(t, "dispatcher@t1").get(t, "/conflicts")
		card := conflictCard(t, body, held)
		for _, want := range []string{"after it was cancelled", "<dt>Why it was cancelled</dt><dd>customer fixed it &lt;b&gt;</dd>"} {
			if !strings.Contains(card, want) {
				t.Errorf("the held work's card lacks %q:\n%s", want, card)
			}
		}
	})
}

// TestConflictNamesPeople: who cancelled the ticket under held work
// ("Changed by") and who decided a conflict are named as people know
// them, a console user by their name with the login in the title, not
// as the service records them ("console:<login>"); where two people on
// the page share a name, each login stands beside it.
func TestConflictNamesPeople(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		// A second dispatcher named as the first.
		if err := tc.db.CreateConsoleUser(ctx, central.ConsoleUser{Login: "namesake@t1", Tenant: "t1", Name: "User dispatcher", Role: string(RoleDispatcher)}, testPassword); err != nil {
			t.Fatal(err)
		}
		one := tc.pairDevice(t, "t1", "tech-1")
		tc.advance(time.Minute)
		m := mustMutation(t, &app.TransitionTicket{Action: app.ActionCancel, Ticket: "tk-1", Epoch: 1, Reason: "customer fixed it"}, tc.clock())
		if err := tc.db.ApplyAdmin(ctx, central.Principal{Tenant: "t1", Role: app.RoleDispatcher, Name: consoleActor + "dispatcher@t1"}, m); err != nil {
			t.Fatal(err)
		}
		tc.advance(time.Minute)
		held := startCancelled(t, one)
		_, body := tc.signIn(t, "dispatcher@t1").get(t, "/conflicts")
		if c := conflictCard(t, body, held); !strings.Contains(c, `<dt>Changed by</dt><dd><span title="dispatcher@t1">User dispatcher</span></dd>`) || strings.Contains(c, "console:") {
			t.Errorf("the held work's card does not name who cancelled as a person:\n%s", c)
		}
		// The namesake drops the held work: both are on the page now.
		cl := tc.signIn(t, "namesake@t1")
		if status, body := cl.post(t, "/conflicts/"+url.PathEscape(held)+"/resolve", url.Values{"resolution": {app.ResolveAcceptTheirs}, "state": {"open"}}); status != http.StatusSeeOther {
			t.Fatalf("decide: status %d\n%s", status, body)
		}
		_, body = cl.get(t, "/conflicts?state=all")
		c := conflictCard(t, body, held)
		for _, want := range []string{`<span title="dispatcher@t1">User dispatcher (dispatcher@t1)</span>`, `<span title="namesake@t1">User dispatcher (namesake@t1)</span>`} {
			if !strings.Contains(c, want) {
				t.Errorf("two people named alike are not told apart: the card lacks %q:\n%s", want, c)
			}
		}
	})
}

// TestConflictNamesAnAPIToken: work held on a ticket an integration
// cancelled through the API says the change came from an API token, not
// only the token's bare name.
func TestConflictNamesAnAPIToken(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		if _, err := tc.db.CreateAdminToken(ctx, "t1", "ops-script"); err != nil {
			t.Fatal(err)
		}
		one := tc.pairDevice(t, "t1", "tech-1")
		tc.advance(time.Minute)
		m := mustMutation(t, &app.TransitionTicket{Action: app.ActionCancel, Ticket: "tk-1", Epoch: 1, Reason: "duplicate"}, tc.clock())
		if err := tc.db.ApplyAdmin(ctx, central.Principal{Tenant: "t1", Role: app.RoleDispatcher, Name: "ops-script"}, m); err != nil {
			t.Fatal(err)
		}
		tc.advance(time.Minute)
		held := startCancelled(t, one)
		_, body := tc.signIn(t, "dispatcher@t1").get(t, "/conflicts")
		card := conflictCard(t, body, held)
		if want := `<dt>Changed by</dt><dd><span title="ops-script">ops-script (an API token)</span></dd>`; !strings.Contains(card, want) {
			t.Errorf("the held work's card lacks %q:\n%s", want, card)
		}
	})
}

// startCancelled has dev start tk-1 at epoch 1, which dispatch cancelled:
// the work is held, and its conflict's ID is returned.
func startCancelled(t *testing.T, dev *device) string {
	t.Helper()
	held := dev.push(t, "ticket.start", map[string]any{"ticket": "tk-1", "epoch": 1})
	if held == "" {
		t.Fatal("work on the cancelled ticket was applied")
	}
	return held
}

// conflictCard is the conflicts page's card of the conflict id, from its
// id to the end of its item.
func conflictCard(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="cf-`+id+`"`)
	if i < 0 {
		t.Fatalf("the inbox lacks the conflict %s:\n%s", id, body)
	}
	card, _, _ := strings.Cut(body[i:], "</li>")
	return card
}

// TestConflictsDropAsksFirst: dropping a technician's held change throws
// their work away for good, so its button only opens the question, and
// the red button under it decides; the other decisions stay one click.
func TestConflictsDropAsksFirst(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		field, stale, _ := conflictWorld(t, tc)
		_, body := tc.signIn(t, "dispatcher@t1").get(t, "/conflicts")
		card := func(id string) string {
			i := strings.Index(body, `<li id="cf-`+id+`"`)
			if i < 0 {
				t.Fatalf("no card for %s", id)
			}
			j := strings.Index(body[i:], "</li>")
			return body[i : i+j]
		}
		c := card(stale)
		want := `<details class="cf-confirm"><summary class="danger-link">Drop the change</summary>
<p>The technician&#39;s change will not be applied, and this cannot be undone. The conflict stays under Decided.</p><button type="submit" name="resolution" value="dismissed" class="danger">Yes, drop the change</button></details>`
		if !strings.Contains(c, want) {
			t.Errorf("the held change's drop does not ask first:\n%s", c)
		}
		if n := strings.Count(c, `value="dismissed"`); n != 1 {
			t.Errorf("the held change's card has %d dismiss buttons, want the confirmed one only:\n%s", n, c)
		}
		if f := card(field); strings.Contains(f, "<details") || !strings.Contains(f, `value="dismissed" class="secondary">Leave the value in force</button>`) {
			t.Errorf("the field conflict's decisions are not one click:\n%s", f)
		}
	})
}
