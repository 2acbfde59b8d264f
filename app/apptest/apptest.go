package apptest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Tx runs fn in one write transaction of the implementation under test:
// committed when fn returns nil, rolled back when it returns an error,
// which Tx returns.
type Tx func(ctx context.Context, fn func(tx app.MutationTx) error) error

// RunMutationTx runs the suite. open must return a fresh implementation
// holding World(), whose clock reads Now; it is called once per subtest
// and should clean up with t.Cleanup.
func RunMutationTx(t *testing.T, open func(t *testing.T) Tx) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) Tx)
	}{
		{"Ticket", testTicket},
		{"SaveTicketValidates", testSaveTicketValidates},
		{"PartAndLocation", testPartAndLocation},
		{"CountRepairs", testCountRepairs},
		{"Facts", testFacts},
		{"MovementValidates", testMovementValidates},
		{"Mutations", testMutations},
		{"MutationRefusals", testMutationRefusals},
		{"Savepoints", testSavepoints},
		{"TicketScope", testTicketScope},
		{"Money", testMoney},
		{"Passcodes", testPasscodes},
		{"PartRequests", testPartRequests},
		{"Shipments", testShipments},
		{"FieldTimes", testFieldTimes},
		{"PurchaseDates", testPurchaseDates},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// errAbort is the failure of a test function that makes Tx roll back.
var errAbort = errors.New("apptest: abort the transaction")

// in runs fn in one transaction of tx and fails the test on its error.
func in(t *testing.T, tx Tx, fn func(tx app.MutationTx) error) {
	t.Helper()
	if err := tx(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}

// wantCode checks err's code (and key, when key is not "").
func wantCode(t *testing.T, what string, err error, code, key string) {
	t.Helper()
	if got := app.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, got, code)
		return
	}
	if e := app.AsError(err); key != "" && e.Key != key {
		t.Errorf("%s: error key %q (%v), want %q", what, e.Key, err, key)
	}
}

func worldTicket(id app.TicketID) app.Ticket {
	for _, d := range World().Tickets {
		if d.Ticket.ID == id {
			return d.Ticket
		}
	}
	panic("apptest: no ticket " + string(id) + " in the world")
}

// sameTicket compares the fields every implementation must keep.
func sameTicket(t *testing.T, what string, got, want app.Ticket) {
	t.Helper()
	type key struct {
		ID                app.TicketID
		Number, Diagnosis string
		Kind              app.TicketKind
		Status            app.Status
		Technician        app.TechnicianID
		Epoch, Labour     int
		Customer          string
		Resolution        app.Resolution
		Updated           time.Time
	}
	k := func(x app.Ticket) key {
		return key{x.ID, x.Number, x.Diagnosis, x.Kind, x.Status, x.Technician, x.Epoch, x.LabourMinutes, x.Customer.Name, x.ResolutionCode, x.UpdatedAt.UTC()}
	}
	if k(got) != k(want) {
		t.Errorf("%s: ticket\n  %+v\nwant\n  %+v", what, k(got), k(want))
	}
}

