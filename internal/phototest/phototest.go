package phototest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"math"
	"runtime"
	"testing"
)

// CameraJPEG makes a w×h JPEG that compresses like a phone photo: smooth
// light, edges, fine texture and sensor noise.
func CameraJPEG(tb testing.TB, w, h, quality int) []byte {
	tb.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint32(2463534242)
	noise := func() int {
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		return int(seed%13) - 6
	}
	clamp := func(v int) uint8 { return uint8(max(0, min(255, v))) }
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 60 + 120*x/w + 40*y/h
			if (x/(w/7)+y/(h/5))%3 == 0 { // objects with edges
				v -= 45
			}
			v += int(12 * math.Sin(float64(x)/7) * math.Cos(float64(y)/11)) // texture
			img.Y[img.YOffset(x, y)] = clamp(v + noise())
		}
	}
	for y := 0; y < h/2; y++ {
		for x := 0; x < w/2; x++ {
			i := y*img.CStride + x
			img.Cb[i] = clamp(128 + 30*x/(w/2) - 15 + noise()/2)
			img.Cr[i] = clamp(128 + 25*y/(h/2) - 12 + noise()/2)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// GPSLatitude is the latitude WithEXIF records (48°51'24" N), as the
// three big- or little-endian RATIONALs a camera writes: a test looks for
// these bytes in what was stored.
func GPSLatitude(order binary.AppendByteOrder) []byte {
	var b []byte
	for _, v := range []uint32{48, 1, 51, 1, 24, 1} {
		b = order.AppendUint32(b, v)
	}
	return b
}

// WithEXIF inserts an APP1 Exif segment after the SOI marker, in big- or
// little-endian TIFF, as a phone writes it: the orientation o (0 for
// none), the camera's make and a GPS IFD with the latitude.
func WithEXIF(jpg []byte, o uint16, bigEndian bool) []byte {
	var order binary.AppendByteOrder = binary.LittleEndian
	tiff := []byte("II*\x00")
	if bigEndian {
		order, tiff = binary.BigEndian, []byte("MM\x00*")
	}
	const ifd0, entries = 8, 3
	gpsIFD := uint32(ifd0 + 2 + 12*entries + 4)
	latAt := gpsIFD + 2 + 12*2 + 4
	tiff = order.AppendUint32(tiff, ifd0)
	tiff = order.AppendUint16(tiff, entries)
	entry := func(tag, typ uint16, count, value uint32, short bool) {
		tiff = order.AppendUint16(tiff, tag)
		tiff = order.AppendUint16(tiff, typ)
		tiff = order.AppendUint32(tiff, count)
		if short {
			tiff = order.AppendUint16(tiff, uint16(value))
			tiff = order.AppendUint16(tiff, 0)
		} else {
			tiff = order.AppendUint32(tiff, value)
		}
	}
	entry(0x010f, 3, 1, 7, true) // not ASCII, but a tag before the orientation
	if o != 0 {
		entry(0x0112, 3, 1, uint32(o), true)
	} else {
		entry(0x0131, 3, 1, 0, true)
	}
	entry(0x8825, 4, 1, gpsIFD, false) // GPSInfo
	tiff = order.AppendUint32(tiff, 0)
	tiff = order.AppendUint16(tiff, 2)
	tiff = append(tiff, order.AppendUint16(order.AppendUint16(nil, 0x0001), 2)...) // GPSLatitudeRef, ASCII
	tiff = order.AppendUint32(tiff, 2)
	tiff = append(tiff, 'N', 0, 0, 0)
	entry(0x0002, 5, 3, latAt, false) // GPSLatitude, 3 RATIONAL
	tiff = order.AppendUint32(tiff, 0)
	tiff = append(tiff, GPSLatitude(order)...)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xff, 0xe1, byte((len(seg)+2)>>8), byte(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// PNGBomb is a PNG whose header declares w×h 8-bit grey pixels, followed by
// a few bytes of image data: small as a file, w×h bytes once decoded.
func PNGBomb(w, h uint32) []byte {
	chunk := func(out []byte, typ string, data []byte) []byte {
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		body := append([]byte(typ), data...)
		out = append(out, body...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(body))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0) // 8-bit grey, deflate, no filter, no interlace
	out := chunk([]byte("\x89PNG\r\n\x1a\n"), "IHDR", ihdr)
	out = chunk(out, "IDAT", []byte{0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01})
	return chunk(out, "IEND", nil)
}

// Allocated returns the bytes fn allocates.
func Allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
