package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/apptest"
)

// memTx is an in-memory app.MutationTx for testing the domain layer alone.
// It keeps the interface's contract like the store and the central
// service do: TestMutationTxConformance runs apptest's suite on all three.
type memTx struct {
	tickets   map[app.TicketID]app.Ticket
	parts     map[app.PartNumber]app.Part
	locations map[app.LocationID]app.Location
	repairs   map[string]app.RepairEntry
	used      map[string]app.PartUsed
	moves     map[string]app.StockMovement
	photos    map[string]app.Photo
	notes     map[string]app.Note
	sigs      map[string]app.Signature
	payments  map[string]app.Payment
	estimates map[string]app.Estimate
	notices   map[string]app.CustomerNotice
	passcodes map[app.TicketID]app.Passcode
	requests  map[string]app.PartRequest
	shipments map[string]app.Shipment
	saved     *memTx // at the open savepoint
}

func newMemTx() *memTx {
	return &memTx{
		tickets: map[app.TicketID]app.Ticket{}, parts: map[app.PartNumber]app.Part{}, locations: map[app.LocationID]app.Location{},
		repairs: map[string]app.RepairEntry{}, used: map[string]app.PartUsed{}, moves: map[string]app.StockMovement{},
		photos: map[string]app.Photo{}, notes: map[string]app.Note{}, sigs: map[string]app.Signature{},
		payments: map[string]app.Payment{}, estimates: map[string]app.Estimate{},
		notices: map[string]app.CustomerNotice{}, passcodes: map[app.TicketID]app.Passcode{},
		requests: map[string]app.PartRequest{}, shipments: map[string]app.Shipment{},
	}
}

// clone copies m, for a transaction that may be rolled back.
func (m *memTx) clone() *memTx {
	return &memTx{tickets: maps.Clone(m.tickets), parts: maps.Clone(m.parts), locations: maps.Clone(m.locations),
		repairs: maps.Clone(m.repairs), used: maps.Clone(m.used), moves: maps.Clone(m.moves),
		photos: maps.Clone(m.photos), notes: maps.Clone(m.notes), sigs: maps.Clone(m.sigs),
		payments: maps.Clone(m.payments), estimates: maps.Clone(m.estimates), notices: maps.Clone(m.notices),
		passcodes: maps.Clone(m.passcodes), requests: maps.Clone(m.requests), shipments: maps.Clone(m.shipments)}
}

var _ app.Savepoints = (*memTx)(nil)

func (m *memTx) Savepoint(context.Context) error {
	m.saved = m.clone()
	return nil
}

func (m *memTx) RollbackToSavepoint(context.Context) error {
	if m.saved == nil {
		return errors.New("memTx: no savepoint")
	}
	saved := m.saved
	*m = *saved.clone()
	m.saved = saved
	return nil
}

func (m *memTx) ReleaseSavepoint(context.Context) error {
	if m.saved == nil {
		return errors.New("memTx: no savepoint")
	}
	m.saved = nil
	return nil
}

func notFound(what string) error {
	return app.Errorf(app.ENOTFOUND, "test.not_found", what+" not found")
}

func (m *memTx) Ticket(_ context.Context, id app.TicketID) (app.Ticket, error) {
	t, ok := m.tickets[id]
	if !ok {
		return t, notFound("ticket")
	}
	return t, nil
}
func (m *memTx) SaveTicket(_ context.Context, t app.Ticket) error {
	if err := t.Validate(); err != nil {
		return err
	}
	m.tickets[t.ID] = t
	return nil
}
func (m *memTx) CountRepairs(_ context.Context, id app.TicketID) (int, error) {
	n := 0
	for _, r := range m.repairs {
		if r.Ticket == id {
			n++
		}
	}
	return n, nil
}
func (m *memTx) Part(_ context.Context, n app.PartNumber) (app.Part, error) {
	p, ok := m.parts[n]
	if !ok {
		return p, notFound("part")
	}
	return p, nil
}
func (m *memTx) Location(_ context.Context, id app.LocationID) (app.Location, error) {
	l, ok := m.locations[id]
	if !ok {
		return l, notFound("location")
	}
	return l, nil
}
func (m *memTx) AddMovement(_ context.Context, x app.StockMovement) error {
	if err := x.Validate(); err != nil {
		return err
	}
	return addFact(m.moves, "movement", x.ID, x, "", nil)
}
func (m *memTx) AddRepair(_ context.Context, x app.RepairEntry) error {
	return addFact(m.repairs, "repair", x.ID, x, x.Ticket, m.tickets)
}
func (m *memTx) AddPartUsed(_ context.Context, x app.PartUsed) error {
	return addFact(m.used, "part_used", x.ID, x, x.Ticket, m.tickets)
}
func (m *memTx) AddPhoto(_ context.Context, x app.Photo) error {
	return addFact(m.photos, "photo", x.ID, x, x.Ticket, m.tickets)
}
func (m *memTx) AddNote(_ context.Context, x app.Note) error {
	return addFact(m.notes, "note", x.ID, x, x.Ticket, m.tickets)
}
func (m *memTx) AddNotice(_ context.Context, x app.CustomerNotice) error {
	return addFact(m.notices, "notice", x.ID, x, x.Ticket, m.tickets)
}

