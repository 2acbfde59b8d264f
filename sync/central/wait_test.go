package central

import (
	"fmt"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestWaitHubWakesOnlyItsScopes: a write wakes the waits on the scopes it
// wrote (and those not yet checked), never another technician's; a
// second wait of a device ends the first; the bounds in all and per
// address hold; and holding, waking and ending from many goroutines at
// once leaves nothing behind (run with -race).
func TestWaitHubWakesOnlyItsScopes(t *testing.T) {
	var h waitHub
	h.max, h.perSource = 3, 2
	a, err := h.hold(Principal{Tenant: "t", Device: "dev-a"}, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.hold(Principal{Tenant: "t", Device: "dev-b"}, "10.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	h.setScopes(a, []string{"t/tech:a", "t/catalog"})
	h.setScopes(b, []string{"t/tech:b", "t/catalog"})
	woken := func(w *waiter) bool {
		select {
		case <-w.wake:
			return true
		default:
			return false
		}
	}
	h.wake("t", []string{"t/tech:b"})
	if woken(a) || !woken(b) {
		t.Error("a write in b's scope: want b woken, not a")
	}
	h.wake("other", []string{"other/tech:a"})
	if woken(a) || woken(b) {
		t.Error("another tenant's write woke a wait")
	}
	h.wake("t", []string{"t/catalog"})
	if !woken(a) || !woken(b) {
		t.Error("a catalog write: want both woken")
	}
	if _, err := h.hold(Principal{Tenant: "t", Device: "dev-c"}, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.hold(Principal{Tenant: "t", Device: "dev-d"}, "10.0.0.3"); app.ErrorCode(err) != app.ETHROTTLED {
		t.Errorf("a fourth wait with a bound of 3: %v, want ETHROTTLED", err)
	}
	a2, err := h.hold(Principal{Tenant: "t", Device: "dev-a"}, "10.0.0.1")
	if err != nil {
		t.Fatalf("a device's second wait: %v", err)
	}
	select {
	case <-a.ended:
	default:
		t.Error("the device's second wait did not end its first")
	}
	h.release(a) // the first one's request ends after the second began
	if n := h.held(); n != 3 {
		t.Errorf("%d waits held, want 3", n)
	}
	h.max = 10 // room in all: the address's bound refuses it
	if _, err := h.hold(Principal{Tenant: "t2", Device: "dev-e"}, "10.0.0.1"); app.ErrorCode(err) != app.ETHROTTLED {
		t.Errorf("a third wait from one address with a bound of 2: %v, want ETHROTTLED", err)
	}
	for _, w := range []*waiter{a2, b} {
		h.release(w)
	}
	h.endDevice("t", "dev-c")
	if n := h.held(); n != 0 {
		t.Fatalf("%d waits held after all ended, want none", n)
	}

	h.max, h.perSource = 0, 0
	var wg gosync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := Principal{Tenant: "t", Device: app.DeviceID(fmt.Sprintf("dev-%d", i%10))}
			for j := range 50 {
				w, err := h.hold(p, "10.0.0.9")
				if err != nil {
					t.Error(err)
					return
				}
				h.setScopes(w, []string{fmt.Sprintf("t/tech:%d", i%10)})
				h.wake("t", []string{fmt.Sprintf("t/tech:%d", j%10)})
				if j%7 == 0 {
					h.wakeTenant("t")
					h.endDevice("t", p.Device)
				}
				select {
				case <-w.wake:
				case <-w.ended:
				case <-time.After(time.Millisecond):
				}
				h.release(w)
			}
		}()
	}
	wg.Wait()
	if n := h.held(); n != 0 || len(h.bySource) != 0 || len(h.byScope) != 0 || len(h.byTenant) != 0 {
		t.Errorf("after the waits ended: %d held, %d addresses, %d scopes, %d tenants; want none", n, len(h.bySource), len(h.byScope), len(h.byTenant))
	}
}
