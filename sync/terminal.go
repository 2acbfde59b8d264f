package sync

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	gosync "sync"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TerminalStore is what the terminal's sync view reads from the device's
// store: the conflict inbox and the unsent work.
type TerminalStore interface {
	OpenConflicts(ctx context.Context) ([]app.Conflict, error)
	UnsentTickets(ctx context.Context) (map[app.TicketID]int, error)
	Pending(ctx context.Context, limit int) ([]app.Mutation, error)
	MutationTimes(ctx context.Context, ids []string) (map[string]time.Time, error)
}

// TerminalSync is app.SyncService over the engine, the client and the
// device's store: what the UI shows and does about sync.
//
// It publishes the engine's status with the open conflicts and unread
// notices added, and keeps that cheap: the engine counts the unsent
// changes once per round (and on Recount), the conflicts are counted
// again only when a pulled page brings some, and the notices come from
// the pulled pages themselves. A photo chunk's progress queries nothing.
type TerminalSync struct {
	engine  *Engine
	client  *Client
	store   TerminalStore
	tickets app.TicketService

	mu        gosync.Mutex
	cur       app.SyncStatus // the last status published
	engineSeq uint64         // the Seq of the engine status in cur
	seq       uint64
	conflicts int
	// recount: a count failed, so the next page counts again whatever it
	// holds.
	recount bool
	notices []app.Notice // unread, oldest first
	// noticePath keeps the notices across restarts; "" keeps them in
	// memory only.
	noticePath string
	// offlinePath marks, by existing, that the user chose to work
	// offline; "" keeps the choice in memory only.
	offlinePath string
	watchers    []func(app.SyncStatus)
}

var (
	_ app.SyncService = (*TerminalSync)(nil)
	_ PullObserver    = (*TerminalSync)(nil)
)

// lookupTimeout bounds the store reads TerminalSync makes on its own.
const lookupTimeout = 5 * time.Second

// NewTerminalSync joins the engine, the client and the device's store,
// and counts the open conflicts once. tickets names the tickets dispatch
// takes away, before the sync drops them.
func NewTerminalSync(ctx context.Context, e *Engine, c *Client, s TerminalStore, tickets app.TicketService) (*TerminalSync, error) {
	t := &TerminalSync{engine: e, client: c, store: s, tickets: tickets}
	cs, err := s.OpenConflicts(ctx)
	if err != nil {
		return nil, err
	}
	t.conflicts = len(cs)
	e.SetPullObserver(t)
	// The counts and the lease from the store: before the engine's first
	// round (at start, offline) its status has none, and the lock must
	// show.
	if err := e.Recount(ctx); err != nil {
		return nil, err
	}
	e.Watch(t.fromEngine)
	return t, nil
}

// fromEngine takes a status of the engine, unless a newer one is in.
func (t *TerminalSync) fromEngine(s app.SyncStatus) {
	t.mu.Lock()
	if s.Seq < t.engineSeq {
		t.mu.Unlock()
		return
	}
	t.engineSeq = s.Seq
	t.cur = s
	if s.Revoked && len(t.notices) > 0 {
		// The device's data was erased; the notices name its customers.
		// A failure to remove their file shows as the status's error.
		t.notices = nil
		if err := t.saveNoticesLocked(); err != nil {
			t.cur.Err = errors.Join(s.Err, err)
		}
	}
	t.publishLocked()
}

// publishLocked stamps cur, unlocks t.mu and hands cur to the watchers.
func (t *TerminalSync) publishLocked() {
	t.seq++
	t.cur.Seq, t.cur.Conflicts, t.cur.Notices = t.seq, t.conflicts, len(t.notices)
	s, ws := t.cur, append([]func(app.SyncStatus){}, t.watchers...)
	t.mu.Unlock()
	for _, w := range ws {
		w(s)
	}
}

// SyncStatus returns the status last published.
func (t *TerminalSync) SyncStatus() app.SyncStatus {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cur
}

// WatchSync calls fn with every status published, from now on.
func (t *TerminalSync) WatchSync(fn func(app.SyncStatus)) {
	t.mu.Lock()
	t.watchers = append(t.watchers, fn)
	t.mu.Unlock()
}

// Recount counts the unsent changes again and publishes them.
func (t *TerminalSync) Recount(ctx context.Context) error { return t.engine.Recount(ctx) }

// SyncNow asks the engine to sync at once.
func (t *TerminalSync) SyncNow() { t.engine.Trigger() }

