package report

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/assets/fonts"
)

// width measures as a monospace font would: Latin 1, Chinese 2.
func width(s string) float64 {
	w := 0.0
	for _, r := range s {
		if fonts.FaceOf(r) == fonts.FaceCJK {
			w += 2
		} else {
			w++
		}
	}
	return w
}

func TestSplitRuns(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []run
	}{
		{"", nil},
		{"Battery", []run{{fonts.FaceLatin, "Battery"}}},
		{"电池 Battery", []run{{fonts.FaceCJK, "电池 "}, {fonts.FaceLatin, "Battery"}}},
		{"P60 电池，好", []run{{fonts.FaceLatin, "P60 "}, {fonts.FaceCJK, "电池，好"}}},
		{"é电ñ", []run{{fonts.FaceLatin, "é"}, {fonts.FaceCJK, "电"}, {fonts.FaceLatin, "ñ"}}},
	} {
		got := splitRuns(c.in)
		if len(got) != len(c.want) {
			t.Errorf("splitRuns(%q) = %v, want %v", c.in, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("splitRuns(%q) = %v, want %v", c.in, got, c.want)
			}
		}
	}
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  float64
		want []string
	}{
		{"", 10, []string{""}},
		{"the screen is cracked", 10, []string{"the screen", "is cracked"}},
		{"屏幕碎了，无法开机。", 6, []string{"屏幕碎", "了，无", "法开", "机。"}},
		{"Huawei P60 屏幕碎了", 10, []string{"Huawei P60", "屏幕碎了"}},
		{"abcdefghijkl", 5, []string{"abcde", "fghij", "kl"}},
		{"one\ntwo three", 20, []string{"one", "two three"}},
		{"a   b", 1, []string{"a", "b"}},
		{"word.", 4, []string{"word", "."}},
	} {
		got := wrap(c.in, c.max, width)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrap(%q, %v) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

// FuzzWrap: no line is wider than the limit unless it is one character,
// and no character but spaces and newlines is lost or reordered.
func FuzzWrap(f *testing.F) {
	for _, s := range []string{"the screen is cracked", "屏幕碎了，无法开机。", "Huawei P60 屏幕 碎了 ok", "a\nb  c", "x"} {
		f.Add(s, 6)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if !utf8.ValidString(s) || max < 2 || max > 200 || len(s) > 2000 {
			return
		}
		lines := wrap(s, float64(max), width)
		for _, l := range lines {
			if width(l) > float64(max) && utf8.RuneCountInString(l) > 1 {
				t.Fatalf("line %q is %v wide, max %d", l, width(l), max)
			}
		}
		strip := func(x string) string {
			return strings.Map(func(r rune) rune {
				if r == ' ' || unicode.IsControl(r) || r == utf8.RuneError {
					return -1
				}
				return r
			}, x)
		}
		if strip(strings.Join(lines, "")) != strip(s) {
			t.Fatalf("wrap(%q) = %q loses or reorders text", s, lines)
		}
	})
}
