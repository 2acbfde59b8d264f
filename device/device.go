package device

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// DemoService is a central service the app runs itself on loopback, with
// the demo world: a new address on every start.
type DemoService interface {
	URL() string
	// PairingCode mints a one-time code for the demo technician.
	PairingCode(ctx context.Context) (string, error)
	// Zone is the demo world's time zone: the demo's screens show its
	// days and times in it (Session.Zone), so its visits read in working
	// hours there whatever the computer's zone.
	Zone() *time.Location
	Close() error
}

// DemoTenant is the demo service's one tenant; a pairing with it is
// saved with this tenant (and Pairing.Demo).
const DemoTenant = "demo"

// DemoStarter starts the demo service in dir (creating its world on the
// first start), reporting StartDemoServer and StartDemoWorld.
type DemoStarter func(ctx context.Context, dir string, progress func(app.StartStep)) (DemoService, error)

// Options are a device's settings from the command line.
type Options struct {
	// AllowPlainHTTP lets a pairing use http:// on another machine.
	AllowPlainHTTP bool
	// Demo starts the demo service; nil when the build links none (a
	// technician's binary), and then StartDemo refuses.
	Demo DemoStarter
	// Name is the device's name sent when pairing (default: the host's).
	Name string
	// Viewer opens an unpaired store read-only as this technician
	// (benchmarks, inspection); "" shows nothing until paired.
	Viewer app.TechnicianID
	// SerialRules is the built-in serial-number rules file, used when the
	// data folder has no serial-rules.json of its own.
	SerialRules []byte
	// Engine adjusts each new sync engine (tests shorten its waits).
	Engine func(*fbsync.Engine)
}

// Device is the terminal's data folder and its life: New, then Pair (or
// StartDemo), Start, and SignOut or Close. Its methods are safe to call
// from any goroutine, one lifecycle step at a time.
type Device struct {
	dir string
	opt Options

	mu      gosync.Mutex // guards the fields below
	db      *store.DB    // opened by the first Start
	pairing fbsync.Pairing
	demo    DemoService
	stop    context.CancelFunc // stops the running engine
	stopped chan struct{}      // closed when it has stopped
	revoked bool
	sync    *fbsync.TerminalSync // the running session's, for sign-out

	// engine wakes the running engine after a local commit, so work saved
	// leaves at once when there is a network.
	engine atomic.Pointer[fbsync.Engine]
}

// New makes the data folder dir if needed and reads the device's pairing;
// it opens nothing else, so the first-run screen shows at once.
func New(dir string, opt Options) (*Device, error) {
	abs, err := filepath.Abs(dir)
	if err == nil {
		err = os.MkdirAll(abs, 0o700)
	}
	if err != nil {
		return nil, app.Errorf(app.EINTERNAL, "store.mkdir", "Cannot create the data folder {{.Path}}. Check the disk and its permissions.", "Path", dir).WithCause(err)
	}
	if opt.Name == "" {
		opt.Name, _ = os.Hostname()
	}
	d := &Device{dir: abs, opt: opt}
	p, err := fbsync.LoadPairing(d.pairingPath())
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return nil, err
	}
	d.pairing = p
	return d, nil
}

func (d *Device) pairingPath() string { return filepath.Join(d.dir, "pairing.json") }

// workOfflinePath is the file whose existence says the user chose to work
// offline.
func (d *Device) workOfflinePath() string { return filepath.Join(d.dir, "work-offline") }

// forgetWorkOffline removes the work-offline choice with the pairing it
// was made under.
func (d *Device) forgetWorkOffline() error {
	if err := os.Remove(d.workOfflinePath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return app.Errorf(app.EINTERNAL, "device.forget_offline", "Cannot remove {{.Path}}. Check its permissions, then sign out again.", "Path", d.workOfflinePath()).WithCause(err)
	}
	return nil
}

// Dir is the data folder, absolute.
func (d *Device) Dir() string { return d.dir }

// Paired reports whether the device holds a pairing.
func (d *Device) Paired() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pairing.Token != ""
}

// DemoPaired reports whether the device holds a pairing with the demo
// service, which StartDemo opens again.
func (d *Device) DemoPaired() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pairing.Token != "" && d.demoPairing(d.pairing)
}

// HasDemo reports whether this build can run the demo service.
func (d *Device) HasDemo() bool { return d.opt.Demo != nil }

// Pair exchanges a one-time pairing code for this device's account on
// server and saves it, pinning the certificate's SHA-256 fingerprint when
// there is one ("" for an address typed by hand).
func (d *Device) Pair(ctx context.Context, server, code, fingerprint string) error {
	return d.pair(ctx, server, code, fingerprint, false)
}

