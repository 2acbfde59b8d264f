package svgchart

import (
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
)

// Size bounds: a chart outside them is drawn at the nearest bound.
const (
	MinSize = 120
	MaxSize = 4000
	// MaxItems bounds the bars or columns drawn; further ones are left out
	// (the console's periods give at most 367 days).
	MaxItems = 1000
)

// The palette: the series' colours, dark then light, so two series differ
// in greyscale too; ink for text, grid for the axes' lines, target for the
// target line (also dashed).
const (
	colourDark   = "#1f4e79"
	colourLight  = "#8fbce6"
	colourInk    = "#1a1a1a"
	colourGrid   = "#b0b0b0"
	colourTarget = "#b3261e"
	fontSize     = 12.0
	charWidth    = 0.6 * fontSize // an average Latin glyph of a sans-serif face at fontSize
)

var seriesColours = [2]string{colourDark, colourLight}

// Bar is one horizontal bar: Label before it, Text after its end ("" shows
// Value as a number). Tip is its tooltip, worded by the caller in the
// page's language ("孙桂英：100%（1/1）" with Chinese's full-width colon);
// "" shows Label, an ASCII ": " and the text.
type Bar struct {
	Label string
	Value float64
	Text  string
	Tip   string
}

// BarChart is a list of horizontal bars on one scale.
type BarChart struct {
	Title, Desc   string
	Width, Height int // pixels
	Bars          []Bar
	// Max is the value of a full-length bar; 0 takes the largest value
	// (or the target, when larger).
	Max float64
	// Target draws a dashed vertical line at this value with TargetLabel
	// above it when HasTarget is set (a target of 0 is a target).
	Target      float64
	HasTarget   bool
	TargetLabel string
}

// Series is one row of values of a column chart, one value per column.
type Series struct {
	Name   string
	Values []float64
}

// ColumnChart is a value per column (a day), in one or two series side by
// side; Labels name the columns and are thinned out to fit under them.
type ColumnChart struct {
	Title, Desc   string
	Width, Height int
	Labels        []string
	Series        []Series // the first two are drawn
	Max           float64  // the top of the scale; 0 takes the largest value
	// Tips are the columns' tooltips, worded by the caller in the page's
	// language; a column without one ("" or past the end) shows its
	// label and each series' name and value joined with ASCII "; " and
	// ": ", which read as foreign punctuation in Chinese or French.
	Tips []string
}

// Bars draws c as SVG.
func Bars(c BarChart) []byte {
	w, h := clampSize(c.Width), clampSize(c.Height)
	bars := c.Bars[:min(len(c.Bars), MaxItems)]
	var s, values svg
	s.open(w, h, c.Title, c.Desc)
	top := 0.0
	if c.HasTarget && c.TargetLabel != "" {
		top = fontSize + 6 // room for the target's label
	}
	labelW := math.Round(float64(w) * 0.3)
	valueW := math.Round(float64(w) * 0.2)
	plotX, plotW := labelW+8, float64(w)-labelW-8-valueW
	full := clean(c.Max)
	if full == 0 {
		for _, b := range bars {
			full = math.Max(full, clean(b.Value))
		}
		if c.HasTarget {
			full = math.Max(full, clean(c.Target))
		}
	}
	if len(bars) > 0 {
		rowH := (float64(h) - top) / float64(len(bars))
		barH := math.Max(1, rowH*0.7)
		for i, b := range bars {
			y := top + float64(i)*rowH
			v := clean(b.Value)
			bw := 0.0
			if full > 0 {
				bw = plotW * math.Min(v, full) / full
			}
			text := b.Text
			if text == "" {
				text = number(v)
			}
			mid := y + rowH/2 + fontSize*0.35
			tip := b.Tip
			if tip == "" {
				tip = b.Label + ": " + text
			}
			s.printf(`<g><title>`)
			s.text(tip)
			s.printf(`</title>`)
			s.printf(`<text x="%s" y="%s" text-anchor="end">`, f(labelW), f(mid))
			s.text(fit(b.Label, labelW))
			s.printf(`</text>`)
			s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, f(plotX), f(y+(rowH-barH)/2), f(bw), f(barH), colourDark)
			s.printf(`</g>`)
			// The values come after the target line, on a white halo, so
			// that the line never crosses a value's text.
			values.printf(`<text x="%s" y="%s" stroke="#fff" stroke-width="3" paint-order="stroke">`, f(plotX+bw+4), f(mid))
			values.text(fit(text, valueW-4))
			values.printf(`</text>`)
		}
	}
	if c.HasTarget && full > 0 {
		x := plotX + plotW*math.Min(clean(c.Target), full)/full
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2" stroke-dasharray="6 4"/>`, f(x), f(top), f(x), f(float64(h)), colourTarget)
		if c.TargetLabel != "" {
			s.printf(`<text x="%s" y="%s" text-anchor="middle" fill="%s">`, f(x), f(fontSize), colourTarget)
			s.text(fit(c.TargetLabel, float64(w)))
			s.printf(`</text>`)
		}
	}
	s.b.WriteString(values.b.String())
	return s.close()
}