func (m *memTx) SavePasscode(_ context.Context, p app.Passcode) error {
	if _, ok := m.tickets[p.Ticket]; !ok {
		return notFound("ticket")
	}
	if err := app.ValidatePasscode(p.Kind, p.Secret); err != nil {
		return err
	}
	if p.Secret == "" {
		delete(m.passcodes, p.Ticket)
		return nil
	}
	m.passcodes[p.Ticket] = p
	return nil
}

func (m *memTx) Passcode(_ context.Context, id app.TicketID) (app.Passcode, error) {
	if _, ok := m.tickets[id]; !ok {
		return app.Passcode{}, notFound("ticket")
	}
	if p, ok := m.passcodes[id]; ok {
		return p, nil
	}
	return app.Passcode{Ticket: id}, nil
}

func (m *memTx) AddSignature(_ context.Context, x app.Signature) error {
	return addFact(m.sigs, "signature", x.ID, x, x.Ticket, m.tickets)
}

func (m *memTx) AddPayment(_ context.Context, x app.Payment) error {
	if err := x.Validate(); err != nil {
		return err
	}
	return addFact(m.payments, "payment", x.ID, x, x.Ticket, m.tickets)
}
func (m *memTx) Payments(_ context.Context, id app.TicketID) ([]app.Payment, error) {
	return ofTicket(m.payments, id, func(p app.Payment) (app.TicketID, time.Time, string) { return p.Ticket, p.At, p.ID }), nil
}
func (m *memTx) SaveEstimate(_ context.Context, x app.Estimate) error {
	if x.ID == "" {
		return app.FactWithoutID("estimate")
	}
	if _, ok := m.tickets[x.Ticket]; !ok {
		return notFound("ticket")
	}
	m.estimates[x.ID] = x
	return nil
}
func (m *memTx) Estimates(_ context.Context, id app.TicketID) ([]app.Estimate, error) {
	return ofTicket(m.estimates, id, func(e app.Estimate) (app.TicketID, time.Time, string) { return e.Ticket, e.At, e.ID }), nil
}

func (m *memTx) PartRequest(_ context.Context, id string) (app.PartRequest, error) {
	r, ok := m.requests[id]
	if !ok {
		return r, app.Errorf(app.ENOTFOUND, "part_request.not_found", "Part request {{.ID}} was not found.", "ID", id)
	}
	return r, nil
}
func (m *memTx) SavePartRequest(_ context.Context, r app.PartRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if _, ok := m.tickets[r.Ticket]; !ok {
		return notFound("ticket")
	}
	m.requests[r.ID] = r
	return nil
}
func (m *memTx) PartRequests(_ context.Context, id app.TicketID) ([]app.PartRequest, error) {
	return ofTicket(m.requests, id, func(r app.PartRequest) (app.TicketID, time.Time, string) { return r.Ticket, r.At, r.ID }), nil
}
func (m *memTx) Shipment(_ context.Context, id string) (app.Shipment, error) {
	s, ok := m.shipments[id]
	if !ok {
		return s, app.Errorf(app.ENOTFOUND, "shipment.not_found", "Shipment {{.ID}} was not found.", "ID", id)
	}
	return s, nil
}
func (m *memTx) SaveShipment(_ context.Context, s app.Shipment) error {
	if err := s.Validate(); err != nil {
		return err
	}
	m.shipments[s.ID] = s
	return nil
}

// ofTicket lists the facts of a ticket ordered by time, then ID.
func ofTicket[T any](facts map[string]T, id app.TicketID, key func(T) (app.TicketID, time.Time, string)) []T {
	out := []T{}
	for _, x := range facts {
		if tk, _, _ := key(x); tk == id {
			out = append(out, x)
		}
	}
	slices.SortFunc(out, func(a, b T) int {
		_, at, aid := key(a)
		_, bt, bid := key(b)
		if c := at.Compare(bt); c != 0 {
			return c
		}
		return strings.Compare(aid, bid)
	})
	return out
}

// addFact appends a fact to facts; tickets, when not nil, must hold its
// ticket.
func addFact[T any](facts map[string]T, kind, id string, x T, ticket app.TicketID, tickets map[app.TicketID]app.Ticket) error {
	if id == "" {
		return app.FactWithoutID(kind)
	}
	if _, ok := tickets[ticket]; tickets != nil && !ok {
		return notFound("ticket")
	}
	if _, ok := facts[id]; ok {
		return app.FactExists(kind, id)
	}
	facts[id] = x
	return nil
}