// pair is Pair, saving whether the pairing is with the demo service
// (StartDemo's, the only one to say demo), and then its tenant: a real
// service does not say its own.
func (d *Device) pair(ctx context.Context, server, code, fingerprint string, demo bool) error {
	fp, err := fbsync.NormalizeFingerprint(fingerprint)
	if err != nil {
		return err
	}
	link := fbsync.Link{Fingerprint: fp, AllowPlainHTTP: d.opt.AllowPlainHTTP}
	resp, err := (&fbsync.Client{BaseURL: server, HTTP: link.HTTPClient()}).Pair(ctx, code, d.opt.Name)
	if err != nil {
		return err
	}
	p := fbsync.Pairing{Server: server, Device: resp.Device, Token: resp.Token, Technician: resp.Technician, Fingerprint: fp, Provider: resp.Provider, Demo: demo}
	if demo {
		p.Tenant = DemoTenant
	}
	if err := p.Save(d.pairingPath()); err != nil {
		return app.Errorf(app.EINTERNAL, "device.save_pairing", "Cannot save the pairing in {{.Path}}. Check the disk and its permissions, then pair again.", "Path", d.dir).WithCause(err)
	}
	d.mu.Lock()
	d.pairing, d.revoked = p, false
	d.mu.Unlock()
	return nil
}

// StartDemo starts the demo service (unless it runs), pairs with it as the
// demo technician unless the device is paired with it already, then
// Starts. The service listens on a new port on every start, so the saved
// pairing's address is replaced for this run only. A device paired with
// a real service is refused: its data is not the demo's to mix with.
func (d *Device) StartDemo(ctx context.Context, progress func(app.StartProgress)) (Session, error) {
	if d.opt.Demo == nil {
		return Session{}, app.Errorf(app.EINVALID, "device.no_demo", "This build of Fieldbench has no demo. Pair with your company's service, or build the app with -tags demo.")
	}
	d.mu.Lock()
	svc, p := d.demo, d.pairing
	d.mu.Unlock()
	if p.Token != "" && !d.demoPairing(p) {
		return Session{}, app.Errorf(app.ECONFLICT, "device.paired_elsewhere", "This device is paired with {{.Server}}. To try the demo, start the app without -demo and sign out in the settings first, or use another data folder (-data).", "Server", p.Server)
	}
	if svc == nil {
		s, err := d.opt.Demo(ctx, d.demoDir(), func(s app.StartStep) { progress(app.StartProgress{Step: s}) })
		if err != nil {
			return Session{}, err
		}
		d.mu.Lock()
		d.demo, svc = s, s
		d.mu.Unlock()
	}
	if !d.Paired() {
		progress(app.StartProgress{Step: app.StartPairing})
		code, err := svc.PairingCode(ctx)
		if err == nil {
			err = d.pair(ctx, svc.URL(), code, "", true)
		}
		if err != nil {
			return Session{}, err
		}
	}
	d.mu.Lock()
	d.pairing.Server = svc.URL()
	d.mu.Unlock()
	s, err := d.Start(ctx, progress)
	if err != nil {
		return s, err
	}
	s.Zone = svc.Zone()
	return s, nil
}

// demoPairing reports whether p is a pairing with the demo service: what
// the pairing says (Pairing.Demo), written by StartDemo alone. A file
// saved before that was recorded is read by what it has:
//   - the demo tenant: StartDemo was the only one to save a tenant;
//   - before the tenant was saved too, plain HTTP on 127.0.0.1 (the demo
//     service's address) in a data folder where the demo service has run
//     (its folder, demoDir). The address alone is not enough: a real
//     service on this computer over plain HTTP has the same, and its
//     technician would be reopened as the demo on the demo's clock.
func (d *Device) demoPairing(p fbsync.Pairing) bool {
	if !p.DemoUnrecorded {
		return p.Demo
	}
	if p.Tenant != "" {
		return p.Tenant == DemoTenant
	}
	if !strings.HasPrefix(p.Server, "http://127.0.0.1:") {
		return false
	}
	fi, err := os.Stat(d.demoDir())
	return err == nil && fi.IsDir()
}

// demoDir is the demo service's folder in the data folder.
func (d *Device) demoDir() string { return filepath.Join(d.dir, "central") }

