package simulation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

var (
	flagSeeds = flag.Int("seeds", 200, "how many seeds to simulate (make sim SEEDS=n)")
	flagSeed  = flag.Uint64("seed", 0, "simulate only this seed (to replay a failure)")
	flagSteps = flag.Int("steps", 80, "steps per seed")
)

// TestSimulation runs the deterministic simulation over many seeds.
func TestSimulation(t *testing.T) {
	seeds := make([]uint64, 0, *flagSeeds)
	if *flagSeed != 0 {
		seeds = append(seeds, *flagSeed)
	} else {
		for i := range *flagSeeds {
			seeds = append(seeds, uint64(i+1))
		}
	}
	t.Cleanup(func() {
		claimed, shipped := checkedSerials.claimed.Load(), checkedSerials.shipped.Load()
		t.Logf("serialized parts: %d claims with a serial fitted, %d return shipments of a removed serial checked", claimed, shipped)
		if len(seeds) >= 100 && *flagSteps >= 300 && (claimed == 0 || shipped == 0) && !t.Failed() {
			t.Errorf("%d worlds of %d steps checked %d claims with a serial fitted and %d return shipments of a removed serial: the serial checks tested nothing", len(seeds), *flagSteps, claimed, shipped)
		}
		damaged := checkedDamaged.Load()
		t.Logf("damaged parts: %d received shipments with a damaged unit checked", damaged)
		if len(seeds) >= 50 && *flagSteps >= 200 && damaged == 0 && !t.Failed() {
			t.Errorf("%d worlds of %d steps received no shipment with a damaged unit: the damage checks tested nothing", len(seeds), *flagSteps)
		}
	})
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			s := newSim(t, seed, *flagSteps)
			defer s.close()
			defer func() {
				if t.Failed() {
					t.Logf("seed %d failed; replay: %s\nlast events:\n%s", seed, replayCommand(seed, s.steps),
						strings.Join(s.events[max(0, len(s.events)-400):], "\n"))
				}
			}()
			s.run()
			if s.inColumns == 0 && !t.Failed() {
				t.Errorf("seed %d: no answer came in columns", seed)
			}
		})
	}
}

// run plays the world's steps, then heals the network and checks the
// invariants.
func (s *sim) run() {
	for i := 0; i < s.steps && !s.t.Failed(); i++ {
		s.step(i)
	}
	if s.t.Failed() {
		return
	}
	s.quiesce()
	if !s.t.Failed() {
		s.check()
	}
}

// TestSimulationReplaysExactly: what replayCommand prints plays the same
// world again: the same seed and steps give the same events, restore
// included (mutation IDs aside: they are UUIDv7s from the wall clock, and
// nothing depends on them but their uniqueness).
func TestSimulationReplaysExactly(t *testing.T) {
	uuids := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	for _, tc := range []struct {
		seed  uint64
		steps int
	}{{923, 120}, {740, 300}} { // both restore the server
		t.Run(fmt.Sprintf("%d-%d", tc.seed, tc.steps), func(t *testing.T) {
			t.Parallel()
			var plays [2][]string
			for i := range plays {
				func() {
					s := newSim(t, tc.seed, tc.steps)
					defer s.close()
					s.run()
					for _, e := range s.events {
						plays[i] = append(plays[i], uuids.ReplaceAllString(e, "<id>"))
					}
				}()
			}
			if !slices.ContainsFunc(plays[0], func(e string) bool { return strings.Contains(e, "server restored") }) {
				t.Errorf("seed %d at %d steps restores no backup; pick one that does", tc.seed, tc.steps)
			}
			for i := range max(len(plays[0]), len(plays[1])) {
				if i >= len(plays[0]) || i >= len(plays[1]) || plays[0][i] != plays[1][i] {
					t.Errorf("the replay departs at event %d:\n%s\n%s", i, at(plays[0], i), at(plays[1], i))
					break
				}
			}
		})
	}
}

func at(events []string, i int) string {
	if i < len(events) {
		return events[i]
	}
	return "(no more events)"
}

// replayCommand is the command that runs one seed's world again, step
// for step: the world depends on the seed and on the number of steps
// (they place the backup and the restore), on nothing else.
func replayCommand(seed uint64, steps int) string {
	return fmt.Sprintf("go test -count=1 -run 'TestSimulation/^%d$' ./sync/simulation/ -seed %d -steps %d -v", seed, seed, steps)
}

const tenant = "sim"

var errCrash = errors.New("simulated crash")

// sim is one simulated world.
type sim struct {
	// old are the tickets the world starts with closed long ago, loaded
	// with their history rather than made by mutations: the checks of
	// what mutations made leave them out.
	old map[app.TicketID]bool
	// inColumns counts the answers in columns (to the devices that read
	// them): a seed whose pages all came in rows would test nothing of
	// them.
	inColumns int
	t         *testing.T
	seed      uint64
	steps     int
	rng       *rand.Rand
	ctx       context.Context
	dir       string
	now       time.Time
	server    *central.DB
	http      *central.Server
	// dispatch is the back office's principal.
	dispatch   central.Principal
	adminToken string // dispatch's, for the admin API's reads
	devices    []*device
	parts      []app.PartNumber
	// initial stock per location and part, and what dispatch received since.
	stock, stockAtSnapshot map[[2]string]int
	// dispatchReceived counts dispatch's receipts per shipment (returns
	// at the warehouse), as stock counts its movements.
	dispatchReceived, receivedAtSnapshot map[string]int
	// serialMoves are the movements of serialized units that dispatch
	// received (and the world started with); dispatchCmds the shipments
	// and receipts dispatch made (serial_test.go follows their serials).
	serialMoves, serialMovesAtSnapshot   []app.StockMovement
	dispatchCmds, dispatchCmdsAtSnapshot []app.Command
	// claimStates is the state dispatch's last accepted step left each
	// claim in; inWarranty says of each ticket the world made whether it
	// was bought in warranty.
	claimStates, claimStatesAtSnapshot map[string]claimStep
	// lostReceipts are the serialized units whose receipt by dispatch
	// the restore lost, with where they were received.
	lostReceipts map[string]app.LocationID
	// fittedUnits are the serialized units fitted on some device: a
	// technician holds a unit once, and fits it once (fitTwice aside).
	fittedUnits map[string]bool
	// boxedUnits are the serialized units a device shipped back: a unit
	// leaves the bin in one box.
	boxedUnits map[string]bool
	inWarranty map[app.TicketID]bool
	// delayed holds copies of requests that will reach the server again
	// later (a retransmission stuck in the network).
	delayed []delayedRequest
	faults  bool
	// snapshot is the server backup taken at snapshotAt and restored at
	// restoreAt (steps; -1 for none).
	snapshot              string
	snapshotAt, restoreAt int
	events                []string
	ids                   int
}