// memWorld loads a dataset's tickets, parts, locations and movements.
func memWorld(ds app.Dataset) *memTx {
	m := newMemTx()
	for _, d := range ds.Tickets {
		m.tickets[d.Ticket.ID] = d.Ticket
	}
	for _, p := range ds.Parts {
		m.parts[p.Number] = p
	}
	for _, l := range ds.Locations {
		m.locations[l.ID] = l
	}
	for _, mv := range ds.Movements {
		m.moves[mv.ID] = mv
	}
	return m
}

func TestMutationTxConformance(t *testing.T) {
	apptest.RunMutationTx(t, func(t *testing.T) apptest.Tx {
		w := memWorld(apptest.World())
		return func(_ context.Context, fn func(app.MutationTx) error) error {
			draft := w.clone()
			if err := fn(draft); err != nil {
				return err
			}
			*w = *draft
			return nil
		}
	})
}

var _ app.MutationTx = (*memTx)(nil)

var (
	now  = time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	tech = app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Name: "Wang Lei"}
	disp = app.Actor{Role: app.RoleDispatcher, Name: "Dispatch"}
)

func seeded() *memTx {
	m := newMemTx()
	m.tickets["t1"] = app.Ticket{ID: "t1", Number: "FB-1", Kind: app.KindCarryIn, Country: "CN", Technician: "tech-1", Epoch: 1,
		Status: app.StatusAssigned, Priority: 3, Customer: app.Customer{Name: "李娜"}, Product: app.Product{Category: app.CategoryPhone, Brand: "Huawei"}}
	m.tickets["t2"] = app.Ticket{ID: "t2", Number: "FB-2", Kind: app.KindOnSite, Country: "CN", Technician: "tech-2", Epoch: 1,
		Status: app.StatusAssigned, Priority: 3, Customer: app.Customer{Name: "张伟"}, Product: app.Product{Category: app.CategoryAppliance, Brand: "Haier"}}
	m.parts["BAT-1"] = app.Part{Number: "BAT-1", NameEN: "Battery", Class: app.ClassBattery}
	m.parts["MB-1"] = app.Part{Number: "MB-1", NameEN: "Mainboard", Class: app.ClassMain, Serialized: true}
	m.locations["van-1"] = app.Location{ID: "van-1", Kind: app.LocationVan}
	m.locations["bin-1"] = app.Location{ID: "bin-1", Kind: app.LocationDefective}
	return m
}

