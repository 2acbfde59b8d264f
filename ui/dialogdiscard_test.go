package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

const (
	repairHint     = "drain pump"
	discardTypedQ  = "Discard what you typed?"
	discardDraftQ  = "Discard this draft?"
	discardDraftBn = "Discard draft"
)

// inProgress is a ticket on Today's list that work started on: it
// offers the repair log and "Wait for parts".
func inProgress(t *testing.T, term *ui.Terminal) app.TicketID {
	t.Helper()
	for _, r := range term.List().Tickets() {
		if r.Status == app.StatusInProgress {
			return r.ID
		}
	}
	t.Fatal("no ticket in progress on Today's list")
	return ""
}

// TestDialogsAskBeforeDiscardingTyping: a dialog with a free-text field
// (the repair log, the reason a job waits, the estimate's note) closed by
// Escape or its Cancel with something typed asks first, Discard in red
// or Keep editing; Keep editing leaves it open with the typing, Discard
// closes it. Untouched, it closes at once.
func TestDialogsAskBeforeDiscardingTyping(t *testing.T) {
	term, w, _, _ := ticketTerminal(t, nil)
	id := inProgress(t, term)
	mterm, mw, mdeps, _ := moneyTerminal(t, "D12")
	paidTicket(t, mterm, mdeps, "356938035643809")

	type form struct {
		name   string
		w      fyne.Window
		open   func()
		hint   string // the free-text field's placeholder
		cancel string // the dismiss button
	}
	forms := []form{
		{"repair log", w, func() {
			term.Detail().Show(id)
			tapButton(t, term.Detail().Object(), "Log repair")
		}, repairHint, "Cancel"},
		{"waiting reason", w, func() {
			term.Detail().Show(id)
			tapButton(t, term.Detail().Object(), "Wait for parts")
		}, "Which parts", "Cancel"},
		{"estimate note", mw, func() { tapButton(t, mterm.Detail().Object(), "Estimate") }, "What the price covers", "Cancel"},
	}
	for _, f := range forms {
		overlays := func() int { return len(f.w.Canvas().Overlays().List()) }
		leaves := []struct {
			name string
			do   func()
		}{
			{"Escape", func() { press(f.w, fyne.KeyEscape) }},
			{"Cancel", func() { tapButton(t, front(f.w), f.cancel) }},
		}
		for _, leave := range leaves {
			t.Run(f.name+"/"+leave.name, func(t *testing.T) {
				f.open()
				if overlays() != 1 {
					t.Fatalf("opening: %d overlays, want the form", overlays())
				}
				leave.do()
				if overlays() != 0 {
					t.Fatalf("%s on the form as it opened: %d overlays, want it closed at once:\n%s", leave.name, overlays(), labels(front(f.w)))
				}

				f.open()
				dlg := front(f.w)
				typeInto(t, dlg, f.hint, "Drain pump, door seal")
				leave.do()
				ask := front(f.w)
				if shown := labels(ask); overlays() != 2 || !strings.Contains(shown, discardTypedQ) {
					t.Fatalf("%s with typing: %d overlays, asked:\n%s", leave.name, overlays(), shown)
				}
				if b := findButton(ask, "Discard"); b == nil || b.Importance != widget.DangerImportance {
					t.Errorf("Discard is not offered as a destructive action: %v", b)
				}
				tapButton(t, ask, "Keep editing")
				if overlays() != 1 || fieldText(t, front(f.w), f.hint) != "Drain pump, door seal" {
					t.Fatalf("Keep editing: %d overlays, want the form with the typing:\n%s", overlays(), labels(front(f.w)))
				}
				leave.do()
				tapButton(t, front(f.w), "Discard")
				if overlays() != 0 {
					t.Fatalf("Discard: %d overlays, want the form closed", overlays())
				}
			})
		}
	}
}

