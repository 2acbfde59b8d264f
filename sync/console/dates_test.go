package console

import (
	"html"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestDateFieldsFollowTheConsolesLanguage: the console's date fields are
// text in the console's language, not <input type=date>, which Chromium
// draws in the browser's language and order; a day typed as the
// language types it (27/11/2026 in French, 2026年11月27日 in Chinese,
// ISO in every language) is taken as that day, the form shows the day
// back in that form, and a day in another order is refused in the
// console's language with an example, changing nothing.
func TestDateFieldsFollowTheConsolesLanguage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		loc := tc.setZone(t, "t1", "Europe/Paris")
		dc := tc.signIn(t, "dispatcher@t1")
		for _, c := range []struct {
			lang, date, resolveDate string
			day                     int
			shown, bad, refusal     string
			example                 string // the line above the date field
		}{
			{"fr", "03/12/2026", "4 déc. 2026", 3, "03/12/2026", "2026/12/05", "Saisissez la date sous la forme 27/11/2026 et l’heure sous la forme 14:30.", "p. ex. 27/11/2026"},
			{"zh-Hans", "2026年12月6日", "2026-12-07", 6, "2026-12-06", "06/12/2026", "请按 2026-11-27 填写日期，按 14:30 填写时间。", "例如：2026-11-27"},
			{"en", "2026-12-08", "9 Dec 2026", 8, "2026-12-08", "12/09/2026", "Enter the date as 2026-11-27 and the time as 14:30.", "e.g. 2026-11-27"},
		} {
			t.Run(c.lang, func(t *testing.T) {
				dc.inLanguage(t, c.lang)
				_, page := dc.get(t, "/tickets/tk-1/schedule")
				if strings.Contains(page, `type="date"`) || !strings.Contains(page, `class="example" id="s-date-example">`+c.example+`<`) {
					t.Errorf("the schedule form's date fields are not text with the language's example %q beside them", c.example)
				}
				form := merge(map[string][]string{"date": {c.date}, "start": {"09:00"}, "end": {"11:00"}, "resolve_date": {c.resolveDate}, "resolve_time": {"18:00"}, "priority": {"2"}}, shownFields(t, page))
				if status, body := dc.post(t, "/tickets/tk-1/schedule", form); status != http.StatusSeeOther {
					t.Fatalf("schedule on %q: %d\n%s", c.date, status, mainOf(body))
				}
				tk := tc.ticketNow(t, "t1", "tk-1")
				if want := time.Date(2026, 12, c.day, 9, 0, 0, 0, loc); !tk.WindowStart.Equal(want) {
					t.Errorf("%q: the window starts %v, want %v", c.date, tk.WindowStart, want)
				}
				if want := time.Date(2026, 12, c.day+1, 18, 0, 0, 0, loc); !tk.ResolveBy.Equal(want) {
					t.Errorf("%q: resolve by %v, want %v", c.resolveDate, tk.ResolveBy, want)
				}
				_, page = dc.get(t, "/tickets/tk-1/schedule")
				if !regexp.MustCompile(`name="date"[^>]* value="` + regexp.QuoteMeta(c.shown) + `"`).MatchString(page) {
					t.Errorf("the schedule form does not show the day as %q", c.shown)
				}
				bad := merge(map[string][]string{"date": {c.bad}, "start": {"10:00"}, "end": {"12:00"}, "priority": {"2"}}, shownFields(t, page))
				status, body := dc.post(t, "/tickets/tk-1/schedule", bad)
				if status != http.StatusBadRequest || !strings.Contains(body, c.refusal) {
					t.Errorf("%q in %s: %d, want 400 saying %q\n%s", c.bad, c.lang, status, c.refusal, mainOf(body))
				}
				if now := tc.ticketNow(t, "t1", "tk-1"); !now.UpdatedAt.Equal(tk.UpdatedAt) || !now.WindowStart.Equal(tk.WindowStart) {
					t.Errorf("the refused %q changed the ticket", c.bad)
				}
			})
		}
		// The numbers' period, typed in French, and refused in French.
		dc.inLanguage(t, "fr")
		status, body := dc.get(t, "/numbers?from=01/11/2026&to=30/11/2026")
		if status != http.StatusOK || !strings.Contains(body, `value="01/11/2026"`) || !strings.Contains(body, `value="30/11/2026"`) {
			t.Errorf("/numbers with French days: %d, or the fields do not show them\n%s", status, mainOf(body))
		}
		status, body = dc.get(t, "/numbers?from=11/31/2026&to=30/11/2026")
		if status != http.StatusBadRequest || !strings.Contains(body, "Écrivez les deux jours sous la forme 27/11/2026, ou choisissez une période ci-dessus.") {
			t.Errorf("/numbers with a day in American order: %d\n%s", status, mainOf(body))
		}
	})
}

