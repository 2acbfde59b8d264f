package scanner

import (
	"context"
	"fmt"
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// TestBars counts the bars of rows against a pixel-by-pixel count,
// bars crossing the 32-bit words included.
func TestBars(t *testing.T) {
	tests := []struct {
		name string
		row  string // '#' black, anything else white
		want int
	}{
		{"Empty", "", 0},
		{"White", "......................................", 0},
		{"AllBlack", "##################################################################", 1},
		{"OnePixel", ".#.", 1},
		{"EdgesOfRow", "#..............................................#", 2},
		{"AcrossAWord", "..............................######........", 1},
		{"AtWordStart", "................................#.#.#", 3},
		{"Alternating", "#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#", 35},
		{"Wide", "###...###...##.##..#.......................##########################.#", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := gozxing.NewBitArray(len(tt.row))
			for i, c := range tt.row {
				if c == '#' {
					row.Set(i)
				}
			}
			if got := bars(row); got != tt.want {
				t.Errorf("bars = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestMinRowBars: the shortest code of each linear format has at least
// minRowBars bars and reads from one row, and the shortest Code 128 has
// exactly that many: rows with fewer, which scanRows does not offer to
// the readers, could not have read.
func TestMinRowBars(t *testing.T) {
	tests := []struct {
		format Format
		w      gozxing.Writer
		text   string
	}{
		{Code128, oned.NewCode128Writer(), "A"},
		{Code39, oned.NewCode39Writer(), "A"},
		{UPCE, oned.NewUPCEWriter(), "01234565"},
		{ITF, oned.NewITFWriter(), "123456"},
		{EAN8, oned.NewEAN8Writer(), "12345670"},
	}
	least := 1 << 30
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			m, err := tt.w.Encode(tt.text, zxingFormat[tt.format], 0, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Three pixels a module, as a printed code in a photo, and
			// ten more modules of quiet zone each side (the UPC-E
			// writer's is shorter than its reader's).
			src := m.GetRow(0, nil)
			row := gozxing.NewBitArray(3 * (src.GetSize() + 20))
			for i := range 3 * src.GetSize() {
				if src.Get(i / 3) {
					row.Set(30 + i)
				}
			}
			n := bars(row)
			least = min(least, n)
			if n < minRowBars {
				t.Errorf("%d bars, under minRowBars %d", n, minRowBars)
			}
			d, err := newDecoder(Options{Formats: []Format{tt.format}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := d.rows.DecodeRow(0, row, d.hints)
			if err != nil {
				t.Fatalf("the row does not read: %v", err)
			}
			if c, ok := d.accept(&view{src: &luminanceSource{width: row.GetSize(), height: 1}, scale: 1}, res, false, false); !ok || c.Format != tt.format {
				t.Fatalf("read %v %q, want %s", c.Format, c.Text, tt.format)
			}
		})
	}
	if least != minRowBars {
		t.Errorf("the shortest code has %d bars, want minRowBars = %d", least, minRowBars)
	}
}

// rowCounter is a linear reader that reads nothing and records the rows
// it is offered.
type rowCounter struct{ rows []int }

func (r *rowCounter) DecodeRow(y int, _ *gozxing.BitArray, _ map[gozxing.DecodeHintType]any) (*gozxing.Result, error) {
	r.rows = append(r.rows, y)
	return nil, gozxing.NewNotFoundException()
}

// TestRowsNearBars: under TryHarder, once the first lookAfterRows rows
// have read nothing, the linear readers are offered only the rows on or
// beside a stretch of bars the look saw (barLines): here a band of
// unreadable bars, in a page of even stripes (many bars to a row, but
// not a code's: the look sees no stretch of bars in them).
func TestRowsNearBars(t *testing.T) {
	const size, top, bottom = 480, 380, 420
	img := image.NewGray(image.Rect(0, 0, size, size))
	rnd := rand.New(rand.NewPCG(16, 4))
	widths := make([]int, 0, 120) // the band's bars and spaces, 2 to 8 px
	for sum := 40; sum < size-48; {
		w := 2 * (1 + rnd.IntN(4))
		widths = append(widths, w)
		sum += w
	}
	for y := range size {
		row := img.Pix[y*img.Stride:][:size]
		for x := range row {
			row[x] = 235
			if (x/3)%2 == 0 {
				row[x] = 25 // even stripes: 3 px black, 3 px white
			}
		}
		if y < top || y >= bottom {
			continue
		}
		for x := range row {
			row[x] = 235
		}
		x, black := 40, true
		for _, w := range widths {
			for i := range w {
				if black {
					row[x+i] = 25
				}
			}
			x, black = x+w, !black
		}
	}
	for _, tt := range []struct {
		name  string
		blind bool // the look off: every row with bars is offered
	}{{"Look", false}, {"Blind", true}} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := newDecoder(Options{TryHarder: true, Formats: []Format{Code128}})
			if err != nil {
				t.Fatal(err)
			}
			d.blind = tt.blind
			counter := &rowCounter{}
			d.rows = multiRowDecoder{{RowDecoder: counter}}
			if _, err := d.decode(context.Background(), img); err == nil {
				t.Fatal("decoded a page of stripes")
			}
			far := 0 // rows offered past the first lookAfterRows, away from the band
			for _, y := range counter.rows {
				if abs(y-size/2) > lookAfterRows/2 && (y < top-barMargin || y >= bottom+barMargin) {
					far++
				}
			}
			if tt.blind && far == 0 {
				t.Fatalf("without the look no far row was offered: the image tests nothing")
			}
			if !tt.blind && far != 0 {
				t.Errorf("%d rows away from the bars offered after the first %d", far, lookAfterRows)
			}
			if !tt.blind && len(counter.rows) > 2*(lookAfterRows+bottom-top+2*barMargin) {
				t.Errorf("%d rows offered, want at most the first %d and the band's, both ways", len(counter.rows), lookAfterRows)
			}
		})
	}
}

// TestBarLinesTurned: rowsOf maps a row of the view turned 270 degrees,
// as readLinear scans it, to the column of the looked-at source it is.
func TestBarLinesTurned(t *testing.T) {
	const w, h = 40, 30
	src := &luminanceSource{pix: make([]byte, w*h), stride: w, width: w, height: h}
	for col := range w {
		cols := make([]bool, w)
		cols[col] = true
		b := &barLines{w: w, h: h, rows: make([]bool, h), cols: cols}
		v := newView(src, 1, image.Point{}).turned(270)
		near := b.rowsOf(v)
		if near == nil {
			t.Fatal("rowsOf the turned view is nil")
		}
		// The source's pixel (col, 0) is on row ty of the turned view.
		_, ty := rotatePoint(float64(col), 0, w, h, 270)
		for y := range v.src.height {
			if near(y) != (y == int(ty)) {
				t.Errorf("column %d: near(%d) = %v", col, y, near(y))
			}
		}
	}
	if (&barLines{w: w, h: h}).rowsOf(newView(src, 1, image.Point{}).turned(90)) != nil {
		t.Error("rowsOf a view turned 90 degrees is not nil")
	}
}

// TestRowsAfterFinders: under TryHarder, once the QR Code detector has
// confirmed three finder patterns and read nothing, the upright rows do
// not run ahead of the look (lookRows): only those the look saw bars on
// or beside are offered to the linear readers. Here a QR Code whose data
// is too damaged to read, with white to its right (so that the upright
// rows are told from the turned pass's by their length); without QR Code
// among the formats, the first lookAfterRows rows are all offered.
func TestRowsAfterFinders(t *testing.T) {
	const version, quiet, module = 10, 4, 4
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: "L",
		gozxing.EncodeHintType_QR_VERSION:       version,
		gozxing.EncodeHintType_MARGIN:           quiet,
	}
	m, err := qrcode.NewQRCodeWriter().Encode(qrFakeText, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		t.Fatal(err)
	}
	// Every module between the finder patterns' rows and columns made
	// random: far more than level L repairs, and enough bars to a row for
	// the linear readers (minRowBars).
	side := 17 + 4*version
	rnd := rand.New(rand.NewPCG(16, 7))
	n := m.GetWidth()
	img := image.NewGray(image.Rect(0, 0, n*module*3/2, n*module))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := range n {
		for x := range n {
			black := m.Get(x, y)
			if cx, cy := x-quiet, y-quiet; cx >= 9 && cx < side-9 && cy >= 9 && cy < side-9 {
				black = rnd.IntN(2) == 0
			}
			if !black {
				continue
			}
			for py := range module {
				row := img.Pix[(y*module+py)*img.Stride:]
				for px := range module {
					row[x*module+px] = 0
				}
			}
		}
	}
	src := newLuminanceSource(img)
	near := func(int) bool { return false }
	if g := look(src); g.bars {
		near = g.lines.rowsOf(&view{src: src})
	}
	for _, tt := range []struct {
		name    string
		formats []Format
		finders bool // the QR Code detector runs first and sees its patterns
	}{{"AfterFinders", []Format{QRCode, Code128}, true}, {"WithoutQRCode", []Format{Code128}, false}} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := newDecoder(Options{TryHarder: true, Formats: tt.formats})
			if err != nil {
				t.Fatal(err)
			}
			counter := &rowSizeCounter{}
			d.rows = multiRowDecoder{{RowDecoder: counter}}
			if c, err := d.decode(context.Background(), img); err == nil {
				t.Fatalf("read %q from a QR Code with its data made random", c.Text)
			}
			if tt.finders && d.finders < 3 {
				t.Fatalf("the QR Code detector confirmed %d patterns, want 3 or more: the image tests nothing", d.finders)
			}
			far := 0 // upright rows offered that the look saw no bars on or beside
			for i, y := range counter.rows {
				if counter.sizes[i] == src.width && !near(y) {
					far++
				}
			}
			if !tt.finders && far == 0 {
				t.Fatal("without QR Code no row away from bars was offered: the image tests nothing")
			}
			if tt.finders && far > 0 {
				t.Errorf("%d rows away from the look's bars offered after the QR Code detector saw %d patterns", far, d.finders)
			}
		})
	}
}

