package console

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// Payloads a device or an import could write into a name or number.
const (
	numbersScript = `<script>alert(1)</script>`
	numbersAttr   = `"><img src=x onerror=alert(1)>`
)

// userLine is the page's header: who is signed in, their tenant, the
// session's token and the path the language form returns to.
var userLine = regexp.MustCompile(`(?s)<header class="top">.*?</header>`)

// work drives ticket id of tenant through actions, as the server records
// a technician's steps, the test clock moving by gap before each.
func (tc *testConsole) work(t *testing.T, tenant string, id app.TicketID, gap time.Duration, actions ...app.Action) {
	t.Helper()
	ctx := context.Background()
	for _, a := range actions {
		tc.advance(gap)
		d, err := tc.db.TicketDetail(ctx, tenant, id)
		if err != nil {
			t.Fatal(err)
		}
		cmd := &app.TransitionTicket{Action: a, Ticket: id, Epoch: d.Ticket.Epoch}
		switch a {
		case app.ActionComplete:
			cmd.Resolution = app.ResolutionNoFault
		case app.ActionWait:
			cmd.Reason = "a screen"
		}
		tc.system(t, tenant, cmd)
	}
}

// system applies cmd as the server's own housekeeping would.
func (tc *testConsole) system(t *testing.T, tenant string, cmd app.Command) {
	t.Helper()
	m, err := app.NewMutation(cmd, tc.clock())
	if err != nil {
		t.Fatal(err)
	}
	if err := tc.db.ApplyAdmin(context.Background(), central.Principal{Tenant: tenant, Role: app.RoleSystem, Name: "test"}, m); err != nil {
		t.Fatalf("%T on %s: %v", cmd, tenant, err)
	}
}

// closedTicket is a ticket of the numbers world: its SLA times after
// testStart (0: none) and the steps it goes through, 30 minutes apart.
type closedTicket struct {
	tenant           string
	id, number       string
	kind             app.TicketKind
	store            app.StoreID
	tech             app.TechnicianID
	respond, resolve time.Duration
	steps            []app.Action
}

// numbersWorld adds closed tickets to the fixture, all on 2026-11-27
// (testStart is 09:00 UTC), worked in this order:
//
//	FB-A  s1 tech-1 carry-in  start 09:30 (respond_by 09:45: met), complete 10:00 (resolve_by 10:30: met), close 10:30
//	FB-B  s1 tech-1 carry-in  start 11:00, complete 11:30 (resolve_by 10:00: missed), close 12:00
//	FB-C  s2 tech-2 carry-in  start, wait for parts, resume, complete 14:00 (resolve_by 17:00: met; no first-time fix), close 14:30
//	<xss> s2 tech-2 on site   depart, arrive 15:30 (respond_by 16:00: met), start, complete 16:30 (met; 1 h on site), close 17:00
//	FB-T2 t2, s1 tech-1        carry-in, closed: another tenant's
//
// tech-3, named with a script, belongs to store s2 of t1 and closed nothing;
// store s3 is named with an attribute-breaking payload.
func numbersWorld(t *testing.T, tc *testConsole) {
	t.Helper()
	ctx := context.Background()
	if err := tc.db.LoadDataset(ctx, "t1", app.Dataset{
		Technicians: []app.Technician{{ID: "tech-3", Name: numbersScript, Country: "CN", Store: "s2"}},
		Locations:   []app.Location{{ID: "s3", Kind: app.LocationStore, Name: numbersAttr}},
	}); err != nil {
		t.Fatal(err)
	}
	const gap = 30 * time.Minute
	S, C, W, R, F, D, A := app.ActionStart, app.ActionComplete, app.ActionWait, app.ActionResume, app.ActionClose, app.ActionDepart, app.ActionArrive
	tickets := []closedTicket{
		{"t1", "tkA", "FB-A", app.KindCarryIn, "s1", "tech-1", 45 * time.Minute, 90 * time.Minute, []app.Action{S, C, F}},
		{"t1", "tkB", "FB-B", app.KindCarryIn, "s1", "tech-1", 0, time.Hour, []app.Action{S, C, F}},
		{"t1", "tkC", "FB-C", app.KindCarryIn, "s2", "tech-2", 0, 8 * time.Hour, []app.Action{S, W, R, C, F}},
		{"t1", "tkD", numbersAttr, app.KindOnSite, "s2", "tech-2", 7 * time.Hour, 12 * time.Hour, []app.Action{D, A, S, C, F}},
		{"t2", "tkT2", "FB-T2", app.KindCarryIn, "s1", "tech-1", 0, time.Hour, []app.Action{S, C, F}},
	}
	for _, c := range tickets {
		tk := app.Ticket{ID: app.TicketID(c.id), Number: c.number, Kind: c.kind, Country: "CN",
			Product:  app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
			Customer: app.Customer{Name: "Customer " + c.id, Phone: "138 0000 0000", Address: "1 Road"},
			Priority: app.PriorityNormal, Technician: c.tech, Store: c.store, Status: app.StatusAssigned,
			CreatedAt: testStart, UpdatedAt: testStart}
		if c.respond != 0 {
			tk.RespondBy = testStart.Add(c.respond)
		}
		if c.resolve != 0 {
			tk.ResolveBy = testStart.Add(c.resolve)
		}
		tc.system(t, c.tenant, &app.CreateTicket{Ticket: tk})
	}
	for _, c := range tickets {
		tc.work(t, c.tenant, app.TicketID(c.id), gap, c.steps...)
	}
}

