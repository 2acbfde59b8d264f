package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/fieldbench/fieldbench/app"
)

// TestRepairMinutesInTheReadersLanguage: the repair log says its minutes
// in the screens' language, a saved entry's and a draft's alike: both
// wrote "min" in every language, so a Chinese technician read
// "(42 min)" under a Chinese heading (review10's walk, 720x1280). Chinese
// puts them in full-width parentheses touching the action, as its other
// texts do: walk3's walk read "更换循环泵电机 (5分钟)".
func TestRepairMinutesInTheReadersLanguage(t *testing.T) {
	for _, tc := range []struct{ code, want string }{
		{"zh-Hans", "Replaced the drain pump（45分钟）"},
		{"fr", "Replaced the drain pump (45 min)"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			term, w, ds, deps, _ := draftTerminal(t)
			inLanguage(t, tc.code)
			tk := assignedTicket(t, ds, app.KindOnSite, 0)
			term.Detail().Show(tk.ID)
			tapButton(t, term.Detail().Object(), lang.X("repair.add", "Log repair"))
			typeInto(t, front(w), lang.X("repair.what_hint", "e.g. replaced the drain pump"), "Replaced the drain pump")
			typeInto(t, front(w), lang.X("repair.minutes_hint", "0 to 1440"), "45")
			term.FirePaneTimers()
			for _, o := range w.Canvas().Overlays().List() {
				w.Canvas().Overlays().Remove(o) // the draft stays on the card
			}
			if detail := term.Detail().Object(); !visible(detail, tc.want) {
				t.Errorf("the draft does not say its minutes as %q:\n%s", tc.want, visibleText(detail))
			}
			commitAll(t, deps, deps.Actor, &app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: "Replaced the drain pump", Minutes: 45}})
			term.Detail().Show(tk.ID)
			if shown := visibleText(term.Detail().Object()); !strings.Contains(shown, tc.want+"  "+deps.Actor.Name) {
				t.Errorf("the logged repair does not read %q:\n%s", tc.want, shown)
			}
		})
	}
}
