package scanner

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
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
