package console

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// postFile posts a multipart form holding a file (the field "file", left
// out when name is ""), with the session's CSRF token unless noCSRF.
func (cl *client) postFile(t *testing.T, path, name string, content []byte, noCSRF bool) (int, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if !noCSRF {
		if err := mw.WriteField("csrf", cl.csrf); err != nil {
			t.Fatal(err)
		}
	}
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return cl.do(t, http.MethodPost, path, &b, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

// importState is everything an import can change, in both tenants: the
// catalog, rules and tickets technician tech-1 pulls, every balance, and
// the audit.
func importState(t *testing.T, tc *testConsole) string {
	t.Helper()
	ctx := context.Background()
	var state []any
	for _, tenant := range []string{"t1", "t2"} {
		res, err := tc.db.Pull(ctx, central.Principal{Tenant: tenant, Role: app.RoleTechnician, Technician: "tech-1"}, "", 64<<20)
		if err != nil || res.More {
			t.Fatalf("pull %s: more %v, %v", tenant, res.More, err)
		}
		bs, err := tc.db.Balances(ctx, tenant, "")
		if err != nil {
			t.Fatal(err)
		}
		audit, err := tc.db.Audit(ctx, tenant, 1000)
		if err != nil {
			t.Fatal(err)
		}
		state = append(state, res.Data, bs, audit)
	}
	b, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// catalog is the part numbers tech-1 of tenant pulls.
func catalog(t *testing.T, tc *testConsole, tenant string) []string {
	t.Helper()
	res, err := tc.db.Pull(context.Background(), central.Principal{Tenant: tenant, Role: app.RoleTechnician, Technician: "tech-1"}, "", 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range res.Data.Parts {
		out = append(out, string(p.Number))
	}
	slices.Sort(out)
	return out
}

// TestImportsPageByRole: a parts clerk sees the parts and stock imports,
// an administrator also the warranty rules, and the other roles neither
// the page nor its menu link (403).
func TestImportsPageByRole(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for _, c := range []struct {
			login     string
			status    int
			see, not  []string
			inTheMenu bool
		}{
			{"clerk@t1", http.StatusOK, []string{"Parts catalog", "Stock received", `action="/imports/parts"`, `action="/imports/stock"`, "<code>name_en</code>", `href="/imports/stock/example.csv"`},
				[]string{"Warranty rules", `action="/imports/rules"`}, true},
			{"admin@t1", http.StatusOK, []string{"Parts catalog", "Stock received", "Warranty rules", `action="/imports/rules"`, "<code>unit_months</code>", "Required columns: rule_set, version"}, nil, true},
			{"dispatcher@t1", http.StatusForbidden, []string{"Your role may not do this"}, []string{"Parts catalog"}, false},
			{"manager@t1", http.StatusForbidden, []string{"Your role may not do this"}, []string{"Parts catalog"}, false},
		} {
			cl := tc.signIn(t, c.login)
			status, body := cl.get(t, "/imports")
			if status != c.status {
				t.Fatalf("%s: GET /imports status %d, want %d\n%s", c.login, status, c.status, body)
			}
			for _, s := range c.see {
				if !strings.Contains(body, s) {
					t.Errorf("%s: the page lacks %q", c.login, s)
				}
			}
			for _, s := range c.not {
				if strings.Contains(body, s) {
					t.Errorf("%s: the page shows %q", c.login, s)
				}
			}
			_, board := cl.get(t, "/board")
			if got := strings.Contains(board, `href="/imports"`); got != c.inTheMenu {
				t.Errorf("%s: the menu links the imports: %v, want %v", c.login, got, c.inTheMenu)
			}
		}
	})
}

// TestImportExampleFiles: each example file the page links is the one
// central writes from the parser's columns, for the roles that may run
// the import; another role's is 403 and an unknown import 404.
func TestImportExampleFiles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		admin, clerk := tc.signIn(t, "admin@t1"), tc.signIn(t, "clerk@t1")
		for _, what := range central.ImportKinds {
			var want bytes.Buffer
			if err := central.WriteImportExample(&want, what); err != nil {
				t.Fatal(err)
			}
			status, body := admin.get(t, "/imports/"+what+"/example.csv")
			if status != http.StatusOK || body != want.String() {
				t.Errorf("%s example: status %d\n%s\nwant\n%s", what, status, body, want.String())
			}
		}
		for _, c := range []struct {
			cl     *client
			path   string
			status int
		}{
			{clerk, "/imports/parts/example.csv", http.StatusOK},
			{clerk, "/imports/rules/example.csv", http.StatusForbidden},
			{clerk, "/imports/toasters/example.csv", http.StatusNotFound},
			{tc.signIn(t, "dispatcher@t1"), "/imports/parts/example.csv", http.StatusForbidden},
		} {
			if status, body := c.cl.get(t, c.path); status != c.status {
				t.Errorf("GET %s: status %d, want %d\n%s", c.path, status, c.status, body)
			}
		}
	})
}

