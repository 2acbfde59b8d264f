package ui_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/phototest"
	"github.com/fieldbench/fieldbench/ui"
)

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAttachShrinksPhoto: a 12 MP camera photo with its location, attached
// to a ticket as a drop or the file picker does, is stored and recorded
// upright, 1600 pixels on its longer side, a few hundred KB, without EXIF;
// the original is kept only with the setting on.
func TestAttachShrinksPhoto(t *testing.T) {
	term, _, _, ds, deps := scanTerminal(t)
	tk := myTicket(t, ds, deps)
	term.Detail().Show(tk.ID)
	src := phototest.WithEXIF(phototest.CameraJPEG(t, 4000, 3000, 95), 6, true)
	if len(src) < 3<<20 {
		t.Fatalf("the source is %d KB, not like a camera photo", len(src)>>10)
	}
	before := len(ticketNow(t, deps, tk.ID).Photos)
	term.AttachPhoto(writeFile(t, "IMG_0001.jpg", src))
	photos := ticketNow(t, deps, tk.ID).Photos
	if len(photos) != before+1 {
		t.Fatalf("%d photos after attaching, want %d (scan bar %q)", len(photos), before+1, term.ScanStatus())
	}
	p := photos[len(photos)-1]
	rc, err := deps.Photos.OpenPhoto(t.Context(), p.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(stored))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("attached %d KB 4000x3000 -> %d KB %dx%d", len(src)>>10, len(stored)>>10, cfg.Width, cfg.Height)
	if cfg.Width != 1200 || cfg.Height != app.PhotoMaxSide || p.Mime != "image/jpeg" || p.Size != int64(len(stored)) || p.Caption != "IMG_0001.jpg" {
		t.Errorf("recorded %+v, stored %dx%d %d bytes; want upright 1200x1600 image/jpeg", p, cfg.Width, cfg.Height, len(stored))
	}
	if len(stored) > 600<<10 {
		t.Errorf("stored %d KB, want at most 600 KB", len(stored)>>10)
	}
	if bytes.Contains(stored, []byte("Exif")) || bytes.Contains(stored, phototest.GPSLatitude(binary.BigEndian)) {
		t.Error("the stored photo keeps its EXIF block or its location")
	}
}

// keepRecorder is the device's photo store, noting what each attach asked
// about the original.
type keepRecorder struct {
	app.PhotoLibrary
	keep []bool
}

func (k *keepRecorder) ImportPhoto(ctx context.Context, r io.Reader, keepOriginal bool) (app.PhotoFile, error) {
	k.keep = append(k.keep, keepOriginal)
	return k.PhotoLibrary.ImportPhoto(ctx, r, keepOriginal)
}

// TestAttachKeepsOriginalsWhenAsked: originals are not kept by default;
// ticking the settings' box makes the next attach keep it.
func TestAttachKeepsOriginalsWhenAsked(t *testing.T) {
	test.NewTempApp(t)
	deps, ds := openDemoWorld(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	rec := &keepRecorder{PhotoLibrary: deps.Photos}
	deps.Photos = rec
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	tk := myTicket(t, ds, deps)
	term.Detail().Show(tk.ID)
	photo := writeFile(t, "board.jpg", phototest.CameraJPEG(t, 640, 480, 92))
	term.AttachPhoto(photo)

	term.ShowSettings()
	box := ui.CheckNamed(term.Object(), "Keep the original")
	if box == nil {
		t.Fatal("no keep-originals setting")
	}
	if box.Checked {
		t.Fatal("originals are kept by default")
	}
	test.Tap(box)
	if !fyne.CurrentApp().Preferences().Bool(ui.KeepOriginalsPreference) {
		t.Error("ticking the box did not set the preference")
	}
	term.Detail().Show(tk.ID)
	term.AttachPhoto(photo)
	if !reflect.DeepEqual(rec.keep, []bool{false, true}) {
		t.Errorf("attaches asked to keep the original %v, want [false true]", rec.keep)
	}
}

// TestPhotoBombs: a small PNG declaring 16000x16000 pixels (256 MB once
// decoded) is refused on its header when attached, with a clear error and
// no photo recorded; and one already on the device (as a pull would bring
// it) shows the placeholder instead of a thumbnail, without being decoded.
func TestPhotoBombs(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	tk := myTicket(t, ds, deps)
	term.Detail().Show(tk.ID)
	bomb := phototest.PNGBomb(16000, 16000)
	before := len(ticketNow(t, deps, tk.ID).Photos)
	path := writeFile(t, "bomb.png", bomb)
	if n := phototest.Allocated(func() { term.AttachPhoto(path) }); n > 64<<20 {
		t.Errorf("refusing the bomb allocated %d MB", n>>20)
	}
	if got := len(ticketNow(t, deps, tk.ID).Photos); got != before {
		t.Errorf("the bomb was attached (%d photos, want %d)", got, before)
	}
	if shown := labels(w.Canvas().Overlays().Top()); !strings.Contains(shown, "16,000 × 16,000") {
		t.Errorf("the error does not say why:\n%s", shown)
	}
	if strings.Contains(term.ScanStatus(), "16,000 × 16,000") {
		t.Errorf("the error in the dialog is repeated in the status line: %q", term.ScanStatus())
	}
	w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())

	// The same bytes stored as they are, and recorded on the ticket.
	sum, size, err := deps.Photos.PutPhoto(t.Context(), bytes.NewReader(bomb))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := deps.Commit.Commit(t.Context(), deps.Actor, &app.AttachPhoto{Photo: app.Photo{ID: app.NewID(), Ticket: tk.ID, SHA256: sum, Size: size, Mime: "image/png"}}); err != nil {
		t.Fatal(err)
	}
	if n := phototest.Allocated(func() { term.Detail().Show(tk.ID) }); n > 64<<20 {
		t.Errorf("showing the ticket with the bomb allocated %d MB", n>>20)
	}
	if got := len(ticketNow(t, deps, tk.ID).Photos); got != before+1 {
		t.Fatalf("%d photos, want %d", got, before+1)
	}
	walk(term.Detail().Object(), func(o fyne.CanvasObject) {
		// A thumbnail has pixels and no resource; the placeholder (and an
		// icon) is a resource Fyne rasterizes.
		if img, ok := o.(*canvas.Image); ok && img.Image != nil && img.Resource == nil {
			t.Errorf("a thumbnail was decoded from the bomb: %v %T", img.Image.Bounds(), img.Image)
		}
	})
}
