package ui_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/ui"
)

// demoVan is the demo technician's van.
const demoVan app.LocationID = "van-tech-demo"

// workingTicket starts work on an assigned ticket of the demo technician
// and opens it: the ticket parts are fitted to.
func workingTicket(t *testing.T, term *ui.Terminal, ds app.Dataset, deps ui.Deps) app.Ticket {
	t.Helper()
	var tk app.Ticket
	for _, d := range ds.Tickets {
		if d.Ticket.Technician == demo.DemoTechnician && d.Ticket.Status == app.StatusAssigned && d.Ticket.Product.Model != "" {
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
		if _, err := deps.Commit.Commit(context.Background(), deps.Actor, &app.TransitionTicket{Action: a, Ticket: tk.ID, Epoch: tk.Epoch}); err != nil {
			t.Fatal(err)
		}
	}
	term.Detail().Show(tk.ID)
	return ticketNow(t, deps, tk.ID).Ticket
}

// vanStock is the quantity of each part in the demo van.
func vanStock(t *testing.T, deps ui.Deps) map[app.PartNumber]int {
	t.Helper()
	bal, err := deps.Parts.Balances(context.Background(), demoVan)
	if err != nil {
		t.Fatal(err)
	}
	out := map[app.PartNumber]int{}
	for _, b := range bal {
		out[b.Part] = b.Qty
	}
	return out
}

// partNotInVan is the first part of ds the demo van holds none of.
func partNotInVan(t *testing.T, ds app.Dataset, deps ui.Deps) app.Part {
	t.Helper()
	stock := vanStock(t, deps)
	for _, p := range ds.Parts {
		if stock[p.Number] == 0 {
			return p
		}
	}
	t.Fatal("every part of the world is in the van")
	return app.Part{}
}

// openPicker taps Add part on the open ticket and returns the dialog.
func openPicker(t *testing.T, term *ui.Terminal, w fyne.Window) fyne.CanvasObject {
	t.Helper()
	tapButton(t, term.Detail().Object(), "Add part")
	if term.PickerShown() == nil {
		t.Fatal("no add-part dialog")
	}
	return w.Canvas().Overlays().Top()
}

func check(t *testing.T, o fyne.CanvasObject, text string) *widget.Check {
	t.Helper()
	var found *widget.Check
	walk(o, func(c fyne.CanvasObject) {
		if ch := ui.CheckOf(c); ch != nil && ch.Text == text && found == nil {
			found = ch
		}
	})
	if found == nil {
		t.Fatalf("no check box %q", text)
	}
	return found
}

// TestOnlyMyStockFindsTheVansPart: "Only parts in my stock" listed
// nothing when the query matched parts of the ticket's model that the van
// lacks and the van's matching part was listed for another model: the
// model's results hid the rest of the catalog, and only then was the
// stock filter applied.
func TestOnlyMyStockFindsTheVansPart(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	ctx := context.Background()
	tk := workingTicket(t, term, ds, deps)
	stock := vanStock(t, deps)
	// A part in the van, not for this model, whose name also matches a
	// part of the model that the van does not hold.
	var want app.Part
	var query string
	for _, b := range slices.Sorted(func(yield func(app.PartNumber) bool) {
		for n := range stock {
			if !yield(n) {
				return
			}
		}
	}) {
		p, err := deps.Parts.Part(ctx, b)
		if err != nil || stock[b] <= 0 || p.Fits(tk.Product.Model) {
			continue
		}
		for _, q := range []string{p.NameEN, strings.Fields(p.NameEN)[0]} {
			ofModel, err := deps.Parts.FindParts(ctx, app.PartFilter{Query: q, Model: tk.Product.Model})
			if err != nil {
				t.Fatal(err)
			}
			if len(ofModel) > 0 && !slices.ContainsFunc(ofModel, func(x app.Part) bool { return stock[x.Number] > 0 }) {
				want, query = p, q
				break
			}
		}
		if query != "" {
			break
		}
	}
	if query == "" {
		t.Fatalf("the demo van holds no part that shows the bug for model %s", tk.Product.Model)
	}
	dlg := openPicker(t, term, w)
	test.Tap(check(t, dlg, "Only parts in my stock"))
	typeInto(t, dlg, "Part number", query)
	shown := term.PickerShown()
	if !slices.ContainsFunc(shown, func(s string) bool { return strings.HasPrefix(s, string(want.Number)+" ") }) {
		t.Fatalf("only my stock, %q: %v; the van holds %s %q", query, shown, want.Number, want.NameEN)
	}
	for _, s := range shown {
		if strings.Contains(s, " · 0 in ") {
			t.Errorf("only my stock lists a part the van lacks: %s", s)
		}
	}
}

// TestPickerPutsStockFirstAndSaysWhatTheModelHides: with nothing typed the
// dialog lists the model's parts, those in the van first with their
// quantity, and a button names how many parts of the van it leaves out as
// not for this model; tapping it shows them.
func TestPickerPutsStockFirstAndSaysWhatTheModelHides(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	ctx := context.Background()
	tk := workingTicket(t, term, ds, deps)
	stock := vanStock(t, deps)
	notForModel := 0
	for n, qty := range stock {
		p, err := deps.Parts.Part(ctx, n)
		if err == nil && qty > 0 && !p.Fits(tk.Product.Model) {
			notForModel++
		}
	}
	openPicker(t, term, w)
	shown := term.PickerShown()
	if len(shown) == 0 {
		t.Fatal("nothing listed for the ticket's model")
	}
	held := func(line string) bool {
		n, _, _ := strings.Cut(line, " · ")
		return stock[app.PartNumber(n)] > 0
	}
	if !held(shown[0]) {
		t.Errorf("the first part is not in the van: %v", shown)
	}
	for i := 1; i < len(shown); i++ {
		if held(shown[i]) && !held(shown[i-1]) {
			t.Errorf("a part in the van after one that is not: %q after %q", shown[i], shown[i-1])
		}
	}
	for _, line := range shown {
		n, _, _ := strings.Cut(line, " · ")
		if want := fmt.Sprintf(" · %d in stock", stock[app.PartNumber(n)]); !strings.HasSuffix(line, want) {
			t.Errorf("line %q does not say %q", line, want)
		}
	}
	if notForModel == 0 {
		t.Fatal("the demo van holds only parts of this model")
	}
	if want := fmt.Sprintf("%d more parts not for this model: show all", notForModel); term.PickerHidden() != want {
		t.Fatalf("hidden button %q, want %q", term.PickerHidden(), want)
	}
	term.TapPickerHidden()
	if got := len(term.PickerShown()); got != len(shown)+notForModel {
		t.Errorf("show all lists %d parts, want %d", got, len(shown)+notForModel)
	}
	if term.PickerHidden() != "" {
		t.Errorf("after show all the button still says %q", term.PickerHidden())
	}
}

// TestPickerSaysWhenNothingListedIsForTheModel: a search that finds only
// parts not listed for the ticket's model shows them rather than nothing,
// and says so above them; a part of the model found takes the warning
// away.
func TestPickerSaysWhenNothingListedIsForTheModel(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	tk := workingTicket(t, term, ds, deps)
	var other, fits app.Part
	for _, p := range ds.Parts {
		switch {
		case other.Number == "" && !p.Fits(tk.Product.Model) && !strings.Contains(string(p.Number), " "):
			other = p
		case fits.Number == "" && p.Fits(tk.Product.Model):
			fits = p
		}
	}
	if other.Number == "" || fits.Number == "" {
		t.Fatalf("the demo catalog lacks a part for %s or one not for it", tk.Product.Model)
	}
	dlg := openPicker(t, term, w)
	if got := term.PickerNoneFit(); got != "" {
		t.Errorf("the model's own parts listed, yet the dialog warns %q", got)
	}
	typeInto(t, dlg, "Part number", string(other.Number))
	if shown := term.PickerShown(); len(shown) == 0 || !strings.HasPrefix(shown[0], string(other.Number)) {
		t.Fatalf("searching %s, a part not for the model, lists %v", other.Number, shown)
	}
	if got, want := term.PickerNoneFit(), "is listed for "+tk.Product.Model; !strings.Contains(got, want) {
		t.Errorf("only a part not for the model listed: the warning says %q, want it to say %q", got, want)
	}
	typeInto(t, dlg, "Part number", string(fits.Number))
	if got := term.PickerNoneFit(); got != "" {
		t.Errorf("a part of the model found, yet the dialog warns %q", got)
	}
}

// TestPickerSaysWhenItFindsNothing: a search that finds no part says so
// and what to try (the list stood empty without a word), also with only
// the stock ticked; a search that finds parts takes the words away.
func TestPickerSaysWhenItFindsNothing(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	workingTicket(t, term, ds, deps)
	dlg := openPicker(t, term, w)
	if got := term.PickerNothing(); got != "" {
		t.Errorf("the model's parts listed, yet the dialog says %q", got)
	}
	typeInto(t, dlg, "Part number", "qxzqxz")
	if shown := term.PickerShown(); len(shown) != 0 {
		t.Fatalf("qxzqxz lists %v", shown)
	}
	if got, want := term.PickerNothing(), `No part matches "qxzqxz"`; !strings.Contains(got, want) {
		t.Errorf("nothing found: the dialog says %q, want %q", got, want)
	}
	term.TickPickerOnlyMine(true)
	if got, want := term.PickerNothing(), `Untick "Only parts in my stock"`; !strings.Contains(got, want) {
		t.Errorf("nothing in stock found: the dialog says %q, want %q", got, want)
	}
	term.TickPickerOnlyMine(false)
	typeInto(t, dlg, "Part number", string(ds.Parts[0].Number))
	if got := term.PickerNothing(); got != "" || len(term.PickerShown()) == 0 {
		t.Errorf("searching %s lists %v and says %q", ds.Parts[0].Number, term.PickerShown(), got)
	}
}

// TestFittingAPartNotInTheVanWarns: fitting what the van does not hold is
// asked first, naming the way out; declined, nothing is saved; fitted
// anyway, the van goes below zero and My stock shows it as an error.
// TestPickerBlueButtonFollowsTheVan: the add-part dialog's blue button is
// Fit for a part the van holds and Request for one it holds none of, as
// the part chosen changes.
func TestPickerBlueButtonFollowsTheVan(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	workingTicket(t, term, ds, deps)
	stock := vanStock(t, deps)
	var held, missing app.Part
	for _, p := range ds.Parts {
		switch {
		case held.Number == "" && stock[p.Number] > 0:
			held = p
		case missing.Number == "" && stock[p.Number] == 0:
			missing = p
		}
	}
	dlg := openPicker(t, term, w)
	blue := func() string {
		t.Helper()
		fit, req := button(dlg, "Fit part"), button(dlg, "Not in stock: request it")
		switch {
		case fit.Importance == widget.HighImportance && req.Importance != widget.HighImportance:
			return "fit"
		case req.Importance == widget.HighImportance && fit.Importance != widget.HighImportance:
			return "request"
		}
		return fmt.Sprintf("fit %v, request %v", fit.Importance, req.Importance)
	}
	for _, step := range []struct {
		query, want string
	}{{string(held.Number), "fit"}, {string(missing.Number), "request"}, {string(held.Number), "fit"}} {
		typeInto(t, dlg, "Part number", step.query)
		if got := blue(); got != step.want {
			t.Errorf("%s chosen (%d in the van): blue is %s, want %s", step.query, stock[app.PartNumber(step.query)], got, step.want)
		}
	}
}

func TestFittingAPartNotInTheVanWarns(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	tk := workingTicket(t, term, ds, deps)
	stock := vanStock(t, deps)
	var missing app.Part
	for _, p := range ds.Parts {
		if stock[p.Number] == 0 && !p.ReturnNeeded {
			missing = p
			break
		}
	}
	dlg := openPicker(t, term, w)
	typeInto(t, dlg, "Part number", string(missing.Number))
	// The van is named once, above the results; each row says its
	// quantity only (liveday finding 10).
	if shown := term.PickerShown(); len(shown) != 1 || !strings.HasSuffix(shown[0], " · 0 in stock") || strings.Contains(shown[0], "Van") {
		t.Fatalf("searching %s: %v", missing.Number, shown)
	}
	if heading := labels(dlg); !strings.Contains(heading, "Quantities held in Van ") {
		t.Fatalf("the dialog does not name the van once:\n%s", heading)
	}
	// The part chosen is not in the van: Request is the blue button, not
	// Fit (the lead's Spanish walk).
	if fit, req := button(dlg, "Fit part"), button(dlg, "Not in stock: request it"); fit.Importance == widget.HighImportance || req.Importance != widget.HighImportance {
		t.Errorf("a part the van holds none of: Fit %v, Request %v; want Request blue", fit.Importance, req.Importance)
	}
	tapButton(t, dlg, "Fit part")
	warn := w.Canvas().Overlays().Top()
	name := missing.NameEN // the warning names the part, in English here
	if name == "" {
		name = missing.NameZH
	}
	text := labels(warn)
	for _, want := range []string{"holds 0 of " + name + " (" + string(missing.Number) + ")", "below zero", "Request the part instead"} {
		if !strings.Contains(text, want) {
			t.Errorf("warning lacks %q:\n%s", want, text)
		}
	}
	if b := button(warn, "Fit anyway"); b == nil || b.Importance != widget.DangerImportance {
		t.Errorf("Fit anyway should be a red button: %v", b)
	}
	tapButton(t, warn, "Don't fit")
	if used := ticketNow(t, deps, tk.ID).Parts; len(used) != 0 {
		t.Fatalf("declined, yet fitted: %+v", used)
	}
	if w.Canvas().Overlays().Top() != dlg {
		t.Fatal("declining closed the add-part dialog; the technician could not request the part")
	}
	tapButton(t, dlg, "Fit part")
	tapButton(t, w.Canvas().Overlays().Top(), "Fit anyway")
	if used := ticketNow(t, deps, tk.ID).Parts; len(used) != 1 || used[0].Part != missing.Number {
		t.Fatalf("fitted anyway: %+v", used)
	}
	if term.PickerShown() != nil {
		t.Error("the add-part dialog is still open after fitting")
	}

	term.ShowParts("stock", string(missing.Number))
	lines, danger := term.PartsRows()
	// The row says what to do in words a phone's row holds; the card,
	// a tap away, says why (the row's longer text was cut on a phone).
	if len(lines) != 1 || !danger[0] || !strings.Contains(lines[0], "Quantity -1") || !strings.HasSuffix(lines[0], "Below zero: count it") {
		t.Fatalf("my stock after fitting one not held: %v (error colour %v)", lines, danger)
	}
	if !term.OpenPartCard(string(missing.Number)) {
		t.Fatalf("my stock does not list %s", missing.Number)
	}
	card := w.Canvas().Overlays().Top()
	why := "Below zero: a move not yet reconciled. Count the part; dispatch corrects the stock after sync."
	var said, red bool
	walk(card, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			if l.Text == why {
				said = l.Importance == widget.DangerImportance && l.Wrapping == fyne.TextWrapWord
			}
			if strings.HasSuffix(l.Text, ": -1") {
				red = l.Importance == widget.DangerImportance
			}
		}
	})
	if !said || !red {
		t.Errorf("the part's card does not say in red why its stock is -1 (why %v, count red %v):\n%s", said, red, labels(card))
	}
	term.ShowParts("stock", "")
	lines, danger = term.PartsRows()
	for i, l := range lines {
		if danger[i] != strings.Contains(l, "Below zero") || danger[i] != strings.Contains(l, "Quantity -") {
			t.Errorf("line %q: error colour %v", l, danger[i])
		}
	}
}