// TestImportGoodFile: a good file imports into the session's tenant only,
// says how many rows, is in the audit with the login and in the page's
// latest imports; the stock and rules examples import too.
func TestImportGoodFile(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		cl := tc.signIn(t, "admin@t1")
		parts := "number,name_en,class,prices\nNEW-1,Charger,accessory,CNY 49.00\nNEW-2,Mainboard,main,\nNEW-3,Cable,accessory,\n"
		status, body := cl.postFile(t, "/imports/parts", "parts.csv", []byte(parts), false)
		if status != http.StatusSeeOther || cl.location != "/imports" {
			t.Fatalf("import: status %d to %q\n%s", status, cl.location, body)
		}
		status, body = cl.get(t, "/imports")
		if status != http.StatusOK || !strings.Contains(body, "Parts catalog: parts.csv is imported. Rows imported: 3.") {
			t.Errorf("after the import: status %d, no flash\n%s", status, body)
		}
		if !strings.Contains(body, "<td>parts.csv</td><td>3</td><td>admin@t1</td>") {
			t.Errorf("the latest imports lack parts.csv\n%s", body)
		}
		if got := catalog(t, tc, "t1"); !slices.Equal(got, []string{"NEW-1", "NEW-2", "NEW-3"}) {
			t.Errorf("t1's catalog %v", got)
		}
		if got := catalog(t, tc, "t2"); len(got) != 0 {
			t.Errorf("t2's catalog %v: another tenant's import reached it", got)
		}
		audit, err := tc.db.Audit(context.Background(), "t1", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) == 0 || audit[0].Login != "admin@t1" || audit[0].Action != "import.parts" || audit[0].Target != "parts.csv" || !strings.Contains(audit[0].Detail, `"rows":3`) {
			t.Errorf("audit %+v", audit)
		}
		if other, _ := tc.db.Audit(context.Background(), "t2", 10); len(other) != 0 {
			t.Errorf("t2's audit %+v", other)
		}
		// The other examples, as the page serves them.
		if err := tc.db.PutLocations(context.Background(), "t1", []app.Location{{ID: "wh-main", Kind: app.LocationWarehouse, Name: "Main"}}); err != nil {
			t.Fatal(err)
		}
		for _, what := range []string{"parts", "stock", "rules"} {
			_, example := cl.get(t, "/imports/"+what+"/example.csv")
			if status, body := cl.postFile(t, "/imports/"+what, what+"-example.csv", []byte(example), false); status != http.StatusSeeOther {
				t.Errorf("the %s example: status %d\n%s", what, status, body)
			}
		}
		if bs, err := tc.db.Balances(context.Background(), "t1", "wh-main"); err != nil || len(bs) != 1 || bs[0].Qty != 1 {
			t.Errorf("stock after the example: %+v, %v", bs, err)
		}
		// A parts clerk imports stock too.
		clerk := tc.signIn(t, "clerk@t1")
		if status, body := clerk.postFile(t, "/imports/stock", "more.csv", []byte("location,part,qty\nwh,NEW-1,4\n"), false); status != http.StatusSeeOther {
			t.Errorf("the clerk's stock import: status %d\n%s", status, body)
		}
		if bs, err := tc.db.Balances(context.Background(), "t1", "wh"); err != nil || len(bs) != 1 || bs[0].Qty != 4 {
			t.Errorf("stock after the clerk's import: %+v, %v", bs, err)
		}
	})
}

// line7 is a parts file whose only bad row is on line 7.
const line7 = "number,name_en,class,serialized\nA-1,a,unit,\nA-2,b,unit,\nA-3,c,unit,\nA-4,d,unit,\nA-5,e,unit,\nA-6,f,unit,maybe\nA-7,g,unit,no\n"

// TestImportBadRowShowsLineAndReason: a file with a bad row on line 7
// shows 7 and its reason in the session's language, and writes nothing.
func TestImportBadRowShowsLineAndReason(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		if err := tc.db.SetConsoleLanguage(context.Background(), "t1", "clerk@t1", "zh-Hans"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ login, reason, other string }{
			{"admin@t1", `serialized must be yes or no, not &#34;maybe&#34;.`, "Line"},
			{"clerk@t1", `serialized 必须是 yes 或 no，而不是“maybe”。`, "行号"},
		} {
			cl := tc.signIn(t, c.login)
			before := importState(t, tc)
			status, body := cl.postFile(t, "/imports/parts", "bad.csv", []byte(line7), false)
			if status != http.StatusBadRequest {
				t.Fatalf("%s: status %d\n%s", c.login, status, body)
			}
			_, table, _ := strings.Cut(body, `class="import-rows"`)
			table, _, _ = strings.Cut(table, "</table>")
			if !strings.Contains(table, `<tr><th scope="row">7</th><td>`+c.reason+`</td></tr>`) || strings.Count(table, "<tr>") != 2 || !strings.Contains(table, c.other) {
				t.Errorf("%s: the page does not show line 7 alone with %q\n%s", c.login, c.reason, body)
			}
			if after := importState(t, tc); after != before {
				t.Errorf("%s: a refused file changed the data", c.login)
			}
		}
	})
}

