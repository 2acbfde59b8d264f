package conformance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
)

// PROTOCOL.md, "Bounds": a record within its fields' bounds is never
// refused for its size. Each case pushes a record whose every text is at
// its bound in characters of the most bytes (a character past U+FFFF, four
// bytes of UTF-8; '<', six bytes in the JSON the app writes), far past the
// 64 KiB that once bounded the arguments; the push takes it, and another
// device of the same technician pulls it back whole.

// b4 is n random characters of four bytes each (CJK Extension B), which
// neither gzip nor PostgreSQL's compression of a long value or an index
// entry shrinks much; b6 n characters written in six bytes each in JSON
// (\u003c).
func b4(n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(rune(0x20000 + rand.IntN(0xA6DF)))
	}
	return b.String()
}
func b6(n int) string { return strings.Repeat("<", n) }

// pulledRaw pulls from an empty cursor until nothing more waits and
// returns every entity of the lists named, as JSON objects.
func (d *device) pulledRaw(t *testing.T, lists ...string) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	d.pullPages(t, "", func(data json.RawMessage) {
		var p map[string]json.RawMessage
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("pulled page %.300s: %v", data, err)
		}
		for _, l := range lists {
			var rows []map[string]any
			if raw, ok := p[l]; ok {
				if err := json.Unmarshal(raw, &rows); err != nil {
					t.Fatalf("pulled %s: %v", l, err)
				}
			}
			out[l] = append(out[l], rows...)
		}
	})
	return out
}

// field is the value at path (keys by dots) in o, "" when not a string.
func field(o map[string]any, path string) string {
	var v any = o
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

// byID is the entity of rows whose id (at idPath) is id.
func byID(rows []map[string]any, idPath, id string) map[string]any {
	for _, r := range rows {
		if field(r, idPath) == id {
			return r
		}
	}
	return nil
}

func TestFullSizeRecordsArePushedAndPulledWhole(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		other := s.pair(t, w.tc.id) // the technician's second device: the same scopes
		mustPush := func(m mutation) int {
			t.Helper()
			b, _ := json.Marshal(m.Args)
			if len(b) <= 64<<10 {
				t.Fatalf("%s: %d bytes of arguments, not past 64 KiB: the case proves nothing", m.Name, len(b))
			}
			w.dev.pushApplied(t, m)
			return len(b)
		}

		// ticket.create: the free texts at 4,000 characters, the names at
		// 200 (the table of "Bounds").
		id := newID()
		want := map[string]string{
			"customer.name": b4(boundName), "customer.address": b6(boundText), "customer.city": b4(boundText),
			"product.brand": b4(boundName), "product.model": b6(boundName), "product.serial": b4(boundText),
			"product.proof_of_purchase": b6(boundText), "condition.accessories": b4(boundText),
			"condition.notes": b6(boundText), "fault": b6(boundText),
		}
		tk := map[string]any{"id": id, "number": name("FULL"), "kind": "carry_in", "country": "CN",
			"customer":  map[string]any{"name": want["customer.name"], "phone": "13900000000", "address": want["customer.address"], "city": want["customer.city"]},
			"product":   map[string]any{"category": "phone", "brand": want["product.brand"], "model": want["product.model"], "serial": want["product.serial"], "proof_of_purchase": want["product.proof_of_purchase"]},
			"condition": map[string]any{"accessories": want["condition.accessories"], "notes": want["condition.notes"]},
			"fault":     want["fault"]}
		n := mustPush(w.dev.mut("ticket.create", map[string]any{"ticket": tk}))
		t.Logf("ticket.create: %d bytes of arguments", n)

		// ticket.update: the customer's address (its base at the bound
		// too), the diagnosis and the proof of purchase.
		want["customer.address"], want["diagnosis"], want["product.proof_of_purchase"] = b4(boundText), b6(boundText), b4(boundText)
		n = mustPush(w.dev.mut("ticket.update", map[string]any{"ticket": id,
			"set":  map[string]any{"customer_address": want["customer.address"], "diagnosis": want["diagnosis"], "proof_of_purchase": want["product.proof_of_purchase"]},
			"base": map[string]any{"customer_address": b6(boundText), "diagnosis": ""}}))
		t.Logf("ticket.update: %d bytes of arguments", n)

		// note.add: 4,000 characters; part.request: its note at 2,000. Each
		// alone is under 64 KiB, so they go in one push of both, with a
		// second note.
		note1, note2, req := newID(), newID(), newID()
		text1, text2 := b6(boundText), b4(boundText)
		rargs := requestArgs(req, id, partFilter, w.tc.van, 1)
		rargs["request"].(map[string]any)["note"] = b6(boundReason)
		ans := w.dev.push(t,
			w.dev.mut("note.add", map[string]any{"note": map[string]any{"id": note1, "ticket": id, "text": text1}}),
			w.dev.mut("note.add", map[string]any{"note": map[string]any{"id": note2, "ticket": id, "text": text2}}),
			w.dev.mut("part.request", rargs))
		if len(ans.Rejected) > 0 {
			t.Fatalf("notes and part request refused: %+v", ans.Rejected)
		}

		// signature.record: the signer at 200 characters and the report at
		// its 32,768 bytes, all quotes (two bytes each in the report, four
		// in the mutation's JSON string).
		report := func(fault string) string {
			b, _ := json.Marshal(map[string]any{"ticket_id": id, "fault": fault})
			return string(b)
		}
		r := report(strings.Repeat(`"`, (32768-len(report("")))/2))
		sum := sha256.Sum256([]byte(r))
		sig := newID()
		n = mustPush(w.dev.mut("signature.record", map[string]any{"signature": map[string]any{"id": sig, "ticket": id,
			"signer": b6(boundName), "role": "customer", "digest": hex.EncodeToString(sum[:]), "strokes": "AQEBAQE=",
			"photo": newID(), "report": r}}))
		t.Logf("signature.record: %d bytes of arguments (report %d bytes)", n, len(r))

		got := other.pulledRaw(t, "tickets", "notes", "part_requests", "signatures")
		row := byID(got["tickets"], "ticket.id", id)
		if row == nil {
			t.Fatalf("the other device did not pull ticket %s", id)
		}
		for path, v := range want {
			if g := field(row, "ticket."+path); g != v {
				t.Errorf("ticket %s pulled with %d bytes, want the %d sent", path, len(g), len(v))
			}
		}
		for id, text := range map[string]string{note1: text1, note2: text2} {
			if n := byID(got["notes"], "id", id); n == nil || field(n, "text") != text {
				t.Errorf("note %s not pulled whole", id)
			}
		}
		if pr := byID(got["part_requests"], "id", req); pr == nil || field(pr, "note") != b6(boundReason) {
			t.Errorf("part request %s not pulled whole", req)
		}
		if sg := byID(got["signatures"], "id", sig); sg == nil || field(sg, "signer") != b6(boundName) || field(sg, "report") != r {
			t.Errorf("signature %s not pulled whole", sig)
		}
	})
}

