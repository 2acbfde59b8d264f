package app

import (
	"context"
	"time"
)

// TicketScoped is implemented by commands that act on one ticket: the
// device rebases a ticket by replaying the pending commands that name it,
// and the server files a rejected command's conflict under its ticket.
type TicketScoped interface {
	TicketRef() TicketID
}

// TicketOf returns the ticket a command acts on, or "" when it acts on none
// (a stock transfer, say).
func TicketOf(cmd Command) TicketID {
	if s, ok := cmd.(TicketScoped); ok {
		return s.TicketRef()
	}
	return ""
}

func (c *CreateTicket) TicketRef() TicketID     { return c.Ticket.ID }
func (c *AssignTicket) TicketRef() TicketID     { return c.Ticket }
func (c *ScheduleTicket) TicketRef() TicketID   { return c.Ticket }
func (c *UpdateTicket) TicketRef() TicketID     { return c.Ticket }
func (c *TransitionTicket) TicketRef() TicketID { return c.Ticket }
func (c *LogRepair) TicketRef() TicketID        { return c.Entry.Ticket }
func (c *ConsumePart) TicketRef() TicketID      { return c.Used.Ticket }
func (c *ReturnDefective) TicketRef() TicketID  { return c.Movement.Ticket }
func (c *MoveStock) TicketRef() TicketID        { return c.Movement.Ticket }
func (c *AttachPhoto) TicketRef() TicketID      { return c.Photo.Ticket }
func (c *AddNote) TicketRef() TicketID          { return c.Note.Ticket }

// SyncState is what a device's replica knows about its sync with the
// central service.
type SyncState struct {
	Device   DeviceID
	LastSeq  int64  // last outbox seq handed out
	AckedSeq int64  // every seq <= AckedSeq is applied or rejected on the server
	Cursor   string // opaque pull cursor; "" before the first pull
	Epoch    string // the server epoch of Cursor and AckedSeq; "" before the first sync
	Pending  int    // mutations not yet acknowledged
	// LastSuccess is when a sync last completed; zero before the first.
	LastSuccess time.Time
	// LeaseDays is the lease the server last gave (DefaultLeaseDays
	// before it said one).
	LeaseDays int
}

// Lease returns the device's lease.
func (s SyncState) Lease() Lease { return Lease{Days: s.LeaseDays, LastContact: s.LastSuccess} }

// PullPage is one answer of the central service, applied to the replica in
// one transaction.
type PullPage struct {
	Epoch string
	// Acked is the server's last applied seq for this device. It may be
	// below the replica's AckedSeq after the server was restored from a
	// backup: the mutations after it become pending again and are re-sent.
	Acked int64
	// Reset says the cursor belonged to another server epoch: the replica
	// drops its server rows (never its outbox) before loading Data.
	Reset  bool
	Data   Dataset
	Cursor string
	// Complete says this page ends the pull (no more pages are waiting):
	// the replica records the time as its last successful sync.
	Complete bool
	At       time.Time
	// LeaseDays is the lease the server gives (1 to MaxLeaseDays); 0
	// keeps the device's.
	LeaseDays int
	// ReceiptPrefix is the device's receipt prefix (ValidReceiptPrefix),
	// "" from a server that gives none.
	ReceiptPrefix string
	// HistoryAsked are the tickets whose history the request asked for
	// (HistoryReplica); History holds the facts of those answered whole,
	// HistoryOf names them, and HistoryMore says the answer's byte bound
	// left some out (ask again). Applied with the page, after Data.
	HistoryAsked []TicketID
	History      Dataset
	HistoryOf    []TicketID
	HistoryMore  bool
}

// HistoryReplica is a Replica that keeps closed tickets' history on demand
// (HistoryService): the sync engine asks for the history of the tickets it
// names with its next request.
type HistoryReplica interface {
	Replica
	// HistoryRequested returns up to limit tickets whose history is asked
	// for.
	HistoryRequested(ctx context.Context, limit int) ([]TicketID, error)
}

// Replica is the device's local copy as the sync engine sees it: the outbox
// to push and the place pulled pages land. The store implements it.
type Replica interface {
	// SyncState reads the replica's sync watermarks.
	SyncState(ctx context.Context) (SyncState, error)
	// Pending returns up to limit mutations after AckedSeq, in seq order.
	Pending(ctx context.Context, limit int) ([]Mutation, error)
	// ApplyPull applies one page in one transaction: the acknowledgement,
	// a reset, the rows, the cursor, and a rebase of the pending mutations
	// on the tickets the page changed. Either all of it or nothing.
	ApplyPull(ctx context.Context, page PullPage) error
	// Wipe deletes every local row and the outbox: the device was revoked.
	Wipe(ctx context.Context) error
}
