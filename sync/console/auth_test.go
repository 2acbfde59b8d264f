package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// sessionCookie is the client's session cookie value, "" without one.
func (cl *client) sessionCookie(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(cl.tc.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range cl.hc.Jar.Cookies(u) {
		if ck.Name == "fb_console" {
			return ck.Value
		}
	}
	return ""
}

// setSessionCookie plants a session cookie in the client's jar.
func (cl *client) setSessionCookie(t *testing.T, value string) {
	t.Helper()
	u, err := url.Parse(cl.tc.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	cl.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "fb_console", Value: value, Path: "/"}})
}

var errorPara = regexp.MustCompile(`<p class="error" role="alert"[^>]*>([^<]*)</p>`)

// TestSignIn: the right password signs in; a wrong one, an unknown login
// and a disabled account get the same answer.
func TestSignIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		if err := tc.db.DisableConsoleUser(ctx, "t1", "clerk@t1"); err != nil {
			t.Fatal(err)
		}
		var refusal string
		for _, c := range []struct {
			name, login, password string
			ok                    bool
		}{
			{"right", "dispatcher@t1", testPassword, true},
			{"wrong password", "dispatcher@t1", testPassword + "!", false},
			{"unknown login", "nobody@t1", testPassword, false},
			{"disabled", "clerk@t1", testPassword, false},
			{"empty", "", "", false},
		} {
			cl := tc.newClient(t)
			status, body := cl.signInAs(t, c.login, c.password)
			if c.ok {
				if status != http.StatusSeeOther || cl.location != "/board" || cl.sessionCookie(t) == "" {
					t.Errorf("%s: status %d to %q, cookie %q", c.name, status, cl.location, cl.sessionCookie(t))
				}
				continue
			}
			m := errorPara.FindStringSubmatch(body)
			if status != http.StatusUnauthorized || m == nil || cl.sessionCookie(t) != "" {
				t.Errorf("%s: status %d, cookie %q\n%s", c.name, status, cl.sessionCookie(t), body)
				continue
			}
			if refusal == "" {
				refusal = m[1]
			} else if m[1] != refusal {
				t.Errorf("%s: refusal %q differs from %q", c.name, m[1], refusal)
			}
			if status, _ := cl.get(t, "/board"); status != http.StatusSeeOther {
				t.Errorf("%s: /board after a refused sign-in: status %d", c.name, status)
			}
		}
	})
}

// TestLockout: 5 wrong passwords lock the account for 15 minutes, in which
// the right password is refused as a wrong one (and as an unknown login);
// after them it works and the count starts again.
func TestLockout(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		cl := tc.newClient(t)
		for i := range central.ConsoleMaxFailures {
			if status, _ := cl.signInAs(t, "dispatcher@t1", "wrong password "+string(rune('a'+i))); status != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: status %d", i+1, status)
			}
		}
		u, err := tc.db.ConsoleUser(context.Background(), "t1", "dispatcher@t1")
		if err != nil {
			t.Fatal(err)
		}
		if want := testStart.Add(central.ConsoleLockout); !u.LockedUntil.Equal(want) {
			t.Errorf("locked until %v, want %v", u.LockedUntil, want)
		}
		status, locked := cl.signInAs(t, "dispatcher@t1", testPassword)
		_, unknown := cl.signInAs(t, "nobody@t1", testPassword)
		lm, um := errorPara.FindStringSubmatch(locked), errorPara.FindStringSubmatch(unknown)
		if status != http.StatusUnauthorized || cl.sessionCookie(t) != "" || lm == nil || um == nil || lm[1] != um[1] {
			t.Fatalf("locked account, right password: status %d, cookie %q; answers %q and %q", status, cl.sessionCookie(t), lm, um)
		}
		// Another user of the tenant is not locked, and sees the lock.
		admin := tc.signIn(t, "admin@t1")
		if _, body := admin.get(t, "/users"); !strings.Contains(body, "Locked until 27 Nov 2026 09:15 (UTC)") {
			t.Errorf("the users page does not show the lock\n%s", body)
		}
		tc.advance(central.ConsoleLockout - time.Second)
		if status, _ := cl.signInAs(t, "dispatcher@t1", testPassword); status != http.StatusUnauthorized {
			t.Errorf("a second before the lock ends: status %d", status)
		}
		tc.advance(time.Second)
		if status, _ := cl.signInAs(t, "dispatcher@t1", testPassword); status != http.StatusSeeOther {
			t.Errorf("after the lock: status %d", status)
		}
		if u, _ := tc.db.ConsoleUser(context.Background(), "t1", "dispatcher@t1"); u.Failed != 0 {
			t.Errorf("after a sign-in, %d failures counted", u.Failed)
		}
	})
}

