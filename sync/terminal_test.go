package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// emptyDevice is a replica and terminal store with nothing in them.
type emptyDevice struct{ app.Replica }

func (emptyDevice) SyncState(context.Context) (app.SyncState, error) { return app.SyncState{}, nil }
func (emptyDevice) OpenConflicts(context.Context) ([]app.Conflict, error) {
	return nil, nil
}
func (emptyDevice) UnsentTickets(context.Context) (map[app.TicketID]int, error) {
	return nil, nil
}
func (emptyDevice) Pending(context.Context, int) ([]app.Mutation, error) { return nil, nil }
func (emptyDevice) MutationTimes(context.Context, []string) (map[string]time.Time, error) {
	return nil, nil
}

// TestKeepNotices: unread notices outlast a restart in a private file;
// a damaged or oversized file is refused and left alone; reading them
// removes the file.
func TestKeepNotices(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	two := []app.Notice{
		{Kind: app.NoticeCancelled, Ticket: "tk-1", Number: "FB-1", Customer: "李娜", At: at},
		{Kind: app.NoticeReassigned, Ticket: "tk-2", Number: "FB-2", At: at},
	}
	twoJSON, _ := json.Marshal(two)
	cases := []struct {
		name    string
		file    []byte // nil: no file
		want    []app.Notice
		errCode string
	}{
		{"no file", nil, nil, ""},
		{"two notices", twoJSON, two, ""},
		{"damaged", []byte(`[{"kind": "cancelled", `), nil, app.ECORRUPT},
		{"too large", append(append([]byte(`[`), bytes.Repeat([]byte(" "), maxNoticeFile)...), ']'), nil, app.ECORRUPT},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "notices.json")
			if tc.file != nil {
				if err := os.WriteFile(path, tc.file, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			dev := emptyDevice{}
			ts, err := NewTerminalSync(t.Context(), NewEngine(dev, nil), nil, dev, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = ts.KeepNotices(path)
			if app.ErrorCode(err) != tc.errCode && (err != nil || tc.errCode != "") {
				t.Fatalf("KeepNotices = %v, want code %q", err, tc.errCode)
			}
			if err != nil {
				if got, _ := os.ReadFile(path); !bytes.Equal(got, tc.file) {
					t.Fatalf("a refused file was changed")
				}
				if !strings.Contains(app.AsError(err).Text(), "Delete the file") {
					t.Errorf("the error does not say what to do: %v", err)
				}
				return
			}
			got := ts.Notices() // newest first
			if len(got) != len(tc.want) || ts.SyncStatus().Notices != len(tc.want) {
				t.Fatalf("notices %+v (status %d), want %d", got, ts.SyncStatus().Notices, len(tc.want))
			}
			for i, n := range got {
				if w := tc.want[len(tc.want)-1-i]; n.Ticket != w.Ticket || n.Kind != w.Kind || n.Customer != w.Customer || !n.At.Equal(w.At) {
					t.Errorf("notice %d = %+v, want %+v", i, n, w)
				}
			}
			if len(got) > 0 {
				if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
					t.Fatalf("the notices file: %v, %v", fi, err)
				}
			}
			if err := ts.ReadNotices(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("the notices file stays after reading: %v", err)
			}
			if len(ts.Notices()) != 0 || ts.SyncStatus().Notices != 0 {
				t.Errorf("notices after reading: %+v", ts.Notices())
			}
		})
	}
}

// slowDevice is a replica with one unsent change that the transport
// accepts; hold, when set, stalls the next SyncState after its read.
type slowDevice struct {
	emptyDevice
	mu      gosync.Mutex
	pending int
	hold    chan struct{}
}

func (d *slowDevice) SyncState(context.Context) (app.SyncState, error) {
	d.mu.Lock()
	st := app.SyncState{Pending: d.pending, LastSeq: 1, Epoch: "e"}
	if d.pending == 0 {
		st.AckedSeq = 1
	}
	hold := d.hold
	d.hold = nil
	d.mu.Unlock()
	if hold != nil {
		<-hold
	}
	return st, nil
}

func (d *slowDevice) Pending(context.Context, int) ([]app.Mutation, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pending == 0 {
		return nil, nil
	}
	return []app.Mutation{{ID: "m1", Name: "note.add", Version: 1, Seq: 1}}, nil
}

func (d *slowDevice) ApplyPull(_ context.Context, p app.PullPage) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if p.Acked >= 1 {
		d.pending = 0
	}
	return nil
}

// acceptAll acknowledges whatever is pushed.
type acceptAll struct{}

func (acceptAll) Sync(_ context.Context, req *Request) (*Response, error) {
	acked := req.Acked
	for _, m := range req.Push {
		acked = max(acked, m.Seq)
	}
	return &Response{Epoch: "e", Acked: acked, Cursor: "c"}, nil
}

// TestRecountCannotOutliveASync: a recount that read one change waiting
// just before a sync sent it must not publish "1 waiting" after the sync
// published 0; the screen would keep it until the next sync.
func TestRecountCannotOutliveASync(t *testing.T) {
	dev := &slowDevice{pending: 1}
	e := NewEngine(dev, acceptAll{})
	hold := make(chan struct{})
	dev.mu.Lock()
	dev.hold = hold
	dev.mu.Unlock()
	recounted := make(chan error, 1)
	go func() { recounted <- e.Recount(t.Context()) }()
	// The recount has read "1 waiting" and stalls; the sync runs as far
	// as it may in 200 ms.
	for {
		dev.mu.Lock()
		stalled := dev.hold == nil
		dev.mu.Unlock()
		if stalled {
			break
		}
		time.Sleep(time.Millisecond)
	}
	synced := make(chan error, 1)
	go func() { synced <- e.SyncOnce(t.Context()) }()
	select {
	case err := <-synced:
		synced <- err
	case <-time.After(200 * time.Millisecond):
	}
	close(hold)
	if err := <-recounted; err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-synced:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the sync did not end in 10 s")
	}
	if st := e.Status(); st.Pending != 0 || st.Running {
		t.Fatalf("after the sync the engine says %d waiting, running %v; want 0", st.Pending, st.Running)
	}
}
