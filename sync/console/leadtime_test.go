package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// leadCaption is the lead time line of van-1's proposals on the
// replenishment page.
var leadCaption = regexp.MustCompile(`(?s)<input type="hidden" name="to" value="van-1">.*?<caption class="muted lead-time">(.*?)</caption>`)

// TestReplenishmentShowsTheLeadTime: each location's proposals say the
// lead time their minimum covers, and whether the office set it on the
// location (so a dispatcher sees why an overseas store's minimum is
// high); those who may edit the location get a link to its form.
func TestReplenishmentShowsTheLeadTime(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		stockFixture(t, tc)
		as := signedIn(t, tc)
		caption := func(login string) string {
			t.Helper()
			status, page := as(login).get(t, "/stock/replenish")
			m := leadCaption.FindStringSubmatch(page)
			if status != http.StatusOK || m == nil {
				t.Fatalf("%s: no lead time over van-1's proposals: status %d\n%s", login, status, page)
			}
			return m[1]
		}
		if got := caption("clerk@t1"); !strings.HasPrefix(got, "The minimum covers a lead time of 1 week, the usual for its kind.") || strings.Contains(got, "<a ") {
			t.Errorf("the clerk reads %q, want the van's usual 1 week and no link (a clerk may not edit locations)", got)
		}
		van := app.Location{ID: "van-1", Kind: app.LocationVan, Name: "Van One", Owner: "tech-1", LeadWeeks: 8}
		if err := tc.db.PutLocations(context.Background(), "t1", []app.Location{van}); err != nil {
			t.Fatal(err)
		}
		got := caption("dispatcher@t1")
		if !strings.HasPrefix(got, "The minimum covers a lead time of 8 weeks, set for this location.") {
			t.Errorf("with 8 weeks set the dispatcher reads %q", got)
		}
		if !strings.Contains(got, `<a href="/people/location?id=van-1">Change the lead time`) {
			t.Errorf("the dispatcher has no link to van-1's form: %q", got)
		}
	})
}

// TestSaveLocationLeadTime: the location form sets a lead time, shows it
// again, clears it when emptied, and refuses 0, 27 and text with the
// field's error, keeping what was typed and changing nothing.
func TestSaveLocationLeadTime(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		lead := func() int {
			t.Helper()
			l, err := tc.c.location(context.Background(), &Session{Tenant: "t1"}, "s1")
			if err != nil {
				t.Fatal(err)
			}
			return l.LeadWeeks
		}
		disp := tc.signIn(t, "dispatcher@t1")
		save := func(weeks string) (int, string) {
			t.Helper()
			base := disp.peopleBase(t, "/people/location?id=s1")
			return disp.post(t, "/people/location", url.Values{"id": {"s1"}, "kind": {"store"}, "name": {"Store One"}, "owner": {"s1"}, "base": {base}, "lead_weeks": {weeks}})
		}
		if status, body := save("６"); status != http.StatusSeeOther || lead() != 6 {
			t.Fatalf("set 6 (full-width, as a Chinese input method types it): status %d, lead %d\n%s", status, lead(), body)
		}
		if _, form := disp.get(t, "/people/location?id=s1"); !strings.Contains(form, `name="lead_weeks" inputmode="numeric" maxlength="8" autocomplete="off" value="6"`) {
			t.Errorf("the form does not show the 6 weeks set")
		}
		for _, typed := range []string{"0", "27", "six", "2.5"} {
			status, body := save(typed)
			if status != http.StatusBadRequest || !strings.Contains(body, `id="l-lead-err"`) ||
				!strings.Contains(body, "Give the lead time as a whole number of weeks from 1 to 26") ||
				!strings.Contains(body, `value="`+typed+`"`) {
				t.Errorf("%q: status %d, want 400 with the field's error and %q kept\n%s", typed, status, typed, body)
			}
			if got := lead(); got != 6 {
				t.Errorf("%q changed the lead time to %d", typed, got)
			}
		}
		if status, body := save(""); status != http.StatusSeeOther || lead() != 0 {
			t.Fatalf("clear: status %d, lead %d\n%s", status, lead(), body)
		}
	})
}
