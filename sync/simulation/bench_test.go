package simulation

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
	"github.com/klauspost/compress/zstd"
)

// The 2G link of the anchor: about 100 kbit/s and a 600 ms round
// trip. A sync's time on it is modelled from what was measured on
// loopback: one round trip per request plus the bytes at the link's rate,
// plus the CPU time the sync took here.
const (
	linkBitsPerSecond = 100_000
	linkRoundTrip     = 600 * time.Millisecond
)

// The transport of the benchmarks, to compare TLS with plain HTTP:
//
//	-tls    the service speaks TLS with a certificate it made, as
//	        `central -data DIR` does, and the device pins it (the app's
//	        transport: net/http's default one with the pin, HTTP/2)
//	-fresh  every measured sync opens a new connection, as a device
//	        syncing every few minutes does once idle connections closed
var (
	benchTLS   = flag.Bool("tls", false, "benchmarks: serve the central service over TLS, the device pinning its certificate")
	benchFresh = flag.Bool("fresh", false, "benchmarks: every measured sync opens a new connection")
	// -payloads FILE appends every answer's body, decompressed, to FILE:
	// the data actually sent, to compare the wire with `xz -9e` of it.
	benchPayloads = flag.String("payloads", "", "benchmarks: append every answer's decompressed body to this file")
	// -rows: the device does not say it reads pages in columns, as an app
	// from before them: its pages come in rows.
	benchRows = flag.Bool("rows", false, "benchmarks: the device asks for pages in rows, as an app from before columns")
)

// meter counts what crosses the TCP connections of one client: request
// and response lines, headers and bodies, as on the wire (without the
// TCP/IP headers; with TLS, its records and handshakes), the number of
// requests and of connections opened.
type meter struct {
	up, down, requests, conns atomic.Int64
	h2                        atomic.Int64 // requests answered over HTTP/2
	tls                       bool
	closeIdle                 func()
}

// reset zeroes the counts before a measured sync; with -fresh it also
// closes the idle connections, so the sync opens its own.
func (m *meter) reset() {
	m.up.Store(0)
	m.down.Store(0)
	m.requests.Store(0)
	m.conns.Store(0)
	m.h2.Store(0)
	if *benchFresh {
		m.closeIdle()
	}
}

func (m *meter) wire() int64 { return m.up.Load() + m.down.Load() }

// linkTime is the modelled time of what was counted on the 2G link: a
// TLS 1.3 handshake adds one round trip per connection (TCP's own
// handshake is left out on both sides).
func (m *meter) linkTime() time.Duration {
	bits := float64(m.wire() * 8)
	trips := m.requests.Load()
	if m.tls {
		trips += m.conns.Load()
	}
	return time.Duration(trips)*linkRoundTrip + time.Duration(bits/linkBitsPerSecond*float64(time.Second))
}

type countingConn struct {
	net.Conn
	m *meter
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.m.down.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.m.up.Add(int64(n))
	return n, err
}

// dumpPayload appends res's body, decompressed, to the file at path and
// leaves the body readable as it came.
func dumpPayload(res *http.Response, path string) error {
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	res.Body = io.NopCloser(bytes.NewReader(raw))
	plain := raw
	switch res.Header.Get("Content-Encoding") {
	case "zstd":
		d, _ := zstd.NewReader(nil)
		defer d.Close()
		if plain, err = d.DecodeAll(raw, nil); err != nil {
			return err
		}
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return err
		}
		if plain, err = io.ReadAll(zr); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(plain)
	return errors.Join(err, f.Close())
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// meteredClient is a device's client of w, counting its traffic.
func (w *benchWorld) meteredClient(token string) (*fbsync.Client, *meter) {
	m := &meter{tls: w.fp != ""}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		m.conns.Add(1)
		return &countingConn{Conn: c, m: m}, nil
	}
	var rt http.RoundTripper
	if w.fp != "" {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DialContext = dial
		rt, m.closeIdle = fbsync.Link{Fingerprint: w.fp}.Transport(tr), tr.CloseIdleConnections
	} else {
		tr := &http.Transport{DialContext: dial}
		rt, m.closeIdle = tr, tr.CloseIdleConnections
	}
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		m.requests.Add(1)
		if *benchRows {
			r = r.Clone(r.Context())
			r.Header.Del(fbsync.ColumnsHeader)
		}
		res, err := rt.RoundTrip(r)
		if err == nil && res.ProtoMajor == 2 {
			m.h2.Add(1)
		}
		if err == nil && *benchPayloads != "" {
			err = dumpPayload(res, *benchPayloads)
		}
		return res, err
	})}
	return &fbsync.Client{BaseURL: w.url, Token: token, HTTP: hc}, m
}

