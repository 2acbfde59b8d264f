package ui_test

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// TestPrintDialogTakesItsContentsHeight: the print-labels dialog, whose
// preview, note, tick boxes and format fit in about 450 dp, is as high as
// they are, without a band of empty dialog under them: at a fixed 640 dp
// a desktop showed some 150 dp of nothing above its buttons. In a short
// window it stays inside the window and its page scrolls.
func TestPrintDialogTakesItsContentsHeight(t *testing.T) {
	for _, language := range []string{"en", "zh"} {
		t.Run(language, func(t *testing.T) {
			inLanguage(t, language)
			term, w, _, ds, deps := scanTerminal(t)
			tk := myTicket(t, ds, deps)
			term.Detail().Show(tk.ID)
			print, cancel := lang.X("labels.print", "Print labels"), lang.X("dialog.cancel", "Cancel")
			for _, size := range []fyne.Size{{Width: 1920, Height: 1080}, {Width: 1280, Height: 800}, {Width: 720, Height: 1280}} {
				w.Resize(size)
				tapButton(t, term.Detail().Object(), print)
				shoot(t, w, fmt.Sprintf("print-dialog-%s-%.0fx%.0f", language, size.Width, size.Height))
				pop := assertDialogFitsItsContent(t, w, fmt.Sprintf("at %v the print dialog", size))
				tapButton(t, pop, cancel)
			}

			w.Resize(fyne.NewSize(720, 360))
			tapButton(t, term.Detail().Object(), print)
			pop, page := frontDialogPage(t, w)
			if h := pop.Content.Size().Height; h > 360 {
				t.Errorf("in a 360 dp high window the print dialog is %v dp high", h)
			}
			if page.Size().Height >= page.Content.MinSize().Height {
				t.Errorf("in a 360 dp high window the print dialog's page (%v dp) holds all of its %v dp: it should scroll", page.Size().Height, page.Content.MinSize().Height)
			}
		})
	}
}

// TestStockDialogsTakeTheirContentsHeight: the count's "Which units are
// missing?" with three units and the report of a lost or damaged part
// are as high as what they hold on a desktop, as the print dialog is.
func TestStockDialogsTakeTheirContentsHeight(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T, s *stockWorld, part app.Part)
	}{
		{"count-serials", func(t *testing.T, s *stockWorld, part app.Part) {
			s.term.ShowParts("stock", "")
			tapButton(t, s.w.Canvas().Content(), "Count stock")
			reviewCount(t, s.w, map[app.PartNumber]int{part.Number: 1})
		}},
		{"report-problem", func(t *testing.T, s *stockWorld, part app.Part) {
			s.term.ShowParts("stock", string(part.Number))
			if !s.term.OpenPartCard(string(part.Number)) {
				t.Fatalf("my stock does not list %s: %v", part.Number, s.term.PartsShown())
			}
			tapButton(t, s.top(t), "Lost or damaged…")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStockWorld(t)
			s.w.Resize(fyne.NewSize(1920, 1080))
			part := s.serialsInVan(t, "SN-H-1", "SN-H-2", "SN-H-3")
			tc.open(t, s, part)
			shoot(t, s.w, tc.name+"-dialog-en-1920x1080")
			assertDialogFitsItsContent(t, s.w, "the "+tc.name+" dialog")
		})
	}
}

// assertDialogFitsItsContent fails unless the dialog in front of w
// shows all of its page, without a band of empty dialog under it, and
// returns it.
func assertDialogFitsItsContent(t *testing.T, w fyne.Window, what string) *widget.PopUp {
	t.Helper()
	pop, page := frontDialogPage(t, w)
	needs := page.Content.MinSize().Height
	if page.Size().Height < needs {
		t.Errorf("%s's page is %v dp high and scrolls, its content needs %v", what, page.Size().Height, needs)
	}
	if band := page.Size().Height - needs; band > 3*theme.Padding() {
		t.Errorf("%s is %v dp high with %v dp of it empty under its content", what, pop.Content.Size().Height, band)
	}
	return pop
}

// frontDialogPage is the dialog in front of w and its page, the first
// scroll in it.
func frontDialogPage(t *testing.T, w fyne.Window) (*widget.PopUp, *container.Scroll) {
	t.Helper()
	pop, ok := w.Canvas().Overlays().Top().(*widget.PopUp)
	if !ok {
		t.Fatalf("no dialog in front: %T", w.Canvas().Overlays().Top())
	}
	var page *container.Scroll
	walk(pop, func(o fyne.CanvasObject) {
		if s, ok := o.(*container.Scroll); ok && page == nil {
			page = s
		}
	})
	if page == nil {
		t.Fatal("the dialog in front has no page that scrolls")
	}
	return pop, page
}
