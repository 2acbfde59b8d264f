package simulation

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// engineWorld is a real central service over real HTTP and one paired
// device with a real store, for the engine's own behaviour.
type engineWorld struct {
	db     *central.DB
	server *central.Server
	srv    *httptest.Server
	store  *store.DB
	client *fbsync.Client
	device app.DeviceID
	ticket app.TicketID
	// down makes the server unreachable (the network is gone).
	mu   gosync.Mutex
	down bool
}

func newEngineWorld(t *testing.T, opts ...store.Option) *engineWorld {
	t.Helper()
	ctx := context.Background()
	db, err := central.OpenDB(ctx, central.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &engineWorld{db: db, ticket: "tk-1"}
	h := central.NewServer(db, nil)
	w.server = h
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		down := w.down
		w.mu.Unlock()
		if down {
			// A dead link: the connection closes without an answer.
			hj, _ := rw.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
			return
		}
		h.ServeHTTP(rw, r)
	}))
	t.Cleanup(w.srv.Close)
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-1", Name: "Wang Lei", Country: "CN", Van: "van-1"}},
		Locations:   []app.Location{{ID: "van-1", Kind: app.LocationVan, Name: "Van 1", Owner: "tech-1"}},
		Parts:       []app.Part{{Number: "P-1", NameEN: "Pump", Class: app.ClassMain}},
		Tickets: []app.TicketDetail{{Ticket: app.Ticket{ID: w.ticket, Number: "FB-1", Kind: app.KindCarryIn, Country: "CN",
			Product: app.Product{Category: app.CategoryAppliance, Brand: "Haier", Model: "W1"}, Customer: app.Customer{Name: "Li", Phone: "1"},
			Priority: app.PriorityNormal, Technician: "tech-1", Status: app.StatusAssigned, Epoch: 1, CreatedAt: time.Now(), UpdatedAt: time.Now()}}},
	}
	if err := db.LoadDataset(ctx, "t", ds); err != nil {
		t.Fatal(err)
	}
	code, _, err := db.CreatePairing(ctx, "t", "tech-1")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := (&fbsync.Client{BaseURL: w.srv.URL}).Pair(ctx, code, "tablet")
	if err != nil {
		t.Fatal(err)
	}
	w.device = pair.Device
	w.client = &fbsync.Client{BaseURL: w.srv.URL, Token: pair.Token}
	if w.store, err = store.Open(ctx, filepath.Join(t.TempDir(), "device.db"), opts...); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.store.Close() })
	return w
}

func (w *engineWorld) setDown(down bool) {
	w.mu.Lock()
	w.down = down
	w.mu.Unlock()
}

func (w *engineWorld) note(t *testing.T, id string) {
	t.Helper()
	_, err := store.NewCommitter(w.store).Commit(context.Background(), app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Name: "Wang Lei"},
		&app.AddNote{Note: app.Note{ID: id, Ticket: w.ticket, Text: "called the customer"}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEngineReportsProgressAndRecovers: offline, the work waits and the
// status says why; back online, a trigger sends it and the status shows
// the success.
func TestEngineReportsProgressAndRecovers(t *testing.T) {
	w := newEngineWorld(t)
	e := fbsync.NewEngine(w.store, w.client)
	e.MinBackoff, e.MaxBackoff, e.Interval = 10*time.Millisecond, 50*time.Millisecond, time.Hour
	statuses := make(chan fbsync.Status, 1000)
	e.Watch(func(s fbsync.Status) { statuses <- s })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	waitFor := func(what string, ok func(fbsync.Status) bool) fbsync.Status {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case s := <-statuses:
				if ok(s) {
					return s
				}
			case <-deadline:
				t.Fatalf("no status where %s; last %+v", what, e.Status())
			}
		}
	}
	waitFor("the first sync succeeded", func(s fbsync.Status) bool { return !s.Running && s.Err == nil && !s.LastSuccess.IsZero() })

	w.setDown(true)
	w.note(t, "n-offline")
	e.Trigger()
	s := waitFor("the failure is reported", func(s fbsync.Status) bool { return !s.Running && s.Err != nil })
	if app.ErrorCode(s.Err) != app.EOFFLINE || s.Pending != 1 || s.NextTry.IsZero() {
		t.Fatalf("offline status = %+v, want EOFFLINE, 1 pending and a next try", s)
	}
	// Retries back off on their own; the work is still queued.
	waitFor("a retry", func(s fbsync.Status) bool { return s.Running })

	w.setDown(false)
	e.Trigger()
	waitFor("the note was sent", func(s fbsync.Status) bool { return !s.Running && s.Err == nil && s.Pending == 0 })
	if d, err := w.db.TicketDetail(context.Background(), "t", w.ticket); err != nil || len(d.Notes) != 1 {
		t.Fatalf("server has %d notes (%v), want the note sent once", len(d.Notes), err)
	}
	if st := e.Status(); st.Up == 0 || st.Down == 0 {
		t.Errorf("traffic not counted: %+v", st)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
}

// TestRevokedDeviceIsWiped: after the administrator revokes the device,
// its next contact wipes the local copy and the engine stops.
func TestRevokedDeviceIsWiped(t *testing.T) {
	w := newEngineWorld(t)
	ctx := context.Background()
	e := fbsync.NewEngine(w.store, w.client)
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	w.note(t, "n-1")
	if err := w.db.RevokeDevice(ctx, "t", w.device); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after revocation = %v, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the engine kept running after the device was revoked")
	}
	if !e.Status().Revoked || !fbsync.IsRevoked(e.Status().Err) {
		t.Errorf("status = %+v, want revoked", e.Status())
	}
	list, n, err := store.NewTicketService(w.store).FindTickets(ctx, app.TicketFilter{Limit: 10})
	if err != nil || n != 0 || len(list) != 0 {
		t.Errorf("after the wipe the device holds %d tickets (%v)", n, err)
	}
	if st, _ := w.store.SyncState(ctx); st.LastSeq != 0 || st.Pending != 0 {
		t.Errorf("after the wipe: %+v", st)
	}
}

// TestForcedPushWhenPullsFail: a pull that fails on the server every time
// must not hold the outbox back: after a few failures the engine pushes
// without pulling.
func TestForcedPushWhenPullsFail(t *testing.T) {
	w := newEngineWorld(t)
	ctx := context.Background()
	if err := fbsync.NewEngine(w.store, w.client).SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	e := fbsync.NewEngine(w.store, &pullBreaker{c: w.client})
	e.ForcePushAfter = 2
	w.note(t, "n-1")
	for range 2 {
		if err := e.SyncOnce(ctx); err == nil {
			t.Fatal("sync with a broken pull succeeded")
		}
	}
	// The third try pushes only; the pull after it fails again.
	e.SyncOnce(ctx)
	if d, err := w.db.TicketDetail(ctx, "t", w.ticket); err != nil || len(d.Notes) != 1 {
		t.Fatalf("server has %d notes (%v) after the forced push, want 1", len(d.Notes), err)
	}
}

// pullBreaker fails every request that pulls, as a server whose pull is
// broken would.
type pullBreaker struct{ c *fbsync.Client }

func (p *pullBreaker) Sync(ctx context.Context, req *fbsync.Request) (*fbsync.Response, error) {
	if !req.NoPull {
		return nil, app.Errorf(app.EINTERNAL, "sync.http_status", "The server answered HTTP {{.Status}}.", "Status", 500)
	}
	return p.c.Sync(ctx, req)
}
