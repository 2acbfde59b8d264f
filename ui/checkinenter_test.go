package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// Enter in the check-in form moves on to the next field, as Tab does: a
// clerk types field after field, and a keyboard-wedge scanner set slower
// than the wedge's burst gap (its Enter looks typed) lands on the field
// after the serial. From the last field Enter goes round to a field still
// needed, and checks in when none is.

// slowScanner is a scanner's pace that the wedge reads as typing: 60 ms a
// key, over its 35 ms burst gap (cheap Bluetooth scanners).
const slowScanner = 60 * time.Millisecond

// keyIn types text into the field with the focus in w, a key every step,
// then Enter.
func keyIn(w fyne.Window, kb *keyboard, text string, step time.Duration) {
	kb.clock = kb.clock.Add(time.Second) // a pause before it
	kb.step = step
	for _, r := range text {
		w.Canvas().Focused().TypedRune(r)
	}
	press(w, fyne.KeyReturn)
}

// counterCheckIn opens the check-in form with the counter's button.
func counterCheckIn(t *testing.T, term *ui.Terminal) *ui.CheckIn {
	t.Helper()
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	if form == nil {
		t.Fatal("the check-in form did not open")
	}
	return form
}

// ticketsWithSerial counts the saved tickets with serial.
func ticketsWithSerial(t *testing.T, deps ui.Deps, serial string) int {
	t.Helper()
	_, n, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: serial})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSlowScanEnterInTheSerialGoesToTheNextField(t *testing.T) {
	term, w, kb, _, deps := scanTerminal(t)
	form := counterCheckIn(t, term)
	form.Fill(app.CategoryPhone, "Zhou Min", "+86 139 0000 0001", "Xiaomi", "Redmi 12", "", "", "")
	const serial = "356938035643817"
	w.Canvas().Focus(form.Input("serial"))
	keyIn(w, kb, serial, slowScanner)

	if got := form.Serial(); got != serial {
		t.Errorf("serial field holds %q after the slow scan, want %q", got, serial)
	}
	if got := form.FocusedField(w); got != "bought" {
		t.Errorf("the focus is on %q after the scanner's Enter, want the purchase date, the next field", got)
	}
	if shown := form.ShownProblems(); len(shown) != 0 {
		t.Errorf("the scanner's Enter showed problems at %v; a refusal shows only for a submit", shown)
	}
	if term.CheckInForm() == nil || ticketsWithSerial(t, deps, serial) != 0 {
		t.Error("the scanner's Enter closed the form or saved a ticket with the fault missing")
	}
}

// TestEnterAfterChoosingTheProductGoesToTheBrand: what is typed after an
// Enter lands in the next field, also past optional ones: with the focus
// moving to the next field needed, the brand typed after choosing the
// product went into the serial (found living in the app at 720x1280).
func TestEnterAfterChoosingTheProductGoesToTheBrand(t *testing.T) {
	term, w, kb, _, _ := scanTerminal(t)
	form := counterCheckIn(t, term)
	if got := form.FocusedField(w); got != "phone" {
		t.Fatalf("the form opened with the focus on %q, want the phone", got)
	}
	keyIn(w, kb, "+86 139 0000 0001", 150*time.Millisecond)
	if got := form.FocusedField(w); got != "customer" {
		t.Errorf("the focus is on %q after Enter in the phone, want the customer", got)
	}
	keyIn(w, kb, "Zhou Min", 150*time.Millisecond)
	form.ChooseCategory(0) // a tap on the drop-down's first product
	w.Canvas().Focus(form.Input("category"))
	press(w, fyne.KeyReturn)
	keyIn(w, kb, "Xiaomi", 150*time.Millisecond)
	keyIn(w, kb, "Redmi 12", 150*time.Millisecond)
	if form.Brand() != "Xiaomi" || form.Model() != "Redmi 12" || form.Serial() != "" {
		t.Errorf("after the product, Enter, the brand, Enter, the model, Enter: brand %q, model %q, serial %q", form.Brand(), form.Model(), form.Serial())
	}
	if got := form.FocusedField(w); got != "serial" {
		t.Errorf("the focus is on %q after the model, want the serial", got)
	}
	if shown := form.ShownProblems(); len(shown) != 0 {
		t.Errorf("Enter on the way showed problems at %v", shown)
	}
}

