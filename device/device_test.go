package device_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device"
	"github.com/fieldbench/fieldbench/device/demoserver"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// small is a world that syncs in well under a second.
var small = demo.Size{Models: 5, Parts: 40, Tickets: 30, Technicians: 2}

// startCentral runs a real central service on loopback with a small demo
// world.
func startCentral(t *testing.T) *central.Embedded {
	t.Helper()
	emb, err := central.StartEmbedded(t.Context(), filepath.Join(t.TempDir(), "central"), "demo", func() app.Dataset {
		return demo.Generate(3, small, time.Now())
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	return emb
}

// fastEngine retries within the test's time.
func fastEngine(e *fbsync.Engine) {
	e.MinBackoff, e.MaxBackoff, e.Interval = 10*time.Millisecond, 50*time.Millisecond, 50*time.Millisecond
}

func newDevice(t *testing.T, dir string, opt device.Options) *device.Device {
	t.Helper()
	opt.Engine = fastEngine
	opt.SerialRules = []byte(`[]`)
	d, err := device.New(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// steps records the distinct steps reported, in order, and the most rows.
type steps struct {
	seen []app.StartStep
	rows int
}

func (s *steps) progress(p app.StartProgress) {
	if len(s.seen) == 0 || s.seen[len(s.seen)-1] != p.Step {
		s.seen = append(s.seen, p.Step)
	}
	s.rows = max(s.rows, p.Rows)
}

func myTickets(t *testing.T, s device.Session) int {
	t.Helper()
	_, n, err := s.Tickets.FindTickets(t.Context(), app.TicketFilter{Technician: demo.DemoTechnician, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond every 10 ms for at most 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(syncWait); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("after %v: %s", syncWait, what)
}

// syncWait bounds a wait for a sync. A sync of the small world takes well
// under a second alone, but CI runs the packages side by side on a 2-core
// machine at a load of 20, where TestDemo's 10 s ran out once: a bound
// meant to catch a sync that never comes, not to time one.
const syncWait = 60 * time.Second

// waitSync waits, at most syncWait, until cond holds for a status that s
// publishes (or the current one). It is woken by every status, so a
// moment it holds between two syncs is not missed by sampling: with the
// engine syncing every 50 ms, a loaded machine is running a sync most of
// the time.
func waitSync(t *testing.T, s app.SyncService, what string, cond func(app.SyncStatus) bool) {
	t.Helper()
	met := make(chan struct{})
	var once sync.Once
	s.WatchSync(func(st app.SyncStatus) {
		if cond(st) {
			once.Do(func() { close(met) })
		}
	})
	if cond(s.SyncStatus()) {
		return
	}
	select {
	case <-met:
	case <-time.After(syncWait):
		t.Fatalf("after %v: %s (status %+v)", syncWait, what, s.SyncStatus())
	}
}

// TestPairStartSignOutAndPairAgain is a device's whole life against a
// real central service and a real SQLite store: a wrong code changes
// nothing, pairing saves the account, the first sync reports its steps and
// records, work saved reaches the server, signing out erases everything,
// and the device pairs again.
func TestPairStartSignOutAndPairAgain(t *testing.T) {
	ctx := t.Context()
	emb := startCentral(t)
	dir := t.TempDir()
	d := newDevice(t, dir, device.Options{})
	if d.Paired() || d.HasDemo() {
		t.Fatalf("a new device: paired %v, has demo %v", d.Paired(), d.HasDemo())
	}

	if err := d.Pair(ctx, emb.URL, "ABCD-EFGH-JKLM", ""); app.ErrorCode(err) != app.EUNAUTHORIZED && app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("a wrong code: %v (%s)", err, app.ErrorCode(err))
	}
	if err := d.Pair(ctx, emb.URL, "ABCD-EFGH-JKLM", "not-a-fingerprint"); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("a bad fingerprint: %v, want %s", err, app.EINVALID)
	}
	if _, err := os.Stat(filepath.Join(dir, "pairing.json")); !os.IsNotExist(err) || d.Paired() {
		t.Fatalf("refused pairings left a pairing (paired %v, file: %v)", d.Paired(), err)
	}

	code, err := emb.PairingCode(ctx, demo.DemoTechnician)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Pair(ctx, emb.URL, code, ""); err != nil {
		t.Fatal(err)
	}
	var st steps
	s, err := d.Start(ctx, st.progress)
	if err != nil {
		t.Fatal(err)
	}
	want := []app.StartStep{app.StartOpening, app.StartFirstSync, app.StartOptimizing}
	if !slices.Equal(st.seen, want) || st.rows == 0 {
		t.Errorf("first start reported steps %v with at most %d rows, want %v with rows", st.seen, st.rows, want)
	}
	if s.Technician.ID != demo.DemoTechnician || s.Commit == nil || s.Sync == nil || s.Server != emb.URL {
		t.Fatalf("session %+v", s)
	}
	if s.Provider != "demo" || s.History == nil {
		t.Errorf("session's provider %q (want the tenant's name, demo), history %v", s.Provider, s.History)
	}
	n := myTickets(t, s)
	if n == 0 {
		t.Fatal("the first sync brought no tickets")
	}
	if _, err := d.Start(ctx, st.progress); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("a second Start while running: %v, want %s", err, app.ECONFLICT)
	}

	// Work saved wakes the engine, which sends it.
	list, _, err := s.Tickets.FindTickets(ctx, app.TicketFilter{Technician: demo.DemoTechnician, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit.Commit(ctx, s.Actor, &app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: list[0].ID, Text: "called the customer"}}); err != nil {
		t.Fatal(err)
	}
	waitSync(t, s.Sync, "the note is sent", func(st app.SyncStatus) bool { return st.Pending == 0 && !st.Running && st.Err == nil })

	// The choice to work offline belongs to the data folder: it holds
	// across a restart, and goes with the sign-out.
	s.Sync.SetWorkOffline(true)

	// A later start of a synced device does no first sync.
	var again steps
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d = newDevice(t, dir, device.Options{})
	if !d.Paired() {
		t.Fatal("the pairing did not survive a restart")
	}
	if s, err = d.Start(ctx, again.progress); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.seen, []app.StartStep{app.StartOpening}) || myTickets(t, s) != n {
		t.Errorf("second start: steps %v, %d tickets; want only opening and %d tickets", again.seen, myTickets(t, s), n)
	}
	if !s.Sync.SyncStatus().WorkOffline {
		t.Error("the choice to work offline did not survive a restart")
	}

	if err := d.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if d.Paired() || myTickets(t, s) != 0 {
		t.Errorf("after sign-out: paired %v, %d tickets left", d.Paired(), myTickets(t, s))
	}
	if _, err := os.Stat(filepath.Join(dir, "pairing.json")); !os.IsNotExist(err) {
		t.Errorf("after sign-out the pairing file is still there: %v", err)
	}

	code, err = emb.PairingCode(ctx, demo.DemoTechnician)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Pair(ctx, emb.URL, code, ""); err != nil {
		t.Fatal(err)
	}
	if s, err = d.Start(ctx, func(app.StartProgress) {}); err != nil {
		t.Fatal(err)
	}
	if got := myTickets(t, s); got != n {
		t.Errorf("paired again: %d tickets, want %d", got, n)
	}
	if s.Sync.SyncStatus().WorkOffline {
		t.Error("paired again after sign-out, the device still works offline")
	}
}

// TestRevokedDeviceForgetsItsPairing: when the administrator revokes the
// device, background sync wipes the store and the pairing goes.
func TestRevokedDeviceForgetsItsPairing(t *testing.T) {
	ctx := t.Context()
	emb := startCentral(t)
	dir := t.TempDir()
	d := newDevice(t, dir, device.Options{})
	code, err := emb.PairingCode(ctx, demo.DemoTechnician)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Pair(ctx, emb.URL, code, ""); err != nil {
		t.Fatal(err)
	}
	s, err := d.Start(ctx, func(app.StartProgress) {})
	if err != nil {
		t.Fatal(err)
	}
	if myTickets(t, s) == 0 {
		t.Fatal("no tickets before the revocation")
	}
	devs, err := emb.DB.Devices(ctx, emb.Tenant)
	if err != nil || len(devs) != 1 {
		t.Fatalf("devices %v, %v", devs, err)
	}
	if err := emb.DB.RevokeDevice(ctx, emb.Tenant, devs[0].ID); err != nil {
		t.Fatal(err)
	}
	s.Sync.SyncNow()
	waitFor(t, "the device sees its revocation", d.Revoked)
	if d.Paired() || myTickets(t, s) != 0 || !s.Sync.SyncStatus().Revoked {
		t.Errorf("revoked: paired %v, %d tickets, status %+v", d.Paired(), myTickets(t, s), s.Sync.SyncStatus())
	}
	if _, err := os.Stat(filepath.Join(dir, "pairing.json")); !os.IsNotExist(err) {
		t.Errorf("revoked: the pairing file is still there: %v", err)
	}

	// The administrator pairs the device again.
	if code, err = emb.PairingCode(ctx, demo.DemoTechnician); err != nil {
		t.Fatal(err)
	}
	if err := d.Pair(ctx, emb.URL, code, ""); err != nil {
		t.Fatal(err)
	}
	if s, err = d.Start(ctx, func(app.StartProgress) {}); err != nil {
		t.Fatalf("start after a revocation and a new pairing: %v", err)
	}
	if myTickets(t, s) == 0 || d.Revoked() {
		t.Errorf("paired again after a revocation: %d tickets, revoked %v", myTickets(t, s), d.Revoked())
	}
}

// TestDemo: a build without the demo refuses it; with it, the first start
// creates the world, pairs and syncs, and a later start reuses both.
func TestDemo(t *testing.T) {
	ctx := t.Context()
	if _, err := newDevice(t, t.TempDir(), device.Options{}).StartDemo(ctx, func(app.StartProgress) {}); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("StartDemo without a demo: %v, want %s", err, app.EINVALID)
	}

	dir := t.TempDir()
	opt := device.Options{Demo: demoserver.Starter(5, small)}
	d := newDevice(t, dir, opt)
	var first steps
	s, err := d.StartDemo(ctx, first.progress)
	if err != nil {
		t.Fatal(err)
	}
	want := []app.StartStep{app.StartDemoServer, app.StartDemoWorld, app.StartPairing, app.StartOpening, app.StartFirstSync, app.StartOptimizing}
	if !slices.Equal(first.seen, want) || myTickets(t, s) == 0 {
		t.Errorf("demo's first start: steps %v, %d tickets; want %v and tickets", first.seen, myTickets(t, s), want)
	}
	if s.Provider != demo.Provider {
		t.Errorf("demo session's provider %q, want %q", s.Provider, demo.Provider)
	}
	if s.Zone == nil || s.Zone.String() != demo.Zone || !d.DemoPaired() {
		t.Errorf("demo session's zone %v (demo paired %v), want %s", s.Zone, d.DemoPaired(), demo.Zone)
	}
	n := myTickets(t, s)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	d = newDevice(t, dir, opt)
	var second steps
	if s, err = d.StartDemo(ctx, second.progress); err != nil {
		t.Fatal(err)
	}
	if want := []app.StartStep{app.StartDemoServer, app.StartOpening}; !slices.Equal(second.seen, want) || myTickets(t, s) != n {
		t.Errorf("demo's second start: steps %v, %d tickets; want %v and %d", second.seen, myTickets(t, s), want, n)
	}
	// The service has a new port: sync reaches it.
	// The first start's last success is on record: only a later one is a
	// sync on the new port.
	before := s.Sync.SyncStatus().LastSuccess
	s.Sync.SyncNow()
	waitSync(t, s.Sync, "a sync on the new port", func(st app.SyncStatus) bool {
		return st.LastSuccess.After(before) && st.Err == nil && !st.Running
	})

	// A device paired with a real service does not become a demo.
	real := fbsync.Pairing{Server: "https://central.example.com", Device: "dev-1", Token: "secret", Technician: app.Technician{ID: demo.DemoTechnician}}
	realDir := t.TempDir()
	if err := real.Save(filepath.Join(realDir, "pairing.json")); err != nil {
		t.Fatal(err)
	}
	paired := newDevice(t, realDir, opt)
	if _, err := paired.StartDemo(ctx, func(app.StartProgress) {}); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("StartDemo on a device paired with a real service: %v, want %s", err, app.ECONFLICT)
	}
	if p, err := fbsync.LoadPairing(filepath.Join(realDir, "pairing.json")); err != nil || p != real {
		t.Errorf("the real pairing after a refused demo: %+v, %v", p, err)
	}

	// A demo pairing saved before the tenant was recorded (and so before
	// Pairing.Demo) is still the demo's: its folder holds the demo
	// service's.
	path := filepath.Join(dir, "pairing.json")
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	saveOldPairing(t, path, "tenant", "demo")
	d = newDevice(t, dir, opt)
	if s, err = d.StartDemo(ctx, func(app.StartProgress) {}); err != nil || myTickets(t, s) != n {
		t.Errorf("a demo pairing without its tenant: %v, %d tickets, want %d", err, myTickets(t, s), n)
	}
}