// Session is what the screens need of a started device, as app
// interfaces. An unpaired device's session reads the store and saves
// nothing: Commit, Photos and Sync are nil.
type Session struct {
	Tickets   app.TicketService
	Parts     app.PartService
	Warranty  app.WarrantyService
	Commit    app.Committer
	Photos    app.PhotoLibrary
	Sync      app.SyncService
	Notices   app.NoticeService   // nil for an unpaired device: it sends none
	Passcodes app.PasscodeService // nil for an unpaired device: it takes none
	History   app.TicketHistory
	// Provider is the service provider's name from the pairing, which
	// heads the customers' documents; "" when unpaired or paired before
	// the server sent it.
	Provider    string
	Technician  app.Technician
	Actor       app.Actor
	Server      string
	DataDir     string
	SerialRules scanner.SerialRules
	Payments    app.PaymentService // nil for an unpaired device: it takes none
	// Supply reads part requests, shipments and likely parts; nil for an
	// unpaired device, which has none.
	Supply app.SupplyService
	// Away reads and asks for the history the server kept back of closed
	// tickets; nil for an unpaired device, whose tickets are whole.
	Away app.HistoryService
	// Drafts keeps the text typed on tickets and not saved yet; nil for
	// an unpaired device, which saves nothing.
	Drafts app.DraftService
	// Counts keeps a stock count typed and not booked yet; nil for an
	// unpaired device.
	Counts app.CountDraftService
	// Zone is the time zone the screens show days and times in: the demo
	// world's for the demo (DemoService.Zone), else the computer's
	// (time.Local, as the process started; nothing changes it).
	Zone *time.Location
}

// Start opens the store (on the first call), and for a paired device
// builds the sync engine and photo uploader, runs the first sync when the
// device never completed one, and keeps syncing in the background until
// SignOut, Close, ctx's end or a revocation. A first sync that fails is
// not fatal: the terminal opens with what it has and the engine retries.
func (d *Device) Start(ctx context.Context, progress func(app.StartProgress)) (Session, error) {
	progress(app.StartProgress{Step: app.StartOpening})
	db, err := d.open(ctx, progress)
	if err != nil {
		return Session{}, err
	}
	rules, err := loadSerialRules(filepath.Join(d.dir, "serial-rules.json"), d.opt.SerialRules)
	if err != nil {
		return Session{}, err
	}
	d.mu.Lock()
	p := d.pairing
	running := d.stop != nil
	d.mu.Unlock()
	s := Session{Tickets: store.NewTicketService(db), Parts: store.NewPartService(db), Warranty: store.NewWarrantyService(db),
		History: db, DataDir: d.dir, SerialRules: rules, Zone: time.Local}
	if p.Token == "" {
		s.Technician = app.Technician{ID: d.opt.Viewer}
		return s, nil
	}
	if running {
		return Session{}, app.Errorf(app.ECONFLICT, "device.started", "The terminal is already running on this data folder. Close it first.")
	}
	hc := fbsync.Link{Fingerprint: p.Fingerprint, AllowPlainHTTP: d.opt.AllowPlainHTTP}.HTTPClient()
	client := &fbsync.Client{BaseURL: p.Server, Token: p.Token, HTTP: hc}
	engine := fbsync.NewEngine(db, client)
	if d.opt.Engine != nil {
		d.opt.Engine(engine)
	}
	photos := store.NewPhotoStore(db)
	uploader, err := fbsync.NewPhotoUploader(db, photos, hc, p.Server, p.Token)
	if err != nil {
		return Session{}, err
	}
	engine.SetPhotoSender(uploader)
	ts, err := fbsync.NewTerminalSync(ctx, engine, client, db, s.Tickets)
	if err != nil {
		return Session{}, err
	}
	if err := ts.KeepNotices(filepath.Join(d.dir, "notices.json")); err != nil {
		return Session{}, err
	}
	st, err := db.SyncState(ctx)
	if err != nil {
		return Session{}, err
	}
	if st.Cursor == "" {
		d.firstSync(ctx, db, engine, progress)
	}
	// The user's choice to work offline, kept in the data folder, holds
	// from the start: only the first sync of a new pairing ignores it,
	// and a new pairing has none (sign-out removes it).
	if err := ts.KeepWorkOffline(d.workOfflinePath()); err != nil {
		return Session{}, err
	}
	d.mu.Lock()
	d.sync = ts
	d.mu.Unlock()
	d.run(engine)
	s.Commit, s.Photos, s.Sync, s.Notices, s.Passcodes = store.NewCommitter(db), photos, ts, db, db
	s.Technician, s.Server, s.Provider = p.Technician, p.Server, p.Provider
	s.Actor = app.Actor{Role: app.RoleTechnician, Technician: p.Technician.ID, Store: p.Technician.Store, Name: p.Technician.Name}
	s.Payments = store.NewPaymentService(db)
	s.Supply = store.NewSupplyService(db)
	s.Away = db
	s.Drafts = db
	s.Counts = db
	return s, nil
}

// open opens the store once; it stays open until Close. progress hears
// StartUpgrading before a store an earlier version made is migrated, then
// each of the upgrade's steps as it begins and the rows done of each table
// the upgrade rewrites.
func (d *Device) open(ctx context.Context, progress func(app.StartProgress)) (*store.DB, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.db != nil {
		return d.db, nil
	}
	db, err := store.Open(ctx, filepath.Join(d.dir, "fieldbench.db"), store.WithAfterCommit(func() {
		if e := d.engine.Load(); e != nil {
			e.Trigger()
		}
	}), store.WithUpgrading(func() { progress(app.StartProgress{Step: app.StartUpgrading}) }),
		store.WithUpgradeProgress(progress))
	if err != nil {
		return nil, err
	}
	d.db = db
	return db, nil
}

