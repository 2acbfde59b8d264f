package ui_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// supplyWorld is a terminal on the demo world with the store's
// SupplyService, and what its tests pull and check.
type supplyWorld struct {
	term   *ui.Terminal
	w      fyne.Window
	kb     *keyboard
	ds     app.Dataset
	deps   ui.Deps
	db     *store.DB
	now    time.Time
	cursor int
}

func newSupplyWorld(t *testing.T) *supplyWorld {
	t.Helper()
	return newSupplyWorldIn(t, time.Local)
}

// newSupplyWorldIn is newSupplyWorld whose world and screens are in zone.
func newSupplyWorldIn(t *testing.T, zone *time.Location) *supplyWorld {
	t.Helper()
	return newSupplyWorldWith(t, zone, nil)
}

// newSupplyWorldWith is newSupplyWorldIn whose deps edit changes before
// the terminal is made.
func newSupplyWorldWith(t *testing.T, zone *time.Location, edit func(*ui.Deps)) *supplyWorld {
	t.Helper()
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, zone)
	deps, ds, db := openDemoStore(t, now)
	if edit != nil {
		edit(&deps)
	}
	deps.Zone = zone
	deps.Supply = store.NewSupplyService(db)
	kb := &keyboard{clock: now}
	deps.KeyClock = kb.now
	term := ui.NewTerminal(t.Context(), deps)
	term.ManualSearch()
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	return &supplyWorld{term: term, w: w, kb: kb, ds: ds, deps: deps, db: db, now: now}
}

