package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// focusField gives the focus to the field of o whose placeholder holds
// hint ("": the first field), as a tap on it does: Escape then reaches
// the field first, as it does from a keyboard.
func focusField(t *testing.T, w fyne.Window, o fyne.CanvasObject, hint string) {
	t.Helper()
	var target fyne.Focusable
	walk(o, func(c fyne.CanvasObject) {
		if e := entryOf(c); e != nil && target == nil && strings.Contains(e.PlaceHolder, hint) {
			target = c.(fyne.Focusable)
		}
	})
	if target == nil {
		t.Fatalf("no field with placeholder %q", hint)
	}
	w.Canvas().Focus(target)
}

// TestLastDialogsAskBeforeDiscardingTyping: the add-part dialog's
// serials and quantity, the ship-back dialog's carrier and tracking
// number and the load list's dates, closed by Escape (from the field
// typed into) or the dialog's Cancel/Close with something typed, ask
// first, Discard in red or Keep editing; Keep editing leaves the dialog
// open with the typing, Discard closes it. Untouched, each closes at
// once; so does the load list once the dates typed were shown.
func TestLastDialogsAskBeforeDiscardingTyping(t *testing.T) {
	s := newSupplyWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	_, bin := myBins(t, s.deps)
	if _, err := s.deps.Commit.Commit(t.Context(), s.deps.Actor, &app.ReturnDefective{Movement: app.StockMovement{ID: app.NewID(),
		Part: s.ds.Parts[0].Number, To: bin, Qty: 1, Serial: "DEF-9", Ticket: tk.ID, Reason: tk.Number}}); err != nil {
		t.Fatal(err)
	}
	w := s.w

	dialogs := []struct {
		name   string
		open   func()
		hint   string // the field typed into, by its placeholder
		text   string
		cancel string // the dialog's own way out
	}{
		{"serial of the new part", func() {
			s.term.Detail().Show(tk.ID)
			openPicker(t, s.term, w)
		}, "Serial of the new part", "SN-8841-22", "Cancel"},
		{"serial of the removed part", func() {
			s.term.Detail().Show(tk.ID)
			openPicker(t, s.term, w)
		}, "Serial of the removed part", "OLD-1177", "Cancel"},
		{"ship-back tracking", func() {
			s.term.ShowParts("defective", "")
			tapButton(t, s.term.Object(), "Ship back…")
		}, "courier's label", "JD0001", "Cancel"},
		{"ship-back carrier", func() {
			s.term.ShowParts("defective", "")
			tapButton(t, s.term.Object(), "Ship back…")
		}, "Courier", "DHL", "Cancel"},
		{"load list dates", func() {
			s.term.ShowOnWay()
			tapButton(t, s.term.OnWayPage(), "What to load")
			s.term.SetLoadRange(3) // Choose dates
		}, "", "2026-06-20", "Close"},
	}
	overlays := func() int { return len(w.Canvas().Overlays().List()) }
	for _, d := range dialogs {
		leaves := []struct {
			name string
			do   func()
		}{
			{"Escape", func() {
				focusField(t, w, front(w), d.hint)
				press(w, fyne.KeyEscape)
			}},
			{d.cancel, func() { tapButton(t, front(w), d.cancel) }},
		}
		for _, leave := range leaves {
			t.Run(d.name+"/"+leave.name, func(t *testing.T) {
				d.open()
				if overlays() != 1 {
					t.Fatalf("opening: %d overlays, want the dialog", overlays())
				}
				leave.do()
				if overlays() != 0 {
					t.Fatalf("%s on the dialog as it opened: %d overlays, want it closed at once:\n%s", leave.name, overlays(), labels(front(w)))
				}

				d.open()
				typeInto(t, front(w), d.hint, d.text)
				leave.do()
				ask := front(w)
				if shown := labels(ask); overlays() != 2 || !strings.Contains(shown, discardTypedQ) {
					t.Fatalf("%s with typing: %d overlays, asked:\n%s", leave.name, overlays(), shown)
				}
				if b := findButton(ask, "Discard"); b == nil || b.Importance != widget.DangerImportance {
					t.Errorf("Discard is not offered as a destructive action: %v", b)
				}
				tapButton(t, ask, "Keep editing")
				if overlays() != 1 || fieldText(t, front(w), d.hint) != d.text {
					t.Fatalf("Keep editing: %d overlays, want the dialog with the typing:\n%s", overlays(), labels(front(w)))
				}
				leave.do()
				tapButton(t, front(w), "Discard")
				if overlays() != 0 {
					t.Fatalf("Discard: %d overlays, want the dialog closed", overlays())
				}
			})
		}
	}

	// Dates typed and shown (Show, or Enter in a date) are the list on
	// screen: closing it loses nothing.
	s.term.ShowOnWay()
	tapButton(t, s.term.OnWayPage(), "What to load")
	s.term.SetLoadRange(3)
	typeInto(t, front(w), "", "2026-06-20")
	tapButton(t, front(w), "Show")
	tapButton(t, front(w), "Close")
	if overlays() != 0 {
		t.Fatalf("Close on dates shown: %d overlays, want it closed at once:\n%s", overlays(), labels(front(w)))
	}
}

