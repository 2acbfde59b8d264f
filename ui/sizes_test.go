package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// fixedSync is a sync service that only tells one status: the sync
// page's sizes are all a test of them reads.
type fixedSync struct{ st app.SyncStatus }

func (s fixedSync) SyncStatus() app.SyncStatus                          { return s.st }
func (fixedSync) WatchSync(func(app.SyncStatus))                        {}
func (fixedSync) Recount(context.Context) error                         { return nil }
func (fixedSync) SyncNow()                                              {}
func (fixedSync) SetWorkOffline(bool)                                   {}
func (fixedSync) OpenConflicts(context.Context) ([]app.Conflict, error) { return nil, nil }
func (fixedSync) ResolveConflict(context.Context, string, string) error { return nil }
func (fixedSync) UnsentTickets(context.Context) (map[app.TicketID]int, error) {
	return nil, nil
}
func (fixedSync) UnsentChanges(context.Context, int) ([]app.Mutation, error) { return nil, nil }
func (fixedSync) Notices() []app.Notice                                      { return nil }
func (fixedSync) ReadNotices() error                                         { return nil }

// TestSyncPageSizesInTheLanguage: the sync page gives what was sent,
// received and waits in the language's units and decimal comma: a French
// screen read "envoyé 288 B, reçu 312 KB" and "1.5 MB" where its
// documents say Ko. Each unit is glued to its number, which Fyne cannot
// then put on the next line (it breaks at no-break spaces too), and the
// digits are grouped by the one rule of numbers (translations.Fixed):
// French 1’234,5Mo, not CLDR's 1 234,5 with a space.
func TestSyncPageSizesInTheLanguage(t *testing.T) {
	for _, tc := range []struct {
		code string
		want []string
	}{
		{"en", []string{"288B", "312KB", "1,234.5MB"}},
		{"fr", []string{"288o", "312Ko", "1’234,5Mo"}},
		{"es", []string{"288B", "312KB", "1234,5MB"}},
		{"pt", []string{"288B", "312KB", "1.234,5MB"}},
		{"zh", []string{"288B", "312KB", "1,234.5MB"}},
	} {
		t.Run(tc.code, func(t *testing.T) {
			inLanguage(t, tc.code)
			test.NewTempApp(t)
			now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
			deps, _ := openDemoWorld(t, now)
			deps.Sync = fixedSync{app.SyncStatus{Seq: 1, LastSuccess: now, Up: 288, Down: 312<<10 + 500, PhotoBytes: 1234<<20 + 1<<19}}
			term := ui.NewTerminal(t.Context(), deps)
			w := test.NewTempWindow(t, term.Object())
			w.Resize(fyne.NewSize(1280, 800))
			term.Attach(w)
			tapButton(t, term.Object(), lang.X("sync.open", "Sync"))
			page := labels(w.Canvas().Overlays().Top())
			for _, want := range tc.want {
				if !strings.Contains(page, want) {
					t.Errorf("the sync page lacks %q:\n%s", want, page)
				}
			}
		})
	}
}
