package ui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/signimg"
)

// signPad takes a signature from a mouse, a finger or a pen: a drag is a
// stroke, a tap a dot. It keeps the strokes in the signature box
// (app.SignatureWidth x app.SignatureHeight), drawn in the largest area
// of that shape the pad has, so what is stored is what was seen; and it
// draws them with the renderer that makes the stored picture
// (internal/signimg), so the picture looks like the pad.
type signPad struct {
	widget.BaseWidget
	strokes []app.Stroke
	// onChanged is told after every stroke or dot, and on Clear.
	onChanged func()

	// Pen state, on the UI goroutine. A mouse click is MouseDown, MouseUp,
	// then Tapped: the dot it makes is drawn on MouseUp (at the
	// position pressed), and the Tapped that follows is not a second dot.
	down     bool
	downAt   fyne.Position
	drawing  bool // a stroke is under way
	mouseDot bool // the coming Tapped is the click MouseUp drew
}

var (
	_ fyne.Draggable    = (*signPad)(nil)
	_ fyne.Tappable     = (*signPad)(nil)
	_ desktop.Mouseable = (*signPad)(nil)
)

func newSignPad(onChanged func()) *signPad {
	p := &signPad{onChanged: onChanged}
	p.ExtendBaseWidget(p)
	return p
}

// Strokes are the strokes drawn, in the signature box.
func (p *signPad) Strokes() []app.Stroke { return p.strokes }

// Empty reports whether nothing was drawn.
func (p *signPad) Empty() bool { return len(p.strokes) == 0 }

// Clear wipes the pad.
func (p *signPad) Clear() {
	p.strokes, p.drawing, p.down, p.mouseDot = nil, false, false, false
	p.changed()
}

func (p *signPad) changed() {
	p.Refresh()
	if p.onChanged != nil {
		p.onChanged()
	}
}

// box is the area strokes are drawn in: the pad's largest rectangle of
// the signature box's shape, centred.
func (p *signPad) box() (origin fyne.Position, scale float32) {
	s := p.Size()
	scale = min(s.Width/app.SignatureWidth, s.Height/app.SignatureHeight)
	return fyne.NewPos((s.Width-scale*app.SignatureWidth)/2, (s.Height-scale*app.SignatureHeight)/2), scale
}

// point converts a position on the pad to the signature box, clamped to
// it: a pen that slides off the pad draws along its edge.
func (p *signPad) point(pos fyne.Position) app.Point {
	o, s := p.box()
	if s <= 0 {
		return app.Point{}
	}
	x := int((pos.X-o.X)/s + 0.5)
	y := int((pos.Y-o.Y)/s + 0.5)
	return app.Point{X: min(max(x, 0), app.SignatureWidth), Y: min(max(y, 0), app.SignatureHeight)}
}

// add appends a point to the stroke under way, or starts one; a point on
// the last one (a pen at rest) adds nothing. The bounds of app are kept:
// past them the pad takes no more ink.
func (p *signPad) add(pos fyne.Position, start bool) {
	pt := p.point(pos)
	total := 0
	for _, s := range p.strokes {
		total += len(s)
	}
	if total >= app.MaxSignaturePoints || start && len(p.strokes) >= app.MaxSignatureStrokes {
		return
	}
	if start || len(p.strokes) == 0 {
		p.strokes = append(p.strokes, app.Stroke{pt})
		return
	}
	last := &p.strokes[len(p.strokes)-1]
	if (*last)[len(*last)-1] != pt {
		*last = append(*last, pt)
	}
}

// MouseDown starts the pen at the position pressed.
func (p *signPad) MouseDown(e *desktop.MouseEvent) {
	p.down, p.downAt, p.drawing, p.mouseDot = true, e.Position, false, false
}

// MouseUp ends the stroke, or makes a dot for a click that did not move.
func (p *signPad) MouseUp(e *desktop.MouseEvent) {
	if p.down && !p.drawing {
		p.add(p.downAt, true)
		p.mouseDot = true
		p.changed()
	}
	p.down = false
	p.endStroke()
}

// Dragged draws: the first drag event starts a stroke where the pen went
// down (the mouse's press, or where a touch's drag began).
func (p *signPad) Dragged(e *fyne.DragEvent) {
	if !p.drawing {
		from := e.Position.Subtract(e.Dragged)
		if p.down {
			from = p.downAt
		}
		p.add(from, true)
		p.drawing = true
	}
	p.add(e.Position, false)
	p.Refresh()
}

// DragEnd ends the stroke.
func (p *signPad) DragEnd() { p.endStroke() }

func (p *signPad) endStroke() {
	if p.drawing {
		p.drawing = false
		p.changed()
	}
}

// Tapped makes a dot: a touch's tap (a mouse's click made its dot on
// MouseUp).
func (p *signPad) Tapped(e *fyne.PointEvent) {
	if p.mouseDot {
		p.mouseDot = false
		return
	}
	p.add(e.Position, true)
	p.changed()
}

func (p *signPad) MinSize() fyne.Size {
	p.ExtendBaseWidget(p)
	return fyne.NewSize(300, 120)
}

func (p *signPad) CreateRenderer() fyne.WidgetRenderer {
	p.ExtendBaseWidget(p)
	r := &signPadRenderer{pad: p, bg: canvas.NewRectangle(color.White)}
	r.ink = canvas.NewRaster(func(w, h int) image.Image {
		img, err := signimg.Render(p.strokes, w, h)
		if err != nil {
			// Only a pad larger than signimg.MaxSide pixels: no ink.
			return image.NewUniform(color.Transparent)
		}
		return img
	})
	r.baseline = canvas.NewLine(color.NRGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff})
	r.baseline.StrokeWidth = 1
	r.hint = canvas.NewText(lang.X("sign.here", "Sign here"), color.NRGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff})
	r.hint.TextSize = theme.TextSize()
	r.hint.Hidden = !p.Empty()
	return r
}

type signPadRenderer struct {
	pad      *signPad
	bg       *canvas.Rectangle
	ink      *canvas.Raster
	baseline *canvas.Line
	hint     *canvas.Text
}

func (r *signPadRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	o, s := r.pad.box()
	w, h := s*app.SignatureWidth, s*app.SignatureHeight
	r.ink.Move(o)
	r.ink.Resize(fyne.NewSize(w, h))
	// The line to sign on, at three quarters of the box's height, and the
	// hint just above its start.
	y := o.Y + h*0.75
	r.baseline.Position1 = fyne.NewPos(o.X+w*0.05, y)
	r.baseline.Position2 = fyne.NewPos(o.X+w*0.95, y)
	hs := r.hint.MinSize()
	r.hint.Move(fyne.NewPos(o.X+w*0.05, y-hs.Height-2))
}

func (r *signPadRenderer) MinSize() fyne.Size { return r.pad.MinSize() }

func (r *signPadRenderer) Refresh() {
	r.hint.Hidden = !r.pad.Empty()
	r.Layout(r.pad.Size())
	canvas.Refresh(r.ink)
	canvas.Refresh(r.hint)
}

func (r *signPadRenderer) Objects() []fyne.CanvasObject {
	// The ink is opaque (the stored picture's white): the line and the
	// hint go over it.
	return []fyne.CanvasObject{r.bg, r.ink, r.baseline, r.hint}
}

func (r *signPadRenderer) Destroy() {}
