package app_test

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

func TestLocationValidate(t *testing.T) {
	tests := map[string]struct {
		l   app.Location
		key string // "" when valid
	}{
		"van":          {app.Location{ID: "van-1", Kind: app.LocationVan, Name: "Van 1"}, ""},
		"defective":    {app.Location{ID: "bin", Kind: app.LocationDefective, Name: "Returns", Owner: "tech-1"}, ""},
		"no id":        {app.Location{Kind: app.LocationVan, Name: "Van"}, "location.invalid.id"},
		"long id":      {app.Location{ID: app.LocationID(strings.Repeat("x", app.MaxIDLen+1)), Kind: app.LocationVan, Name: "Van"}, "location.invalid.id"},
		"blank name":   {app.Location{ID: "v", Kind: app.LocationVan, Name: " "}, "location.invalid.name"},
		"unknown kind": {app.Location{ID: "v", Kind: "spaceship", Name: "Ship"}, "location.invalid.kind"},
		"no kind":      {app.Location{ID: "v", Name: "Van"}, "location.invalid.kind"},
		"lead time":    {app.Location{ID: "s", Kind: app.LocationStore, Name: "Overseas", LeadWeeks: app.MaxLeadWeeks}, ""},
		"lead 1 week":  {app.Location{ID: "s", Kind: app.LocationStore, Name: "Near", LeadWeeks: app.MinLeadWeeks}, ""},
		"lead too long": {app.Location{ID: "s", Kind: app.LocationStore, Name: "Overseas", LeadWeeks: app.MaxLeadWeeks + 1},
			"location.invalid.lead_weeks"},
		"lead negative": {app.Location{ID: "s", Kind: app.LocationStore, Name: "Overseas", LeadWeeks: -1}, "location.invalid.lead_weeks"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.l.Validate()
			if tc.key == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if e := app.AsError(err); e == nil || e.Code != app.EINVALID || e.Key != tc.key {
				t.Fatalf("Validate() = %v, want invalid %s", err, tc.key)
			}
		})
	}
}

func TestParseLeadWeeks(t *testing.T) {
	tests := map[string]struct {
		in   string
		want int
		ok   bool
	}{
		"empty":      {"", 0, true},
		"blank":      {"  ", 0, true},
		"six":        {"6", 6, true},
		"spaces":     {" 6 ", 6, true},
		"full-width": {"１２", 12, true},
		"longest":    {"26", 26, true},
		"zero":       {"0", 0, false},
		"too long":   {"27", 0, false},
		"negative":   {"-3", 0, false},
		"text":       {"six", 0, false},
		"fraction":   {"2.5", 0, false},
		"unit":       {"6 weeks", 0, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := app.ParseLeadWeeks("store-x", tc.in)
			if !tc.ok {
				if e := app.AsError(err); e == nil || e.Key != "location.invalid.lead_weeks" || e.Data["ID"] != "store-x" {
					t.Fatalf("ParseLeadWeeks(%q) = %d, %v; want refused with location.invalid.lead_weeks", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseLeadWeeks(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
			}
		})
	}
}
