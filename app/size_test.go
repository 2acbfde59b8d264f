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
