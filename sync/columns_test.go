package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/internal/cputime"
)

var columnsNow = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// columnCases are answers whose pages must read the same in columns as in
// rows: a demo world with its history, and the shapes a generic encoder
// could get wrong (a pointer to an object of zero values, empty objects,
// maps, times not in UTC, fractions of seconds, times before their base,
// a list of one, lists of strings).
func columnCases() map[string]Response {
	world := demo.Generate(1, demo.Size{Models: 20, Parts: 300, Tickets: 400, Technicians: 3}, columnsNow)
	plus8 := time.FixedZone("", 8*3600)
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	odd := []app.TicketDetail{
		{Ticket: app.Ticket{ID: "t1", Number: "N1", CreatedAt: at, UpdatedAt: at.Add(90 * time.Second), RespondBy: at.Add(4 * time.Hour),
			ClosedBalance: &app.Money{}, PromisedAt: at.Add(-time.Hour)}, Away: &app.HistoryAway{}},
		{Ticket: app.Ticket{ID: "t2", Number: "N2", CreatedAt: at.Add(time.Minute).In(plus8), UpdatedAt: at.Add(1500 * time.Millisecond),
			ResolveBy: at.Add(36 * time.Hour)}, Repairs: []app.RepairEntry{}},
		{Ticket: app.Ticket{ID: "t3", Number: "N3", UpdatedAt: at.Add(time.Hour), CompletedAt: at.AddDate(-300, 0, 0)}},
		{Ticket: app.Ticket{ID: "t4", Number: "N4", CreatedAt: at.Add(123456789 * time.Nanosecond), UpdatedAt: at.Add(5*time.Second + 123456789*time.Nanosecond),
			ClosedBalance: &app.Money{Amount: 5, Currency: "EUR"}}},
	}
	return map[string]Response{
		"DemoWorld": {Epoch: "ep-1", Acked: 3, ServerTime: 1, Data: &world, Cursor: "c", More: true},
		"History": {Epoch: "ep-1", ServerTime: 1, Data: &app.Dataset{Tickets: world.Tickets[:3]},
			History: &app.Dataset{Repairs: world.Repairs, Notes: world.Notes}, HistoryOf: []app.TicketID{"a"}},
		"OddShapes": {Epoch: "ep-1", ServerTime: 1, Data: &app.Dataset{Tickets: odd,
			RuleSets:    []app.RuleSet{{ID: "CN", Version: 1, Names: map[string]string{"en": "x", "zh-Hans": "y"}}, {ID: "DE", Version: 2, Names: map[string]string{}}},
			Conflicts:   []app.Conflict{{ID: "cf-1", Data: map[string]any{"Part": "p", "n": 2.5, "list": []any{1, "a"}}}, {ID: "cf-2"}},
			Technicians: []app.Technician{{ID: "tech-1", Name: "One"}},
			GoneTickets: []app.TicketID{"g1", "g2", "g3"}, GoneConflicts: []string{"cf-g1", "cf-g2"}}},
		"NoPage": {Epoch: "ep-1", Acked: 7, ServerTime: 1},
		// A map's member holds times in most rows and a number, a
		// boolean or an empty string in others (a conflict's data is the
		// refusal's values, of any type): only times are offsets.
		"MixedTimesAndNumbers": {Epoch: "ep-1", ServerTime: 1, Data: &app.Dataset{Conflicts: []app.Conflict{
			{ID: "cf-1", Data: map[string]any{"At": "2026-03-04T10:00:00Z"}},
			{ID: "cf-2", Data: map[string]any{"At": "2026-03-04T11:00:00Z"}},
			{ID: "cf-3", Data: map[string]any{"At": "2026-03-04T12:00:00Z"}},
			{ID: "cf-4", Data: map[string]any{"At": 7}},
			{ID: "cf-5", Data: map[string]any{"At": "2026-03-04T13:00:00Z"}},
			{ID: "cf-6", Data: map[string]any{"At": true}},
			{ID: "cf-7", Data: map[string]any{"At": ""}},
		}}},
	}
}

