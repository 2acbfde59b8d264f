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

// Part requests, shipments and photos close the last circles. A write
// reaching a request locks it and then, saving it, its ticket, while an
// office's decision or a technician's cancel reads the ticket first; a
// receipt reads its shipment and then its requests and their tickets,
// in line order; the photo check wrote each photo of one picture and
// then read its ticket. So two shipments of the same requests in
// opposite orders, a receipt against a push on two of its tickets, and
// the check against such a push each waited in a circle. The one order
// is now: check locks, the shipments a write's receipts name
// (lockShipments), the tickets it will read, its requests' among them,
// even one (lockTickets), then the requests and photos as reached. Two
// writes on the same requests share those requests' tickets and wait
// for each other at the first, never in a circle of requests.

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
		if m.Serial != "" {
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
	case *app.ReceiveShipment:
		for _, l := range c.Receipt.Lines {
			if l.Serial != "" {
				keys = append(keys, unitLockKey(tenant, l.Part, l.Serial))
			}
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
// (willLockTicket): its own (lockedTicket), and a shipment's or a
// receipt's, one per line shipping a part request (shipRequest and
// fillRequests save the request, which reads its ticket). A receipt
// names its shipment, whose lines lockShipments reads.
func (s *serverTx) willLockTicketsOf(cmd app.Command) {
	s.willLockTicket(lockedTicket(cmd))
	switch c := cmd.(type) {
	case *app.SendShipment:
		s.willLockRequestTickets(c.Shipment.Lines)
	case *app.ReceiveShipment:
		s.willLockShipment(c.Shipment)
	}
}

// willLockRequestTickets names the tickets of the lines that ship a
// part request. A line names its request's ticket when the office sent
// it (the console does); for one that names only the request,
// lockTickets looks the ticket up. Such a write reads each request
// (locking it) before its ticket, so it locks its tickets up front
// even when they are one (lockOne): every write then locks a
// request's ticket before the request (an office's decision and a
// technician's cancel read the ticket first), and two writes naming the
// same requests, which share their tickets, wait for each other at the
// first of those, never in a circle of requests.
func (s *serverTx) willLockRequestTickets(lines []app.ShipmentLine) {
	if !s.lateOnPostgres() {
		return
	}
	for _, l := range lines {
		switch {
		case l.Request == "":
			continue
		case l.Ticket != "":
			s.willLockTicket(l.Ticket)
		case len(s.requestsNamed) < maxOrderedTickets:
			s.requestsNamed = append(s.requestsNamed, l.Request)
		}
		s.lockOne = true
	}
}

// willLockShipment names a shipment a receipt reads and locks, for
// lockShipments.
func (s *serverTx) willLockShipment(id string) {
	if id == "" || !s.lateOnPostgres() || len(s.shipmentsNamed) >= maxOrderedTickets {
		return
	}
	s.shipmentsNamed = append(s.shipmentsNamed, id)
}

// lockShipments locks the shipments the write's receipts name
// (willLockShipment), in one statement and ascending ID order, before
// any ticket, keeps them read for the receipt's own read (Shipment),
// and names the tickets of their lines' requests: a receipt saves the
// requests it fills, in line order, and each reads its ticket, so a
// receipt of requests for tickets 2 and 1 held 2 and waited for 1 while
// a push on both held 1 and waited for 2. No other write locks a
// shipment (a new one is inserted), so shipments before tickets is one
// order. A shipment that is missing or unreadable is left to its read,
// which answers as before.
func (s *serverTx) lockShipments(ctx context.Context) error {
	ids := s.shipmentsNamed
	s.shipmentsNamed = nil
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	rows, err := s.tx.QueryContext(ctx, s.db.q(qShipmentsLock), s.tenant, ids)
	if err != nil {
		return transient(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return transient(err)
		}
		var sh app.Shipment
		if json.Unmarshal([]byte(data), &sh) == nil && sh.ID == id {
			if s.lockedShipments == nil {
				s.lockedShipments = map[string]app.Shipment{}
			}
			s.lockedShipments[id] = sh
			s.willLockRequestTickets(sh.Lines)
		}
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

// lockTickets locks every ticket the write named (willLockTicket), and
// those of the part requests it named without theirs, looked up in the
// same statement, in ascending ID order, FOR SHARE when the write reads
// its tickets so (get), after the shipments its receipts name
// (lockShipments), and keeps them read (cacheTicket): the reads that
// would have locked them one by one find them there. A write naming one
// ticket sends nothing, unless it reads a request before its ticket
// (lockOne): one lock cannot wait in a circle of tickets, and its read
// is the statement it sent before; a shipment's one ticket locked here
// is not read again. A ticket that is missing, or unreadable, is left
// to its read, which answers as before.
func (s *serverTx) lockTickets(ctx context.Context) error {
	if err := s.lockShipments(ctx); err != nil {
		return err
	}
	reqs, one := s.requestsNamed, s.lockOne
	s.requestsNamed, s.lockOne = nil, false
	slices.Sort(s.ticketOrder)
	ids := slices.Compact(s.ticketOrder)
	s.ticketOrder = nil
	if len(reqs) == 0 && (len(ids) == 0 || len(ids) == 1 && !one) {
		return nil
	}
	q, args := qTicketsLock, []any{s.tenant, ids}
	switch {
	case len(reqs) > 0:
		// A shipment's: it saves its requests, not its tickets; a push
		// reading tickets FOR SHARE (notes, photos) ships nothing.
		q, args = qTicketsOfRequestsLock, []any{s.tenant, ids, s.tenant, reqs}
	case s.shareTickets:
		q = qTicketsShare
	}
	if ids == nil {
		args[1] = []string{}
	}
	rows, err := s.tx.QueryContext(ctx, s.db.q(q), args...)
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
