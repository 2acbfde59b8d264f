package ui

import (
	"os"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets"
)

// TestPartRowsGroupTheirQuantity: the parts page writes a quantity in
// stock as its reader groups a number (countText), as the sync page
// groups 9,532 records: a warehouse's row read "1234 at Central".
func TestPartRowsGroupTheirQuantity(t *testing.T) {
	t.Cleanup(func() {
		os.Setenv("LANGUAGE", "en")
		assets.AddTranslations()
	})
	for _, tc := range []struct{ lang, qty string }{
		{"en", "12,345"}, {"zh", "12,345"}, {"fr", "12’345"}, {"es", "12.345"}, {"pt", "12.345"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Setenv("LANGUAGE", tc.lang)
			os.Setenv("LANG", "")
			if err := assets.AddTranslations(); err != nil {
				t.Fatal(err)
			}
			p := &partsPage{}
			for _, r := range []partRow{
				{part: app.Part{Number: "P-1"}, qty: 12345, where: "Central"},
				{part: app.Part{Number: "P-1"}, qty: 12345},
			} {
				if _, sub, _ := p.rowText(r); !strings.Contains(sub, tc.qty) {
					t.Errorf("the row of %d at %q reads %q, want it to hold %q", r.qty, r.where, sub, tc.qty)
				}
			}
		})
	}
}
