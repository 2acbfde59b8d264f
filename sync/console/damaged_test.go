package console

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestShipmentDamagedOnArrival: a store counts a line's damaged parts in
// the console's receive form; they enter the store's defective bin, not
// its stock; the shipment's page lists them on the receipt and as a
// difference with the bin's ledger; more damaged than counted is refused
// and changes nothing.
func TestShipmentDamagedOnArrival(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		supplyFixture(t, tc)
		mutate(t, tc, "t1", &app.SendShipment{Shipment: app.Shipment{ID: "sh-d", Kind: app.ShipmentSupply, From: "wh", To: "s1", Carrier: "Post",
			Tracking: "TR-D", Lines: []app.ShipmentLine{{Part: "P-1", Qty: 2}}}})
		cl := signedIn(t, tc)("manager@t1")
		status, page := cl.get(t, "/stock/shipments/sh-d")
		rid := regexp.MustCompile(`name="receipt" value="([^"]+)"`).FindStringSubmatch(page)
		if status != http.StatusOK || rid == nil || !strings.Contains(page, `name="damaged-0"`) || !strings.Contains(page, "Of these, arrived damaged (to Bin One)") {
			t.Fatalf("no receive form with damaged parts: status %d\n%s", status, page)
		}
		stock, bin := balanceOf(t, tc, "s1", "P-1"), balanceOf(t, tc, "bin-1", "P-1")
		status, body := cl.post(t, "/stock/shipments/sh-d/receive", url.Values{"receipt": {rid[1]}, "qty-0": {"2"}, "damaged-0": {"3"}})
		if status != http.StatusBadRequest || !strings.Contains(body, "Enter the damaged parts of a line as a whole number from 0 to what you counted on it.") {
			t.Errorf("more damaged than counted: status %d\n%s", status, body)
		}
		if balanceOf(t, tc, "s1", "P-1") != stock || balanceOf(t, tc, "bin-1", "P-1") != bin {
			t.Fatal("a refused receipt moved stock")
		}
		if status, body := cl.post(t, "/stock/shipments/sh-d/receive", url.Values{"receipt": {rid[1]}, "qty-0": {"2"}, "damaged-0": {"1"}, "damaged_note-0": {"cracked " + xssScript}}); status != http.StatusSeeOther {
			t.Fatalf("receive: status %d\n%s", status, body)
		}
		if s, b := balanceOf(t, tc, "s1", "P-1"), balanceOf(t, tc, "bin-1", "P-1"); s != stock+1 || b != bin+1 {
			t.Errorf("after one of two damaged: s1 holds %d (was %d), bin-1 %d (was %d); want one more in each", s, stock, b, bin)
		}
		_, page = cl.get(t, "/stock/shipments/sh-d")
		for _, want := range []string{
			"Damaged on arrival: 1 of P-1 arrived damaged; it waits in Bin One to go back, not in stock.",
			`href="/stock/bin-1/P-1"`, "Open the defective bin&#39;s ledger",
			"cracked &lt;script&gt;", "Claim them from the supplier",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the received shipment's page lacks %q", want)
			}
		}
		if strings.Contains(page, "Short:") || strings.Contains(page, "<script>alert") {
			t.Errorf("the page says a damaged part is short, or does not escape its note")
		}
	})
}
