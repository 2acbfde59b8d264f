package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/internal/phototest"
	"github.com/fieldbench/fieldbench/ui"
)

// ticketTerminal is scanTerminal with deps changed before the terminal is
// built; now is the store's clock.
func ticketTerminal(t *testing.T, change func(d *ui.Deps)) (*ui.Terminal, fyne.Window, app.Dataset, ui.Deps) {
	t.Helper()
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps, ds := openDemoWorld(t, now)
	kb := &keyboard{clock: now}
	deps.KeyClock = kb.now
	if change != nil {
		change(&deps)
	}
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	return term, w, ds, deps
}

// assignedTicket returns the demo technician's assigned ticket of kind,
// skipping the first skip of them: tests that need several take
// different ones.
func assignedTicket(t *testing.T, ds app.Dataset, kind app.TicketKind, skip int) app.Ticket {
	t.Helper()
	for _, d := range ds.Tickets {
		tk := d.Ticket
		if tk.Technician != demo.DemoTechnician || tk.Kind != kind || tk.Status != app.StatusAssigned || tk.Diagnosis != "" || tk.ResolutionCode != "" {
			continue
		}
		if skip == 0 {
			return tk
		}
		skip--
	}
	t.Fatalf("no assigned %s ticket for the demo technician", kind)
	return app.Ticket{}
}

// carryIn checks in a carry-in for the demo technician as actor (of
// actor's store, if any): the demo gives them on-site visits only.
func carryIn(t *testing.T, ds app.Dataset, deps ui.Deps, n int) app.Ticket {
	t.Helper()
	tk := assignedTicket(t, ds, app.KindOnSite, 0)
	tk.ID, tk.Number = app.TicketID(app.NewID()), fmt.Sprintf("FB-T-%04d", n)
	tk.Product.Serial = fmt.Sprintf("QX%09d", 731000+n)
	tk.Kind, tk.Store, tk.Status, tk.Epoch = app.KindCarryIn, deps.Actor.Store, "", 0
	tk.WindowStart, tk.WindowEnd = time.Time{}, time.Time{}
	commitAll(t, deps, deps.Actor, &app.CreateTicket{Ticket: tk})
	return ticketNow(t, deps, tk.ID).Ticket
}

// commitAll saves cmds as actor, as the technician or dispatch would.
func commitAll(t *testing.T, deps ui.Deps, actor app.Actor, cmds ...app.Command) {
	t.Helper()
	for _, cmd := range cmds {
		if _, err := deps.Commit.Commit(context.Background(), actor, cmd); err != nil {
			t.Fatalf("%T: %v", cmd, err)
		}
	}
}

// manyNotes makes the ticket longer than any window.
func manyNotes(id app.TicketID, n int) []app.Command {
	var cmds []app.Command
	for i := range n {
		cmds = append(cmds, &app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: id, Text: fmt.Sprintf("Visit note %d: customer asked about the warranty again", i+1)}})
	}
	return cmds
}

// cardsScroll is the detail pane's scroll of cards: the outermost scroll.
func cardsScroll(t testing.TB, detail fyne.CanvasObject) *container.Scroll {
	t.Helper()
	var s *container.Scroll
	walk(detail, func(o fyne.CanvasObject) {
		if c, ok := o.(*container.Scroll); ok && s == nil {
			s = c
		}
	})
	if s == nil {
		t.Fatal("the ticket has no scroll of cards")
	}
	return s
}

// under reports whether o is root or drawn inside it.
func under(root, o fyne.CanvasObject) bool {
	found := false
	walk(root, func(c fyne.CanvasObject) { found = found || c == o })
	return found
}

// inWindow reports whether o lies wholly within the window.
func inWindow(w fyne.Window, o fyne.CanvasObject) bool {
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	size, win := o.Size(), w.Canvas().Size()
	return o.Visible() && pos.X >= 0 && pos.Y >= 0 && pos.X+size.Width <= win.Width && pos.Y+size.Height <= win.Height
}

