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

// pointing holds a pointer, which a copy of it would share.
type pointing struct {
	Balance *Money `json:"balance"`
}

func (*pointing) MutationName() (string, int) { return "test.pointing", 1 }
func (*pointing) Validate() error             { return nil }
func (*pointing) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	return nil
}

func (*zeroStartless) MutationName() (string, int) { return "test.zero_startless", 1 }
func (*zeroStartless) Validate() error             { return nil }
func (*zeroStartless) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	return nil
}

// TestQueuedAsIs: a note and a part used, as the terminal makes them, are
// queued without decoding (else QueuedCommand would save nothing); a
// command holding a pointer, a field the encoding leaves out ("-") or a
// registration that does not start from the zero value is decoded.
func TestQueuedAsIs(t *testing.T) {
	check := func(name string, cmd Command) bool {
		return queuedAsIs(name, registry[name])(reflect.ValueOf(cmd).Elem())
	}
	if !check("note.add.v1", &AddNote{Note: Note{ID: NewID(), Ticket: "T-1", Text: "checked"}}) {
		t.Errorf("a note is decoded")
	}
	if !check("stock.consume.v1", &ConsumePart{Used: PartUsed{ID: NewID(), Ticket: "T-1", Part: "P-1", Qty: 1, From: "van-1"}}) {
		t.Errorf("a part used is decoded")
	}
	// Its action is named, not encoded (json:"-"); its balance a pointer.
	if check("ticket.close.v1", &TransitionTicket{Action: ActionClose, Ticket: "T-1", Balance: &Money{Amount: 1}}) {
		t.Errorf("a status change is queued as is")
	}
	if check("stock.transfer.v1", &MoveStock{Kind: MoveTransfer, Movement: StockMovement{ID: "m-1"}}) {
		t.Errorf("a command with a field json leaves out is queued as is")
	}
	pointingSpec := mutationSpec{new: func(string) Command { return &pointing{} }}
	if queuedAsIs("test.pointing.v1", pointingSpec)(reflect.ValueOf(&pointing{Balance: &Money{Amount: 1}}).Elem()) {
		t.Errorf("a command holding a pointer is queued as is")
	}
	spec := mutationSpec{new: func(string) Command { return &zeroStartless{Kind: "set by the registration"} }}
	if queuedAsIs("test.zero_startless.v1", spec)(reflect.ValueOf(&zeroStartless{}).Elem()) {
		t.Errorf("a registration that does not start from the zero value is queued as is")
	}
}
