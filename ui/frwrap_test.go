package ui_test

import (
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestFrenchPunctuationStaysWithItsWord: no French text the terminal
// shows breaks, wrapped in a label, between a guillemet and the word it
// quotes, before a ; ! ? : or %, or inside a number: Fyne breaks a line at
// every Unicode space, the no-break ones (U+00A0, U+202F) too [2.7.1], so
// « Aujourd’hui » could end a line on « and start the next with
// Aujourd’hui », a question start a line with its ?, an explanation with
// its :, and "9 532" end a line on 9. The texts glue them to the word
// («Aujourd’hui», ticket?, Pourquoi:), as Swiss and Quebec French write
// ; ! ? and screens often write : and %, and numbers group with the Swiss
// apostrophe (translations.Count). The console's texts (console.*) are
// shown by a browser, which keeps a no-break space. Each text is wrapped
// at widths from a phone's column to a dialog's, with its fields filled
// with a word, then with a grouped number.
func TestFrenchPunctuationStaysWithItsWord(t *testing.T) {
	test.NewTempApp(t)
	field := regexp.MustCompile(`{{[^}]*}}`)
	number := translations.Count("fr", 1234567)
	plain := regexp.MustCompile(`{{[^.}]`) // an action, not a field
	checked := 0
	for key, text := range terminalTexts(t, "fr") {
		if strings.ContainsAny(text, "«»;!?:%") {
			checked++
			for width := float32(150); width <= 420; width += 17 {
				for _, rows := range wrappedRows(field.ReplaceAllString(text, "Aujourd’hui"), width) {
					for i, r := range rows {
						row := strings.TrimSpace(r.Text)
						if i > 0 && row != "" && strings.ContainsRune("»;!?:%", []rune(row)[0]) {
							t.Errorf("%s at %v wide: row %d starts with %q:\n%s", key, width, i, row[:1], rowsText(rows))
						}
						if i < len(rows)-1 && strings.HasSuffix(row, "«") {
							t.Errorf("%s at %v wide: row %d ends with «:\n%s", key, width, i, rowsText(rows))
						}
					}
				}
			}
		}
		if !field.MatchString(text) || plain.MatchString(text) {
			continue
		}
		// Each field a number: every number is whole on some row.
		filled := field.ReplaceAllString(text, number)
		want := strings.Count(filled, number)
		for width := float32(150); width <= 420; width += 34 {
			got, shown := 0, ""
			for _, rows := range wrappedRows(filled, width) {
				for _, r := range rows {
					got += strings.Count(r.Text, number)
				}
				shown += rowsText(rows)
			}
			if got < want {
				t.Errorf("%s at %v wide: a number breaks across rows:\n%s", key, width, shown)
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d French texts hold « » ; ! ? or a colon: the test reads the wrong file", checked)
	}
}
