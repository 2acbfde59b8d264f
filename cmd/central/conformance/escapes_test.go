package conformance

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// escaped is v in compact JSON with every character of every string and
// key written as a \uXXXX escape, two past U+FFFF (twelve bytes for one
// character): as valid JSON of the same record as the app's, and up to
// twice its size.
func escaped(v any) []byte {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var g any
	if err := json.Unmarshal(raw, &g); err != nil {
		panic(err)
	}
	var b bytes.Buffer
	var write func(v any)
	str := func(s string) {
		b.WriteByte('"')
		for _, r := range s {
			if r > 0xFFFF {
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		}
		b.WriteByte('"')
	}
	write = func(v any) {
		switch x := v.(type) {
		case string:
			str(x)
		case []any:
			b.WriteByte('[')
			for i, e := range x {
				if i > 0 {
					b.WriteByte(',')
				}
				write(e)
			}
			b.WriteByte(']')
		case map[string]any:
			b.WriteByte('{')
			for i, k := range slices.Sorted(maps.Keys(x)) {
				if i > 0 {
					b.WriteByte(',')
				}
				str(k)
				b.WriteByte(':')
				write(x[k])
			}
			b.WriteByte('}')
		default: // numbers, true, false, null
			j, _ := json.Marshal(x)
			b.Write(j)
		}
	}
	write(g)
	return b.Bytes()
}

// gzippedPush is a push of m with args as they are (json.Marshal would
// take out their whitespace), compressed, as a client sends a body past
// 1 MiB.
func gzippedPush(t *testing.T, m mutation, args string) []byte {
	t.Helper()
	m.Args = 0
	env, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	raw := `{"v":1,"np":true,"p":[` + strings.Replace(string(env), `"args":0`, `"args":`+args, 1) + `]}`
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(raw))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// serialLine is a receipt's line with its unit's serial.
type serialLine struct {
	Part    string `json:"part"`
	Qty     int    `json:"qty"`
	Serial  string `json:"serial"`
	Damaged int    `json:"damaged"`
	Note    string `json:"note"`
}

// PROTOCOL.md, "Bounds": a mutation's arguments are measured as the app
// encodes them, not as sent. A receipt within its fields' bounds, every
// character of it (keys too) written as a \u escape, is past 768 KiB as
// sent, and under it as the app writes it: a device's push (gzipped, as
// a body past 1 MiB must be) and dispatch's (as it is) are taken, and
// the technician's other device pulls the notes back equal. Whitespace
// past 1.5 MiB, the bound as sent, is refused with mutation.too_large.
func TestEscapedRecordIsMeasuredAsTheAppEncodesIt(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		other := s.pair(t, w.tc.id)
		// A receipt's 200 lines (its bound), each a unit with its serial
		// (an ID's 128 characters) and a damaged note (a name's 200), and
		// its note (a reason's 2,000).
		receipt := func(ship string) (map[string]any, []serialLine) {
			var lines []serialLine
			for range 200 {
				lines = append(lines, serialLine{Part: partFilter, Qty: 1, Serial: b4(128), Damaged: 1, Note: b4(boundName)})
			}
			return map[string]any{"shipment": ship, "receipt": map[string]any{"id": newID(), "lines": lines, "defective": w.bin, "note": b4(boundReason)}}, lines
		}
		ship1, ship2 := newID(), newID()
		for _, id := range []string{ship1, ship2} {
			s.dispatchOK(t, "shipment.send", shipArgs(id, "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 1}))
		}
		binBefore := s.balance(t, w.bin, partFilter)

		args1, want1 := receipt(ship1)
		raw, _ := json.Marshal(args1)
		esc := escaped(args1)
		if len(esc) <= 768<<10 || len(raw) > 768<<10 {
			t.Fatalf("%d bytes escaped, %d as the app writes them: the case proves nothing", len(esc), len(raw))
		}
		m := w.dev.mut("shipment.receive", nil)
		m.Version = 2
		a := s.do(t, "POST", "/v1/sync", w.dev.token, gzippedPush(t, m, string(esc)), "Content-Encoding", "gzip")
		var out syncAnswer
		if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil || out.Acked != m.Seq || len(out.Rejected) > 0 {
			t.Fatalf("push of %d bytes escaped (%d as the app writes them): HTTP %d %.400s", len(esc), len(raw), a.status, a.body)
		}

		args2, want2 := receipt(ship2)
		esc2 := escaped(args2)
		body := []byte(`{"name":"shipment.receive","version":2,"args":` + string(esc2) + `}`)
		if a := s.do(t, "POST", "/v1/admin/mutations", s.admin, body); a.status != http.StatusOK {
			t.Fatalf("dispatch's receipt of %d bytes escaped: HTTP %d %.400s", len(esc2), a.status, a.body)
		}
		if bin := s.balance(t, w.bin, partFilter); bin != binBefore+400 {
			t.Errorf("two receipts of 200 damaged units: the bin holds %d, want %d", bin, binBefore+400)
		}

		p := other.pulledRaw(t, "shipments")
		for id, want := range map[string][]serialLine{ship1: want1, ship2: want2} {
			sh := byID(p["shipments"], "id", id)
			var got struct {
				Receipt struct {
					Lines []serialLine `json:"lines"`
				} `json:"receipt"`
			}
			if b, err := json.Marshal(sh); err != nil || json.Unmarshal(b, &got) != nil || !slices.Equal(got.Receipt.Lines, want) {
				t.Errorf("shipment %s pulled with %d receipt lines, not the %d sent, or not equal", id, len(got.Receipt.Lines), len(want))
			}
		}

		// Past the bound as sent, for its whitespace only.
		note := newID()
		padded := `{"note":{"id":"` + note + `","ticket":"` + w.tk.ID + `","text":"x"}` + strings.Repeat(" ", 3<<19) + `}`
		nm := w.dev.mut("note.add", nil)
		a = s.do(t, "POST", "/v1/sync", w.dev.token, gzippedPush(t, nm, padded), "Content-Encoding", "gzip")
		out = syncAnswer{}
		if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil || len(out.Rejected) != 1 || out.Rejected[0].Key != "mutation.too_large" {
			t.Fatalf("a note with %d bytes of spaces: HTTP %d %.400s, want it refused with mutation.too_large", len(padded), a.status, a.body)
		}
		if byID(other.pulledRaw(t, "notes")["notes"], "id", note) != nil {
			t.Errorf("the refused note %s was written", note)
		}
	})
}
