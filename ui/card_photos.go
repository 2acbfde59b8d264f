package ui

import (
	"bytes"
	"context"
	"image"
	_ "image/gif" // photo thumbnails
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"

	"github.com/fieldbench/fieldbench/app"
)

// photosCard shows the ticket's photos as thumbnails with their upload
// state; a thumbnail opens the photo large. It adds photos from a typed
// path or a file dialog, with a caption (or dropped on the card).
type photosCard struct {
	ctx      context.Context
	files    photoFiles
	show     dialogs
	keys     *wedgeKeys
	lib      app.PhotoLibrary
	run      func(func())
	editable bool
	detail   app.TicketDetail
	thumbs   map[string]image.Image
	// document opens a filed document (the signed report's PDF), which
	// is no picture to show.
	document func(tk app.Ticket, p app.Photo)
}

func (c *photosCard) object() *widget.Card {
	d := c.detail
	// The customer's signatures and the signed report are filed with the
	// photos (they upload the same way), but they are no photos of the
	// device: they have their own group, below the photos and their
	// button.
	photos := container.NewGridWrap(fyne.NewSize(160, 190))
	documents := container.NewGridWrap(fyne.NewSize(160, 190))
	for _, p := range d.Photos {
		thumb := newPhotoThumb(p, c.thumbs[p.SHA256], func() { c.open(p) })
		if isFiledDocument(p) {
			documents.Add(thumb)
		} else {
			photos.Add(thumb)
		}
	}
	box := container.NewVBox()
	addable := c.editable && d.Ticket.Status != app.StatusClosed
	switch {
	case len(photos.Objects) > 0:
		box.Add(photos)
	case addable:
		box.Add(lowLabel(lang.X("photos.none", "No photos. Add one, or drop a picture here.")))
	default:
		// A closed ticket takes no photo: "add one" offered what it refuses.
		box.Add(lowLabel(lang.X("photos.none_closed", "No photos.")))
	}
	if addable {
		box.Add(container.NewHBox(widget.NewButtonWithIcon(lang.X("photos.add", "Add photo"), theme.FileImageIcon(), c.add)))
	}
	if len(documents.Objects) > 0 {
		box.Add(heading(lang.X("photos.documents", "Signatures and documents")))
		box.Add(documents)
	}
	return widget.NewCard(lang.X("ticket.photos_documents", "Photos and documents"), "", box)
}

// isFiledDocument reports whether p is a signature or a signed document
// rather than a photo of the device or the repair.
func isFiledDocument(p app.Photo) bool { return p.Kind == app.PhotoKindSignature || p.IsDocument() }

// add asks for a picture, by path typed or browsed, and its caption.
func (c *photosCard) add() {
	tk := c.detail.Ticket
	path := newScanEntry(c.keys)
	path.SetPlaceHolder(lang.X("photos.path_hint", "Path of a picture on this device"))
	browse := widget.NewButtonWithIcon(lang.X("photos.browse", "Browse…"), theme.FolderOpenIcon(), func() {
		c.files.browsePhoto(func(p string) { path.SetText(p) })
	})
	caption := newScanEntry(c.keys)
	caption.SetPlaceHolder(lang.X("photos.caption_hint", "What it shows, e.g. burnt connector (optional)"))
	c.show.ask(lang.X("photos.add", "Add photo"), lang.X("photos.attach", "Attach photo"), []*widget.FormItem{
		widget.NewFormItem(lang.X("photos.path", "Picture"), container.NewBorder(nil, nil, nil, browse, path.withProblem())),
		widget.NewFormItem(lang.X("photos.caption", "Caption"), caption.withProblem()),
	}, func() error {
		p := strings.TrimSpace(path.Text)
		if p == "" {
			return &fieldError{path, app.Errorf(app.EINVALID, "photos.no_path", "Type the path of a picture, or choose one with Browse.")}
		}
		if !isImageName(p) {
			return &fieldError{path, app.Errorf(app.EINVALID, "photos.not_image", "Choose a JPEG, PNG or GIF picture.")}
		}
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
			return &fieldError{path, app.Errorf(app.ENOTFOUND, "photos.no_file", "There is no picture at this path. Check the path, or choose the picture with Browse.")}
		}
		text := strings.TrimSpace(caption.Text)
		if text == "" {
			text = filepath.Base(p)
		}
		if err := app.CheckCaption(text); err != nil {
			return &fieldError{caption, err} // before the picture is stored: nothing changes
		}
		c.files.attachPhotoAs(tk, text, "repair", func() (io.ReadCloser, error) { return os.Open(p) })
		return nil
	})
}

