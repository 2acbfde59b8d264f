package scanner

import (
	"image"
	"math/bits"
	"slices"

	"github.com/makiuchi-d/gozxing"
)

// locateCell is the side, in pixels, of the cells blobs are found on.
const locateCell = 4

// blobs finds up to n regions of a black matrix that may hold a matrix
// code, largest first, each grown by a quiet-zone margin: compact
// clusters of ink that are neither nearly solid nor nearly empty.
//
// The Data Matrix detector grows a white rectangle from the centre of its
// image and fails when that centre is not inside, or near, the symbol. On
// a label with text and other codes, the corner quadrants do not help;
// a crop around each cluster of ink puts the symbol in the middle.
func blobs(m *gozxing.BitMatrix, n int) []image.Rectangle {
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

	type blob struct {
		r     image.Rectangle // in cells
		black int             // black pixels inside
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
		cw, ch := b.r.Dx(), b.r.Dy()
		switch {
		case cw < 6 || ch < 6: // under 24 px: too small to decode
		case cw > gw*9/10 && ch > gh*9/10: // the whole image: read already
		case cw > 5*ch || ch > 5*cw: // a line of text, a rule
		default:
			fill := float64(b.black) / float64(cw*ch*locateCell*locateCell)
			if fill > 0.2 && fill < 0.8 {
				found = append(found, b)
			}
		}
	}
	slices.SortStableFunc(found, func(a, b blob) int {
		return b.r.Dx()*b.r.Dy() - a.r.Dx()*a.r.Dy()
	})
	var out []image.Rectangle
	for _, b := range found[:min(n, len(found))] {
		r := image.Rectangle{b.r.Min.Mul(locateCell), b.r.Max.Mul(locateCell)}
		margin := max(12, max(r.Dx(), r.Dy())/4)
		out = append(out, r.Inset(-margin).Intersect(image.Rect(0, 0, w, h)))
	}
	return out
}