func TestNumbersPage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		numbersWorld(t, tc)
		for _, c := range []struct {
			login, path string
			see, not    []string
		}{
			{"dispatcher@t1", "/numbers", []string{
				// The whole, then a row per technician and per store.
				`<dd>4</dd>`, `<dd>75% (3/4)</dd>`, `<dd>100% (2/2)</dd>`,
				`>Tech One</a></th>`, `<td>50% (1/2)</td><td>100% (1/1)</td><td>100% (2/2)</td>`,
				`href="/numbers/technicians/tech-2?from=2026-11-21&amp;to=2026-11-27"`,
				`<td>100% (2/2)</td><td>100% (1/1)</td><td>50% (1/2)</td>`, `1 h (n = 1)`,
				`<th scope="row">Store One</th>`, `<th scope="row">Store Two</th>`,
				`<svg`, `Target 90%`, `Tickets closed from 21 Nov 2026 to 27 Nov 2026`,
				`href="/numbers.csv?from=2026-11-21&amp;to=2026-11-27"`, `What each figure counts`,
			}, []string{"FB-T2", "Tenant Two"}},
			{"admin@t1", "/numbers?store=s2", []string{`<dd>2</dd>`, `<dd>100% (2/2)</dd>`, `>Tech Two</a></th>`, `<option value="s2" selected>`}, []string{`>Tech One</a>`, `<th scope="row">Store One</th>`}},
			{"manager@t1", "/numbers", []string{`<dd>2</dd>`, `<dd>50% (1/2)</dd>`, `>Tech One</a></th>`, `Your store: Store One`,
				`href="/numbers/technicians/tech-1?from=2026-11-21&amp;store=s1&amp;to=2026-11-27"`}, []string{`Tech Two`, `Store Two`, `<select id="numbers-store"`}},
			{"dispatcher@t1", "/numbers?period=month", []string{`Tickets closed from 1 Nov 2026 to 27 Nov 2026`, `<dd>4</dd>`}, nil},
			{"dispatcher@t1", "/numbers?period=week", []string{`Tickets closed from 23 Nov 2026 to 27 Nov 2026`, `<dd>4</dd>`}, nil},
			{"dispatcher@t1", "/numbers?period=last30", []string{`Tickets closed from 29 Oct 2026 to 27 Nov 2026`}, nil},
			{"dispatcher@t1", "/numbers?from=2026-11-01&to=2026-11-26", []string{`<dd>0</dd>`, `No ticket was closed in this period.`}, []string{`Tech One`}},
			{"admin@t2", "/numbers", []string{`<dd>1</dd>`, `<dd>0% (0/1)</dd>`, `Tech One`}, []string{"Tech Two"}},
			{"dispatcher@t1", "/numbers/technicians/tech-1?from=2026-11-27&to=2026-11-27", []string{
				`Tickets behind Tech One&#39;s figures`, `<a href="/tickets/tkA">FB-A</a>`, `<a href="/tickets/tkB">FB-B</a>`,
				`<td><span class="when">27 Nov 2026</span> 10:30</td>`, `<span class="met">met</span>`, `<span class="missed">missed</span>`, `not due`,
				`<dd>50% (1/2)</dd>`}, []string{"FB-C", "FB-T2"}},
			{"dispatcher@t1", "/numbers/technicians/tech-2", []string{`FB-C`, `1 h`, `<span class="missed">no</span>`, `<dd>50% (1/2)</dd>`}, []string{"FB-A"}},
			{"manager@t1", "/numbers/technicians/tech-1?store=s1", []string{`FB-A`, `FB-B`, `Store: Store One.`}, nil},
			{"admin@t2", "/numbers/technicians/tech-1", []string{`FB-T2`}, []string{"FB-A", "FB-B"}},
			{"dispatcher@t1", "/numbers/technicians/tech-3", []string{`closed no ticket in this period`}, nil},
		} {
			cl := tc.signIn(t, c.login)
			status, body := cl.get(t, c.path)
			if status != http.StatusOK {
				t.Fatalf("%s %s: status %d\n%s", c.login, c.path, status, body)
			}
			for _, s := range c.see {
				if !strings.Contains(body, s) {
					t.Errorf("%s %s: lacks %s", c.login, c.path, s)
				}
			}
			for _, s := range c.not {
				if strings.Contains(body, s) {
					t.Errorf("%s %s: shows %s", c.login, c.path, s)
				}
			}
		}
	})
}

