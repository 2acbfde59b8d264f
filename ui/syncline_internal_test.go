package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets"
)

// TestSyncSummary: the line says "all work synced" only when nothing
// waits, and a conflict, work offline or a failure never reads as synced.
func TestSyncSummary(t *testing.T) {
	if err := assets.AddTranslations(); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	last := now.Add(-5 * time.Minute)
	offline := app.Errorf(app.EOFFLINE, "sync.offline", "Cannot reach the server. Your work is saved on this device and will be sent when the connection is back.")
	cases := []struct {
		name      string
		st        app.SyncStatus
		want, not []string
	}{
		{"synced", app.SyncStatus{LastSuccess: last}, []string{"All work synced · 5 min ago"}, []string{"waiting", "conflict"}},
		{"a conflict", app.SyncStatus{LastSuccess: last, Conflicts: 1}, []string{"Last sync 5 min ago", "1 conflict needs a decision"}, []string{"All work synced"}},
		{"work waiting", app.SyncStatus{LastSuccess: last, Pending: 2}, []string{"Last sync 5 min ago · 2 changes waiting"}, []string{"All work synced"}},
		{"photos waiting", app.SyncStatus{LastSuccess: last, PhotoBytes: 2048}, []string{"sending photos: 2KB left"}, []string{"All work synced"}},
		{"offline by choice", app.SyncStatus{LastSuccess: last, WorkOffline: true, Pending: 1}, []string{"Offline by choice · 1 change waiting"}, []string{"All work synced", "Syncing"}},
		{"photos offline by choice", app.SyncStatus{LastSuccess: last, WorkOffline: true, PhotoBytes: 287}, []string{"Offline by choice · photos waiting: 287B"}, []string{"sending"}},
		{"photos offline", app.SyncStatus{LastSuccess: last, Offline: true, Err: offline, PhotoBytes: 2048}, []string{"photos waiting: 2KB"}, []string{"sending"}},
		{"photos refused", app.SyncStatus{LastSuccess: last, PhotoBytes: 2048, PhotoErr: errors.New("too large")}, []string{"photos waiting: 2KB"}, []string{"sending"}},
		{"offline by choice while a sync ends", app.SyncStatus{LastSuccess: last, WorkOffline: true, Running: true}, []string{"Offline by choice"}, []string{"Syncing"}},
		{"running", app.SyncStatus{LastSuccess: last, Running: true}, []string{"Syncing…"}, []string{"All work synced"}},
		{"first sync", app.SyncStatus{Running: true}, []string{"Downloading your tickets…"}, nil},
		{"never", app.SyncStatus{}, []string{"Not synced yet"}, []string{"All work synced"}},
		{"offline", app.SyncStatus{LastSuccess: last, Err: offline, Offline: true, Pending: 1}, []string{"Offline since", "1 change waiting"}, []string{"All work synced"}},
		{"failed", app.SyncStatus{LastSuccess: last, Err: errors.New("boom")}, []string{"Internal error"}, []string{"All work synced"}},
		{"revoked", app.SyncStatus{Revoked: true, Conflicts: 3}, []string{"removed by the administrator"}, []string{"conflict"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := syncSummary(tc.st, now, now.Add(-time.Hour))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("%q says %q", got, n)
				}
			}
		})
	}
}

// stillSync is a sync service whose status never changes: the line must
// still keep its relative time true as the clock moves.
type stillSync struct{ st app.SyncStatus }

func (s stillSync) SyncStatus() app.SyncStatus                          { return s.st }
func (stillSync) WatchSync(func(app.SyncStatus))                        {}
func (stillSync) Recount(context.Context) error                         { return nil }
func (stillSync) SyncNow()                                              {}
func (stillSync) SetWorkOffline(bool)                                   {}
func (stillSync) OpenConflicts(context.Context) ([]app.Conflict, error) { return nil, nil }
func (stillSync) ResolveConflict(context.Context, string, string) error { return nil }
func (stillSync) UnsentTickets(context.Context) (map[app.TicketID]int, error) {
	return nil, nil
}
func (stillSync) UnsentChanges(context.Context, int) ([]app.Mutation, error) { return nil, nil }
func (stillSync) Notices() []app.Notice                                      { return nil }
func (stillSync) ReadNotices() error                                         { return nil }

