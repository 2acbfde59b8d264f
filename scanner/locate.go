package scanner

import (
	"image"
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
	// Black pixels per cell, from whole 32-bit words of each row: the
	// first two steps of a population count leave each 4-bit cell's count
	// in its own nibble, so a word's eight cells take one count.
	count := make([]uint16, gw*gh)
	var row *gozxing.BitArray
	for y := range h {
		row = m.GetRow(y, row)
		cells := count[(y/locateCell)*gw:][:gw]
		for i, word := range row.GetBitArray() {
			if word == 0 {
				continue
			}
			word -= (word >> 1) & 0x55555555
			word = word&0x33333333 + (word>>2)&0x33333333
			for c := i * (32 / locateCell); word != 0 && c < gw; c++ {
				cells[c] += uint16(word & 0xf)
				word >>= locateCell
			}
		}
	}
	// Ink, dilated by one cell so the modules of one symbol join up:
	// across (a cell and its two neighbours in the row), then down, two
	// passes of three reads a cell where writing the 3 x 3 around each
	// inked cell took a third of blobs on ean13-1/34.png (issue 16).
	// state is 0 for no ink, inked, then visited by the search below.
	const (
		inked   = 1
		visited = 2
	)
	across := make([]uint8, gw*gh)
	for y := range gh {
		c, a := count[y*gw:][:gw], across[y*gw:][:gw]
		for x := range gw {
			if c[x] != 0 || x > 0 && c[x-1] != 0 || x+1 < gw && c[x+1] != 0 {
				a[x] = inked
			}
		}
	}
	state := make([]uint8, gw*gh)
	for y := range gh {
		up, mid, down := across[max(0, y-1)*gw:][:gw], across[y*gw:][:gw], across[min(gh-1, y+1)*gw:][:gw]
		st := state[y*gw:][:gw]
		for x := range gw {
			st[x] = up[x] | mid[x] | down[x]
		}
	}

	var found []blob
	stack := make([]int, 0, 64)
	for start, st := range state {
		if st != inked {
			continue
		}
		x0, y0, x1, y1 := start%gw, start/gw, start%gw+1, start/gw+1
		black := 0
		state[start] = visited
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := c%gw, c/gw
			x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x+1), max(y1, y+1)
			black += int(count[c])
			// The four neighbours, those inside the grid.
			if x+1 < gw && state[c+1] == inked {
				state[c+1] = visited
				stack = append(stack, c+1)
			}
			if x > 0 && state[c-1] == inked {
				state[c-1] = visited
				stack = append(stack, c-1)
			}
			if y+1 < gh && state[c+gw] == inked {
				state[c+gw] = visited
				stack = append(stack, c+gw)
			}
			if y > 0 && state[c-gw] == inked {
				state[c-gw] = visited
				stack = append(stack, c-gw)
			}
		}
		found = append(found, blob{r: image.Rect(x0, y0, x1, y1), black: black})
	}
	return pickBlobs(found, gw, gh, w, h, n)
}

// blob is an ink cluster of blobs' grid.
type blob struct {
	r     image.Rectangle // in cells
	black int             // black pixels inside
}

// pickBlobs returns, in pixels of a w x h image with margins, the n
// largest of the clusters found on a gw x gh grid that could hold a code:
// not too small, not the whole image, not a line, neither bare nor solid.
func pickBlobs(found []blob, gw, gh, w, h, n int) []image.Rectangle {
	var kept []blob
	for _, b := range found {
		cw, ch := b.r.Dx(), b.r.Dy()
		switch {
		case cw < 6 || ch < 6: // under 24 px: too small to decode
		case cw > gw*9/10 && ch > gh*9/10: // the whole image: read already
		case cw > 5*ch || ch > 5*cw: // a line of text, a rule
		default:
			fill := float64(b.black) / float64(cw*ch*locateCell*locateCell)
			if fill > 0.2 && fill < 0.8 {
				kept = append(kept, b)
			}
		}
	}
	slices.SortStableFunc(kept, func(a, b blob) int {
		return b.r.Dx()*b.r.Dy() - a.r.Dx()*a.r.Dy()
	})
	var out []image.Rectangle
	for _, b := range kept[:min(n, len(kept))] {
		r := image.Rectangle{b.r.Min.Mul(locateCell), b.r.Max.Mul(locateCell)}
		margin := max(12, max(r.Dx(), r.Dy())/4)
		out = append(out, r.Inset(-margin).Intersect(image.Rect(0, 0, w, h)))
	}
	return out
}
