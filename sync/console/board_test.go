package console

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// dispatch applies cmd to tenant as the office's API would (a test's
// stand-in for a dispatcher or device elsewhere).
func (tc *testConsole) dispatch(t testing.TB, tenant string, cmd app.Command) {
	t.Helper()
	m, err := app.NewMutation(cmd, tc.clock())
	if err != nil {
		t.Fatal(err)
	}
	if err := tc.db.ApplyAdmin(context.Background(), central.Principal{Tenant: tenant, Role: app.RoleDispatcher, Name: "test"}, m); err != nil {
		t.Fatalf("%s: %v", m.FullName(), err)
	}
}

func (tc *testConsole) ticketNow(t testing.TB, tenant string, id app.TicketID) app.Ticket {
	t.Helper()
	d, err := tc.db.TicketDetail(context.Background(), tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	return d.Ticket
}

// scheduleFixture gives t1's tickets windows and SLAs around testStart:
// FB-1 today 10:00–12:00, due in 2 h (amber); FB-2 overdue by an hour
// (red); FB-3 due in 3 days.
func (tc *testConsole) scheduleFixture(t testing.TB) {
	t.Helper()
	for _, s := range []struct {
		id        app.TicketID
		from      time.Duration
		resolveBy time.Duration
	}{{"tk-1", time.Hour, 2 * time.Hour}, {"tk-2", -3 * time.Hour, -time.Hour}, {"tk-3", 48 * time.Hour, 72 * time.Hour}} {
		tc.dispatch(t, "t1", &app.ScheduleTicket{Ticket: s.id, WindowStart: testStart.Add(s.from), WindowEnd: testStart.Add(s.from + 2*time.Hour), ResolveBy: testStart.Add(s.resolveBy)})
	}
}

// cardClass finds the class of ticket number's card on a board page.
func cardClass(body, number string) string {
	m := regexp.MustCompile(`<li class="card ([^"]*)"[^>]*>\s*<p class="card-top"><a href="[^"]*" class="card-number">` + regexp.QuoteMeta(number) + `<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// lane returns the HTML of the lane titled title (up to the next lane).
func lane(body, title string) string {
	loc := regexp.MustCompile(`<h2 id="lane-[^"]*">` + regexp.QuoteMeta(title)).FindStringIndex(body)
	if loc == nil {
		return ""
	}
	i := loc[0]
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func TestBoardLanesFiltersAndSLA(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		tc.scheduleFixture(t)
		cl := tc.signIn(t, "dispatcher@t1")
		status, body := cl.get(t, "/board")
		if status != http.StatusOK {
			t.Fatalf("/board: %d\n%s", status, body)
		}
		for number, class := range map[string]string{"FB-1": "sla-soon", "FB-2": "sla-overdue", "FB-3": "sla-ok"} {
			if got := cardClass(body, number); got != class {
				t.Errorf("%s's card has class %q, want %q", number, got, class)
			}
		}
		if l := lane(body, "Tech One"); !strings.Contains(l, "FB-1") || !strings.Contains(l, "1 open · 0 overdue") || strings.Contains(l, "FB-2") {
			t.Errorf("Tech One's lane:\n%s", l)
		}
		if l := lane(body, "Tech Two"); !strings.Contains(l, "FB-2") || !strings.Contains(l, "1 open · 1 overdue") {
			t.Errorf("Tech Two's lane:\n%s", l)
		}
		if l := lane(body, "Unassigned"); !strings.Contains(l, "FB-3") || strings.Contains(l, "FB-1") {
			t.Errorf("the unassigned lane:\n%s", l)
		}
		// The due time after the countdown is grey (muted), the countdown
		// in its SLA's colour.
		if !strings.Contains(body, `Overdue by 1 h <span class="muted">(`) || !strings.Contains(body, `Due in 2 h <span class="muted">(`) || !strings.Contains(body, `Due in 3 d <span class="muted">(`) {
			t.Errorf("countdowns missing:\n%s", body)
		}
		for _, c := range []struct {
			query    string
			see, not []string
		}{
			{"range=overdue", []string{"FB-2"}, []string{"FB-1", "FB-3"}},
			{"range=today", []string{"FB-1", "FB-2"}, []string{"FB-3"}},
			{"range=week", []string{"FB-1", "FB-2", "FB-3"}, nil},
			{"technician=-", []string{"FB-3"}, []string{"FB-1", "FB-2"}},
			{"technician=tech-2", []string{"FB-2"}, []string{"FB-1", "FB-3"}},
			{"store=s2", []string{"FB-2"}, []string{"FB-1", "FB-3"}},
			{"q=b-1", []string{"FB-1"}, []string{"FB-2", "FB-3"}}, // a whole number opens the ticket (TestTicketByItsNumber)
			{"q=Customer+FB-3", []string{"FB-3"}, []string{"FB-1", "FB-2"}},
			{"q=0000+0000", []string{"FB-1", "FB-2", "FB-3"}, nil},
			{"status=assigned&view=status", []string{"FB-1", "FB-2", "FB-3"}, nil},
			{"status=closed", nil, []string{"FB-1", "FB-2", "FB-3"}},
		} {
			status, body := cl.get(t, "/board?"+c.query)
			if status != http.StatusOK {
				t.Fatalf("/board?%s: %d\n%s", c.query, status, body)
			}
			for _, n := range c.see {
				if !strings.Contains(body, ">"+n+"<") {
					t.Errorf("/board?%s lacks %s", c.query, n)
				}
			}
			for _, n := range c.not {
				if strings.Contains(body, ">"+n+"<") {
					t.Errorf("/board?%s shows %s", c.query, n)
				}
			}
		}
		// A technician with open tickets but none on the page is a line
		// with their counts, not an empty lane.
		_, body = cl.get(t, "/board?range=overdue")
		if lane(body, "Tech One") != "" || !strings.Contains(body, `<a href="/board?technician=tech-1">Tech One</a> <span class="lane-counts">1 open · 0 overdue</span>`) {
			t.Errorf("Tech One on the overdue board:\n%s", body)
		}
		// The status view: one column per open status, with its count.
		_, body = cl.get(t, "/board?view=status")
		if l := lane(body, "Assigned"); !strings.Contains(l, "3 tickets") || !strings.Contains(l, "FB-1") {
			t.Errorf("the Assigned column:\n%s", l)
		}
		// The fragment is the lanes only, for board.js.
		status, body = cl.get(t, "/board?range=overdue&fragment=1")
		if status != http.StatusOK || strings.Contains(body, "<html") || !strings.Contains(body, ">FB-2<") || strings.Contains(body, ">FB-1<") {
			t.Errorf("fragment: %d\n%s", status, body)
		}
		// Bad filters are refused in words, nothing shown.
		for _, q := range []string{"status=bogus", "technician=a%0Ab", "after=garbage", "q=" + strings.Repeat("x", 101)} {
			if status, body := cl.get(t, "/board?"+q); status != http.StatusBadRequest || strings.Contains(body, ">FB-1<") {
				t.Errorf("/board?%s: status %d, want 400", q, status)
			}
		}
		// A store manager sees their store only, whatever the URL asks.
		mg := tc.signIn(t, "manager@t1")
		_, body = mg.get(t, "/board?store=s2")
		if strings.Contains(body, ">FB-2<") || !strings.Contains(body, ">FB-1<") || strings.Contains(body, `name="store"`) {
			t.Errorf("store manager's board with store=s2:\n%s", body)
		}
	})
}