// TestPartCardActions: a part scanned while a ticket is in progress can be
// fitted to it or requested for it from its card, and the card leads to
// the technician's own stock of it.
func TestPartCardActions(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	stock := vanStock(t, deps)
	var held, missing app.Part
	for _, p := range ds.Parts {
		switch {
		case held.Number == "" && stock[p.Number] > 0 && !p.ReturnNeeded && !p.Serialized:
			held = p
		case missing.Number == "" && stock[p.Number] == 0:
			missing = p
		}
	}
	// With no ticket open, the card offers the stock only.
	showCard := func(p app.Part) fyne.CanvasObject {
		t.Helper()
		term.ShowParts("catalog", string(p.Number))
		if !term.OpenPartCard(string(p.Number)) {
			t.Fatalf("the catalog does not list %s: %v", p.Number, term.PartsShown())
		}
		return w.Canvas().Overlays().Top()
	}
	card := showCard(held)
	if b := button(card, "My stock of it"); b == nil {
		t.Fatalf("the card has no way to my stock:\n%s", labels(card))
	}
	walk(card, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && (strings.HasPrefix(b.Text, "Fit to") || strings.HasPrefix(b.Text, "Request for")) {
			t.Errorf("%q offered with no ticket in progress", b.Text)
		}
	})
	tapButton(t, card, "My stock of it")
	if lines, _ := term.PartsRows(); len(lines) != 1 || !strings.Contains(lines[0], string(held.Number)) || !strings.Contains(lines[0], fmt.Sprintf("Quantity %d", stock[held.Number])) {
		t.Fatalf("my stock of %s: %v", held.Number, lines)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the card stayed open over my stock")
	}

	tk := workingTicket(t, term, ds, deps)
	card = showCard(held)
	tapButton(t, card, "Fit to "+tk.Number)
	if term.PickerChosen() != string(held.Number) {
		t.Fatalf("fit from the card opened the dialog with %q chosen among %v", term.PickerChosen(), term.PickerShown())
	}
	tapButton(t, w.Canvas().Overlays().Top(), "Fit part")
	if used := ticketNow(t, deps, tk.ID).Parts; len(used) != 1 || used[0].Part != held.Number || used[0].From != demoVan {
		t.Fatalf("fitted from the card: %+v", used)
	}

	card = showCard(missing)
	tapButton(t, card, "Request for "+tk.Number)
	got := ticketNow(t, deps, tk.ID).Ticket
	if got.Status != app.StatusWaitingParts || !strings.Contains(got.StatusReason, string(missing.Number)) {
		t.Fatalf("requested from the card: %s %q", got.Status, got.StatusReason)
	}
}

