package conformance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// signedReport writes a service report's facts as PROTOCOL.md's "Service
// report" lists them, in its key order, and returns the JSON text and its
// digest (the lower-case hex SHA-256 of the text). local is the part's
// name in the customer's language (its "name"), left out when "".
func signedReport(t *testing.T, ticket, number, brand, bought, diagnosis, part, local string) (string, string) {
	t.Helper()
	type kv struct {
		k string
		v any
	}
	obj := func(fields ...kv) json.RawMessage {
		var b strings.Builder
		b.WriteByte('{')
		for i, f := range fields {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(f.k)
			v, err := json.Marshal(f.v)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(k)
			b.WriteByte(':')
			b.Write(v)
		}
		b.WriteByte('}')
		return json.RawMessage(b.String())
	}
	zero := "0001-01-01T00:00:00Z"
	partFields := []kv{{"number", part}, {"name_en", "Drain pump"}, {"name_zh", ""}}
	if local != "" {
		partFields = append(partFields, kv{"name", local})
	}
	partFields = append(partFields, kv{"qty", 1}, kv{"serial", ""}, kv{"defective_serial", ""}, kv{"return_needed", false})
	text := string(obj(
		kv{"provider", "Conformance Service"}, kv{"technician", "Tech"},
		kv{"ticket_id", ticket}, kv{"number", number}, kv{"kind", "on_site"}, kv{"status", "completed"}, kv{"country", "YZ"},
		kv{"customer", obj(kv{"name", "Li Na"}, kv{"phone", "13800000000"}, kv{"address", "1 Road"})},
		kv{"product", obj(kv{"category", "appliance"}, kv{"brand", brand}, kv{"model", "W1"}, kv{"serial", "SN1"},
			kv{"purchase_date", bought}, kv{"proof_of_purchase", "INV-1"})},
		kv{"fault", "leaks"}, kv{"diagnosis", diagnosis}, kv{"resolution", "repaired"}, kv{"condition", obj()},
		kv{"opened", zero}, kv{"completed", zero},
		kv{"repairs", nil},
		kv{"parts", []json.RawMessage{obj(partFields...)}},
		kv{"photos", nil}, kv{"warranty", nil}, kv{"travel_minutes", 0}, kv{"work_minutes", 30}, kv{"payments", nil},
	))
	sum := sha256.Sum256([]byte(text))
	return text, hex.EncodeToString(sum[:])
}

