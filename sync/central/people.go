package central

import (
	"context"

	"github.com/fieldbench/fieldbench/app"
)

// Technicians lists a tenant's technicians by ID (Locations, in
// stockdata.go, lists its stock locations).
func (db *DB) Technicians(ctx context.Context, tenant string) ([]app.Technician, error) {
	return allEntities[app.Technician](ctx, db, tenant, kindTechnician, "")
}
