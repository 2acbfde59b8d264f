package sync

import (
	"encoding/json"

	"github.com/fieldbench/fieldbench/app"
)

// ProtocolVersion is sent in every request; the server refuses downloads to
// versions it no longer serves but still takes their uploads.
const ProtocolVersion = 1

// Request is the body of POST /v1/sync: push and pull in one round trip.
// Keys are short because every byte counts on 2G; gzip does the rest.
type Request struct {
	Protocol int            `json:"v"`
	Epoch    string         `json:"e,omitempty"`  // server epoch the device last saw
	Acked    int64          `json:"a,omitempty"`  // highest seq the device holds as acknowledged
	Push     []app.Mutation `json:"p,omitempty"`  // contiguous, in seq order
	Cursor   string         `json:"c,omitempty"`  // opaque; "" pulls from the start
	MaxBytes int            `json:"mb,omitempty"` // bound of the pulled page, uncompressed
	NoPull   bool           `json:"np,omitempty"` // push only (e.g. a push forced while pulls fail)
}

// Response answers a Request.
type Response struct {
	Epoch      string      `json:"e"`
	Acked      int64       `json:"a"`            // every seq <= Acked is applied or rejected on the server
	ResendFrom int64       `json:"r,omitempty"`  // the server lacks seqs from here: resend them
	Rejected   []Rejection `json:"x,omitempty"`  // pushed mutations stored as conflicts
	Changes    []Change    `json:"ch,omitempty"` // in server order
	Cursor     string      `json:"c,omitempty"`  // where the next pull starts
	More       bool        `json:"m,omitempty"`  // another page is waiting
	Reset      bool        `json:"rs,omitempty"` // the cursor is from another epoch: drop base rows and pull again
	ServerTime int64       `json:"t"`            // unix ms, for the device's clock-offset display
}

// Rejection tells the device that a pushed mutation was refused by business
// rules. The seq is consumed; the conflict record arrives as a change.
type Rejection struct {
	Seq      int64  `json:"s"`
	Code     string `json:"code"`
	Key      string `json:"key"`
	Message  string `json:"msg"`
	Conflict string `json:"cf,omitempty"` // conflict ID
}

// Change kinds: what a Change's Data holds.
const (
	KindTicket     = "ticket"     // app.Ticket
	KindRepair     = "repair"     // app.RepairEntry
	KindPartUsed   = "part_used"  // app.PartUsed
	KindPhoto      = "photo"      // app.Photo
	KindNote       = "note"       // app.Note
	KindPart       = "part"       // app.Part
	KindLocation   = "location"   // app.Location
	KindMovement   = "movement"   // app.StockMovement
	KindRuleSet    = "rule_set"   // app.RuleSet
	KindTechnician = "technician" // app.Technician
	KindConflict   = "conflict"   // app.Conflict
)

// Change is one entity's current server state. Data nil means the entity
// left the device's scopes (or was deleted): the device drops its base row
// once no pending mutation refers to it.
type Change struct {
	Kind string          `json:"k"`
	ID   string          `json:"id"`
	Data json.RawMessage `json:"d,omitempty"`
}

// Error is the body of every non-2xx answer.
type Error struct {
	Code    string         `json:"code"`
	Key     string         `json:"key"`
	Message string         `json:"msg"`
	Data    map[string]any `json:"data,omitempty"`
}