// TestPrimaryActionStaysInView: on a ticket longer than the window, the
// state's next step sits outside the scrolling cards and stays in view
// wherever the cards are scrolled; the exceptions (wait, fail, cancel)
// stay in the cards.
func TestPrimaryActionStaysInView(t *testing.T) {
	term, w, ds, deps := ticketTerminal(t, nil)
	me := deps.Actor
	tests := []struct {
		name    string
		kind    app.TicketKind
		steps   func(tk app.Ticket) []app.Command
		primary string
		inCards []string
	}{
		{name: "OnSiteAssigned", kind: app.KindOnSite, primary: "On my way"},
		{name: "OnSite", kind: app.KindOnSite, primary: "Start work", inCards: []string{"Cannot complete"},
			steps: func(tk app.Ticket) []app.Command {
				return []app.Command{
					&app.TransitionTicket{Action: app.ActionDepart, Ticket: tk.ID, Epoch: tk.Epoch},
					&app.TransitionTicket{Action: app.ActionArrive, Ticket: tk.ID, Epoch: tk.Epoch},
				}
			}},
		{name: "CarryInAssigned", kind: app.KindCarryIn, primary: "Start work"},
		{name: "InProgress", kind: app.KindCarryIn, primary: "Complete", inCards: []string{"Wait for parts", "Cannot complete"},
			steps: func(tk app.Ticket) []app.Command {
				return []app.Command{&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch}}
			}},
		{name: "WaitingParts", kind: app.KindCarryIn, primary: "Resume work",
			steps: func(tk app.Ticket) []app.Command {
				return []app.Command{
					&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
					&app.TransitionTicket{Action: app.ActionWait, Ticket: tk.ID, Epoch: tk.Epoch, Reason: "battery"},
				}
			}},
		// A visit that waited for a part: the next step is the drive back
		// (a second visit); resume stays, for a part that came while the
		// technician was still there.
		{name: "OnSiteWaitingParts", kind: app.KindOnSite, primary: "On my way", inCards: []string{"Resume work", "Cannot complete"},
			steps: func(tk app.Ticket) []app.Command {
				return []app.Command{
					&app.TransitionTicket{Action: app.ActionDepart, Ticket: tk.ID, Epoch: tk.Epoch},
					&app.TransitionTicket{Action: app.ActionArrive, Ticket: tk.ID, Epoch: tk.Epoch},
					&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
					&app.TransitionTicket{Action: app.ActionWait, Ticket: tk.ID, Epoch: tk.Epoch, Reason: "drain pump"},
				}
			}},
		{name: "Completed", kind: app.KindCarryIn, primary: "Hand back and close", inCards: []string{"Reopen"},
			steps: func(tk app.Ticket) []app.Command {
				diag := "battery swollen"
				return []app.Command{
					&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
					&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: "Replaced the battery", Minutes: 20}},
					&app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &diag}},
					&app.TransitionTicket{Action: app.ActionComplete, Ticket: tk.ID, Epoch: tk.Epoch, Resolution: app.ResolutionRepaired},
				}
			}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tk := assignedTicket(t, ds, app.KindOnSite, i)
			if tc.kind == app.KindCarryIn {
				tk = carryIn(t, ds, deps, i)
			}
			cmds := manyNotes(tk.ID, 25)
			if tc.steps != nil {
				cmds = append(cmds, tc.steps(tk)...)
			}
			commitAll(t, deps, me, cmds...)
			term.Detail().Show(tk.ID)
			detail := term.Detail().Object()
			scroll := cardsScroll(t, detail)
			if scroll.Content.MinSize().Height <= scroll.Size().Height {
				t.Fatalf("the ticket is not longer than its pane (%v in %v)", scroll.Content.MinSize(), scroll.Size())
			}
			b := button(detail, tc.primary)
			if b == nil {
				t.Fatalf("no %q button", tc.primary)
			}
			if under(scroll, b) {
				t.Fatalf("%q scrolls with the cards", tc.primary)
			}
			if b.Disabled() || b.Importance != widget.HighImportance {
				t.Errorf("%q: disabled %v, importance %v, want enabled and high", tc.primary, b.Disabled(), b.Importance)
			}
			for _, end := range []func(){scroll.ScrollToTop, scroll.ScrollToBottom} {
				end()
				if !inWindow(w, b) {
					t.Errorf("%q is out of view at %v", tc.primary, fyne.CurrentApp().Driver().AbsolutePositionForObject(b))
				}
			}
			for _, text := range tc.inCards {
				if o := button(detail, text); o == nil || !under(scroll, o) {
					t.Errorf("%q is not among the cards' actions", text)
				}
			}
		})
	}
}

