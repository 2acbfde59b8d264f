package store

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // ImportPhoto takes GIF, JPEG and PNG
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"

	"github.com/fieldbench/fieldbench/app"
	"golang.org/x/image/draw"
)

// photoQuality is the JPEG quality of a shrunk photo (app.PhotoMaxSide
// says the size): docs/BENCHMARKS.md has the bytes and the 2G times.
const photoQuality = 80

// originalPrefix names the original of a prepared photo, kept beside it
// when the user asks (the "keep originals" setting): it never leaves the
// device and is wiped with the rest.
const originalPrefix = "original-"

// ImportPhoto stores a picture the user took or chose (JPEG, PNG or GIF)
// as it should travel: its pixel count is checked on the size its header
// declares before anything is decoded (app.CheckPhotoPixels); a JPEG has
// its EXIF orientation applied to the pixels and every metadata segment
// that can hold a location or a serial number (EXIF, XMP, IPTC, comments)
// dropped; a picture whose longer side exceeds app.PhotoMaxSide is shrunk to
// it and encoded as JPEG. A JPEG already upright and small enough loses
// only its metadata, bit for bit otherwise; a small PNG or GIF is
// re-encoded as PNG, which keeps no metadata.
//
// With keepOriginal, the bytes as given are also kept on this device
// (never uploaded, erased at sign-out) when they differ from what is
// stored. Errors: EINVALID for an empty, oversized, unknown or
// too-many-pixel file, ECORRUPT for a damaged one, and those of PutPhoto.
func (s *PhotoStore) ImportPhoto(ctx context.Context, r io.Reader, keepOriginal bool) (app.PhotoFile, error) {
	data, err := io.ReadAll(io.LimitReader(&ctxReader{ctx: ctx, r: r}, app.MaxPhotoBytes+1))
	if err != nil {
		return app.PhotoFile{}, fmt.Errorf("read photo: %w", err)
	}
	if err := app.CheckPhotoBytes(int64(len(data))); err != nil {
		return app.PhotoFile{}, err
	}
	out, mime, err := preparePhoto(data)
	if err != nil {
		return app.PhotoFile{}, err
	}
	sum, n, err := s.PutPhoto(ctx, bytes.NewReader(out))
	if err != nil {
		return app.PhotoFile{}, err
	}
	if keepOriginal && !bytes.Equal(out, data) {
		if err := s.keepOriginal(sum, data); err != nil {
			return app.PhotoFile{}, err
		}
	}
	return app.PhotoFile{SHA256: sum, Size: n, Mime: mime}, nil
}

