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
func TestUnsentChangesReadBeforeASyncStayOld(t *testing.T) {
	held := &heldUnsent{}
	sw := newSyncWorld(t, nil, func(s app.SyncService) app.SyncService { held.SyncService = s; return held })
	deps := sw.deps
	var running sync.WaitGroup
	deps.Run = func(f func()) {
		running.Add(1)
		go func() { defer running.Done(); f() }()
	}
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	test.Tap(term.SyncLine())
	page := w.Canvas().Overlays().Top()
	running.Wait()

	tk := sw.assigned(t, 1)[0]
	if _, err := deps.Commit.Commit(t.Context(), deps.Actor, &app.TransitionTicket{Action: app.ActionDepart, Ticket: tk.ID, Epoch: tk.Epoch}); err != nil {
		t.Fatal(err)
	}
	hold, read := make(chan struct{}), make(chan struct{})
	held.mu.Lock()
	held.hold, held.read = hold, read
	held.mu.Unlock()
	if err := sw.svc.Recount(t.Context()); err != nil { // what a save does
		t.Fatal(err)
	}
	<-read // the page's read of the change waiting, held
	sw.syncOnce(t)
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(labels(page), "Nothing waits"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after the sync the page never said nothing waits:\n%s", labels(page))
		}
	}
	close(hold)
	running.Wait()
	if shown := labels(page); strings.Contains(shown, tk.Number) || !strings.Contains(shown, "Nothing waits") {
		t.Errorf("a list read before the sync ended came back after it; the page lists the sent change on %s:\n%s", tk.Number, shown)
	}
}