// TestCatalogShowsItsFirstPage: the catalog lists parts before anything is
// typed, those in the van first, and says when it stops at its limit.
func TestCatalogShowsItsFirstPage(t *testing.T) {
	term, _, _, ds, deps := scanTerminal(t)
	stock := vanStock(t, deps)
	inVan := 0
	for _, q := range stock {
		if q > 0 {
			inVan++
		}
	}
	term.ShowParts("catalog", "")
	shown := term.PartsShown()
	if len(shown) != 200 {
		t.Fatalf("first page: %d parts, want 200 of %d", len(shown), len(ds.Parts))
	}
	for i, line := range shown {
		var n string
		var qty, pending int
		fmt.Sscanf(line, "%s %d %d", &n, &qty, &pending)
		if (i < inVan) != (qty > 0) {
			t.Fatalf("line %d %q: the %d parts in the van come first", i, line, inVan)
		}
	}
	if want := fmt.Sprintf("Showing 200 of %d: type to narrow", len(ds.Parts)); term.PartsStatus() != want {
		t.Errorf("status %q, want %q", term.PartsStatus(), want)
	}
	term.ShowParts("catalog", string(ds.Parts[0].Number))
	if s := term.PartsStatus(); strings.Contains(s, "Showing") || len(term.PartsShown()) == 0 {
		t.Errorf("a narrow search: status %q, %d parts", s, len(term.PartsShown()))
	}
}

