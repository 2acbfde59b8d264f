package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// matrixValues fills a route's path wildcards with the fixture's own
// objects (tenant t1), so a refusal is the route's guard and not a
// missing object.
var matrixValues = map[string]string{
	"id": "tk-1", "login": "dispatcher@t1", "location": "s1", "part": "P-1",
	"photo": "x", "what": "parts", "name": "console.css",
}

var wildcard = regexp.MustCompile(`\{([a-z]+)(\.\.\.)?\}`)

// matrixPath turns a route's path into a request path.
func matrixPath(path string) string {
	path = strings.ReplaceAll(path, "{$}", "")
	return wildcard.ReplaceAllStringFunc(path, func(w string) string {
		m := wildcard.FindStringSubmatch(w)
		if v, ok := matrixValues[m[1]]; ok {
			return v
		}
		return "x"
	})
}

// TestAuthorizationMatrix walks every route the console serves (the
// routes table, so a route added later is in it) for every role and for
// a visitor without a session:
//   - without a session, every route sends to the sign-in page;
//   - a role without the route's permission gets the one 403 page, a POST
//     with a valid CSRF token included (the role is checked first);
//   - a role with it is not refused for its role on any GET;
//   - a POST without the CSRF token is refused with 403 for every role.
//
// None of it changes anything: the audit stays empty.
func TestAuthorizationMatrix(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		if len(tc.c.routed) < 30 {
			t.Fatalf("only %d routes: is the route table read?", len(tc.c.routed))
		}
		anon := tc.newClient(t)
		clients := map[Role]*client{}
		for role, name := range testLogins {
			clients[role] = tc.signIn(t, name+"@t1")
		}
		for _, rt := range tc.c.routed {
			method, path, _ := cutMethod(rt.pattern)
			p := matrixPath(path)
			if method == "" {
				method = http.MethodGet
			}
			form := url.Values{"reason": {"matrix"}, "technician": {"tech-1"}}
			t.Run(rt.pattern, func(t *testing.T) {
				status, _ := anon.do(t, method, p, strings.NewReader(form.Encode()), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
				if status != http.StatusSeeOther && status != http.StatusFound {
					t.Errorf("without a session: %d, want a redirect to sign in", status)
				}
				for role, cl := range clients {
					if !role.may(rt.perm) {
						var status int
						var body string
						if method == http.MethodGet {
							status, body = cl.get(t, p)
						} else {
							status, body = cl.post(t, p, form)
						}
						if status != http.StatusForbidden || !strings.Contains(body, "Your role may not do this") {
							t.Errorf("%s lacks %q: %d, want the role's 403", role, rt.perm, status)
						}
						continue
					}
					if method == http.MethodGet && strings.HasSuffix(p, "/events") {
						if status := streamStatus(t, cl, p); status != http.StatusOK {
							t.Errorf("%s has %q: the event stream answered %d", role, rt.perm, status)
						}
						continue
					}
					if method == http.MethodGet {
						if status, body := cl.get(t, p); strings.Contains(body, "Your role may not do this") {
							t.Errorf("%s has %q: refused for its role (%d)", role, rt.perm, status)
						}
						continue
					}
					status, body := cl.postNoCSRF(t, p, form)
					if status != http.StatusForbidden || !strings.Contains(body, "did not come from the console") {
						t.Errorf("%s without the CSRF token: %d, want the CSRF 403", role, status)
					}
				}
			})
		}
		for _, tenant := range []string{"t1", "t2"} {
			recs, err := tc.db.Audit(context.Background(), tenant, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 0 {
				t.Errorf("refused requests changed %s: %d audit records, the first %+v", tenant, len(recs), recs[0])
			}
		}
	})
}

// streamStatus opens an event stream and returns its status without
// waiting for the stream to end.
func streamStatus(t *testing.T, cl *client, path string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cl.tc.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := cl.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
