package assets

import (
	"embed"
	"errors"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/internal/langenv"
)

//go:embed icon.png
var iconPNG []byte

// SerialRules is the built-in list of brand serial-number schemes (see
// scanner.SerialRule), read when the device has no list of its own.
//
//go:embed serial-rules.json
var SerialRules []byte

// boldCJK is the terminal's bold Chinese: Noto Sans CJK SC Bold (SIL Open
// Font License 1.1, fonts/LICENSE-NotoSansCJK.txt), cut to the 6,763
// characters of GB 2312 and CJK and fullwidth punctuation, 1.5 MB. It has
// no Latin letters or digits, so those stay in Fyne's bold: Fyne 2.7.1
// takes each character from the first font that has it, the theme's
// first. It has the space and the no-break space (blank, 224/1000 em, as
// the full font's), added to the cut: go-text draws a space in the font
// of the character before it, so after Chinese a space without a glyph
// was drawn as the missing-glyph box. Without it a bold label's Chinese came out regular: Fyne looks
// for a rune its fonts lack among the system's fonts in the regular
// weight only, and a phone may have no bold Chinese font at all.
//
//go:embed fonts/NotoSansCJKsc-Bold-GB2312.otf
var boldCJK []byte

// BoldCJK is the bold Chinese font (boldCJK), the theme's bold font.
var BoldCJK = fyne.NewStaticResource("NotoSansCJKsc-Bold-GB2312.otf", boldCJK)

// Icon is the application icon.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

// AddTranslations gives Fyne's lang every language of package
// translations, once, under its translations.Locale (Portuguese as
// pt_BR, so that Fyne's own words are Brazil's too), after Fyne's own
// files, so that where both give a key (Fyne's "Save", "Cancel") the
// app's words win: a later file replaces a key's text [go-i18n 2.5.1,
// Bundle.AddMessages]. It announces the language the environment names as
// that locale (translations.Announced): told plain "pt" by LANGUAGE,
// -lang, a saved choice or a test, Fyne would look for the app's words
// under "pt", where only its own Portugal's words are.
//
// Fyne reads the environment's language again only when translations are
// added [2.7.1, lang.go updateLocalizer], so a change of language calls
// it again. Each file added appends its language to Fyne's list of
// languages, which it never trims and matches the user's language
// against at every read: five files at each change, 100 entries after 20
// changes. So the files are added once, and a change adds none (an empty
// embed.FS, which still makes Fyne read the environment again).
func AddTranslations() error {
	langenv.Announce(translations.Announced)
	registerOnce.Do(func() { registerErr = registerTranslations() })
	if registerErr != nil {
		return registerErr
	}
	return lang.AddTranslationsFS(embed.FS{}, ".")
}

var (
	registerOnce sync.Once
	registerErr  error // registerTranslations', kept for every later call
)

// registerTranslations adds every language's file to Fyne's lang.
func registerTranslations() error {
	var errs []error
	for _, l := range translations.Languages() {
		data, err := translations.File(l)
		if err == nil {
			err = lang.AddTranslationsForLocale(data, fyne.Locale(translations.Locale(l)))
		}
		if loc := translations.Locale(l); err == nil && loc != l && !localeFromEnvironment {
			// The system tells Fyne its language itself, not through
			// the environment Announce rewrites: a phone set to
			// Portugal's Portuguese is matched to "pt", so the words
			// are registered under it too, parsed a second time.
			err = lang.AddTranslationsForLocale(data, fyne.Locale(l))
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Languages lists the translated languages, as file names without ".json".
func Languages() []string { return translations.Languages() }
