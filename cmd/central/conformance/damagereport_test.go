package conformance

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// A unit a technician reported damaged (a stock.transfer from the van
// into their defective bin, with what happened as its reason) reaches a
// new device's first pull as an opening of the bin with source
// "transfer", its reason, its reporter (recorded_by) and at, and no
// ticket or parcel: enough to name the report (PROTOCOL.md, Pull: a defective bin is the
// exception). A return removed on a ticket has source
// "return_defective"; a device's movement naming a source is refused.
func TestFirstPullNamesAReportOfDamage(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		_, cursor := w.dev.pulledMovements(t, "")
		at := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
		damaged := map[string]any{"id": newID(), "kind": "transfer", "part": partBelt, "from": w.tc.van, "to": w.bin, "qty": 1,
			"reason": "fell off the shelf, housing cracked", "at": at.Format(time.RFC3339), "recorded_by": "Reporter " + w.tc.id}
		// A source is the service's to give: a device's movement naming
		// one is refused and changes nothing.
		for _, kind := range []string{"transfer", "adjust"} {
			claimed := map[string]any{"id": newID(), "kind": kind, "part": partBelt, "to": w.bin, "qty": 1, "reason": "claimed", "source": "receive"}
			if kind == "transfer" {
				claimed["from"] = w.tc.van
			} else {
				claimed["to"], claimed["qty"] = w.tc.van, -1
			}
			if x, refused := w.dev.pushOne(t, w.dev.mut("stock."+kind, map[string]any{"movement": claimed})); !refused || x.Key != "stock.invalid" {
				t.Errorf("a %s naming a source: refused %v (%+v), want stock.invalid", kind, refused, x)
			}
		}
		w.dev.pushApplied(t, w.dev.mut("stock.transfer", map[string]any{"movement": damaged}))
		ret := map[string]any{"id": newID(), "kind": "return_defective", "part": partFilter, "to": w.bin, "qty": 1,
			"ticket": w.tk.ID, "at": time.Now().UTC().Format(time.RFC3339)}
		w.dev.pushApplied(t, w.dev.mut("stock.return_defective", map[string]any{"movement": ret}))

		// The reporting device's next pull carries the transfer itself.
		back, _ := w.dev.pulledMovements(t, cursor)
		found := false
		for _, m := range back {
			if m.ID == damaged["id"] {
				found = true
				if m.Source != "" || m.Kind != "transfer" {
					t.Errorf("the pushed transfer comes back as %+v, want a transfer without source", m)
				}
			}
		}
		if !found {
			t.Errorf("the device's next pull does not carry its transfer: %+v", back)
		}

		fresh := s.pair(t, w.tc.id) // a second device: its first sync
		var got []sourcedOpening
		first, _ := fresh.pulledMovements(t, "")
		for _, m := range first {
			if m.To == w.bin {
				got = append(got, m)
			}
		}
		want := map[string]sourcedOpening{
			partBelt:   {Kind: "adjust", Part: partBelt, To: w.bin, Qty: 1, Reason: "fell off the shelf, housing cracked", Source: "transfer", At: at},
			partFilter: {Kind: "adjust", Part: partFilter, To: w.bin, Qty: 1, Ticket: w.tk.ID, Reason: w.tk.Number, Source: "return_defective"},
		}
		if len(got) != len(want) {
			t.Errorf("the bin's openings are %+v, want one for the report of damage and one for the return", got)
		}
		for _, m := range got {
			x, ok := want[m.Part]
			if !ok {
				continue
			}
			if !x.At.IsZero() && !m.At.Equal(x.At) {
				t.Errorf("the opening of %s is at %v, want the report's time %v", m.Part, m.At, x.At)
			}
			if m.Part == partBelt && m.Recorded != damaged["recorded_by"] {
				t.Errorf("the opening of the report is recorded by %q, want the reporter %q", m.Recorded, damaged["recorded_by"])
			}
			m.At, m.Recorded, m.ID = x.At, "", ""
			if m != x {
				t.Errorf("the bin's opening of %s = %+v, want %+v", m.Part, m, x)
			}
		}
	})
}

// sourcedOpening is a pulled movement with what a first pull's opening
// of a defective bin keeps, its source included.
type sourcedOpening struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Part     string    `json:"part"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Qty      int       `json:"qty"`
	Ticket   string    `json:"ticket"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
	Recorded string    `json:"recorded_by"`
	Shipment string    `json:"shipment"`
	Source   string    `json:"source"`
}

// pulledMovements pulls from cursor ("" for a first pull) until nothing
// more waits and returns the movements of every page and the cursor to
// send next.
func (d *device) pulledMovements(t *testing.T, cursor string) ([]sourcedOpening, string) {
	t.Helper()
	var all []sourcedOpening
	for range maxPages {
		a := d.sync(t, map[string]any{"v": 1, "c": cursor})
		if a.status != http.StatusOK {
			t.Fatalf("pull: HTTP %d %s", a.status, a.body)
		}
		var out struct {
			Data *struct {
				Movements []sourcedOpening `json:"movements"`
			} `json:"d"`
			Cursor string `json:"c"`
			More   bool   `json:"m"`
		}
		if err := json.Unmarshal(a.body, &out); err != nil {
			t.Fatalf("pull answer %s: %v", a.body, err)
		}
		if out.Data != nil {
			all = append(all, out.Data.Movements...)
		}
		if cursor = out.Cursor; !out.More {
			return all, cursor
		}
	}
	t.Fatalf("pull did not end within %d pages", maxPages)
	return nil, cursor
}
