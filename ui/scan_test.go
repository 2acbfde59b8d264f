package ui_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/ui"
)

// keyboard steps the key clock the wedge reads: a scanner's 5 ms between
// keys, or a person's 150 ms.
type keyboard struct {
	clock time.Time
	step  time.Duration
}

func (k *keyboard) now() time.Time {
	k.clock = k.clock.Add(k.step)
	return k.clock
}

// scan types text as a hardware scanner does: a fast burst, then Enter.
func (k *keyboard) scan(obj fyne.Focusable, text string) {
	k.clock = k.clock.Add(time.Second) // the time to pick up the scanner
	k.step = 5 * time.Millisecond
	for _, r := range text {
		obj.TypedRune(r)
	}
	obj.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// typeSlowly types as a person does, ending with Enter when enter is set.
func (k *keyboard) typeSlowly(obj fyne.Focusable, text string, enter bool) {
	k.step = 150 * time.Millisecond
	for _, r := range text {
		obj.TypedRune(r)
	}
	if enter {
		obj.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
}

// scanTerminal opens a terminal on the demo world in a window, with a
// keyboard whose timing the test sets.
func scanTerminal(t *testing.T) (*ui.Terminal, fyne.Window, *keyboard, app.Dataset, ui.Deps) {
	t.Helper()
	return scanTerminalIn(t, time.Local)
}

// scanTerminalIn is scanTerminal whose world and screens are in zone.
func scanTerminalIn(t *testing.T, zone *time.Location) (*ui.Terminal, fyne.Window, *keyboard, app.Dataset, ui.Deps) {
	t.Helper()
	return scanTerminalWith(t, zone, nil)
}

// scanTerminalWith is scanTerminalIn whose deps edit changes before the
// terminal is made.
func scanTerminalWith(t *testing.T, zone *time.Location, edit func(*ui.Deps)) (*ui.Terminal, fyne.Window, *keyboard, app.Dataset, ui.Deps) {
	t.Helper()
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, zone)
	deps, ds := openDemoWorld(t, now)
	deps.Zone = zone
	kb := &keyboard{clock: now}
	deps.KeyClock = kb.now
	if edit != nil {
		edit(&deps)
	}
	term := ui.NewTerminal(t.Context(), deps)
	term.ManualSearch()
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	return term, w, kb, ds, deps
}

// myTicket returns a demo ticket of the demo technician whose serial is
// on no other ticket.
func myTicket(t *testing.T, ds app.Dataset, deps ui.Deps) app.Ticket {
	t.Helper()
	for _, d := range ds.Tickets {
		tk := d.Ticket
		if tk.Technician != demo.DemoTechnician || tk.Product.Serial == "" {
			continue
		}
		_, n, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Technician: demo.DemoTechnician, Query: tk.Product.Serial})
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			return tk
		}
	}
	t.Fatal("no demo ticket with a serial of its own")
	return app.Ticket{}
}

func claimTagText(t *testing.T, tk app.Ticket) string {
	t.Helper()
	s, err := scanner.FormatLabel(scanner.ClaimTagFor(tk).Label())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScannerBurstInTheSearchBoxOpensTheTicket(t *testing.T) {
	term, _, kb, ds, deps := scanTerminal(t)
	tk := myTicket(t, ds, deps)
	search := term.Search()

	// Half a word typed, then a claim tag scanned into the same box: the
	// word stays, the tag's text does not, and its ticket opens.
	kb.typeSlowly(search, "hel", false)
	kb.scan(search, claimTagText(t, tk))
	if got := term.SearchText(); got != "hel" {
		t.Errorf("search box holds %q after the scan, want the typed %q", got, "hel")
	}
	if !strings.Contains(term.ScanStatus(), tk.Number) {
		t.Errorf("scan bar: %q", term.ScanStatus())
	}
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, tk.Number) {
		t.Errorf("ticket %s not opened:\n%s", tk.Number, shown)
	}

	// A person typing and pressing Enter searches; it is no scan.
	kb.typeSlowly(search, "lo", true)
	if got := term.SearchText(); got != "hello" {
		t.Errorf("search box holds %q, want %q", got, "hello")
	}
}

