package simulation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
	// down makes the server unreachable (the network is gone); front,
	// when set, sees every request first and passes it on (or not).
	mu    gosync.Mutex
	down  bool
	front func(rw http.ResponseWriter, r *http.Request, next http.Handler)
}

func newEngineWorld(t *testing.T, opts ...store.Option) *engineWorld {
	t.Helper()
	return newEngineWorldClock(t, nil, opts...)
}

// newEngineWorldClock is newEngineWorld with the central service's clock
// (nil: the system's).
func newEngineWorldClock(t *testing.T, serverClock app.Clock, opts ...store.Option) *engineWorld {
	t.Helper()
	ctx := context.Background()
	db, err := central.OpenDB(ctx, central.Config{DataDir: t.TempDir(), Clock: serverClock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &engineWorld{db: db, ticket: "tk-1"}
	h := central.NewServer(db, nil)
	w.server = h
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		down, front := w.down, w.front
		w.mu.Unlock()
		if down {
			// A dead link: the connection closes without an answer.
			hj, _ := rw.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
			return
		}
		if front != nil {
			front(rw, r, h)
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
			Product: app.Product{Category: app.CategoryAppliance, Brand: "Haier", Model: "W1"}, Customer: app.Customer{Name: "Li", Phone: "138 0000 0001"},
			Priority: app.PriorityNormal, Technician: "tech-1", Status: app.StatusAssigned, Epoch: 1, CreatedAt: time.Now(), UpdatedAt: time.Now()}}},
	}
	if err := db.LoadDataset(ctx, "t", ds); err != nil {
		t.Fatal(err)
	}
	var pair *fbsync.PairResponse
	pair, w.store = pairDevice(t, db, w.srv.URL, "tech-1", opts...)
	w.device = pair.Device
	w.client = &fbsync.Client{BaseURL: w.srv.URL, Token: pair.Token}
	return w
}

// pairDevice pairs a device of tech (tenant "t" of db) through the
// service at url and opens its store, closed when the test ends.
func pairDevice(t *testing.T, db *central.DB, url string, tech app.TechnicianID, opts ...store.Option) (*fbsync.PairResponse, *store.DB) {
	t.Helper()
	ctx := t.Context()
	code, _, err := db.CreatePairing(ctx, "t", tech)
	if err != nil {
		t.Fatal(err)
	}
	pair, err := (&fbsync.Client{BaseURL: url}).Pair(ctx, code, "tablet")
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "device.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return pair, s
}

func (w *engineWorld) setDown(down bool) {
	w.mu.Lock()
	w.down = down
	w.mu.Unlock()
}

// setFront makes front see every request before the service does.
func (w *engineWorld) setFront(front func(rw http.ResponseWriter, r *http.Request, next http.Handler)) {
	w.mu.Lock()
	w.front = front
	w.mu.Unlock()
}