// TestBadSerialRulesFile: a serial-rules.json that does not parse stops
// the start with the file named, and changes nothing.
func TestBadSerialRulesFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "serial-rules.json"), []byte(`{not json`), 0o600); err != nil {
		t.Fatal(err)
	}
	d := newDevice(t, dir, device.Options{})
	_, err := d.Start(t.Context(), func(app.StartProgress) {})
	if app.ErrorCode(err) != app.EINVALID {
		t.Errorf("a bad rules file: %v, want %s", err, app.EINVALID)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "serial-rules.json")); string(data) != `{not json` {
		t.Errorf("the bad file was changed: %q", data)
	}
}

// TestNewRefusesADamagedPairing: a damaged pairing file is an error to
// show, not an unpaired device that would pair over it.
func TestNewRefusesADamagedPairing(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pairing.json"), []byte(`{"server":""}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := device.New(dir, device.Options{}); app.ErrorCode(err) != app.ECORRUPT {
		t.Errorf("a damaged pairing file: %v, want %s", err, app.ECORRUPT)
	}
}

// saveOldPairing rewrites the pairing file at path as an older version
// saved it, without the keys it did not know yet (as "demo", "tenant").
func saveOldPairing(t *testing.T, path string, without ...string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range without {
		delete(m, k)
	}
	if raw, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestOnlyTheDemoIsTheDemo: a pairing is the demo's because StartDemo said
// so when it saved it, not because of its address: a technician paired
// with a real service on this computer over plain HTTP (the demo's kind
// of address), even in a folder where the demo once ran, opens their
// service on the computer's clock, and -demo is refused rather than
// mixing the demo into their data. Pairings saved before it was recorded
// are read by what they have: the demo's tenant, or before that the
// demo's address in a folder that holds the demo service.
func TestOnlyTheDemoIsTheDemo(t *testing.T) {
	ctx := t.Context()
	emb := startCentral(t) // a real service, on http://127.0.0.1:port
	dir := t.TempDir()
	// The demo ran in this folder once, and was signed out of.
	if err := os.MkdirAll(filepath.Join(dir, "central"), 0o700); err != nil {
		t.Fatal(err)
	}
	opt := device.Options{Demo: demoserver.Starter(5, small)}
	d := newDevice(t, dir, opt)
	code, err := emb.PairingCode(ctx, demo.DemoTechnician)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Pair(ctx, emb.URL, code, ""); err != nil {
		t.Fatal(err)
	}
	if d.DemoPaired() {
		t.Errorf("paired with the real service at %s: the device counts it as the demo", emb.URL)
	}
	s, err := d.Start(ctx, func(app.StartProgress) {})
	if err != nil {
		t.Fatal(err)
	}
	if s.Zone != time.Local {
		t.Errorf("the real service's session shows %v, want the computer's zone", s.Zone)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	again := newDevice(t, dir, opt)
	if again.DemoPaired() {
		t.Error("reopened, the real pairing counts as the demo")
	}
	if _, err := again.StartDemo(ctx, func(app.StartProgress) {}); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("StartDemo on a device paired with a local real service: %v, want %s", err, app.ECONFLICT)
	}

	// Files saved before Pairing.Demo was recorded.
	for _, tc := range []struct {
		name, server, tenant string
		demoFolder, demo     bool
	}{
		{"the demo's tenant", "http://127.0.0.1:41235", "demo", false, true},
		{"before the tenant, the demo's address in the demo's folder", "http://127.0.0.1:41235", "", true, true},
		{"before the tenant, a local service in a folder without the demo", "http://127.0.0.1:8080", "", false, false},
		{"a remote service", "https://central.example.com", "", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.demoFolder {
				if err := os.MkdirAll(filepath.Join(dir, "central"), 0o700); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, "pairing.json")
			p := fbsync.Pairing{Server: tc.server, Device: "dev-1", Token: "secret", Technician: app.Technician{ID: demo.DemoTechnician}, Tenant: tc.tenant}
			if err := p.Save(path); err != nil {
				t.Fatal(err)
			}
			saveOldPairing(t, path, "demo")
			if got := newDevice(t, dir, device.Options{}).DemoPaired(); got != tc.demo {
				t.Errorf("DemoPaired %v, want %v", got, tc.demo)
			}
		})
	}
}
