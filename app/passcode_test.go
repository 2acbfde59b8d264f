package app_test

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

func TestSetPasscodeValidate(t *testing.T) {
	for name, tc := range map[string]struct {
		kind   app.PasscodeKind
		secret string
		key    string // "" when accepted
	}{
		"Pin":              {app.PasscodeText, "0815", ""},
		"Password":         {app.PasscodeText, "Zhōng wén 密码!", ""},
		"TextAtTheBound":   {app.PasscodeText, strings.Repeat("x", app.MaxPasscodeLen), ""},
		"TextTooLong":      {app.PasscodeText, strings.Repeat("x", app.MaxPasscodeLen+1), "passcode.too_long"},
		"TextNewline":      {app.PasscodeText, "12\n34", "passcode.control_chars"},
		"TextNotUTF8":      {app.PasscodeText, "12\xff", "passcode.control_chars"},
		"PatternFour":      {app.PasscodePattern, "1-5-9-6", ""},
		"PatternNine":      {app.PasscodePattern, "1-2-3-6-5-4-7-8-9", ""},
		"PatternThree":     {app.PasscodePattern, "1-5-9", "passcode.bad_pattern"},
		"PatternTen":       {app.PasscodePattern, "1-2-3-4-5-6-7-8-9-1", "passcode.bad_pattern"},
		"PatternRepeat":    {app.PasscodePattern, "1-5-1-6", "passcode.bad_pattern"},
		"PatternZero":      {app.PasscodePattern, "0-5-9-6", "passcode.bad_pattern"},
		"PatternTwoDigits": {app.PasscodePattern, "12-5-9-6", "passcode.bad_pattern"},
		"PatternNoDashes":  {app.PasscodePattern, "1596", "passcode.bad_pattern"},
		"PatternTrailing":  {app.PasscodePattern, "1-5-9-6-", "passcode.bad_pattern"},
		"UnknownKind":      {"face", "1234", "passcode.bad_kind"},
		"NoKind":           {"", "1234", "mutation.missing_field"},
		"EraseText":        {app.PasscodeText, "", ""},
		"EraseWithoutKind": {"", "", ""},
		"EraseUnknownKind": {"face", "", "passcode.bad_kind"},
	} {
		t.Run(name, func(t *testing.T) {
			err := (&app.SetPasscode{Ticket: "tk-1", Kind: tc.kind, Secret: tc.secret}).Validate()
			if got := app.AsError(err); tc.key == "" && err != nil || tc.key != "" && (got == nil || got.Key != tc.key) {
				t.Fatalf("Validate = %v, want key %q", err, tc.key)
			}
			if err != nil && tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
				t.Errorf("the error quotes the passcode: %v", err)
			}
		})
	}
	if err := (&app.SetPasscode{Kind: app.PasscodeText, Secret: "1234"}).Validate(); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("no ticket: %v, want EINVALID", err)
	}
}

func TestPatternDots(t *testing.T) {
	dots, ok := app.PatternDots("7-4-1-2")
	if !ok || app.PatternText(dots) != "7-4-1-2" || len(dots) != 4 || dots[0] != 7 || dots[3] != 2 {
		t.Errorf("PatternDots(7-4-1-2) = %v, %v", dots, ok)
	}
}

// TestSetPasscodeWho: counter staff of the ticket's store and the
// ticket's technician may; a colleague, a field technician of another
// store and dispatch may not; a closed or cancelled ticket takes no new
// passcode but may be erased; nothing changes on a refusal.
func TestSetPasscodeWho(t *testing.T) {
	const store app.StoreID = "store-1"
	ticket := func(tech app.TechnicianID, s app.Status) app.Ticket {
		return app.Ticket{ID: "tk-1", Number: "FB-1", Kind: app.KindCarryIn, Country: "CN", Store: store, Technician: tech, Epoch: 1, Status: s,
			Priority: 3, Customer: app.Customer{Name: "Li Na", Phone: "138"}, Product: app.Product{Category: app.CategoryPhone, Brand: "Huawei"}}
	}
	bench := app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Name: "Ana"}
	clerk := app.Actor{Role: app.RoleTechnician, Technician: "tech-3", Store: store, Name: "Cai"}
	otherClerk := app.Actor{Role: app.RoleTechnician, Technician: "tech-4", Store: "store-2", Name: "Dan"}
	colleague := app.Actor{Role: app.RoleTechnician, Technician: "tech-2", Name: "Bo"}
	dispatch := app.Actor{Role: app.RoleDispatcher, Name: "Dispatch"}
	for name, tc := range map[string]struct {
		actor  app.Actor
		ticket app.Ticket
		secret string
		code   string // "" when accepted
		key    string
	}{
		"ClerkAtCounter":         {clerk, ticket("", app.StatusAssigned), "1234", "", ""},
		"ClerkColleaguesTicket":  {clerk, ticket("tech-1", app.StatusInProgress), "1234", "", ""},
		"Technician":             {bench, ticket("tech-1", app.StatusInProgress), "1234", "", ""},
		"ColleagueOfStore":       {colleague, ticket("tech-1", app.StatusInProgress), "1234", app.ENOTFOUND, ""},
		"ClerkOfAnotherStore":    {otherClerk, ticket("tech-1", app.StatusInProgress), "1234", app.ENOTFOUND, ""},
		"Dispatch":               {dispatch, ticket("tech-1", app.StatusInProgress), "1234", app.EFORBIDDEN, "passcode.not_allowed"},
		"DispatchErases":         {dispatch, ticket("tech-1", app.StatusInProgress), "", app.EFORBIDDEN, "passcode.not_allowed"},
		"Closed":                 {clerk, ticket("tech-1", app.StatusClosed), "1234", app.EINVALID, "passcode.ticket_closed"},
		"Cancelled":              {bench, ticket("tech-1", app.StatusCancelled), "1234", app.EINVALID, "passcode.ticket_closed"},
		"ClosedErase":            {clerk, ticket("tech-1", app.StatusClosed), "", "", ""},
		"CompletedStillTakesOne": {clerk, ticket("tech-1", app.StatusCompleted), "1234", "", ""},
	} {
		t.Run(name, func(t *testing.T) {
			m := newMemTx()
			m.tickets[tc.ticket.ID] = tc.ticket
			m.passcodes[tc.ticket.ID] = app.Passcode{Ticket: tc.ticket.ID, Kind: app.PasscodeText, Secret: "old-9"}
			err := (&app.SetPasscode{Ticket: tc.ticket.ID, Kind: app.PasscodeText, Secret: tc.secret}).Apply(t.Context(), m, tc.actor, now)
			got, _ := m.Passcode(t.Context(), tc.ticket.ID)
			if tc.code == "" {
				if err != nil || got.Secret != tc.secret {
					t.Fatalf("Apply = %v, passcode %q; want %q", err, got.Secret, tc.secret)
				}
				return
			}
			if app.ErrorCode(err) != tc.code || tc.key != "" && app.AsError(err).Key != tc.key {
				t.Fatalf("Apply = %v, want %s %s", err, tc.code, tc.key)
			}
			if got.Secret != "old-9" {
				t.Errorf("a refused mutation changed the passcode to %q", got.Secret)
			}
		})
	}
}
