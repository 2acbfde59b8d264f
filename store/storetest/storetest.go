package storetest

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Stores are the implementations under test, all over the same data.
type Stores struct {
	Tickets   app.TicketService
	Parts     app.PartService
	Warranty  app.WarrantyService
	Committer app.Committer
	Outbox    app.Outbox
	Photos    app.PhotoStore
	Replica   app.Replica
	// Load writes server-owned data with app.Dataset's rules.
	Load func(ctx context.Context, ds app.Dataset) error
	// Drafts keeps the device's drafts (draft.go).
	Drafts app.DraftService
	// Counts keeps the device's stock counts typed and not booked
	// (countdraft.go).
	Counts app.CountDraftService
	// Conflicts lists the open conflicts the device holds, as its sync
	// page shows them (app.SyncView's OpenConflicts).
	Conflicts func(ctx context.Context) ([]app.Conflict, error)
	// Reopen closes the stores and opens them again over the same data,
	// as a restart does.
	Reopen func(t *testing.T) Stores
}

// Run runs the suite. open must return empty stores whose clock reads Now;
// it is called once per subtest and should clean up with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) Stores) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s Stores)
	}{
		{"LoadIsIdempotent", testLoadIdempotent},
		{"TicketViews", testTicketViews},
		{"TicketViewsAreListOf", testTicketViewsAreListOf},
		{"TicketSort", testTicketSort},
		{"TicketPaging", testTicketPaging},
		{"TicketQuery", testTicketQuery},
		{"TicketErrors", testTicketErrors},
		{"TicketDetail", testTicketDetail},
		{"CommitWorkflow", testCommitWorkflow},
		{"CommitRollsBack", testCommitRollsBack},
		{"OutboxAcknowledgedByPull", testOutboxAcknowledge},
		{"Balances", testBalances},
		{"FindParts", testFindParts},
		{"FindPartsFolded", testFindPartsFolded},
		{"Arrivals", testArrivals},
		{"Part", testPart},
		{"Locations", testLocations},
		{"RuleSet", testRuleSet},
		{"Photos", testPhotos},
		{"ReplicaWatermarks", testReplicaWatermarks},
		{"ReplicaRebase", testReplicaRebase},
		{"FieldConflictFollowsLocalEdit", testFieldConflictFollowsLocalEdit},
		{"GoneConflictDropped", testGoneConflictDropped},
		{"Drafts", testDrafts},
		{"CountDrafts", testCountDrafts},
		{"Units", testUnits},
		{"FindUnits", testFindUnits},
		{"UnitFits", testUnitFits},
		{"FullSizeRecords", testFullSizeRecords},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			if err := s.Load(t.Context(), World()); err != nil {
				t.Fatalf("load world: %v", err)
			}
			tc.fn(t, s)
		})
	}
}

var (
	ana = app.Actor{Role: app.RoleTechnician, Technician: Ana, Name: "Ana Li"}
	bo  = app.Actor{Role: app.RoleTechnician, Technician: Bo, Name: "Bo Chen"}
)

