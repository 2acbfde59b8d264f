package ui

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestEveryMutationHasAHumanName: the sync page and the conflict inbox
// name each change as a person says it, never by its mutation name
// (liveday finding 6: "ticket.create" for a check-in).
func TestEveryMutationHasAHumanName(t *testing.T) {
	names := app.MutationNames()
	if len(names) < 10 {
		t.Fatalf("only %d mutations registered: %v", len(names), names)
	}
	for _, full := range names {
		got := mutationText(full)
		if got == "" || strings.Contains(got, ".") {
			t.Errorf("%s is shown as %q", full, got)
		}
	}
	for full, want := range map[string]string{
		"ticket.create.v1":   "Check-in",
		"ticket.complete.v1": "Complete",
		"ticket.update.v1":   "Edit of the ticket",
	} {
		if got := mutationText(full); got != want {
			t.Errorf("%s is shown as %q, want %q", full, got, want)
		}
	}
}
