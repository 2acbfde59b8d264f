package ui_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2/test"
)

// TestChineseMoneyTextsWrapWell: the zh-Hans texts about money not yet
// approved or still owed, with an amount and a ticket number in them,
// wrap well at the widths a phone (720 wide) and a desktop give them:
// Fyne breaks a line at its last space, else at the character that does
// not fit [2.7.1], so a space beside an amount in mid-sentence left a
// short first line ("客户尚未同意 ¥56.50" and the rest below), and the
// sentence after it a lone "。" on a line of its own. No row of a
// paragraph but its last is under half full, and none is punctuation
// alone.
func TestChineseMoneyTextsWrapWell(t *testing.T) {
	test.NewTempApp(t)
	zh := terminalTexts(t, "zh-Hans")
	data := strings.NewReplacer("{{.Total}}", "¥56.50", "{{.Amount}}", "¥56.50", "{{.Balance}}", "¥56.50", "{{.Number}}", "T-2026-0042")
	for _, key := range []string{"estimate.needed", "estimate.needed_pending", "estimate.needed_text", "close.owed_text", "ticket.balance_owed"} {
		text, ok := zh[key]
		if !ok {
			t.Fatalf("zh-Hans has no text %q", key)
		}
		for _, width := range []float32{300, 420, 540, 680} {
			for _, rows := range wrappedRows(data.Replace(text), width) {
				for i, r := range rows {
					if strings.TrimFunc(r.Text, unicode.IsPunct) == "" {
						t.Errorf("%s at %v wide: row %d is %q alone:\n%s", key, width, i, r.Text, rowsText(rows))
					}
					if i < len(rows)-1 && r.MinSize().Width < width/2 {
						t.Errorf("%s at %v wide: row %d %q is under half full:\n%s", key, width, i, r.Text, rowsText(rows))
					}
				}
			}
		}
	}
}

// TestChineseCountTextsWrapWell: the zh-Hans texts that say a count in
// mid-sentence (有3项修改尚未发送, 共109种备件，显示其中42种) wrap well at
// a phone's and a desktop's widths: the count touches the words on both
// sides, so Fyne, which breaks a line at its last space [2.7.1], has no
// space to break at before the count and fills each row. With "有 {{.Count}}项"
// a phone's first row was 有 alone, the count and the rest below. No row
// of a paragraph but its last is under half full.
func TestChineseCountTextsWrapWell(t *testing.T) {
	test.NewTempApp(t)
	zh := terminalTexts(t, "zh-Hans")
	data := regexp.MustCompile(`\{\{\.[A-Za-z]+\}\}`)
	for _, key := range []string{
		"settings.sign_out_unsent/other", "settings.sign_out_conflicts/other", "settings.sign_out_really/other",
		"count.shown/other", "count.serials_unknown", "draft.too_long", "photo.quota", "parts.hidden/other",
	} {
		text, ok := zh[key]
		if !ok {
			t.Fatalf("zh-Hans has no text %q", key)
		}
		text = strings.ReplaceAll(text, "{{.HeldSize}}", "1.5MB")
		text = data.ReplaceAllString(text, "1,234")
		for _, width := range []float32{200, 300, 420, 540, 680} {
			for _, rows := range wrappedRows(text, width) {
				for i, r := range rows {
					if i < len(rows)-1 && r.MinSize().Width < width/2 {
						t.Errorf("%s at %v wide: row %d %q is under half full:\n%s", key, width, i, r.Text, rowsText(rows))
					}
				}
			}
		}
	}
}