func TestScannerBurstReachesTheWedgeWhereverTheKeysGo(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)
	tk := myTicket(t, ds, deps)

	// The ticket list has the focus after a tap on desktops.
	term.List().Select(0)
	other := term.List().Tickets()[0]
	if other.ID == tk.ID {
		other = term.List().Tickets()[1]
		term.List().Select(1)
	}
	w.Canvas().Focus(term.List().Focusable())
	kb.scan(term.List().Focusable(), claimTagText(t, tk))
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, tk.Number) {
		t.Errorf("scan into the focused list did not open %s:\n%s", tk.Number, shown)
	}

	// Nothing focused: the keys go to the canvas.
	term.Detail().Show(other.ID)
	w.Canvas().Unfocus()
	kb.step = 5 * time.Millisecond
	test.TypeOnCanvas(w.Canvas(), tk.Product.Serial)
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, tk.Number) {
		t.Errorf("serial scanned with nothing focused did not open %s:\n%s\nscan bar: %s", tk.Number, shown, term.ScanStatus())
	}
}

func TestScanOfAnUnknownDeviceChecksItIn(t *testing.T) {
	term, w, kb, _, deps := scanTerminal(t)
	const serial = "FD9803-654321" // a Bosch serial: made March 2018
	term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: serial}})
	if !strings.Contains(term.ScanStatus(), "no ticket for this device yet") {
		t.Fatalf("scan bar: %q", term.ScanStatus())
	}
	tapButton(t, w.Canvas().Overlays().Top(), "Check in")
	form := term.CheckInForm()
	if form == nil {
		t.Fatal("the check-in form did not open")
	}
	if form.Serial() != serial || form.Brand() != "Bosch" {
		t.Fatalf("form serial %q brand %q, want %q and Bosch from the serial", form.Serial(), form.Brand(), serial)
	}

	// A bad date is refused and nothing is saved.
	form.Fill("", "Chen Jing", "+86 138 0000 1234", "", "WAN28281", "", "", "Drum does not turn")
	form.Submit()
	if !strings.Contains(form.Problem(), "kind of product") {
		t.Fatalf("problem shown without a category: %q", form.Problem())
	}
	form.Fill(app.CategoryAppliance, "Chen Jing", "+86 138 0000 1234", "", "WAN28281", "31/12/2025", "", "Drum does not turn")
	form.Submit()
	if !strings.Contains(form.Problem(), "YYYY-MM-DD") {
		t.Fatalf("problem shown: %q", form.Problem())
	}
	if _, n, _ := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: serial}); n != 0 {
		t.Fatalf("%d tickets saved from a refused form", n)
	}

	// A scan typed into the form's focused field fills the serial field
	// instead; the field keeps what the person typed.
	focused := w.Canvas().Focused()
	if focused == nil {
		t.Fatal("no field has the focus in the check-in form")
	}
	kb.scan(focused, "356938035643809")
	if form.Serial() != "356938035643809" {
		t.Fatalf("serial field %q after scanning an IMEI", form.Serial())
	}
	kb.scan(focused, "FB1|D|"+serial)
	if form.Serial() != serial {
		t.Fatalf("serial field %q after scanning a device label", form.Serial())
	}

	form.Fill(app.CategoryAppliance, "Chen Jing", "+86 138 0000 1234", "", "WAN28281", "", "", "Drum does not turn")
	form.Submit()
	if p := form.Problem(); p != "" {
		t.Fatalf("check-in refused: %s", p)
	}
	if term.CheckInForm() != nil {
		t.Error("the form stayed open after checking in")
	}
	got, n, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: serial})
	if err != nil || n != 1 {
		t.Fatalf("tickets for %s: %d, %v", serial, n, err)
	}
	tk := got[0]
	if tk.Kind != app.KindCarryIn || tk.Technician != demo.DemoTechnician || tk.Customer.Name != "Chen Jing" || tk.Product.Brand != "Bosch" || tk.Product.Category != app.CategoryAppliance ||
		!tk.Product.ManufactureDate.Equal(time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC)) || !strings.HasPrefix(tk.Number, "C-") {
		t.Errorf("checked-in ticket: %+v", tk)
	}
	if !strings.Contains(term.ScanStatus(), tk.Number) || !strings.Contains(labels(term.Detail().Object()), tk.Number) {
		t.Errorf("new ticket not shown: scan bar %q", term.ScanStatus())
	}
	// Scanning the serial again now finds the ticket.
	term.Detail().Show(myTicket(t, openDemoDataset(t), deps).ID)
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: serial}})
	if !strings.Contains(term.ScanStatus(), tk.Number) {
		t.Errorf("second scan: %q", term.ScanStatus())
	}
}