// TestSyncLineSaysItsTimeAgain: between two statuses the line is said
// again every lineRefresh, so "just now" becomes "3 min ago" as time
// passes, with one timer waiting at a time.
func TestSyncLineSaysItsTimeAgain(t *testing.T) {
	test.NewTempApp(t)
	if err := assets.AddTranslations(); err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	var waiting []func()
	after := func(d time.Duration, f func()) func() bool {
		if d != lineRefresh {
			t.Errorf("the line's timer is %v, want %v", d, lineRefresh)
		}
		waiting = append(waiting, f)
		i := len(waiting) - 1
		return func() bool {
			was := waiting[i] != nil
			waiting[i] = nil
			return was
		}
	}
	pending := func() (n int, last func()) {
		for _, f := range waiting {
			if f != nil {
				n, last = n+1, f
			}
		}
		return n, last
	}
	s := newSyncParts(syncPageDeps{Sync: stillSync{app.SyncStatus{Seq: 1, LastSuccess: clock}}, Now: func() time.Time { return clock }}, after)
	if got := s.line.text.Text; !strings.Contains(got, "All work synced · just now") {
		t.Fatalf("the line at first: %q", got)
	}
	for _, step := range []struct {
		by   time.Duration
		want string
	}{
		{30 * time.Second, "just now"},
		{2*time.Minute + 30*time.Second, "3 min ago"},
		{time.Hour, "1 h ago"},
	} {
		clock = clock.Add(step.by)
		n, f := pending()
		if n != 1 {
			t.Fatalf("%d timers wait for the line, want 1", n)
		}
		f()
		if got := s.line.text.Text; !strings.Contains(got, step.want) {
			t.Errorf("the line %v later: %q, want %q", step.by, got, step.want)
		}
	}
}

// TestSyncLineBarLeavesTheTextReadable: while a sync runs its progress bar
// is a thin line under the text, never a fill behind it (orange text on
// the bar's moving blue read at about 2:1), and the line keeps its height.
func TestSyncLineBarLeavesTheTextReadable(t *testing.T) {
	test.NewTempApp(t)
	if err := assets.AddTranslations(); err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	s := newSyncParts(syncPageDeps{Sync: stillSync{app.SyncStatus{Seq: 1, LastSuccess: clock, Running: true, Pending: 1}}, Now: func() time.Time { return clock }}, nil)
	w := test.NewTempWindow(t, s.line)
	w.Resize(s.line.MinSize().AddWidthHeight(300, 0))
	if !s.line.bar.Visible() {
		t.Fatal("the bar is hidden while a sync runs")
	}
	text, bar := s.line.text, s.line.bar
	if got := bar.Size().Height; got > underlineHeight {
		t.Errorf("the bar is %v dp high, want a line of %d", got, underlineHeight)
	}
	if barTop, textBottom := bar.Position().Y, text.Position().Y+text.Size().Height; barTop < textBottom-underlineHeight {
		t.Errorf("the bar starts at %v, over the text (%v to %v)", barTop, text.Position().Y, textBottom)
	}
	if bar.Size().Width < text.Size().Width {
		t.Errorf("the bar is %v wide, the text %v: it should run under all of it", bar.Size().Width, text.Size().Width)
	}
}

// TestSyncLineIconSaysWhatIsHappening: a sync under way shows the sync
// icon, not the green tick of work all synced (the French phone walk:
// "✓ Synchronisation…" in green during the first sync).
func TestSyncLineIconSaysWhatIsHappening(t *testing.T) {
	test.NewTempApp(t)
	if err := assets.AddTranslations(); err != nil {
		t.Fatal(err)
	}
	last := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		st   app.SyncStatus
		want string
	}{
		{"synced", app.SyncStatus{LastSuccess: last}, theme.ConfirmIcon().Name()},
		{"first sync", app.SyncStatus{Running: true}, theme.ViewRefreshIcon().Name()},
		{"running", app.SyncStatus{LastSuccess: last, Running: true}, theme.ViewRefreshIcon().Name()},
		{"running with work waiting", app.SyncStatus{LastSuccess: last, Running: true, Pending: 1}, theme.UploadIcon().Name()},
		{"a conflict while running", app.SyncStatus{LastSuccess: last, Running: true, Conflicts: 1}, theme.ErrorIcon().Name()},
	} {
		s := newSyncLine(func() {})
		s.show(&syncFeed{now: func() time.Time { return last }, cur: tc.st})
		if got := s.icon.Resource.Name(); got != tc.want {
			t.Errorf("%s: icon %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestSyncProblemGoesWhileSyncing: the sync page says no error of the
// last attempt while a new sync runs, as the line says "Syncing…": back
// online after a day, it said "Cannot reach the server… Next try at
// 03:03." under "Syncing…" while the work was being sent. A photo's
// refusal stays: the sync running does not retry it.
func TestSyncProblemGoesWhileSyncing(t *testing.T) {
	inLanguage(t, "en")
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	offline := app.Errorf(app.EOFFLINE, "sync.offline", "Cannot reach the server. Your work is saved on this device and will be sent when the connection is back.")
	st := app.SyncStatus{Err: offline, Offline: true, NextTry: now.Add(time.Minute), Running: true}
	if text := syncProblem(st, time.UTC); text != "" {
		t.Errorf("while a sync runs the page says %q, want nothing", text)
	}
	st.Running = false
	if text := syncProblem(st, time.UTC); !strings.Contains(text, "Cannot reach the server") {
		t.Errorf("once the sync failed the page says %q, want the error", text)
	}
	st = app.SyncStatus{Running: true, PhotoBytes: 2048, PhotoErr: errors.New("too large")}
	if text := syncProblem(st, time.UTC); !strings.HasPrefix(strings.TrimSpace(text), "Photos: ") {
		t.Errorf("a photo refused, while a sync runs the page says %q, want the refusal", text)
	}
}