// PROTOCOL.md, "Bounds": every text a mutation carries has a bound of its
// own, also those the applying side sets or that only name what the
// device showed: one character past it is refused with mutation.too_long
// and changes nothing; at the bound it is taken.
func TestEveryTextOfAMutationIsBounded(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		id := w.tk.ID
		cases := []struct {
			name  string
			bound int
			args  func(text string) (string, map[string]any)
		}{
			{"a note's by", boundName, func(x string) (string, map[string]any) {
				return "note.add", map[string]any{"note": map[string]any{"id": newID(), "ticket": id, "text": "called", "by": x}}
			}},
			{"a repair entry's by", boundName, func(x string) (string, map[string]any) {
				return "repair.log", map[string]any{"entry": map[string]any{"id": newID(), "ticket": id, "action": "cleaned", "minutes": 5, "by": x}}
			}},
			{"a photo's mime", boundName, func(x string) (string, map[string]any) {
				return "photo.attach", map[string]any{"photo": map[string]any{"id": newID(), "ticket": id, "sha256": strings.Repeat("a", 64), "size": 10, "mime": x}}
			}},
			{"a part used's serial", 128, func(x string) (string, map[string]any) {
				args := consumeArgs(newID(), id, partFilter, w.tc.van, 1)
				args["used"].(map[string]any)["serial"] = x
				return "stock.consume", args
			}},
			{"an update's base", boundText, func(x string) (string, map[string]any) {
				return "ticket.update", map[string]any{"ticket": id, "set": map[string]any{"diagnosis": "seal worn"}, "base": map[string]any{"diagnosis": x}}
			}},
		}
		for _, c := range cases {
			over := b4(c.bound + 1)
			name, args := c.args(over)
			x := w.dev.pushRefused(t, w.dev.mut(name, args), "mutation.too_long")
			if x.Code != "invalid" {
				t.Errorf("%s of %d characters: code %q, want invalid", c.name, c.bound+1, x.Code)
			}
			name, args = c.args(b4(c.bound))
			if x, refused := w.dev.pushOne(t, w.dev.mut(name, args)); refused {
				t.Errorf("%s of %d characters was refused: %+v", c.name, c.bound, x)
			}
		}
		if d := s.ticket(t, id); len(d.Notes) != 1 || len(d.Repairs) != 1 {
			t.Errorf("the ticket has %d notes and %d repairs, want the one of each taken", len(d.Notes), len(d.Repairs))
		}
	})
}