func ids(ts []app.Ticket) []app.TicketID {
	out := make([]app.TicketID, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func numbers(ps []app.Part) []app.PartNumber {
	out := make([]app.PartNumber, len(ps))
	for i, p := range ps {
		out[i] = p.Number
	}
	return out
}

func find(t *testing.T, s Stores, f app.TicketFilter) ([]app.TicketID, int) {
	t.Helper()
	if f.Now.IsZero() {
		f.Now = Now
	}
	ts, total, err := s.Tickets.FindTickets(t.Context(), f)
	if err != nil {
		t.Fatalf("FindTickets(%+v): %v", f, err)
	}
	return ids(ts), total
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := app.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if code != "" {
		if e := app.AsError(err); e.Key == "" || e.Message == "" {
			t.Fatalf("error %v has no translation key or message", err)
		}
	}
}

func commit(t *testing.T, s Stores, actor app.Actor, cmd app.Command) app.Mutation {
	t.Helper()
	m, err := s.Committer.Commit(t.Context(), actor, cmd)
	if err != nil {
		t.Fatalf("Commit(%T): %v", cmd, err)
	}
	return m
}

func detail(t *testing.T, s Stores, id app.TicketID) app.TicketDetail {
	t.Helper()
	d, err := s.Tickets.TicketDetail(t.Context(), id)
	if err != nil {
		t.Fatalf("TicketDetail(%s): %v", id, err)
	}
	return d
}

func pendingCount(t *testing.T, s Stores) int {
	t.Helper()
	n, err := s.Outbox.PendingCount(t.Context())
	if err != nil {
		t.Fatalf("PendingCount: %v", err)
	}
	return n
}

func balances(t *testing.T, s Stores, loc app.LocationID) map[app.PartNumber][2]int {
	t.Helper()
	bs, err := s.Parts.Balances(t.Context(), loc)
	if err != nil {
		t.Fatalf("Balances(%s): %v", loc, err)
	}
	out := map[app.PartNumber][2]int{}
	for _, b := range bs {
		if b.Location != loc {
			t.Errorf("balance %+v is not at %s", b, loc)
		}
		out[b.Part] = [2]int{b.Qty, b.Pending}
	}
	return out
}

func equal[T comparable](t *testing.T, what string, got, want []T) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func testLoadIdempotent(t *testing.T, s Stores) {
	ctx := t.Context()
	before, totalBefore := find(t, s, app.TicketFilter{})
	bal := balances(t, s, VanAna)
	if err := s.Load(ctx, World()); err != nil {
		t.Fatalf("second load: %v", err)
	}
	after, totalAfter := find(t, s, app.TicketFilter{})
	equal(t, "tickets after second load", after, before)
	if totalAfter != totalBefore || totalBefore != 9 {
		t.Errorf("totals %d then %d, want 9", totalBefore, totalAfter)
	}
	d := detail(t, s, T2)
	if len(d.Repairs) != 1 || len(d.Notes) != 1 {
		t.Errorf("T2 has %d repairs and %d notes after two loads, want 1 and 1", len(d.Repairs), len(d.Notes))
	}
	if got := balances(t, s, VanAna); got[BatteryP50] != bal[BatteryP50] {
		t.Errorf("balance after second load %v, want %v", got, bal)
	}

	// Rows replace rows by key; the children stay.
	w := World()
	w.Tickets[1].Ticket.Customer.Name = "Renamed"
	w.Tickets[1].Repairs = nil
	w.Parts[0].NameEN = "Battery P50 (new packaging)"
	w.Parts[0].Models = []string{"P50E"}
	w.RuleSets = []app.RuleSet{{ID: "CN-2026", Version: 1, Country: "CN", Currency: "CNY", TaxName: "stale"}}
	if err := s.Load(ctx, app.Dataset{Tickets: w.Tickets[1:2], Parts: w.Parts[:1], RuleSets: w.RuleSets}); err != nil {
		t.Fatalf("load changes: %v", err)
	}
	d = detail(t, s, T2)
	if d.Ticket.Customer.Name != "Renamed" || len(d.Repairs) != 1 {
		t.Errorf("T2 after reload: customer %q, %d repairs; want Renamed, 1", d.Ticket.Customer.Name, len(d.Repairs))
	}
	p, err := s.Parts.Part(ctx, BatteryP50)
	if err != nil {
		t.Fatal(err)
	}
	if p.NameEN != w.Parts[0].NameEN || !slices.Equal(p.Models, []string{"P50E"}) {
		t.Errorf("part after reload = %+v", p)
	}
	if got, _ := s.Parts.FindParts(ctx, app.PartFilter{Query: "packaging"}); !slices.Equal(numbers(got), []app.PartNumber{BatteryP50}) {
		t.Errorf("search for the new name = %v", numbers(got))
	}
	if got, _ := s.Parts.FindParts(ctx, app.PartFilter{Query: "original"}); len(got) != 0 {
		t.Errorf("search for the old name = %v, want none", numbers(got))
	}
	if rs, err := s.Warranty.RuleSet(ctx, "CN"); err != nil || rs.Version != 2 || rs.TaxName != "VAT" {
		t.Errorf("an older rule set version replaced a newer one: %+v, %v", rs, err)
	}
}

func testTicketViews(t *testing.T, s Stores) {
	for name, tc := range map[string]struct {
		f    app.TicketFilter
		want []app.TicketID
	}{
		"Today":        {app.TicketFilter{View: app.ViewToday, Technician: Ana}, []app.TicketID{T6, T1, T2, T8}},
		"Upcoming":     {app.TicketFilter{View: app.ViewUpcoming, Technician: Ana}, []app.TicketID{T3}},
		"WaitingParts": {app.TicketFilter{View: app.ViewWaitingParts, Technician: Ana}, []app.TicketID{T4}},
		"Done":         {app.TicketFilter{View: app.ViewDone, Technician: Ana}, []app.TicketID{T5}},
		"DoneAll":      {app.TicketFilter{View: app.ViewDone}, []app.TicketID{T5, T9}},
		"TodayAll":     {app.TicketFilter{View: app.ViewToday}, []app.TicketID{T6, T1, T7, T2, T8}},
		"AllOfBo":      {app.TicketFilter{Technician: Bo}, []app.TicketID{T7, T9}},
		// Tomorrow, T3 is today's and today's T1 is overdue.
		"TomorrowToday": {app.TicketFilter{View: app.ViewToday, Technician: Ana, Now: Now.AddDate(0, 0, 1)}, []app.TicketID{T6, T1, T3, T2, T8}},
	} {
		t.Run(name, func(t *testing.T) {
			got, total := find(t, s, tc.f)
			equal(t, "tickets", got, tc.want)
			if total != len(tc.want) {
				t.Errorf("total = %d, want %d", total, len(tc.want))
			}
		})
	}
}

// testTicketViewsAreListOf: the lists are app.ListOf's rule, which the
// terminal uses to say where a ticket went when a step moved it off the
// list on screen: each ticket is on exactly one of the four, the one
// ListOf names, today, tomorrow and in a week, in two zones.
func testTicketViewsAreListOf(t *testing.T, s Stores) {
	views := []app.TicketView{app.ViewToday, app.ViewUpcoming, app.ViewWaitingParts, app.ViewDone}
	shanghai := time.FixedZone("UTC+8", 8*3600)
	for _, now := range []time.Time{Now, Now.AddDate(0, 0, 1), Now.AddDate(0, 0, 7), Now.Add(15 * time.Hour)} {
		for _, loc := range []*time.Location{time.UTC, shanghai} {
			on := map[app.TicketID]app.TicketView{}
			for _, v := range views {
				ts, _, err := s.Tickets.FindTickets(t.Context(), app.TicketFilter{View: v, Now: now, Location: loc})
				if err != nil {
					t.Fatal(err)
				}
				for _, tk := range ts {
					if was, twice := on[tk.ID]; twice {
						t.Errorf("%s in %s: %s is on %s and %s", now, loc, tk.ID, was, v)
					}
					on[tk.ID] = v
					if want := app.ListOf(tk, now, loc); want != v {
						t.Errorf("%s in %s: %s (%s) is on %s, app.ListOf says %s", now, loc, tk.ID, tk.Status, v, want)
					}
				}
			}
			all, _, err := s.Tickets.FindTickets(t.Context(), app.TicketFilter{Now: now, Location: loc})
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != len(on) {
				t.Errorf("%s in %s: %d tickets, %d on the four lists", now, loc, len(all), len(on))
			}
		}
	}
}

func testTicketSort(t *testing.T, s Stores) {
	for sort, want := range map[app.TicketSort][]app.TicketID{
		app.SortAppointment: {T6, T1, T2, T8},
		app.SortSLA:         {T2, T6, T1, T8},
		app.SortPriority:    {T6, T2, T1, T8},
	} {
		got, _ := find(t, s, app.TicketFilter{View: app.ViewToday, Technician: Ana, Sort: sort})
		equal(t, "sort "+string(sort), got, want)
	}
}

func testTicketPaging(t *testing.T, s Stores) {
	f := app.TicketFilter{View: app.ViewToday, Technician: Ana, Limit: 3}
	var all []app.TicketID
	for f.Offset = 0; f.Offset < 6; f.Offset += 3 {
		page, total := find(t, s, f)
		if total != 4 {
			t.Errorf("offset %d: total = %d, want 4", f.Offset, total)
		}
		all = append(all, page...)
	}
	equal(t, "pages", all, []app.TicketID{T6, T1, T2, T8})
	if page, total := find(t, s, app.TicketFilter{Technician: Ana, Offset: 100}); len(page) != 0 || total != 7 {
		t.Errorf("past the end: %v total %d, want none of 7", page, total)
	}
}

func testTicketQuery(t *testing.T, s Stores) {
	for q, want := range map[string][]app.TicketID{
		"王伟":                   {T1},
		"0013":                 {T1},         // part of the phone as written
		"13800138000":          {T1},         // the phone without its spaces
		"tel:13800138000":      {T1},         // a QR Code's phone link
		"+86 138 0013 8000":    {T1},         // with the country code it is stored without
		"tel:+8613800138000":   {T1},         // the same in a QR Code's phone link
		"138 0013 8000 ext 12": {T1},         // with an extension it is stored without
		"X0Y0Z1A3B":            nil,          // a serial's scattered digits are no phone's "0013"
		"sn-p50":               {T1},         // serial, any case
		"000003":               {T3},         // ticket number
		"customer 000004":      {T4},         // every word must match
		"nobody":               nil,          //
		"100%":                 nil,          // LIKE wildcards are literal
		"FB-2026-00000_":       nil,          //
		"Customer":             {T9, T8, T7}, // newest on the device first; T1's customer is 王伟
		// Folded as the board folds (app.Fold): accents, ligatures, a
		// sharp s, stroked letters, any case.
		"loeuvre":          {T2},
		"Francoise LŒUVRE": {T2},
		"lœ":               {T2}, // a short word folds to a long one
		"strasse":          {T3},
		"STRAßE":           {T3},
		"soren":            {T3},
		"lodz":             {T6},
		"Łódź":             {T6},
		// A Chinese input method's full-width digits and letters, in the
		// query or in the phone as stored.
		"１３８００１３８０００":       {T1},
		"ｔｅｌ：１３８ ００１３ ８０００": {T1},
		"ＳＮ－Ｐ５０":            {T1},
		"13900000006":       {T6},
		"0006":              {T6},
		// A phone link's few digits are a phone's: "tel:" says so.
		"tel:138": {T1},
		"tel:12":  nil, // fewer than app.MinPhoneLinkDigits: no phone, no text either
	} {
		f := app.TicketFilter{Query: q, Limit: 3}
		got, _ := find(t, s, f)
		equal(t, "query "+q, got, want)
	}
}

func testTicketErrors(t *testing.T, s Stores) {
	_, _, err := s.Tickets.FindTickets(t.Context(), app.TicketFilter{View: "someday"})
	wantCode(t, err, app.EINVALID)
	_, _, err = s.Tickets.FindTickets(t.Context(), app.TicketFilter{Sort: "color"})
	wantCode(t, err, app.EINVALID)
	_, err = s.Tickets.TicketDetail(t.Context(), "t-none")
	wantCode(t, err, app.ENOTFOUND)
}

func testTicketDetail(t *testing.T, s Stores) {
	want := World().Tickets[4]
	d := detail(t, s, T5)
	if d.Ticket.Number != want.Ticket.Number || !d.Ticket.CompletedAt.Equal(want.Ticket.CompletedAt) || d.Ticket.ResolutionCode != app.ResolutionRepaired {
		t.Errorf("T5 = %+v", d.Ticket)
	}
	if len(d.Repairs) != 1 || d.Repairs[0].ID != "r-0002" || d.Repairs[0].Ticket != T5 || !d.Repairs[0].At.Equal(want.Repairs[0].At) {
		t.Errorf("T5 repairs = %+v", d.Repairs)
	}
	if len(d.Photos) != 1 || d.Photos[0].SHA256 != want.Photos[0].SHA256 || d.Photos[0].State != "verified" {
		t.Errorf("T5 photos = %+v", d.Photos)
	}
	if d.Parts == nil || d.Notes == nil {
		t.Errorf("empty lists should be empty, not nil: parts %v notes %v", d.Parts, d.Notes)
	}
}

func testCommitWorkflow(t *testing.T, s Stores) {
	ctx := t.Context()
	diag := "cracked display"
	cmds := []app.Command{
		&app.TransitionTicket{Action: app.ActionDepart, Ticket: T1, Epoch: 1},
		&app.TransitionTicket{Action: app.ActionArrive, Ticket: T1, Epoch: 1},
		&app.TransitionTicket{Action: app.ActionStart, Ticket: T1, Epoch: 1},
		&app.UpdateTicket{Ticket: T1, Set: app.TicketFields{Diagnosis: &diag}},
		&app.LogRepair{Entry: app.RepairEntry{ID: "r-new", Ticket: T1, Action: "replaced display", Minutes: 30}},
		&app.ConsumePart{Used: app.PartUsed{ID: "u-new", Ticket: T1, Part: DisplayP50, Qty: 1, Serial: "LCD-0001", From: VanAna}},
		&app.AddNote{Note: app.Note{ID: "n-new", Ticket: T1, Text: "customer happy"}},
		&app.TransitionTicket{Action: app.ActionComplete, Ticket: T1, Epoch: 1, Resolution: app.ResolutionRepaired},
	}
	var ms []app.Mutation
	for i, cmd := range cmds {
		m := commit(t, s, ana, cmd)
		if m.Seq != int64(i+1) || m.ID == "" || m.Device == "" || m.HLC == "" || !m.At.Equal(Now) {
			t.Errorf("mutation %d = %+v", i, m)
		}
		if i > 0 && m.HLC <= ms[i-1].HLC {
			t.Errorf("HLC %q does not follow %q", m.HLC, ms[i-1].HLC)
		}
		ms = append(ms, m)
	}
	d := detail(t, s, T1)
	tk := d.Ticket
	if tk.Status != app.StatusCompleted || tk.Diagnosis != diag || tk.ResolutionCode != app.ResolutionRepaired ||
		!tk.StartedAt.Equal(Now) || !tk.CompletedAt.Equal(Now) || tk.LabourMinutes != 30 {
		t.Errorf("T1 after the workflow = %+v", tk)
	}
	if len(d.Repairs) != 1 || d.Repairs[0].By != "Ana Li" || len(d.Parts) != 1 || len(d.Notes) != 1 {
		t.Errorf("T1 facts = %+v", d)
	}
	if got, _ := find(t, s, app.TicketFilter{View: app.ViewDone, Technician: Ana}); !slices.Contains(got, T1) {
		t.Errorf("done view %v lacks T1", got)
	}
	if b := balances(t, s, VanAna); b[DisplayP50] != [2]int{0, -1} {
		t.Errorf("display at van = %v, want qty 0 with 1 pending consumption", b[DisplayP50])
	}

	pending, err := s.Outbox.Pending(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != len(cmds) || pendingCount(t, s) != len(cmds) {
		t.Fatalf("pending = %d mutations, want %d", len(pending), len(cmds))
	}
	for i, p := range pending {
		m := ms[i]
		if p.Seq != m.Seq || p.ID != m.ID || p.FullName() != m.FullName() || p.HLC != m.HLC || p.Device != m.Device ||
			!p.At.Equal(m.At) || !bytes.Equal(p.Args, m.Args) {
			t.Errorf("pending[%d] = %+v, want %+v", i, p, m)
		}
		if _, err := app.DecodeMutation(p); err != nil {
			t.Errorf("pending[%d] does not decode: %v", i, err)
		}
	}
	if page, _ := s.Outbox.Pending(ctx, 3); len(page) != 3 || page[2].Seq != 3 {
		t.Errorf("Pending(3) = %d mutations", len(page))
	}
}

func testCommitRollsBack(t *testing.T, s Stores) {
	ctx := t.Context()
	before := detail(t, s, T2)
	bal := balances(t, s, VanAna)
	for name, tc := range map[string]struct {
		actor app.Actor
		cmd   app.Command
		code  string
	}{
		"CompleteWithoutResolution": {ana, &app.TransitionTicket{Action: app.ActionComplete, Ticket: T2, Epoch: 1}, app.EINVALID},
		"InvalidArgs":               {ana, &app.LogRepair{Entry: app.RepairEntry{ID: "r-x", Ticket: T2}}, app.EINVALID},
		"NotYours":                  {bo, &app.AddNote{Note: app.Note{ID: "n-x", Ticket: T2, Text: "hi"}}, app.EFORBIDDEN},
		"StaleEpoch":                {ana, &app.TransitionTicket{Action: app.ActionWait, Ticket: T2, Epoch: 7, Reason: "x"}, app.ECONFLICT},
		"UnknownTicket":             {ana, &app.AddNote{Note: app.Note{ID: "n-y", Ticket: "t-none", Text: "hi"}}, app.ENOTFOUND},
		// The part-used row is written before the movement fails: it
		// must be rolled back with it.
		"FailsAfterFirstWrite": {ana, &app.ConsumePart{Used: app.PartUsed{ID: DupMovement, Ticket: T2, Part: BatteryP50, Qty: 1, From: VanAna}}, app.ECONFLICT},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Committer.Commit(ctx, tc.actor, tc.cmd)
			wantCode(t, err, tc.code)
			after := detail(t, s, T2)
			if after.Ticket.Status != before.Ticket.Status || !after.Ticket.UpdatedAt.Equal(before.Ticket.UpdatedAt) ||
				len(after.Parts) != 0 || len(after.Notes) != len(before.Notes) || len(after.Repairs) != len(before.Repairs) {
				t.Errorf("T2 changed: %+v", after)
			}
			if n := pendingCount(t, s); n != 0 {
				t.Errorf("outbox has %d mutations after a failed commit", n)
			}
			if b := balances(t, s, VanAna); b[BatteryP50] != bal[BatteryP50] {
				t.Errorf("balance changed to %v", b)
			}
		})
	}
	// Failed commits use no seq: the next one is 1.
	m := commit(t, s, ana, &app.AddNote{Note: app.Note{ID: "n-ok", Ticket: T2, Text: "ok"}})
	if m.Seq != 1 {
		t.Errorf("seq after failed commits = %d, want 1", m.Seq)
	}
}

// ack acknowledges every mutation up to seq as the server does: with a
// pulled page's Acked.
func ack(ctx context.Context, s Stores, seq int64) error {
	return s.Replica.ApplyPull(ctx, app.PullPage{Epoch: "storetest", Acked: seq, At: Now})
}

func testOutboxAcknowledge(t *testing.T, s Stores) {
	ctx := t.Context()
	for i := range 3 {
		commit(t, s, ana, &app.AddNote{Note: app.Note{ID: "n-ack-" + string(rune('a'+i)), Ticket: T8, Text: "note"}})
	}
	if err := ack(ctx, s, 2); err != nil {
		t.Fatal(err)
	}
	p, err := s.Outbox.Pending(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 1 || p[0].Seq != 3 || pendingCount(t, s) != 1 {
		t.Errorf("pending after ack 2 = %+v", p)
	}
	wantCode(t, ack(ctx, s, 4), app.EINVALID)
	if err := ack(ctx, s, 3); err != nil {
		t.Fatal(err)
	}
	if n := pendingCount(t, s); n != 0 {
		t.Errorf("pending after acknowledging all = %d", n)
	}
	if m := commit(t, s, ana, &app.AddNote{Note: app.Note{ID: "n-ack-d", Ticket: T8, Text: "note"}}); m.Seq != 4 {
		t.Errorf("seq after acknowledging all = %d, want 4", m.Seq)
	}
}

func testBalances(t *testing.T, s Stores) {
	ctx := t.Context()
	if got := balances(t, s, VanAna); len(got) != 2 || got[BatteryP50] != [2]int{3, 0} || got[DisplayP50] != [2]int{1, 0} {
		t.Errorf("van = %v, want 3 batteries and 1 display", got)
	}
	if got := balances(t, s, StoreSH); len(got) != 1 || got[BatteryP50] != [2]int{1, 0} {
		t.Errorf("store = %v, want 1 battery (2 received, 1 adjusted away)", got)
	}
	bs, _ := s.Parts.Balances(ctx, VanAna)
	if len(bs) != 2 || bs[0].Part != BatteryP50 || bs[1].Part != DisplayP50 {
		t.Errorf("balances not in part order: %+v", bs)
	}
	// Consumption is a fact even beyond the stock: the balance goes negative.
	commit(t, s, ana, &app.ConsumePart{Used: app.PartUsed{ID: "u-1", Ticket: T2, Part: BatteryP50, Qty: 4, From: VanAna}})
	commit(t, s, ana, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "mv-t", Part: BatteryP50, From: StoreSH, To: VanAna, Qty: 1}})
	if got := balances(t, s, VanAna); got[BatteryP50] != [2]int{0, -3} {
		t.Errorf("van battery after consuming 4 and receiving 1 = %v, want qty 0, pending -3", got[BatteryP50])
	}
	if got := balances(t, s, StoreSH); got[BatteryP50] != [2]int{0, -1} {
		t.Errorf("store battery = %v, want 0 with -1 pending", got[BatteryP50])
	}
	commit(t, s, ana, &app.ConsumePart{Used: app.PartUsed{ID: "u-2", Ticket: T2, Part: BatteryP50, Qty: 2, From: VanAna}})
	if err := ack(ctx, s, 2); err != nil {
		t.Fatal(err)
	}
	if got := balances(t, s, VanAna); got[BatteryP50] != [2]int{-2, -2} {
		t.Errorf("van battery after ack of the first two = %v, want -2 with -2 pending", got[BatteryP50])
	}
	if got := balances(t, s, "van-unknown"); len(got) != 0 {
		t.Errorf("unknown location has balances %v", got)
	}
}

