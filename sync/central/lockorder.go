package central

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/fieldbench/fieldbench/app"
)

// The order of check locks (lockCheck). Each check takes its lock when
// the write reaches the movement or payment that needs it, so two late
// writes on PostgreSQL whose batches name the same two balances in
// opposite orders (device A fits part X then Y from the shelf, device B
// Y then X; or two shipments from one warehouse) each held one lock and
// waited for the other's: a deadlock, which PostgreSQL ends only after
// deadlock_timeout (1 s by default), and pgTx runs the victim again. A
// write now names the check locks it will take (willCheck) and takes
// them all in one statement, in ascending key order, before it locks
// any ticket row (takeNamed): writes that take their locks in one order,
// check locks before tickets, never wait for each other in a circle. A
// write that named keys without taking them (none does today) has its
// first check take them all (qCheckLocks, qLedgerLockedAll). A key no
// prediction named is still taken when reached (lockCheck): the
// prediction orders locks, the checks' correctness does not depend on
// it.

// Tickets have the same problem: a push locks each ticket when its first
// mutation on it reads it (get), so device A's batch on tickets 1 then
// 2 and device B's on 2 then 1, at the same moment, each held one
// ticket and waited for the other (a dispatcher's device and a
// technician's, or two technicians on a shared job). A push now names
// the tickets its mutations will read (willLockTicket) and, after its
// check locks (takeNamed), locks them all in one statement in ascending
// ID order (lockTickets), the key PostgreSQL locks them by. Its reads
// then find them locked and read from the cache that statement filled.
// A shipment locks the tickets of the part requests it ships, and
// names them the same way (willLockTicketsOf); every other dispatcher's
// action or decided conflict is one mutation on one ticket, which
// lockTickets leaves to its read.

// checkLockKeys are the check lock keys a command's Apply takes on the
// service (AddMovement, moveUnit, AddPayment), at most one per balance,
// unit or receipt; a command that is refused before reaching them took
// none and is harmless to name. TestCheckLockKeysNameWhatApplyTakes
// keeps this list and those three in step.
func checkLockKeys(tenant string, cmd app.Command) []int64 {
	var keys []int64
	move := func(m app.StockMovement) {
		if m.From != "" {
			keys = append(keys, balanceLockKey(tenant, m.From, m.Part))
		}
		if m.Serial != "" && serialTaken(m) != "" {
			keys = append(keys, unitLockKey(tenant, m.Part, m.Serial))
		}
	}
	switch c := cmd.(type) {
	case *app.ConsumePart:
		u := c.Used
		move(app.StockMovement{Kind: app.MoveConsume, Part: u.Part, From: u.From, Serial: u.Serial})
	case *app.ReturnDefective:
		m := c.Movement
		m.Kind = app.MoveReturnDefective
		move(m)
	case *app.MoveStock:
		m := c.Movement
		m.Kind = c.Kind
		move(m)
	case *app.SendShipment:
		for _, l := range c.Shipment.Lines {
			move(app.StockMovement{Kind: app.MoveShip, Part: l.Part, From: c.Shipment.From, Serial: l.Serial})
		}
	case *app.RecordPayment:
		keys = append(keys, receiptLockKey(tenant, c.Payment.Receipt))
	case *app.RefundPayment:
		keys = append(keys, receiptLockKey(tenant, c.Payment.Receipt))
	}
	return keys
}

// maxOrderedLocks bounds the keys a write takes in its first lock
// statement: a request holds at most maxPush mutations, but a shipment's
// lines or a caller of the DB may bring more; past the bound keys are
// taken when reached, as they were before ordering.
const maxOrderedLocks = 4096

// willCheck names check lock keys the write will take (checkLockKeys),
// before its first check lock: that one takes them all in key order.
// Once it was taken, later names change nothing.
func (s *serverTx) willCheck(keys ...int64) {
	if !s.lateOnPostgres() || s.ordered {
		return
	}
	for _, k := range keys {
		if len(s.lockOrder) >= maxOrderedLocks {
			return
		}
		s.name(k)
	}
}

// name adds key to the keys named (lockOrder) unless it is there. A
// push names a few keys, one per movement, which a scan finds sooner
// than a map; a batch naming more (up to maxOrderedLocks) gets a set.
func (s *serverTx) name(key int64) {
	if len(s.lockOrder) <= maxScannedKeys {
		if !slices.Contains(s.lockOrder, key) {
			s.lockOrder = append(s.lockOrder, key)
		}
		return
	}
	if s.namedKeys == nil {
		s.namedKeys = make(map[int64]bool, 2*len(s.lockOrder))
		for _, k := range s.lockOrder {
			s.namedKeys[k] = true
		}
	}
	if !s.namedKeys[key] {
		s.namedKeys[key] = true
		s.lockOrder = append(s.lockOrder, key)
	}
}

// takeNamed takes every check lock the write named (willCheck), in one
// statement and key order, before the write locks any ticket row. Taken
// with the write's first check instead, they let two writes wait in a
// circle through a ticket: write A, holding the balance named for its
// later mutation, went on to lock that mutation's ticket, which write B
// held while it waited for the balance. Every late write that names its
// check locks takes them before its ticket rows: one order.
func (s *serverTx) takeNamed(ctx context.Context) error {
	if !s.lateOnPostgres() || s.ordered || len(s.lockOrder) == 0 {
		return nil
	}
	if _, err := s.exec(ctx, qCheckLocks, s.lockOrder); err != nil {
		return transient(err)
	}
	s.heldOrdered()
	return nil
}