// TestColumnsReadAsRows: an answer in columns reads as exactly the same
// records as the same answer in rows, and the demo world's page is
// smaller in columns.
func TestColumnsReadAsRows(t *testing.T) {
	for name, resp := range columnCases() {
		t.Run(name, func(t *testing.T) {
			rows, _, err := MarshalResponse(&resp, false)
			if err != nil {
				t.Fatal(err)
			}
			cols, _, err := MarshalResponse(&resp, true)
			if err != nil {
				t.Fatal(err)
			}
			var fromRows, fromCols Response
			if err := json.Unmarshal(rows, &fromRows); err != nil {
				t.Fatal(err)
			}
			if err := UnmarshalColumns(cols, &fromCols); err != nil {
				t.Fatalf("%v\n%.2000s", err, cols)
			}
			a, _ := json.Marshal(fromRows)
			b, _ := json.Marshal(fromCols)
			if !bytes.Equal(a, b) {
				t.Fatalf("columns read differently:\nrows    %.3000s\ncolumns %.3000s", a, b)
			}
			// An answer in rows with the header (a list of one, or a
			// service that chose rows) reads too.
			var again Response
			if err := UnmarshalColumns(rows, &again); err != nil {
				t.Fatal(err)
			}
			if c, _ := json.Marshal(again); !bytes.Equal(a, c) {
				t.Fatalf("rows read through UnmarshalColumns differ")
			}
			if name == "DemoWorld" && len(cols) >= len(rows)*3/4 {
				t.Errorf("columns %d B against rows %d B: expected at least a quarter less", len(cols), len(rows))
			}
		})
	}
}

