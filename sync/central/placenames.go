package central

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/fieldbench/fieldbench/app"
)

// MaxPlaceNames bounds the places one PlaceNames call reads: the
// console's conflicts page names at most two places for each conflict it
// shows, and reads them in one statement.
const MaxPlaceNames = fetchBatch

// The reads of PlaceNames, one statement whatever the IDs, the IDs bound
// as one value (no SQL made of them). On PostgreSQL the (kind, ID)
// pairs go as two arrays and each is looked up alone in the primary key
// (see qEntitiesAny); on SQLite each kind's IDs go as a JSON array, each
// looked up in the primary key too.
const (
	qPlaceNamesPostgres = `SELECT e.kind, e.id, e.data FROM unnest(?::text[], ?::text[]) AS u (kind, id),
	LATERAL (SELECT kind, id, data FROM entities WHERE tenant = ? AND kind = u.kind AND id = u.id LIMIT 1) AS e`
	qPlaceNamesSQLite = `SELECT kind, id, data FROM entities WHERE tenant = ? AND kind = 'location' AND id IN (SELECT value FROM json_each(?))
	UNION ALL SELECT kind, id, data FROM entities WHERE tenant = ? AND kind = 'shipment' AND id IN (SELECT value FROM json_each(?))`
)

// PlaceNames returns what people know the stock locations and the
// shipments of tenant that the IDs give by: each location's name, each
// shipment's label (app.Shipment.Label: its tracking number, else its
// ID), by ID; an unknown ID is left out. It reads them in one statement;
// more than MaxPlaceNames IDs in all are refused.
func (db *DB) PlaceNames(ctx context.Context, tenant string, locations []app.LocationID, shipments []string) (map[app.LocationID]string, map[string]string, error) {
	locNames, shipLabels := map[app.LocationID]string{}, map[string]string{}
	if len(locations)+len(shipments) > MaxPlaceNames {
		return nil, nil, app.Errorf(app.EINVALID, "central.too_many_places", "Ask for the names of at most {{.Max}} places at once.", "Max", MaxPlaceNames)
	}
	if len(locations)+len(shipments) == 0 {
		return locNames, shipLabels, nil
	}
	var rows *sql.Rows
	var err error
	if db.dialect == dialectPostgres {
		kinds, ids := make([]string, 0, len(locations)+len(shipments)), make([]string, 0, len(locations)+len(shipments))
		for _, id := range locations {
			kinds, ids = append(kinds, kindLocation), append(ids, string(id))
		}
		for _, id := range shipments {
			kinds, ids = append(kinds, kindShipment), append(ids, id)
		}
		rows, err = db.read.QueryContext(ctx, db.q(qPlaceNamesPostgres), kinds, ids, tenant)
	} else {
		locs, _ := json.Marshal(locations) // strings: cannot fail
		ships, _ := json.Marshal(shipments)
		rows, err = db.read.QueryContext(ctx, qPlaceNamesSQLite, tenant, string(locs), tenant, string(ships))
	}
	if err != nil {
		return nil, nil, transient(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, id, data string
		if err := rows.Scan(&kind, &id, &data); err != nil {
			return nil, nil, transient(err)
		}
		if kind == kindLocation {
			var l app.Location
			if err := json.Unmarshal([]byte(data), &l); err != nil {
				return nil, nil, corruptEntity(kind, id, err)
			}
			locNames[app.LocationID(id)] = l.Name
			continue
		}
		var s app.Shipment
		if err := json.Unmarshal([]byte(data), &s); err != nil {
			return nil, nil, corruptEntity(kind, id, err)
		}
		shipLabels[id] = s.Label()
	}
	return locNames, shipLabels, transient(rows.Err())
}
