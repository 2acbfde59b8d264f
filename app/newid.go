package app

import (
	"strings"

	"github.com/google/uuid"
)

// NewRecord names a record a mutation creates, by the ID its sender chose.
type NewRecord struct {
	Kind string // "ticket", "repair", "part_used", "movement", "photo", "note"
	ID   string
}

// RecordCreator is a command that creates records of its own kinds
// (payments, signatures...): it names them, each under a kind of its own.
// Sent by a device, each needs a FreshID, as every kind does.
type RecordCreator interface {
	NewRecords() []NewRecord
}

// NewRecords lists the records cmd creates. The central service checks
// their IDs before it applies a device's mutation (IDUnusable).
func NewRecords(cmd Command) []NewRecord {
	if c, ok := cmd.(RecordCreator); ok {
		return c.NewRecords()
	}
	switch c := cmd.(type) {
	case *CreateTicket:
		return []NewRecord{{"ticket", string(c.Ticket.ID)}}
	case *LogRepair:
		return []NewRecord{{"repair", c.Entry.ID}}
	case *ConsumePart:
		// The consumption's movement shares its ID.
		return []NewRecord{{"part_used", c.Used.ID}, {"movement", c.Used.ID}}
	case *ReturnDefective:
		return []NewRecord{{"movement", c.Movement.ID}}
	case *MoveStock:
		return []NewRecord{{"movement", c.Movement.ID}}
	case *AttachPhoto:
		return []NewRecord{{"photo", c.Photo.ID}}
	case *AddNote:
		return []NewRecord{{"note", c.Note.ID}}
	}
	return nil
}

// FreshID reports whether id has the form NewID mints: a UUID in its
// lower-case 36-character text form, which cannot be found by guessing.
// The central service takes a device's new records (tickets and facts)
// only with such IDs; dispatch and imports may keep their own (an order
// number). The device's store does not check it: the app mints NewID for
// every record, and the check guards what a guess could learn from the
// server, which the server alone can answer.
func FreshID(id string) bool {
	if len(id) != 36 || strings.ToLower(id) != id {
		return false
	}
	_, err := uuid.Parse(id)
	return err == nil
}

// IDUnusable is the central service's one answer to a device's new record
// whose ID is taken already, by anything, in the device's scopes or outside
// them, and to a new record whose ID is not a FreshID: it names only what
// the device sent, and never says whose the ID is, or where.
func IDUnusable(kind, id string) *Error {
	return Errorf(ECONFLICT, "mutation.id_unusable", "The {{.Kind}} ID {{.ID}} cannot be used for a new record; the app gives every record a fresh ID: update it, and tell dispatch if this happens again.", "Kind", kind, "ID", id)
}
