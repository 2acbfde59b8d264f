package conformance

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The office console's rules (PROTOCOL.md, "The office console"), checked
// from outside: users made with `central console-user`, everything else over
// HTTPS as a browser would, the console's answers read as HTML. The
// document says the console's paths may change; these cases use the ones a
// signed-in browser follows (/signin, /board, /tickets/{id}, /audit,
// /signout) and read every form's fields from the page that carries it.

// consoleClient is the suite's client without following redirects: a
// redirect to the sign-in page is an answer the cases look at.
var consoleClient = &http.Client{
	Timeout:       requestTimeout,
	Transport:     client.Transport,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// consolePassword is a valid password (12 to 256 characters).
const consolePassword = "correct horse battery"

// addConsoleUser runs `central console-user add` with the password on
// stdin and returns the CLI's error, if any.
func (s *service) addConsoleUser(t *testing.T, tenant, login, role, store, password string) error {
	t.Helper()
	args := []string{"-tenant", tenant, "-login", login, "-name", "User " + login, "-role", role}
	if store != "" {
		args = append(args, "-store", store)
	}
	return s.consoleUserCLI(t, "add", password+"\n", args...)
}

// consoleUserCLI runs `central console-user VERB -data DIR [-postgres DSN] ARGS`.
func (s *service) consoleUserCLI(t *testing.T, verb, stdin string, args ...string) error {
	t.Helper()
	full := []string{"console-user", verb, "-data", s.dir}
	if s.dsn != "" {
		full = append(full, "-postgres", s.dsn)
	}
	cmd := exec.CommandContext(t.Context(), binary, append(full, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("central %v: %v: %s", full, err, out)
	}
	return nil
}

func (s *service) mustAddConsoleUser(t *testing.T, tenant, login, role, store string) {
	t.Helper()
	if err := s.addConsoleUser(t, tenant, login, role, store, consolePassword); err != nil {
		t.Fatal(err)
	}
}

// browser is one browser's cookies on the console.
type browser struct {
	s       *service
	cookies map[string]*http.Cookie // by name
}

func (s *service) browser() *browser { return &browser{s: s, cookies: map[string]*http.Cookie{}} }

// sameOrigin are the headers a browser sends with a form posted from a
// console page.
func (b *browser) sameOrigin() []string {
	return []string{"Origin", b.s.url(), "Sec-Fetch-Site", "same-origin"}
}

// req sends a request with the browser's cookies (those whose path matches)
// and keeps the cookies the answer sets. A form is sent url-encoded;
// header are more name, value pairs (an empty value removes the header).
func (b *browser) req(t *testing.T, method, path string, form url.Values, header ...string) answer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r, err := http.NewRequestWithContext(t.Context(), method, b.s.url()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range b.cookies {
		if c.Path == "" || c.Path == "/" || path == c.Path || strings.HasPrefix(path, c.Path+"/") || strings.HasPrefix(path, c.Path+"?") {
			r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			r.Header.Del(header[i])
		} else {
			r.Header.Set(header[i], header[i+1])
		}
	}
	res, err := consoleClient.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", method, path, err, b.s.proc.stderr())
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return answer{status: res.StatusCode, header: res.Header, body: raw}
}

// hidden returns the hidden fields of the form whose action is action on
// the page.
func hidden(t *testing.T, page []byte, action string) url.Values {
	t.Helper()
	forms := regexp.MustCompile(`(?s)<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>`).FindAllSubmatch(page, -1)
	for _, f := range forms {
		if html.UnescapeString(string(f[1])) != action {
			continue
		}
		v := url.Values{}
		for _, in := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllSubmatch(f[2], -1) {
			v.Set(string(in[1]), html.UnescapeString(string(in[2])))
		}
		return v
	}
	t.Fatalf("no form posting to %s on the page:\n%s", action, page)
	return nil
}

// signIn loads the sign-in form and posts login and password from it, as a
// browser does, and returns the answer to the post.
func (b *browser) signIn(t *testing.T, login, password string) answer {
	t.Helper()
	page := b.req(t, "GET", "/signin", nil)
	if page.status != http.StatusOK {
		t.Fatalf("GET /signin: HTTP %d %s", page.status, page.body)
	}
	form := hidden(t, page.body, "/signin")
	form.Set("login", login)
	form.Set("password", password)
	return b.req(t, "POST", "/signin", form, b.sameOrigin()...)
}

// mustSignIn signs in and checks that the console let the user in.
func (b *browser) mustSignIn(t *testing.T, login string) {
	t.Helper()
	if a := b.signIn(t, login, consolePassword); a.status != http.StatusSeeOther {
		t.Fatalf("signing in as %s: HTTP %d, want 303\n%s", login, a.status, a.body)
	}
	if !b.signedIn(t) {
		t.Fatalf("signed in as %s, the board answers as to a stranger", login)
	}
}

// signedIn tells whether the browser's session opens the board; a browser
// without one is sent to the sign-in page.
func (b *browser) signedIn(t *testing.T) bool {
	t.Helper()
	a := b.req(t, "GET", "/board", nil)
	switch {
	case a.status == http.StatusOK && bytes.Contains(a.body, []byte(`action="/signout"`)):
		return true
	case a.status/100 == 3 && strings.HasPrefix(a.header.Get("Location"), "/signin"):
		p := b.req(t, "GET", a.header.Get("Location"), nil)
		if p.status != http.StatusOK || !bytes.Contains(p.body, []byte(`action="/signin"`)) {
			t.Fatalf("the sign-in page a stranger is sent to: HTTP %d %s", p.status, p.body)
		}
		return false
	}
	t.Fatalf("GET /board: HTTP %d %s", a.status, a.body)
	return false
}

// sessionCookie is the session cookie the browser holds (either name).
func (b *browser) sessionCookie() *http.Cookie {
	if c := b.cookies["__Host-fb_console"]; c != nil {
		return c
	}
	return b.cookies["fb_console"]
}

var (
	csrfValue  = regexp.MustCompile(`name="csrf" value="[^"]*"`)
	loginValue = regexp.MustCompile(`(id="login" name="login"[^>]*value=")[^"]*"`)
)

// refusal is what the same-answer rules compare: the status, the body
// without what a page always varies (its form token, the login it echoes,
// the request ID and the names the request itself carried) and the names
// of the cookies set.
func refusal(a answer, echoed ...string) string {
	body := csrfValue.ReplaceAllString(string(a.body), `name="csrf" value="TOKEN"`)
	body = loginValue.ReplaceAllString(body, `${1}LOGIN"`)
	if id := a.header.Get("X-Request-Id"); id != "" {
		body = strings.ReplaceAll(body, id, "REQUEST-ID")
	}
	for _, e := range echoed {
		body = strings.ReplaceAll(body, html.EscapeString(e), "ECHOED")
	}
	var names []string
	for _, c := range a.header.Values("Set-Cookie") {
		if ck, err := http.ParseSetCookie(c); err == nil {
			names = append(names, ck.Name)
		}
	}
	return fmt.Sprintf("HTTP %d, cookies %v\n%s", a.status, names, body)
}

// onEachFreshDB runs fn on a new service per database: the sign-in
// throttle counts per client address, and every case's client is
// 127.0.0.1, so cases that fail sign-ins do not share a service.
// flags are more flags of the service.
func onEachFreshDB(t *testing.T, fn func(t *testing.T, s *service), flags ...string) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) { fn(t, newService(t, db, flags...)) })
	}
}

