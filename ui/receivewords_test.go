package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/fieldbench/fieldbench/app"
)

// TestReceiptReviewAgreesWithItsNumbers: the review of a parcel's count
// says what differs in words that agree with their numbers in every
// language: one part short read "1 manquants" in French, "faltan 1" in
// Spanish and "chegaram 1 … faltam 1" in Portuguese, and two parts not
// in the shipment "2 arrived but is not" in English.
func TestReceiptReviewAgreesWithItsNumbers(t *testing.T) {
	for _, tc := range []struct {
		code string
		// want are the review's lines after each part's "(number)":
		// short of one, one more than the one shipped, one and two
		// not in the shipment.
		short, extra, stray, strays string
		wrong                       []string
	}{
		{"en", ": 1 of 2 arrived, 1 missing.", ": 3 arrived, 1 shipped, 2 more than shipped.",
			": 1 arrived but is not in this shipment.", ": 2 arrived but are not in this shipment.", nil},
		{"fr", ": reçu 1 sur 2, il en manque 1.", ": 3 arrivés pour 1 expédié, 2 de plus que prévu.",
			": 1 arrivé, mais absent de cet envoi.", ": 2 arrivés, mais absents de cet envoi.", []string{"1 manquants", "1 expédiés"}},
		{"es", ": recibidas 1 de 2; falta 1.", ": llegaron 3, se envió 1, 2 más de lo enviado.",
			": llegó 1, pero no está en este envío.", ": llegaron 2, pero no están en este envío.", []string{"faltan 1", "llegaron 1", "enviaron 1"}},
		{"pt", ": recebidas 1 de 2; falta 1.", ": chegaram 3, foi enviada 1, 2 a mais do que o enviado.",
			": chegou 1, mas não consta desta remessa.", ": chegaram 2, mas não constam desta remessa.", []string{"faltam 1", "chegaram 1", "enviadas 1"}},
	} {
		t.Run(tc.code, func(t *testing.T) {
			inLanguage(t, tc.code)
			s := newSupplyWorld(t)
			tk := workingTicket(t, s.term, s.ds, s.deps)
			parts := s.missingParts(t, tk.Product.Model, 5)
			short, none, extra, stray, strays := parts[0], parts[1], parts[2], parts[3], parts[4]
			s.inTransit(t, "ship-words", "SF900077",
				app.ShipmentLine{Part: short.Number, Qty: 2}, app.ShipmentLine{Part: none.Number, Qty: 1}, app.ShipmentLine{Part: extra.Number, Qty: 1})
			s.term.ShowOnWay()
			scanKeys(s.w, s.kb, "SF900077")
			if !s.term.Receiving() {
				t.Fatalf("scanning the tracking number opened no receipt; scan bar %q", s.term.ScanStatus())
			}
			dlg := s.w.Canvas().Overlays().Top()
			for _, n := range []app.PartNumber{short.Number, extra.Number, extra.Number, extra.Number, stray.Number, strays.Number, strays.Number} {
				scanKeys(s.w, s.kb, partLabelText(t, n))
			}
			tapButton(t, dlg, lang.X("receive.review", "Review"))
			text := labels(s.w.Canvas().Overlays().Top())
			for _, want := range []string{
				"(" + string(short.Number) + ")" + tc.short,
				"(" + string(none.Number) + ")" + strings.NewReplacer("1 of 2", "0 of 1", "1 sur 2", "0 sur 1", "1 de 2", "0 de 1").Replace(tc.short),
				"(" + string(extra.Number) + ")" + tc.extra,
				"(" + string(stray.Number) + ")" + tc.stray,
				"(" + string(strays.Number) + ")" + tc.strays,
			} {
				if !strings.Contains(text, want) {
					t.Errorf("the review lacks %q:\n%s", want, text)
				}
			}
			for _, bad := range tc.wrong {
				if strings.Contains(text, bad) {
					t.Errorf("the review says %q:\n%s", bad, text)
				}
			}
		})
	}
}
