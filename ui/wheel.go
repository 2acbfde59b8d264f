package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The mouse wheel over a field of a scrolled page. Fyne's desktop driver
// gives a wheel event to the last drawn object under the pointer that
// takes one, and every Entry holds a scroller of its own text [2.7.1]: a
// single line scrolls sideways, a wrapping one up and down, and either
// takes the event even with nothing to scroll. So a counter clerk's wheel
// stopped dead over every field of the ticket and the check-in form. A
// page scrolled with wheelPage draws a catcher over its scroller that
// takes every wheel event over the page and scrolls the page, except
// that a multi-line field under the pointer with more text than it shows
// scrolls its own text first, to its end, as a browser's text area does:
// what is past the field's edge must stay within the wheel's reach, and
// a field grown to any length would push the page's buttons away; and a
// sideways turn over a single-line field scrolls its text sideways, which
// the page, scrolled up and down only, has no use for. The
// catcher takes nothing else, so taps, clicks, hover and drags reach the
// objects under it. Touch screens scroll by dragging, which this leaves
// alone.

// wheelPage lays out s with the wheel's catcher over it; the result goes
// where s would. Every scroller of a page or dialog with fields is built
// through it. It keeps a gutter at the right of s.Content for the
// scrollbar: Fyne draws the bar over the content [2.7.1], so a field
// reaching the edge had the bar over its clear or dropdown button, and a
// click there dragged the page instead.
func wheelPage(s *container.Scroll) fyne.CanvasObject {
	s.Content = container.New(scrollbarGutter{}, s.Content)
	return container.NewStack(s, newWheelCatcher(s))
}

// scrollbarGutter lays its one object out as wide as it is less the
// vertical scrollbar's width, the bar's when the pointer is over it.
// The gutter is kept whether or not the page scrolls: a page that grows
// past the window would otherwise narrow, and its text wrap anew, under
// the user's eyes.
type scrollbarGutter struct{}

func (scrollbarGutter) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return objects[0].MinSize().AddWidthHeight(theme.Size(theme.SizeNameScrollBar), 0)
}

func (scrollbarGutter) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objects[0].Move(fyne.Position{})
	objects[0].Resize(size.SubtractWidthHeight(theme.Size(theme.SizeNameScrollBar), 0))
}

// wheelCatcher lies over a page's scroller and takes its wheel events.
type wheelCatcher struct {
	widget.BaseWidget
	page *container.Scroll
}

var _ fyne.Scrollable = (*wheelCatcher)(nil)

func newWheelCatcher(page *container.Scroll) *wheelCatcher {
	c := &wheelCatcher{page: page}
	c.ExtendBaseWidget(c)
	// A page or dialog built now may open under a still pointer, over
	// the field it last reported: that field is no longer the one under
	// it.
	pointerEntry = nil
	return c
}

// Scrolled scrolls the text of the multi-line field under the pointer
// while it has more to show that way, else the page. A sideways turn (a
// trackpad's swipe, Shift and the wheel) over a single-line field scrolls
// its text sideways as before the catcher: the page scrolls only up and
// down, and the end of a long serial or address is reached that way.
func (c *wheelCatcher) Scrolled(ev *fyne.ScrollEvent) {
	if e := pointerEntry; e != nil && e.Visible() && under(e, ev.AbsolutePosition) {
		if own := e.ownScroll(); own != nil && (e.MultiLine && scrollsFurther(own, ev.Scrolled.DY) ||
			!e.MultiLine && ev.Scrolled.DX != 0 && ev.Scrolled.DY == 0) {
			own.Scrolled(ev)
			return
		}
	}
	// The page moves under a still pointer, and the driver says nothing
	// of what is under it until the mouse moves: forget the field, so a
	// field that slid away is not scrolled in its place.
	pointerEntry = nil
	c.page.Scrolled(ev)
}

func (c *wheelCatcher) CreateRenderer() fyne.WidgetRenderer { return emptyRenderer{} }

// emptyRenderer draws nothing: the catcher is only a target for events.
type emptyRenderer struct{}

func (emptyRenderer) Layout(fyne.Size)             {}
func (emptyRenderer) MinSize() fyne.Size           { return fyne.Size{} }
func (emptyRenderer) Refresh()                     {}
func (emptyRenderer) Objects() []fyne.CanvasObject { return nil }
func (emptyRenderer) Destroy()                     {}

// under reports whether the point at (absolute) lies on o as the screen
// shows it now. A dialog closed by the keyboard leaves pointerEntry on its
// field, no longer drawn yet still Visible: the driver places an object
// it does not find on the screen at the origin [2.7.1], where no field of
// this app is drawn (a screen's header or a dialog's title is there), so
// the point is not on it.
func under(o fyne.CanvasObject, at fyne.Position) bool {
	d := fyne.CurrentApp().Driver()
	p, s := d.AbsolutePositionForObject(o), o.Size()
	if p == (fyne.Position{}) {
		return false
	}
	return at.X >= p.X && at.Y >= p.Y && at.X < p.X+s.Width && at.Y < p.Y+s.Height
}

// scrollsFurther reports whether s can move its content by the wheel's
// dy (< 0 towards the end, > 0 towards the start).
func scrollsFurther(s *container.Scroll, dy float32) bool {
	if s.Content == nil || dy == 0 {
		return false
	}
	beyond := s.Content.MinSize().Height - s.Size().Height
	switch {
	case beyond <= 0:
		return false
	case dy < 0:
		return s.Offset.Y < beyond
	default:
		return s.Offset.Y > 0
	}
}

// pointerEntry is the field under the mouse pointer, as the driver last
// said (MouseIn, MouseOut); nil on touch screens, which have no pointer.
// There is one pointer, and it is read and written on the UI goroutine
// only.
var pointerEntry *scanEntry

var _ desktop.Hoverable = (*scanEntry)(nil)

// MouseIn records that the pointer is over the field.
func (e *scanEntry) MouseIn(*desktop.MouseEvent) { pointerEntry = e }

// MouseMoved records that the pointer is over the field: after the page
// scrolled under it, the first move says so again.
func (e *scanEntry) MouseMoved(*desktop.MouseEvent) { pointerEntry = e }

// MouseOut records that the pointer left the field.
func (e *scanEntry) MouseOut() {
	if pointerEntry == e {
		pointerEntry = nil
	}
}

// CreateRenderer keeps the entry's renderer, where its own scroller is.
func (e *scanEntry) CreateRenderer() fyne.WidgetRenderer {
	e.renderer = e.Entry.CreateRenderer()
	return e.renderer
}

// ownScroll is the scroller of the field's text: up and down for a
// multi-line field, sideways for a single line. The entry's renderer
// holds it among its objects when the text wraps or scrolls [2.7.1];
// nil before the field is drawn.
func (e *scanEntry) ownScroll() *container.Scroll {
	if e.renderer == nil {
		return nil
	}
	for _, o := range e.renderer.Objects() {
		if s, ok := o.(*container.Scroll); ok && s.Visible() {
			return s
		}
	}
	return nil
}
