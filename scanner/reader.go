package scanner

import (
	"context"
	"fmt"
	"image"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"

	"github.com/fieldbench/fieldbench/app"
)

// decoder holds one Decode call's readers: gozxing readers keep scratch
// state, so they are never shared between calls.
type decoder struct {
	opts   Options
	want   map[Format]bool
	want2D bool
	hints  map[gozxing.DecodeHintType]any // for every reader
	pure   map[gozxing.DecodeHintType]any // hints plus PURE_BARCODE
	qr     gozxing.Reader                 // nil unless QR Code is wanted
	dm     gozxing.Reader                 // nil unless Data Matrix is wanted
	rows   multiRowDecoder                // empty unless a linear format is wanted
	// qrHints are hints plus a callback counting, in finders, the
	// finder-pattern candidates the QR Code detector confirms.
	qrHints map[gozxing.DecodeHintType]any
	finders int
	// panicked is the first reader panic, reported when nothing is found.
	panicked error
	// blind turns the first look off (tests compare Decode with and
	// without it).
	blind bool
	// looks counts the first looks taken at the BT.601 rendering, and
	// seen is what any of them saw: the blue-weighted rendering is made
	// only when they saw something or its colour could show what they
	// could not (colourNeeded).
	looks int
	seen  glance
}

func newDecoder(opts Options) (*decoder, error) {
	d := &decoder{opts: opts, want: map[Format]bool{}}
	formats := opts.Formats
	if len(formats) == 0 {
		formats = AllFormats()
	}
	for _, f := range formats {
		if !f.Valid() {
			return nil, app.Errorf(app.EINVALID, "scan.format_unknown",
				"Unknown barcode format {{.Format}}.", "Format", string(f))
		}
		d.want[f] = true
		d.want2D = d.want2D || f.Is2D()
	}
	if d.opts.MaxDimension <= 0 {
		d.opts.MaxDimension = DefaultMaxDimension
	}
	d.hints = map[gozxing.DecodeHintType]any{}
	if opts.TryHarder {
		d.hints[gozxing.DecodeHintType_TRY_HARDER] = true
	}
	if opts.KeepFNC1 {
		d.hints[gozxing.DecodeHintType_ASSUME_GS1] = true
	}
	d.pure = map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}
	for k, v := range d.hints {
		d.pure[k] = v
	}
	if d.want[QRCode] {
		d.qr = newQRReader()
		d.qrHints = map[gozxing.DecodeHintType]any{
			gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK: gozxing.ResultPointCallback(func(gozxing.ResultPoint) { d.finders++ }),
		}
		for k, v := range d.hints {
			d.qrHints[k] = v
		}
	}
	if d.want[DataMatrix] {
		d.dm = datamatrix.NewDataMatrixReader()
	}
	d.rows = newMultiRowDecoder(d.want)
	return d, nil
}

var zxingFormat = map[Format]gozxing.BarcodeFormat{
	QRCode:     gozxing.BarcodeFormat_QR_CODE,
	DataMatrix: gozxing.BarcodeFormat_DATA_MATRIX,
	Code128:    gozxing.BarcodeFormat_CODE_128,
	Code39:     gozxing.BarcodeFormat_CODE_39,
	EAN13:      gozxing.BarcodeFormat_EAN_13,
	EAN8:       gozxing.BarcodeFormat_EAN_8,
	UPCA:       gozxing.BarcodeFormat_UPC_A,
	UPCE:       gozxing.BarcodeFormat_UPC_E,
	ITF:        gozxing.BarcodeFormat_ITF,
}

// view is a luminance source cut, shrunk or turned from the input image,
// with the mapping back to the image's coordinates.
type view struct {
	src    *luminanceSource
	scale  float64     // input pixels per view pixel
	origin image.Point // input-image position of the view's top-left pixel
	rot    int         // src is the region turned clockwise by rot degrees
	bitmap *gozxing.BinaryBitmap
}

