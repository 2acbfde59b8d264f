package console

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestBoardUnassignedLaneCountsOtherPages: a ticket created without a
// technician or a deadline sorts after every ticket with one, so on a
// board of more than a page it is not on the first; the Unassigned lane
// there says how many wait on other pages and links to them (in the
// dispatcher's language), and the link shows the ticket. The lane said
// "No tickets here on this page" right after the ticket was created.
func TestBoardUnassignedLaneCountsOtherPages(t *testing.T) {
	tc := newTestConsole(t, "sqlite")
	loadBulkTickets(t, tc)
	cl := tc.signIn(t, "dispatcher@t1")
	form := url.Values{"name": {"Wang Fang"}, "phone": {"139 1234 5600"}, "address": {"3 Street"}, "category": {"phone"}, "brand": {"Huawei"},
		"model": {"Mate 60"}, "fault": {"no power"}, "kind": {"on_site"}, "priority": {"3"}}
	if status, body := cl.post(t, "/tickets/new", form); status != http.StatusSeeOther {
		t.Fatalf("creating the ticket: %d\n%s", status, body)
	}
	lane := regexp.MustCompile(`(?s)<section class="lane" aria-labelledby="lane--">(.*?)</section>`)
	link := regexp.MustCompile(`<a href="(/board\\?[^"]*technician=-[^"]*)">([^<]*)</a>`)
	for _, c := range []struct{ lang, want string }{
		// The fixture's own unassigned ticket, and the one created.
		{"en", "2 unassigned tickets on other pages: show them"},
		{"zh-Hans", "其他页还有2个未分派的工单：查看"},
		{"fr", "2 tickets non affectés sur d’autres pages : les afficher"},
	} {
		cl.inLanguage(t, c.lang)
		_, body := cl.get(t, "/board")
		l := lane.FindStringSubmatch(body)
		if l == nil {
			t.Fatalf("%s: the board has no Unassigned lane:\n%s", c.lang, body)
		}
		m := link.FindStringSubmatch(l[1])
		if m == nil || html.UnescapeString(m[2]) != c.want {
			t.Fatalf("%s: the Unassigned lane does not link to the ticket on another page, want %q:\n%s", c.lang, c.want, l[1])
		}
		_, shown := cl.get(t, html.UnescapeString(m[1]))
		if !strings.Contains(shown, "Wang Fang") {
			t.Errorf("%s: the lane's link %s does not show the unassigned ticket", c.lang, m[1])
		}
	}
}
