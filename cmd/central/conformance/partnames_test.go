package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

// pulledPart is the part of a pulled catalog entry the name cases check
// (PROTOCOL.md, parts CSV: name_<tag> columns are the part's "names").
type pulledPart struct {
	Number string            `json:"number"`
	NameEN string            `json:"name_en"`
	Names  map[string]string `json:"names"`
}

// pullParts pulls from cursor until nothing more waits and returns the
// catalog entries the pages held, by number, and the next cursor.
func (d *device) pullParts(t *testing.T, cursor string) (map[string]pulledPart, string) {
	t.Helper()
	parts := map[string]pulledPart{}
	for range maxPages {
		a := d.sync(t, map[string]any{"v": 1, "c": cursor})
		if a.status != http.StatusOK {
			t.Fatalf("pull: HTTP %d %s", a.status, a.body)
		}
		var out struct {
			Cursor string `json:"c"`
			More   bool   `json:"m"`
			Data   *struct {
				Parts []pulledPart `json:"parts"`
			} `json:"d"`
		}
		if err := json.Unmarshal(a.body, &out); err != nil {
			t.Fatalf("pull answer %s: %v", a.body, err)
		}
		if out.Data != nil {
			for _, p := range out.Data.Parts {
				parts[p.Number] = p
			}
		}
		cursor = out.Cursor
		if !out.More {
			return parts, cursor
		}
	}
	t.Fatalf("pull did not end within %d pages", maxPages)
	return nil, cursor
}

// A parts file's name_fr, name_es and name_pt columns (any name_<tag>
// but name_en and name_zh) are the part's names in those languages; a
// device paired before the names came gets them on its next pull, since
// an import sends every part of the file again; a bad name or column
// refuses the file naming its line and column, and changes nothing.
func TestPartNamesImport(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "names", 0)
		d := s.pair(t, tc.id)
		pump, belt := name("NM-PUMP"), name("NM-BELT")
		importOK := func(csv string) {
			t.Helper()
			var got struct {
				Rows int `json:"rows"`
			}
			s.adminOK(t, "POST", "/v1/admin/import/parts", []byte(csv), &got)
			if got.Rows != 2 {
				t.Fatalf("parts import: %d rows, want 2", got.Rows)
			}
		}
		importOK(fmt.Sprintf("number,name_en,class\n%s,Drain pump,main\n%s,Drive belt,unit\n", pump, belt))
		parts, cursor := d.pullParts(t, "")
		if p, ok := parts[pump]; !ok || len(p.Names) != 0 {
			t.Fatalf("first pull: %s is %+v (found %v), want it without names", pump, p, ok)
		}

		importOK(fmt.Sprintf("number,name_en,Name_FR,name_es,name_pt-BR,class\n%s,Drain pump,Pompe de vidange,Bomba de desagüe,Bomba de drenagem,main\n%s,Drive belt,Courroie,,,unit\n", pump, belt))
		parts, cursor = d.pullParts(t, cursor)
		want := map[string]map[string]string{
			pump: {"fr": "Pompe de vidange", "es": "Bomba de desagüe", "pt-br": "Bomba de drenagem"},
			belt: {"fr": "Courroie"}, // an empty column gives no name in its language
		}
		for number, names := range want {
			if p, ok := parts[number]; !ok || !reflect.DeepEqual(p.Names, names) {
				t.Errorf("pull after the import with names: %s is %+v (sent again: %v), want names %v", number, p, ok, names)
			}
		}

		refusals := []struct {
			name, csv  string
			status     int
			header     bool // the header is refused, with no rows
			line       int
			key        string
			col, field string // the column the refusal names: the header's Column, or a row's Field
		}{
			{"a control character in name_fr", fmt.Sprintf("number,name_en,name_fr,class\n%s,Drain pump,Pompe,main\n%s,Drive belt,Cour\x07roie,unit\n", pump, belt),
				http.StatusBadRequest, false, 3, "field.control_chars", "", "name_fr"},
			{"a name_fr over the name bound", fmt.Sprintf("number,name_en,name_fr,class\n%s,Drain pump,%s,main\n", pump, zh(boundName+1)),
				http.StatusBadRequest, false, 2, "mutation.too_long", "", "name_fr"},
			{"a column that is no language tag", fmt.Sprintf("number,name_en,name_french,class\n%s,Drain pump,Pompe,main\n", pump),
				http.StatusBadRequest, true, 0, "import.parts.name_column", "name_french", ""},
			{"Chinese again as name_zh-Hans", fmt.Sprintf("number,name_en,name_zh-Hans,class\n%s,Drain pump,排水泵,main\n", pump),
				http.StatusBadRequest, true, 0, "import.parts.name_column", "name_zh-hans", ""},
		}
		for _, r := range refusals {
			a := s.do(t, "POST", "/v1/admin/import/parts", s.admin, []byte(r.csv))
			var e struct {
				Key  string         `json:"key"`
				Data map[string]any `json:"data"`
				Rows []struct {
					Line int            `json:"line"`
					Key  string         `json:"key"`
					Data map[string]any `json:"data"`
				} `json:"rows"`
			}
			if a.status != r.status || json.Unmarshal(a.body, &e) != nil {
				t.Errorf("%s: HTTP %d %s, want %d", r.name, a.status, a.body, r.status)
				continue
			}
			if r.header {
				if e.Key != r.key || e.Data["Column"] != r.col {
					t.Errorf("%s: %s, want %s naming column %s", r.name, a.body, r.key, r.col)
				}
				continue
			}
			if e.Key != "import.refused" || len(e.Rows) != 1 || e.Rows[0].Line != r.line || e.Rows[0].Key != r.key || e.Rows[0].Data["Field"] != r.field {
				t.Errorf("%s: %s, want import.refused with line %d %s naming %s", r.name, a.body, r.line, r.key, r.field)
			}
		}
		// A refused file changes nothing: no part is sent again.
		if parts, _ := d.pullParts(t, cursor); len(parts) != 0 {
			t.Errorf("after the refused files the device pulled %+v, want no part changed", parts)
		}
	})
}