// TestShownDatesFollowTheLanguage: the days and times the console's pages
// show (the templates' date and datetime, the board's and ticket page's
// visit windows) are written as the page's language writes them, in the
// session's zone, on the 24-hour clock; the pages showed ISO in every
// language. A day shown alone is one piece (class "when", which does not
// break); the time follows it. The zero time shows nothing.
func TestShownDatesFollowTheLanguage(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 7, 17, 5, 0, 0, time.UTC) // 8 December 01:05 in Shanghai
	start, end := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC), time.Date(2026, 12, 8, 3, 30, 0, 0, time.UTC)
	overnight := time.Date(2026, 12, 8, 17, 0, 0, 0, time.UTC) // 9 December 01:00 in Shanghai
	for _, c := range []struct {
		lang, date, datetime string
		window               string // start to end, one day in Shanghai
		overnight            string // start to overnight, across midnight there
		open                 string // start alone
	}{
		{"en", "8 Dec 2026", "8 Dec 2026 01:05", "8 Dec 2026 09:00–11:30", "8 Dec 2026 09:00 – 9 Dec 2026 01:00", "8 Dec 2026 09:00"},
		{"zh-Hans", "2026年12月8日", "2026年12月8日 01:05", "2026年12月8日 09:00–11:30", "2026年12月8日 09:00 – 2026年12月9日 01:00", "2026年12月8日 09:00"},
		{"fr", "8 déc. 2026", "8 déc. 2026 01:05", "8 déc. 2026 09:00–11:30", "8 déc. 2026 09:00 – 9 déc. 2026 01:00", "8 déc. 2026 09:00"},
		{"es", "8 dic 2026", "8 dic 2026 01:05", "8 dic 2026 09:00–11:30", "8 dic 2026 09:00 – 9 dic 2026 01:00", "8 dic 2026 09:00"},
		{"pt", "8 de dez. de 2026", "8 de dez. de 2026 01:05", "8 de dez. de 2026 09:00–11:30", "8 de dez. de 2026 09:00 – 9 de dez. de 2026 01:00", "8 de dez. de 2026 09:00"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			cat := translations.For(c.lang)
			funcs := (&Console{}).funcs(&Session{Zone: shanghai}, cat)
			date := funcs["date"].(func(time.Time) template.HTML)
			datetime := funcs["datetime"].(func(time.Time) template.HTML)
			datetimeText := funcs["datetimeText"].(func(time.Time) string)
			day, clock, _ := strings.Cut(c.datetime, " ")
			if c.lang != "zh-Hans" { // the clock is after the last space
				i := strings.LastIndex(c.datetime, " ")
				day, clock = c.datetime[:i], c.datetime[i+1:]
			}
			for _, got := range []struct{ name, got, want string }{
				{"date", string(date(at)), `<span class="when">` + c.date + `</span>`},
				{"datetime", string(datetime(at)), `<span class="when">` + day + `</span> ` + clock},
				{"datetimeText", datetimeText(at), c.datetime},
				{"date of the zero time", string(date(time.Time{})), ""},
				{"datetime of the zero time", string(datetime(time.Time{})), ""},
				{"datetimeText of the zero time", datetimeText(time.Time{}), ""},
				{"window", shownText(shownWindow(cat, start, end, shanghai)), c.window},
				{"window across midnight", shownText(shownWindow(cat, start, overnight, shanghai)), c.overnight},
				{"window without an end", shownText(shownWindow(cat, start, time.Time{}, shanghai)), c.open},
				{"no window", string(shownWindow(cat, time.Time{}, time.Time{}, shanghai)), ""},
				// The day and a day's hours are two pieces that never
				// break: Chinese broke the board's card as 09:00– | 11:00.
				{"window's pieces", string(shownWindow(cat, start, end, shanghai)), string(date(start)) + ` <span class="when">09:00–11:30</span>`},
				{"pieces across midnight", string(shownWindow(cat, start, overnight, shanghai)), string(datetime(start)) + " – " + string(datetime(overnight))},
				{"pieces without an end", string(shownWindow(cat, start, time.Time{}, shanghai)), string(datetime(start))},
				{"sentence time", when(cat, at, shanghai), c.datetime},
			} {
				if got.got != got.want {
					t.Errorf("%s: %q, want %q", got.name, got.got, got.want)
				}
			}
		})
	}
}

// shownText is the text a browser shows of h, the HTML of a date or a
// window: its tags dropped, its entities read.
func shownText(h template.HTML) string {
	return html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(string(h), ""))
}

// TestNumbersChartDaysFollowTheLanguage: the per-day chart names its
// columns' days as the page's language writes a day, without the year
// the period above it gives (27 nov., 11月27日); they were 11-27, month
// first, in every language.
func TestNumbersChartDaysFollowTheLanguage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		numbersWorld(t, tc)
		dc := tc.signIn(t, "dispatcher@t1")
		for _, c := range []struct{ lang, day string }{{"en", "27 Nov"}, {"fr", "27 nov."}, {"zh-Hans", "11月27日"}} {
			dc.inLanguage(t, c.lang)
			status, body := dc.get(t, "/numbers?from=2026-11-26&to=2026-11-28")
			if status != http.StatusOK || !strings.Contains(body, `text-anchor="middle">`+c.day+`</text>`) || strings.Contains(body, ">11-27<") {
				t.Errorf("the per-day chart in %s: %d, want its column of 27 November named %q\n%s", c.lang, status, c.day, mainOf(body))
			}
		}
	})
}
