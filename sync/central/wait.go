package central

import (
	"cmp"
	"context"
	gosync "sync"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// The wait (GET /v1/sync/wait, docs/PROTOCOL.md "Waiting for changes"):
// an idle device holds one request, which the service answers as soon as
// a pull from the device's cursor would bring it something, or with
// "nothing" at the bound. Nothing polls the database while a wait is
// held: a write wakes the waits whose scopes it wrote change rows in,
// from the commit path (DB.wakeWaits: this instance's, and the others'
// on PostgreSQL through NOTIFY, waitpg.go), and each woken wait
// checks once, with the pull's own rules (PullWaiting), whether its
// device has something to pull now.

// DefaultWaitBound is how long a wait is held when nothing comes: under
// the 60 s idle timeouts common to proxies and load balancers, so that
// none of them cuts a wait, and long enough that an idle device on 2G
// sends one small request a minute.
const DefaultWaitBound = 50 * time.Second

// DefaultMaxWaits bounds the waits one instance holds at once; past it a
// wait is refused with ETHROTTLED (429) and the device syncs at its
// interval. Each held wait is a goroutine and keeps its device's
// connection open: cmd/central also bounds the waits to half its
// connections, and those of one address to half of that address's, so
// that waiting devices never take the room their syncs need
// (SetWaitBounds).
const DefaultMaxWaits = 10_000

// waitRetrySeconds is the Retry-After of a wait refused past the bound.
const waitRetrySeconds = 60

// waitHub holds the waits of this instance: one per device (a second
// replaces the first), indexed by the scopes the device pulls so that a
// write wakes only the waits it concerns.
type waitHub struct {
	mu       gosync.Mutex
	byDevice map[deviceKey]*waiter
	byTenant map[string]map[*waiter]struct{}
	byScope  map[string]map[*waiter]struct{}
	// bySource counts the waits held per source address.
	bySource map[string]int
	// max bounds the waits held at once (0: DefaultMaxWaits), perSource
	// those from one address (0: no bound of its own).
	max, perSource int
}

// deviceKey names a device in its tenant.
type deviceKey struct {
	tenant string
	device app.DeviceID
}

// waiter is one held wait.
type waiter struct {
	device app.DeviceID
	tenant string
	source string // the address the wait came from
	// scopes are the device's scopes as its last check read them; nil
	// before the first check, when every write of the tenant wakes it.
	scopes []string
	// wake is signalled (buffered: a signal is kept while the wait
	// checks) by a write in one of its scopes.
	wake chan struct{}
	// ended is closed when another wait of the device replaced this
	// one, or the device was revoked.
	ended chan struct{}
	once  gosync.Once
}

func (w *waiter) key() deviceKey { return deviceKey{w.tenant, w.device} }

func (w *waiter) end() { w.once.Do(func() { close(w.ended) }) }

var errTooManyWaits = app.Errorf(app.ETHROTTLED, "sync.too_many_waits", "The server is waiting for too many devices at once. New work arrives at the next regular sync; this device asks again in {{.Seconds}} seconds.", "Seconds", waitRetrySeconds)

// hold registers a wait of p's device from the address source, ending
// the device's earlier one. It is registered before its first check, so
// that a write committed during that check still wakes it.
func (h *waitHub) hold(p Principal, source string) (*waiter, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byDevice == nil {
		h.byDevice, h.byTenant, h.byScope = map[deviceKey]*waiter{}, map[string]map[*waiter]struct{}{}, map[string]map[*waiter]struct{}{}
		h.bySource = map[string]int{}
	}
	old := h.byDevice[deviceKey{p.Tenant, p.Device}]
	if old != nil {
		h.removeLocked(old)
		old.end()
	}
	if len(h.byDevice) >= cmp.Or(h.max, DefaultMaxWaits) || h.perSource > 0 && h.bySource[source] >= h.perSource {
		return nil, errTooManyWaits
	}
	w := &waiter{device: p.Device, tenant: p.Tenant, source: source, wake: make(chan struct{}, 1), ended: make(chan struct{})}
	h.byDevice[deviceKey{p.Tenant, p.Device}] = w
	h.bySource[source]++
	addTo(h.byTenant, p.Tenant, w)
	return w, nil
}

func addTo(m map[string]map[*waiter]struct{}, k string, w *waiter) {
	if m[k] == nil {
		m[k] = map[*waiter]struct{}{}
	}
	m[k][w] = struct{}{}
}

func removeFrom(m map[string]map[*waiter]struct{}, k string, w *waiter) {
	delete(m[k], w)
	if len(m[k]) == 0 {
		delete(m, k)
	}
}

// setScopes indexes w under the scopes its check read.
func (h *waitHub) setScopes(w *waiter, scopes []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byDevice[w.key()] != w {
		return // replaced meanwhile
	}
	for _, s := range w.scopes {
		removeFrom(h.byScope, s, w)
	}
	w.scopes = scopes
	for _, s := range scopes {
		addTo(h.byScope, s, w)
	}
}

// release forgets w once its request is answered.
func (h *waitHub) release(w *waiter) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byDevice[w.key()] == w {
		h.removeLocked(w)
	}
}

