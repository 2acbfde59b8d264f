package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// TestTicketOpensByItsNumber: a dispatcher reads a ticket's number off a
// printed report or hears it on the phone; typed in the address, in lower
// case too, or in the board's search, it opens the ticket's page. A
// number nobody has is the page's "no ticket" answer.
func TestTicketOpensByItsNumber(t *testing.T) {
	tech := addTech(t, "e2e-number")
	id := newTicket(t, tech, name("Nina Number"))
	number := ticket(t, id).Number
	ctx := tab(t, dispatcher)
	opened := func(how string) {
		t.Helper()
		must(t, browser.WaitFor(ctx, `document.readyState === "complete" && location.pathname === `+js("/tickets/"+id)))
		if h := text(t, ctx, "main h1"); !strings.Contains(h, number) {
			t.Errorf("%s: the page's title is %q, not ticket %s's", how, h, number)
		}
	}
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/tickets/"+url.PathEscape(number))))
	opened("its number in the address")
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/tickets/"+url.PathEscape(strings.ToLower(number)))))
	opened("its number in lower case")
	must(t, browser.Run(ctx,
		chromedp.Navigate(svc.url+"/board"),
		chromedp.SendKeys(chromedp.CSS(`#f-q`), number),
		chromedp.Submit(chromedp.CSS(`#f-q`)),
	))
	opened("its number in the board's search")
	missing := number + "0"
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/tickets/"+url.PathEscape(missing))))
	if got := text(t, ctx, "main"); !strings.Contains(got, "There is no ticket "+missing+" here") {
		t.Errorf("a number nobody has: the page says %q", got)
	}
}
