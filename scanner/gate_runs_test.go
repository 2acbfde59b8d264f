package scanner

import (
	"slices"
	"testing"
)

// TestLineRuns: runs of a line against per-block thresholds, white first;
// a block whose threshold is 0 (flat and light) is white whatever its
// pixels hold, because the look does not copy them for the columns.
func TestLineRuns(t *testing.T) {
	// Four blocks of 8 pixels.
	dark := func(n int) []byte { return slices.Repeat([]byte{10}, n) }
	light := func(n int) []byte { return slices.Repeat([]byte{200}, n) }
	cat := func(parts ...[]byte) []byte { return slices.Concat(parts...) }
	tests := []struct {
		name string
		line []byte
		thr  []byte
		want []int32
	}{
		{"AllWhite", light(32), []byte{0, 0, 0, 0}, []int32{32}},
		{"Bars", cat(light(4), dark(4), light(8), dark(2), light(6), dark(8)), []byte{100, 100, 100, 100}, []int32{4, 4, 8, 2, 6, 8}},
		{"FlatDarkBlock", cat(light(8), dark(8), light(16)), []byte{100, 255, 100, 100}, []int32{8, 8, 16}},
		{"BlackIntoFlatLight", cat(light(4), dark(4), dark(8), light(16)), []byte{100, 0, 100, 100}, []int32{4, 4, 24}},
		{"FlatLightIgnoresPixels", cat(light(8), dark(8), dark(3), light(13)), []byte{100, 0, 100, 100}, []int32{16, 3, 13}},
		{"ShortLastBlock", cat(dark(8), light(8), dark(5)), []byte{100, 0, 100}, []int32{0, 8, 8, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lineRuns(tt.line, tt.thr, nil); !slices.Equal(got, tt.want) {
				t.Errorf("runs = %v, want %v", got, tt.want)
			}
		})
	}
}