func (h *waitHub) removeLocked(w *waiter) {
	delete(h.byDevice, w.key())
	if h.bySource[w.source]--; h.bySource[w.source] <= 0 {
		delete(h.bySource, w.source)
	}
	removeFrom(h.byTenant, w.tenant, w)
	for _, s := range w.scopes {
		removeFrom(h.byScope, s, w)
	}
}

// held is how many waits are held (for tests).
func (h *waitHub) held() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.byDevice)
}

// wake signals the waits of tenant that pull one of scopes, and those not
// yet checked; it never blocks. A committed write calls it with the
// scopes of the change rows it wrote.
func (h *waitHub) wake(tenant string, scopes []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for w := range h.byTenant[tenant] {
		if w.scopes == nil {
			signal(w)
		}
	}
	for _, s := range scopes {
		for w := range h.byScope[s] {
			signal(w)
		}
	}
}

// wakeAll signals every wait.
func (h *waitHub) wakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, w := range h.byDevice {
		signal(w)
	}
}

// wakeTenant signals every wait of tenant: a dataset load, whose change
// rows are written in bulk, may touch any scope.
func (h *waitHub) wakeTenant(tenant string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for w := range h.byTenant[tenant] {
		signal(w)
	}
}

// endDevice ends the device's wait (a revocation): its answer is then the
// refusal its next pull would get.
func (h *waitHub) endDevice(tenant string, device app.DeviceID) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if w := h.byDevice[deviceKey{tenant, device}]; w != nil {
		h.removeLocked(w)
		w.end()
	}
}

func signal(w *waiter) {
	select {
	case w.wake <- struct{}{}:
	default: // a signal is already waiting: one check covers both
	}
}

// scopesOf returns the distinct scopes of a write's change rows.
func scopesOf(rows []pendingChange) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r.scope] {
			seen[r.scope] = true
			out = append(out, r.scope)
		}
	}
	return out
}

// PullWaiting reports whether a pull from cursorText would bring p's
// device something now: a pull from the start, a reset (another epoch or
// scope set), or a change row after the cursor in one of its scopes. It
// reads as Pull does (pullFrom, nextChanges), one row per scope at most,
// and returns the scopes it read.
func (db *DB) PullWaiting(ctx context.Context, p Principal, cursorText string) (bool, []string, error) {
	cur, err := parseCursor(cursorText)
	if err != nil {
		return false, nil, err
	}
	tx, err := db.snapshotTx(ctx)
	if err != nil {
		return false, nil, err
	}
	defer tx.Rollback()
	cur, scopes, _, reset, err := db.pullFrom(ctx, tx, p, cursorText, cur)
	if err != nil {
		return false, nil, err
	}
	if cursorText == "" || reset {
		return true, scopes, nil
	}
	keys, _, err := db.nextChanges(ctx, tx, scopes, cur.At, cur.Opening, 1)
	if err != nil {
		return false, nil, err
	}
	return len(keys) > 0, scopes, nil
}

// WaitForPull holds until a pull from cursorText would bring p's device
// something (true), or bound passes, another wait of the device replaces
// this one, or the service closes (false). It checks at once, then again
// only when a write in the device's scopes wakes it: nothing polls. ctx
// ending returns its error. More than the instance's bounds of waits (in
// all, and from source, the request's address) is ETHROTTLED; a
// malformed cursor is EINVALID, as a pull's.
func (db *DB) WaitForPull(ctx context.Context, p Principal, source, cursorText string, bound time.Duration) (bool, error) {
	if _, err := parseCursor(cursorText); err != nil {
		return false, err
	}
	w, err := db.waits.hold(p, source)
	if err != nil {
		return false, err
	}
	db.listenForWaits()
	defer db.waits.release(w)
	timer := time.NewTimer(bound)
	defer timer.Stop()
	for {
		more, scopes, err := db.PullWaiting(ctx, p, cursorText)
		if err != nil || more {
			return more, err
		}
		db.waits.setScopes(w, scopes)
		select {
		case <-w.wake:
		case <-w.ended:
			return false, nil
		case <-timer.C:
			return false, nil
		case <-db.closing:
			return false, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}

// EndWaits answers every held wait with nothing: the service is shutting
// down, and a shutdown waits for the requests under way.
func (db *DB) EndWaits() {
	h := &db.waits
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, w := range h.byDevice {
		h.removeLocked(w)
		w.end()
	}
}

// SetWaitBounds bounds the waits this instance holds at once (0:
// DefaultMaxWaits), and those from one address (0: only the first bound).
func (db *DB) SetWaitBounds(max, perSource int) {
	db.waits.mu.Lock()
	db.waits.max, db.waits.perSource = max, perSource
	db.waits.mu.Unlock()
}
