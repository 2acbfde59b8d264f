package app_test

import (
	"encoding/json"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestSizeString: a size in an English message is written as the
// terminal's English writes it: the largest unit that leaves a whole
// number, one decimal of a megabyte unless it is whole, glued.
func TestSizeString(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0B", 999: "999B", 1000: "1,000B", 1 << 10: "1KB", 32 << 10: "32KB",
		1 << 20: "1MB", 3 << 19: "1.5MB", 50 << 20: "50MB", 12345 << 20: "12,345MB",
	} {
		if got := app.Size(n).String(); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestErrorSizes: the sizes an error names are found by key, made here
// or brought by JSON across the sync wire, and its English text writes
// them as sizes: "between 1 byte and 50MB", not the 52428800 it holds.
func TestErrorSizes(t *testing.T) {
	e := app.AsError(app.CheckPhotoBytes(0))
	if got := e.Text(); got != "A photo must be between 1 byte and 50MB. Take it again at a lower resolution." {
		t.Errorf("Text() = %q", got)
	}
	b, err := json.Marshal(e.Data)
	if err != nil {
		t.Fatal(err)
	}
	wire := app.Error{Key: e.Key}
	if err := json.Unmarshal(b, &wire.Data); err != nil {
		t.Fatal(err)
	}
	for _, got := range []map[string]int64{e.Sizes(), wire.Sizes()} {
		if len(got) != 1 || got["MaxSize"] != app.MaxPhotoBytes {
			t.Errorf("Sizes() = %v, want MaxSize %d", got, int64(app.MaxPhotoBytes))
		}
	}
	if got := app.Errorf(app.EINVALID, "x", "{{.Count}} of {{.Size}}", "Count", 3, "Size", 9).Sizes(); got != nil {
		t.Errorf("an error without sizes has Sizes() %v", got)
	}
}

// TestErrorNumbers: the measures an error names (an image's pixels, an
// upload's exact bytes) are found by key, made here or brought by JSON
// across the sync wire, and its English text writes them grouped as the
// terminal's English does: "12,000 × 9,000", not the "12000 x 9000" it
// pasted raw.
func TestErrorNumbers(t *testing.T) {
	e := app.AsError(app.CheckPhotoPixels(12000, 9000))
	if got := e.Text(); got != "The image is too large (12,000 × 9,000 pixels; the limit is 50 megapixels). Use a smaller photo." {
		t.Errorf("Text() = %q", got)
	}
	b, err := json.Marshal(e.Data)
	if err != nil {
		t.Fatal(err)
	}
	wire := app.Error{Key: e.Key}
	if err := json.Unmarshal(b, &wire.Data); err != nil {
		t.Fatal(err)
	}
	for _, got := range []map[string]float64{e.Numbers(), wire.Numbers()} {
		if len(got) != 3 || got["Width"] != 12000 || got["Height"] != 9000 || got["Limit"] != 50 {
			t.Errorf("Numbers() = %v, want Width 12000, Height 9000, Limit 50", got)
		}
	}
	if got := app.Errorf(app.EINVALID, "x", "{{.Count}} of {{.Size}}", "Count", 3, "Size", "9KB").Numbers(); got != nil {
		t.Errorf("an error whose Size is text has Numbers() %v", got)
	}
	for x, want := range map[float64]string{0: "0", 999: "999", 1234: "1,234", 1234567: "1,234,567", 12.5: "12.5", -1.5: "-1.5", 1e300: "0"} {
		if got := app.Number(x).String(); got != want {
			t.Errorf("Number(%v) = %q, want %q", x, got, want)
		}
	}
}
