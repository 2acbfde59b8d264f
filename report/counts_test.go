package report

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestPackingListGroupsItsCounts: a packing list writes its quantities and
// its total of units as its reader groups a number, as the screens do
// (translations.Count): it printed "1234" and "13580 units" in English,
// where the terminal shows 9,532.
func TestPackingListGroupsItsCounts(t *testing.T) {
	needTool(t, "pdftotext")
	want := map[string][]string{ // the two lines' quantities, then the total
		"en":      {"12,345", "1,234", "13,580units"},
		"zh-Hans": {"12,345", "1,234", "13,580"},
		"fr":      {"12’345", "1’234", "13’580"},
		"es":      {"12.345", "1234", "13.580"},
		"pt":      {"12.345", "1.234", "13.580"},
	}
	for lang, tag := range languages {
		t.Run(lang, func(t *testing.T) {
			s := shipping(app.ShipmentSupply, tag)
			s.Shipment.Lines[1].Qty, s.Shipment.Lines[2].Qty = 12345, 1234
			path := writeShipping(t, t.TempDir(), "list.pdf", func(ctx context.Context, b *bytes.Buffer) error {
				return PackingList(ctx, b, s, Options{})
			})
			text := squash(pdftotext(t, path))
			for _, w := range want[lang] {
				if !strings.Contains(text, w) {
					t.Errorf("the packing list lacks %q:\n%s", w, text)
				}
			}
		})
	}
}
