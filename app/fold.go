package app

import (
	"strings"
	"unicode"
)

// FoldVersion names the folding Fold and PhoneDigits do. Folds stored
// for searching (the central service's board index, the device's ticket
// search) are made again when it changes: bump it whenever foldAccents,
// Fold's rule or PhoneDigits's changes. Version 4 made the apostrophes one
// (apostrophes).
const FoldVersion = "4"

// Fold is how a search compares text: lower-cased, Latin accents and
// ligatures folded ("José" and "jose", "Señor" and "senor", "Straße" and
// "strasse" are one), everything else as it is. People type names without
// their accents, and a search that needs them finds nothing. The
// central service's board and the device's ticket search fold with it,
// the text they index and the query alike: SQLite's trigram
// remove_diacritics 1 alone leaves the ligatures and the letters with a
// stroke as they are ("loeuvre", "strasse", "lodz" and "soren" found
// "Lœuvre", "Straße", "Łódź" and "Søren" on the console only, checked
// with modernc SQLite 1.62).
//
// The full-width forms of ASCII a Chinese or Japanese input method types
// ("１３８", "ＳＮ－１２") are their ASCII ("138", "sn-12"), and its
// ideographic space a space: the same key typed in either mode finds the
// same ticket.
//
// The apostrophes are one, the typewriter's "'" (apostrophes): French
// text is written with "’" ("l’eau", "d’arrivée"), and a technician types
// "'" on a keyboard that has no other.
func Fold(s string) string {
	plain := true // ASCII, and no backquote to fold
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == '`' {
			plain = false
			break
		}
	}
	if plain {
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
	r = unicode.ToLower(narrow(r))
	if apostrophes[r] {
		return "'"
	}
	if f, ok := foldAccents[r]; ok {
		return f
	}
	return string(r)
}

// narrow is the ASCII character of a full-width form (U+FF01 to U+FF5E,
// "！" to "～", the block's one-to-one image of ASCII's printable
// characters), and a space for the ideographic space; any other rune as
// it is.
func narrow(r rune) rune {
	switch {
	case r >= '！' && r <= '～':
		return r - '！' + '!'
	case r == '\u3000':
		return ' '
	}
	return r
}

// apostrophes are the characters Fold makes "'": the typographic
// apostrophe and right quotation mark ’ (U+2019, what French text and
// the translations write), the left quotation mark ‘ (U+2018, an
// autocorrect's wrong turn), the modifier letter ʼ (U+02BC) and the
// backquote ` that some keyboards put where the apostrophe is expected.
// The full-width ＇ and ｀ come through narrow.
var apostrophes = map[rune]bool{'’': true, '‘': true, 'ʼ': true, '`': true}

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