// TestSignInThrottlePerAddress: one address gets signinBurst failed
// attempts, whatever the logins, then waits; successful ones are free.
func TestSignInThrottlePerAddress(t *testing.T) {
	tc := newTestConsole(t, "sqlite")
	// Successful sign-ins from the address do not count.
	for range signinBurst + 1 {
		tc.signIn(t, "dispatcher@t1")
	}
	cl := tc.newClient(t)
	for i := range signinBurst {
		if status, _ := cl.signInAs(t, "nobody"+string(rune('a'+i))+"@t1", testPassword); status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d", i+1, status)
		}
	}
	status, body := cl.signInAs(t, "dispatcher@t1", testPassword)
	if status != http.StatusTooManyRequests || !strings.Contains(body, "Too many sign-in attempts") || cl.sessionCookie(t) != "" {
		t.Fatalf("attempt %d: status %d\n%s", signinBurst+1, status, body)
	}
	tc.advance(signinEvery)
	if status, _ := cl.signInAs(t, "dispatcher@t1", testPassword); status != http.StatusSeeOther {
		t.Errorf("after waiting: status %d", status)
	}
}

// TestSessionFixation: a session cookie the browser had before signing in,
// made up or another user's live one, is never the session after it.
func TestSessionFixation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		attacker := tc.signIn(t, "dispatcher@t1")
		planted := attacker.sessionCookie(t)
		for _, c := range []struct{ name, cookie string }{{"made up", "attacker-chosen-value"}, {"another user's", planted}} {
			victim := tc.newClient(t)
			victim.setSessionCookie(t, c.cookie)
			if status, _ := victim.signInAs(t, "admin@t1", testPassword); status != http.StatusSeeOther {
				t.Fatalf("%s: sign in: status %d", c.name, status)
			}
			if got := victim.sessionCookie(t); got == "" || got == c.cookie {
				t.Errorf("%s: session after sign-in is %q", c.name, got)
			}
			if _, body := victim.get(t, "/board"); !strings.Contains(body, "User admin") {
				t.Errorf("%s: the board is not the signed-in user's", c.name)
			}
		}
		// The planted session was ended, not handed to the victim.
		if status, _ := attacker.get(t, "/board"); status != http.StatusSeeOther {
			t.Errorf("the planted session still works: status %d", status)
		}
	})
}

// TestSignOutEndsTheSessionOnTheServer: after signing out, the old cookie
// replayed by another client is refused.
func TestSignOutEndsTheSessionOnTheServer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		cl := tc.signIn(t, "dispatcher@t1")
		old := cl.sessionCookie(t)
		if status, _ := cl.postNoCSRF(t, "/signout", nil); status != http.StatusForbidden {
			t.Errorf("sign-out without the CSRF token: status %d", status)
		}
		if status, _ := cl.post(t, "/signout", nil); status != http.StatusSeeOther || cl.location != "/signin" {
			t.Fatalf("sign-out: status %d to %q", status, cl.location)
		}
		if cl.sessionCookie(t) != "" {
			t.Error("the browser keeps the session cookie")
		}
		replay := tc.newClient(t)
		replay.setSessionCookie(t, old)
		if status, _ := replay.get(t, "/board"); status != http.StatusSeeOther {
			t.Errorf("the old session cookie after sign-out: status %d", status)
		}
	})
}

// TestSessionExpiry: a session ends after 8 hours unused, and 7 days after
// sign-in however used.
func TestSessionExpiry(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		idle := tc.signIn(t, "dispatcher@t1")
		busy := tc.signIn(t, "admin@t1")
		tc.advance(central.ConsoleSessionIdle - time.Minute)
		if status, _ := busy.get(t, "/board"); status != http.StatusOK {
			t.Fatalf("before the idle timeout: status %d", status)
		}
		tc.advance(time.Minute)
		if status, _ := idle.get(t, "/board"); status != http.StatusSeeOther {
			t.Errorf("idle 8 hours: status %d", status)
		}
		if status, _ := busy.get(t, "/board"); status != http.StatusOK {
			t.Fatalf("used a minute ago: status %d", status)
		}
		// busy is used every 7 hours until its 7 days are over.
		start := testStart
		for tc.clock().Before(start.Add(central.ConsoleSessionMax - 7*time.Hour)) {
			tc.advance(7 * time.Hour)
			if status, _ := busy.get(t, "/board"); status != http.StatusOK {
				t.Fatalf("used every 7 hours, at %v: status %d", tc.clock(), status)
			}
		}
		tc.advance(start.Add(central.ConsoleSessionMax).Sub(tc.clock()))
		if status, _ := busy.get(t, "/board"); status != http.StatusSeeOther {
			t.Errorf("7 days after sign-in: status %d", status)
		}
	})
}