func testTicket(t *testing.T, open func(t *testing.T) Tx) {
	tx := open(t)
	ctx := t.Context()
	saved := worldTicket(TAssigned)
	saved.Diagnosis, saved.Status, saved.UpdatedAt = "screen cracked", app.StatusInProgress, Now
	in(t, tx, func(tx app.MutationTx) error {
		got, err := tx.Ticket(ctx, TAssigned)
		if err != nil {
			return err
		}
		sameTicket(t, "world ticket", got, worldTicket(TAssigned))
		_, err = tx.Ticket(ctx, TMissing)
		wantCode(t, "Ticket(missing)", err, app.ENOTFOUND, "")
		if err := tx.SaveTicket(ctx, saved); err != nil {
			return err
		}
		got, err = tx.Ticket(ctx, TAssigned)
		sameTicket(t, "ticket read back in its transaction", got, saved)
		return err
	})
	in(t, tx, func(tx app.MutationTx) error {
		got, err := tx.Ticket(ctx, TAssigned)
		sameTicket(t, "ticket after commit", got, saved)
		return err
	})
	// A transaction that fails leaves nothing behind.
	failed := saved
	failed.Diagnosis = "rolled back"
	err := tx(ctx, func(tx app.MutationTx) error {
		if err := tx.SaveTicket(ctx, failed); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Errorf("a transaction whose function failed returned %v, want that failure", err)
	}
	in(t, tx, func(tx app.MutationTx) error {
		got, err := tx.Ticket(ctx, TAssigned)
		sameTicket(t, "ticket after a rolled back transaction", got, saved)
		return err
	})
}

func testSaveTicketValidates(t *testing.T, open func(t *testing.T) Tx) {
	tx := open(t)
	ctx := t.Context()
	bad := map[string]func(t *app.Ticket){
		"no number":        func(t *app.Ticket) { t.Number = " " },
		"unknown status":   func(t *app.Ticket) { t.Status = "lost" },
		"unknown kind":     func(t *app.Ticket) { t.Kind = "by_pigeon" },
		"no customer":      func(t *app.Ticket) { t.Customer.Name = "" },
		"priority 9":       func(t *app.Ticket) { t.Priority = 9 },
		"bad resolution":   func(t *app.Ticket) { t.ResolutionCode = "fixed?" },
		"control char id":  func(t *app.Ticket) { t.Number = "FB\x00" },
		"purchase too new": func(t *app.Ticket) { t.Product.PurchaseDate = t.CreatedAt.Add(48 * time.Hour) }, // after the day everywhere (app.PurchaseAfter)
	}
	for name, breakIt := range bad {
		t.Run(name, func(t *testing.T) {
			changed, fresh := worldTicket(TAssigned), worldTicket(TAssigned)
			breakIt(&changed)
			fresh.ID = "tk-fresh"
			breakIt(&fresh)
			in(t, tx, func(tx app.MutationTx) error {
				wantCode(t, "SaveTicket(invalid change)", tx.SaveTicket(ctx, changed), app.EINVALID, "")
				wantCode(t, "SaveTicket(invalid new ticket)", tx.SaveTicket(ctx, fresh), app.EINVALID, "")
				// The refusal wrote nothing, even in its transaction.
				got, err := tx.Ticket(ctx, TAssigned)
				sameTicket(t, "ticket after a refused save", got, worldTicket(TAssigned))
				if _, ferr := tx.Ticket(ctx, fresh.ID); app.ErrorCode(ferr) != app.ENOTFOUND {
					t.Errorf("refused new ticket: Ticket = %v, want not found", ferr)
				}
				return err
			})
		})
	}
	in(t, tx, func(tx app.MutationTx) error {
		nt := worldTicket(TAssigned)
		nt.ID, nt.Number = "tk-fresh", "FB-NEW"
		if err := tx.SaveTicket(ctx, nt); err != nil {
			return err
		}
		got, err := tx.Ticket(ctx, nt.ID)
		sameTicket(t, "new ticket", got, nt)
		return err
	})
}

func testPartAndLocation(t *testing.T, open func(t *testing.T) Tx) {
	tx := open(t)
	ctx := t.Context()
	in(t, tx, func(tx app.MutationTx) error {
		for n, serialized := range map[app.PartNumber]bool{Battery: false, Mainboard: true} {
			p, err := tx.Part(ctx, n)
			if err != nil {
				return err
			}
			if p.Number != n || p.Serialized != serialized {
				t.Errorf("Part(%s) = %+v, want serialized %v", n, p, serialized)
			}
		}
		_, err := tx.Part(ctx, "NOPE-1")
		wantCode(t, "Part(unknown)", err, app.ENOTFOUND, "")
		for id, kind := range map[app.LocationID]app.LocationKind{Van: app.LocationVan, Bin: app.LocationDefective, Depot: app.LocationWarehouse} {
			l, err := tx.Location(ctx, id)
			if err != nil {
				return err
			}
			if l.ID != id || l.Kind != kind {
				t.Errorf("Location(%s) = %+v, want kind %s", id, l, kind)
			}
		}
		_, err = tx.Location(ctx, "nowhere")
		wantCode(t, "Location(unknown)", err, app.ENOTFOUND, "")
		return nil
	})
}

func testCountRepairs(t *testing.T, open func(t *testing.T) Tx) {
	tx := open(t)
	ctx := t.Context()
	count := func(tx app.MutationTx, id app.TicketID, want int) {
		t.Helper()
		n, err := tx.CountRepairs(ctx, id)
		if err != nil || n != want {
			t.Errorf("CountRepairs(%s) = %d, %v; want %d", id, n, err, want)
		}
	}
	in(t, tx, func(tx app.MutationTx) error {
		count(tx, TAssigned, 0)
		for i, id := range []app.TicketID{TAssigned, TAssigned, TInProgress} {
			if err := tx.AddRepair(ctx, app.RepairEntry{ID: "r-" + string(rune('a'+i)), Ticket: id, Action: "replaced battery", Minutes: 10, At: Now}); err != nil {
				return err
			}
		}
		count(tx, TAssigned, 2)
		return nil
	})
	in(t, tx, func(tx app.MutationTx) error {
		count(tx, TAssigned, 2)
		count(tx, TInProgress, 1)
		count(tx, TOther, 0)
		count(tx, TMissing, 0)
		return nil
	})
}

// fact is one kind of append-only record, for the table tests.
type fact struct {
	kind string
	add  func(ctx context.Context, tx app.MutationTx, id string, ticket app.TicketID) error
}

var facts = []fact{
	{"repair", func(ctx context.Context, tx app.MutationTx, id string, tk app.TicketID) error {
		return tx.AddRepair(ctx, app.RepairEntry{ID: id, Ticket: tk, Action: "re-seated the ribbon", Minutes: 5, At: Now})
	}},
	{"part_used", func(ctx context.Context, tx app.MutationTx, id string, tk app.TicketID) error {
		return tx.AddPartUsed(ctx, app.PartUsed{ID: id, Ticket: tk, Part: Battery, Qty: 1, From: Van, At: Now})
	}},
	{"photo", func(ctx context.Context, tx app.MutationTx, id string, tk app.TicketID) error {
		return tx.AddPhoto(ctx, app.Photo{ID: id, Ticket: tk, SHA256: strings.Repeat("ab", 32), Size: 1000, Mime: "image/jpeg", At: Now})
	}},
	{"note", func(ctx context.Context, tx app.MutationTx, id string, tk app.TicketID) error {
		return tx.AddNote(ctx, app.Note{ID: id, Ticket: tk, Text: "customer called", At: Now})
	}},
	{"signature", func(ctx context.Context, tx app.MutationTx, id string, tk app.TicketID) error {
		return tx.AddSignature(ctx, signature(id, tk))
	}},
	{"payment", func(ctx context.Context, tx app.MutationTx, id string, tk app.TicketID) error {
		p := Deposit(id, tk, 100)
		p.At = Now
		return tx.AddPayment(ctx, p)
	}},
	{"notice", func(ctx context.Context, tx app.MutationTx, id string, tk app.TicketID) error {
		return tx.AddNotice(ctx, app.CustomerNotice{ID: id, Ticket: tk, Kind: app.NoticeReadyForPickup, State: app.NoticeQueued, At: Now})
	}},
	{"movement", func(ctx context.Context, tx app.MutationTx, id string, tk app.TicketID) error {
		return tx.AddMovement(ctx, app.StockMovement{ID: id, Kind: app.MoveConsume, Part: Battery, From: Van, Qty: 1, Ticket: tk, At: Now})
	}},
}

// testFacts: facts are append-only; an ID seen before is fact.exists, also
// after a commit, a fact without an ID is refused, and a fact on a ticket
// that does not exist is ENOTFOUND (a movement only names its ticket).
func testFacts(t *testing.T, open func(t *testing.T) Tx) {
	for _, f := range facts {
		t.Run(f.kind, func(t *testing.T) {
			tx := open(t)
			ctx := t.Context()
			in(t, tx, func(tx app.MutationTx) error {
				if err := f.add(ctx, tx, f.kind+"-1", TAssigned); err != nil {
					return err
				}
				wantCode(t, "the same ID in its transaction", f.add(ctx, tx, f.kind+"-1", TAssigned), app.ECONFLICT, "fact.exists")
				wantCode(t, "no ID", f.add(ctx, tx, "", TAssigned), app.EINVALID, "")
				if f.kind != "movement" {
					wantCode(t, "on a missing ticket", f.add(ctx, tx, f.kind+"-2", TMissing), app.ENOTFOUND, "")
				}
				return nil
			})
			in(t, tx, func(tx app.MutationTx) error {
				wantCode(t, "the same ID after commit", f.add(ctx, tx, f.kind+"-1", TInProgress), app.ECONFLICT, "fact.exists")
				if f.kind != "movement" {
					// Refused above, so never recorded.
					return f.add(ctx, tx, f.kind+"-2", TAssigned)
				}
				return nil
			})
		})
	}
}

func testMovementValidates(t *testing.T, open func(t *testing.T) Tx) {
	tx := open(t)
	ctx := t.Context()
	bad := []app.StockMovement{
		{Kind: app.MoveReceive, Part: Battery, To: Van, Qty: 0},
		{Kind: app.MoveReceive, Part: Battery, From: Van, To: Depot, Qty: 1},
		{Kind: app.MoveTransfer, Part: Battery, From: Van, To: Van, Qty: 1},
		{Kind: app.MoveAdjust, Part: Battery, To: Van, Qty: -1},
		{Kind: app.MoveAdjust, Part: Battery, To: Van, Qty: 0, Reason: "count"},
		{Kind: app.MoveConsume, Part: Battery, From: Van, Qty: 1},
		{Kind: "teleport", Part: Battery, From: Van, To: Depot, Qty: 1},
		{Kind: app.MoveReceive, To: Van, Qty: 1},
		{Kind: app.MoveReceive, Part: Battery, To: Van, Qty: app.MaxQty + 1},
		{Kind: app.MoveAdjust, Part: Battery, To: Van, Qty: -app.MaxQty - 1, Reason: "count"},
		{Kind: app.MoveReceive, Part: Battery, To: app.LocationID(strings.Repeat("x", app.MaxIDLen+1)), Qty: 1},
	}
	in(t, tx, func(tx app.MutationTx) error {
		for i, m := range bad {
			m.ID, m.At = "mv-bad-"+strconv.Itoa(i), Now
			wantCode(t, "AddMovement("+strconv.Itoa(i)+")", tx.AddMovement(ctx, m), app.EINVALID, "")
			// Nothing was recorded: the ID is still free.
			if err := tx.AddMovement(ctx, app.StockMovement{ID: m.ID, Kind: app.MoveReceive, Part: Battery, To: Van, Qty: 1, At: Now}); err != nil {
				return err
			}
		}
		return nil
	})
}

// apply applies cmd as a mutation through app.ApplyMutation, in one
// transaction.
func apply(t *testing.T, tx Tx, actor app.Actor, cmd app.Command) error {
	t.Helper()
	return applyAt(t, tx, actor, cmd, Now)
}

// mutationCase is how the suite exercises one registered mutation.
type mutationCase struct {
	actor app.Actor
	// ticket is the world ticket the mutation acts on (for ticket.create,
	// the ID of the ticket it creates); "" for a mutation that names none.
	ticket app.TicketID
	// cmd builds the command on the given ticket.
	cmd func(ticket app.TicketID) app.Command
	// check looks at the effects, in a transaction after the mutation's.
	check func(t *testing.T, ctx context.Context, tx app.MutationTx)
	// setup, when set, is applied (as setupActor, else actor) before the
	// mutation: what it needs on the world ticket (a payment for a
	// refund, say).
	setup      []app.Command
	setupActor *app.Actor
}

func transition(a app.Action, reason string, res app.Resolution) func(app.TicketID) app.Command {
	return func(id app.TicketID) app.Command {
		return &app.TransitionTicket{Action: a, Ticket: id, Epoch: 1, Reason: reason, Resolution: res}
	}
}

func wantStatus(ticket app.TicketID, status app.Status) func(t *testing.T, ctx context.Context, tx app.MutationTx) {
	return func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		t.Helper()
		got, err := tx.Ticket(ctx, ticket)
		if err != nil || got.Status != status || !got.UpdatedAt.Equal(Now) {
			t.Errorf("ticket %s: status %s, updated %v, %v; want %s at %v", ticket, got.Status, got.UpdatedAt, err, status, Now)
		}
	}
}