// TestScanOfAnUnknownCodeSaysWhatToDo: at a counter, a code that is no
// ticket's and no part's (a serial whose label reads as plain text)
// opens nothing, even when its scattered digits are a part of a
// customer's phone, and the bar says where it goes: the check-in form,
// which takes the same scan as the device's serial.
func TestScanOfAnUnknownCodeSaysWhatToDo(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)
	tk := myTicket(t, ds, deps)
	d := app.PhoneDigits(tk.Customer.Phone)
	if len(d) < 4 {
		t.Fatalf("ticket %s's phone %q has fewer than 4 digits", tk.Number, tk.Customer.Phone)
	}
	d = d[len(d)-4:]
	code := "Q" + d[0:1] + "W" + d[1:2] + "X" + d[2:3] + "Z" + d[3:4] + "K" // the phone's last four digits, scattered
	term.Detail().Show(tk.ID)
	term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: code}})
	status := term.ScanStatus()
	if !strings.Contains(status, "no ticket or part on this device matches it") || !strings.Contains(status, "Press Check in and scan it there") {
		t.Fatalf("scan bar after an unknown code: %q", status)
	}
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	if form == nil {
		t.Fatal("the check-in form did not open")
	}
	focused := w.Canvas().Focused()
	if focused == nil {
		t.Fatal("no field has the focus in the check-in form")
	}
	kb.scan(focused, code)
	if form.Serial() != code {
		t.Errorf("serial field %q after scanning %q in the form", form.Serial(), code)
	}

	// A customer's phone code no ticket has: a new customer, whose
	// phone the form takes from the same scan. (The form holds the
	// scanned serial: Escape asks before discarding it.)
	press(w, fyne.KeyEscape)
	tapButton(t, w.Canvas().Overlays().Top(), "Discard")
	phone := "tel:+8619900000001"
	term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: phone}})
	if status := term.ScanStatus(); !strings.Contains(status, "no ticket on this device has this phone number") || !strings.Contains(status, "Press Check in and scan it there: it fills in the phone") {
		t.Errorf("scan bar after an unknown phone code: %q", status)
	}
	tapButton(t, term.Object(), "Check in")
	if form = term.CheckInForm(); form == nil {
		t.Fatal("the check-in form did not open")
	}
	kb.scan(w.Canvas().Focused(), phone)
	if form.Phone() != "+8619900000001" || form.Serial() != "" {
		t.Errorf("after scanning %q in the form: phone %q, serial %q", phone, form.Phone(), form.Serial())
	}

	// On a phone the button shows its icon alone: the bar names it so.
	press(w, fyne.KeyEscape)
	tapButton(t, w.Canvas().Overlays().Top(), "Discard")
	w.Resize(fyne.NewSize(720, 1280))
	term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: code}})
	if status := term.ScanStatus(); !strings.Contains(status, "Press + and scan it there") {
		t.Errorf("scan bar on a phone after an unknown code: %q", status)
	}

	// The note stays until the next one, or until it is put away.
	term.List().Select(0)
	if !term.ScanBarShown() {
		t.Fatal("the note went when a ticket was opened")
	}
	term.DismissStatus()
	if term.ScanBarShown() || term.ScanStatus() != "" {
		t.Errorf("the note stays after its close button: %q", term.ScanStatus())
	}
}

func TestScanOfAPartLabelShowsThePart(t *testing.T) {
	term, w, _, ds, _ := scanTerminal(t)
	p := ds.Parts[0]
	text, err := scanner.FormatLabel(scanner.PartLabel{Part: p.Number, Serial: "SN-1", ReturnRef: "FB-1"}.Label())
	if err != nil {
		t.Fatal(err)
	}
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: text}})
	if !strings.Contains(term.ScanStatus(), string(p.Number)) {
		t.Fatalf("scan bar: %q", term.ScanStatus())
	}
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no part dialog")
	}
	shown := labels(top)
	for _, want := range []string{string(p.Number), p.NameEN, "SN-1", "FB-1", "In stock"} {
		if !strings.Contains(shown, want) {
			t.Errorf("part dialog lacks %q:\n%s", want, shown)
		}
	}

	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: "FB1|P|NO-SUCH-PART"}})
	if !strings.Contains(term.ScanStatus(), "no ticket or part") {
		t.Errorf("unknown part: scan bar %q", term.ScanStatus())
	}
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: "FB7|T|x"}})
	if !strings.Contains(term.ScanStatus(), "newer version") {
		t.Errorf("label from a newer app: scan bar %q", term.ScanStatus())
	}
}

