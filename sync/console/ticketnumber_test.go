package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestTicketByItsNumber: a ticket's page opens from its number, in the
// address and in the board's search, as from its ID; a number outside the
// session's scope (another tenant's, another store's) is refused as a
// missing one, in the same words, so that nobody learns it exists.
func TestTicketByItsNumber(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for _, c := range []struct {
			name, login, path string
			status            int
			location, body    string
		}{
			{"number", "dispatcher@t1", "/tickets/FB-1", http.StatusFound, "/tickets/tk-1", ""},
			{"number in lower case", "dispatcher@t1", "/tickets/fb-3", http.StatusFound, "/tickets/tk-3", ""},
			{"the ID still", "dispatcher@t1", "/tickets/tk-1", http.StatusOK, "", "FB-1"},
			{"store manager, their store's", "manager@t1", "/tickets/FB-3", http.StatusFound, "/tickets/tk-3", ""},
			{"another tenant's number", "dispatcher@t1", "/tickets/FB-9", http.StatusNotFound, "", "There is no ticket FB-9 here"},
			{"another store's number", "manager@t1", "/tickets/FB-2", http.StatusNotFound, "", "There is no ticket FB-2 here"},
			{"no such number", "dispatcher@t1", "/tickets/FB-404", http.StatusNotFound, "", "There is no ticket FB-404 here"},
			{"search by number", "dispatcher@t1", "/board?q=" + url.QueryEscape(" fb-2 "), http.StatusSeeOther, "/tickets/tk-2", ""},
			{"search by part of a number", "dispatcher@t1", "/board?q=FB", http.StatusOK, "", "FB-3"},
			{"search by another tenant's number", "dispatcher@t2", "/board?q=FB-1", http.StatusOK, "", "No ticket matches"},
			{"search by another store's number", "manager@t1", "/board?q=FB-2", http.StatusOK, "", "No ticket matches"},
			{"the live board's reload", "dispatcher@t1", "/board?fragment=1&q=FB-1", http.StatusOK, "", "FB-1"},
		} {
			t.Run(c.name, func(t *testing.T) {
				cl := tc.signIn(t, c.login)
				status, body := cl.get(t, c.path)
				if status != c.status || cl.location != c.location || !strings.Contains(body, c.body) {
					t.Errorf("%s GET %s: %d to %q, want %d to %q with %q\n%s", c.login, c.path, status, cl.location, c.status, c.location, c.body, body)
				}
				if status == http.StatusNotFound && (strings.Contains(body, "tk-9") || strings.Contains(body, "tk-2")) {
					t.Errorf("the refusal names the hidden ticket's ID:\n%s", body)
				}
			})
		}
	})
}