// TestRepairDraftIsSaidAsTheOthers: a repair log entry typed and left
// unsaved (the form cut short by the lock screen) is said as the
// technician leaves the ticket, as a diagnosis's draft is, alone and
// with the others; back on the ticket a line at its top says an entry
// waits and "Finish it" opens the form on it, also after a restart.
// Saving it takes the line away.
func TestRepairDraftIsSaidAsTheOthers(t *testing.T) {
	term, w, ds, deps, _ := draftTerminal(t)
	a, b := assignedTicket(t, ds, app.KindOnSite, 0), assignedTicket(t, ds, app.KindOnSite, 1)
	const entry = "Replaced the drain pump"
	const waiting = "A repair log entry you typed is not saved yet."

	term.Detail().Show(a.ID)
	if visible(term.Detail().Object(), waiting) {
		t.Fatalf("with no draft the ticket says one waits:\n%s", visibleText(term.Detail().Object()))
	}
	tapButton(t, term.Detail().Object(), "Log repair")
	typeInto(t, front(w), repairHint, entry)
	term.FirePaneTimers()
	// Cut short: the form goes as the lock screen takes the dialogs.
	for _, o := range w.Canvas().Overlays().List() {
		w.Canvas().Overlays().Remove(o)
	}
	term.Detail().Show(b.ID)
	if want, got := "Your repair log entry on "+a.Number+" is kept as a draft.", term.ScanStatus(); got != want || !term.ScanBarShown() {
		t.Errorf("leaving %s with the entry typed, the note below says %q (shown %v), want %q", a.Number, got, term.ScanBarShown(), want)
	}

	back := func(term *ui.Terminal, w fyne.Window, when string) {
		t.Helper()
		term.Detail().Show(a.ID)
		detail := term.Detail().Object()
		if !visible(detail, waiting) {
			t.Fatalf("%s: the ticket does not say an entry waits:\n%s", when, visibleText(detail))
		}
		tapButton(t, detail, "Finish it")
		if got := fieldText(t, front(w), repairHint); got != entry {
			t.Fatalf("%s: Finish it opened the form with %q, want the draft", when, got)
		}
		press(w, fyne.KeyEscape) // untouched: closes at once, the draft kept
	}
	back(term, w, "back on the ticket")
	if term.ScanBarShown() {
		t.Errorf("back on %s, the note below still says %q", a.Number, term.ScanStatus())
	}
	again, aw := openTerminal(t, deps)
	back(again, aw, "after a restart")

	// With a diagnosis typed too, both are said.
	typeInto(t, again.Detail().Object(), diagnosisHint, "Pump seized")
	again.Detail().Show(b.ID)
	if want, got := "Your diagnosis and repair log entry on "+a.Number+" are kept as drafts.", again.ScanStatus(); got != want {
		t.Errorf("leaving with a diagnosis and an entry typed, the note below says %q, want %q", got, want)
	}

	again.Detail().Show(a.ID)
	tapButton(t, again.Detail().Object(), "Finish it")
	typeInto(t, front(aw), "0 to 1440", "30")
	tapButton(t, front(aw), "Save")
	if detail := again.Detail().Object(); visible(detail, waiting) {
		t.Errorf("the entry saved, the ticket still says one waits:\n%s", visibleText(detail))
	}
}

// TestFormHintsReadWholeOnAPhone: on a 360 dp phone a form's field is
// as wide as its hint needs, the label above it where beside it the
// hint would be cut, in every language: the repair log's example in
// French and the payment's reference in Chinese were cut to their first
// words before.
func TestFormHintsReadWholeOnAPhone(t *testing.T) {
	forms := []struct {
		name   string
		button func() string
		hint   func() string
	}{
		{"repair log", func() string { return lang.X("repair.add", "Log repair") },
			func() string { return lang.X("repair.what_hint", "e.g. replaced the drain pump") }},
		{"payment", func() string { return lang.X("money.take", "Take payment") },
			func() string { return lang.X("payment.reference_hint", "Slip or transaction number (card, mobile)") }},
	}
	for _, code := range []string{"en", "zh-Hans", "fr", "es", "pt"} {
		for _, f := range forms {
			t.Run(code+"/"+f.name, func(t *testing.T) {
				var term *ui.Terminal
				var w fyne.Window
				var id app.TicketID
				if f.name == "payment" {
					var deps ui.Deps
					term, w, deps, _ = moneyTerminal(t, "D12")
					tk, _ := paidTicket(t, term, deps, "356938035643809")
					id = tk.ID
				} else {
					term, w, _, _ = ticketTerminal(t, nil)
					id = inProgress(t, term)
				}
				inLanguage(t, code)
				w.Resize(smallPhone)
				term.Detail().Show(id)
				tapButton(t, term.Detail().Object(), f.button())
				for range 2 { // as the driver's frames do (TestEveryPageFitsASmallPhone)
					w.Resize(smallPhone)
					for _, o := range w.Canvas().Overlays().List() {
						layOutAgain(o)
					}
				}
				hint := f.hint()
				var field *widget.Entry
				walk(front(w), func(o fyne.CanvasObject) {
					if e := entryOf(o); e != nil && e.PlaceHolder == hint {
						field = e
					}
				})
				if field == nil {
					t.Fatalf("no field hinting %q:\n%s", hint, labels(front(w)))
				}
				need := fyne.MeasureText(hint, theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding()
				if got := field.Size().Width; got < need {
					t.Errorf("the field hinting %q is %.0f dp wide, its hint needs %.0f: cut", hint, got, need)
				}
			})
		}
	}
}
