package central

import (
	"context"
	"sync"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// TestReceiptPrefixes: devices paired concurrently each get a prefix of
// their own, the same at every sync; a device paired without one (as
// before receipts existed) gets one at its next sync.
func TestReceiptPrefixes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		s := NewServer(db, nil)
		const n = 8
		devices := make([]Principal, n)
		for i := range devices {
			devices[i] = pairDevice(t, db, "tech-a")
		}
		prefixes := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, p := range devices {
			wg.Go(func() {
				resp, err := s.Sync(context.Background(), p, fbsync.Request{Protocol: 1, NoPull: true})
				prefixes[i], errs[i] = resp.ReceiptPrefix, err
			})
		}
		wg.Wait()
		seen := map[string]bool{}
		for i, p := range prefixes {
			if errs[i] != nil || !app.ValidReceiptPrefix(p) || seen[p] {
				t.Fatalf("device %d: prefix %q, %v (others %v)", i, p, errs[i], seen)
			}
			seen[p] = true
		}
		again, err := s.Sync(t.Context(), devices[0], fbsync.Request{Protocol: 1, NoPull: true})
		if err != nil || again.ReceiptPrefix != prefixes[0] {
			t.Fatalf("second sync: prefix %q, %v; want %q", again.ReceiptPrefix, err, prefixes[0])
		}
		// w's devices were paired the same way and never synced: theirs
		// are given now, and differ from the others.
		first, err := s.Sync(t.Context(), w.a, fbsync.Request{Protocol: 1, NoPull: true})
		if err != nil || !app.ValidReceiptPrefix(first.ReceiptPrefix) || seen[first.ReceiptPrefix] {
			t.Fatalf("a device without a prefix: %q, %v", first.ReceiptPrefix, err)
		}
	})
}