type delayedRequest struct {
	token string
	body  []byte
	gzip  bool
}

// device is one technician's app: a real store file and a real engine.
type device struct {
	name    string
	tech    app.TechnicianID
	van     app.LocationID
	def     app.LocationID // the technician's defective bin
	id      app.DeviceID
	token   string
	path    string
	db      *store.DB
	replica *crashyReplica
	engine  *fbsync.Engine
	client  *fbsync.Client
	// rows: the device's requests reach the service without
	// fbsync.ColumnsHeader, as an app from before pages in columns (or
	// a service from before them, which ignores it): its pages come in
	// rows. Every other device reads columns.
	rows    bool
	skew    time.Duration
	offline time.Time // offline until then
	// committed lists every mutation the device saved: none may be lost.
	committed []app.Mutation
	// lastEpoch and lastVersion are where its cursor was; it must never go
	// backwards within an epoch.
	lastEpoch   string
	lastVersion int64
}

func (s *sim) logf(format string, args ...any) {
	s.events = append(s.events, fmt.Sprintf("%s ", s.now.Format("01-02 15:04"))+fmt.Sprintf(format, args...))
}

func (s *sim) newID(prefix string) string {
	s.ids++
	return fmt.Sprintf("%s-%d-%d", prefix, s.seed, s.ids)
}

// newPhone is a customer phone number, unique in the run like newID's
// values, that app.CheckCustomerPhone takes: the service refuses a
// ticket.update whose phone is not one. mobile names the writer's range
// ("138" a device's, "139" dispatch's).
func (s *sim) newPhone(mobile string) string {
	s.ids++
	return fmt.Sprintf("+86 %s %d %d", mobile, s.seed, s.ids)
}

// freshID is a fresh ID (app.FreshID, which the central service requires
// of a device's new tickets and facts) that the seed and the count of IDs
// so far determine, so a seed replays exactly. newID makes the rest:
// dispatch's own IDs (order numbers, receipts) and field values.
func (s *sim) freshID() string {
	s.ids++
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", uint32(s.seed), s.ids)
}

func newSim(t *testing.T, seed uint64, steps int) *sim {
	s := &sim{t: t, seed: seed, steps: steps, rng: rand.New(rand.NewPCG(seed, 0xfb)), ctx: context.Background(), dir: simDir(t),
		now: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC), stock: map[[2]string]int{}, dispatchReceived: map[string]int{}, faults: true, snapshotAt: -1, restoreAt: -1}
	var err error
	if s.server, err = central.OpenDB(s.ctx, central.Config{DataDir: filepath.Join(s.dir, "server"), Clock: app.ClockFunc(func() time.Time { return s.now })}); err != nil {
		t.Fatal(err)
	}
	s.http = central.NewServer(s.server, nil)
	if s.rng.IntN(2) == 0 {
		s.snapshotAt = 5 + s.rng.IntN(steps/2)
		s.restoreAt = s.snapshotAt + 1 + s.rng.IntN(steps/2)
	}
	s.seedWorld()
	return s
}