// benchWorld is a central service on loopback with a demo world, and a
// paired device of the demo technician.
type benchWorld struct {
	db       *central.DB
	url      string
	fp       string // the pinned certificate's, with -tls
	dispatch central.Principal
}

func newBenchWorld(b *testing.B, cfg central.Config, size demo.Size) *benchWorld {
	return newBenchWorldOf(b, cfg, demo.Generate(1, size, benchNow))
}

var benchNow = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// anchorDataset has the PouchDB anchor's shape: 10,000 tickets of about
// 1 KB (the demo's, without their history of repairs and movements) and
// 50,000 parts of about 150 bytes (number, English name, class, brand, one
// compatible model, one price), all in the demo technician's scopes.
func anchorDataset() app.Dataset {
	full := demo.Generate(1, demo.Size{Models: 400, Parts: 50000, Tickets: 10000, Technicians: 1}, benchNow)
	ds := app.Dataset{Technicians: full.Technicians, Locations: full.Locations, RuleSets: full.RuleSets}
	for _, d := range full.Tickets {
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: d.Ticket})
	}
	for _, p := range full.Parts {
		ds.Parts = append(ds.Parts, app.Part{Number: p.Number, NameEN: p.NameEN, Class: p.Class, Brand: p.Brand,
			Models: p.Models[:min(1, len(p.Models))], Prices: p.Prices[:min(1, len(p.Prices))]})
	}
	// Stock in the van, so a ticket can be completed with parts.
	for i, p := range ds.Parts[:20] {
		ds.Movements = append(ds.Movements, app.StockMovement{ID: fmt.Sprintf("anchor-rcv-%d", i), Kind: app.MoveReceive, Part: p.Number, To: "van-tech-demo", Qty: 10, At: benchNow})
	}
	return ds
}

var (
	anchorOnce gosync.Once
	anchorData app.Dataset
)

func anchor() app.Dataset {
	anchorOnce.Do(func() { anchorData = anchorDataset() })
	return anchorData
}

// loadParts splits a world of more than 10,000 tickets into datasets
// loaded one after the other: the reference data, the tickets (with their
// facts) 10,000 at a time, then movements, part requests and shipments,
// movements 50,000 at a time. Loaded whole, 50,000 tickets are one write
// that outlasts the service's bound of a write transaction (2 minutes) on
// a loaded 2-core machine. A smaller world loads whole, as before.
func loadParts(ds app.Dataset) []app.Dataset {
	const tickets, movements = 10000, 50000
	if len(ds.Tickets) <= tickets {
		return []app.Dataset{ds}
	}
	parts := []app.Dataset{{Technicians: ds.Technicians, Locations: ds.Locations, Parts: ds.Parts, RuleSets: ds.RuleSets}}
	for ts := range slices.Chunk(ds.Tickets, tickets) {
		parts = append(parts, app.Dataset{Tickets: ts})
	}
	for ms := range slices.Chunk(ds.Movements, movements) {
		parts = append(parts, app.Dataset{Movements: ms})
	}
	return append(parts, app.Dataset{PartRequests: ds.PartRequests, Shipments: ds.Shipments})
}

