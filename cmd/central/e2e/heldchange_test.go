package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// heldDeparture pairs a tablet of tech with the ticket id and has it
// push a departure on epoch 1 after dispatch changed the ticket
// (changed runs between the pull and the push); the service holds the
// departure in a conflict, whose item selector it returns.
func heldDeparture(t *testing.T, tech, id string, changed func()) string {
	t.Helper()
	dev := pair(t, tech)
	dev.pullAll(t)
	changed()
	x, refused := dev.push(t, "ticket.depart", map[string]any{"ticket": id, "epoch": 1})
	if !refused || x.Conflict == "" {
		t.Fatalf("the departure was not held as a conflict: %+v", x)
	}
	return `li#cf-` + x.Conflict
}

// cancelTicket cancels ticket id through the admin API.
func cancelTicket(t *testing.T, id string) {
	t.Helper()
	adminOK(t, "POST", "/v1/admin/mutations", map[string]any{"name": "ticket.cancel", "version": 1,
		"args": map[string]any{"ticket": id, "epoch": ticket(t, id).Epoch, "reason": "The customer called it off."}}, nil)
}

// heldWords are what the conflicts page says, in a language, of a
// departure held for a cancelled ticket: the change, the status and
// what to do, in its words, and the codes it must not show.
type heldWords struct {
	lang        string
	want, notIn []string
}

var cancelledDepartureWords = []heldWords{
	{"zh-Hans", []string{"“出发”", "“已取消”", "放弃此更改"}, []string{"cancelled", "depart"}},
	{"es", []string{"«En camino»", "«Cancelada»", "Descarte el cambio"}, []string{"cancelled", "depart"}},
}

// check fails t unless said (what, as the page shows it) holds the words
// and none of the codes.
func (c heldWords) check(t *testing.T, what, said string) {
	t.Helper()
	for _, w := range c.want {
		if !strings.Contains(said, w) {
			t.Errorf("%s in %s, %q, lacks %q", what, c.lang, said, w)
		}
	}
	for _, w := range c.notIn {
		if strings.Contains(said, w) {
			t.Errorf("%s in %s, %q, shows the code %q", what, c.lang, said, w)
		}
	}
}

// hasButton says whether the conflict item offers the decision resolution.
func hasButton(t *testing.T, ctx context.Context, item, resolution string) bool {
	t.Helper()
	ok, err := browser.Get(ctx, chromedp.Evaluate[bool](`document.querySelector(`+js(item+` form button[name="resolution"][value="`+resolution+`"]`)+`) !== null`))
	must(t, err)
	return ok
}

// TestHeldChangeThatCannotApplyOffersOnlyDrop: a technician's departure
// for a ticket dispatch cancelled meanwhile can never apply (a cancelled
// ticket takes no step, app.HeldChangeBlocked): the conflicts page, in
// Chinese and Spanish, does not offer "Apply the change after all", says
// why in its words (the change and the status as the page names them,
// no code) and offers dropping it. The page offered the button, which
// only answered with a refusal once clicked.
func TestHeldChangeThatCannotApplyOffersOnlyDrop(t *testing.T) {
	tech := addTech(t, "e2e-held")
	ctx := tab(t, dispatcher)
	for _, c := range cancelledDepartureWords {
		t.Run(c.lang, func(t *testing.T) {
			id := newTicket(t, tech, name("Held Customer"))
			item := heldDeparture(t, tech, id, func() { cancelTicket(t, id) })
			setLanguage(t, ctx, c.lang)
			must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/conflicts")))
			if hasButton(t, ctx, item, "accept_ours") {
				t.Errorf("the page offers to apply, after all, a departure for a cancelled ticket")
			}
			if !hasButton(t, ctx, item, "dismissed") {
				t.Errorf("the page does not offer to drop the departure: %s", text(t, ctx, item))
			}
			c.check(t, "why it cannot apply", text(t, ctx, item+" .cf-blocked"))
		})
	}
}

// TestHeldChangeRefusedSaysWhatToDo: a departure held after a
// reassignment can apply (the ticket is assigned again), so the page
// offers "Apply the change after all"; dispatch cancels the ticket while
// the page is open, and the click is refused: the page, in Chinese and
// Spanish, says so in its words (the change and the status as the page
// names them) and what is left to do (drop it), and the conflict stays
// open. The page said 状态为 cancelled 的工单不能执行“depart”。 (the
// status and the action in code, nothing of what to do next).
func TestHeldChangeRefusedSaysWhatToDo(t *testing.T) {
	tech, other := addTech(t, "e2e-held"), addTech(t, "e2e-held-other")
	ctx := tab(t, dispatcher)
	for _, c := range cancelledDepartureWords {
		t.Run(c.lang, func(t *testing.T) {
			id := newTicket(t, tech, name("Held Customer"))
			item := heldDeparture(t, tech, id, func() {
				adminOK(t, "POST", "/v1/admin/mutations", map[string]any{"name": "ticket.assign", "version": 1, "args": map[string]any{"ticket": id, "technician": other}}, nil)
			})
			setLanguage(t, ctx, c.lang)
			must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/conflicts")))
			if !hasButton(t, ctx, item, "accept_ours") {
				t.Fatalf("the page does not offer to apply a departure for a ticket assigned again: %s", text(t, ctx, item))
			}
			cancelTicket(t, id)
			must(t, browser.Run(ctx, chromedp.Click(chromedp.CSS(item+` form button[name="resolution"][value="accept_ours"]`))))
			must(t, browser.WaitFor(ctx, `document.readyState === "complete" && document.querySelector("main p.error[role=alert]") !== null`))
			c.check(t, "the refusal", text(t, ctx, "main p.error[role=alert]"))
			if got := ticket(t, id).Status; got != "cancelled" {
				t.Errorf("the refused change left the ticket %s, want cancelled", got)
			}
			if text(t, ctx, item) == "" {
				t.Errorf("the conflict is no longer listed as open after the refusal")
			}
		})
	}
}
