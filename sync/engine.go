package sync

import (
	"cmp"
	"context"
	"errors"
	"math/rand/v2"
	gosync "sync"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Engine syncs a replica with the central service in the background: after
// a local commit, periodically, on demand, and with exponential backoff
// and jitter after a failure.
type Engine struct {
	replica app.Replica
	tr      Transport
	photos  PhotoSender // nil: no photo uploads

	// PageBytes bounds each pulled page (uncompressed); PushBatch bounds
	// the mutations per request.
	PageBytes int
	PushBatch int
	// FirstPageBytes bounds the pages until the device's first sync
	// completes (0: PageBytes). They are bigger: each page is compressed on its own, so
	// a bigger one carries less per MB, and fewer pages are fewer round
	// trips (docs/BENCHMARKS.md, "First sync bytes"). A first sync runs at
	// pairing, usually on the office's network; on 2G a page lost to a
	// dropped link costs about 40 s.
	FirstPageBytes int
	// Interval is the time between syncs when nothing happens.
	Interval time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failure.
	MinBackoff, MaxBackoff time.Duration
	// ForcePushAfter: after this many failed syncs in a row with work
	// waiting, the next try pushes without pulling, so a pull that keeps
	// failing cannot hold the outbox back.
	ForcePushAfter int
	// Clock and Rand are replaceable for the deterministic simulation.
	Clock app.Clock
	Rand  *rand.Rand

	trigger chan struct{}
	// resume wakes Run when work offline is turned on or off.
	resume chan struct{}
	// countMu is held from reading the replica's counts to publishing
	// them, so that counts are published in the order they were read: a
	// Recount that read before a round cannot publish after it.
	countMu gosync.Mutex

	mu       gosync.Mutex
	status   app.SyncStatus
	failures int
	retryIn  time.Duration // the backoff after the last failure
	// noWait: the service answered that it has no wait (ErrNoWait), so
	// the rest of the session syncs at the interval.
	noWait bool
	// quickWakes counts the waits in a row answered "something" at once
	// (holdWait): a service whose wait and pull disagreed would otherwise
	// have the device sync without pause.
	quickWakes int
	watchers   []func(app.SyncStatus)
	observer   PullObserver
}

// NewEngine returns an engine for replica over tr.
func NewEngine(replica app.Replica, tr Transport) *Engine {
	return &Engine{
		replica: replica, tr: tr,
		PageBytes: 1 << 20, FirstPageBytes: 4 << 20, PushBatch: 500,
		Interval: 5 * time.Minute, MinBackoff: 2 * time.Second, MaxBackoff: 10 * time.Minute,
		ForcePushAfter: 3,
		Clock:          app.SystemClock,
		Rand:           rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed)),
		trigger:        make(chan struct{}, 1),
		resume:         make(chan struct{}, 1),
	}
}

// PhotoSender uploads photo bytes, which travel apart from the data and
// after it (see PhotoUploader).
type PhotoSender interface {
	UploadAll(ctx context.Context, progress func(done, total int64)) error
	BytesToUpload(ctx context.Context) (int64, error)
}

// SetPhotoSender makes the engine upload photo bytes after each successful
// data sync.
func (e *Engine) SetPhotoSender(p PhotoSender) { e.photos = p }

// PullObserver sees every pulled page: BeforePull while the replica still
// holds what the page replaces, AfterPull once it is applied. Both run on
// the engine's goroutine and must be quick; an error fails the sync
// (BeforePull's before the page is applied).
type PullObserver interface {
	BeforePull(ctx context.Context, page *app.PullPage) error
	AfterPull(ctx context.Context, page *app.PullPage) error
}

// SetPullObserver makes o see every pulled page; set it before Run.
func (e *Engine) SetPullObserver(o PullObserver) {
	e.mu.Lock()
	e.observer = o
	e.mu.Unlock()
}

// Watch calls fn with every status change, from the goroutine that made
// it (mostly the engine's): a UI must hop to its own thread (fyne.Do) and
// keep the status with the highest Seq.
func (e *Engine) Watch(fn func(app.SyncStatus)) {
	e.mu.Lock()
	e.watchers = append(e.watchers, fn)
	s := e.status
	e.mu.Unlock()
	fn(s)
}

