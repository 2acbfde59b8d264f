package console

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestDevicesSeenLongAgoGrouped: a device last seen 1,500 days ago says
// so with its days grouped as the session's language groups digits, as
// every count on the console is (the devices page, rendered).
func TestDevicesSeenLongAgoGrouped(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		a, _ := peoplePairDevice(t, tc, "t1", "tech-1", "Tablet A")
		peoplePushAt(t, tc, a, testStart)
		tc.advance(1500*24*time.Hour + time.Hour)
		for _, c := range []struct{ lang, want string }{
			{"en", "1,500 days ago"},
			{"zh-Hans", "1,500天前"},
			{"fr", "il y a 1’500 jours"},
			{"es", "hace 1500 días"}, // Spanish leaves four digits whole
			{"pt", "há 1.500 dias"},
		} {
			cl := tc.signIn(t, "dispatcher@t1")
			cl.inLanguage(t, c.lang)
			status, body := cl.get(t, "/devices")
			if status != http.StatusOK {
				t.Fatalf("%s: /devices: %d", c.lang, status)
			}
			row := regexp.MustCompile(`(?s)<tr[^>]*>\s*<th scope="row"><span class="device-name">Tablet A</span>.*?</tr>`).FindString(html.UnescapeString(body))
			if !strings.Contains(row, c.want) {
				t.Errorf("%s: Tablet A's row lacks %q\n%s", c.lang, c.want, row)
			}
		}
	})
}

// TestConsoleDurationsGrouped: the console writes a ticket's time left
// or late, and the board's durations, with the days grouped as the
// language groups digits (4 and 6 digits: a duration holds fewer than
// 106,752 days): "1500 d" was written raw in every language.
func TestConsoleDurationsGrouped(t *testing.T) {
	day := 24 * time.Hour
	for _, c := range []struct{ lang, sla4, sla6, board4 string }{
		{"en", "1,500 d", "106,000 d", "1,500 d 2 h"},
		{"zh-Hans", "1,500天", "106,000天", "1,500天"},
		{"fr", "1’500 j", "106’000 j", "1’500 j 2 h"},
		{"es", "1500 d", "106.000 d", "1500 d 2 h"},
		{"pt", "1.500 d", "106.000 d", "1.500 d 2 h"},
	} {
		cat := translations.For(c.lang)
		if got := slaDuration(cat, 1500*day); got != c.sla4 {
			t.Errorf("%s: slaDuration(1500 days) = %q, want %q", c.lang, got, c.sla4)
		}
		if got := slaDuration(cat, 106000*day); got != c.sla6 {
			t.Errorf("%s: slaDuration(106000 days) = %q, want %q", c.lang, got, c.sla6)
		}
		if got := durationText(cat, 1500*day+2*time.Hour); !strings.HasPrefix(got, c.board4) {
			t.Errorf("%s: durationText(1500 days 2 hours) = %q, want it to start with %q", c.lang, got, c.board4)
		}
	}
}
