package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is the terminal's theme: Fyne's, with secondary text a technician
// can read. Fyne draws a label of LowImportance (a field's name beside its
// value, a hint under a switch, an empty list's line) in its disabled
// colour, #39393a on #171718 in the dark variant (1.6:1) and #e3e3e3 on
// white in the light one (1.3:1): unreadable on a tablet outdoors. Here
// that colour reads at 4.5:1 at least on the background (WCAG AA), and
// stays apart from the foreground (2.5:1 in the dark variant; in the light
// one Fyne's foreground is #565656, which leaves 1.5:1 at most), so a
// disabled button still looks disabled.
func Theme() fyne.Theme { return readableTheme{theme.DefaultTheme()} }

type readableTheme struct{ fyne.Theme }

var (
	secondaryOnDark  = color.NRGBA{R: 0x9a, G: 0x9a, B: 0x9a, A: 0xff}
	secondaryOnLight = color.NRGBA{R: 0x75, G: 0x75, B: 0x75, A: 0xff}
)

func (t readableTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameDisabled {
		if v == theme.VariantLight {
			return secondaryOnLight
		}
		return secondaryOnDark
	}
	return t.Theme.Color(n, v)
}
