package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestUsersPage: an administrator adds a user, who can then sign in; the
// change is audited with the administrator's login and announced once.
// Refusals (bad input, no CSRF token, another tenant's user, oneself)
// change nothing.
func TestUsersPage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		admin := tc.signIn(t, "admin@t1")
		good := url.Values{"login": {"li.na@example.com"}, "name": {"Li Na"}, "role": {"store_manager"}, "store": {"s2"}, "password": {"twelve chars ok"}}
		with := func(k, v string) url.Values {
			f := url.Values{}
			for key, vs := range good {
				f[key] = vs
			}
			f.Set(k, v)
			return f
		}
		for _, c := range []struct {
			name string
			form url.Values
			want string
		}{
			{"short password", with("password", "eleven char"), "A password needs 12 to 256 characters"},
			{"unknown role", with("role", "superuser"), "Choose a role"},
			{"manager without store", with("store", ""), "A store manager needs"},
			{"clerk with store", with("role", "parts_clerk"), "A store manager needs"},
			{"login with slash", with("login", "a/b"), "A login needs"},
			{"login taken in another tenant", with("login", "admin@t2"), "is taken"},
		} {
			status, body := admin.post(t, "/users", c.form)
			if status/100 != 4 || !strings.Contains(body, c.want) || !strings.Contains(body, `value="`+c.form.Get("name")+`"`) {
				t.Errorf("%s: status %d\n%s", c.name, status, body)
			}
		}
		if status, _ := admin.postNoCSRF(t, "/users", good); status != http.StatusForbidden {
			t.Errorf("no CSRF token: status %d", status)
		}
		if _, err := tc.db.ConsoleUser(ctx, "t1", "li.na@example.com"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("a refused form created the user: %v", err)
		}
		if status, _ := admin.post(t, "/users", good); status != http.StatusSeeOther || admin.location != "/users" {
			t.Fatalf("add: status %d to %q", status, admin.location)
		}
		if _, body := admin.get(t, "/users"); !strings.Contains(body, "The user can sign in now.") || !strings.Contains(body, ">li.na@example.com<") {
			t.Errorf("after adding, the page lacks the message or the user\n%s", body)
		}
		if _, body := admin.get(t, "/users"); strings.Contains(body, "The user can sign in now.") {
			t.Error("the message is shown twice")
		}
		if status, body := tc.newClient(t).signInAs(t, "li.na@example.com", "twelve chars ok"); status != http.StatusSeeOther {
			t.Errorf("the new user cannot sign in: %d\n%s", status, body)
		}

		// Another tenant's user is as missing as a user that is not there.
		_, missing := admin.post(t, "/users/nobody@t1/disable", nil)
		status, other := admin.post(t, "/users/admin@t2/disable", nil)
		if status != http.StatusNotFound || unmasked(strings.ReplaceAll(other, "admin@t2", "X")) != unmasked(strings.ReplaceAll(missing, "nobody@t1", "X")) {
			t.Errorf("disabling another tenant's user: status %d\n%s", status, other)
		}
		if status, _ := admin.post(t, "/users/admin@t2/password", url.Values{"password": {"a new password!"}}); status != http.StatusNotFound {
			t.Errorf("another tenant's password: status %d", status)
		}
		if status, body := admin.post(t, "/users/admin@t1/disable", nil); status != http.StatusBadRequest || !strings.Contains(body, "your own account") {
			t.Errorf("disabling oneself: status %d", status)
		}
		if u, _ := tc.db.ConsoleUser(ctx, "t2", "admin@t2"); !u.DisabledAt.IsZero() {
			t.Fatal("t1's administrator disabled t2's")
		}

		// Disabling ends the user's sessions.
		clerk := tc.signIn(t, "clerk@t1")
		if status, _ := admin.post(t, "/users/clerk@t1/disable", nil); status != http.StatusSeeOther {
			t.Fatalf("disable: status %d", status)
		}
		if status, _ := clerk.get(t, "/board"); status != http.StatusSeeOther {
			t.Errorf("a disabled user's session goes on: status %d", status)
		}
		// Forms drawn before the user was disabled are stale.
		for _, c := range []struct {
			path string
			form url.Values
		}{
			{"/users/clerk@t1/disable", nil},
			{"/users/clerk@t1/password", url.Values{"password": {"a new password!"}}},
		} {
			if status, body := admin.post(t, c.path, c.form); status != http.StatusConflict || !strings.Contains(body, "clerk@t1 is disabled") {
				t.Errorf("%s on a disabled user: status %d", c.path, status)
			}
		}
		if _, err := tc.db.CheckConsolePassword(ctx, "clerk@t1", "a new password!"); err == nil {
			t.Error("a stale form set the disabled user's password")
		}
		rs, err := tc.db.Audit(ctx, "t1", 0)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, r := range rs {
			if r.Login != "admin@t1" {
				t.Errorf("audit record by %q", r.Login)
			}
			actions = append(actions, r.Action+" "+r.Target)
		}
		if got := strings.Join(actions, ", "); got != "user.disable clerk@t1, user.create li.na@example.com" {
			t.Errorf("audit: %s", got)
		}
		if _, body := admin.get(t, "/audit"); !strings.Contains(body, "li.na@example.com") || !strings.Contains(body, "user.disable") {
			t.Errorf("the audit page lacks the changes\n%s", body)
		}
	})
}

// TestStaticFiles: a static file with its hash is cached for good; without
// it, revalidated by ETag.
func TestStaticFiles(t *testing.T) {
	tc := newTestConsole(t, "sqlite")
	url := tc.c.staticURL("console.css")
	for _, c := range []struct {
		path, cache string
	}{
		{url, "public, max-age=31536000, immutable"},
		{"/static/console.css", "no-cache"},
	} {
		resp, err := http.Get(tc.srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != c.cache || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
			t.Errorf("%s: %d, %q, %q", c.path, resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Type"))
		}
		req, _ := http.NewRequest("GET", tc.srv.URL+c.path, nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		resp2, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp2.Body.Close()
		if resp2.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d", c.path, resp2.StatusCode)
		}
	}
	if resp, err := http.Get(tc.srv.URL + "/static/nothing.js"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("a missing static file: %v %v", resp, err)
	}
}