// note saves a note on the ticket, as the app does (with a fresh ID), and
// returns its ID.
func (w *engineWorld) note(t *testing.T) string {
	t.Helper()
	id := app.NewID()
	_, err := store.NewCommitter(w.store).Commit(context.Background(), app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Name: "Wang Lei"},
		&app.AddNote{Note: app.Note{ID: id, Ticket: w.ticket, Text: "called the customer"}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestEngineReportsProgressAndRecovers: offline, the work waits and the
// status says why; back online, a trigger sends it and the status shows
// the success.
func TestEngineReportsProgressAndRecovers(t *testing.T) {
	w := newEngineWorld(t)
	e := fbsync.NewEngine(w.store, w.client)
	e.MinBackoff, e.MaxBackoff, e.Interval = 10*time.Millisecond, 50*time.Millisecond, time.Hour
	statuses := make(chan app.SyncStatus, 1000)
	e.Watch(func(s app.SyncStatus) { statuses <- s })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	waitFor := func(what string, ok func(app.SyncStatus) bool) app.SyncStatus {
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
	waitFor("the first sync succeeded", func(s app.SyncStatus) bool { return !s.Running && s.Err == nil && !s.LastSuccess.IsZero() })

	w.setDown(true)
	w.note(t)
	e.Trigger()
	s := waitFor("the failure is reported", func(s app.SyncStatus) bool { return !s.Running && s.Err != nil })
	if app.ErrorCode(s.Err) != app.EOFFLINE || s.Pending != 1 || s.NextTry.IsZero() {
		t.Fatalf("offline status = %+v, want EOFFLINE, 1 pending and a next try", s)
	}
	// Retries back off on their own; the work is still queued.
	waitFor("a retry", func(s app.SyncStatus) bool { return s.Running })

	w.setDown(false)
	e.Trigger()
	waitFor("the note was sent", func(s app.SyncStatus) bool { return !s.Running && s.Err == nil && s.Pending == 0 })
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
	w.note(t)
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
	w.note(t)
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

// restoreWorld is a real central service on embedded SQLite, behind a
// real HTTP server, with two technicians' devices (a real store, engine
// and photo uploader each) and dispatch: for the stories in which the
// server is restored from a backup (issue 10, defects 8 and 9), each
// the root cause of simulation failures, replayed step by step.
type restoreWorld struct {
	t        *testing.T
	ctx      context.Context
	dispatch central.Principal
	backup   string
	devs     map[app.TechnicianID]*restoreDevice

	mu gosync.Mutex // protects following
	db *central.DB
	h  *central.Server
	// loseSync > 0 loses the answer to that many-th next /v1/sync request
	// after the server committed it.
	loseSync int
}

type restoreDevice struct {
	store  *store.DB
	engine *fbsync.Engine
}

const (
	techA, techB               app.TechnicianID = "tech-a", "tech-b"
	ticketA, ticketA2, ticketB app.TicketID     = "tk-a", "tk-a2", "tk-b"
)

func newRestoreWorld(t *testing.T) *restoreWorld {
	t.Helper()
	w := &restoreWorld{t: t, ctx: context.Background(), devs: map[app.TechnicianID]*restoreDevice{}}
	var err error
	if w.db, err = central.OpenDB(w.ctx, central.Config{DataDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.server().Close() })
	w.h = central.NewServer(w.db, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		h, lose := w.h, false
		if r.URL.Path == "/v1/sync" && w.loseSync > 0 {
			w.loseSync--
			lose = w.loseSync == 0
		}
		w.mu.Unlock()
		if !lose {
			h.ServeHTTP(rw, r)
			return
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		hj, _ := rw.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
	}))
	t.Cleanup(srv.Close)
	now := time.Now()
	var ds app.Dataset
	ds.Parts = []app.Part{{Number: "P-1", NameEN: "Pump", Class: app.ClassMain}}
	// A catalog larger than the smallest page, so that a pull from the
	// start (after a restore) brings the tickets on a later page than the
	// one that tells the device about the restore.
	for i := range 200 {
		ds.Parts = append(ds.Parts, app.Part{Number: app.PartNumber(fmt.Sprintf("C-%03d", i)), NameEN: fmt.Sprintf("Catalog part %d, left-hand door hinge assembly", i), Class: app.ClassAccessory})
	}
	for _, x := range []struct {
		tech   app.TechnicianID
		ticket app.TicketID
	}{{techA, ticketA}, {techA, ticketA2}, {techB, ticketB}} {
		van := app.LocationID("van-" + string(x.tech))
		if x.ticket != ticketA2 {
			ds.Technicians = append(ds.Technicians, app.Technician{ID: x.tech, Name: string(x.tech), Country: "CN", Van: van})
			ds.Locations = append(ds.Locations, app.Location{ID: van, Kind: app.LocationVan, Name: string(van), Owner: string(x.tech)})
			ds.Movements = append(ds.Movements, app.StockMovement{ID: "rcv-" + string(x.tech), Kind: app.MoveReceive, Part: "P-1", To: van, Qty: 10, At: now})
		}
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: app.Ticket{ID: x.ticket, Number: "FB-" + string(x.ticket), Kind: app.KindCarryIn, Country: "CN",
			Product: app.Product{Category: app.CategoryAppliance, Brand: "Haier", Model: "W1"}, Customer: app.Customer{Name: "Li", Phone: "138 0000 0001"},
			Priority: app.PriorityNormal, Technician: x.tech, Status: app.StatusAssigned, Epoch: 1, CreatedAt: now, UpdatedAt: now}})
	}
	if err := w.db.LoadDataset(w.ctx, "t", ds); err != nil {
		t.Fatal(err)
	}
	tok, err := w.db.CreateAdminToken(w.ctx, "t", "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	if w.dispatch, err = w.db.Authenticate(w.ctx, tok); err != nil {
		t.Fatal(err)
	}
	for _, tech := range []app.TechnicianID{techA, techB} {
		code, _, err := w.db.CreatePairing(w.ctx, "t", tech)
		if err != nil {
			t.Fatal(err)
		}
		pair, err := (&fbsync.Client{BaseURL: srv.URL}).Pair(w.ctx, code, string(tech))
		if err != nil {
			t.Fatal(err)
		}
		d := &restoreDevice{}
		if d.store, err = store.Open(w.ctx, filepath.Join(t.TempDir(), string(tech)+".db")); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.store.Close() })
		client := &fbsync.Client{BaseURL: srv.URL, Token: pair.Token}
		d.engine = fbsync.NewEngine(d.store, client)
		d.engine.PageBytes, d.engine.FirstPageBytes = central.MinPageBytes, central.MinPageBytes
		up, err := fbsync.NewPhotoUploader(d.store, store.NewPhotoStore(d.store), nil, srv.URL, pair.Token)
		if err != nil {
			t.Fatal(err)
		}
		d.engine.SetPhotoSender(up)
		w.devs[tech] = d
		w.sync(tech)
	}
	return w
}