// TestCSRF: a state-changing request without the session's token, with a
// wrong one, or from another site is refused and changes nothing.
func TestCSRF(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		cl := tc.signIn(t, "dispatcher@t1")
		form := func(token string) url.Values {
			v := url.Values{"lang": {"fr"}, "next": {"/board"}}
			if token != "" {
				v.Set("csrf", token)
			}
			return v
		}
		for _, c := range []struct {
			name   string
			form   url.Values
			header http.Header
		}{
			{"missing", form(""), nil},
			{"wrong", form(cl.csrf + "x"), nil},
			{"another session's", form(tc.signIn(t, "admin@t1").csrf), nil},
			{"cross-site origin", form(cl.csrf), http.Header{"Origin": {"https://evil.example"}}},
			{"cross-site fetch", form(cl.csrf), http.Header{"Sec-Fetch-Site": {"cross-site"}}},
			{"header token cross-site", form(""), http.Header{"X-Csrf-Token": {cl.csrf}, "Sec-Fetch-Site": {"same-site"}}},
		} {
			status, body := cl.postWith(t, "/language", c.form, c.header)
			if status != http.StatusForbidden || !strings.Contains(body, "did not come from the console") {
				t.Errorf("%s: status %d\n%s", c.name, status, body)
			}
			if u, _ := tc.db.ConsoleUser(context.Background(), "t1", "dispatcher@t1"); u.Language != "" {
				t.Fatalf("%s: the language changed to %q", c.name, u.Language)
			}
		}
		for _, c := range []struct {
			name   string
			form   url.Values
			header http.Header
		}{
			{"form token, same origin", form(cl.csrf), http.Header{"Origin": {tc.srv.URL}, "Sec-Fetch-Site": {"same-origin"}}},
			{"header token", url.Values{"lang": {"zh-Hans"}}, http.Header{"X-Csrf-Token": {cl.csrf}}},
		} {
			if status, _ := cl.postWith(t, "/language", c.form, c.header); status != http.StatusSeeOther {
				t.Errorf("%s: status %d", c.name, status)
			}
		}
		if u, _ := tc.db.ConsoleUser(context.Background(), "t1", "dispatcher@t1"); u.Language != "zh-Hans" {
			t.Errorf("language %q after the accepted changes", u.Language)
		}
		if _, body := cl.get(t, "/board"); !strings.Contains(body, `<html lang="zh-Hans">`) || !strings.Contains(body, "调度看板") {
			t.Error("the board is not in the chosen language")
		}
	})
}

// TestSignInFormToken: a sign-in posted without the form's own token (login
// CSRF) or from another site is refused.
func TestSignInFormToken(t *testing.T) {
	tc := newTestConsole(t, "sqlite")
	for _, c := range []struct {
		name   string
		token  func(real string) string
		header http.Header
	}{
		{"missing", func(string) string { return "" }, nil},
		{"wrong", func(real string) string { return real + "x" }, nil},
		{"cross-site", func(real string) string { return real }, http.Header{"Origin": {"https://evil.example"}}},
	} {
		cl := tc.newClient(t)
		_, page := cl.get(t, "/signin")
		m := signinToken.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no form token")
		}
		status, body := cl.postWith(t, "/signin", url.Values{"login": {"dispatcher@t1"}, "password": {testPassword}, "csrf": {c.token(m[1])}}, c.header)
		if status != http.StatusForbidden || cl.sessionCookie(t) != "" || !strings.Contains(body, "The sign-in form expired") {
			t.Errorf("%s: status %d, cookie %q", c.name, status, cl.sessionCookie(t))
		}
	}
}

// TestNavigationByRole: each role's menu links the routed pages its
// permissions allow, and no other.
func TestNavigationByRole(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		nav := regexp.MustCompile(`<li><a href="(/[a-z]+)"`)
		for role, name := range testLogins {
			cl := tc.signIn(t, name+"@t1")
			_, body := cl.get(t, "/board")
			got := map[string]bool{}
			for _, m := range nav.FindAllStringSubmatch(body, -1) {
				got[m[1]] = true
			}
			for _, n := range navigation {
				if want := tc.c.paths[n.Href] && role.may(n.Perm); got[n.Href] != want {
					t.Errorf("%s: link to %s shown %v, want %v", role, n.Href, got[n.Href], want)
				}
			}
			if !strings.Contains(body, `aria-current="page">`) {
				t.Errorf("%s: the board's link is not marked current", role)
			}
		}
	})
}

