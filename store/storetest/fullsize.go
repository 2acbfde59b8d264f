package storetest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// testFullSizeRecords: records whose every text is at its bound in the
// characters of most bytes (a character past U+FFFF, four bytes; '<', six
// in JSON) are saved and queued whole, far past the 64 KiB that once
// bounded a mutation's arguments, and are still there, byte for byte,
// after a restart (docs/PROTOCOL.md, "Bounds": a record within its
// fields' bounds is never refused for its size).
func testFullSizeRecords(t *testing.T, s Stores) {
	ctx := t.Context()
	b4 := func(n int) string { return strings.Repeat("𠀀", n) }
	b6 := func(n int) string { return strings.Repeat("<", n) }
	const id app.TicketID = "t-full"
	tk := app.Ticket{ID: id, Number: "FB-FULL-1", Kind: app.KindCarryIn, Country: "CN",
		Customer:  app.Customer{Name: b4(app.MaxNameLen), Phone: "13900000000", Address: b6(app.MaxTextLen), City: b4(app.MaxTextLen)},
		Product:   app.Product{Category: app.CategoryPhone, Brand: b6(app.MaxNameLen), Model: b4(app.MaxNameLen), Serial: b4(app.MaxTextLen), ProofOfPurchase: b6(app.MaxTextLen)},
		Condition: app.Condition{Accessories: b4(app.MaxTextLen), Notes: b6(app.MaxTextLen)},
		Fault:     b6(app.MaxTextLen)}
	diag, addr, oldAddr, proof, empty := b6(app.MaxTextLen), b4(app.MaxTextLen), tk.Customer.Address, b4(app.MaxTextLen), ""
	report := app.ServiceReport{TicketID: id}
	report.Fault = strings.Repeat(`"`, (app.MaxSignedReportBytes-len(report.CanonicalJSON()))/2)
	strokes, err := app.EncodeStrokes([]app.Stroke{{{X: 1, Y: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	cmds := []app.Command{
		&app.CreateTicket{Ticket: tk},
		&app.UpdateTicket{Ticket: id, Set: app.TicketFields{Diagnosis: &diag, CustomerAddress: &addr, ProofOfPurchase: &proof}, Base: app.TicketFields{Diagnosis: &empty, CustomerAddress: &oldAddr}},
		&app.AddNote{Note: app.Note{ID: "n-full", Ticket: id, Text: b6(app.MaxTextLen)}},
		&app.RecordSignature{Signature: app.Signature{ID: "sig-full", Ticket: id, Signer: b6(app.MaxNameLen), Role: app.SignerCustomer,
			Digest: report.Digest(), Report: report.CanonicalJSON(), Strokes: strokes, Photo: "ph-full"}},
	}
	var ms []app.Mutation
	for _, cmd := range cmds {
		ms = append(ms, commit(t, s, ana, cmd))
	}
	if len(ms[0].Args) <= 64<<10 || len(ms[1].Args) <= 64<<10 || len(ms[3].Args) <= 64<<10 {
		t.Fatalf("arguments of %d, %d and %d bytes: not past 64 KiB, the case proves nothing", len(ms[0].Args), len(ms[1].Args), len(ms[3].Args))
	}
	s = s.Reopen(t)
	d := detail(t, s, id)
	if d.Ticket.Fault != tk.Fault || d.Ticket.Customer.City != tk.Customer.City || d.Ticket.Product.Serial != tk.Product.Serial ||
		d.Ticket.Condition != tk.Condition || d.Ticket.Diagnosis != diag || d.Ticket.Customer.Address != addr || d.Ticket.Product.ProofOfPurchase != proof {
		t.Error("the ticket's texts were not saved whole")
	}
	if len(d.Notes) != 1 || d.Notes[0].Text != b6(app.MaxTextLen) || len(d.Signatures) != 1 || d.Signatures[0].Signer != b6(app.MaxNameLen) {
		t.Errorf("the note and the signature were not saved whole: %d notes, %d signatures", len(d.Notes), len(d.Signatures))
	}
	pending, err := s.Outbox.Pending(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != len(ms) {
		t.Fatalf("%d mutations queued, want %d", len(pending), len(ms))
	}
	for i, p := range pending {
		if p.ID != ms[i].ID || !bytes.Equal(p.Args, ms[i].Args) {
			t.Errorf("queued %s is not the one saved", p.FullName())
		}
		if _, err := app.DecodeMutation(p); err != nil {
			t.Errorf("queued %s does not decode: %v", p.FullName(), err)
		}
	}
}
