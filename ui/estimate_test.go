package ui_test

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/signimg"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// checkEstimateSignature checks that the approval of e names a signature
// by its customer over e's digest, whose picture is a stored PNG of
// strokes, recorded as a photo of kind signature naming e.
func checkEstimateSignature(t *testing.T, deps ui.Deps, e app.Estimate, strokes []app.Stroke) {
	t.Helper()
	d := ticketNow(t, deps, e.Ticket)
	i := slices.IndexFunc(d.Signatures, func(s app.Signature) bool { return s.ID == e.Signature })
	if i < 0 {
		t.Fatalf("the approval names signature %q, not on the ticket (%d signatures)", e.Signature, len(d.Signatures))
	}
	sig := d.Signatures[i]
	enc, _ := app.EncodeStrokes(strokes)
	if sig.Digest != e.Digest() || sig.Signer != e.ApprovedBy || sig.Role != app.SignerCustomer || sig.Refused || sig.Strokes != enc || !sig.At.Equal(e.DecidedAt) {
		t.Errorf("signature %+v; want the customer's strokes over digest %s at %v", sig, e.Digest(), e.DecidedAt)
	}
	j := slices.IndexFunc(d.Photos, func(p app.Photo) bool { return p.ID == sig.Photo })
	if j < 0 {
		t.Fatalf("the signature's picture %q is not on the ticket", sig.Photo)
	}
	p := d.Photos[j]
	// The caption names who approved what amount, never the estimate's ID
	// (walk2's walk: "何浩 同意报价 01a25…" under the picture); the
	// signature's digest ties it to the estimate.
	if p.Kind != "signature" || p.Mime != "image/png" || strings.Contains(p.Caption, e.ID) || !strings.Contains(p.Caption, "approving the estimate of") || !strings.Contains(p.Caption, e.ApprovedBy) {
		t.Errorf("picture recorded as %+v, want a PNG of kind signature captioned with who approved, without estimate %s's ID", p, e.ID)
	}
	rc, err := deps.Photos.OpenPhoto(context.Background(), p.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, _ := io.ReadAll(rc)
	want, _ := signimg.PNG(strokes)
	if !bytes.Equal(data, want) {
		t.Errorf("the stored picture (%d bytes) is not the strokes' rendering (%d bytes)", len(data), len(want))
	}
}

// TestEstimateDeclined: a decline needs only the customer's name, with
// no signature: the pad is left empty and nothing but the answer is
// recorded.
func TestEstimateDeclined(t *testing.T) {
	term, w, deps, db := moneyTerminal(t, "D12")
	tk, total := paidTicket(t, term, deps, "356938035643809")
	tapButton(t, term.Detail().Object(), "Estimate")
	tapButton(t, front(w), "Issue estimate")
	if ui.SignPadInFront(w) == nil {
		t.Fatalf("no signature pad in the answer:\n%s", labels(front(w)))
	}
	if !ui.ChooseInFront(w, "Decline") || !ui.TypeInFront(w, "Name of the person answering", "Li Na") {
		t.Fatalf("no decline or name in the answer:\n%s", labels(front(w)))
	}
	tapButton(t, front(w), "Record answer")
	ests, err := store.NewPaymentService(db).Estimates(context.Background(), tk.ID)
	if err != nil || len(ests) != 1 || ests[0].Decision != app.EstimateDeclined || ests[0].ApprovedBy != "Li Na" || ests[0].Signature != "" || ests[0].Amount != total {
		t.Fatalf("estimates after a decline: %+v, %v", ests, err)
	}
	if d := ticketNow(t, deps, tk.ID); len(d.Signatures) != 0 || len(d.Photos) != 0 {
		t.Errorf("a decline recorded %d signatures, %d photos", len(d.Signatures), len(d.Photos))
	}
}

// TestEstimateBeforeTheWorkIsPriced: a device out of warranty with
// nothing fitted or logged yet is quoted at the counter: the charges card
// offers Estimate, its amount to type; the customer declines it, and the
// card shows the declined estimate without offering another (walk4's
// Spanish counter walk: no Estimate anywhere until a part or repair
// priced the work). A repair in warranty offers none.
func TestEstimateBeforeTheWorkIsPriced(t *testing.T) {
	term, w, deps, db := moneyTerminal(t, "D12")
	tk := unpricedTicket(t, term, deps, "356938035643809")
	if total, ok := term.Detail().Charges(); !ok || total.Amount != 0 {
		t.Fatalf("charges %v (%v); the test needs paid work not priced yet", total, ok)
	}
	if shown := labels(term.Detail().Object()); strings.Contains(shown, "Nothing owed") {
		t.Errorf("work not priced yet reads as a free repair:\n%s", shown)
	}
	tapButton(t, term.Detail().Object(), "Estimate")
	if !ui.TypeInFront(w, "The price you quote, e.g. 120", "120") {
		t.Fatalf("the estimate's amount is not empty to type:\n%s", labels(front(w)))
	}
	tapButton(t, front(w), "Issue estimate")
	if !ui.ChooseInFront(w, "Decline") || !ui.TypeInFront(w, "Name of the person answering", "Li Na") {
		t.Fatalf("no decline or name in the answer:\n%s", labels(front(w)))
	}
	tapButton(t, front(w), "Record answer")
	ests, err := store.NewPaymentService(db).Estimates(context.Background(), tk.ID)
	if err != nil || len(ests) != 1 || ests[0].Decision != app.EstimateDeclined || ests[0].Amount.Amount != 12000 {
		t.Fatalf("estimates after the counter's quote: %+v, %v", ests, err)
	}
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, "declined by Li Na") {
		t.Errorf("the card does not show the declined estimate:\n%s", shown)
	}
	if strings.Contains(buttonTexts(term.Detail().Object()), "Estimate\n") {
		t.Error("a declined quote still offers a new estimate before any work is priced")
	}

	// In warranty: nothing to quote.
	free := unpricedTicket(t, term, deps, "356938035643817")
	bought, proof := deps.Now().AddDate(0, -2, 0).UTC(), "INV-1"
	if _, err := deps.Commit.Commit(context.Background(), deps.Actor, &app.UpdateTicket{Ticket: free.ID, Set: app.TicketFields{
		PurchaseDate: &bought, ProofOfPurchase: &proof}}); err != nil {
		t.Fatal(err)
	}
	term.Detail().Show(free.ID)
	if strings.Contains(buttonTexts(term.Detail().Object()), "Estimate\n") {
		t.Error("a repair in warranty offers an estimate")
	}
}
