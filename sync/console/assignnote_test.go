package console

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestAssignNoteNamesTheStatusAsShown: the assign form's note, "the
// ticket goes back to Assigned", names the status as the pages show it,
// in every language: French said « Affecté » where every badge reads
// « Attribué ».
func TestAssignNoteNamesTheStatusAsShown(t *testing.T) {
	for _, lang := range []string{"en", "zh-Hans", "fr", "es", "pt"} {
		cat := translations.For(lang)
		note, status := cat.Text("console.board.assign_note", "", nil), statusText(cat, app.StatusAssigned)
		if !strings.Contains(note, status) {
			t.Errorf("%s: the assign note %q does not name the status as it is shown, %q", lang, note, status)
		}
	}
}
