package app

import (
	"context"
	"time"
)

// SyncStatus is what the terminal shows about sync. The device's sync
// engine publishes it; the terminal adds the conflict inbox's count and
// the dispatch notices.
type SyncStatus struct {
	// Seq orders the statuses published: a status can reach a screen after
	// a newer one (each publisher hands it on from its own goroutine), and
	// the screen keeps the one with the highest Seq.
	Seq         uint64
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
	// WorkOffline says the technician stopped network sync on purpose;
	// nothing is sent or received until they turn it off.
	WorkOffline bool
	// PhotoErr is the last photo upload's failure.
	PhotoErr error
	// Revoked: the administrator removed this device and its data.
	Revoked bool
	NextTry time.Time
	// Conflicts counts the conflicts that need a decision.
	Conflicts int
	// Notices counts the dispatch notices not yet read.
	Notices int
	// Up and Down are the bytes sent and received since the app started.
	Up, Down int64
	// Pulled counts the rows received by the running sync, for the
	// progress of a first sync.
	Pulled int
}

// NoticeKind says what dispatch did to a ticket on this device.
type NoticeKind string

const (
	NoticeCancelled  NoticeKind = "cancelled"  // dispatch cancelled the ticket
	NoticeReassigned NoticeKind = "reassigned" // the ticket went to someone else
)

// Notice tells the technician that dispatch took a ticket away from them:
// the ticket leaves their list, and the notice says why until they read it.
type Notice struct {
	Kind     NoticeKind `json:"kind"`
	Ticket   TicketID   `json:"ticket"`
	Number   string     `json:"number,omitempty"` // "" when the device did not know the ticket
	Customer string     `json:"customer,omitempty"`
	By       string     `json:"by,omitempty"` // who did it, when the sync says (a cancellation's EpochBy)
	At       time.Time  `json:"at"`           // when the sync brought it
	// Reason is why, when dispatch gave one: a cancellation's reason
	// ("customer called off"), which tells the technician whether to
	// still go or call.
	Reason string `json:"reason,omitempty"`
}

// MaxNotices bounds the unread notices kept: past it the oldest go.
const MaxNotices = 100

// SyncService is the terminal's view of sync: its status, a way to sync
// now or to stop syncing, the conflict inbox, the unsent changes and the
// dispatch notices.
type SyncService interface {
	// SyncStatus returns the status last published; it reads nothing.
	SyncStatus() SyncStatus
	// WatchSync calls fn, on the publisher's goroutine, with every status
	// published (a screen keeps the highest Seq).
	WatchSync(fn func(SyncStatus))
	// Recount counts the unsent changes again, after work was saved on
	// the device, and publishes the status.
	Recount(ctx context.Context) error
	// SyncNow starts a sync at once (without waiting for it); it does
	// nothing while working offline.
	SyncNow()
	// SetWorkOffline stops (on) or resumes network sync; resuming syncs
	// at once.
	SetWorkOffline(on bool)
	// OpenConflicts lists the conflicts that need a decision.
	OpenConflicts(ctx context.Context) ([]Conflict, error)
	// ResolveConflict records a decision on the central service (it needs
	// the network) and syncs.
	ResolveConflict(ctx context.Context, id, resolution string) error
	// UnsentTickets counts the unsent changes per ticket.
	UnsentTickets(ctx context.Context) (map[TicketID]int, error)
	// UnsentChanges returns up to limit unsent changes, oldest first.
	UnsentChanges(ctx context.Context, limit int) ([]Mutation, error)
	// Notices returns the unread dispatch notices, newest first.
	Notices() []Notice
	// ReadNotices marks every notice read.
	ReadNotices() error
}
