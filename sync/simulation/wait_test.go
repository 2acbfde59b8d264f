package simulation

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// waitWorld is an engineWorld whose engine runs in the background with
// a sync interval of minutes, a dispatcher, and a count of the waits
// the service has been asked for and holds.
type waitWorld struct {
	*engineWorld
	engine   *fbsync.Engine
	dispatch central.Principal
	asked    atomic.Int64 // waits asked for
	held     atomic.Int64 // waits being answered now
}

// newWaitWorld starts the engine on a real central service over real
// HTTP (old: the service answers the wait 404, as one from before it)
// and returns once its first sync has succeeded.
func newWaitWorld(t *testing.T, interval time.Duration, old bool) *waitWorld {
	t.Helper()
	w := &waitWorld{engineWorld: newEngineWorld(t)}
	w.setFront(func(rw http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.URL.Path == fbsync.WaitPath {
			w.asked.Add(1)
			if old {
				rw.Header().Set("Content-Type", "application/json")
				rw.WriteHeader(http.StatusNotFound)
				rw.Write([]byte(`{"code":"not_found","key":"http.not_found","msg":"No such address: /v1/sync/wait."}`))
				return
			}
			w.held.Add(1)
			defer w.held.Add(-1)
		}
		next.ServeHTTP(rw, r)
	})
	w.dispatch = dispatcher(t, w.db)
	w.engine = fbsync.NewEngine(w.store, w.client)
	w.engine.Interval = interval
	runEngine(t, w.engine)
	return w
}

// until polls ok every 10 ms for at most d.
func (w *waitWorld) until(t *testing.T, d time.Duration, what string, ok func() bool) time.Duration {
	t.Helper()
	return within(t, d, what, ok, func() string { return fmt.Sprintf("engine status %+v", w.engine.Status()) })
}

