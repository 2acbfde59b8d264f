package scanner_test

import (
	"os"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/scanner"
)

// demoSerialRules are the built-in rules the app ships, which cover the
// demo world's brands that encode the manufacture date.
var demoSerialRules = func() string {
	b, err := os.ReadFile("../assets/serial-rules.json")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// TestSerialRulesReadDemoSerials: for every demo product whose brand
// encodes the date, the rule finds the period its manufacture date is in.
func TestSerialRulesReadDemoSerials(t *testing.T) {
	rules, err := scanner.ParseSerialRules([]byte(demoSerialRules))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	ds := demo.Generate(7, demo.Size{Models: 200, Parts: 200, Tickets: 3000, Technicians: 3}, now)
	checked := map[string]int{}
	for _, d := range ds.Tickets {
		p := d.Ticket.Product
		info, ok := rules.Match(p.Brand, p.Serial, now)
		switch p.Brand {
		case "Bosch", "HP", "Inspur":
		case "Midea":
			if !ok || !info.Manufactured.IsZero() {
				t.Errorf("Midea %s: %+v, %v; want a match without a date", p.Serial, info, ok)
			}
			continue
		default:
			if ok {
				t.Errorf("%s %s matched a rule of another brand: %+v", p.Brand, p.Serial, info)
			}
			continue
		}
		if !ok {
			t.Errorf("%s serial %s: no match", p.Brand, p.Serial)
			continue
		}
		mfg := p.ManufactureDate
		var good bool
		switch info.Precision {
		case "month":
			good = info.Manufactured.Year() == mfg.Year() && info.Manufactured.Month() == mfg.Month()
		case "week":
			y1, w1 := info.Manufactured.ISOWeek()
			y2, w2 := mfg.ISOWeek()
			good = y1 == y2 && w1 == w2
		case "year":
			good = info.Manufactured.Year() == mfg.Year()
		}
		if !good {
			t.Errorf("%s serial %s: read %s (%s), made %s", p.Brand, p.Serial, info.Manufactured.Format(time.DateOnly), info.Precision, mfg.Format(time.DateOnly))
		}
		checked[p.Brand]++
	}
	for _, b := range []string{"Bosch", "HP", "Inspur"} {
		if checked[b] < 5 {
			t.Errorf("only %d %s serials in the demo world: the test checks too little", checked[b], b)
		}
	}
	t.Logf("serials read: %v", checked)
}

func TestSerialRules(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	rules, err := scanner.ParseSerialRules([]byte(demoSerialRules))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		brand, serial string
		ok            bool
		want          string
	}{
		{"bosch", "fd9803-123456", true, "2018-03-01"},
		{"Bosch", "FD0607-123456", true, "2026-07-01"}, // 1920+106: the FD count wrapped in 2020
		{"Bosch", "FD0612-123456", false, ""},          // December 2026 is in the future
		{"Bosch", "FD9813-123456", false, ""},          // month 13
		{"HP", "5CG6011ABC", true, "2025-12-29"},       // ISO week 1 of 2026 starts in 2025
		{"HP", "5CG7011ABC", true, "2017-01-02"},       // 7: the latest year ending in 7
		{"HP", "5CG5531ABC", false, ""},                // 2025 has 52 ISO weeks
		{"Inspur", "224123456789", true, "2024-01-01"},
		{"Lenovo", "PF1234AB", false, ""},
	} {
		info, ok := rules.Match(tc.brand, tc.serial, now)
		got := ""
		if !info.Manufactured.IsZero() {
			got = info.Manufactured.Format(time.DateOnly)
		}
		if ok != tc.ok || got != tc.want {
			t.Errorf("Match(%s, %s) = %s, %v; want %s, %v", tc.brand, tc.serial, got, ok, tc.want, tc.ok)
		}
	}
	for name, bad := range map[string]string{
		"NotJSON":      `{"brand":`,
		"BadRegexp":    `[{"brand": "X", "pattern": "(("}]`,
		"UnknownGroup": `[{"brand": "X", "pattern": "(?P<decade>\\d)"}]`,
		"TwoPeriods":   `[{"brand": "X", "pattern": "(?P<year>\\d)(?P<month>\\d\\d)(?P<week>\\d\\d)"}]`,
		"NoBrand":      `[{"pattern": "x"}]`,
		"UnknownField": `[{"brand": "X", "pattern": "x", "colour": 1}]`,
	} {
		if _, err := scanner.ParseSerialRules([]byte(bad)); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

func FuzzSerialRules(f *testing.F) {
	f.Add([]byte(demoSerialRules), "Bosch", "FD9803-123456")
	f.Add([]byte(`[{"brand":"X","pattern":"(?P<year>\\d{4})(?P<doy>\\d{3})"}]`), "x", "2024366")
	f.Fuzz(func(t *testing.T, rules []byte, brand, serial string) {
		rs, err := scanner.ParseSerialRules(rules)
		if err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
		if info, ok := rs.Match(brand, serial, now); ok && info.Manufactured.After(now) {
			t.Fatalf("a date in the future: %+v", info)
		}
	})
}