func (w *restoreWorld) server() *central.DB {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.db
}

// sync runs one sync of tech's device; it must succeed, photos included.
func (w *restoreWorld) sync(tech app.TechnicianID) {
	w.t.Helper()
	e := w.devs[tech].engine
	if err := e.SyncOnce(w.ctx); err != nil {
		w.t.Fatalf("%s: sync: %v", tech, err)
	}
	if err := e.Status().PhotoErr; err != nil {
		w.t.Fatalf("%s: photo upload: %v", tech, err)
	}
}

// syncLosingAnswer syncs tech's device while the answer to its n-th sync
// request is lost after the server committed it.
func (w *restoreWorld) syncLosingAnswer(tech app.TechnicianID, n int) {
	w.t.Helper()
	w.mu.Lock()
	w.loseSync = n
	w.mu.Unlock()
	err := w.devs[tech].engine.SyncOnce(w.ctx)
	w.mu.Lock()
	left := w.loseSync
	w.loseSync = 0
	w.mu.Unlock()
	if left != 0 || app.ErrorCode(err) != app.EOFFLINE {
		w.t.Fatalf("%s: sync with answer %d lost = %v (%d requests short), want EOFFLINE", tech, n, err, left)
	}
}

func (w *restoreWorld) commit(tech app.TechnicianID, cmd app.Command) app.Mutation {
	w.t.Helper()
	m, err := store.NewCommitter(w.devs[tech].store).Commit(w.ctx, app.Actor{Role: app.RoleTechnician, Technician: tech, Name: string(tech)}, cmd)
	if err != nil {
		w.t.Fatalf("%s: commit %T: %v", tech, cmd, err)
	}
	return m
}

// attach stores a photo's bytes on tech's device and attaches it.
func (w *restoreWorld) attach(tech app.TechnicianID, ticket app.TicketID) app.Photo {
	w.t.Helper()
	id := app.NewID()
	raw := bytes.Repeat([]byte("jpeg bytes of "+id+" "), 200)
	sha, size, err := store.NewPhotoStore(w.devs[tech].store).PutPhoto(w.ctx, bytes.NewReader(raw))
	if err != nil {
		w.t.Fatal(err)
	}
	p := app.Photo{ID: id, Ticket: ticket, SHA256: sha, Size: size, Mime: "image/jpeg", Kind: "repair"}
	w.commit(tech, &app.AttachPhoto{Photo: p})
	return p
}

