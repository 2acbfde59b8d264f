package central

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fieldbench/fieldbench/app"
)

// TicketPhoto opens the verified bytes of a photo recorded on a ticket of
// tenant, for the office console to show: the photo must be the ticket's
// (a photo ID of another ticket or tenant is ENOTFOUND, as a missing one)
// and its bytes uploaded and checked. A photo whose bytes have not
// arrived yet is ENOTFOUND with key central.photo_not_uploaded. The
// caller closes the file; it holds at most app.MaxPhotoBytes.
func (db *DB) TicketPhoto(ctx context.Context, tenant string, ticket app.TicketID, photo string) (app.Photo, *os.File, error) {
	var ph app.Photo
	if err := db.readEntity(ctx, tenant, kindPhoto, photo, &ph); err != nil {
		return app.Photo{}, nil, err
	}
	if ph.Ticket != ticket {
		return app.Photo{}, nil, app.NotFound(kindPhoto, photo)
	}
	notUploaded := app.Errorf(app.ENOTFOUND, "central.photo_not_uploaded", "The picture's bytes are not on the server yet: they arrive with the technician's next sync. Look again later.")
	if ph.State != app.PhotoVerified || !app.ValidSHA256(ph.SHA256) || db.dir == "" {
		return app.Photo{}, nil, notUploaded
	}
	f, err := os.Open(filepath.Join(db.dir, "photos", ph.SHA256))
	if os.IsNotExist(err) {
		// Verified, then lost with a restore of the database without
		// its photos: the device sends it again after ReverifyPhotos.
		return app.Photo{}, nil, notUploaded
	}
	if err != nil {
		return app.Photo{}, nil, fmt.Errorf("open photo %s: %w", ph.SHA256, err)
	}
	if st, err := f.Stat(); err != nil || st.Size() > app.MaxPhotoBytes {
		f.Close()
		return app.Photo{}, nil, fmt.Errorf("photo %s: not a regular photo file (%v)", ph.SHA256, err)
	}
	return ph, f, nil
}

// StepTechnicians names who made the steps of a ticket's status history
// that came from a device's push: the device's technician, by the step's
// Version (a push is one transaction of one device: its applied rows and
// the history rows it writes share the transaction's version). Steps missing from the map were made by
// dispatch, an import or a conflict's decision.
func (db *DB) StepTechnicians(ctx context.Context, tenant string, ticket app.TicketID) (map[int64]app.TechnicianID, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT DISTINCT h.version, d.technician FROM history h
		JOIN applied a ON a.version = h.version
		JOIN devices d ON d.id = a.device AND d.tenant = h.tenant
		WHERE h.tenant = ? AND h.ticket = ?`), tenant, string(ticket))
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := map[int64]app.TechnicianID{}
	for rows.Next() {
		var v int64
		var tech string
		if err := rows.Scan(&v, &tech); err != nil {
			return nil, transient(err)
		}
		out[v] = app.TechnicianID(tech)
	}
	return out, transient(rows.Err())
}