// Status returns the current status.
func (e *Engine) Status() app.SyncStatus {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

func (e *Engine) update(fn func(*app.SyncStatus)) {
	e.mu.Lock()
	fn(&e.status)
	if c, ok := e.tr.(*Client); ok {
		e.status.Up, e.status.Down = c.Traffic()
	}
	e.status.Offline = app.ErrorCode(e.status.Err) == app.EOFFLINE
	e.status.Seq++
	s, ws := e.status, append([]func(app.SyncStatus){}, e.watchers...)
	e.mu.Unlock()
	for _, w := range ws {
		w(s)
	}
}

// Recount reads the replica's unsent changes, photo bytes and lease
// again, after work was saved on the device, and publishes them. The
// engine counts them itself after every round; this is for the time
// between. Without it a photo taken offline showed "0 B waiting": the
// photo bytes were only counted while an upload ran.
func (e *Engine) Recount(ctx context.Context) error {
	e.countMu.Lock()
	defer e.countMu.Unlock()
	st, err := e.replica.SyncState(ctx)
	if err != nil {
		return err
	}
	var photoBytes int64
	if e.photos != nil {
		if photoBytes, err = e.photos.BytesToUpload(ctx); err != nil {
			return err
		}
	}
	e.update(func(s *app.SyncStatus) {
		s.Pending, s.LastSuccess, s.Lease = st.Pending, st.LastSuccess, st.Lease()
		if e.photos != nil {
			s.PhotoBytes = photoBytes
		}
	})
	return nil
}

// SetWorkOffline stops network sync (on) until it is called with false,
// which syncs at once. A sync already running finishes; a wait for new
// work ends.
func (e *Engine) SetWorkOffline(on bool) {
	e.update(func(s *app.SyncStatus) { s.WorkOffline = on })
	select {
	case e.resume <- struct{}{}:
	default:
	}
}

func (e *Engine) workOffline() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status.WorkOffline
}

// Trigger asks for a sync soon: after a local commit, or when the user
// pulls to refresh. It never blocks; while working offline it is ignored.
func (e *Engine) Trigger() {
	select {
	case e.trigger <- struct{}{}:
	default:
	}
}

// Run syncs until ctx ends. It returns ctx's error, or nil after the
// device was revoked (and wiped).
//
// Between syncs, while the last one succeeded and the device is not
// working offline, it holds the service's wait for new work (Waiter), so
// that what dispatch sends arrives within seconds rather than at the
// next Interval; a trigger, the interval or work offline ends the wait
// at once.
func (e *Engine) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	var lastErr error = errNoSyncYet
	for {
		woke, stopWait := e.startWait(ctx, lastErr)
		select {
		case <-ctx.Done():
			stopWait()
			return ctx.Err()
		case <-timer.C:
		case <-e.trigger:
			timer.Stop()
		case <-e.resume:
			timer.Stop()
		case <-woke:
			timer.Stop()
		}
		stopWait()
		if e.workOffline() {
			// Nothing runs until SetWorkOffline(false) sends on resume;
			// triggers meanwhile are dropped.
			continue
		}
		lastErr = e.SyncOnce(ctx)
		if IsRevoked(lastErr) {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		timer.Reset(e.nextWait(lastErr))
	}
}

// errNoSyncYet is Run's last result before its first sync: no wait is
// held before a sync has succeeded.
var errNoSyncYet = errors.New("no sync yet")

// Waiter is a Transport that can hold the service's wait for new work
// (Client does): Wait returns true once a pull from cursor would bring
// something, false when the service's bound passed with nothing, and
// ErrNoWait from a service without the wait.
type Waiter interface {
	Wait(ctx context.Context, cursor string) (bool, error)
}

