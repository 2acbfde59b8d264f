package store

import (
	"bytes"
	"reflect"
	"sync"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/jsonstable"
)

// maxDecodedTickets bounds decodedTickets: a technician works on a few
// tickets at a time.
const maxDecodedTickets = 16

// decodedTickets keeps the tickets the writer's actions read last, each
// with the JSON it was decoded from. A user action reads its ticket to
// check it (app's ticketInScope), and decoding the JSON was a tenth of a
// note's CPU; the next action on the same ticket reads the same bytes
// when nothing wrote the ticket in between, and takes the kept value. The
// bytes are compared whole, so a ticket written since (by an action, a
// pull, anything) is decoded again: the value is always the decoding of
// the row's bytes.
type decodedTickets struct {
	mu sync.Mutex
	m  map[app.TicketID]decodedTicket
}

type decodedTicket struct {
	data []byte
	t    app.Ticket
}

// get returns the ticket decoded from data, if it is kept.
func (c *decodedTickets) get(id app.TicketID, data []byte) (app.Ticket, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.m[id]
	if !ok || !bytes.Equal(d.data, data) {
		return app.Ticket{}, false
	}
	return d.t.Clone(), true
}

// put keeps t, decoded from data, which it must not be changed after.
// When the bound is reached, an arbitrary other ticket makes room.
func (c *decodedTickets) put(id app.TicketID, data []byte, t app.Ticket) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[app.TicketID]decodedTicket, maxDecodedTickets)
	}
	if _, ok := c.m[id]; !ok && len(c.m) >= maxDecodedTickets {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[id] = decodedTicket{data: data, t: t.Clone()}
}

// putSaved keeps t, which an action just saved with data (its JSON, as
// written to the row), so that the next action on the ticket does not
// decode the bytes it wrote: decoding was a sixth of a status change's
// CPU. The kept value must be what decoding data gives, so t is kept only
// when JSON gives it back unchanged (ticketStable); a ticket that is not
// is left to the next read to decode. If the transaction is rolled back,
// the row keeps its old bytes, which do not match data: the entry is not
// used.
func (c *decodedTickets) putSaved(t app.Ticket, data []byte) {
	if data != nil && ticketStable(reflect.ValueOf(&t).Elem()) {
		c.put(t.ID, data, t)
	}
}

// ticketStable is jsonstable.Plan of app.Ticket, planned once.
var ticketStable = jsonstable.Plan(reflect.TypeFor[app.Ticket]())