// loadBulkTickets loads five more tickets than the board's page holds,
// FB-B000 to FB-B204, all tech-1's, each due a minute after the one
// before.
func loadBulkTickets(t *testing.T, tc *testConsole) {
	t.Helper()
	var ds app.Dataset
	for i := range central.BoardDefaultLimit + 5 {
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(fmt.Sprintf("bulk-%03d", i)), Number: fmt.Sprintf("FB-B%03d", i),
			Kind: app.KindOnSite, Product: app.Product{Category: app.CategoryPhone}, Customer: app.Customer{Name: "Bulk", Address: "1 Bulk Road"}, Priority: app.PriorityNormal,
			Status: app.StatusAssigned, Epoch: 1, Technician: "tech-1", Store: "s1", ResolveBy: testStart.Add(time.Duration(i) * time.Minute), CreatedAt: testStart, UpdatedAt: testStart}})
	}
	if err := tc.db.LoadDataset(context.Background(), "t1", ds); err != nil {
		t.Fatal(err)
	}
}

func TestBoardPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		loadBulkTickets(t, tc)
		cl := tc.signIn(t, "dispatcher@t1")
		_, body := cl.get(t, "/board?technician=tech-1")
		if !strings.Contains(body, ">FB-B000<") || strings.Contains(body, ">FB-B204<") {
			t.Fatalf("first page: FB-B000 missing or FB-B204 shown")
		}
		m := regexp.MustCompile(`<a href="(/board\?[^"]*after=[^"]*)">Next page</a>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no next page link")
		}
		next := strings.ReplaceAll(m[1], "&amp;", "&")
		_, body = cl.get(t, next)
		if !strings.Contains(body, ">FB-B204<") || strings.Contains(body, ">FB-B000<") || strings.Contains(body, "Next page") || !strings.Contains(body, "First page") {
			t.Errorf("second page (%s) wrong:\n%s", next, body)
		}
	})
}

// sse is a test's reader of /board/events.
type sse struct {
	resp *http.Response
	r    *bufio.Reader
}

func (cl *client) events(t *testing.T) *sse {
	t.Helper()
	return cl.eventsFrom(t, "/board/events", "")
}

// eventsFrom opens the stream at path, sending lastID as the browser's
// Last-Event-ID when it is not "".
func (cl *client) eventsFrom(t *testing.T, path, lastID string) *sse {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, cl.tc.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	hc := *cl.hc
	hc.Timeout = 0 // the stream's own bounds end it; next's deadline bounds the test
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("/board/events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return &sse{resp: resp, r: bufio.NewReader(resp.Body)}
}

// next returns the next event's name and data ("" and "" when the stream
// ends), failing after 10 s. Comments (heartbeats) come back as ":".
func (e *sse) next(t *testing.T) (string, string) {
	t.Helper()
	type ev struct{ name, data string }
	got := make(chan ev, 1)
	go func() {
		var name, data string
		for {
			line, err := e.r.ReadString('\n')
			if err != nil {
				got <- ev{}
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "":
				if name != "" || data != "" {
					got <- ev{name, data}
					return
				}
			case strings.HasPrefix(line, "retry: "):
				name = "retry"
			case strings.HasPrefix(line, ":"):
				got <- ev{":", ""}
				return
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	select {
	case x := <-got:
		return x.name, x.data
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return "", ""
}

func TestBoardEvents(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		dc := tc.signIn(t, "dispatcher@t1")
		mg := tc.signIn(t, "manager@t1")
		other := tc.signIn(t, "dispatcher@t2")
		de, me, oe := dc.events(t), mg.events(t), other.events(t)
		for _, e := range []*sse{de, me, oe} {
			if name, _ := e.next(t); name != "retry" {
				t.Fatalf("first frame %q", name)
			}
		}
		// A change of store s2's ticket reaches the dispatcher, not the
		// manager of s1; then one of s1's reaches both; t2 hears none.
		tc.dispatch(t, "t1", &app.ScheduleTicket{Ticket: "tk-2", WindowStart: testStart, WindowEnd: testStart.Add(time.Hour)})
		tc.dispatch(t, "t1", &app.ScheduleTicket{Ticket: "tk-1", WindowStart: testStart, WindowEnd: testStart.Add(time.Hour)})
		if name, data := de.next(t); name != "tickets" || data != "FB-2" {
			t.Errorf("dispatcher's first event %q %q, want tickets FB-2", name, data)
		}
		if name, data := de.next(t); name != "tickets" || data != "FB-1" {
			t.Errorf("dispatcher's second event %q %q, want tickets FB-1", name, data)
		}
		if name, data := me.next(t); name != "tickets" || data != "FB-1" {
			t.Errorf("store manager's event %q %q, want tickets FB-1 only", name, data)
		}
		tc.dispatch(t, "t2", &app.ScheduleTicket{Ticket: "tk-9", WindowStart: testStart, WindowEnd: testStart.Add(time.Hour)})
		if name, data := oe.next(t); name != "tickets" || data != "FB-9" {
			t.Errorf("t2's event %q %q, want only its own FB-9", name, data)
		}
	})
}

// TestBoardEventsEnd: the stream sends heartbeats, ends with its bounded
// life, and ends once the session is signed out.
func TestBoardEventsEnd(t *testing.T) {
	hb, life := boardHeartbeat, boardStreamLife
	t.Cleanup(func() { boardHeartbeat, boardStreamLife = hb, life })
	boardHeartbeat, boardStreamLife = 50*time.Millisecond, 2*time.Second
	tc := newTestConsole(t, "sqlite")
	cl := tc.signIn(t, "dispatcher@t1")
	e := cl.events(t)
	e.next(t) // retry:
	if name, _ := e.next(t); name != ":" {
		t.Fatalf("want a heartbeat, got %q", name)
	}
	start := time.Now()
	for {
		name, _ := e.next(t)
		if name == "" {
			break
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the stream lived %v past its bound", d)
	}
	e = cl.events(t)
	e.next(t)
	if status, _ := cl.post(t, "/signout", nil); status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", status)
	}
	for i := 0; ; i++ {
		name, _ := e.next(t)
		if name == "" {
			break
		}
		if i > 3 {
			t.Fatal("the stream outlives its session")
		}
	}
	if status, _ := cl.get(t, "/board/events"); status != http.StatusSeeOther {
		t.Errorf("events without a session: %d, want a redirect to sign in", status)
	}
}

// TestBoardEventsEndAtShutdown: Close (the server shutting down) ends an
// open stream at once, long before its heartbeat or its life would.
func TestBoardEventsEndAtShutdown(t *testing.T) {
	hb, life := boardHeartbeat, boardStreamLife
	t.Cleanup(func() { boardHeartbeat, boardStreamLife = hb, life })
	boardHeartbeat, boardStreamLife = time.Hour, time.Hour
	tc := newTestConsole(t, "sqlite")
	e := tc.signIn(t, "dispatcher@t1").events(t)
	e.next(t) // retry:
	start := time.Now()
	tc.c.Close()
	tc.c.Close() // twice is harmless: the server may call it more than once
	if name, _ := e.next(t); name != "" {
		t.Fatalf("after Close the stream sent %q", name)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the stream ended %v after Close", d)
	}
}

// shownFields reads the hidden epoch and shown of an action form.
func shownFields(t *testing.T, body string) url.Values {
	t.Helper()
	e := regexp.MustCompile(`name="epoch" value="(\d+)"`).FindStringSubmatch(body)
	s := regexp.MustCompile(`name="shown" value="(\d+)"`).FindStringSubmatch(body)
	if e == nil || s == nil {
		t.Fatalf("form without epoch and shown:\n%s", body)
	}
	return url.Values{"epoch": {e[1]}, "shown": {s[1]}}
}

func merge(a, b url.Values) url.Values {
	out := url.Values{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func TestBoardActions(t *testing.T) {
	window := url.Values{"date": {"2026-11-28"}, "start": {"09:00"}, "end": {"11:00"}, "priority": {"2"}}
	actions := []struct {
		action string
		form   url.Values
		bad    url.Values
		check  func(t *testing.T, tk app.Ticket)
		prep   func(t *testing.T, tc *testConsole) // brings tk-1 to a state the action starts from
	}{
		{action: "assign", form: url.Values{"technician": {"tech-2"}, "store": {"s1"}}, bad: url.Values{"technician": {"tech-x"}, "store": {"s1"}},
			check: func(t *testing.T, tk app.Ticket) {
				if tk.Technician != "tech-2" || tk.Epoch != 2 {
					t.Errorf("after assign: %s epoch %d", tk.Technician, tk.Epoch)
				}
			}},
		{action: "schedule", form: window, bad: url.Values{"date": {"2026-11-28"}, "start": {"11:00"}, "end": {"09:00"}, "priority": {"2"}},
			check: func(t *testing.T, tk app.Ticket) {
				if !tk.WindowStart.Equal(time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)) || tk.Priority != app.PriorityHigh {
					t.Errorf("after schedule: %v %d", tk.WindowStart, tk.Priority)
				}
			}},
		{action: "cancel", form: url.Values{"reason": {"customer called off"}}, bad: url.Values{"reason": {" "}},
			check: func(t *testing.T, tk app.Ticket) {
				if tk.Status != app.StatusCancelled || tk.StatusReason != "customer called off" {
					t.Errorf("after cancel: %s %q", tk.Status, tk.StatusReason)
				}
			}},
		{action: "reopen", form: url.Values{"reason": {"rework"}}, bad: url.Values{"reason": {""}},
			prep: func(t *testing.T, tc *testConsole) {
				tc.dispatch(t, "t1", &app.TransitionTicket{Action: app.ActionStart, Ticket: "tk-1", Epoch: 1})
				tc.dispatch(t, "t1", &app.TransitionTicket{Action: app.ActionFail, Ticket: "tk-1", Epoch: 1, Reason: "no part"})
			},
			check: func(t *testing.T, tk app.Ticket) {
				if tk.Status != app.StatusAssigned || tk.StatusReason != "rework" {
					t.Errorf("after reopen: %s %q", tk.Status, tk.StatusReason)
				}
			}},
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, a := range actions {
			t.Run(backend+"/"+a.action, func(t *testing.T) {
				tc := newTestConsole(t, backend)
				if a.prep != nil {
					a.prep(t, tc)
				}
				path := "/tickets/tk-1/" + a.action
				dc := tc.signIn(t, "dispatcher@t1")
				status, page := dc.get(t, path)
				if status != http.StatusOK {
					t.Fatalf("GET %s: %d\n%s", path, status, page)
				}
				shown := shownFields(t, page)
				before := tc.ticketNow(t, "t1", "tk-1")
				unchanged := func(what string) {
					t.Helper()
					if now := tc.ticketNow(t, "t1", "tk-1"); !now.UpdatedAt.Equal(before.UpdatedAt) || now.Epoch != before.Epoch {
						t.Fatalf("%s changed the ticket", what)
					}
				}
				// Refusals first: each changes nothing.
				for _, r := range []struct {
					login, path string
					want        int
				}{
					{"clerk@t1", path, http.StatusForbidden},
					{"dispatcher@t2", path, http.StatusNotFound},
					{"manager@t1", "/tickets/tk-2/" + a.action, http.StatusNotFound},
					{"dispatcher@t1", "/tickets/no-such/" + a.action, http.StatusNotFound},
				} {
					cl := tc.signIn(t, r.login)
					if status, body := cl.post(t, r.path, merge(a.form, shown)); status != r.want {
						t.Errorf("%s POST %s: %d, want %d\n%s", r.login, r.path, status, r.want, body)
					}
					if status, _ := cl.get(t, r.path); status != r.want {
						t.Errorf("%s GET %s: %d, want %d", r.login, r.path, status, r.want)
					}
					unchanged(r.login)
				}
				// Another tenant's ticket is answered as a missing one.
				if _, other := tc.signIn(t, "dispatcher@t2").get(t, path); !strings.Contains(other, "There is no ticket tk-1 here") {
					t.Errorf("another tenant's ticket is not answered as a missing one:\n%s", other)
				}
				if status, _ := dc.postNoCSRF(t, path, merge(a.form, shown)); status != http.StatusForbidden {
					t.Errorf("no CSRF: %d, want 403", status)
				}
				unchanged("no CSRF")
				if status, body := dc.post(t, path, merge(a.bad, shown)); status != http.StatusBadRequest || !strings.Contains(body, `class="error"`) {
					t.Errorf("bad input: %d, want 400 with the message\n%s", status, body)
				}
				unchanged("bad input")
				stale := merge(shown, url.Values{"shown": {fmt.Sprint(before.UpdatedAt.UnixNano() - 1)}})
				if status, body := dc.post(t, path, merge(a.form, stale)); status != http.StatusConflict || !strings.Contains(body, "has changed since you opened this form") {
					t.Errorf("stale form: %d, want 409 and the explanation\n%s", status, body)
				} else if got := shownFields(t, body); got.Get("shown") != shown.Get("shown") {
					t.Errorf("the stale form is not drawn over the ticket as it is now")
				}
				unchanged("stale form")
				// The action itself.
				if status, body := dc.post(t, path, merge(a.form, shown)); status != http.StatusSeeOther || dc.location != "/board" {
					t.Fatalf("POST %s: %d to %q\n%s", path, status, dc.location, body)
				}
				a.check(t, tc.ticketNow(t, "t1", "tk-1"))
				if _, body := dc.get(t, "/board"); !strings.Contains(body, `class="flash"`) || !strings.Contains(body, "FB-1") {
					t.Errorf("no flash after %s", a.action)
				}
				audit, err := tc.db.Audit(context.Background(), "t1", 10)
				if err != nil {
					t.Fatal(err)
				}
				if len(audit) == 0 || audit[0].Login != "dispatcher@t1" || audit[0].Target != "tk-1" || !strings.HasPrefix(audit[0].Action, "ticket.") {
					t.Errorf("audit: %+v", audit)
				}
				// The same form again is now stale.
				if status, _ := dc.post(t, path, merge(a.form, shown)); status != http.StatusConflict {
					t.Errorf("the old form sent again: %d, want 409", status)
				}
			})
		}
	}
}

func TestNewTicket(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		form := url.Values{"name": {"Li Lei"}, "phone": {"139 1234 5678"}, "address": {"2 Street"}, "category": {"phone"}, "brand": {"Huawei"},
			"model": {"Mate 60"}, "serial": {"SN-NEW-1"}, "fault": {"no power"}, "kind": {"on_site"}, "priority": {"1"}, "store": {"s1"},
			"technician": {"tech-1"}, "date": {"2026-11-27"}, "start": {"13:00"}, "end": {"15:00"}, "resolve_date": {"2026-11-28"}, "resolve_time": {"18:00"}}
		dc := tc.signIn(t, "dispatcher@t1")
		if status, body := dc.get(t, "/tickets/new"); status != http.StatusOK || !strings.Contains(body, `<label for="n-name">`) {
			t.Fatalf("GET /tickets/new: %d", status)
		}
		count := func(tenant string) int {
			ts, err := tc.db.Tickets(context.Background(), tenant, "")
			if err != nil {
				t.Fatal(err)
			}
			return len(ts)
		}
		for _, r := range []struct {
			name string
			cl   *client
			form url.Values
			csrf bool
			want int
		}{
			{"parts clerk", tc.signIn(t, "clerk@t1"), form, true, http.StatusForbidden},
			{"no CSRF", dc, form, false, http.StatusForbidden},
			{"no customer", dc, merge(form, url.Values{"name": {""}}), true, http.StatusBadRequest},
			{"other tenant's technician", dc, merge(form, url.Values{"technician": {"tech-x"}}), true, http.StatusBadRequest},
			{"no such store", dc, merge(form, url.Values{"store": {"wh"}}), true, http.StatusBadRequest},
			{"bad window", dc, merge(form, url.Values{"end": {"12:00"}}), true, http.StatusBadRequest},
			{"bad priority", dc, merge(form, url.Values{"priority": {"9"}}), true, http.StatusBadRequest},
			// The customer is checked as everywhere a ticket is opened
			// (app.CheckNewCustomer).
			{"a phone that is none", dc, merge(form, url.Values{"phone": {"ask his wife"}}), true, http.StatusBadRequest},
			{"a visit without an address", dc, merge(form, url.Values{"address": {""}}), true, http.StatusBadRequest},
			{"manager, technician of another store", tc.signIn(t, "manager@t1"), merge(form, url.Values{"technician": {"tech-2"}}), true, http.StatusBadRequest},
		} {
			var status int
			var body string
			if r.csrf {
				status, body = r.cl.post(t, "/tickets/new", r.form)
			} else {
				status, body = r.cl.postNoCSRF(t, "/tickets/new", r.form)
			}
			if status != r.want {
				t.Errorf("%s: %d, want %d\n%s", r.name, status, r.want, body)
			}
			if status == http.StatusBadRequest && !strings.Contains(body, `value="Li Lei"`) && r.form.Get("name") != "" {
				t.Errorf("%s: the refused form lost what was typed", r.name)
			}
			if n := count("t1"); n != 3 {
				t.Fatalf("%s: t1 has %d tickets, want 3", r.name, n)
			}
		}
		if status, body := dc.post(t, "/tickets/new", form); status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", status, body)
		}
		b, err := tc.db.Board(context.Background(), central.BoardQuery{Tenant: "t1", Search: "SN-NEW-1"})
		if err != nil || len(b.Tickets) != 1 {
			t.Fatalf("the new ticket is not on the board: %v %+v", err, b)
		}
		nt := tc.ticketNow(t, "t1", b.Tickets[0].ID)
		if nt.Technician != "tech-1" || nt.Store != "s1" || nt.Priority != app.PriorityUrgent || nt.Customer.Phone != "139 1234 5678" ||
			!nt.WindowStart.Equal(time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC)) || !nt.ResolveBy.Equal(time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)) ||
			!strings.HasPrefix(nt.Number, "D-261127-") {
			t.Errorf("new ticket: %+v", nt)
		}
		// A store manager's ticket goes to their store whatever the form says.
		mg := tc.signIn(t, "manager@t1")
		if status, body := mg.post(t, "/tickets/new", merge(form, url.Values{"store": {"s2"}, "serial": {"SN-NEW-2"}})); status != http.StatusSeeOther {
			t.Fatalf("manager create: %d\n%s", status, body)
		}
		b, _ = tc.db.Board(context.Background(), central.BoardQuery{Tenant: "t1", Search: "SN-NEW-2"})
		if len(b.Tickets) != 1 || b.Tickets[0].Store != "s1" {
			t.Errorf("manager's ticket: %+v", b.Tickets)
		}
		if n := count("t2"); n != 1 {
			t.Errorf("t2 has %d tickets", n)
		}
	})
}

func TestTechnicianDay(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		tc.scheduleFixture(t)
		dc := tc.signIn(t, "dispatcher@t1")
		status, body := dc.get(t, "/technicians/tech-1/day?date=2026-11-27")
		if status != http.StatusOK || !strings.Contains(body, "<rect") || !strings.Contains(body, "FB-1 · Customer FB-1") ||
			!strings.Contains(body, `class="day-due"`) || !strings.Contains(body, `class="day-now"`) || strings.Contains(body, ">FB-2<") {
			t.Fatalf("tech-1's day: %d\n%s", status, body)
		}
		if _, body := dc.get(t, "/technicians/tech-1/day?date=2026-11-26"); strings.Contains(body, "<rect") || !strings.Contains(body, "Nothing booked") {
			t.Errorf("the day before holds tickets:\n%s", body)
		}
		for _, c := range []struct {
			login, path string
			want        int
		}{
			{"dispatcher@t1", "/technicians/tech-x/day", http.StatusNotFound},
			{"manager@t1", "/technicians/tech-2/day", http.StatusNotFound},
			{"manager@t1", "/technicians/tech-1/day", http.StatusOK},
			{"clerk@t1", "/technicians/tech-1/day", http.StatusOK},
			{"dispatcher@t1", "/technicians/tech-1/day?date=27.11.2026", http.StatusBadRequest},
		} {
			status, body := tc.signIn(t, c.login).get(t, c.path)
			if status != c.want {
				t.Errorf("%s %s: %d, want %d", c.login, c.path, status, c.want)
			}
			if c.want == http.StatusNotFound && !strings.Contains(body, "There is no technician") {
				t.Errorf("%s %s: not the missing one's answer\n%s", c.login, c.path, body)
			}
		}
	})
}

// TestBoardEscapesDeviceText: text a device can write shows as text on
// every page of the board.
func TestBoardEscapesDeviceText(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for i, evil := range []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`} {
			id := app.TicketID(fmt.Sprintf("tk-x%d", i))
			ds := app.Dataset{Tickets: []app.TicketDetail{{Ticket: app.Ticket{ID: id, Number: fmt.Sprintf("FB-X%d", i), Kind: app.KindOnSite,
				Product:  app.Product{Category: app.CategoryPhone, Brand: evil, Model: evil, Serial: "S" + fmt.Sprint(i)},
				Customer: app.Customer{Name: evil, Phone: "138 0000 0001", Address: evil}, Fault: evil, Priority: app.PriorityNormal, Status: app.StatusAssigned,
				Epoch: 1, Technician: "tech-1", Store: "s1", WindowStart: testStart, WindowEnd: testStart.Add(time.Hour), ResolveBy: testStart.Add(time.Hour),
				CreatedAt: testStart, UpdatedAt: testStart}}}}
			if err := tc.db.LoadDataset(context.Background(), "t1", ds); err != nil {
				t.Fatal(err)
			}
			dc := tc.signIn(t, "dispatcher@t1")
			for _, path := range []string{"/board", "/board?fragment=1", "/board?q=" + url.QueryEscape(evil), "/board?view=status",
				"/technicians/tech-1/day?date=2026-11-27", "/tickets/" + string(id) + "/assign", "/tickets/" + string(id) + "/cancel"} {
				status, body := dc.get(t, path)
				if status != http.StatusOK {
					t.Errorf("%s: %d", path, status)
				}
				if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
					t.Errorf("%s shows %q unescaped", path, evil)
				}
				if path != "/board?q="+url.QueryEscape(evil) && !strings.Contains(body, "alert(1)") {
					t.Errorf("%s does not show the text at all", path)
				}
			}
		}
	})
}

