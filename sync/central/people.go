package central

import (
	"context"
	"encoding/json"

	"github.com/fieldbench/fieldbench/app"
)

// maxPeopleRows bounds what Technicians reads: a tenant's
// reference data is hundreds of rows, and a page that lists more than
// this is no longer read by anyone.
const maxPeopleRows = 10000

// Technicians lists a tenant's technicians by ID (at most 10,000).
func (db *DB) Technicians(ctx context.Context, tenant string) ([]app.Technician, error) {
	out := []app.Technician{}
	err := db.eachEntity(ctx, tenant, kindTechnician, func(data []byte) error {
		var t app.Technician
		if err := json.Unmarshal(data, &t); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	})
	return out, err
}

// eachEntity calls fn with the JSON of each entity of kind of tenant, in
// ID order, up to maxPeopleRows.
func (db *DB) eachEntity(ctx context.Context, tenant, kind string, fn func([]byte) error) error {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, data FROM entities WHERE tenant = ? AND kind = ? ORDER BY id LIMIT ?`), tenant, kind, maxPeopleRows)
	if err != nil {
		return transient(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return transient(err)
		}
		if err := fn([]byte(data)); err != nil {
			return app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kind, "ID", id).WithCause(err)
		}
	}
	return transient(rows.Err())
}