// recorded checks that a fact was recorded: adding its ID again is
// refused.
func recorded(kind, id string) func(t *testing.T, ctx context.Context, tx app.MutationTx) {
	return func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		t.Helper()
		for _, f := range facts {
			if f.kind == kind {
				wantCode(t, kind+" "+id+" added again", f.add(ctx, tx, id, TAssigned), app.ECONFLICT, "fact.exists")
				return
			}
		}
		t.Fatalf("no fact kind %s", kind)
	}
}

func both(checks ...func(t *testing.T, ctx context.Context, tx app.MutationTx)) func(t *testing.T, ctx context.Context, tx app.MutationTx) {
	return func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		t.Helper()
		for _, c := range checks {
			c(t, ctx, tx)
		}
	}
}

func str(s string) *string { return &s }

// mutationCases has a case for every registered mutation: testMutations
// fails for a mutation without one.
var mutationCases = map[string]mutationCase{
	"ticket.create.v1": {actor: TechActor, ticket: "tk-new", cmd: func(id app.TicketID) app.Command {
		t := worldTicket(TAssigned)
		t.ID, t.Number, t.Technician, t.Status, t.Epoch, t.CreatedAt, t.UpdatedAt = id, "FB-NEW", "", "", 0, time.Time{}, time.Time{}
		return &app.CreateTicket{Ticket: t}
	}, check: func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		got, err := tx.Ticket(ctx, "tk-new")
		if err != nil || got.Status != app.StatusAssigned || got.Technician != Tech || got.Epoch != 1 || !got.CreatedAt.Equal(Now) {
			t.Errorf("created ticket = %+v, %v; want assigned to %s at epoch 1, created now", got, err, Tech)
		}
	}},
	"ticket.assign.v1": {actor: DispatchActor, ticket: TAssigned, cmd: func(id app.TicketID) app.Command {
		return &app.AssignTicket{Ticket: id, Technician: Other}
	}, check: func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		got, err := tx.Ticket(ctx, TAssigned)
		if err != nil || got.Technician != Other || got.Epoch != 2 {
			t.Errorf("reassigned ticket = %s at epoch %d, %v; want %s at 2", got.Technician, got.Epoch, err, Other)
		}
	}},
	"ticket.schedule.v1": {actor: DispatchActor, ticket: TAssigned, cmd: func(id app.TicketID) app.Command {
		return &app.ScheduleTicket{Ticket: id, WindowStart: Now.Add(24 * time.Hour), WindowEnd: Now.Add(26 * time.Hour), Priority: app.PriorityUrgent}
	}, check: func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		got, err := tx.Ticket(ctx, TAssigned)
		if err != nil || !got.WindowStart.Equal(Now.Add(24*time.Hour)) || got.Priority != app.PriorityUrgent {
			t.Errorf("scheduled ticket: window %v, priority %d, %v", got.WindowStart, got.Priority, err)
		}
	}},
	"ticket.update.v1": {actor: TechActor, ticket: TAssigned, cmd: func(id app.TicketID) app.Command {
		return &app.UpdateTicket{Ticket: id, Set: app.TicketFields{Diagnosis: str("water damage")}}
	}, check: func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		got, err := tx.Ticket(ctx, TAssigned)
		if err != nil || got.Diagnosis != "water damage" {
			t.Errorf("updated ticket: diagnosis %q, %v", got.Diagnosis, err)
		}
	}},
	"ticket.depart.v1":     {actor: TechActor, ticket: TVisit, cmd: transition(app.ActionDepart, "", ""), check: wantStatus(TVisit, app.StatusEnRoute)},
	"ticket.arrive.v1":     {actor: TechActor, ticket: TEnRoute, cmd: transition(app.ActionArrive, "", ""), check: wantStatus(TEnRoute, app.StatusOnSite)},
	"ticket.start.v1":      {actor: TechActor, ticket: TAssigned, cmd: transition(app.ActionStart, "", ""), check: wantStatus(TAssigned, app.StatusInProgress)},
	"ticket.wait_parts.v1": {actor: TechActor, ticket: TInProgress, cmd: transition(app.ActionWait, "display on order", ""), check: wantStatus(TInProgress, app.StatusWaitingParts)},
	"ticket.resume.v1":     {actor: TechActor, ticket: TWaiting, cmd: transition(app.ActionResume, "", ""), check: wantStatus(TWaiting, app.StatusInProgress)},
	"ticket.complete.v1":   {actor: TechActor, ticket: TInProgress, cmd: transition(app.ActionComplete, "", app.ResolutionNoFault), check: wantStatus(TInProgress, app.StatusCompleted)},
	"ticket.fail.v1":       {actor: TechActor, ticket: TInProgress, cmd: transition(app.ActionFail, "no spare boards", ""), check: wantStatus(TInProgress, app.StatusCannotComplete)},
	"ticket.cancel.v1":     {actor: DispatchActor, ticket: TAssigned, cmd: transition(app.ActionCancel, "customer withdrew", ""), check: wantStatus(TAssigned, app.StatusCancelled)},
	"ticket.close.v1":      {actor: TechActor, ticket: TCompleted, cmd: transition(app.ActionClose, "", ""), check: wantStatus(TCompleted, app.StatusClosed)},
	"ticket.reopen.v1":     {actor: DispatchActor, ticket: TCompleted, cmd: transition(app.ActionReopen, "fault came back", ""), check: wantStatus(TCompleted, app.StatusAssigned)},
	"repair.log.v1": {actor: TechActor, ticket: TAssigned, cmd: func(id app.TicketID) app.Command {
		return &app.LogRepair{Entry: app.RepairEntry{ID: "r-log", Ticket: id, Action: "replaced battery", Minutes: 20}}
	}, check: both(recorded("repair", "r-log"), func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		got, err := tx.Ticket(ctx, TAssigned)
		n, cerr := tx.CountRepairs(ctx, TAssigned)
		if err != nil || cerr != nil || got.LabourMinutes != 20 || n != 1 {
			t.Errorf("after a repair: labour %d, %d repairs, %v, %v; want 20 and 1", got.LabourMinutes, n, err, cerr)
		}
	})},
	"stock.consume.v1": {actor: TechActor, ticket: TAssigned, cmd: func(id app.TicketID) app.Command {
		return &app.ConsumePart{Used: app.PartUsed{ID: "u-1", Ticket: id, Part: Battery, Qty: 1, From: Van}}
	}, check: both(recorded("part_used", "u-1"), recorded("movement", "u-1"))},
	"stock.return_defective.v1": {actor: TechActor, ticket: TAssigned, cmd: func(id app.TicketID) app.Command {
		return &app.ReturnDefective{Movement: app.StockMovement{ID: "d-1", Part: Mainboard, To: Bin, Qty: 1, Serial: "OLD-SN", Ticket: id}}
	}, check: recorded("movement", "d-1")},
	"stock.receive.v1": {actor: DispatchActor, cmd: func(app.TicketID) app.Command {
		return &app.MoveStock{Kind: app.MoveReceive, Movement: app.StockMovement{ID: "m-rcv", Part: Battery, To: Van, Qty: 3}}
	}, check: recorded("movement", "m-rcv")},
	"stock.transfer.v1": {actor: DispatchActor, cmd: func(app.TicketID) app.Command {
		return &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "m-xfer", Part: Battery, From: Van, To: Depot, Qty: 2}}
	}, check: recorded("movement", "m-xfer")},
	"stock.adjust.v1": {actor: DispatchActor, cmd: func(app.TicketID) app.Command {
		return &app.MoveStock{Kind: app.MoveAdjust, Movement: app.StockMovement{ID: "m-adj", Part: Battery, To: Van, Qty: -1, Reason: "count"}}
	}, check: recorded("movement", "m-adj")},
	"photo.attach.v1": {actor: TechActor, ticket: TAssigned, cmd: func(id app.TicketID) app.Command {
		return &app.AttachPhoto{Photo: app.Photo{ID: "ph-1", Ticket: id, SHA256: strings.Repeat("cd", 32), Size: 2048, Mime: "image/jpeg"}}
	}, check: recorded("photo", "ph-1")},
	"note.add.v1": {actor: TechActor, ticket: TAssigned, cmd: func(id app.TicketID) app.Command {
		return &app.AddNote{Note: app.Note{ID: "n-1", Ticket: id, Text: "customer called"}}
	}, check: recorded("note", "n-1")},
	"signature.record.v1": {actor: TechActor, ticket: TAssigned, cmd: func(id app.TicketID) app.Command {
		return &app.RecordSignature{Signature: signature("sig-1", id)}
	}, check: recorded("signature", "sig-1")},
	"payment.record.v1": {actor: TechActor, ticket: TCompleted, cmd: func(id app.TicketID) app.Command {
		return &app.RecordPayment{Payment: Deposit("pay-1", id, 5000)}
	}, check: both(recorded("payment", "pay-1"), wantPaid(TCompleted, 5000))},
	"payment.refund.v1": {actor: TechActor, ticket: TCompleted,
		setup: []app.Command{&app.RecordPayment{Payment: Deposit("pay-1", TCompleted, 5000)}},
		cmd: func(id app.TicketID) app.Command {
			p := Deposit("ref-1", id, 2000)
			p.Kind, p.Receipt = app.PaymentRefund, "T1-2"
			return &app.RefundPayment{Payment: p}
		}, check: both(recorded("payment", "ref-1"), wantPaid(TCompleted, 3000))},
	"estimate.issue.v1": {actor: TechActor, ticket: TInProgress, cmd: func(id app.TicketID) app.Command {
		return &app.IssueEstimate{Estimate: app.Estimate{ID: "est-1", Ticket: id, Amount: app.Money{Amount: 30000, Currency: "CNY"}, Note: "new screen"}}
	}, check: wantEstimate(TInProgress, "est-1", app.EstimatePending, "Ana Li")},
	"estimate.decide.v1": {actor: TechActor, ticket: TInProgress,
		setup: []app.Command{&app.IssueEstimate{Estimate: app.Estimate{ID: "est-1", Ticket: TInProgress, Amount: app.Money{Amount: 30000, Currency: "CNY"}}}},
		cmd: func(id app.TicketID) app.Command {
			return &app.DecideEstimate{Ticket: id, Estimate: "est-1", Decision: app.EstimateApproved, Customer: "Li Na"}
		}, check: wantEstimate(TInProgress, "est-1", app.EstimateApproved, "Li Na")},
	"ticket.passcode.v1": {actor: ClerkActor, ticket: TCounter, cmd: func(id app.TicketID) app.Command {
		return &app.SetPasscode{Ticket: id, Kind: app.PasscodePattern, Secret: "1-5-9-6"}
	}, check: wantPasscode(TCounter, app.PasscodePattern, "1-5-9-6")},
	"notice.send.v1": {actor: TechActor, ticket: TEnRoute, cmd: func(id app.TicketID) app.Command {
		return &app.SendNotice{Notice: app.CustomerNotice{ID: "nc-1", Ticket: id, Kind: app.NoticeOnMyWay, At: Now, ETA: Now.Add(30 * time.Minute)}}
	}, check: recorded("notice", "nc-1")},
	"part.request.v1": {actor: TechActor, ticket: TWaiting, cmd: func(id app.TicketID) app.Command {
		return &app.RequestPart{Request: Request("pr-1", id)}
	}, check: wantRequest("pr-1", TWaiting, app.RequestRequested, "", 0)},
	"part.cancel_request.v1": {actor: TechActor, ticket: TWaiting,
		setup: []app.Command{&app.RequestPart{Request: Request("pr-1", TWaiting)}},
		cmd: func(id app.TicketID) app.Command {
			return &app.CancelPartRequest{Request: "pr-1", Ticket: id, Reason: "found one in the van"}
		}, check: wantRequest("pr-1", TWaiting, app.RequestCancelled, "", 0)},
	"part.decide_request.v1": {actor: DispatchActor, ticket: TWaiting,
		setup: []app.Command{&app.RequestPart{Request: Request("pr-1", TWaiting)}},
		cmd: func(id app.TicketID) app.Command {
			return &app.DecidePartRequest{Request: "pr-1", Ticket: id, Decision: app.DecisionSubstitute, Part: Battery2, Reason: "BAT-1 discontinued"}
		}, check: wantRequest("pr-1", TWaiting, app.RequestApproved, Battery2, 0)},
	"shipment.send.v1": {actor: DispatchActor,
		setup: []app.Command{&app.RequestPart{Request: Request("pr-1", TWaiting)}},
		cmd: func(app.TicketID) app.Command {
			return &app.SendShipment{Shipment: Supply("sh-1", "pr-1")}
		}, check: both(recorded("movement", "sh-1/1"), wantRequest("pr-1", TWaiting, app.RequestShipped, "", 0),
			wantShipment("sh-1", app.ShipmentInTransit, nil))},
	"shipment.receive.v1": {actor: TechActor, setupActor: &DispatchActor,
		setup: []app.Command{&app.RequestPart{Request: Request("pr-1", TWaiting)}, &app.SendShipment{Shipment: Supply("sh-1", "pr-1")}},
		cmd: func(app.TicketID) app.Command {
			return &app.ReceiveShipment{Shipment: "sh-1", Receipt: app.Receipt{ID: "rc-1", Lines: []app.ReceiptLine{{Part: Battery, Qty: 1}}}}
		}, check: both(recorded("movement", "rc-1/1"), wantRequest("pr-1", TWaiting, app.RequestShort, "", 1),
			wantShipment("sh-1", app.ShipmentReceived, []app.Difference{{Kind: app.DifferenceShort, Part: Battery, Shipped: 2, Received: 1}}))},
	// Both arrived, one damaged: the sound one (rc-1/1) fills the
	// request but one, the damaged one (rc-1/2) enters Tech's bin.
	"shipment.receive.v2": {actor: TechActor, setupActor: &DispatchActor,
		setup: []app.Command{&app.RequestPart{Request: Request("pr-1", TWaiting)}, &app.SendShipment{Shipment: Supply("sh-1", "pr-1")}},
		cmd: func(app.TicketID) app.Command {
			return &app.ReceiveShipment{Shipment: "sh-1", Receipt: app.Receipt{ID: "rc-1", Defective: Bin,
				Lines: []app.ReceiptLine{{Part: Battery, Qty: 2, Damaged: 1, Note: "swollen"}}}}
		}, check: both(recorded("movement", "rc-1/1"), recorded("movement", "rc-1/2"), wantRequest("pr-1", TWaiting, app.RequestShort, "", 1),
			wantShipment("sh-1", app.ShipmentReceived, []app.Difference{{Kind: app.DifferenceDamaged, Part: Battery, Shipped: 2, Received: 2, Damaged: 1}}))},
}

