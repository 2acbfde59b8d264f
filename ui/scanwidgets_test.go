package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/ui"
)

// TestEveryFocusableWidgetFeedsTheWedge: a widget that takes the focus
// (a tap focuses drop-downs, tick boxes, radio buttons and lists on
// desktops) and does not feed the scanner's wedge swallows the next scan.
// Every screen and dialog is walked; buttons pass, as a tap does not
// focus them.
func TestEveryFocusableWidgetFeedsTheWedge(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	tk := workingTicket(t, term, ds, deps)
	top := func() fyne.CanvasObject { return w.Canvas().Overlays().Top() }
	screens := []struct {
		name string
		open func(t *testing.T) fyne.CanvasObject
	}{
		{"ticket", func(t *testing.T) fyne.CanvasObject { term.Detail().Show(tk.ID); return term.Object() }},
		{"complete", func(t *testing.T) fyne.CanvasObject { tapButton(t, term.Detail().Object(), "Complete"); return top() }},
		{"add part", func(t *testing.T) fyne.CanvasObject { return openPicker(t, term, w) }},
		{"print labels", func(t *testing.T) fyne.CanvasObject {
			tapButton(t, term.Detail().Object(), "Print labels")
			return top()
		}},
		{"check in", func(t *testing.T) fyne.CanvasObject { tapButton(t, term.Object(), "Check in"); return top() }},
		{"parts", func(t *testing.T) fyne.CanvasObject { term.ShowParts("stock", ""); return term.Object() }},
		{"settings", func(t *testing.T) fyne.CanvasObject { term.ShowSettings(); return term.Object() }},
	}
	for _, s := range screens {
		t.Run(s.name, func(t *testing.T) {
			o := s.open(t)
			if o == nil {
				t.Fatal("nothing opened")
			}
			n := 0
			walk(o, func(c fyne.CanvasObject) {
				if _, ok := c.(fyne.Focusable); !ok || !c.Visible() {
					return
				}
				switch {
				case ui.FeedsWedge(c):
					n++
				case isButton(c):
				default:
					t.Errorf("%T takes the focus and swallows scans", c)
				}
			})
			if n == 0 {
				t.Errorf("no field on %s", s.name)
			}
			w.Canvas().Unfocus()
			for i := 0; i < 3 && len(w.Canvas().Overlays().List()) > 0; i++ {
				press(w, fyne.KeyEscape)
			}
			if n := len(w.Canvas().Overlays().List()); n > 0 {
				t.Fatalf("Escape left %d dialogs open", n)
			}
		})
	}
}

// TestScanRightAfterTheTicketsFields: a claim tag scanned while the
// resolution drop-down or the diagnosis has the focus opens its ticket,
// and leaves the field as it was.
func TestScanRightAfterTheTicketsFields(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)
	tk := workingTicket(t, term, ds, deps)
	other := myTicket(t, ds, deps)
	if other.ID == tk.ID {
		t.Fatal("the same ticket twice")
	}
	var diagnosis fyne.Focusable
	walk(term.Detail().Object(), func(o fyne.CanvasObject) {
		if e := entryOf(o); e != nil && strings.Contains(e.PlaceHolder, "What you found") {
			diagnosis = o.(fyne.Focusable)
		}
	})
	if diagnosis == nil {
		t.Fatal("no diagnosis field")
	}
	w.Canvas().Focus(diagnosis)
	kb.typeSlowly(diagnosis, "Fuse", false)
	scanKeys(w, kb, claimTagText(t, other))
	if got := entryOf(diagnosis.(fyne.CanvasObject)).Text; got != "Fuse" {
		t.Errorf("the diagnosis after a scan reads %q, want %q", got, "Fuse")
	}
	if !strings.Contains(term.ScanStatus(), other.Number) {
		t.Fatalf("scan in the diagnosis: scan bar %q", term.ScanStatus())
	}

	term.Detail().Show(tk.ID)
	if strings.Contains(term.ScanStatus(), tk.Number) {
		t.Fatalf("the scan bar names %s before its scan: %q", tk.Number, term.ScanStatus())
	}
	tapButton(t, term.Detail().Object(), "Complete")
	var res fyne.CanvasObject
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if ui.SelectOf(o) != nil && res == nil {
			res = o
		}
	})
	if res == nil {
		t.Fatal("no resolution drop-down")
	}
	w.Canvas().Focus(res.(fyne.Focusable))
	scanKeys(w, kb, claimTagText(t, tk))
	if !strings.Contains(term.ScanStatus(), tk.Number) {
		t.Fatalf("scan after the resolution drop-down: scan bar %q", term.ScanStatus())
	}
}

// TestSyncPageFeedsTheWedge: the sync page's tick box and its conflict
// inbox take no scan away either.
func TestSyncPageFeedsTheWedge(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	page := sw.openPage(t)
	n := 0
	walk(page, func(c fyne.CanvasObject) {
		if _, ok := c.(fyne.Focusable); !ok || !c.Visible() {
			return
		}
		switch {
		case ui.FeedsWedge(c):
			n++
		case isButton(c):
		default:
			t.Errorf("%T takes the focus and swallows scans", c)
		}
	})
	if n == 0 {
		t.Error("the sync page has no Work offline box")
	}
}

// isButton reports whether o is a button: a tap does not focus one.
func isButton(o fyne.CanvasObject) bool {
	switch o.(type) {
	case *widget.Button, *widget.Hyperlink:
		return true
	}
	return false
}