func mustMutation(t *testing.T, cmd app.Command) app.Mutation {
	t.Helper()
	m, err := app.NewMutation(cmd, now)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func str(s string) *string { return &s }

func TestApplyMutation(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		actor   app.Actor
		cmds    []app.Command
		errCode string // of the last command
		check   func(t *testing.T, m *memTx)
	}{
		{name: "OK start, log, consume, complete", actor: tech, cmds: []app.Command{
			&app.TransitionTicket{Action: app.ActionStart, Ticket: "t1", Epoch: 1},
			&app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{Diagnosis: str("battery swollen")}},
			&app.LogRepair{Entry: app.RepairEntry{ID: "r1", Ticket: "t1", Action: "replaced battery", Minutes: 20}},
			&app.ConsumePart{Used: app.PartUsed{ID: "u1", Ticket: "t1", Part: "BAT-1", Qty: 1, From: "van-1"}},
			&app.TransitionTicket{Action: app.ActionComplete, Ticket: "t1", Epoch: 1, Resolution: app.ResolutionRepaired},
		}, check: func(t *testing.T, m *memTx) {
			tk := m.tickets["t1"]
			if tk.Status != app.StatusCompleted || tk.ResolutionCode != app.ResolutionRepaired || tk.LabourMinutes != 20 || tk.CompletedAt != now {
				t.Fatalf("ticket = %+v", tk)
			}
			if mv := m.moves["u1"]; mv.Kind != app.MoveConsume || mv.Delta("van-1") != -1 {
				t.Fatalf("movement = %+v", mv)
			}
		}},
		{name: "ErrCompleteWithoutRepair", actor: tech, cmds: []app.Command{
			&app.TransitionTicket{Action: app.ActionStart, Ticket: "t1", Epoch: 1},
			&app.TransitionTicket{Action: app.ActionComplete, Ticket: "t1", Epoch: 1, Resolution: app.ResolutionRepaired},
		}, errCode: app.EINVALID},
		{name: "ErrOtherTechniciansTicket", actor: tech, cmds: []app.Command{
			&app.LogRepair{Entry: app.RepairEntry{ID: "r1", Ticket: "t2", Action: "x"}},
		}, errCode: app.EFORBIDDEN},
		{name: "ErrStaleEpoch", actor: tech, cmds: []app.Command{
			&app.TransitionTicket{Action: app.ActionStart, Ticket: "t1", Epoch: 0 + 2},
		}, errCode: app.ECONFLICT},
		{name: "ErrTechnicianAssigns", actor: tech, cmds: []app.Command{
			&app.AssignTicket{Ticket: "t1", Technician: "tech-2"},
		}, errCode: app.EFORBIDDEN},
		{name: "OK dispatcher reassigns and bumps epoch", actor: disp, cmds: []app.Command{
			&app.AssignTicket{Ticket: "t1", Technician: "tech-2"},
		}, check: func(t *testing.T, m *memTx) {
			if tk := m.tickets["t1"]; tk.Epoch != 2 || tk.Technician != "tech-2" {
				t.Fatalf("ticket = %+v", tk)
			}
		}},
		{name: "ErrSerializedPartWithoutSerial", actor: tech, cmds: []app.Command{
			&app.ConsumePart{Used: app.PartUsed{ID: "u1", Ticket: "t1", Part: "MB-1", Qty: 1, From: "van-1"}},
		}, errCode: app.EINVALID},
		{name: "ErrUnknownPart", actor: tech, cmds: []app.Command{
			&app.ConsumePart{Used: app.PartUsed{ID: "u1", Ticket: "t1", Part: "NOPE", Qty: 1, From: "van-1"}},
		}, errCode: app.ENOTFOUND},
		{name: "ErrDuplicateRepairID", actor: tech, cmds: []app.Command{
			&app.LogRepair{Entry: app.RepairEntry{ID: "r1", Ticket: "t1", Action: "a"}},
			&app.LogRepair{Entry: app.RepairEntry{ID: "r1", Ticket: "t1", Action: "b"}},
		}, errCode: app.ECONFLICT},
		{name: "OK defective return", actor: tech, cmds: []app.Command{
			&app.ReturnDefective{Movement: app.StockMovement{ID: "d1", Part: "MB-1", To: "bin-1", Qty: 1, Serial: "SN1", Ticket: "t1"}},
		}, check: func(t *testing.T, m *memTx) {
			if mv := m.moves["d1"]; mv.Kind != app.MoveReturnDefective || mv.Delta("bin-1") != 1 {
				t.Fatalf("movement = %+v", mv)
			}
		}},
		{name: "ErrAdjustWithoutReason", actor: tech, cmds: []app.Command{
			&app.MoveStock{Kind: app.MoveAdjust, Movement: app.StockMovement{ID: "a1", Part: "BAT-1", To: "van-1", Qty: -2}},
		}, errCode: app.EINVALID},
		{name: "OK create ticket at counter", actor: tech, cmds: []app.Command{
			&app.CreateTicket{Ticket: app.Ticket{ID: "t9", Number: "FB-9", Kind: app.KindCarryIn, Country: "CN", Customer: app.Customer{Name: "周杰"},
				Product: app.Product{Category: app.CategoryPhone, Brand: "Xiaomi", Model: "Redmi Note 13"}}},
		}, check: func(t *testing.T, m *memTx) {
			tk := m.tickets["t9"]
			if tk.Status != app.StatusAssigned || tk.Technician != "tech-1" || tk.Epoch != 1 || tk.Priority != app.PriorityNormal {
				t.Fatalf("ticket = %+v", tk)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := seeded()
			var err error
			for _, c := range tc.cmds {
				err = app.ApplyMutation(ctx, m, tc.actor, mustMutation(t, c), now)
				if err != nil && tc.errCode == "" {
					t.Fatalf("%T: %v", c, err)
				}
			}
			if tc.errCode != "" {
				if got := app.ErrorCode(err); got != tc.errCode {
					t.Fatalf("error code = %q (%v), want %q", got, err, tc.errCode)
				}
				return
			}
			if tc.check != nil {
				tc.check(t, m)
			}
		})
	}
}

