package report

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestTimeColumnHoldsADayAndItsTime: in the service report's tables of
// times (repairs, payments) a day and its time stand on one line in every
// language the terminal speaks, whatever the day's digits and the month's
// name: a Chinese 2024年12月30日 wrapped its time at 38 mm, where 16日 did
// not, and Portuguese's "30 de set. de 2028" wrapped it at 40 mm.
func TestTimeColumnHoldsADayAndItsTime(t *testing.T) {
	for _, tag := range translations.Languages() {
		c := translations.For(tag)
		d := newDoc("t", c.Lang(), time.Time{}, "")
		d.bold = true // the wider face, so a row in bold holds too
		// Each month, on days of one and two digits, at evening times.
		for m := time.January; m <= time.December; m++ {
			for _, day := range []int{1, 9, 10, 28, 30, 31} {
				at := time.Date(2028, m, day, 20+day%4, 8+day%50, 0, 0, time.UTC)
				if at.Month() != m {
					continue
				}
				s := c.DateTime(at)
				if ls := d.lines(s, whenW-2); len(ls) != 1 {
					t.Errorf("%s: %q takes %d lines in the %g mm column: %q", tag, s, len(ls), float64(whenW), ls)
				}
			}
		}
	}
}