// TestBoardCardByStatus: a completed or failed ticket waits on dispatch:
// no countdown however late, no assign or reschedule (app.MayReassign),
// only reopen; an open one counts down and may be reassigned.
func TestBoardCardByStatus(t *testing.T) {
	cat := translations.For("en")
	now := testStart
	late := now.Add(-3 * time.Hour)
	for _, c := range []struct {
		status                       app.Status
		sla                          string
		reassign, cancel, reopenable bool
	}{
		{app.StatusInProgress, "overdue", true, true, false},
		{app.StatusAssigned, "overdue", true, true, false},
		{app.StatusCompleted, "", false, false, true},
		{app.StatusCannotComplete, "", false, false, true},
	} {
		cd := boardCardOf(cat, central.BoardTicket{ID: "tk-9", Number: "FB-9", Status: c.status, Open: true, ResolveBy: late}, "", now)
		if cd.SLA != c.sla || (cd.Countdown != "") != (c.sla != "") {
			t.Errorf("%s: SLA %q countdown %q, want SLA %q", c.status, cd.SLA, cd.Countdown, c.sla)
		}
		if cd.MayReassign != c.reassign || cd.MayCancel != c.cancel || cd.MayReopen != c.reopenable {
			t.Errorf("%s: reassign %v cancel %v reopen %v", c.status, cd.MayReassign, cd.MayCancel, cd.MayReopen)
		}
	}
	// Without a resolve-by the card counts down to respond-by, only
	// while the technician has not yet responded (app.SLADue).
	for st, want := range map[app.Status]string{app.StatusAssigned: "overdue", app.StatusEnRoute: "overdue", app.StatusInProgress: "", app.StatusOnSite: ""} {
		cd := boardCardOf(cat, central.BoardTicket{ID: "tk-9", Number: "FB-9", Status: st, Open: true, RespondBy: late}, "", now)
		if cd.SLA != want || (cd.Countdown != "") != (want != "") {
			t.Errorf("%s with respond-by 3 h ago and no resolve-by: SLA %q countdown %q, want SLA %q", st, cd.SLA, cd.Countdown, want)
		}
	}
}

