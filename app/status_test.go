package app_test

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

func TestTransition(t *testing.T) {
	onSite := func(s app.Status) app.Ticket {
		return app.Ticket{Kind: app.KindOnSite, Status: s, Diagnosis: "pump blocked"}
	}
	carryIn := func(s app.Status) app.Ticket {
		return app.Ticket{Kind: app.KindCarryIn, Status: s, Diagnosis: "battery swollen"}
	}
	tests := map[string]struct {
		ticket  app.Ticket
		action  app.Action
		in      app.TransitionInput
		want    app.Status
		errKey  string
		errCode string
	}{
		"OK depart":                    {ticket: onSite(app.StatusAssigned), action: app.ActionDepart, want: app.StatusEnRoute},
		"OK arrive":                    {ticket: onSite(app.StatusEnRoute), action: app.ActionArrive, want: app.StatusOnSite},
		"OK start on site":             {ticket: onSite(app.StatusOnSite), action: app.ActionStart, want: app.StatusInProgress},
		"OK start carry-in":            {ticket: carryIn(app.StatusAssigned), action: app.ActionStart, want: app.StatusInProgress},
		"OK wait for parts":            {ticket: carryIn(app.StatusInProgress), action: app.ActionWait, in: app.TransitionInput{Reason: "battery EB-1"}, want: app.StatusWaitingParts},
		"OK resume":                    {ticket: carryIn(app.StatusWaitingParts), action: app.ActionResume, want: app.StatusInProgress},
		"OK depart again after a wait": {ticket: onSite(app.StatusWaitingParts), action: app.ActionDepart, want: app.StatusEnRoute},
		"OK resume on site":            {ticket: onSite(app.StatusWaitingParts), action: app.ActionResume, want: app.StatusInProgress},
		"ErrDepartCarryInWaiting":      {ticket: carryIn(app.StatusWaitingParts), action: app.ActionDepart, errKey: "transition.not_on_site", errCode: app.ECONFLICT},
		"ErrDepartMailInWaiting":       {ticket: app.Ticket{Kind: app.KindMailIn, Status: app.StatusWaitingParts}, action: app.ActionDepart, errKey: "transition.not_on_site", errCode: app.ECONFLICT},
		"ErrDepartInProgress":          {ticket: onSite(app.StatusInProgress), action: app.ActionDepart, errKey: "transition.not_from", errCode: app.ECONFLICT},
		"OK complete repaired":         {ticket: carryIn(app.StatusInProgress), action: app.ActionComplete, in: app.TransitionInput{RepairEntries: 1, Resolution: app.ResolutionRepaired}, want: app.StatusCompleted},
		"OK complete no fault":         {ticket: app.Ticket{Kind: app.KindCarryIn, Status: app.StatusInProgress}, action: app.ActionComplete, in: app.TransitionInput{Resolution: app.ResolutionNoFault}, want: app.StatusCompleted},
		"OK complete code on ticket":   {ticket: app.Ticket{Kind: app.KindCarryIn, Status: app.StatusInProgress, Diagnosis: "x", ResolutionCode: app.ResolutionAdjusted}, action: app.ActionComplete, in: app.TransitionInput{RepairEntries: 2}, want: app.StatusCompleted},
		"OK fail with reason":          {ticket: onSite(app.StatusOnSite), action: app.ActionFail, in: app.TransitionInput{Reason: "customer not home"}, want: app.StatusCannotComplete},
		"OK cancel":                    {ticket: onSite(app.StatusEnRoute), action: app.ActionCancel, in: app.TransitionInput{Reason: "customer cancelled"}, want: app.StatusCancelled},
		"OK close completed":           {ticket: carryIn(app.StatusCompleted), action: app.ActionClose, want: app.StatusClosed},
		"OK reopen":                    {ticket: carryIn(app.StatusCompleted), action: app.ActionReopen, in: app.TransitionInput{Reason: "fault returned"}, want: app.StatusAssigned},
		"ErrStartBeforeArrival":        {ticket: onSite(app.StatusAssigned), action: app.ActionStart, errKey: "transition.start_needs_arrival", errCode: app.ECONFLICT},
		"ErrDepartCarryIn":             {ticket: carryIn(app.StatusAssigned), action: app.ActionDepart, errKey: "transition.not_on_site", errCode: app.ECONFLICT},
		"ErrCompleteNoResolution":      {ticket: carryIn(app.StatusInProgress), action: app.ActionComplete, in: app.TransitionInput{RepairEntries: 1}, errKey: "transition.complete_needs_resolution", errCode: app.EINVALID},
		"ErrCompleteNoRepair":          {ticket: carryIn(app.StatusInProgress), action: app.ActionComplete, in: app.TransitionInput{Resolution: app.ResolutionRepaired}, errKey: "transition.complete_needs_repair", errCode: app.EINVALID},
		"ErrCompleteNoDiagnosis":       {ticket: app.Ticket{Kind: app.KindCarryIn, Status: app.StatusInProgress}, action: app.ActionComplete, in: app.TransitionInput{RepairEntries: 1, Resolution: app.ResolutionRepaired}, errKey: "transition.complete_needs_diagnosis", errCode: app.EINVALID},
		"ErrCompleteBadResolution":     {ticket: carryIn(app.StatusInProgress), action: app.ActionComplete, in: app.TransitionInput{RepairEntries: 1, Resolution: "fixed-ish"}, errKey: "ticket.invalid.resolution", errCode: app.EINVALID},
		"ErrCompleteFromAssigned":      {ticket: carryIn(app.StatusAssigned), action: app.ActionComplete, in: app.TransitionInput{RepairEntries: 1, Resolution: app.ResolutionRepaired}, errKey: "transition.not_from", errCode: app.ECONFLICT},
		"ErrWaitNoReason":              {ticket: carryIn(app.StatusInProgress), action: app.ActionWait, in: app.TransitionInput{Reason: "  "}, errKey: "transition.wait_needs_reason", errCode: app.EINVALID},
		"ErrFailNoReason":              {ticket: carryIn(app.StatusInProgress), action: app.ActionFail, errKey: "transition.needs_reason", errCode: app.EINVALID},
		"ErrCancelClosed":              {ticket: carryIn(app.StatusClosed), action: app.ActionCancel, in: app.TransitionInput{Reason: "x"}, errKey: "transition.not_from", errCode: app.ECONFLICT},
		"ErrCancelCompleted":           {ticket: carryIn(app.StatusCompleted), action: app.ActionCancel, in: app.TransitionInput{Reason: "x"}, errKey: "transition.not_from", errCode: app.ECONFLICT},
		"ErrReopenCancelled":           {ticket: carryIn(app.StatusCancelled), action: app.ActionReopen, in: app.TransitionInput{Reason: "x"}, errKey: "transition.not_from", errCode: app.ECONFLICT},
		"ErrUnknownAction":             {ticket: carryIn(app.StatusAssigned), action: "teleport", errKey: "transition.unknown", errCode: app.EINVALID},
		"ErrResumeWhenNotWaiting":      {ticket: carryIn(app.StatusInProgress), action: app.ActionResume, errKey: "transition.not_from", errCode: app.ECONFLICT},
		"ErrCloseInProgress":           {ticket: carryIn(app.StatusInProgress), action: app.ActionClose, errKey: "transition.not_from", errCode: app.ECONFLICT},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := app.Transition(tc.ticket, tc.action, tc.in)
			if tc.errKey == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if got != tc.want || tc.action.To() != tc.want {
					t.Fatalf("status = %s (To %s), want %s", got, tc.action.To(), tc.want)
				}
				return
			}
			e := app.AsError(err)
			if e == nil || e.Key != tc.errKey || e.Code != tc.errCode {
				t.Fatalf("error = %#v, want key %s code %s", e, tc.errKey, tc.errCode)
			}
			if e.Text() == "" || e.Text() == e.Message && len(e.Data) > 0 {
				t.Fatalf("message not rendered: %q", e.Text())
			}
		})
	}
}