// A wrong password, an unknown login, a disabled and a locked account get
// the same answer: 401 and the same page.
func TestConsoleSignInRefusalsAlike(t *testing.T) {
	onEachFreshDB(t, func(t *testing.T, s *service) {
		ok, disabled, locked := name("ok"), name("disabled"), name("locked")
		for _, l := range []string{ok, disabled, locked} {
			s.mustAddConsoleUser(t, "default", l, "dispatcher", "")
		}
		if err := s.consoleUserCLI(t, "disable", "", "-tenant", "default", "-login", disabled); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			s.browser().signIn(t, locked, "not the password")
		}
		var want string
		for i, c := range []struct{ what, login, password string }{
			{"a wrong password", ok, "not the password"},
			{"an unknown login", name("nobody"), consolePassword},
			{"a disabled account", disabled, consolePassword},
			{"a locked account", locked, consolePassword},
		} {
			a := s.browser().signIn(t, c.login, c.password)
			if a.status != http.StatusUnauthorized {
				t.Errorf("%s: HTTP %d, want 401", c.what, a.status)
			}
			got := refusal(a, c.login)
			if i == 0 {
				want = got
			} else if got != want {
				t.Errorf("%s is answered\n%s\nand a wrong password\n%s", c.what, got, want)
			}
		}
		// The refusal is not the only thing the console can answer.
		if a := s.browser().signIn(t, ok, consolePassword); a.status != http.StatusSeeOther {
			t.Errorf("the right password: HTTP %d, want 303", a.status)
		}
	})
}

