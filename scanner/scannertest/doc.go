// Package scannertest runs scanner.Decode over folders of barcode images laid
// out like ZXing's blackbox test resources, and checks the pass counts
// against a thresholds.tsv file beside them.
//
// A test-data directory holds one folder per set. Each image
// (*.png, *.jpg, *.jpeg, *.gif) has a <base>.txt with the expected text as
// raw UTF-8 (or a <base>.bin read as Latin-1), where base is the file name
// up to its first dot. thresholds.tsv has one row per set and clockwise
// rotation; see LoadThresholds.
//
// It mirrors ZXing's AbstractBlackBoxTestCase: for every image and
// rotation, a normal pass and a TRY_HARDER pass, each trying a pure-barcode
// decode first and a normal one when that finds nothing. A decode is
// correct when the format and the text both match; a wrong answer is a
// misread, no answer is simply not a pass.
package scannertest
