package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/internal/browser"
)

// isoDay is a day written as ISO figures, which the pages no longer show.
var isoDay = regexp.MustCompile(`\b\d{4}-\d\d-\d\d\b`)

// brokenDays lists the days (matches of the regular expression given)
// in the page's main whose letters lie on more than one line.
const brokenDays = `(function(pattern){
  var re = new RegExp(pattern, "g"), broken = [];
  var walk = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (var n = walk.nextNode(); n; n = walk.nextNode()) {
    re.lastIndex = 0;
    for (var m = re.exec(n.data); m; m = re.exec(n.data)) {
      var r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
      var tops = {};
      for (var rect of r.getClientRects()) if (rect.width > 0) tops[Math.round(rect.top)] = true;
      if (Object.keys(tops).length > 1) broken.push(m[0]);
    }
  }
  return broken;
})(%s)`

// TestDatesInThePagesLanguage reads in Chromium, in English, Chinese and
// French, the days a dispatcher sees on the board's card (the visit and
// the due time), the ticket page (opened, visit), the reschedule page's
// summary of the ticket (its visit; the fields below it take the day as
// the language types it, 08/12/2030 in French), a technician's day
// plan (its heading and visit list) and the devices list (paired): each
// is written as the language writes a day (translations.Date, the
// terminal's and the printed documents' rule), times on the 24-hour clock
// in the tenant's zone (UTC here), and none in ISO figures; the card's
// due time is one piece, never broken inside its day (Chinese broke
// 2030年12月9 | 日), and its visit's hours one too (Chinese broke
// 09:00– | 11:00). The pages wrote 2030-12-08 in every language.
func TestDatesInThePagesLanguage(t *testing.T) {
	tech := addTech(t, "e2e-dates")
	customer := name("Dates Customer")
	id := newID()
	adminOK(t, "POST", "/v1/admin/mutations", map[string]any{"name": "ticket.create", "version": 1, "args": map[string]any{"ticket": map[string]any{
		"id": id, "number": name("E2E-DATES"), "kind": "on_site", "country": "CN",
		"product":  map[string]any{"category": "appliance", "brand": "Acme", "model": "W1"},
		"customer": map[string]any{"name": customer, "phone": "13800000000", "address": "1 Test Road"},
		"fault":    "leaks", "technician": tech, "created_at": "2026-11-27T08:05:00Z",
		"window_start": "2030-12-08T09:00:00Z", "window_end": "2030-12-08T11:00:00Z", "resolve_by": "2030-12-09T18:00:00Z",
	}}}, nil)
	before := time.Now().UTC()
	pair(t, tech)
	after := time.Now().UTC()

	ctx := tab(t, admin)
	must(t, browser.Run(ctx, chromedp.EmulateViewport(1280, 900)))
	for _, c := range []struct {
		lang                  string
		visit, due, opened    string
		dayHeading, dayWindow string
		dayPattern            string // a day as the language writes it, a JavaScript regular expression
	}{
		{"en", "8 Dec 2030 09:00–11:00", "9 Dec 2030 18:00", "27 Nov 2026 08:05", "8 Dec 2030 (UTC)", "8 Dec 2030 09:00–11:00", `\d{1,2} [A-Z][a-z]{2} \d{4}`},
		{"zh-Hans", "2030年12月8日 09:00–11:00", "2030年12月9日 18:00", "2026年11月27日 08:05", "2030年12月8日（UTC）", "2030年12月8日 09:00–11:00", `\d{4}年\d{1,2}月\d{1,2}日`},
		{"fr", "8 déc. 2030 09:00–11:00", "9 déc. 2030 18:00", "27 nov. 2026 08:05", "8 déc. 2030 (UTC)", "8 déc. 2030 09:00–11:00", `\d{1,2} [a-zéû]{3,5}\.? \d{4}`},
	} {
		t.Run(c.lang, func(t *testing.T) {
			setLanguage(t, ctx, c.lang)
			read := func(page, path, sel string, want ...string) {
				t.Helper()
				must(t, browser.Run(ctx, chromedp.Navigate(svc.url+path)))
				got := text(t, ctx, sel)
				for _, w := range want {
					if !strings.Contains(got, w) {
						t.Errorf("%s in %s: %q lacks %q", page, c.lang, got, w)
					}
				}
				if iso := isoDay.FindString(got); iso != "" {
					t.Errorf("%s in %s shows %s in ISO figures: %q", page, c.lang, iso, got)
				}
			}
			read("the board's card", "/board?q="+url.QueryEscape(customer), fmt.Sprintf(`.card[data-ticket=%s]`, js(id)), c.visit, c.due)
			lines, err := browser.Get(ctx, chromedp.Evaluate[int](fmt.Sprintf(`(function(id){
  var due = document.querySelector('.card[data-ticket="' + id + '"] .sla .muted');
  return due ? due.getClientRects().length : 0;
})(%s)`, js(id))))
			must(t, err)
			if lines != 1 {
				t.Errorf("the board's card in %s: its due time runs over %d lines, want one piece", c.lang, lines)
			}
			read("the ticket page", "/tickets/"+id, "main", c.opened, c.visit)
			read("the reschedule page's summary", "/tickets/"+id+"/schedule", "main .facts", c.visit)
			read("the day plan", "/technicians/"+tech+"/day?date=2030-12-08", "main", c.dayHeading, c.dayWindow)
			// On a phone the lists' narrow columns must not break a day:
			// Chinese broke 2025年1 | 月10日 in the returns' table.
			must(t, browser.Run(ctx, chromedp.EmulateViewport(360, 800)))
			for _, path := range []string{"/devices", "/tickets/" + id} {
				must(t, browser.Run(ctx, chromedp.Navigate(svc.url+path)))
				broken, err := browser.Get(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(brokenDays, js(c.dayPattern))))
				must(t, err)
				if len(broken) > 0 {
					t.Errorf("%s in %s at 360 px breaks days over lines: %q", path, c.lang, broken)
				}
			}
			// Nor a board card's narrow lane its visit: Chinese broke
			// 09:00– | 11:00 after the dash.
			for _, width := range []int64{360, 768, 1024, 1280} {
				must(t, browser.Run(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(svc.url+"/board?q="+url.QueryEscape(customer))))
				for _, pattern := range []string{c.dayPattern, `\d\d:\d\d–\d\d:\d\d`} {
					broken, err := browser.Get(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(brokenDays, js(pattern))))
					must(t, err)
					if len(broken) > 0 {
						t.Errorf("the board in %s at %d px breaks its card's visit over lines: %q", c.lang, width, broken)
					}
				}
			}
			must(t, browser.Run(ctx, chromedp.EmulateViewport(1280, 900)))
			// Paired a moment ago: the minute may have turned meanwhile.
			must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/devices")))
			row, err := browser.Get(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(function(tech){
  for (const tr of document.querySelectorAll("main tbody tr")) if (tr.textContent.includes("Tablet of " + tech)) return tr.textContent;
  return "";
})(%s)`, js(tech))))
			must(t, err)
			if paired, then := translations.DateTime(c.lang, before), translations.DateTime(c.lang, after); !strings.Contains(row, paired) && !strings.Contains(row, then) {
				t.Errorf("the devices list in %s: the device's row %q lacks the day it was paired, %q", c.lang, row, paired)
			}
			if iso := isoDay.FindString(row); iso != "" {
				t.Errorf("the devices list in %s shows %s in ISO figures: %q", c.lang, iso, row)
			}
		})
	}
}