// 5 wrong passwords in a row lock the account: the right password is then
// refused; fewer, with a success between, do not.
func TestConsoleLockout(t *testing.T) {
	onEachFreshDB(t, func(t *testing.T, s *service) {
		reset, locked := name("reset"), name("lockme")
		s.mustAddConsoleUser(t, "default", reset, "dispatcher", "")
		s.mustAddConsoleUser(t, "default", locked, "dispatcher", "")

		// 4 wrong, a success (which resets the count), 4 wrong: not locked.
		for round := range 2 {
			for i := range 4 {
				if a := s.browser().signIn(t, reset, "not the password"); a.status != http.StatusUnauthorized {
					t.Fatalf("wrong password %d of round %d: HTTP %d, want 401", i+1, round+1, a.status)
				}
			}
			if a := s.browser().signIn(t, reset, consolePassword); a.status != http.StatusSeeOther {
				t.Fatalf("the right password after 4 wrong ones (round %d): HTTP %d, want 303", round+1, a.status)
			}
		}

		for i := range 5 {
			if a := s.browser().signIn(t, locked, "not the password"); a.status != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: HTTP %d, want 401", i+1, a.status)
			}
		}
		b := s.browser()
		if a := b.signIn(t, locked, consolePassword); a.status != http.StatusUnauthorized {
			t.Fatalf("the right password after 5 wrong ones: HTTP %d, want 401 (locked for 15 minutes)", a.status)
		}
		if b.sessionCookie() != nil || b.signedIn(t) {
			t.Errorf("a locked account's right password gave a session")
		}
	})
}

// Each client address gets 20 attempts, then one per 10 seconds (429); a
// sign-in that succeeds gives its attempt back.
func TestConsoleSignInThrottle(t *testing.T) {
	onEachFreshDB(t, func(t *testing.T, s *service) {
		user := name("throttled")
		s.mustAddConsoleUser(t, "default", user, "dispatcher", "")
		if a := s.browser().signIn(t, user, consolePassword); a.status != http.StatusSeeOther {
			t.Fatalf("sign-in: HTTP %d, want 303", a.status)
		}
		// Unknown logins, so that no account locks: only the address counts.
		// Each attempt hashes a password (argon2id), so on a loaded machine
		// 20 attempts can outlast 10 seconds and earn one more: the rule
		// allows 20 plus one per 10 seconds since the first.
		start := time.Now()
		failed := 0
		for {
			a := s.browser().signIn(t, name("nobody"), consolePassword)
			if a.status == http.StatusTooManyRequests {
				break
			}
			if a.status != http.StatusUnauthorized {
				t.Fatalf("failed attempt %d after a success: HTTP %d, want 401 or, after 20, 429", failed+1, a.status)
			}
			failed++
			if allowed := 20 + int(time.Since(start)/(10*time.Second)); failed > allowed {
				t.Fatalf("%d failed attempts in %s were all answered 401; the rule allows %d", failed, time.Since(start).Round(time.Millisecond), allowed)
			}
		}
		if failed < 20 {
			t.Fatalf("throttled after %d failed attempts, want 20", failed)
		}
		throttled := time.Now()
		a := s.browser().signIn(t, user, consolePassword)
		if a.status != http.StatusTooManyRequests && time.Since(throttled) < 10*time.Second {
			t.Errorf("the right password right after a 429: HTTP %d, want 429", a.status)
		}
		// 10 seconds later, one attempt, and one only.
		time.Sleep(10*time.Second + 500*time.Millisecond)
		if a := s.browser().signIn(t, user, consolePassword); a.status != http.StatusSeeOther {
			t.Errorf("the right password 10 seconds later: HTTP %d, want 303", a.status)
		}
		if a := s.browser().signIn(t, name("nobody"), consolePassword); a.status != http.StatusUnauthorized {
			t.Errorf("a failing attempt after that success gave its attempt back: HTTP %d, want 401", a.status)
		}
		if a := s.browser().signIn(t, name("nobody"), consolePassword); a.status != http.StatusTooManyRequests {
			t.Errorf("a second attempt within 10 seconds: HTTP %d, want 429", a.status)
		}
	})
}

// Over TLS the session cookie is __Host-fb_console, HttpOnly, Secure,
// SameSite=Lax, Path=/, and its value 32 random bytes in base64url.
func TestConsoleSessionCookie(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		if !strings.HasPrefix(s.url(), "https://") {
			t.Fatalf("the shared service is not on TLS: %s", s.url())
		}
		checkSessionCookie(t, s, "__Host-fb_console", true)
	})
}

// Over plain HTTP (-plain-http, behind a proxy) the session cookie is
// fb_console, not Secure, with the same other attributes.
func TestConsoleSessionCookiePlainHTTP(t *testing.T) {
	onEachFreshDB(t, func(t *testing.T, s *service) {
		if !strings.HasPrefix(s.url(), "http://") {
			t.Fatalf("-plain-http listens on %s", s.url())
		}
		checkSessionCookie(t, s, "fb_console", false)
	}, "-plain-http")
}

