package app_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestStockReport: a technician's report of units gone from the van
// becomes a loss (a negative adjustment) or a move into the defective bin,
// which the device's technician may apply; more than held, no reason, a
// serial on several units or damage without a bin are refused with keys of
// their own.
func TestStockReport(t *testing.T) {
	bin := app.Location{ID: "bin-1", Kind: app.LocationDefective}
	for name, tc := range map[string]struct {
		r    app.StockReport
		key  string            // "" when accepted
		want app.StockMovement // Kind, From, To, Qty, Serial, Reason
	}{
		"Lost": {r: app.StockReport{Problem: app.ProblemLost, Part: "BAT-1", From: "van-1", Held: 3, Qty: 2, Reason: " two missing "},
			want: app.StockMovement{Kind: app.MoveAdjust, To: "van-1", Qty: -2, Reason: "two missing"}},
		"LostAll": {r: app.StockReport{Problem: app.ProblemLost, Part: "BAT-1", From: "van-1", Held: 3, Qty: 3, Reason: "stolen"},
			want: app.StockMovement{Kind: app.MoveAdjust, To: "van-1", Qty: -3, Reason: "stolen"}},
		"Damaged": {r: app.StockReport{Problem: app.ProblemDamaged, Part: "MB-1", From: "van-1", Bin: bin, Held: 1, Qty: 1, Serial: "SN-9", Reason: "cracked"},
			want: app.StockMovement{Kind: app.MoveTransfer, From: "van-1", To: "bin-1", Qty: 1, Serial: "SN-9", Reason: "cracked"}},
		"MoreThanHeld": {r: app.StockReport{Problem: app.ProblemLost, Part: "BAT-1", From: "van-1", Held: 2, Qty: 3, Reason: "x"}, key: "stock.report_more_than_held"},
		"NoneHeld":     {r: app.StockReport{Problem: app.ProblemLost, Part: "BAT-1", From: "van-1", Held: -1, Qty: 1, Reason: "x"}, key: "stock.report_more_than_held"},
		"Zero":         {r: app.StockReport{Problem: app.ProblemLost, Part: "BAT-1", From: "van-1", Held: 2, Qty: 0, Reason: "x"}, key: "stock.report_qty"},
		"NoReason":     {r: app.StockReport{Problem: app.ProblemLost, Part: "BAT-1", From: "van-1", Held: 2, Qty: 1, Reason: "  "}, key: "stock.report_reason"},
		"LongReason":   {r: app.StockReport{Problem: app.ProblemLost, Part: "BAT-1", From: "van-1", Held: 2, Qty: 1, Reason: strings.Repeat("x", app.MaxReasonLen+1)}, key: "stock.report_reason_long"},
		// The bound counts characters, as its message says: a Chinese
		// reason of MaxReasonLen characters (three bytes each) fits.
		"ChineseReasonAtBound": {r: app.StockReport{Problem: app.ProblemLost, Part: "BAT-1", From: "van-1", Held: 2, Qty: 1, Reason: strings.Repeat("屏", app.MaxReasonLen)},
			want: app.StockMovement{Kind: app.MoveAdjust, To: "van-1", Qty: -1, Reason: strings.Repeat("屏", app.MaxReasonLen)}},
		"ChineseReasonOver": {r: app.StockReport{Problem: app.ProblemLost, Part: "BAT-1", From: "van-1", Held: 2, Qty: 1, Reason: strings.Repeat("屏", app.MaxReasonLen+1)}, key: "stock.report_reason_long"},
		"SerialTwoUnits":    {r: app.StockReport{Problem: app.ProblemLost, Part: "MB-1", From: "van-1", Held: 2, Qty: 2, Serial: "SN-1", Reason: "x"}, key: "stock.report_serial_one"},
		"DamagedNoBin":      {r: app.StockReport{Problem: app.ProblemDamaged, Part: "BAT-1", From: "van-1", Held: 2, Qty: 1, Reason: "x"}, key: "stock.report_no_bin"},
		"DamagedToVan":      {r: app.StockReport{Problem: app.ProblemDamaged, Part: "BAT-1", From: "van-1", Bin: app.Location{ID: "van-2", Kind: app.LocationVan}, Held: 2, Qty: 1, Reason: "x"}, key: "stock.report_no_bin"},
		"SerialHere": {r: app.StockReport{Problem: app.ProblemLost, Part: "MB-1", From: "van-1", Held: 1, Qty: 1, Serial: "SN-1", Units: []string{"SN-1"}, Reason: "x"},
			want: app.StockMovement{Kind: app.MoveAdjust, To: "van-1", Qty: -1, Serial: "SN-1", Reason: "x"}},
		"SerialOfUnknownUnit": {r: app.StockReport{Problem: app.ProblemLost, Part: "MB-1", From: "van-1", Held: 2, Qty: 1, Serial: "SN-7", Units: []string{"SN-1"}, Reason: "x"},
			want: app.StockMovement{Kind: app.MoveAdjust, To: "van-1", Qty: -1, Serial: "SN-7", Reason: "x"}},
		"SerialElsewhere": {r: app.StockReport{Problem: app.ProblemLost, Part: "MB-1", From: "van-1", Held: 1, Qty: 1, Serial: "SN-7", Units: []string{"SN-1"}, Reason: "x"}, key: "stock.report_serial_elsewhere"},
		"NoProblem":       {r: app.StockReport{Part: "BAT-1", From: "van-1", Held: 2, Qty: 1, Reason: "x"}, key: "stock.report_problem"},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := tc.r.Command()
			if tc.key != "" {
				if errKey(err) != tc.key || app.ErrorCode(err) != app.EINVALID {
					t.Fatalf("Command = %v, want %s", err, tc.key)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			m := c.Movement
			if m.Kind != tc.want.Kind || m.From != tc.want.From || m.To != tc.want.To || m.Qty != tc.want.Qty || m.Serial != tc.want.Serial || m.Reason != tc.want.Reason || m.Part != tc.r.Part || m.ID == "" {
				t.Fatalf("movement = %+v, want %+v", m, tc.want)
			}
			// The device's technician may record it: the same Apply the
			// service runs.
			tx := seeded()
			if err := c.Apply(t.Context(), tx, tech, now); err != nil {
				t.Fatalf("Apply: %v", err)
			}
		})
	}
}