// TestBoardCardShowsWhyItStandsStill: a card of a cancelled, failed or
// waiting ticket says why, as the technician's device does, so dispatch
// need not open the ticket to learn it; a ticket of another status does
// not repeat the reason of a step it has left (a reopened ticket's).
func TestBoardCardShowsWhyItStandsStill(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		tc.dispatch(t, "t1", &app.TransitionTicket{Action: app.ActionCancel, Ticket: "tk-2", Epoch: 1, Reason: "customer called off"})
		tc.dispatch(t, "t1", &app.TransitionTicket{Action: app.ActionStart, Ticket: "tk-3", Epoch: 1})
		tc.dispatch(t, "t1", &app.TransitionTicket{Action: app.ActionFail, Ticket: "tk-3", Epoch: 1, Reason: "no part <b>"})
		tc.dispatch(t, "t1", &app.TransitionTicket{Action: app.ActionStart, Ticket: "tk-1", Epoch: 1})
		tc.dispatch(t, "t1", &app.TransitionTicket{Action: app.ActionFail, Ticket: "tk-1", Epoch: 1, Reason: "no part"})
		tc.dispatch(t, "t1", &app.TransitionTicket{Action: app.ActionReopen, Ticket: "tk-1", Epoch: 1, Reason: "rework"})
		cl := tc.signIn(t, "dispatcher@t1")
		for _, c := range []struct{ query, want, not string }{
			{"status=cancelled", "Reason: customer called off", ""},
			{"status=cannot_complete", "Reason: no part &lt;b&gt;", ""},
			{"", "FB-1", "Reason: rework"},
		} {
			status, body := cl.get(t, "/board?"+c.query)
			if status != http.StatusOK {
				t.Fatalf("/board?%s: %d\n%s", c.query, status, body)
			}
			if !strings.Contains(body, c.want) {
				t.Errorf("/board?%s does not show %q:\n%s", c.query, c.want, body)
			}
			if c.not != "" && strings.Contains(body, c.not) {
				t.Errorf("/board?%s shows %q", c.query, c.not)
			}
		}
	})
}

