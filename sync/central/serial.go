package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Where a serialized unit is (the serial_units table). The ledger counts
// units of a part per location and cannot tell which unit a movement
// took: two devices fitting the same unit from a van that holds others of
// the part leave its balance at zero or above, and one physical unit ends
// up on two tickets and two warranty claims. This table follows each unit
// by its serial, so the second fit is seen to take a unit from a place it
// is not at.

// Kinds of place a unit is at (serial_units.place_kind, and a unit's
// conflict's Place).
const (
	placeLocation = app.UnitAtLocation
	placeTicket   = app.UnitOnTicket
	placeShipment = app.UnitInShipment
)

// unitPlace is where serial_units has a unit.
type unitPlace struct{ kind, id string }

// misplacedUnit is a movement that took a known unit from a location the
// unit was not at, and where the service had it then.
type misplacedUnit struct {
	move app.StockMovement
	from app.LocationID
	was  unitPlace
}

// serialTaken is the location a movement takes its unit from ("" when it
// takes none: receipts, returns into a bin, counts up).
func serialTaken(m app.StockMovement) app.LocationID {
	if m.Kind == app.MoveAdjust {
		if m.Qty < 0 {
			return m.To // a count down: the unit is gone from there
		}
		return ""
	}
	return m.From
}

// serialPlace is where a movement leaves its unit; ok is false when it
// leaves it nowhere the service can follow (a count down).
func serialPlace(m app.StockMovement) (p unitPlace, ok bool) {
	switch {
	case m.Kind == app.MoveAdjust && m.Qty < 0:
		return unitPlace{}, false
	case m.Kind == app.MoveConsume:
		return unitPlace{placeTicket, string(m.Ticket)}, true
	case m.Kind == app.MoveShip:
		return unitPlace{placeShipment, m.Shipment}, true
	}
	return unitPlace{placeLocation, string(m.To)}, true
}

const (
	qUnitPlace = `SELECT place_kind, place FROM serial_units WHERE tenant = ? AND part = ? AND serial = ?`
	// qUnitPlaceLock is qUnitPlace in a late write on PostgreSQL (moveUnit).
	qUnitPlaceLock = qUnitPlace + ` FOR UPDATE`
	qPlaceUnit     = `INSERT INTO serial_units (tenant, part, serial, place_kind, place) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, part, serial) DO UPDATE SET place_kind = excluded.place_kind, place = excluded.place`
	qForgetUnit    = `DELETE FROM serial_units WHERE tenant = ? AND part = ? AND serial = ?`
)

// moveUnit records where movement m leaves its serialized unit, and notes
// in s.misplaced a movement that took a known unit from a location it was
// not at. Every movement on every path goes through AddMovement, which
// calls it; a movement without a serial moves no unit it could follow.
func (s *serverTx) moveUnit(ctx context.Context, m app.StockMovement) error {
	if m.Serial == "" {
		return nil
	}
	// Every late write that writes a unit's place holds the unit's check
	// lock first (named with the write's others, checkLockKeys), and so
	// does a dataset load (loadLocks): a receipt placing a unit and a
	// stock import placing it wait for each other there, before either
	// holds the unit's row or the version. Taken only by writes taking
	// the unit from somewhere, an import holding the version waited for
	// the row a receipt or a fit held while that write waited for the
	// version (PROTOCOL.md, "Writes at the same time").
	if err := s.lockCheck(ctx, unitLockKey(s.tenant, m.Part, m.Serial)); err != nil {
		return err
	}
	if from := serialTaken(m); from != "" {
		// In a late write on PostgreSQL (concurrent, READ COMMITTED: see
		// get) the row is locked to the commit: two pushes fitting one
		// unit at the same moment would otherwise both read the van and
		// neither raise the conflict. A unit the service does not know
		// has no row to lock, and two pushes fitting it would both find
		// none: the read first waits for the unit's check lock
		// (lockCheck, above), which every such push takes, so the second
		// sees the unit on the first's ticket. Two pushes taking units in
		// opposite orders take their locks in one order (willCheck).
		q := qUnitPlace
		if s.take != nil && s.db.dialect == dialectPostgres {
			q = qUnitPlaceLock
		}
		var was unitPlace
		err := s.queryRow(ctx, q, s.tenant, string(m.Part), m.Serial).Scan(&was.kind, &was.id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// Unknown here: recorded where it goes, never a conflict.
		case err != nil:
			return transient(err)
		case was != unitPlace{placeLocation, string(from)}:
			s.misplaced = append(s.misplaced, misplacedUnit{move: m, from: from, was: was})
		}
	}
	to, ok := serialPlace(m)
	if !ok {
		_, err := s.exec(ctx, qForgetUnit, s.tenant, string(m.Part), m.Serial)
		return transient(err)
	}
	_, err := s.exec(ctx, qPlaceUnit, s.tenant, string(m.Part), m.Serial, to.kind, to.id)
	return transient(err)
}

