package svgchart_test

import (
	"fmt"
	"html/template"

	"github.com/fieldbench/fieldbench/internal/svgchart"
)

// A page embeds a chart as trusted HTML: the SVG escapes every label
// itself. The title and description come translated from the caller.
func ExampleBars() {
	svg := svgchart.Bars(svgchart.BarChart{
		Title: "SLA met by technician", Desc: "November 2026: share of closed tickets resolved in time",
		Width: 640, Height: 160, Max: 100, HasTarget: true, Target: 90, TargetLabel: "Target 90 %",
		Bars: []svgchart.Bar{{Label: "Ana Lima", Value: 95.5, Text: "95.5 % (21/22)"}, {Label: "<Bo>", Value: 80, Text: "80 % (8/10)"}},
	})
	page := template.HTML(svg) // in a template: {{.Chart}}
	fmt.Println(len(page) > 0, string(svg[:4]))
	// Output: true <svg
}

func ExampleColumns() {
	svg := svgchart.Columns(svgchart.ColumnChart{
		Title: "Tickets closed per day", Desc: "1 to 3 November 2026", Width: 720, Height: 240,
		Labels: []string{"11-01", "11-02", "11-03"},
		Series: []svgchart.Series{{Name: "Closed", Values: []float64{4, 7, 5}}, {Name: "SLA met", Values: []float64{3, 7, 4}}},
	})
	fmt.Println(string(svg[len(svg)-7:]))
	// Output: </svg>
}
