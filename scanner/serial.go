package scanner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// SerialRule says how one brand's serial numbers look and, when they
// encode it, where the manufacture date sits. Rules are data (a JSON list
// an administrator can extend), not code, because every brand and product
// line has its own scheme.
//
// Pattern is a regular expression over the whole serial (upper case) with
// named groups for the date:
//   - year: the year's last digits; the year is the latest one not after
//     today that ends in them (after adding YearOffset), so a one-digit
//     year means the last ten years;
//   - month (1-12), week (ISO week 1-53) or day of year (doy, 1-366);
//     at most one of them.
//
// Example: Bosch "FD" numbers count years from 1920: "FD9803-…" is March
// 2018, with {"pattern": "^FD(?P<year>\\d{2})(?P<month>\\d{2})-", "year_offset": 1920}.
type SerialRule struct {
	Brand      string `json:"brand"`
	Pattern    string `json:"pattern"`
	YearOffset int    `json:"year_offset,omitempty"`
	re         *regexp.Regexp
}

// SerialInfo is what a rule read from a serial number.
type SerialInfo struct {
	Brand string
	// Manufactured is the first day of the period the serial names
	// (UTC); zero when the rule matched but encodes no date.
	Manufactured time.Time
	// Precision is "year", "month", "week" or "day"; "" without a date.
	Precision string
}

// SerialRules is a compiled list of rules, tried in order.
type SerialRules []SerialRule

// maxSerialRules bounds a rules file; a brand needs a handful.
const maxSerialRules = 1000

// ParseSerialRules reads a JSON list of rules and compiles them. A bad
// rule refuses the whole list with its position, so a typo never
// silently stops dates from being read.
func ParseSerialRules(data []byte) (SerialRules, error) {
	var rules SerialRules
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rules); err != nil {
		return nil, app.Errorf(app.EINVALID, "serial.rules_json", "The serial-number rules are not a valid JSON list: {{.Detail}}", "Detail", err.Error())
	}
	if len(rules) > maxSerialRules {
		return nil, app.Errorf(app.EINVALID, "serial.rules_many", "At most {{.Max}} serial-number rules.", "Max", maxSerialRules)
	}
	for i := range rules {
		if err := rules[i].compile(); err != nil {
			return nil, app.Errorf(app.EINVALID, "serial.rule_bad", "Serial-number rule {{.N}} ({{.Brand}}) is wrong: {{.Detail}}", "N", i+1, "Brand", rules[i].Brand, "Detail", err.Error())
		}
	}
	return rules, nil
}

func (r *SerialRule) compile() error {
	if strings.TrimSpace(r.Brand) == "" {
		return fmt.Errorf("no brand")
	}
	re, err := regexp.Compile(r.Pattern)
	if err != nil {
		return err
	}
	periods := 0
	for _, name := range re.SubexpNames() {
		switch name {
		case "", "year":
		case "month", "week", "doy":
			periods++
		default:
			return fmt.Errorf("unknown group %q (use year, month, week or doy)", name)
		}
	}
	if periods > 1 {
		return fmt.Errorf("more than one of month, week and doy")
	}
	r.re = re
	return nil
}

// Match reads serial with the first rule of brand (case-insensitive) whose
// pattern matches. ok is false when no rule of the brand matches, or the
// date it encodes is impossible (month 13) or in the future.
func (rs SerialRules) Match(brand, serial string, now time.Time) (SerialInfo, bool) {
	s := strings.ToUpper(strings.TrimSpace(serial))
	for _, r := range rs {
		if r.re == nil || !strings.EqualFold(r.Brand, brand) {
			continue
		}
		m := r.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		info := SerialInfo{Brand: r.Brand}
		groups := map[string]string{}
		for i, name := range r.re.SubexpNames() {
			if name != "" && m[i] != "" {
				groups[name] = m[i]
			}
		}
		y, ok := groups["year"]
		if !ok {
			return info, true
		}
		year, ok := resolveYear(y, r.YearOffset, now.Year())
		if !ok {
			return SerialInfo{}, false
		}
		date, precision, ok := periodStart(year, groups)
		if !ok || date.After(now) {
			return SerialInfo{}, false
		}
		info.Manufactured, info.Precision = date, precision
		return info, true
	}
	return SerialInfo{}, false
}

// resolveYear turns the last digits of a year into the latest year not
// after this one that ends in them.
func resolveYear(digits string, offset, thisYear int) (int, bool) {
	v, err := strconv.Atoi(digits)
	if err != nil || len(digits) > 4 {
		return 0, false
	}
	mod := 1
	for range len(digits) {
		mod *= 10
	}
	want := ((offset+v)%mod + mod) % mod
	y := thisYear - ((thisYear%mod-want)%mod+mod)%mod
	return y, y > 1900
}

func periodStart(year int, g map[string]string) (time.Time, string, bool) {
	num := func(s string, lo, hi int) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= lo && n <= hi
	}
	switch {
	case g["month"] != "":
		m, ok := num(g["month"], 1, 12)
		return time.Date(year, time.Month(m), 1, 0, 0, 0, 0, time.UTC), "month", ok
	case g["week"] != "":
		w, ok := num(g["week"], 1, 53)
		if !ok {
			return time.Time{}, "", false
		}
		// ISO week 1 holds 4 January; weeks start on Monday.
		jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
		monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
		d := monday.AddDate(0, 0, 7*(w-1))
		if wy, _ := d.ISOWeek(); wy != year {
			return time.Time{}, "", false // week 53 of a year with 52
		}
		return d, "week", true
	case g["doy"] != "":
		n, ok := num(g["doy"], 1, 366)
		d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n-1)
		return d, "day", ok && d.Year() == year
	}
	return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), "year", true
}
