package ui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/ui"
)

// TestFileDialogParentInEveryLanguage: Fyne's file dialog, as "Save as…"
// opens it, names a folder's parent in the screens' language: it said
// "(Parent)" in Chinese and Spanish and "(Origem)" (origin) in Brazilian
// Portuguese. The app gives Fyne's key in its translations (fyneKeys).
func TestFileDialogParentInEveryLanguage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, want string }{
		{"en", "(Parent)"},
		{"zh", "(上一级)"},
		{"fr", "(Parent)"},
		{"es", "(Arriba)"},
		{"pt", "(Acima)"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			a := test.NewTempApp(t)
			loadTranslations(t)
			t.Cleanup(func() { ui.SetLanguage(a, "en") })
			if err := ui.SetLanguage(a, tc.lang); err != nil {
				t.Fatal(err)
			}
			w := test.NewTempWindow(t, widget.NewLabel(""))
			w.Resize(fyne.NewSize(1280, 800))
			d := dialog.NewFileSave(func(fyne.URIWriteCloser, error) {}, w)
			loc, err := storage.ListerForURI(storage.NewFileURI(dir))
			if err != nil {
				t.Fatal(err)
			}
			d.SetLocation(loc)
			d.Show()
			shown := labels(w.Canvas().Overlays().Top())
			if !strings.Contains(shown, tc.want) {
				t.Errorf("the file dialog does not say %q:\n%s", tc.want, shown)
			}
		})
	}
}
