package central

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// importState is what an import can change that device A sees (the
// catalog, its country's rules, its van's stock) and every balance.
func importState(t *testing.T, w *world) string {
	t.Helper()
	ctx := context.Background()
	res, err := w.db.Pull(ctx, w.a, "", 64<<20)
	if err != nil || res.More {
		t.Fatalf("pull: more %v, %v", res.More, err)
	}
	bs, err := w.db.Balances(ctx, tenant, "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal([]any{res.Data, bs})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestImportRefusalListsEachRow: a refused file's error is an
// ImportRefusal whose rows carry their line and a translatable reason (a
// key of its own per rule), and nothing is written, on both databases.
func TestImportRefusalListsEachRow(t *testing.T) {
	type row struct {
		line int
		key  string
	}
	cases := map[string]struct {
		what, csv string
		rows      []row
		more      bool
	}{
		"PartsBadRowOnLine7": {ImportParts, "number,name_en,class,serialized\nA-1,a,unit,\nA-2,b,unit,\nA-3,c,unit,\nA-4,d,unit,\nA-5,e,unit,\nA-6,f,unit,maybe\nA-7,g,unit,no\n",
			[]row{{7, "import.row.yes_no"}}, false},
		"PartsSeveralReasons": {ImportParts, "number,name_en,class,prices\nOK-1,x,unit,CNY 1.00\nB-1,x,gadget,\nOK-1,x,unit,\nB-3,x,unit,CNY ten\nB-4,x,unit,CNY 1.001\nB-5,x\n",
			[]row{{3, "part.invalid.class"}, {4, "import.row.duplicate_part"}, {5, "import.row.money"}, {6, "import.row.money_decimals"}, {7, "import.row.field_count"}}, false},
		"PartsBadOtherNames": {ImportParts, "number,name_en,name_fr,class\nA-1,a,Pompe,unit\nA-2,b,Cour\x07roie,unit\nA-3,c,,unit\n",
			[]row{{3, "field.control_chars"}}, false},
		"PartsQuotes": {ImportParts, "number,name_en,class\nQ-1,a \"b\" c,unit\n", []row{{2, "import.row.bare_quote"}}, false},
		"StockUnknownRefs": {ImportStock, "location,part,qty\nvan-a,BAT-1,1\nvan-a,NOPE,1\nvan-zz,BAT-1,0\nvan-zz,BAT-1,2\n",
			[]row{{3, "import.row.unknown_part"}, {4, "import.row.whole_number"}, {5, "import.row.unknown_location"}}, false},
		"RulesReasons": {ImportRules, "rule_set,version,country,currency,name_en,category,unit_months,exclusions\nrs,1,CN,CNY,R,phone,12,\nrs,2,CN,CNY,R,phone,12,\nrs,1,CN,CNY,R,toaster,12,\nrs,1,CN,CNY,R,phone,12,mud\n,1,CN,CNY,R,phone,12,\n",
			[]row{{3, "import.row.rule_set_differs"}, {4, "import.row.category"}, {5, "import.row.exclusion"}, {6, "import.row.rule_set_country"}}, false},
		"ManyBadRowsStopAt50": {ImportParts, manyParts(60, 55), nil, true},
	}
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		before := importState(t, w)
		for name, c := range cases {
			t.Run(name, func(t *testing.T) {
				n, err := db.Import(context.Background(), w.dispatch, c.what, []byte(c.csv))
				var ref *ImportRefusal
				if !errors.As(err, &ref) || n != 0 {
					t.Fatalf("import: %d rows, %v; want an ImportRefusal", n, err)
				}
				if e := app.AsError(err); e.Code != app.EINVALID || e.Key != "import.refused" {
					t.Errorf("error %s %s, want invalid import.refused", e.Code, e.Key)
				}
				if c.more {
					if len(ref.Rows) != maxImportErrors || !ref.More || ref.Rows[0].Line != 62 {
						t.Errorf("%d rows from line %d, more %v; want %d from line 62 and more", len(ref.Rows), ref.Rows[0].Line, ref.More, maxImportErrors)
					}
				} else {
					var got []row
					for _, r := range ref.Rows {
						got = append(got, row{r.Line, r.Err.Key})
						if r.Err.Code != app.EINVALID || r.Err.Text() == "" {
							t.Errorf("line %d: %+v", r.Line, r.Err)
						}
					}
					if !reflect.DeepEqual(got, c.rows) || ref.More {
						t.Errorf("rows %v (more %v), want %v", got, ref.More, c.rows)
					}
				}
				if after := importState(t, w); after != before {
					t.Errorf("a refused file changed the data")
				}
			})
		}
	})
}

