package ui_test

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// TestDamagedPartsGoToTheBin: a line of the parcel's count can say how
// many of its parts arrived damaged, with what is wrong; the review says
// where they go; the receipt carries them (version 2) into the van's
// defective bin, and only the sound ones into the van.
func TestDamagedPartsGoToTheBin(t *testing.T) {
	s := newSupplyWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	a := s.missingParts(t, tk.Product.Model, 1)[0]
	van, bin := myBins(t, s.deps)
	sh := s.inTransit(t, "ship-d", "SF900777", app.ShipmentLine{Part: a.Number, Qty: 2})
	s.term.ShowOnWay()
	scanKeys(s.w, s.kb, "SF900777")
	dlg := s.w.Canvas().Overlays().Top()
	if button(dlg, "Mark one damaged") != nil {
		t.Error("a line counted none offers to mark some damaged")
	}
	for range 2 {
		scanKeys(s.w, s.kb, partLabelText(t, a.Number))
	}
	tapButton(t, dlg, "Mark one damaged")
	if text := labels(dlg); !strings.Contains(text, "1 arrived damaged") || !strings.Contains(text, "2 of 2 counted") {
		t.Fatalf("after marking one damaged the count reads:\n%s", text)
	}
	typeInto(t, dlg, "What is wrong?", "display cracked")
	before, binBefore := vanStock(t, s.deps), balanceAt(t, s, bin, a.Number)
	tapButton(t, dlg, "Review")
	review := s.w.Canvas().Overlays().Top()
	want := a.NameEN + " (" + string(a.Number) + "): 1 arrived damaged; it goes to your defective bin to be sent back, not into your stock."
	if text := labels(review); !strings.Contains(text, want) || !strings.Contains(text, "Only the sound parts you counted go into your stock") {
		t.Fatalf("the review lacks %q, or says what goes into stock as if nothing were damaged:\n%s", want, text)
	}
	tapButton(t, review, "Confirm receipt")

	ms, err := s.db.Pending(t.Context(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ms, func(m app.Mutation) bool { return m.Name == "shipment.receive" })
	if i < 0 || ms[i].Version != 2 {
		t.Fatalf("outbox %+v: want a shipment.receive of version 2", ms)
	}
	rc := s.pending(t, "shipment.receive")[0].(*app.ReceiveShipment)
	if lines := []app.ReceiptLine{{Part: a.Number, Qty: 2, Damaged: 1, Note: "display cracked"}}; rc.Shipment != sh.ID || rc.Receipt.Defective != bin || !slices.Equal(rc.Receipt.Lines, lines) {
		t.Fatalf("receipt %s into %s %+v, want %+v into %s", rc.Shipment, rc.Receipt.Defective, rc.Receipt.Lines, lines, bin)
	}
	if got := vanStock(t, s.deps)[a.Number] - before[a.Number]; got != 1 {
		t.Errorf("%s in %s went up by %d, want 1: the sound one alone", a.Number, van, got)
	}
	if got := balanceAt(t, s, bin, a.Number) - binBefore; got != 1 {
		t.Errorf("%s in the defective bin went up by %d, want 1: the damaged one, ready to ship back", a.Number, got)
	}
	// The defective returns say where it came from, ready to ship back.
	s.term.ShowParts("defective", string(a.Number))
	if lines, _ := s.term.PartsRows(); len(lines) != 1 || !strings.Contains(lines[0], "from a parcel that arrived damaged (display cracked)") {
		t.Errorf("the defective returns of %s: %v, want it from the parcel that arrived damaged", a.Number, lines)
	}
}

// TestReceiptAsksBeforeThrowingTheCountAway: Escape or Cancel on a count
// under way asks (Discard, red, or Keep editing, which keeps the count);
// on a count not begun they close at once.
func TestReceiptAsksBeforeThrowingTheCountAway(t *testing.T) {
	for name, leave := range map[string]func(s *supplyWorld, dlg fyne.CanvasObject){
		"Escape": func(s *supplyWorld, _ fyne.CanvasObject) { press(s.w, fyne.KeyEscape) },
		"Cancel": func(s *supplyWorld, dlg fyne.CanvasObject) { tapButton(t, dlg, "Cancel") },
	} {
		t.Run(name, func(t *testing.T) {
			s := newSupplyWorld(t)
			part := s.ds.Parts[0]
			s.inTransit(t, "ship-e", "TRK-E", app.ShipmentLine{Part: part.Number, Qty: 3})
			s.term.ShowOnWay()
			scanKeys(s.w, s.kb, "TRK-E")
			dlg := s.w.Canvas().Overlays().Top()
			leave(s, dlg)
			if s.term.Receiving() {
				t.Fatal("a count not begun did not close at once")
			}
			scanKeys(s.w, s.kb, "TRK-E")
			dlg = s.w.Canvas().Overlays().Top()
			scanKeys(s.w, s.kb, partLabelText(t, part.Number))
			leave(s, dlg)
			ask := s.w.Canvas().Overlays().Top()
			if text := labels(ask); !s.term.Receiving() || !strings.Contains(text, "Discard this count?") {
				t.Fatalf("leaving a count under way did not ask:\n%s", text)
			}
			if b := button(ask, "Discard"); b == nil || b.Importance != widget.DangerImportance {
				t.Errorf("Discard is %+v, want a red button", b)
			}
			tapButton(t, ask, "Keep editing")
			if !s.term.Receiving() || !strings.Contains(labels(dlg), "1 of 3 counted") {
				t.Fatalf("Keep editing lost the count:\n%s", labels(dlg))
			}
			leave(s, dlg)
			tapButton(t, s.w.Canvas().Overlays().Top(), "Discard")
			if s.term.Receiving() {
				t.Fatal("Discard left the receipt open")
			}
			if n := len(s.pending(t, "shipment.receive")); n != 0 {
				t.Fatalf("a discarded count saved %d receipts", n)
			}
		})
	}
}

// TestDamagedCountFitsASmallPhone: on a 360 dp phone, in every language,
// a parcel's count with a line marked damaged, its note and the review
// that says where the damaged parts go reach past no edge.
func TestDamagedCountFitsASmallPhone(t *testing.T) {
	for _, code := range []string{"en", "zh-Hans", "fr", "es", "pt"} {
		t.Run(code, func(t *testing.T) {
			inLanguage(t, code)
			s := newSupplyWorld(t)
			a := s.ds.Parts[0]
			s.inTransit(t, "ship-n", "SF900888", app.ShipmentLine{Part: a.Number, Qty: 3})
			s.w.Resize(smallPhone)
			s.term.ShowOnWay()
			scanKeys(s.w, s.kb, "SF900888")
			dlg := s.w.Canvas().Overlays().Top()
			for range 3 {
				scanKeys(s.w, s.kb, partLabelText(t, a.Number))
			}
			tapButton(t, dlg, lang.X("receive.mark_damaged", "Mark one damaged"))
			fits := func(name string) {
				t.Helper()
				onSmallPhone(s.w)
				for _, p := range pastTheEdge(s.w) {
					t.Errorf("%s: %s", name, p)
				}
				shoot(t, s.w, code+"-"+name)
			}
			fits("count")
			tapButton(t, dlg, lang.X("receive.review", "Review"))
			fits("review")
		})
	}
}

// balanceAt is the quantity of part at loc on the device.
func balanceAt(t *testing.T, s *supplyWorld, loc app.LocationID, part app.PartNumber) int {
	t.Helper()
	bal, err := s.deps.Parts.Balances(t.Context(), loc)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range bal {
		if b.Part == part {
			n += b.Qty
		}
	}
	return n
}