// TestBoardRangeNotStatusWords: the When filter's "every date" is not
// worded as the Status filter's "all open" in any language: it does not
// choose open tickets, and beside Status "Cancelled" it read "When: All
// open".
func TestBoardRangeNotStatusWords(t *testing.T) {
	for _, lang := range translations.Languages() {
		cat := translations.For(lang)
		if when, status := cat.Text("console.board.range_all", "Any time", nil), cat.Text("console.board.all_open", "All open", nil); when == status {
			t.Errorf("%s: the When filter's every date reads %q, as the Status filter's all open", lang, when)
		}
	}
}

// TestBoardCountsTakePluralForms: the board's counts are written in the
// form their number takes in the session's language (the plural template
// function): one ticket is "1 ticket", French and Portuguese write 0 and
// 1 in the singular, English and Spanish only 1, Chinese has one form.
// They were "1 tickets", "1 ouverts", "0 atrasados".
func TestBoardCountsTakePluralForms(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		cl := tc.signIn(t, "dispatcher@t1")
		for _, c := range []struct {
			lang       string
			one, three string // ?technician=tech-1 (FB-1 only), and the whole board
			lane       string // Tech One's lane: one open, none overdue
		}{
			{"en", "1 of 1 ticket ·", "3 of 3 tickets ·", "1 open · 0 overdue"},
			{"fr", "1 sur 1 ticket ·", "3 sur 3 tickets ·", "1 ouvert · 0 en retard"},
			{"es", "1 de 1 orden ·", "3 de 3 órdenes ·", "1 abierta · 0 vencidas"},
			{"pt", "1 de 1 chamado ·", "3 de 3 chamados ·", "1 aberto · 0 atrasado"},
			{"zh-Hans", "共1个工单", "共3个工单", "1未结 · 0逾期"},
		} {
			if err := tc.db.SetConsoleLanguage(t.Context(), "t1", "dispatcher@t1", c.lang); err != nil {
				t.Fatal(err)
			}
			_, one := cl.get(t, "/board?technician=tech-1")
			_, all := cl.get(t, "/board")
			for _, w := range []struct{ page, want string }{{one, c.one}, {one, c.lane}, {all, c.three}} {
				if !strings.Contains(w.page, w.want) {
					t.Errorf("%s: the board lacks %q:\n%s", c.lang, w.want, mainOf(w.page))
				}
			}
		}
	})
}