func (s *sim) seedWorld() {
	t := s.t
	n := 2 + s.rng.IntN(3)
	var ds app.Dataset
	for i := range 4 {
		p := app.PartNumber(fmt.Sprintf("PART-%d", i))
		s.parts = append(s.parts, p)
		// Every part but the last fits the tickets' model W1: dispatch
		// substitutes among those.
		var models []string
		if i < 3 {
			models = []string{"W1"}
		}
		ds.Parts = append(ds.Parts, app.Part{Number: p, NameEN: fmt.Sprintf("Part %d", i), Class: app.ClassMain, Models: models})
		ds.Movements = append(ds.Movements, app.StockMovement{ID: s.newID("rcv"), Kind: app.MoveReceive, Part: p, To: warehouse, Qty: 50, At: s.now})
		s.stock[[2]string{string(warehouse), string(p)}] += 50
	}
	ds.Locations = append(ds.Locations, app.Location{ID: warehouse, Kind: app.LocationWarehouse, Name: "Warehouse"})
	for i := range n {
		tech := app.TechnicianID(fmt.Sprintf("tech-%d", i))
		van := app.LocationID(fmt.Sprintf("van-%d", i))
		ds.Technicians = append(ds.Technicians, app.Technician{ID: tech, Name: string(tech), Country: "CN", Van: van})
		ds.Locations = append(ds.Locations, app.Location{ID: van, Kind: app.LocationVan, Name: "Van of " + string(tech), Owner: string(tech)},
			app.Location{ID: defectiveBin(tech), Kind: app.LocationDefective, Name: "Defective " + string(tech), Owner: string(tech)})
		for _, p := range s.parts {
			ds.Movements = append(ds.Movements, app.StockMovement{ID: s.newID("rcv"), Kind: app.MoveReceive, Part: p, To: van, Qty: 5, At: s.now})
			s.stock[[2]string{string(van), string(p)}] += 5
		}
		for range 2 {
			d := app.TicketDetail{Ticket: s.withPurchase(s.newTicket(tech))}
			d.Ticket.Status, d.Ticket.Epoch, d.Ticket.CreatedAt, d.Ticket.UpdatedAt = app.StatusAssigned, 1, s.now, s.now
			ds.Tickets = append(ds.Tickets, d)
		}
		// A ticket closed two months ago: first pulls keep its history
		// back (docs/PROTOCOL.md, "History on demand").
		old := app.TicketDetail{Ticket: s.newTicket(tech)}
		closed := s.now.AddDate(0, -2, 0)
		old.Ticket.Status, old.Ticket.Epoch, old.Ticket.CreatedAt, old.Ticket.UpdatedAt, old.Ticket.CompletedAt = app.StatusClosed, 1, closed.AddDate(0, 0, -2), closed, closed
		old.Repairs = []app.RepairEntry{{ID: s.newID("old-r"), Ticket: old.Ticket.ID, Action: "replaced pump", At: closed},
			{ID: s.newID("old-r"), Ticket: old.Ticket.ID, Action: "tested", At: closed}}
		old.Notes = []app.Note{{ID: s.newID("old-n"), Ticket: old.Ticket.ID, Text: "collected", At: closed}}
		ds.Tickets = append(ds.Tickets, old)
		if s.old == nil {
			s.old = map[app.TicketID]bool{}
		}
		s.old[old.Ticket.ID] = true
	}
	s.seedSerials(&ds)
	if err := s.server.LoadDataset(s.ctx, tenant, ds); err != nil {
		t.Fatal(err)
	}
	tok, err := s.server.CreateAdminToken(s.ctx, tenant, "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	s.adminToken = tok
	if s.dispatch, err = s.server.Authenticate(s.ctx, tok); err != nil {
		t.Fatal(err)
	}
	techs := ds.Technicians
	if s.rng.IntN(2) == 0 {
		// The first technician works on two devices (a tablet and a
		// phone): they share the van, and may both receive one shipment
		// while offline.
		techs = append(techs, techs[0])
	}
	for i, tech := range techs {
		d := &device{name: fmt.Sprintf("dev%d", i), rows: i%2 == 1, tech: tech.ID, van: tech.Van, def: defectiveBin(tech.ID), path: filepath.Join(s.dir, fmt.Sprintf("dev%d.db", i))}
		code, _, err := s.server.CreatePairing(s.ctx, tenant, tech.ID)
		if err != nil {
			t.Fatal(err)
		}
		dev, tok, err := s.server.Pair(s.ctx, code, d.name)
		if err != nil {
			t.Fatal(err)
		}
		d.id, d.token = dev.ID, tok
		d.client = &fbsync.Client{BaseURL: "http://central.sim", Token: tok, HTTP: &http.Client{Transport: &link{s: s, d: d}}}
		s.open(d)
		s.devices = append(s.devices, d)
	}
}

// simDir is the world's folder: in memory (/dev/shm) where there is one.
// Crashes are simulated by closing and reopening the files, so fsync buys
// nothing here and costs most of the run time; the store's durability
// across kill -9 has its own test (store/child_test.go).
func simDir(t *testing.T) string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "fieldbench-sim-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

func (s *sim) newTicket(tech app.TechnicianID) app.Ticket {
	kind := app.KindCarryIn
	if s.rng.IntN(2) == 0 {
		kind = app.KindOnSite
	}
	return app.Ticket{ID: app.TicketID(s.freshID()), Number: s.newID("FB"), Kind: kind, Country: "CN",
		Product: app.Product{Category: app.CategoryAppliance, Brand: "Haier", Model: "W1"},
		// A phone and an address ticket.create takes (app.CheckNewCustomer:
		// a visit needs its address), in a range newPhone never gives.
		Customer: app.Customer{Name: "Customer", Phone: "+86 137 0000 0100", Address: "1 Test Road"}, Priority: app.PriorityNormal, Technician: tech}
}

// open opens (or reopens after a crash) a device's store and engine.
func (s *sim) open(d *device) {
	clock := app.ClockFunc(func() time.Time { return s.now.Add(d.skew) })
	db, err := store.Open(s.ctx, d.path, store.WithClock(clock))
	if err != nil {
		s.t.Fatalf("%s: open store: %v", d.name, err)
	}
	d.db = db
	d.replica = &crashyReplica{DB: db, s: s, d: d}
	d.engine = fbsync.NewEngine(d.replica, d.client)
	up, err := fbsync.NewPhotoUploader(d.replica, store.NewPhotoStore(db), d.client.HTTP, d.client.BaseURL, d.client.Token)
	if err != nil {
		s.t.Fatal(err)
	}
	up.ChunkSize = 1 << 10 // small photos, several chunks each
	d.engine.SetPhotoSender(up)
	d.engine.Clock = clock
	d.engine.Rand = rand.New(rand.NewPCG(s.seed, uint64(len(d.committed))))
	d.engine.PageBytes, d.engine.FirstPageBytes = central.MinPageBytes, central.MinPageBytes // small pages: many of them
	d.engine.PushBatch = 1 + s.rng.IntN(8)
}

func (s *sim) crash(d *device, point string) {
	s.logf("%s crashes (%s)", d.name, point)
	if err := d.db.Close(); err != nil {
		s.t.Fatalf("%s: close: %v", d.name, err)
	}
	s.open(d)
}

func (s *sim) close() {
	for _, d := range s.devices {
		d.db.Close()
	}
	s.server.Close()
}

// crashyReplica is the device store with crash points around applying a
// pulled page, and the cursor monotonicity check.
type crashyReplica struct {
	*store.DB
	s       *sim
	d       *device
	crashAt string
}

func (r *crashyReplica) SetPhotoState(ctx context.Context, id, state string) error {
	err := r.DB.SetPhotoState(ctx, id, state)
	r.s.logf("%s: photo %s -> %s (%v)", r.d.name, id, state, err)
	return err
}

func (r *crashyReplica) ApplyPull(ctx context.Context, page app.PullPage) error {
	if r.crashAt == "before_apply" {
		r.crashAt = ""
		return errCrash
	}
	if err := r.DB.ApplyPull(ctx, page); err != nil {
		return err
	}
	if epoch, v, ok := central.CursorPosition(page.Cursor); ok && page.Cursor != "" {
		if epoch == r.d.lastEpoch && v < r.d.lastVersion {
			r.s.t.Errorf("%s: cursor went back from %d to %d", r.d.name, r.d.lastVersion, v)
		}
		r.d.lastEpoch, r.d.lastVersion = epoch, v
	}
	if r.crashAt == "after_apply" {
		r.crashAt = ""
		return errCrash
	}
	return nil
}

// link is a device's network: it carries requests to the real server
// handler in memory, and loses, duplicates and delays them.
type link struct {
	s *sim
	d *device
}

var errNetwork = errors.New("simulated network failure")

func (l *link) RoundTrip(req *http.Request) (*http.Response, error) {
	s, d := l.s, l.d
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
	}
	if s.now.Before(d.offline) {
		return nil, errNetwork
	}
	if s.faults && s.rng.IntN(100) < 8 {
		s.logf("%s: request dropped", d.name)
		return nil, errNetwork
	}
	serve := func() *http.Response {
		r := httptest.NewRequestWithContext(req.Context(), req.Method, req.URL.RequestURI(), bytes.NewReader(body))
		r.Header = req.Header.Clone()
		if d.rows {
			r.Header.Del(fbsync.ColumnsHeader)
		}
		w := httptest.NewRecorder()
		s.http.ServeHTTP(w, r)
		return w.Result()
	}
	resp := serve()
	if req.URL.Path == "/v1/sync" && resp.Header.Get(fbsync.ColumnsHeader) != "" {
		if d.rows {
			s.t.Errorf("%s asked for rows, and got %s %q", d.name, fbsync.ColumnsHeader, resp.Header.Get(fbsync.ColumnsHeader))
		}
		s.inColumns++
	}
	if s.faults {
		switch x := s.rng.IntN(100); {
		case x < 5:
			s.logf("%s: request duplicated", d.name)
			resp = serve()
		case x < 10 && req.URL.Path == "/v1/sync":
			s.delayed = append(s.delayed, delayedRequest{token: d.token, body: body, gzip: req.Header.Get("Content-Encoding") == "gzip"})
		case x < 18:
			s.logf("%s: answer lost after the server committed", d.name)
			return nil, errNetwork
		}
	}
	return resp, nil
}

