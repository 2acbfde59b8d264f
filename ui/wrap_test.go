package ui_test

import (
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/assets/translations"
)

// The wrap tests (frwrap_test.go, zhwrap_test.go) read a language's texts
// as the terminal shows them and wrap each in a label at a width; these
// are the parts they share.

// terminalTexts is every text of language that the terminal may show, by
// key ("key/form" for a plural form): all but the console's (console.*)
// and the central service's imports' (import.*), which a browser wraps,
// and the texts only a printed document carries
// (printedOnly), nor a document's file name (doc.file.*): one word, its
// fields a ticket's or a receipt's number, never a grouped count.
func terminalTexts(t testing.TB, language string) map[string]string {
	t.Helper()
	raw, err := translations.File(language)
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]any
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	for key, v := range all {
		if strings.HasPrefix(key, "console.") || strings.HasPrefix(key, "import.") || strings.HasPrefix(key, "doc.file.") || printedOnly[key] {
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
	return texts
}

// printedOnly are the texts only the printed documents (package report)
// carry: its PDF breaks a line at an ASCII space alone, so a French colon
// there keeps a no-break space in front, as paper expects.
var printedOnly = map[string]bool{
	"report.receipt_keep": true, "report.refused": true, "report.terms_text": true, "report.total_unknown": true,
}

// wrappedRows is the rows each paragraph of text takes in a word-wrapping
// label width wide, paragraph by paragraph.
func wrappedRows(text string, width float32) [][]*canvas.Text {
	var paras [][]*canvas.Text
	for _, para := range strings.Split(text, "\n") {
		l := widget.NewLabel(para)
		l.Wrapping = fyne.TextWrapWord
		// Twice: a wrapping label's height depends on its width, so the
		// first resize gives it the width, the second the height it needs.
		l.Resize(fyne.NewSize(width, l.MinSize().Height))
		l.Resize(fyne.NewSize(width, l.MinSize().Height))
		paras = append(paras, labelRows(l))
	}
	return paras
}

// labelRows is the rows a wrapping label draws, in order.
func labelRows(l *widget.Label) []*canvas.Text {
	var rows []*canvas.Text
	walk(l, func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok && t.Text != "" {
			rows = append(rows, t)
		}
	})
	return rows
}

func rowsText(rows []*canvas.Text) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("  " + r.Text + "\n")
	}
	return b.String()
}
