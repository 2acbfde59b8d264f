package svgchart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.svg from the current output")

const xss = `<script>alert("x")</script> & Co`

func goldenCharts() map[string][]byte {
	days := make([]string, 30)
	closed := make([]float64, 30)
	for i := range days {
		days[i] = fmt.Sprintf("11-%02d", i+1)
		closed[i] = float64((i * 7) % 11)
	}
	return map[string][]byte{
		"bars_sla": Bars(BarChart{Title: "SLA met by technician", Desc: "Share of closed tickets resolved in time, November 2026",
			Width: 640, Height: 200, HasTarget: true, Target: 90, TargetLabel: "Target 90 %", Max: 100,
			Bars: []Bar{{"Ana Lima", 95.5, "95.5 % (21/22)", ""}, {"Bo Chen", 80, "80 % (8/10)", ""}, {xss, 0, "no tickets", ""},
				{"A technician with a very long name that does not fit", 100, "", ""}}}),
		"bars_empty": Bars(BarChart{Title: "Parts used", Desc: "No parts used in the period", Width: 320, Height: 120}),
		"columns_one": Columns(ColumnChart{Title: "Tickets closed per day", Desc: "November 2026", Width: 720, Height: 240,
			Labels: days, Series: []Series{{"Closed", closed}}}),
		"columns_two": Columns(ColumnChart{Title: "每日关闭的工单", Desc: "已关闭与按时解决", Width: 360, Height: 200,
			Labels: []string{"周一", "周二", "周三", "周四", "周五", "周六", "周日"},
			Series: []Series{{"已关闭", []float64{5, 8, 0, 3, 12, 1, 0}}, {"按时 " + xss, []float64{4, 8, 0, 1, 10, 1, 0}}}}),
	}
}

func TestGolden(t *testing.T) {
	for name, got := range goldenCharts() {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name+".svg")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the output (go test -update rewrites it, then look at it):\n%s", path, got)
			}
		})
	}
}

// parsed is what a chart's XML holds, read back with encoding/xml.
type parsed struct {
	root     xml.StartElement
	title    string
	desc     string
	texts    []string // the character data of every <text>
	tips     []string // the tooltips: every <title> but the chart's
	elements map[string]int
}

func parse(t testing.TB, svg []byte) parsed {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	p := parsed{elements: map[string]int{}}
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				if p.root.Name.Local != "" {
					t.Fatalf("a second root element <%s>", tok.Name.Local)
				}
				p.root = tok.Copy()
			}
			stack = append(stack, tok.Name.Local)
			p.elements[tok.Name.Local]++
			if len(stack) > 2 && tok.Name.Local == "title" {
				p.tips = append(p.tips, "")
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(tok)) > 0 {
					t.Fatalf("text outside the root: %q", tok)
				}
				continue
			}
			switch {
			case len(stack) == 2 && stack[1] == "title":
				p.title += string(tok)
			case len(stack) == 2 && stack[1] == "desc":
				p.desc += string(tok)
			case stack[len(stack)-1] == "text":
				p.texts = append(p.texts, string(tok))
			case stack[len(stack)-1] == "title":
				p.tips[len(p.tips)-1] += string(tok)
			}
		}
	}
	return p
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// TestTipsAreTheCallers: a bar's and a column's tooltip is the one the
// caller worded in the page's language (Chinese's full-width colon, a
// line per series), escaped; one without is the label and values joined
// with ASCII ": " and "; ". The charts joined "孙桂英: 100%（1/1）" and
// "12月7日; 已关闭: 3" with ASCII punctuation on a Chinese page.
func TestTipsAreTheCallers(t *testing.T) {
	bars := parse(t, Bars(BarChart{Title: "T", Desc: "D", Width: 400, Height: 120, Bars: []Bar{
		{Label: "孙桂英", Value: 100, Text: "100%（1/1）", Tip: "孙桂英：100%（1/1）"},
		{Label: "Bo", Value: 50, Text: "50%"},
		{Label: "<x>", Value: 1, Tip: xss},
	}}))
	if want := []string{"孙桂英：100%（1/1）", "Bo: 50%", xss}; !slices.Equal(bars.tips, want) {
		t.Errorf("the bars' tooltips are %q, want %q", bars.tips, want)
	}
	cols := parse(t, Columns(ColumnChart{Title: "T", Desc: "D", Width: 400, Height: 200, Labels: []string{"12月7日", "12月8日", "12月9日"},
		Series: []Series{{"已关闭", []float64{3, 1, 0}}, {"SLA 达成", []float64{2, 1, 0}}},
		Tips:   []string{"12月7日\n已关闭：3\nSLA 达成：2", ""}}))
	if want := []string{"12月7日\n已关闭：3\nSLA 达成：2", "12月8日; 已关闭: 1; SLA 达成: 1", "12月9日; 已关闭: 0; SLA 达成: 0"}; !slices.Equal(cols.tips, want) {
		t.Errorf("the columns' tooltips are %q, want %q", cols.tips, want)
	}
}