// TestCancelOnlyForWhoMayRedAndConfirmed: a field technician is not
// offered Cancel (dispatch cancels, app.MayCancel); counter staff are,
// as a red secondary action, smaller than the primary on a phone, and
// confirmed with buttons that say what they do.
func TestCancelOnlyForWhoMayRedAndConfirmed(t *testing.T) {
	t.Run("FieldTechnician", func(t *testing.T) {
		term, _, ds, deps := ticketTerminal(t, nil)
		tk := carryIn(t, ds, deps, 0)
		term.Detail().Show(tk.ID)
		if button(term.Detail().Object(), "Start work") == nil {
			t.Fatal("the ticket shows no actions")
		}
		if b := button(term.Detail().Object(), "Cancel ticket"); b != nil {
			t.Fatal("a field technician is offered Cancel ticket")
		}
	})
	t.Run("CounterStaff", func(t *testing.T) {
		term, w, ds, deps := ticketTerminal(t, func(d *ui.Deps) {
			d.Store = "store-counter"
			d.Actor.Store = d.Store
		})
		tk := carryIn(t, ds, deps, 0)
		if !app.MayCancel(deps.Actor, tk) {
			t.Fatal("the counter may not cancel its own carry-in")
		}
		w.Resize(fyne.NewSize(720, 1280))
		term.List().SetQuery(tk.Product.Serial)
		term.List().Select(0)
		detail := term.Detail().Object()
		start, cancel := button(detail, "Start work"), button(detail, "Cancel ticket")
		if start == nil || cancel == nil {
			t.Fatalf("Start work %v, Cancel ticket %v:\n%s", start, cancel, labels(term.Object()))
		}
		if cancel.Importance != widget.DangerImportance {
			t.Errorf("Cancel ticket has importance %v, want danger", cancel.Importance)
		}
		if cancel.Size().Width >= start.Size().Width {
			t.Errorf("on a phone Cancel ticket (%v) is as wide as Start work (%v)", cancel.Size().Width, start.Size().Width)
		}

		// Kept: nothing changes.
		test.Tap(cancel)
		dlg := w.Canvas().Overlays().Top()
		if b := button(dlg, "Cancel ticket"); b == nil || b.Importance != widget.DangerImportance {
			t.Fatalf("the confirmation's Cancel ticket button: %v", b)
		}
		tapButton(t, dlg, "Keep ticket")
		if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusAssigned {
			t.Fatalf("kept, the ticket is %s", got)
		}

		// Confirmed, with the reason the customer reads.
		test.Tap(button(term.Detail().Object(), "Cancel ticket"))
		tapButton(t, w.Canvas().Overlays().Top(), "Cancel ticket")
		form := w.Canvas().Overlays().Top()
		if button(form, "Keep ticket") == nil {
			t.Fatal("the reason form has no Keep ticket button")
		}
		typeInto(t, form, "Why", "Customer took the phone back")
		tapButton(t, form, "Cancel ticket")
		got := ticketNow(t, deps, tk.ID).Ticket
		if got.Status != app.StatusCancelled || got.StatusReason != "Customer took the phone back" {
			t.Fatalf("after cancelling: %s %q", got.Status, got.StatusReason)
		}
	})
}

