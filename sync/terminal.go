package sync

import (
	"context"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TerminalStore is what the terminal's sync view reads from the device's
// store: the conflict inbox, the unsent work per ticket and the lease.
type TerminalStore interface {
	PendingCount(ctx context.Context) (int, error)
	Lease(ctx context.Context) (app.Lease, error)
	OpenConflicts(ctx context.Context) ([]app.Conflict, error)
	UnsentTickets(ctx context.Context) (map[app.TicketID]int, error)
}

// TerminalSync is app.SyncService over the engine, the client and the
// device's store: what the UI shows and does about sync.
type TerminalSync struct {
	engine *Engine
	client *Client
	store  TerminalStore
}

var _ app.SyncService = (*TerminalSync)(nil)

// NewTerminalSync joins the three.
func NewTerminalSync(e *Engine, c *Client, s TerminalStore) *TerminalSync {
	return &TerminalSync{engine: e, client: c, store: s}
}

// SyncStatus returns the engine's status with the open conflicts counted.
func (t *TerminalSync) SyncStatus() app.SyncStatus { return t.convert(t.engine.Status()) }

// WatchSync calls fn on every change of the engine's status.
func (t *TerminalSync) WatchSync(fn func(app.SyncStatus)) {
	t.engine.Watch(func(s Status) { fn(t.convert(s)) })
}

func (t *TerminalSync) convert(s Status) app.SyncStatus {
	out := app.SyncStatus{
		Pending: s.Pending, PhotoBytes: s.PhotoBytes, LastSuccess: s.LastSuccess, Lease: s.Lease, Running: s.Running,
		Err: s.Err, Offline: app.ErrorCode(s.Err) == app.EOFFLINE, PhotoErr: s.PhotoErr,
		Revoked: s.Revoked, NextTry: s.NextTry, Up: s.Up, Down: s.Down,
	}
	// The counts come from the store, which knows of work saved since
	// the engine last looked; both are small indexed queries.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if n, err := t.store.PendingCount(ctx); err == nil {
		out.Pending = n
	}
	if cs, err := t.store.OpenConflicts(ctx); err == nil {
		out.Conflicts = len(cs)
	}
	// From the store too: before the engine's first round (at start,
	// offline) its status has no lease yet, and the lock must show.
	if l, err := t.store.Lease(ctx); err == nil {
		out.Lease = l
	}
	return out
}

// SyncNow asks the engine to sync at once.
func (t *TerminalSync) SyncNow() { t.engine.Trigger() }

// OpenConflicts lists the conflicts on the device that need a decision.
func (t *TerminalSync) OpenConflicts(ctx context.Context) ([]app.Conflict, error) {
	return t.store.OpenConflicts(ctx)
}

// ResolveConflict records the decision on the central service and syncs,
// which brings the resolved conflict (and any change it made) back.
func (t *TerminalSync) ResolveConflict(ctx context.Context, id, resolution string) error {
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