// TestEnterOnAnEmptyProductOpensItsList: a clerk pressing Enter from
// field to field does not pass the product by (it has no default, and a
// submit without it is refused): Enter on it while nothing is chosen opens
// its list, the arrows and Enter choose, and the next Enter moves on. A
// product already chosen is passed as any field (lead's Spanish counter
// walk: two Enters went from the customer to the brand).
func TestEnterOnAnEmptyProductOpensItsList(t *testing.T) {
	term, w, kb, _, _ := scanTerminal(t)
	form := counterCheckIn(t, term)
	keyIn(w, kb, "+86 139 0000 0001", 150*time.Millisecond)
	keyIn(w, kb, "Zhou Min", 150*time.Millisecond)
	if got := form.FocusedField(w); got != "category" {
		t.Fatalf("the focus is on %q after the customer, want the product", got)
	}
	overlays := len(w.Canvas().Overlays().List())
	press(w, fyne.KeyReturn)
	if got := form.FocusedField(w); got == "brand" {
		t.Fatal("Enter on the empty product moved on to the brand; it should open the product's list")
	}
	if n := len(w.Canvas().Overlays().List()); n != overlays+1 {
		t.Fatalf("Enter on the empty product: %d overlays, want the list over the form's %d", n, overlays)
	}
	press(w, fyne.KeyDown)
	press(w, fyne.KeyReturn)
	if got := form.CategoryChosen(); got != 0 {
		t.Fatalf("Down and Enter in the product's list chose %d, want the first product", got)
	}
	if n := len(w.Canvas().Overlays().List()); n != overlays {
		t.Fatalf("the list stayed open after the choice: %d overlays, want %d", n, overlays)
	}
	if got := form.FocusedField(w); got != "category" {
		t.Fatalf("after the choice the focus is on %q, want the product", got)
	}
	press(w, fyne.KeyReturn)
	if got := form.FocusedField(w); got != "brand" {
		t.Errorf("Enter on the chosen product: the focus is on %q, want the brand", got)
	}
	if shown := form.ShownProblems(); len(shown) != 0 {
		t.Errorf("Enter on the way showed problems at %v", shown)
	}
}

// TestEnterInTheLastFieldGoesToWhatIsMissing: from the last field Enter
// goes round to the first field a submit would refuse, saying nothing
// yet; with nothing missing it checks in.
func TestEnterInTheLastFieldGoesToWhatIsMissing(t *testing.T) {
	term, w, kb, _, deps := scanTerminal(t)
	form := counterCheckIn(t, term)
	form.Fill(app.CategoryPhone, "", "+86 139 0000 0001", "", "", "", "", "Screen cracked")
	const serial = "356938035643817"
	w.Canvas().Focus(form.Input("serial"))
	keyIn(w, kb, serial, slowScanner)
	w.Canvas().Focus(form.LastField())
	press(w, fyne.KeyReturn)
	if got := form.FocusedField(w); got != "customer" {
		t.Errorf("the focus is on %q after Enter in the last field with the customer empty, want the customer", got)
	}
	if shown := form.ShownProblems(); len(shown) != 0 || term.CheckInForm() == nil {
		t.Errorf("Enter with the customer missing showed problems at %v or closed the form", shown)
	}

	// Nothing is missing: Enter in the last field checks in.
	keyIn(w, kb, "Zhou Min", 150*time.Millisecond)
	w.Canvas().Focus(form.LastField())
	press(w, fyne.KeyReturn)
	if term.CheckInForm() != nil {
		t.Fatalf("Enter in the last field with nothing missing did not check in; problems at %v: %q", form.ShownProblems(), form.Problem())
	}
	if n := ticketsWithSerial(t, deps, serial); n != 1 {
		t.Fatalf("%d tickets with serial %s after the check-in, want 1", n, serial)
	}
}