// startWait holds the wait for new work in the background when the
// engine may (the last sync succeeded, not working offline, the
// transport and the service have the wait). woke receives once a sync
// should run now: something to pull, or an answer a sync must show (a
// revoked device, a refused token). stopWait ends the wait; call it
// before syncing. Without a wait, woke is nil (it never fires).
func (e *Engine) startWait(ctx context.Context, lastErr error) (woke <-chan struct{}, stopWait func()) {
	w, ok := e.tr.(Waiter)
	e.mu.Lock()
	skip := !ok || e.noWait || lastErr != nil || e.status.WorkOffline
	e.mu.Unlock()
	if skip {
		return nil, func() {}
	}
	wctx, cancel := context.WithCancel(ctx)
	ch := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if e.holdWait(wctx, w) {
			ch <- struct{}{}
		}
	}()
	return ch, func() {
		cancel()
		<-done
	}
}

// holdWait waits, again after each "nothing", until the service says a
// pull would bring something (true), ctx ends (false), or the service
// has no wait (false: the interval takes over for the session). A
// refusal only a sync can act on (a revoked device, a token or
// certificate no longer good: needsSync) ends the wait with true. Any
// other failure (the network, a busy service) backs off as a failed
// sync does, without showing an error: the interval's sync shows one if
// the network is gone.
func (e *Engine) holdWait(ctx context.Context, w Waiter) bool {
	failures := 0
	for ctx.Err() == nil {
		st, err := e.replica.SyncState(ctx)
		if err != nil {
			return false
		}
		asked := time.Now()
		more, err := w.Wait(ctx, st.Cursor)
		if err == nil && !more && time.Since(asked) < minWaitHeld {
			// "Nothing" at once is no wait (a wait replaced, a service
			// shutting down): asking again at once would spin.
			err = errWaitCut
		}
		switch {
		case ctx.Err() != nil:
			return false
		case errors.Is(err, ErrNoWait):
			e.mu.Lock()
			e.noWait = true
			e.mu.Unlock()
			return false
		case err == nil && more && !e.wokeTooOften(time.Since(asked)):
			return true
		case err == nil && more:
			// Woken at once after each of MaxQuickWakes syncs: what the
			// wait sees, the syncs did not bring. Back off as from a
			// failure instead of syncing without pause.
			failures++
			e.mu.Lock()
			d := e.backoff(failures)
			e.mu.Unlock()
			if !sleepCtx(ctx, d) {
				return false
			}
		case err == nil:
			failures = 0
			e.wokeTooOften(time.Since(asked)) // held to the bound: the count starts again
		case needsSync(err):
			return true
		default:
			// The network, a busy service, a wait cut short, or an answer
			// a sync would not change (a sync that succeeded after it
			// would only bring the wait back at once).
			failures++
			e.mu.Lock() // Rand is SyncOnce's too
			d := e.backoff(failures)
			e.mu.Unlock()
			if !sleepCtx(ctx, d) {
				return false
			}
		}
	}
	return false
}

// MaxQuickWakes is how many waits in a row may answer "something" at
// once (within minWaitHeld), each followed by a sync, before the next
// such answer backs off: dispatch writing while the device syncs wakes it
// at once now and then, never for ever.
const MaxQuickWakes = 3

// wokeTooOften counts a wait answered "something" after held: at once
// (within minWaitHeld) counts one more in a row, a wait held longer
// starts again. It reports whether the count is past MaxQuickWakes.
func (e *Engine) wokeTooOften(held time.Duration) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if held >= minWaitHeld {
		e.quickWakes = 0
		return false
	}
	e.quickWakes++
	return e.quickWakes > MaxQuickWakes
}

// needsSync reports whether a wait's failure is one a sync shows and acts
// on: the device refused (revoked: the sync wipes it), its token or
// certificate no longer good.
func needsSync(err error) bool {
	switch app.ErrorCode(err) {
	case app.EUNAUTHORIZED, app.EREVOKED, app.EFORBIDDEN:
		return true
	}
	return false
}

// minWaitHeld: a wait answered "nothing" sooner than this was cut short
// (the service's bound is at least a second), and is retried after a
// backoff.
const minWaitHeld = time.Second

var errWaitCut = errors.New("the wait was answered at once with nothing")