// TestDiagnosisScrollsItsTextThenTheTicket: the mouse wheel over a
// diagnosis longer than its field scrolls the text to its end, then the
// ticket; the field still takes taps, clicks, focus and hover.
func TestDiagnosisScrollsItsTextThenTheTicket(t *testing.T) {
	term, w, ds, deps := ticketTerminal(t, nil)
	tk := carryIn(t, ds, deps, 0)
	commitAll(t, deps, deps.Actor, append(manyNotes(tk.ID, 25), &app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch})...)
	term.Detail().Show(tk.ID)
	detail := term.Detail().Object()
	var entry *widget.Entry
	var field fyne.CanvasObject // the widget on the canvas: entry may be embedded in it
	walk(detail, func(o fyne.CanvasObject) {
		if e := entryOf(o); e != nil && strings.Contains(e.PlaceHolder, "What you found") {
			entry, field = e, o
		}
	})
	if entry == nil {
		t.Fatal("no diagnosis entry")
	}
	entry.SetText(strings.Repeat("Reading on the board's 5 V rail\n", 30))
	scroll := cardsScroll(t, detail)
	scroll.Refresh()
	d := fyne.CurrentApp().Driver()
	// Bring the field into view, 60 below the top of the cards.
	inCards := d.AbsolutePositionForObject(field).Y - d.AbsolutePositionForObject(scroll.Content).Y
	scroll.ScrollToOffset(fyne.NewPos(0, inCards-60))
	if top, y := d.AbsolutePositionForObject(scroll).Y, d.AbsolutePositionForObject(field).Y; y < top || y+60 > top+scroll.Size().Height {
		t.Fatalf("the diagnosis is not in view (at %v, the cards from %v)", y, top)
	}
	own := ownScroll(t, field)
	before := scroll.Offset.Y
	at := d.AbsolutePositionForObject(field).Add(fyne.NewPos(30, 30))
	wheelAt(w.Canvas(), at, -80)
	if own.Offset.Y <= 0 || scroll.Offset.Y != before {
		t.Fatalf("the first turn over the long diagnosis moved its text to %v and the ticket from %v to %v; want the text only", own.Offset.Y, before, scroll.Offset.Y)
	}
	// 30 lines in 12 rows: a few turns take the text to its end, the next
	// moves the ticket.
	end := own.Content.MinSize().Height - own.Size().Height
	for turns := 0; scroll.Offset.Y == before; turns++ {
		if turns == 50 {
			t.Fatalf("50 turns over the diagnosis left the ticket where it was (the text at %v of %v)", own.Offset.Y, end)
		}
		text := own.Offset.Y
		wheelAt(w.Canvas(), d.AbsolutePositionForObject(field).Add(fyne.NewPos(30, 30)), -80)
		if scroll.Offset.Y != before && text < end {
			t.Fatalf("the ticket moved with the diagnosis's text at %v of %v", text, end)
		}
	}
	if own.Offset.Y != end {
		t.Errorf("the ticket moved with the diagnosis's text at %v of %v", own.Offset.Y, end)
	}
	// Taps, clicks and focus still reach the field under the pointer: the
	// driver gives them to the last drawn object there that takes them.
	at = d.AbsolutePositionForObject(field).Add(fyne.NewPos(30, 30))
	for name, takes := range map[string]func(fyne.CanvasObject) bool{
		"tap":   func(o fyne.CanvasObject) bool { _, ok := o.(fyne.Tappable); return ok },
		"click": func(o fyne.CanvasObject) bool { _, ok := o.(desktop.Mouseable); return ok },
		"focus": func(o fyne.CanvasObject) bool { _, ok := o.(fyne.Focusable); return ok },
		"hover": func(o fyne.CanvasObject) bool { _, ok := o.(desktop.Hoverable); return ok },
	} {
		var top fyne.CanvasObject
		walk(w.Canvas().Content(), func(o fyne.CanvasObject) {
			p, s := d.AbsolutePositionForObject(o), o.Size()
			if o.Visible() && takes(o) && at.X >= p.X && at.Y >= p.Y && at.X < p.X+s.Width && at.Y < p.Y+s.Height {
				top = o
			}
		})
		if top == nil || entryOf(top) != entry {
			t.Errorf("a %s on the diagnosis goes to %T", name, top)
		}
	}
}

// TestCompleteShowsTheChecklistAndTakesTheTypedDiagnosis: Complete lists
// everything missing at once and refuses while anything is; a diagnosis
// typed but not saved counts, survives another save's reload, and is
// saved with the completion. Logging repair time offers the time since
// work started.
func TestCompleteShowsTheChecklistAndTakesTheTypedDiagnosis(t *testing.T) {
	term, w, ds, deps := ticketTerminal(t, func(d *ui.Deps) {
		now := d.Now
		d.Now = func() time.Time { return now().Add(47 * time.Minute) }
	})
	// Everything missing, at once; confirming anyway changes nothing.
	tk, dlg := openComplete(t, term, w, ds, deps)
	shown := labels(dlg)
	for _, want := range []string{"Choose a resolution code", "Log at least one repair entry", "Enter a diagnosis"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the checklist lacks %q:\n%s", want, shown)
		}
	}
	tapButton(t, dlg, "Complete")
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusInProgress {
		t.Fatalf("completed with items missing: %s", got)
	}
	if shown := labels(w.Canvas().Overlays().Top()); !strings.Contains(shown, "Before completing") || !strings.Contains(shown, "Enter a diagnosis") {
		t.Errorf("the refusal does not list what is missing:\n%s", shown)
	}
	w.Canvas().Overlays().Top().Hide()

	// A diagnosis typed, not saved; then a repair logged, with the time
	// since work started offered (47 min, rounded up to 50).
	typeInto(t, term.Detail().Object(), "What you found", "Fan seized")
	tapButton(t, term.Detail().Object(), "Log repair")
	dlg = w.Canvas().Overlays().Top()
	typeInto(t, dlg, "drain pump", "Freed and oiled the fan")
	tapButton(t, dlg, "Save")
	if r := ticketNow(t, deps, tk.ID).Repairs; len(r) != 1 || r[0].Minutes != 50 {
		t.Fatalf("repairs %+v, want one of the 50 minutes offered", r)
	}

	tapButton(t, term.Detail().Object(), "Complete")
	dlg = w.Canvas().Overlays().Top()
	if shown := labels(dlg); strings.Contains(shown, "Enter a diagnosis") || strings.Contains(shown, "Log at least one") || !strings.Contains(shown, "Choose a resolution code") {
		t.Fatalf("with a typed diagnosis and a repair, the checklist shows:\n%s", shown)
	}
	walk(dlg, func(o fyne.CanvasObject) {
		if s := ui.SelectOf(o); s != nil {
			s.SetSelected("Repaired")
		}
	})
	if shown := labels(dlg); !strings.Contains(shown, "✓ Resolution chosen.") || strings.Contains(shown, "• ") {
		t.Fatalf("with a resolution, the checklist shows:\n%s", shown)
	}
	tapButton(t, dlg, "Complete")
	got := ticketNow(t, deps, tk.ID).Ticket
	if got.Status != app.StatusCompleted || got.Diagnosis != "Fan seized" || got.ResolutionCode != app.ResolutionRepaired {
		t.Fatalf("after completing: %s, diagnosis %q, resolution %s", got.Status, got.Diagnosis, got.ResolutionCode)
	}
}

