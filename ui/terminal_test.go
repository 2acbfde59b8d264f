package ui_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// openDemo opens a real SQLite store under t.TempDir() with a small demo
// world, as `make run` does with the full one.
func openDemo(t *testing.T, now time.Time) ui.Deps {
	deps, _ := openDemoWorld(t, now)
	return deps
}

// openDemoWorld is openDemo that also returns the world it loaded. The
// terminal may save (check-ins) as the demo technician.
func openDemoWorld(t *testing.T, now time.Time) (ui.Deps, app.Dataset) {
	t.Helper()
	deps, ds, _ := openDemoStore(t, now)
	return deps, ds
}

// openDemoStore is openDemoWorld that also returns its store.
func openDemoStore(t *testing.T, now time.Time) (ui.Deps, app.Dataset, *store.DB) {
	t.Helper()
	return openDemoStoreWith(t, now, nil)
}

// openDemoStoreWith is openDemoStore whose world edit changes before the
// store loads it.
func openDemoStoreWith(t *testing.T, now time.Time, edit func(ds *app.Dataset)) (ui.Deps, app.Dataset, *store.DB) {
	t.Helper()
	loadTranslations(t)
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "fb.db"), store.WithClock(app.ClockFunc(func() time.Time { return now })))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ds := demo.Generate(7, demo.Size{Models: 20, Parts: 300, Tickets: 300, Technicians: 3}, now)
	if edit != nil {
		edit(&ds)
	}
	if err := db.Load(ctx, ds); err != nil {
		t.Fatal(err)
	}
	rules, err := scanner.ParseSerialRules(assets.SerialRules)
	if err != nil {
		t.Fatal(err)
	}
	var me app.Technician
	for _, tech := range ds.Technicians {
		if tech.ID == demo.DemoTechnician {
			me = tech
		}
	}
	return ui.Deps{
		Tickets: store.NewTicketService(db), Parts: store.NewPartService(db), Warranty: store.NewWarrantyService(db),
		Technician: me.ID, Country: me.Country, SerialRules: rules,
		Commit: store.NewCommitter(db), Photos: store.NewPhotoStore(db), Notices: db, Passcodes: db, Actor: app.Actor{Role: app.RoleTechnician, Technician: me.ID, Name: me.Name},
		Now: func() time.Time { return now },
		Run: func(f func()) { f() }, // inline: no sleeps in tests
	}, ds, db
}

