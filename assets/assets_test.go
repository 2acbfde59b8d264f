package assets

import (
	"testing"

	"fyne.io/fyne/v2/lang"
)

// TestPlainPortugueseFindsBrazilsWords: the Portuguese words are
// registered once, as Brazil's (pt_BR), and every way an environment
// names Portuguese finds them, the app's and Fyne's own (its file
// dialog's Salvar, where Portugal's is Gravar): LANGUAGE=pt as -lang, a
// saved choice or a test sets it, a list, or the system's locale alone.
func TestPlainPortugueseFindsBrazilsWords(t *testing.T) {
	t.Cleanup(func() {
		// The environment as it was, for what follows in this binary.
		AddTranslations()
	})
	for name, env := range map[string]map[string]string{
		"LANGUAGE":     {"LANGUAGE": "pt", "LANG": "C.UTF-8"},
		"LANGUAGEList": {"LANGUAGE": "pt_PT:en", "LANG": "C.UTF-8"},
		"Locale":       {"LANGUAGE": "", "LANG": "pt_PT.UTF-8"},
		"PlainLocale":  {"LANGUAGE": "", "LANG": "pt.UTF-8"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("LC_ALL", "")
			t.Setenv("LC_MESSAGES", "")
			for k, v := range env {
				t.Setenv(k, v)
			}
			if err := AddTranslations(); err != nil {
				t.Fatal(err)
			}
			for key, want := range map[string]string{
				"Save":                     "Salvar",  // Fyne's; Portugal's: Gravar
				"File":                     "Arquivo", // Fyne's; Portugal's: Ficheiro
				"action.close_visit":       "Encerrar visita",
				"settings.language_system": "Igual ao sistema",
			} {
				if got := lang.X(key, "?"); got != want {
					t.Errorf("%s: %q, want %q", key, got, want)
				}
			}
			if got := lang.SystemLocale().LanguageString(); got != "pt-BR" {
				t.Errorf("Fyne's system locale %q, want pt-BR", got)
			}
		})
	}
}

// BenchmarkAddTranslations is the cost of giving Fyne's lang the app's
// words, paid at every start before the first screen (and again at each
// change of language): Fyne parses each file it is given.
func BenchmarkAddTranslations(b *testing.B) {
	for b.Loop() {
		if err := AddTranslations(); err != nil {
			b.Fatal(err)
		}
	}
}
