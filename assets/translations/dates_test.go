package translations

import (
	"strings"
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

// TestDayMonth: a day without its year reads as Date's does, less the
// year: the same month names, the same order.
func TestDayMonth(t *testing.T) {
	at := time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang string
		t    time.Time
		want string
	}{
		{"en", at, "6 Dec"},
		{"fr", at, "6 déc."},
		{"fr", time.Date(2027, 5, 31, 0, 0, 0, 0, time.UTC), "31 mai"},
		{"es", at, "6 dic"},
		{"pt", at, "6 de dez."},
		{"zh-Hans", at, "12月6日"},
		{"zh-Hans", at.In(time.FixedZone("CST", 8*3600)), "12月7日"}, // the day on t's own calendar
		{"de", at, "6 Dec"},
		{"en", time.Time{}, ""},
	} {
		if got := DayMonth(tc.lang, tc.t); got != tc.want {
			t.Errorf("DayMonth(%q, %v) = %q, want %q", tc.lang, tc.t, got, tc.want)
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

// TestParseDate: each language takes the day as the terminal shows it,
// ISO, and its own numeric order; nothing ambiguous or impossible.
func TestParseDate(t *testing.T) {
	dec6 := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	feb3 := time.Date(2027, 2, 3, 0, 0, 0, 0, time.UTC)
	aug31 := time.Date(2025, 8, 31, 0, 0, 0, 0, time.UTC)
	none := time.Time{}
	for _, tc := range []struct {
		lang, text string
		want       time.Time
	}{
		{"en", "6 Dec 2026", dec6},
		{"en", " 06 dec 2026 ", dec6},
		{"en", "6 December 2026", dec6},
		{"en", "Dec 6, 2026", dec6},
		{"en", "2026-12-06", dec6},
		{"en", "2026-12-6", dec6},
		{"en", "06/12/2026", none}, // 6 December or 12 June: refused
		{"en", "12/6/2026", none},
		{"en", "6 dez 2026", none},  // another language's month
		{"en", "6 Dec 26", none},    // the century is a guess
		{"en", "31 Jun 2026", none}, // no such day
		{"en", "29 Feb 2028", time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"en", "29 Feb 2027", none},
		{"en", "2026/12/06", none},
		{"en", "", none},
		{"fr", "6 déc. 2026", dec6},
		{"fr", "6 DÉC 2026", dec6},
		{"fr", "6 decembre 2026", dec6},
		{"fr", "3 févr. 2027", feb3},
		{"fr", "31 août 2025", aug31},
		{"fr", "31 aout 2025", aug31},
		{"fr", "06/12/2026", dec6},
		{"fr", "6/12/2026", dec6},
		{"fr", "6.12.2026", dec6},
		{"fr", "2026-12-06", dec6},
		{"fr", "6-12-2026", dec6},
		{"fr", "6/12.2026", none},
		{"fr", "31/06/2026", none},
		{"fr", "6 Dec 2026", dec6}, // "déc" without its accent
		{"fr", "6 dic 2026", none},
		{"es", "6 dic 2026", dec6},
		{"es", "6 de diciembre de 2026", dec6},
		{"es", "3 feb 2027", feb3},
		{"es", "06/12/2026", dec6},
		{"es", "2026-12-06", dec6},
		{"es-419", "31 ago 2025", aug31},
		{"pt", "6 de dez. de 2026", dec6},
		{"pt-BR", "6 dez 2026", dec6},
		{"pt", "6 de dezembro de 2026", dec6},
		{"pt", "3 de fev. de 2027", feb3},
		{"pt", "06/12/2026", dec6},
		{"pt", "2026-12-06", dec6},
		{"pt", "6 de de dez 2026", dec6},
		{"zh-Hans", "2026年12月6日", dec6},
		{"zh", "2026 年 12 月 6 日", dec6},
		{"zh-Hans", "2026年12月6号", dec6},
		{"zh-Hans", "2026/12/6", dec6},
		{"zh-Hans", "2026.12.06", dec6},
		{"zh-Hans", "2026-12-06", dec6},
		{"zh-Hans", "06/12/2026", none},
		{"zh-Hans", "6 Dec 2026", none},
		{"zh-Hans", "12月6日", none},
		{"de", "6 Dec 2026", dec6}, // untranslated: English's
	} {
		got, err := ParseDate(tc.lang, tc.text)
		if tc.want.IsZero() {
			if err == nil {
				t.Errorf("ParseDate(%q, %q) = %v, want it refused", tc.lang, tc.text, got)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("ParseDate(%q, %q) = %v, %v; want %v", tc.lang, tc.text, got, err, tc.want)
		}
	}
}

// TestNumericDate: the numeric example is in the order the language
// types, and is taken back.
func TestNumericDate(t *testing.T) {
	at := time.Date(2026, 6, 18, 15, 0, 0, 0, time.UTC)
	for lang, want := range map[string]string{"en": "2026-06-18", "fr": "18/06/2026", "es": "18/06/2026", "pt": "18/06/2026", "zh-Hans": "2026-06-18"} {
		if got := NumericDate(lang, at); got != want {
			t.Errorf("NumericDate(%s) = %q, want %q", lang, got, want)
		}
		if d, err := ParseDate(lang, want); err != nil || !d.Equal(time.Date(2026, 6, 18, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("ParseDate(%s, %q) = %v, %v", lang, want, d, err)
		}
	}
}

// FuzzParseDate: what Date shows and NumericDate writes, ParseDate reads
// back as the same day in every language; no text makes it panic, and a
// day it takes exists and is printed back as one Date reads again.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"6 Dec 2026", "6 de dez. de 2026", "2026年12月6日", "06/12/2026", "2026-12-06", "31 août 2025", "Dec 6, 2026", "6/12.2026", "", "年月日", "0/0/0000"} {
		f.Add(s, int64(1796515200))
	}
	f.Fuzz(func(t *testing.T, text string, unix int64) {
		for _, l := range Languages() {
			if d, err := ParseDate(l, text); err == nil {
				if d.Location() != time.UTC || d.Hour() != 0 || d.Year() < 1000 || d.Year() > 9999 {
					t.Fatalf("ParseDate(%s, %q) = %v", l, text, d)
				}
				if back, err := ParseDate(l, Date(l, d)); err != nil || !back.Equal(d) {
					t.Fatalf("ParseDate(%s, %q) = %v, whose Date %q reads %v, %v", l, text, d, Date(l, d), back, err)
				}
			}
			// Any day from year 1000 to 9999.
			day := time.Unix(-30610224000+(unix%(365*9000)+365*9000)%(365*9000)*86400, 0).UTC()
			for _, shown := range []string{Date(l, day), NumericDate(l, day), day.Format(time.DateOnly)} {
				got, err := ParseDate(l, shown)
				if y, m, dd := day.Date(); err != nil || got != time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) {
					t.Fatalf("ParseDate(%s, %q) = %v, %v; want %v", l, shown, got, err, day)
				}
			}
		}
	})
}

// TestTagDates: a claim tag's days, the month a word and the year once,
// each day as Date (or, the year said after, DayMonth) writes it on the
// screens: the tag wrote "4 déc 2026" where the screens write "4 déc."
// (walk4).
func TestTagDates(t *testing.T) {
	in := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	ready := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	newYear := time.Date(2027, 1, 5, 18, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang     string
		from, to time.Time
		want     string
	}{
		{"en", in, ready, "27 Nov → 4 Dec 2026"},
		{"en", in, time.Time{}, "27 Nov 2026"},
		{"en", in, newYear, "27 Nov 2026 → 5 Jan 2027"},
		{"fr", in, ready, "27 nov. → 4 déc. 2026"},
		{"es", in, ready, "27 nov → 4 dic 2026"},
		{"pt", in, ready, "27 de nov. → 4 de dez. de 2026"},
		{"pt-BR", in, time.Time{}, "27 de nov. de 2026"},
		{"fr", time.Date(2027, 1, 30, 0, 0, 0, 0, time.UTC), time.Date(2027, 2, 6, 0, 0, 0, 0, time.UTC), "30 janv. → 6 févr. 2027"},
		{"zh-Hans", in, ready, "2026-11-27 → 12-04"},
		{"zh-Hans", in, newYear, "2026-11-27 → 2027-01-05"},
		{"zh", in, time.Time{}, "2026-11-27"},
		{"de", in, ready, "27 Nov → 4 Dec 2026"},
		{"en", time.Time{}, ready, ""},
	} {
		if got := TagDates(tc.lang, tc.from, tc.to); got != tc.want {
			t.Errorf("TagDates(%s, %v, %v) = %q, want %q", tc.lang, tc.from, tc.to, got, tc.want)
		}
		// Outside Chinese (whose tag font has no 年月日), the days are
		// the screens' own.
		if l := Match(tc.lang); l != "zh-Hans" && !tc.from.IsZero() && !tc.to.IsZero() {
			if got := TagDates(tc.lang, tc.from, tc.to); !strings.HasSuffix(got, " → "+Date(l, tc.to)) {
				t.Errorf("TagDates(%s) = %q: the promised day is not Date's %q", tc.lang, got, Date(l, tc.to))
			}
		}
	}
}