// manyParts is a parts file of good rows, then bad ones.
func manyParts(good, bad int) string {
	var b strings.Builder
	b.WriteString("number,name_en,class\n")
	for i := range good + bad {
		class := "unit"
		if i >= good {
			class = "gadget"
		}
		fmt.Fprintf(&b, "P-%d,Part,%s\n", i, class)
	}
	return b.String()
}

// TestImportExamplesImport: each import's example file, written from its
// column definitions, is accepted as it is, and every column of it is
// read: blanking a column's example changes what the parser makes.
func TestImportExamplesImport(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		if err := db.PutLocations(ctx, tenant, []app.Location{{ID: "wh-main", Kind: app.LocationWarehouse, Name: "Main warehouse"}}); err != nil {
			t.Fatal(err)
		}
		for _, what := range ImportKinds {
			var b bytes.Buffer
			if err := WriteImportExample(&b, what); err != nil {
				t.Fatal(err)
			}
			if n, err := db.Import(ctx, w.dispatch, what, b.Bytes()); n != 1 || err != nil {
				t.Errorf("example %s: %d rows, %v\n%s", what, n, err, b.String())
			}
		}
		if n, err := db.Balances(ctx, tenant, "wh-main"); err != nil || len(n) != 1 || n[0].Qty != 1 {
			t.Errorf("the stock example received %+v, %v; want 1 of its part", n, err)
		}
	})
	parse := map[string]func([]byte) (any, error){
		ImportParts: func(b []byte) (any, error) { return parsePartsCSV(b) },
		ImportStock: func(b []byte) (any, error) { ms, _, err := parseStockCSV(b, testNow); return ms, err },
		ImportRules: func(b []byte) (any, error) { return parseRulesCSV(b) },
	}
	for _, what := range ImportKinds {
		cols, err := ImportColumns(what)
		if err != nil {
			t.Fatal(err)
		}
		// file is the example with column i's value blank, or without
		// column i at all.
		file := func(i int, drop bool) []byte {
			var h, r []string
			for j, c := range cols {
				switch {
				case j == i && drop:
				case j == i:
					h, r = append(h, c.Name), append(r, "")
				default:
					h, r = append(h, c.Name), append(r, `"`+c.Example+`"`)
				}
			}
			return []byte(strings.Join(h, ",") + "\n" + strings.Join(r, ",") + "\n")
		}
		whole, err := parse[what](file(-1, false))
		if err != nil {
			t.Fatalf("%s example: %v", what, err)
		}
		for i, c := range cols {
			if c.Example == "" || c.Key == "" || c.Message == "" || !strings.HasPrefix(c.Key, "import.column."+what+".") {
				t.Errorf("%s column %s: example %q, key %q, message %q", what, c.Name, c.Example, c.Key, c.Message)
			}
			if c.Required {
				if _, err := parse[what](file(i, true)); app.AsError(err).Key != "import.missing_columns" {
					t.Errorf("%s without the column %s: %v, want import.missing_columns", what, c.Name, err)
				}
			}
			got, err := parse[what](file(i, false))
			if c.Required {
				if err == nil && reflect.DeepEqual(got, whole) {
					t.Errorf("%s: the column %s is not read (blanking it changes nothing)", what, c.Name)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s without %s: %v", what, c.Name, err)
			} else if reflect.DeepEqual(got, whole) {
				t.Errorf("%s: the column %s is not read (blanking it changes nothing)", what, c.Name)
			}
		}
	}
	if _, err := ImportColumns("toasters"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("columns of an unknown import: %v", err)
	}
	if err := WriteImportExample(&bytes.Buffer{}, "toasters"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("example of an unknown import: %v", err)
	}
}