// rowSizeCounter records the rows offered and their lengths, and reads
// none.
type rowSizeCounter struct{ rows, sizes []int }

func (r *rowSizeCounter) DecodeRow(y int, row *gozxing.BitArray, _ map[gozxing.DecodeHintType]any) (*gozxing.Result, error) {
	r.rows = append(r.rows, y)
	r.sizes = append(r.sizes, row.GetSize())
	return nil, gozxing.NewNotFoundException()
}

// TestRowsBeforeLook: under TryHarder, the upright rows read before the
// look are the middle fifth of the view, at least minLookAfterRows and
// at most lookAfterRows (lookRows); here pages of even stripes, many
// bars to a row but no stretch of a code's (the look sees none), so the
// scan ends at the look and exactly those rows are offered, both ways.
func TestRowsBeforeLook(t *testing.T) {
	for _, tt := range []struct {
		height, rows int
	}{{120, minLookAfterRows}, {256, 51}, {400, 80}, {600, lookAfterRows}} {
		t.Run(fmt.Sprint(tt.height), func(t *testing.T) {
			img := image.NewGray(image.Rect(0, 0, 480, tt.height))
			for y := range tt.height {
				row := img.Pix[y*img.Stride:][:480]
				for x := range row {
					row[x] = 235
					if (x/3)%2 == 0 {
						row[x] = 25 // 3 px black, 3 px white
					}
				}
			}
			if look(newLuminanceSource(img)).bars {
				t.Fatal("the look saw bars in even stripes: the image tests nothing")
			}
			d, err := newDecoder(Options{TryHarder: true, Formats: []Format{Code128}})
			if err != nil {
				t.Fatal(err)
			}
			counter := &rowCounter{}
			d.rows = multiRowDecoder{{RowDecoder: counter}}
			if _, err := d.decode(context.Background(), img); err == nil {
				t.Fatal("decoded a page of stripes")
			}
			if got, want := len(counter.rows), 2*tt.rows; got != want {
				t.Errorf("%d rows offered to the linear readers, want %d: the middle %d rows, both ways", got, want, tt.rows)
			}
		})
	}
}