// TestCountStock: a count books the shortfalls as losses with the count's
// reason, leaves the surplus to dispatch, and changes nothing of a part not
// counted or of one held below zero.
func TestCountStock(t *testing.T) {
	out, err := app.CountStock("van-1", []app.CountLine{
		{Part: "C", Held: 5, Counted: 5, Done: true},  // right
		{Part: "B", Held: 5, Counted: 3, Done: true},  // two short
		{Part: "A", Held: 1, Counted: 0, Done: true},  // all gone
		{Part: "D", Held: 2, Counted: 4, Done: true},  // two more
		{Part: "E", Held: 4},                          // not counted
		{Part: "F", Held: -1, Counted: 0, Done: true}, // below zero: nothing to lose
		{Part: "G", Held: -1, Counted: 1, Done: true}, // found one of a part below zero
	}, "count on 2026-12-06", now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range out.Losses {
		m := c.Movement
		if m.Kind != app.MoveAdjust || m.To != "van-1" || m.Reason != "count on 2026-12-06" {
			t.Errorf("loss = %+v", m)
		}
		got = append(got, string(m.Part)+":"+itoa(m.Qty))
	}
	if strings.Join(got, " ") != "A:-1 B:-2" {
		t.Errorf("losses = %v, want A:-1 B:-2", got)
	}
	var surplus []string
	for _, l := range out.Surplus {
		surplus = append(surplus, string(l.Part))
	}
	if strings.Join(surplus, " ") != "D G" || out.Uncounted != 1 {
		t.Errorf("surplus = %v, uncounted %d; want D G and 1", surplus, out.Uncounted)
	}
	for name, lines := range map[string][]app.CountLine{
		"Negative": {{Part: "A", Held: 1, Counted: -1, Done: true}},
		"TooMany":  {{Part: "A", Held: 1, Counted: app.MaxQty + 1, Done: true}},
	} {
		if _, err := app.CountStock("van-1", lines, "count", now); errKey(err) != "stock.count_range" {
			t.Errorf("%s: %v, want stock.count_range", name, err)
		}
	}
	if _, err := app.CountStock("van-1", make([]app.CountLine, app.MaxCountParts+1), "count", now); errKey(err) != "stock.count_too_many" {
		t.Errorf("a count of too many parts: %v", err)
	}
}

// TestCheckCountDraft: a draft the count could not book is refused.
func TestCheckCountDraft(t *testing.T) {
	many := map[app.PartNumber]int{}
	for i := range app.MaxCountParts + 1 {
		many[app.PartNumber("P-"+itoa(i))] = 1
	}
	counted := map[app.PartNumber]int{"LCD-1": 1}
	for name, tc := range map[string]struct {
		actor   app.Actor
		counts  map[app.PartNumber]int
		missing map[app.PartNumber][]string
		key     string
	}{
		"OK":               {tech, map[app.PartNumber]int{"BAT-1": 0, "MB-1": 3}, nil, ""},
		"NoTech":           {disp, map[app.PartNumber]int{"BAT-1": 1}, nil, "draft.actor"},
		"Negative":         {tech, map[app.PartNumber]int{"BAT-1": -1}, nil, "stock.count_range"},
		"BadPart":          {tech, map[app.PartNumber]int{"a\nb": 1}, nil, "stock.count_part"},
		"TooMany":          {tech, many, nil, "stock.count_too_many"},
		"Missing":          {tech, counted, map[app.PartNumber][]string{"LCD-1": {"S2", "S1"}}, ""},
		"MissingUncounted": {tech, counted, map[app.PartNumber][]string{"BAT-1": {"S1"}}, "stock.count_missing_uncounted"},
		"MissingTwice":     {tech, counted, map[app.PartNumber][]string{"LCD-1": {"S1", "S1"}}, "stock.count_missing_serial"},
		"MissingBlank":     {tech, counted, map[app.PartNumber][]string{"LCD-1": {" "}}, "stock.count_missing_serial"},
		"MissingLong":      {tech, counted, map[app.PartNumber][]string{"LCD-1": {strings.Repeat("S", app.MaxIDLen+1)}}, "mutation.too_long"},
		"MissingTooMany":   {tech, counted, map[app.PartNumber][]string{"LCD-1": serials(app.MaxListLen + 1)}, "field.too_many"},
	} {
		t.Run(name, func(t *testing.T) {
			if err := app.CheckCountDraft(tc.actor, app.CountDraft{Counts: tc.counts, Missing: tc.missing}); errKey(err) != tc.key {
				t.Fatalf("CheckCountDraft = %v, want %q", err, tc.key)
			}
		})
	}
}

// serials are n distinct serials.
func serials(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "S" + itoa(i)
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestCountStockSerials: a serialized part counted short books one loss
// per unit ticked missing, with its serial; the units ticked must be as
// many as are short (of the units with a known serial), each one known
// at the location and ticked once; units without a known serial are
// lost without one.
func TestCountStockSerials(t *testing.T) {
	units := []string{"S1", "S2", "S3"}
	for name, tc := range map[string]struct {
		line app.CountLine
		want string // the losses, or the error's key
	}{
		"OK":            {app.CountLine{Part: "P", Held: 3, Counted: 1, Done: true, Units: units, Missing: []string{"S3", "S1"}}, "P:-1:S3 P:-1:S1"},
		"ErrTooFew":     {app.CountLine{Part: "P", Held: 3, Counted: 1, Done: true, Units: units, Missing: []string{"S3"}}, "stock.count_serials"},
		"ErrNone":       {app.CountLine{Part: "P", Held: 3, Counted: 2, Done: true, Units: units}, "stock.count_serials"},
		"ErrTooMany":    {app.CountLine{Part: "P", Held: 3, Counted: 2, Done: true, Units: units, Missing: []string{"S1", "S2"}}, "stock.count_serials"},
		"ErrTwice":      {app.CountLine{Part: "P", Held: 3, Counted: 1, Done: true, Units: units, Missing: []string{"S1", "S1"}}, "stock.count_serials"},
		"ErrElsewhere":  {app.CountLine{Part: "P", Held: 3, Counted: 2, Done: true, Units: units, Missing: []string{"S9"}}, "stock.count_serials"},
		"SomeUnknown":   {app.CountLine{Part: "P", Held: 5, Counted: 2, Done: true, Units: units, Missing: []string{"S2"}}, "P:-1:S2 P:-2:"},
		"UnknownOnly":   {app.CountLine{Part: "P", Held: 5, Counted: 3, Done: true, Units: units}, "P:-2:"},
		"ErrKnownShort": {app.CountLine{Part: "P", Held: 4, Counted: 1, Done: true, Units: units}, "stock.count_serials_some"},
		"NoSerials":     {app.CountLine{Part: "P", Held: 3, Counted: 1, Done: true}, "P:-2:"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := app.CountStock("van-1", []app.CountLine{tc.line}, "count", now)
			if err != nil {
				if errKey(err) != tc.want {
					t.Fatalf("%v, want %s", err, tc.want)
				}
				return
			}
			var got []string
			for _, c := range out.Losses {
				got = append(got, string(c.Movement.Part)+":"+itoa(c.Movement.Qty)+":"+c.Movement.Serial)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("losses %v, want %s", got, tc.want)
			}
		})
	}
}
