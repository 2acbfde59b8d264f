package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// serialNoteDialog is the add-part dialog of tk, a working ticket, with
// part, a serialized part of the van, chosen: of its units, units[0] is
// fitted on other, another open ticket, and units[1] on tk.
type serialNoteDialog struct {
	term      *ui.Terminal
	w         fyne.Window
	kb        *keyboard
	deps      ui.Deps
	dlg       fyne.CanvasObject
	tk, other app.Ticket
	part      app.Part
	units     []string
}

// openSerialNoteDialog opens serialNoteDialog on a terminal whose deps
// edit changes first (nil: none).
func openSerialNoteDialog(t *testing.T, edit func(*ui.Deps)) serialNoteDialog {
	t.Helper()
	var d serialNoteDialog
	var ds app.Dataset
	d.term, d.w, d.kb, ds, d.deps = scanTerminalWith(t, time.Local, edit)
	d.tk = workingTicket(t, d.term, ds, d.deps)
	d.part, d.units = vanUnits(t, d.deps)
	d.other = otherOpenTicket(t, ds, d.tk.ID)
	for _, f := range []struct {
		tk     app.TicketID
		serial string
	}{{d.other.ID, d.units[0]}, {d.tk.ID, d.units[1]}} {
		if _, err := d.deps.Commit.Commit(t.Context(), d.deps.Actor, &app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: f.tk, Part: d.part.Number,
			Qty: 1, Serial: f.serial, From: demoVan}}); err != nil {
			t.Fatal(err)
		}
	}
	d.dlg = openPicker(t, d.term, d.w)
	typeInto(t, d.dlg, "Part number", string(d.part.Number))
	return d
}

// TestSerialNoteAtTheScan: a unit's serial scanned into the add-part
// dialog's serial box says at once, under the box, that the unit is fitted
// on another ticket (its number, customer and day), before Fit is tapped
// and without a question over the dialog; a serial never fitted says nothing;
// a unit fitted on this ticket says in red that it is, as Fit refuses it;
// a unit removed since as defective says so; an emptied box says nothing.
// Before, all of it waited for a tap on Fit.
func TestSerialNoteAtTheScan(t *testing.T) {
	d := openSerialNoteDialog(t, nil)
	term, w, kb, deps, dlg, tk, other, part, units := d.term, d.w, d.kb, d.deps, d.dlg, d.tk, d.other, d.part, d.units
	note := func(want string, imp widget.Importance) {
		t.Helper()
		got, gotImp := term.PickerSerialNote()
		if want == "" {
			if got != "" {
				t.Errorf("the serial note says %q, want nothing", got)
			}
			return
		}
		if !strings.Contains(got, want) || gotImp != imp {
			t.Errorf("the serial note says %q (importance %v), want %q (%v)", got, gotImp, want, imp)
		}
		if top := w.Canvas().Overlays().Top(); top != dlg {
			t.Errorf("a dialog over the add-part dialog: %s", labels(top))
		}
	}
	note("", 0)
	box := term.PickerSerialBox()
	w.Canvas().Focus(box)
	kb.scan(box, units[0])
	note("Serial "+units[0]+" is fitted on ticket "+other.Number+" ("+other.Customer.Name+", ", widget.WarningImportance)
	shoot(t, w, "serialnote-elsewhere")
	if used := ticketNow(t, deps, tk.ID).Parts; len(used) != 1 {
		t.Fatalf("the scan fitted: %+v", used)
	}

	// A serial no fit has: nothing to say (the units say none in the van
	// has it, and Fit asks).
	typeInto(t, dlg, "Serial of the new part", "NOT-IN-VAN-7")
	note("", 0)

	// The unit fitted on this ticket, typed in another case: red.
	typeInto(t, dlg, "Serial of the new part", strings.ToLower(units[1]))
	note("Serial "+units[1]+" is fitted on this ticket already. Check the serial on the unit in your hand", widget.DangerImportance)
	shoot(t, w, "serialnote-here")

	// The box emptied: nothing.
	typeInto(t, dlg, "Serial of the new part", "")
	note("", 0)

	// The unit of the other ticket removed since as defective.
	if _, err := deps.Commit.Commit(t.Context(), deps.Actor, &app.ReturnDefective{Movement: app.StockMovement{ID: app.NewID(), Part: part.Number,
		To: term.PickerDefectiveBin(), Qty: 1, Serial: units[0], Ticket: other.ID}}); err != nil {
		t.Fatal(err)
	}
	typeInto(t, dlg, "Serial of the new part", units[0])
	note("Serial "+units[0]+" was fitted on ticket "+other.Number+" ("+other.Customer.Name+", ", widget.WarningImportance)
	if !strings.Contains(func() string { s, _ := term.PickerSerialNote(); return s }(), "removed since as defective") {
		t.Errorf("the note does not say the unit was removed")
	}

	// That unit tested good and went back into the van: a unit at the
	// stock, whatever its fits, says nothing (Fit takes it as it is).
	if _, err := deps.Commit.Commit(t.Context(), deps.Actor, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: app.NewID(), Part: part.Number,
		From: term.PickerDefectiveBin(), To: demoVan, Qty: 1, Serial: units[0]}}); err != nil {
		t.Fatal(err)
	}
	typeInto(t, dlg, "Serial of the new part", "")
	typeInto(t, dlg, "Serial of the new part", strings.ToLower(units[0]))
	note("", 0)
}