// Request is a normal request of 2 batteries for ticket, to Tech's van.
func Request(id string, ticket app.TicketID) app.PartRequest {
	return app.PartRequest{ID: id, Ticket: ticket, Part: Battery, Qty: 2, Urgency: app.UrgencyNormal, To: Van, Note: "customer waits"}
}

// Supply is a shipment from the warehouse to Tech's van carrying the
// request's 2 batteries (the request's ticket left out: a shipment names
// no ticket of its own, so it replays with the device's ticket-less work).
func Supply(id, request string) app.Shipment {
	return app.Shipment{ID: id, Kind: app.ShipmentSupply, From: Depot, To: Van, Carrier: "SF Express", Tracking: "SF1234567890",
		Lines: []app.ShipmentLine{{Part: Battery, Qty: 2, Request: request}}}
}

// wantRequest checks a part request's state, substitute and units received.
func wantRequest(id string, ticket app.TicketID, state app.RequestState, sub app.PartNumber, received int) func(t *testing.T, ctx context.Context, tx app.MutationTx) {
	return func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		t.Helper()
		r, err := tx.PartRequest(ctx, id)
		if err != nil || r.Ticket != ticket || r.State != state || r.Substitute != sub || r.Received != received {
			t.Errorf("request %s = %+v, %v; want %s on %s, substitute %q, %d received", id, r, err, state, ticket, sub, received)
		}
		rs, err := tx.PartRequests(ctx, ticket)
		if err != nil || len(rs) != 1 || rs[0].ID != id {
			t.Errorf("PartRequests(%s) = %+v, %v; want %s alone", ticket, rs, err, id)
		}
	}
}