// Every status can reach a terminal status, and terminal statuses allow no
// way out but the documented ones.
func TestStateMachineReachability(t *testing.T) {
	for _, kind := range []app.TicketKind{app.KindOnSite, app.KindCarryIn, app.KindMailIn} {
		seen := map[app.Status]bool{app.StatusAssigned: true}
		queue := []app.Status{app.StatusAssigned}
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			tk := app.Ticket{Kind: kind, Status: s, Diagnosis: "d"}
			for _, a := range app.Actions {
				to, err := app.Transition(tk, a, app.TransitionInput{RepairEntries: 1, Resolution: app.ResolutionRepaired, Reason: "r"})
				if err == nil && !seen[to] {
					seen[to] = true
					queue = append(queue, to)
				}
			}
		}
		for _, s := range []app.Status{app.StatusInProgress, app.StatusCompleted, app.StatusClosed, app.StatusCancelled, app.StatusCannotComplete, app.StatusWaitingParts} {
			if !seen[s] {
				t.Errorf("%s: %s unreachable", kind, s)
			}
		}
		if kind != app.KindOnSite && (seen[app.StatusEnRoute] || seen[app.StatusOnSite]) {
			t.Errorf("%s reaches travel statuses", kind)
		}
	}
	for _, s := range []app.Status{app.StatusCancelled, app.StatusClosed} {
		for _, a := range app.Actions {
			if _, err := app.Transition(app.Ticket{Kind: app.KindOnSite, Status: s, Diagnosis: "d"}, a, app.TransitionInput{RepairEntries: 1, Resolution: app.ResolutionRepaired, Reason: "r"}); err == nil {
				t.Errorf("%s allows %s", s, a)
			}
		}
	}
}

