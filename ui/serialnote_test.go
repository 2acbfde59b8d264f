package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// TestSerialNoteAtTheScan: a unit's serial scanned into the add-part
// dialog's serial box says at once, under the box, that the unit is fitted
// on another ticket (its number, customer and day), before Fit is tapped
// and without a question over the dialog; a serial never fitted says nothing;
// a unit fitted on this ticket says in red that it is, as Fit refuses it;
// a unit removed since as defective says so; an emptied box says nothing.
// Before, all of it waited for a tap on Fit.
func TestSerialNoteAtTheScan(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)
	tk := workingTicket(t, term, ds, deps)
	part, units := vanUnits(t, deps)
	other := otherOpenTicket(t, ds, tk.ID)
	fit := func(tk app.TicketID, serial string) {
		t.Helper()
		if _, err := deps.Commit.Commit(t.Context(), deps.Actor, &app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: tk, Part: part.Number,
			Qty: 1, Serial: serial, From: demoVan}}); err != nil {
			t.Fatal(err)
		}
	}
	fit(other.ID, units[0])
	fit(tk.ID, units[1])

	dlg := openPicker(t, term, w)
	typeInto(t, dlg, "Part number", string(part.Number))
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
}
