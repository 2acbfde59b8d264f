package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

const (
	diagnosisHint = "What you found"
	noteHint      = "Add a note for dispatch"
	draftLine     = "Draft, not saved yet"
)

// draftTerminal is a terminal over a demo store that keeps drafts, its
// panes' timers stepped by the test (FirePaneTimers is the pause in
// typing).
func draftTerminal(t *testing.T) (*ui.Terminal, fyne.Window, app.Dataset, ui.Deps, *store.DB) {
	t.Helper()
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps, ds, db := openDemoStore(t, now)
	kb := &keyboard{clock: now}
	deps.KeyClock = kb.now
	deps.Drafts = db
	term, w := openTerminal(t, deps)
	return term, w, ds, deps, db
}

// openTerminal opens a terminal on deps in a window of its own, as a
// start of the app does.
func openTerminal(t *testing.T, deps ui.Deps) (*ui.Terminal, fyne.Window) {
	t.Helper()
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	term.ManualPaneTimers()
	return term, w
}

// fieldText is the text of the field under o whose placeholder holds hint.
func fieldText(t *testing.T, o fyne.CanvasObject, hint string) string {
	t.Helper()
	text, found := "", false
	walk(o, func(c fyne.CanvasObject) {
		if e := entryOf(c); e != nil && !found && strings.Contains(e.PlaceHolder, hint) {
			text, found = e.Text, true
		}
	})
	if !found {
		t.Fatalf("no field with placeholder %q", hint)
	}
	return text
}