// TestRouteNeedsPermission: the users and audit routes refuse every role
// without permUsers with 403, and change nothing.
func TestRouteNeedsPermission(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for role, name := range testLogins {
			if role.may(permUsers) {
				continue
			}
			cl := tc.signIn(t, name+"@t1")
			for _, c := range []struct{ method, path string }{
				{"GET", "/users"},
				{"POST", "/users"},
				{"POST", "/users/admin@t1/disable"},
				{"POST", "/users/admin@t1/password"},
				{"GET", "/audit"},
			} {
				var status int
				var body string
				if c.method == "GET" {
					status, body = cl.get(t, c.path)
				} else {
					status, body = cl.post(t, c.path, url.Values{"login": {"new@t1"}, "name": {"New"}, "role": {"administrator"}, "password": {testPassword}})
				}
				if status != http.StatusForbidden || !strings.Contains(body, "Your role may not do this") {
					t.Errorf("%s %s as %s: status %d", c.method, c.path, role, status)
				}
			}
		}
		if _, err := tc.db.ConsoleUser(context.Background(), "t1", "new@t1"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("a refused role created a user: %v", err)
		}
		if u, _ := tc.db.ConsoleUser(context.Background(), "t1", "admin@t1"); !u.DisabledAt.IsZero() {
			t.Error("a refused role disabled a user")
		}
	})
}

// sessionOf returns the session a console user would have, for calling
// the console's methods directly.
func (tc *testConsole) sessionOf(t *testing.T, tenant, login string) *Session {
	t.Helper()
	u, err := tc.db.ConsoleUser(context.Background(), tenant, login)
	if err != nil {
		t.Fatal(err)
	}
	return &Session{Tenant: u.Tenant, Login: u.Login, Name: u.Name, Role: Role(u.Role), Store: u.Store, Lang: "en", T: nil}
}

// TestApplyScope: a store manager acts on their store's tickets only; a
// ticket of another store, or of another tenant, is refused as a missing
// one is; an applied change is in the audit with the login.
func TestApplyScope(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		assign := func(ticket app.TicketID, tech app.TechnicianID, store app.StoreID) app.Mutation {
			m, err := app.NewMutation(&app.AssignTicket{Ticket: ticket, Technician: tech, Store: store}, testStart)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		manager, dispatcherT2 := tc.sessionOf(t, "t1", "manager@t1"), tc.sessionOf(t, "t2", "dispatcher@t2")
		missing := tc.c.apply(ctx, manager, assign("tk-404", "tech-1", "s1"))
		if app.ErrorCode(missing) != app.ENOTFOUND {
			t.Fatalf("a missing ticket: %v", missing)
		}
		for _, c := range []struct {
			name string
			s    *Session
			m    app.Mutation
			code string
		}{
			{"manager, other store's ticket", manager, assign("tk-2", "tech-1", "s1"), app.ENOTFOUND},
			{"other tenant's ticket", dispatcherT2, assign("tk-1", "tech-1", "s1"), app.ENOTFOUND},
			{"manager, assigning away", manager, assign("tk-1", "tech-2", "s2"), app.EFORBIDDEN},
		} {
			err := tc.c.apply(ctx, c.s, c.m)
			if app.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
			if c.code == app.ENOTFOUND && app.AsError(err).Key != app.AsError(missing).Key && c.s == manager {
				t.Errorf("%s: answered %q, a missing ticket %q", c.name, app.AsError(err).Key, app.AsError(missing).Key)
			}
		}
		if _, err := tc.c.ticket(ctx, manager, "tk-2"); app.ErrorCode(err) != app.ENOTFOUND || err.Error() != errNoTicket("tk-2").Error() {
			t.Errorf("manager reading tk-2: %v", err)
		}
		for _, id := range []app.TicketID{"tk-1", "tk-2"} {
			d, err := tc.db.TicketDetail(ctx, "t1", id)
			if err != nil || d.Ticket.Epoch != 1 {
				t.Fatalf("%s changed by a refused mutation: epoch %d, %v", id, d.Ticket.Epoch, err)
			}
		}
		if rs, _ := tc.db.Audit(ctx, "t1", 0); len(rs) != 0 {
			t.Fatalf("refusals were audited: %v", rs)
		}
		if err := tc.c.apply(ctx, manager, assign("tk-1", "tech-1", "s1")); err != nil {
			t.Fatal(err)
		}
		rs, err := tc.db.Audit(ctx, "t1", 0)
		if err != nil || len(rs) != 1 || rs[0].Login != "manager@t1" || rs[0].Action != "ticket.assign.v1" || rs[0].Target != "tk-1" || !rs[0].At.Equal(testStart) {
			t.Fatalf("audit %+v, %v", rs, err)
		}
		if d, _ := tc.db.TicketDetail(ctx, "t1", "tk-1"); d.Ticket.EpochBy != "console:manager@t1" {
			t.Errorf("the ticket names %q as who reassigned it", d.Ticket.EpochBy)
		}
		if rs, _ := tc.db.Audit(ctx, "t2", 0); len(rs) != 0 {
			t.Errorf("t2's audit holds t1's change: %v", rs)
		}
	})
}