// firstSync downloads the technician's tickets, the catalog and the rules,
// reporting the records as they arrive, then indexes them. Its failure is
// the engine's to retry and its status's to show.
func (d *Device) firstSync(ctx context.Context, db *store.DB, engine *fbsync.Engine, progress func(app.StartProgress)) {
	var done atomic.Bool // the watcher stays registered; report only during the first sync
	engine.Watch(func(s app.SyncStatus) {
		if s.Running && !done.Load() {
			progress(app.StartProgress{Step: app.StartFirstSync, Rows: s.Pulled})
		}
	})
	err := engine.SyncOnce(ctx)
	done.Store(true)
	if err != nil {
		return
	}
	progress(app.StartProgress{Step: app.StartOptimizing})
	// A failed ANALYZE only leaves the planner's statistics as they were.
	_ = db.Optimize(ctx)
}

// run syncs in the background until stopped. When the server revokes the
// device, the engine has wiped the store; the pairing goes too.
func (d *Device) run(engine *fbsync.Engine) {
	ctx, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	d.mu.Lock()
	d.stop, d.stopped = stop, stopped
	d.mu.Unlock()
	d.engine.Store(engine)
	go func() {
		defer close(stopped)
		if engine.Run(ctx) == nil {
			d.mu.Lock()
			d.pairing, d.revoked = fbsync.Pairing{}, true
			if d.stopped == stopped { // not stopping meanwhile: it has stopped
				d.stop, d.stopped = nil, nil
				d.engine.Store(nil)
			}
			d.mu.Unlock()
			stop()
			// Nothing to show it to: the engine's status says Revoked, and
			// a pairing file left behind is refused by the server anyway.
			_ = fbsync.ForgetPairing(d.pairingPath())
			_ = d.forgetWorkOffline()
		}
	}()
}

// Revoked reports whether the server revoked the device since it paired.
func (d *Device) Revoked() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.revoked
}

// stopEngine stops background sync and waits for it, at most until ctx
// ends.
func (d *Device) stopEngine(ctx context.Context) error {
	d.mu.Lock()
	stop, stopped := d.stop, d.stopped
	d.stop, d.stopped = nil, nil
	d.mu.Unlock()
	d.engine.Store(nil)
	if stop == nil {
		return nil
	}
	stop()
	select {
	case <-stopped:
		return nil
	case <-ctx.Done():
		return app.Errorf(app.ECONFLICT, "device.busy", "Sync did not stop in time. Try again in a moment.").WithCause(ctx.Err())
	}
}

// signOutWait bounds how long signing out waits for a sync under way.
const signOutWait = 30 * time.Second

// SignOut stops syncing (so no pull lands after the wipe), erases the
// device's copy of the data and photos, and forgets the pairing. The
// device can then Pair again. The demo service stops too.
func (d *Device) SignOut(ctx context.Context) error {
	wait, cancel := context.WithTimeout(ctx, signOutWait)
	defer cancel()
	if err := d.stopEngine(wait); err != nil {
		return err
	}
	db, err := d.open(ctx, func(app.StartProgress) {})
	if err != nil {
		return err
	}
	if err := db.Wipe(ctx); err != nil {
		return err
	}
	d.mu.Lock()
	ts := d.sync
	d.sync = nil
	d.mu.Unlock()
	// The notices name customers too: read or not, they go.
	if ts != nil {
		if err := ts.ReadNotices(); err != nil {
			return err
		}
	}
	if err := d.forgetWorkOffline(); err != nil {
		return err
	}
	if err := fbsync.ForgetPairing(d.pairingPath()); err != nil {
		return app.Errorf(app.EINTERNAL, "device.forget_pairing", "Cannot remove the pairing file in {{.Path}}. Check its permissions, then sign out again.", "Path", d.dir).WithCause(err)
	}
	d.mu.Lock()
	d.pairing = fbsync.Pairing{}
	demo := d.demo
	d.demo = nil
	d.mu.Unlock()
	if demo != nil {
		return demo.Close()
	}
	return nil
}

// Close stops syncing and closes the store and the demo service.
func (d *Device) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), signOutWait)
	defer cancel()
	err := d.stopEngine(ctx)
	d.mu.Lock()
	db, demo := d.db, d.demo
	d.db, d.demo = nil, nil
	d.mu.Unlock()
	if db != nil {
		err = errors.Join(err, db.Close())
	}
	if demo != nil {
		err = errors.Join(err, demo.Close())
	}
	return err
}