// open shows photo p large in a dialog, read off the UI goroutine.
func (c *photosCard) open(p app.Photo) {
	if p.IsDocument() {
		c.document(c.detail.Ticket, p)
		return
	}
	c.run(func() {
		img, err := readPhoto(c.ctx, c.lib, p.SHA256, 0)
		fyne.Do(func() {
			if err != nil {
				c.show.showError(err)
				return
			}
			large := canvas.NewImageFromImage(img)
			large.FillMode = canvas.ImageFillContain
			large.SetMinSize(fyne.NewSize(320, 320))
			title := p.Caption
			if title == "" {
				title = lang.X("ticket.photos", "Photos")
			}
			c.show.showDialog(title, large)
		})
	})
}

// photoThumb is a photo's thumbnail and upload state; tapped, it opens
// the photo.
type photoThumb struct {
	widget.BaseWidget
	content fyne.CanvasObject
	tapped  func()
}

var _ fyne.Tappable = (*photoThumb)(nil)

func newPhotoThumb(p app.Photo, thumb image.Image, tapped func()) *photoThumb {
	icon := theme.FileImageIcon()
	if p.IsDocument() {
		icon = theme.DocumentIcon()
	}
	img := canvas.NewImageFromResource(icon)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(120, 110))
	if thumb != nil {
		img.Image, img.Resource = thumb, nil
	}
	// The caption says what the photo shows: one line, the rest in the
	// photo opened large. The state is read whole ("On this device
	// only" says it is not sent yet), in the small size so it fits.
	caption := widget.NewLabel(p.Caption)
	caption.Truncation = fyne.TextTruncateEllipsis
	state := widget.NewLabel(photoStateText(p.State))
	state.Wrapping = fyne.TextWrapWord
	state.SizeName = theme.SizeNameCaptionText
	state.Importance = widget.LowImportance
	if p.State == app.PhotoVerified {
		state.Importance = widget.SuccessImportance
	}
	t := &photoThumb{content: container.NewBorder(nil, container.NewVBox(caption, state), nil, nil, img), tapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped opens the photo.
func (t *photoThumb) Tapped(*fyne.PointEvent) { t.tapped() }

func (t *photoThumb) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }

func photoStateText(state string) string {
	switch state {
	case app.PhotoVerified:
		return lang.X("photos.state.verified", "Uploaded")
	case app.PhotoUploading:
		return lang.X("photos.state.uploading", "Uploading…")
	}
	return lang.X("photos.state.local", "On this device only")
}

// thumbSize is the longer side of a photo's thumbnail, in pixels: twice
// its size on screen, for high-density displays.
const thumbSize = 240

// loadThumbnail is a stored photo shrunk to thumbSize, read off the UI
// goroutine; nil when it is not on this device (yet) or unreadable: the
// placeholder shows.
func loadThumbnail(ctx context.Context, lib app.PhotoLibrary, sha string) image.Image {
	img, err := readPhoto(ctx, lib, sha, thumbSize)
	if err != nil {
		return nil
	}
	return img
}

// readPhoto decodes a stored photo, shrunk to fit side pixels (0: as
// stored). A photo attached now is at most app.PhotoMaxSide pixels wide,
// but one attached by an older build was stored as taken. Its header is
// checked first (app.CheckPhotoPixels): a small file may declare a
// gigabyte of pixels.
func readPhoto(ctx context.Context, lib app.PhotoLibrary, sha string, side int) (image.Image, error) {
	if lib == nil {
		return nil, app.Errorf(app.ENOTFOUND, "photos.not_here", "This photo is not on this device. Sync, then open it again.")
	}
	rc, err := lib.OpenPhoto(ctx, sha)
	if err != nil {
		return nil, app.Errorf(app.ENOTFOUND, "photos.not_here", "This photo is not on this device. Sync, then open it again.").WithCause(err)
	}
	data, err := io.ReadAll(io.LimitReader(rc, app.MaxPhotoBytes))
	rc.Close()
	if err != nil {
		return nil, app.Errorf(app.ECORRUPT, "photos.unreadable", "This photo cannot be shown: its file is damaged. Take it again.").WithCause(err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err == nil {
		err = app.CheckPhotoPixels(cfg.Width, cfg.Height)
	}
	var src image.Image
	if err == nil {
		src, _, err = image.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, app.Errorf(app.ECORRUPT, "photos.unreadable", "This photo cannot be shown: its file is damaged. Take it again.").WithCause(err)
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if side == 0 || w <= side && h <= side {
		return src, nil
	}
	if w >= h {
		w, h = side, max(1, h*side/w)
	} else {
		w, h = max(1, w*side/h), side
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
	return dst, nil
}