// TestCompleteTakesWhatIsMissingInItsDialog: the diagnosis's and the
// repair log's cards are far down the ticket, so the dialog takes them:
// a ticket without a diagnosis gets a field for it, and the checklist
// that lacks a repair entry offers "Log repair", whose form opens over
// the dialog; once the entry is saved the checklist counts it, and
// completing goes on from the same dialog, saving the diagnosis typed
// there.
func TestCompleteTakesWhatIsMissingInItsDialog(t *testing.T) {
	term, w, ds, deps := ticketTerminal(t, nil)
	tk, dlg := openComplete(t, term, w, ds, deps)
	if shown := labels(dlg); !strings.Contains(shown, "Log at least one repair entry") || !strings.Contains(shown, "Enter a diagnosis") {
		t.Fatalf("the checklist lacks the repair entry or the diagnosis:\n%s", shown)
	}
	typeInto(t, dlg, "What you found", "Door seal torn")
	if shown := labels(dlg); strings.Contains(shown, "Enter a diagnosis") {
		t.Fatalf("the diagnosis typed in the dialog does not count:\n%s", shown)
	}
	tapButton(t, dlg, "Log repair")
	form := w.Canvas().Overlays().Top()
	if form == dlg {
		t.Fatal("Log repair in the checklist opened no form")
	}
	typeInto(t, form, "drain pump", "Replaced the door seal")
	typeInto(t, form, "0 to 1440", "20")
	tapButton(t, form, "Save")
	if r := ticketNow(t, deps, tk.ID).Repairs; len(r) != 1 || r[0].Action != "Replaced the door seal" || r[0].Minutes != 20 {
		t.Fatalf("repairs %+v, want the one logged from the checklist", r)
	}
	if top := w.Canvas().Overlays().Top(); top != dlg {
		t.Fatalf("after the repair the completion's dialog is gone; on top: %s", labels(top))
	}
	if shown := labels(dlg); strings.Contains(shown, "Log at least one repair entry") {
		t.Fatalf("the checklist does not count the repair just logged:\n%s", shown)
	}
	walk(dlg, func(o fyne.CanvasObject) {
		if s := ui.SelectOf(o); s != nil {
			s.SetSelected("Repaired")
		}
	})
	tapButton(t, dlg, "Complete")
	if got := ticketNow(t, deps, tk.ID).Ticket; got.Status != app.StatusCompleted || got.Diagnosis != "Door seal torn" {
		t.Fatalf("after completing from the same dialog: %s, diagnosis %q", got.Status, got.Diagnosis)
	}
}

