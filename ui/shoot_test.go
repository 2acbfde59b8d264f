package ui_test

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// shoot writes what w shows to $FIELDBENCH_SHOTS/<name>.png when that
// is set: how a screen was looked at, not a check. Every test's
// screenshots go through it (capture).
func shoot(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	dir := os.Getenv("FIELDBENCH_SHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, capture(w)); err != nil {
		t.Fatal(err)
	}
}

// capture is w's screen drawn by the test driver's software painter, as a
// real window's frame would draw it. The screen is laid out first: the
// test driver lays out what changed below the screen (a note shown under
// it) only when asked, a real window's frame at every frame. The painter
// panics where a GPU draws nothing [2.7.1, internal/painter/software
// draw.go drawImage]: on an image-less canvas.Image that fills by
// covering (origImg.Bounds() of nil), and on an image laid out with a
// width but no height, or a height but no width, which it paints as nil
// (painter.PaintImage returns nil for no pixels); those are hidden while
// it draws, and shown again after, an image with a file or resource read
// first.
func capture(w fyne.Window) image.Image {
	c := w.Canvas()
	roots := append([]fyne.CanvasObject{w.Content()}, c.Overlays().List()...)
	for _, o := range roots {
		o.Refresh()
	}
	var hidden []*canvas.Image
	for _, root := range roots {
		walk(root, func(o fyne.CanvasObject) {
			img, ok := o.(*canvas.Image)
			if !ok || !img.Visible() {
				return
			}
			size := img.Size()
			if img.Image == nil && img.FillMode == canvas.ImageFillCover {
				img.Refresh() // its file or resource read, where it has one
			}
			flat := !size.IsZero() && (size.Width <= 0 || size.Height <= 0)
			if flat || (img.Image == nil && img.FillMode == canvas.ImageFillCover) {
				img.Hide()
				hidden = append(hidden, img)
			}
		})
	}
	defer func() {
		for _, img := range hidden {
			img.Show()
		}
	}()
	return c.Capture()
}

// TestShootDrawsImagesNotYetDrawable shoots a screen holding the images
// Fyne's software painter panicked on: an image-less one that fills by
// covering (as a photo's frame before its photo is read) and one laid
// out with a width but no height yet. The picture is written, the rest
// of the screen in it, and the images are shown again after.
func TestShootDrawsImagesNotYetDrawable(t *testing.T) {
	test.NewTempApp(t)
	dir := t.TempDir()
	t.Setenv("FIELDBENCH_SHOTS", dir)
	empty := &canvas.Image{FillMode: canvas.ImageFillCover}
	empty.SetMinSize(fyne.NewSize(80, 80))
	flat := canvas.NewImageFromResource(theme.HomeIcon())
	flat.Resize(fyne.NewSize(40, 0))
	flatHolder := container.NewWithoutLayout(flat)
	flatHolder.Resize(fyne.NewSize(40, 40))
	mark := canvas.NewRectangle(color.NRGBA{R: 0xff, A: 0xff})
	mark.SetMinSize(fyne.NewSize(30, 30))
	w := test.NewTempWindow(t, container.NewVBox(widget.NewLabel("Photos"), empty, flatHolder, mark))
	w.Resize(fyne.NewSize(360, 400))

	shoot(t, w, "images-not-yet-drawable")

	f, err := os.Open(filepath.Join(dir, "images-not-yet-drawable.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(mark)
	scale := w.Canvas().Scale()
	x, y := int((pos.X+15)*scale), int((pos.Y+15)*scale)
	if r, g, _, _ := img.At(x, y).RGBA(); r < 0xf000 || g > 0x1000 {
		t.Errorf("the red mark below the images is not in the picture at %d,%d: %v", x, y, img.At(x, y))
	}
	if !empty.Visible() || !flat.Visible() {
		t.Errorf("after the shot the images are hidden: empty %v, flat %v", empty.Visible(), flat.Visible())
	}
}
