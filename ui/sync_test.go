package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/ui"
)

// syncWorld is a terminal paired with a real central service on loopback,
// after its first sync.
type syncWorld struct {
	emb     *central.Embedded
	db      *store.DB
	replica *countingReplica
	client  *fbsync.Client
	engine  *fbsync.Engine
	svc     app.SyncService
	deps    ui.Deps
	term    *ui.Terminal
	w       fyne.Window
	me      app.Technician
	ds      app.Dataset // the world the service was seeded with
	notices string      // the file that keeps the notices
}

// countingReplica counts the engine's reads of the sync state.
type countingReplica struct {
	app.Replica
	states atomic.Int64
}

func (r *countingReplica) SyncState(ctx context.Context) (app.SyncState, error) {
	r.states.Add(1)
	return r.Replica.SyncState(ctx)
}

// HistoryRequested hands on the store's history requests: the engine asks
// for them only of a replica that has the method.
func (r *countingReplica) HistoryRequested(ctx context.Context, limit int) ([]app.TicketID, error) {
	return r.Replica.(app.HistoryReplica).HistoryRequested(ctx, limit)
}

// countingStore counts the terminal's reads of the conflict inbox and
// the outbox.
type countingStore struct {
	*store.DB
	conflicts, pending atomic.Int64
}

func (s *countingStore) OpenConflicts(ctx context.Context) ([]app.Conflict, error) {
	s.conflicts.Add(1)
	return s.DB.OpenConflicts(ctx)
}

func (s *countingStore) Pending(ctx context.Context, limit int) ([]app.Mutation, error) {
	s.pending.Add(1)
	return s.DB.Pending(ctx, limit)
}

