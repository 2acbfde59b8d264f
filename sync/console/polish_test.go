package console

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// inLanguage switches the client's session to lang, as the header's
// language form does.
func (cl *client) inLanguage(t *testing.T, lang string) {
	t.Helper()
	if status, body := cl.post(t, "/language", url.Values{"lang": {lang}, "next": {"/board"}}); status != http.StatusSeeOther {
		t.Fatalf("language %s: status %d\n%s", lang, status, body)
	}
}

// TestHeaderMenu: the menu names People once (not "People and devices"
// beside "Devices"), and the user's controls, language and sign-out, are
// in one compact menu under the user's name, in every language.
func TestHeaderMenu(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for _, c := range []struct {
			lang, people, devices, signout string
		}{
			{"en", "People", "Devices", "Sign out"},
			{"zh-Hans", "人员", "设备", "退出登录"},
			{"fr", "Personnes", "Appareils", "Se déconnecter"},
		} {
			cl := tc.signIn(t, "admin@t1")
			cl.inLanguage(t, c.lang)
			status, body := cl.get(t, "/people")
			if status != http.StatusOK {
				t.Fatalf("%s: status %d", c.lang, status)
			}
			nav := regexp.MustCompile(`(?s)<nav aria-label="[^"]*"><ul>(.*?)</ul></nav>`).FindStringSubmatch(body)
			if nav == nil {
				t.Fatalf("%s: no menu\n%s", c.lang, body)
			}
			if !strings.Contains(nav[1], `<a href="/people" aria-current="page">`+c.people+`</a>`) ||
				!strings.Contains(nav[1], `<a href="/devices">`+c.devices+`</a>`) {
				t.Errorf("%s: the menu does not name People and Devices once each:\n%s", c.lang, nav[1])
			}
			me := regexp.MustCompile(`(?s)<details class="me">\s*<summary>(.*?)</summary>(.*?)</details>`).FindStringSubmatch(body)
			if me == nil {
				t.Fatalf("%s: no user menu\n%s", c.lang, body)
			}
			if !strings.Contains(me[1], "User admin") {
				t.Errorf("%s: the user menu is not under the user's name: %s", c.lang, me[1])
			}
			for _, w := range []string{`action="/language"`, `<label for="lang">`, `action="/signout"`, c.signout} {
				if !strings.Contains(me[2], w) {
					t.Errorf("%s: the user menu lacks %q", c.lang, w)
				}
			}
		}
	})
}

// TestPeopleStoreOrVanPattern: the store or van of a technician is written
// with the language's own pattern (a full-width colon in Chinese), and
// the tables scroll in a labelled region a keyboard can reach.
func TestPeopleStoreOrVanPattern(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for _, c := range []struct{ lang, want, not string }{
			{"en", "Store: Store One", "Store：Store One"},
			{"zh-Hans", "门店：Store One", "门店: Store One"},
			{"fr", "Magasin : Store One", "Magasin: Store One"},
		} {
			cl := tc.signIn(t, "dispatcher@t1")
			cl.inLanguage(t, c.lang)
			status, body := cl.get(t, "/people")
			if status != http.StatusOK {
				t.Fatalf("%s: status %d", c.lang, status)
			}
			if !strings.Contains(body, "<span>"+c.want+"</span>") || strings.Contains(body, c.not) {
				t.Errorf("%s: want %q, not %q:\n%s", c.lang, c.want, c.not, mainOf(body))
			}
			for _, id := range []string{"technicians", "locations"} {
				if !strings.Contains(body, `<div class="table-wrap" role="region" aria-labelledby="`+id+`" tabindex="0">`) {
					t.Errorf("%s: the %s table is not in a labelled scrolling region", c.lang, id)
				}
			}
		}
	})
}