// labels is the text of every label and canvas text under o, one a line,
// as a reader sees it: without the invisible line-break marks Chinese
// labels carry (breakable).
func labels(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			b.WriteString(strings.ReplaceAll(o.Text, "\r", "") + "\n")
		case *canvas.Text:
			b.WriteString(strings.ReplaceAll(o.Text, "\r", "") + "\n")
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case fyne.Widget:
			r := test.WidgetRenderer(o)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

func TestTerminalShowsTicketsAndWarranty(t *testing.T) {
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps := openDemo(t, now)
	term := ui.NewTerminal(context.Background(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))

	today := term.List().Tickets()
	if len(today) == 0 {
		t.Fatal("the demo technician has no tickets today")
	}
	for _, r := range today {
		d, err := deps.Tickets.TicketDetail(t.Context(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		tk := d.Ticket
		if tk.Technician != demo.DemoTechnician || !r.Status.Open() || r.Status != tk.Status {
			t.Fatalf("today shows %s (%s, %s; the ticket is %s)", r.Number, tk.Technician, r.Status, tk.Status)
		}
	}
	term.List().Select(0)
	shown := labels(term.Detail().Object())
	if !strings.Contains(shown, today[0].Number) {
		t.Fatalf("detail does not show %s:\n%s", today[0].Number, shown)
	}
	if !strings.Contains(shown, "warranty") && !strings.Contains(shown, "Warranty") {
		t.Fatalf("no warranty decision shown:\n%s", shown)
	}
	if !strings.Contains(shown, "Customer pays") {
		t.Fatalf("no customer total shown:\n%s", shown)
	}

	term.List().SetView(app.ViewDone)
	for _, tk := range term.List().Tickets() {
		if tk.Status.Open() {
			t.Fatalf("done view shows open ticket %s (%s)", tk.Number, tk.Status)
		}
	}
	if len(term.List().Tickets()) == 0 {
		t.Fatal("done view is empty")
	}
}

var translationsOnce sync.Once

// loadTranslations loads the app's English texts, as main does, so plural
// forms are chosen by count.
func loadTranslations(t *testing.T) {
	translationsOnce.Do(func() {
		if err := assets.AddTranslations(); err != nil {
			t.Fatal(err)
		}
	})
}

// press delivers a key as the window does: to the widget with the focus,
// or to the canvas when none has it.
func press(w fyne.Window, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	w.Canvas().OnTypedKey()(ev)
}

// shortcut delivers a shortcut as the desktop driver does: to the focused
// widget when it takes shortcuts, else to the canvas.
func shortcut(w fyne.Window, s fyne.Shortcut) {
	if f, ok := w.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

// scanKeys types a scan where the window sends keys, at a scanner's pace.
func scanKeys(w fyne.Window, kb *keyboard, text string) {
	kb.clock = kb.clock.Add(time.Second)
	kb.step = 5 * time.Millisecond
	c := w.Canvas()
	for _, r := range text {
		if f := c.Focused(); f != nil {
			f.TypedRune(r)
		} else {
			c.OnTypedRune()(r)
		}
	}
	press(w, fyne.KeyReturn)
}

// firstEntry finds the first text field in o.
func firstEntry(o fyne.CanvasObject) interface {
	fyne.Focusable
	SetText(string)
} {
	type entry interface {
		fyne.Focusable
		SetText(string)
	}
	switch o := o.(type) {
	case entry:
		return o
	case *fyne.Container:
		for _, c := range o.Objects {
			if e := firstEntry(c); e != nil {
				return e
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			if e := firstEntry(c); e != nil {
				return e
			}
		}
	}
	return nil
}

func TestEscapeClosesDialogsAndEnterSubmitsForms(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)
	ctx := context.Background()
	overlays := func() int { return len(w.Canvas().Overlays().List()) }

	// The check-in form: Escape in a field closes it, saving nothing.
	tapButton(t, term.Object(), "Check in")
	if term.CheckInForm() == nil || w.Canvas().Focused() == nil {
		t.Fatal("the check-in form did not open with a field focused")
	}
	press(w, fyne.KeyEscape)
	if term.CheckInForm() != nil || overlays() != 0 {
		t.Fatalf("Escape left the check-in form open (%d overlays)", overlays())
	}

	// Enter in the last field submits it once nothing is missing; before,
	// Enter moves on to the next field and refuses nothing
	// (checkinenter_test.go).
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	kb.typeSlowly(w.Canvas().Focused(), "Zhou Min", false)
	press(w, fyne.KeyReturn)
	if form.Problem() != "" || term.CheckInForm() == nil {
		t.Fatalf("Enter on an incomplete form: problem %q, open %v", form.Problem(), term.CheckInForm() != nil)
	}
	const serial = "356938035643817"
	scanKeys(w, kb, serial)
	form.Fill(app.CategoryPhone, "Zhou Min", "+86 139 0000 0001", "Xiaomi", "Redmi 12", "", "", "No sound")
	w.Canvas().Focus(form.LastField())
	press(w, fyne.KeyReturn)
	if term.CheckInForm() != nil {
		t.Fatalf("Enter on a complete form did not check in: %q", form.Problem())
	}
	if _, n, err := deps.Tickets.FindTickets(ctx, app.TicketFilter{Query: serial}); err != nil || n != 1 {
		t.Fatalf("tickets with serial %s after Enter: %d, %v", serial, n, err)
	}
	// The claim tag's print dialog opened with the check-in.
	if overlays() != 1 {
		t.Fatalf("%d dialogs after the check-in, want the claim tag's", overlays())
	}
	press(w, fyne.KeyEscape)

	// Enter in the fault breaks the line; it does not submit.
	tapButton(t, term.Object(), "Check in")
	form = term.CheckInForm()
	w.Canvas().Focus(form.Field("fault"))
	kb.typeSlowly(w.Canvas().Focused(), "Hums", true)
	if term.CheckInForm() == nil || form.Problem() != "" {
		t.Fatalf("Enter in the fault submitted the form: %q", form.Problem())
	}
	// Escape on a form with typing in it asks first (checkin.go leave).
	press(w, fyne.KeyEscape)
	tapButton(t, w.Canvas().Overlays().Top(), "Discard")

	// A part's dialog, with nothing focused: Enter does nothing, Escape
	// closes it.
	p := ds.Parts[0]
	label, err := scanner.FormatLabel(scanner.PartLabel{Part: p.Number}.Label())
	if err != nil {
		t.Fatal(err)
	}
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: label}})
	if overlays() != 1 || w.Canvas().Focused() != nil {
		t.Fatalf("part dialog: %d overlays, focus %v", overlays(), w.Canvas().Focused())
	}
	press(w, fyne.KeyReturn)
	if overlays() != 1 {
		t.Fatal("Enter closed the part dialog")
	}
	press(w, fyne.KeyEscape)
	if overlays() != 0 {
		t.Fatal("Escape left the part dialog open")
	}

	// An offer to check a device in is a question: Enter does not answer
	// it, Escape says no.
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: "FD9803-777777"}})
	press(w, fyne.KeyReturn)
	if overlays() != 1 || term.CheckInForm() != nil {
		t.Fatalf("Enter answered the offer: %d overlays, form %v", overlays(), term.CheckInForm() != nil)
	}
	press(w, fyne.KeyEscape)
	if overlays() != 0 || term.CheckInForm() != nil {
		t.Fatalf("Escape on the offer: %d overlays, form %v", overlays(), term.CheckInForm() != nil)
	}

	// A small form of the ticket's work (log a repair): Escape drops it,
	// Enter in its field saves it.
	tk := term.List().Tickets()[0]
	repairs := func() int { return len(ticketNow(t, deps, tk.ID).Repairs) }
	before := repairs()
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Log repair")
	press(w, fyne.KeyEscape)
	if overlays() != 0 || repairs() != before {
		t.Fatalf("Escape on the repair form: %d overlays, %d repairs (had %d)", overlays(), repairs(), before)
	}
	tapButton(t, term.Detail().Object(), "Log repair")
	what := firstEntry(w.Canvas().Overlays().Top())
	if what == nil {
		t.Fatal("no field in the repair form")
	}
	// The minutes are suggested only once work has started: type them.
	typeInto(t, w.Canvas().Overlays().Top(), "0 to 1440", "30")
	w.Canvas().Focus(what)
	what.SetText("Cleaned the filter")
	press(w, fyne.KeyReturn)
	if overlays() != 0 || repairs() != before+1 {
		t.Fatalf("Enter on the repair form: %d overlays, %d repairs (had %d)", overlays(), repairs(), before)
	}
}

