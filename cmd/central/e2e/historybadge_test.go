package e2e

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// badge is a status badge as badgesOf measures it.
type badge struct {
	Text     string `json:"text"`
	Lines    int    `json:"lines"`
	PageWide bool   `json:"pageWide"`
}

// badgesOf measures the badges the CSS selector finds on the tab's page:
// their text, the lines it takes, whether the page scrolls sideways.
func badgesOf(t *testing.T, ctx context.Context, sel string) []badge {
	t.Helper()
	badges, err := browser.Get(ctx, chromedp.Evaluate[[]badge](fmt.Sprintf(`(function(){
  var out = [];
  document.querySelectorAll(%s).forEach(function (b) {
    var r = document.createRange(); r.selectNodeContents(b);
    var tops = {};
    Array.from(r.getClientRects()).forEach(function (c) { if (c.width > 0) tops[Math.round(c.top)] = true; });
    out.push({text: b.textContent, lines: Object.keys(tops).length, pageWide: document.documentElement.scrollWidth > window.innerWidth});
  });
  return out;
})()`, js(sel))))
	must(t, err)
	return badges
}

// pushSteps pushes the steps, each a mutation and its arguments, from
// the device; none may be refused.
func pushSteps(t *testing.T, dev *device, steps ...step) {
	t.Helper()
	for _, s := range steps {
		if x, refused := dev.push(t, s.name, s.args); refused {
			t.Fatalf("%s refused: %+v", s.name, x)
		}
	}
}

type step struct {
	name string
	args map[string]any
}

// TestHistoryStatusBadgeOneLineOnAPhone: on a 390 px phone, in French
// and Chinese, every status badge of a ticket's history is one line (a
// badge is one word to the eye: "En attente de pièces" drawn as a pill of
// two lines, 待 | 料 broken between its characters), and the page does
// not scroll sideways for it.
func TestHistoryStatusBadgeOneLineOnAPhone(t *testing.T) {
	tech := addTech(t, "e2e-badge")
	id := newTicket(t, tech, name("Bea Badge"))
	one := map[string]any{"ticket": id, "epoch": 1}
	pushSteps(t, pair(t, tech), step{"ticket.depart", one}, step{"ticket.arrive", one}, step{"ticket.start", one},
		step{"ticket.wait_parts", map[string]any{"ticket": id, "epoch": 1, "reason": "Drum bearing, ordered."}})
	ctx := tab(t, admin)
	for _, lang := range []string{"fr", "zh-Hans"} {
		setLanguage(t, ctx, lang)
		must(t, browser.Run(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(svc.url+"/tickets/"+id)))
		badges := badgesOf(t, ctx, `section[aria-labelledby="tp-history"] tbody .tp-status`)
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

// TestBoardCardBadgeOneLine: a board card's status, "Impossible à
// terminer" beside a long ticket number in French, is one piece, on the
// number's line or under it: it was broken as "Impossible à | terminer".
func TestBoardCardBadgeOneLine(t *testing.T) {
	tech := addTech(t, "e2e-card-badge")
	customer := name("Cyril Card")
	id := newTicketWith(t, tech, customer, map[string]any{"number": name("FB-2026-0025")})
	one := map[string]any{"ticket": id, "epoch": 1}
	pushSteps(t, pair(t, tech), step{"ticket.depart", one}, step{"ticket.arrive", one},
		step{"ticket.fail", map[string]any{"ticket": id, "epoch": 1, "reason": "Pièce arrêtée, réparation impossible."}})
	ctx := tab(t, admin)
	setLanguage(t, ctx, "fr")
	for _, width := range []int64{1280, 390} {
		must(t, browser.Run(ctx, chromedp.EmulateViewport(width, 844), chromedp.Navigate(svc.url+"/board?"+url.Values{"q": {customer}, "status": {"any"}}.Encode())))
		badges := badgesOf(t, ctx, `li.card[data-ticket="`+id+`"] .card-top .st`)
		if len(badges) != 1 || badges[0].Text != "Impossible à terminer" || badges[0].Lines != 1 {
			t.Errorf("at %d px the card's status badge: %+v, want one of one line reading \"Impossible à terminer\"", width, badges)
		}
	}
	must(t, browser.Run(ctx, chromedp.EmulateViewport(1280, 900)))
}