// TestRepairLogKeptAsADraft: what is typed into the repair log's form is
// kept as a draft (the store, once typing pauses), survives the form cut
// short (the lock screen takes it) and a restart: the card shows it with
// "Draft, not saved yet", the form opens with it again, and a form opened
// on the draft closes at once, the draft kept. Saving the entry deletes
// the draft; Discard, asked, puts it back as the form opened with it
// (none: deleted).
func TestRepairLogKeptAsADraft(t *testing.T) {
	term, w, ds, deps, db := draftTerminal(t)
	tk := assignedTicket(t, ds, app.KindOnSite, 0)
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Log repair")
	typeInto(t, front(w), repairHint, "Replaced the drain pump and cleaned the filter")
	term.FirePaneTimers()
	if got := storedDrafts(t, db, deps.Actor, tk.ID)[app.DraftRepair]; got.Text != "Replaced the drain pump and cleaned the filter" {
		t.Fatalf("after the pause the store holds %+v, want the repair log typed", got)
	}
	// Cut short: the form goes as the lock screen takes the dialogs.
	for _, o := range w.Canvas().Overlays().List() {
		w.Canvas().Overlays().Remove(o)
	}

	again, aw := openTerminal(t, deps)
	again.Detail().Show(tk.ID)
	detail := again.Detail().Object()
	if !visible(detail, "Replaced the drain pump and cleaned the filter") || !visible(detail, draftLine) {
		t.Fatalf("after a restart the repair card does not show the draft:\n%s", visibleText(detail))
	}
	if b := button(detail, discardDraftBn); b == nil || b.Importance != widget.DangerImportance {
		t.Errorf("the card's draft has no red %q: %v", discardDraftBn, b)
	}
	tapButton(t, detail, "Log repair")
	if got := fieldText(t, front(aw), repairHint); got != "Replaced the drain pump and cleaned the filter" {
		t.Fatalf("the form opened with %q, want the draft", got)
	}
	if !visible(front(aw), draftLine) {
		t.Errorf("the form does not say its text is a draft:\n%s", visibleText(front(aw)))
	}
	press(aw, fyne.KeyEscape)
	if n := len(aw.Canvas().Overlays().List()); n != 0 {
		t.Fatalf("Escape on the form as it opened with the draft: %d overlays, want it closed at once", n)
	}
	if got := storedDrafts(t, db, deps.Actor, tk.ID)[app.DraftRepair]; got.Text == "" {
		t.Fatal("closing the form untouched deleted the draft")
	}

	// Discard, asked, in a form opened on the draft: what was typed in
	// the form goes, the draft kept from before stays, whether the
	// typing was in the entry or only in its minutes.
	for _, typing := range []struct{ hint, text string }{{repairHint, "Replaced the drain pump"}, {"0 to 1440", "45"}} {
		tapButton(t, again.Detail().Object(), "Log repair")
		typeInto(t, front(aw), typing.hint, typing.text)
		again.FirePaneTimers()
		press(aw, fyne.KeyEscape)
		tapButton(t, front(aw), "Discard")
		if got := storedDrafts(t, db, deps.Actor, tk.ID)[app.DraftRepair]; got.Text != "Replaced the drain pump and cleaned the filter" {
			t.Errorf("after typing %q and Discard the store holds %+v, want the draft the form opened with", typing.text, got)
		}
		if detail := again.Detail().Object(); !visible(detail, "Replaced the drain pump and cleaned the filter") {
			t.Errorf("after typing %q and Discard the card lost the draft:\n%s", typing.text, visibleText(detail))
		}
	}
	// Discard, asked, in a form opened without a draft: the draft goes.
	walk(again.Detail().Object(), func(o fyne.CanvasObject) {
		if card, ok := o.(*widget.Card); ok && card.Title == "Repair log" {
			tapButton(t, card, discardDraftBn)
		}
	})
	tapButton(t, front(aw), discardDraftBn)
	tapButton(t, again.Detail().Object(), "Log repair")
	typeInto(t, front(aw), repairHint, "Replaced the drain pump")
	again.FirePaneTimers()
	press(aw, fyne.KeyEscape)
	tapButton(t, front(aw), "Discard")
	if got := storedDrafts(t, db, deps.Actor, tk.ID); len(got) != 0 {
		t.Errorf("after Discard the store holds %+v", got)
	}
	if visible(again.Detail().Object(), draftLine) {
		t.Errorf("after Discard the card still shows a draft:\n%s", visibleText(again.Detail().Object()))
	}

	// Saved: the draft goes.
	tapButton(t, again.Detail().Object(), "Log repair")
	typeInto(t, front(aw), repairHint, "Replaced the drain pump")
	again.FirePaneTimers()
	typeInto(t, front(aw), "0 to 1440", "30")
	tapButton(t, front(aw), "Save")
	if rs := ticketNow(t, deps, tk.ID).Repairs; len(rs) == 0 || rs[len(rs)-1].Action != "Replaced the drain pump" {
		t.Fatalf("the entry was not saved: %+v", rs)
	}
	if got := storedDrafts(t, db, deps.Actor, tk.ID); len(got) != 0 {
		t.Errorf("after saving the store holds %+v", got)
	}
	if detail := again.Detail().Object(); visible(detail, draftLine) {
		t.Errorf("after saving the card still shows a draft:\n%s", visibleText(detail))
	}
}

