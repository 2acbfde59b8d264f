package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/ui"
)

// TestSyncPageSaysItIsLoading: the sync page reads its conflicts and its
// unsent changes in the background; until those reads end, each section
// says it is loading under its heading. The page opened with both
// headings over nothing for about a second on a tablet: "Conflicts" over
// an empty space read as none to decide, and "Changes not sent yet" over
// one as work gone. Once the reads end the lists replace the notes.
func TestSyncPageSaysItIsLoading(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	held := &heldRun{}
	deps := sw.deps
	deps.Run = held.run
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)

	held.hold = true // the page's reads wait, as on a busy tablet
	test.Tap(term.SyncLine())
	page := w.Canvas().Overlays().Top()
	if page == nil {
		t.Fatal("tapping the sync line opened no page")
	}
	if len(held.queued) == 0 {
		t.Fatal("the sync page read nothing in the background: this test would not see its first frame")
	}
	first := labels(page)
	for _, section := range []string{"Conflicts", "Changes not sent yet"} {
		if !strings.Contains(first, section+"\nLoading…\n") {
			t.Errorf("before its reads end the page shows nothing under %q:\n%s", section, first)
		}
	}

	for held.step() {
	}
	shown := labels(page)
	if strings.Contains(shown, "Loading…") {
		t.Errorf("the reads ended and the page still says it is loading:\n%s", shown)
	}
	for _, want := range []string{"No conflicts left to decide.", "Nothing waits"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the reads ended and the page does not say %q:\n%s", want, shown)
		}
	}
}
