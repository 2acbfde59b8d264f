package app

import "strings"

// Status is where a ticket is in its life.
type Status string

const (
	StatusAssigned       Status = "assigned"        // dispatched to a technician or store
	StatusEnRoute        Status = "en_route"        // technician travelling (on-site only)
	StatusOnSite         Status = "on_site"         // technician at the customer (on-site only)
	StatusInProgress     Status = "in_progress"     // being diagnosed or repaired
	StatusWaitingParts   Status = "waiting_parts"   // blocked on parts
	StatusCompleted      Status = "completed"       // work done, awaiting close or pick-up
	StatusCannotComplete Status = "cannot_complete" // work stopped; needs dispatch
	StatusCancelled      Status = "cancelled"       // withdrawn; terminal
	StatusClosed         Status = "closed"          // done and handed back; terminal
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusAssigned, StatusEnRoute, StatusOnSite, StatusInProgress, StatusWaitingParts, StatusCompleted, StatusCannotComplete, StatusCancelled, StatusClosed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Open reports whether work can still happen on a ticket in status s.
func (s Status) Open() bool {
	switch s {
	case StatusCompleted, StatusCannotComplete, StatusCancelled, StatusClosed:
		return false
	}
	return true
}

// Terminal reports whether a ticket in status s is over for good (closed
// or cancelled): only a terminal ticket leaves the office's board of open
// work, since a completed or failed one still waits on a close or on
// dispatch.
func (s Status) Terminal() bool { return s == StatusClosed || s == StatusCancelled }

// Action is a workflow step a person takes on a ticket.
type Action string

const (
	ActionDepart   Action = "depart"     // assigned/waiting for parts -> en route (on-site only)
	ActionArrive   Action = "arrive"     // en route -> on site
	ActionStart    Action = "start"      // assigned/on site -> in progress
	ActionWait     Action = "wait_parts" // in progress -> waiting for parts
	ActionResume   Action = "resume"     // waiting for parts -> in progress (the part came to the bench or while still there)
	ActionComplete Action = "complete"   // in progress -> completed
	ActionFail     Action = "fail"       // in progress/on site/waiting -> cannot complete
	ActionCancel   Action = "cancel"     // any open -> cancelled (dispatcher or counter)
	ActionClose    Action = "close"      // completed/cannot complete -> closed (picked up, signed off)
	ActionReopen   Action = "reopen"     // completed/cannot complete -> assigned (rework, reschedule)
)

// Actions lists every workflow action in the order buttons show them.
var Actions = []Action{ActionDepart, ActionArrive, ActionStart, ActionWait, ActionResume, ActionComplete, ActionFail, ActionCancel, ActionClose, ActionReopen}

// TransitionInput is what a guard may look at besides the ticket itself:
// the facts recorded on it and what the person typed with the action.
type TransitionInput struct {
	RepairEntries int        // repair log entries recorded on the ticket
	Resolution    Resolution // resolution code given with complete (or already on the ticket)
	Reason        string     // why: required for wait, fail, cancel, reopen
}

type edge struct {
	from []Status
	to   Status
}

// edges are the steps of the machine. An on-site ticket that waited for a
// part is usually finished on a second visit: depart from waiting_parts
// records the drive back (en_route, then arrive and start as on the first
// visit), so its travel is counted (SiteClock) and the customer can be
// told "on my way" (NoticeAllowed). Resume stays for a carry-in's bench
// and for a part that came while the technician was still at the
// customer's.
var edges = map[Action]edge{
	ActionDepart:   {[]Status{StatusAssigned, StatusWaitingParts}, StatusEnRoute},
	ActionArrive:   {[]Status{StatusEnRoute}, StatusOnSite},
	ActionStart:    {[]Status{StatusAssigned, StatusOnSite}, StatusInProgress},
	ActionWait:     {[]Status{StatusInProgress}, StatusWaitingParts},
	ActionResume:   {[]Status{StatusWaitingParts}, StatusInProgress},
	ActionComplete: {[]Status{StatusInProgress}, StatusCompleted},
	ActionFail:     {[]Status{StatusOnSite, StatusInProgress, StatusWaitingParts}, StatusCannotComplete},
	ActionCancel:   {[]Status{StatusAssigned, StatusEnRoute, StatusOnSite, StatusInProgress, StatusWaitingParts}, StatusCancelled},
	ActionClose:    {[]Status{StatusCompleted, StatusCannotComplete}, StatusClosed},
	ActionReopen:   {[]Status{StatusCompleted, StatusCannotComplete}, StatusAssigned},
}

// AfterParts is the step that takes up a ticket of kind k waiting for
// parts once they all arrived: the drive back for a visit (ActionDepart,
// its second visit), ActionResume for a bench job (carry-in, mail-in),
// and "" for a kind not known (a list row written before rows kept it),
// for which a screen says only that the parts arrived. The ticket list's
// badge and the card's line name the same step, so both point at the
// button the card pins (primaryOrder in ui).
func AfterParts(k TicketKind) Action {
	switch k {
	case KindOnSite:
		return ActionDepart
	case KindCarryIn, KindMailIn:
		return ActionResume
	}
	return ""
}

// CountsRepairs reports whether Transition's guard for a reads
// TransitionInput.RepairEntries (Complete's checklist does): a caller
// counts the entries only then, sparing a query on every other step.
func (a Action) CountsRepairs() bool { return a == ActionComplete }

// To is the status action a leads to, "" for an unknown action. Whether a
// may be taken now is Transition's to say; a view showing a step already
// saved needs only where it led.
func (a Action) To() Status { return edges[a].to }

// Transition is the ticket state machine as a pure function: it returns the
// status that action a leads to from t's status, or an *Error whose message
// a technician can read, saying why the action is not allowed now.
func Transition(t Ticket, a Action, in TransitionInput) (Status, error) {
	if err := StepAllowed(t, a); err != nil {
		return "", err
	}
	reason := strings.TrimSpace(in.Reason)
	switch a {
	case ActionComplete:
		if missing := CompleteMissing(t, in); len(missing) > 0 {
			return "", missing[0]
		}
	case ActionWait:
		if reason == "" {
			return "", Errorf(EINVALID, "transition.wait_needs_reason", "Say which parts you are waiting for.")
		}
	case ActionFail, ActionCancel, ActionReopen:
		if reason == "" {
			return "", Errorf(EINVALID, "transition.needs_reason", "Give a reason to {{.Action}} this ticket.", "Action", string(a))
		}
	}
	return a.To(), nil
}

// StepAllowed is the part of Transition that the ticket alone decides:
// whether action a may start from t's status, and, for the travel steps
// and a visit's start, from t's kind; nil when it may. What the person
// gives with the step (a reason, a resolution) and the checklist are
// Transition's to check. The office's conflicts inbox asks it of a held
// step before it offers to apply the step after all (HeldChangeBlocked).
func StepAllowed(t Ticket, a Action) error {
	e, ok := edges[a]
	if !ok {
		return Errorf(EINVALID, "transition.unknown", "Unknown action {{.Action}}.", "Action", string(a))
	}
	allowed := false
	for _, s := range e.from {
		allowed = allowed || s == t.Status
	}
	if !allowed {
		return Errorf(ECONFLICT, "transition.not_from", "Cannot {{.Action}} a ticket that is {{.Status}}.", "Action", string(a), "Status", string(t.Status))
	}
	switch a {
	case ActionDepart, ActionArrive:
		if t.Kind != KindOnSite {
			return Errorf(ECONFLICT, "transition.not_on_site", "Only on-site visits have travel steps.")
		}
	case ActionStart:
		if t.Kind == KindOnSite && t.Status != StatusOnSite {
			return Errorf(ECONFLICT, "transition.start_needs_arrival", "Mark yourself on site before starting work.")
		}
	}
	return nil
}

// CompleteMissing lists everything t still lacks to be completed with in,
// in the order Transition checks it: the whole checklist at once, so a form
// can show it before the technician confirms. A caller that holds a
// diagnosis typed but not yet saved sets it on t first. Empty when Complete
// is allowed.
func CompleteMissing(t Ticket, in TransitionInput) []error {
	res := in.Resolution
	if res == "" {
		res = t.ResolutionCode
	}
	var missing []error
	if res == "" {
		missing = append(missing, Errorf(EINVALID, "transition.complete_needs_resolution", "Choose a resolution code before completing."))
	} else if !res.Valid() {
		return []error{Errorf(EINVALID, "ticket.invalid.resolution", "Unknown resolution code {{.Code}}.", "Code", string(res))}
	}
	if in.RepairEntries == 0 && res != ResolutionNoFault && res != ResolutionNotRepaired {
		missing = append(missing, Errorf(EINVALID, "transition.complete_needs_repair", "Log at least one repair entry, or choose \"no fault found\"."))
	}
	if strings.TrimSpace(t.Diagnosis) == "" && res != ResolutionNoFault {
		missing = append(missing, Errorf(EINVALID, "transition.complete_needs_diagnosis", "Enter a diagnosis before completing."))
	}
	return missing
}

// ActionCheck says whether an action is allowed now and, if not, why.
type ActionCheck struct {
	Action  Action
	Allowed bool
	Reason  error // nil when Allowed
}

// AvailableActions evaluates every action that can start from t's status, so
// the UI can show the allowed buttons and explain the others; the travel
// steps of an on-site visit are left out for other tickets. Guards that
// need the person's input (a reason, a resolution) count as allowed here:
// the form will ask for it.
func AvailableActions(t Ticket, repairEntries int) []ActionCheck {
	var out []ActionCheck
	for _, a := range Actions {
		e := edges[a]
		reachable := false
		for _, s := range e.from {
			reachable = reachable || s == t.Status
		}
		if !reachable {
			continue
		}
		if (a == ActionDepart || a == ActionArrive) && t.Kind != KindOnSite {
			continue // never possible for this ticket: nothing to explain
		}
		in := TransitionInput{RepairEntries: repairEntries, Reason: "given in the form"}
		_, err := Transition(t, a, in)
		if a == ActionComplete && t.ResolutionCode == "" {
			// The form asks for the resolution: allowed if any code would do.
			in.Resolution = ResolutionRepaired
			if _, err = Transition(t, a, in); err != nil {
				in.Resolution = ResolutionNoFault
				if _, nff := Transition(t, a, in); nff == nil {
					err = nil
				}
			}
		}
		out = append(out, ActionCheck{Action: a, Allowed: err == nil, Reason: err})
	}
	return out
}

// ValidStep reports whether a ticket may go from status from to status to
// in one step: by a workflow action, or by a dispatcher's reassignment,
// which sends any open ticket back to assigned. Audits of ticket histories
// use it.
func ValidStep(from, to Status) bool {
	if from == to {
		return true
	}
	if from.Open() && to == StatusAssigned {
		return true
	}
	for _, e := range edges {
		if e.to != to {
			continue
		}
		for _, s := range e.from {
			if s == from {
				return true
			}
		}
	}
	return false
}
