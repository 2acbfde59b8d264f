package ui_test

import (
	"image"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
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

// over is c drawn over the opaque bg: a translucent colour (a hovered or
// selected row) as the text on it sees it.
func over(c, bg color.Color) color.Color {
	r, g, b, a := c.RGBA() // premultiplied
	br, bgG, bb, _ := bg.RGBA()
	mix := func(s, d uint32) uint8 { return uint8((s + d*(0xffff-a)/0xffff) >> 8) }
	return color.NRGBA{R: mix(r, br), G: mix(g, bgG), B: mix(b, bb), A: 0xff}
}

// TestTextContrast measures every pair of the theme's colours that
// carries text, in both variants: body text at WCAG AA's 4.5:1; disabled
// text, which is also Fyne's secondary text (LowImportance labels), 4.5:1
// on the background and 3:1 on every other surface it stands on; and it
// stays 3:1 apart from the foreground, so disabled looks disabled.
func TestTextContrast(t *testing.T) {
	th := ui.Theme()
	const (
		bg       = theme.ColorNameBackground
		fg       = theme.ColorNameForeground
		disabled = theme.ColorNameDisabled
	)
	surfaces := []fyne.ThemeColorName{theme.ColorNameInputBackground, theme.ColorNameButton, theme.ColorNameDisabledButton,
		theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground, theme.ColorNameHeaderBackground}
	type pair struct {
		text, on fyne.ThemeColorName
		min      float64
	}
	pairs := []pair{
		{fg, bg, 4.5},
		{disabled, bg, 4.5},
		{disabled, fg, 3},
		{theme.ColorNamePlaceHolder, theme.ColorNameInputBackground, 4.5},
		{theme.ColorNameError, bg, 4.5},   // DangerImportance labels
		{theme.ColorNameWarning, bg, 4.5}, // WarningImportance labels
		{theme.ColorNameSuccess, bg, 4.5}, // SuccessImportance labels
		{theme.ColorNameForegroundOnError, theme.ColorNameError, 4.5},
		{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning, 4.5},
		{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess, 4.5},
	}
	for _, s := range surfaces {
		pairs = append(pairs, pair{fg, s, 4.5}, pair{disabled, s, 3})
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
		name := map[fyne.ThemeVariant]string{theme.VariantDark: "dark", theme.VariantLight: "light"}[v]
		ps := append([]pair(nil), pairs...)
		// Fyne's blue carries HighImportance button text and is
		// HighImportance and link text on the background.
		ps = append(ps, pair{theme.ColorNamePrimary, bg, 4.5}, pair{theme.ColorNameHyperlink, bg, 4.5},
			pair{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary, 4.5})
		for _, p := range ps {
			a, b := th.Color(p.text, v), th.Color(p.on, v)
			if c := contrast(a, b); c < p.min {
				t.Errorf("%s: %s on %s at %.2f:1, want %.1f:1 at least", name, p.text, p.on, c, p.min)
			}
		}
		// A hovered or a selected row keeps every text on it readable:
		// a list row holds secondary, status and link text too.
		for _, n := range []fyne.ThemeColorName{theme.ColorNameHover, theme.ColorNameSelection} {
			row := over(th.Color(n, v), th.Color(bg, v))
			for _, text := range []fyne.ThemeColorName{fg, disabled, theme.ColorNameError, theme.ColorNameWarning,
				theme.ColorNameSuccess, theme.ColorNamePrimary, theme.ColorNameHyperlink} {
				if c := contrast(th.Color(text, v), row); c < 4.5 {
					t.Errorf("%s: %s on a %s row at %.2f:1, want 4.5:1 at least", name, text, n, c)
				}
			}
		}
	}
}

// TestThemeKeepsTheRest: the theme changes only the colours it names; the
// rest (sizes, fonts, icons, other colours) are Fyne's.
func TestThemeKeepsTheRest(t *testing.T) {
	th, def := ui.Theme(), theme.DefaultTheme()
	for _, v := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
		for _, n := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameButton, theme.ColorNameShadow, theme.ColorNameSeparator} {
			if th.Color(n, v) != def.Color(n, v) {
				t.Errorf("variant %d: %s changed", v, n)
			}
		}
	}
	if th.Size(theme.SizeNameText) != def.Size(theme.SizeNameText) {
		t.Error("the text size changed")
	}
}

// ink is how much of img is drawn: the sum of its pixels' darkness.
func ink(img image.Image) (sum int) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
			sum += 255 - int(g.Y)
		}
	}
	return sum
}

// TestChineseBoldIsBold: bold Chinese is drawn bold, with more ink than
// the same text regular, as bold Latin is. Fyne 2.7.1 looked for Chinese
// among the system's fonts in the regular weight only, so a bold heading
// or a ticket's customer came out regular (the same ink).
func TestChineseBoldIsBold(t *testing.T) {
	test.NewTempApp(t)
	drawn := func(s string, bold bool) int {
		txt := canvas.NewText(s, color.Black)
		txt.TextSize = 20
		txt.TextStyle = fyne.TextStyle{Bold: bold}
		box := container.NewStack(canvas.NewRectangle(color.White), txt)
		box.Resize(fyne.NewSize(200, 40))
		return ink(software.Render(box, ui.Theme()))
	}
	for _, s := range []string{"维修服务报告", "上海市浦东新区", "备件（在途）", "Service report"} {
		regular, bold := drawn(s, false), drawn(s, true)
		if regular == 0 {
			t.Fatalf("%q drew nothing", s)
		}
		if float64(bold) < 1.15*float64(regular) {
			t.Errorf("%q bold has %d ink, regular %d: not bold", s, bold, regular)
		}
	}
}

// TestChineseBoldSpacesAreBlank: a space after a Chinese character in
// bold is blank, as it is in regular. go-text keeps a space in the run of
// the character before it, drawn in that run's font (the bold Chinese),
// so while that font had no space, "客户应付 ¥0.00" and "保内 · 换新"
// showed the missing-glyph box for each space (demo, Chinese, 720x1280).
func TestChineseBoldSpacesAreBlank(t *testing.T) {
	test.NewTempApp(t)
	drawn := func(s string) int {
		txt := canvas.NewText(s, color.Black)
		txt.TextSize = 20
		txt.TextStyle = fyne.TextStyle{Bold: true}
		box := container.NewStack(canvas.NewRectangle(color.White), txt)
		box.Resize(fyne.NewSize(300, 40))
		return ink(software.Render(box, ui.Theme()))
	}
	for _, tc := range []struct{ spaced, bare string }{
		{"客户应付 ¥0.00", "客户应付¥0.00"},
		{"保内 换新", "保内换新"},
		{"含税\u00a0¥0.00", "含税¥0.00"},
	} {
		spaced, bare := drawn(tc.spaced), drawn(tc.bare)
		// The same glyphs, moved by a blank: the ink differs only by
		// how their edges fall on pixels, not by a box's outline.
		if d := math.Abs(float64(spaced-bare)) / float64(bare); d > 0.03 {
			t.Errorf("%q has %d ink, %q %d (%.0f%% more): a space drew something", tc.spaced, spaced, tc.bare, bare, 100*d)
		}
	}
}