func TestPageShortcutsWorkWithAFieldFocused(t *testing.T) {
	term, w, kb, _, _ := scanTerminal(t)
	ctrl := func(k fyne.KeyName) fyne.Shortcut {
		return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
	}
	tabs := term.ShellTabs()
	for _, tc := range []struct {
		key  fyne.KeyName
		page int
	}{{fyne.Key2, 1}, {fyne.Key3, 2}, {fyne.Key1, 0}} {
		w.Canvas().Focus(term.Search())
		kb.typeSlowly(term.Search(), "ab", false)
		shortcut(w, ctrl(tc.key))
		if got := tabs.SelectedIndex(); got != tc.page {
			t.Errorf("Ctrl+%s with the search box focused: page %d, want %d", tc.key, got, tc.page)
		}
	}
	// The entry keeps its own shortcuts.
	w.Canvas().Focus(term.Search())
	if term.SearchText() != "ababab" {
		t.Fatalf("search box holds %q", term.SearchText())
	}
	shortcut(w, &fyne.ShortcutSelectAll{})
	shortcut(w, &fyne.ShortcutCut{Clipboard: w.Clipboard()})
	if term.SearchText() != "" {
		t.Errorf("Ctrl+A, Ctrl+X in the search box left %q", term.SearchText())
	}
	// Ctrl+N from a field opens the check-in form.
	shortcut(w, ctrl(fyne.KeyN))
	if term.CheckInForm() == nil {
		t.Fatal("Ctrl+N with the search box focused opened no check-in form")
	}
}