// TestDiscardDraftOnTheCards: the diagnosis's and the note's drafts have
// a red "Discard draft" beside "Draft, not saved yet"; it asks first,
// "Keep draft" keeps it, and discarding deletes the draft from the store
// and puts the saved text back in the field.
func TestDiscardDraftOnTheCards(t *testing.T) {
	term, w, ds, deps, db := draftTerminal(t)
	tk := assignedTicket(t, ds, app.KindOnSite, 0)
	saved := "Door lock worn"
	commitAll(t, deps, deps.Actor, &app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &saved}})
	term.Detail().Show(tk.ID)
	detail := term.Detail().Object()
	if button(detail, discardDraftBn) != nil && visible(detail, discardDraftBn) {
		t.Fatalf("%q shows with no draft:\n%s", discardDraftBn, visibleText(detail))
	}
	typeInto(t, detail, diagnosisHint, "Door lock worn, hinge bent")
	typeInto(t, detail, noteHint, "Customer home after 5 pm")
	term.FirePaneTimers()
	if got := storedDrafts(t, db, deps.Actor, tk.ID); len(got) != 2 {
		t.Fatalf("the store holds %+v, want both drafts", got)
	}

	for _, c := range []struct {
		field app.DraftField
		card  string
		hint  string
		want  string // the field's text after the discard
	}{
		{app.DraftDiagnosis, "Diagnosis", diagnosisHint, saved},
		{app.DraftNote, "Notes", noteHint, ""},
	} {
		var b *widget.Button
		walk(detail, func(o fyne.CanvasObject) {
			if card, ok := o.(*widget.Card); ok && card.Title == c.card {
				b = button(card, discardDraftBn)
			}
		})
		if b == nil || b.Importance != widget.DangerImportance {
			t.Fatalf("%s: no red %q beside the draft: %v", c.field, discardDraftBn, b)
		}
		b.OnTapped()
		ask := front(w)
		if !strings.Contains(labels(ask), discardDraftQ) {
			t.Fatalf("%s: %q did not ask first:\n%s", c.field, discardDraftBn, labels(ask))
		}
		if d := findButton(ask, discardDraftBn); d == nil || d.Importance != widget.DangerImportance {
			t.Errorf("%s: the confirmation's %q is not red: %v", c.field, discardDraftBn, d)
		}
		tapButton(t, ask, "Keep draft")
		if _, ok := storedDrafts(t, db, deps.Actor, tk.ID)[c.field]; !ok {
			t.Fatalf("%s: Keep draft deleted it", c.field)
		}
		b.OnTapped()
		tapButton(t, front(w), discardDraftBn)
		if _, ok := storedDrafts(t, db, deps.Actor, tk.ID)[c.field]; ok {
			t.Errorf("%s: the draft is still in the store", c.field)
		}
		if got := fieldText(t, detail, c.hint); got != c.want {
			t.Errorf("%s: the field holds %q after the discard, want the saved %q", c.field, got, c.want)
		}
	}
	if visible(detail, draftLine) {
		t.Errorf("after both discards a draft still shows:\n%s", visibleText(detail))
	}
}

// TestSignOffAsksBeforeDiscardingTheSignature: the sign-off opened and
// left untouched closes at once on Escape; with a signature drawn,
// Escape and Cancel ask first, and Keep editing keeps the strokes.
func TestSignOffAsksBeforeDiscardingTheSignature(t *testing.T) {
	term, w, _, _ := signTerminal(t)
	press(w, fyne.KeyEscape)
	if term.SignOffShown() {
		t.Fatal("Escape on the sign-off as it opened left it open")
	}
	for _, leave := range []struct {
		name string
		do   func()
	}{
		{"Escape", func() { press(w, fyne.KeyEscape) }},
		{"Cancel", func() { tapButton(t, front(w), "Cancel") }},
	} {
		t.Run(leave.name, func(t *testing.T) {
			tapButton(t, term.Object(), "Customer sign-off")
			pad := term.SignOffPad()
			s := pad.Size()
			drag(pad, fyne.NewPos(10, 10), fyne.NewPos(s.Width/2, s.Height/2))
			leave.do()
			if shown := labels(front(w)); !term.SignOffShown() || !strings.Contains(shown, discardTypedQ) {
				t.Fatalf("%s with a signature drawn: shown %v, asked:\n%s", leave.name, term.SignOffShown(), shown)
			}
			tapButton(t, front(w), "Keep editing")
			if !term.SignOffShown() || pad.Empty() {
				t.Fatalf("Keep editing: shown %v, pad empty %v", term.SignOffShown(), pad.Empty())
			}
			leave.do()
			tapButton(t, front(w), "Discard")
			if term.SignOffShown() {
				t.Fatal("Discard left the sign-off open")
			}
		})
	}
}

