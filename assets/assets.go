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
