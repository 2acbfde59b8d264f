package ui_test

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// heldTerminal is a terminal over sw's service whose background work
// runs at once until the returned run holds it, as a busy tablet's waits
// behind other reads.
func heldTerminal(t *testing.T, sw *syncWorld) (*ui.Terminal, fyne.Window, *heldRun) {
	t.Helper()
	held := &heldRun{}
	deps := sw.deps
	deps.Run = held.run
	term, w := openTerminal(t, deps)
	return term, w, held
}

// TestSyncPageSaysItIsLoading: the sync page reads its conflicts and its
// unsent changes in the background; until those reads end, each section
// says it is loading under its heading. The page opened with both
// headings over nothing for about a second on a tablet: "Conflicts" over
// an empty space read as none to decide, and "Changes not sent yet" over
// one as work gone. Once the reads end the lists replace the notes.
func TestSyncPageSaysItIsLoading(t *testing.T) {
	for _, tc := range []struct {
		lang string
		size fyne.Size
	}{
		{"en", fyne.NewSize(1280, 800)},
		{"en", fyne.NewSize(720, 1280)},
		{"zh-Hans", fyne.NewSize(1280, 800)},
		{"zh-Hans", fyne.NewSize(720, 1280)},
	} {
		name := fmt.Sprintf("%s-%.0fx%.0f", tc.lang, tc.size.Width, tc.size.Height)
		t.Run(name, func(t *testing.T) {
			sw := newSyncWorld(t, nil, nil)
			inLanguage(t, tc.lang)
			term, w, held := heldTerminal(t, sw)
			w.Resize(tc.size)

			held.hold = true // the page's reads wait, as on a busy tablet
			test.Tap(term.SyncLine())
			page := w.Canvas().Overlays().Top()
			if page == nil {
				t.Fatal("tapping the sync line opened no page")
			}
			if len(held.queued) == 0 {
				t.Fatal("the sync page read nothing in the background: this test would not see its first frame")
			}
			shoot(t, w, "syncpage-loading-"+name)
			loading := lang.X("parts.loading", "Loading…")
			first := labels(page)
			for _, section := range []string{lang.X("conflicts.title", "Conflicts"), lang.X("sync.unsent_title", "Changes not sent yet")} {
				if !strings.Contains(first, section+"\n"+loading+"\n") {
					t.Errorf("before its reads end the page shows nothing under %q:\n%s", section, first)
				}
			}

			for held.step() {
			}
			shown := labels(page)
			if strings.Contains(shown, loading) {
				t.Errorf("the reads ended and the page still says it is loading:\n%s", shown)
			}
			for _, want := range []string{lang.X("conflicts.none", "No conflicts left to decide."), lang.X("sync.unsent_none", "Nothing waits")} {
				if !strings.Contains(shown, want) {
					t.Errorf("the reads ended and the page does not say %q:\n%s", want, shown)
				}
			}
		})
	}
}

// TestSyncPageListsNeverContradictTheirCounts: a sync that sends the
// changes waiting and brings conflicts while the sync page is open says
// so at once, and the lists under "Conflicts" and "Changes not sent yet"
// say they are loading until they are read again: the page kept "No
// conflicts left to decide." under "5 conflicts need a decision", and the
// changes sent under "Changes waiting: 0", for the seconds the reads took
// (walk6's French phone walk, back online after a day offline with a
// ticket reassigned meanwhile).
func TestSyncPageListsNeverContradictTheirCounts(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	term, w, held := heldTerminal(t, sw)
	test.Tap(term.SyncLine())
	page := w.Canvas().Overlays().Top()
	if shown := labels(page); !strings.Contains(shown, "No conflicts left to decide.") {
		t.Fatalf("the page opened on a device with no conflict does not say so:\n%s", shown)
	}

	// Offline, the technician sets off for a ticket dispatch gives to
	// someone else meanwhile.
	tk := sw.assigned(t, 1)[0]
	if _, err := sw.deps.Commit.Commit(t.Context(), sw.deps.Actor, &app.TransitionTicket{Action: app.ActionDepart, Ticket: tk.ID, Epoch: tk.Epoch}); err != nil {
		t.Fatal(err)
	}
	if err := sw.svc.Recount(t.Context()); err != nil { // what a save does
		t.Fatal(err)
	}
	if shown := labels(page); !strings.Contains(shown, tk.Number+" · ") {
		t.Fatalf("the page does not list the change waiting on %s:\n%s", tk.Number, shown)
	}
	sw.dispatch(t, &app.AssignTicket{Ticket: tk.ID, Technician: otherFieldTechnician(t, sw)})
	held.hold = true
	sw.syncOnce(t)
	if len(held.queued) == 0 {
		t.Fatal("the sync asked the page for no read of its conflicts: this test would not see the page before it")
	}
	shown := labels(page)
	if !strings.Contains(shown, "1 conflict needs a decision") {
		t.Fatalf("after the sync the page does not count the conflict:\n%s", shown)
	}
	if strings.Contains(shown, "No conflicts left to decide.") || !strings.Contains(shown, "Conflicts\nLoading…\n") {
		t.Errorf("while its conflicts are read again the page says there are none, or nothing, under the count of one:\n%s", shown)
	}
	if strings.Contains(shown, tk.Number+" · ") || !strings.Contains(shown, "Changes not sent yet\nLoading…\n") {
		t.Errorf("while its changes waiting are read again the page lists the change sent, or nothing, under \"Changes waiting: 0\":\n%s", shown)
	}

	for held.step() {
	}
	if shown := labels(page); strings.Contains(shown, "Loading…") || !strings.Contains(shown, "reassigned ticket "+tk.Number) || !strings.Contains(shown, "Nothing waits") {
		t.Errorf("the reads ended and the page does not show the reassigned ticket's conflict and nothing waiting:\n%s", shown)
	}
}