// wantShipment checks a shipment's state and its receipt's differences.
func wantShipment(id string, state app.ShipmentState, diffs []app.Difference) func(t *testing.T, ctx context.Context, tx app.MutationTx) {
	return func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		t.Helper()
		s, err := tx.Shipment(ctx, id)
		if err != nil || s.State != state || !s.At.Equal(Now) || s.By != DispatchActor.Name {
			t.Fatalf("shipment %s = %+v, %v; want %s, shipped at %v by %s", id, s, err, state, Now, DispatchActor.Name)
		}
		if state == app.ShipmentInTransit {
			if s.Receipt != nil {
				t.Errorf("shipment %s in transit holds a receipt %+v", id, s.Receipt)
			}
			return
		}
		if s.Receipt == nil || s.Receipt.By != TechActor.Name || !slices.Equal(s.Receipt.Differences, diffs) {
			t.Errorf("shipment %s receipt = %+v; want by %s with differences %+v", id, s.Receipt, TechActor.Name, diffs)
		}
	}
}

// signature is a valid signed sign-off: a short stroke, its picture
// named, a digest of the report.
func signature(id string, tk app.TicketID) app.Signature {
	strokes, err := app.EncodeStrokes([]app.Stroke{{{X: 10, Y: 20}, {X: 30, Y: 25}, {X: 50, Y: 22}}})
	if err != nil {
		panic(err)
	}
	return app.Signature{ID: id, Ticket: tk, Signer: "Mei Wang", Role: app.SignerCustomer, At: Now,
		Digest: strings.Repeat("5e", 32), Strokes: strokes, Photo: "ph-" + id}
}

// Deposit is a cash deposit of amount fen (CNY) on ticket, receipt T1-1.
func Deposit(id string, ticket app.TicketID, amount int64) app.Payment {
	return app.Payment{ID: id, Ticket: ticket, Kind: app.PaymentDeposit, Method: app.MethodCash,
		Amount: app.Money{Amount: amount, Currency: "CNY"}, Receipt: "T1-1"}
}

// wantPaid checks what Payments lists as paid on a ticket, in CNY.
func wantPaid(ticket app.TicketID, paid int64) func(t *testing.T, ctx context.Context, tx app.MutationTx) {
	return func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		t.Helper()
		ps, err := tx.Payments(ctx, ticket)
		if got := app.Paid(ps, "CNY"); err != nil || got != paid {
			t.Errorf("paid on %s: %d (%+v), %v; want %d", ticket, got, ps, err, paid)
		}
		for _, p := range ps {
			if !p.At.Equal(Now) || p.By != TechActor.Name {
				t.Errorf("payment %s recorded at %v by %q; want %v by %q", p.ID, p.At, p.By, Now, TechActor.Name)
			}
		}
	}
}