func TestScanFromAPhotoFileDropOrPaste(t *testing.T) {
	term, _, _, ds, deps := scanTerminal(t)
	tk := myTicket(t, ds, deps)
	tag, err := scanner.LabelPNG(scanner.ClaimTagFor(tk), scanner.Label62x29)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tagFile := filepath.Join(dir, "tag.png")
	blankFile := filepath.Join(dir, "wall.png")
	textFile := filepath.Join(dir, "notes.png")
	var blank bytes.Buffer
	if err := png.Encode(&blank, image.NewGray(image.Rect(0, 0, 200, 100))); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{tagFile: tag, blankFile: blank.Bytes(), textFile: []byte("not a picture")} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	opened := func(how string) {
		t.Helper()
		if !strings.Contains(labels(term.Detail().Object()), tk.Number) {
			t.Errorf("%s: ticket %s not opened; scan bar %q", how, tk.Number, term.ScanStatus())
		}
		term.Detail().Show("")
	}

	term.Drop(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(filepath.Join(dir, "readme.txt")), storage.NewFileURI(tagFile)})
	opened("drop")
	term.Paste(tagFile)
	opened("paste of a path")
	term.Paste(storage.NewFileURI(tagFile).String())
	opened("paste of a file URI")
	term.Paste(claimTagText(t, tk))
	opened("paste of the tag's text")

	for file, want := range map[string]string{blankFile: "No barcode found", textFile: "not a PNG, JPEG or GIF"} {
		term.Paste(file)
		if !strings.Contains(term.ScanStatus(), want) {
			t.Errorf("%s: scan bar %q, want %q", filepath.Base(file), term.ScanStatus(), want)
		}
	}
	term.Drop(fyne.NewPos(0, 0), []fyne.URI{storage.NewFileURI(filepath.Join(dir, "readme.txt"))})
	if !strings.Contains(term.ScanStatus(), "Drop a photo") {
		t.Errorf("drop of a text file: %q", term.ScanStatus())
	}
	term.Paste("  ")
	if !strings.Contains(term.ScanStatus(), "clipboard holds no text") {
		t.Errorf("empty paste: %q", term.ScanStatus())
	}
}