// findParts returns the numbers of the parts FindParts finds for f, and
// what CountParts counts for it.
func findParts(t *testing.T, s Stores, f app.PartFilter) ([]app.PartNumber, int) {
	t.Helper()
	got, err := s.Parts.FindParts(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Parts.CountParts(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	return numbers(got), n
}

func testFindParts(t *testing.T, s Stores) {
	for name, tc := range map[string]struct {
		f    app.PartFilter
		want []app.PartNumber
	}{
		"NumberPrefix":       {app.PartFilter{Query: "HB-"}, []app.PartNumber{BatteryP50, DisplayP50}},
		"NumberPrefixLower":  {app.PartFilter{Query: "hb-l"}, []app.PartNumber{DisplayP50}},
		"NumberInside":       {app.PartFilter{Query: "PUMP-01"}, []app.PartNumber{DrainPump}},
		"EnglishWord":        {app.PartFilter{Query: "battery"}, []app.PartNumber{BatteryP50, BatteryN12}},
		"TwoEnglishWords":    {app.PartFilter{Query: "battery p50"}, []app.PartNumber{BatteryP50}},
		"TwoWordsAnyOrder":   {app.PartFilter{Query: "SEAL door"}, []app.PartNumber{DoorSeal}},
		"WordPart":           {app.PartFilter{Query: "washing"}, []app.PartNumber{DrainPump}},
		"NoMatch":            {app.PartFilter{Query: "battery pump"}, nil},
		"Chinese2":           {app.PartFilter{Query: "电池"}, []app.PartNumber{BatteryP50, BatteryN12}},
		"Chinese1":           {app.PartFilter{Query: "泵"}, []app.PartNumber{DrainPump}},
		"Chinese3":           {app.PartFilter{Query: "排水泵"}, []app.PartNumber{DrainPump}},
		"ChineseTwoWords":    {app.PartFilter{Query: "华为 电池"}, []app.PartNumber{BatteryP50}},
		"ChineseInsideWord":  {app.PartFilter{Query: "总成"}, []app.PartNumber{DisplayP50}},
		"ChineseAndEnglish":  {app.PartFilter{Query: "电池 redmi"}, []app.PartNumber{BatteryN12}},
		"TwoLetterWordStart": {app.PartFilter{Query: "X1"}, []app.PartNumber{KeyboardX1}},
		"Model":              {app.PartFilter{Model: "P50"}, []app.PartNumber{BatteryP50, DisplayP50}},
		"ModelAnyCase":       {app.PartFilter{Model: "p50 pro"}, []app.PartNumber{BatteryP50}},
		"ModelAndWord":       {app.PartFilter{Model: "P50", Query: "电池"}, []app.PartNumber{BatteryP50}},
		"ModelAndPrefix":     {app.PartFilter{Model: "EG100", Query: "HA-S"}, []app.PartNumber{DoorSeal}},
		"UnknownModel":       {app.PartFilter{Model: "Nokia 3310"}, nil},
		"Nothing":            {app.PartFilter{}, []app.PartNumber{DrainPump, DoorSeal, BatteryP50, DisplayP50, KeyboardX1, BatteryN12}},
		"Limit":              {app.PartFilter{Query: "HA-", Limit: 1}, []app.PartNumber{DrainPump}},
		"Quotes":             {app.PartFilter{Query: `"battery`}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			g, n := findParts(t, s, tc.f)
			if want := len(tc.want); name == "Limit" && n != 2 || name != "Limit" && n != want {
				t.Errorf("CountParts = %d, FindParts found %d", n, want)
			}
			if strings.HasPrefix(name, "NumberPrefix") || name == "Limit" || name == "Model" || name == "Nothing" {
				equal(t, "parts in order", g, tc.want) // number prefixes and models come sorted
				return
			}
			slices.Sort(g)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			equal(t, "parts", g, want)
		})
	}
}

// testFindPartsFolded: the part search folds as the ticket search does
// (app.Fold), the catalog's text and the query alike: a Chinese input
// method's full-width number, letters and digits are their ASCII, a
// ligature and stroked letters their plain letters, any case. A number
// typed whole comes first by its prefix, as one typed in ASCII does.
func testFindPartsFolded(t *testing.T, s Stores) {
	const (
		kit      app.PartNumber = "KT-0021464550A-2" // holds the grommet's number inside
		grommet  app.PartNumber = "0021464550A"
		bearing  app.PartNumber = "HA-BRG-6204"
		wideName app.PartNumber = "HA-FLT-03"
	)
	// The kit first: the search's text matches come in catalog order, so
	// only the prefix puts the grommet before it.
	if err := s.Load(t.Context(), app.Dataset{Parts: []app.Part{
		{Number: kit, NameEN: "Porthole kit", NameZH: "舷窗套件", Class: app.ClassUnit, Brand: "Haier", Models: []string{"EG100"}},
		{Number: grommet, NameEN: "Œillet de hublot", NameZH: "舷窗垫圈", Class: app.ClassUnit, Brand: "Haier", Models: []string{"EG100"}},
		{Number: bearing, NameEN: "Łożysko bębna 6204", NameZH: "滚筒轴承", Class: app.ClassUnit, Brand: "Haier", Models: []string{"EG100"}},
		{Number: wideName, NameEN: "Ｗａｔｅｒ ｆｉｌｔｅｒ", NameZH: "进水滤网", Class: app.ClassUnit, Brand: "Haier"},
	}}); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		f       app.PartFilter
		want    []app.PartNumber
		ordered bool
	}{
		"FullWidthNumber":       {app.PartFilter{Query: "００２１４６４５５０Ａ"}, []app.PartNumber{grommet, kit}, true},
		"FullWidthNumberLower":  {app.PartFilter{Query: "００２１４６４５５０ａ"}, []app.PartNumber{grommet, kit}, true},
		"FullWidthNumberInside": {app.PartFilter{Query: "１４６４５５０"}, []app.PartNumber{kit, grommet}, false},
		"FullWidthPrefix":       {app.PartFilter{Query: "ＨＢ－"}, []app.PartNumber{BatteryP50, DisplayP50}, true},
		"FullWidthWord":         {app.PartFilter{Query: "ＢＡＴＴＥＲＹ"}, []app.PartNumber{BatteryP50, BatteryN12}, false},
		"FullWidthTwoLetters":   {app.PartFilter{Query: "Ｘ１"}, []app.PartNumber{KeyboardX1}, false},
		"FullWidthSpace":        {app.PartFilter{Query: "ｂａｔｔｅｒｙ　ｐ５０"}, []app.PartNumber{BatteryP50}, false},
		"FullWidthModelAndWord": {app.PartFilter{Model: "EG100", Query: "ｓｅａｌ"}, []app.PartNumber{DoorSeal}, false},
		"FullWidthInCatalog":    {app.PartFilter{Query: "water filter"}, []app.PartNumber{wideName}, false},
		"Ligature":              {app.PartFilter{Query: "oeillet"}, []app.PartNumber{grommet}, false},
		"LigatureAnyCase":       {app.PartFilter{Query: "ŒILLET hublot"}, []app.PartNumber{grommet}, false},
		"StrokedLetters":        {app.PartFilter{Query: "lozysko bebna"}, []app.PartNumber{bearing}, false},
		"StrokedAsWritten":      {app.PartFilter{Query: "ŁOŻYSKO"}, []app.PartNumber{bearing}, false},
		"StrokedTwoLetters":     {app.PartFilter{Query: "lo 6204"}, []app.PartNumber{bearing}, false},
		"ChineseUnchanged":      {app.PartFilter{Query: "舷窗"}, []app.PartNumber{kit, grommet}, false},
	} {
		t.Run(name, func(t *testing.T) {
			g, n := findParts(t, s, tc.f)
			if n != len(tc.want) {
				t.Errorf("CountParts = %d, want %d", n, len(tc.want))
			}
			want := slices.Clone(tc.want)
			if !tc.ordered {
				slices.Sort(g)
				slices.Sort(want)
			}
			equal(t, "parts", g, want)
		})
	}
}

