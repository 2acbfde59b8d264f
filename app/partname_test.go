package app_test

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestPartNameFor: a reader gets the part's name in their language when
// the catalog has it (Chinese and English in their own fields, others in
// Names, by tag as a rule set's name is picked), else English, else
// Chinese, else the number.
func TestPartNameFor(t *testing.T) {
	full := app.Part{Number: "P-1", NameEN: "Drain pump", NameZH: "排水泵",
		Names: map[string]string{"fr": "Pompe de vidange", "es": "Bomba de desagüe", "pt-BR": "Bomba de drenagem"}}
	for _, c := range []struct {
		p          app.Part
		lang, want string
	}{
		{full, "en", "Drain pump"},
		{full, "en-NG", "Drain pump"},
		{full, "zh-Hans", "排水泵"},
		{full, "zh_CN", "排水泵"},
		{full, "fr", "Pompe de vidange"},
		{full, "fr-CA", "Pompe de vidange"},
		{full, "ES", "Bomba de desagüe"},
		{full, "pt", "Bomba de drenagem"},
		{full, "pt_BR", "Bomba de drenagem"},
		{full, "de", "Drain pump"},
		{full, "", "Drain pump"},
		{app.Part{Number: "P-2", NameEN: "Door seal", NameZH: "门封"}, "fr", "Door seal"},
		{app.Part{Number: "P-3", NameZH: "门封"}, "fr", "门封"},
		{app.Part{Number: "P-3", NameZH: "门封"}, "en", "门封"},
		{app.Part{Number: "P-4", NameEN: "Seal"}, "zh", "Seal"},
		{app.Part{Number: "P-5"}, "fr", "P-5"},
		// English and Chinese come from their own fields, never Names.
		{app.Part{Number: "P-6", NameEN: "Hose", Names: map[string]string{"en": "Tube", "zh": "管"}}, "zh", "Hose"},
	} {
		if got := c.p.NameFor(c.lang); got != c.want {
			t.Errorf("%s in %q: %q, want %q", c.p.Number, c.lang, got, c.want)
		}
	}
}

// TestPartNamesValidate: a part's names in other languages are bounded
// and checked as a rule set's are, with the part's own key.
func TestPartNamesValidate(t *testing.T) {
	many := map[string]string{}
	for i := range app.MaxNameLangs + 1 {
		many["x"+string(rune('a'+i/26))+string(rune('a'+i%26))] = "n"
	}
	atBound := map[string]string{}
	for i := range app.MaxNameLangs {
		atBound["x"+string(rune('a'+i/26))+string(rune('a'+i%26))] = "n"
	}
	for name, c := range map[string]struct {
		names map[string]string
		key   string
	}{
		"None":        {nil, ""},
		"Three":       {map[string]string{"fr": "Pompe", "es": "Bomba", "pt-BR": "Bomba"}, ""},
		"AtBound":     {atBound, ""},
		"TooMany":     {many, "part.invalid.names"},
		"NotATag":     {map[string]string{"french!": "Pompe"}, "part.invalid.names"},
		"TagTwice":    {map[string]string{"fr": "Pompe", "FR": "Pompe"}, "part.invalid.names"},
		"Empty":       {map[string]string{"fr": " "}, "part.invalid.names"},
		"TwoLines":    {map[string]string{"fr": "Pompe\nde vidange"}, "field.control_chars"},
		"LongestName": {map[string]string{"fr": strings.Repeat("é", app.MaxNameLen)}, ""},
		"TooLong":     {map[string]string{"fr": strings.Repeat("é", app.MaxNameLen+1)}, "mutation.too_long"},
	} {
		p := app.Part{Number: "P-1", NameEN: "Drain pump", Class: app.ClassUnit, Names: c.names}
		err := p.Validate()
		var key string
		if e, ok := err.(*app.Error); ok {
			key = e.Key
		} else if err != nil {
			key = err.Error()
		}
		if key != c.key {
			t.Errorf("%s: %v (key %q), want key %q", name, err, key, c.key)
		}
	}
}
