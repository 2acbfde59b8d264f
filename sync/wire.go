package sync

import (
	"github.com/fieldbench/fieldbench/app"
)

// ProtocolVersion is sent in every request; the server refuses downloads to
// versions it no longer serves but still takes their uploads.
const ProtocolVersion = 1

// AppVersionHeader names the app's version in every request of a device
// (Client.App): the office sees which devices run which build.
const AppVersionHeader = "Fieldbench-App"

// MaxAppVersion bounds the app version a device sends.
const MaxAppVersion = 64

// ValidAppVersion reports whether v can be sent as the app's version: 1
// to MaxAppVersion printable ASCII characters without spaces.
func ValidAppVersion(v string) bool {
	if v == "" || len(v) > MaxAppVersion {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] > '~' {
			return false
		}
	}
	return true
}

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
	// History asks for the history of closed tickets the device holds
	// without it (app.HistoryAway), at most app.MaxHistoryPerSync; it is
	// answered with the pull, not with NoPull.
	History []app.TicketID `json:"h,omitempty"`
}

// WaitPath is the wait an idle device holds (GET, with its cursor as c):
// the service answers once a pull would bring the device something, or
// at its bound with nothing (docs/PROTOCOL.md, "Waiting for changes").
const WaitPath = "/v1/sync/wait"

// WaitResponse answers a wait: More says that a pull from the cursor sent
// would bring something; false is the bound passing with nothing.
type WaitResponse struct {
	More bool `json:"m"`
}

// Response answers a Request.
type Response struct {
	Epoch      string       `json:"e"`
	Acked      int64        `json:"a"`            // every seq <= Acked is applied or rejected on the server
	ResendFrom int64        `json:"r,omitempty"`  // the server lacks seqs from here: resend them
	Rejected   []Rejection  `json:"x,omitempty"`  // pushed mutations stored as conflicts
	Data       *app.Dataset `json:"d,omitempty"`  // the pulled page: current state of what changed after the cursor
	Cursor     string       `json:"c,omitempty"`  // where the next pull starts
	More       bool         `json:"m,omitempty"`  // another page is waiting
	Reset      bool         `json:"rs,omitempty"` // the cursor is from another epoch: drop server rows and pull again
	ServerTime int64        `json:"t"`            // unix ms, for the device's clock-offset display
	LeaseDays  int          `json:"ld,omitempty"` // days the device may go without a complete sync before it locks its data
	// ReceiptPrefix is the device's receipt prefix, unique in its tenant
	// (app.ReceiptNumber); every answer carries it, so a device paired
	// before receipts existed gets one at its next sync.
	ReceiptPrefix string `json:"rp,omitempty"`
	// History holds the facts of the asked tickets answered whole,
	// HistoryOf names them; HistoryMore says the answer's byte bound left
	// some out (ask again). An asked ticket outside the device's scopes is
	// not answered.
	History     *app.Dataset   `json:"hd,omitempty"`
	HistoryOf   []app.TicketID `json:"hf,omitempty"`
	HistoryMore bool           `json:"hm,omitempty"`
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

// Error is the body of every non-2xx answer.
type Error struct {
	Code    string         `json:"code"`
	Key     string         `json:"key"`
	Message string         `json:"msg"`
	Data    map[string]any `json:"data,omitempty"`
	// Rows are the bad rows of a refused import (key import.refused), in
	// line order; the message lists them too, in English.
	Rows []RowError `json:"rows,omitempty"`
}

// RowError is one refused row of an import: its line in the file (the
// header is line 1) and why, as an Error's code, key, English message
// and data.
type RowError struct {
	Line    int            `json:"line"`
	Code    string         `json:"code"`
	Key     string         `json:"key"`
	Message string         `json:"msg"`
	Data    map[string]any `json:"data,omitempty"`
}

// PairRequest is the body of POST /v1/pair: a one-time code from the
// administrator, exchanged for a device token.
type PairRequest struct {
	Code       string `json:"code"`
	DeviceName string `json:"device_name"`
}

// PairResponse answers a pairing. The token is shown only this once; the
// server keeps its hash.
type PairResponse struct {
	Device     app.DeviceID   `json:"device"`
	Token      string         `json:"token"`
	Technician app.Technician `json:"technician"`
	Epoch      string         `json:"epoch"`
	// ReceiptPrefix is the device's receipt prefix (as in Response).
	ReceiptPrefix string `json:"receipt_prefix"`
	// Provider is the service provider's name (the tenant's), which the
	// documents the device writes for customers are headed with.
	Provider string `json:"provider,omitempty"`
}

// ResolveRequest is the body of POST /v1/conflicts/{id}/resolve.
type ResolveRequest struct {
	Resolution string `json:"resolution"` // "accept_ours", "accept_theirs", "dismissed"
}