// keepOriginal writes the original of the stored photo sum, atomically
// as PutPhoto does.
func (s *PhotoStore) keepOriginal(sum string, data []byte) error {
	f, err := os.CreateTemp(s.dir, tempPrefix+"*")
	if err != nil {
		return fmt.Errorf("original photo: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(s.dir, originalPrefix+sum))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("original photo: %w", err)
	}
	return syncDir(s.dir)
}

var (
	errPhotoFormat  = app.Errorf(app.EINVALID, "scan.file_format", "This file is not a PNG, JPEG or GIF image.")
	errPhotoCorrupt = app.Errorf(app.ECORRUPT, "scan.file_corrupt", "The image file is damaged and cannot be read.")
)

// preparePhoto returns the bytes to store for a picture, and their type.
func preparePhoto(data []byte) ([]byte, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err == image.ErrFormat || (err == nil && format != "jpeg" && format != "png" && format != "gif") {
		return nil, "", errPhotoFormat
	} else if err != nil {
		return nil, "", errPhotoCorrupt.WithCause(err)
	}
	if err := app.CheckPhotoPixels(cfg.Width, cfg.Height); err != nil {
		return nil, "", err
	}
	orientation := 1
	if format == "jpeg" {
		orientation = exifOrientation(data)
		if max(cfg.Width, cfg.Height) <= app.PhotoMaxSide && orientation == 1 {
			out, err := stripJPEGMetadata(data)
			if err == nil {
				// Decoded only to refuse a damaged file (at most 2.5 MP
				// here): a truncated photo would upload as it is.
				_, err = jpeg.Decode(bytes.NewReader(out))
			}
			if err != nil {
				return nil, "", errPhotoCorrupt.WithCause(err)
			}
			return out, "image/jpeg", nil
		}
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", errPhotoCorrupt.WithCause(err)
	}
	shrunk := max(cfg.Width, cfg.Height) > app.PhotoMaxSide
	rgba := orient(shrink(img, app.PhotoMaxSide), orientation)
	var out bytes.Buffer
	if format == "jpeg" || shrunk {
		err = jpeg.Encode(&out, rgba, &jpeg.Options{Quality: photoQuality})
	} else {
		err = png.Encode(&out, rgba)
	}
	if err != nil {
		return nil, "", fmt.Errorf("encode photo: %w", err)
	}
	if format == "jpeg" || shrunk {
		return out.Bytes(), "image/jpeg", nil
	}
	return out.Bytes(), "image/png", nil
}

// shrink returns img as RGBA with its longer side at most maxSide.
//
// Downscaling averages whole blocks of pixels first (a box filter by the
// integer part of the ratio), then resamples bilinearly by the remaining
// ratio, below 2: as sharp as a kernel filter at this ratio, without its
// 32 bytes per pixel of scratch (150 MB for a 12 MP photo).
func shrink(img image.Image, maxSide int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if max(w, h) <= maxSide {
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
		return dst
	}
	scale := float64(maxSide) / float64(max(w, h))
	dw, dh := max(1, int(float64(w)*scale+0.5)), max(1, int(float64(h)*scale+0.5))
	var src image.Image = img
	if k := max(w, h) / maxSide; k >= 2 {
		src = boxShrink(img, k)
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	return dst
}

// stripJPEGMetadata copies a JPEG without the segments that carry
// metadata: APP1 (EXIF with GPS and camera serial, XMP), APP3 to APP13
// (IPTC among them), APP15 and comments. APP0 (JFIF), APP2 (the colour
// profile) and APP14 (Adobe: how to read the colours) stay, and so does
// everything from the first scan on.
func stripJPEGMetadata(data []byte) ([]byte, error) {
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return nil, fmt.Errorf("no JPEG start marker")
	}
	out := make([]byte, 0, len(data))
	out = append(out, 0xff, 0xd8)
	for i := 2; ; {
		if i+4 > len(data) || data[i] != 0xff {
			return nil, fmt.Errorf("bad JPEG marker at %d", i)
		}
		marker := data[i+1]
		switch {
		case marker == 0xff: // fill byte
			i++
			continue
		case marker == 0xda: // start of scan: the rest is image data
			return append(out, data[i:]...), nil
		case marker == 0xd9 || marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7):
			return nil, fmt.Errorf("unexpected JPEG marker %#x at %d", marker, i)
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		if n < 2 || i+2+n > len(data) {
			return nil, fmt.Errorf("bad JPEG segment length at %d", i)
		}
		drop := marker == 0xfe || (marker >= 0xe1 && marker <= 0xef && marker != 0xe2 && marker != 0xee)
		if !drop {
			out = append(out, data[i:i+2+n]...)
		}
		i += 2 + n
	}
}

// boxShrink averages k×k blocks of src (a leftover edge narrower than k is
// dropped). A YCbCr source, as JPEGs decode, is averaged before its
// conversion to RGB, which is affine: one conversion per output pixel.
func boxShrink(src image.Image, k int) *image.RGBA {
	b := src.Bounds()
	dw, dh := b.Dx()/k, b.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	sums := make([]uint32, 3*dw)
	ycc, _ := src.(*image.YCbCr)
	n := uint32(k * k)
	for dy := 0; dy < dh; dy++ {
		clear(sums)
		for y := b.Min.Y + dy*k; y < b.Min.Y+dy*k+k; y++ {
			for sx := 0; sx < dw*k; sx++ {
				x := b.Min.X + sx
				var c0, c1, c2 uint32
				if ycc != nil {
					ci := ycc.COffset(x, y)
					c0, c1, c2 = uint32(ycc.Y[ycc.YOffset(x, y)]), uint32(ycc.Cb[ci]), uint32(ycc.Cr[ci])
				} else {
					r, g, bl, _ := src.At(x, y).RGBA()
					c0, c1, c2 = r>>8, g>>8, bl>>8
				}
				i := 3 * (sx / k)
				sums[i] += c0
				sums[i+1] += c1
				sums[i+2] += c2
			}
		}
		row := dst.Pix[dy*dst.Stride:]
		for dx := 0; dx < dw; dx++ {
			c0, c1, c2 := uint8((sums[3*dx]+n/2)/n), uint8((sums[3*dx+1]+n/2)/n), uint8((sums[3*dx+2]+n/2)/n)
			if ycc != nil {
				c0, c1, c2 = color.YCbCrToRGB(c0, c1, c2)
			}
			row[4*dx], row[4*dx+1], row[4*dx+2], row[4*dx+3] = c0, c1, c2, 0xff
		}
	}
	return dst
}

// orient applies an EXIF orientation (1-8) to the pixels, so the image
// shows upright without its metadata.
func orient(src *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch o {
			case 2: // mirrored
				sx, sy = w-1-x, y
			case 3: // upside down
				sx, sy = w-1-x, h-1-y
			case 4: // mirrored upside down
				sx, sy = x, h-1-y
			case 5: // transposed
				sx, sy = y, x
			case 6: // stored 90° counter-clockwise: turn clockwise
				sx, sy = y, h-1-x
			case 7: // transverse
				sx, sy = w-1-y, h-1-x
			case 8: // stored 90° clockwise: turn counter-clockwise
				sx, sy = w-1-y, x
			}
			copy(dst.Pix[y*dst.Stride+4*x:y*dst.Stride+4*x+4], src.Pix[sy*src.Stride+4*sx:])
		}
	}
	return dst
}