func TestPrintLabelsFromTheTicket(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	tk := myTicket(t, ds, deps)
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Print labels")
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no print dialog")
	}
	shown := labels(top)
	walk(top, func(o fyne.CanvasObject) {
		if s := ui.SelectOf(o); s != nil {
			shown += "\n" + strings.Join(s.Options, "\n") // the formats
		}
	})
	for _, want := range []string{"Claim tag " + tk.Number, "62 mm", "A4", "PNG", "never a name"} {
		if !strings.Contains(shown, want) {
			t.Errorf("print dialog lacks %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, tk.Customer.Name) {
		t.Errorf("print dialog shows the customer's name %q", tk.Customer.Name)
	}

	labels := []scanner.Printable{scanner.ClaimTagFor(tk), scanner.PartLabel{Part: "P-1", Serial: "S-1", ReturnRef: tk.Number}}
	for _, f := range []ui.LabelFormat{ui.LabelsA4, ui.LabelsRoll, ui.LabelsPNG} {
		files, err := ui.EncodeLabels(labels, f)
		if err != nil {
			t.Fatal(err)
		}
		if f == ui.LabelsPNG {
			if len(files) != 2 {
				t.Fatalf("PNG: %d files for 2 labels", len(files))
			}
			for i, b := range files {
				code, err := scanner.DecodeBytes(context.Background(), b, scanner.Options{})
				want, _ := scanner.FormatLabel(labels[i].Label())
				if err != nil || code.Text != want {
					t.Errorf("PNG label %d reads %q, %v; want %q", i, code.Text, err, want)
				}
			}
			continue
		}
		if len(files) != 1 || !bytes.HasPrefix(files[0], []byte("%PDF-")) {
			t.Errorf("%s: not one PDF file", f)
		}
	}
}

// openDemoDataset is the demo world openDemoWorld loads, without a store.
func openDemoDataset(t *testing.T) app.Dataset {
	return demo.Generate(7, demo.Size{Models: 20, Parts: 300, Tickets: 300, Technicians: 3}, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
}

// tapButton taps the button with text under o.
func tapButton(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Button:
			if o.Text == text && found == nil {
				found = o
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		}
	}
	if o != nil {
		walk(o)
	}
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	test.Tap(found)
}

// tapText taps the tappable object in o that shows text, such as an item
// of a drop-down's menu.
func tapText(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	var find func(fyne.CanvasObject) fyne.Tappable
	find = func(o fyne.CanvasObject) fyne.Tappable {
		if tp, ok := o.(fyne.Tappable); ok && strings.TrimSpace(labels(o)) == text {
			return tp
		}
		switch o := o.(type) {
		case *fyne.Container:
			for _, c := range o.Objects {
				if tp := find(c); tp != nil {
					return tp
				}
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				if tp := find(c); tp != nil {
					return tp
				}
			}
		}
		return nil
	}
	tp := find(o)
	if tp == nil {
		t.Fatalf("nothing to tap shows %q", text)
	}
	test.Tap(tp)
}

// A drop-down keeps the focus after its menu closes; the scan right after
// choosing from it used to vanish there without a message.
func TestScanRightAfterChoosingFromADropDown(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)

	// In the check-in form: the product's kind, then the device's IMEI.
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	test.Tap(form.Category())
	tapText(t, w.Canvas().Overlays().Top(), "Phone")
	if _, ok := w.Canvas().Focused().(fyne.Tappable); !ok || w.Canvas().Focused() != form.Category().(fyne.Focusable) {
		t.Fatalf("after choosing, the focus is on %T", w.Canvas().Focused())
	}
	scanKeys(w, kb, "356938035643809")
	if form.Serial() != "356938035643809" || !strings.Contains(term.ScanStatus(), "356938035643809") {
		t.Fatalf("scan after choosing the product: serial %q, scan bar %q", form.Serial(), term.ScanStatus())
	}
	// A tick box keeps the focus too; a space in the scanned code does not
	// toggle it.
	box, _ := form.LiquidBox()
	test.Tap(box)
	scanKeys(w, kb, "SN 4711 B")
	if _, ticked := form.LiquidBox(); !ticked || form.Serial() != "SN 4711 B" {
		t.Fatalf("scan after ticking a box: ticked %v, serial %q, scan bar %q", ticked, form.Serial(), term.ScanStatus())
	}
	press(w, fyne.KeyEscape)
	tapButton(t, w.Canvas().Overlays().Top(), "Discard") // what was scanned and ticked

	// On the list: a view, then a claim tag.
	tk := myTicket(t, ds, deps)
	test.Tap(term.List().ViewSelect())
	tapText(t, w.Canvas().Overlays().Top(), "Upcoming")
	if w.Canvas().Focused() != term.List().ViewSelect().(fyne.Focusable) {
		t.Fatalf("after choosing a view, the focus is on %T", w.Canvas().Focused())
	}
	scanKeys(w, kb, claimTagText(t, tk))
	if !strings.Contains(term.ScanStatus(), tk.Number) || !strings.Contains(labels(term.Detail().Object()), tk.Number) {
		t.Fatalf("scan after choosing a view: scan bar %q", term.ScanStatus())
	}
}