// TestKeyboardWalkThroughTheCheckInForm: each Enter lands on the next
// field, and the fault keeps Enter for its lines.
func TestKeyboardWalkThroughTheCheckInForm(t *testing.T) {
	term, w, kb, _, _ := scanTerminal(t)
	form := counterCheckIn(t, term)
	const serial = "356938035643817"
	step := func(text string, pace time.Duration, want string) {
		t.Helper()
		keyIn(w, kb, text, pace)
		if got := form.FocusedField(w); got != want {
			t.Fatalf("after %q and Enter the focus is on %q, want %q", text, got, want)
		}
		if shown := form.ShownProblems(); len(shown) != 0 {
			t.Fatalf("after %q and Enter problems show at %v", text, shown)
		}
	}
	step("+86 139 0000 0001", 150*time.Millisecond, "customer")
	step("Zhou Min", 150*time.Millisecond, "category")
	form.ChooseCategory(0) // a tap on the drop-down's first product
	step("", 0, "brand")
	step("Xiaomi", 150*time.Millisecond, "model")
	step("Redmi 12", 150*time.Millisecond, "serial")
	step(serial, slowScanner, "bought")
	step("", 0, "proof")
	step("", 0, "fault")
	// In the fault Enter breaks the line, here after the fault's words.
	keyIn(w, kb, "No sound", 150*time.Millisecond)
	if term.CheckInForm() == nil || form.FocusedField(w) != "fault" {
		t.Fatal("Enter in the fault left it; it breaks the line")
	}
}

func TestCtrlEnterSubmitsWhatIsMissing(t *testing.T) {
	ctrlEnter := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	for _, field := range []string{"customer", "fault"} {
		t.Run(field, func(t *testing.T) {
			term, w, kb, _, deps := scanTerminal(t)
			form := counterCheckIn(t, term)
			form.Fill("", "", "+86 139 0000 0001", "", "", "", "", "")
			w.Canvas().Focus(form.Input(field))
			kb.typeSlowly(w.Canvas().Focused(), "Hums", false)
			shortcut(w, ctrlEnter)
			if !strings.Contains(form.Problem(), "kind of product") || form.FieldProblem("category") == "" {
				t.Errorf("Ctrl+Enter in the %s with the category missing: message %q, under the category %q", field, form.Problem(), form.FieldProblem("category"))
			}
			if got := form.FocusedField(w); got != "category" {
				t.Errorf("the focus is on %q after the refusal, want the category it names", got)
			}
			if term.CheckInForm() == nil || ticketsWithSerial(t, deps, "Hums") != 0 {
				t.Error("Ctrl+Enter on an incomplete form closed it or saved a ticket")
			}
		})
	}
}

// tab is Tab as Fyne's desktop driver delivers it (glfw capturesTab): to a
// focused widget that accepts Tab, else it moves the focus on.
func tab(w fyne.Window) {
	if f, ok := w.Canvas().Focused().(fyne.Tabbable); ok && f.AcceptsTab() {
		press(w, fyne.KeyTab)
		return
	}
	w.Canvas().FocusNext()
}

// TestTabLeavesTheFault: Tab in the fault, where Enter breaks the line,
// moves on to the fields after it, as Tab does everywhere else in the
// form; Fyne's multi-line entry typed a tab into the fault instead, and a
// keyboard could not leave it.
func TestTabLeavesTheFault(t *testing.T) {
	term, w, kb, _, _ := scanTerminal(t)
	form := counterCheckIn(t, term)
	w.Canvas().Focus(form.Input("fault"))
	kb.clock = kb.clock.Add(time.Second)
	kb.step = 150 * time.Millisecond
	for _, r := range "No sound" {
		w.Canvas().Focused().TypedRune(r)
	}
	tab(w)
	if got := form.Fault(); got != "No sound" {
		t.Errorf("the fault holds %q after Tab, want %q", got, "No sound")
	}
	if got := form.FocusedField(w); got == "fault" {
		t.Error("Tab left the focus in the fault")
	}
}