// checkSessionCookie signs a new user in on s and checks the session
// cookie the answer sets, and that a second sign-in gets another ID.
func checkSessionCookie(t *testing.T, s *service, wantName string, wantSecure bool) {
	t.Helper()
	login := name("cookie")
	s.mustAddConsoleUser(t, "default", login, "dispatcher", "")
	a := s.browser().signIn(t, login, consolePassword)
	if a.status != http.StatusSeeOther {
		t.Fatalf("sign-in: HTTP %d, want 303", a.status)
	}
	var session *http.Cookie
	for _, line := range a.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("Set-Cookie %q: %v", line, err)
		}
		if strings.Contains(c.Name, "fb_console") {
			session = c
		}
	}
	if session == nil {
		t.Fatalf("sign-in set no session cookie: %q", a.header.Values("Set-Cookie"))
	}
	if session.Name != wantName || !session.HttpOnly || session.Secure != wantSecure || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.Domain != "" {
		t.Errorf("the session cookie is %q; want %s, HttpOnly, Secure %v, SameSite=Lax, Path=/, no Domain", session.String(), wantName, wantSecure)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(session.Value); err != nil || len(raw) != 32 {
		t.Errorf("the session ID %q is not 32 bytes in base64url (%d bytes, %v)", session.Value, len(raw), err)
	}
	// Random: another sign-in of the same user gets another ID.
	b := s.browser()
	b.mustSignIn(t, login)
	if c := b.sessionCookie(); c == nil || c.Value == session.Value {
		t.Errorf("two sign-ins got the same session ID %q", session.Value)
	}
}

// Sign-in always makes a new session ID and ends the session of the cookie
// the browser brought: a session planted in a victim's browser (here the
// attacker's own, and one the attacker made up) is not promoted.
func TestConsoleSessionFixation(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		attacker, victim := name("attacker"), name("victim")
		s.mustAddConsoleUser(t, "default", attacker, "dispatcher", "")
		s.mustAddConsoleUser(t, "default", victim, "dispatcher", "")

		a := s.browser()
		a.mustSignIn(t, attacker)
		planted := *a.sessionCookie()

		for _, c := range []struct{ what, value string }{
			{"the attacker's live session", planted.Value},
			{"a made-up ID", base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))},
		} {
			v := s.browser()
			v.cookies[planted.Name] = &http.Cookie{Name: planted.Name, Value: c.value, Path: "/"}
			v.mustSignIn(t, victim)
			if got := v.sessionCookie(); got.Value == c.value {
				t.Errorf("signing in with %s in the browser kept that ID", c.what)
			}
			old := s.browser()
			old.cookies[planted.Name] = &http.Cookie{Name: planted.Name, Value: c.value, Path: "/"}
			if old.signedIn(t) {
				t.Errorf("%s opens the board after the victim signed in with it", c.what)
			}
		}
		// The attacker's own browser lost its session with it.
		if a.signedIn(t) {
			t.Errorf("the attacker's session survived the victim's sign-in with its cookie")
		}
	})
}

// Sign-out (a POST) ends the session at the server: the old cookie, sent
// again, gets the sign-in page. Setting a user's password or disabling the
// user ends their sessions too.
func TestConsoleSessionEnds(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		login := name("leaver")
		s.mustAddConsoleUser(t, "default", login, "dispatcher", "")

		b := s.browser()
		b.mustSignIn(t, login)
		kept := *b.sessionCookie()
		board := b.req(t, "GET", "/board", nil)
		form := hidden(t, board.body, "/signout")
		if a := b.req(t, "POST", "/signout", form, b.sameOrigin()...); a.status/100 != 3 && a.status != http.StatusOK {
			t.Fatalf("POST /signout: HTTP %d %s", a.status, a.body)
		}
		replay := s.browser()
		replay.cookies[kept.Name] = &kept
		if replay.signedIn(t) {
			t.Errorf("the session's cookie still opens the board after sign-out")
		}

		for _, c := range []struct {
			verb  string
			stdin string
		}{
			{"passwd", "another good password\n"},
			{"disable", ""},
		} {
			// passwd leaves the account usable with its new password;
			// disable is last.
			pw := consolePassword
			if c.verb == "disable" {
				pw = "another good password"
			}
			b := s.browser()
			if a := b.signIn(t, login, pw); a.status != http.StatusSeeOther {
				t.Fatalf("sign-in before %s: HTTP %d", c.verb, a.status)
			}
			if !b.signedIn(t) {
				t.Fatalf("no session before %s", c.verb)
			}
			if err := s.consoleUserCLI(t, c.verb, c.stdin, "-tenant", "default", "-login", login); err != nil {
				t.Fatal(err)
			}
			if b.signedIn(t) {
				t.Errorf("the session survived console-user %s", c.verb)
			}
		}
	})
}