func newBenchWorldOf(b *testing.B, cfg central.Config, ds app.Dataset) *benchWorld {
	b.Helper()
	ctx := context.Background()
	db, err := central.OpenDB(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	for _, part := range loadParts(ds) {
		if err := db.LoadDataset(ctx, "bench", part); err != nil {
			b.Fatal(err)
		}
	}
	w := &benchWorld{db: db}
	h := central.NewServer(db, nil)
	// BenchmarkIdleWait's waits end at this bound, not at the 50 s of a
	// service (no other benchmark waits): a wait's bytes do not depend on
	// how long it was held.
	h.WaitBound = 200 * time.Millisecond
	srv := httptest.NewUnstartedServer(h)
	if *benchTLS {
		cert, err := central.LoadCertificate(b.TempDir(), "", "", nil)
		if err != nil {
			b.Fatal(err)
		}
		srv.TLS, w.fp = cert.TLSConfig(), cert.Fingerprint
		srv.StartTLS()
	} else {
		srv.Start()
	}
	b.Cleanup(srv.Close)
	w.url = srv.URL
	tok, err := db.CreateAdminToken(ctx, "bench", "dispatch")
	if err != nil {
		b.Fatal(err)
	}
	if w.dispatch, err = db.Authenticate(ctx, tok); err != nil {
		b.Fatal(err)
	}
	return w
}

func (w *benchWorld) pair(b *testing.B, tech app.TechnicianID) string {
	ctx := context.Background()
	code, _, err := w.db.CreatePairing(ctx, "bench", tech)
	if err != nil {
		b.Fatal(err)
	}
	resp, err := (&fbsync.Client{BaseURL: w.url, HTTP: fbsync.Link{Fingerprint: w.fp}.HTTPClient()}).Pair(ctx, code, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return resp.Token
}

// device opens a fresh store file and a metered engine for it.
func (w *benchWorld) device(b *testing.B, token string) (*store.DB, *fbsync.Engine, *meter) {
	b.Helper()
	s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "device.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	c, m := w.meteredClient(token)
	return s, fbsync.NewEngine(s, c), m
}

func report(b *testing.B, m *meter, cpu time.Duration) {
	b.ReportMetric(float64(m.wire()), "wire-B")
	b.ReportMetric(float64(m.up.Load()), "up-B")
	b.ReportMetric(float64(m.down.Load()), "down-B")
	b.ReportMetric(float64(m.requests.Load()), "requests")
	b.ReportMetric(float64(m.conns.Load()), "conns")
	b.ReportMetric(float64(m.h2.Load()), "h2-requests")
	b.ReportMetric((m.linkTime() + cpu).Seconds(), "2G-s")
}

// firstSizes are the first syncs the issues name: a technician with 200
// active tickets, 20,000 parts and the warranty rules, and a heavy one
// with 10,000 tickets and 50,000 parts (the PouchDB anchor's shape); with
// 2,000 and (opt-in, -first50k: it takes minutes) 50,000 tickets of the
// heavy one's kind for the growth table.
var firstSizes = []struct {
	name  string
	size  demo.Size
	optIn bool
}{
	{"technician", demo.Size{Models: 200, Parts: 20000, Tickets: 200, Technicians: 1}, false},
	{"tickets-2k", demo.Size{Models: 400, Parts: 50000, Tickets: 2000, Technicians: 1}, false},
	{"heavy", demo.Size{Models: 400, Parts: 50000, Tickets: 10000, Technicians: 1}, false},
	{"tickets-50k", demo.Size{Models: 400, Parts: 50000, Tickets: 50000, Technicians: 1}, true},
}

var benchFirst50k = flag.Bool("first50k", false, "benchmarks: add FirstSync/tickets-50k (minutes)")

// BenchmarkAnchorFirstPull: the first pull of the anchor's data shape.
func BenchmarkAnchorFirstPull(b *testing.B) {
	w := newBenchWorldOf(b, central.Config{DataDir: b.TempDir()}, anchor())
	b.ResetTimer()
	var wall time.Duration
	var m *meter
	for range b.N {
		b.StopTimer()
		_, e, mm := w.device(b, w.pair(b, demo.DemoTechnician))
		m = mm
		b.StartTimer()
		start := time.Now()
		if err := e.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		wall = time.Since(start)
	}
	report(b, m, wall)
	b.ReportMetric(wall.Seconds(), "apply-s")
}

// BenchmarkFirstSync: a new device pulls everything of its scopes.
// apply-s is the wall time of the whole sync on loopback (server, wire and
// local apply); 2G-s adds the modelled link time to it; cpu-s is the CPU
// time of the service and the device together, steadier than apply-s on
// a shared machine.
func BenchmarkFirstSync(b *testing.B) {
	for _, fs := range firstSizes {
		if fs.optIn && !*benchFirst50k {
			continue
		}
		b.Run(fs.name, func(b *testing.B) {
			w := newBenchWorld(b, central.Config{DataDir: b.TempDir()}, fs.size)
			b.ResetTimer()
			var wall, cpu time.Duration
			var m *meter
			var rows int
			for range b.N {
				b.StopTimer()
				s, e, mm := w.device(b, w.pair(b, demo.DemoTechnician))
				m = mm
				b.StartTimer()
				start, cpu0 := time.Now(), cpuTime()
				if err := e.SyncOnce(context.Background()); err != nil {
					b.Fatal(err)
				}
				wall, cpu = time.Since(start), cpuTime()-cpu0
				_, n, err := store.NewTicketService(s).FindTickets(context.Background(), app.TicketFilter{Limit: 1})
				if err != nil {
					b.Fatal(err)
				}
				rows = n
			}
			report(b, m, wall)
			b.ReportMetric(wall.Seconds(), "apply-s")
			b.ReportMetric(cpu.Seconds(), "cpu-s")
			b.ReportMetric(float64(rows), "tickets")
		})
	}
}

// syncedDevice returns a device that has done its first sync, its meter
// reset.
func (w *benchWorld) syncedDevice(b *testing.B) (*store.DB, *fbsync.Engine, *meter) {
	s, e, m := w.device(b, w.pair(b, demo.DemoTechnician))
	if err := e.SyncOnce(context.Background()); err != nil {
		b.Fatal(err)
	}
	m.reset()
	return s, e, m
}

var smallWorld = demo.Size{Models: 200, Parts: 20000, Tickets: 200, Technicians: 1}

// BenchmarkIdleSync: nothing changed on either side.
func BenchmarkIdleSync(b *testing.B) {
	w := newBenchWorld(b, central.Config{DataDir: b.TempDir()}, smallWorld)
	_, e, m := w.syncedDevice(b)
	b.ResetTimer()
	var cpu time.Duration
	for range b.N {
		m.reset()
		start := time.Now()
		if err := e.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		cpu = time.Since(start)
	}
	report(b, m, cpu)
}

// BenchmarkIdleWait: an idle device's wait for new work, answered with
// nothing at the service's bound (docs/PROTOCOL.md, "Waiting for
// changes"), on a connection already open: what an idle device sends and
// receives per bound, 72 times an hour at the service's 50 s.
func BenchmarkIdleWait(b *testing.B) {
	w := newBenchWorld(b, central.Config{DataDir: b.TempDir()}, smallWorld)
	token := w.pair(b, demo.DemoTechnician)
	s, e, _ := w.device(b, token)
	if err := e.SyncOnce(context.Background()); err != nil {
		b.Fatal(err)
	}
	st, err := s.SyncState(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	c, m := w.meteredClient(token)
	if _, err := c.Wait(context.Background(), st.Cursor); err != nil { // opens the connection
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		m.reset()
		more, err := c.Wait(context.Background(), st.Cursor)
		if err != nil || more {
			b.Fatalf("wait = %v, %v; want nothing at the bound", more, err)
		}
	}
	report(b, m, 0)
	b.ReportMetric(float64(m.wire()*int64(time.Hour/central.DefaultWaitBound)), "wire-B/h")
}

// openTicket returns one of the demo technician's open tickets with the
// steps that take it to "in progress". Any open status will do: which ones
// the demo world holds depends on the time of day it is made at (its
// appointments are laid out around now), so asking for one status made the
// benchmark fail at some hours.
func openTicket(b *testing.B, s *store.DB) (app.Ticket, []app.Action) {
	list, _, err := store.NewTicketService(s).FindTickets(context.Background(), app.TicketFilter{Technician: demo.DemoTechnician, Limit: 500})
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range list {
		if steps, ok := stepsToWork(t); ok {
			return t, steps
		}
	}
	b.Fatal("no open ticket to work on")
	return app.Ticket{}, nil
}

// stepsToWork lists the actions that take t to "in progress", and false
// when it is not open.
func stepsToWork(t app.Ticket) ([]app.Action, bool) {
	switch t.Status {
	case app.StatusInProgress:
		return nil, true
	case app.StatusWaitingParts:
		return []app.Action{app.ActionResume}, true
	case app.StatusOnSite:
		return []app.Action{app.ActionStart}, true
	case app.StatusEnRoute:
		return []app.Action{app.ActionArrive, app.ActionStart}, true
	case app.StatusAssigned:
		if t.Kind == app.KindOnSite {
			return []app.Action{app.ActionDepart, app.ActionArrive, app.ActionStart}, true
		}
		return []app.Action{app.ActionStart}, true
	}
	return nil, false
}

// BenchmarkPullOneChangedTicket: dispatch reschedules one ticket; the
// device syncs.
func BenchmarkPullOneChangedTicket(b *testing.B) {
	w := newBenchWorld(b, central.Config{DataDir: b.TempDir()}, smallWorld)
	s, e, m := w.syncedDevice(b)
	t, _ := openTicket(b, s)
	b.ResetTimer()
	var cpu time.Duration
	for i := range b.N {
		start := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		mut, _ := app.NewMutation(&app.ScheduleTicket{Ticket: t.ID, WindowStart: start, WindowEnd: start.Add(2 * time.Hour)}, time.Now())
		if err := w.db.ApplyAdmin(context.Background(), w.dispatch, mut); err != nil {
			b.Fatal(err)
		}
		m.reset()
		t0 := time.Now()
		if err := e.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		cpu = time.Since(t0)
	}
	report(b, m, cpu)
}

// BenchmarkPushTicketChange: one ticket change and four small records
// (notes and repair entries), the anchor's "push one ticket change + 4
// small records".
func BenchmarkPushTicketChange(b *testing.B) {
	w := newBenchWorld(b, central.Config{DataDir: b.TempDir()}, smallWorld)
	s, e, m := w.syncedDevice(b)
	t, _ := openTicket(b, s)
	actor := app.Actor{Role: app.RoleTechnician, Technician: demo.DemoTechnician, Name: "王磊"}
	b.ResetTimer()
	var cpu time.Duration
	for i := range b.N {
		diag := fmt.Sprintf("Drain pump blocked by a coin, run %d", i)
		cmds := []app.Command{&app.UpdateTicket{Ticket: t.ID, Set: app.TicketFields{Diagnosis: &diag}}}
		for j := range 2 {
			cmds = append(cmds, &app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: t.ID, Text: fmt.Sprintf("Called the customer, note %d", j)}},
				&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: t.ID, Action: "Cleaned the filter", Minutes: 10}})
		}
		commitAll(b, s, actor, cmds)
		m.reset()
		t0 := time.Now()
		if err := e.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		cpu = time.Since(t0)
	}
	report(b, m, cpu)
}