// TestStartChecksKeepReadRows checks the tests multiRowDecoder puts before
// gozxing's UPC/EAN, Code 39 and Code 128 readers: every row a reader
// reads passes its test, so skipping the rows that fail it changes no
// answer. The rows are codes of each kind drawn at 1 to 4 pixels a
// module, each run then widened or narrowed by up to a pixel at random
// (to reach the readers' variance limits), with quiet zones of random
// width, and rows of random runs.
func TestStartChecksKeepReadRows(t *testing.T) {
	upcean := upceanReaders{ean13: true, ean8: true, upce: true}
	checks := []struct {
		name     string
		reader   oned.RowDecoder
		mayStart func([]int) bool
		writer   gozxing.Writer
		format   gozxing.BarcodeFormat
		contents []string
	}{
		{"ean13", oned.NewMultiFormatUPCEANReader(nil).(oned.RowDecoder), upcean.mayStart, oned.NewEAN13Writer(), gozxing.BarcodeFormat_EAN_13,
			[]string{"5901234123457", "4006381333931", "0012345678905", "9780201379624"}},
		{"ean8", oned.NewMultiFormatUPCEANReader(nil).(oned.RowDecoder), upcean.mayStart, oned.NewEAN8Writer(), gozxing.BarcodeFormat_EAN_8,
			[]string{"96385074", "40170725", "12345670"}},
		{"upce", oned.NewMultiFormatUPCEANReader(nil).(oned.RowDecoder), upcean.mayStart, oned.NewUPCEWriter(), gozxing.BarcodeFormat_UPC_E,
			[]string{"01234565", "04252614", "11234562"}},
		{"code39", oned.NewCode39Reader().(oned.RowDecoder), code39MayStart, oned.NewCode39Writer(), gozxing.BarcodeFormat_CODE_39,
			[]string{"ABC-123", "FIELD BENCH", "0", "$%/+"}},
		{"code128", oned.NewCode128Reader().(oned.RowDecoder), code128MayStart, oned.NewCode128Writer(), gozxing.BarcodeFormat_CODE_128,
			[]string{"Fieldbench", "1234567890", "a", "\u00f1\u0001x"}},
	}
	rng := rand.New(rand.NewPCG(16, 2))
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			read, refused := 0, 0
			try := func(runs []int) {
				row := rowOfRuns(runs)
				res, err := c.reader.DecodeRow(0, row, nil)
				got := rowRuns(row, nil)
				if c.mayStart(got) {
					return
				}
				refused++
				if err == nil {
					t.Fatalf("row %v read as %q, but its runs fail the test before the reader", runs, res.GetText())
				}
			}
			for _, text := range c.contents {
				m, err := c.writer.Encode(text, c.format, 1, 1, nil)
				if err != nil {
					t.Fatalf("encode %q: %v", text, err)
				}
				var bits []bool
				for x := range m.GetWidth() {
					bits = append(bits, m.Get(x, 0))
				}
				modules := runsOfBits(bits)
				for range 400 {
					scale := 1 + rng.IntN(4)
					runs := make([]int, len(modules))
					for i, n := range modules {
						runs[i] = max(1, n*scale+rng.IntN(3)-1)
					}
					runs[0] = rng.IntN(12 * scale)             // the white before
					runs[len(runs)-1] = rng.IntN(12*scale) + 1 // and after
					if _, err := c.reader.DecodeRow(0, rowOfRuns(runs), nil); err == nil {
						read++
					}
					try(runs)
				}
			}
			for range 2000 {
				runs := make([]int, 1+rng.IntN(120))
				for i := range runs {
					runs[i] = 1 + rng.IntN(6)
				}
				runs[0] = rng.IntN(20)
				try(runs)
			}
			// Both sides must be exercised for the check to mean anything.
			if read < 100 || refused < 100 {
				t.Fatalf("%d rows read, %d refused by the test: too few to judge", read, refused)
			}
		})
	}
}