// replayDelayed delivers a stuck retransmission; its answer goes nowhere.
func (s *sim) replayDelayed() {
	if len(s.delayed) == 0 {
		return
	}
	i := s.rng.IntN(len(s.delayed))
	dr := s.delayed[i]
	s.delayed = slices.Delete(s.delayed, i, i+1)
	r := httptest.NewRequest(http.MethodPost, "/v1/sync", bytes.NewReader(dr.body))
	r.Header.Set("Authorization", "Bearer "+dr.token)
	if dr.gzip {
		r.Header.Set("Content-Encoding", "gzip")
	}
	w := httptest.NewRecorder()
	s.http.ServeHTTP(w, r)
	s.logf("a delayed request arrives late: HTTP %d", w.Code)
	if w.Code >= 500 {
		s.t.Errorf("late request: HTTP %d: %s", w.Code, w.Body)
	}
}

func (s *sim) step(i int) {
	s.now = s.now.Add(time.Duration(1+s.rng.IntN(90)) * time.Minute)
	if i == s.snapshotAt {
		s.takeSnapshot()
	}
	if i == s.restoreAt {
		s.restore()
	}
	d := s.devices[s.rng.IntN(len(s.devices))]
	switch x := s.rng.IntN(100); {
	case x < 35:
		for range 1 + s.rng.IntN(3) {
			s.act(d)
		}
	case x < 60:
		s.sync(d)
	case x < 72:
		s.dispatchAct()
	case x < 77:
		days := 1 + s.rng.IntN(30)
		d.offline = s.now.Add(time.Duration(days) * 24 * time.Hour)
		s.logf("%s goes offline for %d days", d.name, days)
	case x < 81:
		s.crash(d, "between_actions")
	case x < 85:
		d.skew = time.Duration(s.rng.IntN(240)-120) * time.Minute
		s.logf("%s clock skew now %s", d.name, d.skew)
	case x < 90:
		s.replayDelayed()
	case x < 93:
		s.now = s.now.Add(time.Duration(1+s.rng.IntN(72)) * time.Hour)
	case x < 94:
		s.receiveTwice()
	case x < 96:
		s.fitTwice()
	default:
		d.offline = time.Time{}
		s.sync(d)
	}
}

func (s *sim) sync(d *device) {
	switch x := s.rng.IntN(100); {
	case x < 8:
		d.replica.crashAt = "before_apply"
	case x < 14:
		d.replica.crashAt = "after_apply"
	}
	err := d.engine.SyncOnce(s.ctx)
	point := d.replica.crashAt
	d.replica.crashAt = ""
	switch {
	case errors.Is(err, errCrash):
		s.crash(d, "during sync")
	case err != nil && app.ErrorCode(err) != app.EOFFLINE:
		s.t.Errorf("%s: sync failed: %v", d.name, err)
	default:
		s.logf("%s synced (err %v, crash point unused %q)", d.name, err, point)
	}
}

// act makes the technician do something on one of their open tickets.
func (s *sim) act(d *device) {
	tickets := store.NewTicketService(d.db)
	list, _, err := tickets.FindTickets(s.ctx, app.TicketFilter{Technician: d.tech, Limit: 500})
	if app.ErrorCode(err) == app.ELEASE {
		// Offline past the lease (a long partition): the app shows its
		// locked screen, so the technician records nothing until a sync
		// unlocks it.
		s.logf("%s is locked by its lease", d.name)
		return
	}
	if err != nil {
		s.t.Fatal(err)
	}
	var open, done []app.Ticket
	for _, t := range list {
		if t.Status.Open() {
			open = append(open, t)
		} else {
			done = append(done, t)
		}
	}
	if len(done) > 0 && s.rng.IntN(8) == 0 {
		// The technician opens a closed ticket: its history, when away,
		// is asked for with the next sync (offline, it waits).
		t := done[s.rng.IntN(len(done))]
		if err := d.db.RequestHistory(s.ctx, t.ID); err != nil {
			s.t.Fatalf("%s: request history of %s: %v", d.name, t.Number, err)
		}
		s.logf("%s opens closed ticket %s", d.name, t.Number)
		return
	}
	if len(open) == 0 {
		return
	}
	if s.rng.IntN(4) == 0 {
		// A parcel at the door is counted before anything else.
		if on := s.inTransitTo(d); len(on) > 0 {
			sh := on[s.rng.IntN(len(on))]
			if m, ok := s.commit(d, s.receipt(sh, d.def)); ok {
				s.logf("%s saves %s seq %d for shipment %s (%s)", d.name, m.FullName(), m.Seq, sh.ID, m.ID)
			}
			return
		}
	}
	t := open[s.rng.IntN(len(open))]
	detail, err := tickets.TicketDetail(s.ctx, t.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	var cmd app.Command
	switch x := s.rng.IntN(13); x {
	case 11:
		s.closeDone(d, done)
		return
	case 12:
		s.fitSerialFrom(d, open, list)
		return
	case 7, 8, 9, 10:
		if cmd = s.supplyCommand(d, t, x-7); cmd == nil {
			return
		}
	case 6:
		// A photo: the bytes go into the device's photo store first, the
		// metadata through the outbox, the bytes later by upload.
		raw := make([]byte, 2000+s.rng.IntN(6000))
		for i := range raw {
			raw[i] = byte(s.rng.IntN(256))
		}
		sha, size, err := store.NewPhotoStore(d.db).PutPhoto(s.ctx, bytes.NewReader(raw))
		if err != nil {
			s.t.Fatal(err)
		}
		cmd = &app.AttachPhoto{Photo: app.Photo{ID: s.freshID(), Ticket: t.ID, SHA256: sha, Size: size, Mime: "image/jpeg", Kind: "repair"}}
	case 0, 1:
		var allowed []app.Action
		for _, c := range app.AvailableActions(t, len(detail.Repairs)) {
			if c.Allowed && c.Action != app.ActionCancel {
				allowed = append(allowed, c.Action)
			}
		}
		if len(allowed) == 0 {
			return
		}
		a := allowed[s.rng.IntN(len(allowed))]
		cmd = &app.TransitionTicket{Action: a, Ticket: t.ID, Epoch: t.Epoch, Reason: "simulated", Resolution: app.ResolutionRepaired}
	case 2:
		cmd = &app.LogRepair{Entry: app.RepairEntry{ID: s.freshID(), Ticket: t.ID, Action: "simulated repair", Minutes: 1 + s.rng.IntN(60)}}
	case 3:
		cmd = &app.AddNote{Note: app.Note{ID: s.freshID(), Ticket: t.ID, Text: "simulated note"}}
	case 4:
		part := s.parts[s.rng.IntN(len(s.parts))]
		cmd = &app.ConsumePart{Used: app.PartUsed{ID: s.freshID(), Ticket: t.ID, Part: part, Qty: 1 + s.rng.IntN(3), From: d.van}}
	case 5:
		diag := s.newID("diagnosis")
		u := &app.UpdateTicket{Ticket: t.ID, Set: app.TicketFields{Diagnosis: &diag}}
		if s.rng.IntN(2) == 0 {
			phone, seen := s.newPhone("138"), t.Customer.Phone
			u.Set.CustomerPhone, u.Base.CustomerPhone = &phone, &seen
		}
		cmd = u
	}
	m, ok := s.commit(d, cmd)
	if !ok {
		return
	}
	s.boxed(cmd)
	s.logf("%s saves %s seq %d on %s (%s)", d.name, m.FullName(), m.Seq, t.Number, m.ID)
	if p, ok := cmd.(*app.AttachPhoto); ok {
		s.logf("%s: photo %s is %s", d.name, p.Photo.ID, p.Photo.SHA256[:8])
	}
}

// commit saves cmd on d as its technician; false when the device refused
// it (nothing was saved).
func (s *sim) commit(d *device, cmd app.Command) (app.Mutation, bool) {
	m, err := store.NewCommitter(d.db).Commit(s.ctx, app.Actor{Role: app.RoleTechnician, Technician: d.tech, Name: string(d.tech)}, cmd)
	if err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			s.t.Fatalf("%s: commit %T: %v", d.name, cmd, err)
		}
		return app.Mutation{}, false
	}
	d.committed = append(d.committed, m)
	return m, true
}

