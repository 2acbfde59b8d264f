package store

import (
	"testing"

	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestRuleSetStoredBeforeNames: a rule set a device stored before rule
// sets had names (its JSON has no "names") still loads, named by its ID,
// and a newer version from the server replaces it with its names.
func TestRuleSetStoredBeforeNames(t *testing.T) {
	path := newStoreFile(t)
	raw := rawDB(t, path)
	rawExec(t, raw, `DELETE FROM rule_sets`,
		`INSERT INTO rule_sets (id, country, version, data) VALUES ('CN-OLD', 'CN', 1,
		'{"id":"CN-OLD","version":1,"country":"CN","currency":"CNY","tax_basis_points":1300,"tax_name":"VAT","labour_rate":{"amount":12000,"currency":"CNY"},"call_out_fee":{"amount":0,"currency":""},"rules":null,"effective_at":"0001-01-01T00:00:00Z"}')`)
	raw.Close()
	db := mustOpenPath(t, path)
	w := NewWarrantyService(db)
	rs, err := w.RuleSet(t.Context(), "CN")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ lang, want string }{{"zh-Hans", "CN-OLD"}, {"en", "CN-OLD"}, {"", "CN-OLD"}}
	for _, tc := range tests {
		if got := rs.NameFor(tc.lang); got != tc.want || rs.TaxBasisPts != 1300 {
			t.Errorf("old row: NameFor(%q) = %q (%+v), want %q", tc.lang, got, rs, tc.want)
		}
	}
	// The server's next version, with names, replaces it.
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	if rs, err = w.RuleSet(t.Context(), "CN"); err != nil || rs.NameFor("zh-Hans") != "中国三包 2026" {
		t.Errorf("after sync: %+v, %v", rs, err)
	}
}