// TestPartsPageSaysWhenItFindsNothing: a search of the technician's stock
// that finds nothing says so over the empty list (which stood blank) and
// offers the catalog, which then lists the part; the catalog says what to
// try; with no words typed, nothing is said.
func TestPartsPageSaysWhenItFindsNothing(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	q := string(partNotInVan(t, ds, deps).Number)
	term.ShowParts("stock", q)
	if lines, _ := term.PartsRows(); len(lines) != 0 {
		t.Fatalf("%s is not in the van, yet my stock lists %v", q, lines)
	}
	if got, want := term.PartsNothing(), `Nothing in your stock matches "`+q+`"`; !strings.Contains(got, want) {
		t.Errorf("nothing in the van: the page says %q, want %q", got, want)
	}
	shoot(t, w, "parts-nothing-in-stock")
	if !term.PartsSearchCatalog() {
		t.Fatal(`no "Search the catalog" under the word`)
	}
	if lines, _ := term.PartsRows(); len(lines) == 0 || !strings.Contains(lines[0], q) {
		t.Errorf("the catalog searched for %s lists %v", q, lines)
	}
	if got := term.PartsNothing(); got != "" {
		t.Errorf("the catalog lists the part, yet the page says %q", got)
	}
	term.ShowParts("catalog", "qxzqxz")
	if got, want := term.PartsNothing(), `No part matches "qxzqxz"`; !strings.Contains(got, want) {
		t.Errorf("nothing in the catalog: the page says %q, want %q", got, want)
	}
	if term.PartsSearchCatalog() {
		t.Error(`"Search the catalog" offered in the catalog`)
	}
	term.ShowParts("stock", "")
	if got := term.PartsNothing(); got != "" {
		t.Errorf("no words typed, yet the page says %q", got)
	}
}