func testArrivals(t *testing.T, s Stores) {
	ctx := t.Context()
	ret := func(id string, part app.PartNumber, ticket app.TicketID, hour int) app.StockMovement {
		return app.StockMovement{ID: id, Kind: app.MoveReturnDefective, Part: part, To: DefectSH, Qty: 1, Ticket: ticket, Reason: "FB-" + string(ticket), At: at(0, hour)}
	}
	if err := s.Load(ctx, app.Dataset{Movements: []app.StockMovement{
		ret("r-1", BatteryP50, T1, 8), ret("r-2", BatteryP50, T2, 10), ret("r-3", BatteryP50, T3, 9), ret("r-4", DrainPump, T5, 7),
	}}); err != nil {
		t.Fatal(err)
	}
	hours := map[string]int{"r-1": 8, "r-2": 10, "r-3": 9, "r-4": 7}
	for name, tc := range map[string]struct {
		parts []app.PartNumber
		limit int
		want  []string
	}{
		"NewestFirst":  {[]app.PartNumber{BatteryP50}, 5, []string{"r-2", "r-3", "r-1"}},
		"LimitPerPart": {[]app.PartNumber{BatteryP50, DrainPump}, 2, []string{"r-2", "r-3", "r-4"}},
		"LimitAtLeast": {[]app.PartNumber{BatteryP50}, 0, []string{"r-2"}},
		"NoneOfPart":   {[]app.PartNumber{KeyboardX1}, 5, nil},
		"NoParts":      {nil, 5, nil},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := s.Parts.Arrivals(ctx, DefectSH, tc.parts, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, m := range got {
				ids = append(ids, m.ID)
				if m.To != DefectSH || m.Kind != app.MoveReturnDefective || m.Ticket == "" || m.Reason != "FB-"+string(m.Ticket) || !m.At.Equal(at(0, hours[m.ID])) {
					t.Errorf("arrival %+v lost its fields", m)
				}
			}
			equal(t, "arrivals", ids, tc.want)
		})
	}
	if got, err := s.Parts.Arrivals(ctx, VanAna, []app.PartNumber{BatteryP50}, 5); err != nil || len(got) != 1 || got[0].To != VanAna {
		t.Errorf("arrivals at the van: %+v, %v (want the one receipt)", got, err)
	}
}