// storedDrafts are the drafts the store holds for actor on ticket.
func storedDrafts(t *testing.T, db *store.DB, actor app.Actor, id app.TicketID) map[app.DraftField]app.Draft {
	t.Helper()
	ds, err := db.Drafts(t.Context(), actor, id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[app.DraftField]app.Draft{}
	for _, d := range ds {
		out[d.Field] = d
	}
	return out
}

// TestDraftsKeepTypingAcrossTicketsAndRestarts: a diagnosis and a note
// typed and not saved are written once typing pauses, not at every key;
// opening another ticket writes them and says so below the screen,
// once; coming back puts them in their fields with "Draft, not saved
// yet" and the save button on; a new terminal on the same store (a
// restart) has them too; another technician on the device sees none;
// saving the diagnosis and adding the note delete them.
func TestDraftsKeepTypingAcrossTicketsAndRestarts(t *testing.T) {
	term, _, ds, deps, db := draftTerminal(t)
	a, b := assignedTicket(t, ds, app.KindOnSite, 0), assignedTicket(t, ds, app.KindOnSite, 1)
	detail := term.Detail().Object()

	term.Detail().Show(a.ID)
	typeInto(t, detail, diagnosisHint, "Display board failed")
	if got := storedDrafts(t, db, deps.Actor, a.ID); len(got) != 0 {
		t.Fatalf("drafts written before typing paused: %+v", got)
	}
	if !visible(detail, draftLine) {
		t.Errorf("the diagnosis typed does not say it is a draft:\n%s", visibleText(detail))
	}
	term.FirePaneTimers()
	if got := storedDrafts(t, db, deps.Actor, a.ID)[app.DraftDiagnosis]; got.Text != "Display board failed" {
		t.Fatalf("after the pause the store holds %+v, want the diagnosis typed", got)
	}
	typeInto(t, detail, noteHint, "Customer home after 5 pm")

	term.Detail().Show(b.ID)
	want := "Your diagnosis and note on " + a.Number + " are kept as drafts."
	if got := term.ScanStatus(); got != want || !term.ScanBarShown() {
		t.Errorf("leaving %s, the note below says %q (shown %v), want %q", a.Number, got, term.ScanBarShown(), want)
	}
	if got := storedDrafts(t, db, deps.Actor, a.ID); got[app.DraftNote].Text != "Customer home after 5 pm" {
		t.Errorf("leaving the ticket did not write the note typed: %+v", got)
	}
	term.Detail().Show(b.ID) // the same ticket again: nothing more to say
	if got := term.ScanStatus(); got != want {
		t.Errorf("reopening %s, the note below says %q, want still %q", b.Number, got, want)
	}

	checkRestored := func(term *ui.Terminal, when string) {
		t.Helper()
		term.Detail().Show(a.ID)
		detail := term.Detail().Object()
		if got := fieldText(t, detail, diagnosisHint); got != "Display board failed" {
			t.Errorf("%s: the diagnosis field holds %q, want the draft", when, got)
		}
		if got := fieldText(t, detail, noteHint); got != "Customer home after 5 pm" {
			t.Errorf("%s: the note field holds %q, want the draft", when, got)
		}
		if save := button(detail, "Save diagnosis"); save == nil || save.Disabled() {
			t.Errorf("%s: Save diagnosis is off with a draft in the field", when)
		}
		if got := strings.Count(visibleText(detail), draftLine); got != 2 {
			t.Errorf("%s: %q shows %d times, want under both fields:\n%s", when, draftLine, got, visibleText(detail))
		}
	}
	checkRestored(term, "back on the ticket")
	if term.ScanBarShown() {
		t.Errorf("back on %s, the note below still says %q", a.Number, term.ScanStatus())
	}

	again, _ := openTerminal(t, deps)
	checkRestored(again, "after a restart")

	other := deps
	other.Actor = app.Actor{Role: app.RoleTechnician, Technician: "tech-other", Name: "Other"}
	shared, _ := openTerminal(t, other)
	shared.Detail().Show(a.ID)
	if d, n := fieldText(t, shared.Detail().Object(), diagnosisHint), fieldText(t, shared.Detail().Object(), noteHint); d != "" || n != "" {
		t.Errorf("another technician on the device sees the diagnosis %q and note %q", d, n)
	}

	detail = again.Detail().Object()
	tapButton(t, detail, "Save diagnosis")
	if got := ticketNow(t, deps, a.ID).Ticket.Diagnosis; got != "Display board failed" {
		t.Fatalf("saved diagnosis %q", got)
	}
	if got := storedDrafts(t, db, deps.Actor, a.ID); len(got) != 1 || got[app.DraftNote].Text == "" {
		t.Errorf("after saving the diagnosis the store holds %+v, want the note's draft only", got)
	}
	detail = again.Detail().Object()
	walk(detail, func(c fyne.CanvasObject) {
		if e := entryOf(c); e != nil && strings.Contains(e.PlaceHolder, noteHint) {
			e.OnSubmitted(e.Text) // Enter adds the note
		}
	})
	if notes := ticketNow(t, deps, a.ID).Notes; len(notes) == 0 || notes[len(notes)-1].Text != "Customer home after 5 pm" {
		t.Fatalf("the note was not added: %+v", notes)
	}
	if got := storedDrafts(t, db, deps.Actor, a.ID); len(got) != 0 {
		t.Errorf("after saving both the store holds drafts: %+v", got)
	}
	detail = again.Detail().Object()
	if visible(detail, draftLine) || fieldText(t, detail, noteHint) != "" {
		t.Errorf("after saving, the ticket still shows a draft:\n%s", visibleText(detail))
	}
}

// TestClosingTheWindowWritesTheDraft: typing not yet paused is written
// when the window closes, before the store does.
func TestClosingTheWindowWritesTheDraft(t *testing.T) {
	_, _, ds, deps, db := draftTerminal(t)
	// A window of its own, not the test's: closing is the test.
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewWindow(term.Object())
	term.Attach(w)
	term.ManualPaneTimers()
	a := assignedTicket(t, ds, app.KindOnSite, 0)
	term.Detail().Show(a.ID)
	typeInto(t, term.Detail().Object(), noteHint, "Back at 3 with the part")
	w.Close()
	if got := storedDrafts(t, db, deps.Actor, a.ID)[app.DraftNote]; got.Text != "Back at 3 with the part" {
		t.Errorf("after the window closed the store holds %+v, want the note typed", got)
	}
}

// TestDraftSaysTheSavedDiagnosisChanged: a diagnosis saved (by the office,
// through a sync) after the draft was typed leaves the draft in the
// field, and the line under it says what the saved one reads now.
func TestDraftSaysTheSavedDiagnosisChanged(t *testing.T) {
	term, _, ds, deps, db := draftTerminal(t)
	a, b := assignedTicket(t, ds, app.KindOnSite, 0), assignedTicket(t, ds, app.KindOnSite, 1)
	term.Detail().Show(a.ID)
	typeInto(t, term.Detail().Object(), diagnosisHint, "Display board failed")
	term.Detail().Show(b.ID)

	office := "Power supply replaced last visit"
	commitAll(t, deps, deps.Actor, &app.UpdateTicket{Ticket: a.ID, Set: app.TicketFields{Diagnosis: &office}})
	term.Detail().Show(a.ID)
	detail := term.Detail().Object()
	if got := fieldText(t, detail, diagnosisHint); got != "Display board failed" {
		t.Errorf("the field holds %q, want the draft over the office's diagnosis", got)
	}
	if want := "it now reads: “" + office + "”"; !visible(detail, want) {
		t.Errorf("the line under the draft does not say %q:\n%s", want, visibleText(detail))
	}
	if got := storedDrafts(t, db, deps.Actor, a.ID)[app.DraftDiagnosis]; got.Base != "" {
		t.Errorf("the draft's base is %q, want the diagnosis it was typed over (none)", got.Base)
	}
}

// TestCompleteDialogDiagnosisIsKeptAsADraft: the diagnosis typed in the
// Complete dialog reaches the ticket's draft once typing pauses, so a
// dialog cancelled or a crash keeps it.
func TestCompleteDialogDiagnosisIsKeptAsADraft(t *testing.T) {
	term, w, ds, deps, db := draftTerminal(t)
	tk, dlg := openComplete(t, term, w, ds, deps)
	typeInto(t, dlg, diagnosisHint, "Hinge cable pinched")
	term.FirePaneTimers()
	if got := storedDrafts(t, db, deps.Actor, tk.ID)[app.DraftDiagnosis]; got.Text != "Hinge cable pinched" {
		t.Fatalf("the dialog's diagnosis is not kept: %+v", got)
	}
}

// TestTypingADiagnosisLeavesItsSaveButtonWhereItWas: the draft's line
// appears with the first key typed. Above the button it pushed "Save
// diagnosis" down under the pointer on its way there, and a technician
// who clicked where the button had been saved nothing (found living in
// it). It goes under the button.
func TestTypingADiagnosisLeavesItsSaveButtonWhereItWas(t *testing.T) {
	term, w, ds, _, _ := draftTerminal(t)
	a := assignedTicket(t, ds, app.KindOnSite, 0)
	term.Detail().Show(a.ID)
	detail := term.Detail().Object()
	d := fyne.CurrentApp().Driver()
	save := button(detail, "Save diagnosis")
	if save == nil {
		t.Fatal("no Save diagnosis button")
	}
	before := d.AbsolutePositionForObject(save)
	typeInto(t, detail, diagnosisHint, "B")
	w.Content().Refresh()
	if !visible(detail, draftLine) {
		t.Fatalf("no draft line after typing:\n%s", visibleText(detail))
	}
	if after := d.AbsolutePositionForObject(button(detail, "Save diagnosis")); after != before {
		t.Errorf("typing moved Save diagnosis from %v to %v", before, after)
	}
}
