package ui_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// TestSyncLineKeepsItsWordsOnAPhone: on a phone the sync line says its
// status whole, and its button, beside it, shows only its icon (the line
// itself opens the sync page too). At 360 dp in French the button's
// "Synchronisation" cut the status to "Tout est synchronisé ...": what
// a technician offline reads to know whether his work is sent.
func TestSyncLineKeepsItsWordsOnAPhone(t *testing.T) {
	inLanguage(t, "fr")
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps, _ := openDemoWorld(t, now)
	deps.Sync = fixedSync{app.SyncStatus{Seq: 1, LastSuccess: now}}
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	term.Attach(w)
	open := lang.X("sync.open", "Sync")
	for _, tc := range []struct {
		size       fyne.Size
		buttonText string
	}{
		{fyne.NewSize(360, 740), ""},
		{fyne.NewSize(1280, 800), open},
	} {
		w.Resize(tc.size)
		line, button := term.SyncLineParts()
		if button.Text != tc.buttonText {
			t.Errorf("%v: the sync line's button says %q, want %q", tc.size, button.Text, tc.buttonText)
		}
		need := fyne.MeasureText(line.Text, theme.TextSize(), line.TextStyle).Width + 2*theme.InnerPadding()
		if line.Size().Width < need-1 {
			t.Errorf("%v: the sync line %q has %.0f of the %.0f it needs: it is cut", tc.size, line.Text, line.Size().Width, need)
		}
	}
}