// TestBoardStreamCatchesUpWithThePage: a change published between the
// board's render and its stream's subscription reached neither: the
// board showed the old status until the next change (the Chromium test
// of a device's push saw it under load). The page names what it was
// rendered after (since), the stream reloads at once when something was
// published since, and a reconnecting browser's Last-Event-ID counts as
// what it heard.
func TestBoardStreamCatchesUpWithThePage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		dc := tc.signIn(t, "dispatcher@t1")
		status, body := dc.get(t, "/board")
		if status != http.StatusOK {
			t.Fatalf("/board: %d", status)
		}
		m := regexp.MustCompile(`data-events="(/board/events\?since=[0-9]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the board names no stream with its since:\n%s", body)
		}
		events := html.UnescapeString(m[1])
		quiet := func(e *sse, why string) {
			t.Helper()
			if name, _ := e.next(t); name != "retry" {
				t.Fatalf("%s: first frame %q", why, name)
			}
			tc.dispatch(t, "t1", &app.ScheduleTicket{Ticket: "tk-1", WindowStart: testStart, WindowEnd: testStart.Add(2 * time.Hour)})
			if name, data := e.next(t); name != "tickets" || data != "FB-1" {
				t.Errorf("%s: first event %q %q, want the change that follows, tickets FB-1", why, name, data)
			}
		}
		// Nothing published since the render: the stream only follows.
		quiet(dc.eventsFrom(t, events, ""), "nothing since the render")

		// A change published after the render, before the subscription.
		tc.dispatch(t, "t1", &app.ScheduleTicket{Ticket: "tk-1", WindowStart: testStart, WindowEnd: testStart.Add(3 * time.Hour)})
		e := dc.eventsFrom(t, events, "")
		if name, _ := e.next(t); name != "retry" {
			t.Fatalf("first frame %q", name)
		}
		if name, _ := e.next(t); name != "reload" {
			t.Errorf("a change published between the render and the subscription: first event %q, want reload", name)
		}

		// Reconnecting, the browser's Last-Event-ID is what it heard: the
		// service's count now, nothing missed.
		seq := strconv.FormatUint(tc.db.EventSeq("t1"), 10)
		quiet(dc.eventsFrom(t, events, seq), "reconnected having heard everything")
	})
}

// TestBoardCardSaysAWindowWasMissed: a card whose visit window is over
// with the technician not there yet says to call the customer, as the
// technician's list does (app.WindowMissed); one still ahead does not,
// nor one whose work began, nor one on its way to a second visit.
func TestBoardCardSaysAWindowWasMissed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		tc.scheduleFixture(t) // FB-1's window is ahead, FB-2's ended an hour ago
		cl := tc.signIn(t, "dispatcher@t1")
		card := func(body, number string) string {
			m := regexp.MustCompile(`(?s)<li class="card [^"]*"[^>]*>\s*<p class="card-top"><a href="[^"]*" class="card-number">` + regexp.QuoteMeta(number) + `<.*?</li>`).FindString(body)
			if m == "" {
				t.Fatalf("no card for %s:\n%s", number, body)
			}
			return m
		}
		const missed = "missed: call the customer"
		_, body := cl.get(t, "/board")
		if c := card(body, "FB-2"); !strings.Contains(c, missed) {
			t.Errorf("FB-2's window ended an hour ago and its card does not say so:\n%s", c)
		}
		if c := card(body, "FB-1"); strings.Contains(c, missed) {
			t.Errorf("FB-1's window is ahead and its card says it was missed:\n%s", c)
		}
		tc.dispatch(t, "t1", &app.TransitionTicket{Action: app.ActionStart, Ticket: "tk-2", Epoch: 1})
		_, body = cl.get(t, "/board")
		if c := card(body, "FB-2"); strings.Contains(c, missed) {
			t.Errorf("FB-2's work began and its card still says the window was missed:\n%s", c)
		}
		// A visit whose window ended a day ago: on the way to it, missed;
		// begun, waiting for a part, and on the way back for a second
		// visit, not (the drive back was agreed with the customer).
		ds := app.Dataset{Tickets: []app.TicketDetail{{Ticket: app.Ticket{ID: "tk-v", Number: "FB-V", Kind: app.KindOnSite,
			Product: app.Product{Category: app.CategoryAppliance, Brand: "Haier", Model: "EG100", Serial: "SV1"}, Country: "CN",
			Customer: app.Customer{Name: "Visit", Phone: "138 0000 0002", Address: "2 Visit Road"}, Priority: app.PriorityNormal, Status: app.StatusAssigned,
			Epoch: 1, Technician: "tech-1", Store: "s1", WindowStart: testStart.Add(-26 * time.Hour), WindowEnd: testStart.Add(-24 * time.Hour),
			ResolveBy: testStart.Add(48 * time.Hour), CreatedAt: testStart.Add(-48 * time.Hour), UpdatedAt: testStart.Add(-48 * time.Hour)}}}}
		if err := tc.db.LoadDataset(t.Context(), "t1", ds); err != nil {
			t.Fatal(err)
		}
		step := func(a app.Action) {
			tc.dispatch(t, "t1", &app.TransitionTicket{Action: a, Ticket: "tk-v", Epoch: 1, Reason: "drain pump"})
		}
		step(app.ActionDepart)
		if _, body = cl.get(t, "/board"); !strings.Contains(card(body, "FB-V"), missed) {
			t.Errorf("FB-V on its way to a window that ended a day ago: its card does not say so:\n%s", card(body, "FB-V"))
		}
		step(app.ActionArrive)
		step(app.ActionStart)
		step(app.ActionWait)
		step(app.ActionDepart)
		if _, body = cl.get(t, "/board"); strings.Contains(card(body, "FB-V"), missed) {
			t.Errorf("FB-V on its way to a second visit: its card says the first visit's window was missed:\n%s", card(body, "FB-V"))
		}
	})
}

// TestAssignUnchangedStartsNothingOver: the assign form opens on the
// ticket's technician and store; sent as it is, it is refused with what
// to do, and the technician's work under way keeps its status and epoch
// (a reassignment would send it back to Assigned and make the work on
// site stale).
func TestAssignUnchangedStartsNothingOver(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		tc.dispatch(t, "t1", &app.TransitionTicket{Action: app.ActionStart, Ticket: "tk-1", Epoch: 1})
		before := tc.ticketNow(t, "t1", "tk-1")
		dc := tc.signIn(t, "dispatcher@t1")
		status, page := dc.get(t, "/tickets/tk-1/assign")
		if status != http.StatusOK {
			t.Fatalf("GET assign: %d\n%s", status, page)
		}
		for _, sel := range []string{`<option value="tech-1" selected>`, `<option value="s1" selected>`} {
			if !strings.Contains(page, sel) {
				t.Fatalf("the form does not open on the ticket's assignee (%s)", sel)
			}
		}
		form := merge(url.Values{"technician": {"tech-1"}, "store": {"s1"}}, shownFields(t, page))
		status, body := dc.post(t, "/tickets/tk-1/assign", form)
		if status != http.StatusBadRequest || !strings.Contains(body, "Ticket FB-1 already has this technician and store, so nothing changed. To hand it over, choose another technician or store.") {
			t.Errorf("the unchanged form: %d, want 400 and what to do\n%s", status, body)
		}
		if now := tc.ticketNow(t, "t1", "tk-1"); now.Status != app.StatusInProgress || now.Epoch != before.Epoch || !now.UpdatedAt.Equal(before.UpdatedAt) {
			t.Errorf("the unchanged form changed the ticket: %s epoch %d", now.Status, now.Epoch)
		}
		// Another technician, or the same one at another store, is a
		// reassignment.
		if status, body := dc.post(t, "/tickets/tk-1/assign", merge(url.Values{"technician": {"tech-1"}, "store": {"s2"}}, shownFields(t, page))); status != http.StatusSeeOther {
			t.Errorf("another store: %d\n%s", status, body)
		}
		if now := tc.ticketNow(t, "t1", "tk-1"); now.Store != "s2" || now.Epoch != before.Epoch+1 {
			t.Errorf("after the reassignment: store %s epoch %d", now.Store, now.Epoch)
		}
	})
}

// TestBoardSearchFindingNothingSaysWhere: a search that finds no open
// ticket says so and offers the tickets it finds in other statuses (a
// customer calling about a cancelled or finished repair), instead of an
// empty lane and everyone's load; a search that finds nothing anywhere
// says what to try.
func TestBoardSearchFindingNothingSaysWhere(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		tc.dispatch(t, "t1", &app.TransitionTicket{Action: app.ActionCancel, Ticket: "tk-2", Epoch: 1, Reason: "customer called off"})
		cl := tc.signIn(t, "dispatcher@t1")
		// The customer's name: a whole number opens its ticket
		// (TestTicketByItsNumber).
		status, body := cl.get(t, "/board?q=Customer+FB-2")
		if status != http.StatusOK {
			t.Fatalf("/board?q=Customer+FB-2: %d\n%s", status, body)
		}
		if !strings.Contains(body, "No ticket matches “Customer FB-2” with these filters.") {
			t.Errorf("the search finding no open ticket does not say so:\n%s", body)
		}
		for _, not := range []string{"With open tickets not on this page", "No tickets here on this page.", `class="lane"`} {
			if strings.Contains(body, not) {
				t.Errorf("the search finding nothing still shows %q", not)
			}
		}
		m := regexp.MustCompile(`<a href="([^"]*)">Show the 1 ticket with another status</a>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no link to the cancelled ticket the search matches:\n%s", body)
		}
		status, body = cl.get(t, html.UnescapeString(m[1]))
		if status != http.StatusOK || !strings.Contains(body, ">FB-2<") || strings.Contains(body, "No ticket matches") {
			t.Errorf("%s: %d, want FB-2's card\n%s", m[1], status, body)
		}
		if !strings.Contains(body, `<option value="any" selected>Any status</option>`) {
			t.Errorf("the status filter does not say it shows every status")
		}
		// Every status: the open tickets and the cancelled one.
		_, body = cl.get(t, "/board?status=any")
		for _, n := range []string{"FB-1", "FB-2", "FB-3"} {
			if !strings.Contains(body, ">"+n+"<") {
				t.Errorf("/board?status=any lacks %s", n)
			}
		}
		_, body = cl.get(t, "/board?q=nobody+at+all")
		if !strings.Contains(body, "No ticket matches “nobody at all” with these filters.") || !strings.Contains(body, "Set Status to Any status and When to Any time") ||
			strings.Contains(body, "with another status") {
			t.Errorf("a search finding nothing anywhere does not say what to try:\n%s", body)
		}
	})
}

