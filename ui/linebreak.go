package ui

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2/widget"
)

// lineBreak is where a wrapping label may end a line without a space: a
// carriage return. Fyne's word wrap breaks a line at its last
// unicode.IsSpace rune, which '\r' is, and else, where there is none (any
// Chinese text), at whichever character does not fit [2.7.1,
// widget/richtext.go lineBounds]; its text drawing and measuring drop
// '\r' (internal/painter/font.go walkString), so it is never seen and
// takes no room.
const lineBreak = '\r'

// breakable is s marked with lineBreak where Chinese allows a line to end
// (between two characters, before or after a word in Latin letters), so
// that Fyne breaks a wrapping label there and nowhere else: "3" at the end
// of one line and "个零件" on the next, "1,2" and "34种", or
// "FB-2026-0001" and "17", were Fyne's breaks at the character that did
// not fit. It does not mark:
//   - inside a run of letters, digits and signs (a number, a ticket
//     number, a serial, an amount, a size): those break only at a
//     space, and only where one is too long for a line;
//   - between a number and the word it counts, its measure word or unit
//     (3个, 42种, 15分钟, 2个月);
//   - after 第 or an opening bracket or quote, before a closing one or
//     any punctuation that must not start a line (，。、：；！？…);
//   - beside a space, already a break.
//
// Only when the screens are in Chinese: in another language a Chinese
// name or address stands between spaces, where Fyne breaks, and a text
// without Chinese comes back as it is. Only for a label's text: an entry
// or a document would keep the marks.
//
// The marks stay on the screen, which is why a label's .Text may carry
// them (tests read it through labels(), which drops them). Checked at
// [2.7.1] for every label breakable marks (confirmAction's message,
// showProblem's, the sync page's status, problem and notices, the notice
// banner, the count's search line, and wrapLabel, lowLabel and wrapped):
//   - copy: none is Selectable, so neither Fyne's Copy menu nor Ctrl+C
//     reaches them (widget/selectable.go copies .Text as it is); the app
//     writes nothing to the clipboard;
//   - read back: no code reads those labels' .Text; the text each shows is
//     made from the app's data (errorText, noticeText, syncSummary) and
//     marked only as it is handed to the label, so entries, the wire,
//     reports, claim tags, labels and CSV get the unmarked text;
//   - accessibility: Fyne 2.7.1 gives screen readers nothing.
//
// A label made Selectable, or a label's .Text read for anything but the
// screen, must take its text unmarked: strip lineBreak or do not mark it.
func breakable(s string) string {
	if uiLanguage() != "zh" || !strings.ContainsFunc(s, isCJK) || strings.ContainsRune(s, lineBreak) {
		return s
	}
	runes := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + len(runes))
	glued := 0 // runes ahead that stay with the one before them (a unit)
	for i, r := range runes {
		if i > 0 {
			if glued > 0 {
				glued--
			} else if prev := runes[i-1]; unicode.IsDigit(prev) && unicode.Is(unicode.Han, r) {
				glued = unitLength(runes[i:]) - 1
			} else if mayBreakBetween(prev, r) {
				b.WriteRune(lineBreak)
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// setBreakable sets a wrapping label's text, marked by breakable.
func setBreakable(l *widget.Label, text string) { l.SetText(breakable(text)) }

// mayBreakBetween reports whether a line may end between prev and next,
// a number and its unit aside.
func mayBreakBetween(prev, next rune) bool {
	if !isCJK(prev) && !isCJK(next) {
		return false // Latin text breaks at its spaces
	}
	if unicode.IsSpace(prev) || unicode.IsSpace(next) {
		return false
	}
	return !strings.ContainsRune(noLineEnd, prev) && !strings.ContainsRune(noLineStart, next)
}

// isCJK reports whether r is a Chinese character or a full-width or
// Chinese punctuation mark, the text breakable marks.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) ||
		r >= 0x3000 && r <= 0x303f || // CJK symbols and punctuation: 、。「」《》
		r >= 0xff00 && r <= 0xffef // full-width forms: ，：；！？（）
}

// noLineStart are the marks a line must not start with, in Chinese
// (GB/T 15834) and in the Latin text beside it; noLineEnd those it must
// not end with: opening brackets and quotes, a currency sign, 第 (the
// "No." of 第3次).
const (
	noLineStart = "，。、：；！？）］｝〕〉》」』】〙〗〟’”…‥·—～％‰,.:;!?)]}%"
	noLineEnd   = "（［｛〔〈《「『【〘〖〝‘“([{¥￥$€£第"
)

// unitsAfterANumber are the units and measure words of more than one
// character the terminal's texts write after a number, longest first; a
// number keeps its first character else.
var unitsAfterANumber = []string{"百万像素", "个工作日", "个字符", "个字母", "个月", "工作日", "分钟", "小时", "字节", "像素", "毫米", "厘米", "公里", "公斤"}

// unitLength is how many runes of s, which follows a number, are the
// number's unit: a known unit of several, else 1.
func unitLength(s []rune) int {
	for _, u := range unitsAfterANumber {
		if strings.HasPrefix(string(s[:min(len(s), 4)]), u) {
			return len([]rune(u))
		}
	}
	return 1
}
