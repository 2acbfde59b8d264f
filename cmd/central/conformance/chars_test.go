package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// PROTOCOL.md, "Bounds": every bound on a text counts characters (Unicode
// code points), not bytes. Each case sends a Chinese text of exactly the
// bound (three bytes a character, so three times the bound in bytes),
// which is taken, and one of a character more, which is refused with the
// documented key and changes nothing.

// zh is n Chinese characters, 3n bytes of UTF-8.
func zh(n int) string { return strings.Repeat("修", n) }

// The documented bounds (PROTOCOL.md, "Bounds", "Parts on their way",
// "Money").
const (
	boundName   = 200
	boundReason = 2000
	boundText   = 4000
)

// A ticket's text field (the fault, by dispatch) and a note (by a device)
// take 4,000 characters.
func TestTextBoundCountsCharactersTicketAndNote(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "chars", 0)
		create := func(fault string) (string, answer) {
			id := newID()
			a := s.dispatch(t, "ticket.create", map[string]any{"ticket": map[string]any{
				"id": id, "number": name("CH"), "kind": "on_site", "country": "CN", "technician": tc.id,
				"product":  map[string]any{"category": "appliance", "brand": "Acme", "model": "W1"},
				"customer": map[string]any{"name": "王女士", "phone": "13800000000", "address": "1 Old Road"},
				"fault":    fault,
			}})
			return id, a
		}
		id, a := create(zh(boundText))
		if a.status != http.StatusOK {
			t.Fatalf("a fault of %d Chinese characters (%d bytes): HTTP %d %s, want 200", boundText, len(zh(boundText)), a.status, a.body)
		}
		var got struct {
			Ticket struct {
				Fault string `json:"fault"`
			} `json:"ticket"`
		}
		s.adminOK(t, "GET", "/v1/admin/tickets/"+id, nil, &got)
		if got.Ticket.Fault != zh(boundText) {
			t.Errorf("the fault read back has %d bytes, want the %d sent", len(got.Ticket.Fault), len(zh(boundText)))
		}
		over, a := create(zh(boundText + 1))
		if a.status != http.StatusBadRequest || a.apiErr(t).Key != "mutation.too_long" {
			t.Errorf("a fault of %d characters: HTTP %d %s, want 400 mutation.too_long", boundText+1, a.status, a.body)
		}
		if a := s.do(t, "GET", "/v1/admin/tickets/"+over, s.admin, nil); a.status != http.StatusNotFound {
			t.Errorf("the refused ticket exists: HTTP %d", a.status)
		}

		dev := s.pair(t, tc.id)
		note := func(text string) mutation {
			return dev.mut("note.add", map[string]any{"note": map[string]any{"id": newID(), "ticket": id, "text": text}})
		}
		if x, refused := dev.pushOne(t, note(zh(boundText))); refused {
			t.Errorf("a note of %d Chinese characters was refused: %+v", boundText, x)
		}
		x, refused := dev.pushOne(t, note(zh(boundText+1)))
		if !refused || x.Key != "mutation.too_long" || x.Code != "invalid" {
			t.Errorf("a note of %d characters: %+v (refused %v), want invalid mutation.too_long", boundText+1, x, refused)
		}
		if notes := s.ticket(t, id).Notes; len(notes) != 1 {
			t.Errorf("the ticket has %d notes, want the one taken", len(notes))
		}
	})
}

// A part request's note (by a device) and the office's reason for a
// rejection take 2,000 characters.
func TestTextBoundCountsCharactersPartRequest(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		request := func(note string) mutation {
			args := requestArgs(newID(), w.tk.ID, partFilter, w.tc.van, 1)
			args["request"].(map[string]any)["note"] = note
			return w.dev.mut("part.request", args)
		}
		w.dev.pushRefused(t, request(zh(boundReason+1)), "mutation.too_long")
		m := request(zh(boundReason))
		w.dev.pushApplied(t, m)
		req := m.Args.(map[string]any)["request"].(map[string]any)["id"].(string)

		s.dispatchRefused(t, "part.decide_request", decideArgs(req, w.tk.ID, "reject", "", zh(boundReason+1)), http.StatusBadRequest, "mutation.too_long")
		if r := s.request(t, w.tk.ID, req); r.State != "requested" {
			t.Errorf("a refused rejection changed the request to %s", r.State)
		}
		s.dispatchOK(t, "part.decide_request", decideArgs(req, w.tk.ID, "reject", "", zh(boundReason)))
		if r := s.request(t, w.tk.ID, req); r.State != "rejected" {
			t.Errorf("after a rejection of %d Chinese characters the request is %s", boundReason, r.State)
		}
	})
}

