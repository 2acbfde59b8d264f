package store

import (
	"database/sql"
	"errors"
	"reflect"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestCommitHeadStockIsGetPart: the part and the location the head reads
// for a part's consumption (commitHeadStock, stockHead) are what getPart
// and getLocation return for the same names, found or not, case ignored
// in a part number, a damaged catalog entry reported the same.
func TestCommitHeadStockIsGetPart(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	w := storetest.World()
	if err := db.Load(t.Context(), w); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	// A damaged entry: prices the decoding refuses.
	if _, err := db.write.ExecContext(ctx, `UPDATE parts SET prices = 'no-amount' WHERE number = ?`, string(storetest.DrainPump)); err != nil {
		t.Fatal(err)
	}
	// Names in other languages, read by the head as by getPart, and
	// damaged ones.
	if _, err := db.write.ExecContext(ctx, `UPDATE parts SET names = '{"fr":"Batterie P50 d''origine"}' WHERE number = ?`, string(storetest.BatteryP50)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `UPDATE parts SET names = '{"fr":' WHERE number = ?`, string(storetest.DoorSeal)); err != nil {
		t.Fatal(err)
	}
	type ref struct {
		part app.PartNumber
		loc  app.LocationID
	}
	var refs []ref
	for _, p := range w.Parts {
		refs = append(refs, ref{p.Number, w.Locations[len(refs)%len(w.Locations)].ID})
	}
	refs = append(refs, ref{"hb-bat-p50", storetest.VanAna}, ref{"NOPE-1", storetest.VanAna}, ref{storetest.BatteryP50, "nowhere"}, ref{"", ""})
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		for _, r := range refs {
			stock := &stockHead{part: r.part, loc: r.loc}
			var ignored [8]any
			dest := []any{}
			for i := range ignored {
				dest = append(dest, &ignored[i])
			}
			if err := tx.QueryRowContext(ctx, commitHeadStock, nil, string(r.part), string(r.loc)).Scan(append(dest, stock.dest()...)...); err != nil {
				t.Fatalf("head of %q, %q: %v", r.part, r.loc, err)
			}
			stock.decode()
			m := &mutationTx{db: db, tx: tx}
			m.head.stock = stock
			gotP, gotPErr := m.Part(ctx, r.part)
			wantP, wantPErr := getPart(ctx, tx, r.part)
			wantPErr = db.sqlError(wantPErr)
			if !reflect.DeepEqual(gotP, wantP) || !sameError(gotPErr, wantPErr) {
				t.Errorf("part %q from the head: %+v, %v; getPart: %+v, %v", r.part, gotP, gotPErr, wantP, wantPErr)
			}
			gotL, gotLErr := m.Location(ctx, r.loc)
			wantL, wantLErr := getLocation(ctx, tx, r.loc)
			wantLErr = db.sqlError(wantLErr)
			if gotL != wantL || !sameError(gotLErr, wantLErr) {
				t.Errorf("location %q from the head: %+v, %v; getLocation: %+v, %v", r.loc, gotL, gotLErr, wantL, wantLErr)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// errorKey is an app.Error's key, "" for another error.
func errorKey(err error) string {
	var ae *app.Error
	if errors.As(err, &ae) {
		return ae.Key
	}
	return ""
}

// sameError: both nil, or the same code, key and message.
func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return app.ErrorCode(a) == app.ErrorCode(b) && errorKey(a) == errorKey(b) && a.Error() == b.Error()
}

// TestConsumeRefusalsWithHead: a part's consumption whose part or location
// is not here, or whose serialized part has no serial, is refused as
// before the head read them, and writes nothing; one with the part number
// in another case is recorded.
func TestConsumeRefusalsWithHead(t *testing.T) {
	ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
	cases := map[string]struct {
		used     app.PartUsed
		wantCode string
		wantKey  string
	}{
		"UnknownPart":     {app.PartUsed{Part: "NOPE-1", Qty: 1, From: storetest.VanAna}, app.ENOTFOUND, "part.not_found"},
		"UnknownLocation": {app.PartUsed{Part: storetest.BatteryP50, Qty: 1, From: "nowhere"}, app.ENOTFOUND, "location.not_found"},
		"NoSerial":        {app.PartUsed{Part: storetest.DisplayP50, Qty: 1, From: storetest.VanAna}, app.EINVALID, "stock.needs_serial"},
		"SerialQty":       {app.PartUsed{Part: storetest.DisplayP50, Qty: 2, Serial: "SN-1", From: storetest.VanAna}, app.EINVALID, "stock.serial_qty"},
		"OtherCase":       {app.PartUsed{Part: "hb-bat-p50", Qty: 1, From: storetest.VanAna}, "", ""},
		"Serial":          {app.PartUsed{Part: storetest.DisplayP50, Qty: 1, Serial: "SN-1", From: storetest.VanAna}, "", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
			if err := db.Load(t.Context(), storetest.World()); err != nil {
				t.Fatal(err)
			}
			count := func() (n int) {
				t.Helper()
				err := db.read.QueryRow(`SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM parts_used) + (SELECT count(*) FROM movements)`).Scan(&n)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := count()
			used := tc.used
			used.ID, used.Ticket = "u-"+name, storetest.T2
			_, err := NewCommitter(db).Commit(t.Context(), ana, &app.ConsumePart{Used: used})
			if tc.wantCode == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := count(); got != before+3 {
					t.Errorf("%d rows more, want 3 (outbox, part used, movement)", got-before)
				}
				return
			}
			if app.ErrorCode(err) != tc.wantCode || errorKey(err) != tc.wantKey {
				t.Fatalf("Commit: %v (%s, %s), want %s, %s", err, app.ErrorCode(err), errorKey(err), tc.wantCode, tc.wantKey)
			}
			if got := count(); got != before {
				t.Errorf("a refused consumption wrote %d rows", got-before)
			}
		})
	}
}