// assign makes dispatch give ticket to tech.
func (w *restoreWorld) assign(ticket app.TicketID, tech app.TechnicianID) {
	w.t.Helper()
	m, err := app.NewMutation(&app.AssignTicket{Ticket: ticket, Technician: tech}, time.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.server().ApplyAdmin(w.ctx, w.dispatch, m); err != nil {
		w.t.Fatalf("assign %s to %s: %v", ticket, tech, err)
	}
}

func (w *restoreWorld) takeBackup() {
	w.t.Helper()
	w.backup = filepath.Join(w.t.TempDir(), "backup.db")
	if err := w.server().Backup(w.ctx, w.backup); err != nil {
		w.t.Fatal(err)
	}
}

// restore puts the backup in place of the server's database; the photo
// files stay, as on a real restore of the database alone.
func (w *restoreWorld) restore() {
	w.t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	db, err := restoreBackup(w.ctx, w.db, w.backup, central.Config{})
	if err != nil {
		w.t.Fatal(err)
	}
	w.db, w.h = db, central.NewServer(db, nil)
}

// TestEngineRestoreResendsPhotos: a photo attached after the backup was
// taken reaches the restored server, bytes and all, whatever the device
// saw of it before (issue 10 defect 8; simulation seeds 923, 1580, 1012
// and 693 at 120 steps).
func TestEngineRestoreResendsPhotos(t *testing.T) {
	for name, story := range map[string]func(w *restoreWorld) app.Photo{
		// Uploaded and verified; the restore loses the record and its
		// verification. A push without pull (after failed pulls) lowers
		// the device's acknowledgement without a reset; the next request
		// re-pushes and resets with everything acknowledged, so nothing
		// unsent keeps the ticket, which comes back with the photo
		// pending (seeds 1580, 1012).
		"VerifiedBeforeTheRestore": func(w *restoreWorld) app.Photo {
			w.takeBackup()
			p := w.attach(techA, ticketA)
			w.sync(techA)
			w.restore()
			w.commit(techA, &app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: ticketA2, Text: "on another ticket"}})
			w.devs[techA].engine.ForcePushAfter = 0 // push first, as after failed pulls
			return p
		},
		// The old server refused the attach (dispatch had given the
		// ticket to B), so the photo left A's view; the restored server,
		// where the ticket is still A's, takes the re-pushed attach as
		// pending (seed 923).
		"RefusedBeforeTheRestore": func(w *restoreWorld) app.Photo {
			w.takeBackup()
			w.assign(ticketA, techB)
			p := w.attach(techA, ticketA)
			w.sync(techA)
			if d, err := store.NewTicketService(w.devs[techA].store).TicketDetail(w.ctx, ticketA); err == nil && len(d.Photos) != 0 {
				w.t.Fatalf("the refused photo is still in A's view: %+v", d.Photos)
			}
			w.restore()
			return p
		},
		// After the restore the device's re-push is taken but its answer
		// lost; dispatch then gives the ticket to B, so A never pulls the
		// photo pending: A must send the bytes anyway (seed 693).
		"TicketLeavesAfterTheRestore": func(w *restoreWorld) app.Photo {
			w.takeBackup()
			p := w.attach(techA, ticketA)
			w.sync(techA)
			w.restore()
			// The first request learns the restore, the second re-pushes.
			w.syncLosingAnswer(techA, 2)
			w.assign(ticketA, techB)
			return p
		},
	} {
		t.Run(name, func(t *testing.T) {
			w := newRestoreWorld(t)
			p := story(w)
			for range 2 {
				w.sync(techA)
				w.sync(techB)
			}
			srv := w.server()
			d, err := srv.TicketDetail(w.ctx, "t", p.Ticket)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(d.Photos, func(x app.Photo) bool { return x.ID == p.ID })
			if i < 0 || d.Photos[i].State != "verified" {
				t.Errorf("on the restored server the photo is %+v, want it verified", d.Photos)
			}
			w.mu.Lock()
			path := w.h.PhotoPath(p.SHA256)
			w.mu.Unlock()
			if raw, err := os.ReadFile(path); err != nil || !bytes.Equal(raw, bytes.Repeat([]byte("jpeg bytes of "+p.ID+" "), 200)) {
				t.Errorf("the photo's bytes on the server: %d bytes, %v", len(raw), err)
			}
			if q, err := w.devs[techA].store.PhotosToUpload(w.ctx); err != nil || len(q) != 0 {
				t.Errorf("A's upload queue = %+v, %v; want it empty", q, err)
			}
		})
	}
}

