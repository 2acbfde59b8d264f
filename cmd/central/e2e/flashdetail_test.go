package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// TestActionFlashSaysWhatChanged: after assigning a ticket and
// rescheduling its visit from their forms, in Spanish and Chinese, the
// board's flash names the technician and the visit as the card writes it:
// the card lands in another lane, often below the fold, and "Orden FB-1
// reprogramada." alone did not show what the click had done.
func TestActionFlashSaysWhatChanged(t *testing.T) {
	first, second := addTech(t, "e2e-flash-a"), addTech(t, "e2e-flash-b")
	ctx := tab(t, dispatcher)
	for _, c := range []struct {
		lang, day          string // the day as the form takes it
		assigned, schedule string
	}{
		{"es", "09/12/2030", "asignada a Tech " + second + ".", "reprogramada: visita el 9 dic 2030 15:00–17:00."},
		{"zh-Hans", "2030-12-09", "已分派给 Tech " + second + "。", "已改期：上门时间 2030年12月9日 15:00–17:00。"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			id := newTicket(t, first, name("Flash Customer"))
			setLanguage(t, ctx, c.lang)
			form := `form[action="/tickets/` + id + `/assign"]`
			must(t, browser.Run(ctx,
				chromedp.Navigate(svc.url+"/tickets/"+id+"/assign"),
				chromedp.SetValue(chromedp.CSS(form+` [name="technician"]`), second),
				chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)),
			))
			if f := flash(t, ctx); !strings.Contains(f, c.assigned) {
				t.Errorf("after assigning in %s the flash says %q, want it to hold %q", c.lang, f, c.assigned)
			}
			form = `form[action="/tickets/` + id + `/schedule"]`
			must(t, browser.Run(ctx,
				chromedp.Navigate(svc.url+"/tickets/"+id+"/schedule"),
				chromedp.SetValue(chromedp.CSS(form+` [name="date"]`), c.day),
				chromedp.SetValue(chromedp.CSS(form+` [name="start"]`), "15:00"),
				chromedp.SetValue(chromedp.CSS(form+` [name="end"]`), "17:00"),
				chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)),
			))
			if f := flash(t, ctx); !strings.Contains(f, c.schedule) {
				t.Errorf("after rescheduling in %s the flash says %q, want it to hold %q", c.lang, f, c.schedule)
			}
		})
	}
}