// wantEstimate checks the one estimate of a ticket.
func wantEstimate(ticket app.TicketID, id, decision, by string) func(t *testing.T, ctx context.Context, tx app.MutationTx) {
	return func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		t.Helper()
		es, err := tx.Estimates(ctx, ticket)
		if err != nil || len(es) != 1 || es[0].ID != id || es[0].Decision != decision || !es[0].At.Equal(Now) {
			t.Fatalf("estimates of %s = %+v, %v; want %s %q at %v", ticket, es, err, id, decision, Now)
		}
		if decision == app.EstimatePending {
			if es[0].By != by {
				t.Errorf("estimate by %q, want %q", es[0].By, by)
			}
		} else if es[0].ApprovedBy != by || !es[0].DecidedAt.Equal(Now) {
			t.Errorf("decided by %q at %v, want %q at %v", es[0].ApprovedBy, es[0].DecidedAt, by, Now)
		}
	}
}

// testMutations applies every registered mutation on the world and checks
// its effects; and for one that names a ticket, that app.TicketOf finds
// that ticket (the outbox, rebase and the server's scope check depend on
// it) and that the mutation is refused for a ticket that does not exist.
func testMutations(t *testing.T, open func(t *testing.T) Tx) {
	for _, name := range app.MutationNames() {
		t.Run(name, func(t *testing.T) {
			c, ok := mutationCases[name]
			if !ok {
				t.Fatalf("mutation %s has no case in apptest's mutationCases: add one that applies it on the world", name)
			}
			cmd := c.cmd(c.ticket)
			if n, v := cmd.(app.Named).MutationName(); n+".v"+strconv.Itoa(v) != name {
				t.Fatalf("the case of %s builds %s v%d", name, n, v)
			}
			checkTicketOf(t, cmd, c.ticket)
			checkNewRecords(t, cmd)
			tx := open(t)
			setupActor := c.actor
			if c.setupActor != nil {
				setupActor = *c.setupActor
			}
			for _, s := range c.setup {
				if err := apply(t, tx, setupActor, s); err != nil {
					t.Fatalf("setup %T: %v", s, err)
				}
			}
			switch {
			case c.ticket == "":
			case name == "ticket.create.v1":
				wantCode(t, "creating an existing ticket", apply(t, tx, c.actor, c.cmd(TAssigned)), app.ECONFLICT, "")
			default:
				wantCode(t, "on a missing ticket", apply(t, tx, c.actor, c.cmd(TMissing)), app.ENOTFOUND, "")
			}
			if err := apply(t, tx, c.actor, cmd); err != nil {
				t.Fatalf("apply: %v", err)
			}
			in(t, tx, func(tx app.MutationTx) error {
				c.check(t, t.Context(), tx)
				return nil
			})
		})
	}
	for name := range mutationCases {
		if !strings.Contains(strings.Join(app.MutationNames(), " ")+" ", name+" ") {
			t.Errorf("apptest has a case for %s, which is not registered", name)
		}
	}
}

// checkNewRecords fails when the command's arguments hold a record with
// an "id" (a new ticket or fact) that app.NewRecords does not list: the
// central service would not check that ID before applying a device's
// mutation.
func checkNewRecords(t *testing.T, cmd app.Command) {
	t.Helper()
	args, err := json.Marshal(cmd)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(args, &v); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, r := range app.NewRecords(cmd) {
		if r.Kind == "" || r.ID == "" {
			t.Errorf("app.NewRecords lists %+v for %s", r, args)
		}
		listed[r.ID] = true
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if id, ok := v["id"].(string); ok && !listed[id] {
				t.Errorf("the arguments %s hold a record %q that app.NewRecords does not list", args, id)
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
}

// checkTicketOf fails when the command's arguments name a ticket of the
// world (or ticket) that app.TicketOf does not report: a mutation whose
// TicketRef was forgotten.
func checkTicketOf(t *testing.T, cmd app.Command, ticket app.TicketID) {
	t.Helper()
	args, err := json.Marshal(cmd)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(args, &v); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{string(TMissing): true}
	for _, d := range World().Tickets {
		known[string(d.Ticket.ID)] = true
	}
	if ticket != "" {
		known[string(ticket)] = true
	}
	var named []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			if known[v] {
				named = append(named, v)
			}
		}
	}
	walk(v)
	got := app.TicketOf(cmd)
	if ticket != "" && len(named) == 0 {
		t.Errorf("the case says it acts on %s, but its arguments %s do not name it", ticket, args)
	}
	for _, n := range named {
		if string(got) != n {
			t.Errorf("app.TicketOf = %q, but the arguments %s name ticket %s: give the command a TicketRef", got, args, n)
		}
	}
	if len(named) == 0 && got != "" {
		t.Errorf("app.TicketOf = %q for arguments %s that name no ticket", got, args)
	}
}

// testMutationRefusals: what every implementation must refuse, through
// the methods the mutations call.
func testMutationRefusals(t *testing.T, open func(t *testing.T) Tx) {
	tests := map[string]struct {
		actor app.Actor
		cmds  []app.Command // all but the last must succeed
		code  string
	}{
		"consume unknown part": {TechActor, []app.Command{
			&app.ConsumePart{Used: app.PartUsed{ID: "u-1", Ticket: TAssigned, Part: "NOPE-1", Qty: 1, From: Van}}}, app.ENOTFOUND},
		"consume from unknown location": {TechActor, []app.Command{
			&app.ConsumePart{Used: app.PartUsed{ID: "u-1", Ticket: TAssigned, Part: Battery, Qty: 1, From: "nowhere"}}}, app.ENOTFOUND},
		"serialized part without serial": {TechActor, []app.Command{
			&app.ConsumePart{Used: app.PartUsed{ID: "u-1", Ticket: TAssigned, Part: Mainboard, Qty: 1, From: Van}}}, app.EINVALID},
		"transfer to unknown location": {DispatchActor, []app.Command{
			&app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "m-1", Part: Battery, From: Van, To: "nowhere", Qty: 1}}}, app.ENOTFOUND},
		"repair ID twice": {TechActor, []app.Command{
			&app.LogRepair{Entry: app.RepairEntry{ID: "r-1", Ticket: TAssigned, Action: "a"}},
			&app.LogRepair{Entry: app.RepairEntry{ID: "r-1", Ticket: TAssigned, Action: "b"}}}, app.ECONFLICT},
		"note ID twice": {TechActor, []app.Command{
			&app.AddNote{Note: app.Note{ID: "n-1", Ticket: TAssigned, Text: "a"}},
			&app.AddNote{Note: app.Note{ID: "n-1", Ticket: TInProgress, Text: "b"}}}, app.ECONFLICT},
		"photo ID twice": {TechActor, []app.Command{
			&app.AttachPhoto{Photo: app.Photo{ID: "p-1", Ticket: TAssigned, SHA256: strings.Repeat("ab", 32), Size: 10}},
			&app.AttachPhoto{Photo: app.Photo{ID: "p-1", Ticket: TAssigned, SHA256: strings.Repeat("cd", 32), Size: 20}}}, app.ECONFLICT},
		"consumption ID twice": {TechActor, []app.Command{
			&app.ConsumePart{Used: app.PartUsed{ID: "u-1", Ticket: TAssigned, Part: Battery, Qty: 1, From: Van}},
			&app.ConsumePart{Used: app.PartUsed{ID: "u-1", Ticket: TInProgress, Part: Battery, Qty: 1, From: Van}}}, app.ECONFLICT},
		"receive an ID taken": {DispatchActor, []app.Command{
			&app.MoveStock{Kind: app.MoveReceive, Movement: app.StockMovement{ID: "rcv-1", Part: Battery, To: Van, Qty: 1}}}, app.ECONFLICT},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tx := open(t)
			last := tc.cmds[len(tc.cmds)-1]
			for _, c := range tc.cmds[:len(tc.cmds)-1] {
				if err := apply(t, tx, tc.actor, c); err != nil {
					t.Fatalf("%T: %v", c, err)
				}
			}
			var before app.Ticket
			id := app.TicketOf(last)
			if id != "" {
				in(t, tx, func(tx app.MutationTx) (err error) { before, err = tx.Ticket(t.Context(), id); return err })
			}
			wantCode(t, "refused command", apply(t, tx, tc.actor, last), tc.code, "")
			if id != "" {
				in(t, tx, func(tx app.MutationTx) error {
					after, err := tx.Ticket(t.Context(), id)
					sameTicket(t, "ticket after a refused mutation", after, before)
					return err
				})
			}
		})
	}
}

