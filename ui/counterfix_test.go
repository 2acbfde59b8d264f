package ui_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// TestCheckInProblemsGoWhenFixed: choosing the kind of product takes
// back "choose the kind of product" at once, and a purchase date after
// today is refused in the counter's words: the invoice has the date.
func TestCheckInProblemsGoWhenFixed(t *testing.T) {
	term, _, _, _, deps := scanTerminal(t)
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	form.Fill("", "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", "", "", "Screen flickers")
	form.Submit()
	if !strings.Contains(form.FieldProblem("category"), "kind of product") {
		t.Fatalf("no category: under it %q", form.FieldProblem("category"))
	}
	form.Fill(app.CategoryPhone, "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", "", "", "Screen flickers")
	if got, top := form.FieldProblem("category"), form.Problem(); got != "" || top != "" {
		t.Errorf("after choosing a product: under it %q, above the buttons %q", got, top)
	}

	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: "356938035643817"}})
	for _, tc := range []struct{ bought, want string }{
		{"2026-07-01", "cannot be in the future; use the date on the invoice"},
		{"2030-01-01", "cannot be in the future; use the date on the invoice"},
	} {
		form.Fill(app.CategoryPhone, "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", tc.bought, "", "Screen flickers")
		form.Submit()
		if got := form.FieldProblem("bought"); !strings.Contains(got, tc.want) {
			t.Errorf("bought %s: under the date %q, want %q", tc.bought, got, tc.want)
		}
	}
	if _, n, _ := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: "356938035643817"}); n != 0 {
		t.Fatalf("%d tickets saved from refused forms", n)
	}
}

// TestCheckInOpensTheClaimTag: the claim tag's print dialog opens as the
// check-in is saved; the customer waits at the counter for it.
func TestCheckInOpensTheClaimTag(t *testing.T) {
	term, w, _, _, deps := scanTerminal(t)
	tk := checkInLiNa(t, term, w, deps, "356938035643817")
	var top fyne.CanvasObject = w.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(labels(top), "Claim tag "+tk.Number) {
		t.Fatalf("no claim tag dialog after the check-in: %v", top)
	}
	if !strings.Contains(term.ScanStatus(), tk.Number) {
		t.Errorf("scan bar: %q", term.ScanStatus())
	}
}

// TestScannedTicketIsTheOneHighlighted: a ticket opened by a scan is the
// one highlighted in the list; the ticket tapped before it is not.
func TestScannedTicketIsTheOneHighlighted(t *testing.T) {
	term, _, _, ds, deps := scanTerminal(t)
	tk := myTicket(t, ds, deps)
	rows := term.List().Tickets()
	other := slices.IndexFunc(rows, func(r app.TicketRow) bool { return r.ID != tk.ID })
	if other < 0 {
		t.Fatal("no other ticket listed")
	}
	term.List().Select(other)
	if term.List().SelectedID() != rows[other].ID {
		t.Fatalf("tapped %s, selected %s", rows[other].ID, term.List().SelectedID())
	}
	term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: claimTagText(t, tk)}})
	want := app.TicketID("")
	if slices.ContainsFunc(term.List().Tickets(), func(r app.TicketRow) bool { return r.ID == tk.ID }) {
		want = tk.ID
	}
	if got := term.List().SelectedID(); got != want {
		t.Errorf("after scanning %s the list highlights %q, want %q", tk.Number, got, want)
	}
}
