package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device/reports"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// maxTicketsSeen bounds the tickets opened in each language.
const maxTicketsSeen = 60

// smallPhone is the narrowest common Android phone, in dp (Fyne units).
var smallPhone = fyne.NewSize(360, 740)

// TestEveryPageFitsASmallPhone: on a 360 dp phone, in every language,
// nothing the terminal shows reaches past the screen's right edge (the
// tickets list with its search bar, a ticket, the parts, the parts on
// the way, the settings, the sync page and the check-in form), and every
// tab is in the bar, the one shown with its name. At 360 Fyne put the
// last tabs (Settings) in a "more" menu; forms kept their labels in a
// column beside the fields and ran past the edge (the check-in and the
// settings in every language, a ticket's facts in French, Spanish and
// Portuguese), as did a Spanish ticket's total, the settings' "Keep the
// original of each photo" and the sync page's Sync now beside Work
// offline.
func TestEveryPageFitsASmallPhone(t *testing.T) {
	for _, code := range []string{"en", "zh-Hans", "fr", "es", "pt"} {
		t.Run(code, func(t *testing.T) {
			inLanguage(t, code)
			sw := newSyncWorld(t, nil, nil)
			// Every service the app has, so that a ticket shows all its
			// cards and buttons (documents, estimate, passcode).
			deps := sw.deps
			deps.Supply = store.NewSupplyService(sw.db)
			deps.Payments = store.NewPaymentService(sw.db)
			deps.Notices, deps.Passcodes, deps.Drafts = sw.db, sw.db, sw.db
			deps.DataDir = t.TempDir()
			b := reports.Builder{Tickets: deps.Tickets, Parts: deps.Parts, Warranty: deps.Warranty, History: sw.db,
				Photos: deps.Photos, Provider: demo.Provider, Technician: deps.Actor.Name}
			deps.Documents = builderDocs{b: b, commit: deps.Commit, actor: deps.Actor}
			deps.ReportToSign = func(ctx context.Context, d app.TicketDetail) (ui.ReportToSign, error) {
				r, total, err := b.ToSignOf(ctx, d)
				return ui.ReportToSign{Digest: r.Digest(), Total: total, Report: r.CanonicalJSON()}, err
			}
			term := ui.NewTerminal(t.Context(), deps)
			// No "Opening the ticket…" timer of its own goroutine: on a
			// slow run one fired into the pane as the test went on.
			term.ManualPaneTimers()
			w := test.NewTempWindow(t, term.Object())
			term.Attach(w)
			w.Resize(smallPhone)
			if !term.Compact() {
				t.Fatal("a 360 dp window is not laid out as a phone")
			}
			tabs := term.ShellTabs()
			page := func(name string, show func()) {
				t.Helper()
				show()
				onSmallPhone(w)
				for _, p := range pastTheEdge(w) {
					t.Errorf("%s: %s", name, p)
				}
				if n := tabsInBar(w); n != len(tabs.Items) {
					t.Errorf("%s: %d of the %d tabs in the bar, the others in a menu", name, n, len(tabs.Items))
				}
				if sel := tabs.Selected(); sel == nil || sel.Text == "" {
					t.Errorf("%s: the tab shown has no name", name)
				}
			}
			page("tickets", func() { tabs.SelectIndex(0) })
			// Each of the technician's tickets: their states show
			// different buttons.
			all, _, err := deps.Tickets.FindTickets(t.Context(), app.TicketFilter{Technician: sw.me.ID, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			var mine []app.Ticket // the open ones, then closed ones
			for _, open := range []bool{true, false} {
				for _, tk := range all {
					if tk.Status.Open() == open && len(mine) < maxTicketsSeen {
						mine = append(mine, tk)
					}
				}
			}
			if len(mine) < 20 {
				t.Fatalf("%d tickets of the technician, want the demo's day and history", len(mine))
			}
			tabs.SelectIndex(0)
			term.List().Select(0)
			for _, tk := range mine {
				page("ticket "+tk.Number+" ("+string(tk.Status)+")", func() { term.Detail().Show(tk.ID) })
			}
			// The dialogs a ticket opens, each on the first ticket that
			// offers it.
			type offered struct{ key, en string }
			ticketDialogs := func(dialogs ...offered) {
				t.Helper()
				for _, d := range dialogs {
					name := lang.X(d.key, d.en)
					opened := false
					for _, tk := range mine {
						term.Detail().Show(tk.ID)
						if b := findButton(term.Detail().Object(), name); b != nil && !b.Disabled() {
							page("the dialog of "+name, func() { test.Tap(b) })
							closeOverlays(w)
							opened = true
							break
						}
					}
					if !opened {
						t.Errorf("no ticket offers %q", name)
					}
				}
			}
			ticketDialogs(offered{"contact.edit", "Edit"}, offered{"parts.add", "Add part"}, offered{"repair.add", "Log repair"},
				offered{"labels.print", "Print labels"}, offered{"estimate.issue", "Estimate"},
				offered{"action.wait_parts", "Wait for parts"}, offered{"action.fail", "Cannot complete"},
				offered{"money.take", "Take payment"})
			// Closing at the customer's: a ticket completed offers the
			// signature, one with an estimate issued the customer's
			// answer. The demo's day has neither.
			completed, estimated := false, false
			for _, tk := range mine {
				d, err := deps.Tickets.TicketDetail(t.Context(), tk.ID)
				if err != nil {
					t.Fatal(err)
				}
				cur := d.Ticket
				var cmds []app.Command
				switch {
				case !completed && cur.Status == app.StatusInProgress:
					diag := "Drain pump seized"
					cmds = []app.Command{&app.UpdateTicket{Ticket: cur.ID, Set: app.TicketFields{Diagnosis: &diag}},
						&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: cur.ID, Action: "Replaced the drain pump", Minutes: 40}},
						&app.TransitionTicket{Action: app.ActionComplete, Ticket: cur.ID, Epoch: cur.Epoch, Resolution: app.ResolutionRepaired}}
					completed = true
				case !estimated && cur.Status.Open():
					term.Detail().Show(cur.ID)
					if total, ok := term.Detail().Charges(); ok && total.Amount > 0 {
						cmds = []app.Command{&app.IssueEstimate{Estimate: app.Estimate{ID: app.NewID(), Ticket: cur.ID, Amount: total, Note: "Drain pump and labour"}}}
						estimated = true
					}
				}
				for _, c := range cmds {
					if _, err := deps.Commit.Commit(t.Context(), deps.Actor, c); err != nil {
						t.Fatalf("%T on %s: %v", c, cur.Number, err)
					}
				}
			}
			if !completed || !estimated {
				t.Fatalf("no ticket to complete (%v) or to issue an estimate on (%v)", completed, estimated)
			}
			ticketDialogs(offered{"sign.open", "Customer sign-off"}, offered{"estimate.answer", "Customer's answer"})
			page("parts", func() { term.ShowParts("stock", "") })
			pageDialog := func(key, en string) {
				t.Helper()
				name := lang.X(key, en)
				var last *widget.Button // a parcel's Receive, not the search's
				walk(term.Object(), func(o fyne.CanvasObject) {
					if b, ok := o.(*widget.Button); ok && b.Text == name && b.Visible() && !b.Disabled() {
						last = b
					}
				})
				if last == nil {
					t.Errorf("no %q to tap", name)
					return
				}
				page("the dialog of "+name, func() { test.Tap(last) })
				closeOverlays(w)
			}
			page("parts", func() { term.ShowParts("stock", "") })
			pageDialog("count.open", "Count stock")
			// A part's report of a loss or damage, from its card.
			page("the dialog of a part's problem", func() {
				term.ShowParts("stock", "")
				shown := term.PartsShown()
				if len(shown) == 0 || !term.OpenPartCard(strings.Fields(shown[0])[0]) {
					t.Fatalf("no part in my stock to report: %v", shown)
				}
				tapButton(t, w.Canvas().Overlays().Top(), lang.X("part.report_problem", "Lost or damaged…"))
			})
			closeOverlays(w)
			page("defective parts", func() { term.ShowParts("defective", "") })
			pageDialog("returns.open", "Ship back…")
			page("part requests", func() { term.ShowParts("requests", "") })
			page("on the way", term.ShowOnWay)
			pageDialog("onway.receive", "Receive")
			pageDialog("load.title", "What to load")
			page("on the way", term.ShowOnWay)
			page("settings", term.ShowSettings)
			page("sync", func() { tabs.SelectIndex(0); term.OpenSyncPage() })
			closeOverlays(w)
			page("check-in", term.OpenCheckIn)
			closeOverlays(w)
		})
	}
}

