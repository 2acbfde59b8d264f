package central

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	gosync "sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Waits across instances, on PostgreSQL. Several instances may serve one
// database, and a device's wait is held by one of them while dispatch's
// write may commit on another. Each instance tells the others what its
// writes woke with PostgreSQL's NOTIFY on one channel (the tenant and
// the scopes, never an entity), and an instance holding waits LISTENs on
// it and wakes its own waits as for its own writes.
//
// Why NOTIFY rather than re-checking on a timer: a re-check of every held
// wait every few seconds costs each waiting device a few indexed reads
// whether anything happened or not (10,000 idle devices, a few thousand
// reads a second), and still answers seconds late; a notification costs
// one statement per burst of writes and reaches the other instances
// within milliseconds. NOTIFY is sent after the write commits, by a
// goroutine of its own, never inside the write's transaction, so it adds
// nothing to the counter row's lock that every write holds to its commit,
// and bursts are gathered (notifyGather) into one notification per
// tenant. A notification lost (an instance that died between its commit
// and its NOTIFY, a listener reconnecting) costs a wait at most its
// bound: the device's next wait checks at once and finds the change. A
// listener that (re)connects wakes every wait it holds for one check,
// since it heard nothing while away.

// waitChannel is the NOTIFY channel of waits.
const waitChannel = "fieldbench_wait"

// notifyGather is how long the notifier gathers writes before it sends:
// at most one notification per tenant per this much time.
const notifyGather = 20 * time.Millisecond

// maxNotifyPayload bounds a notification (PostgreSQL takes 8,000 bytes);
// a longer list of scopes is sent as "the whole tenant".
const maxNotifyPayload = 7000

// waitNote is a notification's payload: the instance that sent it, the
// tenant, and the scopes its writes wrote change rows in (none: every
// scope of the tenant).
type waitNote struct {
	Instance string   `json:"i"`
	Tenant   string   `json:"t"`
	Scopes   []string `json:"s,omitempty"`
}

// pgWaits carries waits across instances on PostgreSQL (nil on SQLite).
type pgWaits struct {
	dsn      string
	instance string
	mu       gosync.Mutex
	// pending are the tenants woken since the last notification, with
	// their scopes; a nil list is the whole tenant.
	pending map[string][]string
	kick    chan struct{}
	listen  gosync.Once
}

func newPGWaits(dsn string) *pgWaits {
	b := make([]byte, 8)
	rand.Read(b)
	return &pgWaits{dsn: dsn, instance: hex.EncodeToString(b), pending: map[string][]string{}, kick: make(chan struct{}, 1)}
}

// queue keeps tenant's scopes (nil: all of them) for the next
// notification; it never blocks.
func (p *pgWaits) queue(tenant string, scopes []string) {
	p.mu.Lock()
	old, seen := p.pending[tenant]
	switch {
	case scopes == nil || (seen && old == nil):
		p.pending[tenant] = nil
	default:
		p.pending[tenant] = append(old, scopes...)
	}
	p.mu.Unlock()
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

func (p *pgWaits) take() map[string][]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.pending
	p.pending = map[string][]string{}
	return out
}

// wakeWaits wakes the waits on scopes of tenant, on this instance and,
// on PostgreSQL, on the others: a write calls it once committed.
func (db *DB) wakeWaits(tenant string, scopes []string) {
	db.waits.wake(tenant, scopes)
	if db.pgWaits != nil {
		db.pgWaits.queue(tenant, scopes)
	}
}

// wakeTenantWaits is wakeWaits for every scope of tenant.
func (db *DB) wakeTenantWaits(tenant string) {
	db.waits.wakeTenant(tenant)
	if db.pgWaits != nil {
		db.pgWaits.queue(tenant, nil)
	}
}

// runNotifier sends the queued wakes to the other instances until Close.
func (db *DB) runNotifier() {
	p := db.pgWaits
	for {
		select {
		case <-p.kick:
		case <-db.closing:
			return
		}
		t := time.NewTimer(notifyGather)
		select {
		case <-t.C:
		case <-db.closing:
			t.Stop()
			return
		}
		for tenant, scopes := range p.take() {
			note := waitNote{Instance: p.instance, Tenant: tenant, Scopes: dedupe(scopes)}
			payload, _ := json.Marshal(note)
			if len(payload) > maxNotifyPayload {
				note.Scopes = nil
				payload, _ = json.Marshal(note)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if _, err := db.write.ExecContext(ctx, `SELECT pg_notify($1, $2)`, waitChannel, string(payload)); err != nil {
				// The other instances' waits hear of it at their bound.
				db.log.Warn("waits: telling the other instances failed", "err", err)
			}
			cancel()
		}
	}
}

func dedupe(scopes []string) []string {
	if scopes == nil {
		return nil
	}
	seen := map[string]bool{}
	out := scopes[:0:0]
	for _, s := range scopes {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// listenForWaits starts listening to the other instances' wakes, once,
// when this instance first holds a wait.
func (db *DB) listenForWaits() {
	if db.pgWaits == nil {
		return
	}
	db.pgWaits.listen.Do(func() { go db.runListener() })
}

// runListener listens on its own connection until Close, connecting
// again after a failure (1 s, doubling to 30 s).
func (db *DB) runListener() {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-db.closing
		cancel()
	}()
	backoff := time.Second
	for {
		err := db.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		db.log.Warn("waits: listening to the other instances failed; trying again", "err", err, "in", backoff)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

func (db *DB) listenOnce(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, db.pgWaits.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+waitChannel); err != nil {
		return err
	}
	// Nothing was heard before now: every wait checks once.
	db.waits.wakeAll()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var note waitNote
		if json.Unmarshal([]byte(n.Payload), &note) != nil || note.Instance == db.pgWaits.instance {
			continue // this instance's own writes woke its waits already
		}
		if note.Scopes == nil {
			db.waits.wakeTenant(note.Tenant)
		} else {
			db.waits.wake(note.Tenant, note.Scopes)
		}
	}
}
