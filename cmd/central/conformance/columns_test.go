package conformance

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// columnList is a list in columns (PROTOCOL.md, "Pages in columns").
type columnList struct {
	N    int `json:"n"`
	Cols []struct {
		Path []string          `json:"k"`
		Base *int              `json:"b"`
		Unit int64             `json:"u"`
		Vals []json.RawMessage `json:"v"`
	} `json:"c"`
}

// rows reads the list back into records as the document says: row i has,
// for each column whose value i is not null, that value at its path; a
// whole number in a column with a base is the base's time plus that many
// units.
func (l columnList) rows(t *testing.T) []any {
	t.Helper()
	vals := make([][]any, len(l.Cols))
	for c, col := range l.Cols {
		if len(col.Vals) != l.N {
			t.Fatalf("column %v has %d values for %d rows", col.Path, len(col.Vals), l.N)
		}
		vals[c] = make([]any, l.N)
		for i, raw := range col.Vals {
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			if k, isNumber := v.(float64); isNumber && col.Base != nil {
				var base any
				switch b := *col.Base; {
				case b == -1 && i > 0:
					base = vals[c][i-1]
				case b >= 0 && b < c:
					base = vals[b][i]
				default:
					t.Fatalf("column %v: base %d", col.Path, b)
				}
				s, _ := base.(string)
				at, err := time.Parse(time.RFC3339Nano, s)
				if err != nil {
					t.Fatalf("column %v row %d: an offset from %v", col.Path, i, base)
				}
				v = at.Add(time.Duration(int64(k)*col.Unit) * time.Second).Format(time.RFC3339Nano)
			}
			vals[c][i] = v
		}
	}
	out := make([]any, l.N)
	for i := range l.N {
		row := map[string]any{}
		for c, col := range l.Cols {
			if vals[c][i] == nil {
				continue
			}
			m := row
			for _, k := range col.Path[:len(col.Path)-1] {
				next, ok := m[k].(map[string]any)
				if !ok {
					next = map[string]any{}
					m[k] = next
				}
				m = next
			}
			m[col.Path[len(col.Path)-1]] = vals[c][i]
		}
		out[i] = row
	}
	return out
}

// withoutNulls drops null members: a record reads absent and null alike.
func withoutNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e != nil {
				out[k] = withoutNulls(e)
			}
		}
		return out
	case []any:
		for i := range x {
			x[i] = withoutNulls(x[i])
		}
	}
	return v
}

// TestPagesInColumns: a device that sends Fieldbench-Columns: 1 gets its
// pages' lists in columns, with the header in the answer, and they read
// as the same records as the rows a device without the header gets, page
// by page; times that are whole hours after a ticket's creation go as
// offsets, a time with its own fraction of a second goes whole.
func TestPagesInColumns(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "columns", 3)
		dev := s.pair(t, tc.id)
		created := time.Now().UTC().Truncate(time.Hour).Add(-24 * time.Hour)
		const tickets = 30
		for i := range tickets {
			at := created.Add(time.Duration(i) * time.Minute)
			resolve := at.Add(48 * time.Hour).Format(time.RFC3339)
			if i == 7 {
				resolve = at.Add(48*time.Hour + 500*time.Millisecond).Format(time.RFC3339Nano)
			}
			s.dispatchOK(t, "ticket.create", map[string]any{"ticket": map[string]any{
				"id": newID(), "number": name("CO"), "kind": "on_site", "country": "CN",
				"product":  map[string]any{"category": "appliance", "brand": "Acme", "model": fmt.Sprint("W", i%3), "serial": name("SN")},
				"customer": map[string]any{"name": "Columned customer", "phone": "+86 21 5555 0101", "address": "1 Road", "city": "Shanghai"},
				"fault":    "leaks", "technician": tc.id, "priority": 1 + i%4,
				"created_at": at.Format(time.RFC3339), "respond_by": at.Add(4 * time.Hour).Format(time.RFC3339),
				"resolve_by": resolve,
			}})
		}

		pull := func(cursor string, columns bool) (answer, map[string]json.RawMessage, string, bool) {
			var header []string
			if columns {
				header = []string{"Fieldbench-Columns", "1"}
			}
			a, data, next, more := dev.pullPage(t, map[string]any{"v": 1, "c": cursor, "mb": 16 << 10}, header...)
			var d map[string]json.RawMessage
			if data != nil {
				if err := json.Unmarshal(data, &d); err != nil {
					t.Fatalf("pulled page %.300s: %v", data, err)
				}
			}
			return a, d, next, more
		}
		cursor, seen, inColumns, offsets := "", 0, 0, 0
		for pages := 0; ; pages++ {
			if pages == maxPages {
				t.Fatalf("no end after %d pages", pages)
			}
			ra, rows, next, more := pull(cursor, false)
			ca, cols, _, _ := pull(cursor, true)
			anyColumns := false
			for _, c := range cols {
				anyColumns = anyColumns || len(c) > 0 && c[0] == '{'
			}
			if ra.header.Get("Fieldbench-Columns") != "" || (ca.header.Get("Fieldbench-Columns") == "1") != anyColumns {
				t.Fatalf("answer headers %q without, %q with the request's (lists in columns: %v)", ra.header.Get("Fieldbench-Columns"), ca.header.Get("Fieldbench-Columns"), anyColumns)
			}
			if len(rows) != len(cols) {
				t.Fatalf("page %d: lists %d in rows, %d with columns", pages, len(rows), len(cols))
			}
			for name, rawRows := range rows {
				if name == "movements" {
					continue // a first pull's opening balances get new IDs each time
				}
				var want []any
				if err := json.Unmarshal(rawRows, &want); err != nil {
					t.Fatalf("%s in rows: %v", name, err)
				}
				var got []any
				if c := cols[name]; len(c) > 0 && c[0] == '{' {
					var l columnList
					if err := json.Unmarshal(c, &l); err != nil {
						t.Fatalf("%s in columns: %v", name, err)
					}
					got = l.rows(t)
					inColumns++
					for _, col := range l.Cols {
						if strings.Join(col.Path, ".") == "ticket.respond_by" && col.Base != nil {
							offsets++
						}
					}
				} else if err := json.Unmarshal(c, &got); err != nil {
					t.Fatalf("%s with columns asked: %v", name, err)
				}
				if !reflect.DeepEqual(withoutNulls(want), withoutNulls(got)) {
					t.Fatalf("page %d, %s: columns read\n%.1500v\nrows\n%.1500v", pages, name, withoutNulls(got), withoutNulls(want))
				}
				if name == "tickets" {
					seen += len(want)
				}
			}
			if cursor = next; !more {
				break
			}
		}
		if seen != tickets || inColumns == 0 || offsets == 0 {
			t.Fatalf("%d tickets seen (want %d), %d lists in columns, %d respond_by columns as offsets", seen, tickets, inColumns, offsets)
		}
	})
}
