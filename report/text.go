package report

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/assets/fonts"
)

// run is a stretch of text set in one font.
type run struct {
	face fonts.Face
	text string
}

// splitRuns cuts s where the font its characters need changes. Spaces stay
// in the run they follow, so a space between Chinese words does not make a
// run of its own.
func splitRuns(s string) []run {
	var out []run
	for _, r := range s {
		f := fonts.FaceOf(r)
		if n := len(out); n > 0 && (out[n-1].face == f || r == ' ') {
			out[n-1].text += string(r)
			continue
		}
		out = append(out, run{f, string(r)})
	}
	return out
}

// noLineStart lists the closing punctuation that must not begin a line
// (Chinese and Latin): it stays with the character before it.
const noLineStart = "，。、；：！？）」』】》〉,.;:!?)]}%"

// segments cuts s into the pieces a line may break between: a word of
// letters (with its trailing punctuation), a single Chinese character
// (with the closing punctuation after it), or a run of spaces.
func segments(s string) []string {
	var out []string
	cur := ""
	flush := func() {
		if cur != "" {
			out = append(out, cur)
			cur = ""
		}
	}
	for _, r := range s {
		switch {
		case r == ' ':
			if cur != "" && !strings.HasSuffix(cur, " ") {
				flush()
			}
			cur += " "
		case strings.ContainsRune(noLineStart, r) && cur != "" && !strings.HasSuffix(cur, " "):
			cur += string(r)
		case strings.ContainsRune(noLineStart, r) && cur == "" && len(out) > 0 && !strings.HasSuffix(out[len(out)-1], " "):
			out[len(out)-1] += string(r)
		case fonts.FaceOf(r) == fonts.FaceCJK || unicode.Is(unicode.Han, r):
			flush()
			cur = string(r)
			flush()
		default:
			if strings.HasSuffix(cur, " ") {
				flush()
			}
			cur += string(r)
		}
	}
	flush()
	return out
}

// wrap breaks s into lines no wider than max as measure gives widths,
// breaking between segments, after explicit newlines, and inside a
// segment only when it alone is too wide. Spaces at a line's start and end
// are dropped, and control characters (see clean). Every other character
// of s appears once, in order.
func wrap(s string, max float64, measure func(string) float64) []string {
	var lines []string
	for _, para := range strings.Split(clean(s), "\n") {
		line := ""
		push := func() {
			lines = append(lines, strings.TrimRight(line, " "))
			line = ""
		}
		for _, seg := range segments(para) {
			if line == "" && strings.Trim(seg, " ") == "" {
				continue
			}
			if measure(strings.TrimRight(line+seg, " ")) <= max {
				line += seg
				continue
			}
			if strings.Trim(line, " ") != "" {
				push()
			}
			seg = strings.TrimLeft(seg, " ")
			// A segment wider than the line alone: break it by characters,
			// at least one a line.
			for measure(seg) > max && utf8.RuneCountInString(seg) > 1 {
				n := 0
				for i, r := range seg {
					end := i + utf8.RuneLen(r)
					if n > 0 && measure(seg[:end]) > max {
						break
					}
					n = end
				}
				lines = append(lines, seg[:n])
				seg = seg[n:]
			}
			line = seg
		}
		push()
	}
	return lines
}

// clean makes tabs spaces and drops the control characters but newlines,
// which no font draws: text typed on a device may hold any of them.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r == '\n':
			return r
		case unicode.IsControl(r), r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
}