// TestColumnsTimesAsOffsets: times go as offsets only where the offset
// gives them back exactly; the others go whole.
func TestColumnsTimesAsOffsets(t *testing.T) {
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	var ts []app.TicketDetail
	for i := range 5 {
		c := at.Add(time.Duration(i) * time.Hour)
		ts = append(ts, app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(rune('a' + i)), CreatedAt: c, RespondBy: c.Add(4 * time.Hour), UpdatedAt: c.Add(time.Duration(i) * time.Second)}})
	}
	ts[3].Ticket.RespondBy = ts[3].Ticket.CreatedAt.Add(4*time.Hour + 500*time.Millisecond) // not a whole offset
	ts[4].Ticket.RespondBy = ts[4].Ticket.CreatedAt.In(time.FixedZone("", 3600))            // not in UTC
	body, _, err := MarshalResponse(&Response{Epoch: "e", ServerTime: 1, Data: &app.Dataset{Tickets: ts}}, true)
	if err != nil {
		t.Fatal(err)
	}
	var w struct {
		D struct {
			Tickets struct {
				C []wireColumn `json:"c"`
			} `json:"tickets"`
		} `json:"d"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		t.Fatal(err)
	}
	byPath := map[string]wireColumn{}
	for _, c := range w.D.Tickets.C {
		byPath[strings.Join(c.Path, ".")] = c
	}
	rb := byPath["ticket.respond_by"]
	if rb.Base == nil {
		t.Fatalf("respond_by went whole: %s", body)
	}
	want := []string{"4", "4", "4", `"2026-03-04T17:00:00.5Z"`, `"2026-03-04T15:00:00+01:00"`}
	if rb.Unit != 3600 {
		t.Errorf("respond_by's unit is %d s, want 3600", rb.Unit)
	}
	vals, _ := arrayValues(rb.Vals, len(want))
	for i, v := range vals {
		if string(v) != want[i] {
			t.Errorf("respond_by row %d = %s, want %s", i, v, want[i])
		}
	}
	var got Response
	if err := UnmarshalColumns(body, &got); err != nil {
		t.Fatal(err)
	}
	for i, d := range got.Data.Tickets {
		if !d.Ticket.RespondBy.Equal(ts[i].Ticket.RespondBy) || !d.Ticket.UpdatedAt.Equal(ts[i].Ticket.UpdatedAt) {
			t.Errorf("row %d: %v %v, want %v %v", i, d.Ticket.RespondBy, d.Ticket.UpdatedAt, ts[i].Ticket.RespondBy, ts[i].Ticket.UpdatedAt)
		}
	}
}

// badColumns are answers in columns a device must refuse whole.
var badColumns = map[string]string{
	"NotJSON":          `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[`,
	"NoCount":          `{"e":"x","t":1,"d":{"tickets":{"c":[]}}}`,
	"NegativeCount":    `{"e":"x","t":1,"d":{"tickets":{"n":-1,"c":[]}}}`,
	"HugeCount":        `{"e":"x","t":1,"d":{"tickets":{"n":99999999,"c":[]}}}`,
	"RowsNoColumn":     `{"e":"x","t":1,"d":{"tickets":{"n":100000,"c":[]}}}`,
	"ShortColumn":      `{"e":"x","t":1,"d":{"tickets":{"n":2,"c":[{"k":["id"],"v":["a"]}]}}}`,
	"EmptyPath":        `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":[],"v":["a"]}]}}}`,
	"DeepPath":         `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["a","b","c","d","e","f","g","h","i"],"v":[1]}]}}}`,
	"SamePathTwice":    `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["id"],"v":["a"]},{"k":["id"],"v":["b"]}]}}}`,
	"ValueAndObject":   `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["a"],"v":[1]},{"k":["a","b"],"v":[2]}]}}}`,
	"BaseLater":        `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["a"],"b":1,"u":1,"v":[1]},{"k":["b"],"v":["2026-01-01T00:00:00Z"]}]}}}`,
	"BaseSelf":         `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["a"],"b":0,"u":1,"v":[1]}]}}}`,
	"NoUnit":           `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["b"],"v":["2026-01-01T00:00:00Z"]},{"k":["a"],"b":0,"v":[1]}]}}}`,
	"UnitTooBig":       `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["b"],"v":["2026-01-01T00:00:00Z"]},{"k":["a"],"b":0,"u":86401,"v":[1]}]}}}`,
	"UnitWithoutBase":  `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["a"],"u":60,"v":[1]}]}}}`,
	"OffsetFromNull":   `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["b"],"v":[null]},{"k":["a"],"b":0,"u":1,"v":[1]}]}}}`,
	"OffsetFromText":   `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["b"],"v":["soon"]},{"k":["a"],"b":0,"u":1,"v":[1]}]}}}`,
	"FirstRowDelta":    `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["a"],"b":-1,"u":1,"v":[1]}]}}}`,
	"FractionOffset":   `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["b"],"v":["2026-01-01T00:00:00Z"]},{"k":["a"],"b":0,"u":1,"v":[1.5]}]}}}`,
	"OffsetTooFar":     `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["b"],"v":["2026-01-01T00:00:00Z"]},{"k":["a"],"b":0,"u":86400,"v":[99999999]}]}}}`,
	"OffsetPastYear":   `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["b"],"v":["9999-12-31T00:00:00Z"]},{"k":["a"],"b":0,"u":86400,"v":[2]}]}}}`,
	"BoolInTimes":      `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["b"],"v":["2026-01-01T00:00:00Z"]},{"k":["a"],"b":0,"u":1,"v":[true]}]}}}`,
	"RowsOfWrongShape": `{"e":"x","t":1,"d":{"tickets":{"n":1,"c":[{"k":["ticket"],"v":[5]}]}}}`,
	"PageNotObject":    `{"e":"x","t":1,"d":[1]}`,
}

// TestColumnsRefused: a malformed answer in columns is refused with
// sync.bad_columns (transient: sync tries again), and nothing is read.
func TestColumnsRefused(t *testing.T) {
	for name, body := range badColumns {
		t.Run(name, func(t *testing.T) {
			resp := Response{Epoch: "before"}
			err := UnmarshalColumns([]byte(body), &resp)
			if errorKey(err) != "sync.bad_columns" || app.ErrorCode(err) != app.EINTERNAL {
				t.Fatalf("got %v (key %q), want sync.bad_columns", err, errorKey(err))
			}
			if resp.Epoch != "before" || resp.Data != nil {
				t.Errorf("a refused answer changed the response: %+v", resp)
			}
		})
	}
}

// TestColumnsBoundedOutput: an answer whose rows would exceed the bound
// of an answer is refused, however small it is in columns.
func TestColumnsBoundedOutput(t *testing.T) {
	long := `"` + strings.Repeat("k", 1000) + `"`
	var b strings.Builder
	b.WriteString(`{"e":"x","t":1,"d":{"tickets":{"n":20000,"c":[{"k":[` + long + `],"v":[`)
	for i := range 20000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("1")
	}
	b.WriteString(`]}]}}}`)
	if len(b.String()) > 64<<10 {
		t.Fatalf("the test's answer is %d B", b.Len())
	}
	err := UnmarshalColumns([]byte(b.String()), &Response{})
	if errorKey(err) != "sync.bad_columns" || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("got %v, want a refusal for size", err)
	}
}