// Passwords are 12 to 256 characters: the CLI refuses others and adds
// nothing; a login is unique across the service, tenants included.
func TestConsoleUserRules(t *testing.T) {
	onEachFreshDB(t, func(t *testing.T, s *service) {
		other := name("tenant")
		s.newTenant(t, other)
		for _, c := range []struct {
			what     string
			password string
			ok       bool
		}{
			{"11 characters", strings.Repeat("a", 11), false},
			{"257 characters", strings.Repeat("b", 257), false},
			{"12 characters", strings.Repeat("c", 12), true},
			{"256 characters", strings.Repeat("d", 256), true},
		} {
			login := name("pw")
			err := s.addConsoleUser(t, "default", login, "dispatcher", "", c.password)
			if (err == nil) != c.ok {
				t.Errorf("a password of %s: error %v, want accepted %v", c.what, err, c.ok)
				continue
			}
			got := s.browser().signIn(t, login, c.password)
			if c.ok && got.status != http.StatusSeeOther || !c.ok && got.status != http.StatusUnauthorized {
				t.Errorf("signing in with the password of %s: HTTP %d", c.what, got.status)
			}
			if !c.ok {
				// Nothing was made: the login is free for a good password.
				if err := s.addConsoleUser(t, "default", login, "dispatcher", "", consolePassword); err != nil {
					t.Errorf("the login of a refused password of %s is taken: %v", c.what, err)
				}
			}
		}

		login := name("unique")
		s.mustAddConsoleUser(t, "default", login, "dispatcher", "")
		if err := s.addConsoleUser(t, other, login, "dispatcher", "", "a different password"); err == nil {
			t.Errorf("a second tenant got a user with a login in use in the first")
		}
		if a := s.browser().signIn(t, login, "a different password"); a.status != http.StatusUnauthorized {
			t.Errorf("the second tenant's password of the same login signs in: HTTP %d", a.status)
		}
	})
}

// customerForm loads the ticket's page in the browser and returns the
// form that changes the customer's phone and address, filled with phone.
func (b *browser) customerForm(t *testing.T, ticket, phone string) url.Values {
	t.Helper()
	page := b.req(t, "GET", "/tickets/"+ticket, nil)
	if page.status != http.StatusOK {
		t.Fatalf("GET /tickets/%s: HTTP %d %s", ticket, page.status, page.body)
	}
	form := hidden(t, page.body, "/tickets/"+ticket+"/customer")
	form.Set("phone", phone)
	form.Set("address", "9 Console Street")
	return form
}

// Every POST carries the session's token and is not marked cross-site by
// the browser (Sec-Fetch-Site, or without it Origin), else 403 and nothing
// changed.
func TestConsoleCSRF(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		login, other := name("csrf"), name("csrf-other")
		s.mustAddConsoleUser(t, "default", login, "dispatcher", "")
		s.mustAddConsoleUser(t, "default", other, "dispatcher", "")
		tk := s.newTicket(t, "", name("store"))
		b := s.browser()
		b.mustSignIn(t, login)
		o := s.browser()
		o.mustSignIn(t, other)
		othersToken := o.customerForm(t, tk.ID, "1").Get("csrf")
		path := "/tickets/" + tk.ID + "/customer"

		for _, c := range []struct {
			what   string
			token  string // "" sends none
			header []string
		}{
			{"no token", "", b.sameOrigin()},
			{"a wrong token", "not-the-token", b.sameOrigin()},
			{"another session's token", othersToken, b.sameOrigin()},
			{"a wrong X-CSRF-Token header and no field", "", append(b.sameOrigin(), "X-CSRF-Token", "not-the-token")},
			{"Sec-Fetch-Site: cross-site", "right", []string{"Origin", s.url(), "Sec-Fetch-Site", "cross-site"}},
			{"Sec-Fetch-Site: same-site", "right", []string{"Origin", s.url(), "Sec-Fetch-Site", "same-site"}},
			{"an Origin of another host", "right", []string{"Origin", "https://evil.example"}},
		} {
			form := b.customerForm(t, tk.ID, "13700000001")
			switch c.token {
			case "":
				form.Del("csrf")
			case "right":
			default:
				form.Set("csrf", c.token)
			}
			if a := b.req(t, "POST", path, form, c.header...); a.status != http.StatusForbidden {
				t.Errorf("%s: HTTP %d, want 403", c.what, a.status)
			}
			if got := s.ticket(t, tk.ID).Ticket.Customer; got != tk.Customer {
				t.Fatalf("after a POST with %s the customer is %+v, was %+v", c.what, got, tk.Customer)
			}
		}

		// The same request with the token, from the console's own page, is
		// taken: by form field, and by header.
		form := b.customerForm(t, tk.ID, "13700000002")
		if a := b.req(t, "POST", path, form, b.sameOrigin()...); a.status/100 != 3 {
			t.Fatalf("the form with its token: HTTP %d %s", a.status, a.body)
		}
		if got := s.ticket(t, tk.ID).Ticket.Customer.Phone; got != "13700000002" {
			t.Fatalf("the form with its token left the phone %q", got)
		}
		form = b.customerForm(t, tk.ID, "13700000003")
		token := form.Get("csrf")
		form.Del("csrf")
		if a := b.req(t, "POST", path, form, append(b.sameOrigin(), "X-CSRF-Token", token)...); a.status/100 != 3 {
			t.Fatalf("the form with its token in X-CSRF-Token: HTTP %d %s", a.status, a.body)
		}
		if got := s.ticket(t, tk.ID).Ticket.Customer.Phone; got != "13700000003" {
			t.Fatalf("the form with its token in X-CSRF-Token left the phone %q", got)
		}
	})
}