func TestAvailableActions(t *testing.T) {
	tk := app.Ticket{Kind: app.KindOnSite, Status: app.StatusInProgress}
	checks := app.AvailableActions(tk, 0)
	got := map[app.Action]app.ActionCheck{}
	for _, c := range checks {
		got[c.Action] = c
	}
	if _, ok := got[app.ActionDepart]; ok {
		t.Error("depart offered from in progress")
	}
	if c := got[app.ActionComplete]; !c.Allowed {
		// No repairs and no diagnosis: "no fault found" still completes.
		t.Errorf("complete should be allowed via no-fault: %v", c.Reason)
	}
	if c := got[app.ActionWait]; !c.Allowed {
		t.Errorf("wait should be allowed: %v", c.Reason)
	}
	tk = app.Ticket{Kind: app.KindOnSite, Status: app.StatusAssigned}
	for _, c := range app.AvailableActions(tk, 0) {
		if c.Action == app.ActionStart {
			if c.Allowed || app.AsError(c.Reason).Key != "transition.start_needs_arrival" {
				t.Errorf("start from assigned on-site: %+v", c)
			}
		}
	}
	for _, st := range []app.Status{app.StatusAssigned, app.StatusWaitingParts} {
		for _, c := range app.AvailableActions(app.Ticket{Kind: app.KindCarryIn, Status: st}, 0) {
			if c.Action == app.ActionDepart || c.Action == app.ActionArrive {
				t.Errorf("a carry-in %s is offered the travel step %s", st, c.Action)
			}
		}
	}
	// An on-site ticket waiting for a part: the second visit's departure
	// and, for a part that came while the technician is there, resume.
	waiting := map[app.Action]bool{}
	for _, c := range app.AvailableActions(app.Ticket{Kind: app.KindOnSite, Status: app.StatusWaitingParts}, 0) {
		waiting[c.Action] = c.Allowed
	}
	if !waiting[app.ActionDepart] || !waiting[app.ActionResume] {
		t.Errorf("on-site waiting for parts: depart %v, resume %v; want both allowed", waiting[app.ActionDepart], waiting[app.ActionResume])
	}
}

