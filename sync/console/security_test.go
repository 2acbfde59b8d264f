package console

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestLocalNext: the sign-in returns only to a path of this site.
func TestLocalNext(t *testing.T) {
	for _, c := range []struct{ next, want string }{
		{"/board?q=FB-1", "/board?q=FB-1"},
		{"/tickets/tk-1", "/tickets/tk-1"},
		{"", "/board"},
		{"https://evil.example/", "/board"},
		{"//evil.example/", "/board"},
		{"/\\evil.example", "/board"},
		{"board", "/board"},
		{"/board\r\nSet-Cookie: x=1", "/board"},
		{"/" + strings.Repeat("a", 2000), "/board"},
	} {
		if got := localNext(c.next); got != c.want {
			t.Errorf("localNext(%q) = %q, want %q", c.next, got, c.want)
		}
	}
}

// TestAcceptLanguage: the browser's best language the console speaks.
func TestAcceptLanguage(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"", "en"},
		{"zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"},
		{"de-DE,fr;q=0.7,en;q=0.5", "fr"},
		{"en;q=0.3, pt-BR", "pt"},
		{"de, ja", "en"},
		{"es;q=0", "en"},
		{"*", "en"},
	} {
		if got := acceptLanguage(c.header); got != c.want {
			t.Errorf("acceptLanguage(%q) = %q, want %q", c.header, got, c.want)
		}
	}
}

// TestErrorPages: a handler's error is answered with the status of its
// code and its translated message; a server failure with a generic message
// and the request ID, which the log has with the cause.
func TestErrorPages(t *testing.T) {
	tc := newTestConsole(t, "sqlite")
	var logged bytes.Buffer
	tc.c.log = slog.New(slog.NewTextHandler(&logged, nil))
	for _, c := range []struct {
		path string
		err  error // nil: the handler panics
	}{
		{"/t/invalid", app.Errorf(app.EINVALID, "x.invalid", "That is not a number.")},
		{"/t/missing", errNoTicket("tk-7")},
		{"/t/conflict", app.Errorf(app.ECONFLICT, "x.conflict", "It changed meanwhile.")},
		{"/t/forbidden", errForbidden},
		{"/t/internal", errors.New("db password=hunter2 failed")},
		{"/t/panic", nil},
	} {
		err := c.err
		tc.c.route("GET "+c.path, permView, func(w http.ResponseWriter, r *http.Request, s *Session) error {
			if err == nil {
				panic("a bug")
			}
			return err
		})
	}
	cl := tc.signIn(t, "dispatcher@t1")
	for _, c := range []struct {
		path   string
		status int
		text   string
	}{
		{"/t/missing", 404, "There is no ticket tk-7 here."},
		{"/t/conflict", 409, "It changed meanwhile."},
		{"/t/forbidden", 403, "Your role may not do this."},
		{"/t/internal", 500, "Something went wrong on the server."},
		{"/t/panic", 500, "Something went wrong on the server."},
		{"/t/invalid", 400, "That is not a number."},
	} {
		logged.Reset()
		status, body := cl.get(t, c.path)
		if status != c.status || !strings.Contains(body, c.text) {
			t.Errorf("%s: status %d\n%s", c.path, status, body)
		}
		if c.status < 500 {
			if logged.Len() != 0 {
				t.Errorf("%s: logged %s", c.path, logged.String())
			}
			continue
		}
		if strings.Contains(body, "hunter2") || strings.Contains(body, "a bug") {
			t.Errorf("%s: the page shows the cause", c.path)
		}
		i := strings.Index(body, "Request ID: ")
		if i < 0 {
			t.Fatalf("%s: no request ID on the page", c.path)
		}
		id := body[i+len("Request ID: ") : i+len("Request ID: ")+16]
		if !strings.Contains(logged.String(), "request="+id) {
			t.Errorf("%s: the log lacks request %s: %s", c.path, id, logged.String())
		}
	}
}

// TestSecureCookiesAndHeaders: over TLS the session cookie is __Host-,
// Secure, HttpOnly and SameSite=Lax; every page has the security headers.
func TestSecureCookiesAndHeaders(t *testing.T) {
	tc := newTestConsole(t, "sqlite")
	tc.c.opt.Secure = true
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(tc.srv.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for k, v := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Strict-Transport-Security": "max-age=31536000"} {
		if resp.Header.Get(k) != v {
			t.Errorf("%s: %q", k, resp.Header.Get(k))
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	var token *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == signinCookie {
			token = ck
		}
	}
	if token == nil || !token.Secure || !token.HttpOnly {
		t.Fatalf("sign-in form cookie %+v", token)
	}
	form := url.Values{"login": {"dispatcher@t1"}, "password": {testPassword}, "csrf": {token.Value}}
	req, _ := http.NewRequest("POST", tc.srv.URL+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(token)
	resp, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "__Host-fb_console" {
			session = ck
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil || !session.Secure || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.Domain != "" {
		t.Fatalf("sign-in: %d, session cookie %+v", resp.StatusCode, session)
	}
	// The plain name is not read when serving over TLS.
	req, _ = http.NewRequest("GET", tc.srv.URL+"/board", nil)
	req.AddCookie(&http.Cookie{Name: "fb_console", Value: session.Value})
	if resp, err = hc.Do(req); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the session under the plain name: %v %v", resp, err)
	}
	resp.Body.Close()
	req.Header.Del("Cookie")
	req.AddCookie(session)
	if resp, err = hc.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the __Host- session: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestDeviceTextIsEscaped: what a device writes (a customer's name) is
// shown as text, never run as markup.
func TestDeviceTextIsEscaped(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		d, err := tc.db.TicketDetail(ctx, "t1", "tk-1")
		if err != nil {
			t.Fatal(err)
		}
		d.Ticket.Customer.Name = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`
		if err := tc.db.LoadDataset(ctx, "t1", app.Dataset{Tickets: []app.TicketDetail{d}}); err != nil {
			t.Fatal(err)
		}
		_, body := tc.signIn(t, "dispatcher@t1").get(t, "/board")
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("the customer's name is not escaped\n%s", body)
		}
	})
}

// TestDict: dict pairs keys and values, and refuses what is not pairs.
func TestDict(t *testing.T) {
	if m, err := dict("N", 1, "Of", "2"); err != nil || m["N"] != 1 || m["Of"] != "2" || len(m) != 2 {
		t.Errorf("dict: %v %v", m, err)
	}
	for _, bad := range [][]any{{"N"}, {1, 2}} {
		if _, err := dict(bad...); err == nil {
			t.Errorf("dict(%v) accepted", bad)
		}
	}
}