// TestNumbersRefusals: a role without the figures, another tenant's or
// another store's technician or store (the same 404 as none), bad periods.
func TestNumbersRefusals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		numbersWorld(t, tc)
		missing := func(body, id string) string { return strings.ReplaceAll(body, id, "ID") }
		_, noTech := tc.signIn(t, "dispatcher@t1").get(t, "/numbers/technicians/tech-none")
		_, noStore := tc.signIn(t, "dispatcher@t1").get(t, "/numbers?store=s-none")
		for _, c := range []struct {
			login, path string
			status      int
			want        string // in the body
			sameAs      string // the body, its ID replaced, equals this one's
			id          string
		}{
			{"clerk@t1", "/numbers", http.StatusForbidden, "Your role may not do this", "", ""},
			{"clerk@t1", "/numbers.csv", http.StatusForbidden, "Your role may not do this", "", ""},
			{"clerk@t1", "/numbers/technicians/tech-1", http.StatusForbidden, "Your role may not do this", "", ""},
			{"dispatcher@t1", "/numbers/technicians/tech-none", http.StatusNotFound, "There is no technician tech-none here", "", ""},
			{"manager@t1", "/numbers/technicians/tech-2", http.StatusNotFound, "", noTech, "tech-2"},
			{"manager@t1", "/numbers/technicians/tech-3", http.StatusNotFound, "", noTech, "tech-3"},
			{"admin@t2", "/numbers/technicians/tech-3", http.StatusNotFound, "", noTech, "tech-3"},
			{"dispatcher@t1", "/numbers?store=s-none", http.StatusNotFound, "There is no store s-none here", "", ""},
			{"manager@t1", "/numbers?store=s2", http.StatusNotFound, "", noStore, "s2"},
			{"manager@t1", "/numbers.csv?store=s2", http.StatusNotFound, "", noStore, "s2"},
			{"admin@t2", "/numbers?store=s3", http.StatusNotFound, "", noStore, "s3"},
			{"dispatcher@t1", "/numbers?from=2026-11-31&to=2026-12-01", http.StatusBadRequest, "Write both days as 2026-11-27, or choose", "", ""},
			{"dispatcher@t1", "/numbers?from=2026-11-02&to=2026-11-01", http.StatusBadRequest, "The period ends before it starts", "", ""},
			{"dispatcher@t1", "/numbers?from=2025-01-01&to=2026-11-27", http.StatusBadRequest, "The period is longer than 366 days", "", ""},
			{"dispatcher@t1", "/numbers?period=decade", http.StatusBadRequest, "There is no such period", "", ""},
			{"dispatcher@t1", "/numbers.csv?from=x&to=y", http.StatusBadRequest, "Write both days as 2026-11-27, or choose", "", ""},
			{"dispatcher@t1", "/numbers/technicians/tech-1?from=2026-11-02&to=2026-11-01", http.StatusBadRequest, "The period ends before it starts", "", ""},
		} {
			status, body := tc.signIn(t, c.login).get(t, c.path)
			if status != c.status {
				t.Errorf("%s %s: status %d, want %d\n%s", c.login, c.path, status, c.status, body)
				continue
			}
			if c.want != "" && !strings.Contains(body, c.want) {
				t.Errorf("%s %s: lacks %q\n%s", c.login, c.path, c.want, body)
			}
			if c.sameAs != "" {
				// The pages differ only in the ID asked for and who is signed in.
				strip := func(b string) string { return userLine.ReplaceAllString(b, "") }
				if got, want := strip(missing(body, c.id)), strip(missing(c.sameAs, map[bool]string{true: "tech-none", false: "s-none"}[strings.HasPrefix(c.id, "tech")])); got != want {
					t.Errorf("%s %s: the refusal differs from the answer for none\n got %s\nwant %s", c.login, c.path, got, want)
				}
			}
			if c.status == http.StatusBadRequest && strings.HasPrefix(c.path, "/numbers?") && (!strings.Contains(body, `role="alert"`) || !strings.Contains(body, `id="numbers-from"`)) {
				t.Errorf("%s %s: a refused period does not show the form with its message\n%s", c.login, c.path, body)
			}
		}
	})
}

