package report

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestTimeColumnHoldsADayAndItsTime: in the service report's tables of
// times (repairs, payments) a day and its time stand on one line in
// English, French, Spanish and Chinese, whatever the digits: a Chinese
// 2024年12月30日 wrapped its time at 38 mm, where 16日 did not.
// Portuguese's "30 de dez. de 2024" is longer and wraps its time.
func TestTimeColumnHoldsADayAndItsTime(t *testing.T) {
	for _, tag := range []string{"en-GB", "fr-FR", "es-ES", "zh-CN"} {
		c := translations.For(tag)
		d := newDoc("t", c.Lang(), time.Time{}, "")
		// Each day of a month, at evening times.
		for day := 1; day <= 31; day++ {
			at := time.Date(2028, time.December, day, 20+day%4, 8+day%50, 0, 0, time.UTC)
			s := c.DateTime(at)
			if ls := d.lines(s, whenW-2); len(ls) != 1 {
				t.Errorf("%s: %q takes %d lines in the %g mm column: %q", tag, s, len(ls), float64(whenW), ls)
			}
		}
	}
}