func TestDecodeMutationRejects(t *testing.T) {
	tests := map[string]struct {
		m   app.Mutation
		key string
	}{
		"unknown name":      {app.Mutation{Name: "ticket.teleport", Version: 1, Args: []byte(`{}`)}, "mutation.unknown"},
		"unknown version":   {app.Mutation{Name: "ticket.start", Version: 9, Args: []byte(`{"ticket":"t","epoch":1}`)}, "mutation.unknown"},
		"malformed name":    {app.Mutation{Name: "Ticket Start", Version: 1}, "mutation.bad_name"},
		"zero version":      {app.Mutation{Name: "ticket.start", Version: 0}, "mutation.bad_name"},
		"missing field":     {app.Mutation{Name: "ticket.start", Version: 1, Args: []byte(`{"epoch":1}`)}, "mutation.missing_field"},
		"wrong type":        {app.Mutation{Name: "ticket.start", Version: 1, Args: []byte(`{"ticket":5,"epoch":1}`)}, "mutation.bad_args"},
		"unknown field":     {app.Mutation{Name: "ticket.start", Version: 1, Args: []byte(`{"ticket":"t","epoch":1,"force":true}`)}, "mutation.bad_args"},
		"trailing data":     {app.Mutation{Name: "ticket.start", Version: 1, Args: []byte(`{"ticket":"t","epoch":1}{}`)}, "mutation.bad_args"},
		"not json":          {app.Mutation{Name: "repair.log", Version: 1, Args: []byte(`<xml/>`)}, "mutation.bad_args"},
		"empty args":        {app.Mutation{Name: "note.add", Version: 1}, "mutation.bad_args"},
		"too large":         {app.Mutation{Name: "note.add", Version: 1, Args: []byte(`"` + strings.Repeat("a", app.MaxArgsWireBytes+1) + `"`)}, "mutation.too_large"},
		"spaces past bound": {app.Mutation{Name: "note.add", Version: 1, Args: []byte(`{"note":{"id":"n","ticket":"t","text":"x"}}` + strings.Repeat(" ", app.MaxArgsWireBytes))}, "mutation.too_large"},
		"empty note":        {app.Mutation{Name: "note.add", Version: 1, Args: []byte(`{"note":{"id":"n","ticket":"t","text":" "}}`)}, "note.empty"},
		"bad photo hash":    {app.Mutation{Name: "photo.attach", Version: 1, Args: []byte(`{"photo":{"id":"p","ticket":"t","sha256":"abc","size":10}}`)}, "photo.bad_hash"},
		"negative qty":      {app.Mutation{Name: "stock.consume", Version: 1, Args: []byte(`{"used":{"id":"u","ticket":"t","part":"p","from":"v","qty":-1}}`)}, "stock.bad_qty"},
		"empty update":      {app.Mutation{Name: "ticket.update", Version: 1, Args: []byte(`{"ticket":"t","set":{},"base":{}}`)}, "ticket.update_empty"},
		"bad window":        {app.Mutation{Name: "ticket.schedule", Version: 1, Args: []byte(`{"ticket":"t","window_start":"2026-01-02T10:00:00Z","window_end":"2026-01-02T09:00:00Z"}`)}, "ticket.bad_window"},
		"kind mismatch":     {app.Mutation{Name: "stock.receive", Version: 1, Args: []byte(`{"movement":{"id":"m","kind":"consume","part":"p","to":"v","qty":1}}`)}, "stock.kind_mismatch"},
		"transfer same loc": {app.Mutation{Name: "stock.transfer", Version: 1, Args: []byte(`{"movement":{"id":"m","part":"p","from":"v","to":"v","qty":1}}`)}, "stock.invalid"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := app.DecodeMutation(tc.m)
			e := app.AsError(err)
			if e == nil || e.Code != app.EINVALID || e.Key != tc.key {
				t.Fatalf("err = %v (%#v), want invalid %s", err, e, tc.key)
			}
		})
	}
}

func TestMutationRoundTrip(t *testing.T) {
	for _, cmd := range []app.Command{
		&app.TransitionTicket{Action: app.ActionWait, Ticket: "t1", Epoch: 3, Reason: "display"},
		&app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "m", Part: "p", From: "a", To: "b", Qty: 2}},
		&app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{Serial: str("R58N1234")}, Base: app.TicketFields{Serial: str("")}},
		&app.ReceiveShipment{Shipment: "s1", Receipt: app.Receipt{ID: "rc1", Defective: "bin-1", Lines: []app.ReceiptLine{{Part: "p", Qty: 2, Damaged: 1, Note: "cracked"}}}},
	} {
		m := mustMutation(t, cmd)
		if len(m.ID) != 36 || m.ID[14] != '7' {
			t.Fatalf("id %q is not a UUIDv7", m.ID)
		}
		got, err := app.DecodeMutation(m)
		if err != nil {
			t.Fatalf("%s: %v", m.FullName(), err)
		}
		a, _ := json.Marshal(cmd)
		b, _ := json.Marshal(got)
		if string(a) != string(b) {
			t.Fatalf("%s round trip: %s != %s", m.FullName(), a, b)
		}
		if n, _ := got.(app.Named).MutationName(); n != m.Name {
			t.Fatalf("name %s != %s", n, m.Name)
		}
	}
	if len(app.MutationNames()) < 20 {
		t.Fatalf("only %d mutations registered", len(app.MutationNames()))
	}
}

