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