// SetWorkOffline stops or resumes the engine's network sync, and keeps the
// choice in the data folder when KeepWorkOffline named a file: a choice
// belongs to the device's data, not to the app, so another data folder or
// a new pairing after sign-out starts online.
func (t *TerminalSync) SetWorkOffline(on bool) {
	t.mu.Lock()
	path := t.offlinePath
	t.mu.Unlock()
	if path != "" {
		var err error
		if on {
			err = app.WriteFileAtomic(path, []byte("the technician chose to work offline\n"))
		} else if err = os.Remove(path); errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
		// The choice still holds for this run; the next start finds the
		// file as it could be left, which at worst asks again.
		_ = err
	}
	t.engine.SetWorkOffline(on)
}

// KeepWorkOffline keeps the work-offline choice in the file at path and
// applies the choice it holds.
func (t *TerminalSync) KeepWorkOffline(path string) error {
	_, err := os.Stat(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return app.Errorf(app.EINTERNAL, "sync.offline_unreadable", "Cannot read {{.Path}}. Check the data folder's permissions.", "Path", path).WithCause(err)
	}
	t.mu.Lock()
	t.offlinePath = path
	t.mu.Unlock()
	t.engine.SetWorkOffline(err == nil)
	return nil
}

// OpenConflicts lists the conflicts on the device that need a decision.
func (t *TerminalSync) OpenConflicts(ctx context.Context) ([]app.Conflict, error) {
	return t.store.OpenConflicts(ctx)
}

// MutationTimes gives when the changes ids, which the conflicts on this
// device name, were saved on it: the conflict inbox shows when the work
// was done, not when the server refused it.
func (t *TerminalSync) MutationTimes(ctx context.Context, ids []string) (map[string]time.Time, error) {
	return t.store.MutationTimes(ctx, ids)
}

// ResolveConflict records the decision on the central service and syncs,
// which brings the resolved conflict (and any change it made) back.
// While working offline it refuses: the technician asked for no network.
func (t *TerminalSync) ResolveConflict(ctx context.Context, id, resolution string) error {
	if t.engine.workOffline() {
		return app.Errorf(app.EOFFLINE, "sync.work_offline_decide", "You chose to work offline. Turn off “Work offline” on the sync page to send this decision.")
	}
	if err := t.client.Resolve(ctx, id, resolution); err != nil {
		return err
	}
	t.engine.Trigger()
	return nil
}

// UnsentTickets counts the unsent changes per ticket.
func (t *TerminalSync) UnsentTickets(ctx context.Context) (map[app.TicketID]int, error) {
	return t.store.UnsentTickets(ctx)
}

// UnsentChanges returns up to limit unsent changes, oldest first.
func (t *TerminalSync) UnsentChanges(ctx context.Context, limit int) ([]app.Mutation, error) {
	return t.store.Pending(ctx, limit)
}

// Notices returns the unread notices, newest first.
func (t *TerminalSync) Notices() []app.Notice {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]app.Notice, len(t.notices))
	for i, n := range t.notices {
		out[len(out)-1-i] = n
	}
	return out
}

// ReadNotices forgets the notices and publishes the status.
func (t *TerminalSync) ReadNotices() error {
	t.mu.Lock()
	t.notices = nil
	err := t.saveNoticesLocked()
	t.publishLocked()
	return err
}

// maxNoticeFile bounds the notices file read: MaxNotices notices take a
// few tens of KB.
const maxNoticeFile = 1 << 20

// KeepNotices keeps the unread notices in the file at path, so that they
// stay until read across restarts, and loads those it holds. The file
// names customers: it is readable by its owner only, and is removed when
// the notices are read or the device is revoked.
func (t *TerminalSync) KeepNotices(path string) error {
	f, err := os.Open(path)
	var kept []app.Notice
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return app.Errorf(app.EINTERNAL, "sync.notices_unreadable", "Cannot read the dispatch notices in {{.Path}}. Check the data folder's permissions.", "Path", path).WithCause(err)
	default:
		raw, rerr := io.ReadAll(io.LimitReader(f, maxNoticeFile+1))
		f.Close()
		if rerr == nil && len(raw) > maxNoticeFile {
			rerr = errors.New("too large")
		}
		if rerr == nil {
			rerr = json.Unmarshal(raw, &kept)
		}
		if rerr != nil {
			return app.Errorf(app.ECORRUPT, "sync.notices_damaged", "The dispatch notices in {{.Path}} are damaged. Delete the file: only the notices are lost, and the tickets show the change.", "Path", path).WithCause(rerr)
		}
	}
	t.mu.Lock()
	t.noticePath = path
	t.notices = append(t.notices, kept...)
	if n := len(t.notices) - app.MaxNotices; n > 0 {
		t.notices = slices.Clone(t.notices[n:])
	}
	t.publishLocked()
	return nil
}