// newSyncWorld starts the service, pairs, syncs once and builds the
// terminal; wrap, when set, stands between the terminal and its service.
func newSyncWorld(t *testing.T, counted *countingStore, wrap func(app.SyncService) app.SyncService) *syncWorld {
	test.NewTempApp(t)
	loadTranslations(t)
	ctx := t.Context()
	dir := t.TempDir()
	now := time.Now()
	var ds app.Dataset
	emb, err := central.StartEmbedded(ctx, filepath.Join(dir, "central"), "demo", func() app.Dataset {
		ds = demo.Generate(7, demo.Size{Models: 20, Parts: 300, Tickets: 300, Technicians: 3}, now)
		return ds
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	code, err := emb.PairingCode(ctx, demo.DemoTechnician)
	if err != nil {
		t.Fatal(err)
	}
	paired, err := (&fbsync.Client{BaseURL: emb.URL}).Pair(ctx, code, "test")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "fb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sw := &syncWorld{emb: emb, db: db, replica: &countingReplica{Replica: db}, me: paired.Technician, ds: ds}
	sw.client = &fbsync.Client{BaseURL: emb.URL, Token: paired.Token}
	sw.engine = fbsync.NewEngine(sw.replica, sw.client)
	if err := sw.engine.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	var ts fbsync.TerminalStore = db
	if counted != nil {
		counted.DB = db
		ts = counted
	}
	tsync, err := fbsync.NewTerminalSync(ctx, sw.engine, sw.client, ts, store.NewTicketService(db))
	if err != nil {
		t.Fatal(err)
	}
	sw.notices = filepath.Join(dir, "notices.json")
	if err := tsync.KeepNotices(sw.notices); err != nil {
		t.Fatal(err)
	}
	sw.svc = tsync
	if wrap != nil {
		sw.svc = wrap(tsync)
	}
	rules, _ := scanner.ParseSerialRules(assets.SerialRules)
	me := sw.me
	sw.deps = ui.Deps{
		Tickets: store.NewTicketService(db), Parts: store.NewPartService(db), Warranty: store.NewWarrantyService(db),
		Technician: me.ID, Country: me.Country, SerialRules: rules, Commit: store.NewCommitter(db), Photos: store.NewPhotoStore(db), History: db,
		Actor: app.Actor{Role: app.RoleTechnician, Technician: me.ID, Name: me.Name}, Sync: sw.svc,
		Run: func(f func()) { f() },
	}
	sw.term = ui.NewTerminal(ctx, sw.deps)
	sw.w = test.NewTempWindow(t, sw.term.Object())
	sw.w.Resize(fyne.NewSize(1280, 800))
	sw.term.Attach(sw.w)
	return sw
}

// assigned returns n of the technician's assigned on-site tickets.
func (sw *syncWorld) assigned(t *testing.T, n int) []app.Ticket {
	t.Helper()
	all, _, err := sw.deps.Tickets.FindTickets(t.Context(), app.TicketFilter{Technician: sw.me.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []app.Ticket
	for _, x := range all {
		if x.Kind == app.KindOnSite && x.Status == app.StatusAssigned && len(out) < n {
			out = append(out, x)
		}
	}
	if len(out) < n {
		t.Fatalf("%d assigned on-site tickets, want %d", len(out), n)
	}
	return out
}

// dispatcherName is who dispatches in these tests.
const dispatcherName = "周敏 Zhou Min"

// dispatch applies cmd on the service as a dispatcher.
func (sw *syncWorld) dispatch(t *testing.T, cmd app.Command) {
	t.Helper()
	sw.dispatchAs(t, dispatcherName, cmd)
}

// dispatchAs applies cmd on the service as the dispatcher named name,
// as the office console names its user (app.ConsoleActor + login) or an
// admin token its own.
func (sw *syncWorld) dispatchAs(t *testing.T, name string, cmd app.Command) {
	t.Helper()
	m, err := app.NewMutation(cmd, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.emb.DB.ApplyAdmin(t.Context(), central.Principal{Tenant: sw.emb.Tenant, Role: app.RoleDispatcher, Name: name}, m); err != nil {
		t.Fatal(err)
	}
}

// syncOnce syncs and fails the test on an error.
func (sw *syncWorld) syncOnce(t *testing.T) {
	t.Helper()
	if err := sw.engine.SyncOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// openPage taps the sync line and returns the page.
func (sw *syncWorld) openPage(t *testing.T) fyne.CanvasObject {
	t.Helper()
	before := len(sw.w.Canvas().Overlays().List())
	test.Tap(sw.term.SyncLine())
	if len(sw.w.Canvas().Overlays().List()) != before+1 {
		t.Fatal("tapping the sync line opened no page")
	}
	return sw.w.Canvas().Overlays().Top()
}

// TestSyncLineAndConflictInbox: work shows as waiting, a sync sends it, a
// dispatcher's cancel turns later work into a conflict that says so, and
// dropping the change (after a confirmation) clears it.
func TestSyncLineAndConflictInbox(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	term := sw.term
	if s := term.SyncText(); !strings.Contains(s, "All work synced") {
		t.Fatalf("sync line after the first sync: %q", s)
	}
	tk := sw.assigned(t, 1)[0]
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "On my way")
	if s := term.SyncText(); !strings.Contains(s, "1 change waiting") || strings.Contains(s, "All work synced") {
		t.Fatalf("sync line after a change: %q", s)
	}
	term.List().SetQuery(tk.Number)
	if tickets := term.List().Tickets(); len(tickets) != 1 || !strings.Contains(labels(term.List().Object()), "1 unsent") {
		t.Errorf("no unsent badge on %s:\n%s", tk.Number, labels(term.List().Object()))
	}
	sw.syncOnce(t)
	if s := term.SyncText(); !strings.Contains(s, "All work synced") {
		t.Fatalf("sync line after sending: %q", s)
	}

	// Dispatch cancels the ticket; the technician, not synced yet, marks
	// arrival on the old assignment.
	sw.dispatch(t, &app.TransitionTicket{Action: app.ActionCancel, Ticket: tk.ID, Epoch: tk.Epoch, Reason: "customer called off"})
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Arrived")
	sw.syncOnce(t)
	s := term.SyncText()
	if !strings.Contains(s, "1 conflict needs a decision") || strings.Contains(s, "All work synced") {
		t.Fatalf("sync line after the refused change: %q", s)
	}
	if !strings.Contains(labels(term.List().Object()), "conflict") {
		t.Errorf("no conflict badge:\n%s", labels(term.List().Object()))
	}
	page := sw.openPage(t)
	shown := labels(page)
	for _, want := range []string{tk.Number, "Arrived", "Dispatch cancelled ticket " + tk.Number, "Cancelled · customer called off", "Changed by", dispatcherName, "Dispatch can still apply your change"} {
		if !strings.Contains(shown, want) {
			t.Errorf("inbox lacks %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, "reassigned or cancelled") {
		t.Errorf("the card does not say which:\n%s", shown)
	}
	tapButton(t, page, "Drop my change")
	confirm := sw.w.Canvas().Overlays().Top()
	if confirm == page {
		t.Fatal("dropping a change asked nothing")
	}
	// Escape keeps the change, as "Leave it for dispatch" does.
	press(sw.w, fyne.KeyEscape)
	if top := sw.w.Canvas().Overlays().Top(); top != page {
		t.Fatal("Escape did not close the confirmation back to the sync page")
	}
	tapButton(t, page, "Drop my change")
	confirm = sw.w.Canvas().Overlays().Top()
	tapButton(t, confirm, "Drop my change")
	sw.syncOnce(t)
	if s := term.SyncText(); strings.Contains(s, "conflict") {
		t.Errorf("sync line after deciding: %q", s)
	}
	if shown := labels(sw.w.Canvas().Overlays().Top()); !strings.Contains(shown, "No conflicts") {
		t.Errorf("inbox after deciding:\n%s", shown)
	}
	if d := ticketNow(t, sw.deps, tk.ID); d.Ticket.Status != app.StatusCancelled {
		t.Errorf("ticket %s after sync, want cancelled", d.Ticket.Status)
	}
	press(sw.w, fyne.KeyEscape)
	if n := len(sw.w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("Escape left the sync page open: %d overlays", n)
	}
}

// photoChunks is a photo sender that reports progress n times, as a long
// upload of small chunks does.
type photoChunks struct{ n int }

func (p photoChunks) UploadAll(ctx context.Context, progress func(done, total int64)) error {
	for i := range p.n {
		progress(int64(i), int64(p.n))
	}
	progress(int64(p.n), int64(p.n))
	return nil
}

func (p photoChunks) BytesToUpload(context.Context) (int64, error) { return 0, nil }

// TestSyncStatusIsPublishedCheaply: a photo upload's progress publishes a
// status per chunk without reading the store; the conflicts are read
// again only when a page brings one.
func TestSyncStatusIsPublishedCheaply(t *testing.T) {
	counted := &countingStore{}
	sw := newSyncWorld(t, counted, nil)
	var statuses atomic.Int64
	sw.svc.WatchSync(func(app.SyncStatus) { statuses.Add(1) })
	sw.engine.SetPhotoSender(photoChunks{n: 500})
	states0, conflicts0 := sw.replica.states.Load(), counted.conflicts.Load()
	sw.syncOnce(t)
	if n := statuses.Load(); n < 500 {
		t.Errorf("%d statuses published for 500 chunks", n)
	}
	// One round reads the state once, and the end of the sync once more.
	if n := sw.replica.states.Load() - states0; n > 2 {
		t.Errorf("a sync of 500 photo chunks read the sync state %d times, want at most 2", n)
	}
	// The service reads no conflict; the ticket list reads them once for
	// its badges, as the sync completed.
	if n := counted.conflicts.Load() - conflicts0; n > 1 {
		t.Errorf("a sync of 500 photo chunks that brought no conflict read the inbox %d times, want at most 1", n)
	}

	// A refused change brings a conflict: the inbox is read once more.
	tk := sw.assigned(t, 1)[0]
	sw.dispatch(t, &app.TransitionTicket{Action: app.ActionCancel, Ticket: tk.ID, Epoch: tk.Epoch, Reason: "test"})
	if _, err := sw.deps.Commit.Commit(t.Context(), sw.deps.Actor, &app.TransitionTicket{Action: app.ActionDepart, Ticket: tk.ID, Epoch: tk.Epoch}); err != nil {
		t.Fatal(err)
	}
	conflicts0 = counted.conflicts.Load()
	sw.syncOnce(t)
	// Once by the service, and by the list once as the conflicts
	// changed (not on each of its reloads): not once per chunk.
	if n := counted.conflicts.Load() - conflicts0; n < 1 || n > 4 {
		t.Errorf("a sync of 500 photo chunks that brought a conflict read the inbox %d times, want 1 to 4", n)
	}
	if st := sw.svc.SyncStatus(); st.Conflicts != 1 || st.Pending != 0 {
		t.Errorf("after the refused change: %d conflicts, %d pending; want 1, 0", st.Conflicts, st.Pending)
	}
}

// lateStatuses stands between the terminal and its service and keeps
// every status, so a test can hand one on again late, as a goroutine that
// read it before the sync ended would.
type lateStatuses struct {
	app.SyncService
	seen  []app.SyncStatus
	watch func(app.SyncStatus)
}

func (l *lateStatuses) WatchSync(fn func(app.SyncStatus)) {
	l.watch = fn
	l.SyncService.WatchSync(func(s app.SyncStatus) {
		l.seen = append(l.seen, s)
		fn(s)
	})
}

// TestSyncLineShowsTheNewestStatus: after completing a ticket the line
// said "Syncing…" for minutes. The status read after the commit reached
// the screen after the sync's last one and stayed until the next sync. A
// late status no longer replaces a newer one, and the "saved" note goes
// once the sync sent the work.
func TestSyncLineShowsTheNewestStatus(t *testing.T) {
	late := &lateStatuses{}
	sw := newSyncWorld(t, nil, func(s app.SyncService) app.SyncService { late.SyncService = s; return late })
	tk := sw.assigned(t, 1)[0]
	sw.term.Detail().Show(tk.ID)
	tapButton(t, sw.term.Detail().Object(), "On my way")
	if !strings.Contains(sw.term.ScanStatus(), "Saved on this device") {
		t.Fatalf("no saved note: %q; %+v\n%s", sw.term.ScanStatus(), sw.svc.SyncStatus(), labels(sw.term.Detail().Object()))
	}
	sw.syncOnce(t)
	var running *app.SyncStatus
	for i := range late.seen {
		if late.seen[i].Running {
			running = &late.seen[i]
		}
	}
	if running == nil {
		t.Fatal("the sync published no running status")
	}
	late.watch(*running)
	if s := sw.term.SyncText(); !strings.Contains(s, "All work synced") {
		t.Errorf("a late status replaced the newest: %q", s)
	}
	if sw.term.ScanStatus() != "" && visible(sw.w.Canvas().Content(), sw.term.ScanStatus()) {
		t.Errorf("the saved note stays after the sync sent the work: %q", sw.term.ScanStatus())
	}
}

// visible reports whether text shows in o.
func visible(o fyne.CanvasObject, text string) bool { return strings.Contains(visibleText(o), text) }

// TestALongReasonStaysShortInTheBanner: a cancellation's reason dispatch
// wrote at length (app.MaxReasonLen, on several lines) is its first words
// on one line in the banner, which stays above every page until read, and
// whole on the sync page.
func TestALongReasonStaysShortInTheBanner(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	tk := sw.assigned(t, 1)[0]
	first := "customer moved abroad"
	reason := first + "\n" + strings.Repeat("the whole story of it. ", app.MaxReasonLen/23)
	sw.dispatch(t, &app.TransitionTicket{Action: app.ActionCancel, Ticket: tk.ID, Epoch: tk.Epoch, Reason: reason})
	sw.syncOnce(t)
	banner := sw.term.NoticeBanner()
	shown := labels(banner)
	if !banner.Visible() || !strings.Contains(shown, "Reason: "+first) {
		t.Fatalf("the banner does not start the reason:\n%s", shown)
	}
	// labels puts a line between labels: the text's, and the button's.
	if n := utf8.RuneCountInString(shown); n > 300 || strings.Count(strings.TrimSpace(shown), "\n") != 1 {
		t.Errorf("the banner holds %d characters, the reason's lines too:\n%s", n, shown)
	}
	if page := labels(sw.openPage(t)); !strings.Contains(page, strings.TrimSpace(reason[len(first)+1:])) {
		t.Errorf("the sync page lacks the reason whole:\n%s", page)
	}
}

// TestDispatchNotices: a ticket cancelled and one reassigned by dispatch
// leave the list with a notice in a banner and on the sync page, which
// stays until read.
func TestDispatchNotices(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	tks := sw.assigned(t, 2)
	cancelled, moved := tks[0], tks[1]
	var other app.TechnicianID
	for _, tech := range sw.ds.Technicians {
		if tech.ID != sw.me.ID && tech.Van != "" {
			other = tech.ID
		}
	}
	if other == "" {
		t.Fatal("no other field technician")
	}
	sw.dispatch(t, &app.TransitionTicket{Action: app.ActionCancel, Ticket: cancelled.ID, Epoch: cancelled.Epoch, Reason: "customer called off"})
	sw.dispatch(t, &app.AssignTicket{Ticket: moved.ID, Technician: other})
	if b := sw.term.NoticeBanner(); b.Visible() {
		t.Fatalf("a banner before the sync: %s", labels(b))
	}
	sw.syncOnce(t)
	banner := sw.term.NoticeBanner()
	if !banner.Visible() {
		t.Fatal("no banner after dispatch took two tickets")
	}
	shown := labels(banner)
	if !strings.Contains(shown, "1 more notice") {
		t.Errorf("the banner does not count the second notice:\n%s", shown)
	}
	page := sw.openPage(t)
	shown = labels(page)
	for _, want := range []string{
		"Ticket " + cancelled.Number + " (" + cancelled.Customer.Name + ") was cancelled by dispatch (" + dispatcherName + "). Reason: customer called off",
		"Ticket " + moved.Number + " (" + moved.Customer.Name + ") was reassigned by dispatch",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("the sync page lacks %q:\n%s", want, shown)
		}
	}
	// They outlast a restart, in a file only this user reads.
	if fi, err := os.Stat(sw.notices); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the notices file: %v, %v", fi, err)
	}
	restarted := terminalSync(t, fbsync.NewEngine(sw.db, sw.client), sw.client, sw.db)
	if err := restarted.KeepNotices(sw.notices); err != nil {
		t.Fatal(err)
	}
	if ns := restarted.Notices(); len(ns) != 2 || ns[1].Ticket != cancelled.ID || ns[1].Reason != "customer called off" || ns[0].Ticket != moved.ID {
		t.Errorf("after a restart the notices are %+v", ns)
	}
	// Another sync brings nothing new: the notices stay, once each.
	sw.syncOnce(t)
	if n := strings.Count(labels(sw.w.Canvas().Overlays().Top()), "was cancelled by dispatch"); n != 1 {
		t.Errorf("the cancel is noticed %d times", n)
	}
	tapButton(t, sw.w.Canvas().Overlays().Top(), "Mark as read")
	if banner.Visible() {
		t.Errorf("the banner stays after reading: %s", labels(banner))
	}
	if shown := labels(sw.w.Canvas().Overlays().Top()); strings.Contains(shown, "by dispatch") {
		t.Errorf("the page keeps read notices:\n%s", shown)
	}
	if _, err := os.Stat(sw.notices); !os.IsNotExist(err) {
		t.Errorf("the notices file stays after reading: %v", err)
	}
}

// secondDevice pairs another device of the same technician with the
// world's service and runs its first sync, into a store of its own.
func (sw *syncWorld) secondDevice(t *testing.T) *store.DB {
	t.Helper()
	ctx := t.Context()
	code, err := sw.emb.PairingCode(ctx, sw.me.ID)
	if err != nil {
		t.Fatal(err)
	}
	paired, err := (&fbsync.Client{BaseURL: sw.emb.URL}).Pair(ctx, code, "second")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "second.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := fbsync.NewEngine(db, &fbsync.Client{BaseURL: sw.emb.URL, Token: paired.Token}).SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// unsentTime is how an unsent change's time reads in English.
var unsentTime = regexp.MustCompile(`^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}$`)

// TestWorkOffline: the page lists the unsent changes; "Work offline" stops
// network sync, says so on the line, is remembered, and turning it off
// sends the work.
func TestWorkOffline(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	sw.engine.Interval, sw.engine.MinBackoff = 20*time.Millisecond, 20*time.Millisecond
	// The UI is touched only while the engine is idle: fyne.Do runs
	// inline in the test driver, on the engine's goroutine.
	waitFor := func(what string, ok func(app.SyncStatus) bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !ok(sw.svc.SyncStatus()) {
			if time.Now().After(deadline) {
				t.Fatalf("no status where %s in 10 s: %+v", what, sw.svc.SyncStatus())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	page := sw.openPage(t)
	var check *widget.Check
	walk(page, func(o fyne.CanvasObject) {
		if c := ui.CheckOf(o); c != nil && c.Text == "Work offline" {
			check = c
		}
	})
	if check == nil {
		t.Fatalf("no Work offline switch:\n%s", labels(page))
	}
	test.Tap(check)
	if !sw.svc.SyncStatus().WorkOffline {
		t.Error("the switch did not take the device offline")
	}
	tk := sw.assigned(t, 1)[0]
	sw.term.Detail().Show(tk.ID)
	tapButton(t, sw.term.Detail().Object(), "On my way")
	if s := sw.term.SyncText(); !strings.Contains(s, "Offline by choice") || !strings.Contains(s, "1 change waiting") {
		t.Errorf("sync line working offline: %q", s)
	}
	shown := labels(sw.w.Canvas().Overlays().Top())
	for _, want := range []string{"Changes not sent yet", tk.Number, "On my way"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the page lacks %q:\n%s", want, shown)
		}
	}
	// The change's time stands on one line beside it (it stood a word a
	// line down the page, the lead's Portuguese walk).
	line := widget.NewLabel("7 Dec 2026 03:14").MinSize().Height
	var when *widget.Label
	walk(sw.w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && unsentTime.MatchString(l.Text) {
			when = l
		}
	})
	if when == nil {
		t.Errorf("no time beside the unsent change:\n%s", shown)
	} else if h := when.Size().Height; h > line*1.5 {
		t.Errorf("the unsent change's time %q is %.0f dp high, more than one line (%.0f dp)", when.Text, h, line)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- sw.engine.Run(ctx) }()
	defer cancel()
	sw.svc.SyncNow()
	// Many intervals and a trigger later, nothing was sent.
	time.Sleep(300 * time.Millisecond)
	if st := sw.svc.SyncStatus(); st.Pending != 1 || st.Running || !st.LastSuccess.Equal(sw.engine.Status().LastSuccess) {
		t.Fatalf("working offline: %d pending, running %v", st.Pending, st.Running)
	}
	if n := serverStatus(t, sw, tk.ID); n != app.StatusAssigned {
		t.Fatalf("working offline, the server has the ticket %s", n)
	}
	sw.svc.SetWorkOffline(false) // as the switch does; the UI is not touched while the engine runs
	waitFor("the work sent", func(s app.SyncStatus) bool { return !s.WorkOffline && !s.Running && s.Pending == 0 && s.Err == nil })
	if n := serverStatus(t, sw, tk.ID); n != app.StatusEnRoute {
		t.Errorf("the server has the ticket %s, want en route", n)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("the engine stopped with %v", err)
	}
	if s := sw.term.SyncText(); strings.Contains(s, "Offline by choice") || !strings.Contains(s, "All work synced") {
		t.Errorf("sync line back online: %q", s)
	}
	test.Tap(check)
	test.Tap(check)
	if sw.svc.SyncStatus().WorkOffline {
		t.Error("the switch did not bring the device back online")
	}
}

// serverStatus is the ticket's status on the service.
func serverStatus(t *testing.T, sw *syncWorld, id app.TicketID) app.Status {
	t.Helper()
	d, err := sw.emb.DB.TicketDetail(t.Context(), sw.emb.Tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	return d.Ticket.Status
}

// TestConflictCardsNameThings: a card says reassigned (and by whom) when
// dispatch gave the ticket to someone else, and names the van, not its
// ID, when stock went below zero.
func TestConflictCardsNameThings(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	ctx := t.Context()
	tks := sw.assigned(t, 2)
	moved, fitted := tks[0], tks[1]
	var other app.TechnicianID
	for _, tech := range sw.ds.Technicians {
		if tech.ID != sw.me.ID && tech.Van != "" {
			other = tech.ID
		}
	}
	// Offline, the technician sets off to a ticket dispatch gives away,
	// and fits more of a part than the van holds.
	sw.dispatch(t, &app.AssignTicket{Ticket: moved.ID, Technician: other})
	sw.term.Detail().Show(moved.ID)
	tapButton(t, sw.term.Detail().Object(), "On my way")
	van := sw.me.Van
	bal, err := sw.deps.Parts.Balances(ctx, van)
	if err != nil || len(bal) == 0 {
		t.Fatalf("the van holds %v (%v)", bal, err)
	}
	// A part fitted by the unit (serialized) is fitted one at a time, and
	// one fit takes at most 1,000: more than the van holds at once takes a
	// part that is not serialized, of which it holds fewer than that.
	var b app.Balance
	for _, c := range bal {
		p, err := sw.deps.Parts.Part(ctx, c.Part)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Serialized && c.Qty >= 1 && c.Qty < 1000 {
			b = c
			break
		}
	}
	if b.Part == "" {
		t.Fatalf("the van holds no part to fit more of than it has: %v", bal)
	}
	if _, err := sw.deps.Commit.Commit(ctx, sw.deps.Actor, &app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: fitted.ID, Part: b.Part, Qty: b.Qty + 1, Serial: "S-1", From: van}}); err != nil {
		t.Fatal(err)
	}
	sw.syncOnce(t)
	var vanName string
	locs, err := sw.deps.Parts.Locations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locs {
		if l.ID == van {
			vanName = l.Name
		}
	}
	if vanName == "" || vanName == string(van) {
		t.Fatalf("the van %s has no name of its own: %q", van, vanName)
	}
	shown := labels(sw.openPage(t))
	for _, want := range []string{
		"Dispatch reassigned ticket " + moved.Number + " to someone else", "Assigned to another technician", dispatcherName,
		"Stock of " + string(b.Part) + " at " + vanName + " is now -1",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("the inbox lacks %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, string(van)) {
		t.Errorf("the inbox shows the van's ID %s:\n%s", van, shown)
	}
}

// terminalSync joins engine, client and store as main.go does.
func terminalSync(t testing.TB, e *fbsync.Engine, c *fbsync.Client, db *store.DB) *fbsync.TerminalSync {
	t.Helper()
	ts, err := fbsync.NewTerminalSync(t.Context(), e, c, db, store.NewTicketService(db))
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// TestCheckInCountsAsWaiting: a device checked in at the counter is work
// waiting to be sent, on the sync line at once like any other change.
func TestCheckInCountsAsWaiting(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	term := sw.term
	if s := term.SyncText(); !strings.Contains(s, "All work synced") {
		t.Fatalf("sync line after the first sync: %q", s)
	}
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	if form == nil {
		t.Fatal("no check-in form")
	}
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: "356938035643809"}})
	form.Fill(app.CategoryPhone, "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", "", "", "Screen flickers")
	form.Submit()
	if p := form.Problem(); p != "" {
		t.Fatalf("check-in refused: %s", p)
	}
	if s := term.SyncText(); !strings.Contains(s, "1 change waiting") || strings.Contains(s, "All work synced") {
		t.Fatalf("sync line after a check-in: %q", s)
	}
}