// within polls ok every 10 ms for at most d and returns how long it
// took; past d it fails t, saying what did not happen and state().
func within(t *testing.T, d time.Duration, what string, ok func() bool, state func() string) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > d {
			t.Fatalf("not within %v: %s (%s)", d, what, state())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

// createTicket makes dispatch create a ticket assigned to tech.
func (w *waitWorld) createTicket(t *testing.T, tech app.TechnicianID) app.TicketID {
	t.Helper()
	return dispatchTicket(t, w.db, w.dispatch, tech)
}

// dispatchTicket makes dispatch create a ticket assigned to tech on db.
func dispatchTicket(t *testing.T, db *central.DB, dispatch central.Principal, tech app.TechnicianID) app.TicketID {
	t.Helper()
	id := app.TicketID(app.NewID())
	m, err := app.NewMutation(&app.CreateTicket{Ticket: app.Ticket{ID: id, Number: "FB-" + string(id[:8]), Kind: app.KindOnSite, Country: "CN",
		Product: app.Product{Category: app.CategoryAppliance, Brand: "Haier", Model: "W2"}, Customer: app.Customer{Name: "Zhao", Phone: "138 0000 0002", Address: "1 Road"},
		Technician: tech}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ApplyAdmin(t.Context(), dispatch, m); err != nil {
		t.Fatal(err)
	}
	return id
}

// dispatcher returns the principal of a new admin token of tenant "t".
func dispatcher(t *testing.T, db *central.DB) central.Principal {
	t.Helper()
	tok, err := db.CreateAdminToken(t.Context(), "t", "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Authenticate(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runEngine runs e until the test ends and returns once its first sync
// has succeeded.
func runEngine(t *testing.T, e *fbsync.Engine) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	within(t, 20*time.Second, "the first sync succeeded", func() bool {
		s := e.Status()
		return !s.Running && s.Err == nil && !s.LastSuccess.IsZero()
	}, func() string { return fmt.Sprintf("engine status %+v", e.Status()) })
}

// holdsTicket reports whether the device's store holds ticket.
func holdsTicket(s *store.DB, ticket app.TicketID) bool {
	_, err := store.NewTicketService(s).TicketDetail(context.Background(), ticket)
	return err == nil
}

// onDevice reports whether the device's store holds ticket.
func (w *waitWorld) onDevice(ticket app.TicketID) bool { return holdsTicket(w.store, ticket) }

// TestAssignedTicketArrivesWithinSeconds: with the sync interval at ten
// minutes, a ticket dispatch assigns to the technician reaches the
// device's store within seconds, through the wait the idle engine holds.
func TestAssignedTicketArrivesWithinSeconds(t *testing.T) {
	w := newWaitWorld(t, 10*time.Minute, false)
	w.until(t, 5*time.Second, "the idle engine holds a wait", func() bool { return w.held.Load() == 1 })
	id := w.createTicket(t, "tech-1")
	took := w.until(t, 5*time.Second, "the assigned ticket reached the device", func() bool { return w.onDevice(id) })
	t.Logf("the ticket reached the device %v after dispatch created it", took)
	// Then the engine waits again.
	w.until(t, 5*time.Second, "the engine holds a wait again", func() bool { return w.held.Load() == 1 })
	if s := w.engine.Status(); s.Err != nil {
		t.Errorf("status error %v, want none", s.Err)
	}
}

// TestWaitGivesWayToTheTechniciansSync: a change saved on the device is
// sent at once while a wait is held; the wait is ended, not waited for.
func TestWaitGivesWayToTheTechniciansSync(t *testing.T) {
	w := newWaitWorld(t, 10*time.Minute, false)
	w.until(t, 5*time.Second, "the idle engine holds a wait", func() bool { return w.held.Load() == 1 })
	w.note(t)
	w.engine.Trigger()
	w.until(t, 5*time.Second, "the note was sent", func() bool {
		d, err := w.db.TicketDetail(context.Background(), "t", w.ticket)
		return err == nil && len(d.Notes) == 1
	})
	// Working offline ends the wait too, and holds none.
	w.until(t, 5*time.Second, "the engine holds a wait again", func() bool { return w.held.Load() == 1 })
	w.engine.SetWorkOffline(true)
	w.until(t, 5*time.Second, "working offline ended the wait", func() bool { return w.held.Load() == 0 })
	asked := w.asked.Load()
	time.Sleep(300 * time.Millisecond)
	if n := w.asked.Load(); n != asked {
		t.Errorf("%d waits asked for while working offline, want none", n-asked)
	}
}

// TestRevokedWhileWaitingIsWipedAtOnce: the administrator revokes the
// device while its engine waits; the wait's refusal runs a sync, which
// wipes the device, within seconds rather than at the next interval.
func TestRevokedWhileWaitingIsWipedAtOnce(t *testing.T) {
	w := newWaitWorld(t, 10*time.Minute, false)
	w.until(t, 5*time.Second, "the idle engine holds a wait", func() bool { return w.held.Load() == 1 })
	if err := w.db.RevokeDevice(t.Context(), "t", w.device); err != nil {
		t.Fatal(err)
	}
	w.until(t, 5*time.Second, "the revoked device was wiped", func() bool { return w.engine.Status().Revoked })
	if w.onDevice(w.ticket) {
		t.Error("the revoked device still holds its ticket")
	}
}

// answerWaits has the service answer every wait with status and body
// (JSON), counting the waits in w.asked, and passes the rest on; it
// returns the count of syncs that passed.
func (w *waitWorld) answerWaits(status int, body string) *atomic.Int64 {
	syncs := new(atomic.Int64)
	w.setFront(func(rw http.ResponseWriter, r *http.Request, next http.Handler) {
		switch r.URL.Path {
		case fbsync.WaitPath:
			w.asked.Add(1)
			rw.Header().Set("Content-Type", "application/json")
			rw.WriteHeader(status)
			rw.Write([]byte(body))
			return
		case "/v1/sync":
			syncs.Add(1)
		}
		next.ServeHTTP(rw, r)
	})
	return syncs
}

// TestWaitRefusedBacksOffWithoutSyncing: a wait refused with an answer a
// sync would not change (here 400, as from a proxy that mangles it)
// backs off; it does not run a sync after every refusal.
func TestWaitRefusedBacksOffWithoutSyncing(t *testing.T) {
	w := newWaitWorld(t, 10*time.Minute, false)
	syncs := w.answerWaits(http.StatusBadRequest, `{"code":"invalid","key":"sync.bad_cursor","msg":"The sync position sent by the device is malformed."}`)
	w.engine.Trigger() // a sync, then a wait refused
	time.Sleep(1500 * time.Millisecond)
	if n := syncs.Load(); n > 1 {
		t.Errorf("%d syncs in 1.5 s with every wait refused, want the one triggered", n)
	}
	if n := w.asked.Load(); n < 1 || n > 3 {
		t.Errorf("%d waits asked for in 1.5 s, want a few, backing off from 2 s", n)
	}
	if s := w.engine.Status(); s.Err != nil {
		t.Errorf("status error %v, want none shown for a refused wait", s.Err)
	}
}

// TestWaitAlwaysWokenBacksOff: a service whose wait answers "something"
// at once every time, though the syncs bring nothing (a wait and a pull
// that disagree), gets a few syncs and then waits that back off, not a
// sync without pause.
func TestWaitAlwaysWokenBacksOff(t *testing.T) {
	w := newWaitWorld(t, 10*time.Minute, false)
	syncs := w.answerWaits(http.StatusOK, `{"m":true}`)
	w.engine.Trigger()
	time.Sleep(1500 * time.Millisecond)
	if n := syncs.Load(); n > 1+fbsync.MaxQuickWakes {
		t.Errorf("%d syncs in 1.5 s with every wait woken at once, want at most %d: the triggered one and %d woken", n, 1+fbsync.MaxQuickWakes, fbsync.MaxQuickWakes)
	}
	if s := w.engine.Status(); s.Err != nil {
		t.Errorf("status error %v, want none shown", s.Err)
	}
}

// TestOldServerWithoutWaitFallsBackToTheInterval: a service from before
// the wait answers it 404; the engine asks once, shows no error, and
// syncs at its interval, which brings dispatch's ticket.
func TestOldServerWithoutWaitFallsBackToTheInterval(t *testing.T) {
	w := newWaitWorld(t, 500*time.Millisecond, true)
	id := w.createTicket(t, "tech-1")
	w.until(t, 5*time.Second, "the interval's sync brought the ticket", func() bool { return w.onDevice(id) })
	// Several intervals later: still one wait asked for, no error shown.
	time.Sleep(1200 * time.Millisecond)
	if n := w.asked.Load(); n != 1 {
		t.Errorf("%d waits asked for of a service without them, want 1 for the session", n)
	}
	if s := w.engine.Status(); s.Err != nil || s.LastSuccess.IsZero() {
		t.Errorf("status %+v, want no error and a success", s)
	}
}

// TestAssignedTicketArrivesThroughAnotherInstance: two central instances
// on one PostgreSQL; the device syncs and waits through one, dispatch
// writes through the other. The ticket still reaches the device within
// seconds (NOTIFY from the writing instance wakes the wait), with the
// sync interval at ten minutes and the wait's bound at 50 s.
func TestAssignedTicketArrivesThroughAnotherInstance(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.ForTest(t)
	var dbs []*central.DB
	var held atomic.Int64
	var deviceURL string
	for i := range 2 {
		db, err := central.OpenDB(ctx, central.Config{Postgres: dsn, DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		h := central.NewServer(db, nil)
		srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.URL.Path == fbsync.WaitPath {
				held.Add(1)
				defer held.Add(-1)
			}
			h.ServeHTTP(rw, r)
		}))
		t.Cleanup(srv.Close)
		dbs = append(dbs, db)
		if i == 1 {
			deviceURL = srv.URL
		}
	}
	writer := dbs[0]
	if err := writer.LoadDataset(ctx, "t", app.Dataset{
		Technicians: []app.Technician{{ID: "tech-1", Name: "Wang Lei", Country: "CN", Van: "van-1"}},
		Locations:   []app.Location{{ID: "van-1", Kind: app.LocationVan, Name: "Van 1", Owner: "tech-1"}},
	}); err != nil {
		t.Fatal(err)
	}
	pair, s := pairDevice(t, writer, deviceURL, "tech-1")
	e := fbsync.NewEngine(s, &fbsync.Client{BaseURL: deviceURL, Token: pair.Token})
	e.Interval = 10 * time.Minute
	runEngine(t, e)
	state := func() string { return fmt.Sprintf("engine status %+v", e.Status()) }
	within(t, 5*time.Second, "the idle engine holds a wait on its instance", func() bool { return held.Load() == 1 }, state)
	// The instance holding the wait listens from its first wait on; a
	// write before it listens is found by the check it then makes.
	dispatch := dispatcher(t, writer)
	id := dispatchTicket(t, writer, dispatch, "tech-1")
	took := within(t, 5*time.Second, "the ticket dispatch wrote on the other instance reached the device", func() bool { return holdsTicket(s, id) }, state)
	t.Logf("the ticket reached the device %v after dispatch created it on the other instance", took)
	// Once listening, a second ticket arrives as fast.
	within(t, 5*time.Second, "the engine holds a wait again", func() bool { return held.Load() == 1 }, state)
	time.Sleep(200 * time.Millisecond)
	id = dispatchTicket(t, writer, dispatch, "tech-1")
	took = within(t, 3*time.Second, "a second ticket from the other instance reached the device", func() bool { return holdsTicket(s, id) }, state)
	t.Logf("the second ticket reached the device %v after dispatch created it", took)
}

// TestEmbeddedServiceClosesWhileAWaitIsHeld: the demo's embedded service
// stops at once while the app's engine holds a wait: the wait is
// answered, not waited for until its bound (Close gives requests 5 s).
func TestEmbeddedServiceClosesWhileAWaitIsHeld(t *testing.T) {
	emb, err := central.StartEmbedded(t.Context(), t.TempDir(), "t", func() app.Dataset {
		return app.Dataset{Technicians: []app.Technician{{ID: "tech-1", Name: "Wang Lei", Country: "CN"}}}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pair, s := pairDevice(t, emb.DB, emb.URL, "tech-1")
	c := &fbsync.Client{BaseURL: emb.URL, Token: pair.Token}
	if err := fbsync.NewEngine(s, c).SyncOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	st, err := s.SyncState(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	answered := make(chan error, 1)
	go func() {
		_, err := c.Wait(t.Context(), st.Cursor)
		answered <- err
	}()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	if err := emb.Close(); err != nil {
		t.Errorf("Close with a wait held: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Close took %v with a wait held, want it at once", took)
	}
	select {
	case <-answered:
	case <-time.After(5 * time.Second):
		t.Fatal("the held wait was not answered")
	}
}