// pull applies a page from the server that acknowledges the outbox.
func (s *supplyWorld) pull(t *testing.T, d app.Dataset) {
	t.Helper()
	st, err := s.db.SyncState(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	s.cursor++
	if err := s.db.ApplyPull(t.Context(), app.PullPage{Epoch: "e1", Acked: st.LastSeq, Cursor: fmt.Sprint("c", s.cursor), Data: d, At: s.now}); err != nil {
		t.Fatal(err)
	}
}

// pending is the outbox's mutations of name.
func (s *supplyWorld) pending(t *testing.T, name string) []app.Command {
	t.Helper()
	ms, err := s.db.Pending(t.Context(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []app.Command
	for _, m := range ms {
		if m.Name != name {
			continue
		}
		c, err := app.DecodeMutation(m)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// missingParts are parts listed for model that the demo van lacks.
func (s *supplyWorld) missingParts(t *testing.T, model string, n int) []app.Part {
	t.Helper()
	stock := vanStock(t, s.deps)
	var out []app.Part
	for _, p := range s.ds.Parts {
		if stock[p.Number] == 0 && p.Fits(model) && p.NameEN != "" && len(out) < n {
			out = append(out, p)
		}
	}
	if len(out) < n {
		t.Fatalf("the demo world has %d parts for %s the van lacks, want %d", len(out), model, n)
	}
	return out
}

func (s *supplyWorld) requests(t *testing.T, id app.TicketID) []app.PartRequest {
	t.Helper()
	rs, err := s.deps.Supply.PartRequests(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func partLabelText(t *testing.T, n app.PartNumber) string {
	t.Helper()
	text, err := scanner.FormatLabel(scanner.PartLabel{Part: n}.Label())
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// TestRequestedPartShowsEachStateItMovesThrough: a part requested from the
// add-part dialog is a part.request to the van, the ticket waits for it,
// and the ticket says in words where the request stands as pulled pages
// approve, ship and receive it.
func TestRequestedPartShowsEachStateItMovesThrough(t *testing.T) {
	s := newSupplyWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	part := s.missingParts(t, tk.Product.Model, 1)[0]

	dlg := openPicker(t, s.term, s.w)
	typeInto(t, dlg, "Part number", string(part.Number))
	tapButton(t, dlg, "Not in stock: request it")
	form := s.w.Canvas().Overlays().Top()
	if text := labels(form); !strings.Contains(text, "Request a part for "+tk.Number) || !strings.Contains(text, "Van ") {
		t.Fatalf("the request form does not name the ticket and the van:\n%s", text)
	}
	typeInto(t, form, "For the office", "customer waits at home")
	tapButton(t, form, "Request part")

	reqs := s.requests(t, tk.ID)
	if len(reqs) != 1 || reqs[0].Part != part.Number || reqs[0].Qty != 1 || reqs[0].To != demoVan || reqs[0].State != app.RequestRequested || reqs[0].Note != "customer waits at home" {
		t.Fatalf("requests after the form: %+v", reqs)
	}
	if got := s.pending(t, "part.request"); len(got) != 1 {
		t.Fatalf("outbox holds %d part.request, want 1", len(got))
	}
	if st := ticketNow(t, s.deps, tk.ID).Ticket; st.Status != app.StatusWaitingParts || !strings.Contains(st.StatusReason, string(part.Number)) {
		t.Fatalf("the ticket does not wait for the part: %s %q", st.Status, st.StatusReason)
	}
	shown := labels(s.term.Detail().Object())
	for _, want := range []string{"Part requests", part.NameEN, "Requested: waiting for the office", "customer waits at home"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the ticket lacks %q:\n%s", want, shown)
		}
	}
	if !strings.Contains(buttonTexts(s.term.Detail().Object()), "Cancel request") {
		t.Error("a requested part cannot be cancelled")
	}

	r := reqs[0]
	ship := app.Shipment{ID: "ship-1", Kind: app.ShipmentSupply, From: "wh-cn", To: demoVan, Carrier: "SF Express", Tracking: "SF1234567890",
		Lines: []app.ShipmentLine{{Part: part.Number, Qty: 1, Request: r.ID, Ticket: tk.ID}}, State: app.ShipmentInTransit, At: s.now, By: "Dispatch"}
	steps := []struct {
		name  string
		apply func(*app.PartRequest)
		ships []app.Shipment
		want  string
		gone  string
	}{
		{"approved", func(r *app.PartRequest) { r.State = app.RequestApproved }, nil, "Approved: the office will ship it", "Requested:"},
		{"shipped", func(r *app.PartRequest) { r.State, r.Shipment = app.RequestShipped, ship.ID }, []app.Shipment{ship}, "Shipped: SF Express SF1234567890", "Approved:"},
		{"short", func(r *app.PartRequest) { r.State, r.Qty, r.Received = app.RequestShort, 3, 1 }, nil, "Short: 1 of 3 arrived", "Shipped:"},
	}
	for _, st := range steps {
		st.apply(&r)
		s.pull(t, app.Dataset{PartRequests: []app.PartRequest{r}, Shipments: st.ships})
		s.term.Detail().Show(tk.ID)
		shown := labels(s.term.Detail().Object())
		if !strings.Contains(shown, st.want) || strings.Contains(shown, st.gone) {
			t.Errorf("%s: want %q and not %q:\n%s", st.name, st.want, st.gone, shown)
		}
		if strings.Contains(buttonTexts(s.term.Detail().Object()), "Cancel request") != (r.State == app.RequestApproved) {
			t.Errorf("%s: Cancel request offered wrongly", st.name)
		}
	}
}

// TestRequestStatesInWords: each state of a request reads as what the
// technician needs to know.
func TestRequestStatesInWords(t *testing.T) {
	s := newSupplyWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	parts := s.missingParts(t, tk.Product.Model, 2)
	base := app.PartRequest{Ticket: tk.ID, Part: parts[0].Number, Qty: 2, Urgency: app.UrgencyUrgent, To: demoVan, At: s.now}
	cases := []struct {
		state  app.RequestState
		set    func(*app.PartRequest)
		want   string
		cancel bool
	}{
		{app.RequestRequested, nil, "Requested: waiting for the office", true},
		{app.RequestApproved, func(r *app.PartRequest) { r.Substitute, r.Reason = parts[1].Number, "the old one is discontinued" },
			"Substitute approved: " + parts[1].NameEN + " (" + string(parts[1].Number) + ") instead, because the old one is discontinued", true},
		{app.RequestRejected, func(r *app.PartRequest) { r.Reason = "repair is not economical" }, "Rejected: repair is not economical", false},
		{app.RequestReceived, func(r *app.PartRequest) { r.Received = 2 }, "Arrived", false},
		{app.RequestCancelled, func(r *app.PartRequest) { r.Reason = "customer declined" }, "Cancelled: customer declined", false},
	}
	for i, c := range cases {
		r := base
		r.ID = fmt.Sprint("req-", i)
		r.State = c.state
		if c.set != nil {
			c.set(&r)
		}
		s.pull(t, app.Dataset{PartRequests: []app.PartRequest{r}})
		s.term.Detail().Show(tk.ID)
		shown := labels(s.term.Detail().Object())
		if !strings.Contains(shown, c.want) {
			t.Errorf("%s: want %q:\n%s", c.state, c.want, shown)
		}
		if !strings.Contains(shown, "urgent") {
			t.Errorf("%s: the urgency is not shown", c.state)
		}
		// The On the way page names what was asked for, as the ticket
		// does, and the state names the substitute: it named the
		// substitute twice, and the part asked for not at all.
		if r.Substitute != "" {
			s.term.ShowOnWay()
			asked := parts[0].NameEN + " (" + string(parts[0].Number) + ") × 2 · " + c.want
			if onWay := labels(s.term.OnWayPage()); !strings.Contains(onWay, asked) {
				t.Errorf("%s: the On the way page does not say %q:\n%s", c.state, asked, onWay)
			}
		}
		// Each case leaves its request cancelled or closed before the
		// next, so the ticket shows one Cancel request at most.
		if got := strings.Count(buttonTexts(s.term.Detail().Object()), "Cancel request"); (got == 1) != c.cancel {
			t.Errorf("%s: %d Cancel request buttons, cancellable %v", c.state, got, c.cancel)
		}
		if c.cancel {
			r.State, r.Reason = app.RequestCancelled, "next case"
			s.pull(t, app.Dataset{PartRequests: []app.PartRequest{r}})
		}
	}
}

// TestOnWayNamesEveryRequestOfATicket: the On the way page named the
// part of a ticket's first open request only; a second request of the
// same ticket read as a bare part number.
func TestOnWayNamesEveryRequestOfATicket(t *testing.T) {
	s := newSupplyWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	parts := s.missingParts(t, tk.Product.Model, 2)
	var rs []app.PartRequest
	for i, p := range parts {
		rs = append(rs, app.PartRequest{ID: fmt.Sprint("req-two-", i), Ticket: tk.ID, Part: p.Number, Qty: 1,
			Urgency: app.UrgencyNormal, To: demoVan, At: s.now, State: app.RequestRequested})
	}
	s.pull(t, app.Dataset{PartRequests: rs})
	s.term.ShowOnWay()
	onWay := labels(s.term.OnWayPage())
	for _, p := range parts {
		if want := p.NameEN + " (" + string(p.Number) + ") × 1"; !strings.Contains(onWay, want) {
			t.Errorf("the On the way page does not name %q:\n%s", want, onWay)
		}
	}
}

// requestedPart puts a ticket in progress with one part the van lacks
// requested for it, and shows it.
func (s *supplyWorld) requestedPart(t *testing.T) (app.Ticket, app.Part) {
	t.Helper()
	tk := workingTicket(t, s.term, s.ds, s.deps)
	part := s.missingParts(t, tk.Product.Model, 1)[0]
	if _, err := s.deps.Commit.Commit(t.Context(), s.deps.Actor, &app.RequestPart{Request: app.PartRequest{ID: app.NewID(), Ticket: tk.ID, Part: part.Number, Qty: 1, Urgency: app.UrgencyNormal, To: demoVan}}); err != nil {
		t.Fatal(err)
	}
	s.term.Detail().Show(tk.ID)
	return tk, part
}

// TestCancelARequestAsksWhyAndSendsIt: cancelling asks for a reason and
// can be kept; confirmed, it sends part.cancel_request.
func TestCancelARequestAsksWhyAndSendsIt(t *testing.T) {
	s := newSupplyWorld(t)
	tk, _ := s.requestedPart(t)
	tapButton(t, s.term.Detail().Object(), "Cancel request")
	ask := s.w.Canvas().Overlays().Top()
	// A cancelled request cannot be taken back: the form's confirming
	// button is red.
	if b := button(ask, "Cancel request"); b == nil || b.Importance != widget.DangerImportance {
		t.Errorf("the cancel form's Cancel request should be a red button: %v", b)
	}
	tapButton(t, ask, "Keep request")
	if rs := s.requests(t, tk.ID); rs[0].State != app.RequestRequested {
		t.Fatalf("kept, yet %s", rs[0].State)
	}
	tapButton(t, s.term.Detail().Object(), "Cancel request")
	ask = s.w.Canvas().Overlays().Top()
	tapButton(t, ask, "Cancel request")
	if rs := s.requests(t, tk.ID); rs[0].State != app.RequestRequested {
		t.Fatalf("cancelled without a reason: %s", rs[0].State)
	}
	ask = s.w.Canvas().Overlays().Top()
	typeInto(t, ask, "no longer needed", "fixed it without the part")
	tapButton(t, ask, "Cancel request")
	rs := s.requests(t, tk.ID)
	if rs[0].State != app.RequestCancelled || rs[0].Reason != "fixed it without the part" {
		t.Fatalf("after cancelling: %+v", rs[0])
	}
	if got := s.pending(t, "part.cancel_request"); len(got) != 1 {
		t.Fatalf("outbox holds %d part.cancel_request, want 1", len(got))
	}
	if shown := labels(s.term.Detail().Object()); !strings.Contains(shown, "Cancelled: fixed it without the part") {
		t.Fatalf("the ticket does not show the cancellation:\n%s", shown)
	}
}

// TestCompleteSaysARequestIsStillOpen: completing a ticket whose part
// request the office has not shipped says so in Complete's checklist,
// without blocking, and cancels it from there (the reason asked for over
// the dialog), the line then gone; the ticket completes.
func TestCompleteSaysARequestIsStillOpen(t *testing.T) {
	s := newSupplyWorld(t)
	tk, part := s.requestedPart(t)
	tapButton(t, s.term.Detail().Object(), "Complete")
	dlg := s.w.Canvas().Overlays().Top()
	still := "is still requested from the office"
	if text := labels(dlg); !strings.Contains(text, string(part.Number)+") × 1 "+still) {
		t.Fatalf("Complete's checklist does not name the open request of %s:\n%s", part.Number, text)
	}
	tapButton(t, dlg, "Cancel request")
	ask := s.w.Canvas().Overlays().Top()
	typeInto(t, ask, "no longer needed", "fixed without it")
	tapButton(t, ask, "Cancel request")
	if rs := s.requests(t, tk.ID); rs[0].State != app.RequestCancelled || rs[0].Reason != "fixed without it" {
		t.Fatalf("cancelled from Complete's dialog: %+v", rs[0])
	}
	if s.w.Canvas().Overlays().Top() != dlg {
		t.Fatal("cancelling the request closed Complete's dialog")
	}
	if text := labels(dlg); strings.Contains(text, still) {
		t.Errorf("the cancelled request is still listed:\n%s", text)
	}
	walk(dlg, func(o fyne.CanvasObject) {
		if sel := ui.SelectOf(o); sel != nil {
			sel.SetSelected("No fault found")
		}
	})
	tapButton(t, dlg, "Complete")
	if got := ticketNow(t, s.deps, tk.ID).Ticket.Status; got != app.StatusCompleted {
		t.Errorf("after the checklist the ticket is %s", got)
	}
}

// TestWaitForPartsWithoutARequestOffersOne: Wait for parts on a ticket
// none of whose requests waits for a part says the office ships a part
// only once requested and offers the request (the part picker, whose
// request can make the ticket wait in the same step), or the wait with a
// reason as before (walk4's Portuguese walk: the part typed as the
// wait's reason, nothing was requested). With a request on its way, the
// reason's form opens at once.
func TestWaitForPartsWithoutARequestOffersOne(t *testing.T) {
	s := newSupplyWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	if rs := s.requests(t, tk.ID); len(rs) != 0 {
		t.Fatalf("the test needs a ticket without requests: %+v", rs)
	}
	tapButton(t, s.term.Detail().Object(), "Wait for parts")
	if text := labels(front(s.w)); !strings.Contains(text, "No part is requested for this ticket") {
		t.Fatalf("Wait for parts without a request says:\n%s", text)
	}
	tapButton(t, front(s.w), "Request a part")
	if s.term.PickerShown() == nil || !strings.Contains(buttonTexts(front(s.w)), "Not in stock: request it") {
		t.Fatalf("Request a part opened no part picker:\n%s", labels(front(s.w)))
	}
	press(s.w, fyne.KeyEscape)

	tapButton(t, s.term.Detail().Object(), "Wait for parts")
	tapButton(t, front(s.w), "Wait without a request")
	typeInto(t, front(s.w), "Which parts", "the customer brings the door seal")
	tapButton(t, front(s.w), "Wait for parts")
	if got := ticketNow(t, s.deps, tk.ID).Ticket; got.Status != app.StatusWaitingParts || got.StatusReason != "the customer brings the door seal" {
		t.Fatalf("after a wait without a request the ticket is %s, %q", got.Status, got.StatusReason)
	}

	s2 := newSupplyWorld(t)
	s2.requestedPart(t)
	tapButton(t, s2.term.Detail().Object(), "Wait for parts")
	if text := labels(front(s2.w)); strings.Contains(text, "No part is requested") || !strings.Contains(text, "Which parts") {
		t.Errorf("Wait for parts with a request on its way does not ask its reason at once:\n%s", text)
	}
}

// TestLikelyPartsSayHowLikelyAndOfferARequest: the ticket lists its likely
// parts in words and percent with the van's balance, and "Request it"
// only for one the van lacks.
func TestLikelyPartsSayHowLikelyAndOfferARequest(t *testing.T) {
	s := newSupplyWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	lacks := s.missingParts(t, tk.Product.Model, 1)[0]
	var has app.Part
	for n, q := range vanStock(t, s.deps) {
		if q > 0 {
			has, _ = s.deps.Parts.Part(t.Context(), n)
			break
		}
	}
	s.pull(t, app.Dataset{LikelyParts: []app.LikelyParts{{Ticket: tk.ID, At: s.now, Parts: []app.LikelyPart{
		{Part: lacks.Number, Probability: 0.62, Basis: app.BasisModelSymptom, Support: 40},
		{Part: has.Number, Probability: 0.8, Basis: app.BasisModel, Support: 90},
	}}}})
	s.term.Detail().Show(tk.ID)
	shown := labels(s.term.Detail().Object())
	stock := vanStock(t, s.deps)
	for _, want := range []string{"Likely needed", lacks.NameEN + " (" + string(lacks.Number) + ") · likely, 62% · 0 in Van ",
		fmt.Sprintf("(%s) · very likely, 80%% · %d in Van ", has.Number, stock[has.Number])} {
		if !strings.Contains(shown, want) {
			t.Errorf("the ticket lacks %q:\n%s", want, shown)
		}
	}
	if n := strings.Count(buttonTexts(s.term.Detail().Object()), "Request it"); n != 1 {
		t.Fatalf("%d Request it buttons, want 1 (the part the van lacks)", n)
	}
	tapButton(t, s.term.Detail().Object(), "Request it")
	form := s.w.Canvas().Overlays().Top()
	check(t, form, "Put the ticket in waiting for parts").SetChecked(false)
	tapButton(t, form, "Request part")
	if rs := s.requests(t, tk.ID); len(rs) != 1 || rs[0].Part != lacks.Number {
		t.Fatalf("requests: %+v", rs)
	}
	if st := ticketNow(t, s.deps, tk.ID).Ticket.Status; st != app.StatusInProgress {
		t.Fatalf("the ticket was left in progress on the form, yet is %s", st)
	}
}

// TestLikelyPartsLeaveOnceFitted: a part fitted on the ticket is no
// longer "likely needed": it leaves the list, the others stay.
func TestLikelyPartsLeaveOnceFitted(t *testing.T) {
	s := newSupplyWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	stock := vanStock(t, s.deps)
	var fit, other app.Part
	for _, p := range s.ds.Parts {
		switch {
		case fit.Number == "" && stock[p.Number] > 0 && !p.Serialized && !p.ReturnNeeded:
			fit = p
		case other.Number == "":
			other = p
		}
	}
	if fit.Number == "" || other.Number == "" {
		t.Fatal("the demo has no part to fit from the van beside another")
	}
	s.pull(t, app.Dataset{LikelyParts: []app.LikelyParts{{Ticket: tk.ID, At: s.now, Parts: []app.LikelyPart{
		{Part: fit.Number, Probability: 0.15, Basis: app.BasisModel, Support: 90},
		{Part: other.Number, Probability: 0.62, Basis: app.BasisModelSymptom, Support: 40},
	}}}})
	s.term.Detail().Show(tk.ID)
	fitLine, otherLine := "("+string(fit.Number)+") · unlikely, 15%", "("+string(other.Number)+") · likely, 62%"
	if shown := labels(s.term.Detail().Object()); !strings.Contains(shown, fitLine) || !strings.Contains(shown, otherLine) {
		t.Fatalf("before fitting, the likely parts are not both listed:\n%s", shown)
	}
	dlg := openPicker(t, s.term, s.w)
	typeInto(t, dlg, "Part number", string(fit.Number))
	tapButton(t, dlg, "Fit part")
	if used := ticketNow(t, s.deps, tk.ID).Parts; len(used) != 1 || used[0].Part != fit.Number {
		t.Fatalf("parts fitted: %+v", used)
	}
	shown := labels(s.term.Detail().Object())
	if strings.Contains(shown, fitLine) {
		t.Errorf("the part just fitted is still likely needed:\n%s", shown)
	}
	if !strings.Contains(shown, otherLine) {
		t.Errorf("the part not fitted left the likely parts:\n%s", shown)
	}
}

// incoming counts the world's shipments in transit to the demo
// technician's van or defective bin: the parcels the On the way tab counts.
func (s *supplyWorld) incoming(t *testing.T) int {
	t.Helper()
	van, bin := myBins(t, s.deps)
	n := 0
	for _, sh := range s.ds.Shipments {
		if sh.State == app.ShipmentInTransit && (sh.To == van || sh.To == bin) {
			n++
		}
	}
	return n
}

// inTransit pulls a supply shipment of lines to the demo van.
func (s *supplyWorld) inTransit(t *testing.T, id, tracking string, lines ...app.ShipmentLine) app.Shipment {
	t.Helper()
	sh := app.Shipment{ID: id, Kind: app.ShipmentSupply, From: "wh-cn", To: demoVan, Carrier: "SF Express", Tracking: tracking,
		Lines: lines, State: app.ShipmentInTransit, At: s.now.Add(-time.Hour), By: "Dispatch"}
	s.pull(t, app.Dataset{Shipments: []app.Shipment{sh}})
	return sh
}

// TestReceiveByScanningWithAShortfall: the parcel's label opens its
// receipt, a burst of part scans counts each scan once, the review says
// what is short in words, and the confirmed receipt is a shipment.receive
// of what was counted, which enters the van's stock.
func TestReceiveByScanningWithAShortfall(t *testing.T) {
	s := newSupplyWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	parts := s.missingParts(t, tk.Product.Model, 3)
	a, b, stray := parts[0], parts[1], parts[2]
	already := s.incoming(t) // the demo's parcels on their way to the van
	sh := s.inTransit(t, "ship-7", "SF900001", app.ShipmentLine{Part: a.Number, Qty: 4}, app.ShipmentLine{Part: b.Number, Qty: 1})
	s.term.ShowOnWay()
	if got, want := s.term.OnWayTitle(), fmt.Sprintf("On the way (%d)", already+1); got != want {
		t.Errorf("tab title %q, want %q: the count of parcels to me", got, want)
	}
	page := labels(s.term.OnWayPage())
	if !strings.Contains(page, "SF Express SF900001 · from ") || !strings.Contains(page, "5 parts") {
		t.Fatalf("the page does not list the parcel:\n%s", page)
	}

	scanKeys(s.w, s.kb, "sf900001") // the tracking number, as a courier's barcode gives it
	if !s.term.Receiving() {
		t.Fatalf("scanning the tracking number opened no receipt; scan bar %q", s.term.ScanStatus())
	}
	dlg := s.w.Canvas().Overlays().Top()
	// Three of the four a's come out of the box, scanned in one burst,
	// and a part that is not in the parcel.
	for range 3 {
		scanKeys(s.w, s.kb, partLabelText(t, a.Number))
	}
	scanKeys(s.w, s.kb, partLabelText(t, stray.Number))
	text := labels(dlg)
	// The stray part is named as the technician knows it, once the
	// catalog answers (the lead's walk: "0060755848D" alone), and so are
	// the scans the scan bar reports.
	stray1 := stray.NameEN + " (" + string(stray.Number) + ")\n1 counted · not in this shipment"
	for _, want := range []string{"3 of 4 counted", "0 of 1 counted", stray1} {
		if !strings.Contains(text, want) {
			t.Errorf("the count lacks %q:\n%s", want, text)
		}
	}
	if want := "Scanned " + stray.NameEN + " (" + string(stray.Number) + "): not in this shipment, counted apart."; s.term.ScanStatus() != want {
		t.Errorf("scan bar %q, want %q", s.term.ScanStatus(), want)
	}
	tapButton(t, dlg, "Review")
	review := s.w.Canvas().Overlays().Top()
	text = labels(review)
	for _, want := range []string{
		a.NameEN + " (" + string(a.Number) + "): 3 of 4 arrived, 1 missing.",
		b.NameEN + " (" + string(b.Number) + "): 0 of 1 arrived, 1 missing.",
		stray.NameEN + " (" + string(stray.Number) + "): 1 arrived but is not in this shipment.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the review lacks %q:\n%s", want, text)
		}
	}
	tapButton(t, review, "Back to counting")
	if len(s.pending(t, "shipment.receive")) != 0 {
		t.Fatal("going back to counting saved the receipt")
	}
	before := vanStock(t, s.deps)
	tapButton(t, dlg, "Review")
	tapButton(t, s.w.Canvas().Overlays().Top(), "Confirm receipt")

	got := s.pending(t, "shipment.receive")
	if len(got) != 1 {
		t.Fatalf("outbox holds %d shipment.receive, want 1", len(got))
	}
	rc := got[0].(*app.ReceiveShipment)
	want := []app.ReceiptLine{{Part: a.Number, Qty: 3}, {Part: stray.Number, Qty: 1}}
	if rc.Shipment != sh.ID || !slices.Equal(rc.Receipt.Lines, want) {
		t.Fatalf("receipt %s %+v, want %+v", rc.Shipment, rc.Receipt.Lines, want)
	}
	after := vanStock(t, s.deps)
	if after[a.Number]-before[a.Number] != 3 || after[b.Number] != before[b.Number] || after[stray.Number]-before[stray.Number] != 1 {
		t.Fatalf("van balance changed by a %d, b %d, stray %d", after[a.Number]-before[a.Number], after[b.Number]-before[b.Number], after[stray.Number]-before[stray.Number])
	}
	if s.term.Receiving() {
		t.Error("the receive dialog is still open")
	}
	page = labels(s.term.OnWayPage())
	if strings.Contains(page, "SF Express SF900001 · from ") || !strings.Contains(page, "SF Express SF900001 · received ") || !strings.Contains(page, "3 differences reported") {
		t.Errorf("the page after receiving:\n%s", page)
	}
	if already == 0 && !strings.Contains(page, "Nothing is on its way to you.") {
		t.Errorf("nothing else was on its way, yet the page does not say so:\n%s", page)
	}
	title := "On the way"
	if already > 0 {
		title = fmt.Sprintf("On the way (%d)", already)
	}
	if got := s.term.OnWayTitle(); got != title {
		t.Errorf("tab title %q after receiving, want %q", got, title)
	}
}

// TestScannerBurstCountsEveryScanOnce: scans of the same label in one fast
// burst each count one, up to the line's bound.
func TestScannerBurstCountsEveryScanOnce(t *testing.T) {
	for _, n := range []int{1, 2, 7, 25} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := newSupplyWorld(t)
			part := s.ds.Parts[0]
			s.inTransit(t, "ship-b", "TRK-B", app.ShipmentLine{Part: part.Number, Qty: 10})
			s.term.ShowOnWay()
			scanKeys(s.w, s.kb, "TRK-B")
			dlg := s.w.Canvas().Overlays().Top()
			code := partLabelText(t, part.Number)
			s.kb.clock = s.kb.clock.Add(time.Second)
			s.kb.step = 5 * time.Millisecond
			for range n {
				// No pause between scans: the scanner's keys run on.
				for _, r := range code {
					s.w.Canvas().OnTypedRune()(r)
				}
				press(s.w, fyne.KeyReturn)
			}
			if want := fmt.Sprintf("%d of 10 counted", n); !strings.Contains(labels(dlg), want) {
				t.Fatalf("after %d scans, want %q:\n%s", n, want, labels(dlg))
			}
		})
	}
}

// TestReceiveByAUnitsOwnSerial: a serialized unit often carries only its
// maker's serial sticker; scanning it counts the parcel's line of that
// serial, not a stray part named by the serial (the lead's Portuguese walk:
// "SIBRI6A3ZX5P0Y 1 counted · not in this shipment").
func TestReceiveByAUnitsOwnSerial(t *testing.T) {
	s := newSupplyWorld(t)
	part := s.ds.Parts[0]
	s.inTransit(t, "ship-s", "TRK-S", app.ShipmentLine{Part: part.Number, Qty: 1, Serial: "SN-AB12CD"},
		app.ShipmentLine{Part: part.Number, Qty: 1, Serial: "SN-EF34GH"})
	s.term.ShowOnWay()
	scanKeys(s.w, s.kb, "TRK-S")
	dlg := s.w.Canvas().Overlays().Top()
	scanKeys(s.w, s.kb, "sn-ef34gh") // a scanner in lower case
	text := labels(dlg)
	if strings.Contains(text, "not in this shipment") || strings.Count(text, "1 of 1 counted") != 1 || strings.Count(text, "0 of 1 counted") != 1 {
		t.Fatalf("the unit's serial did not count its line:\n%s", text)
	}
	// A stray scan taken back with − leaves the count.
	scanKeys(s.w, s.kb, "STRAY-9")
	if !strings.Contains(labels(dlg), "STRAY-9") {
		t.Fatalf("the stray scan is not counted apart:\n%s", labels(dlg))
	}
	walk(dlg, func(o fyne.CanvasObject) {
		row, ok := o.(*fyne.Container)
		if !ok || len(row.Objects) != 2 {
			return
		}
		if l, ok := row.Objects[0].(*widget.Label); ok && strings.HasPrefix(l.Text, "STRAY-9") {
			if bs, ok := row.Objects[1].(*fyne.Container); ok {
				test.Tap(bs.Objects[0].(*widget.Button)) // −
			}
		}
	})
	if text := labels(dlg); strings.Contains(text, "STRAY-9") {
		t.Fatalf("a stray scan taken back to none stays in the count:\n%s", text)
	}
	tapButton(t, dlg, "Review")
	tapButton(t, s.w.Canvas().Overlays().Top(), "Confirm receipt")
	got := s.pending(t, "shipment.receive")
	if len(got) != 1 {
		t.Fatalf("outbox holds %d shipment.receive, want 1", len(got))
	}
	want := []app.ReceiptLine{{Part: part.Number, Qty: 1, Serial: "SN-EF34GH"}}
	if lines := got[0].(*app.ReceiveShipment).Receipt.Lines; !slices.Equal(lines, want) {
		t.Fatalf("receipt %+v, want %+v", lines, want)
	}
}

// TestUnknownParcelSaysWhatToDo: a label no shipment on the device has is
// refused in words, and nothing opens.
func TestUnknownParcelSaysWhatToDo(t *testing.T) {
	s := newSupplyWorld(t)
	s.term.ShowOnWay()
	scanKeys(s.w, s.kb, "NOPE-123")
	if s.term.Receiving() {
		t.Fatal("an unknown parcel opened a receipt")
	}
	if text := labels(s.w.Canvas().Overlays().Top()); !strings.Contains(text, "No shipment on this device has the code NOPE-123. Sync, then scan it again") {
		t.Fatalf("the refusal:\n%s", text)
	}
}

// TestShipBackFromTheDefectiveBin: the bin's parts ship back to a
// warehouse as a return with each unit's serial and ticket; the bin is
// empty after, and the shipment shows as sent back.
func TestShipBackFromTheDefectiveBin(t *testing.T) {
	s := newSupplyWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	_, bin := myBins(t, s.deps)
	inBin, units := map[app.PartNumber]int{}, 0
	bal, err := s.deps.Parts.Balances(t.Context(), bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bal {
		inBin[b.Part] = b.Qty
		units += max(b.Qty, 0)
	}
	var part app.Part
	for _, p := range s.ds.Parts {
		if inBin[p.Number] == 0 {
			part = p
			break
		}
	}
	units += 2
	for _, serial := range []string{"DEF-1", "DEF-2"} {
		if _, err := s.deps.Commit.Commit(t.Context(), s.deps.Actor, &app.ReturnDefective{Movement: app.StockMovement{ID: app.NewID(), Part: part.Number, To: bin,
			Qty: 1, Serial: serial, Ticket: tk.ID, Reason: tk.Number}}); err != nil {
			t.Fatal(err)
		}
	}
	s.term.ShowParts("defective", "")
	tapButton(t, s.term.Object(), "Ship back…")
	dlg := s.w.Canvas().Overlays().Top()
	if text := labels(dlg); !strings.Contains(text, string(part.Number)+") · 2 in the bin") {
		t.Fatalf("the ship-back dialog:\n%s", text)
	}
	// The device knows every warehouse of the tenant: the form offers the
	// one the van's parts came from (the demo's parcels come from one),
	// and shipping with none chosen asks for one.
	van, _ := myBins(t, s.deps)
	sources := map[string]bool{"": true} // none, when no parcel came
	locs, err := s.deps.Parts.Locations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range s.ds.Shipments {
		for _, l := range locs {
			if sh.Kind == app.ShipmentSupply && sh.To == van && l.ID == sh.From {
				sources[l.Name] = true
			}
		}
	}
	walk(dlg, func(o fyne.CanvasObject) {
		if sel, ok := o.(*widget.Select); ok {
			if !sources[sel.Selected] {
				t.Errorf("the form offers %q, where the van's parts never came from", sel.Selected)
			}
			sel.ClearSelected()
		}
	})
	tapButton(t, dlg, "Ship back")
	if text := labels(s.w.Canvas().Overlays().Top()); !strings.Contains(text, "Choose the warehouse to ship the parts to") {
		t.Fatalf("shipping with no warehouse chosen:\n%s", text)
	}
	press(s.w, fyne.KeyEscape)
	walk(dlg, func(o fyne.CanvasObject) {
		if sel, ok := o.(*widget.Select); ok {
			sel.SetSelected("华东中心仓 Shanghai Central Warehouse")
		}
	})
	typeInto(t, dlg, "Courier", "DHL")
	typeInto(t, dlg, "courier's label", "JD0001")
	tapButton(t, dlg, "Ship back")
	confirm := s.w.Canvas().Overlays().Top()
	if text := labels(confirm); !strings.Contains(text, fmt.Sprint(units, " parts leave your defective bin for ")) {
		t.Fatalf("the confirmation:\n%s", text)
	}
	tapButton(t, confirm, "Keep in the bin")
	if len(s.pending(t, "shipment.send")) != 0 {
		t.Fatal("kept in the bin, yet shipped")
	}
	tapButton(t, dlg, "Ship back")
	tapButton(t, s.w.Canvas().Overlays().Top(), "Ship back")
	got := s.pending(t, "shipment.send")
	if len(got) != 1 {
		t.Fatalf("outbox holds %d shipment.send, want 1", len(got))
	}
	sh := got[0].(*app.SendShipment).Shipment
	if sh.Kind != app.ShipmentReturn || sh.From != bin || sh.To != "wh-cn" || sh.Carrier != "DHL" || sh.Tracking != "JD0001" {
		t.Fatalf("shipment %+v", sh)
	}
	var serials []string
	shipped := 0
	for _, l := range sh.Lines {
		shipped += l.Qty
		if l.Part != part.Number {
			continue
		}
		serials = append(serials, l.Serial)
		if l.Qty != 1 || l.Ticket != tk.ID {
			t.Errorf("line %+v", l)
		}
	}
	slices.Sort(serials)
	if shipped != units {
		t.Errorf("%d units shipped, the bin held %d", shipped, units)
	}
	if !slices.Equal(serials, []string{"DEF-1", "DEF-2"}) {
		t.Errorf("serials %v", serials)
	}
	if bal, err = s.deps.Parts.Balances(t.Context(), bin); err != nil {
		t.Fatal(err)
	}
	for _, b := range bal {
		if b.Qty > 0 {
			t.Errorf("the bin still holds %d of %s", b.Qty, b.Part)
		}
	}
	s.term.ShowOnWay()
	if page := labels(s.term.OnWayPage()); !strings.Contains(page, "DHL JD0001 · to ") {
		t.Fatalf("the return is not shown as sent back:\n%s", page)
	}
}

// myBins are the demo technician's van and defective bin.
func myBins(t *testing.T, deps ui.Deps) (van, bin app.LocationID) {
	t.Helper()
	locs, err := deps.Parts.Locations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locs {
		if l.Owner == string(deps.Technician) && l.Kind == app.LocationDefective {
			bin = l.ID
		}
	}
	if bin == "" {
		t.Fatal("no defective bin of the demo technician")
	}
	return demoVan, bin
}

// TestLoadListSumsTheTicketsAhead: what to load for the next days sums
// the likely parts of their tickets, less what the van holds, and a line
// opens its tickets.
func TestLoadListSumsTheTicketsAhead(t *testing.T) {
	s := newSupplyWorld(t)
	today := time.Date(2026, 6, 18, 0, 0, 0, 0, time.Local)
	var ahead []app.Ticket
	for _, d := range s.ds.Tickets {
		tk := d.Ticket
		if tk.Technician == s.deps.Technician && tk.Status.Open() && !tk.WindowStart.Before(today) && tk.WindowStart.Before(today.AddDate(0, 0, 3)) {
			ahead = append(ahead, tk)
		}
	}
	if len(ahead) < 2 {
		t.Fatalf("the demo technician has %d tickets in the next 3 days, want 2", len(ahead))
	}
	var lacks []app.Part
	stock := vanStock(t, s.deps)
	for _, p := range s.ds.Parts {
		if stock[p.Number] == 0 && p.NameEN != "" {
			lacks = append(lacks, p)
			break
		}
	}
	s.pull(t, app.Dataset{LikelyParts: []app.LikelyParts{
		{Ticket: ahead[0].ID, At: s.now, Parts: []app.LikelyPart{{Part: lacks[0].Number, Probability: 0.7, Basis: app.BasisModel, Support: 30}}},
		{Ticket: ahead[1].ID, At: s.now, Parts: []app.LikelyPart{{Part: lacks[0].Number, Probability: 0.5, Basis: app.BasisModel, Support: 30}}},
	}})
	s.term.ShowOnWay()
	tapButton(t, s.term.OnWayPage(), "What to load")
	s.term.SetLoadRange(2) // the next 3 days
	rows, status := s.term.LoadListShown()
	text := labels(rows)
	want := fmt.Sprintf("Load 2 · 0 in the van · expected 1.2 · %s, %s", ahead[0].Number, ahead[1].Number)
	if !strings.Contains(text, lacks[0].NameEN) || !strings.Contains(text, want) {
		t.Fatalf("tomorrow's list lacks %q:\n%s", want, text)
	}
	if !strings.HasPrefix(status, "2 parts to load into Van ") {
		t.Errorf("status %q", status)
	}
	tapButton(t, rows, "")
	pick := s.w.Canvas().Overlays().Top()
	tapButton(t, pick, ahead[1].Number)
	if shown := labels(s.term.Detail().Object()); !strings.Contains(shown, ahead[1].Number) {
		t.Fatalf("the line did not open its ticket:\n%s", shown)
	}
}

// TestWaitingTicketSaysWhenItsPartsArrived: a ticket waiting for parts
// says "parts arrived" in the list and on the ticket once every request
// still wanted arrived in full, and not before, with the step that takes
// it up: a visit (the demo technician's are visits) is planned and goes
// back out by "On my way", a carry-in resumes by "Resume work", the
// button the card pins.
func TestWaitingTicketSaysWhenItsPartsArrived(t *testing.T) {
	const (
		visitBadge = "parts arrived: plan the visit"
		visitLine  = "Parts arrived: agree a time with the customer, then tap “On my way” as you leave."
		benchBadge = "parts arrived: resume"
		benchLine  = "Parts arrived: tap “Resume work” to carry on with the repair."
	)
	cases := []struct {
		name          string
		kind          app.TicketKind
		states        []app.RequestState
		badge, line   string // "" when the parts have not all arrived
		pinned, other string // the pinned step, and one a line must not name
	}{
		{"all arrived", app.KindOnSite, []app.RequestState{app.RequestReceived, app.RequestReceived}, visitBadge, visitLine, "On my way", benchBadge},
		{"one arrived, one rejected", app.KindOnSite, []app.RequestState{app.RequestReceived, app.RequestRejected}, visitBadge, visitLine, "On my way", benchBadge},
		{"one still shipped", app.KindOnSite, []app.RequestState{app.RequestReceived, app.RequestShipped}, "", "", "On my way", "parts arrived"},
		{"short", app.KindOnSite, []app.RequestState{app.RequestShort}, "", "", "On my way", "parts arrived"},
		{"only cancelled", app.KindOnSite, []app.RequestState{app.RequestCancelled}, "", "", "On my way", "parts arrived"},
		{"carry-in, all arrived", app.KindCarryIn, []app.RequestState{app.RequestReceived}, benchBadge, benchLine, "Resume work", visitBadge},
		{"carry-in, one still shipped", app.KindCarryIn, []app.RequestState{app.RequestShipped}, "", "", "Resume work", "parts arrived"},
		// A list row written before rows kept the kind (kindless)
		// says only that the parts arrived; the card reads the ticket.
		{"visit, an older list row", "", []app.RequestState{app.RequestReceived}, "parts arrived", visitLine, "On my way", "parts arrived:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var edit func(*ui.Deps)
			if c.kind == "" {
				edit = func(d *ui.Deps) { d.Tickets = kindless{d.Tickets} }
			}
			s := newSupplyWorldWith(t, time.Local, edit)
			var tk app.Ticket
			if c.kind != app.KindCarryIn {
				tk = workingTicket(t, s.term, s.ds, s.deps)
			} else {
				tk = carryIn(t, s.ds, s.deps, 1)
				commitAll(t, s.deps, s.deps.Actor, &app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch})
			}
			if want := cmp.Or(c.kind, app.KindOnSite); tk.Kind != want {
				t.Fatalf("ticket %s is a %s, not a %s", tk.Number, tk.Kind, want)
			}
			if _, err := s.deps.Commit.Commit(t.Context(), s.deps.Actor, &app.TransitionTicket{Action: app.ActionWait, Ticket: tk.ID, Epoch: tk.Epoch, Reason: "needs parts"}); err != nil {
				t.Fatal(err)
			}
			part := s.ds.Parts[0]
			var reqs []app.PartRequest
			for i, st := range c.states {
				r := app.PartRequest{ID: fmt.Sprint("r", i), Ticket: tk.ID, Part: part.Number, Qty: 1, Urgency: app.UrgencyNormal, To: demoVan, At: s.now, State: st, Reason: "why"}
				if st == app.RequestReceived {
					r.Received = 1
				}
				if st == app.RequestShipped {
					r.Shipment = "ship-x"
				}
				reqs = append(reqs, r)
			}
			s.pull(t, app.Dataset{PartRequests: reqs})
			s.term.List().SetQuery(tk.Number)
			rows := strings.Join(s.term.List().Rows(), "\n")
			if !strings.Contains(rows, tk.Number) {
				t.Fatalf("ticket %s not listed:\n%s", tk.Number, rows)
			}
			if c.badge != "" && !strings.Contains(rows, " · "+c.badge) || c.badge == "" && strings.Contains(rows, "parts arrived") ||
				strings.Contains(rows, c.other) {
				t.Errorf("list row, want the badge %q:\n%s", c.badge, rows)
			}
			// Right after the status: a row too long for its width is cut
			// at its end, where the time left and the rest stand.
			if c.badge != "" && !strings.Contains(rows, "Waiting for parts · "+c.badge) {
				t.Errorf("list row, want the badge %q right after the status:\n%s", c.badge, rows)
			}
			s.term.Detail().Show(tk.ID)
			shown := labels(s.term.Detail().Object())
			if c.line != "" && !strings.Contains(shown, c.line) || c.line == "" && strings.Contains(shown, "Parts arrived") {
				t.Errorf("ticket card, want the line %q:\n%s", c.line, shown)
			}
			// The line names the button the card pins, out of the cards.
			detail := s.term.Detail().Object()
			if b := button(detail, c.pinned); b == nil || under(cardsScroll(t, detail), b) || b.Importance != widget.HighImportance {
				t.Errorf("%q is not the pinned step", c.pinned)
			}
		})
	}
}

// kindless lists tickets as rows written before rows kept the kind read.
type kindless struct{ app.TicketService }

func (k kindless) ListTickets(ctx context.Context, f app.TicketFilter) (app.TicketList, error) {
	l, err := k.TicketService.ListTickets(ctx, f)
	for i := range l.Rows {
		l.Rows[i].Kind = ""
	}
	return l, err
}

// TestGoldenSupplyScreens pins the markup of the screens of parts that
// arrive: a ticket with its requests and likely parts, the parts on the
// way page, a receipt being counted, and the page on a phone.
func TestGoldenSupplyScreens(t *testing.T) {
	s := newSupplyWorldIn(t, time.UTC) // pinned: the files match on any machine
	tk := workingTicket(t, s.term, s.ds, s.deps)
	parts := s.missingParts(t, tk.Product.Model, 3)
	s.pull(t, app.Dataset{
		PartRequests: []app.PartRequest{
			{ID: "req-a", Ticket: tk.ID, Part: parts[0].Number, Qty: 1, Urgency: app.UrgencyUrgent, To: demoVan, At: s.now, State: app.RequestShipped, Shipment: "ship-g"},
			{ID: "req-b", Ticket: tk.ID, Part: parts[1].Number, Qty: 2, Urgency: app.UrgencyNormal, To: demoVan, At: s.now, State: app.RequestRequested, Note: "for the second unit"},
		},
		LikelyParts: []app.LikelyParts{{Ticket: tk.ID, At: s.now, Parts: []app.LikelyPart{{Part: parts[2].Number, Probability: 0.62, Basis: app.BasisModelSymptom, Support: 40}}}},
	})
	s.inTransit(t, "ship-g", "SF900777", app.ShipmentLine{Part: parts[0].Number, Qty: 1, Request: "req-a", Ticket: tk.ID})
	s.term.Detail().Show(tk.ID)
	test.AssertRendersToMarkup(t, "ticket_supply_desktop.xml", s.w.Canvas())

	s.term.ShowOnWay()
	test.AssertRendersToMarkup(t, "onway_desktop.xml", s.w.Canvas())

	scanKeys(s.w, s.kb, "SF900777")
	test.AssertRendersToMarkup(t, "receive_desktop.xml", s.w.Canvas())
	press(s.w, fyne.KeyEscape)

	s.w.Resize(fyne.NewSize(720, 1280))
	test.AssertRendersToMarkup(t, "onway_phone.xml", s.w.Canvas())
}

// TestReceivingWithNoTicketOpenLeavesThePaneAlone: work saved from the
// parts-on-the-way page with no ticket open reloaded the empty ticket pane
// as a ticket that had left the device.
func TestReceivingWithNoTicketOpenLeavesThePaneAlone(t *testing.T) {
	s := newSupplyWorld(t)
	part := s.ds.Parts[0]
	s.inTransit(t, "ship-n", "TRK-N", app.ShipmentLine{Part: part.Number, Qty: 1})
	s.term.ShowOnWay()
	scanKeys(s.w, s.kb, "TRK-N")
	scanKeys(s.w, s.kb, partLabelText(t, part.Number))
	tapButton(t, s.w.Canvas().Overlays().Top(), "Review")
	tapButton(t, s.w.Canvas().Overlays().Top(), "Confirm receipt")
	if len(s.pending(t, "shipment.receive")) != 1 {
		t.Fatal("the receipt was not saved")
	}
	if shown := labels(s.term.Detail().Object()); !strings.Contains(shown, "Select a ticket to see its details.") {
		t.Fatalf("the empty ticket pane now says:\n%s", shown)
	}
}

// TestLikelyPartsOnlyWhileTheWorkIsOn: a completed, closed or cancelled
// ticket needs no guess at its parts: the likely parts leave its card,
// while its part requests stay listed; an open ticket, waiting or in
// progress, keeps both.
func TestLikelyPartsOnlyWhileTheWorkIsOn(t *testing.T) {
	s := newSupplyWorld(t)
	part := s.ds.Parts[0]
	for _, tc := range []struct {
		status     app.Status
		wantLikely bool
	}{
		{app.StatusInProgress, true},
		{app.StatusWaitingParts, true},
		{app.StatusCompleted, false},
		{app.StatusClosed, false},
		{app.StatusCancelled, false},
	} {
		t.Run(string(tc.status), func(t *testing.T) {
			var tk app.Ticket
			for _, d := range s.ds.Tickets {
				if d.Ticket.Technician == demo.DemoTechnician && d.Ticket.Status == tc.status {
					tk = d.Ticket
					break
				}
			}
			if tk.ID == "" {
				t.Fatalf("the demo technician has no %s ticket", tc.status)
			}
			s.pull(t, app.Dataset{
				LikelyParts:  []app.LikelyParts{{Ticket: tk.ID, At: s.now, Parts: []app.LikelyPart{{Part: part.Number, Probability: 0.62, Basis: app.BasisModelSymptom, Support: 40}}}},
				PartRequests: []app.PartRequest{{ID: app.NewID(), Ticket: tk.ID, Part: part.Number, Qty: 2, Urgency: app.UrgencyNormal, To: demoVan, State: app.RequestRequested, At: s.now}},
			})
			s.term.Detail().Show(tk.ID)
			shown := labels(s.term.Detail().Object())
			if got := strings.Contains(shown, "Likely needed") || strings.Contains(shown, "likely, 62%"); got != tc.wantLikely {
				t.Errorf("%s ticket: likely parts listed %v, want %v:\n%s", tc.status, got, tc.wantLikely, shown)
			}
			if !strings.Contains(shown, "Part requests") || !strings.Contains(shown, "("+string(part.Number)+") × 2") {
				t.Errorf("%s ticket: the part requests card or its request is gone:\n%s", tc.status, shown)
			}
		})
	}
}

// TestWaitWithoutRequestQuestionFitsAPhone: the question Wait for parts
// asks with no request on its way, its text the longest of the step's,
// reaches past no edge of a 360 dp phone in every language, its choices
// one under the other.
func TestWaitWithoutRequestQuestionFitsAPhone(t *testing.T) {
	for _, code := range []string{"en", "zh-Hans", "fr", "es", "pt"} {
		t.Run(code, func(t *testing.T) {
			inLanguage(t, code)
			s := newSupplyWorld(t)
			workingTicket(t, s.term, s.ds, s.deps)
			tapButton(t, s.term.Detail().Object(), lang.X("action.wait_parts", "Wait for parts"))
			onSmallPhone(s.w)
			for _, p := range pastTheEdge(s.w) {
				t.Error(p)
			}
			shoot(t, s.w, "wait-no-request-"+code+"-360")
			s.w.Resize(fyne.NewSize(720, 1280))
			shoot(t, s.w, "wait-no-request-"+code+"-720")
			s.w.Resize(fyne.NewSize(1920, 1080))
			shoot(t, s.w, "wait-no-request-"+code+"-1920")
		})
	}
}
