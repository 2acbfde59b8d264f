package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/ui"
)

// returningCustomer is a demo ticket whose customer's phone finds them
// alone, with the devices the store knows of them.
func returningCustomer(t *testing.T, tickets app.TicketService, ds app.Dataset) (app.Ticket, app.KnownCustomer) {
	t.Helper()
	for _, d := range ds.Tickets {
		tk := d.Ticket
		if tk.Product.Serial == "" || len(app.PhoneDigits(tk.Customer.Phone)) < app.PhoneLookupDigits {
			continue
		}
		known, err := tickets.KnownCustomers(context.Background(), tk.Customer.Phone)
		if err != nil {
			t.Fatal(err)
		}
		if len(known) == 1 {
			return tk, known[0]
		}
	}
	t.Fatal("no demo customer found alone by their phone")
	return app.Ticket{}, app.KnownCustomer{}
}

// knownHint is what the look-up's place under the phone says with
// nothing looked up.
const knownHint = "Earlier visits of this phone number show here.\n"

// TestIntakeReturningCustomer is the counter's intake of a returning
// customer: the phone typed finds them and their earlier devices, once
// typing pauses; a tap on a device fills the customer and the device; the
// day promised is saved, shown on the ticket and printed on its tag.
func TestIntakeReturningCustomer(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	ctx := context.Background()
	old, known := returningCustomer(t, deps.Tickets, ds)
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	if form == nil {
		t.Fatal("no check-in form")
	}
	if w.Canvas().Focused() == nil || form.Focused(w) != "" {
		// The phone comes first: the focus is in it, not in a named field.
		t.Errorf("focus at opening is on %q, want the phone", form.Focused(w))
	}

	// Three digits look nothing up; the whole number, written another
	// way, once typing pauses.
	form.SetPhone("123")
	if term.FireSearch() {
		t.Fatal("a look-up waits for 3 digits")
	}
	digits := app.PhoneDigits(old.Customer.Phone)
	typed := digits[len(digits)-app.PhoneLookupDigits:]
	form.SetPhone(typed[:4] + " " + typed[4:6])
	form.SetPhone(typed[:4] + " " + typed[4:])
	if !term.FireSearch() {
		t.Fatal("no look-up waits after the phone was typed")
	}
	if term.FireSearch() {
		t.Fatal("two look-ups for one pause in typing")
	}
	shown := labels(form.Known())
	for _, d := range known.Devices {
		if !strings.Contains(shown, d.Number) {
			t.Errorf("the look-up lacks the earlier ticket %s:\n%s", d.Number, shown)
		}
	}
	dev := known.Devices[0]
	button := strings.TrimSpace(dev.Product.Brand + " " + dev.Product.Model)
	if dev.Product.Serial != "" {
		button += " · " + dev.Product.Serial
	}
	tapButton(t, form.Known(), button)
	if labels(form.Known()) != knownHint {
		t.Errorf("the list stays after a device was picked: %q", labels(form.Known()))
	}
	if form.Customer() != known.Customer.Name || form.Serial() != dev.Product.Serial || form.Brand() != dev.Product.Brand || form.Model() != dev.Product.Model {
		t.Fatalf("after the tap: customer %q, %q %q %q; want %q, %+v", form.Customer(), form.Brand(), form.Model(), form.Serial(), known.Customer.Name, dev.Product)
	}

	// Promised in two days; the fault, and check in.
	opts := form.PromiseOptions()
	if len(opts) != 15 || !strings.HasPrefix(opts[1], "Today") || !strings.HasPrefix(opts[2], "Tomorrow") {
		t.Fatalf("promise options %q", opts)
	}
	form.SetPromise(3)
	form.Fill(dev.Product.Category, known.Customer.Name, typed, "", dev.Product.Model, "", "", "Does not charge")
	form.Submit()
	if p := form.Problem(); p != "" {
		t.Fatalf("check-in refused: %s", p)
	}
	press(w, fyne.KeyEscape) // the claim tag's print dialog
	found, _, err := deps.Tickets.FindTickets(ctx, app.TicketFilter{Query: dev.Product.Serial, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var tk app.Ticket
	for _, f := range found {
		if f.Fault == "Does not charge" && f.ID != dev.Ticket {
			tk = f
		}
	}
	if tk.ID == "" {
		t.Fatalf("the new ticket is not found among %d", len(found))
	}
	today := deps.Now()
	want := time.Date(today.Year(), today.Month(), today.Day()+2, 0, 0, 0, 0, time.Local)
	if got := tk.PromisedAt.Local(); got.Year() != want.Year() || got.YearDay() != want.YearDay() {
		t.Fatalf("promised %v, want the day %v", got, want.Format(time.DateOnly))
	}
	if tk.Customer.Name != known.Customer.Name || tk.Customer.Email != known.Customer.Email || tk.Customer.Language != known.Customer.Language {
		t.Errorf("customer %+v, want the known one's %+v", tk.Customer, known.Customer)
	}
	detail := labels(term.Detail().Object())
	if !strings.Contains(detail, "Promised for") || !strings.Contains(detail, want.Format("2 Jan 2006")) {
		t.Errorf("the detail lacks the promise of %s:\n%s", want.Format("2 Jan 2006"), detail)
	}

	// The repair runs late: the counter moves the promise on the ticket.
	if !term.Detail().MovePromise(5) {
		t.Fatal("no way to move the promise on the open carry-in")
	}
	moved := ticketNow(t, deps, tk.ID).Ticket.PromisedAt.Local()
	if wantDay := want.AddDate(0, 0, 2); moved.YearDay() != wantDay.YearDay() {
		t.Fatalf("moved to %v, want the day %v", moved, wantDay.Format(time.DateOnly))
	}
	if !term.Detail().MovePromise(0) || !ticketNow(t, deps, tk.ID).Ticket.PromisedAt.IsZero() {
		t.Fatal("the promise cannot be withdrawn")
	}
}

// TestIntakeLookUpUnknownAndScanned: a number no ticket has says so; a
// phone scanned into the focused empty phone field is the phone, a serial
// scanned there goes to the serial.
func TestIntakeLookUpUnknownAndScanned(t *testing.T) {
	term, _, _, _, _ := scanTerminal(t)
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	form.FocusPhone()
	customerAt := form.CustomerAt()
	if got := form.FillScan(scanner.Meaning{Kind: scanner.ScanText, Text: "tel:+1 555 0000 9999"}); got != "+1 555 0000 9999" || form.Phone() != got {
		t.Fatalf("scanned phone went to %q; phone field %q", got, form.Phone())
	}
	if !term.FireSearch() {
		t.Fatal("no look-up after a scanned phone")
	}
	if shown := labels(form.Known()); !strings.Contains(shown, "No earlier tickets with this number") {
		t.Errorf("unknown number: %q", shown)
	}
	// The answer took the hint's place: the customer field, which the
	// counter reaches for next, has not moved.
	if at := form.CustomerAt(); at != customerAt {
		t.Errorf("the customer field moved from %v to %v when the look-up answered", customerAt, at)
	}
	// The phone is filled: a scan now is the device's serial.
	if got := form.FillScan(scanner.Meaning{Kind: scanner.ScanText, Text: "5550000"}); got != "5550000" || form.Serial() != "5550000" || form.Phone() != "+1 555 0000 9999" {
		t.Fatalf("second scan went to %q; serial %q, phone %q", got, form.Serial(), form.Phone())
	}
	// Fewer digits than a look-up needs take the list back.
	form.SetPhone("55")
	if term.FireSearch() || labels(form.Known()) != knownHint {
		t.Errorf("a 2-digit phone shows %q", labels(form.Known()))
	}
	// A serial typed there (a scan too slow to be taken for one) is no
	// phone: its digits look no one up.
	form.SetPhone("C02XK1ZZJG5H")
	if term.FireSearch() || labels(form.Known()) != knownHint {
		t.Errorf("a serial in the phone field shows %q", labels(form.Known()))
	}
}

// TestListFlagsBrokenPromise: an open carry-in past the day promised says
// so in the list; one still within it does not.
func TestListFlagsBrokenPromise(t *testing.T) {
	term, w, kb, _, deps := scanTerminal(t)
	now := deps.Now()
	for _, tc := range []struct {
		name     string
		promised time.Time
		late     bool
	}{
		{"Late Customer", now.Add(-2 * time.Hour), true},
		{"Waiting Customer", now.Add(48 * time.Hour), false},
	} {
		tk := app.Ticket{ID: app.TicketID(app.NewID()), Number: app.NewTicketNumber(now), Kind: app.KindCarryIn, Country: deps.Country,
			Product:  app.Product{Category: app.CategoryPhone, Brand: "Xiaomi", Model: "Redmi 12", Serial: "PROMISE" + strings.Fields(tc.name)[0]},
			Customer: app.Customer{Name: tc.name, Phone: "+86 139 0000 1111"}, Fault: "No sound", Priority: app.PriorityNormal,
			Status: app.StatusAssigned, CreatedAt: now.Add(-72 * time.Hour), PromisedAt: tc.promised}
		if _, err := deps.Commit.Commit(context.Background(), deps.Actor, &app.CreateTicket{Ticket: tk}); err != nil {
			t.Fatal(err)
		}
		rows := searchedRows(t, term, w, kb, tk.Number, tc.name)
		if got := strings.Contains(rows, "past the promised day"); got != tc.late {
			t.Errorf("%s: flagged %v, want %v:\n%s", tc.name, got, tc.late, rows)
		}
	}
}

// searchedRows types number into an emptied search box as a person does
// and returns the list's rows, failing unless one names name.
func searchedRows(t *testing.T, term *ui.Terminal, w fyne.Window, kb *keyboard, number, name string) string {
	t.Helper()
	w.Canvas().Focus(term.Search())
	for term.SearchText() != "" {
		term.Search().TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	}
	kb.typeSlowly(term.Search(), number, false)
	term.FireSearch()
	rows := strings.Join(term.List().Rows(), "\n")
	if !strings.Contains(rows, name) {
		t.Fatalf("%s is not listed:\n%s", name, rows)
	}
	return rows
}

// TestCheckInProblemGoesAsTheFieldIsFixed: the problem shown under a
// field, and above the buttons, goes as soon as that field is typed in;
// it stayed under the fault while the clerk wrote the fault out.
func TestCheckInProblemGoesAsTheFieldIsFixed(t *testing.T) {
	term, _, _, _, _ := scanTerminal(t)
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	form.SetSerial("C02XK1ZZJG5H")
	for _, tc := range []struct {
		field        string
		wrong, right func()
	}{
		{"customer",
			func() { form.Fill(app.CategoryPC, "", "138 0000 5555", "Apple", "MacBook Air", "", "", "No power") },
			func() {
				form.Fill(app.CategoryPC, "Chen Jing", "138 0000 5555", "Apple", "MacBook Air", "", "", "No power")
			}},
		{"fault",
			func() { form.Fill(app.CategoryPC, "Chen Jing", "138 0000 5555", "Apple", "MacBook Air", "", "", "") },
			func() {
				form.Fill(app.CategoryPC, "Chen Jing", "138 0000 5555", "Apple", "MacBook Air", "", "", "No power")
			}},
		{"bought",
			func() {
				form.Fill(app.CategoryPC, "Chen Jing", "138 0000 5555", "Apple", "MacBook Air", "31/12/2025", "", "No power")
			},
			func() {
				form.Fill(app.CategoryPC, "Chen Jing", "138 0000 5555", "Apple", "MacBook Air", "2025-12-31", "", "No power")
			}},
	} {
		tc.wrong()
		form.Submit()
		if form.FieldProblem(tc.field) == "" || form.Problem() == "" {
			t.Fatalf("%s: no problem shown after a submit without it (above the buttons: %q)", tc.field, form.Problem())
		}
		tc.right()
		if p, above := form.FieldProblem(tc.field), form.Problem(); p != "" || above != "" {
			t.Errorf("%s: the problem stays after the field was typed in: %q, above the buttons %q", tc.field, p, above)
		}
	}
}

// TestPurchaseDateIsTheDayTyped: a purchase date is a calendar day, the
// one the warranty counts from. Typed at a counter east of UTC it was
// kept as the day before (a day of warranty less); shown west of UTC it
// read the day before. It is the day typed, and shown as that day, in
// any zone.
func TestPurchaseDateIsTheDayTyped(t *testing.T) {
	for _, name := range []string{"Asia/Shanghai", "America/New_York", "Pacific/Auckland", "America/Los_Angeles"} {
		t.Run(name, func(t *testing.T) {
			zone, err := time.LoadLocation(name)
			if err != nil {
				t.Fatal(err)
			}
			term, w, _, _, deps := scanTerminalIn(t, zone)
			tapButton(t, term.Object(), "Check in")
			form := term.CheckInForm()
			serial := "CIVIL-" + strings.ReplaceAll(name, "/", "-")
			form.SetSerial(serial)
			form.Fill(app.CategoryPC, "Chen Jing", "138 0000 5555", "Apple", "MacBook Air", "2025-12-31", "INV-1", "No power")
			form.Submit()
			if p := form.Problem(); p != "" {
				t.Fatalf("check-in refused: %s", p)
			}
			press(w, fyne.KeyEscape) // the claim tag's print dialog
			found, n, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: serial})
			if err != nil || n != 1 {
				t.Fatalf("tickets for %s: %d, %v", serial, n, err)
			}
			if got, want := found[0].Product.PurchaseDate, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
				t.Errorf("purchase date kept as %v, want the day typed, %v", got, want)
			}
			if shown := labels(term.Detail().Object()); !strings.Contains(shown, "31 Dec 2025 (proof: INV-1)") {
				t.Errorf("the ticket does not show the day typed:\n%s", shown)
			}
		})
	}
}
