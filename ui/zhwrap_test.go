package ui_test

import (
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
	for _, key := range []string{"estimate.needed", "estimate.needed_text", "close.owed_text", "ticket.balance_owed"} {
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