func TestValidStep(t *testing.T) {
	for _, tc := range []struct {
		from, to app.Status
		want     bool
	}{
		{app.StatusAssigned, app.StatusEnRoute, true},
		{app.StatusWaitingParts, app.StatusEnRoute, true}, // a second visit
		{app.StatusInProgress, app.StatusEnRoute, false},
		{app.StatusInProgress, app.StatusCompleted, true},
		{app.StatusWaitingParts, app.StatusAssigned, true}, // reassigned
		{app.StatusAssigned, app.StatusCompleted, false},
		{app.StatusCancelled, app.StatusInProgress, false},
		{app.StatusClosed, app.StatusAssigned, false},
		{app.StatusCompleted, app.StatusAssigned, true}, // reopened
		{app.StatusOnSite, app.StatusOnSite, true},
	} {
		if got := app.ValidStep(tc.from, tc.to); got != tc.want {
			t.Errorf("ValidStep(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}

// TestCompleteMissing: the checklist names everything missing at once, and
// Transition refuses with its first item.
func TestCompleteMissing(t *testing.T) {
	bare := app.Ticket{Kind: app.KindCarryIn, Status: app.StatusInProgress}
	diagnosed := app.Ticket{Kind: app.KindCarryIn, Status: app.StatusInProgress, Diagnosis: "pump blocked"}
	tests := map[string]struct {
		ticket app.Ticket
		in     app.TransitionInput
		want   []string
	}{
		"Everything":           {ticket: bare, want: []string{"transition.complete_needs_resolution", "transition.complete_needs_repair", "transition.complete_needs_diagnosis"}},
		"RepairAndDiagnosis":   {ticket: bare, in: app.TransitionInput{Resolution: app.ResolutionRepaired}, want: []string{"transition.complete_needs_repair", "transition.complete_needs_diagnosis"}},
		"NoFaultNeedsNothing":  {ticket: bare, in: app.TransitionInput{Resolution: app.ResolutionNoFault}},
		"NotRepairedDiagnosis": {ticket: bare, in: app.TransitionInput{Resolution: app.ResolutionNotRepaired}, want: []string{"transition.complete_needs_diagnosis"}},
		"OnlyResolution":       {ticket: diagnosed, in: app.TransitionInput{RepairEntries: 1}, want: []string{"transition.complete_needs_resolution"}},
		"Complete":             {ticket: diagnosed, in: app.TransitionInput{RepairEntries: 1, Resolution: app.ResolutionRepaired}},
		"UnknownCode":          {ticket: diagnosed, in: app.TransitionInput{Resolution: "fixed-ish"}, want: []string{"ticket.invalid.resolution"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			missing := app.CompleteMissing(tc.ticket, tc.in)
			var got []string
			for _, err := range missing {
				got = append(got, keyOf(err))
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("missing %v, want %v", got, tc.want)
			}
			_, err := app.Transition(tc.ticket, app.ActionComplete, tc.in)
			switch {
			case len(tc.want) == 0 && err != nil:
				t.Fatalf("Transition refused with nothing missing: %v", err)
			case len(tc.want) > 0 && keyOf(err) != tc.want[0]:
				t.Fatalf("Transition refused with %q, want the first item %q", keyOf(err), tc.want[0])
			}
		})
	}
}

// keyOf is err's translation key, "" for nil or another error type.
func keyOf(err error) string {
	if e := app.AsError(err); e != nil {
		return e.Key
	}
	return ""
}

// TestCountsRepairs: an action whose guard never reads the repair count
// says so, so TransitionTicket.Apply may skip counting: for every action,
// status, kind and resolution, Transition answers the same with no entry
// and with one unless CountsRepairs; and Complete's answer does depend on
// it.
func TestCountsRepairs(t *testing.T) {
	depends := map[app.Action]bool{}
	for _, a := range app.Actions {
		for _, s := range app.Statuses {
			for _, kind := range []app.TicketKind{app.KindOnSite, app.KindCarryIn} {
				for _, res := range []app.Resolution{"", app.ResolutionRepaired, app.ResolutionNoFault} {
					tk := app.Ticket{Kind: kind, Status: s, Diagnosis: "pump blocked"}
					in := app.TransitionInput{Resolution: res, Reason: "a reason"}
					to0, err0 := app.Transition(tk, a, in)
					in.RepairEntries = 1
					to1, err1 := app.Transition(tk, a, in)
					if to0 != to1 || app.ErrorMessage(err0) != app.ErrorMessage(err1) {
						depends[a] = true
					}
				}
			}
		}
	}
	for _, a := range app.Actions {
		if depends[a] && !a.CountsRepairs() {
			t.Errorf("%s: Transition reads the repair count but CountsRepairs is false", a)
		}
	}
	if !depends[app.ActionComplete] || !app.ActionComplete.CountsRepairs() {
		t.Errorf("complete: depends on the repair count %v, CountsRepairs %v; want both", depends[app.ActionComplete], app.ActionComplete.CountsRepairs())
	}
}

// TestAfterParts: a visit whose parts arrived goes back out, a bench job
// resumes, and the step named is one the ticket may take from waiting;
// a list row without a kind names none. Row carries the kind the badge
// reads.
func TestAfterParts(t *testing.T) {
	for _, c := range []struct {
		kind app.TicketKind
		want app.Action
	}{
		{app.KindOnSite, app.ActionDepart},
		{app.KindCarryIn, app.ActionResume},
		{app.KindMailIn, app.ActionResume},
		{"", ""},
	} {
		got := app.AfterParts(c.kind)
		if got != c.want {
			t.Errorf("AfterParts(%q) = %q, want %q", c.kind, got, c.want)
		}
		tk := app.Ticket{Kind: c.kind, Status: app.StatusWaitingParts}
		if got != "" {
			if to, err := app.Transition(tk, got, app.TransitionInput{}); err != nil || to != got.To() {
				t.Errorf("%s waiting for parts: %s refused (%v)", c.kind, got, err)
			}
		}
		if r := tk.Row(); r.Kind != c.kind {
			t.Errorf("Row of a %q ticket has kind %q", c.kind, r.Kind)
		}
	}
}
