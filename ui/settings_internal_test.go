package ui

import (
	"slices"
	"testing"
)

// TestScriptRuns: a name mixing Chinese and Latin letters is drawn as one
// run per script, so no run mixes fonts (the "g" of Wang Lei was cut).
func TestScriptRuns(t *testing.T) {
	tests := map[string]struct {
		in   string
		want []string
	}{
		"ChineseThenLatin": {in: "王磊 Wang Lei", want: []string{"王磊 ", "Wang Lei"}},
		"LatinThenChinese": {in: "Lei Wang 王磊", want: []string{"Lei Wang ", "王磊"}},
		"Latin":            {in: "Grace Hopper", want: []string{"Grace Hopper"}},
		"Chinese":          {in: "李娜", want: []string{"李娜"}},
		"Interleaved":      {in: "A王B", want: []string{"A", "王", "B"}},
		"Empty":            {in: "", want: nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := scriptRuns(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("scriptRuns(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestKnownLanguage: -lang takes the codes the settings offer, nothing
// else.
func TestKnownLanguage(t *testing.T) {
	for code, want := range map[string]bool{"": true, "en": true, "zh": true, "fr": true, "es": true, "pt": true, "de": false, "zh-Hans": false, "EN": false, "x y": false} {
		if got := KnownLanguage(code); got != want {
			t.Errorf("KnownLanguage(%q) = %v, want %v", code, got, want)
		}
	}
}
