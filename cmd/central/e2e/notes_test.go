package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// readCutText lists the text of main that reaches past the window's right
// edge: a line a reader on a phone sees cut, the rest of it only by
// scrolling a table sideways (a wide table's caption wraps to the table's
// width, not the screen's). Cells are left out: a wide table scrolls in
// its .table-wrap, and its cells go with it.
const readCutText = `(function () {
  var cut = [], w = window.innerWidth;
  document.querySelectorAll("main caption, main p, main h1, main h2, main label").forEach(function (el) {
    if (el.closest("td, th")) return;
    var r = document.createRange();
    r.selectNodeContents(el);
    Array.from(r.getClientRects()).forEach(function (b) {
      if (b.width > 0 && b.right > w + 1) cut.push(el.tagName + ": " + el.textContent.trim().slice(0, 60) + " (to " + Math.round(b.right) + " px)");
    });
  });
  return Array.from(new Set(cut));
})()`

// TestNotesFitOnPhone: on a phone (360 and 720 CSS pixels wide) no
// sentence above or about a table runs off the screen, in English and in
// Spanish: the devices table's note on clock offsets was its caption,
// as wide as the table, and a phone showed "the device's times are"
// cut at the screen's edge.
func TestNotesFitOnPhone(t *testing.T) {
	pair(t, addTech(t, "e2e-notes"))
	ctx := tab(t, dispatcher)
	for _, lang := range []string{"en", "es"} {
		setLanguage(t, ctx, lang)
		for _, width := range []int64{360, 720} {
			for _, path := range []string{"/devices", "/stock", "/stock/shipments", "/conflicts?state=all", "/people"} {
				must(t, browser.Run(ctx, chromedp.EmulateViewport(width, 1280), chromedp.Navigate(svc.url+path)))
				cut, err := browser.Get(ctx, chromedp.Evaluate[[]string](readCutText))
				must(t, err)
				for _, c := range cut {
					t.Errorf("%s at %d px in %s: cut at the screen's edge: %s", path, width, lang, c)
				}
			}
		}
	}
	setLanguage(t, ctx, "en")
}

// TestConflictNumberWhole: on a phone a conflict's heading keeps the
// ticket's number on one line (it broke at its hyphen, "FB-2026-" above
// "000200", in Spanish at 720 px).
func TestConflictNumberWhole(t *testing.T) {
	away, other := addTech(t, "e2e-numwhole"), addTech(t, "e2e-numother")
	// A number as the demo's and an office's are: years and a counter
	// joined by hyphens, where a browser may break a line.
	id := newID()
	adminOK(t, "POST", "/v1/admin/mutations", map[string]any{"name": "ticket.create", "version": 1, "args": map[string]any{"ticket": map[string]any{
		"id": id, "number": fmt.Sprintf("FB-2026-%06d", 900000+uniq.Add(1)), "kind": "on_site", "country": "CN",
		"product":  map[string]any{"category": "appliance", "brand": "Acme", "model": "W1"},
		"customer": map[string]any{"name": "Nora Number", "phone": "13800000000", "address": "1 Test Road"},
		"fault":    "leaks", "technician": away,
	}}}, nil)
	dev := pair(t, away)
	dev.pullAll(t)
	adminOK(t, "POST", "/v1/admin/mutations", map[string]any{"name": "ticket.assign", "version": 1, "args": map[string]any{"ticket": id, "technician": other}}, nil)
	x, refused := dev.push(t, "ticket.depart", map[string]any{"ticket": id, "epoch": 1})
	if !refused || x.Conflict == "" {
		t.Fatalf("the stale depart was not refused with a conflict: %+v", x)
	}
	ctx := tab(t, dispatcher)
	for _, lang := range []string{"en", "es"} {
		setLanguage(t, ctx, lang)
		// Every width of a phone, 4 px apart: where the line breaks
		// depends on the width and the heading's words.
		must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/conflicts")))
		for width := int64(320); width <= 760; width += 4 {
			must(t, browser.Run(ctx, chromedp.EmulateViewport(width, 1280)))
			lines, err := browser.Get(ctx, chromedp.Evaluate[int](`document.querySelector("li#cf-`+x.Conflict+` h2 a").getClientRects().length`))
			must(t, err)
			if lines != 1 {
				t.Errorf("at %d px in %s the conflict's ticket number stands on %d lines, want one", width, lang, lines)
			}
		}
	}
	setLanguage(t, ctx, "en")
}