// TestEngineRestoreDropsRefusedFacts: the story of seed 740 (issue 10
// defect 9). A ticket moves from A to B and back; B's repair and part are
// accepted and A pulls them while it has work of its own on the ticket.
// The server is restored from a backup taken before any of it: B's
// re-pushed work is refused (the ticket is A's there) into conflicts that
// hold it. A, which kept the ticket through the reset for its unsent
// note, must end with the server's facts: B's work is in B's conflicts,
// not on A's ticket alone.
func TestEngineRestoreDropsRefusedFacts(t *testing.T) {
	w := newRestoreWorld(t)
	w.takeBackup()
	w.assign(ticketA, techB)
	w.sync(techB)
	repair := w.commit(techB, &app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: ticketA, Action: "replaced the pump", Minutes: 30}})
	part := w.commit(techB, &app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: ticketA, Part: "P-1", Qty: 1, From: "van-tech-b"}})
	w.sync(techB)
	w.assign(ticketA, techA)
	w.sync(techA)
	if d, err := store.NewTicketService(w.devs[techA].store).TicketDetail(w.ctx, ticketA); err != nil || len(d.Repairs) != 1 || len(d.Parts) != 1 {
		t.Fatalf("A pulled ticket A with repairs %+v and parts %+v (%v); want B's", d.Repairs, d.Parts, err)
	}
	var notes []string
	for range 6 {
		id := app.NewID()
		w.commit(techA, &app.AddNote{Note: app.Note{ID: id, Ticket: ticketA, Text: "customer called"}})
		notes = append(notes, "n:"+id)
	}
	slices.Sort(notes) // as factIDs lists them
	w.sync(techA)
	// The restored server lacks A's notes too: they are pending again and
	// go one a request, so A keeps the ticket through the reset and still
	// has work on it when the new epoch sends it.
	w.restore()
	w.devs[techA].engine.PushBatch = 1
	for range 2 {
		w.sync(techB)
		w.sync(techA)
	}
	srv := w.server()
	sd, err := srv.TicketDetail(w.ctx, "t", ticketA)
	if err != nil {
		t.Fatal(err)
	}
	ld, err := store.NewTicketService(w.devs[techA].store).TicketDetail(w.ctx, ticketA)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := factIDs(ld), factIDs(sd); a != b || b != strings.Join(notes, ",") {
		t.Errorf("ticket A's facts: device A %q, server %q; want both only A's notes", a, b)
	}
	conflicts, err := srv.Conflicts(w.ctx, "t", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []app.Mutation{repair, part} {
		// The restored server never knew the ticket as B's: PROTOCOL.md
		// (Restores) answers such work as on a ticket never in scope, a
		// rejected conflict that holds it whole.
		if !slices.ContainsFunc(conflicts, func(c app.Conflict) bool {
			return c.Mutation == m.ID && (c.Kind == app.ConflictStaleEpoch || c.Kind == app.ConflictRejected) && c.Ours != ""
		}) {
			t.Errorf("B's %s has no conflict holding it: %+v", m.FullName(), conflicts)
		}
	}
}