// exifOrientation returns the orientation tag (1-8) of a JPEG's EXIF
// block, 1 when there is none or it is malformed. It reads the marker
// segments up to the first scan and the first IFD of the APP1 Exif
// segment.
func exifOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return 1
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xff {
			return 1
		}
		marker := data[i+1]
		switch {
		case marker == 0xff: // fill byte
			i++
			continue
		case marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7):
			i += 2 // no length
			continue
		case marker == 0xda || marker == 0xd9: // scan or end: no EXIF before it
			return 1
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xe1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from the first IFD of a TIFF header.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var u16 func([]byte) uint16
	var u32 func([]byte) uint32
	switch string(t[:4]) {
	case "II*\x00":
		u16 = func(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
		u32 = func(b []byte) uint32 { return uint32(u16(b)) | uint32(u16(b[2:]))<<16 }
	case "MM\x00*":
		u16 = func(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
		u32 = func(b []byte) uint32 { return uint32(u16(b))<<16 | uint32(u16(b[2:])) }
	default:
		return 1
	}
	ifd := int64(u32(t[4:]))
	if ifd < 8 || ifd+2 > int64(len(t)) {
		return 1
	}
	count := int64(u16(t[ifd:]))
	for e := int64(0); e < count; e++ {
		at := ifd + 2 + 12*e
		if at+12 > int64(len(t)) {
			return 1
		}
		if u16(t[at:]) != 0x0112 {
			continue
		}
		if u16(t[at+2:]) != 3 || u32(t[at+4:]) != 1 { // one SHORT
			return 1
		}
		if o := int(u16(t[at+8:])); o >= 1 && o <= 8 {
			return o
		}
		return 1
	}
	return 1
}