// PROTOCOL.md, "Request bodies are bounded" and "Bounds": dispatch's
// POST /v1/admin/mutations takes a record within its fields' bounds
// whatever its size, as a push does: a ticket with every text at its
// bound (far past the 64 KiB of a small body) is created, and its
// technician's device pulls it whole; a body past the mutation's bound as
// sent (1.5 MiB) and its 64 KiB is refused with 413 and creates nothing.
func TestFullSizeTicketByDispatch(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "full-dispatch", 0)
		fault, notes, address := b6(boundText), b4(boundText), b4(boundText)
		ticket := func(id, fault string) map[string]any {
			return map[string]any{"ticket": map[string]any{"id": id, "number": name("FD"), "kind": "on_site", "country": "CN", "technician": tc.id,
				"product":   map[string]any{"category": "appliance", "brand": b6(boundName), "model": b4(boundName), "serial": b4(boundText)},
				"customer":  map[string]any{"name": b6(boundName), "phone": "13800000000", "address": address, "city": b6(boundText)},
				"condition": map[string]any{"accessories": b6(boundText), "notes": notes},
				"fault":     fault}}
		}
		id := newID()
		args := ticket(id, fault)
		if b, _ := json.Marshal(args); len(b) <= 64<<10 {
			t.Fatalf("%d bytes of arguments: not past 64 KiB", len(b))
		}
		if a := s.dispatch(t, "ticket.create", args); a.status != http.StatusOK {
			t.Fatalf("dispatch's full-size ticket: HTTP %d %.300s", a.status, a.body)
		}
		row := byID(s.pair(t, tc.id).pulledRaw(t, "tickets")["tickets"], "ticket.id", id)
		if row == nil || field(row, "ticket.fault") != fault || field(row, "ticket.condition.notes") != notes || field(row, "ticket.customer.address") != address {
			t.Errorf("the technician's device did not pull the ticket whole")
		}
		over := newID()
		a := s.do(t, "POST", "/v1/admin/mutations", s.admin, map[string]any{"name": "ticket.create", "version": 1,
			"args": ticket(over, strings.Repeat("<", (3<<19+64<<10)/6+1))})
		if a.status != http.StatusRequestEntityTooLarge {
			t.Errorf("a body past 1,600 KiB: HTTP %d %.200s, want 413", a.status, a.body)
		}
		if a := s.do(t, "GET", "/v1/admin/tickets/"+over, s.admin, nil); a.status != http.StatusNotFound {
			t.Errorf("the refused ticket exists: HTTP %d", a.status)
		}
	})
}

// PROTOCOL.md, "Conflicts": a refused mutation's conflict keeps its
// arguments as `ours`, also a record at its fields' bounds past 64 KiB,
// so dispatch can still see and re-apply the technician's work.
func TestFullSizeRefusedIsKeptWhole(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		s.dispatchOK(t, "ticket.cancel", transition(w.tk.ID, 1, "reason", "customer called to cancel"))
		args := map[string]any{"ticket": w.tk.ID,
			"set":  map[string]any{"diagnosis": b6(boundText), "proof_of_purchase": b4(boundText), "serial": b6(boundText), "customer_address": b4(boundText)},
			"base": map[string]any{"diagnosis": "", "proof_of_purchase": "", "serial": "", "customer_address": ""}}
		sent, _ := json.Marshal(args)
		if len(sent) <= 64<<10 {
			t.Fatalf("%d bytes of arguments: not past 64 KiB", len(sent))
		}
		x, refused := w.dev.pushOne(t, w.dev.mut("ticket.update", args))
		if !refused || x.Conflict == "" {
			t.Fatalf("an update of a cancelled ticket: %+v (refused %v), want a refusal with its conflict", x, refused)
		}
		c, ok := s.conflictByID(t, x.Conflict)
		if !ok {
			t.Fatalf("conflict %s not found", x.Conflict)
		}
		var got any
		if err := json.Unmarshal([]byte(c.Ours), &got); err != nil {
			t.Fatalf("the conflict keeps %d bytes of ours, not the arguments: %v", len(c.Ours), err)
		}
		if g, _ := json.Marshal(got); string(g) != string(sent) {
			t.Errorf("the conflict's ours (%d bytes) is not the %d bytes of arguments sent", len(c.Ours), len(sent))
		}
	})
}
