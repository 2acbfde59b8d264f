package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// TestParcelButtonsStayOnAPhone: a parcel on its way offers Label (PDF),
// Packing list (PDF) and Receive in a row beside its text. That row is
// 400 dp wide in English and 490 in French: on a 720 dp phone in French
// the text was squeezed into a column of five lines beside buttons as
// tall, and on a 360 dp phone the page was laid out past the screen's
// edge with Receive off it. Where the buttons would take more than half
// the width they go under the text; on a tablet they stay beside it.
func TestParcelButtonsStayOnAPhone(t *testing.T) {
	for _, code := range []string{"en", "fr", "es", "pt"} {
		t.Run(code, func(t *testing.T) {
			inLanguage(t, code)
			s := newPapersWorld(t)
			s.inTransit(t, "ship-phone", "SF900360", app.ShipmentLine{Part: s.ds.Parts[0].Number, Qty: 1})
			s.term.ShowOnWay()
			receive := lang.X("onway.receive", "Receive")
			for _, tc := range []struct {
				name   string
				width  float32
				beside bool
			}{{"small phone", 360, false}, {"phone", 720, false}, {"tablet", 1280, true}} {
				s.w.Resize(fyne.NewSize(tc.width, 800))
				row := shipmentRowOf(s.term.OnWayPage(), "SF900360")
				if row == nil {
					t.Fatalf("%s: no row for the parcel", tc.name)
				}
				d := fyne.CurrentApp().Driver()
				var text fyne.CanvasObject
				walk(row, func(o fyne.CanvasObject) {
					if l, ok := o.(*widget.Label); ok && text == nil {
						text = l
					}
				})
				textBottom := d.AbsolutePositionForObject(text).Y + text.Size().Height
				if tc.beside && text.Size().Width < row.Size().Width/2 {
					t.Errorf("%s: the text is squeezed to %v of the row's %v", tc.name, text.Size().Width, row.Size().Width)
				}
				found := false
				walk(row, func(o fyne.CanvasObject) {
					b, ok := o.(*widget.Button)
					if !ok {
						return
					}
					found = found || b.Text == receive
					at := d.AbsolutePositionForObject(b)
					if right := at.X + b.Size().Width; right > tc.width {
						t.Errorf("%s: %q ends at %v, past the %v dp screen", tc.name, b.Text, right, tc.width)
					}
					if under := at.Y >= textBottom; under == tc.beside {
						t.Errorf("%s: %q at y %v, the text ends at %v; want beside it: %v", tc.name, b.Text, at.Y, textBottom, tc.beside)
					}
				})
				if !found {
					t.Errorf("%s: the row has no %q", tc.name, receive)
				}
			}
		})
	}
}
