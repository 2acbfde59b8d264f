package app

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// zeroStartless is registered (in the test below only) with a decoding
// that does not start from the zero value: a field its encoding leaves out
// decodes as the registration set it, not as the command held it.
type zeroStartless struct {
	Kind string `json:"kind,omitempty"`
}

func (*zeroStartless) MutationName() (string, int) { return "test.zero_startless", 1 }
func (*zeroStartless) Validate() error             { return nil }
func (*zeroStartless) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	return nil
}

// pointingOmitted leaves out of its encoding a field that points.
type pointingOmitted struct {
	Origin *string `json:"-"`
	Text   string  `json:"text"`
}

func (*pointingOmitted) MutationName() (string, int) { return "test.pointing_omitted", 1 }
func (*pointingOmitted) Validate() error             { return nil }
func (*pointingOmitted) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	return nil
}

// TestQueuedAsIs: a note, a part used and a status change, as the terminal
// makes them, are queued without decoding (else QueuedCommand would save
// nothing); a command whose field json leaves out holds another value than
// the registration sets, or one that points, and a registration that does
// not start its encoded fields from zero, are decoded.
func TestQueuedAsIs(t *testing.T) {
	check := func(name string, cmd Command) bool {
		m := Mutation{Name: name, Version: 1}
		p := queuedAsIs(m, registry[m.FullName()])
		return p.asIs != nil && p.asIs(reflect.ValueOf(cmd).Elem())
	}
	for name, cmd := range map[string]Command{
		"note.add":          &AddNote{Note: Note{ID: NewID(), Ticket: "T-1", Text: "checked"}},
		"stock.consume":     &ConsumePart{Used: PartUsed{ID: NewID(), Ticket: "T-1", Part: "P-1", Qty: 1, From: "van-1"}},
		"ticket.wait_parts": &TransitionTicket{Action: ActionWait, Ticket: "T-1", Epoch: 1, Reason: "battery ordered"},
		"ticket.close":      &TransitionTicket{Action: ActionClose, Ticket: "T-1", Balance: &Money{Amount: 1, Currency: "CNY"}, UnpaidReason: "goodwill"},
		"stock.transfer":    &MoveStock{Kind: MoveTransfer, Movement: StockMovement{ID: "m-1"}},
	} {
		if !check(name, cmd) {
			t.Errorf("%s is decoded", name)
		}
	}
	// Its kind is named, not encoded (json:"-"): the registration sets it.
	if check("stock.transfer", &MoveStock{Kind: MoveReceive, Movement: StockMovement{ID: "m-1"}}) {
		t.Errorf("a command whose left-out field is not the registration's is queued as is")
	}
	origin := "here"
	spec := mutationSpec{new: func(string) Command { return &pointingOmitted{Origin: &origin} }}
	if p := queuedAsIs(Mutation{Name: "test.pointing_omitted", Version: 1}, spec); p.asIs != nil && p.asIs(reflect.ValueOf(&pointingOmitted{Origin: &origin}).Elem()) {
		t.Errorf("a command whose left-out field points is queued as is")
	}
	spec = mutationSpec{new: func(string) Command { return &zeroStartless{Kind: "set by the registration"} }}
	if p := queuedAsIs(Mutation{Name: "test.zero_startless", Version: 1}, spec); p.asIs != nil && p.asIs(reflect.ValueOf(&zeroStartless{}).Elem()) {
		t.Errorf("a registration that does not start from the zero value is queued as is")
	}
}