func newView(src *luminanceSource, scale float64, origin image.Point) *view {
	// The hybrid binarizer, as in ZXing's tests: local thresholds for the
	// matrix readers, and the global-histogram row method for linear ones.
	// The bitmap caches its matrix, so the readers of a view share it.
	bm, _ := gozxing.NewBinaryBitmap(newHybridBinarizer(src))
	return &view{src: src, scale: scale, origin: origin, bitmap: bm}
}

// toImage maps a point of the view to the input image.
func (v *view) toImage(x, y float64) image.Point {
	if v.rot != 0 {
		x, y = rotatePoint(x, y, v.src.width, v.src.height, 360-v.rot)
	}
	return image.Point{
		X: v.origin.X + int(math.Round((x+0.5)*v.scale-0.5)),
		Y: v.origin.Y + int(math.Round((y+0.5)*v.scale-0.5)),
	}
}

// crop returns the part r of an unturned view, sharing its pixels.
func (v *view) crop(r image.Rectangle) *view {
	src, err := v.src.crop(r)
	if err != nil || v.rot != 0 {
		return nil
	}
	return newView(src, v.scale, image.Point{
		X: v.origin.X + int(math.Round(float64(r.Min.X)*v.scale)),
		Y: v.origin.Y + int(math.Round(float64(r.Min.Y)*v.scale)),
	})
}

// turned returns an unturned view rotated clockwise by deg.
func (v *view) turned(deg int) *view {
	t := newView(v.src.rotate(deg), v.scale, v.origin)
	t.rot = deg
	return t
}

// cropBits returns the crop r of an unturned view for the matrix readers,
// with its black matrix cut from v's rather than binarised again (most of
// the cost of a pass): the hybrid binarizer's thresholds are local, so the
// bits barely differ. (Turned views are binarised afresh: there, reusing
// the bits cost QR Codes in the test sets.)
func (v *view) cropBits(r image.Rectangle) *view {
	c := v.crop(r)
	if c == nil {
		return nil
	}
	parent, err := v.bitmap.GetBlackMatrix()
	if err != nil {
		return c // c binarises itself
	}
	m, err := gozxing.NewBitMatrix(r.Dx(), r.Dy())
	if err != nil {
		return c
	}
	// Whole 32-bit words at a time: bit x of the crop's row is bit
	// r.Min.X+x of the parent's.
	var src *gozxing.BitArray
	dst := gozxing.NewBitArray(r.Dx())
	out := dst.GetBitArray()
	sh := uint(r.Min.X % 32)
	for y := range r.Dy() {
		src = parent.GetRow(r.Min.Y+y, src)
		in := src.GetBitArray()[r.Min.X/32:]
		for i := range out {
			word := in[i] >> sh
			if sh != 0 && i+1 < len(in) {
				word |= in[i+1] << (32 - sh)
			}
			out[i] = word
		}
		if n := r.Dx() % 32; n != 0 {
			out[len(out)-1] &= 1<<n - 1
		}
		m.SetRow(y, dst)
	}
	c.bitmap, _ = gozxing.NewBinaryBitmap(&fixedBinarizer{gozxing.NewHybridBinarizer(c.src), m})
	return c
}

// turnedBits returns the turned view t of the unturned view v for the
// Data Matrix reader, its black matrix turned from v's rather than
// binarised again: on a picture with nothing in it the turned
// binarisations were a third of the time. (The QR Code reader binarises
// afresh, see cropBits.)
func (v *view) turnedBits(t *view) *view {
	parent, err := v.bitmap.GetBlackMatrix()
	if err != nil || v.rot != 0 {
		return t
	}
	m, err := gozxing.NewBitMatrix(t.src.width, t.src.height)
	if err != nil {
		return t
	}
	w, h := parent.GetWidth(), parent.GetHeight()
	var row *gozxing.BitArray
	for y := range h {
		row = parent.GetRow(y, row)
		for i, word := range row.GetBitArray() {
			for ; word != 0; word &= word - 1 {
				x := i*32 + bits.TrailingZeros32(word)
				switch t.rot { // as rotatePoint
				case 90:
					m.Set(h-1-y, x)
				case 180:
					m.Set(w-1-x, h-1-y)
				case 270:
					m.Set(y, w-1-x)
				}
			}
		}
	}
	bm, _ := gozxing.NewBinaryBitmap(&fixedBinarizer{gozxing.NewHybridBinarizer(t.src), m})
	return &view{src: t.src, scale: t.scale, origin: t.origin, rot: t.rot, bitmap: bm}
}