// sleepCtx waits d, or less when ctx ends first (false).
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// backoff is the wait after n failures in a row: exponential from
// MinBackoff to MaxBackoff, with jitter between half and all of it so
// devices that lost the network together do not return together.
func (e *Engine) backoff(n int) time.Duration {
	d := e.MinBackoff
	for i := 1; i < n && d < e.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, e.MaxBackoff)
	return d/2 + time.Duration(e.Rand.Int64N(int64(d/2)+1))
}

// nextWait is the interval after a success, and the backoff SyncOnce chose
// after a failure.
func (e *Engine) nextWait(err error) time.Duration {
	if err == nil {
		return e.Interval
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.retryIn
}

// MaxPushBytes bounds the JSON of the mutations one request pushes. The
// service takes a sync body of at most 1 MiB as it crosses the wire
// (docs/PROTOCOL.md, "Request bodies are bounded"), and gzip makes text
// that does not compress (random four-byte characters) no smaller: so the
// bound is on the bytes before compression, with room left for the rest
// of the request (cursor, histories asked) and gzip's framing. A mutation
// at its bound (app.MaxArgsBytes) with its envelope fits alone.
const MaxPushBytes = 1<<20 - 64<<10

// pushFits is how many of the pending mutations, from the first, one
// request pushes: as many as fit MaxPushBytes, and at least one (the
// service refuses one past its own bounds, which a conflict then keeps).
func pushFits(pending []app.Mutation) int {
	total := 0
	for i, m := range pending {
		if total += pushSize(m); total > MaxPushBytes {
			return max(i, 1)
		}
	}
	return len(pending)
}

// pushSize is at least the bytes m takes in a request's JSON, without
// encoding it again: its arguments as stored (compact JSON, which the
// encoding keeps), its strings (ASCII: IDs, names, clocks) and the
// envelope's keys, numbers, time and separators, under 200 bytes.
func pushSize(m app.Mutation) int {
	return len(m.Args) + len(m.ID) + len(m.Name) + len(m.Device) + len(m.HLC) + 256
}

// countSent publishes the unsent changes once the data's last round is
// applied, before the photos go, and returns the state it read: the
// changes a sync sent, and the sync page's list of them, went only at
// the end of the sync, and a photo's upload on a phone's network kept "1
// change waiting" on screen for seconds after the change was sent. The
// last success waits for the end: the terminal reloads the open ticket
// then, its photos uploaded.
func (e *Engine) countSent(ctx context.Context) (*app.SyncState, error) {
	e.countMu.Lock()
	defer e.countMu.Unlock()
	st, err := e.replica.SyncState(ctx)
	if err != nil {
		return nil, err
	}
	e.update(func(s *app.SyncStatus) { s.Pending = st.Pending })
	return &st, nil
}

// maxRounds bounds one SyncOnce: a first sync of a heavy technician takes
// a few dozen pages; more rounds than this means the server keeps saying
// "more" without progress.
const maxRounds = 10_000

// SyncOnce pushes everything pending and pulls until the server has no
// more, in as few requests as possible: each request pushes a batch and
// pulls a page. It returns the first failure; what was done before it is
// kept.
func (e *Engine) SyncOnce(ctx context.Context) (err error) {
	e.update(func(s *app.SyncStatus) { s.Running, s.Pulled = true, 0 })
	// sent is the state read once the data's last round was applied
	// (countSent), nil until then: Recount keeps the count since, and
	// the end publishes the rest of it without reading it again.
	var sent *app.SyncState
	defer func() {
		e.mu.Lock()
		var next time.Time
		if err != nil {
			e.failures++
			e.retryIn = e.backoff(e.failures)
			next = e.Clock.Now().Add(e.retryIn)
		} else {
			e.failures = 0
		}
		e.mu.Unlock()
		e.countMu.Lock()
		defer e.countMu.Unlock()
		var st app.SyncState
		var serr error
		if sent != nil {
			st = *sent
		} else {
			st, serr = e.replica.SyncState(context.WithoutCancel(ctx))
		}
		e.update(func(s *app.SyncStatus) {
			s.Running, s.Err, s.Revoked = false, err, IsRevoked(err)
			if serr == nil {
				if sent == nil {
					s.Pending = st.Pending
				}
				s.LastSuccess, s.Lease = st.LastSuccess, st.Lease()
			}
			s.NextTry = next
		})
	}()
	e.mu.Lock()
	pushOnly := e.failures >= e.ForcePushAfter
	e.mu.Unlock()
	for round := 0; round < maxRounds; round++ {
		e.countMu.Lock()
		st, err := e.replica.SyncState(ctx)
		if err == nil {
			e.update(func(s *app.SyncStatus) { s.Pending = st.Pending })
		}
		e.countMu.Unlock()
		if err != nil {
			return err
		}
		pending, err := e.replica.Pending(ctx, e.PushBatch)
		if err != nil {
			return err
		}
		fullBatch := len(pending) == e.PushBatch
		if n := pushFits(pending); n < len(pending) {
			pending, fullBatch = pending[:n], true
		}
		pageBytes := e.PageBytes
		if st.LastSuccess.IsZero() {
			pageBytes = cmp.Or(e.FirstPageBytes, e.PageBytes)
		}
		req := &Request{Protocol: ProtocolVersion, Epoch: st.Epoch, Acked: st.AckedSeq, Push: pending,
			Cursor: st.Cursor, MaxBytes: pageBytes, NoPull: pushOnly && len(pending) > 0}
		if hr, ok := e.replica.(app.HistoryReplica); ok && !req.NoPull {
			// The histories the technician opened ride this request; the
			// answer comes with its page (docs/PROTOCOL.md, "History on
			// demand").
			if req.History, err = hr.HistoryRequested(ctx, app.MaxHistoryPerSync); err != nil {
				return err
			}
		}
		resp, err := e.tr.Sync(ctx, req)
		if err != nil {
			if IsRevoked(err) {
				if werr := e.replica.Wipe(context.WithoutCancel(ctx)); werr != nil {
					return errors.Join(err, werr)
				}
			}
			return err
		}
		page := app.PullPage{Epoch: resp.Epoch, Acked: resp.Acked, Reset: resp.Reset, Cursor: resp.Cursor, At: e.Clock.Now(), LeaseDays: resp.LeaseDays,
			ReceiptPrefix: resp.ReceiptPrefix}
		if req.NoPull {
			page.Cursor = st.Cursor
		} else {
			page.Complete = !resp.More
		}
		if resp.Data != nil {
			page.Data = *resp.Data
		}
		page.HistoryAsked, page.HistoryOf, page.HistoryMore = req.History, resp.HistoryOf, resp.HistoryMore
		if resp.History != nil {
			page.History = *resp.History
		}
		e.mu.Lock()
		obs := e.observer
		e.mu.Unlock()
		if obs != nil {
			if err := obs.BeforePull(ctx, &page); err != nil {
				return err
			}
		}
		if err := e.replica.ApplyPull(ctx, page); err != nil {
			return err
		}
		if obs != nil {
			if err := obs.AfterPull(ctx, &page); err != nil {
				return err
			}
		}
		e.update(func(s *app.SyncStatus) { s.Pulled += page.Data.Rows() + page.History.Rows() })
		morePush := fullBatch || resp.ResendFrom > 0 || resp.Acked < st.AckedSeq
		// An answer cut by its bound, or a full list asked, leaves
		// histories to ask for: each round answers at least one.
		moreHistory := resp.HistoryMore || len(req.History) == app.MaxHistoryPerSync && len(resp.HistoryOf) > 0
		if req.NoPull {
			pushOnly = false // pushed; now try a normal round
			continue
		}
		if !resp.More && !morePush && !moreHistory {
			break
		}
	}
	if sent, err = e.countSent(ctx); err != nil {
		return err
	}
	if e.photos == nil {
		return nil
	}
	// Photos go after the data and apart from it: a photo the server
	// cannot take yet (or a network that drops during a long upload) must
	// not mark the data sync failed. The next sync tries again.
	perr := e.photos.UploadAll(ctx, func(done, total int64) {
		e.update(func(s *app.SyncStatus) { s.PhotoBytes = total - done })
	})
	e.update(func(s *app.SyncStatus) { s.PhotoErr = perr })
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}
