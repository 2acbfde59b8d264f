package console

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
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

// TestRefusalDaysFollowTheLanguage: a warranty refusal's days (a purchase
// after the fault was reported) are written as the page's language writes
// a day, as the terminal writes them; they were ISO in every language.
func TestRefusalDaysFollowTheLanguage(t *testing.T) {
	rs := demo.RuleSets()[0]
	tk := app.Ticket{Country: rs.Country, Product: app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60",
		PurchaseDate: time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC), ProofOfPurchase: "INV-1"}}
	_, err := app.Decide(rs, app.WarrantyInput{Ticket: tk, On: time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)})
	var refusal *app.Error
	if !errors.As(err, &refusal) || refusal.Key != "warranty.invalid.purchase_future" {
		t.Fatalf("Decide: %v, want the purchase after the fault refused", err)
	}
	for _, tc := range []struct{ lang, purchased, on string }{
		{"en", "15 Jun 2026", "10 Jun 2026"},
		{"fr", "15 juin 2026", "10 juin 2026"},
		{"zh-Hans", "2026年6月15日", "2026年6月10日"},
	} {
		if got := appErrorText(translations.For(tc.lang), refusal); !strings.Contains(got, tc.purchased) || !strings.Contains(got, tc.on) {
			t.Errorf("%s: %q, want it to hold %q and %q", tc.lang, got, tc.purchased, tc.on)
		}
	}
}

// TestSkippedTimeRefusalDayFollowsTheLanguage: central.WallClock's refusal
// of a time the clocks skip (02:30 on 29 March 2026 in Paris) names its
// day as the page's language writes one, straight from central's error,
// as any reader of it would: central named it "Date" in ISO, which only
// the console's form patched, so any other page that showed the refusal
// said "2026-03-29" in every language.
func TestSkippedTimeRefusalDayFollowsTheLanguage(t *testing.T) {
	paris, err := central.LoadZone("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	_, err = central.WallClock(2026, time.March, 29, 2, 30, paris)
	var refusal *app.Error
	if !errors.As(err, &refusal) || refusal.Key != "central.skipped_time" {
		t.Fatalf("WallClock: %v, want the skipped time refused", err)
	}
	for _, tc := range []struct{ lang, day string }{
		{"en", "29 Mar 2026"},
		{"es", "29 mar 2026"},
		{"zh-Hans", "2026年3月29日"},
	} {
		got := appErrorText(translations.For(tc.lang), refusal)
		if !strings.Contains(got, tc.day) || strings.Contains(got, "2026-03-29") {
			t.Errorf("%s: %q, want the day written %q, not in ISO figures", tc.lang, got, tc.day)
		}
	}
}
