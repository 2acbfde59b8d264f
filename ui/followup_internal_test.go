package ui

import (
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// load is a ticket's load as the detail view applies it: its ticket, its
// number in Show's order, and whether it failed.
type load struct {
	ticket app.TicketID
	seq    uint64
	failed bool
}

// TestFollowUpRunsOnceOnALaterLoad: a step waiting on a save (closing a
// visit once signed off) runs on the first load of its ticket started
// after the save, not on one started before, which read the ticket
// without it and may land later; once only; not while another ticket is
// shown; and not after a load that failed.
func TestFollowUpRunsOnceOnALaterLoad(t *testing.T) {
	const id, other = app.TicketID("T1"), app.TicketID("T2")
	for _, tc := range []struct {
		name  string
		loads []load // applied after the step is set, at load 3
		shown app.TicketID
		want  int // times the step ran
	}{
		{"a later load runs it", []load{{id, 4, false}}, id, 1},
		{"once only", []load{{id, 4, false}, {id, 5, false}}, id, 1},
		{"a load started before the save does not", []load{{id, 3, false}}, id, 0},
		{"an earlier load landing first, then the later one", []load{{id, 2, false}, {id, 4, false}}, id, 1},
		{"another ticket's load does not", []load{{other, 4, false}}, id, 0},
		{"a failed load drops it", []load{{id, 4, true}, {id, 5, false}}, id, 0},
		{"not while another ticket is shown", []load{{id, 4, false}}, other, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &TicketDetailView{shown: id, loads: 3, current: &ticketView{}}
			ran := 0
			v.then(id, func() { ran++ })
			v.shown = tc.shown
			for _, l := range tc.loads {
				var err error
				if l.failed {
					err = app.Errorf(app.ENOTFOUND, "test.gone", "gone")
				}
				v.followUp(l.ticket, l.seq, err)
			}
			if ran != tc.want {
				t.Errorf("the step ran %d times, want %d", ran, tc.want)
			}
		})
	}
}
