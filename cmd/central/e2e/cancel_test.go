package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// TestCancelReasonFollowsTheTicket: a dispatcher cancels a ticket from
// its page, where Cancel is red and its neighbours are not; the reason
// then shows on the board's card, and beside the work the technician's
// device sent for the cancelled ticket, on the conflicts page.
func TestCancelReasonFollowsTheTicket(t *testing.T) {
	tech := addTech(t, "e2e-cancel")
	customer := name("Celia Cancel")
	id := newTicket(t, tech, customer)
	dev := pair(t, tech)
	dev.pullAll(t)
	ctx := tab(t, dispatcher)
	colour := func(action string) string {
		c, err := browser.Get(ctx, chromedp.Evaluate[string](`(function(){var a=document.querySelector('.tp-actions a[href$="/`+action+`"]');return a?getComputedStyle(a).color:""})()`))
		must(t, err)
		return c
	}
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/tickets/"+id)))
	if cancel, assign := colour("cancel"), colour("assign"); cancel == "" || assign == "" || cancel == assign {
		t.Errorf("the ticket page's Cancel is %q and Assign %q: Cancel is not set apart", cancel, assign)
	}
	reason := "the customer fixed it himself"
	form := `form[action="/tickets/` + id + `/cancel"]`
	must(t, browser.Run(ctx,
		chromedp.Click(chromedp.CSS(`.tp-actions a[href$="/cancel"]`)),
		chromedp.SendKeys(chromedp.CSS(form+` [name="reason"]`), reason),
		chromedp.Click(chromedp.CSS(form+` button.danger`)),
	))
	if f := flash(t, ctx); f == "" {
		t.Fatalf("no word after cancelling")
	}
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/board?status=cancelled&q="+url.QueryEscape(customer))))
	if got := text(t, ctx, `li.card[data-ticket="`+id+`"] .card-reason`); !strings.Contains(got, reason) {
		t.Errorf("the board's card of the cancelled ticket says %q, want its reason %q; the board: %s", got, reason, text(t, ctx, "main"))
	}
	x, refused := dev.push(t, "ticket.depart", map[string]any{"ticket": id, "epoch": 1})
	if !refused || x.Conflict == "" {
		t.Fatalf("the depart on the cancelled ticket was not held as a conflict: %+v", x)
	}
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/conflicts")))
	if got := text(t, ctx, `li#cf-`+x.Conflict); !strings.Contains(got, "Why it was cancelled"+reason) {
		t.Errorf("the held work's card does not say why the ticket was cancelled: %s", got)
	}
}