// createTicketAs creates a carry-in ticket of store with the admin token
// tok (a tenant's dispatcher) and returns its ID.
func (s *service) createTicketAs(t *testing.T, tok, store string) string {
	t.Helper()
	id := newID()
	a := s.do(t, "POST", "/v1/admin/mutations", tok, map[string]any{"name": "ticket.create", "version": 1, "args": map[string]any{"ticket": map[string]any{
		"id": id, "number": name("CF"), "kind": "carry_in", "country": "CN",
		"product":  map[string]any{"category": "appliance", "brand": "Acme", "model": "W1"},
		"customer": map[string]any{"name": "Customer of " + store, "phone": "13800000000", "address": "1 Old Road"},
		"fault":    "leaks", "store": store,
	}}})
	if a.status != http.StatusOK {
		t.Fatalf("ticket.create: HTTP %d %s", a.status, a.body)
	}
	return id
}

// A console user sees only their tenant, a store manager only their
// store's tickets: another's ticket answers exactly as a missing one
// (status and page, but for the ID in the path and the request ID), for
// a GET and for a change, and the change is not made.
func TestConsoleScopes(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		otherTenant := s.newTenant(t, name("tenant"))
		storeA, storeB := name("store-a"), name("store-b")
		for _, st := range []string{storeA, storeB} {
			s.adminOK(t, "PUT", "/v1/admin/locations/"+st, map[string]any{"id": st, "kind": "store", "name": "Store " + st}, nil)
		}
		dispatcher, manager := name("scoped"), name("manager")
		s.mustAddConsoleUser(t, "default", dispatcher, "dispatcher", "")
		s.mustAddConsoleUser(t, "default", manager, "store_manager", storeA)

		elsewhere := s.createTicketAs(t, otherTenant, storeA)
		ownA, ownB := s.createTicketAs(t, s.admin, storeA), s.createTicketAs(t, s.admin, storeB)

		for _, c := range []struct {
			login          string
			mine, notMine  string
			otherTenantTok string
		}{
			{dispatcher, ownB, elsewhere, otherTenant},
			{manager, ownA, ownB, s.admin},
		} {
			b := s.browser()
			b.mustSignIn(t, c.login)
			// Control: the user's own ticket opens, and its form is the one
			// posted below.
			form := b.customerForm(t, c.mine, "13600000001")
			nowhere := newID()
			for _, m := range []string{"GET", "POST"} {
				var f url.Values
				suffix := ""
				if m == "POST" {
					f, suffix = form, "/customer"
				}
				got := b.req(t, m, "/tickets/"+c.notMine+suffix, f, b.sameOrigin()...)
				ref := b.req(t, m, "/tickets/"+nowhere+suffix, f, b.sameOrigin()...)
				if got.status != http.StatusNotFound || refusal(got, c.notMine) != refusal(ref, nowhere) {
					t.Errorf("%s %s by %s: %s\nabout a ticket that exists nowhere: %s", m, c.notMine, c.login, refusal(got, c.notMine), refusal(ref, nowhere))
				}
			}
			var d ticketDetail
			a := s.do(t, "GET", "/v1/admin/tickets/"+c.notMine, c.otherTenantTok, nil)
			if a.status != http.StatusOK || jsonUnmarshal(a.body, &d) != nil {
				t.Fatalf("GET /v1/admin/tickets/%s: HTTP %d %s", c.notMine, a.status, a.body)
			}
			if d.Ticket.Customer.Phone != "13800000000" {
				t.Errorf("%s changed a ticket out of their scope: phone %q", c.login, d.Ticket.Customer.Phone)
			}
		}
	})
}