func commitAll(b *testing.B, s *store.DB, actor app.Actor, cmds []app.Command) {
	for _, c := range cmds {
		if _, err := store.NewCommitter(s).Commit(context.Background(), actor, c); err != nil {
			b.Fatalf("%T: %v", c, err)
		}
	}
}

// BenchmarkCompleteTicket: the "complete one ticket": the status,
// five fields, a repair entry and three parts used, then one sync.
func BenchmarkCompleteTicket(b *testing.B) {
	w := newBenchWorld(b, central.Config{DataDir: b.TempDir()}, smallWorld)
	actor := app.Actor{Role: app.RoleTechnician, Technician: demo.DemoTechnician, Name: "王磊"}
	b.ResetTimer()
	var m *meter
	var cpu time.Duration
	for range b.N {
		b.StopTimer()
		s, e, mm := w.syncedDevice(b)
		m = mm
		t, steps := openTicket(b, s)
		var cmds []app.Command
		for _, a := range steps {
			cmds = append(cmds, &app.TransitionTicket{Action: a, Ticket: t.ID, Epoch: t.Epoch})
		}
		bal, err := store.NewPartService(s).Balances(context.Background(), "van-tech-demo")
		if err != nil || len(bal) == 0 {
			b.Fatalf("no van stock: %v", err)
		}
		commitAll(b, s, actor, cmds)
		if err := e.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		m.reset()
		b.StartTimer()
		diag, serial, proof, cond := "Compressor relay failed", "SN-REPLACED-1", "INV-2026-11-0042", app.Condition{Accessories: "power cord"}
		labour := 45
		cmds = []app.Command{
			&app.UpdateTicket{Ticket: t.ID, Set: app.TicketFields{Diagnosis: &diag, Serial: &serial, ProofOfPurchase: &proof, Condition: &cond, LabourMinutes: &labour}},
			&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: t.ID, Action: "Replaced the compressor relay and tested", Minutes: 45}},
		}
		for i := range 3 {
			// A serial for every part: the van holds serialized ones too.
			cmds = append(cmds, &app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: t.ID, Part: bal[i%len(bal)].Part, Qty: 1, From: "van-tech-demo",
				Serial: fmt.Sprintf("SN-BENCH-%d", i)}})
		}
		cmds = append(cmds, &app.TransitionTicket{Action: app.ActionComplete, Ticket: t.ID, Epoch: t.Epoch, Resolution: app.ResolutionRepaired})
		commitAll(b, s, actor, cmds)
		t0 := time.Now()
		if err := e.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		cpu = time.Since(t0)
		if st, err := s.SyncState(context.Background()); err != nil || st.Pending != 0 {
			b.Fatalf("still pending after the sync: %+v %v", st, err)
		}
	}
	report(b, m, cpu)
}

