package conformance

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"
)

// claimView is the part of a claim (PROTOCOL.md, "Brand warranty claims")
// the case looks at.
type claimView struct {
	ID     string `json:"id"`
	Ticket string `json:"ticket"`
	Brand  string `json:"brand"`
	Period string `json:"period"`
	Amount struct {
		Amount   int64  `json:"amount"`
		Currency string `json:"currency"`
	} `json:"amount"`
	State    string `json:"state"`
	BrandRef string `json:"brand_ref"`
	Paid     struct {
		Amount int64 `json:"amount"`
	} `json:"paid"`
	Evidence struct {
		Parts []struct {
			Part      string   `json:"part"`
			Returns   []string `json:"returns"`
			Shipments []string `json:"shipments"`
		} `json:"parts"`
		Signature bool `json:"signature"`
	} `json:"evidence"`
	Flags struct {
		DefectiveNotShipped bool     `json:"defective_not_shipped"`
		MissingEvidence     []string `json:"missing_evidence"`
	} `json:"flags"`
}

// A closed in-warranty ticket yields one claim, an out-of-warranty one
// none; the defective part's return and shipment clear its flag; dispatch
// takes it through the state machine and exports it as CSV and ZIP.
func TestBrandWarrantyClaims(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		country, brand, part := "YY", name("Brand"), name("CF-PUMP")
		var rows struct {
			Rows int `json:"rows"`
		}
		// A country of its own, so no other case's rule set applies.
		s.adminOK(t, "POST", "/v1/admin/import/rules", []byte(fmt.Sprintf("rule_set,version,country,currency,name_en,category,unit_months,labour_rate\n"+
			"%s,1,%s,CNY,Test rules,appliance,24,CNY 120.00\n", name("rules"), country)), &rows)
		s.adminOK(t, "POST", "/v1/admin/import/parts", []byte("number,name_en,class,prices,return_needed\n"+part+",Drain pump,main,CNY 100.00,yes\n"), &rows)
		tc := s.addFieldTech(t, "claims", 0)
		s.importStock(t, tc.van, part, 2)
		bin, wh := name("bin"), name("wh")
		s.adminOK(t, "PUT", "/v1/admin/locations/"+bin, map[string]any{"id": bin, "kind": "defective", "name": "Returns", "owner": tc.id}, nil)
		s.adminOK(t, "PUT", "/v1/admin/locations/"+wh, map[string]any{"id": wh, "kind": "warehouse", "name": "Warehouse"}, nil)
		dev := s.pair(t, tc.id)

		ticket := func(bought time.Time) string {
			id := newID()
			s.dispatchOK(t, "ticket.create", map[string]any{"ticket": map[string]any{
				"id": id, "number": name("CL"), "kind": "on_site", "country": country,
				"product":  map[string]any{"category": "appliance", "brand": brand, "model": "W1", "serial": "SN1", "purchase_date": bought.Format(time.RFC3339), "proof_of_purchase": "INV-1"},
				"customer": map[string]any{"name": "Li Na", "phone": "13800000000", "address": "1 Road"}, "fault": "leaks", "technician": tc.id,
			}})
			return id
		}
		in, out := ticket(time.Now().AddDate(0, -2, 0)), ticket(time.Now().AddDate(-5, 0, 0))
		consumeIn := newID()
		for _, id := range []string{in, out} {
			consume := newID()
			if id == in {
				consume = consumeIn
			}
			batch := []mutation{
				dev.mut("ticket.depart", transition(id, 1)),
				dev.mut("ticket.arrive", transition(id, 1)),
				dev.mut("ticket.start", transition(id, 1)),
				dev.mut("ticket.update", map[string]any{"ticket": id, "set": map[string]any{"diagnosis": "pump seized"}, "base": map[string]any{"diagnosis": ""}}),
				dev.mut("repair.log", repairArgs(newID(), id, 30)),
				dev.mut("stock.consume", consumeArgs(consume, id, part, tc.van, 1)),
				dev.mut("ticket.complete", transition(id, 1, "resolution", "repaired")),
				dev.mut("ticket.close", transition(id, 1)),
			}
			if got := dev.push(t, batch...); len(got.Rejected) > 0 {
				t.Fatalf("rejected: %+v", got.Rejected)
			}
		}

		list := func(query string) []claimView {
			t.Helper()
			var page struct {
				Claims []claimView `json:"claims"`
				Next   string      `json:"next"`
			}
			s.adminOK(t, "GET", "/v1/admin/claims?brand="+brand+query, nil, &page)
			return page.Claims
		}
		cs := list("")
		if len(cs) != 1 || cs[0].Ticket != in || cs[0].Brand != brand || cs[0].State != "ready" || cs[0].Amount.Amount != 100_00+60_00 || cs[0].Amount.Currency != "CNY" {
			t.Fatalf("claims %+v, want one, ready, of ticket %s for CNY 160.00 (the pump and 30 minutes)", cs, in)
		}
		c := cs[0]
		if c.Period != time.Now().UTC().Format("2006-01") || !c.Flags.DefectiveNotShipped || !slices.Contains(c.Flags.MissingEvidence, "signature") || !slices.Contains(c.Flags.MissingEvidence, "report") {
			t.Fatalf("claim %+v: want this month's period, the defective pump flagged, signature and report missing", c)
		}

		// The removed pump goes to the van's bin, then on to the warehouse.
		ret := newID()
		if got := dev.push(t, dev.mut("stock.return_defective", map[string]any{"movement": map[string]any{"id": ret, "kind": "return_defective", "part": part, "to": bin, "qty": 1, "ticket": in}})); len(got.Rejected) > 0 {
			t.Fatalf("return rejected: %+v", got.Rejected)
		}
		s.adminOK(t, "GET", "/v1/admin/claims/"+c.ID, nil, &c)
		if !c.Flags.DefectiveNotShipped || len(c.Evidence.Parts) != 1 || !slices.Equal(c.Evidence.Parts[0].Returns, []string{ret}) {
			t.Fatalf("returned to the bin only: %+v", c)
		}
		ship := newID()
		s.dispatchOK(t, "stock.transfer", map[string]any{"movement": map[string]any{"id": ship, "part": part, "from": bin, "to": wh, "qty": 1}})
		s.adminOK(t, "GET", "/v1/admin/claims/"+c.ID, nil, &c)
		if c.Flags.DefectiveNotShipped || !slices.Equal(c.Evidence.Parts[0].Shipments, []string{ship}) {
			t.Fatalf("shipped to the warehouse: %+v", c)
		}

		steps := []struct {
			action string
			body   any
			status int
			key    string
			state  string
		}{
			{"paid", map[string]any{"paid": map[string]any{"amount": 100, "currency": "CNY"}}, http.StatusConflict, "claim.not_from", "ready"},
			{"submit", map[string]any{"brand_ref": "BR-1"}, http.StatusOK, "", "submitted"},
			{"submit", map[string]any{"brand_ref": "BR-1"}, http.StatusOK, "", "submitted"},
			{"reject", map[string]any{}, http.StatusBadRequest, "claim.reject_needs_reason", "submitted"},
			{"paid", map[string]any{"paid": map[string]any{"amount": 150_00, "currency": "CNY"}}, http.StatusOK, "", "paid"},
			{"paid", map[string]any{"paid": map[string]any{"amount": 150_00, "currency": "CNY"}}, http.StatusOK, "", "paid"},
			{"reject", map[string]any{"reason": "late"}, http.StatusConflict, "claim.not_from", "paid"},
			{"approve", map[string]any{}, http.StatusBadRequest, "claim.unknown_action", "paid"},
		}
		for i, st := range steps {
			a := s.do(t, "POST", "/v1/admin/claims/"+c.ID+"/"+st.action, s.admin, st.body)
			if a.status != st.status || st.key != "" && a.apiErr(t).Key != st.key {
				t.Fatalf("step %d %s: HTTP %d %s, want %d %s", i, st.action, a.status, a.body, st.status, st.key)
			}
			s.adminOK(t, "GET", "/v1/admin/claims/"+c.ID, nil, &c)
			if c.State != st.state {
				t.Fatalf("step %d %s: state %s, want %s", i, st.action, c.State, st.state)
			}
		}
		if c.Paid.Amount != 150_00 || c.BrandRef != "BR-1" {
			t.Fatalf("paid claim %+v: want paid 15000, brand_ref BR-1", c)
		}

		a := s.do(t, "GET", "/v1/admin/claims/export.csv?lang=zh-Hans&brand="+brand, s.admin, nil)
		bom := []byte("\ufeff")
		if a.status != http.StatusOK || !bytes.HasPrefix(a.body, bom) {
			t.Fatalf("CSV: HTTP %d %q", a.status, a.body)
		}
		records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(a.body, bom))).ReadAll()
		if err != nil || len(records) != 2 || records[1][0] != c.ID || !slices.Contains(records[0], "品牌") || !slices.Contains(records[1], "已付款") || !slices.Contains(records[1], "150.00") {
			t.Fatalf("CSV %q (%v): want a Chinese header and the paid claim", records, err)
		}
		a = s.do(t, "GET", "/v1/admin/claims/export.zip?brand="+brand, s.admin, nil)
		zr, err := zip.NewReader(bytes.NewReader(a.body), int64(len(a.body)))
		if a.status != http.StatusOK || err != nil || len(zr.File) != 1 || zr.File[0].Name != "claims.csv" {
			t.Fatalf("ZIP: HTTP %d, %v: want claims.csv alone (no file was uploaded)", a.status, err)
		}
		if a = s.do(t, "GET", "/v1/admin/claims?from=2026-13", s.admin, nil); a.status != http.StatusBadRequest || a.apiErr(t).Key != "claim.bad_month" {
			t.Fatalf("a bad month: HTTP %d %s", a.status, a.body)
		}
	})
}
