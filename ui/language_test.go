package ui_test

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/ui"
)

// TestLanguageForTheDemo: ui.Language, the language the demo writes its
// world in, is the one the screens show: -lang's, else the one chosen in
// the settings, else the system's, English for a language the app does
// not have, and the one picked on the first-run screen before "Try the
// demo".
func TestLanguageForTheDemo(t *testing.T) {
	a := test.NewTempApp(t)
	loadTranslations(t)
	t.Cleanup(func() { ui.SetLanguage(a, "en") })
	// The system's language is read once, at the process's start
	// (internal/langenv): these cases choose one.
	for _, c := range []struct{ flag, chosen, want string }{
		{"fr", "zh", "fr"},
		{"", "zh", "zh"},
		{"es", "", "es"},
		{"", "de", "en"}, // a preference from elsewhere, in no language the app has
	} {
		a.Preferences().SetString(ui.LanguagePreference, c.chosen)
		if err := ui.SetLanguage(a, c.flag); err != nil {
			t.Fatal(err)
		}
		if got := ui.Language(); got != c.want {
			t.Errorf("-lang %q, chosen %q: Language %q, want %q", c.flag, c.chosen, got, c.want)
		}
	}

	a.Preferences().SetString(ui.LanguagePreference, "")
	t.Setenv("LANGUAGE", "en")
	if err := ui.SetLanguage(a, ""); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	ui.Run(t.Context(), w, ui.Lifecycle{FirstRun: true, Run: inline, Pair: func(context.Context, string, string, string) error { return nil }})
	findSelect(w.Content()).SetSelected("Português")
	if got := ui.Language(); got != "pt" {
		t.Errorf("after choosing Portuguese on the first-run screen: Language %q, want pt", got)
	}
}

// TestPortugueseIsBrazils: the app's Portuguese is Brazil's, and so are
// the words Fyne itself draws, such as its file dialog's title and
// buttons. Told plain "pt", Fyne took Portugal's ("Gravar Ficheiro")
// beside Brazilian screens. The app's own words must still be found; the
// words Fyne draws are now the app's own, in its Brazilian Portuguese.
func TestPortugueseIsBrazils(t *testing.T) {
	a := test.NewTempApp(t)
	loadTranslations(t)
	t.Cleanup(func() { ui.SetLanguage(a, "en") })
	if err := ui.SetLanguage(a, "pt"); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"Save":                     "Salvar",                   // Portugal's: Gravar
		"File":                     "Arquivo",                  // Portugal's: Ficheiro
		"Show Hidden Files":        "Mostrar arquivos ocultos", // the app's (Fyne's Brazilian: Mostrar Arquivos Ocultos)
		"action.close_visit":       "Encerrar visita",
		"settings.language_system": "Igual ao sistema",
	} {
		if got := lang.L(key); got != want {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
	if got := ui.Language(); got != "pt" {
		t.Errorf("Language %q, want pt", got)
	}
}