func TestChartsAreAccessibleAndEscaped(t *testing.T) {
	for _, c := range []struct {
		name          string
		svg           []byte
		title, desc   string
		width, height string
		texts         []string // must be among the <text>s, as text
	}{
		{"bars", Bars(BarChart{Title: "T " + xss, Desc: "D " + xss, Width: 500, Height: 300, Bars: []Bar{{xss, 3, "", ""}, {"Bo", 2, "2 tickets", ""}}}),
			"T " + xss, "D " + xss, "500", "300", []string{`<script>alert("x")<…`, "3", "Bo", "2 tickets"}},
		{"columns", Columns(ColumnChart{Title: "T", Desc: "D", Width: 720, Height: 1280, Labels: []string{xss, "b"}, Series: []Series{{"s", []float64{1, 2}}}}),
			"T", "D", "720", "1280", []string{xss, "b", "0", "2"}},
		{"too small is drawn at the bound", Bars(BarChart{Title: "T", Desc: "D", Width: -5, Height: 1}),
			"T", "D", strconv.Itoa(MinSize), strconv.Itoa(MinSize), nil},
		{"too large is drawn at the bound", Columns(ColumnChart{Title: "T", Desc: "D", Width: 1e9, Height: 5000}),
			"T", "D", strconv.Itoa(MaxSize), strconv.Itoa(MaxSize), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := parse(t, c.svg)
			if p.root.Name.Local != "svg" || p.root.Name.Space != "http://www.w3.org/2000/svg" {
				t.Fatalf("root %v, want the SVG namespace's svg", p.root.Name)
			}
			if attr(p.root, "role") != "img" {
				t.Errorf("role=%q, want img", attr(p.root, "role"))
			}
			if got, want := attr(p.root, "viewBox"), "0 0 "+c.width+" "+c.height; got != want || attr(p.root, "width") != c.width || attr(p.root, "height") != c.height {
				t.Errorf("width %q height %q viewBox %q, want %s x %s and %q", attr(p.root, "width"), attr(p.root, "height"), got, c.width, c.height, want)
			}
			ids := strings.Fields(attr(p.root, "aria-labelledby"))
			if len(ids) != 2 || !bytes.Contains(c.svg, []byte(`<title id="`+ids[0]+`">`)) || !bytes.Contains(c.svg, []byte(`<desc id="`+ids[1]+`">`)) {
				t.Errorf("aria-labelledby %q does not name the title and the description", ids)
			}
			if p.title != c.title || p.desc != c.desc {
				t.Errorf("title %q desc %q, want %q %q", p.title, p.desc, c.title, c.desc)
			}
			if p.elements["script"] > 0 || bytes.Contains(c.svg, []byte("<script")) {
				t.Errorf("a label became markup:\n%s", c.svg)
			}
			for _, want := range c.texts {
				found := false
				for _, got := range p.texts {
					found = found || got == want
				}
				if !found {
					t.Errorf("no <text> reads %q; texts: %q", want, p.texts)
				}
			}
		})
	}
}

// TestBarsScale checks the bars' lengths against the scale: a bar at Max
// spans the plot, half of it half, beyond it no further, and the target
// line sits at its value.
func TestBarsScale(t *testing.T) {
	svg := string(Bars(BarChart{Title: "T", Desc: "D", Width: 1000, Height: 400, Max: 100, HasTarget: true, Target: 50,
		Bars: []Bar{{"full", 100, "", ""}, {"half", 50, "", ""}, {"over", 250, "", ""}, {"none", math.NaN(), "", ""}, {"below", -3, "", ""}}}))
	// Width 1000: labels 300 + 8, values 200: the plot is 492 wide from
	// x=308; five rows of 80 high, bars 56 high in their middle.
	for _, want := range []string{`x="308" y="12" width="492"`, `x="308" y="92" width="246"`, `x="308" y="172" width="492"`, `x="308" y="252" width="0"`, `x="308" y="332" width="0"`,
		`<line x1="554" y1="0" x2="554" y2="400"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("no %s in\n%s", want, svg)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, b := goldenCharts(), goldenCharts()
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s: two renderings differ", name)
		}
	}
}

// TestPaletteReadsInGreyscale: the two series' colours differ in lightness
// by at least a third of the range, so they stay apart in greyscale.
func TestPaletteReadsInGreyscale(t *testing.T) {
	lum := func(hex string) float64 {
		v, err := strconv.ParseUint(hex[1:], 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		r, g, b := float64(v>>16&0xff), float64(v>>8&0xff), float64(v&0xff)
		return (0.299*r + 0.587*g + 0.114*b) / 255
	}
	if d := lum(seriesColours[1]) - lum(seriesColours[0]); d < 1.0/3 {
		t.Errorf("series colours %s and %s differ by %.2f in lightness, want at least 0.33", seriesColours[0], seriesColours[1], d)
	}
	if d := 1 - lum(colourDark); d < 0.5 {
		t.Errorf("bars (%s) are too light on white: %.2f", colourDark, d)
	}
}

func FuzzCharts(f *testing.F) {
	f.Add("a", "b", 3.5, 640, 200, true, 2)
	f.Add(xss, "\x00\xff\ufffe", math.Inf(1), -1, 1<<30, false, 0)
	f.Add("", "", math.NaN(), 120, 120, true, 1000)
	f.Fuzz(func(t *testing.T, label, title string, v float64, w, h int, target bool, n int) {
		n = min(max(n, 0), 2*MaxItems)
		bars := make([]Bar, n)
		labels := make([]string, n)
		vals := make([]float64, n)
		for i := range bars {
			bars[i] = Bar{Label: label, Value: v * float64(i), Text: title}
			labels[i] = label
			vals[i] = v - float64(i)
		}
		parse(t, Bars(BarChart{Title: title, Desc: label, Width: w, Height: h, Bars: bars, Max: v, HasTarget: target, Target: v, TargetLabel: label}))
		parse(t, Columns(ColumnChart{Title: title, Desc: label, Width: w, Height: h, Labels: labels, Max: v, Series: []Series{{label, vals}, {title, bars2vals(bars)}}}))
	})
}

func bars2vals(bars []Bar) []float64 {
	out := make([]float64, len(bars))
	for i, b := range bars {
		out[i] = b.Value
	}
	return out
}