// TestSerialNoteKeepsTheLatestSerial: on a device whose look-ups answer
// late (a slow tablet, years of fits), typing into the serial box runs one
// look-up at a time, never one per keystroke queued behind the others, and
// a look-up that answers after the box changed never puts its serial's
// note over what the box holds since: the latest serial is looked up when
// it ends, and its answer is the one shown; a box emptied meanwhile says
// nothing. The held look-ups are run newest first, the order in which a
// stale answer would land last.
func TestSerialNoteKeepsTheLatestSerial(t *testing.T) {
	var held []func()
	holding := false
	d := openSerialNoteDialog(t, func(deps *ui.Deps) {
		run := deps.Run
		deps.Run = func(f func()) {
			if holding {
				held = append(held, f)
				return
			}
			run(f)
		}
	})
	term, dlg, units, other := d.term, d.dlg, d.units, d.other
	box := term.PickerSerialBox()
	elsewhere := "Serial " + units[0] + " is fitted on ticket " + other.Number
	here := "Serial " + units[1] + " is fitted on this ticket already"
	// drain runs the held look-ups, newest first, and fails if a note
	// speaks of the serial typed before; it returns how many ran.
	drain := func() int {
		t.Helper()
		ran := 0
		for len(held) > 0 {
			f := held[len(held)-1]
			held = held[:len(held)-1]
			f()
			ran++
			if got, _ := term.PickerSerialNote(); strings.Contains(got, elsewhere) {
				t.Fatalf("after %d look-ups the box holds %q and the note speaks of the serial given before: %q", ran, box.Text, got)
			}
		}
		return ran
	}

	holding = true
	box.SetText(units[0]) // scanned: its look-up waits
	typeInto(t, dlg, "Serial of the new part", strings.ToLower(units[1]))
	if len(held) != 1 {
		t.Errorf("a scan and %d keystrokes left %d look-ups waiting, want 1 (the scan's, the latest to follow)", len(units[1])+1, len(held))
	}
	if ran := drain(); ran != 2 {
		t.Errorf("a scan and a typed serial ran %d look-ups, want 2 (the scan's and the latest's)", ran)
	}
	if got, imp := term.PickerSerialNote(); !strings.Contains(got, here) || imp != widget.DangerImportance {
		t.Errorf("once the look-ups ended the note says %q (importance %v), want %q in red", got, imp, here)
	}

	// Scanned, then the box emptied before the look-up answers: nothing.
	box.SetText(units[0])
	box.SetText("")
	drain()
	if got, _ := term.PickerSerialNote(); got != "" {
		t.Errorf("the box emptied, the note says %q", got)
	}
}
