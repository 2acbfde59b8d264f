package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// TestListDialogsUseThePhonesHeight: a dialog that is mostly a list takes
// the phone's height less a margin, as the stock count does. The add-part
// dialog stood 720 dp high in the middle of a 1280 dp phone and showed 7
// parts, a parcel's receipt 640 dp (lead's Chinese walk, 720x1280).
func TestListDialogsUseThePhonesHeight(t *testing.T) {
	tests := []struct {
		name string
		open func(t *testing.T) fyne.Window
	}{
		{"AddPart", func(t *testing.T) fyne.Window {
			term, w, _, ds, deps := scanTerminal(t)
			w.Resize(fyne.NewSize(720, 1280))
			workingTicket(t, term, ds, deps)
			openPicker(t, term, w)
			return w
		}},
		{"ReceiveParcel", func(t *testing.T) fyne.Window {
			s := newSupplyWorld(t)
			s.w.Resize(fyne.NewSize(720, 1280))
			s.inTransit(t, "ship-h", "TRK-H", app.ShipmentLine{Part: s.ds.Parts[0].Number, Qty: 2})
			s.term.ShowOnWay()
			scanKeys(s.w, s.kb, "TRK-H")
			if !s.term.Receiving() {
				t.Fatal("scanning the tracking number opened no receipt")
			}
			return s.w
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.open(t)
			pop, ok := w.Canvas().Overlays().Top().(*widget.PopUp)
			if !ok {
				t.Fatalf("no dialog on top: %T", w.Canvas().Overlays().Top())
			}
			if got, want := pop.Content.Size().Height, float32(1280*0.9); got < want {
				t.Errorf("the dialog is %v dp high on a 1280 dp phone, want at least %v", got, want)
			}
		})
	}
}
