package translations

import (
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 5, 0, 0, time.UTC)
	may := time.Date(2027, 5, 31, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang           string
		t              time.Time
		date, dateTime string
	}{
		{"en", at, "6 Dec 2026", "6 Dec 2026 14:05"},
		{"en-GB", may, "31 May 2027", "31 May 2027 09:00"},
		{"fr", at, "6 déc. 2026", "6 déc. 2026 14:05"},
		{"fr", may, "31 mai 2027", "31 mai 2027 09:00"},
		{"es", at, "6 dic 2026", "6 dic 2026 14:05"},
		{"es-419", may, "31 may 2027", "31 may 2027 09:00"},
		{"pt", at, "6 de dez. de 2026", "6 de dez. de 2026 14:05"},
		{"pt-BR", may, "31 de mai. de 2027", "31 de mai. de 2027 09:00"},
		{"zh-Hans", at, "2026年12月6日", "2026年12月6日 14:05"},
		{"zh", may, "2027年5月31日", "2027年5月31日 09:00"},
		{"de", at, "6 Dec 2026", "6 Dec 2026 14:05"}, // untranslated: English
		{"en", time.Time{}, "", ""},
	} {
		if got := Date(tc.lang, tc.t); got != tc.date {
			t.Errorf("Date(%q, %v) = %q, want %q", tc.lang, tc.t, got, tc.date)
		}
		if got := DateTime(tc.lang, tc.t); got != tc.dateTime {
			t.Errorf("DateTime(%q, %v) = %q, want %q", tc.lang, tc.t, got, tc.dateTime)
		}
		if got := For(tc.lang).DateTime(tc.t); got != tc.dateTime {
			t.Errorf("For(%q).DateTime(%v) = %q, want %q", tc.lang, tc.t, got, tc.dateTime)
		}
	}
}

// TestDateEveryLanguage keeps the table above honest as languages are
// added: each translated language names its own months or is Chinese.
func TestDateEveryLanguage(t *testing.T) {
	for _, l := range Languages() {
		if _, ok := monthAbbr[l]; !ok && l != "zh-Hans" {
			t.Errorf("%s has no month names: its days print in English", l)
		}
	}
}

// TestDateInItsZone: the day is the one on t's own calendar, not UTC's.
func TestDateInItsZone(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	at := time.Date(2026, 12, 6, 20, 30, 0, 0, time.UTC).In(shanghai)
	if got := DateTime("zh-Hans", at); got != "2026年12月7日 04:30" {
		t.Fatalf("DateTime = %q, want the day and time in Shanghai", got)
	}
}
