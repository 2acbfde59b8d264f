package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// TestHeldChangeRefusedSaysWhatToDo: a technician's departure for a
// ticket dispatch cancelled meanwhile is held; "Apply the change after
// all" cannot apply it, and the conflicts page, in Chinese and Spanish,
// says so in the page's words (the change and the status as the page
// names them) and what is left to do (drop it), and the conflict stays
// open. The page said 状态为 cancelled 的工单不能执行“depart”。 (the
// status and the action in code, nothing of what to do next).
func TestHeldChangeRefusedSaysWhatToDo(t *testing.T) {
	tech := addTech(t, "e2e-held")
	ctx := tab(t, dispatcher)
	for _, c := range []struct {
		lang  string
		want  []string // the change, the status, what to do
		notIn []string
	}{
		{"zh-Hans", []string{"“出发”", "“已取消”", "放弃此更改"}, []string{"cancelled", "depart"}},
		{"es", []string{"«En camino»", "«Cancelada»", "Descarte el cambio"}, []string{"cancelled", "depart"}},
	} {
		t.Run(c.lang, func(t *testing.T) {
			id := newTicket(t, tech, name("Held Customer"))
			dev := pair(t, tech)
			dev.pullAll(t)
			adminOK(t, "POST", "/v1/admin/mutations", map[string]any{"name": "ticket.cancel", "version": 1,
				"args": map[string]any{"ticket": id, "epoch": ticket(t, id).Epoch, "reason": "The customer called it off."}}, nil)
			x, refused := dev.push(t, "ticket.depart", map[string]any{"ticket": id, "epoch": 1})
			if !refused || x.Conflict == "" {
				t.Fatalf("the departure for a cancelled ticket was not held as a conflict: %+v", x)
			}
			setLanguage(t, ctx, c.lang)
			item := `li#cf-` + x.Conflict
			must(t, browser.Run(ctx,
				chromedp.Navigate(svc.url+"/conflicts"),
				chromedp.Click(chromedp.CSS(item+` form button[name="resolution"][value="accept_ours"]`)),
			))
			must(t, browser.WaitFor(ctx, `document.readyState === "complete" && document.querySelector("main p.error[role=alert]") !== null`))
			said := text(t, ctx, "main p.error[role=alert]")
			for _, w := range c.want {
				if !strings.Contains(said, w) {
					t.Errorf("the refusal in %s, %q, lacks %q", c.lang, said, w)
				}
			}
			for _, w := range c.notIn {
				if strings.Contains(said, w) {
					t.Errorf("the refusal in %s, %q, shows the code %q", c.lang, said, w)
				}
			}
			if got := ticket(t, id).Status; got != "cancelled" {
				t.Errorf("the refused change left the ticket %s, want cancelled", got)
			}
			if text(t, ctx, item) == "" {
				t.Errorf("the conflict is no longer listed as open after the refusal")
			}
		})
	}
}
