package scanner

import (
	"strconv"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// qrReader reads QR Codes as gozxing's QRCodeReader does (which follows
// ZXing Java line by line), with one more attempt where both go wrong: a
// false alignment pattern.
//
// From version 2 on, the detector looks for the alignment pattern near
// where the three finder patterns put it and, when it finds one, maps the
// grid through it instead of through the fourth corner those patterns
// imply. In a blurred photo a knot of data modules near the estimate can
// pass for the pattern; the grid is then sampled askew and Reed-Solomon
// rejects it, although the grid through the implied corner reads.
// (qrcode-1/14.png of ZXing's blackbox set, at every rotation: the
// detector takes a spot about 6 modules from where the finder patterns
// put the pattern.) ZXing's own
// detector samples without the alignment pattern only when it finds
// none; here a grid that fails through it is sampled again without it.
// The second grid has to pass the same Reed-Solomon check, so it adds no
// misread that a wrong grid could not already give, and it costs one
// sampling and one decode only after a failed one.
type qrReader struct {
	pure    gozxing.Reader // gozxing's, for PURE_BARCODE
	decoder *qrdecoder.Decoder
}

func newQRReader() *qrReader {
	return &qrReader{pure: qrcode.NewQRCodeReader(), decoder: qrdecoder.NewDecoder()}
}

func (r *qrReader) DecodeWithoutHints(img *gozxing.BinaryBitmap) (*gozxing.Result, error) {
	return r.Decode(img, nil)
}

func (r *qrReader) Reset() {}

func (r *qrReader) Decode(img *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]any) (*gozxing.Result, error) {
	if _, ok := hints[gozxing.DecodeHintType_PURE_BARCODE]; ok {
		return r.pure.Decode(img, hints)
	}
	m, err := img.GetBlackMatrix()
	if err != nil {
		return nil, err
	}
	// Detect's two steps, the finder patterns by our own scan. Detect
	// would also pass the hints' callback to the alignment pattern
	// search: its calls only add to the finder count (reader.go), which
	// three patterns found have already made at least 3, all it is
	// compared with.
	info, err := findFinderPatterns(m, hints)
	if err != nil {
		return nil, err
	}
	found, err := detector.NewDetector(m).ProcessFinderPatternInfo(info)
	if err != nil {
		return nil, err
	}
	points := found.GetPoints()
	res, err := r.decoder.Decode(found.GetBits(), hints)
	if err != nil && len(points) == 4 {
		// points are bottom-left, top-left, top-right and the alignment
		// pattern; sample again through the corner the first three imply.
		bl, tl, tr := points[0], points[1], points[2]
		dim := found.GetBits().GetWidth()
		bits, serr := detector.Detector_sampleGrid(m, detector.Detector_createTransform(tl, tr, bl, nil, dim), dim)
		if serr != nil {
			return nil, err
		}
		if res, err = r.decoder.Decode(bits, hints); err != nil {
			return nil, err
		}
		points = points[:3]
	}
	if err != nil {
		return nil, err
	}
	return qrResult(res, points), nil
}

// qrResult makes the result as gozxing's QRCodeReader does, with what
// accept reads of it: text, points and the symbology identifier.
func qrResult(res *common.DecoderResult, points []gozxing.ResultPoint) *gozxing.Result {
	if meta, ok := res.GetOther().(*qrdecoder.QRCodeDecoderMetaData); ok {
		// A mirrored code: the bottom-left and top-right points swap.
		meta.ApplyMirroredCorrection(points)
	}
	out := gozxing.NewResult(res.GetText(), res.GetRawBytes(), points, gozxing.BarcodeFormat_QR_CODE)
	out.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, "]Q"+strconv.Itoa(res.GetSymbologyModifier()))
	return out
}