// TestCompleteKeepsItsPlace: an item of Complete's checklist given in
// the dialog stays in its place, ticked, so the dialog neither shrinks
// nor moves under the finger (h-walk's French walk: choosing "No fault
// found" dropped a line, Fyne centred the shorter dialog again, and the
// next tap missed the diagnosis field), and its form still fits it with
// no blank band.
func TestCompleteKeepsItsPlace(t *testing.T) {
	term, w, ds, deps := ticketTerminal(t, nil)
	w.Resize(fyne.NewSize(720, 1280))
	_, dlg := openComplete(t, term, w, ds, deps)
	pop, ok := dlg.(*widget.PopUp)
	if !ok {
		t.Fatalf("the Complete dialog is a %T, not a pop-up", dlg)
	}
	box := pop.Content
	form := cardsScroll(t, dlg)
	fits := func(when string) {
		t.Helper()
		if h, want := form.Size().Height, form.Content.MinSize().Height; h > want+1 {
			t.Errorf("%s: the Complete form is %v high, its dialog gives it %v", when, want, h)
		}
	}
	fits("opened")
	opened, at := box.Size().Height, box.Position().Y
	if shown := labels(dlg); !strings.Contains(shown, "• Choose a resolution code") {
		t.Fatalf("the checklist does not ask for a resolution:\n%s", shown)
	}
	walk(dlg, func(o fyne.CanvasObject) {
		if s := ui.SelectOf(o); s != nil {
			s.SetSelected("No fault found")
		}
	})
	// The desktop driver lays out again what changed its minimum size;
	// the test driver does not: a refresh of the dialog does.
	dlg.Refresh()
	// No fault found needs no diagnosis: ticked, in words that do not
	// say one was entered (the field is empty).
	shown := labels(dlg)
	for _, want := range []string{"✓ Resolution chosen.", "✓ Repair logged, or none needed.", "✓ Diagnosis entered, or none needed."} {
		if strings.Contains(shown, "• ") || !strings.Contains(shown, want) {
			t.Fatalf("the checklist lacks %q in its place:\n%s", want, shown)
		}
	}
	fits("a resolution chosen")
	if got, y := box.Size().Height, box.Position().Y; got != opened || y != at {
		t.Errorf("the Complete dialog moved: %v high at %v, %v at %v as opened", got, y, opened, at)
	}
	if bottom := box.Position().Y + box.Size().Height; bottom > w.Canvas().Size().Height {
		t.Errorf("the Complete dialog ends at %v, below the window's %v", bottom, w.Canvas().Size().Height)
	}
}

// TestCompletedShowsAtOnce: the new state shows as soon as the step is
// saved, before the ticket is read back, also when the diagnosis typed
// with it was saved just before and is not read back either.
func TestCompletedShowsAtOnce(t *testing.T) {
	var queue []func()
	run := func() {
		for len(queue) > 0 {
			f := queue[0]
			queue = queue[1:]
			f()
		}
	}
	term, w, ds, deps := ticketTerminal(t, func(d *ui.Deps) {
		d.Run = func(f func()) { queue = append(queue, f) }
	})
	run() // the first list
	tk := carryIn(t, ds, deps, 0)
	commitAll(t, deps, deps.Actor,
		&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
		&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: "Replaced the screen", Minutes: 40}},
	)
	term.Detail().Show(tk.ID)
	run()
	typeInto(t, term.Detail().Object(), "What you found", "Cracked screen")
	tapButton(t, term.Detail().Object(), "Complete")
	dlg := w.Canvas().Overlays().Top()
	walk(dlg, func(o fyne.CanvasObject) {
		if s := ui.SelectOf(o); s != nil {
			s.SetSelected("Repaired")
		}
	})
	tapButton(t, dlg, "Complete")
	// Run the saves one by one, and look as soon as the step is saved.
	for n := 0; len(queue) > 0 && ticketNow(t, deps, tk.ID).Ticket.Status != app.StatusCompleted; n++ {
		if n == 10 {
			t.Fatal("not completed after 10 jobs")
		}
		f := queue[0]
		queue = queue[1:]
		f()
	}
	got := ticketNow(t, deps, tk.ID).Ticket
	if got.Status != app.StatusCompleted || got.Diagnosis != "Cracked screen" {
		t.Fatalf("saved as %s, diagnosis %q", got.Status, got.Diagnosis)
	}
	if len(queue) == 0 {
		t.Fatal("no reload queued after the save")
	}
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, tk.Number+" · Completed") {
		t.Fatalf("before the reload the pane shows:\n%s", shown)
	}
	if button(term.Detail().Object(), "Hand back and close") == nil {
		t.Error("the completed state's action is not offered at once")
	}
	run()
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, tk.Number+" · Completed") || !strings.Contains(shown, "Cracked screen") {
		t.Fatalf("after the reload the pane shows:\n%s", shown)
	}
}

