package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
)

// TestDiagnosisResizesOnlyOnNewLines: the diagnosis grows with its lines,
// within bounds, and typing within a line does not resize it: every
// resize lays the whole ticket out again, which on a busy device pushed
// a scanner's keys apart.
func TestDiagnosisResizesOnlyOnNewLines(t *testing.T) {
	test.NewTempApp(t)
	c := newDiagnosisCard(nil, nil, app.Ticket{})
	c.object()
	height := func() float32 { return c.entry.MinSize().Height }
	tests := []struct {
		name, text string
		rows       int
		grows      bool
	}{
		{"empty", "", minDiagnosisRows, false},
		{"a word", "Fan", minDiagnosisRows, false},
		{"more of the line", "Fan seized, bearing dry", minDiagnosisRows, false},
		{"a second line", "Fan seized\nbearing dry", 3, true},
		{"more of it", "Fan seized\nbearing dry, replaced", 3, false},
		{"many lines", strings.Repeat("reading\n", 30), maxDiagnosisRows, true},
	}
	for _, tc := range tests {
		before := height()
		c.entry.SetText(tc.text)
		if c.rows != tc.rows {
			t.Errorf("%s: %d rows, want %d", tc.name, c.rows, tc.rows)
		}
		if grew := height() > before; grew != tc.grows {
			t.Errorf("%s: height %v -> %v, grows %v, want %v", tc.name, before, height(), grew, tc.grows)
		}
	}
}