// testSavepoints: app.ApplyOrRollback on the implementation's savepoints,
// as a pushed batch or a replayed queue uses them: a refused step leaves
// nothing of what it wrote, the steps around it keep theirs in the same
// transaction, and any other error comes back as it is.
func testSavepoints(t *testing.T, open func(t *testing.T) Tx) {
	tx := open(t)
	ctx := t.Context()
	refusal := app.FactExists("note", "n-refused") // any business refusal
	var before app.Ticket
	in(t, tx, func(mtx app.MutationTx) (err error) { before, err = mtx.Ticket(ctx, TAssigned); return err })
	steps := []struct {
		note string
		err  error
	}{{"n-kept-1", nil}, {"n-refused", refusal}, {"n-kept-2", nil}}
	in(t, tx, func(mtx app.MutationTx) error {
		sp, ok := mtx.(app.Savepoints)
		if !ok {
			t.Fatalf("%T does not implement app.Savepoints", mtx)
		}
		for _, s := range steps {
			err := app.ApplyOrRollback(ctx, sp, func() error {
				tk := before
				tk.Diagnosis = "written by " + s.note
				if err := mtx.SaveTicket(ctx, tk); err != nil {
					return err
				}
				if err := mtx.AddNote(ctx, app.Note{ID: s.note, Ticket: TAssigned, Text: s.note, At: Now}); err != nil {
					return err
				}
				return s.err
			})
			if !errors.Is(err, s.err) {
				t.Errorf("step %s: ApplyOrRollback = %v, want %v", s.note, err, s.err)
			}
		}
		return nil
	})
	look(t, tx, func(mtx app.MutationTx) {
		for _, s := range steps {
			err := mtx.AddNote(ctx, app.Note{ID: s.note, Ticket: TAssigned, Text: "again", At: Now})
			if s.err == nil {
				wantCode(t, "note "+s.note+" of a kept step added again", err, app.ECONFLICT, "fact.exists")
			} else if err != nil {
				t.Errorf("note %s of the refused step was kept: adding it again = %v", s.note, err)
			}
		}
		after, err := mtx.Ticket(ctx, TAssigned)
		if err == nil && after.Diagnosis != "written by n-kept-2" {
			t.Errorf("diagnosis = %q after the steps, want the last kept step's", after.Diagnosis)
		}
	})
	// Any other error is the caller's to abort the transaction with.
	err := tx(ctx, func(mtx app.MutationTx) error {
		return app.ApplyOrRollback(ctx, mtx.(app.Savepoints), func() error {
			if err := mtx.AddNote(ctx, app.Note{ID: "n-aborted", Ticket: TAssigned, Text: "x", At: Now}); err != nil {
				return err
			}
			return errAbort
		})
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("ApplyOrRollback with a storage error = %v, want it as it is", err)
	}
	look(t, tx, func(mtx app.MutationTx) {
		if err := mtx.AddNote(ctx, app.Note{ID: "n-aborted", Ticket: TAssigned, Text: "x", At: Now}); err != nil {
			t.Errorf("the aborted transaction's note was kept: adding it again = %v", err)
		}
	})
}

// look runs fn in a transaction of tx that is rolled back, so what fn
// tries leaves nothing.
func look(t *testing.T, tx Tx, fn func(tx app.MutationTx)) {
	t.Helper()
	if err := tx(t.Context(), func(mtx app.MutationTx) error { fn(mtx); return errAbort }); !errors.Is(err, errAbort) {
		t.Fatal(err)
	}
}

// testTicketScope: the ticket-scope rule (app.CheckTicketScope) as every
// implementation applies it: a technician works on their own tickets,
// counter staff also on their store's unassigned ones, dispatch on any; a
// refusal changes nothing. Apply holds the ticket (the device's copy; the
// central service checks what it knows before Apply), so a ticket outside
// the actor's scope is "not yours" here.
func testTicketScope(t *testing.T, open func(t *testing.T) Tx) {
	note := func(id app.TicketID) app.Command {
		return &app.AddNote{Note: app.Note{ID: "n-" + string(id), Ticket: id, Text: "seen", At: Now}}
	}
	start := func(id app.TicketID) app.Command {
		return &app.TransitionTicket{Action: app.ActionStart, Ticket: id, Epoch: 1}
	}
	otherClerk := app.Actor{Role: app.RoleTechnician, Technician: Other, Store: "store-2", Name: "Bo Chen"}
	tests := []struct {
		name   string
		actor  app.Actor
		ticket app.TicketID
		cmd    func(app.TicketID) app.Command
		key    string // "" when applied
	}{
		{"technician on their ticket", TechActor, TAssigned, note, ""},
		{"technician on a colleague's", TechActor, TOther, note, "ticket.not_yours"},
		{"field technician on a store's", TechActor, TCounter, note, "ticket.not_yours"},
		{"clerk on their store's", ClerkActor, TCounter, note, ""},
		{"clerk starts their store's", ClerkActor, TCounter, start, ""},
		{"clerk on a technician's", ClerkActor, TOther, note, "ticket.not_yours"},
		{"another store's clerk", otherClerk, TCounter, start, "ticket.not_yours"},
		{"dispatch on any", DispatchActor, TOther, note, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx := open(t)
			var before app.Ticket
			in(t, tx, func(mtx app.MutationTx) (err error) { before, err = mtx.Ticket(t.Context(), tc.ticket); return err })
			err := apply(t, tx, tc.actor, tc.cmd(tc.ticket))
			if tc.key == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantCode(t, "work outside the actor's scope", err, app.EFORBIDDEN, tc.key)
			look(t, tx, func(mtx app.MutationTx) {
				after, err := mtx.Ticket(t.Context(), tc.ticket)
				if err != nil {
					t.Fatal(err)
				}
				sameTicket(t, "ticket after refused work", after, before)
			})
		})
	}
}

