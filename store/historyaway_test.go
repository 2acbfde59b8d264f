package store

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// oldClosed is T5 closed long ago, as a first pull sends it: without its
// facts, counting two repairs, a note and a customer notice kept back.
func oldClosed() app.TicketDetail {
	d := serverTicket(storetest.T5)
	d.Ticket.Status = app.StatusClosed
	d.Repairs, d.Parts, d.Photos, d.Notes, d.Signatures, d.Payments, d.Estimates = nil, nil, nil, nil, nil, nil, nil
	d.Away = &app.HistoryAway{Repairs: 2, Notes: 1, Notices: 1}
	return d
}

// t5History is the history of T5 the server answers with.
func t5History() app.Dataset {
	at := storetest.Now.AddDate(0, -3, 0)
	return app.Dataset{
		Repairs: []app.RepairEntry{
			{ID: "h-r1", Ticket: storetest.T5, Action: "replaced charging port", At: at},
			{ID: "h-r2", Ticket: storetest.T5, Action: "tested", At: at},
		},
		Notes: []app.Note{{ID: "h-n1", Ticket: storetest.T5, Text: "customer collected", At: at}},
		CustomerNotices: []app.CustomerNotice{{ID: "h-cn1", Ticket: storetest.T5, Kind: app.NoticeReadyForPickup, Channel: app.ChannelEmail,
			State: app.NoticeSent, At: at}},
	}
}

func historyAnswer(more bool, of ...app.TicketID) app.PullPage {
	p := app.PullPage{Epoch: "e1", Cursor: "c2", HistoryAsked: []app.TicketID{storetest.T5, storetest.T9}, HistoryOf: of, HistoryMore: more}
	if len(of) > 0 {
		p.History = t5History()
	}
	return p
}

func (r *replica) away(id app.TicketID) *app.HistoryAway {
	r.t.Helper()
	h, err := r.db.HistoryAway(r.t.Context(), id)
	if err != nil {
		r.t.Fatalf("HistoryAway(%s): %v", id, err)
	}
	return h
}

func (r *replica) requested() []app.TicketID {
	r.t.Helper()
	ids, err := r.db.HistoryRequested(r.t.Context(), app.MaxHistoryPerSync)
	if err != nil {
		r.t.Fatal(err)
	}
	return ids
}