// auditRow matches a row of the audit page's table.
var auditRow = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)

// A change made in the console is recorded in the audit with the login,
// visible on /audit to an administrator (and to no dispatcher).
func TestConsoleAudit(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		dispatcher, admin := name("audited"), name("auditor")
		s.mustAddConsoleUser(t, "default", dispatcher, "dispatcher", "")
		s.mustAddConsoleUser(t, "default", admin, "administrator", "")
		tk := s.newTicket(t, "", name("store"))

		b := s.browser()
		b.mustSignIn(t, dispatcher)
		form := b.customerForm(t, tk.ID, "13500000001")
		if a := b.req(t, "POST", "/tickets/"+tk.ID+"/customer", form, b.sameOrigin()...); a.status/100 != 3 {
			t.Fatalf("the console's change: HTTP %d %s", a.status, a.body)
		}
		if a := b.req(t, "GET", "/audit", nil); a.status == http.StatusOK {
			t.Errorf("a dispatcher reads the audit")
		}

		adm := s.browser()
		adm.mustSignIn(t, admin)
		a := adm.req(t, "GET", "/audit", nil)
		if a.status != http.StatusOK {
			t.Fatalf("GET /audit as an administrator: HTTP %d %s", a.status, a.body)
		}
		found := false
		for _, row := range auditRow.FindAllSubmatch(a.body, -1) {
			r := html.UnescapeString(string(row[1]))
			if strings.Contains(r, ">"+dispatcher+"<") && strings.Contains(r, tk.ID) && strings.Contains(r, "13500000001") {
				found = true
			}
		}
		if !found {
			t.Errorf("the audit has no row of %s changing ticket %s:\n%s", dispatcher, tk.ID, a.body)
		}

		// A change to console users is recorded too; a refused one (a
		// password of 11 characters) makes no user and no row.
		users := adm.req(t, "GET", "/users", nil)
		if users.status != http.StatusOK {
			t.Fatalf("GET /users as an administrator: HTTP %d", users.status)
		}
		short, added := name("short"), name("added")
		for _, c := range []struct {
			login, password string
			ok              bool
		}{{short, "eleven-char", false}, {added, consolePassword, true}} {
			form := hidden(t, users.body, "/users")
			form.Set("login", c.login)
			form.Set("name", "Added "+c.login)
			form.Set("role", "parts_clerk")
			form.Set("password", c.password)
			a := adm.req(t, "POST", "/users", form, adm.sameOrigin()...)
			if c.ok != (a.status/100 == 3 || a.status == http.StatusOK) || !c.ok && a.status/100 != 4 {
				t.Errorf("POST /users of %s with a password of %d characters: HTTP %d", c.login, len(c.password), a.status)
			}
			signIn := s.browser().signIn(t, c.login, c.password)
			if c.ok != (signIn.status == http.StatusSeeOther) {
				t.Errorf("%s (password accepted %v) signing in: HTTP %d", c.login, c.ok, signIn.status)
			}
		}
		audit := html.UnescapeString(string(adm.req(t, "GET", "/audit", nil).body))
		if strings.Contains(audit, short) {
			t.Errorf("the audit records the refused user %s", short)
		}
		found = false
		for _, row := range auditRow.FindAllStringSubmatch(audit, -1) {
			if strings.Contains(row[1], ">"+admin+"<") && strings.Contains(row[1], added) {
				found = true
			}
		}
		if !found {
			t.Errorf("the audit has no row of %s adding %s:\n%s", admin, added, audit)
		}
	})
}

// The console changes tickets as `console:<login>`. A ticket's history
// (GET /v1/admin/tickets/{id}/history) lists statuses without who changed
// them, and the console changes no status; where the API names the
// writer of a console change is a `field` conflict's `theirs_by`: the
// console saves a phone over a technician's unseen change.
func TestConsoleChangesAsLogin(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		login := name("writer")
		s.mustAddConsoleUser(t, "default", login, "dispatcher", "")
		tc := s.addFieldTech(t, "console-field", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")

		b := s.browser()
		b.mustSignIn(t, login)
		form := b.customerForm(t, tk.ID, "13400000002") // shows the old phone
		if x, rejected := dev.pushOne(t, dev.mut("ticket.update", map[string]any{
			"ticket": tk.ID, "set": map[string]any{"customer_phone": "13400000001"}, "base": map[string]any{"customer_phone": tk.Customer.Phone},
		})); rejected {
			t.Fatalf("the technician's phone change was rejected: %+v", x)
		}
		if a := b.req(t, "POST", "/tickets/"+tk.ID+"/customer", form, b.sameOrigin()...); a.status/100 != 3 && a.status != http.StatusOK {
			t.Fatalf("the console's change: HTTP %d %s", a.status, a.body)
		}

		var all []struct {
			Ticket   string `json:"ticket"`
			Kind     string `json:"kind"`
			Field    string `json:"field"`
			Key      string `json:"key"`
			Theirs   string `json:"theirs"`
			TheirsBy string `json:"theirs_by"`
		}
		s.adminOK(t, "GET", "/v1/admin/conflicts?all=1", nil, &all)
		found := false
		for _, c := range all {
			if c.Ticket != tk.ID {
				continue
			}
			found = true
			if c.Kind != "field" || c.Key != "conflict.field_dispatch" || c.Theirs != "13400000002" || c.TheirsBy != "console:"+login {
				t.Errorf("the conflict of the console's change is %+v; want a field conflict conflict.field_dispatch, theirs 13400000002 by console:%s", c, login)
			}
		}
		if !found {
			t.Errorf("the console's change over the technician's raised no conflict (phone now %q)", s.ticket(t, tk.ID).Ticket.Customer.Phone)
		}
	})
}