// A cash hand-in's received_by takes 200 characters (cash.needs_receiver
// past them).
func TestTextBoundCountsCharactersCashReceiver(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		a := s.addFieldTech(t, "chars-cash", 0)
		dev := s.pair(t, a.id)
		rp := dev.receiptPrefix(t)
		tk := s.newTicket(t, a.id, "")
		dev.pushApplied(t, dev.mut("payment.record", paymentArgs(newID(), tk.ID, "payment", "cash", 5000, rp+"-1", "")))
		handover := func(by string) answer {
			return s.do(t, "POST", "/v1/admin/cash/handovers", s.admin, map[string]any{"technician": a.id, "received_by": by,
				"amount": 5000, "currency": "CNY", "receipts": []string{rp + "-1"}})
		}
		if h := handover(zh(boundName + 1)); h.status != http.StatusBadRequest || h.apiErr(t).Key != "cash.needs_receiver" {
			t.Errorf("received_by of %d characters: HTTP %d %s, want 400 cash.needs_receiver", boundName+1, h.status, h.body)
		}
		h := handover(zh(boundName))
		var out struct {
			ReceivedBy string `json:"received_by"`
		}
		if h.status != http.StatusOK || json.Unmarshal(h.body, &out) != nil || out.ReceivedBy != zh(boundName) {
			t.Errorf("received_by of %d Chinese characters (%d bytes): HTTP %d %s, want 200 with it whole", boundName, len(zh(boundName)), h.status, h.body)
		}
	})
}

// An import row's text counts characters too: a part's name_zh of 200
// Chinese characters is imported, one of 201 refuses the file naming the
// row and its rule.
func TestTextBoundCountsCharactersImport(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		number := name("CH-PART")
		csv := func(nameZH string) []byte {
			return []byte(fmt.Sprintf("number,name_en,name_zh,class\n%s,Door seal,%s,unit\n", number, nameZH))
		}
		a := s.do(t, "POST", "/v1/admin/import/parts", s.admin, csv(zh(boundName+1)))
		var refused struct {
			Key  string `json:"key"`
			Rows []struct {
				Line int    `json:"line"`
				Key  string `json:"key"`
			} `json:"rows"`
		}
		if a.status != http.StatusBadRequest || json.Unmarshal(a.body, &refused) != nil || refused.Key != "import.refused" ||
			len(refused.Rows) != 1 || refused.Rows[0].Line != 2 || refused.Rows[0].Key != "mutation.too_long" {
			t.Errorf("a name_zh of %d characters: HTTP %d %s, want 400 import.refused, line 2 mutation.too_long", boundName+1, a.status, a.body)
		}
		var got struct {
			Rows int `json:"rows"`
		}
		s.adminOK(t, "POST", "/v1/admin/import/parts", csv(zh(boundName)), &got)
		if got.Rows != 1 {
			t.Errorf("a name_zh of %d Chinese characters: %d rows imported, want 1", boundName, got.Rows)
		}
	})
}

// A device's name at pairing is at most 100 characters; a longer one is
// cut at a character, not refused.
func TestPairCutsALongDeviceName(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "chars-pair", 0)
		var code struct {
			Code string `json:"code"`
		}
		s.adminOK(t, "POST", "/v1/admin/pairings", map[string]any{"technician": tc.id}, &code)
		long := "a" + zh(100) // 301 bytes: 100 bytes would end inside a character
		a := s.do(t, "POST", "/v1/pair", "", map[string]any{"code": code.Code, "device_name": long})
		var pr struct {
			Device string `json:"device"`
		}
		if a.status != http.StatusOK || json.Unmarshal(a.body, &pr) != nil || pr.Device == "" {
			t.Fatalf("pairing as a name of 101 characters: HTTP %d %s, want 200", a.status, a.body)
		}
		var devices []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}
		s.adminOK(t, "GET", "/v1/admin/devices", nil, &devices)
		for _, d := range devices {
			if d.ID == pr.Device && d.Name != "a"+zh(99) {
				t.Errorf("the device is named %q, want the first 100 characters of what it sent", d.Name)
			}
		}
	})
}