// maxScannedKeys is the most keys name looks through by a scan.
const maxScannedKeys = 32

// orderedKeys is what the write's first check lock statement takes
// when it needs key: every named key and key, when that is more than
// one (nil otherwise: a single lock cannot wait in a circle of check
// locks, and its own statement is the one it had before ordering).
func (s *serverTx) orderedKeys(key int64) []int64 {
	if s.ordered || len(s.lockOrder) == 0 || len(s.lockOrder) == 1 && s.lockOrder[0] == key {
		return nil
	}
	s.name(key)
	return s.lockOrder
}

// heldOrdered notes that the write's first lock statement took the named
// keys.
func (s *serverTx) heldOrdered() {
	s.ordered = true
	for _, k := range s.lockOrder {
		s.heldCheckLock(k)
	}
}

// lockedTicket is the ticket a push's mutation cmd reads and locks
// before it writes (checkTicketScope, the command's Apply), "" for none:
// a new ticket's row does not exist to be locked.
func lockedTicket(cmd app.Command) app.TicketID {
	if _, create := cmd.(*app.CreateTicket); create {
		return ""
	}
	return app.TicketOf(cmd)
}

// willLockTicketsOf names the tickets cmd's Apply reads and locks
// (willLockTicket): its own (lockedTicket), and a shipment's, one per
// line shipping a part request (shipRequest saves the request, which
// reads its ticket). A line names its request's ticket when the office
// sent it (the console does); for one that names only the request,
// lockTickets looks the ticket up. Receiving a shipment locks its
// requests' tickets too, which the command does not name: those are
// locked when reached.
func (s *serverTx) willLockTicketsOf(cmd app.Command) {
	s.willLockTicket(lockedTicket(cmd))
	if c, ok := cmd.(*app.SendShipment); ok {
		for _, l := range c.Shipment.Lines {
			switch {
			case l.Request == "":
			case l.Ticket != "":
				s.willLockTicket(l.Ticket)
			case s.lateOnPostgres() && len(s.requestsNamed) < maxOrderedTickets:
				s.requestsNamed = append(s.requestsNamed, l.Request)
			}
		}
	}
}

// namedRequestTickets adds to the tickets named those of the part
// requests named without theirs (willLockTicketsOf), looked up in one
// statement, when they may make two tickets or more: a request's
// ticket never changes, so the index read without a lock is the one
// shipRequest will lock.
func (s *serverTx) namedRequestTickets(ctx context.Context) error {
	reqs := s.requestsNamed
	s.requestsNamed = nil
	if len(reqs) == 0 || len(reqs)+len(s.ticketOrder) < 2 {
		return nil
	}
	rows, err := s.tx.QueryContext(ctx, s.db.q(qRequestTickets), s.tenant, reqs)
	if err != nil {
		return transient(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return transient(err)
		}
		s.willLockTicket(app.TicketID(id))
	}
	if err := rows.Err(); err != nil {
		return transient(err)
	}
	return transient(rows.Close())
}

// maxOrderedTickets bounds the tickets a write locks in its one ticket
// statement: a push's request holds at most maxPush mutations, so at
// most that many tickets; past the bound (a shipment of more request
// lines) a ticket is locked when read, as before.
const maxOrderedTickets = maxPush

// willLockTicket names a ticket the write will read, for lockTickets.
// A push's mutations are mostly on one ticket: the same ID again is not
// kept twice in a row.
func (s *serverTx) willLockTicket(id app.TicketID) {
	if id == "" || !s.lateOnPostgres() || len(s.ticketOrder) >= maxOrderedTickets {
		return
	}
	if n := len(s.ticketOrder); n > 0 && s.ticketOrder[n-1] == string(id) {
		return
	}
	s.ticketOrder = append(s.ticketOrder, string(id))
}

// lockTickets locks every ticket the write named (willLockTicket), in
// one statement and ascending ID order, FOR SHARE when the write reads
// its tickets so (get), and keeps them read (cacheTicket): the reads
// that would have locked them one by one find them there. A write
// naming one ticket sends nothing: one lock cannot wait in a circle of
// tickets, and its read is the statement it sent before. A ticket that
// is missing, or unreadable, is left to its read, which answers as
// before.
func (s *serverTx) lockTickets(ctx context.Context) error {
	if err := s.namedRequestTickets(ctx); err != nil {
		return err
	}
	if len(s.ticketOrder) < 2 {
		return nil
	}
	slices.Sort(s.ticketOrder)
	ids := slices.Compact(s.ticketOrder)
	s.ticketOrder = nil
	if len(ids) < 2 {
		return nil
	}
	q := qTicketsLock
	if s.shareTickets {
		q = qTicketsShare
	}
	rows, err := s.tx.QueryContext(ctx, s.db.q(q), s.tenant, ids)
	if err != nil {
		return transient(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return transient(err)
		}
		var t app.Ticket
		if json.Unmarshal([]byte(data), &t) == nil && string(t.ID) == id {
			s.cacheTicket(t)
		}
	}
	if err := rows.Err(); err != nil {
		return transient(err)
	}
	return transient(rows.Close())
}
