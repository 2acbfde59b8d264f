package app_test

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"José", "jose"},
		{"SEÑOR Núñez", "senor nunez"},
		{"Françoise Lœuvre", "francoise loeuvre"},
		{"João Conceição", "joao conceicao"},
		{"Straße", "strasse"},
		{"Łódź", "lodz"},
		{"WAT28 Bosch", "wat28 bosch"},
		{"Nguyễn Thị Tuyết", "nguyen thi tuyet"},
		{"Ștefănescu Țurcan", "stefanescu turcan"},
		{"Lǚ Nǐ Hǎo", "lu ni hao"},
		{"Ơn Ưng", "on ung"},
		{"王小明", "王小明"}, // no case, no accent: as it is
		// A Chinese input method's full-width forms are their ASCII, its
		// ideographic space a space.
		{"１３８　００１３　８０００", "138 0013 8000"},
		{"ＳＮ－Ａ１２", "sn-a12"},
		{"！～", "!~"},
		{"王（先生）", "王(先生)"},
		// French writes the apostrophe ’; a keyboard types '.
		{"Pompe d’évacuation de l’eau", "pompe d'evacuation de l'eau"},
		{"l'eau", "l'eau"},
		{"‘ʼ`＇｀", "'''''"},
		{"O`Brien", "o'brien"},
		{"« guillemets » “double”", "« guillemets » “double”"}, // quotation marks stay
		{"", ""},
	} {
		if got := app.Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// BenchmarkFold is Fold's cost on a ticket write (the board's index folds
// four texts), beside strings.ToLower, which the index used before.
func BenchmarkFold(b *testing.B) {
	for _, s := range []string{"Customer 12345", "José Señor Conceição"} {
		b.Run("Fold/"+s, func(b *testing.B) {
			for b.Loop() {
				app.Fold(s)
			}
		})
		b.Run("ToLower/"+s, func(b *testing.B) {
			for b.Loop() {
				strings.ToLower(s)
			}
		})
	}
}
