package store

import (
	"bytes"
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/app"
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

// ticketStable is jsonStable of app.Ticket, planned once.
var ticketStable = jsonStable(reflect.TypeFor[app.Ticket]())

var (
	timeType = reflect.TypeFor[time.Time]()
	// A type with its own encoding or decoding in either direction.
	ownCodings = []reflect.Type{
		reflect.TypeFor[json.Marshaler](), reflect.TypeFor[json.Unmarshaler](),
		reflect.TypeFor[encoding.TextMarshaler](), reflect.TypeFor[encoding.TextUnmarshaler](),
	}
)

// jsonStable returns a check of values of type t: whether encoding/json
// decodes a value's encoding into a value deeply equal to it. The check
// answers true only for what it can tell: structs of exported, not
// embedded fields; strings of valid UTF-8 (json replaces invalid bytes);
// integers, booleans and finite floats (json writes the shortest form
// that reads back the same); nil or stable pointers; times in UTC without
// a monotonic reading (json writes RFC 3339 with "Z" and reads it back in
// UTC). A slice, a map, an interface, a time in another zone and any
// other type with its own encoding answer false: nil and empty would not
// be told apart, a zone comes back as another *time.Location. So do a
// struct with two fields of one JSON name (json writes neither) and a
// type that holds itself. The type is looked at once, here: the check
// only reads the value.
func jsonStable(t reflect.Type) func(reflect.Value) bool {
	return planStable(t, map[reflect.Type]bool{})
}

// planStable is jsonStable with the types being planned (open), so that
// a type holding itself ends the recursion.
func planStable(t reflect.Type, open map[reflect.Type]bool) func(reflect.Value) bool {
	never := func(reflect.Value) bool { return false }
	if open[t] {
		return never
	}
	open[t] = true
	defer delete(open, t)
	if t == timeType {
		// v is addressable (a field of the value putSaved takes the
		// address of): its address is read without a copy to the heap.
		return func(v reflect.Value) bool {
			tm := v.Addr().Interface().(*time.Time)
			return *tm == tm.Round(0).UTC()
		}
	}
	for _, c := range ownCodings {
		if t.Implements(c) || reflect.PointerTo(t).Implements(c) {
			return never
		}
	}
	switch t.Kind() {
	case reflect.String:
		return func(v reflect.Value) bool { return utf8.ValidString(v.String()) }
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(reflect.Value) bool { return true }
	case reflect.Float32, reflect.Float64:
		return func(v reflect.Value) bool {
			f := v.Float()
			return !math.IsNaN(f) && !math.IsInf(f, 0)
		}
	case reflect.Pointer:
		elem := planStable(t.Elem(), open)
		return func(v reflect.Value) bool { return v.IsNil() || elem(v.Elem()) }
	case reflect.Struct:
		fields := make([]func(reflect.Value) bool, t.NumField())
		names := make(map[string]bool, len(fields))
		for i := range fields {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if !f.IsExported() || f.Anonymous || tag == "-" {
				return never
			}
			name, _, _ := strings.Cut(tag, ",")
			if name == "" {
				name = f.Name
			}
			// json matches names regardless of case when it decodes.
			if name = strings.ToLower(name); names[name] {
				return never
			}
			names[name] = true
			fields[i] = planStable(f.Type, open)
		}
		return func(v reflect.Value) bool {
			for i, stable := range fields {
				if !stable(v.Field(i)) {
					return false
				}
			}
			return true
		}
	}
	return never
}
