package ui

import (
	"context"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// fakeDrafts is an app.DraftService in memory that counts its writes.
type fakeDrafts struct {
	kept   map[draftKey]app.Draft
	writes int
}

func (f *fakeDrafts) Drafts(_ context.Context, _ app.Actor, id app.TicketID) ([]app.Draft, error) {
	var out []app.Draft
	for k, d := range f.kept {
		if k.ticket == id {
			out = append(out, d)
		}
	}
	return out, nil
}

func (f *fakeDrafts) PutDraft(_ context.Context, _ app.Actor, id app.TicketID, d app.Draft) error {
	f.writes++
	f.kept[draftKey{id, d.Field}] = d
	return nil
}

func (f *fakeDrafts) DeleteDraft(_ context.Context, _ app.Actor, id app.TicketID, field app.DraftField) error {
	f.writes++
	delete(f.kept, draftKey{id, field})
	return nil
}

func (f *fakeDrafts) DraftedTickets(_ context.Context, _ app.Actor, ids []app.TicketID) (map[app.TicketID][]app.DraftField, error) {
	out := map[app.TicketID][]app.DraftField{}
	for _, id := range ids {
		for k := range f.kept {
			if k.ticket == id {
				out[id] = append(out[id], k.field)
			}
		}
	}
	return out, nil
}

// stepTimer is a timer of later that the test fires.
type stepTimer struct {
	d       time.Duration
	f       func()
	stopped bool
}

// TestDraftWrittenOncePerPauseAndWithinMaxWait: typing restarts the
// pause's timer at every key and writes nothing; typing on without a
// pause is written once draftMaxWait has passed since its first key,
// whatever the keys since; a pause then writes the rest.
func TestDraftWrittenOncePerPauseAndWithinMaxWait(t *testing.T) {
	var timers []*stepTimer
	later := func(d time.Duration, f func()) func() bool {
		tm := &stepTimer{d: d, f: f}
		timers = append(timers, tm)
		return func() bool { was := !tm.stopped; tm.stopped = true; return was }
	}
	fire := func(d time.Duration) {
		for _, tm := range timers {
			if tm.d == d && !tm.stopped {
				tm.stopped = true
				tm.f()
			}
		}
	}
	svc := &fakeDrafts{kept: map[draftKey]app.Draft{}}
	k := newDraftKeeper(t.Context(), svc, app.Actor{Technician: "t1"}, func(f func()) { f() }, later, nil)
	text := ""
	for _, r := range "Display board failed" {
		text += string(r)
		k.typed("tk", app.DraftDiagnosis, text, "", "")
	}
	if svc.writes != 0 {
		t.Fatalf("%d writes while typing, want none before a pause", svc.writes)
	}
	running, started := map[time.Duration]int{}, map[time.Duration]int{}
	for _, tm := range timers {
		started[tm.d]++
		if !tm.stopped {
			running[tm.d]++
		}
	}
	if running[draftDelay] != 1 || running[draftMaxWait] != 1 {
		t.Fatalf("timers running after typing: %v, want one pause and one max wait", running)
	}
	if started[draftMaxWait] != 1 {
		t.Fatalf("the max wait was started %d times, want once, at the first key: typing on must not put it off", started[draftMaxWait])
	}
	fire(draftMaxWait) // typed on for draftMaxWait without a pause
	if got := svc.kept[draftKey{"tk", app.DraftDiagnosis}].Text; svc.writes != 1 || got != text {
		t.Fatalf("after the max wait: %d writes, kept %q; want one write of %q", svc.writes, got, text)
	}
	k.typed("tk", app.DraftDiagnosis, text+".", "", "")
	fire(draftDelay)
	if got := svc.kept[draftKey{"tk", app.DraftDiagnosis}].Text; svc.writes != 2 || got != text+"." {
		t.Fatalf("after the pause: %d writes, kept %q; want a second write of the rest", svc.writes, got)
	}
}
