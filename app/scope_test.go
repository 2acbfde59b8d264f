package app_test

import (
	"errors"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestCheckTicketScope: the rule's answers for every side's knowledge of a
// ticket outside the technician's scope, and that this knowledge is asked
// only then.
func TestCheckTicketScope(t *testing.T) {
	mine := app.Ticket{ID: "t1", Number: "FB-1", Technician: "tech-1", Epoch: 2}
	theirs := app.Ticket{ID: "t2", Number: "FB-2", Technician: "tech-2", Store: "store-1"}
	counter := app.Ticket{ID: "t3", Number: "FB-3", Store: "store-1"}
	orphan := app.Ticket{ID: "t4", Number: "FB-4"}
	field := app.Actor{Role: app.RoleTechnician, Technician: "tech-1"}
	clerk := app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Store: "store-1"}
	dispatch := app.Actor{Role: app.RoleDispatcher}
	storage := errors.New("storage failed")
	tests := []struct {
		name    string
		actor   app.Actor
		t       app.Ticket
		past    app.TicketPast
		pastErr error
		code    string // "" when allowed
		key     string
	}{
		{"own ticket", field, mine, app.PastNever, nil, "", ""},
		{"counter ticket as its clerk", clerk, counter, app.PastNever, nil, "", ""},
		{"dispatch on any", dispatch, theirs, app.PastNever, nil, "", ""},
		{"system on one assigned to no one", app.Actor{Role: app.RoleSystem}, orphan, app.PastNever, nil, "", ""},
		{"counter ticket as a field technician, held", field, counter, app.PastHeld, nil, app.EFORBIDDEN, "ticket.not_yours"},
		{"colleague's store ticket as the clerk, held", clerk, theirs, app.PastHeld, nil, app.EFORBIDDEN, "ticket.not_yours"},
		{"reassigned away", field, theirs, app.PastInScope, nil, app.ECONFLICT, "ticket.stale_epoch"},
		{"never in scope", field, theirs, app.PastNever, nil, app.ENOTFOUND, "central.not_found"},
		{"assigned to no one and no store", clerk, orphan, app.PastNever, nil, app.ENOTFOUND, "central.not_found"},
		{"the past cannot be read", field, theirs, app.PastNever, storage, app.EINTERNAL, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			asked := false
			err := app.CheckTicketScope(tc.actor, tc.t, func() (app.TicketPast, error) { asked = true; return tc.past, tc.pastErr })
			if tc.code == "" {
				if err != nil || asked {
					t.Fatalf("CheckTicketScope = %v (past asked: %v), want nil without asking", err, asked)
				}
				return
			}
			if tc.pastErr != nil {
				if !errors.Is(err, tc.pastErr) {
					t.Fatalf("CheckTicketScope = %v, want the storage error", err)
				}
				return
			}
			e := app.AsError(err)
			if e == nil || e.Code != tc.code || e.Key != tc.key {
				t.Fatalf("CheckTicketScope = %v, want %s %s", err, tc.code, tc.key)
			}
			if tc.key == "central.not_found" {
				// Nothing of the ticket but the ID the caller sent.
				if e.Text() != "No ticket "+string(tc.t.ID)+" on the server." {
					t.Fatalf("message %q names more than the ID", e.Text())
				}
			}
			if stale := errors.Is(err, app.ErrStaleEpoch); stale != (tc.past == app.PastInScope) {
				t.Fatalf("errors.Is(ErrStaleEpoch) = %v for %v", stale, err)
			}
		})
	}
}

// TestCheckEpoch: a technician's transition on another epoch is stale
// work; dispatch's carry none.
func TestCheckEpoch(t *testing.T) {
	tk := app.Ticket{ID: "t1", Number: "FB-1", Technician: "tech-1", Epoch: 2}
	tech := app.Actor{Role: app.RoleTechnician, Technician: "tech-1"}
	for _, tc := range []struct {
		actor app.Actor
		epoch int
		stale bool
	}{{tech, 2, false}, {tech, 1, true}, {tech, 3, true}, {app.Actor{Role: app.RoleDispatcher}, 0, false}} {
		if err := app.CheckEpoch(tc.actor, tk, tc.epoch); errors.Is(err, app.ErrStaleEpoch) != tc.stale || (err != nil) != tc.stale {
			t.Errorf("CheckEpoch(%s, epoch %d) = %v, want stale %v", tc.actor.Role, tc.epoch, err, tc.stale)
		}
	}
}
