package ui_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/ui"
)

func TestPartsPageShowsStockCatalogAndReturns(t *testing.T) {
	term, _, _, ds, deps := scanTerminal(t)
	ctx := context.Background()
	var van, bin app.LocationID
	for _, l := range ds.Locations {
		if l.Owner == string(demo.DemoTechnician) {
			switch l.Kind {
			case app.LocationVan:
				van = l.ID
			case app.LocationDefective:
				bin = l.ID
			}
		}
	}
	bal, err := deps.Parts.Balances(ctx, van)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, b := range bal {
		if b.Qty != 0 {
			want++
		}
	}
	term.ShowParts("stock", "")
	if got := term.PartsShown(); len(got) != want || want == 0 {
		t.Fatalf("my stock shows %d parts, the van holds %d", len(got), want)
	}

	// A part fitted on a ticket shows as not yet synced.
	var tk app.Ticket
	for _, d := range ds.Tickets {
		if d.Ticket.Technician == demo.DemoTechnician && d.Ticket.Status.Open() {
			tk = d.Ticket
			break
		}
	}
	first := bal[0]
	if _, err := deps.Commit.Commit(ctx, deps.Actor, &app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: tk.ID, Part: first.Part, Qty: 1, Serial: "S-1", From: van}}); err != nil {
		t.Fatal(err)
	}
	term.ShowParts("stock", string(first.Part))
	if got := term.PartsShown(); len(got) != 1 || !strings.HasSuffix(got[0], " -1") {
		t.Errorf("after fitting one %s: %v (want a pending -1)", first.Part, got)
	}

	p, err := deps.Parts.Part(ctx, first.Part)
	if err != nil {
		t.Fatal(err)
	}
	term.ShowParts("catalog", p.NameZH)
	found := false
	for _, line := range term.PartsShown() {
		found = found || strings.HasPrefix(line, string(p.Number)+" ")
	}
	if !found {
		t.Errorf("catalog search for %q does not list %s: %v", p.NameZH, p.Number, term.PartsShown())
	}

	defective, err := deps.Parts.Balances(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range defective {
		if b.Qty != 0 || b.Pending != 0 {
			n++
		}
	}
	term.ShowParts("defective", "")
	if got := term.PartsShown(); len(got) != n {
		t.Errorf("defective returns show %d parts, the bin holds %d", len(got), n)
	}
}

func TestPhoneLayoutStacksListAndTicket(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	w.Resize(fyne.NewSize(720, 1280))
	if !term.Compact() {
		t.Fatal("a 720 wide window is not compact")
	}
	tk := myTicket(t, ds, deps)
	shown := labels(term.Object())
	if strings.Contains(shown, "Select a ticket") {
		t.Error("the phone layout shows the empty detail pane beside the list")
	}
	term.List().SetQuery(tk.Number)
	term.List().Select(0)
	shown = labels(term.Object())
	if !strings.Contains(shown, tk.Number+" · ") || strings.Contains(shown, "Results for") {
		t.Errorf("the ticket did not replace the list:\n%s", shown)
	}
	tapButton(t, term.Object(), "Tickets")
	if shown := labels(term.Object()); !strings.Contains(shown, "Results for") {
		t.Errorf("back did not return to the list:\n%s", shown)
	}
	// The same ticket tapped again opens again: it stayed selected, and
	// a tap on a selected row selected nothing new.
	term.List().Select(0)
	if shown := labels(term.Object()); !strings.Contains(shown, tk.Number+" · ") || strings.Contains(shown, "Results for") {
		t.Errorf("the ticket left by Back did not open again:\n%s", shown)
	}
	w.Resize(fyne.NewSize(1280, 800))
	if term.Compact() {
		t.Error("a 1280 wide window is compact")
	}
}

// pendingSync is a SyncService with unsent work, for the sign-out
// confirmations; sync itself is tested against a real server elsewhere.
type pendingSync struct{ app.SyncService }

func (pendingSync) SyncStatus() app.SyncStatus     { return app.SyncStatus{Pending: 3} }
func (pendingSync) WatchSync(func(app.SyncStatus)) {}
func (pendingSync) SyncNow()                       {}
func (pendingSync) OpenConflicts(context.Context) ([]app.Conflict, error) {
	return nil, nil
}
func (pendingSync) UnsentTickets(context.Context) (map[app.TicketID]int, error) {
	return nil, nil
}

