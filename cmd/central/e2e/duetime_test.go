package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// cardDue is what TestBoardCardDueTimeIsGrey reads of a card's SLA line.
type cardDue struct {
	Found     bool
	Line      string // the line's text
	Due       string // the text of the grey part
	LineColor string // the countdown's colour (the line's)
	DueColor  string // the due time's
	Muted     string // the page's secondary colour (a .muted element's)
}

const readCardDue = `(function (id) {
  var card = document.querySelector('.card[data-ticket="' + id + '"]');
  var line = card && card.querySelector(".sla"), due = line && line.querySelector(".muted");
  var probe = document.createElement("span"); probe.className = "muted"; document.body.appendChild(probe);
  var muted = getComputedStyle(probe).color; probe.remove();
  if (!line || !due) return {Found: !!line, Line: line ? line.textContent : "", Muted: muted};
  return {Found: true, Line: line.textContent, Due: due.textContent, LineColor: getComputedStyle(line).color, DueColor: getComputedStyle(due).color, Muted: muted};
})(%s)`

// TestBoardCardDueTimeIsGrey: on the board a card's countdown is in its
// SLA's colour (red when overdue) and the due time after it, with its
// parentheses, in the secondary grey, in English and in Chinese
// (full-width parentheses), on a phone and a desktop. Since asides were
// translated ({{aside}}) the due time had the countdown's colour.
func TestBoardCardDueTimeIsGrey(t *testing.T) {
	tech := addTech(t, "e2e-due")
	customer := name("Due Time Customer")
	now := time.Now().UTC()
	late, onTime := newID(), newID()
	for _, tk := range []struct {
		id       string
		respond  time.Time
		resolved time.Time
	}{{late, now.Add(-2 * time.Hour), now.Add(-time.Hour)}, {onTime, now.Add(72 * time.Hour), now.Add(96 * time.Hour)}} {
		adminOK(t, "POST", "/v1/admin/mutations", map[string]any{"name": "ticket.create", "version": 1, "args": map[string]any{"ticket": map[string]any{
			"id": tk.id, "number": name("E2E-DUE"), "kind": "on_site", "country": "CN",
			"product":  map[string]any{"category": "appliance", "brand": "Acme", "model": "W1"},
			"customer": map[string]any{"name": customer, "phone": "13800000000", "address": "1 Test Road"},
			"fault":    "leaks", "technician": tech, "created_at": now.Add(-3 * time.Hour).Format(time.RFC3339),
			"respond_by": tk.respond.Format(time.RFC3339), "resolve_by": tk.resolved.Format(time.RFC3339),
		}}}, nil)
	}
	ctx := tab(t, admin)
	for _, lang := range []string{"en", "zh-Hans"} {
		setLanguage(t, ctx, lang)
		for _, width := range []int64{360, 1280} {
			must(t, browser.Run(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(svc.url+"/board?q="+url.QueryEscape(customer))))
			for _, c := range []struct {
				id      string
				overdue bool
			}{{late, true}, {onTime, false}} {
				where := fmt.Sprintf("%s at %d px, the %s card", lang, width, map[bool]string{true: "overdue", false: "on-time"}[c.overdue])
				got, err := browser.Get(ctx, chromedp.Evaluate[cardDue](fmt.Sprintf(readCardDue, js(c.id))))
				must(t, err)
				open, shut := "(", ")"
				if lang == "zh-Hans" {
					open, shut = "（", "）"
				}
				switch {
				case !got.Found:
					t.Errorf("%s: no SLA line", where)
				case got.Due == "":
					t.Errorf("%s: the due time in %q is not in a grey (muted) part", where, got.Line)
				case !strings.HasPrefix(got.Due, open) || !strings.HasSuffix(got.Due, shut) || !strings.HasSuffix(got.Line, got.Due):
					t.Errorf("%s: the grey part is %q of %q, want the due time in its parentheses, last", where, got.Due, got.Line)
				case got.DueColor != got.Muted:
					t.Errorf("%s: the due time is %s, want the grey %s", where, got.DueColor, got.Muted)
				case got.LineColor == got.Muted:
					t.Errorf("%s: the countdown is grey too (%s)", where, got.LineColor)
				case c.overdue && got.LineColor != "rgb(179, 38, 30)":
					t.Errorf("%s: the countdown is %s, want red rgb(179, 38, 30): %+v", where, got.LineColor, got)
				}
			}
		}
	}
	must(t, browser.Run(ctx, chromedp.EmulateViewport(1280, 900)))
}
