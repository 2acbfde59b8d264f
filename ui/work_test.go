package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/ui"
)

// walk calls f on every object under o, widgets' rendered children
// included.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	switch o := o.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			walk(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			walk(c, f)
		}
	}
}

// entryOf returns the widget.Entry that o is or extends.
func entryOf(o fyne.CanvasObject) *widget.Entry {
	if e, ok := o.(*widget.Entry); ok {
		return e
	}
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	f := v.Elem().FieldByName("Entry")
	if !f.IsValid() || f.Type() != reflect.TypeOf(widget.Entry{}) {
		return nil
	}
	return f.Addr().Interface().(*widget.Entry)
}

// typeInto types text into the entry under o whose placeholder contains
// hint, through the entry's own key handling (scan detection included).
func typeInto(t *testing.T, o fyne.CanvasObject, hint, text string) {
	t.Helper()
	var target fyne.CanvasObject
	walk(o, func(c fyne.CanvasObject) {
		if e := entryOf(c); e != nil && target == nil && strings.Contains(e.PlaceHolder, hint) {
			target = c
		}
	})
	if target == nil {
		t.Fatalf("no entry with placeholder %q", hint)
	}
	entryOf(target).SetText("")
	test.Type(target.(fyne.Focusable), text)
}

func button(o fyne.CanvasObject, text string) *widget.Button {
	return firstUnder(o, func(b *widget.Button) bool { return b.Text == text })
}

// firstUnder is the first object of type T under o that is, in walk's
// order; the zero T (nil) when there is none.
func firstUnder[T fyne.CanvasObject](o fyne.CanvasObject, is func(T) bool) T {
	var found T
	done := false
	walk(o, func(c fyne.CanvasObject) {
		if x, ok := c.(T); ok && !done && is(x) {
			found, done = x, true
		}
	})
	return found
}

func ticketNow(t *testing.T, deps ui.Deps, id app.TicketID) app.TicketDetail {
	t.Helper()
	d, err := deps.Tickets.TicketDetail(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestWorkOnATicket goes through an on-site visit in the ticket screen:
// travel, start, a repair entry, a part added by scanning its label, a
// photo, the diagnosis and completion, each saved on the device.
func TestWorkOnATicket(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)
	_ = kb
	ctx := context.Background()
	var tk app.Ticket
	for _, d := range ds.Tickets {
		if d.Ticket.Technician == demo.DemoTechnician && d.Ticket.Kind == app.KindOnSite && d.Ticket.Status == app.StatusAssigned {
			tk = d.Ticket
			break
		}
	}
	if tk.ID == "" {
		t.Fatal("no assigned on-site ticket for the demo technician")
	}
	term.Detail().Show(tk.ID)
	detail := term.Detail().Object()

	// Start is a later step before arrival: not offered, not explained,
	// while "On my way" is the thing to do.
	if b := button(detail, "Start work"); b != nil {
		t.Fatalf("Start work is offered before arrival (disabled %v)", b.Disabled())
	}
	if strings.Contains(labels(detail), "Mark yourself on site") {
		t.Errorf("a refused later step is explained:\n%s", labels(detail))
	}
	for _, step := range []struct {
		button string
		want   app.Status
	}{{"On my way", app.StatusEnRoute}, {"Arrived", app.StatusOnSite}, {"Start work", app.StatusInProgress}} {
		tapButton(t, detail, step.button)
		if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != step.want {
			t.Fatalf("after %q the ticket is %s, want %s", step.button, got, step.want)
		}
	}

	// A repair entry.
	tapButton(t, detail, "Log repair")
	dlg := w.Canvas().Overlays().Top()
	typeInto(t, dlg, "drain pump", "Replaced the mainboard")
	typeInto(t, dlg, "0 to 1440", "30")
	tapButton(t, dlg, "Save")
	if r := ticketNow(t, deps, tk.ID).Repairs; len(r) != 1 || r[0].Action != "Replaced the mainboard" || r[0].Minutes != 30 {
		t.Fatalf("repairs: %+v", r)
	}

	// A part from the van, found by scanning its label in the dialog.
	var van app.LocationID
	for _, l := range ds.Locations {
		if l.Owner == string(demo.DemoTechnician) && l.Kind == app.LocationVan {
			van = l.ID
		}
	}
	bal, err := deps.Parts.Balances(ctx, van)
	if err != nil {
		t.Fatal(err)
	}
	var part app.Part
	for _, b := range bal {
		p, err := deps.Parts.Part(ctx, b.Part)
		if err == nil && b.Qty > 0 && !p.Serialized && !p.ReturnNeeded {
			part = p
			break
		}
	}
	if part.Number == "" {
		t.Fatal("no unserialized part in the demo van")
	}
	tapButton(t, term.Detail().Object(), "Add part")
	dlg = w.Canvas().Overlays().Top()
	label, _ := scanner.FormatLabel(scanner.PartLabel{Part: part.Number}.Label())
	kb.scan(w.Canvas().Focused(), label)
	tapButton(t, dlg, "Fit part")
	used := ticketNow(t, deps, tk.ID).Parts
	if len(used) != 1 || used[0].Part != part.Number || used[0].From != van || used[0].Qty != 1 {
		t.Fatalf("parts used: %+v (scan bar %q)", used, term.ScanStatus())
	}

	// A photo.
	png, err := scanner.LabelPNG(scanner.ClaimTagFor(tk), scanner.Label62x29)
	if err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "board.png")
	if err := os.WriteFile(photo, png, 0o600); err != nil {
		t.Fatal(err)
	}
	term.AttachPhoto(photo)
	if ph := ticketNow(t, deps, tk.ID).Photos; len(ph) != 1 || ph[0].Mime != "image/png" {
		t.Fatalf("photos: %+v (scan bar %q)", ph, term.ScanStatus())
	}
	if !strings.Contains(labels(term.Detail().Object()), "On this device only") {
		t.Error("the photo's upload state is not shown")
	}

	// Diagnosis, then completion with a resolution.
	detail = term.Detail().Object()
	typeInto(t, detail, "What you found", "Mainboard short near the charging port")
	tapButton(t, detail, "Save diagnosis")
	if got := ticketNow(t, deps, tk.ID).Ticket.Diagnosis; got != "Mainboard short near the charging port" {
		t.Fatalf("diagnosis %q", got)
	}
	tapButton(t, term.Detail().Object(), "Complete")
	dlg = w.Canvas().Overlays().Top()
	walk(dlg, func(c fyne.CanvasObject) {
		if s := ui.SelectOf(c); s != nil {
			s.SetSelected("Repaired")
		}
	})
	tapButton(t, dlg, "Complete")
	got := ticketNow(t, deps, tk.ID).Ticket
	if got.Status != app.StatusCompleted || got.ResolutionCode != app.ResolutionRepaired || got.LabourMinutes != tk.LabourMinutes+30 {
		t.Fatalf("after completing: status %s, resolution %s, labour %d", got.Status, got.ResolutionCode, got.LabourMinutes)
	}
}