func TestSignOutWithUnsentWorkNeedsTwoConfirmations(t *testing.T) {
	_, _, _, _, deps := scanTerminal(t)
	var calls atomic.Int32
	deps.SignOut = func(context.Context) error { calls.Add(1); return nil }
	deps.Sync = pendingSync{}
	term := ui.NewTerminal(t.Context(), deps)
	w := fyne.CurrentApp().NewWindow("t")
	w.SetContent(term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)

	term.ShowSettings()
	signOut := func() fyne.CanvasObject {
		tapButton(t, term.Object(), "Sign out of this device")
		top := w.Canvas().Overlays().Top()
		if !strings.Contains(labels(top), "3 changes have not been sent") {
			t.Fatalf("first confirmation:\n%s", labels(top))
		}
		return top
	}
	tapButton(t, signOut(), "Stay signed in")
	if calls.Load() != 0 {
		t.Fatal("signed out after No")
	}
	signOut()
	press(w, fyne.KeyEscape)
	if n := len(w.Canvas().Overlays().List()); n != 0 || calls.Load() != 0 {
		t.Fatalf("Escape on the confirmation: %d overlays, %d sign-outs", n, calls.Load())
	}
	tapButton(t, signOut(), "Sign out")
	second := w.Canvas().Overlays().Top()
	if !strings.Contains(labels(second), "Really erase 3 unsent changes") {
		t.Fatalf("second confirmation:\n%s", labels(second))
	}
	if calls.Load() != 0 {
		t.Fatal("signed out after one confirmation")
	}
	tapButton(t, second, "Erase and sign out")
	if calls.Load() != 1 {
		t.Fatalf("SignOut called %d times after two confirmations", calls.Load())
	}
}

func TestRequestAPartNotInStock(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	ctx := context.Background()
	var tk app.Ticket
	for _, d := range ds.Tickets {
		if d.Ticket.Technician == demo.DemoTechnician && d.Ticket.Status == app.StatusAssigned {
			tk = d.Ticket
			break
		}
	}
	if tk.ID == "" {
		t.Fatal("the demo technician has no assigned ticket")
	}
	steps := []app.Action{app.ActionStart}
	if tk.Kind == app.KindOnSite {
		steps = []app.Action{app.ActionDepart, app.ActionArrive, app.ActionStart}
	}
	for _, a := range steps {
		if _, err := deps.Commit.Commit(ctx, deps.Actor, &app.TransitionTicket{Action: a, Ticket: tk.ID, Epoch: tk.Epoch}); err != nil {
			t.Fatal(err)
		}
	}
	// A part of the catalog the van does not hold.
	var van app.LocationID
	for _, l := range ds.Locations {
		if l.Owner == string(demo.DemoTechnician) && l.Kind == app.LocationVan {
			van = l.ID
		}
	}
	bal, _ := deps.Parts.Balances(ctx, van)
	held := map[app.PartNumber]bool{}
	for _, b := range bal {
		held[b.Part] = b.Qty > 0
	}
	var missing app.Part
	for _, p := range ds.Parts {
		if !held[p.Number] {
			missing = p
			break
		}
	}
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Add part")
	dlg := w.Canvas().Overlays().Top()
	typeInto(t, dlg, "Part number", string(missing.Number))
	tapButton(t, dlg, "Not in stock: request it")
	got := ticketNow(t, deps, tk.ID).Ticket
	if got.Status != app.StatusWaitingParts || !strings.Contains(got.StatusReason, string(missing.Number)) {
		t.Fatalf("after the request: %s, %q", got.Status, got.StatusReason)
	}
	term.ShowParts("requests", "")
	found := false
	for _, line := range term.PartsShown() {
		found = found || strings.HasPrefix(line, tk.Number+" ") && strings.Contains(line, string(missing.Number))
	}
	if !found {
		t.Errorf("requests list: %v", term.PartsShown())
	}
}

// A search lists the latest tickets first whatever order the views use:
// the header says so and the order's drop-down is off until the search is
// left, by its clear button or by choosing a view.
func TestSearchOrderShown(t *testing.T) {
	term, _, _, ds, deps := scanTerminal(t)
	tk := myTicket(t, ds, deps)
	sorts := ticketSelects(term.List().Object())
	if len(sorts) != 2 {
		t.Fatalf("the list has %d drop-downs, want the view and the order", len(sorts))
	}
	order := sorts[1]
	if order.Disabled() {
		t.Fatal("the order is off before any search")
	}
	term.List().SetQuery(tk.Number)
	if !order.Disabled() {
		t.Error("the order is offered during a search, which ignores it")
	}
	if shown := labels(term.List().Object()); !strings.Contains(shown, "latest first") {
		t.Errorf("the search does not say its order:\n%s", shown)
	}
	term.List().SetQuery("")
	if order.Disabled() {
		t.Error("the order stays off after the search is cleared")
	}
	term.List().SetQuery(tk.Number)
	term.List().SetView(app.ViewDone)
	if order.Disabled() {
		t.Error("the order stays off after a view is chosen during a search")
	}
}

// ticketSelects are the drop-downs under o, in layout order.
func ticketSelects(o fyne.CanvasObject) []*widget.Select {
	var found []*widget.Select
	walk(o, func(c fyne.CanvasObject) {
		if s := ui.SelectOf(c); s != nil {
			found = append(found, s)
		}
	})
	return found
}