// TestDefectiveReturnNamesItsTicket: a part removed on a ticket shows in
// the defective returns with the ticket's number and customer.
func TestDefectiveReturnNamesItsTicket(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	tk := workingTicket(t, term, ds, deps)
	stock := vanStock(t, deps)
	var p app.Part
	for _, x := range ds.Parts {
		if stock[x.Number] > 0 && !x.Serialized {
			p = x
			break
		}
	}
	dlg := openPicker(t, term, w)
	typeInto(t, dlg, "Part number", string(p.Number))
	typeInto(t, dlg, "Serial of the removed part", "OLD-77")
	tapButton(t, dlg, "Fit part")
	term.ShowParts("defective", string(p.Number))
	lines, _ := term.PartsRows()
	if len(lines) != 1 || !strings.Contains(lines[0], "from "+tk.Number+" ("+tk.Customer.Name+")") {
		t.Fatalf("defective returns of %s: %v (want ticket %s of %s)", p.Number, lines, tk.Number, tk.Customer.Name)
	}
}

// TestTypingRunsOneSearchAtATime: keys typed while a catalog search runs
// start none of their own; when it ends its answer is dropped and one
// search runs for the text as it is now.
func TestTypingRunsOneSearchAtATime(t *testing.T) {
	test.NewTempApp(t)
	deps, _ := openDemoWorld(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	var queue []func()
	deps.Run = func(f func()) { queue = append(queue, f) }
	drain := func() (ran int) {
		for len(queue) > 0 {
			f := queue[0]
			queue = queue[1:]
			f()
			ran++
		}
		return ran
	}
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	drain()
	term.ShowParts("catalog", "")
	drain()
	for _, q := range []string{"d", "dr", "dra", "drai", "drain"} {
		term.TypePartsQuery(q)
	}
	if len(queue) != 1 {
		t.Fatalf("5 keys started %d searches, want 1", len(queue))
	}
	if ran := drain(); ran != 2 {
		t.Errorf("%d searches ran, want 2: the first, then one for the latest text", ran)
	}
	want, err := deps.Parts.FindParts(t.Context(), app.PartFilter{Query: "drain", Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	got := term.PartsShown()
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("after typing %q the page shows %d parts, the catalog has %d", "drain", len(got), len(want))
	}
	for _, p := range want {
		if !slices.ContainsFunc(got, func(line string) bool { return strings.HasPrefix(line, string(p.Number)+" ") }) {
			t.Errorf("%s missing from %v", p.Number, got)
		}
	}
}

// TestCatalogSearchSaysWhatItFound: a catalog search that finds more than
// a page says how many it found and asks for more words; "Showing 200 of
// 556: type to narrow" told someone already typing to type (walk4).
func TestCatalogSearchSaysWhatItFound(t *testing.T) {
	test.NewTempApp(t)
	// 250 parts of the catalog share a word, more than a page.
	deps, _, _ := openDemoStoreWith(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local), func(ds *app.Dataset) {
		for i := range ds.Parts[:250] {
			ds.Parts[i].NameEN += " retrofit"
		}
	})
	term := ui.NewTerminal(t.Context(), deps)
	term.Attach(test.NewTempWindow(t, term.Object()))
	term.ShowParts("catalog", "retrofit")
	if got, want := term.PartsStatus(), "250 found, 200 shown: refine the search"; got != want {
		t.Errorf("searching a word 250 parts share: status %q, want %q", got, want)
	}
	term.ShowParts("catalog", "")
	if got := term.PartsStatus(); !strings.HasPrefix(got, "Showing 200 of ") {
		t.Errorf("nothing typed: status %q, want the first page's \"Showing 200 of …: type to narrow\"", got)
	}
}
