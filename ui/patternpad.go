package ui

import (
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// patternPad is a 3x3 grid of dots, numbered 1 to 9 row by row, on which
// the counter draws a customer's unlock pattern as the customer shows it:
// a tap on a dot, or a drag over dots, adds each dot once, in order, up
// to app.MaxPatternDots. Read-only, it shows a pattern.
type patternPad struct {
	widget.BaseWidget
	dots     []int
	readOnly bool
	// dragging is true from a drag's first event to its end.
	dragging bool
	// OnChanged is called after a dot is added or the pad cleared.
	OnChanged func(dots []int)
}

// patternPadSide is the pad's side: a thumb's reach on a tablet, dots far
// enough apart that a drag does not catch a neighbour.
const patternPadSide = 180

func newPatternPad() *patternPad {
	p := &patternPad{}
	p.ExtendBaseWidget(p)
	return p
}

// showPattern is a read-only pad showing dots.
func showPattern(dots []int) *patternPad {
	p := newPatternPad()
	p.readOnly, p.dots = true, dots
	return p
}

// Dots is the pattern drawn so far.
func (p *patternPad) Dots() []int { return slices.Clone(p.dots) }

// Clear takes the pattern back.
func (p *patternPad) Clear() {
	p.dots = nil
	p.Refresh()
	if p.OnChanged != nil {
		p.OnChanged(nil)
	}
}

// dotCenter is the centre of dot d (1-9) in a pad of size s.
func dotCenter(d int, s fyne.Size) fyne.Position {
	col, row := (d-1)%3, (d-1)/3
	return fyne.NewPos(s.Width*(float32(col)*2+1)/6, s.Height*(float32(row)*2+1)/6)
}

// dotAt is the dot under pos, 0 for none: within a third of a cell of its
// centre, so a drag between two dots catches neither.
func (p *patternPad) dotAt(pos fyne.Position) int {
	s := p.Size()
	r := min(s.Width, s.Height) / 9
	for d := 1; d <= 9; d++ {
		c := dotCenter(d, s)
		if dx, dy := pos.X-c.X, pos.Y-c.Y; dx*dx+dy*dy <= r*r {
			return d
		}
	}
	return 0
}

func (p *patternPad) add(pos fyne.Position) {
	d := p.dotAt(pos)
	if p.readOnly || d == 0 || slices.Contains(p.dots, d) || len(p.dots) == app.MaxPatternDots {
		return
	}
	p.dots = append(p.dots, d)
	p.Refresh()
	if p.OnChanged != nil {
		p.OnChanged(p.Dots())
	}
}

func (p *patternPad) Tapped(ev *fyne.PointEvent) { p.add(ev.Position) }

// Dragged adds the dot under the finger. A drag's first event comes only
// once the finger has moved, from the dot it was pressed on: that dot,
// where the event's own move started, is added first, or a pattern drawn
// from dot 1 to 7 through 4 is recorded as 4-7.
func (p *patternPad) Dragged(ev *fyne.DragEvent) {
	if !p.dragging {
		p.dragging = true
		p.add(ev.Position.Subtract(ev.Dragged))
	}
	p.add(ev.Position)
}

func (p *patternPad) DragEnd() { p.dragging = false }

func (p *patternPad) CreateRenderer() fyne.WidgetRenderer {
	r := &patternRenderer{pad: p}
	for i := range r.dots {
		r.dots[i] = canvas.NewCircle(color.Transparent)
	}
	for i := range r.lines {
		r.lines[i] = canvas.NewLine(color.Transparent)
	}
	r.Refresh()
	return r
}

type patternRenderer struct {
	pad   *patternPad
	dots  [9]*canvas.Circle
	lines [app.MaxPatternDots - 1]*canvas.Line
}

func (r *patternRenderer) Layout(s fyne.Size) {
	rad := min(s.Width, s.Height) / 18
	for i, c := range r.dots {
		ctr := dotCenter(i+1, s)
		c.Position1 = fyne.NewPos(ctr.X-rad, ctr.Y-rad)
		c.Position2 = fyne.NewPos(ctr.X+rad, ctr.Y+rad)
	}
	for i, l := range r.lines {
		if i+1 < len(r.pad.dots) {
			l.Position1, l.Position2 = dotCenter(r.pad.dots[i], s), dotCenter(r.pad.dots[i+1], s)
		} else {
			l.Position1, l.Position2 = fyne.Position{}, fyne.Position{}
		}
	}
}

func (r *patternRenderer) MinSize() fyne.Size { return fyne.NewSquareSize(patternPadSide) }

func (r *patternRenderer) Refresh() {
	on, off := theme.Color(theme.ColorNamePrimary), theme.Color(theme.ColorNameDisabled)
	for i, c := range r.dots {
		c.FillColor = off
		if slices.Contains(r.pad.dots, i+1) {
			c.FillColor = on
		}
	}
	for i, l := range r.lines {
		l.StrokeWidth = 4
		l.StrokeColor = color.Transparent
		if i+1 < len(r.pad.dots) {
			l.StrokeColor = on
		}
	}
	r.Layout(r.pad.Size())
	for _, c := range r.dots {
		c.Refresh()
	}
	for _, l := range r.lines {
		l.Refresh()
	}
}

func (r *patternRenderer) Objects() []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, 0, len(r.lines)+len(r.dots))
	for _, l := range r.lines {
		out = append(out, l)
	}
	for _, c := range r.dots {
		out = append(out, c)
	}
	return out
}

func (r *patternRenderer) Destroy() {}
