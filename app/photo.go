package app

import (
	"context"
	"io"
)

// Limits of a photo, the same on the device (attach, thumbnails, scans of a
// photo file) and on the central service (uploads).
const (
	// MaxPhotoBytes bounds a photo file: a camera's 12 MP JPEG is 3-8 MB,
	// a 50 MP one about 25 MB.
	MaxPhotoBytes = 50 << 20
	// MaxPhotoPixels bounds the pixels of an image this app decodes: 50
	// megapixels, about 200 MB once decoded as RGBA. Phone cameras stay
	// below it. It is checked on the size an image's header declares,
	// before any pixel is decoded: a 1 MB PNG may declare 16000x16000
	// (1 GB decoded).
	MaxPhotoPixels = 50_000_000
	// PhotoMaxSide is the longer side, in pixels, of a photo as the
	// device stores and sends it: a 12 MP camera photo becomes 1600x1200,
	// a few hundred KB that cross a 2G link in seconds, and a serial
	// plate or a burnt component stays readable when zoomed on a tablet.
	PhotoMaxSide = 1600
)

// CheckPhotoBytes returns EINVALID unless a photo of n bytes is within
// MaxPhotoBytes (and not empty).
func CheckPhotoBytes(n int64) error {
	if n <= 0 || n > MaxPhotoBytes {
		return Errorf(EINVALID, "photo.bad_size", "A photo must be between 1 byte and {{.MaxSize}}. Take it again at a lower resolution.", "MaxSize", Size(MaxPhotoBytes))
	}
	return nil
}

// CheckPhotoPixels returns EINVALID for an image whose header declares
// more than MaxPhotoPixels, or no pixels at all. Call it before decoding.
func CheckPhotoPixels(width, height int) error {
	if width <= 0 || height <= 0 {
		return Errorf(EINVALID, "photo.no_pixels", "The image has no pixels. Take the photo again.")
	}
	if int64(width)*int64(height) > MaxPhotoPixels {
		return Errorf(EINVALID, "photo.too_many_pixels",
			"The image is too large ({{.Width}} × {{.Height}} pixels; the limit is {{.Limit}} megapixels). Use a smaller photo.",
			// The limit in megapixels as a fraction, not cut to a whole
			// number: a reader writes it with a decimal if it ever has one.
			"Width", Number(width), "Height", Number(height), "Limit", Number(MaxPhotoPixels)/1e6)
	}
	return nil
}

// PhotoFile is a stored photo's file: its SHA-256 (lower-case hex), size
// and type.
type PhotoFile struct {
	SHA256 string
	Size   int64
	Mime   string
}

// PhotoLibrary is the device's photo store as the terminal uses it.
type PhotoLibrary interface {
	PhotoStore
	// ImportPhoto stores a picture the user took or chose, prepared to
	// travel: pixels checked before decoding, orientation applied,
	// location and other metadata dropped, shrunk for the link. With
	// keepOriginal the bytes as given are also kept on the device, never
	// uploaded.
	ImportPhoto(ctx context.Context, r io.Reader, keepOriginal bool) (PhotoFile, error)
}