// BenchmarkServerMutations: mutations per second the central service
// applies through HTTP, from 8, 64 and 256 devices each pushing batches of
// 10 at once, on the embedded SQLite (synchronous=FULL) and on PostgreSQL
// with fsync and synchronous_commit on (pgtest.StartDurable): a commit
// costs what it costs in production. "postgres-2" splits the devices
// between two instances of the service on the same PostgreSQL (plain
// HTTP), as a second instance would be added to carry more.
func BenchmarkServerMutations(b *testing.B) {
	var pg *pgtest.Server
	runs := 0 // names each run's database: a sub-benchmark runs more than once
	b.Cleanup(func() {
		if pg != nil {
			pg.Stop()
		}
	})
	for _, backend := range []string{"sqlite", "postgres", "postgres-2"} {
		for _, devices := range []int{8, 64, 256} {
			b.Run(fmt.Sprintf("%s/devices=%d", backend, devices), func(b *testing.B) {
				cfg := central.Config{DataDir: b.TempDir()}
				if backend != "sqlite" {
					if pg == nil {
						var err error
						if pg, err = pgtest.StartDurable(context.Background(), ""); err != nil {
							b.Fatal(err)
						}
					}
					runs++
					dsn, err := pg.CreateDatabase(context.Background(), fmt.Sprintf("mutations_%d", runs))
					if err != nil {
						b.Fatal(err)
					}
					cfg.Postgres = dsn
				}
				benchServerMutations(b, cfg, devices, backend == "postgres-2", pg, noteWork)
			})
		}
	}
}

