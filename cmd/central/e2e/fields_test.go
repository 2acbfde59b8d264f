package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// dateField is what TestEmptyDateFieldsLookEmpty reads of a date or
// time field.
type dateField struct {
	ID          string
	Placeholder string // grey text shown in it while empty
	Example     string // the text of the line that describes it
	Between     bool   // that line stands, shown, under the field's label and above the field
}

const readDateFields = `Array.from(document.querySelectorAll('main input[name$="date"], main input[name="start"], main input[name="end"], main input[name="resolve_time"], main input[name="from"], main input[name="to"]')).map(function (f) {
  var ex = document.getElementById(f.getAttribute("aria-describedby") || ""), label = document.querySelector('label[for="' + f.id + '"]');
  var e = ex ? ex.getBoundingClientRect() : null, l = label.getBoundingClientRect(), r = f.getBoundingClientRect();
  return {ID: f.id, Placeholder: f.placeholder, Example: ex ? ex.textContent : "",
    Between: !!e && e.height > 0 && e.top >= l.bottom - 1 && e.bottom <= r.top + 1};
})`

// TestEmptyDateFieldsLookEmpty: the date and time fields of a new
// ticket, of a reschedule and of the numbers' period show nothing in
// them until typed in: their example ("p. ex. 27/11/2026", "e.g.
// 14:30") is a line of its own between the label and the field, which
// screen readers hear with the field. Before, the example was a grey
// placeholder in the field, which on a phone read as a day already
// filled in.
func TestEmptyDateFieldsLookEmpty(t *testing.T) {
	tech := addTech(t, "e2e-dates")
	id := newTicket(t, tech, "Date Fields Customer")
	ctx := tab(t, admin)
	for _, c := range []struct{ lang, day string }{{"en", "e.g. 2026-11-27"}, {"fr", "p. ex. 27/11/2026"}, {"zh-Hans", "例如：2026-11-27"}} {
		setLanguage(t, ctx, c.lang)
		clock := map[string]string{"en": "e.g. 14:30", "fr": "p. ex. 14:30", "zh-Hans": "例如：14:30"}[c.lang]
		for _, page := range []struct {
			path   string
			fields int
		}{{"/tickets/new", 5}, {"/tickets/" + id + "/schedule", 5}, {"/numbers", 2}} {
			for _, width := range []int64{360, 1280} {
				must(t, browser.Run(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(svc.url+page.path)))
				fields, err := browser.Get(ctx, chromedp.Evaluate[[]dateField](readDateFields))
				must(t, err)
				if len(fields) != page.fields {
					t.Errorf("%s %s: %d date and time fields, want %d", c.lang, page.path, len(fields), page.fields)
				}
				for _, f := range fields {
					want := c.day
					if !isDateField(f.ID) {
						want = clock
					}
					where := fmt.Sprintf("%s %s at %d px, field %s", c.lang, page.path, width, f.ID)
					switch {
					case f.Placeholder != "":
						t.Errorf("%s: shows %q in it while empty", where, f.Placeholder)
					case f.Example != want:
						t.Errorf("%s: described by %q, want %q", where, f.Example, want)
					case !f.Between:
						t.Errorf("%s: its example is not shown between its label and the field", where)
					}
				}
			}
		}
	}
	setLanguage(t, ctx, "en")
}

// isDateField tells a day's field from a time's by its id (n-date,
// s-rdate, numbers-from).
func isDateField(id string) bool {
	switch id {
	case "n-start", "n-end", "n-rtime", "s-start", "s-end", "s-rtime":
		return false
	}
	return true
}
