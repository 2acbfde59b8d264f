package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// TestSerialFittedElsewhereIsNamed: a unit of the van fitted on another
// ticket, its serial typed on this one (in another case) asks, with a red
// Fit anyway, naming that ticket, its customer and the day, and fits it
// only when told to; the same serial fitted again on this ticket is
// refused, saying what to check, nothing saved and the dialog left open.
// Before, both asked "Serial not in Van" without a word of the other
// ticket, and the second fit was saved.
func TestSerialFittedElsewhereIsNamed(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	tk := workingTicket(t, term, ds, deps)
	part, units := vanUnits(t, deps)
	other := otherOpenTicket(t, ds, tk.ID)
	if _, err := deps.Commit.Commit(t.Context(), deps.Actor, &app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: other.ID, Part: part.Number,
		Qty: 1, Serial: units[0], From: demoVan}}); err != nil {
		t.Fatal(err)
	}

	dlg := openPicker(t, term, w)
	typeInto(t, dlg, "Part number", string(part.Number))
	typeInto(t, dlg, "Serial of the new part", strings.ToLower(units[0]))
	tapButton(t, dlg, "Fit part")
	ask := w.Canvas().Overlays().Top()
	if ask == dlg || ask == nil {
		t.Fatal("a serial fitted on another ticket was not asked about")
	}
	text := labels(ask)
	for _, want := range []string{"Serial fitted on ticket " + other.Number, "Serial " + units[0] + " was fitted on ticket " + other.Number + " (" + other.Customer.Name + ", ", "fit it here too?"} {
		if !strings.Contains(text, want) {
			t.Errorf("the question lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Serial not in") {
		t.Errorf("the question still says the serial is unknown:\n%s", text)
	}
	if b := button(ask, "Fit anyway"); b == nil || b.Importance != widget.DangerImportance {
		t.Errorf("Fit anyway should be a red button: %v", b)
	}
	shoot(t, w, "fitelsewhere-question")
	tapButton(t, ask, "Don't fit")
	if used := ticketNow(t, deps, tk.ID).Parts; len(used) != 0 {
		t.Fatalf("declined, yet fitted: %+v", used)
	}
	tapButton(t, dlg, "Fit part")
	tapButton(t, w.Canvas().Overlays().Top(), "Fit anyway")
	used := ticketNow(t, deps, tk.ID).Parts
	if len(used) != 1 || !strings.EqualFold(used[0].Serial, units[0]) {
		t.Fatalf("fitted anyway: %+v", used)
	}

	// The same unit again on this ticket: refused, the dialog kept.
	dlg = openPicker(t, term, w)
	typeInto(t, dlg, "Part number", string(part.Number))
	typeInto(t, dlg, "Serial of the new part", units[0])
	tapButton(t, dlg, "Fit part")
	top := w.Canvas().Overlays().Top()
	if top == dlg || top == nil || !strings.Contains(labels(top), "is fitted on this ticket already. Check the serial on the unit in your hand") {
		t.Fatalf("fitting %s twice on one ticket: %v", units[0], labels(top))
	}
	if button(top, "Fit anyway") != nil {
		t.Errorf("the refusal offers to fit anyway:\n%s", labels(top))
	}
	shoot(t, w, "fitelsewhere-refused")
	if used := ticketNow(t, deps, tk.ID).Parts; len(used) != 1 {
		t.Fatalf("refused, yet fitted: %+v", used)
	}
	w.Canvas().Overlays().Remove(top)
	if w.Canvas().Overlays().Top() != dlg {
		t.Fatal("the refusal closed the add-part dialog")
	}
}

// otherOpenTicket is another open ticket of the demo technician's with a
// customer, beside tk, for the tests that fit one unit on two tickets.
func otherOpenTicket(t *testing.T, ds app.Dataset, tk app.TicketID) app.Ticket {
	t.Helper()
	for _, d := range ds.Tickets {
		if o := d.Ticket; o.Technician == demo.DemoTechnician && o.ID != tk && o.Status.Open() && o.Customer.Name != "" {
			return o
		}
	}
	t.Fatal("the demo technician has one open ticket")
	return app.Ticket{}
}