// benchWork is what the devices of benchServerMutations push: prepare
// adds to the world what the work needs (nil: nothing), and cmd makes
// one mutation of a technician's on their open ticket. fieldOnly gives
// the devices to field technicians only (each has a van), in a world of
// 12 technicians (8 field ones) instead of 8.
type benchWork struct {
	prepare   func(ds *app.Dataset)
	cmd       func(tech app.Technician, ticket app.TicketID) app.Command
	fieldOnly bool
}

// noteWork pushes notes: BenchmarkServerMutations' work.
var noteWork = benchWork{cmd: func(_ app.Technician, ticket app.TicketID) app.Command {
	return &app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: ticket, Text: "Customer asked for an update"}}
}}

// consumeWork pushes part consumptions, each technician from their own
// van, which holds plenty of one part that is not serialized: on
// PostgreSQL each consumption's balance check takes the balance's check
// lock (serverTx.lockCheck), one round trip more, and no two devices
// wait for the same one.
func consumeWork() benchWork {
	var part app.PartNumber
	return benchWork{
		fieldOnly: true,
		prepare: func(ds *app.Dataset) {
			for _, p := range ds.Parts {
				if !p.Serialized {
					part = p.Number
					break
				}
			}
			for i, t := range ds.Technicians {
				if t.Van != "" {
					ds.Movements = append(ds.Movements, app.StockMovement{ID: fmt.Sprintf("bench-rcv-%d", i), Kind: app.MoveReceive, Part: part, To: t.Van, Qty: 100000, At: benchNow})
				}
			}
		},
		cmd: func(tech app.Technician, ticket app.TicketID) app.Command {
			return &app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: ticket, Part: part, Qty: 1, From: tech.Van}}
		},
	}
}

