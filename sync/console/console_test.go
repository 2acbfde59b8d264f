package console

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testStart is when every test console's clock starts.
var testStart = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// testPassword is every test user's password.
const testPassword = "correct horse battery"

// testConsole is a console over a fresh central database on a real HTTP
// server on loopback, with the fixture below:
//
//	tenants        t1 ("Tenant One"), t2 ("Tenant Two")
//	console users  dispatcher@T, manager@T (store manager of s1),
//	               clerk@T, admin@T for T in t1, t2; password testPassword
//	stores         s1, s2 (locations of kind store), a warehouse wh
//	technicians    tech-1 (store s1), tech-2 (store s2), each tenant
//	tickets        t1: tk-1 (FB-1, s1, tech-1), tk-2 (FB-2, s2, tech-2),
//	               tk-3 (FB-3, s1, no technician)
//	               t2: tk-9 (FB-9, s1, tech-1)
//
// The clock is shared by the database and the console; advance moves it.
type testConsole struct {
	db  *central.DB
	cfg central.Config // the database's, for a test that writes what an older service left
	c   *Console
	srv *httptest.Server

	mu  gosync.Mutex // protects now
	now time.Time
}

func (tc *testConsole) clock() time.Time {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.now
}

// advance moves the test clock forward by d.
func (tc *testConsole) advance(d time.Duration) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.now = tc.now.Add(d)
}

// forEachBackend runs fn on a test console over SQLite and over
// PostgreSQL.
func forEachBackend(t *testing.T, fn func(t *testing.T, tc *testConsole)) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) { fn(t, newTestConsole(t, backend)) })
	}
}

// testLogins are the fixture's console users of a tenant, by role.
var testLogins = map[Role]string{RoleDispatcher: "dispatcher", RoleStoreManager: "manager", RolePartsClerk: "clerk", RoleAdministrator: "admin"}

func newTestConsole(t *testing.T, backend string) *testConsole {
	t.Helper()
	tc := &testConsole{now: testStart}
	cfg := central.Config{DataDir: t.TempDir(), Clock: app.ClockFunc(tc.clock)}
	switch backend {
	case "sqlite":
	case "postgres":
		cfg.Postgres = pgtest.ForTest(t)
	default:
		t.Fatalf("unknown backend %q", backend)
	}
	ctx := context.Background()
	db, err := central.OpenDB(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tc.db, tc.cfg = db, cfg
	for _, tenant := range []struct{ id, name string }{{"t1", "Tenant One"}, {"t2", "Tenant Two"}} {
		if err := db.CreateTenant(ctx, tenant.id, tenant.name); err != nil {
			t.Fatal(err)
		}
		if err := db.LoadDataset(ctx, tenant.id, testDataset(tenant.id)); err != nil {
			t.Fatal(err)
		}
		for role, name := range testLogins {
			u := central.ConsoleUser{Login: name + "@" + tenant.id, Tenant: tenant.id, Name: "User " + name, Role: string(role)}
			if role == RoleStoreManager {
				u.Store = "s1"
			}
			if err := db.CreateConsoleUser(ctx, u, testPassword); err != nil {
				t.Fatal(err)
			}
		}
	}
	tc.c, err = New(db, Options{Now: tc.clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	tc.srv = httptest.NewServer(tc.c)
	t.Cleanup(tc.srv.Close)
	return tc
}

func testDataset(tenant string) app.Dataset {
	ticket := func(id, number string, store app.StoreID, tech app.TechnicianID) app.TicketDetail {
		return app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(id), Number: number, Kind: app.KindCarryIn, Country: "CN",
			Product:  app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
			Customer: app.Customer{Name: "Customer " + number, Phone: "138 0000 0000", Address: "1 Road"},
			Priority: app.PriorityNormal, Technician: tech, Store: store, Epoch: 1, Status: app.StatusAssigned,
			CreatedAt: testStart.Add(-time.Hour), UpdatedAt: testStart.Add(-time.Hour)}}
	}
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-1", Name: "Tech One", Country: "CN", Store: "s1"}, {ID: "tech-2", Name: "Tech Two", Country: "CN", Store: "s2"}},
		Locations: []app.Location{{ID: "s1", Kind: app.LocationStore, Name: "Store One"}, {ID: "s2", Kind: app.LocationStore, Name: "Store Two"},
			{ID: "wh", Kind: app.LocationWarehouse, Name: "Warehouse"}},
	}
	if tenant == "t1" {
		ds.Tickets = []app.TicketDetail{ticket("tk-1", "FB-1", "s1", "tech-1"), ticket("tk-2", "FB-2", "s2", "tech-2"), ticket("tk-3", "FB-3", "s1", "")}
	} else {
		ds.Tickets = []app.TicketDetail{ticket("tk-9", "FB-9", "s1", "tech-1")}
	}
	return ds
}

// client is a browser of the test console: a cookie jar, redirects not
// followed (a test sees the 303 and its Location), and the session's CSRF
// token once signed in.
type client struct {
	tc       *testConsole
	hc       *http.Client
	csrf     string
	location string // the Location of the last answer, if any
}

