package assets

import (
	"embed"
	"io/fs"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

//go:embed translations/*.json
var translations embed.FS

// SerialRules is the built-in list of brand serial-number schemes (see
// scanner.SerialRule), read when the device has no list of its own.
//
//go:embed serial-rules.json
var SerialRules []byte

// Icon is the application icon.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

// Translations returns the translation files; pass it to
// lang.AddTranslationsFS(Translations(), "translations").
func Translations() embed.FS { return translations }

// Languages lists the translated languages, as file names without ".json".
func Languages() []string {
	entries, err := fs.ReadDir(translations, "translations")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name()[:len(e.Name())-len(".json")])
	}
	return out
}
