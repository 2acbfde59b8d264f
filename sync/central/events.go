package central

import (
	"slices"
	gosync "sync"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Event kinds: what changed in a tenant. EventReload says that events
// were lost (the subscriber fell behind, or one write touched more
// tickets than an event lists): reload everything.
const (
	EventTickets   = "tickets"
	EventConflicts = "conflicts"
	EventStock     = "stock"
	EventDevices   = "devices"
	EventReload    = "reload"
)

// The hub's bounds: eventBuffer events wait per subscriber before they
// are coalesced into one EventReload, a tenant has at most
// MaxSubscribers subscribers (open console pages), and an event names at
// most maxEventTickets tickets (a bigger write is an EventReload).
const (
	eventBuffer     = 64
	MaxSubscribers  = 1000
	maxEventTickets = 200
)

// Event says that a committed write changed a tenant's data. It is a
// hint to read again, not the data: a page re-reads what it shows.
type Event struct {
	Tenant string `json:"tenant"`
	Kind   string `json:"kind"`
	// Tickets are the tickets an EventTickets concerns. Every
	// subscriber gets the same slice: read it, do not change it.
	Tickets []app.TicketID `json:"tickets,omitempty"`
	// Device is the device whose push (or pairing, or revocation) it
	// was; "" for the office's own writes.
	Device app.DeviceID `json:"device,omitempty"`
	At     time.Time    `json:"at"`
	// Seq is EventSeq once the write's events were published: a stream
	// names its events by it, so that a page reconnecting says what it
	// heard last.
	Seq uint64 `json:"-"`
}

// hub hands events to the subscribers of this process. Instances sharing
// one PostgreSQL each see their own writes only.
type hub struct {
	mu   gosync.Mutex // guards subs, seq and every send on a subscriber's channel
	subs map[string]map[*subscriber]struct{}
	// seq counts each tenant's publications in this process, so that a
	// page can tell whether something was published between reading what
	// it shows and subscribing (EventSeq).
	seq map[string]uint64
}

type subscriber struct {
	ch chan Event
}

// Subscribe returns the events of tenant's writes committed by this
// process (another instance on the same PostgreSQL publishes its own)
// until cancel is called, which closes the channel (calling it again
// does nothing).
// A subscriber that does not keep up never slows a write: when its
// eventBuffer events are waiting, they are replaced by one EventReload.
// More than MaxSubscribers subscribers of one tenant is ETHROTTLED.
func (db *DB) Subscribe(tenant string) (<-chan Event, func(), error) {
	h := &db.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs[tenant]) >= MaxSubscribers {
		return nil, nil, app.Errorf(app.ETHROTTLED, "board.too_many_watchers", "Too many pages follow this tenant's changes live; close a few console tabs and reload this one.")
	}
	if h.subs == nil {
		h.subs = map[string]map[*subscriber]struct{}{}
	}
	if h.subs[tenant] == nil {
		h.subs[tenant] = map[*subscriber]struct{}{}
	}
	s := &subscriber{ch: make(chan Event, eventBuffer)}
	h.subs[tenant][s] = struct{}{}
	var once gosync.Once
	return s.ch, func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			delete(h.subs[tenant], s)
			if len(h.subs[tenant]) == 0 {
				delete(h.subs, tenant)
			}
			close(s.ch)
		})
	}, nil
}

// EventSeq is how many times this process has published tenant's
// events. A page reads it before it reads what it shows, and its stream
// compares it after subscribing: a write published in between, which
// the page may not show and the subscription did not hear, is then a
// reason to reload. It starts again from 0 when the process does.
func (db *DB) EventSeq(tenant string) uint64 {
	h := &db.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seq[tenant]
}

// subscribers is how many subscribers tenant has (for tests).
func (h *hub) subscribers(tenant string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[tenant])
}

// publish hands evs to tenant's subscribers without ever waiting: a full
// channel is emptied and given one EventReload instead. Sends happen
// under h.mu, so only the receiver competes for a channel's buffer, and
// after the drain there is room.
func (h *hub) publish(tenant string, evs []Event) {
	if len(evs) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.seq == nil {
		h.seq = map[string]uint64{}
	}
	h.seq[tenant]++
	seq := h.seq[tenant]
	for s := range h.subs[tenant] {
		for _, e := range evs {
			e.Seq = seq
			select {
			case s.ch <- e:
				continue
			default:
			}
			for drained := false; !drained; {
				select {
				case <-s.ch:
				default:
					drained = true
				}
			}
			s.ch <- Event{Tenant: tenant, Kind: EventReload, At: e.At, Seq: seq}
			break // the reload covers the rest of evs
		}
	}
}

// changeSet collects what one write transaction changed, for the events
// published once it commits. A nil changeSet collects nothing (writes
// that no page follows). A mutation of a push that is refused after all
// rolls back to its savepoint but stays listed here: an event too many
// costs a page one read, a missing one a stale page.
type changeSet struct {
	tickets   []app.TicketID
	conflicts bool
	stock     bool
	devices   bool
}

func (c *changeSet) ticket(id app.TicketID) {
	if c != nil && len(c.tickets) <= maxEventTickets && !slices.Contains(c.tickets, id) {
		c.tickets = append(c.tickets, id)
	}
}

func (c *changeSet) conflict() {
	if c != nil {
		c.conflicts = true
	}
}

func (c *changeSet) movement() {
	if c != nil {
		c.stock = true
	}
}

// publish sends the events of a committed write of tenant (by device,
// "" for the office) to this process's subscribers.
func (db *DB) publish(tenant string, device app.DeviceID, c *changeSet) {
	at := db.now()
	var evs []Event
	switch {
	case len(c.tickets) > maxEventTickets:
		evs = append(evs, Event{Tenant: tenant, Kind: EventReload, Device: device, At: at})
	case len(c.tickets) > 0:
		evs = append(evs, Event{Tenant: tenant, Kind: EventTickets, Tickets: c.tickets, Device: device, At: at})
	}
	for _, k := range []struct {
		set  bool
		kind string
	}{{c.conflicts, EventConflicts}, {c.stock, EventStock}, {c.devices, EventDevices}} {
		if k.set {
			evs = append(evs, Event{Tenant: tenant, Kind: k.kind, Device: device, At: at})
		}
	}
	db.hub.publish(tenant, evs)
}