// BenchmarkServerConsumptions is BenchmarkServerMutations' PostgreSQL
// run with 8 devices, each pushing part consumptions from its own van
// (consumeWork) instead of notes: what a balance check costs a push.
func BenchmarkServerConsumptions(b *testing.B) {
	pg, err := pgtest.StartDurable(context.Background(), "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pg.Stop() })
	runs := 0
	b.Run("postgres/devices=8", func(b *testing.B) {
		runs++
		dsn, err := pg.CreateDatabase(context.Background(), fmt.Sprintf("consumptions_%d", runs))
		if err != nil {
			b.Fatal(err)
		}
		benchServerMutations(b, central.Config{DataDir: b.TempDir(), Postgres: dsn}, 8, false, pg, consumeWork())
	})
}

// gzipJSON encodes v as fbsync.Client sends a push: JSON, gzipped.
func gzipJSON(b *testing.B, v any) []byte {
	raw, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// leanPush sends one encoded push as fbsync.Client would and checks that
// the server acknowledged every mutation up to acked, none rejected.
func leanPush(ctx context.Context, hc *http.Client, url, token string, body []byte, acked int64) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("push answered %s: %s", res.Status, raw)
	}
	var resp fbsync.Response
	if err := json.Unmarshal(raw, &resp); err != nil {
		return fmt.Errorf("push answer: %w", err)
	}
	if resp.Acked != acked || len(resp.Rejected) != 0 {
		return fmt.Errorf("pushed up to %d, acked %d with %d rejected", acked, resp.Acked, len(resp.Rejected))
	}
	return nil
}