func testPart(t *testing.T, s Stores) {
	p, err := s.Parts.Part(t.Context(), "hb-bat-p50")
	if err != nil {
		t.Fatal(err)
	}
	want := World().Parts[0]
	if p.Number != want.Number || p.NameZH != want.NameZH || p.Class != want.Class || !p.ReturnNeeded ||
		!slices.Equal(p.Models, want.Models) || len(p.Prices) != 2 {
		t.Errorf("Part = %+v, want %+v", p, want)
	}
	if m, ok := p.Price("EUR"); !ok || m.Amount != 2900 {
		t.Errorf("EUR price = %v", m)
	}
	_, err = s.Parts.Part(t.Context(), "NO-SUCH")
	wantCode(t, err, app.ENOTFOUND)
}

func testLocations(t *testing.T, s Stores) {
	ls, err := s.Parts.Locations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 3 {
		t.Errorf("locations = %+v", ls)
	}
}

func testRuleSet(t *testing.T, s Stores) {
	for _, c := range []string{"CN", "cn"} {
		rs, err := s.Warranty.RuleSet(t.Context(), c)
		if err != nil || rs.ID != "CN-2026" || rs.Version != 2 || rs.LabourRate != cny(15000) {
			t.Errorf("RuleSet(%s) = %+v, %v", c, rs, err)
		}
	}
	_, err := s.Warranty.RuleSet(t.Context(), "FR")
	wantCode(t, err, app.ENOTFOUND)
	// The names come back in every language the server sent.
	rs, err := s.Warranty.RuleSet(t.Context(), "CN")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, want string }{
		{"en", "China three guarantees 2026"},
		{"zh-Hans-CN", "中国三包 2026"},
		{"fr", "Trois garanties (Chine) 2026"},
		{"es", "China three guarantees 2026"}, // not sent: English
	} {
		if got := rs.NameFor(tc.lang); got != tc.want {
			t.Errorf("NameFor(%s) = %q, want %q (names %v)", tc.lang, got, tc.want, rs.Names)
		}
	}
}