// TestDropPhotosOnTheTicket: a picture dropped on the open ticket's photo
// card is attached to it, with a thumbnail; dropped elsewhere it is read
// for a code instead.
func TestDropPhotosOnTheTicket(t *testing.T) {
	term, _, _, ds, deps := scanTerminal(t)
	tk := myTicket(t, ds, deps)
	term.Detail().Show(tk.ID)
	card := cardTitled(term.Detail().Object(), "Photos and documents")
	if card == nil {
		t.Fatal("no photo card on the ticket")
	}
	png, err := scanner.LabelPNG(scanner.ClaimTagFor(tk), scanner.Label62x29)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "before.png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	before := len(ticketNow(t, deps, tk.ID).Photos)
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(card).Add(fyne.NewPos(10, 10))
	term.Drop(at, []fyne.URI{storage.NewFileURI(path)})
	if got := len(ticketNow(t, deps, tk.ID).Photos); got != before+1 {
		t.Fatalf("%d photos after the drop, want %d (scan bar %q)", got, before+1, term.ScanStatus())
	}
	thumbs := 0
	walk(term.Detail().Object(), func(o fyne.CanvasObject) {
		if img, ok := o.(*canvas.Image); ok && img.Image != nil {
			thumbs++
		}
	})
	if thumbs == 0 {
		t.Error("no thumbnail of the dropped photo")
	}
	// Dropped on the list, the same picture is a claim tag to read.
	term.Drop(fyne.NewPos(5, 200), []fyne.URI{storage.NewFileURI(path)})
	if got := len(ticketNow(t, deps, tk.ID).Photos); got != before+1 {
		t.Errorf("a drop outside the photo card attached a photo")
	}
	if !strings.Contains(term.ScanStatus(), tk.Number) {
		t.Errorf("a drop on the list: scan bar %q", term.ScanStatus())
	}
}
