package app

import (
	"context"
	"unicode/utf8"
)

// DraftField names a ticket's free-text field whose text, typed and not
// saved yet, the device keeps as a draft. Stored in the device's file:
// never rename one.
type DraftField string

const (
	// DraftDiagnosis is the diagnosis card's text before "Save diagnosis".
	DraftDiagnosis DraftField = "diagnosis"
	// DraftNote is the notes card's new note before it is added.
	DraftNote DraftField = "note"
	// DraftRepair is the repair log's "What you did", typed in its dialog
	// and not saved yet: written at the end of a job, with the customer
	// waiting, it is the longest thing typed and the likeliest cut short.
	DraftRepair DraftField = "repair"
	// DraftRepairMinutes is the repair log's "Minutes", typed in the same
	// form as DraftRepair and kept beside it: an entry put back without
	// the time spent lost what the technician typed there, and the time
	// since work started, offered instead, may be hours off by then.
	DraftRepairMinutes DraftField = "repair_minutes"
)

// MaxDraftMinutesLen bounds a kept "Minutes" typed in the repair log's
// form: the field takes 0 to 1440 (MaxRepairMinutes), and anything
// longer is a paste the form refuses on Save anyway.
const MaxDraftMinutesLen = 20

// MaxDraftedTickets bounds the tickets one DraftedTickets asks about: a
// page of the ticket list (the terminal's is 200).
const MaxDraftedTickets = 500

// Draft is what a technician typed into one of a ticket's free-text
// fields and did not save: the device keeps it across a ticket switch, a
// restart and a crash, so an interrupted technician loses no typing.
// Drafts are the device's alone: no mutation, never synced.
type Draft struct {
	Field DraftField
	Text  string
	// Base is the field's saved text as the draft was typed over it (the
	// diagnosis; "" for a note, which is added, not edited): a saved text
	// that differs now was changed since, by a sync from the office.
	Base string
}

// DraftService keeps drafts on the device, per technician and ticket.
// A draft goes with its ticket when the device no longer holds it
// (purged, reassigned away, signed out). Safe for concurrent use.
type DraftService interface {
	// Drafts returns actor's drafts on ticket, none (no error) when there
	// are none or the ticket is not on the device.
	Drafts(ctx context.Context, actor Actor, ticket TicketID) ([]Draft, error)
	// PutDraft keeps d as actor's draft of its field on ticket, replacing
	// the one before. EINVALID when CheckDraft refuses it; ENOTFOUND when
	// the ticket is not on the device (a sync took it meanwhile): there
	// is nothing left to type into.
	PutDraft(ctx context.Context, actor Actor, ticket TicketID, d Draft) error
	// DeleteDraft deletes actor's draft of field on ticket; none is no
	// error.
	DeleteDraft(ctx context.Context, actor Actor, ticket TicketID, field DraftField) error
	// DraftedTickets returns which of tickets hold a draft of actor's,
	// with the fields drafted (by name), in one read for a
	// page of the ticket list; tickets without drafts are left out.
	// EINVALID for more than MaxDraftedTickets tickets.
	DraftedTickets(ctx context.Context, actor Actor, tickets []TicketID) (map[TicketID][]DraftField, error)
}

// CheckDraftedTickets refuses a DraftedTickets over its bound.
func CheckDraftedTickets(tickets []TicketID) error {
	if len(tickets) > MaxDraftedTickets {
		return Errorf(EINVALID, "draft.too_many_tickets", "Drafts are looked up for at most {{.Max}} tickets at a time, not {{.Count}}.", "Max", MaxDraftedTickets, "Count", len(tickets))
	}
	return nil
}

// CheckDraft refuses a draft that could not be saved either: an unknown
// field, a text or base over MaxTextLen (the bound on the diagnosis and
// a note, so a draft is never what the field refuses), text that is not
// UTF-8, and an actor who is not a technician (drafts are kept per
// technician).
func CheckDraft(actor Actor, d Draft) error {
	switch d.Field {
	case DraftDiagnosis, DraftNote, DraftRepair:
	case DraftRepairMinutes:
		if TextLen(d.Text) > MaxDraftMinutesLen {
			return Errorf(EINVALID, "draft.minutes_too_long", "Minutes are a number from 0 to {{.Max}}: type the time spent again.", "Max", MaxRepairMinutes)
		}
	default:
		return Errorf(EINVALID, "draft.field", "Drafts are kept of a ticket's diagnosis, note and repair log only, not of {{.Field}}.", "Field", string(d.Field))
	}
	if actor.Technician == "" {
		return Errorf(EINVALID, "draft.actor", "Drafts are kept for a signed-in technician: sign in, then type again.")
	}
	if !utf8.ValidString(d.Text) || !utf8.ValidString(d.Base) {
		return Errorf(EINVALID, "draft.not_text", "The text is not UTF-8: type it again.")
	}
	if TextLen(d.Text) > MaxTextLen || TextLen(d.Base) > MaxTextLen {
		return Errorf(EINVALID, "draft.too_long", "The text is longer than {{.Max}} characters, more than the ticket can save: shorten it, or put the rest in a note.", "Max", MaxTextLen)
	}
	return nil
}
