package ui_test

import (
	"context"
	"strings"
	"testing"
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