// TestImportRefusals: every way an import is refused answers its status
// with words that say what to do, and writes nothing.
func TestImportRefusals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		good := []byte("number,name_en,class\nOK-1,Good,unit\n")
		if err := tc.db.LoadDataset(context.Background(), "t1", app.Dataset{Parts: []app.Part{{Number: "T1-ONLY", NameEN: "t1's", Class: app.ClassUnit}}}); err != nil {
			t.Fatal(err)
		}
		big := append([]byte("number,name_en,class\n"), bytes.Repeat([]byte("X-1,x,unit\n"), central.MaxImportBytes/11+1)...)
		for _, c := range []struct {
			name, login, path, file string
			content                 []byte
			noCSRF                  bool
			status                  int
			want                    string
		}{
			{"NotUTF8", "clerk@t1", "/imports/parts", "gbk.csv", []byte("number,name_en,name_zh,class\nX-1,Charger,\xb3\xe4\xb5\xe7\xc6\xf7,accessory\n"), false, http.StatusBadRequest, "The file is not UTF-8 text; save it as CSV UTF-8 and import it again."},
			{"Empty", "clerk@t1", "/imports/parts", "empty.csv", nil, false, http.StatusBadRequest, "The file has nothing to import"},
			{"HeaderOnly", "clerk@t1", "/imports/stock", "header.csv", []byte("location,part,qty\n"), false, http.StatusBadRequest, "The file has nothing to import"},
			{"MissingColumn", "clerk@t1", "/imports/parts", "cols.csv", []byte("number,class\nX-1,unit\n"), false, http.StatusBadRequest, "missing: name_en"},
			{"UnknownClass", "clerk@t1", "/imports/parts", "class.csv", []byte("number,name_en,class\nX-1,Pump,consumable\n"), false, http.StatusBadRequest, "Part X-1 has unknown component class consumable: use unit, main, battery or accessory."},
			{"NoFile", "clerk@t1", "/imports/parts", "", nil, false, http.StatusBadRequest, "Choose a CSV file to import"},
			{"Oversized", "clerk@t1", "/imports/parts", "big.csv", big, false, http.StatusRequestEntityTooLarge, "too large"},
			{"WrongKind", "admin@t1", "/imports/toasters", "x.csv", good, false, http.StatusNotFound, "Unknown import toasters"},
			{"ClerkRules", "clerk@t1", "/imports/rules", "rules.csv", good, false, http.StatusForbidden, "Your role may not do this"},
			{"DispatcherParts", "dispatcher@t1", "/imports/parts", "p.csv", good, false, http.StatusForbidden, "Your role may not do this"},
			{"ManagerStock", "manager@t1", "/imports/stock", "s.csv", []byte("location,part,qty\nwh,OK-1,1\n"), false, http.StatusForbidden, "Your role may not do this"},
			{"NoCSRF", "admin@t1", "/imports/parts", "p.csv", good, true, http.StatusForbidden, "did not come from the console"},
			{"OtherTenantsPart", "clerk@t2", "/imports/stock", "s.csv", []byte("location,part,qty\nwh,T1-ONLY,1\n"), false, http.StatusBadRequest, "There is no part T1-ONLY in the catalog"},
		} {
			t.Run(c.name, func(t *testing.T) {
				cl := tc.signIn(t, c.login)
				before := importState(t, tc)
				status, body := cl.postFile(t, c.path, c.file, c.content, c.noCSRF)
				if status != c.status || !strings.Contains(body, html.EscapeString(c.want)) {
					t.Errorf("status %d, want %d with %q\n%.3000s", status, c.status, c.want, body)
				}
				if after := importState(t, tc); after != before {
					t.Errorf("a refused import changed the data")
				}
			})
		}
	})
}

// TestImportEscapesWhatItShows: a file's name and a refused row's values,
// which a user writes, appear escaped on the page.
func TestImportEscapesWhatItShows(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		cl := tc.signIn(t, "admin@t1")
		for _, attack := range []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`} {
			name := strings.NewReplacer("/", "", `\`, "").Replace(attack) + ".csv"
			field := `"` + strings.ReplaceAll(attack, `"`, `""`) + `"`
			status, body := cl.postFile(t, "/imports/parts", name, []byte("number,name_en,class,serialized\nX-1,x,unit,"+field+"\n"), false)
			if status != http.StatusBadRequest || strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || !strings.Contains(body, "&lt;") {
				t.Errorf("%q refused: status %d\n%s", attack, status, body)
			}
			status, _ = cl.postFile(t, "/imports/parts", name, []byte("number,name_en,class\nX-1,"+field+",unit\n"), false)
			if status != http.StatusSeeOther {
				t.Fatalf("%q imported: status %d", attack, status)
			}
			_, body = cl.get(t, "/imports")
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || !strings.Contains(body, "&lt;") {
				t.Errorf("%q in the flash and the latest imports:\n%s", attack, body)
			}
		}
	})
}

// TestImportKindsAreTheAPIs: the console offers every import of the API.
func TestImportKindsAreTheAPIs(t *testing.T) {
	var got []string
	for _, k := range importKinds {
		got = append(got, k.What)
	}
	if !slices.Equal(got, central.ImportKinds) {
		t.Errorf("the console offers %v, the API %v", got, central.ImportKinds)
	}
}
