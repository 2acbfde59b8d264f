package app

import (
	"strings"
	"unicode"
)

// FoldVersion names the folding Fold does. Folds stored for searching
// (the central service's board index) are made again when it changes:
// bump it whenever foldAccents or Fold's rule changes.
const FoldVersion = "2"

// Fold is how a search compares text: lower-cased, Latin accents and
// ligatures folded ("José" and "jose", "Señor" and "senor", "Straße" and
// "strasse" are one), everything else as it is. People type names without
// their accents, and a search that needs them finds nothing. The
// central service's board folds with it. It folds the accented letters
// the device's ticket search folds (SQLite's trigram remove_diacritics 1)
// for the app's languages, and more: SQLite leaves the ligatures and the
// letters with a stroke as they are ("loeuvre", "strasse", "lodz" and
// "soren" find "Lœuvre", "Straße", "Łódź" and "Søren" on the console, not
// on the device, checked with modernc SQLite 1.62).
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s) // the common case, without a rune loop
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteString(FoldRune(r))
	}
	return b.String()
}

// FoldRune is Fold of one rune.
func FoldRune(r rune) string {
	r = unicode.ToLower(r)
	if f, ok := foldAccents[r]; ok {
		return f
	}
	return string(r)
}

// foldAccents maps the lower-case letters of Latin-1 and Latin Extended-A
// that carry an accent, or are a ligature, to their plain letters; and
// those of Latin Extended-B and Extended Additional that the device's
// search folds too: pinyin's tone marks ("lǚ", "nǐ") and Vietnamese
// ("Nguyễn"), Romanian's comma below ("ș", "ț").
var foldAccents = func() map[rune]string {
	m := map[rune]string{'æ': "ae", 'œ': "oe", 'ß': "ss", 'ð': "d", 'þ': "th", 'ĳ': "ij"}
	for plain, accented := range map[string]string{
		"a": "àáâãäåāăą" + "ǎ" + "ạảấầẩẫậắằẳẵặ", "c": "çćĉċč", "d": "ďđ", "e": "èéêëēĕėęě" + "ẹẻẽếềểễệ",
		"g": "ĝğġģ", "h": "ĥħ", "i": "ìíîïĩīĭįı" + "ǐ" + "ỉị", "j": "ĵ", "k": "ķ", "l": "ĺļľŀł", "n": "ñńņň",
		"o": "òóôõöøōŏő" + "ǒơ" + "ọỏốồổỗộớờởỡợ", "r": "ŕŗř", "s": "śŝşšſ" + "ș", "t": "ţťŧ" + "ț",
		"u": "ùúûüũūŭůűų" + "ǔǖǘǚǜư" + "ụủứừửữự", "w": "ŵ", "y": "ýÿŷ" + "ỳỵỷỹ", "z": "źżž",
	} {
		for _, r := range accented {
			m[r] = plain
		}
	}
	return m
}()