// TestAddPhotoByPathWithCaption: a picture's path can be typed, with a
// caption; bad input is refused and adds nothing; a thumbnail opens the
// photo large.
func TestAddPhotoByPathWithCaption(t *testing.T) {
	term, w, ds, deps := ticketTerminal(t, nil)
	tk := carryIn(t, ds, deps, 0)
	term.Detail().Show(tk.ID)
	dir := t.TempDir()
	jpg := filepath.Join(dir, "board.jpg")
	if err := os.WriteFile(jpg, phototest.CameraJPEG(t, 2000, 1500, 92), 0o600); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("not a picture"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, caption string
		wantErr             string
		wantCaption         string
	}{
		{name: "ErrNoPath", path: "  ", wantErr: "Type the path of a picture"},
		{name: "ErrNotAPicture", path: text, wantErr: "Choose a JPEG, PNG or GIF picture."},
		{name: "ErrMissingFile", path: filepath.Join(dir, "gone.jpg"), wantErr: "There is no picture at this path"},
		{name: "ErrCaptionTooLong", path: jpg, caption: strings.Repeat("x", 501), wantErr: "longer than 500"},
		// The bound counts characters: 500 Chinese ones (1,500 bytes) fit.
		{name: "ErrCaptionTooLongChinese", path: jpg, caption: strings.Repeat("烧", 501), wantErr: "longer than 500"},
		{name: "OKCaptionChineseAtBound", path: jpg, caption: strings.Repeat("烧", 500), wantCaption: strings.Repeat("烧", 500)},
		{name: "OK", path: jpg, caption: "Burnt connector", wantCaption: "Burnt connector"},
		{name: "OKNoCaption", path: jpg, wantCaption: "board.jpg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(ticketNow(t, deps, tk.ID).Photos)
			tapButton(t, term.Detail().Object(), "Add photo")
			dlg := w.Canvas().Overlays().Top()
			typeInto(t, dlg, "Path of a picture", tc.path)
			if tc.caption != "" {
				typeInto(t, dlg, "What it shows", tc.caption)
			}
			tapButton(t, dlg, "Attach photo")
			photos := ticketNow(t, deps, tk.ID).Photos
			if tc.wantErr != "" {
				if len(photos) != before {
					t.Fatalf("%d photos after bad input, want %d", len(photos), before)
				}
				if shown := labels(w.Canvas().Overlays().Top()); !strings.Contains(shown, tc.wantErr) {
					t.Fatalf("the error says:\n%s", shown)
				}
				w.Canvas().Overlays().Top().Hide()
				return
			}
			if len(photos) != before+1 || photos[len(photos)-1].Caption != tc.wantCaption {
				t.Fatalf("photos %+v, want one more captioned %q", photos, tc.wantCaption)
			}
		})
	}

	// A thumbnail opens the photo large.
	card := cardTitled(term.Detail().Object(), "Photos and documents")
	var thumb fyne.Tappable
	walk(card, func(o fyne.CanvasObject) {
		if tp, ok := o.(fyne.Tappable); ok && thumb == nil {
			if _, isButton := o.(*widget.Button); !isButton {
				thumb = tp
			}
		}
	})
	if thumb == nil {
		t.Fatal("no thumbnail to tap")
	}
	for w.Canvas().Overlays().Top() != nil {
		w.Canvas().Overlays().Top().Hide()
	}
	test.Tap(thumb)
	dlg := w.Canvas().Overlays().Top()
	if dlg == nil {
		t.Fatal("tapping the thumbnail opened nothing")
	}
	large := 0
	walk(dlg, func(o fyne.CanvasObject) {
		if img, ok := o.(*canvas.Image); ok && img.Image != nil {
			large = max(large, img.Image.Bounds().Dx())
		}
	})
	if large <= 240 {
		t.Fatalf("the opened photo is %d px wide, no larger than its thumbnail", large)
	}
}

