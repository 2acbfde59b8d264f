package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// TestHistoryStatusBadgeOneLineOnAPhone: on a 390 px phone, in French
// and Chinese, every status badge of a ticket's history is one line (a
// badge is one word to the eye: "En attente de pièces" drawn as a pill of
// two lines, 待 | 料 broken between its characters), and the page does
// not scroll sideways for it.
func TestHistoryStatusBadgeOneLineOnAPhone(t *testing.T) {
	tech := addTech(t, "e2e-badge")
	id := newTicket(t, tech, name("Bea Badge"))
	dev := pair(t, tech)
	for _, step := range []struct {
		name string
		args map[string]any
	}{
		{"ticket.depart", map[string]any{"ticket": id, "epoch": 1}},
		{"ticket.arrive", map[string]any{"ticket": id, "epoch": 1}},
		{"ticket.start", map[string]any{"ticket": id, "epoch": 1}},
		{"ticket.wait_parts", map[string]any{"ticket": id, "epoch": 1, "reason": "Drum bearing, ordered."}},
	} {
		if x, refused := dev.push(t, step.name, step.args); refused {
			t.Fatalf("%s refused: %+v", step.name, x)
		}
	}
	ctx := tab(t, admin)
	type badge struct {
		Text     string `json:"text"`
		Lines    int    `json:"lines"`
		PageWide bool   `json:"pageWide"`
	}
	for _, lang := range []string{"fr", "zh-Hans"} {
		setLanguage(t, ctx, lang)
		must(t, browser.Run(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(svc.url+"/tickets/"+id)))
		badges, err := browser.Get(ctx, chromedp.Evaluate[[]badge](`(function(){
  var out = [];
  document.querySelectorAll('section[aria-labelledby="tp-history"] tbody .tp-status').forEach(function (b) {
    var r = document.createRange(); r.selectNodeContents(b);
    var tops = {};
    Array.from(r.getClientRects()).forEach(function (c) { if (c.width > 0) tops[Math.round(c.top)] = true; });
    out.push({text: b.textContent, lines: Object.keys(tops).length, pageWide: document.documentElement.scrollWidth > window.innerWidth});
  });
  return out;
})()`))
		must(t, err)
		if len(badges) < 5 {
			t.Fatalf("%s: the history shows %d status badges, want 5: %v", lang, len(badges), badges)
		}
		for _, b := range badges {
			if b.Lines != 1 || b.PageWide {
				t.Errorf("%s at 390 px: the badge %q takes %d lines (want 1), the page scrolls sideways %v", lang, b.Text, b.Lines, b.PageWide)
			}
		}
	}
	must(t, browser.Run(ctx, chromedp.EmulateViewport(1280, 900)))
}