// saveNoticesLocked writes the notices to their file, or removes it when
// none are left.
func (t *TerminalSync) saveNoticesLocked() error {
	if t.noticePath == "" {
		return nil
	}
	var err error
	if len(t.notices) == 0 {
		if err = os.Remove(t.noticePath); errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
	} else {
		var raw []byte
		if raw, err = json.Marshal(t.notices); err == nil {
			err = app.WriteFileAtomic(t.noticePath, raw)
		}
	}
	if err != nil {
		return app.Errorf(app.EINTERNAL, "sync.notices_unsaved", "Cannot save the dispatch notices in {{.Path}}. Check that the disk has room.", "Path", t.noticePath).WithCause(err)
	}
	return nil
}

// BeforePull turns what dispatch did into notices while the device still
// has the tickets: a ticket it held that arrives cancelled, or leaves its
// scopes (reassigned). A ticket the device did not hold (a first sync, a
// ticket cancelled before it came) makes no notice.
func (t *TerminalSync) BeforePull(ctx context.Context, page *app.PullPage) error {
	if page.Reset {
		return nil
	}
	var found []app.Notice
	check := func(id app.TicketID, kind app.NoticeKind, by, reason string) error {
		lctx, cancel := context.WithTimeout(ctx, lookupTimeout)
		defer cancel()
		d, err := t.tickets.TicketDetail(lctx, id)
		switch {
		case app.ErrorCode(err) == app.ENOTFOUND:
		case err != nil && app.AsError(err).Key == "lease.locked":
			// Past the lease the store hides the ticket; the notice
			// still says which one, by its ID.
			found = append(found, app.Notice{Kind: kind, Ticket: id, By: by, Reason: reason, At: page.At})
		case err != nil:
			return err
		case kind == app.NoticeCancelled && d.Ticket.Status == app.StatusCancelled:
			// Known already: a later change to a cancelled ticket.
		default:
			found = append(found, app.Notice{Kind: kind, Ticket: id, Number: d.Ticket.Number, Customer: d.Ticket.Customer.Name, By: by, Reason: reason, At: page.At})
		}
		return nil
	}
	for _, tk := range page.Data.Tickets {
		if tk.Ticket.Status == app.StatusCancelled {
			if err := check(tk.Ticket.ID, app.NoticeCancelled, tk.Ticket.EpochBy, tk.Ticket.StatusReason); err != nil {
				return err
			}
		}
	}
	for _, id := range page.Data.GoneTickets {
		// A gone ticket comes without its row: who is not known here.
		if err := check(id, app.NoticeReassigned, "", ""); err != nil {
			return err
		}
	}
	if len(found) == 0 {
		return nil
	}
	t.mu.Lock()
	for _, n := range found {
		// A page that failed to apply comes again: one notice each.
		if !slices.ContainsFunc(t.notices, func(o app.Notice) bool { return o.Ticket == n.Ticket && o.Kind == n.Kind }) {
			t.notices = append(t.notices, n)
		}
	}
	if n := len(t.notices) - app.MaxNotices; n > 0 {
		t.notices = slices.Clone(t.notices[n:])
	}
	err := t.saveNoticesLocked()
	t.publishLocked()
	return err
}

// AfterPull counts the open conflicts again when the page brought
// conflicts (new, resolved or gone to another technician) or replaced
// everything.
func (t *TerminalSync) AfterPull(ctx context.Context, page *app.PullPage) error {
	t.mu.Lock()
	recount := t.recount
	t.mu.Unlock()
	if len(page.Data.Conflicts) == 0 && len(page.Data.GoneConflicts) == 0 && !page.Reset && !recount {
		return nil
	}
	lctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	cs, err := t.store.OpenConflicts(lctx)
	t.mu.Lock()
	if t.recount = err != nil; t.recount {
		t.mu.Unlock()
		return err
	}
	t.conflicts = len(cs)
	t.publishLocked()
	return nil
}