// fixedBinarizer serves a black matrix made elsewhere; rows are still
// binarised from its own luminance.
type fixedBinarizer struct {
	gozxing.Binarizer
	matrix *gozxing.BitMatrix
}

func (b *fixedBinarizer) GetBlackMatrix() (*gozxing.BitMatrix, error) { return b.matrix, nil }

func (d *decoder) decode(ctx context.Context, img image.Image) (Code, error) {
	if c, ok := d.decodeSource(ctx, newLuminanceSource(img), img.Bounds().Min, true); ok {
		return c, nil
	}
	if d.want2D && ctx.Err() == nil && d.colourNeeded(img) {
		// A second weighting of colour for matrix codes only: the linear
		// readers care less, and every extra pass is a chance for them to
		// misread the modules of a QR Code as a UPC-E.
		if blue := newBlueLuminanceSource(img); blue != nil {
			if c, ok := d.decodeSource(ctx, blue, img.Bounds().Min, false); ok {
				return c, nil
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return Code{}, errCancelled.WithCause(err)
	}
	if d.panicked != nil {
		return Code{}, errReader.WithCause(d.panicked)
	}
	return Code{}, ErrNotFound
}

// colourNeeded says whether the blue-weighted rendering is worth making
// and looking at once the BT.601 one has failed: when a look at it saw
// something (a code its readers missed can read there: qrcode-1/18.png,
// blue ink on a card, does), when no look was taken (the image is too
// small, or the look is off), or when the image has edges that only the
// blue weighting makes, ink that BT.601 renders like its paper (issue
// 16: on a frame with no code the second look was a third of the time).
func (d *decoder) colourNeeded(img image.Image) bool {
	if d.looks == 0 || d.seen != (glance{}) {
		return true
	}
	return colourEdges(img, minColourEdges) >= minColourEdges
}

// decodeSource runs the plan over one luminance rendering of the image,
// whose top-left pixel is at origin; linear says whether to include the
// linear readers.
func (d *decoder) decodeSource(ctx context.Context, full *luminanceSource, origin image.Point, linear bool) (Code, bool) {
	for _, step := range d.plan(ctx, full, origin, linear) {
		if ctx.Err() != nil {
			return Code{}, false
		}
		if c, ok := step(); ok {
			return c, true
		}
	}
	return Code{}, false
}

// lazy returns a function that makes a view on its first call and then
// returns the same one; nil views are skipped.
func lazy(make func() *view) func() *view {
	var v *view
	done := false
	return func() *view {
		if !done {
			v, done = make(), true
		}
		return v
	}
}

// plan lists the reader passes over one rendering of the image, in order;
// each returns a code or false. Views are made on demand, so a code found
// early costs no later work. The package documentation explains the order.
func (d *decoder) plan(ctx context.Context, full *luminanceSource, origin image.Point, linear bool) []func() (Code, bool) {
	var steps []func() (Code, bool)
	// Every step is gated on the first look at its view (gate.go): a
	// reader runs only when the look saw something it could read.
	add := func(v func() *view, seen func() glance, r gozxing.Reader, hints map[gozxing.DecodeHintType]any) {
		if r != nil {
			steps = append(steps, func() (Code, bool) {
				if !d.sees(seen(), r) {
					return Code{}, false
				}
				if v := v(); v != nil {
					return d.read(v, r, hints)
				}
				return Code{}, false
			})
		}
	}
	// look gates readLinear's turned pass under TryHarder: the step
	// itself may run before the look (gateFirstPixels).
	addLinear := func(v func() *view, seen func() glance, scan rowScan, look func() glance) {
		if linear && len(d.rows) > 0 {
			steps = append(steps, func() (Code, bool) {
				if !seen().bars {
					return Code{}, false
				}
				if v := v(); v != nil {
					return d.readLinear(ctx, v, scan, look)
				}
				return Code{}, false
			})
		}
	}
	rows := quickRows
	if d.opts.TryHarder {
		rows = allRows
	}

	// The whole image, shrunk if large, and then for a large image its
	// centre at full resolution: fine modules do not survive shrinking
	// (gozxing needs about 2.7 pixels per module), and the user has most
	// likely aimed at the code. Each has its own first look.
	small, f := full.scaleDown(d.opts.MaxDimension)
	whole := lazy(func() *view { return newView(small, f, origin) })
	wholeSeen := d.lazyLook(small)
	views := []func() *view{whole}
	seen := []func() glance{wholeSeen}
	var fullView *view
	var centre image.Rectangle
	if f > 1 {
		fullView = newView(full, 1, origin)
		long := max(full.width, full.height)
		w := min(full.width, d.opts.MaxDimension*full.width/long)
		h := min(full.height, d.opts.MaxDimension*full.height/long)
		centre = image.Rect(0, 0, w, h).Add(image.Pt((full.width-w)/2, (full.height-h)/2))
		views = append(views, lazy(func() *view { return fullView.crop(centre) }))
		seen = append(seen, d.lazyLookAt(full, centre, nil))
	}
	// Below a megapixel the first pass of each reader over the whole
	// view is cheap, and an image that reads there (most of ZXing's test
	// images) would pay for the look for nothing: the look comes after it.
	// In the blue-weighted rendering, made only once the BT.601 one has
	// failed, so too when the QR Code detector confirmed a finder pattern
	// there (qrcode-1/18.png, blue ink on a card, reads in its first
	// pass); otherwise that first pass waits for the look, as every later
	// pass does (issue 16: on ean13-1/34.png the matrix readers ran on a
	// rendering where the look saw nothing they read).
	first := seen
	if small.width*small.height < gateFirstPixels && (linear || d.finders > 0) {
		first = slices.Clone(seen)
		first[0] = func() glance { return seeAll }
	}
	for i, v := range views {
		if d.opts.Pure {
			add(v, first[i], d.qr, d.pure)
			add(v, first[i], d.dm, d.pure)
		}
		// Matrix codes first: a linear reader scanning every row of a QR
		// Code can find a false EAN in its modules, never the reverse.
		add(v, first[i], d.qr, d.hints)
		add(v, first[i], d.dm, d.hints)
		addLinear(v, first[i], rows, seen[i])
	}
	if !d.opts.Pure {
		// Some Data Matrix symbols defeat the detector but read fine as a
		// pure barcode; a wrong guess fails the Reed-Solomon check.
		for i, v := range views {
			add(v, seen[i], d.dm, d.pure)
		}
	}
	if d.want2D {
		// The Data Matrix detector grows a white rectangle from the centre
		// of the image, so a symbol away from the centre needs a crop
		// around it. QR Code rarely does, but a binarised crop is cheap
		// to search twice.
		for _, r := range quadrants(small.width, small.height) {
			c := lazy(func() *view { return whole().cropBits(r) })
			add(c, wholeSeen, d.dm, d.hints)
			add(c, d.qrConfirmed(wholeSeen), d.qr, d.hints)
		}
		// Clusters of ink elsewhere in the image (a label with text and
		// other codes): a crop around each puts a symbol in the middle.
		steps = append(steps, func() (Code, bool) {
			// The look finds a Data Matrix's L along rows and columns
			// only, and the detector reads one held at a slant: the
			// crops around clusters of ink are where such a symbol away
			// from the centre reads, so for Data Matrix they are gated
			// on dense ink, which a slanted symbol has.
			g := d.qrConfirmed(wholeSeen)()
			g.matrix = g.dense
			if !d.sees(g, d.dm) && !d.sees(g, d.qr) {
				return Code{}, false
			}
			return d.readBlobs(ctx, whole(), g)
		})
	}
	// Both matrix detectors search in one direction from where they
	// start, so a symbol they miss can turn up in the image turned around.
	half := lazy(func() *view { return whole().turned(180) })
	quarter := lazy(func() *view { return whole().turned(90) })
	if d.want2D {
		for _, t := range []func() *view{half, quarter} {
			add(lazy(func() *view { return whole().turnedBits(t()) }), wholeSeen, d.dm, d.hints)
			// A QR Code needs three finder patterns, and a pattern is
			// the same 1:1:3:1:1 across and down at any quarter turn: when
			// the upright passes saw fewer than three, the turned ones
			// will not find a code.
			steps = append(steps, func() (Code, bool) {
				if d.qr == nil || d.finders < 3 || !wholeSeen().finders {
					return Code{}, false
				}
				return d.read(t(), d.qr, d.hints)
			})
		}
	}
	if !d.opts.TryHarder {
		// Linear codes held sideways, and upright ones again: the rows of
		// a view turned 90 degrees, read backwards, are those of one
		// turned 270, but they fall on other pixels. (Under TryHarder,
		// readLinear scans every row and turns each view itself.)
		addLinear(quarter, wholeSeen, quickRows, wholeSeen)
		addLinear(lazy(func() *view { return whole().turned(270) }), wholeSeen, quickRows, wholeSeen)
		addLinear(half, wholeSeen, quickRows, wholeSeen)
	}
	if d.opts.TryHarder && fullView != nil {
		// Small codes away from the centre of a large photo: the rest of
		// it at full resolution, in overlapping tiles. Their looks share
		// the statistics of the blocks where they overlap.
		tileBlocks := &blockCache{src: full}
		for _, r := range tiles(full.width, full.height, centre.Dx(), centre.Dy(), centre) {
			c := lazy(func() *view { return fullView.crop(r) })
			tileSeen := d.lazyLookAt(full, r, tileBlocks)
			add(c, tileSeen, d.qr, d.hints)
			add(c, tileSeen, d.dm, d.hints)
			// Every row of every tile would take seconds; a code big
			// enough to matter crosses one of 31.
			addLinear(c, tileSeen, tallRows, tileSeen)
		}
	}
	return steps
}

// gateFirstPixels is the size of view from which the first look comes
// before the first pass of each reader too: a camera frame of 1024 x 768
// or more.
const gateFirstPixels = 1024 * 768

// sees says whether the first look g saw what reader r reads.
func (d *decoder) sees(g glance, r gozxing.Reader) bool {
	switch {
	case r == nil:
		return false
	case r == d.qr:
		return g.finders
	case r == d.dm:
		return g.matrix
	}
	return true
}

// qrConfirmed returns seen with its finder patterns dropped while the QR
// Code detector has confirmed none in this decode. It gates the QR Code
// reader on the crops of the whole view: they are cut from the bits the
// detector has just searched in full (cropBits), and the look, which is
// looser, takes print for finder patterns that the detector then refuses
// (issue 16: on ean13-1/34.png, an EAN-13 on a box, the six crops were
// a tenth of a try-harder decode's instructions; every verdict of
// `make accuracy` is the same, at every set, rotation and mode).
func (d *decoder) qrConfirmed(seen func() glance) func() glance {
	return func() glance {
		g := seen()
		if d.finders == 0 {
			g.finders = false
		}
		return g
	}
}

// lazyLook returns a function that looks at src on its first call and
// then returns the same glance.
func (d *decoder) lazyLook(src *luminanceSource) func() glance {
	if d.blind {
		return func() glance { return seeAll }
	}
	var g glance
	done := false
	return func() glance {
		if !done {
			g, done = look(src), true
			d.looks++
			d.seen.finders = d.seen.finders || g.finders
			d.seen.bars = d.seen.bars || g.bars
			d.seen.matrix = d.seen.matrix || g.matrix
		}
		return g
	}
}

// lazyLookAt is lazyLook for the part r of src; if r cannot be cut, the
// look gates nothing. With blocks, the look takes the statistics of r's
// blocks from it when r starts on a block of src (blockCache).
func (d *decoder) lazyLookAt(src *luminanceSource, r image.Rectangle, blocks *blockCache) func() glance {
	c, err := src.crop(r)
	if err != nil {
		return func() glance { return seeAll }
	}
	look := d.lazyLook(c)
	if blocks == nil || d.blind || r.Min.X%gateBlock != 0 || r.Min.Y%gateBlock != 0 {
		return look
	}
	return func() glance {
		if c.blocks == nil {
			c.blocks = blocks.gridAt(r)
		}
		return look()
	}
}

// quadrants returns four overlapping crops, each 60% of the width and
// height, one in each corner.
func quadrants(w, h int) []image.Rectangle {
	cw, ch := w*3/5, h*3/5
	if cw < 24 || ch < 24 {
		return nil
	}
	return []image.Rectangle{
		image.Rect(0, 0, cw, ch),
		image.Rect(w-cw, 0, w, ch),
		image.Rect(0, h-ch, cw, h),
		image.Rect(w-cw, h-ch, w, h),
	}
}

// tiles covers a w x h image with tw x th tiles that overlap by at least
// a quarter, leaving out skip. With an odd count along an axis the middle
// tile is centred, so skip can be the centre crop.
func tiles(w, h, tw, th int, skip image.Rectangle) []image.Rectangle {
	starts := func(n, size int) []int {
		if n <= size {
			return []int{0}
		}
		step := max(1, size*3/4)
		k := (n-size+step-1)/step + 1
		out := make([]int, k)
		for i := range out {
			out[i] = i * (n - size) / (k - 1)
		}
		return out
	}
	var out []image.Rectangle
	for _, y := range starts(h, th) {
		for _, x := range starts(w, tw) {
			if r := image.Rect(x, y, x+tw, y+th).Intersect(image.Rect(0, 0, w, h)); r != skip {
				out = append(out, r)
			}
		}
	}
	return out
}

// readBlobs runs the matrix readers the first look g saw something for
// on crops around the likeliest clusters of ink in v.
func (d *decoder) readBlobs(ctx context.Context, v *view, g glance) (Code, bool) {
	m, err := v.bitmap.GetBlackMatrix()
	if err != nil {
		return Code{}, false
	}
	for _, r := range blobs(m, 6) {
		c := v.cropBits(r)
		for _, rd := range []gozxing.Reader{d.dm, d.qr} {
			if ctx.Err() != nil {
				return Code{}, false
			}
			if !d.sees(g, rd) || c == nil {
				continue
			}
			if code, ok := d.read(c, rd, d.hints); ok {
				return code, true
			}
		}
	}
	return Code{}, false
}

// read runs one matrix reader on one view.
func (d *decoder) read(v *view, r gozxing.Reader, hints map[gozxing.DecodeHintType]any) (c Code, ok bool) {
	defer d.recover(&ok)
	if r == d.qr {
		if _, pure := hints[gozxing.DecodeHintType_PURE_BARCODE]; !pure {
			hints = d.qrHints // the same hints, counting finder patterns
		}
	}
	res, err := r.Decode(v.bitmap, hints)
	if err != nil || res == nil {
		return Code{}, false
	}
	_, pure := hints[gozxing.DecodeHintType_PURE_BARCODE]
	return d.accept(v, res, pure, false)
}

// recover turns a reader panic (gozxing has index bugs on odd input) into
// a failed pass rather than a failed call.
func (d *decoder) recover(ok *bool) {
	if p := recover(); p != nil {
		if d.panicked == nil {
			d.panicked = fmt.Errorf("gozxing panic: %v", p)
		}
		*ok = false
	}
}

// accept converts a gozxing result, fixing where gozxing differs from Java
// ZXing, and rejects formats not asked for. reversed says the row was
// read right to left, so x must be mirrored.
func (d *decoder) accept(v *view, res *gozxing.Result, pure, reversed bool) (Code, bool) {
	var f Format
	for k, zf := range zxingFormat {
		if zf == res.GetBarcodeFormat() {
			f = k
			break
		}
	}
	text := res.GetText()
	switch f {
	case "":
		return Code{}, false
	case EAN13:
		// Java's MultiFormatUPCEANReader reports an EAN-13 starting with 0
		// as UPC-A (the bars are the same) when UPC-A may be returned;
		// gozxing does so only when UPC-A is listed explicitly.
		if strings.HasPrefix(text, "0") && d.want[UPCA] {
			f, text = UPCA, text[1:]
		}
	case Code128:
		// FNC4 characters come back as Latin-1 bytes, not UTF-8.
		text = latin1ToUTF8(text)
		if d.opts.KeepFNC1 {
			// ASSUME_GS1 prefixes the symbology identifier; Symbology has it.
			text = strings.TrimPrefix(text, "]C1")
		}
	}
	if !d.want[f] || text == "" {
		return Code{}, false
	}
	c := Code{Format: f, Text: text}
	if id, ok := res.GetResultMetadata()[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER].(string); ok {
		c.Symbology = id
	}
	for _, p := range res.GetResultPoints() {
		if p == nil {
			continue
		}
		x := p.GetX()
		if reversed {
			x = float64(v.src.width-1) - x
		}
		c.Points = append(c.Points, v.toImage(x, p.GetY()))
	}
	if pure && len(c.Points) == 0 {
		// A pure read reports no points, and the code fills the black
		// extent of the view, upright.
		if m, err := v.bitmap.GetBlackMatrix(); err == nil {
			if tl, br := m.GetTopLeftOnBit(), m.GetBottomRightOnBit(); tl != nil && br != nil {
				x0, y0, x1, y1 := float64(tl[0]), float64(tl[1]), float64(br[0]), float64(br[1])
				c.Points = []image.Point{v.toImage(x0, y0), v.toImage(x1, y0), v.toImage(x1, y1), v.toImage(x0, y1)}
			}
		}
		return c, true
	}
	c.Rotation = rotationOf(f, c.Points)
	return c, true
}

// guardSpan is the distance, in modules, between the two points a UPC/EAN
// reader reports: the centres of its start and end guards.
var guardSpan = map[Format]float64{EAN13: 92, UPCA: 92, EAN8: 64, UPCE: 46.5}

// moduleWidth estimates the module width of a UPC/EAN read, in view
// pixels, from its points; 0 for other formats.
func moduleWidth(f Format, pts []gozxing.ResultPoint) float64 {
	span, ok := guardSpan[f]
	if !ok || len(pts) < 2 || pts[0] == nil || pts[1] == nil {
		return 0
	}
	return math.Hypot(pts[1].GetX()-pts[0].GetX(), pts[1].GetY()-pts[0].GetY()) / span
}

// rotationOf derives the clockwise turn of a code from its points: the
// reading direction of a linear code (its points run left to right), the
// top edge of a QR Code (points bottom-left, top-left, top-right), the
// bottom edge of a Data Matrix (points top-left, bottom-left,
// bottom-right, top-right).
func rotationOf(f Format, pts []image.Point) int {
	var a, b image.Point
	switch {
	case f.Is2D() && len(pts) >= 3:
		a, b = pts[1], pts[2]
	case !f.Is2D() && len(pts) >= 2:
		a, b = pts[0], pts[1]
	default:
		return 0
	}
	dx, dy := b.X-a.X, b.Y-a.Y
	switch {
	case dx >= abs(dy):
		return 0
	case dy >= abs(dx):
		return 90
	case -dx >= abs(dy):
		return 180
	}
	return 270
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// latin1ToUTF8 reads each byte of s as a Latin-1 character.
func latin1ToUTF8(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			b := make([]byte, i, len(s)+len(s)/2)
			copy(b, s[:i])
			for ; i < len(s); i++ {
				b = utf8.AppendRune(b, rune(s[i]))
			}
			return string(b)
		}
	}
	return s
}
