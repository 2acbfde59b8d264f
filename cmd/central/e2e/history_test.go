package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// historyRow is what TestTicketHistoryShowsWhenStepsWereTaken reads of
// a history row's time cell.
type historyRow struct {
	Text      string // the cell's text
	Synced    string // its "synced" line, "" without one
	SyncedIn  bool   // that line stays inside the cell
	PageWider bool   // the page scrolls sideways
}

const readHistoryRow = `(function (n) {
  var rows = document.querySelectorAll('section[aria-labelledby="tp-history"] tbody tr');
  var out = {PageWider: document.documentElement.scrollWidth > window.innerWidth};
  if (n >= rows.length) return out;
  var th = rows[n].querySelector("th"), s = th.querySelector(".muted");
  out.Text = th.textContent;
  if (s) {
    var a = th.getBoundingClientRect(), b = s.getBoundingClientRect();
    out.Synced = s.textContent;
    out.SyncedIn = b.left >= a.left - 1 && b.right <= a.right + 1;
  }
  return out;
})(%d)`

// TestTicketHistoryShowsWhenStepsWereTaken: a visit done offline three
// hours before the sync shows each step at the technician's time on the
// ticket page, with a quiet "synced" line under it that stays in its
// cell on a phone and on a desktop, in English and in Chinese.
func TestTicketHistoryShowsWhenStepsWereTaken(t *testing.T) {
	tech := addTech(t, "e2e-history")
	now := time.Now()
	id := newTicketWith(t, tech, name("Hao History"), map[string]any{"created_at": now.Add(-4 * time.Hour).UTC().Format(time.RFC3339)})
	dev := pair(t, tech)
	departed := now.Add(-3 * time.Hour)
	for i, step := range []string{"ticket.depart", "ticket.arrive"} {
		if x, refused := dev.pushAt(t, step, map[string]any{"ticket": id, "epoch": 1}, departed.Add(time.Duration(i)*40*time.Minute)); refused {
			t.Fatalf("%s refused: %+v", step, x)
		}
	}
	ctx := tab(t, admin)
	for _, lang := range []string{"en", "zh-Hans"} {
		setLanguage(t, ctx, lang)
		for _, width := range []int{720, 1280} {
			height := 800
			if width == 720 {
				height = 1280
			}
			must(t, browser.Run(ctx, chromedp.EmulateViewport(int64(width), int64(height)), chromedp.Navigate(svc.url+"/tickets/"+id)))
			row, err := browser.Get(ctx, chromedp.Evaluate[historyRow](fmt.Sprintf(readHistoryRow, 1)))
			must(t, err)
			// The departure: at the technician's time, synced now.
			taken, synced := departed.UTC().Format("15:04"), now.UTC().Format("15:04") // the tenant's zone
			if !strings.Contains(row.Text, taken) || !strings.Contains(row.Synced, synced) {
				t.Errorf("%s at %d px: the departure reads %q, synced line %q; want %s and a line with %s", lang, width, row.Text, row.Synced, taken, synced)
			}
			if !row.SyncedIn || row.PageWider {
				t.Errorf("%s at %d px: the synced line runs out of its cell (%v) or the page scrolls sideways (%v)", lang, width, !row.SyncedIn, row.PageWider)
			}
			if *shots != "" {
				png, err := browser.Screenshot(ctx, svc.url+"/tickets/"+id+"#tp-history", width, height)
				must(t, err)
				must(t, os.WriteFile(filepath.Join(*shots, fmt.Sprintf("history-%s-%d.png", lang, width)), png, 0o644))
			}
		}
	}
}
