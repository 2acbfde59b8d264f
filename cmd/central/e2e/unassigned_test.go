package e2e

import (
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// TestUnassignedTicketReadsUnassigned: a ticket created without a
// technician waits in the board's Unassigned lane, and its card and its
// page say "Unassigned" (Spanish "Sin asignar"), as the lane does; a
// ticket given to a technician still reads "Assigned" in that
// technician's lane. The card read "Asignada" in the Unassigned lane:
// the status shown was the ticket's status, assigned ("dispatched, not
// started"), while the lane's rule is "no technician".
func TestUnassignedTicketReadsUnassigned(t *testing.T) {
	tech := addTech(t, "e2e-lane")
	ctx := tab(t, dispatcher)
	waiting, given := name("Una Waiting"), name("Una Given")
	createInForm(t, ctx, newTicketForm{name: waiting, phone: "13912340001", address: "1 Lane Road", fault: "no heat"})
	createInForm(t, ctx, newTicketForm{name: given, phone: "13912340002", address: "2 Lane Road", fault: "no heat", tech: tech})
	setLanguage(t, ctx, "es")
	for _, c := range []struct {
		customer, lane, want string
	}{
		{waiting, "-", "Sin asignar"},
		{given, tech, "Asignada"},
	} {
		must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/board?"+url.Values{"q": {c.customer}}.Encode())))
		card := `section.lane[aria-labelledby="lane-` + c.lane + `"] li.card`
		if got := text(t, ctx, card+" .card-top .st"); got != c.want {
			t.Errorf("%s's card in lane %s reads %q, want %q; the board: %s", c.customer, c.lane, got, c.want, text(t, ctx, "main"))
		}
		must(t, browser.Run(ctx, chromedp.Click(chromedp.CSS(card+" a.card-number"))))
		must(t, browser.WaitFor(ctx, `document.readyState === "complete" && document.querySelector("main .tp-head .tp-status") !== null`))
		if got := text(t, ctx, "main .tp-head .tp-status"); got != c.want {
			t.Errorf("%s's ticket page reads %q, want %q", c.customer, got, c.want)
		}
	}
}