// newClient returns a client without a session.
func (tc *testConsole) newClient(t *testing.T) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{tc: tc, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var (
	csrfField   = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	signinToken = csrfField
)

// signIn returns a client signed in as login (testPassword).
func (tc *testConsole) signIn(t *testing.T, login string) *client {
	t.Helper()
	cl := tc.newClient(t)
	if status, body := cl.signInAs(t, login, testPassword); status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d\n%s", login, status, body)
	}
	status, body := cl.get(t, "/board")
	m := csrfField.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("after signing in as %s, /board: status %d, no CSRF token\n%s", login, status, body)
	}
	cl.csrf = m[1]
	return cl
}

// signInAs fills and posts the sign-in form.
func (cl *client) signInAs(t *testing.T, login, password string) (int, string) {
	t.Helper()
	status, body := cl.get(t, "/signin")
	m := signinToken.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("GET /signin: status %d, no form token\n%s", status, body)
	}
	return cl.postWith(t, "/signin", url.Values{"login": {login}, "password": {password}, "csrf": {m[1]}}, nil)
}

func (cl *client) get(t *testing.T, path string) (int, string) {
	t.Helper()
	return cl.do(t, http.MethodGet, path, nil, nil)
}

// post posts form with the session's CSRF token.
func (cl *client) post(t *testing.T, path string, form url.Values) (int, string) {
	t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf", cl.csrf)
	return cl.postWith(t, path, f, nil)
}

// postNoCSRF posts form as it is, without the token.
func (cl *client) postNoCSRF(t *testing.T, path string, form url.Values) (int, string) {
	t.Helper()
	return cl.postWith(t, path, form, nil)
}

// postWith posts form as it is, with extra headers (Origin, say).
func (cl *client) postWith(t *testing.T, path string, form url.Values, header http.Header) (int, string) {
	t.Helper()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for k, v := range header {
		h[k] = v
	}
	return cl.do(t, http.MethodPost, path, strings.NewReader(form.Encode()), h)
}

func (cl *client) do(t *testing.T, method, path string, body io.Reader, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, cl.tc.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := cl.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		t.Fatal(err)
	}
	cl.location = resp.Header.Get("Location")
	return resp.StatusCode, string(b)
}

// TestBoardShowsTheSessionsScope: each role of t1 sees t1's tickets, a
// store manager only their store's, and nobody another tenant's.
func TestBoardShowsTheSessionsScope(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for _, c := range []struct {
			login      string
			see, not   []string
			tenantName string
		}{
			{"dispatcher@t1", []string{"FB-1", "FB-2", "FB-3"}, []string{"FB-9"}, "Tenant One"},
			{"manager@t1", []string{"FB-1", "FB-3"}, []string{"FB-2", "FB-9"}, "Tenant One"},
			{"clerk@t1", []string{"FB-1", "FB-2", "FB-3"}, []string{"FB-9"}, "Tenant One"},
			{"admin@t2", []string{"FB-9"}, []string{"FB-1", "FB-2", "FB-3"}, "Tenant Two"},
		} {
			cl := tc.signIn(t, c.login)
			status, body := cl.get(t, "/board")
			if status != http.StatusOK {
				t.Fatalf("%s: /board status %d", c.login, status)
			}
			if !strings.Contains(body, c.tenantName) {
				t.Errorf("%s: board does not name the tenant %q", c.login, c.tenantName)
			}
			for _, n := range c.see {
				if !strings.Contains(body, ">"+n+"<") {
					t.Errorf("%s: board lacks %s", c.login, n)
				}
			}
			for _, n := range c.not {
				if strings.Contains(body, ">"+n+"<") {
					t.Errorf("%s: board shows %s", c.login, n)
				}
			}
		}
	})
}

// TestWithoutSessionRedirectsToSignIn: a page asked for without a session
// sends to the sign-in page, which comes back to it.
func TestWithoutSessionRedirectsToSignIn(t *testing.T) {
	tc := newTestConsole(t, "sqlite")
	cl := tc.newClient(t)
	for _, c := range []struct{ path, want string }{
		{"/board?q=x", "/signin?next=%2Fboard%3Fq%3Dx"},
		{"/", "/signin"},
	} {
		status, _ := cl.get(t, c.path)
		if status != http.StatusSeeOther || cl.location != c.want {
			t.Errorf("GET %s: status %d to %q, want 303 to %q", c.path, status, cl.location, c.want)
		}
	}
	if status, body := cl.signInAs(t, "dispatcher@t1", testPassword); status != http.StatusSeeOther || cl.location != "/board" {
		t.Fatalf("sign in: status %d to %q\n%s", status, cl.location, body)
	}
	if status, _ := cl.get(t, "/"); status != http.StatusSeeOther || cl.location != "/board" {
		t.Errorf("GET / signed in: status %d to %q, want 303 to /board", status, cl.location)
	}
	if status, body := cl.get(t, "/no-such-page"); status != http.StatusNotFound || !strings.Contains(body, "There is no such page") {
		t.Errorf("GET /no-such-page: status %d\n%s", status, body)
	}
}
