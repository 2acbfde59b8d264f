package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/ui"
)

// onSmallPhone resizes w to a small phone and lays out its content and
// overlays again twice, as the real driver's first two frames do: in the
// second it lays out again the parents of what changed its minimum size
// in the first (a form that turned to stacked labels, a label that
// wrapped).
func onSmallPhone(w fyne.Window) {
	for range 2 {
		w.Resize(smallPhone)
		layOutAgain(w.Canvas().Content())
		for _, o := range w.Canvas().Overlays().List() {
			layOutAgain(o)
		}
	}
}

// layOutAgain lays out every container and widget under o, top down, as
// the real driver does each frame for those whose content changed: the
// test driver lays out only what is resized or refreshed.
func layOutAgain(o fyne.CanvasObject) {
	switch o := o.(type) {
	case *fyne.Container:
		if o.Layout != nil {
			o.Layout.Layout(o.Objects, o.Size())
		}
		for _, c := range o.Objects {
			layOutAgain(c)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(o)
		r.Layout(o.Size())
		for _, c := range r.Objects() {
			layOutAgain(c)
		}
	}
}

// tabButton is the tab named name: the button that draws its label, and
// the label.
func tabButton(t *testing.T, term *ui.Terminal, name string) (fyne.Tappable, fyne.CanvasObject) {
	t.Helper()
	var button fyne.Tappable
	var label fyne.CanvasObject
	walk(term.Object(), func(o fyne.CanvasObject) {
		w, ok := o.(fyne.Widget)
		if !ok || button != nil {
			return
		}
		for _, c := range test.WidgetRenderer(w).Objects() {
			if txt, ok := c.(*canvas.Text); ok && txt.Text == name {
				if tb, ok := w.(fyne.Tappable); ok {
					button, label = tb, txt
				}
			}
		}
	})
	if button == nil {
		t.Fatalf("no tab %q on screen", name)
	}
	return button, label
}

// tabTop is where the tab named name is drawn, from the window's top.
func tabTop(t *testing.T, term *ui.Terminal, name string) float32 {
	t.Helper()
	_, label := tabButton(t, term, name)
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(label).Y
}

// tapTab taps the tab named name.
func tapTab(t *testing.T, term *ui.Terminal, name string) {
	t.Helper()
	button, _ := tabButton(t, term, name)
	test.Tap(button)
}

// TestPhoneTabsStayWhenANoteAppears: on a phone the tabs sit at the very
// bottom, within reach of a thumb, and stay there: a note that appears
// under a page ("No ticket matches", "Saved", with its close button)
// pushes that page's content, above the tabs, never the tabs themselves,
// on every page and when it is put away. On a desktop the tabs are along
// the top and stay there too.
func TestPhoneTabsStayWhenANoteAppears(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	w.Resize(fyne.NewSize(720, 1280))
	if !term.Compact() {
		t.Fatal("a 720 wide window is not compact")
	}
	unknown := func() {
		term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: "QZXKW-NO-SUCH-CODE"}})
		if !term.ScanBarShown() {
			t.Fatal("an unknown code left no note")
		}
	}
	phone := true
	check := func(page string, fixed float32) {
		t.Helper()
		layOutAgain(w.Content())
		if got := tabTop(t, term, "Settings"); got != fixed {
			t.Errorf("%s: the tabs moved from y=%v to y=%v", page, fixed, got)
		}
		if term.ScanBarShown() {
			// The note is seen, above the tabs, not under them.
			if !inWindow(w, term.ScanClose()) {
				t.Errorf("%s: the note's close button is outside the window", page)
			}
			if bottom := fyne.CurrentApp().Driver().AbsolutePositionForObject(term.ScanClose()).Y + term.ScanClose().Size().Height; phone && bottom > fixed {
				t.Errorf("%s: the note reaches y=%v, under the tabs at y=%v", page, bottom, fixed)
			}
		}
	}

	fixed := tabTop(t, term, "Settings")
	if fixed < w.Canvas().Size().Height-100 {
		t.Fatalf("the tabs are at y=%v of %v, not at the bottom", fixed, w.Canvas().Size().Height)
	}
	unknown()
	check("the list with a note", fixed)
	term.DismissStatus()
	check("the list, the note put away", fixed)

	tk := myTicket(t, ds, deps)
	term.List().SetQuery(tk.Number)
	term.List().Select(0)
	unknown()
	check("a ticket with a note", fixed)
	term.DismissStatus()
	check("a ticket, the note put away", fixed)

	tapTab(t, term, "Parts")
	if term.ShellTabs().SelectedIndex() != 1 {
		t.Fatalf("tapping Parts selected tab %d", term.ShellTabs().SelectedIndex())
	}
	unknown()
	check("the parts page with a note", fixed)
	tapTab(t, term, "Settings")
	check("the settings page with a note", fixed)
	term.DismissStatus()
	check("the settings page, the note put away", fixed)

	// A tablet or desktop: the tabs are along the top; the note is under
	// the pages and leaves the tabs where they are.
	w.Resize(fyne.NewSize(1280, 800))
	phone = false
	top := tabTop(t, term, "Settings")
	if top > 100 {
		t.Fatalf("on a desktop the tabs are at y=%v, not along the top", top)
	}
	unknown()
	check("the desktop with a note", top)
	if !inWindow(w, term.ScanClose()) {
		t.Error("on a desktop the note's close button is outside the window")
	}
}
