package assets

import (
	_ "embed"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/fieldbench/fieldbench/assets/translations"
)

//go:embed icon.png
var iconPNG []byte

// SerialRules is the built-in list of brand serial-number schemes (see
// scanner.SerialRule), read when the device has no list of its own.
//
//go:embed serial-rules.json
var SerialRules []byte

// Icon is the application icon.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

// AddTranslations gives Fyne's lang every language of package
// translations. Fyne reads the environment's language again each time, so
// a change of language calls it again.
func AddTranslations() error {
	var errs []error
	for _, l := range translations.Languages() {
		data, err := translations.File(l)
		if err == nil {
			err = lang.AddTranslationsForLocale(data, fyne.Locale(l))
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Languages lists the translated languages, as file names without ".json".
func Languages() []string { return translations.Languages() }
