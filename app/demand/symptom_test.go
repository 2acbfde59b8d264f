package demand

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSymptom(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"english", "The washer is NOT draining, water stays in the drum", []string{"washer", "not", "draining", "water", "stays", "drum"}},
		{"code plain", "E4", []string{"e4"}},
		{"code hyphen", "Display shows E-4", []string{"display", "shows", "e4"}},
		{"code space after capital", "error E 4", []string{"error", "e4"}},
		{"code leading zero", "F021 then F21", []string{"f21"}},
		{"code glued to words", "code:E04.", []string{"code", "e4"}},
		{"two-letter code", "fault LE-12", []string{"fault", "le12"}},
		{"numbers dropped", "stopped 3 days ago, 2 times", []string{"stopped", "days", "ago", "times"}},
		{"chinese", "洗衣机不排水，显示E4", []string{"洗衣", "衣机", "机不", "不排", "排水", "显示", "e4"}},
		{"chinese particles split", "不加热了", []string{"不加", "加热"}},
		{"chinese lone character", "漏 水", []string{"漏", "水"}},
		{"full-width code", "显示Ｅ－０４，不排水", []string{"显示", "e4", "不排", "排水"}},
		{"full-width code, no hyphen", "代码Ｆ２１", []string{"代码", "f21"}},
		{"french", "Le lave-linge ne démarre pas, code F21", []string{"lave", "linge", "ne", "demarre", "pas", "code", "f21"}},
		{"french accents folded", "ne demarre pas", []string{"ne", "demarre", "pas"}},
		{"spanish", "La lavadora no centrifuga y hace mucho ruido", []string{"lavadora", "no", "centrifuga", "hace", "mucho", "ruido"}},
		{"portuguese", "A máquina não liga, erro E-4", []string{"maquina", "nao", "liga", "erro", "e4"}},
		{"repeats once", "noise noise NOISE", []string{"noise"}},
		{"empty", "", nil},
		{"only punctuation", "?!. -- ,", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Symptom(tt.text); !slices.Equal(got, tt.want) {
				t.Fatalf("Symptom(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestSymptomBounds(t *testing.T) {
	var b strings.Builder
	for i := range 100 {
		b.WriteString("word")
		b.WriteString(strings.Repeat(string(rune('a'+i%26)), 1+i/26))
		b.WriteByte(' ')
	}
	if got := Symptom(b.String()); len(got) != MaxSymptomTokens || got[0] != "worda" {
		t.Fatalf("100 words gave %d tokens %q, want the first %d", len(got), got, MaxSymptomTokens)
	}
	// Past MaxSymptomBytes nothing is read.
	long := strings.Repeat(" ", MaxSymptomBytes) + "pump"
	if got := Symptom(long); got != nil {
		t.Fatalf("a word past %d bytes was read: %q", MaxSymptomBytes, got)
	}
	// A cut through a character does not leave half of it.
	cut := strings.Repeat("a", MaxSymptomBytes-1) + "热"
	for _, tok := range Symptom(cut) {
		if !utf8.ValidString(tok) {
			t.Fatalf("invalid token %q", tok)
		}
	}
}

func FuzzSymptom(f *testing.F) {
	for _, s := range []string{"E4 not draining", "洗衣机不加热了E-04", "ne démarre pas", "A\xffE-", strings.Repeat("ab 1 ", 500)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Symptom(s)
		if len(got) > MaxSymptomTokens {
			t.Fatalf("%d tokens", len(got))
		}
		for i, tok := range got {
			if tok == "" || !utf8.ValidString(tok) || slices.Contains(got[:i], tok) || len(tok) > MaxSymptomBytes {
				t.Fatalf("bad token %q in %q", tok, got)
			}
		}
		if again := Symptom(s); !slices.Equal(got, again) {
			t.Fatalf("not deterministic: %q then %q", got, again)
		}
	})
}