// testMoney: Payments lists a ticket's payments in time order, an invalid
// payment writes nothing, SaveEstimate replaces an estimate by its ID and
// needs its ticket, and Estimates lists them in issue order.
func testMoney(t *testing.T, open func(t *testing.T) Tx) {
	tx := open(t)
	ctx := t.Context()
	in(t, tx, func(tx app.MutationTx) error {
		late, early := Deposit("pay-late", TCompleted, 300), Deposit("pay-early", TCompleted, 200)
		late.At, early.At = Now, Now.Add(-time.Minute)
		for _, p := range []app.Payment{late, early} {
			if err := tx.AddPayment(ctx, p); err != nil {
				return err
			}
		}
		bad := Deposit("pay-bad", TCompleted, -5)
		bad.At = Now
		wantCode(t, "a negative payment", tx.AddPayment(ctx, bad), app.EINVALID, "payment.invalid.amount")
		ps, err := tx.Payments(ctx, TCompleted)
		if err != nil || len(ps) != 2 || ps[0].ID != "pay-early" || ps[1].ID != "pay-late" || ps[1].Amount != late.Amount {
			t.Errorf("Payments = %+v, %v; want pay-early then pay-late", ps, err)
		}
		if ps, err := tx.Payments(ctx, TMissing); err != nil || len(ps) != 0 {
			t.Errorf("Payments of a missing ticket = %+v, %v; want none", ps, err)
		}
		e := app.Estimate{ID: "est-a", Ticket: TInProgress, Amount: app.Money{Amount: 100, Currency: "CNY"}, At: Now}
		wantCode(t, "an estimate on a missing ticket", tx.SaveEstimate(ctx, app.Estimate{ID: "est-x", Ticket: TMissing, Amount: e.Amount, At: Now}), app.ENOTFOUND, "")
		e2 := e
		e2.ID, e2.At = "est-b", Now.Add(time.Minute)
		if err := tx.SaveEstimate(ctx, e2); err != nil {
			return err
		}
		if err := tx.SaveEstimate(ctx, e); err != nil {
			return err
		}
		e.Decision, e.ApprovedBy, e.DecidedAt = app.EstimateDeclined, "Li Na", Now
		return tx.SaveEstimate(ctx, e)
	})
	in(t, tx, func(tx app.MutationTx) error {
		es, err := tx.Estimates(ctx, TInProgress)
		if err != nil || len(es) != 2 || es[0].ID != "est-a" || es[0].Decision != app.EstimateDeclined || es[0].ApprovedBy != "Li Na" || !es[0].DecidedAt.Equal(Now) || es[1].ID != "est-b" {
			t.Errorf("Estimates = %+v, %v; want est-a declined by Li Na, then est-b", es, err)
		}
		return nil
	})
}

// wantPasscode checks a ticket's passcode ("" for none).
func wantPasscode(ticket app.TicketID, kind app.PasscodeKind, secret string) func(t *testing.T, ctx context.Context, tx app.MutationTx) {
	return func(t *testing.T, ctx context.Context, tx app.MutationTx) {
		t.Helper()
		got, err := tx.Passcode(ctx, ticket)
		if err != nil || got.Ticket != ticket || got.Kind != kind || got.Secret != secret {
			t.Errorf("passcode of %s = %+v, %v; want kind %q, %q", ticket, got, err, kind, secret)
		}
	}
}

// testPasscodes: SavePasscode keeps one passcode per ticket, replaces
// it, erases it with an empty secret, never writes it into the ticket's
// record, refuses a malformed one and a missing ticket; closing and
// cancelling a ticket erase it.
func testPasscodes(t *testing.T, open func(t *testing.T) Tx) {
	tx := open(t)
	ctx := t.Context()
	in(t, tx, func(tx app.MutationTx) error {
		wantPasscode(TCompleted, "", "")(t, ctx, tx)
		_, err := tx.Passcode(ctx, TMissing)
		wantCode(t, "Passcode(missing)", err, app.ENOTFOUND, "")
		wantCode(t, "SavePasscode(missing)", tx.SavePasscode(ctx, app.Passcode{Ticket: TMissing, Kind: app.PasscodeText, Secret: "1234"}), app.ENOTFOUND, "")
		wantCode(t, "a bad pattern", tx.SavePasscode(ctx, app.Passcode{Ticket: TCompleted, Kind: app.PasscodePattern, Secret: "1-1-2-3"}), app.EINVALID, "passcode.bad_pattern")
		if err := tx.SavePasscode(ctx, app.Passcode{Ticket: TCompleted, Kind: app.PasscodeText, Secret: "0000"}); err != nil {
			return err
		}
		if err := tx.SavePasscode(ctx, app.Passcode{Ticket: TCompleted, Kind: app.PasscodeText, Secret: "pw-4711"}); err != nil {
			return err
		}
		wantPasscode(TCompleted, app.PasscodeText, "pw-4711")(t, ctx, tx)
		return tx.SavePasscode(ctx, app.Passcode{Ticket: TInProgress, Kind: app.PasscodePattern, Secret: "3-5-7-8"})
	})
	in(t, tx, func(tx app.MutationTx) error {
		wantPasscode(TCompleted, app.PasscodeText, "pw-4711")(t, ctx, tx)
		wantPasscode(TInProgress, app.PasscodePattern, "3-5-7-8")(t, ctx, tx)
		tk, err := tx.Ticket(ctx, TCompleted)
		if err != nil {
			return err
		}
		if b, _ := json.Marshal(tk); strings.Contains(string(b), "pw-4711") {
			t.Errorf("the ticket's record holds its passcode: %s", b)
		}
		return nil
	})
	if err := apply(t, tx, TechActor, &app.TransitionTicket{Action: app.ActionClose, Ticket: TCompleted, Epoch: 1}); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := apply(t, tx, DispatchActor, &app.TransitionTicket{Action: app.ActionCancel, Ticket: TInProgress, Epoch: 1, Reason: "customer took it back"}); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	in(t, tx, func(tx app.MutationTx) error {
		wantPasscode(TCompleted, "", "")(t, ctx, tx)
		wantPasscode(TInProgress, "", "")(t, ctx, tx)
		// Erasing what is not there is no error: a close erases always.
		return tx.SavePasscode(ctx, app.Passcode{Ticket: TCompleted})
	})
	wantCode(t, "a passcode on a closed ticket", apply(t, tx, TechActor, &app.SetPasscode{Ticket: TCompleted, Kind: app.PasscodeText, Secret: "1234"}), app.EINVALID, "passcode.ticket_closed")
	in(t, tx, func(tx app.MutationTx) error {
		wantPasscode(TCompleted, "", "")(t, ctx, tx)
		return nil
	})
}
