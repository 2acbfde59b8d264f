package assets

import (
	"os"
	"testing"
	_ "unsafe" // go:linkname, to read Fyne's list of languages

	"fyne.io/fyne/v2/lang"
	"golang.org/x/text/language"
)

// fyneLanguages is Fyne's list of the languages it was given files for,
// one entry per file added, which it matches the user's language against
// [2.7.1, lang/lang.go translated]; read by the tests only, to count.
//
//go:linkname fyneLanguages fyne.io/fyne/v2/lang.translated
var fyneLanguages []language.Tag

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

// TestLanguageChangesKeepFynesStateAndSwitchEveryText changes the
// language 20 times through all five, as Settings does (LANGUAGE, then
// AddTranslations): each change shows that language's words, the app's
// and Fyne's own (its file dialog's Save, which the app's files give), and
// Fyne's list of languages stays as the first registration left it. It
// grew by five entries (one per file) at each change, 100 after 20.
func TestLanguageChangesKeepFynesStateAndSwitchEveryText(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "C.UTF-8")
	t.Setenv("LANGUAGE", "en")
	t.Cleanup(func() { AddTranslations() })
	if err := AddTranslations(); err != nil {
		t.Fatal(err)
	}
	registered := len(fyneLanguages)
	words := map[string]map[string]string{
		"en": {"Save": "Save", "Enter filename": "File name", "dialog.close": "Close"},
		"fr": {"Save": "Enregistrer", "Enter filename": "Nom du fichier", "dialog.close": "Fermer"},
		"es": {"Save": "Guardar", "Enter filename": "Nombre del archivo", "dialog.close": "Cerrar"},
		"pt": {"Save": "Salvar", "Enter filename": "Nome do arquivo", "dialog.close": "Fechar"},
		"zh": {"Save": "保存", "Enter filename": "文件名", "dialog.close": "关闭"},
	}
	order := []string{"fr", "zh", "es", "pt", "en"}
	for i := range 20 {
		code := order[i%len(order)]
		os.Setenv("LANGUAGE", code)
		if err := AddTranslations(); err != nil {
			t.Fatal(err)
		}
		for key, want := range words[code] {
			if got := lang.X(key, "?"); got != want {
				t.Errorf("change %d to %s: %s is %q, want %q", i+1, code, key, got, want)
			}
		}
	}
	if got := len(fyneLanguages); got != registered {
		t.Errorf("after 20 changes of language Fyne lists %d languages, %d after the first registration", got, registered)
	}
}

// BenchmarkLanguageChange is the cost of one change of language once the
// files are registered: Fyne reads the environment and matches it again.
func BenchmarkLanguageChange(b *testing.B) {
	b.Setenv("LANGUAGE", "fr")
	b.Cleanup(func() { AddTranslations() })
	if err := AddTranslations(); err != nil {
		b.Fatal(err)
	}
	codes := []string{"zh", "fr"}
	i := 0
	for b.Loop() {
		os.Setenv("LANGUAGE", codes[i%2])
		i++
		if err := AddTranslations(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(fyneLanguages)), "fyne-languages")
}

// BenchmarkAddTranslations is the cost of AddTranslations: in a fresh
// process run once (-test.benchtime 1x), giving Fyne's lang the app's
// words at the start, before the first screen, where Fyne parses each
// file; run again, only the switch a change of language pays.
func BenchmarkAddTranslations(b *testing.B) {
	for b.Loop() {
		if err := AddTranslations(); err != nil {
			b.Fatal(err)
		}
	}
}
