package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/fieldbench/fieldbench/assets"
)

// Theme is the terminal's theme: Fyne's, with text a technician can read
// on a tablet outdoors, and disabled controls that look disabled.
//
// Fyne draws a label of LowImportance (a field's name beside its value, a
// hint under a switch, an empty list's line) and a disabled control's text
// in one colour, ColorNameDisabled: #39393a on #171718 in the dark variant
// (1.6:1) and #e3e3e3 on white in the light one (1.3:1). Here it reads at
// 4.5:1 at least on the background (WCAG AA) and 3:1 on every surface it
// stands on, and stays 3:1 apart from the foreground, so a disabled button
// still looks disabled. In the light variant that needs a darker
// foreground than Fyne's #565656 (7.3:1 on white), which left the disabled
// text 1.5:1 from it at most: #222222 (15.9:1).
//
// Fyne's light variant also draws SuccessImportance and WarningImportance
// text in #43f436 and #ff9800 on white (1.5:1 and 2.2:1), the danger red at
// 3.7:1 and white on those fills alike; the light variant's status colours
// here are their darker shades, 5:1 and more both as text on white and as
// a fill under white text.
//
// A list's selected row is Fyne's blue over the background, and every
// text colour stands on it: in the light variant error, warning and
// success text read 3.6-3.9:1 there, and the secondary text could not
// reach 4.5:1 on it while staying 3:1 from the foreground. The selection
// here is fainter (#e7f1ff on white, as light as a hovered row, told apart
// by its blue; #13243c on the dark background), the light blue a shade
// darker (6:1 on white, 5.2:1 on a selected row), the light secondary text
// #6d6d6d (4.5:1 on a hovered row). In the dark variant Fyne's blue
// carried white button text and was also text itself at 4.0:1: no blue
// does both at 4.5:1 on a dark background, so the dark variant's blue is a
// light one (#6ea8fe, 7.4:1 on the background) under dark text, as Fyne's
// dark variant already draws its red, and the red a lighter one (#ff6b5e),
// 4.2:1 on a hovered row before. ui/theme_test.go measures every pair that
// carries text, on the background, a hovered and a selected row.
func Theme() fyne.Theme { return readableTheme{theme.DefaultTheme()} }

type readableTheme struct{ fyne.Theme }

// lightColors and darkColors replace Fyne's colours of the same name.
var (
	lightColors = map[fyne.ThemeColorName]color.Color{
		theme.ColorNameForeground:  color.NRGBA{R: 0x22, G: 0x22, B: 0x22, A: 0xff},
		theme.ColorNameDisabled:    color.NRGBA{R: 0x6d, G: 0x6d, B: 0x6d, A: 0xff},
		theme.ColorNamePlaceHolder: color.NRGBA{R: 0x6d, G: 0x6d, B: 0x6d, A: 0xff},
		theme.ColorNamePrimary:     color.NRGBA{R: 0x1a, G: 0x5f, B: 0xc8, A: 0xff},
		theme.ColorNameHyperlink:   color.NRGBA{R: 0x1a, G: 0x5f, B: 0xc8, A: 0xff},
		theme.ColorNameSelection:   color.NRGBA{R: 0x00, G: 0x6c, B: 0xff, A: 0x18},
		theme.ColorNameError:       color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff},
		theme.ColorNameSuccess:     color.NRGBA{R: 0x1b, G: 0x7d, B: 0x2c, A: 0xff},
		theme.ColorNameWarning:     color.NRGBA{R: 0xa8, G: 0x54, B: 0x00, A: 0xff},
	}
	darkColors = map[fyne.ThemeColorName]color.Color{
		theme.ColorNameDisabled:            color.NRGBA{R: 0x8c, G: 0x8c, B: 0x8c, A: 0xff},
		theme.ColorNamePrimary:             color.NRGBA{R: 0x6e, G: 0xa8, B: 0xfe, A: 0xff},
		theme.ColorNameHyperlink:           color.NRGBA{R: 0x6e, G: 0xa8, B: 0xfe, A: 0xff},
		theme.ColorNameForegroundOnPrimary: color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff},
		theme.ColorNameError:               color.NRGBA{R: 0xff, G: 0x6b, B: 0x5e, A: 0xff},
		theme.ColorNameSelection:           color.NRGBA{R: 0x00, G: 0x6c, B: 0xff, A: 0x28},
	}
)

func (t readableTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	colors := darkColors
	if v == theme.VariantLight {
		colors = lightColors
	}
	if c, ok := colors[n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}

// Font gives bold text a bold Chinese face (assets.BoldCJK); Latin text
// and every other style stay in Fyne's fonts.
func (t readableTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Bold && !s.Italic && !s.Monospace && !s.Symbol {
		return assets.BoldCJK
	}
	return t.Theme.Font(s)
}