// TestSignedReportChecked: a signature's report must hash to its digest
// and be of its ticket (EINVALID otherwise, nothing stored); a report
// accepted is compared, in the brand claim made at the close, with the
// server's own data: report_matches true for the facts as signed, false
// with the differing fact named when the diagnosis the customer signed is
// not the ticket's. A part named in the customer's language (its "name",
// a key added to the facts) is accepted, kept byte for byte and not
// compared: the facts still match.
func TestSignedReportChecked(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		brand, part := name("Brand"), name("RP-PUMP")
		var rows struct {
			Rows int `json:"rows"`
		}
		s.adminOK(t, "POST", "/v1/admin/import/rules", []byte(fmt.Sprintf("rule_set,version,country,currency,name_en,category,unit_months,labour_rate\n"+
			"%s,1,YZ,CNY,Test rules,appliance,24,CNY 120.00\n", name("rules"))), &rows)
		s.adminOK(t, "POST", "/v1/admin/import/parts", []byte("number,name_en,class,prices,return_needed\n"+part+",Drain pump,main,CNY 100.00,no\n"), &rows)
		tc := s.addFieldTech(t, "reports", 0)
		s.importStock(t, tc.van, part, 2)
		dev := s.pair(t, tc.id)
		bought := time.Now().AddDate(0, -2, 0).UTC().Truncate(time.Second).Format(time.RFC3339)

		for _, c := range []struct {
			name      string
			signed    string // the diagnosis in the report signed
			local     string // the part's name in the customer's language
			matches   bool
			differing []string
		}{
			{"as signed", "pump seized", "", true, nil},
			{"diagnosis not the ticket's", "pump fine", "", false, []string{"diagnosis"}},
			{"part named in French", "pump seized", "Pompe de vidange", true, nil},
		} {
			id, number := newID(), name("RP")
			s.dispatchOK(t, "ticket.create", map[string]any{"ticket": map[string]any{
				"id": id, "number": number, "kind": "on_site", "country": "YZ",
				"product":  map[string]any{"category": "appliance", "brand": brand, "model": "W1", "serial": "SN1", "purchase_date": bought, "proof_of_purchase": "INV-1"},
				"customer": map[string]any{"name": "Li Na", "phone": "13800000000", "address": "1 Road"}, "fault": "leaks", "technician": tc.id,
			}})
			if got := dev.push(t,
				dev.mut("ticket.depart", transition(id, 1)),
				dev.mut("ticket.arrive", transition(id, 1)),
				dev.mut("ticket.start", transition(id, 1)),
				dev.mut("ticket.update", map[string]any{"ticket": id, "set": map[string]any{"diagnosis": "pump seized"}, "base": map[string]any{"diagnosis": ""}}),
				dev.mut("repair.log", repairArgs(newID(), id, 30)),
				dev.mut("stock.consume", consumeArgs(newID(), id, part, tc.van, 1)),
				dev.mut("ticket.complete", transition(id, 1, "resolution", "repaired")),
			); len(got.Rejected) > 0 {
				t.Fatalf("%s: rejected: %+v", c.name, got.Rejected)
			}

			report, digest := signedReport(t, id, number, brand, bought, c.signed, part, c.local)
			other, otherDigest := signedReport(t, newID(), number, brand, bought, c.signed, part, c.local)
			refusal := func(report, digest string) map[string]any {
				return map[string]any{"signature": map[string]any{"id": newID(), "ticket": id, "role": "customer", "digest": digest,
					"refused": true, "reason_kind": "absent", "reason": "nobody home", "report": report}}
			}
			for _, bad := range []struct {
				args map[string]any
				key  string
			}{
				{refusal(report, otherDigest), "signature.report_mismatch"},
				{refusal(strings.Replace(report, "leaks", "leak", 1), digest), "signature.report_mismatch"},
				{refusal(other, otherDigest), "signature.report_other_ticket"},
				{refusal(strings.Repeat(" ", 32769), digest), "signature.report_too_large"},
			} {
				x, rejected := dev.pushOne(t, dev.mut("signature.record", bad.args))
				if !rejected || x.Code != "invalid" || x.Key != bad.key {
					t.Fatalf("%s: a bad report: rejected %v %+v, want invalid %s", c.name, rejected, x, bad.key)
				}
			}
			var held struct {
				Signatures []json.RawMessage `json:"signatures"`
			}
			s.adminOK(t, "GET", "/v1/admin/tickets/"+id, nil, &held)
			if len(held.Signatures) != 0 {
				t.Fatalf("%s: refused signatures were stored: %s", c.name, held.Signatures)
			}
			if x, rejected := dev.pushOne(t, dev.mut("signature.record", refusal(report, digest))); rejected {
				t.Fatalf("%s: the report signed was refused: %+v", c.name, x)
			}
			var kept struct {
				Signatures []struct {
					Report string `json:"report"`
				} `json:"signatures"`
			}
			s.adminOK(t, "GET", "/v1/admin/tickets/"+id, nil, &kept)
			if len(kept.Signatures) != 1 || kept.Signatures[0].Report != report {
				t.Fatalf("%s: the signature keeps %+v, want its report byte for byte: %s", c.name, kept.Signatures, report)
			}
			if got := dev.push(t, dev.mut("ticket.close", transition(id, 1))); len(got.Rejected) > 0 {
				t.Fatalf("%s: close rejected: %+v", c.name, got.Rejected)
			}

			var page struct {
				Claims []struct {
					Ticket   string `json:"ticket"`
					Evidence struct {
						ReportMatches *bool    `json:"report_matches"`
						ReportDiffers []string `json:"report_differs"`
					} `json:"evidence"`
				} `json:"claims"`
			}
			s.adminOK(t, "GET", "/v1/admin/claims?brand="+brand, nil, &page)
			i := slices.IndexFunc(page.Claims, func(cl struct {
				Ticket   string `json:"ticket"`
				Evidence struct {
					ReportMatches *bool    `json:"report_matches"`
					ReportDiffers []string `json:"report_differs"`
				} `json:"evidence"`
			}) bool {
				return cl.Ticket == id
			})
			if i < 0 {
				t.Fatalf("%s: no claim of ticket %s in %+v", c.name, id, page.Claims)
			}
			ev := page.Claims[i].Evidence
			if ev.ReportMatches == nil || *ev.ReportMatches != c.matches || !slices.Equal(ev.ReportDiffers, c.differing) {
				t.Errorf("%s: report_matches %v, report_differs %v; want %v, %v", c.name, ev.ReportMatches, ev.ReportDiffers, c.matches, c.differing)
			}
		}
	})
}