func TestHistoryAway(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]func(t *testing.T, r *replica){
		"CountsKept": func(t *testing.T, r *replica) {
			h := r.away(storetest.T5)
			if h == nil || h.Repairs != 2 || h.Notes != 1 || h.Notices != 1 || h.Requested {
				t.Errorf("HistoryAway(T5) = %+v, want 2 repairs, 1 note, 1 notice, not requested", h)
			}
			if d := r.detail(storetest.T5); d.Away == nil || d.Away.Total() != 4 {
				t.Errorf("TicketDetail(T5).Away = %+v, want the counts", d.Away)
			}
			if h := r.away(storetest.T1); h != nil {
				t.Errorf("HistoryAway(T1) = %+v, want nil: it came whole", h)
			}
		},
		"RequestMarksOnce": func(t *testing.T, r *replica) {
			calls := 0
			r.db.afterCommit = func() { calls++ }
			for range 2 {
				if err := r.db.RequestHistory(t.Context(), storetest.T5); err != nil {
					t.Fatal(err)
				}
			}
			if err := r.db.RequestHistory(t.Context(), storetest.T1); err != nil {
				t.Fatalf("RequestHistory of a whole ticket: %v", err)
			}
			if got := r.requested(); !slices.Equal(got, []app.TicketID{storetest.T5}) || calls != 1 {
				t.Errorf("requested %v after %d sync triggers, want [T5] and 1", got, calls)
			}
			if h := r.away(storetest.T5); h == nil || !h.Requested {
				t.Errorf("HistoryAway(T5) = %+v, want requested", h)
			}
			err := r.db.RequestHistory(t.Context(), "no-such-ticket")
			if app.ErrorCode(err) != app.ENOTFOUND {
				t.Errorf("RequestHistory(unknown) = %v, want not_found", err)
			}
		},
		"AnswerApplied": func(t *testing.T, r *replica) {
			if err := r.db.RequestHistory(t.Context(), storetest.T5); err != nil {
				t.Fatal(err)
			}
			before := r.detail(storetest.T5) // what the world's first pull gave
			for range 2 {                    // the same answer twice changes nothing
				r.apply(historyAnswer(false, storetest.T5))
				d := r.detail(storetest.T5)
				if d.Away != nil || len(d.Repairs) != len(before.Repairs)+2 || len(d.Notes) != len(before.Notes)+1 {
					t.Errorf("T5 = away %+v, %d repairs, %d notes; want whole: %d and %d", d.Away, len(d.Repairs), len(d.Notes),
						len(before.Repairs)+2, len(before.Notes)+1)
				}
				if ns, err := r.db.Notices(t.Context(), storetest.T5); err != nil || len(ns) != 1 {
					t.Errorf("notices of T5 = %d, %v; want 1", len(ns), err)
				}
				if got := r.requested(); len(got) != 0 {
					t.Errorf("requested %v, want none", got)
				}
			}
		},
		"NotAnsweredUnmarked": func(t *testing.T, r *replica) {
			if err := r.db.RequestHistory(t.Context(), storetest.T5); err != nil {
				t.Fatal(err)
			}
			r.apply(historyAnswer(true)) // cut by the bound: ask again
			if got := r.requested(); !slices.Equal(got, []app.TicketID{storetest.T5}) {
				t.Errorf("after a cut answer, requested %v, want [T5]", got)
			}
			r.apply(historyAnswer(false)) // not answered at all: out of the device's scopes
			if got := r.requested(); len(got) != 0 {
				t.Errorf("after an answer without T5, requested %v, want none", got)
			}
			if h := r.away(storetest.T5); h == nil || h.Total() != 4 {
				t.Errorf("HistoryAway(T5) = %+v, want the counts kept", h)
			}
		},
		"SentAgainKeepsAway": func(t *testing.T, r *replica) {
			d := oldClosed()
			d.Away = nil
			d.Ticket.Diagnosis = "loose cable, re-seated"
			r.apply(ticketPage(0, d))
			if h := r.away(storetest.T5); h == nil || h.Total() != 4 || h.Requested {
				t.Errorf("HistoryAway(T5) = %+v, want the counts, not requested", h)
			}
		},
		"ReopenedAsks": func(t *testing.T, r *replica) {
			d := oldClosed()
			d.Away = nil
			d.Ticket.Status = app.StatusInProgress
			r.apply(ticketPage(0, d))
			if got := r.requested(); !slices.Equal(got, []app.TicketID{storetest.T5}) {
				t.Errorf("after T5 reopened, requested %v, want [T5]", got)
			}
		},
		"FactsOfTicketNotHeldSkipped": func(t *testing.T, r *replica) {
			p := historyAnswer(false, storetest.T5)
			p.Reset = true // the reset drops T5; the page does not send it again
			p.Data = app.Dataset{Tickets: []app.TicketDetail{serverTicket(storetest.T1)}}
			r.apply(p)
			var n int
			r.db.read.QueryRow(`SELECT count(*) FROM repairs WHERE id LIKE 'h-%'`).Scan(&n)
			if n != 0 {
				t.Errorf("%d history repairs of a ticket not held, want 0", n)
			}
		},
		"ResetForgets": func(t *testing.T, r *replica) {
			if err := r.db.RequestHistory(t.Context(), storetest.T5); err != nil {
				t.Fatal(err)
			}
			r.apply(app.PullPage{Epoch: "e2", Reset: true, Cursor: "c9", Data: app.Dataset{Tickets: []app.TicketDetail{serverTicket(storetest.T5)}}})
			if h := r.away(storetest.T5); h != nil {
				t.Errorf("after a reset that sent T5 whole, HistoryAway = %+v, want nil", h)
			}
			if got := r.requested(); len(got) != 0 {
				t.Errorf("requested %v after the reset, want none", got)
			}
		},
		"WipeForgets": func(t *testing.T, r *replica) {
			if err := r.db.Wipe(t.Context()); err != nil {
				t.Fatal(err)
			}
			var n int
			r.db.read.QueryRow(`SELECT count(*) FROM history_away`).Scan(&n)
			if n != 0 {
				t.Errorf("%d history_away rows after Wipe, want 0", n)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := newReplica(t)
			r.apply(ticketPage(0, oldClosed()))
			tc(t, r)
		})
	}
}

// TestMigrate0010 upgrades in place a file from before history on demand:
// its tickets stay, and a ticket pulled then keeps its counts.
func TestMigrate0010(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	db := mustOpenPath(t, path, WithClock(fixedClock(storetest.Now)))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	n := len(migrations())
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, path)
	// Back to 0009: 0010's table and 0011_ticket_rows's column go.
	rawExec(t, raw, `DROP TABLE history_away`, `ALTER TABLE tickets DROP COLUMN list_row`,
		`DELETE FROM migrations WHERE name >= '0010'`, `PRAGMA user_version = 9`)
	raw.Close()

	r := &replica{t: t, db: mustOpenPath(t, path, WithClock(fixedClock(storetest.Now))), now: storetest.Now}
	if got := len(r.detail(storetest.T1).Repairs) + len(r.detail(storetest.T2).Repairs); got == 0 {
		t.Errorf("the world's repairs are gone after the upgrade")
	}
	r.apply(ticketPage(0, oldClosed()))
	if h := r.away(storetest.T5); h == nil || h.Total() != 4 {
		t.Errorf("HistoryAway(T5) after the upgrade = %+v, want the counts", h)
	}
	var version int
	r.db.read.QueryRow(`PRAGMA user_version`).Scan(&version)
	if version != n {
		t.Errorf("user_version %d, want %d", version, n)
	}
}