func TestTicketSearchIsLive(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)
	tk := myTicket(t, ds, deps)
	search := term.Search()
	w.Canvas().Focus(search)
	name := []rune(tk.Customer.Name)
	word := string(name[:min(len(name), 3)])

	// One letter matches everything: the list stays on its view; one
	// Chinese character is a word.
	kb.typeSlowly(search, "F", false)
	term.FireSearch()
	if term.List().Query() != "" {
		t.Fatalf("a single letter searched %q", term.List().Query())
	}
	shortcut(w, &fyne.ShortcutSelectAll{})
	press(w, fyne.KeyBackspace)
	kb.typeSlowly(search, "王", false)
	term.FireSearch()
	if term.List().Query() != "王" {
		t.Fatalf("a Chinese character searched %q", term.List().Query())
	}
	shortcut(w, &fyne.ShortcutSelectAll{})
	press(w, fyne.KeyBackspace)
	term.FireSearch()

	// Typing searches once it pauses, without Enter; one search for the
	// word, not one a letter.
	kb.typeSlowly(search, word, false)
	if term.List().Query() != "" {
		t.Fatalf("searched %q before the typing paused", term.List().Query())
	}
	if !term.FireSearch() || term.FireSearch() {
		t.Fatal("want exactly one search waiting after typing a word")
	}
	if term.List().Query() != word {
		t.Fatalf("list searches %q, want %q", term.List().Query(), word)
	}
	found := false
	for _, r := range term.List().Tickets() {
		found = found || r.ID == tk.ID
	}
	if !found {
		t.Errorf("%q does not list %s", word, tk.Number)
	}

	// A scan into the box opens its ticket; the box and the list keep the
	// search.
	otherDetail, err := deps.Tickets.TicketDetail(t.Context(), term.List().Tickets()[len(term.List().Tickets())-1].ID)
	if err != nil {
		t.Fatal(err)
	}
	other := otherDetail.Ticket
	kb.scan(search, claimTagText(t, other))
	term.FireSearch()
	if term.SearchText() != word || term.List().Query() != word || !strings.Contains(labels(term.Detail().Object()), other.Number) {
		t.Errorf("after a scan: box %q, list %q, scan bar %q", term.SearchText(), term.List().Query(), term.ScanStatus())
	}

	// Emptied, the box gives the list its view back; a long paste is cut
	// to a bounded query.
	w.Canvas().Focus(search)
	shortcut(w, &fyne.ShortcutSelectAll{})
	press(w, fyne.KeyBackspace)
	term.FireSearch()
	if term.List().Query() != "" {
		t.Errorf("emptied box: list still searches %q", term.List().Query())
	}
	// Leaving the search on the list (another view) empties the box.
	kb.typeSlowly(search, word, false)
	term.FireSearch()
	term.List().SetView(app.ViewUpcoming)
	term.FireSearch()
	if term.SearchText() != "" || term.List().Query() != "" {
		t.Errorf("after choosing a view: box %q, list searches %q", term.SearchText(), term.List().Query())
	}
	long := strings.Repeat("ab ", 100)
	kb.typeSlowly(search, long, false)
	term.FireSearch()
	if n := len([]rune(term.List().Query())); n == 0 || n > 100 {
		t.Errorf("a %d-character text searched as %d characters", len(long), n)
	}
}

// TestScanWhileTypingTheDiagnosis: a claim tag scanned while the diagnosis
// has the focus opens its ticket, and the diagnosis keeps only what was
// typed. The field used to take the burst as text.
func TestScanWhileTypingTheDiagnosis(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)
	tagged := myTicket(t, ds, deps)
	tk := carryIn(t, ds, deps, 0)
	commitAll(t, deps, deps.Actor, &app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch})
	term.Detail().Show(tk.ID)
	var field fyne.Focusable
	walk(term.Detail().Object(), func(o fyne.CanvasObject) {
		if e := entryOf(o); e != nil && strings.Contains(e.PlaceHolder, "What you found") {
			field, _ = o.(fyne.Focusable)
		}
	})
	if field == nil {
		t.Fatal("no diagnosis entry")
	}
	w.Canvas().Focus(field)
	kb.typeSlowly(field, "Fan seized", false)
	scanKeys(w, kb, claimTagText(t, tagged))
	if got := entryOf(field.(fyne.CanvasObject)).Text; got != "Fan seized" {
		t.Errorf("the diagnosis holds %q after the scan, want the typed %q", got, "Fan seized")
	}
	if !strings.Contains(term.ScanStatus(), tagged.Number) || !strings.Contains(labels(term.Detail().Object()), tagged.Number) {
		t.Errorf("the scanned tag did not open %s; scan bar %q", tagged.Number, term.ScanStatus())
	}
}

