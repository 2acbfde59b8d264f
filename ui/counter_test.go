package ui_test

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// TestCounterCheckInToPickUp is the repair counter's day: a device checked
// in with its condition, accessories and a photo, repaired, and handed
// back when its claim tag (or the intake receipt's number) is scanned; the
// ticket's Hand back and close names the same checks.
func TestCounterCheckInToPickUp(t *testing.T) {
	term, w, _, _, deps := scanTerminal(t)
	ctx := context.Background()
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	if form == nil {
		t.Fatal("no check-in form")
	}
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: "356938035643809"}})
	form.Fill(app.CategoryPhone, "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", "", "", "Screen flickers")
	form.SetCondition(false, true, false, "charger, case")
	photo, err := scanner.LabelPNG(scanner.PartLabel{Part: "X"}, scanner.Label62x29)
	if err != nil {
		t.Fatal(err)
	}
	form.AddPhoto("front.png", photo)
	form.Submit()
	if p := form.Problem(); p != "" {
		t.Fatalf("check-in refused: %s", p)
	}
	press(w, fyne.KeyEscape) // the claim tag's print dialog (TestCheckInOpensTheClaimTag)
	found, n, err := deps.Tickets.FindTickets(ctx, app.TicketFilter{Query: "356938035643809"})
	if err != nil || n != 1 {
		t.Fatalf("checked-in tickets: %d, %v", n, err)
	}
	tk := found[0]
	d := ticketNow(t, deps, tk.ID)
	if c := d.Ticket.Condition; !c.PhysicalDamage || c.LiquidDamage || c.Accessories != "charger, case" {
		t.Errorf("condition %+v", c)
	}
	if len(d.Photos) != 1 || d.Photos[0].Kind != "condition" {
		t.Errorf("condition photos: %+v", d.Photos)
	}

	// The repair, done at the bench.
	diag := "Display connector loose"
	for _, cmd := range []app.Command{
		&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
		&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: "Reseated the connector", Minutes: 20}},
		&app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &diag}},
		&app.TransitionTicket{Action: app.ActionComplete, Ticket: tk.ID, Epoch: tk.Epoch, Resolution: app.ResolutionRepaired},
	} {
		if _, err := deps.Commit.Commit(ctx, deps.Actor, cmd); err != nil {
			t.Fatal(err)
		}
	}

	// The ticket's own Hand back and close asks what the scanned tag's
	// pick-up asks: the phone's last digits and what to give back.
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Hand back and close")
	for _, want := range []string{"…5678", "charger, case", "Hand the device back first"} {
		if shown := labels(front(w)); !strings.Contains(shown, want) {
			t.Errorf("Hand back and close's question lacks %q:\n%s", want, shown)
		}
	}
	press(w, fyne.KeyEscape)

	// The intake receipt the customer kept: its QR Code is the number.
	term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: tk.Number}})
	for _, want := range []string{"Pick-up of " + tk.Number, "…5678", "charger, case"} {
		if shown := labels(front(w)); !strings.Contains(shown, want) {
			t.Errorf("scanning the intake receipt's number offers no pick-up with %q:\n%s", want, shown)
		}
	}
	press(w, fyne.KeyEscape)

	// Pick-up: the customer shows the tag.
	text, err := scanner.FormatLabel(scanner.ClaimTagFor(tk).Label())
	if err != nil {
		t.Fatal(err)
	}
	term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: text}})
	dlg := w.Canvas().Overlays().Top()
	shown := labels(dlg)
	for _, want := range []string{"…5678", "charger, case", tk.Number} {
		if !strings.Contains(shown, want) {
			t.Errorf("pick-up dialog lacks %q:\n%s", want, shown)
		}
	}
	// Escape, like "Not yet", hands nothing back.
	press(w, fyne.KeyEscape)
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusCompleted || len(w.Canvas().Overlays().List()) != 0 {
		t.Fatalf("after Escape the ticket is %s with %d dialogs open", got, len(w.Canvas().Overlays().List()))
	}
	term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: text}})
	dlg = w.Canvas().Overlays().Top()
	if !strings.Contains(labels(dlg), "Not yet") {
		t.Errorf("the pick-up's other button does not say what it does:\n%s", labels(dlg))
	}
	tapButton(t, dlg, "Hand back and close")
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusClosed {
		t.Fatalf("after pick-up the ticket is %s", got)
	}
}

