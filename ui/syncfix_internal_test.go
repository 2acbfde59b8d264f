package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

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

// timedConflicts is a conflict service whose device saved the refused
// change at saved; the server refused it at refused.
type timedConflicts struct {
	conflictService
	saved, refused time.Time
}

func (s timedConflicts) OpenConflicts(context.Context) ([]app.Conflict, error) {
	return []app.Conflict{{ID: "cf-m1", Kind: app.ConflictRejected, Mutation: "m1", Name: "note.add.v1", At: s.refused,
		Code: app.EINVALID, Key: "note.bad", Message: "The note was refused."}}, nil
}

func (s timedConflicts) MutationTimes(_ context.Context, ids []string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	for _, id := range ids {
		if id == "m1" {
			out[id] = s.saved
		}
	}
	return out, nil
}

// TestConflictSaysWhenTheWorkWasDone: "When" is when the technician
// saved the change on the device, maybe offline hours before the sync
// that brought the refusal (liveday finding 5).
func TestConflictSaysWhenTheWorkWasDone(t *testing.T) {
	test.NewTempApp(t)
	refused := time.Date(2026, 12, 1, 15, 40, 0, 0, time.Local)
	for _, tc := range []struct {
		name string
		svc  conflictService
		want time.Time
	}{
		{"DeviceTime", timedConflicts{saved: refused.Add(-3 * time.Hour), refused: refused}, refused.Add(-3 * time.Hour)},
		// A service that cannot say shows the server's time.
		{"ServerTimeWithout", struct{ conflictService }{timedConflicts{refused: refused}}, refused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := newConflictInbox(conflictDeps{Conflicts: tc.svc, Zone: time.Local, Ctx: t.Context(), Run: func(f func()) { f() }}, func(string) {}, func() {})
			in.reload()
			text := strings.Join(labelTexts(in.list), "\n")
			if !strings.Contains(text, timeText(time.Local, tc.want)) {
				t.Fatalf("the card does not say %s:\n%s", timeText(time.Local, tc.want), text)
			}
		})
	}
}

// labelTexts lists the labels' texts under o.
func labelTexts(o fyne.CanvasObject) []string {
	switch x := o.(type) {
	case *widget.Label:
		return []string{x.Text}
	case *widget.Card:
		return labelTexts(x.Content)
	case *fyne.Container:
		var out []string
		for _, c := range x.Objects {
			out = append(out, labelTexts(c)...)
		}
		return out
	}
	return nil
}