// TestScanAfterChoosingTheResolution: the resolution's drop-down in the
// Complete dialog says what to do in the user's words (not Fyne's
// "(Select one)"), and, holding the focus after its menu closes, passes a
// scan on instead of swallowing it.
func TestScanAfterChoosingTheResolution(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)
	tagged := myTicket(t, ds, deps)
	tk := carryIn(t, ds, deps, 0)
	commitAll(t, deps, deps.Actor, &app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch})
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Complete")
	dlg := w.Canvas().Overlays().Top()
	var res fyne.CanvasObject
	walk(dlg, func(o fyne.CanvasObject) {
		if ui.SelectOf(o) != nil {
			res = o
		}
	})
	if res == nil {
		t.Fatal("no resolution drop-down in the Complete dialog")
	}
	if got := ui.SelectOf(res).PlaceHolder; got != "Choose…" {
		t.Errorf("the resolution drop-down shows %q before a choice, want %q", got, "Choose…")
	}
	test.Tap(res.(fyne.Tappable))
	tapText(t, w.Canvas().Overlays().Top(), "Repaired")
	if w.Canvas().Focused() != res.(fyne.Focusable) {
		t.Fatalf("after choosing, the focus is on %T", w.Canvas().Focused())
	}
	scanKeys(w, kb, claimTagText(t, tagged))
	if !strings.Contains(term.ScanStatus(), tagged.Number) {
		t.Errorf("a scan after choosing the resolution went nowhere; scan bar %q", term.ScanStatus())
	}
}

// TestLabelKeyedSlowlyIsStillAScan: on a busy device the UI hands a
// scanner's keys over far apart, so they look typed. Text ending in a
// Fieldbench label at Enter is a scan all the same, in the search box and
// in the diagnosis; what was typed before it stays.
func TestLabelKeyedSlowlyIsStillAScan(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)
	tagged := myTicket(t, ds, deps)
	tk := carryIn(t, ds, deps, 0)
	commitAll(t, deps, deps.Actor, &app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch})
	term.Detail().Show(tk.ID)
	var diagnosis fyne.Focusable
	walk(term.Detail().Object(), func(o fyne.CanvasObject) {
		if e := entryOf(o); e != nil && strings.Contains(e.PlaceHolder, "What you found") {
			diagnosis, _ = o.(fyne.Focusable)
		}
	})
	if diagnosis == nil {
		t.Fatal("no diagnosis entry")
	}
	cases := []struct {
		name  string
		field fyne.Focusable
		text  func() string
		typed string
	}{
		{"search box", term.Search(), term.SearchText, "hel"},
		{"diagnosis", diagnosis, func() string { return entryOf(diagnosis.(fyne.CanvasObject)).Text }, "Fan seized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			term.Detail().Show(tk.ID)
			w.Canvas().Focus(c.field)
			kb.typeSlowly(c.field, c.typed, false)
			kb.typeSlowly(c.field, claimTagText(t, tagged), true)
			if got := c.text(); got != c.typed {
				t.Errorf("the field holds %q after the slow scan, want the typed %q", got, c.typed)
			}
			if !strings.Contains(term.ScanStatus(), tagged.Number) || !strings.Contains(labels(term.Detail().Object()), tagged.Number) {
				t.Errorf("the slowly keyed tag did not open %s; scan bar %q", tagged.Number, term.ScanStatus())
			}
		})
	}
	// Slow typing that is no label stays typing.
	w.Canvas().Focus(term.Search())
	kb.typeSlowly(term.Search(), "FB-2026", true)
	if got := term.SearchText(); got != "helFB-2026" {
		t.Errorf("search box holds %q, want the typed text", got)
	}
}

// TestScanStalledByABusyDeviceIsOneCode: a busy device hands a scanner's
// keys over late, with one pause inside the burst; the whole code is the
// scan (the serial field gets all of it), and no part of it is left as
// typing in the field that had the focus.
func TestScanStalledByABusyDeviceIsOneCode(t *testing.T) {
	term, w, kb, _, _ := scanTerminal(t)
	form := counterCheckIn(t, term)
	w.Canvas().Focus(form.Input("customer"))
	focused := w.Canvas().Focused()
	kb.typeSlowly(focused, "Zhou Min", false)
	const imei = "356938035643809"
	kb.clock = kb.clock.Add(time.Second) // the time to pick up the scanner
	for i, r := range imei {
		kb.step = 5 * time.Millisecond
		if i == 3 {
			kb.step = 150 * time.Millisecond // the device busy for a moment
		}
		focused.TypedRune(r)
	}
	kb.step = 5 * time.Millisecond
	focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := form.Serial(); got != imei {
		t.Errorf("serial field %q after a scan stalled once, want %q", got, imei)
	}
	if got := form.Customer(); got != "Zhou Min" {
		t.Errorf("the customer field holds %q after the scan, want what was typed, %q", got, "Zhou Min")
	}
}