func testPhotos(t *testing.T, s Stores) {
	ctx := t.Context()
	data := bytes.Repeat([]byte("jpeg"), 1000)
	sum, n, err := s.Photos.PutPhoto(ctx, bytes.NewReader(data))
	if err != nil || n != int64(len(data)) || !app.ValidSHA256(sum) {
		t.Fatalf("PutPhoto = %s, %d, %v", sum, n, err)
	}
	sum2, _, err := s.Photos.PutPhoto(ctx, bytes.NewReader(data))
	if err != nil || sum2 != sum {
		t.Fatalf("same bytes again = %s, %v", sum2, err)
	}
	rc, err := s.Photos.OpenPhoto(ctx, sum)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("OpenPhoto read %d bytes, %v", len(got), err)
	}
	_, err = s.Photos.OpenPhoto(ctx, strings.Repeat("ab", 32))
	wantCode(t, err, app.ENOTFOUND)
	_, err = s.Photos.OpenPhoto(ctx, "../../etc/passwd")
	wantCode(t, err, app.EINVALID)
	_, _, err = s.Photos.PutPhoto(ctx, bytes.NewReader(nil))
	wantCode(t, err, app.EINVALID)
}

func syncState(t *testing.T, s Stores) app.SyncState {
	t.Helper()
	st, err := s.Replica.SyncState(t.Context())
	if err != nil {
		t.Fatalf("SyncState: %v", err)
	}
	return st
}

