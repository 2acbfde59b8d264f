package ui_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// heldPhotos is a photo sender whose upload lasts until released, as a
// photo's megabytes on a slow network do.
type heldPhotos struct{ started, release chan struct{} }

func (p heldPhotos) UploadAll(ctx context.Context, progress func(done, total int64)) error {
	close(p.started)
	select {
	case <-p.release:
	case <-ctx.Done():
	}
	return nil
}

func (heldPhotos) BytesToUpload(context.Context) (int64, error) { return 0, nil }

// TestUnsentChangesGoOnceSent: the sync page lists a change waiting, and
// once the sync has sent it lists none, though the sync still uploads
// photos: the page and the line kept the sent change, "1 change
// waiting", until the photos were up, seconds on a phone's network.
func TestUnsentChangesGoOnceSent(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	tk := sw.assigned(t, 1)[0]
	sw.term.Detail().Show(tk.ID)
	tapButton(t, sw.term.Detail().Object(), "On my way")
	page := sw.openPage(t)
	if shown := labels(page); !strings.Contains(shown, tk.Number) || strings.Contains(shown, "Nothing waits") {
		t.Fatalf("the sync page does not list the change waiting on %s:\n%s", tk.Number, shown)
	}

	photos := heldPhotos{started: make(chan struct{}), release: make(chan struct{})}
	sw.engine.SetPhotoSender(photos)
	synced := make(chan error, 1)
	go func() { synced <- sw.engine.SyncOnce(context.WithoutCancel(t.Context())) }()
	<-photos.started
	shown, line := labels(page), sw.term.SyncText()
	close(photos.release)
	if err := <-synced; err != nil {
		t.Fatal(err)
	}
	if strings.Contains(shown, tk.Number) || !strings.Contains(shown, "Nothing waits") {
		t.Errorf("the change on %s was sent and the photos are uploading; the sync page still lists it:\n%s", tk.Number, shown)
	}
	if strings.Contains(line, "change waiting") {
		t.Errorf("the change was sent and the photos are uploading; the sync line says %q", line)
	}
	if shown := labels(page); strings.Contains(shown, tk.Number) || !strings.Contains(shown, "Nothing waits") {
		t.Errorf("after the sync the page still lists the change on %s:\n%s", tk.Number, shown)
	}
}

// heldUnsent stands between the terminal and its sync service and, when
// hold is set, keeps the next list of unsent changes it reads until hold
// is closed, saying on read that it has read it: a slow read of the
// outbox that began before a sync ended.
type heldUnsent struct {
	app.SyncService
	mu   sync.Mutex
	hold chan struct{}
	read chan struct{}
}

func (h *heldUnsent) UnsentChanges(ctx context.Context, limit int) ([]app.Mutation, error) {
	ms, err := h.SyncService.UnsentChanges(ctx, limit)
	h.mu.Lock()
	hold, read := h.hold, h.read
	h.hold, h.read = nil, nil
	h.mu.Unlock()
	if hold != nil {
		close(read)
		<-hold
	}
	return ms, err
}

// TestUnsentChangesReadBeforeASyncStayOld: a list of unsent changes
// read before a sync ended, and shown after the list the sync's end
// read, is not shown: the terminal reads in the background, and the
// slower read put the sent change back on the page until the next
// change.
//
// The terminal's background work is queued and run one piece at a time
// while the test waits: under the test driver fyne.Do runs at once on
// the goroutine that calls it, and work running beside the test's own
// look at the widgets raced it (a CI run panicked measuring the window
// while a load filled a list). Only the held read waits beside the
// test, and it has touched no widget when it is held.
func TestUnsentChangesReadBeforeASyncStayOld(t *testing.T) {
	held := &heldUnsent{}
	sw := newSyncWorld(t, nil, func(s app.SyncService) app.SyncService { held.SyncService = s; return held })
	deps := sw.deps
	var (
		mu     sync.Mutex
		queued []func()
	)
	deps.Run = func(f func()) {
		mu.Lock()
		queued = append(queued, f)
		mu.Unlock()
	}
	// drain runs the queued work, each piece on its own goroutine while
	// the test waits for it to end or to be held in its read; it returns
	// the held piece's end, or nil.
	drain := func(read <-chan struct{}) (heldEnd <-chan struct{}) {
		t.Helper()
		for {
			mu.Lock()
			if len(queued) == 0 {
				mu.Unlock()
				return heldEnd
			}
			f := queued[0]
			queued = queued[1:]
			mu.Unlock()
			end := make(chan struct{})
			go func() { defer close(end); f() }()
			select {
			case <-end:
			case <-read:
				heldEnd, read = end, nil
			case <-time.After(10 * time.Second):
				t.Fatal("the terminal's background work did not end in 10 s")
			}
		}
	}
	term := ui.NewTerminal(t.Context(), deps)
	drain(nil)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	drain(nil)
	test.Tap(term.SyncLine())
	page := w.Canvas().Overlays().Top()
	drain(nil)

	tk := sw.assigned(t, 1)[0]
	if _, err := deps.Commit.Commit(t.Context(), deps.Actor, &app.TransitionTicket{Action: app.ActionDepart, Ticket: tk.ID, Epoch: tk.Epoch}); err != nil {
		t.Fatal(err)
	}
	drain(nil)
	hold, read := make(chan struct{}), make(chan struct{})
	held.mu.Lock()
	held.hold, held.read = hold, read
	held.mu.Unlock()
	if err := sw.svc.Recount(t.Context()); err != nil { // what a save does
		t.Fatal(err)
	}
	heldEnd := drain(read) // the page's read of the change waiting, held
	if heldEnd == nil {
		t.Fatal("the save asked the page for no read of the changes waiting")
	}
	sw.syncOnce(t)
	drain(nil)
	if shown := labels(page); !strings.Contains(shown, "Nothing waits") {
		t.Fatalf("after the sync the page does not say nothing waits:\n%s", shown)
	}
	close(hold)
	select {
	case <-heldEnd:
	case <-time.After(10 * time.Second):
		t.Fatal("the held read did not end in 10 s once let go")
	}
	drain(nil)
	if shown := labels(page); strings.Contains(shown, tk.Number) || !strings.Contains(shown, "Nothing waits") {
		t.Errorf("a list read before the sync ended came back after it; the page lists the sent change on %s:\n%s", tk.Number, shown)
	}
}
