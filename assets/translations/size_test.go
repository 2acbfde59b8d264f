package translations

import (
	"regexp"
	"strings"
	"testing"
)

// TestSize: a size is written in the largest unit that leaves a whole
// number, its digits by the language's rule, its unit the language's
// (octets in French), glued to the number.
func TestSize(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 0, "0B"},
		{"en", 1000, "1,000B"},
		{"fr", 288, "288o"},
		{"fr", 1000, "1’000o"},
		{"es", 1000, "1000B"},
		{"en", 312 << 10, "312KB"},
		{"fr", 312 << 10, "312Ko"},
		{"zh-Hans", 32 << 10, "32KB"},
		{"en", 3 << 19, "1.5MB"},
		{"fr", 3 << 19, "1,5Mo"},
		{"pt", 3 << 19, "1,5MB"},
		{"en", 50 << 20, "50MB"}, // a limit: no ".0"
		{"fr", 32 << 20, "32Mo"},
		{"en", 1<<20 + 1<<10, "1MB"},
		{"fr", 12345 << 20 / 10, "1’234,5Mo"},
		{"es", 12345 << 20, "12.345MB"},
	} {
		if got := For(tc.lang).Size(tc.n); got != tc.want {
			t.Errorf("For(%q).Size(%d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

// TestSizesFollowTheOneSizeRule: a text writes a size only as a
// placeholder the size rule fills ({{.MaxSize}} = "50Mo"); the number and
// its unit are written in the size.* texts alone, the unit glued to the
// number, in the language's unit. Four error messages had "{{.Limit}} MB"
// with the number in megabytes pasted raw and a space Fyne breaks a line
// at [2.7.1], even in French, which writes Mo.
func TestSizesFollowTheOneSizeRule(t *testing.T) {
	// A number or a placeholder, what stands between it and a unit, and
	// the unit. Written-out words (byte, octet, 字节) are words, and may
	// stand apart from their number as any counted noun does. A lone "o"
	// is a unit in French only (the Spanish "1 o 2" is "1 or 2").
	sized := regexp.MustCompile(`(\{\{\.[A-Za-z.]+\}\}|[0-9])([\s\x{00a0}\x{202f}]*)(GB|MB|KB|kB|Go|Mo|Ko|B)\b`)
	octets := regexp.MustCompile(`(\{\{\.[A-Za-z.]+\}\}|[0-9])([\s\x{00a0}\x{202f}]*)(GB|MB|KB|kB|Go|Mo|Ko|B|o)\b`)
	units := map[string][]string{
		"en": {"B", "KB", "MB"}, "zh-Hans": {"B", "KB", "MB"}, "es": {"B", "KB", "MB"}, "pt": {"B", "KB", "MB"},
		"fr": {"o", "Ko", "Mo"},
	}
	for lang, want := range units {
		forms := formsOf(t, lang)
		re := sized
		if lang == "fr" {
			re = octets
		}
		for key, texts := range forms {
			for _, text := range texts {
				for _, m := range re.FindAllStringSubmatch(text, -1) {
					if !strings.HasPrefix(key, "size.") {
						t.Errorf("%s.json %s writes the size %q by hand: give it a placeholder filled by the size rule (translations.Size): %s", lang, key, m[0], text)
						continue
					}
					if m[2] != "" {
						t.Errorf("%s.json %s puts %q between the number and its unit: glue them (Fyne breaks a line there): %s", lang, key, m[2], text)
					}
				}
			}
		}
		for i, unit := range []SizeUnit{Bytes, Kilobytes, Megabytes} {
			texts := forms["size."+string(unit)]
			if len(texts) != 1 || texts[0] != "{{.Size}}"+want[i] {
				t.Errorf("%s.json size.%s is %q, want %q", lang, unit, texts, "{{.Size}}"+want[i])
			}
			if lang == Fallback && (len(texts) != 1 || texts[0] != SizeEnglish[unit]) {
				t.Errorf("en.json size.%s is %q, but SizeEnglish says %q", unit, texts, SizeEnglish[unit])
			}
		}
	}
}
