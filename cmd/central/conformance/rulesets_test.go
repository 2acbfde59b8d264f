package conformance

import (
	"fmt"
	"maps"
	"net/http"
	"testing"
)

// A rule set imported with its names and legal bases in several languages
// reaches the technician's device with every text (PROTOCOL.md, "A rule set" and the
// rules CSV); a file without an English name is refused and changes
// nothing; a higher version replaces the names.
func TestRuleSetNamesReachTheDevice(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		// A country of its own, so no other case's rule sets mix in.
		const country = "ZZ"
		tc := name("rules-tech")
		s.adminOK(t, "PUT", "/v1/admin/technicians/"+tc, map[string]any{"id": tc, "name": "Tech " + tc, "country": country}, nil)
		dev := s.pair(t, tc)
		_, cursor := dev.pullFrom(t, "")

		id := name("rules")
		csv := func(version int, names string) []byte {
			return []byte(fmt.Sprintf("rule_set,version,country,currency,category,unit_months,legal_basis,legal_basis_zh-Hans,name_en,name_zh-Hans,name_fr\n"+
				"%s,%d,%s,CNY,phone,12,Phone law,手机法规,%s\n%s,%d,%s,CNY,pc,24,PC law,,%s\n", id, version, country, names, id, version, country, names))
		}
		var rows struct {
			Rows int `json:"rows"`
		}
		s.adminOK(t, "POST", "/v1/admin/import/rules", csv(1, "Three guarantees,三包,Trois garanties"), &rows)
		if rows.Rows != 1 {
			t.Fatalf("rules import: %d rows, want 1 rule set", rows.Rows)
		}
		got, next := dev.pullFrom(t, cursor)
		want := map[string]string{"en": "Three guarantees", "zh-hans": "三包", "fr": "Trois garanties"}
		if len(got.RuleSets) != 1 || got.RuleSets[0].ID != id || got.RuleSets[0].Version != 1 || !maps.Equal(got.RuleSets[0].Names, want) {
			t.Fatalf("pulled rule sets %+v, want %s v1 named %v", got.RuleSets, id, want)
		}
		if rules := got.RuleSets[0].Rules; len(rules) != 2 || rules[0].LegalBasis != "Phone law" || !maps.Equal(rules[0].LegalBasisTexts, map[string]string{"zh-hans": "手机法规"}) ||
			rules[1].LegalBasis != "PC law" || len(rules[1].LegalBasisTexts) != 0 {
			t.Errorf("pulled rules %+v, want the phone rule's legal basis in English and Chinese, the PC rule's in English", rules)
		}
		cursor = next

		refused := []struct {
			name string
			body []byte
			key  string
		}{
			{"no name_en column", []byte(fmt.Sprintf("rule_set,version,country,currency,category,unit_months,name_zh-Hans\n%s,2,%s,CNY,phone,12,三包\n", id, country)), "import.missing_columns"},
			{"an empty English name", csv(2, ",三包,Trois garanties"), "warranty.invalid"},
			{"names that differ between rows", []byte(fmt.Sprintf("rule_set,version,country,currency,category,unit_months,name_en\n%s,2,%s,CNY,phone,12,A\n%s,2,%s,CNY,pc,12,B\n", id, country, id, country)), "import.refused"},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				a := s.do(t, "POST", "/v1/admin/import/rules", s.admin, tt.body)
				if a.status != http.StatusBadRequest {
					t.Fatalf("HTTP %d %s, want 400", a.status, a.body)
				}
				if e := a.apiErr(t); e.Code != "invalid" || e.Key != tt.key {
					t.Errorf("refusal %s %s, want invalid %s", e.Code, e.Key, tt.key)
				}
			})
		}
		if got, _ := dev.pullFrom(t, cursor); len(got.RuleSets) != 0 {
			t.Errorf("a refused import reached the device: %+v", got.RuleSets)
		}

		s.adminOK(t, "POST", "/v1/admin/import/rules", csv(2, "Three guarantees 2027,三包 2027,Trois garanties 2027"), &rows)
		got, _ = dev.pullFrom(t, cursor)
		want = map[string]string{"en": "Three guarantees 2027", "zh-hans": "三包 2027", "fr": "Trois garanties 2027"}
		if len(got.RuleSets) != 1 || got.RuleSets[0].Version != 2 || !maps.Equal(got.RuleSets[0].Names, want) {
			t.Errorf("after version 2: pulled %+v, want v2 named %v", got.RuleSets, want)
		}
	})
}