func benchServerMutations(b *testing.B, cfg central.Config, devices int, second bool, pg *pgtest.Server, work benchWork) {
	size := demo.Size{Models: 50, Parts: 500, Tickets: 400, Technicians: 8}
	if work.fieldOnly {
		size.Technicians = 12
	}
	ds := demo.Generate(1, size, benchNow)
	if work.prepare != nil {
		work.prepare(&ds)
	}
	techs := slices.DeleteFunc(slices.Clone(ds.Technicians), func(t app.Technician) bool { return work.fieldOnly && t.Van == "" })
	w := newBenchWorldOf(b, cfg, ds)
	ctx := context.Background()
	urls := []string{w.url}
	if second {
		db, err := central.OpenDB(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		srv := httptest.NewServer(central.NewServer(db, nil))
		b.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	const batch = 10
	// At least 4,000 mutations, whatever -benchtime says: fewer
	// measure the start-up more than the throughput.
	n := max(b.N, 4000)
	per := (n + devices*batch - 1) / (devices * batch)
	// The devices are lean: each push's body is encoded (and gzipped,
	// as fbsync.Client does above 1 KiB) before the clock starts, with
	// what the protocol needs to vary (mutation and note IDs, seqs, the
	// acknowledged seq); timed, a device only sends it and reads the
	// answer. Real devices are not on the server's machine: the CPU they
	// spent encoding here (about a tenth of the process's in a profile)
	// was counted as the service's.
	type dev struct {
		url, token string
		bodies     [][]byte
	}
	hc := fbsync.Link{Fingerprint: w.fp}.HTTPClient()
	at := time.Now()
	var devs []*dev
	for i := range devices {
		tc := techs[i%len(techs)]
		tech := tc.ID
		d := &dev{url: urls[i%len(urls)] + "/v1/sync", token: w.pair(b, tech)}
		var ticket app.TicketID
		for _, t := range ds.Tickets {
			if t.Ticket.Technician == tech && t.Ticket.Status.Open() {
				ticket = t.Ticket.ID
				break
			}
		}
		if ticket == "" {
			b.Fatalf("technician %s has no open ticket", tech)
		}
		seq := int64(0)
		for range per {
			var muts []app.Mutation
			for range batch {
				seq++
				m, err := app.NewMutation(work.cmd(tc, ticket), at)
				if err != nil {
					b.Fatal(err)
				}
				m.Seq = seq
				muts = append(muts, m)
			}
			d.bodies = append(d.bodies, gzipJSON(b, &fbsync.Request{Protocol: fbsync.ProtocolVersion, Acked: seq - batch, Push: muts, NoPull: true}))
		}
		devs = append(devs, d)
	}
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	// PostgreSQL's processes' CPU, where /proc tells it (Linux).
	var pg0 time.Duration
	pgCPU := pg != nil
	if pgCPU {
		var err error
		pg0, err = pg.CPUTime()
		pgCPU = err == nil
	}
	var done atomic.Int64
	var wg gosync.WaitGroup
	errs := make(chan error, devices)
	for _, d := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, body := range d.bodies {
				if err := leanPush(ctx, hc, d.url, d.token, body, int64(i+1)*batch); err != nil {
					errs <- err
					return
				}
				done.Add(batch)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(float64(done.Load())/time.Since(start).Seconds(), "mutations/s")
	// The process's CPU per mutation (the service and the lean devices'
	// sending and reading, not PostgreSQL's processes): steadier than
	// the rate on a shared machine.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(done.Load()), "cpu-µs/mutation")
	// PostgreSQL's processes share the machine with it: their CPU per
	// mutation (every database of the server, but the benchmark's is
	// the one in use) tells where the rest of the machine's time goes.
	if pgCPU {
		pg1, err := pg.CPUTime()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64((pg1-pg0).Microseconds())/float64(done.Load()), "pg-cpu-µs/mutation")
	}
}

// TestStepsToWork: the steps BenchmarkCompleteTicket takes to start work
// are the ones the state machine allows, from every open status a ticket
// of each kind can be in.
func TestStepsToWork(t *testing.T) {
	cases := []struct {
		kind app.TicketKind
		st   app.Status
		open bool
	}{
		{app.KindOnSite, app.StatusAssigned, true},
		{app.KindOnSite, app.StatusEnRoute, true},
		{app.KindOnSite, app.StatusOnSite, true},
		{app.KindOnSite, app.StatusInProgress, true},
		{app.KindOnSite, app.StatusWaitingParts, true},
		{app.KindOnSite, app.StatusCompleted, false},
		{app.KindCarryIn, app.StatusAssigned, true},
		{app.KindCarryIn, app.StatusInProgress, true},
		{app.KindCarryIn, app.StatusWaitingParts, true},
		{app.KindCarryIn, app.StatusCannotComplete, false},
		{app.KindCarryIn, app.StatusClosed, false},
		{app.KindCarryIn, app.StatusCancelled, false},
	}
	for _, c := range cases {
		tk := app.Ticket{Kind: c.kind, Status: c.st}
		steps, ok := stepsToWork(tk)
		if ok != c.open {
			t.Errorf("%s %s: open %v, want %v", c.kind, c.st, ok, c.open)
			continue
		}
		for _, a := range steps {
			next, err := app.Transition(tk, a, app.TransitionInput{})
			if err != nil {
				t.Errorf("%s %s: %s: %v", c.kind, c.st, a, err)
				break
			}
			tk.Status = next
		}
		if ok && tk.Status != app.StatusInProgress {
			t.Errorf("%s %s: the steps end at %s", c.kind, c.st, tk.Status)
		}
	}
}
