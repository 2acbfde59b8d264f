// Package scanner reads barcodes from images: QR Code, Data Matrix,
// Code 128, Code 39, EAN-13, EAN-8, UPC-A, UPC-E and ITF, at any rotation.
//
// Decode takes an image.Image (a camera frame, a decoded photo) and
// returns the first Code it can read: format, text, where it is and how it
// is turned. DecodeBytes does the same for a PNG, JPEG or GIF file, after
// checking its size. Errors are *app.Error values: ErrNotFound when there
// is nothing to read, EINVALID or ECORRUPT for files that are not usable
// images. The decoding is github.com/makiuchi-d/gozxing, the Go port of
// ZXing; none of its types leave this package.
//
// ParseIMEI, ParseGS1 and ParseLabel give decoded text its meaning: an
// IMEI with its check digit, a GS1 element string (GTIN, serial, lot,
// expiry), or the payload of a label Fieldbench printed, "FB1|T|...",
// which FormatLabel writes.
//
// # Why a wrapper
//
// gozxing has every reader but not ZXing's MultiFormatReader, and it
// differs from Java ZXing in ways that matter here. This package composes
// the readers itself and fixes each difference:
//
//   - Luminance. gozxing's NewLuminanceSourceFromImage calls At(x, y) for
//     every pixel: about 460 ms for a 12-megapixel JPEG. Ours reads the Y
//     plane of an *image.YCbCr (or the Pix of *image.Gray) in place, and
//     weights *image.RGBA, *image.NRGBA and *image.Paletted pixels by
//     BT.601 in integers (RGBA two pixels a word, a palette by table);
//     it crops and turns without copying until it must.
//   - UPC-A. A UPC-A is the bars of an EAN-13 whose first digit is 0.
//     Java reports such a code as UPC-A unless the caller asked only for
//     EAN-13; gozxing does so only when UPC-A is listed explicitly. We
//     follow Java.
//   - Code 128 FNC4. Extended characters come back as Latin-1 bytes; we
//     return UTF-8.
//   - Data Matrix. Some symbols defeat the detector but read as a "pure"
//     barcode, so that is tried too; and the detector grows a white
//     rectangle from the centre of the image, so a symbol away from the
//     centre needs a crop around it: we try the four corner quadrants and
//     crops around clusters of ink.
//   - QR Code alignment. The detector maps the grid through the
//     alignment pattern it finds, and a knot of data modules in a blurred
//     photo can pass for one; when that grid fails Reed-Solomon, qr.go
//     samples it again through the corner the finder patterns imply.
//   - ITF. itf.go replaces gozxing's reader (a line-by-line port of
//     Java's): a digit whose 2x- and 3x-wide forms fit equally is read,
//     not refused; fits are compared exactly rather than in floating
//     point; and a start or end pattern without its quiet zone (a mark
//     beside the code) makes the search go on rather than give the row up.
//   - Misreads. With TRY_HARDER the linear readers scan every row, and
//     run before the QR Code reader they find false EAN and UPC codes in
//     QR Code modules. Matrix readers always go first here, and linear
//     answers are put to a vote of rows (below).
//
// # Reader order
//
// Decode renders the image as luminance and makes views of it: the whole
// image, shrunk by area averaging to Options.MaxDimension (1600 px) on
// its longer side if larger, and for a larger image its centre at full
// resolution, because gozxing needs about 2.7 pixels per module and fine
// codes do not survive the shrinking, while the user has most likely
// aimed at the code. Views are made and binarised only when a step needs
// them.
//
// Before any reader runs, a first look (gate.go) binarises each view
// against the means of 8 x 8 blocks and scans its rows and columns once
// for what the readers need: three 1:1:3:1:1 finder patterns placed as a
// QR Code's corners, a stretch of 20 or more bars and spaces that repeats
// above and below (a linear code), and a Data Matrix's outline (a timing
// edge, the solid leg opposite it, and the other leg and timing edge
// joining them). Every step below runs only for a view whose look saw
// something its reader reads (for a view under 1024 x 768, step 1 on the
// whole image runs first, ungated, in the BT.601 rendering (in the
// blue-weighted one of step 7 only once the QR Code detector has
// confirmed a finder pattern): it is cheap there, and most images
// that read, read in it; but under TryHarder the linear readers' turned
// pass over every column waits for it, and so do their upright rows past
// the middle 96 (a fifth of a view less tall than 480, at least 32; none
// once the QR Code detector has confirmed three finder patterns), which
// stop when it saw no bars and no row has read a
// code, and read only the rows on and beside those it saw bars on when
// it saw some); the Data Matrix reader on the crops around clusters of
// ink (step 3), whose symbol the look's rows and columns cannot follow
// when it is held at a slant, runs when the look saw a square of 32 x
// 32 pixels of contrasting blocks 40 to 80 % black, as the inside of a
// Data Matrix is at any slant. Each test is looser than the reader it
// stands for, and `make accuracy` reads the same images at every
// rotation with and without it. Then, stopping at the first code:
//
//  1. On each view: QR Code, then Data Matrix, then the linear readers.
//     Matrix codes go first, in every mode: a linear reader scanning the
//     rows of a QR Code can find an EAN in its modules, never the reverse
//     (MultiFormatReader runs the linear readers last under TRY_HARDER,
//     but first otherwise). The linear readers share each binarised row,
//     as Java's MultiFormatOneDReader does: UPC/EAN, Code 39, Code 128,
//     ITF. With Options.Pure, pure-barcode QR Code and Data Matrix come
//     before all of these.
//  2. Data Matrix as a pure barcode, on each view.
//  3. Data Matrix and QR Code on the four overlapping corner quadrants of
//     the whole image, then on crops around its six largest clusters of
//     code-like ink (locate.go), with bits cut from the whole image's
//     rather than binarised again. QR Code is skipped there while the
//     detector has confirmed no finder pattern in the decode: the crops'
//     bits are the whole image's, which it has searched.
//  4. Data Matrix and QR Code on the whole image turned 180 and 90
//     degrees: both detectors search in one direction from where they
//     start, and find symbols turned round that they missed. Data Matrix
//     reads the whole image's bits turned, not binarised again; QR Code
//     is skipped when the passes before saw fewer than three finder
//     patterns.
//  5. Without TryHarder, the linear readers on the whole image turned 90,
//     270 and 180 degrees: barcodes held sideways, and the same 15 rows
//     falling on other pixels. (Under TryHarder step 1 scans every row of
//     each view and then turns it.)
//  6. Under TryHarder, for a large image, the rest of it at full
//     resolution in overlapping tiles: matrix readers, then the linear
//     ones on 31 rows of each tile.
//  7. For a colour image, the steps for matrix codes again over a second
//     rendering that weights blue more, (R+2G+B)/4, gozxing's own
//     weighting: some codes separate from their paper there and not in
//     BT.601. The linear readers are left out, because every pass of
//     theirs over a QR Code is one more chance to misread it. A grey or
//     evenly tinted image, where that rendering is BT.601's shifted by a
//     constant, skips it; so does one where the first looks at BT.601's
//     rendering saw nothing and the blue weighting adds fewer than 16
//     edges of the look's contrast on every sixteenth row (a frame with no
//     code, where this second look was a third of the cost).
//
// # Votes
//
// The linear readers read rows from the middle outwards: 15 rows 1/32 of
// the height apart (ZXing's normal mode), or every row under TryHarder,
// each row both ways for codes upside down; a row with fewer bars than the
// shortest code (13, a one-character Code 128) is not offered to them,
// nor a row to the UPC/EAN, Code 39 or Code 128 reader when its runs
// fail that reader's own opening tests, for UPC/EAN up to the check digit
// (linear.go: the same answers, without gozxing's exception for each
// refused row).
// Where ZXing returns the first row that decodes, we count each row's answer as a vote and stop when
// one answer leads by 2 (by 3 under TryHarder, where neighbouring rows
// see the same bars), or take the most voted answer when the rows run
// out. One row can misread, typically an EAN-8 or UPC-E found inside the
// bars of a longer code, or a damaged row that still passes the check
// digit; the right answer comes from many rows. Under TryHarder, an EAN-8
// or UPC-E, or a UPC/EAN with modules under 1.1 px, read by one row alone
// is refused: random texture makes those.
//
// # Cost
//
// A view costs one binarisation and one run of each detector. A picture
// of a code usually stops in step 1: a 12-megapixel photo with a code in
// it takes about 50 ms, of which about 25 ms go to shrinking it. A
// picture with nothing to find stops at the first look unless it shows
// finder patterns, bars, a Data Matrix outline or dense ink;
// a colour picture is looked at again in the blue-weighted rendering
// only when the blue weighting adds edges (step 7). The look compares
// every pixel of the view with its block's threshold once, takes the
// runs of its rows and of its columns from those bits, and is most of
// what such a picture costs; on amd64 its block statistics and its
// comparisons take 16 pixels at a time in SSE2 (simd_amd64.s, the same
// bits as the Go code other processors run) (BenchmarkDecodeScene1MP,
// BenchmarkDecodePhoto12MP; figures in docs/BENCHMARKS.md). Options.Formats
// skips the readers not needed.
//
// The accuracy of all this against ZXing's own test images and thresholds
// is measured by `make accuracy` (cmd/accuracy, package scannertest).
package scanner