// tabsInBar counts the tabs shown in the bar: Fyne puts those that do
// not fit in a menu behind a "more" button [2.7.1].
func tabsInBar(w fyne.Window) int {
	n := 0
	var count func(o fyne.CanvasObject)
	count = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		if fmt.Sprintf("%T", o) == "*container.tabButton" { // Fyne's internal type
			n++
			return
		}
		switch o := o.(type) {
		case *fyne.Container:
			for _, c := range o.Objects {
				count(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				count(c)
			}
		}
	}
	count(w.Canvas().Content())
	return n
}

// closeOverlays closes the dialogs open over the window.
func closeOverlays(w fyne.Window) {
	for _, o := range w.Canvas().Overlays().List() {
		w.Canvas().Overlays().Remove(o)
	}
}

// pastTheEdge describes each visible object drawn past the window's right
// edge (or its left, where a row laid out from the right begins), on the
// page and the dialogs over it. A text is as wide as its letters,
// whatever its size: a label squeezed narrower than its text draws the
// text past its own edge. What lies in a scroll that scrolls sideways is
// reached by scrolling and not counted (an entry's text).
func pastTheEdge(w fyne.Window) []string {
	width := w.Canvas().Size().Width
	d := fyne.CurrentApp().Driver()
	var out []string
	seen := map[string]bool{}
	// check reports o when it is past the edge and none of its parts is
	// (the part is the cause), and says whether it reported any.
	var check func(o fyne.CanvasObject) bool
	check = func(o fyne.CanvasObject) bool {
		if o == nil || !o.Visible() {
			return false
		}
		switch o.(type) {
		case *canvas.LinearGradient, *canvas.RadialGradient:
			return false // a dialog's shadow falls outside it
		}
		if fmt.Sprintf("%T", o) == "*widget.Shadow" { // Fyne's internal type
			return false
		}
		inner := false
		switch o := o.(type) {
		case *container.Scroll:
			if o.Direction == container.ScrollVerticalOnly || o.Direction == container.ScrollNone {
				inner = check(o.Content)
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				inner = check(c) || inner
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				inner = check(c) || inner
			}
		}
		if inner {
			return true
		}
		drawn := o.Size().Width
		if txt, ok := o.(*canvas.Text); ok && txt.Text != "" {
			drawn = max(drawn, txt.MinSize().Width)
		}
		left := d.AbsolutePositionForObject(o).X
		right := left + drawn
		// Fyne draws a modal's backdrop from 2 dp left of the screen.
		if (right <= width+0.5 && left >= -theme.Padding()) || o.Size().Height == 0 {
			return false
		}
		what := fmt.Sprintf("a %T", o)
		switch o := o.(type) {
		case *canvas.Text:
			what = fmt.Sprintf("%q", o.Text)
		case *widget.Button:
			what = fmt.Sprintf("the button %q", o.Text)
		case *widget.RichText:
			what = fmt.Sprintf("the text %q", o.String())
		case *widget.Card:
			what = fmt.Sprintf("the card %q", o.Title)
		}
		if s := fmt.Sprintf("%s runs from %.0f to %.0f, off the %.0f dp screen", what, left, right, width); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
		return true
	}
	check(w.Canvas().Content())
	for _, o := range w.Canvas().Overlays().List() {
		check(o)
	}
	return out
}
