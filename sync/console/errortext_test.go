package console

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestRefusalBoundsFollowTheNumberRule: a refusal's bounds and measures
// are grouped as the console's language groups digits, as the terminal
// writes them: an import's "from 0 to 1000000" and a photo's
// "12000 × 9000" were written raw in every language.
func TestRefusalBoundsFollowTheNumberRule(t *testing.T) {
	bound := app.Errorf(app.EINVALID, "import.row.whole_number", `{{.Column}} must be a whole number from {{.Min}} to {{.Max}}, not "{{.Value}}".`,
		"Column", "qty", "Min", 0, "Max", 1000000, "Value", "x")
	pixels := app.CheckPhotoPixels(12000, 9000).(*app.Error)
	for _, tc := range []struct{ lang, bound, pixels string }{
		{"en", "1,000,000", "12,000"},
		{"fr", "1’000’000", "12’000"},
		{"es", "1.000.000", "12.000"},
		{"pt", "1.000.000", "12.000"},
		{"zh-Hans", "1,000,000", "12,000"},
	} {
		cat := translations.For(tc.lang)
		if got := appErrorText(cat, bound); !strings.Contains(got, tc.bound) {
			t.Errorf("%s: %q, want it to hold %q", tc.lang, got, tc.bound)
		}
		if got := appErrorText(cat, pixels); !strings.Contains(got, tc.pixels) {
			t.Errorf("%s: %q, want it to hold %q", tc.lang, got, tc.pixels)
		}
	}
}
