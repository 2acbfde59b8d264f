package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// TestChineseLikelyPartsRows: on a Chinese phone the likely-parts rows
// bracket the part number in full-width brackets, not ASCII ones ("水泵
// (P-100)"), and keep the van's count with its measure word: "有 3 个"
// let the 个 wrap onto a line of its own at 720 px. Checked on the
// ticket as shown, and the row's text wrapped at every width from a
// phone's column to a tablet's.
func TestChineseLikelyPartsRows(t *testing.T) {
	inLanguage(t, "zh")
	s := newSupplyWorld(t)
	s.w.Resize(fyne.NewSize(720, 1280))
	tk := workingTicket(t, s.term, s.ds, s.deps)
	parts := s.missingParts(t, tk.Product.Model, 2)
	s.pull(t, app.Dataset{LikelyParts: []app.LikelyParts{{Ticket: tk.ID, At: s.now, Parts: []app.LikelyPart{
		{Part: parts[0].Number, Probability: 0.62, Basis: app.BasisModelSymptom, Support: 40},
		{Part: parts[1].Number, Probability: 0.3, Basis: app.BasisModel, Support: 90},
	}}}})
	s.term.Detail().Show(tk.ID)
	var rows []*widget.Label
	walk(s.term.Detail().Object(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, string(parts[0].Number)) && strings.Contains(l.Text, "%") {
			rows = append(rows, l)
		}
	})
	if len(rows) == 0 {
		t.Fatalf("the ticket shows no likely-parts row of %s:\n%s", parts[0].Number, labels(s.term.Detail().Object()))
	}
	for _, l := range rows {
		if !strings.Contains(l.Text, "（"+string(parts[0].Number)+"）") || strings.ContainsAny(l.Text, "()") {
			t.Errorf("the row does not bracket the part number in （）: %q", l.Text)
		}
		for width := float32(120); width <= 700; width += 4 {
			for _, rr := range wrappedRows(l.Text, width) {
				for i, r := range rr {
					if i > 0 && strings.HasPrefix(strings.TrimSpace(r.Text), "个") {
						t.Errorf("at %v wide, row %d starts with the measure word:\n%s", width, i, rowsText(rr))
					}
				}
			}
		}
	}
}
