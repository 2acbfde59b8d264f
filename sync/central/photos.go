package central

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/fieldbench/fieldbench/app"
)

// photosWithHash lists the photo entities of tenant whose bytes have the
// given SHA-256 (the same picture may be attached twice).
func photosWithHash(ctx context.Context, db *DB, q querier, tenant, sha string) ([]app.Photo, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT e.data FROM photo_hashes h JOIN entities e ON e.tenant = h.tenant AND e.kind = 'photo' AND e.id = h.photo
		WHERE h.tenant = ? AND h.sha256 = ?`), tenant, sha)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	var out []app.Photo
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, transient(err)
		}
		var p app.Photo
		if err := json.Unmarshal([]byte(data), &p); err == nil && p.SHA256 == sha {
			out = append(out, p)
		}
	}
	return out, transient(rows.Err())
}

// PhotoAllowed reports whether the device may upload the bytes of sha: a
// photo with that hash must be recorded on a ticket of its technician (the
// metadata travels first, in the outbox). It returns the photo's declared
// size for the upload to be checked against.
func (db *DB) PhotoAllowed(ctx context.Context, p Principal, sha string) (size int64, ok bool, err error) {
	if !app.ValidSHA256(sha) {
		return 0, false, nil
	}
	// The device that attached it may send it, wherever its ticket went.
	var data string
	err = db.read.QueryRowContext(ctx, db.q(`SELECT e.data FROM photo_hashes h JOIN entities e ON e.tenant = h.tenant AND e.kind = 'photo' AND e.id = h.photo
		WHERE h.tenant = ? AND h.sha256 = ? AND h.device = ? AND h.device <> ''`), p.Tenant, sha, string(p.Device)).Scan(&data)
	if err == nil {
		var ph app.Photo
		if json.Unmarshal([]byte(data), &ph) == nil {
			return ph.Size, true, nil
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, transient(err)
	}
	photos, err := photosWithHash(ctx, db, db.read, p.Tenant, sha)
	if err != nil {
		return 0, false, err
	}
	for _, ph := range photos {
		var t app.Ticket
		if err := db.readEntity(ctx, p.Tenant, kindTicket, string(ph.Ticket), &t); err != nil {
			if app.ErrorCode(err) == app.ENOTFOUND {
				continue
			}
			return 0, false, err
		}
		if p.Role == app.RoleDispatcher || t.Technician == p.Technician {
			return ph.Size, true, nil
		}
	}
	return 0, false, nil
}

// MarkPhotoVerified records that the bytes of sha arrived and their hash
// was checked: every photo with that hash turns "verified", and the change
// reaches the devices, whose upload queues then let it go (the device
// shrank the photo when it was attached; its file stays).
func (db *DB) MarkPhotoVerified(ctx context.Context, tenant, sha string) error {
	return db.entityTx(ctx, tenant, nil, func(ctx context.Context, st *serverTx) error {
		photos, err := photosWithHash(ctx, db, st.tx, tenant, sha)
		if err != nil {
			return err
		}
		// The photos' tickets, in one order (by ID), before any photo
		// (lockTickets); and a photo's ticket before the photo, as a
		// push locks them: the same bytes on tickets 2 and 1, locked
		// as reached, held 2 and waited for 1 while a push on both
		// held 1 and waited for 2.
		for _, ph := range photos {
			if ph.State != app.PhotoVerified {
				st.willLockTicket(ph.Ticket)
			}
		}
		if err := st.lockTickets(ctx); err != nil {
			return err
		}
		for _, ph := range photos {
			if ph.State == app.PhotoVerified {
				continue
			}
			t, err := st.Ticket(ctx, ph.Ticket)
			if err != nil {
				return err
			}
			ph.State = app.PhotoVerified
			if err := st.put(ctx, kindPhoto, ph.ID, string(ph.Ticket), ph); err != nil {
				return err
			}
			if err := st.emitAll(ctx, ticketScopes(tenant, t), kindPhoto, ph.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReverifyPhotos marks verified every pending photo whose bytes are in
// the photo directory and hash right. After a database restored from a
// backup, photos uploaded since the backup are on disk (files are not in
// the database backup) but pending in the database; devices that saw them
// verified would not send them again. RestoreEpoch runs it.
func (db *DB) ReverifyPhotos(ctx context.Context) (int, error) {
	if db.dir == "" {
		return 0, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT h.tenant, h.sha256, e.data FROM photo_hashes h
		JOIN entities e ON e.tenant = h.tenant AND e.kind = 'photo' AND e.id = h.photo`)
	if err != nil {
		return 0, transient(err)
	}
	type todo struct{ tenant, sha string }
	var pending []todo
	for rows.Next() {
		var t todo
		var data string
		if err := rows.Scan(&t.tenant, &t.sha, &data); err != nil {
			rows.Close()
			return 0, transient(err)
		}
		var ph app.Photo
		if json.Unmarshal([]byte(data), &ph) == nil && ph.State != app.PhotoVerified && app.ValidSHA256(t.sha) {
			pending = append(pending, t)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, transient(err)
	}
	n := 0
	for _, t := range pending {
		f, err := os.Open(filepath.Join(db.dir, "photos", t.sha))
		if err != nil {
			continue // not uploaded yet: the device sends it
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil || hex.EncodeToString(h.Sum(nil)) != t.sha {
			continue
		}
		if err := db.MarkPhotoVerified(ctx, t.tenant, t.sha); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