// TestNumbersCSV: the tables as CSV, headed in the session's language,
// the figures as on the page, and names that a spreadsheet would run as
// formulas made inert.
func TestNumbersCSV(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		numbersWorld(t, tc)
		if err := tc.db.LoadDataset(context.Background(), "t1", app.Dataset{Technicians: []app.Technician{{ID: "tech-1", Name: "=HYPERLINK(\"http://x\")", Country: "CN", Store: "s1"}}}); err != nil {
			t.Fatal(err)
		}
		cl := tc.signIn(t, "dispatcher@t1")
		status, body := cl.get(t, "/numbers.csv?from=2026-11-27&to=2026-11-27")
		if status != http.StatusOK {
			t.Fatalf("status %d\n%s", status, body)
		}
		if !strings.Contains(body, "\n\nStore,") || !strings.Contains(body, "\n\nPart,") {
			t.Errorf("no blank line before the stores' and the parts' tables:\n%s", body)
		}
		r := csv.NewReader(strings.NewReader(body))
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(rows))
		for i, row := range rows {
			got[i] = strings.Join(row, "|")
		}
		want := []string{
			"Technician|Closed|SLA met|SLA due|Responded in time|Response due|First-time fixes|On-site tickets|Average minutes on site|Parts used",
			"'=HYPERLINK(\"http://x\")|2|1|2|1|1|2|0|0|0",
			"Tech Two|2|2|2|1|1|1|1|60|0",
			"Store|Closed|SLA met|SLA due|Responded in time|Response due|First-time fixes|On-site tickets|Average minutes on site|Parts used",
			"Store One|2|1|2|1|1|2|0|0|0",
			"Store Two|2|2|2|1|1|1|1|60|0",
			"All|4|3|4|2|2|3|1|60|0",
			"Part|Name|Units",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("CSV:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		zh := tc.signIn(t, "dispatcher@t1")
		if status, _ := zh.post(t, "/language", url.Values{"lang": {"zh-Hans"}, "next": {"/numbers"}}); status != http.StatusSeeOther {
			t.Fatalf("language: status %d", status)
		}
		if _, body := zh.get(t, "/numbers.csv"); !strings.HasPrefix(body, "技师,") {
			t.Errorf("the Chinese CSV is headed %q", strings.SplitN(body, "\n", 2)[0])
		}
	})
}