// FuzzUnmarshalColumns: any answer either reads (and then as valid
// records) or is refused with sync.bad_columns; never a panic.
func FuzzUnmarshalColumns(f *testing.F) {
	for _, resp := range columnCases() {
		// Small seeds mutate faster.
		if resp.Data != nil && len(resp.Data.Tickets) > 4 && len(resp.Data.Parts) > 4 {
			resp.Data = &app.Dataset{Tickets: resp.Data.Tickets[:4], Parts: resp.Data.Parts[:4]}
		}
		if resp.History != nil && len(resp.History.Repairs) > 4 {
			resp.History = &app.Dataset{Repairs: resp.History.Repairs[:4]}
		}
		body, _, err := MarshalResponse(&resp, true)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	for _, body := range badColumns {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var resp Response
		err := UnmarshalColumns(body, &resp)
		if err != nil {
			if errorKey(err) != "sync.bad_columns" {
				t.Fatalf("error of key %q: %v", errorKey(err), err)
			}
			if resp.Data != nil || resp.Epoch != "" {
				t.Fatal("a refused answer changed the response")
			}
			return
		}
		if _, err := json.Marshal(resp); err != nil {
			t.Fatal(err)
		}
	})
}

func errorKey(err error) string {
	var e *app.Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

// reportCPU reports the process's CPU time per operation since cpu0, in
// ms: steadier than the wall clock on a shared machine.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(cputime.Process()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkPage: the CPU of a first sync's page in rows and in columns,
// on each side: the service's encoding (Marshal) and the device's
// decoding (Unmarshal), per MB of the page in rows (b.SetBytes).
func BenchmarkPage(b *testing.B) {
	world := demo.Generate(1, demo.Size{Models: 200, Parts: 6000, Tickets: 3000, Technicians: 1}, columnsNow)
	resp := &Response{Epoch: "ep-1", ServerTime: 1, Data: &app.Dataset{Tickets: world.Tickets, Parts: world.Parts}}
	rows, _, err := MarshalResponse(resp, false)
	if err != nil {
		b.Fatal(err)
	}
	cols, _, err := MarshalResponse(resp, true)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("page: %d B in rows, %d B in columns", len(rows), len(cols))
	for _, c := range []struct {
		name    string
		columns bool
	}{{"rows", false}, {"columns", true}} {
		b.Run("Marshal/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(len(rows)))
			defer reportCPU(b, cputime.Process())
			for b.Loop() {
				if _, _, err := MarshalResponse(resp, c.columns); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Unmarshal/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(len(rows)))
			defer reportCPU(b, cputime.Process())
			for b.Loop() {
				var r Response
				if c.columns {
					err = UnmarshalColumns(cols, &r)
				} else {
					err = decodeAnswer(rows, &r)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