// Columns draws c as SVG.
func Columns(c ColumnChart) []byte {
	w, h := clampSize(c.Width), clampSize(c.Height)
	series := c.Series[:min(len(c.Series), 2)]
	n := min(len(c.Labels), MaxItems)
	for _, sr := range series {
		n = max(n, min(len(sr.Values), MaxItems))
	}
	var s svg
	s.open(w, h, c.Title, c.Desc)
	top := 4.0
	if len(series) > 1 {
		top = fontSize + 10 // the legend
		x := 0.0
		for i, sr := range series {
			s.printf(`<rect x="%s" y="2" width="10" height="10" fill="%s" stroke="%s"/>`, f(x), seriesColours[i], colourInk)
			s.printf(`<text x="%s" y="%s">`, f(x+14), f(fontSize))
			name := fit(sr.Name, float64(w)/2-20)
			s.text(name)
			s.printf(`</text>`)
			x += 14 + textWidth(name) + 16
		}
	}
	full := clean(c.Max)
	if full == 0 {
		for _, sr := range series {
			for _, v := range sr.Values[:min(len(sr.Values), MaxItems)] {
				full = math.Max(full, clean(v))
			}
		}
	}
	scaleW := math.Min(float64(w)/4, 4+float64(len(number(full)))*charWidth)
	plotX, plotW := scaleW+4, float64(w)-scaleW-4
	plotH := float64(h) - top - fontSize - 8
	base := top + plotH
	// The scale: the baseline and the top, labelled.
	s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, f(plotX), f(base), f(float64(w)), f(base), colourGrid)
	s.printf(`<text x="%s" y="%s" text-anchor="end">0</text>`, f(scaleW), f(base))
	if full > 0 {
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-dasharray="2 3"/>`, f(plotX), f(top), f(float64(w)), f(top), colourGrid)
		s.printf(`<text x="%s" y="%s" text-anchor="end">%s</text>`, f(scaleW), f(top+fontSize*0.7), number(full))
	}
	if n > 0 {
		colW := plotW / float64(n)
		barW := math.Max(0.5, colW*0.8/float64(max(1, len(series))))
		longest := charWidth
		for _, l := range c.Labels[:min(len(c.Labels), n)] {
			longest = math.Max(longest, textWidth(l))
		}
		every := max(1, int(math.Ceil((longest+6)/colW)))
		for i := range n {
			x := plotX + float64(i)*colW
			label := ""
			if i < len(c.Labels) {
				label = c.Labels[i]
			}
			s.printf(`<g>`)
			var tip strings.Builder
			tip.WriteString(label)
			for j, sr := range series {
				v := 0.0
				if i < len(sr.Values) {
					v = clean(sr.Values[i])
				}
				bh := 0.0
				if full > 0 {
					bh = plotH * math.Min(v, full) / full
				}
				s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, f(x+colW*0.1+float64(j)*barW), f(base-bh), f(barW), f(bh), seriesColours[j])
				fmt.Fprintf(&tip, "; %s: %s", sr.Name, number(v))
			}
			s.printf(`<title>`)
			if i < len(c.Tips) && c.Tips[i] != "" {
				s.text(c.Tips[i])
			} else {
				s.text(tip.String())
			}
			s.printf(`</title>`)
			if i%every == 0 && label != "" {
				s.printf(`<text x="%s" y="%s" text-anchor="middle">`, f(x+colW/2), f(float64(h)-4))
				s.text(label)
				s.printf(`</text>`)
			}
			s.printf(`</g>`)
		}
	}
	return s.close()
}

// svg builds the document.
type svg struct{ b strings.Builder }

func (s *svg) printf(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

// text writes t as character data: escaped, and with characters XML
// cannot hold replaced by U+FFFD.
func (s *svg) text(t string) {
	xml.EscapeText(&s.b, []byte(t)) // a strings.Builder never fails a write
}

func (s *svg) open(w, h int, title, desc string) {
	// The IDs tie role="img" to its title and description; derived from
	// them, so that charts on one page differ and the output stays the same.
	sum := fnv.New32a()
	sum.Write([]byte(title + "\x00" + desc))
	id := fmt.Sprintf("c%08x", sum.Sum32())
	s.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" font-family="sans-serif" font-size="%s" fill="%s">`,
		w, h, w, h, id, id, f(fontSize), colourInk)
	s.printf(`<title id="%s-t">`, id)
	s.text(title)
	s.printf(`</title><desc id="%s-d">`, id)
	s.text(desc)
	s.printf(`</desc>`)
}

func (s *svg) close() []byte {
	s.printf("</svg>\n")
	return []byte(s.b.String())
}

func clampSize(n int) int { return min(max(n, MinSize), MaxSize) }

// maxValue bounds a value, so that its printed form stays short.
const maxValue = 1e12

// clean makes a value drawable: NaN, -Inf and negatives draw as 0, values
// above maxValue (+Inf too) as maxValue.
func clean(v float64) float64 {
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	return math.Min(v, maxValue)
}

// f formats a coordinate with at most one decimal.
func f(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// number formats a value as the charts print it: whole numbers as such,
// others with at most two decimals.
func number(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// runeWidth estimates a character's width: CJK and other wide scripts
// (from U+2E80) take a whole em, the rest an average Latin glyph. No font
// is at hand on the server, so labels are fitted by this estimate.
func runeWidth(r rune) float64 {
	if r >= 0x2E80 && r < 0xFF61 || r >= 0x20000 {
		return fontSize
	}
	return charWidth
}

func textWidth(t string) float64 {
	w := 0.0
	for _, r := range t {
		w += runeWidth(r)
	}
	return w
}

// fit shortens t with "…" to about what width pixels hold.
func fit(t string, width float64) string {
	if textWidth(t) <= width {
		return t
	}
	used := charWidth // the ellipsis
	for i, r := range t {
		if used+runeWidth(r) > width {
			return t[:i] + "…"
		}
		used += runeWidth(r)
	}
	return t
}