// The sign-in form carries a token of its own, tied to the browser by the
// fb_signin cookie, and is not taken cross-site: without either, the right
// password gets 403 and no session.
func TestConsoleSignInCSRF(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		login := name("signin-csrf")
		s.mustAddConsoleUser(t, "default", login, "dispatcher", "")
		for _, c := range []struct {
			what   string
			change func(b *browser, form url.Values) []string // the headers to send
		}{
			{"no token", func(b *browser, f url.Values) []string { f.Del("csrf"); return b.sameOrigin() }},
			{"a wrong token", func(b *browser, f url.Values) []string { f.Set("csrf", "not-the-token"); return b.sameOrigin() }},
			{"no fb_signin cookie", func(b *browser, f url.Values) []string { delete(b.cookies, "fb_signin"); return b.sameOrigin() }},
			{"another browser's token", func(b *browser, f url.Values) []string {
				other := s.browser().req(t, "GET", "/signin", nil)
				f.Set("csrf", hidden(t, other.body, "/signin").Get("csrf"))
				return b.sameOrigin()
			}},
			{"Sec-Fetch-Site: cross-site", func(b *browser, f url.Values) []string {
				return []string{"Origin", s.url(), "Sec-Fetch-Site", "cross-site"}
			}},
			{"an Origin of another host", func(b *browser, f url.Values) []string { return []string{"Origin", "https://evil.example"} }},
		} {
			b := s.browser()
			page := b.req(t, "GET", "/signin", nil)
			form := hidden(t, page.body, "/signin")
			form.Set("login", login)
			form.Set("password", consolePassword)
			header := c.change(b, form)
			if a := b.req(t, "POST", "/signin", form, header...); a.status != http.StatusForbidden {
				t.Errorf("signing in with %s: HTTP %d, want 403", c.what, a.status)
			}
			if b.sessionCookie() != nil || b.signedIn(t) {
				t.Errorf("signing in with %s gave a session", c.what)
			}
		}
		// The same browser, the form as it came: in.
		s.browser().mustSignIn(t, login)
	})
}

// The refusals take the same work: an unknown login is not answered
// measurably sooner than a wrong password (which hashes with argon2id,
// tens of milliseconds). The fastest of 9 of each, and a factor of 3 of
// slack: an answer that skips the hash is faster by far more. The
// fastest, not the median: a loaded machine only adds time, and medians
// of 7 read 34 against 143 ms at load 20 with the hash in both.
func TestConsoleSignInSameWork(t *testing.T) {
	onEachFreshDB(t, func(t *testing.T, s *service) {
		login := name("timed")
		s.mustAddConsoleUser(t, "default", login, "dispatcher", "")
		attempt := func(login string) time.Duration {
			b := s.browser()
			page := b.req(t, "GET", "/signin", nil)
			form := hidden(t, page.body, "/signin")
			form.Set("login", login)
			form.Set("password", "not the password")
			start := time.Now()
			if a := b.req(t, "POST", "/signin", form, b.sameOrigin()...); a.status != http.StatusUnauthorized {
				t.Fatalf("a refused sign-in: HTTP %d", a.status)
			}
			return time.Since(start)
		}
		// The two kinds alternate, so a change in the machine's load
		// falls on both alike.
		var wrongs, unknowns []time.Duration
		for range 9 {
			wrongs = append(wrongs, attempt(login))
			unknowns = append(unknowns, attempt(name("nobody")))
		}
		wrong, unknown := slices.Min(wrongs), slices.Min(unknowns)
		if unknown*3 < wrong {
			t.Errorf("an unknown login is answered in %v, a wrong password in %v", unknown, wrong)
		}
	})
}