// TestEstimateAnswerAsksBeforeDiscardingTheSignature: the customer's
// answer to an estimate, untouched, closes at once on "Later"; with a
// signature drawn on its pad, Escape asks first, and Keep editing keeps
// the strokes.
func TestEstimateAnswerAsksBeforeDiscardingTheSignature(t *testing.T) {
	term, w, deps, _ := moneyTerminal(t, "D12")
	paidTicket(t, term, deps, "356938035643809")
	overlays := func() int { return len(w.Canvas().Overlays().List()) }
	answer := func() *ui.SignPad {
		t.Helper()
		tapButton(t, term.Detail().Object(), "Estimate")
		tapButton(t, front(w), "Issue estimate")
		pad := ui.SignPadInFront(w)
		if pad == nil {
			t.Fatalf("no signature pad in the answer:\n%s", labels(front(w)))
		}
		return pad
	}
	answer()
	tapButton(t, front(w), "Later")
	if overlays() != 0 {
		t.Fatalf("Later on the answer as it opened: %d overlays, want it closed at once", overlays())
	}

	paidTicket(t, term, deps, "356938035643817") // the first has its estimate
	pad := answer()
	s := pad.Size()
	drag(pad, fyne.NewPos(10, 10), fyne.NewPos(s.Width/2, s.Height/2))
	press(w, fyne.KeyEscape)
	if shown := labels(front(w)); overlays() != 2 || !strings.Contains(shown, discardTypedQ) {
		t.Fatalf("Escape with a signature drawn: %d overlays, asked:\n%s", overlays(), shown)
	}
	tapButton(t, front(w), "Keep editing")
	if overlays() != 1 || pad.Empty() {
		t.Fatalf("Keep editing: %d overlays, pad empty %v", overlays(), pad.Empty())
	}
	press(w, fyne.KeyEscape)
	tapButton(t, front(w), "Discard")
	if overlays() != 0 {
		t.Fatalf("Discard: %d overlays, want the answer closed", overlays())
	}
}

// TestRepairDraftKeepsItsMinutes: the repair log's draft keeps every
// field of its form, the minutes typed with the text: after the form is
// cut short and the terminal starts again on the store, the card shows
// them and the form opens with both. Only the text was kept, and the
// minutes typed came back empty (or as the time since work started).
func TestRepairDraftKeepsItsMinutes(t *testing.T) {
	term, w, ds, deps, db := draftTerminal(t)
	tk := assignedTicket(t, ds, app.KindOnSite, 0)
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Log repair")
	typeInto(t, front(w), repairHint, "Replaced the drain pump")
	typeInto(t, front(w), "0 to 1440", "45")
	term.FirePaneTimers()
	if got := storedDrafts(t, db, deps.Actor, tk.ID); got[app.DraftRepair].Text != "Replaced the drain pump" || got[app.DraftRepairMinutes].Text != "45" {
		t.Fatalf("after the pause the store holds %+v, want the text and the minutes typed", got)
	}
	for _, o := range w.Canvas().Overlays().List() {
		w.Canvas().Overlays().Remove(o) // cut short
	}

	again, aw := openTerminal(t, deps)
	again.Detail().Show(tk.ID)
	if detail := again.Detail().Object(); !visible(detail, "Replaced the drain pump (45 min)") {
		t.Errorf("after a restart the card does not show the minutes with the draft:\n%s", visibleText(detail))
	}
	tapButton(t, again.Detail().Object(), "Log repair")
	if got := fieldText(t, front(aw), "0 to 1440"); got != "45" {
		t.Errorf("the form opened on the draft with minutes %q, want 45", got)
	}
	if got := fieldText(t, front(aw), repairHint); got != "Replaced the drain pump" {
		t.Errorf("the form opened on the draft with %q", got)
	}
	tapButton(t, front(aw), "Save")
	if rs := ticketNow(t, deps, tk.ID).Repairs; len(rs) == 0 || rs[len(rs)-1].Minutes != 45 {
		t.Fatalf("the entry saved from the draft: %+v", rs)
	}
	if got := storedDrafts(t, db, deps.Actor, tk.ID); len(got) != 0 {
		t.Errorf("after saving the store holds %+v", got)
	}
}