// dispatchAct is the back office at work on the server.
func (s *sim) dispatchAct() {
	switch s.rng.IntN(3) {
	case 0:
		s.dispatchSupply()
		return
	case 1:
		s.dispatchSerials()
		return
	}
	all, err := s.server.Tickets(s.ctx, tenant, "")
	if err != nil {
		s.t.Fatal(err)
	}
	var open []app.Ticket
	for _, t := range all {
		if t.Status.Open() {
			open = append(open, t)
		}
	}
	tech := s.devices[s.rng.IntN(len(s.devices))].tech
	var cmd app.Command
	x := s.rng.IntN(6)
	if len(open) == 0 {
		x = 0
	}
	switch x {
	case 0:
		cmd = &app.CreateTicket{Ticket: s.withPurchase(s.newTicket(tech))}
	case 1:
		cmd = &app.AssignTicket{Ticket: open[s.rng.IntN(len(open))].ID, Technician: tech}
	case 2:
		start := s.now.Add(time.Duration(s.rng.IntN(72)) * time.Hour)
		cmd = &app.ScheduleTicket{Ticket: open[s.rng.IntN(len(open))].ID, WindowStart: start, WindowEnd: start.Add(2 * time.Hour)}
	case 3:
		t := open[s.rng.IntN(len(open))]
		cmd = &app.TransitionTicket{Action: app.ActionCancel, Ticket: t.ID, Epoch: t.Epoch, Reason: "customer cancelled"}
	case 4:
		// Dispatch shows the phone it has and sends it as base.
		t := open[s.rng.IntN(len(open))]
		phone, seen := s.newPhone("139"), t.Customer.Phone
		cmd = &app.UpdateTicket{Ticket: t.ID, Set: app.TicketFields{CustomerPhone: &phone}, Base: app.TicketFields{CustomerPhone: &seen}}
	case 5:
		d := s.devices[s.rng.IntN(len(s.devices))]
		part := s.parts[s.rng.IntN(len(s.parts))]
		cmd = &app.MoveStock{Kind: app.MoveReceive, Movement: app.StockMovement{ID: s.newID("rcv"), Part: part, To: d.van, Qty: 5}}
	}
	m, ok := s.applyDispatch(cmd)
	if !ok {
		return
	}
	if mv, ok := cmd.(*app.MoveStock); ok {
		s.stock[[2]string{string(mv.Movement.To), string(mv.Movement.Part)}] += mv.Movement.Qty
	}
	s.logf("dispatch %s", m.FullName())
}

// applyDispatch applies cmd as dispatch through the service's admin path.
// It reports false when the service refused it (logged): a refusal is an
// answer the world may give; an internal error fails the run.
func (s *sim) applyDispatch(cmd app.Command) (app.Mutation, bool) {
	m, err := app.NewMutation(cmd, s.now)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.server.ApplyAdmin(s.ctx, s.dispatch, m); err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			s.t.Fatalf("dispatch %s: %v", m.FullName(), err)
		}
		s.logf("dispatch %s refused: %v", m.FullName(), err)
		return m, false
	}
	return m, true
}

func (s *sim) takeSnapshot() {
	s.snapshot = filepath.Join(s.dir, "backup.db")
	if err := s.server.Backup(s.ctx, s.snapshot); err != nil {
		s.t.Fatal(err)
	}
	// Dispatch's receipts after the backup are server-side actions that
	// the restore loses (devices re-push only their own work).
	s.stockAtSnapshot = maps.Clone(s.stock)
	s.receivedAtSnapshot = maps.Clone(s.dispatchReceived)
	s.serialMovesAtSnapshot = slices.Clone(s.serialMoves)
	s.dispatchCmdsAtSnapshot = slices.Clone(s.dispatchCmds)
	s.claimStatesAtSnapshot = maps.Clone(s.claimStates)
	s.logf("server backup taken")
}