// runsOfBits returns the runs of bits, white first (0 when it starts
// black), as rowRuns does.
func runsOfBits(bits []bool) []int {
	runs := []int{0}
	black := false
	for _, b := range bits {
		if b != black {
			runs = append(runs, 0)
			black = b
		}
		runs[len(runs)-1]++
	}
	return runs
}

// rowOfRuns draws runs, white first, as a row.
func rowOfRuns(runs []int) *gozxing.BitArray {
	size := 0
	for _, n := range runs {
		size += n
	}
	row := gozxing.NewBitArray(max(1, size))
	x := 0
	for i, n := range runs {
		if i%2 == 1 {
			row.SetRange(x, x+n)
		}
		x += n
	}
	return row
}

// TestTurnedRows: the rows of turnedRows, made from the upright view's
// columns, are those of the view turned 270 degrees in full, luminance
// and binarised row alike, and its points map back to the same pixels;
// here on a crop, so that the window's offsets and stride count.
func TestTurnedRows(t *testing.T) {
	const w, h = 77, 53
	rng := rand.New(rand.NewPCG(16, 3))
	pix := make([]byte, w*h)
	for i := range pix {
		pix[i] = byte(rng.IntN(256))
	}
	whole := &luminanceSource{pix: pix, stride: w, width: w, height: h}
	src, err := whole.crop(image.Rect(5, 3, 70, 50))
	if err != nil {
		t.Fatal(err)
	}
	v := newView(src, 2, image.Pt(7, 9))
	want, got := v.turned(270), v.turnedRows()
	if got.src.width != want.src.width || got.src.height != want.src.height || got.rot != want.rot {
		t.Fatalf("turned view %dx%d at %d degrees, want %dx%d at %d", got.src.width, got.src.height, got.rot, want.src.width, want.src.height, want.rot)
	}
	cols := &columnSource{upright: src}
	var wantBits, gotBits *gozxing.BitArray
	for y := range want.src.height {
		wl, err := want.src.GetRow(y, nil)
		if err != nil {
			t.Fatal(err)
		}
		gl, err := cols.GetRow(y, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(gl[:len(wl)]) != string(wl) {
			t.Fatalf("row %d: luminance differs from the full turn's", y)
		}
		if wantBits, err = want.bitmap.GetBlackRow(y, wantBits); err != nil {
			t.Fatal(err)
		}
		if gotBits, err = got.bitmap.GetBlackRow(y, gotBits); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(gotBits.GetBitArray(), wantBits.GetBitArray()) {
			t.Fatalf("row %d: bits differ from the full turn's", y)
		}
		for _, x := range []float64{0, 11.5, float64(want.src.width - 1)} {
			if a, b := got.toImage(x, float64(y)), want.toImage(x, float64(y)); a != b {
				t.Fatalf("point %v,%d maps to %v, the full turn's to %v", x, y, a, b)
			}
		}
	}
	if _, err := cols.GetRow(want.src.height, nil); err == nil {
		t.Error("a row past the turned source's height was served")
	}
	if string(cols.GetMatrix()) != string(want.src.GetMatrix()) {
		t.Error("the matrix differs from the full turn's")
	}
}

// TestReversedRuns: reversedRuns of a row's runs are rowRuns of the row
// reversed, for rows of 1 to 100 pixels starting and ending either
// colour, all white and all black.
func TestReversedRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 70))
	for trial := range 3000 {
		n := 1 + trial%100
		row := gozxing.NewBitArray(n)
		density := rng.IntN(5)
		for x := range n {
			if density == 4 || density > 0 && rng.IntN(4) < density {
				row.Set(x)
			}
		}
		runs := rowRuns(row, nil)
		got := reversedRuns(runs, make([]int, 0, 1))
		row.Reverse()
		if want := rowRuns(row, nil); !slices.Equal(got, want) {
			t.Fatalf("runs %v reversed = %v, want %v", runs, got, want)
		}
	}
}
