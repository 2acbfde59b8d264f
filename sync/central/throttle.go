package central

import (
	"net"
	"net/http"
	gosync "sync"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Pairing throttle: a pairing code is the only secret an unauthenticated
// client can guess at, so each source address gets pairBurst wrong codes
// and then one every pairEvery. An attempt takes its token before it is
// checked (so concurrent guesses cannot overtake the count) and a code
// that pairs gives it back: a shop pairing twenty tablets from behind one
// address is not slowed down. Sources are tracked in memory, per instance,
// at most pairSources at a time: past that, every source waits (the
// throttle fails closed rather than growing without bound).
const (
	pairBurst   = 10
	pairEvery   = 6 * time.Second // 10 a minute once the burst is spent
	pairSources = 10000
)

// pairThrottle is a token bucket per source address.
type pairThrottle struct {
	now func() time.Time

	mu      gosync.Mutex // protects following
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was computed
}

func newPairThrottle() *pairThrottle {
	return &pairThrottle{now: time.Now, buckets: map[string]*bucket{}}
}

// source is the address a request came from: the peer's IP, without the
// port. Behind a proxy every request has the proxy's address; X-Forwarded-For
// is not trusted, as any client can set it.
func source(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allow takes an attempt for src, or returns an ETHROTTLED error saying
// how many seconds to wait.
func (t *pairThrottle) allow(src string) error {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.buckets[src]
	if !ok {
		if len(t.buckets) >= pairSources {
			t.sweep(now)
		}
		if len(t.buckets) >= pairSources {
			return errThrottled(pairEvery)
		}
		b = &bucket{tokens: pairBurst, at: now}
		t.buckets[src] = b
	}
	b.tokens = min(pairBurst, b.tokens+now.Sub(b.at).Seconds()/pairEvery.Seconds())
	b.at = now
	if b.tokens < 1 {
		return errThrottled(time.Duration((1 - b.tokens) * float64(pairEvery)))
	}
	b.tokens--
	return nil
}

// refund gives back the attempt of a code that paired.
func (t *pairThrottle) refund(src string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if b, ok := t.buckets[src]; ok {
		b.tokens = min(pairBurst, b.tokens+1)
	}
}

// sweep forgets the sources whose bucket has refilled: they are as if
// never seen.
func (t *pairThrottle) sweep(now time.Time) {
	for src, b := range t.buckets {
		if b.tokens+now.Sub(b.at).Seconds()/pairEvery.Seconds() >= pairBurst {
			delete(t.buckets, src)
		}
	}
}

func errThrottled(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second) // rounded up: a retry then succeeds
	return app.Errorf(app.ETHROTTLED, "auth.pair_throttled", "Too many pairing attempts from this network. Wait {{.Seconds}} seconds, then type the code again.", "Seconds", max(secs, 1))
}