// TestCheckInFormSaysWhatIsWrongWhereItIs: the form's errors show under
// the field they are about, scrolled into view from the bottom of the
// form, and above the buttons, which stay out of the scroll; the ticket checked in opens selected in the list, with what
// was noted at the counter.
func TestCheckInFormSaysWhatIsWrongWhereItIs(t *testing.T) {
	term, _, _, _, deps := scanTerminal(t)
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	if !form.Pinned() {
		t.Fatal("the Check in button or the message scrolls with the fields")
	}
	for _, tc := range []struct {
		name                     string
		category                 app.Category
		bought, fault, wantField string
		want                     string
	}{
		{"no category", "", "", "Screen flickers", "category", "kind of product"},
		{"bad date", app.CategoryPhone, "31/12/2025", "Screen flickers", "bought", "YYYY-MM-DD"},
		{"no serial", app.CategoryPhone, "", "Screen flickers", "serial", "serial number or IMEI"},
	} {
		form.Fill(tc.category, "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", tc.bought, "", tc.fault)
		field, scroll := form.FieldObject(tc.wantField)
		scroll.ScrollToBottom() // where the clerk pressed Check in
		form.Submit()
		if got := form.FieldProblem(tc.wantField); !strings.Contains(got, tc.want) || form.Problem() != got {
			t.Errorf("%s: under %s %q, above the buttons %q; want %q in both", tc.name, tc.wantField, got, form.Problem(), tc.want)
		}
		d := fyne.CurrentApp().Driver()
		if y, top := d.AbsolutePositionForObject(field).Y, d.AbsolutePositionForObject(scroll).Y; y < top || y+field.Size().Height > top+scroll.Size().Height {
			t.Errorf("%s: the %s field is out of view: at %v, the form shows %v to %v", tc.name, tc.wantField, y, top, top+scroll.Size().Height)
		}
		for _, other := range []string{"customer", "category", "serial", "bought", "fault"} {
			if other != tc.wantField && form.FieldProblem(other) != "" {
				t.Errorf("%s: %s also shows %q", tc.name, other, form.FieldProblem(other))
			}
		}
	}
	if _, n, _ := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: "Li Na"}); n != 0 {
		t.Fatalf("%d tickets saved from refused forms", n)
	}

	// Before: another ticket is open. After the check-in, the new one is.
	before := term.List().Tickets()[0]
	term.List().Select(0)
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: "356938035643817"}})
	form.Fill(app.CategoryPhone, "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", "", "", "Screen flickers")
	form.SetCondition(true, false, true, "charger")
	form.Submit()
	if p := form.Problem(); p != "" {
		t.Fatalf("check-in refused: %s", p)
	}
	found, n, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: "356938035643817"})
	if err != nil || n != 1 {
		t.Fatalf("checked-in tickets: %d, %v", n, err)
	}
	tk := found[0]
	if got := term.List().SelectedID(); got != tk.ID {
		t.Errorf("list selects %q, want the new %s (%q); before it was %s", got, tk.Number, tk.ID, before.Number)
	}
	// A reload (as after a sync) keeps it selected.
	term.List().Reload()
	if got := term.List().SelectedID(); got != tk.ID {
		t.Errorf("after a reload the list selects %q, want %s", got, tk.Number)
	}
	shown := labels(term.Detail().Object())
	for _, want := range []string{tk.Number, "At check-in", "Liquid damage, Opened or repaired elsewhere", "charger"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the new ticket's detail lacks %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, before.Number) {
		t.Errorf("the detail still shows %s", before.Number)
	}
}
