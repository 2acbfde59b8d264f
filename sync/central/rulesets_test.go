package central

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// TestRuleSetNames: a rule set's names and its rules' legal bases in each
// language reach the device as the administrator gave them, by the JSON
// dataset or the rules CSV; a set without an English name, or with texts
// that break the bounds or names that disagree between rows, is refused
// and changes nothing.
func TestRuleSetNames(t *testing.T) {
	const header = "rule_set,version,country,currency,category,unit_months,name_en,name_zh-Hans,name_fr\n"
	const basis = "rule_set,version,country,currency,category,unit_months,name_en,legal_basis,legal_basis_zh-Hans\n"
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		_, cursor, _ := pullAll(t, db, w.a, "", 1<<20)

		cn := demo.RuleSets()[0]
		if err := db.LoadDataset(ctx, tenant, app.Dataset{RuleSets: []app.RuleSet{cn}}); err != nil {
			t.Fatal(err)
		}
		ds, next, _ := pullAll(t, db, w.a, cursor, 1<<20)
		if len(ds.RuleSets) != 1 || !maps.Equal(ds.RuleSets[0].Names, cn.Names) {
			t.Fatalf("pulled %+v, want the names %v", ds.RuleSets, cn.Names)
		}
		cursor = next

		imported := header + "CN-CSV,2,CN,CNY,phone,12,China three guarantees,中国三包,Trois garanties (Chine)\n" +
			"CN-CSV,2,CN,CNY,pc,24,China three guarantees,中国三包,Trois garanties (Chine)\n"
		if n, err := db.Import(ctx, w.dispatch, ImportRules, []byte(imported)); err != nil || n != 1 {
			t.Fatalf("import = %d, %v", n, err)
		}
		ds, cursor, _ = pullAll(t, db, w.a, cursor, 1<<20)
		if len(ds.RuleSets) != 1 {
			t.Fatalf("pulled %+v, want CN-CSV", ds.RuleSets)
		}
		got := ds.RuleSets[0]
		for _, tc := range []struct{ lang, want string }{
			{"zh-Hans-CN", "中国三包"}, {"zh", "中国三包"}, {"fr", "Trois garanties (Chine)"}, {"en", "China three guarantees"}, {"pt", "China three guarantees"},
		} {
			if n := got.NameFor(tc.lang); n != tc.want {
				t.Errorf("imported: NameFor(%s) = %q, want %q (names %v)", tc.lang, n, tc.want, got.Names)
			}
		}

		// A rule's legal basis in other languages.
		withBasis := basis + "CN-LAW,3,CN,CNY,phone,12,China,Three guarantees for phones,手机三包\n" +
			"CN-LAW,3,CN,CNY,pc,24,China,Three guarantees for computers,\n"
		if _, err := db.Import(ctx, w.dispatch, ImportRules, []byte(withBasis)); err != nil {
			t.Fatal(err)
		}
		ds, cursor, _ = pullAll(t, db, w.a, cursor, 1<<20)
		if len(ds.RuleSets) != 1 || len(ds.RuleSets[0].Rules) != 2 {
			t.Fatalf("pulled %+v, want CN-LAW with two rules", ds.RuleSets)
		}
		for _, tc := range []struct {
			category app.Category
			want     string
		}{{app.CategoryPhone, "手机三包"}, {app.CategoryPC, "Three guarantees for computers"}} {
			if got := ds.RuleSets[0].LegalBasisFor(app.Product{Category: tc.category}, "zh-Hans"); got != tc.want {
				t.Errorf("legal basis of %s in Chinese: %q, want %q", tc.category, got, tc.want)
			}
		}

		// A name's bound counts characters: app.MaxNameLen Chinese ones
		// (three times as many bytes) are imported whole.
		longName := strings.Repeat("三", app.MaxNameLen)
		if n, err := db.Import(ctx, w.dispatch, ImportRules, []byte(header+"CN-LONG,4,CN,CNY,phone,12,China,"+longName+",Chine\n")); err != nil || n != 1 {
			t.Fatalf("import of a %d-character Chinese name = %d, %v", app.MaxNameLen, n, err)
		}
		ds, cursor, _ = pullAll(t, db, w.a, cursor, 1<<20)
		if len(ds.RuleSets) != 1 || ds.RuleSets[0].NameFor("zh-Hans") != longName {
			t.Fatalf("pulled %+v, want CN-LONG with the whole Chinese name", ds.RuleSets)
		}

		many := "rule_set,version,country,currency,category,unit_months,name_en"
		row := "X,1,CN,CNY,phone,12,China"
		for i := range app.MaxNameLangs {
			many += ",name_x" + string(rune('a'+i))
			row += ",n"
		}
		refused := map[string]struct{ csv, key string }{
			"NoEnglishColumn":     {"rule_set,version,country,currency,category,unit_months,name_zh-Hans\nX,1,CN,CNY,phone,12,中国\n", "import.missing_columns"},
			"EmptyEnglishName":    {header + "X,1,CN,CNY,phone,12,,中国三包,Chine\n", "warranty.invalid"},
			"NamesDisagree":       {header + "X,1,CN,CNY,phone,12,China,中国三包,Chine\nX,1,CN,CNY,pc,12,China,中国,Chine\n", "import.refused"},
			"TooManyLanguages":    {many + "\n" + row + "\n", "warranty.invalid"},
			"NameTooLong":         {header + "X,1,CN,CNY,phone,12,China," + strings.Repeat("三", app.MaxNameLen+1) + ",Chine\n", "mutation.too_long"},
			"NotALanguageTag":     {"rule_set,version,country,currency,category,unit_months,name_en,name_zh hans\nX,1,CN,CNY,phone,12,China,中国\n", "warranty.invalid"},
			"BasisWithoutEnglish": {basis + "X,1,CN,CNY,phone,12,China,,手机三包\n", "warranty.invalid"},
			"BasisBadTag":         {"rule_set,version,country,currency,category,unit_months,name_en,legal_basis,legal_basis_zh hans\nX,1,CN,CNY,phone,12,China,Phones,手机\n", "warranty.invalid"},
			"TagTwiceOtherCase":   {"rule_set,version,country,currency,category,unit_months,name_en,name_EN\nX,1,CN,CNY,phone,12,China,China\n", "import.duplicate_column"},
		}
		for name, tc := range refused {
			t.Run(name, func(t *testing.T) {
				_, err := db.Import(ctx, w.dispatch, ImportRules, []byte(tc.csv))
				if e := app.AsError(err); e == nil || e.Code != app.EINVALID || e.Key != tc.key {
					t.Fatalf("import = %v, want invalid %s", err, tc.key)
				}
				if ds, _, _ := pullAll(t, db, w.a, cursor, 1<<20); len(ds.RuleSets) != 0 {
					t.Errorf("a refused import reached the device: %+v", ds.RuleSets)
				}
			})
		}
	})
}