// TestTodayGroupsOverdueAndRowsSayWhenAndWhere: Today's list puts what is
// overdue under its own heading, first; each row says when the visit is
// and where, on a desktop and on a phone.
func TestTodayGroupsOverdueAndRowsSayWhenAndWhere(t *testing.T) {
	term, w, _, _, deps := scanTerminal(t)
	now := deps.Now()
	dayStart := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	late := func(tk app.TicketRow) bool {
		end := tk.WindowEnd
		if end.IsZero() {
			end = tk.WindowStart
		}
		return (!end.IsZero() && end.Before(dayStart)) || (!tk.ResolveBy.IsZero() && tk.ResolveBy.Before(now))
	}
	for _, size := range []fyne.Size{fyne.NewSize(1280, 800), fyne.NewSize(400, 800)} {
		w.Resize(size)
		term.List().SetView(app.ViewToday)
		rows, tickets := term.List().Rows(), term.List().Tickets()
		if len(rows) != len(tickets)+2 || rows[0] != "Overdue" {
			t.Fatalf("%v: want headings Overdue and Today around %d tickets, got rows:\n%s", size, len(tickets), strings.Join(rows, "\n"))
		}
		heading, i := "", 0
		var place int
		for _, r := range rows {
			if r == "Overdue" || r == "Today" {
				heading = r
				continue
			}
			tk := tickets[i]
			i++
			if late(tk) != (heading == "Overdue") {
				t.Errorf("%v: %s (window %v–%v, resolve by %v) under %q", size, tk.Number, tk.WindowStart, tk.WindowEnd, tk.ResolveBy, heading)
			}
			if !strings.HasPrefix(r, tk.Number) {
				t.Errorf("%v: row %q is not %s", size, r, tk.Number)
			}
			if !tk.WindowStart.IsZero() && !strings.Contains(r, tk.WindowStart.Local().Format("15:04")) {
				t.Errorf("%v: row %q lacks the visit's start %s", size, r, tk.WindowStart.Local().Format("15:04"))
			}
			if a := strings.TrimSpace(tk.Address); a != "" {
				place++
				if !strings.Contains(r, a) {
					t.Errorf("%v: row %q lacks the address %q", size, r, a)
				}
			}
		}
		if place == 0 || !slices.Contains(rows, "Today") {
			t.Fatalf("%v: the demo's Today has no address or no ticket for today: the test proves nothing", size)
		}
		// A tap on a heading opens nothing; on a ticket, that ticket.
		term.List().Select(0)
		if !strings.Contains(labels(term.Detail().Object()), tickets[0].Number) {
			t.Errorf("%v: selecting the first ticket did not open %s", size, tickets[0].Number)
		}
	}
	// Other lists have no headings.
	term.List().SetView(app.ViewUpcoming)
	for _, r := range term.List().Rows() {
		if r == "Overdue" || r == "Today" {
			t.Errorf("Upcoming has the heading %q", r)
		}
	}
}
