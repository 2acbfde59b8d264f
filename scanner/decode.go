package scanner

import (
	"bytes"
	"context"
	"image"
	_ "image/gif" // DecodeBytes reads GIF, JPEG and PNG
	_ "image/jpeg"
	_ "image/png"
	"slices"

	"github.com/fieldbench/fieldbench/app"
)

// Format names a barcode symbology. The values are ZXing's names, so they
// match test data and other tools.
type Format string

// The formats Decode reads.
const (
	QRCode     Format = "QR_CODE"
	DataMatrix Format = "DATA_MATRIX"
	Code128    Format = "CODE_128"
	Code39     Format = "CODE_39"
	EAN13      Format = "EAN_13"
	EAN8       Format = "EAN_8"
	UPCA       Format = "UPC_A"
	UPCE       Format = "UPC_E"
	ITF        Format = "ITF"
)

// AllFormats lists every format Decode reads, two-dimensional first.
func AllFormats() []Format {
	return []Format{QRCode, DataMatrix, Code128, Code39, EAN13, EAN8, UPCA, UPCE, ITF}
}

// Is2D reports whether f is a matrix code (QR Code, Data Matrix) rather
// than a linear barcode.
func (f Format) Is2D() bool { return f == QRCode || f == DataMatrix }

// Valid reports whether Decode knows f.
func (f Format) Valid() bool { return slices.Contains(AllFormats(), f) }

// Code is one decoded barcode.
type Code struct {
	Format Format
	// Text is the content as UTF-8, as ZXing reports it: Code 128's
	// extended (FNC4) characters are converted from Latin-1; a GS1 Data
	// Matrix or QR Code separates fields with GS (0x1d); a Code 128 drops
	// its FNC1 characters unless Options.KeepFNC1 is set.
	Text string
	// Points locate the code in the input image's coordinates (its Bounds,
	// not necessarily starting at 0,0): the two ends of the scan line for a
	// linear code, the finder-pattern centres (bottom-left, top-left,
	// top-right, then any alignment pattern) for QR Code, the corners for
	// Data Matrix, and the corners of the inked area for a pure read.
	Points []image.Point
	// Rotation is how far the code is turned clockwise from upright, to
	// the nearest 90 degrees: 0, 90, 180 or 270.
	Rotation int
	// Symbology is the AIM symbology identifier, such as "]C1" for a GS1
	// Code 128, "]d2" for a GS1 Data Matrix or "]Q1" for a plain QR Code.
	Symbology string
}

// Options tune Decode. The zero value is a quick look for every format.
type Options struct {
	// TryHarder spends more time, as ZXing's TRY_HARDER: linear codes are
	// looked for on every row (not 15), then across; and a large image is
	// also read at full resolution in tiles, not only at its centre. Use
	// it for photos and files rather than for live camera frames.
	TryHarder bool
	// Formats limits the formats looked for; empty means all. Restricting
	// them is faster and avoids misreads.
	Formats []Format
	// Pure says the image is a clean, generated code (a label file, a
	// screenshot) with nothing else in it: the fast "pure barcode" reading
	// of QR Code and Data Matrix is tried first.
	Pure bool
	// KeepFNC1 reports the FNC1 field separators inside a Code 128 as GS
	// (0x1d), which GS1 element strings with variable-length fields need.
	// ZXing (and so the test data) drops them by default.
	KeepFNC1 bool
	// MaxDimension is the longest side, in pixels, at which a large image is
	// scanned whole; a full-resolution crop of its centre is scanned as well,
	// for codes too small to survive the shrinking. 0 means 1600.
	MaxDimension int
}

// DefaultMaxDimension is the Options.MaxDimension used when it is 0.
const DefaultMaxDimension = 1600

// ErrNotFound is returned when an image holds no code Decode can read.
var ErrNotFound = app.Errorf(app.ENOTFOUND, "scan.not_found",
	"No barcode found. Hold the code flat, fill the frame and avoid glare.")

var (
	errEmptyImage = app.Errorf(app.EINVALID, "scan.image_empty",
		"The image is empty. Take the photo again.")
	errCancelled = app.Errorf(app.EINTERNAL, "scan.cancelled", "Scanning was cancelled.")
	errReader    = app.Errorf(app.EINTERNAL, "scan.reader_failed",
		"The barcode reader failed on this image. Try another photo; if it keeps happening, contact support.")
)

// Decode finds and reads one barcode in img.
//
// It returns ErrNotFound when there is none it can read, an EINVALID error
// for an empty image or an unknown format in opts, and an error wrapping
// ctx.Err() when ctx ends first (checked between reader passes). It is
// safe to call from several goroutines at once; img is only read.
//
// The order of the reader passes is explained in the package
// documentation.
func Decode(ctx context.Context, img image.Image, opts Options) (Code, error) {
	if img == nil || img.Bounds().Empty() {
		return Code{}, errEmptyImage
	}
	d, err := newDecoder(opts)
	if err != nil {
		return Code{}, err
	}
	return d.decode(ctx, img)
}

// DecodeBytes decodes a PNG, JPEG or GIF file (the first frame of a GIF)
// and reads a barcode in it with Decode.
//
// The image's size is read from its header first, and files over
// app.MaxPhotoPixels are refused before any pixel is decoded. Errors: EINVALID for
// an empty, unknown or oversized file, ECORRUPT for a damaged one, and
// those of Decode.
func DecodeBytes(ctx context.Context, data []byte, opts Options) (Code, error) {
	if len(data) == 0 {
		return Code{}, errEmptyFile
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err == image.ErrFormat {
		return Code{}, errFileFormat
	} else if err != nil {
		return Code{}, errCorrupt.WithCause(err)
	}
	if !slices.Contains([]string{"png", "jpeg", "gif"}, format) {
		// Another package may have registered more decoders.
		return Code{}, errFileFormat
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Code{}, errEmptyImage
	}
	if err := app.CheckPhotoPixels(cfg.Width, cfg.Height); err != nil {
		return Code{}, err
	}
	if err := ctx.Err(); err != nil {
		return Code{}, errCancelled.WithCause(err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Code{}, errCorrupt.WithCause(err)
	}
	return Decode(ctx, img, opts)
}

var (
	errEmptyFile  = app.Errorf(app.EINVALID, "scan.file_empty", "The file is empty.")
	errFileFormat = app.Errorf(app.EINVALID, "scan.file_format",
		"This file is not a PNG, JPEG or GIF image.")
	errCorrupt = app.Errorf(app.ECORRUPT, "scan.file_corrupt",
		"The image file is damaged and cannot be read.")
)