// restore replaces the server's database with the backup, as an operator
// would after losing the disk, and mints a new epoch.
func (s *sim) restore() {
	if s.snapshot == "" {
		return
	}
	var err error
	if s.server, err = restoreBackup(s.ctx, s.server, s.snapshot, central.Config{Clock: app.ClockFunc(func() time.Time { return s.now })}); err != nil {
		s.t.Fatal(err)
	}
	s.http = central.NewServer(s.server, nil)
	s.delayed = nil // requests in flight died with the old server
	s.stock = s.stockAtSnapshot
	s.dispatchReceived = s.receivedAtSnapshot
	for _, m := range s.serialMoves[len(s.serialMovesAtSnapshot):] {
		// A unit dispatch received after the backup is in the van, and
		// the restored server does not know it: a device that fits it
		// takes it from where the server has none.
		if s.lostReceipts == nil {
			s.lostReceipts = map[string]app.LocationID{}
		}
		s.lostReceipts[m.Serial] = m.To
	}
	s.serialMoves, s.dispatchCmds, s.claimStates = s.serialMovesAtSnapshot, s.dispatchCmdsAtSnapshot, s.claimStatesAtSnapshot
	s.logf("server restored from backup")
}

// restoreBackup does what an operator does after losing the database of
// the embedded SQLite service db: stop it, put the backup in place of its
// database, start it again (with cfg, on db's data directory, whose photo
// files stay) and mint a new epoch with restore-epoch.
func restoreBackup(ctx context.Context, db *central.DB, backup string, cfg central.Config) (*central.DB, error) {
	path := db.Path()
	if err := db.Close(); err != nil {
		return nil, err
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	raw, err := os.ReadFile(backup)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		return nil, err
	}
	cfg.DataDir = filepath.Dir(path)
	restored, err := central.OpenDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := restored.RestoreEpoch(ctx); err != nil {
		restored.Close()
		return nil, err
	}
	return restored, nil
}

// quiesce heals the network and syncs every device until every outbox is
// empty (liveness), then once more so each sees everyone's last changes.
func (s *sim) quiesce() {
	s.faults = false
	s.delayed = nil
	for _, d := range s.devices {
		d.offline = time.Time{}
		d.replica.crashAt = ""
	}
	for round := 0; ; round++ {
		drained := true
		for _, d := range s.devices {
			s.now = s.now.Add(time.Minute)
			if err := d.engine.SyncOnce(s.ctx); err != nil {
				s.t.Fatalf("%s: sync on a healed network: %v", d.name, err)
			}
			st, err := d.db.SyncState(s.ctx)
			if err != nil {
				s.t.Fatal(err)
			}
			drained = drained && st.Pending == 0
		}
		if drained {
			break
		}
		if round == 5 {
			for _, d := range s.devices {
				st, _ := d.db.SyncState(s.ctx)
				s.t.Errorf("liveness: %s still has %d pending after the network healed", d.name, st.Pending)
			}
			return
		}
	}
	for _, d := range s.devices {
		if s.rng.IntN(2) == 0 {
			// This technician opens every closed ticket before the last
			// sync: it brings all their histories.
			list, _, err := store.NewTicketService(d.db).FindTickets(s.ctx, app.TicketFilter{Limit: 10000})
			if err != nil {
				s.t.Fatal(err)
			}
			for _, t := range list {
				if !t.Status.Open() {
					if err := d.db.RequestHistory(s.ctx, t.ID); err != nil {
						s.t.Fatalf("%s: request history of %s: %v", d.name, t.Number, err)
					}
				}
			}
			s.logf("%s opens every closed ticket", d.name)
		}
		if err := d.engine.SyncOnce(s.ctx); err != nil {
			s.t.Fatalf("%s: final sync: %v", d.name, err)
		}
	}
}

// check verifies docs/SYNC-DESIGN.md's invariants at quiescence.
func (s *sim) check() {
	t := s.t
	ctx := s.ctx
	conflicts, err := s.server.Conflicts(ctx, tenant, false)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]app.Conflict{}
	for _, c := range conflicts {
		byID[c.ID] = c
		// 6. Nothing discarded without a reason code.
		if c.Code == "" || c.Key == "" || c.Message == "" {
			t.Errorf("conflict %s has no reason: %+v", c.ID, c)
		}
	}
	applied := map[string]central.Applied{} // every device mutation the server took
	for _, d := range s.devices {
		as, err := s.server.AppliedBy(ctx, tenant, d.id)
		if err != nil {
			t.Fatal(err)
		}
		st, err := d.db.SyncState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// 2. Exactly once and in order: seqs 1..last_seq, each once.
		for i, a := range as {
			if a.Seq != int64(i+1) {
				t.Fatalf("%s: applied seqs are not 1..n: position %d holds seq %d", d.name, i, a.Seq)
			}
			if _, dup := applied[a.Mutation]; dup {
				t.Errorf("%s: mutation %s applied twice", d.name, a.Mutation)
			}
			applied[a.Mutation] = a
		}
		if int64(len(as)) != st.LastSeq {
			t.Errorf("%s: server took %d mutations, the device made %d", d.name, len(as), st.LastSeq)
		}
		local, err := d.db.OpenConflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// 1. No acknowledged write lost: applied, or a conflict on the
		// server and on the device.
		for _, m := range d.committed {
			a, ok := applied[m.ID]
			switch {
			case !ok:
				t.Errorf("%s: saved %s seq %d was lost", d.name, m.FullName(), m.Seq)
			case a.Status == "rejected":
				if _, ok := byID[a.Conflict]; !ok {
					t.Errorf("%s: %s was rejected without a conflict record", d.name, m.FullName())
				}
				if !slices.ContainsFunc(local, func(c app.Conflict) bool { return c.ID == a.Conflict }) {
					t.Errorf("%s: the conflict of rejected %s did not reach the device", d.name, m.FullName())
				}
			}
		}
		s.checkProjection(d)
		// 7. Photos leave the upload queue: their bytes reached the
		// server, or their attach was refused (its conflict holds it).
		if q, err := d.db.PhotosToUpload(ctx); err != nil || len(q) != 0 {
			t.Errorf("%s: photos still waiting for upload after the network healed: %+v (%v; photo error %v)", d.name, q, err, d.engine.Status().PhotoErr)
		}
	}
	s.checkPhotos(applied)
	s.checkEffects(applied)
	s.checkStock(applied)
	s.checkHistories(applied, byID)
	s.checkSupply(applied, byID)
	s.checkSerials(applied, conflicts)
	s.checkClaims(applied)
	s.checkFieldConflicts(conflicts)
}

