package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
)

// TestPatternPadDragStart: a drag counts the dot it starts on, which the
// first drag event only gives as where its move began.
func TestPatternPadDragStart(t *testing.T) {
	size := fyne.NewSize(patternPadSide, patternPadSide)
	between := fyne.NewPos(size.Width/3, size.Height/6) // between dots 1 and 2
	tests := map[string]struct {
		strokes [][]fyne.Position // each a drag: where it is pressed, then where it moves
		want    []int
	}{
		"FromADot":        {[][]fyne.Position{{dotCenter(1, size), dotCenter(4, size), dotCenter(7, size), dotCenter(8, size)}}, []int{1, 4, 7, 8}},
		"FromBetweenDots": {[][]fyne.Position{{between, dotCenter(5, size), dotCenter(9, size)}}, []int{5, 9}},
		"TwoDrags":        {[][]fyne.Position{{dotCenter(1, size), dotCenter(2, size)}, {dotCenter(9, size), dotCenter(6, size)}}, []int{1, 2, 9, 6}},
		"BackOverADot":    {[][]fyne.Position{{dotCenter(3, size), dotCenter(2, size), dotCenter(3, size)}}, []int{3, 2}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := newPatternPad()
			p.Resize(size)
			for _, stroke := range tc.strokes {
				for i := 1; i < len(stroke); i++ {
					d := stroke[i].Subtract(stroke[i-1])
					p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: stroke[i]}, Dragged: fyne.NewDelta(d.X, d.Y)})
				}
				p.DragEnd()
			}
			if got := p.Dots(); !slices.Equal(got, tc.want) {
				t.Errorf("dots %v, want %v", got, tc.want)
			}
		})
	}
}
