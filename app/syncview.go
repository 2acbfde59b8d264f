package app

import (
	"context"
	"time"
)

// SyncStatus is what the terminal shows about sync.
type SyncStatus struct {
	Pending     int       // changes saved on the device, not yet accepted
	PhotoBytes  int64     // photo bytes waiting to be uploaded
	LastSuccess time.Time // zero before the first complete sync
	// Lease is the device's lease: past it the terminal locks the
	// customer data until a sync completes.
	Lease   Lease
	Running bool
	// Err is the last sync's failure, nil after a success; Offline says
	// it was the network, which retries by itself.
	Err     error
	Offline bool
	// PhotoErr is the last photo upload's failure.
	PhotoErr error
	// Revoked: the administrator removed this device and its data.
	Revoked bool
	NextTry time.Time
	// Conflicts counts the conflicts that need a decision.
	Conflicts int
	// Up and Down are the bytes sent and received since the app started.
	Up, Down int64
}

// SyncService is the terminal's view of sync: its status, a way to sync
// now, and the conflict inbox.
type SyncService interface {
	SyncStatus() SyncStatus
	// WatchSync calls fn, on its own goroutine, whenever the status
	// changes.
	WatchSync(fn func(SyncStatus))
	// SyncNow starts a sync at once (without waiting for it).
	SyncNow()
	// OpenConflicts lists the conflicts that need a decision.
	OpenConflicts(ctx context.Context) ([]Conflict, error)
	// ResolveConflict records a decision on the central service (it needs
	// the network) and syncs.
	ResolveConflict(ctx context.Context, id, resolution string) error
	// UnsentTickets counts the unsent changes per ticket.
	UnsentTickets(ctx context.Context) (map[TicketID]int, error)
}
