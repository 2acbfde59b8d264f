package app_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

func TestRefused(t *testing.T) {
	tests := map[string]struct {
		err  error
		want bool
	}{
		"nil":               {nil, false},
		"invalid":           {app.Errorf(app.EINVALID, "k", "m"), true},
		"conflict":          {app.Errorf(app.ECONFLICT, "k", "m"), true},
		"forbidden":         {app.Errorf(app.EFORBIDDEN, "k", "m"), true},
		"not found wrapped": {fmt.Errorf("ticket.start.v1: %w", app.Errorf(app.ENOTFOUND, "k", "m")), true},
		"offline":           {app.Errorf(app.EOFFLINE, "k", "m"), false},
		"locked":            {app.Errorf(app.ELOCKED, "k", "m"), false},
		"corrupt":           {app.Errorf(app.ECORRUPT, "k", "m"), false},
		"unauthorized":      {app.Errorf(app.EUNAUTHORIZED, "k", "m"), false},
		"plain error":       {errors.New("disk full"), false},
		"cancelled":         {context.Canceled, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := app.Refused(tc.err); got != tc.want {
				t.Fatalf("Refused(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestValidResolution(t *testing.T) {
	for r, want := range map[string]bool{
		app.ResolveAcceptOurs: true, app.ResolveAcceptTheirs: true, app.ResolveDismissed: true,
		"": false, "dismiss": false, "ACCEPT_OURS": false, "accept_ours ": false,
	} {
		if got := app.ValidResolution(r); got != want {
			t.Errorf("ValidResolution(%q) = %v, want %v", r, got, want)
		}
	}
}
