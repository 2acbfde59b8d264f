package ui_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestFrenchPunctuationStaysWithItsWord: no French text the terminal
// shows breaks, wrapped in a label, between a guillemet and the word it
// quotes, or before a ; ! or ?: Fyne breaks a line at every Unicode
// space, the no-break ones (U+00A0, U+202F) too [2.7.1], so « Aujourd'hui »
// could end a line on « and start the next with Aujourd'hui », and a
// question start a line with its ?. The texts glue them to the word
// («Aujourd'hui», ticket?), as Swiss and Quebec French write them; a : keeps
// its space, which a French reader expects there in every convention. The
// console's texts (console.*) are shown by a browser, which keeps a
// no-break space. Each text is wrapped at widths from a phone's column to
// a dialog's, with its fields filled with a word.
func TestFrenchPunctuationStaysWithItsWord(t *testing.T) {
	test.NewTempApp(t)
	raw, err := translations.File("fr")
	if err != nil {
		t.Fatal(err)
	}
	var fr map[string]any
	if err := json.Unmarshal(raw, &fr); err != nil {
		t.Fatal(err)
	}
	field := regexp.MustCompile(`{{[^}]*}}`)
	texts := map[string]string{}
	for key, v := range fr {
		if strings.HasPrefix(key, "console.") {
			continue
		}
		switch v := v.(type) {
		case string:
			texts[key] = v
		case map[string]any: // plural forms
			for form, s := range v {
				if s, ok := s.(string); ok {
					texts[key+"/"+form] = s
				}
			}
		}
	}
	checked := 0
	for key, text := range texts {
		if !strings.ContainsAny(text, "«»;!?") {
			continue
		}
		checked++
		text = field.ReplaceAllString(text, "Aujourd'hui")
		for width := float32(150); width <= 420; width += 17 {
			for _, para := range strings.Split(text, "\n") {
				l := widget.NewLabel(para)
				l.Wrapping = fyne.TextWrapWord
				l.Resize(fyne.NewSize(width, l.MinSize().Height))
				l.Resize(fyne.NewSize(width, l.MinSize().Height))
				rows := labelRows(l)
				for i, r := range rows {
					row := strings.TrimSpace(r.Text)
					if i > 0 && row != "" && strings.ContainsRune("»;!?", []rune(row)[0]) {
						t.Errorf("%s at %v wide: row %d starts with %q:\n%s", key, width, i, row[:1], rowsText(rows))
					}
					if i < len(rows)-1 && strings.HasSuffix(row, "«") {
						t.Errorf("%s at %v wide: row %d ends with «:\n%s", key, width, i, rowsText(rows))
					}
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d French texts hold « » ; ! or ?: the test reads the wrong file", checked)
	}
}
