package scanner

import (
	"image"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestBlobsMatchCellByCell: blobs, counting cells from a word's nibbles
// and growing a cluster's box in integers, finds the same regions in the same order
// as the cell-by-cell version it replaced (blobsCellByCell), on random
// ink of several densities and sizes that do not fill whole words, and
// on a label with a Data Matrix.
func TestBlobsMatchCellByCell(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 3))
	type tc struct {
		name string
		m    *gozxing.BitMatrix
	}
	var cases []tc
	for _, size := range [][2]int{{31, 33}, {64, 64}, {131, 97}, {250, 203}, {640, 479}} {
		for _, density := range []int{2, 10, 40, 80} {
			m, err := gozxing.NewBitMatrix(size[0], size[1])
			if err != nil {
				t.Fatal(err)
			}
			// Patches of random modules (symbol-like clusters, some
			// joined), and specks.
			for range 1 + density/10 {
				x, y := rng.IntN(size[0]), rng.IntN(size[1])
				side, module := 10+rng.IntN(90), 1+rng.IntN(5)
				for yy := y; yy < min(size[1], y+side); yy++ {
					for xx := x; xx < min(size[0], x+side); xx++ {
						if (xx/module*7+yy/module*13)%5 < 2+density%3 {
							m.Set(xx, yy)
						}
					}
				}
			}
			for range density {
				m.Set(rng.IntN(size[0]), rng.IntN(size[1]))
			}
			cases = append(cases, tc{name: "random", m: m})
		}
	}
	img, _ := dmLabel(t, "SN 0042-A7", true)
	m, err := newView(newLuminanceSource(img), 1, image.Point{}).bitmap.GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, tc{name: "label", m: m})
	nonEmpty := 0
	for i, c := range cases {
		got, want := blobs(c.m, 6), blobsCellByCell(c.m, 6)
		if !slices.Equal(got, want) {
			t.Errorf("%d %s %dx%d: blobs = %v, cell by cell %v", i, c.name, c.m.GetWidth(), c.m.GetHeight(), got, want)
		}
		if len(want) > 0 {
			nonEmpty++
		}
	}
	// Most cases must find something, or the comparison proves little.
	if nonEmpty < len(cases)/2 {
		t.Errorf("only %d of %d cases found a blob", nonEmpty, len(cases))
	}
}

// blobsCellByCell is blobs's cluster finding as it was before issue 16's third round
// (the choice among the clusters is pickBlobs, shared): each
// cell counted on its own, the box grown by image.Rectangle.Union.
func blobsCellByCell(m *gozxing.BitMatrix, n int) []image.Rectangle {
	w, h := m.GetWidth(), m.GetHeight()
	gw, gh := (w+locateCell-1)/locateCell, (h+locateCell-1)/locateCell
	if gw < 8 || gh < 8 {
		return nil
	}
	// Black pixels per cell, from whole 32-bit words of each row.
	count := make([]uint16, gw*gh)
	var row *gozxing.BitArray
	for y := range h {
		row = m.GetRow(y, row)
		cells := count[(y/locateCell)*gw:][:gw]
		for i, word := range row.GetBitArray() {
			for k := 0; k < 32/locateCell && word != 0; k++ {
				c := i*(32/locateCell) + k
				if c < gw {
					cells[c] += uint16(bits.OnesCount32(word & (1<<locateCell - 1)))
				}
				word >>= locateCell
			}
		}
	}
	// Ink, dilated by one cell so the modules of one symbol join up.
	ink := make([]bool, gw*gh)
	for y := range gh {
		for x := range gw {
			if count[y*gw+x] == 0 {
				continue
			}
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if xx, yy := x+dx, y+dy; xx >= 0 && xx < gw && yy >= 0 && yy < gh {
						ink[yy*gw+xx] = true
					}
				}
			}
		}
	}

	var found []blob
	label := make([]bool, gw*gh) // visited
	stack := make([]int, 0, 64)
	for start := range ink {
		if !ink[start] || label[start] {
			continue
		}
		b := blob{r: image.Rect(start%gw, start/gw, start%gw+1, start/gw+1)}
		label[start] = true
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := c%gw, c/gw
			b.r = b.r.Union(image.Rect(x, y, x+1, y+1))
			b.black += int(count[c])
			for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				xx, yy := x+d[0], y+d[1]
				if xx < 0 || xx >= gw || yy < 0 || yy >= gh {
					continue
				}
				if i := yy*gw + xx; ink[i] && !label[i] {
					label[i] = true
					stack = append(stack, i)
				}
			}
		}
		found = append(found, b)
	}
	return pickBlobs(found, gw, gh, w, h, n)
}