// TestCancelledByDispatchStaysReadable: a ticket dispatch cancels while
// it is on screen says so when it reloads, with dispatch's reason.
func TestCancelledByDispatchStaysReadable(t *testing.T) {
	term, _, ds, deps := ticketTerminal(t, nil)
	tk := assignedTicket(t, ds, app.KindOnSite, 0)
	term.Detail().Show(tk.ID)
	if strings.Contains(labels(term.Detail().Object()), "Cancelled by dispatch") {
		t.Fatal("an open ticket says it is cancelled")
	}
	dispatch := app.Actor{Role: app.RoleDispatcher, Name: "Dispatch"}
	commitAll(t, deps, dispatch, &app.TransitionTicket{Action: app.ActionCancel, Ticket: tk.ID, Epoch: tk.Epoch, Reason: "Customer moved away"})
	term.Detail().Show(tk.ID) // as after the sync that brought it
	shown := labels(term.Detail().Object())
	for _, want := range []string{"Cancelled by dispatch", "Customer moved away", tk.Number} {
		if !strings.Contains(shown, want) {
			t.Errorf("the cancelled ticket lacks %q:\n%s", want, shown)
		}
	}
	for _, b := range []string{"On my way", "Cancel ticket", "Cannot complete"} {
		if button(term.Detail().Object(), b) != nil {
			t.Errorf("a cancelled ticket offers %q", b)
		}
	}
}

// goneTickets is the store's ticket service with some tickets taken off
// the device, as a sync does with one reassigned to someone else.
type goneTickets struct {
	app.TicketService
	gone map[app.TicketID]bool
}

func (g goneTickets) TicketDetail(ctx context.Context, id app.TicketID) (app.TicketDetail, error) {
	if g.gone[id] {
		return app.TicketDetail{}, app.Errorf(app.ENOTFOUND, "ticket.not_found", "Ticket not found.")
	}
	return g.TicketService.TicketDetail(ctx, id)
}

// TestTicketTakenOffTheDeviceSaysWhy: the open ticket that a sync took
// off the device says what happened and what to do, rather than a bare
// "not found".
func TestTicketTakenOffTheDeviceSaysWhy(t *testing.T) {
	gone := map[app.TicketID]bool{}
	term, _, ds, _ := ticketTerminal(t, func(d *ui.Deps) {
		d.Tickets = goneTickets{TicketService: d.Tickets, gone: gone}
	})
	tk := assignedTicket(t, ds, app.KindOnSite, 0)
	other := assignedTicket(t, ds, app.KindOnSite, 1)
	gone[other.ID] = true
	term.Detail().Show(other.ID)
	if shown := labels(term.Detail().Object()); strings.Contains(shown, "dispatch reassigned or cancelled it") {
		t.Fatalf("a ticket never shown is said to be taken away:\n%s", shown)
	}
	term.Detail().Show(tk.ID)
	gone[tk.ID] = true
	term.Detail().Show(tk.ID) // as after the sync that took it
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, "dispatch reassigned or cancelled it") {
		t.Fatalf("the ticket taken off the device shows:\n%s", shown)
	}
}

// TestCompleteKeepsTheDiagnosisTypedInItsDialog: a technician types the
// diagnosis in Complete's dialog, then cancels it (to look something up,
// or Escape): what they typed stays in the diagnosis card, unsaved, as
// typing there would, not lost with the dialog.
func TestCompleteKeepsTheDiagnosisTypedInItsDialog(t *testing.T) {
	term, w, ds, deps := ticketTerminal(t, nil)
	tk := carryIn(t, ds, deps, 0)
	commitAll(t, deps, deps.Actor, &app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch})
	term.Detail().Show(tk.ID)

	tapButton(t, term.Detail().Object(), "Complete")
	dlg := w.Canvas().Overlays().Top()
	typeInto(t, dlg, "What you found", "Door seal torn")
	tapButton(t, dlg, "Cancel")
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Cancel left the dialog open")
	}
	if got, ok := entryText(term.Detail().Object(), "What you found"); !ok || got != "Door seal torn" {
		t.Errorf("after Cancel the diagnosis card holds %q (found: %v), want what was typed in the dialog", got, ok)
	}
	if got := ticketNow(t, deps, tk.ID).Ticket.Diagnosis; got != "" {
		t.Errorf("Cancel saved the diagnosis %q", got)
	}
}

// openComplete starts work on a carry-in ticket, opens it and taps
// Complete; it returns the ticket and the Complete dialog.
func openComplete(t *testing.T, term *ui.Terminal, w fyne.Window, ds app.Dataset, deps ui.Deps) (app.Ticket, fyne.CanvasObject) {
	t.Helper()
	tk := carryIn(t, ds, deps, 0)
	commitAll(t, deps, deps.Actor, &app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch})
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Complete")
	return tk, w.Canvas().Overlays().Top()
}