// FuzzDecodeMutation: any name, version and bytes either decode to a valid
// command or give an *app.Error with code invalid; never a panic.
func FuzzDecodeMutation(f *testing.F) {
	for _, n := range app.MutationNames() {
		v, _ := strconv.Atoi(n[strings.LastIndex(n, ".v")+2:])
		f.Add(n[:strings.LastIndex(n, ".v")], v, []byte(`{}`))
	}
	f.Add("shipment.receive", 2, []byte(`{"shipment":"s","receipt":{"id":"r","lines":[{"part":"p","qty":2,"damaged":1,"note":"cracked"}],"defective":"bin"}}`))
	f.Add("shipment.receive", 1, []byte(`{"shipment":"s","receipt":{"id":"r","lines":[{"part":"p","qty":2,"damaged":1}],"defective":"bin"}}`))
	f.Add("ticket.start", 1, []byte(`{"ticket":"t","epoch":1}`))
	f.Add("stock.consume", 1, []byte(`{"used":{"id":"u","ticket":"t","part":"p","from":"v","qty":1}}`))
	f.Add("ticket.update", 1, []byte(`{"ticket":"t","set":{"labour_minutes":-5}}`))
	f.Add("photo.attach", 1, []byte(`{"photo":{"id":"p","ticket":"t","sha256":"`+strings.Repeat("a", 64)+`","size":1}}`))
	f.Fuzz(func(t *testing.T, name string, version int, args []byte) {
		cmd, err := app.DecodeMutation(app.Mutation{Name: name, Version: version, Args: args})
		if err != nil {
			if e := app.AsError(err); e.Code != app.EINVALID || e.Key == "" || e.Text() == "" {
				t.Fatalf("bad error %#v", e)
			}
			return
		}
		if err := cmd.Validate(); err != nil {
			t.Fatalf("decoded command does not validate: %v", err)
		}
		// A decoded command applies to an empty world without panicking.
		_ = cmd.Apply(context.Background(), seeded(), tech, now)
	})
}

