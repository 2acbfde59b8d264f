package ui_test

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// TestTabsNamedWhereThereIsRoom: a newcomer reads what each tab is. On a
// tablet and a desktop every tab shows its name, in every language; on a
// 360 dp phone, where the names do not all fit, the tab shown keeps its
// name and so does every other there is room for, shortest first (only
// the tab shown was named, the three others icons alone), and every tab
// stays in the bar.
func TestTabsNamedWhereThereIsRoom(t *testing.T) {
	for _, tc := range []struct {
		lang string
		// the tabs named on a 360 dp phone, the first one shown
		phone []string
	}{
		{"en", []string{"Tickets", "Parts", "Settings"}},
		{"zh-Hans", []string{"工单", "备件", "在途", "设置"}},
		{"fr", []string{"Tickets", "Pièces", "Paramètres"}},
		{"es", []string{"Órdenes", "Repuestos"}},
		{"pt", []string{"Chamados", "Peças"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			inLanguage(t, tc.lang)
			test.NewTempApp(t)
			deps, _, db := openDemoStore(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
			deps.Supply = store.NewSupplyService(db)
			term := ui.NewTerminal(t.Context(), deps)
			term.ManualSearch()
			w := test.NewTempWindow(t, term.Object())
			term.Attach(w)
			tabs := term.ShellTabs()
			if len(tabs.Items) != 4 {
				t.Fatalf("%d tabs, want Tickets, Parts, On the way and Settings", len(tabs.Items))
			}
			names := func() (named []string) {
				for _, ti := range tabs.Items {
					if ti.Text != "" {
						named = append(named, ti.Text)
					}
				}
				return named
			}
			for _, size := range []fyne.Size{{Width: 1280, Height: 800}, {Width: 1920, Height: 1080}} {
				w.Resize(size)
				if got := names(); len(got) != len(tabs.Items) {
					t.Errorf("at %v the tabs named are %q: want all %d", size, got, len(tabs.Items))
				}
			}
			w.Resize(smallPhone)
			if !term.Compact() {
				t.Fatal("a 360 dp window is not laid out as a phone")
			}
			tabs.SelectIndex(0)
			got := names()
			want := tc.phone
			// The tab on the way carries its count: "在途（1）".
			for i, n := range got {
				for _, p := range want {
					if len(n) > len(p) && n[:len(p)] == p {
						got[i] = p
					}
				}
			}
			slices.Sort(got)
			want = slices.Sorted(slices.Values(want))
			if !slices.Equal(got, want) {
				t.Errorf("at 360 dp the tabs named are %q, want %q", got, want)
			}
			if tabs.Selected().Text == "" {
				t.Error("the tab shown has no name")
			}
			if n := tabsInBar(w); n != len(tabs.Items) {
				t.Errorf("%d of the %d tabs in the bar, the others in a menu", n, len(tabs.Items))
			}
		})
	}
}