// TestRefusedScheduleKeepsWhatWasTyped: a reschedule refused for a bad
// field is drawn again with the date, times, resolve-by and priority the
// dispatcher typed, not the ticket's old window (nothing is changed).
func TestRefusedScheduleKeepsWhatWasTyped(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		tc.scheduleFixture(t)
		before := tc.ticketNow(t, "t1", "tk-1")
		dc := tc.signIn(t, "dispatcher@t1")
		_, page := dc.get(t, "/tickets/tk-1/schedule")
		typed := url.Values{"date": {"2026-12-03"}, "start": {"16:00"}, "end": {"15:00"}, "resolve_date": {"2026-12-04"}, "resolve_time": {"17:30"}, "priority": {"1"}}
		status, body := dc.post(t, "/tickets/tk-1/schedule", merge(typed, shownFields(t, page)))
		if status != http.StatusBadRequest || !strings.Contains(body, `class="error"`) {
			t.Fatalf("the bad window: %d, want 400 with the message\n%s", status, body)
		}
		for name, value := range map[string]string{"date": "2026-12-03", "start": "16:00", "end": "15:00", "resolve_date": "2026-12-04", "resolve_time": "17:30"} {
			if !regexp.MustCompile(`name="` + name + `"[^>]* value="` + value + `"`).MatchString(body) {
				t.Errorf("the refused form lost what was typed: no %s=%s", name, value)
			}
		}
		if !strings.Contains(body, `<option value="1" selected>Urgent</option>`) {
			t.Errorf("the refused form lost the priority typed")
		}
		if now := tc.ticketNow(t, "t1", "tk-1"); !now.UpdatedAt.Equal(before.UpdatedAt) || !now.WindowStart.Equal(before.WindowStart) {
			t.Errorf("the refused form changed the ticket")
		}
	})
}

