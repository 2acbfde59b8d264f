package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // photos and signatures may be PNG
	"io"

	"github.com/fieldbench/fieldbench/app"
	"golang.org/x/image/draw"
)

// Bounds of the pictures in a report, so a report with photos stays small
// enough for a 2G link (docs/BENCHMARKS.md gives the sizes).
const (
	// MaxPhotos is how many photo thumbnails a report shows; it names the
	// number of the others.
	MaxPhotos = 6
	// ThumbSide is a thumbnail's longer side in pixels: sharp at the 60 mm
	// it is printed (200 dpi), about 30-50 KB as JPEG.
	ThumbSide = 480
	// ThumbQuality is the thumbnails' JPEG quality.
	ThumbQuality = 70
	// MaxSignatureBytes bounds the signature PNG; a drawn signature is a
	// few KB.
	MaxSignatureBytes = 1 << 20
)

// PhotoSource opens a photo's bytes by their SHA-256; app.PhotoStore is
// one. ENOTFOUND when the device does not hold them.
type PhotoSource interface {
	OpenPhoto(ctx context.Context, sha256 string) (io.ReadCloser, error)
}

// thumbnail reads a photo (JPEG or PNG, within app's photo bounds, checked
// before decoding) and returns it as a JPEG of at most ThumbSide pixels on
// its longer side.
func thumbnail(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, app.MaxPhotoBytes+1))
	if err != nil {
		return nil, err
	}
	if err := app.CheckPhotoBytes(int64(len(b))); err != nil {
		return nil, err
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("report: the photo is not a JPEG or PNG image: %w", err)
	}
	if err := app.CheckPhotoPixels(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("report: decoding the photo: %w", err)
	}
	w, h := cfg.Width, cfg.Height
	if s := max(w, h); s > ThumbSide {
		w, h = max(1, w*ThumbSide/s), max(1, h*ThumbSide/s)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: ThumbQuality}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
