package ui_test

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/fieldbench/fieldbench/ui"
)

// contrast is WCAG 2's contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		ch := func(v uint32) float64 {
			s := float64(v) / 0xffff
			if s <= 0.03928 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestSecondaryTextIsReadable: the colour Fyne draws low-importance labels
// in (a field's name, a hint) reads at 4.5:1 at least on the background,
// in both variants, and is still told apart from the foreground, so a
// disabled button looks disabled.
func TestSecondaryTextIsReadable(t *testing.T) {
	th := ui.Theme()
	for _, v := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
		bg := th.Color(theme.ColorNameBackground, v)
		fg := th.Color(theme.ColorNameForeground, v)
		secondary := th.Color(theme.ColorNameDisabled, v)
		if c := contrast(secondary, bg); c < 4.5 {
			t.Errorf("variant %d: secondary text at %.2f:1 on the background, want >= 4.5", v, c)
		}
		if c := contrast(secondary, fg); c < 1.5 {
			t.Errorf("variant %d: secondary text at %.2f:1 against the foreground: disabled looks enabled", v, c)
		}
		if th.Color(theme.ColorNamePrimary, v) != theme.DefaultTheme().Color(theme.ColorNamePrimary, v) {
			t.Errorf("variant %d: the primary colour changed", v)
		}
	}
}