func applyPull(t *testing.T, s Stores, page app.PullPage) {
	t.Helper()
	if err := s.Replica.ApplyPull(t.Context(), page); err != nil {
		t.Fatalf("ApplyPull(acked %d, cursor %q): %v", page.Acked, page.Cursor, err)
	}
}

func seqs(t *testing.T, s Stores) []int64 {
	t.Helper()
	ms, err := s.Replica.Pending(t.Context(), 0)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	out := []int64{}
	for _, m := range ms {
		out = append(out, m.Seq)
	}
	return out
}

// testReplicaWatermarks: the acknowledgement moves both ways within the
// seqs handed out, the cursor and epoch follow the pages, and a refused
// page changes nothing.
func testReplicaWatermarks(t *testing.T, s Stores) {
	for i := range 3 {
		commit(t, s, ana, &app.AddNote{Note: app.Note{ID: "n-wm-" + string(rune('a'+i)), Ticket: T8, Text: "note"}})
	}
	st := syncState(t, s)
	if st.Device == "" || st.LastSeq != 3 || st.AckedSeq != 0 || st.Pending != 3 || st.Cursor != "" || st.Epoch != "" || !st.LastSuccess.IsZero() {
		t.Errorf("state before any pull = %+v", st)
	}

	applyPull(t, s, app.PullPage{Epoch: "e1", Acked: 2, Cursor: "c1"})
	st = syncState(t, s)
	if st.AckedSeq != 2 || st.Pending != 1 || st.Cursor != "c1" || st.Epoch != "e1" || !st.LastSuccess.IsZero() {
		t.Errorf("after acked 2 = %+v", st)
	}
	equal(t, "pending after acked 2", seqs(t, s), []int64{3})
	if n := pendingCount(t, s); n != 1 {
		t.Errorf("Outbox.PendingCount = %d, want 1 as the replica says", n)
	}

	// The complete pull brings the server's copies of the notes: confirmed.
	var notes []app.Note
	for i := range 3 {
		notes = append(notes, app.Note{ID: "n-wm-" + string(rune('a'+i)), Ticket: T8, Text: "note", At: Now})
	}
	applyPull(t, s, app.PullPage{Epoch: "e1", Acked: 3, Cursor: "c2", Complete: true, At: Now.Add(time.Minute), Data: app.Dataset{Notes: notes}})
	if st = syncState(t, s); st.Pending != 0 || !st.LastSuccess.Equal(Now.Add(time.Minute)) {
		t.Errorf("after a complete pull = %+v", st)
	}

	// A server restored from a backup knows only seq 1: 2 and 3 are sent
	// again.
	applyPull(t, s, app.PullPage{Epoch: "e2", Acked: 1, Reset: true, Cursor: "c3"})
	st = syncState(t, s)
	if st.AckedSeq != 1 || st.Epoch != "e2" || st.Cursor != "c3" || st.Pending != 2 {
		t.Errorf("after a restore = %+v", st)
	}
	equal(t, "pending after a restore", seqs(t, s), []int64{2, 3})
	if d := detail(t, s, T8); len(d.Notes) != 3 {
		t.Errorf("T8 has %d notes after a restore, want the 3 still pending or confirmed", len(d.Notes))
	}

	// An acknowledgement beyond the last seq refuses the whole page.
	renamed := World().Tickets[7]
	renamed.Ticket.Customer.Name = "Renamed"
	err := s.Replica.ApplyPull(t.Context(), app.PullPage{Epoch: "e3", Acked: 4, Cursor: "c4", Complete: true, At: Now.Add(time.Hour),
		Data: app.Dataset{Tickets: []app.TicketDetail{renamed}}})
	wantCode(t, err, app.EINVALID)
	if after := syncState(t, s); after != st {
		t.Errorf("a refused page changed the state from %+v to %+v", st, after)
	}
	if d := detail(t, s, T8); d.Ticket.Customer.Name == "Renamed" {
		t.Error("a refused page changed a ticket")
	}
}

// testReplicaRebase: a dispatcher's change pulled while the device has an
// unsent edit of the same ticket shows both, and stays so when the page
// comes again.
func testReplicaRebase(t *testing.T, s Stores) {
	diag := "cracked display"
	commit(t, s, ana, &app.UpdateTicket{Ticket: T1, Set: app.TicketFields{Diagnosis: &diag}})

	server := World().Tickets[0]
	server.Ticket.WindowStart, server.Ticket.WindowEnd = at(1, 14), at(1, 16)
	server.Ticket.UpdatedAt = Now.Add(-time.Minute)
	page := app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{Tickets: []app.TicketDetail{server}}}
	for i := range 2 {
		applyPull(t, s, page)
		tk := detail(t, s, T1).Ticket
		if tk.Diagnosis != diag || !tk.WindowStart.Equal(at(1, 14)) || !tk.UpdatedAt.Equal(Now) {
			t.Errorf("pull %d: T1 = diagnosis %q, window %v, updated %v; want both changes", i+1, tk.Diagnosis, tk.WindowStart, tk.UpdatedAt)
		}
		equal(t, "pending", seqs(t, s), []int64{1})
		// The lists follow the rebased row: T1 moved to tomorrow.
		if got, _ := find(t, s, app.TicketFilter{View: app.ViewUpcoming, Technician: Ana}); !slices.Contains(got, T1) {
			t.Errorf("pull %d: upcoming = %v, want T1 in it", i+1, got)
		}
	}
}