// TestBoardCardWindowPunctuated: a card's visit reads in the user's
// language with its punctuation, the full-width colon in Chinese (the
// card put an ASCII colon after the translated word).
func TestBoardCardWindowPunctuated(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		tc.scheduleFixture(t)
		cl := tc.signIn(t, "dispatcher@t1")
		for _, c := range []struct{ lang, want string }{{"en", `<p>Visit: <span class="when">\d+ (Nov|Dec) 2026</span> <span class="when">\d\d:\d\d`}, {"fr", `<p>Visite : <span class="when">\d+ (nov|déc)\. 2026</span> <span class="when">\d\d:\d\d`}, {"zh-Hans", `<p>上门时间：<span class="when">2026年1[12]月\d+日</span> <span class="when">\d\d:\d\d`}} {
			if status, _ := cl.post(t, "/language", url.Values{"lang": {c.lang}, "next": {"/board"}}); status != http.StatusSeeOther {
				t.Fatalf("choosing %s: %d", c.lang, status)
			}
			if _, body := cl.get(t, "/board"); !regexp.MustCompile(c.want).MatchString(body) {
				t.Errorf("in %s the card's visit does not read %q", c.lang, c.want)
			}
		}
	})
}

// TestBoardSearchShowsOnlyLanesItMatches: a search that finds tickets
// shows the lanes that hold them, not an empty Unassigned lane (nor, by
// status, the empty open statuses' columns) above them saying "No
// tickets here"; the plain board keeps its Unassigned lane, empty or
// not.
func TestBoardSearchShowsOnlyLanesItMatches(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		cl := tc.signIn(t, "dispatcher@t1")
		for _, c := range []struct {
			query     string
			lanes     []string
			notLanes  []string
			emptyNote bool
		}{
			{"q=Customer+FB-1", []string{"Tech One"}, []string{"Unassigned", "Tech Two"}, false},
			{"q=Customer+FB-3", []string{"Unassigned"}, []string{"Tech One", "Tech Two"}, false},
			{"q=Customer+FB-1&view=status", []string{"Assigned"}, []string{"Unassigned", "In progress", "En route", "On site"}, false},
			{"technician=tech-1", []string{"Tech One"}, []string{"Unassigned"}, false},
			{"", []string{"Unassigned", "Tech One", "Tech Two"}, nil, false},
			{"view=status", []string{"Assigned", "En route", "On site", "In progress"}, nil, true},
		} {
			status, body := cl.get(t, "/board?"+c.query)
			if status != http.StatusOK {
				t.Fatalf("/board?%s: %d\n%s", c.query, status, body)
			}
			for _, l := range c.lanes {
				if lane(body, l) == "" {
					t.Errorf("/board?%s has no %s lane", c.query, l)
				}
			}
			for _, l := range c.notLanes {
				if lane(body, l) != "" {
					t.Errorf("/board?%s shows a %s lane:\n%s", c.query, l, lane(body, l))
				}
			}
			if got := strings.Contains(body, "No tickets here on this page."); got != c.emptyNote {
				t.Errorf("/board?%s says no tickets here: %v, want %v", c.query, got, c.emptyNote)
			}
		}
	})
}