// TestContractRules covers the ownership rules of PROTOCOL.md that the
// device and the central service both apply through app: who may cancel,
// who may create stock, which store a technician may open tickets for,
// and consumption on a ticket that was cancelled or closed meanwhile.
func TestContractRules(t *testing.T) {
	ctx := context.Background()
	counter := app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Store: "store-1", Name: "Wang Lei"}
	system := app.Actor{Role: app.RoleSystem, Name: "Dispatch"}
	cancel := func(id app.TicketID) app.Command {
		return &app.TransitionTicket{Action: app.ActionCancel, Ticket: id, Epoch: 1, Reason: "customer took it back"}
	}
	newTicket := func(id app.TicketID, store app.StoreID) app.Command {
		return &app.CreateTicket{Ticket: app.Ticket{ID: id, Number: "C-1", Kind: app.KindCarryIn, Country: "CN", Store: store,
			Customer: app.Customer{Name: "周杰"}, Product: app.Product{Category: app.CategoryPhone, Brand: "Xiaomi"}}}
	}
	move := func(kind app.MovementKind, m app.StockMovement) app.Command {
		m.Part = "BAT-1"
		return &app.MoveStock{Kind: kind, Movement: m}
	}
	consume := &app.ConsumePart{Used: app.PartUsed{ID: "u1", Ticket: "t1", Part: "BAT-1", Qty: 1, From: "van-1"}}
	tests := []struct {
		name   string
		status app.Status // of t1 before the command; "" leaves it assigned
		actor  app.Actor
		cmd    app.Command
		code   string // "" when the command applies
		key    string
	}{
		// Issue 10.1: consumption is a fact on a cancelled ticket.
		{"ConsumeOnCancelledTicket", app.StatusCancelled, tech, consume, "", ""},
		{"ConsumeOnCompletedTicket", app.StatusCompleted, tech, consume, "", ""},
		{"ConsumeOnClosedTicketRefused", app.StatusClosed, tech, consume, app.ECONFLICT, "stock.consume_closed"},
		{"DispatchRecordsConsumptionOnClosedTicket", app.StatusClosed, system, consume, "", ""},
		{"RepairOnCancelledTicket", app.StatusCancelled, tech, &app.LogRepair{Entry: app.RepairEntry{ID: "r1", Ticket: "t1", Action: "fitted battery"}}, "", ""},
		// Issue 10.3: cancellation is dispatcher-owned, but for counter
		// staff's carry-ins.
		{"FieldTechnicianCannotCancel", "", tech, cancel("t1"), app.EFORBIDDEN, "ticket.cancel_dispatch_only"},
		{"CounterCancelsOwnCarryIn", "", counter, cancel("t1"), "", ""},
		{"CounterCancelsStoreCarryIn", "", counter, cancel("t3"), "", ""},
		// Another store's ticket is outside the counter's scope altogether.
		{"CounterCannotCancelOtherStoresCarryIn", "", counter, cancel("t4"), app.EFORBIDDEN, "ticket.not_yours"},
		{"CounterCannotCancelOnSiteVisit", "", counter, cancel("t5"), app.EFORBIDDEN, "ticket.cancel_dispatch_only"},
		{"DispatcherCancels", "", disp, cancel("t2"), "", ""},
		{"FieldTechnicianFailsWithReason", app.StatusInProgress, tech, &app.TransitionTicket{Action: app.ActionFail, Ticket: "t1", Epoch: 1, Reason: "customer absent"}, "", ""},
		// Issue 10.4: a device never creates stock.
		{"TechnicianCannotReceive", "", tech, move(app.MoveReceive, app.StockMovement{ID: "m1", To: "van-1", Qty: 1500}), app.EFORBIDDEN, "stock.receive_dispatch_only"},
		{"TechnicianCannotAdjustUp", "", tech, move(app.MoveAdjust, app.StockMovement{ID: "m1", To: "van-1", Qty: 1500, Reason: "found"}), app.EFORBIDDEN, "stock.gain_dispatch_only"},
		{"TechnicianRecordsLoss", "", tech, move(app.MoveAdjust, app.StockMovement{ID: "m1", To: "van-1", Qty: -1, Reason: "dropped"}), "", ""},
		{"TechnicianTransfers", "", tech, move(app.MoveTransfer, app.StockMovement{ID: "m1", From: "van-1", To: "bin-1", Qty: 1}), "", ""},
		{"DispatcherReceives", "", disp, move(app.MoveReceive, app.StockMovement{ID: "m1", To: "van-1", Qty: 1500}), "", ""},
		{"DispatcherAdjustsUp", "", disp, move(app.MoveAdjust, app.StockMovement{ID: "m1", To: "van-1", Qty: 3, Reason: "count"}), "", ""},
		// Issue 10.5: a technician opens tickets for their own store only.
		{"TechnicianCannotOpenForOtherStore", "", counter, newTicket("t9", "store-2"), app.EFORBIDDEN, "ticket.store_not_yours"},
		{"FieldTechnicianCannotOpenForAStore", "", tech, newTicket("t9", "store-1"), app.EFORBIDDEN, "ticket.store_not_yours"},
		{"CounterOpensForOwnStore", "", counter, newTicket("t9", "store-1"), "", ""},
		{"DispatcherOpensForAnyStore", "", disp, newTicket("t9", "store-2"), "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := seeded()
			carryIn := m.tickets["t1"]
			carryIn.ID, carryIn.Number, carryIn.Technician, carryIn.Store = "t3", "FB-3", "", "store-1"
			m.tickets["t3"] = carryIn
			carryIn.ID, carryIn.Number, carryIn.Store = "t4", "FB-4", "store-2"
			m.tickets["t4"] = carryIn
			onSite := m.tickets["t2"]
			onSite.ID, onSite.Number, onSite.Technician = "t5", "FB-5", "tech-1"
			m.tickets["t5"] = onSite
			if tc.status != "" {
				t1 := m.tickets["t1"]
				t1.Status = tc.status
				m.tickets["t1"] = t1
			}
			before := len(m.moves) + len(m.used) + len(m.repairs) + len(m.tickets)
			snapshot := mustJSON(t, m.tickets)
			err := app.ApplyMutation(ctx, m, tc.actor, mustMutation(t, tc.cmd), now)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if e := app.AsError(err); e.Code != tc.code || e.Key != tc.key {
				t.Fatalf("error %v (%s, %s), want %s %s", err, e.Code, e.Key, tc.code, tc.key)
			}
			if after := len(m.moves) + len(m.used) + len(m.repairs) + len(m.tickets); after != before || mustJSON(t, m.tickets) != snapshot {
				t.Fatal("a refused command changed the data")
			}
		})
	}
	// What was applied did what it says.
	m := seeded()
	t1 := m.tickets["t1"]
	t1.Status = app.StatusCancelled
	m.tickets["t1"] = t1
	if err := app.ApplyMutation(ctx, m, tech, mustMutation(t, consume), now); err != nil {
		t.Fatal(err)
	}
	if mv := m.moves["u1"]; mv.Kind != app.MoveConsume || mv.Delta("van-1") != -1 || m.used["u1"].Ticket != "t1" {
		t.Fatalf("consumption on a cancelled ticket: movement %+v, used %+v", mv, m.used["u1"])
	}
	if err := app.ApplyMutation(ctx, m, counter, mustMutation(t, cancel("t1")), now); err == nil {
		t.Fatal("cancelled a cancelled ticket")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSharedFieldBase covers issue 10.2's rule: every writer of a shared
// field carries the value it showed, and an update whose base is stale
// clashes with the value it replaces.
func TestSharedFieldBase(t *testing.T) {
	tk := app.Ticket{ID: "t1", Customer: app.Customer{Phone: "138 1111", Address: "1 Road"}}
	tests := []struct {
		name    string
		u       app.UpdateTicket
		invalid bool
		clashes []app.FieldClash
	}{
		{"PhoneWithoutBase", app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{CustomerPhone: str("138 2222")}}, true, nil},
		{"AddressWithoutBase", app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{CustomerAddress: str("2 Road")}, Base: app.TicketFields{CustomerPhone: str("138 1111")}}, true, nil},
		{"OwnFieldNeedsNoBase", app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{Diagnosis: str("swollen")}}, false, nil},
		{"CurrentBase", app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{CustomerPhone: str("138 2222")}, Base: app.TicketFields{CustomerPhone: str("138 1111")}}, false, nil},
		{"StaleBase", app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{CustomerPhone: str("138 2222"), CustomerAddress: str("3 Road")},
			Base: app.TicketFields{CustomerPhone: str("138 0000"), CustomerAddress: str("0 Road")}}, false,
			[]app.FieldClash{{Field: app.FieldCustomerPhone, Set: "138 2222", Current: "138 1111"}, {Field: app.FieldCustomerAddress, Set: "3 Road", Current: "1 Road"}}},
		{"StaleBaseSameValue", app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{CustomerPhone: str("138 1111")}, Base: app.TicketFields{CustomerPhone: str("138 0000")}}, false, nil},
		// A phone is compared on its number, not its writing: a base or
		// a new value that differs from the phone in force only in its
		// spaces and dashes overwrites nothing unseen.
		{"StaleBaseSameNumber", app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{CustomerPhone: str("1381111")}, Base: app.TicketFields{CustomerPhone: str("138 0000")}}, false, nil},
		{"BaseSameNumber", app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{CustomerPhone: str("138 2222")}, Base: app.TicketFields{CustomerPhone: str("138-1111")}}, false, nil},
		// An address's spaces are its writing: it is compared as it is.
		{"AddressBaseSpaced", app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{CustomerAddress: str("3 Road")}, Base: app.TicketFields{CustomerAddress: str("1  Road")}}, false,
			[]app.FieldClash{{Field: app.FieldCustomerAddress, Set: "3 Road", Current: "1 Road"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.u.Validate()
			if tc.invalid {
				if e := app.AsError(err); e.Code != app.EINVALID || e.Key != "ticket.update_needs_base" {
					t.Fatalf("Validate = %v, want ticket.update_needs_base", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := tc.u.Clashes(tk); mustJSON(t, got) != mustJSON(t, tc.clashes) {
				t.Fatalf("clashes = %+v, want %+v", got, tc.clashes)
			}
		})
	}
}

// TestArgsMeasuredAsTheAppEncodesThem: arguments another client sends
// with whitespace or escapes are measured as the app encodes the record
// (docs/PROTOCOL.md, "Bounds"): a note past MaxArgsBytes as sent, only
// for its spaces and escapes, is the note.
func TestArgsMeasuredAsTheAppEncodesThem(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	want := &app.AddNote{Note: app.Note{ID: "n", Ticket: "T-1", Text: "checked 😀", At: at}, MutationAt: at} // decoded with its mutation's time
	m, err := app.NewMutation(want, at)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat(`\ud83d\ude00`, app.MaxTextLen)
	for name, args := range map[string]string{
		"spaces":  `{"note":{"id":"n","ticket":"T-1","text":"checked \ud83d\ude00","at":"2026-03-01T09:00:00Z"}` + strings.Repeat(" ", app.MaxArgsBytes) + `}`,
		"escapes": `{"note":{"id":"n","ticket":"T-1","text":"` + text + `","at":"2026-03-01T09:00:00Z"}` + strings.Repeat("\n", app.MaxArgsBytes-len(text)) + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			sent := m
			sent.Args = json.RawMessage(args)
			if len(sent.Args) <= app.MaxArgsBytes {
				t.Fatalf("%d bytes: not past the bound, the case proves nothing", len(sent.Args))
			}
			got, err := app.DecodeMutation(sent)
			if err != nil {
				t.Fatalf("%d bytes as sent: %v", len(sent.Args), err)
			}
			if name == "spaces" && !reflect.DeepEqual(got, want) {
				t.Errorf("decoded %#v, want %#v", got, want)
			}
		})
	}
}