// testFieldConflictFollowsLocalEdit: the technician pulled an open
// conflict on the customer's phone (theirs dispatch's), then edits the
// phone again offline. The device's copy of the conflict takes the new
// value as its ours at once, as the service's will once the edit
// arrives, and keeps it when the service's copy, which has not seen the
// edit, is pulled again, with its ticket or without. The address's
// conflict and a closed one are left as they are.
func testFieldConflictFollowsLocalEdit(t *testing.T, s Stores) {
	const mine, theirs, again = "138 0013 8111", "139 0013 8999", "137 0013 8222"
	phone := app.Conflict{ID: "cf-m1-customer_phone", Kind: app.ConflictField, Ticket: T1, Technician: Ana, Field: app.FieldCustomerPhone,
		Ours: mine, Theirs: theirs, TheirsBy: "Dana", Code: app.ECONFLICT, Key: "conflict.field_dispatch",
		Message: "Dispatch changed {{.Field}} without seeing your value; theirs was kept, yours is shown here.", At: Now.Add(-time.Hour)}
	address := phone
	address.ID, address.Field, address.Ours, address.Theirs = "cf-m1-customer_address", app.FieldCustomerAddress, "1 Nanjing Rd", "2 Nanjing Rd"
	closed := phone
	closed.ID, closed.ResolvedAt, closed.Resolution = "cf-m0-customer_phone", Now.Add(-2*time.Hour), app.ResolveDismissed
	server := World().Tickets[0]
	server.Ticket.Customer.Phone = theirs
	withTicket := app.Dataset{Tickets: []app.TicketDetail{server}, Conflicts: []app.Conflict{phone, address, closed}}
	applyPull(t, s, app.PullPage{Epoch: "e1", Cursor: "c1", Data: withTicket})

	base := theirs
	set := again
	commit(t, s, ana, &app.UpdateTicket{Ticket: T1, Set: app.TicketFields{CustomerPhone: &set}, Base: app.TicketFields{CustomerPhone: &base}})
	check := func(when string) {
		t.Helper()
		cs, err := s.Conflicts(t.Context())
		if err != nil {
			t.Fatalf("%s: open conflicts: %v", when, err)
		}
		got := map[string]app.Conflict{}
		for _, c := range cs {
			got[c.ID] = c
		}
		if c := got[phone.ID]; c.Ours != again || c.Theirs != theirs || c.TheirsBy != "Dana" {
			t.Errorf("%s: the phone's conflict is ours %q theirs %q by %q; want ours %q (the edit), theirs %q by Dana", when, c.Ours, c.Theirs, c.TheirsBy, again, theirs)
		}
		if c := got[address.ID]; c.Ours != address.Ours || c.Theirs != address.Theirs {
			t.Errorf("%s: the address's conflict changed to ours %q theirs %q", when, c.Ours, c.Theirs)
		}
		if _, ok := got[closed.ID]; ok || len(cs) != 2 {
			t.Errorf("%s: open conflicts %v; want the phone's and the address's", when, cs)
		}
		if p := detail(t, s, T1).Ticket.Customer.Phone; p != again {
			t.Errorf("%s: the phone is %q, want the edit %q", when, p, again)
		}
	}
	check("after the edit")
	// The service's copy comes again before the edit reached it: alone
	// on a page, then with its ticket.
	applyPull(t, s, app.PullPage{Epoch: "e1", Cursor: "c2", Data: app.Dataset{Conflicts: []app.Conflict{phone}}})
	check("after the conflict alone is pulled again")
	applyPull(t, s, app.PullPage{Epoch: "e1", Cursor: "c3", Data: withTicket})
	check("after the conflict and its ticket are pulled again")
	s = s.Reopen(t)
	check("after a restart")
}

// testGoneConflictDropped: dispatch reassigned T1, whose phone the
// technician holds an open field conflict on, to someone else; the
// conflict followed the ticket (PROTOCOL.md, "Conflicts") and the page
// says it is gone. The device drops it, even while an edit of the phone
// waits in its outbox (the ticket then stays, out of scope), and the
// rebase of that edit does not bring it back; a conflict that keeps the
// technician's own refused work stays, and an ID the device never held
// changes nothing.
func testGoneConflictDropped(t *testing.T, s Stores) {
	phone := app.Conflict{ID: "cf-m1-customer_phone", Kind: app.ConflictField, Ticket: T1, Technician: Ana, Field: app.FieldCustomerPhone,
		Ours: "138 0013 8111", Theirs: "139 0013 8999", TheirsBy: "Dana", Code: app.ECONFLICT, Key: "conflict.field_dispatch",
		Message: "Dispatch changed {{.Field}} without seeing your value; theirs was kept, yours is shown here.", At: Now.Add(-time.Hour)}
	stale := app.Conflict{ID: "cf-m2", Kind: app.ConflictStaleEpoch, Ticket: T1, Technician: Ana, Name: "note.add.v1",
		Ours: `{"note":{"id":"n-m2"}}`, Theirs: "reassigned", Code: app.ECONFLICT, Key: "ticket.stale_epoch",
		Message: "Ticket {{.Number}} was reassigned or cancelled while you worked on it; dispatch will review your work.",
		Data:    map[string]any{"Number": "R-1"}, At: Now.Add(-time.Hour)}
	server := World().Tickets[0]
	server.Ticket.Customer.Phone = phone.Theirs
	applyPull(t, s, app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{Tickets: []app.TicketDetail{server}, Conflicts: []app.Conflict{phone, stale}}})
	base, set := phone.Theirs, "137 0013 8222"
	commit(t, s, ana, &app.UpdateTicket{Ticket: T1, Set: app.TicketFields{CustomerPhone: &set}, Base: app.TicketFields{CustomerPhone: &base}})

	check := func(when string) {
		t.Helper()
		cs, err := s.Conflicts(t.Context())
		if err != nil {
			t.Fatalf("%s: open conflicts: %v", when, err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, c.ID)
		}
		if !slices.Equal(got, []string{stale.ID}) {
			t.Errorf("%s: open conflicts %v, want only %s (the phone's went with its ticket)", when, got, stale.ID)
		}
		if p := detail(t, s, T1).Ticket.Customer.Phone; p != set {
			t.Errorf("%s: T1's phone is %q, want the unsent edit %q", when, p, set)
		}
	}
	applyPull(t, s, app.PullPage{Epoch: "e1", Cursor: "c2", Data: app.Dataset{
		GoneTickets: []app.TicketID{T1}, GoneConflicts: []string{phone.ID, "cf-never-held"}}})
	check("after the page that says it is gone")
	applyPull(t, s, app.PullPage{Epoch: "e1", Cursor: "c3"})
	check("after the edit is rebased again")
	s = s.Reopen(t)
	check("after a restart")
}
