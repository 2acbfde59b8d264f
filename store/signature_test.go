package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestSignatures: a signature recorded here and one pulled from the
// server (another device's) are both in the ticket's detail, in time
// order and whole; a page loaded twice adds nothing; a refused one is
// refused whole.
func TestSignatures(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	if err := db.Load(ctx, storetest.World()); err != nil {
		t.Fatal(err)
	}
	strokes, err := app.EncodeStrokes([]app.Stroke{{{X: 1, Y: 2}, {X: 30, Y: 40}}, {{X: 500, Y: 300}}})
	if err != nil {
		t.Fatal(err)
	}
	digest := strings.Repeat("7c", 32)
	mine := app.Signature{ID: app.NewID(), Ticket: storetest.T5, Signer: "Li Na", Role: app.SignerCustomer, Digest: digest,
		Strokes: strokes, Photo: app.NewID(), At: storetest.Now.Add(-time.Hour)}
	ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
	if _, err := NewCommitter(db).Commit(ctx, ana, &app.RecordSignature{Signature: mine}); err != nil {
		t.Fatal(err)
	}
	theirs := app.Signature{ID: app.NewID(), Ticket: storetest.T5, Role: app.SignerCustomer, Digest: digest, Refused: true,
		ReasonKind: app.NoSignAbsent, Reason: "nobody home", At: storetest.Now.Add(-2 * time.Hour), By: "Bo Chen"}
	page := app.Dataset{Signatures: []app.Signature{theirs}}
	for range 2 {
		if err := db.Load(ctx, page); err != nil {
			t.Fatal(err)
		}
	}
	d, err := NewTicketService(db).TicketDetail(ctx, storetest.T5)
	if err != nil {
		t.Fatal(err)
	}
	mine.By = "Ana Li"
	if len(d.Signatures) != 2 || !sameSignature(d.Signatures[0], theirs) || !sameSignature(d.Signatures[1], mine) {
		t.Fatalf("signatures %+v, want the pulled one then this device's", d.Signatures)
	}

	// A closed ticket: its report is signed off for good.
	var closed app.TicketDetail
	for _, td := range storetest.World().Tickets {
		if td.Ticket.ID == storetest.T5 {
			closed = app.TicketDetail{Ticket: td.Ticket}
		}
	}
	closed.Ticket.ID, closed.Ticket.Number, closed.Ticket.Status = "t-closed", "FB-2026-000099", app.StatusClosed
	if err := db.Load(ctx, app.Dataset{Tickets: []app.TicketDetail{closed}}); err != nil {
		t.Fatal(err)
	}
	onClosed := mine
	onClosed.ID, onClosed.Ticket = app.NewID(), closed.Ticket.ID
	tests := map[string]struct {
		cmd    app.Command
		ticket app.TicketID
	}{
		"the same ID again":  {&app.RecordSignature{Signature: mine}, storetest.T5},
		"on a closed ticket": {&app.RecordSignature{Signature: onClosed}, closed.Ticket.ID},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := NewCommitter(db).Commit(ctx, ana, tc.cmd); app.ErrorCode(err) != app.ECONFLICT {
				t.Errorf("err = %v, want ECONFLICT", err)
			}
			want := 0
			if tc.ticket == storetest.T5 {
				want = 2
			}
			if d, err := NewTicketService(db).TicketDetail(ctx, tc.ticket); err != nil || len(d.Signatures) != want {
				t.Errorf("%d signatures on %s after a refusal (%v), want %d", len(d.Signatures), tc.ticket, err, want)
			}
		})
	}
}

// sameSignature compares signatures, their times to the nanosecond the
// store keeps.
func sameSignature(a, b app.Signature) bool {
	if !a.At.Equal(b.At) {
		return false
	}
	a.At, b.At = time.Time{}, time.Time{}
	return a == b
}