// TestRedactedArgsOfEscapedArgs: a refused record's kept arguments
// (RedactedArgs, a conflict's "ours") are the app's encoding when they
// were sent past MaxArgsBytes with spaces or escapes, within the bound,
// and as sent otherwise.
func TestRedactedArgsOfEscapedArgs(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	m, err := app.NewMutation(&app.AddNote{Note: app.Note{ID: "n", Ticket: "T-1", Text: "checked 😀", At: at}}, at)
	if err != nil {
		t.Fatal(err)
	}
	sent := m
	sent.Args = json.RawMessage(`{"note":{"id":"n","ticket":"T-1","text":"checked \ud83d\ude00","at":"2026-03-01T09:00:00Z"}` + strings.Repeat(" ", app.MaxArgsBytes) + `}`)
	if got := app.RedactedArgs(sent); string(got) != string(m.Args) {
		t.Errorf("kept %d bytes, want the app's %d: %.80s", len(got), len(m.Args), got)
	}
	small := m
	small.Args = json.RawMessage(`{"note": {"id":"n","ticket":"T-1","text":"checked","at":"2026-03-01T09:00:00Z"}}`)
	if got := app.RedactedArgs(small); string(got) != string(small.Args) {
		t.Errorf("kept %s, want the arguments as sent", got)
	}
}