// unitElsewhereTexts are the conflict texts by the kind of place the
// service has a unit at: a template like every conflict's, filled with
// the names people know the places by (unitConflicts).
var unitElsewhereTexts = map[string]struct{ Key, Message string }{
	placeTicket:   {Key: "conflict.serial_elsewhere", Message: "Unit {{.Serial}} of {{.Part}} is recorded on ticket {{.Other}}, not at {{.Location}}: check which has it and correct the other."},
	placeLocation: {Key: "conflict.serial_elsewhere_location", Message: "Unit {{.Serial}} of {{.Part}} is recorded at {{.Other}}, not at {{.Location}}: check which has it and correct the other."},
	placeShipment: {Key: "conflict.serial_elsewhere_shipment", Message: "Unit {{.Serial}} of {{.Part}} is recorded in shipment {{.Other}}, not at {{.Location}}: check which has it and correct the other."},
}

// unitConflicts raises, for each movement of the mutation that took a
// unit from where it was not, a conflict naming the unit and where the
// service has it. It is of kind negative_stock, which devices and the
// console show already (theirs the balance): the unit's own count at
// that location is -1. Its data names both places as people know them
// (Location, Other), resolved here: the device that reads it may hold
// neither the other location nor the shipment, and the console shows the
// data as it is. Their IDs ride along (LocationID, OtherID).
func (st *serverTx) unitConflicts(ctx context.Context, p Principal, m app.Mutation, ticket app.TicketID, now time.Time) ([]app.Conflict, error) {
	var out []app.Conflict
	for _, u := range st.misplaced {
		text := unitElsewhereTexts[u.was.kind]
		other, err := st.placeName(ctx, u.was)
		if err != nil {
			return nil, err
		}
		from, err := st.placeName(ctx, unitPlace{placeLocation, string(u.from)})
		if err != nil {
			return nil, err
		}
		out = append(out, app.Conflict{
			ID: "cf-" + m.ID + "-serial-" + u.move.ID, Kind: app.ConflictNegativeStock, Ticket: ticket, Technician: p.Technician,
			Mutation: m.ID, Name: m.FullName(), Device: p.Device, Field: string(u.move.Part), Theirs: "-1",
			Code: app.ECONFLICT, Key: text.Key, Message: text.Message,
			Data: map[string]any{"Serial": u.move.Serial, "Part": string(u.move.Part), "Location": from, "LocationID": string(u.from),
				"Other": other, "OtherID": u.was.id, "Place": u.was.kind}, At: now,
		})
	}
	return out, nil
}

// placeName is what people know a place of a unit by: a ticket's number,
// a location's name, a shipment's label (app.Shipment.Label: its
// tracking number, else its ID, as the console and the device show it);
// its ID when the service has no record of it. It reads without a lock:
// a name to show, from which the push decides nothing.
func (st *serverTx) placeName(ctx context.Context, p unitPlace) (string, error) {
	var name string
	switch p.kind {
	case placeTicket:
		err := st.queryRow(ctx, `SELECT number FROM ticket_index WHERE tenant = ? AND id = ?`, st.tenant, p.id).Scan(&name)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", transient(err)
		}
	case placeLocation, placeShipment:
		kind := kindLocation
		if p.kind == placeShipment {
			kind = kindShipment
		}
		var data string
		err := st.queryRow(ctx, qGetEntity, st.tenant, kind, p.id).Scan(&data)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return "", transient(err)
		case kind == kindLocation:
			var l app.Location
			if json.Unmarshal([]byte(data), &l) == nil {
				name = l.Name
			}
		default:
			var s app.Shipment
			if json.Unmarshal([]byte(data), &s) == nil {
				name = s.Label()
			}
		}
	}
	if name == "" {
		return p.id, nil // an unreadable record names no place: its ID still does
	}
	return name, nil
}

// loadUnits records where a dataset's movements leave their serialized
// units (LoadDataset), in list order: the last movement naming a unit
// says where it is. A loaded movement raises no conflict: a dataset is
// the office's books as they are.
func (db *DB) loadUnits(ctx context.Context, tx *sql.Tx, tenant string, ms []app.StockMovement) error {
	type unit struct{ part, serial string }
	at := map[unit]*unitPlace{}
	var order []unit
	for _, m := range ms {
		if m.Serial == "" {
			continue
		}
		u := unit{string(m.Part), m.Serial}
		if _, ok := at[u]; !ok {
			order = append(order, u)
		}
		if p, ok := serialPlace(m); ok {
			at[u] = &p
		} else {
			at[u] = nil
		}
	}
	var rows [][]any
	for _, u := range order {
		p := at[u]
		if p == nil {
			if _, err := tx.ExecContext(ctx, db.q(qForgetUnit), tenant, u.part, u.serial); err != nil {
				return transient(err)
			}
			continue
		}
		rows = append(rows, []any{tenant, u.part, u.serial, p.kind, p.id})
	}
	return db.bulkInsert(ctx, tx, `INSERT INTO serial_units (tenant, part, serial, place_kind, place)`, 3,
		`ON CONFLICT (tenant, part, serial) DO UPDATE SET place_kind = excluded.place_kind, place = excluded.place`, rows)
}