func TestCSVCell(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Tech One", "Tech One"}, {"", ""}, {"=1+2", "'=1+2"}, {"+33 1", "'+33 1"}, {"-5", "'-5"},
		{"@SUM(A1)", "'@SUM(A1)"}, {"\t=1", "'\t=1"}, {"\r=1", "'\r=1"}, {"a=b", "a=b"}, {"张三", "张三"},
	} {
		if got := csvCell(c.in); got != c.want {
			t.Errorf("csvCell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestNumbersEscapesNames: names and numbers a device or an import wrote
// appear as text, never as markup.
func TestNumbersEscapesNames(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		numbersWorld(t, tc)
		if err := tc.db.LoadDataset(context.Background(), "t1", app.Dataset{Technicians: []app.Technician{{ID: "tech-2", Name: numbersScript, Country: "CN", Store: "s2"}}}); err != nil {
			t.Fatal(err)
		}
		cl := tc.signIn(t, "dispatcher@t1")
		for _, path := range []string{"/numbers", "/numbers/technicians/tech-2", "/numbers/technicians/tech-3"} {
			status, body := cl.get(t, path)
			if status != http.StatusOK {
				t.Fatalf("%s: status %d", path, status)
			}
			for _, bad := range []string{numbersScript, numbersAttr, "<img"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s: %q appears unescaped", path, bad)
				}
			}
			if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("%s: the technician's name is not shown escaped", path)
			}
		}
		if _, body := cl.get(t, "/numbers"); !strings.Contains(body, "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;") {
			t.Errorf("/numbers: the store's name is not shown escaped")
		}
		if _, body := cl.get(t, "/numbers/technicians/tech-2"); !strings.Contains(body, "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</a>") {
			t.Errorf("drill-down: the ticket's number is not shown escaped")
		}
	})
}

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 11, 27, 23, 59, 0, 0, time.UTC) // a Friday
	d := func(s string) time.Time { x, _ := time.Parse(dateForm, s); return x }
	for _, c := range []struct {
		query    string
		from, to string // to: the last day
		err      string
	}{
		{"", "2026-11-21", "2026-11-27", ""},
		{"period=last7", "2026-11-21", "2026-11-27", ""},
		{"period=last30", "2026-10-29", "2026-11-27", ""},
		{"period=week", "2026-11-23", "2026-11-27", ""},
		{"period=month", "2026-11-01", "2026-11-27", ""},
		{"from=2026-02-01&to=2026-02-28", "2026-02-01", "2026-02-28", ""},
		{"period=custom&from=2026-02-01&to=2026-02-01", "2026-02-01", "2026-02-01", ""},
		{"from=2026-02-01", "", "", "console.numbers.bad_date"},
		{"from=01/02/2026&to=2026-02-03", "", "", "console.numbers.bad_date"},
		{"period=year", "", "", "console.numbers.bad_period"},
	} {
		v, _ := url.ParseQuery(c.query)
		p, err := parsePeriod(v, now, "en")
		if c.err != "" {
			if e := app.AsError(err); e == nil || e.Code != app.EINVALID || e.Key != c.err {
				t.Errorf("%q: got %v, want %s", c.query, err, c.err)
			}
			continue
		}
		if err != nil || !p.From.Equal(d(c.from)) || !p.Last().Equal(d(c.to)) {
			t.Errorf("%q: got %v to %v (%v), want %s to %s", c.query, p.From, p.Last(), err, c.from, c.to)
		}
	}
	// A Sunday's week began six days before.
	if p, _ := parsePeriod(url.Values{"period": {"week"}}, time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC), "en"); !p.From.Equal(d("2026-11-23")) {
		t.Errorf("week of Sunday 2026-11-29 begins %v", p.From)
	}
}