// checkFieldConflicts: 8. an open field conflict offers the value in
// force, as one side's: each side's value in it is the latest that side
// wrote (PROTOCOL.md, "Ticket merge rules"), so keep mine or take theirs
// never puts back a value older than one its side wrote since.
func (s *sim) checkFieldConflicts(open []app.Conflict) {
	tickets, err := s.server.Tickets(s.ctx, tenant, "")
	if err != nil {
		s.t.Fatal(err)
	}
	byID := map[app.TicketID]app.Ticket{}
	for _, t := range tickets {
		byID[t.ID] = t
	}
	for _, c := range open {
		if c.Kind != app.ConflictField {
			continue
		}
		t := byID[c.Ticket]
		inForce := t.Customer.Phone
		if c.Field == app.FieldCustomerAddress {
			inForce = t.Customer.Address
		}
		if inForce != c.Ours && inForce != c.Theirs {
			s.t.Errorf("field conflict %s (%s) on ticket %s offers ours %q and theirs %q; the value in force %q is neither", c.ID, c.Key, c.Ticket, c.Ours, c.Theirs, inForce)
		}
	}
}

// checkProjection: 3. a device's rows equal the server's projection of its
// scopes.
func (s *sim) checkProjection(d *device) {
	t, ctx := s.t, s.ctx
	want, err := s.server.Tickets(ctx, tenant, d.tech)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := store.NewTicketService(d.db).FindTickets(ctx, app.TicketFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ts []app.Ticket) []app.TicketID {
		var out []app.TicketID
		for _, t := range ts {
			out = append(out, t.ID)
		}
		slices.Sort(out)
		return out
	}
	if !slices.Equal(ids(got), ids(want)) {
		t.Errorf("%s holds tickets %v, the server assigns it %v", d.name, ids(got), ids(want))
		return
	}
	for _, w := range want {
		sd, err := s.server.TicketDetail(ctx, tenant, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		ld, err := store.NewTicketService(d.db).TicketDetail(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := mustJSON(ld.Ticket), mustJSON(sd.Ticket); a != b {
			t.Errorf("%s: ticket %s differs from the server's:\ndevice %s\nserver %s", d.name, w.Number, a, b)
		}
		if ld.Away != nil {
			// The history is on the server only: the device holds the
			// rest, and the counts are what it lacks.
			s.checkAway(d, w.Number, ld, sd)
			continue
		}
		if a, b := factIDs(ld), factIDs(sd); a != b {
			t.Errorf("%s: facts of %s differ: device %s, server %s", d.name, w.Number, a, b)
		}
		if a, b := photoStates(ld), photoStates(sd); a != b {
			t.Errorf("%s: photos of %s differ: device %s, server %s", d.name, w.Number, a, b)
		}
	}
	// Its van and its defective bin: a receipt or a return shipment the
	// server refused leaves no trace in either.
	for _, loc := range []app.LocationID{d.van, d.def} {
		sb, err := s.server.Balances(ctx, tenant, loc)
		if err != nil {
			t.Fatal(err)
		}
		lb, err := store.NewPartService(d.db).Balances(ctx, loc)
		if err != nil {
			t.Fatal(err)
		}
		server := map[app.PartNumber]int{}
		for _, b := range sb {
			server[b.Part] = b.Qty
		}
		for _, b := range lb {
			if b.Qty != server[b.Part] || b.Pending != 0 {
				t.Errorf("%s: %s at %s is %d (%d pending) on the device, %d on the server", d.name, b.Part, loc, b.Qty, b.Pending, server[b.Part])
			}
			delete(server, b.Part)
		}
		for p, q := range server {
			if q != 0 {
				t.Errorf("%s: the device lacks %s at %s (%d on the server)", d.name, p, loc, q)
			}
		}
	}
}

// checkAway: a ticket held without its history holds a part of the
// server's facts, and its counts are exactly the rest.
func (s *sim) checkAway(d *device, number string, local, server app.TicketDetail) {
	lacks := func(kind string, local, server []string, away int) {
		for _, id := range local {
			if !slices.Contains(server, id) {
				s.t.Errorf("%s: %s %s of %s is not on the server", d.name, kind, id, number)
			}
		}
		if got := len(server) - len(local); got != away {
			s.t.Errorf("%s: %s lacks %d %s, its counts say %d", d.name, number, got, kind, away)
		}
	}
	ids := func(n int, id func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = id(i)
		}
		return out
	}
	a := local.Away
	lacks("repairs", ids(len(local.Repairs), func(i int) string { return local.Repairs[i].ID }), ids(len(server.Repairs), func(i int) string { return server.Repairs[i].ID }), a.Repairs)
	lacks("parts used", ids(len(local.Parts), func(i int) string { return local.Parts[i].ID }), ids(len(server.Parts), func(i int) string { return server.Parts[i].ID }), a.PartsUsed)
	lacks("notes", ids(len(local.Notes), func(i int) string { return local.Notes[i].ID }), ids(len(server.Notes), func(i int) string { return server.Notes[i].ID }), a.Notes)
	lacks("photos", ids(len(local.Photos), func(i int) string { return local.Photos[i].ID }), ids(len(server.Photos), func(i int) string { return server.Photos[i].ID }), a.Photos)
}

// photoStates lists a ticket's photos with their upload states.
func photoStates(d app.TicketDetail) string {
	var ps []string
	for _, p := range d.Photos {
		ps = append(ps, p.ID+":"+p.State)
	}
	slices.Sort(ps)
	return strings.Join(ps, ",")
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func factIDs(d app.TicketDetail) string {
	var ids []string
	for _, r := range d.Repairs {
		ids = append(ids, "r:"+r.ID)
	}
	for _, p := range d.Parts {
		ids = append(ids, "p:"+p.ID)
	}
	for _, n := range d.Notes {
		ids = append(ids, "n:"+n.ID)
	}
	slices.Sort(ids)
	return strings.Join(ids, ",")
}

// devicesMutations decodes every saved device mutation with its fate.
func (s *sim) devicesMutations(applied map[string]central.Applied) []struct {
	m   app.Mutation
	cmd app.Command
	a   central.Applied
} {
	var out []struct {
		m   app.Mutation
		cmd app.Command
		a   central.Applied
	}
	for _, d := range s.devices {
		for _, m := range d.committed {
			cmd, err := app.DecodeMutation(m)
			if err != nil {
				s.t.Fatal(err)
			}
			out = append(out, struct {
				m   app.Mutation
				cmd app.Command
				a   central.Applied
			}{m, cmd, applied[m.ID]})
		}
	}
	return out
}

// checkEffects: 2. every applied fact is on the server exactly once.
func (s *sim) checkEffects(applied map[string]central.Applied) {
	want := map[app.TicketID]map[string]bool{}
	minutes := map[app.TicketID]int{}
	for _, x := range s.devicesMutations(applied) {
		if x.a.Status != "applied" {
			continue
		}
		id := ""
		switch c := x.cmd.(type) {
		case *app.LogRepair:
			id = "r:" + c.Entry.ID
			minutes[c.Entry.Ticket] += c.Entry.Minutes
		case *app.ConsumePart:
			id = "p:" + c.Used.ID
		case *app.AddNote:
			id = "n:" + c.Note.ID
		default:
			continue
		}
		tk := app.TicketOf(x.cmd)
		if want[tk] == nil {
			want[tk] = map[string]bool{}
		}
		want[tk][id] = true
	}
	all, err := s.server.Tickets(s.ctx, tenant, "")
	if err != nil {
		s.t.Fatal(err)
	}
	for _, t := range all {
		if s.old[t.ID] {
			continue
		}
		d, err := s.server.TicketDetail(s.ctx, tenant, t.ID)
		if err != nil {
			s.t.Fatal(err)
		}
		var ids []string
		for id := range want[t.ID] {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if got := factIDs(d); got != strings.Join(ids, ",") {
			s.t.Errorf("ticket %s holds facts %s; the applied mutations made %s", t.Number, got, strings.Join(ids, ","))
		}
		if t.LabourMinutes != minutes[t.ID] {
			s.t.Errorf("ticket %s has %d labour minutes, the applied repairs sum to %d", t.Number, t.LabourMinutes, minutes[t.ID])
		}
	}
}

// checkStock: 4. the server's balance is the initial stock plus every
// applied movement.
func (s *sim) checkStock(applied map[string]central.Applied) {
	want := map[[2]string]int{}
	for k, v := range s.stock {
		want[k] = v
	}
	for _, x := range s.devicesMutations(applied) {
		if x.a.Status != "applied" {
			continue
		}
		for k, v := range s.stockEffect(x.cmd) {
			want[k] += v
		}
	}
	bs, err := s.server.Balances(s.ctx, tenant, "")
	if err != nil {
		s.t.Fatal(err)
	}
	got := map[[2]string]int{}
	for _, b := range bs {
		got[[2]string{string(b.Location), string(b.Part)}] = b.Qty
	}
	for k, v := range want {
		if got[k] != v {
			s.t.Errorf("stock of %s at %s is %d, want %d (initial + dispatch's receipts and shipments + applied device movements)", k[1], k[0], got[k], v)
		}
	}
}

// checkHistories: 5. every ticket's history is a path of the state
// machine, and no device transition made on a stale assignment epoch was
// applied: each became a stale_epoch conflict.
func (s *sim) checkHistories(applied map[string]central.Applied, conflicts map[string]app.Conflict) {
	histories := map[app.TicketID][]central.Step{}
	all, err := s.server.Tickets(s.ctx, tenant, "")
	if err != nil {
		s.t.Fatal(err)
	}
	for _, t := range all {
		if s.old[t.ID] {
			continue
		}
		h, err := s.server.TicketHistory(s.ctx, tenant, t.ID)
		if err != nil {
			s.t.Fatal(err)
		}
		histories[t.ID] = h
		for i, st := range h {
			if i > 0 && st.From != h[i-1].To {
				s.t.Errorf("ticket %s: step %d starts at %s, the previous ended at %s", t.Number, i, st.From, h[i-1].To)
			}
			if st.From != "" && !app.ValidStep(st.From, st.To) {
				s.t.Errorf("ticket %s: invalid step %s -> %s", t.Number, st.From, st.To)
			}
		}
	}
	for _, x := range s.devicesMutations(applied) {
		tr, ok := x.cmd.(*app.TransitionTicket)
		if !ok {
			continue
		}
		epoch := 0
		for _, st := range histories[tr.Ticket] {
			if st.Version < x.a.Version {
				epoch = st.Epoch
			}
		}
		switch {
		case x.a.Status == "applied" && epoch != 0 && tr.Epoch != epoch:
			s.t.Errorf("%s on epoch %d was applied while the ticket was on epoch %d", x.m.FullName(), tr.Epoch, epoch)
		case x.a.Status == "rejected" && tr.Epoch != epoch && epoch != 0:
			c := conflicts[x.a.Conflict]
			if s.restoreAt >= 0 && c.Kind == app.ConflictRejected && c.Key == "central.not_found" {
				// The restore lost the assignment the device worked on: the
				// restored server never had the ticket in the device's
				// scopes, and answers as for any such ticket.
				continue
			}
			if c.Kind != app.ConflictStaleEpoch {
				s.t.Errorf("%s on stale epoch %d (ticket at %d) raised a %s conflict, want stale_epoch", x.m.FullName(), tr.Epoch, epoch, c.Kind)
			}
		}
	}
}

// checkPhotos: 7. every applied photo's bytes reached the server and were
// verified against their hash, the device shows it verified, and no local
// original was deleted.
func (s *sim) checkPhotos(applied map[string]central.Applied) {
	for _, x := range s.devicesMutations(applied) {
		c, ok := x.cmd.(*app.AttachPhoto)
		if !ok {
			continue
		}
		d := s.deviceOf(x.m)
		local, err := store.NewPhotoStore(d.db).OpenPhoto(s.ctx, c.Photo.SHA256)
		if err != nil {
			s.t.Errorf("%s: the local photo %s is gone: %v", d.name, c.Photo.ID, err)
			continue
		}
		local.Close()
		if x.a.Status != "applied" {
			continue
		}
		raw, err := os.ReadFile(s.http.PhotoPath(c.Photo.SHA256))
		if err != nil {
			queue, _ := d.db.PhotosToUpload(s.ctx)
			s.t.Errorf("photo %s never reached the server: %v (the device's upload queue: %+v; photo error %v)", c.Photo.ID, err, queue, d.engine.Status().PhotoErr)
			continue
		}
		if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != c.Photo.SHA256 {
			s.t.Errorf("photo %s is stored with other bytes", c.Photo.ID)
		}
		sd, err := s.server.TicketDetail(s.ctx, tenant, c.Photo.Ticket)
		if err != nil {
			s.t.Fatal(err)
		}
		for _, p := range sd.Photos {
			if p.ID == c.Photo.ID && p.State != "verified" {
				s.t.Errorf("photo %s is %q on the server, want verified", p.ID, p.State)
			}
		}
	}
}

// deviceOf returns the device that saved m.
func (s *sim) deviceOf(m app.Mutation) *device {
	for _, d := range s.devices {
		for _, c := range d.committed {
			if c.ID == m.ID {
				return d
			}
		}
	}
	s.t.Fatalf("no device saved %s", m.ID)
	return nil
}
