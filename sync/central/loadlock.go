package central

import (
	"context"
	"database/sql"
	"slices"

	"github.com/fieldbench/fieldbench/app"
)

// A dataset load (LoadDataset: the imports, the demo world) writes the
// version into rows of its own, so it takes the version before it
// writes. The late writes (a push, a shipment, a receipt, a decided
// conflict) lock their records first and take the version last: a load
// that took the counter row and then waited for a ticket, a shipment, a
// part request or a part such a write held waited in a circle with it,
// since that write then waited for the counter row (a receipt of a
// shipment of filters beside an import of the parts list). So a load on
// PostgreSQL first locks, in the late writes' order, the records of
// those kinds it will write that exist: first the check locks of the
// serialized units it places (a stock import moving units: the late
// writes take theirs before any record, checkLockKeys), then its
// shipments, then its tickets (with those of its part requests and
// likely parts, and the tickets its requests name now), then its part
// requests and likely parts, then its parts and locations, each kind in
// ascending ID order; only then does it take the version (PROTOCOL.md,
// "Writes at the same time").
const (
	// qLoadLockTickets is qTicketsOfRequestsLock: the tickets a load
	// names and those its part requests name now.
	qLoadLockTickets = qTicketsOfRequestsLock
	// qLoadLockEntities locks the entities of one kind of an array of
	// IDs, in ascending ID order (see qTicketsLock).
	qLoadLockEntities = `SELECT id FROM entities WHERE tenant = ? AND kind = ? AND id = ANY(CAST(? AS TEXT[])) ORDER BY id FOR UPDATE`
	// qCustomPlans has PostgreSQL plan each of the load's statements for
	// its arguments, to the transaction's end (loadTx).
	qCustomPlans = `SET LOCAL plan_cache_mode = force_custom_plan`
)

// loadLocks are the IDs of the records of each kind a dataset load
// writes that a late write may hold, sorted and without repeats.
type loadLocks struct {
	// units are the check lock keys of the serialized units it places
	// (unitLockKey), in any order: qCheckLocks sorts them.
	units                                                  []int64
	shipments, tickets, requests, likely, parts, locations []string
}

func sortedIDs(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// loadLocksOf lists what a load of ds will write that a late write may
// hold.
func loadLocksOf(tenant string, ds app.Dataset) loadLocks {
	var l loadLocks
	seen := map[int64]bool{}
	unit := func(part app.PartNumber, serial string) {
		if k := unitLockKey(tenant, part, serial); serial != "" && !seen[k] {
			seen[k] = true
			l.units = append(l.units, k)
		}
	}
	for _, m := range ds.Movements {
		unit(m.Part, m.Serial)
	}
	for _, d := range ds.Tickets {
		for _, p := range d.Parts {
			unit(p.Part, p.Serial)
		}
	}
	for _, sh := range ds.Shipments {
		l.shipments = append(l.shipments, sh.ID)
	}
	for _, d := range ds.Tickets {
		l.tickets = append(l.tickets, string(d.Ticket.ID))
	}
	for _, r := range ds.PartRequests {
		l.requests = append(l.requests, r.ID)
		l.tickets = append(l.tickets, string(r.Ticket))
	}
	for _, lp := range ds.LikelyParts {
		l.likely = append(l.likely, string(lp.Ticket))
		l.tickets = append(l.tickets, string(lp.Ticket))
	}
	for _, p := range ds.Parts {
		l.parts = append(l.parts, string(p.Number))
	}
	for _, loc := range ds.Locations {
		l.locations = append(l.locations, string(loc.ID))
	}
	l.shipments, l.tickets, l.requests = sortedIDs(l.shipments), sortedIDs(l.tickets), sortedIDs(l.requests)
	l.likely, l.parts, l.locations = sortedIDs(l.likely), sortedIDs(l.parts), sortedIDs(l.locations)
	return l
}

// take has PostgreSQL plan the load's statements for their arguments
// (qCustomPlans), then takes the locks (lock). The lock statements name
// every record of an import (10,000 tickets, 10,000 parts): planned for
// their arrays, each is an index scan checking a hashed array, 0.1 s;
// after five runs the driver's prepared statement got PostgreSQL's
// generic plan, which checks each row against the array in turn, 7.4 s
// for an import loaded again (BenchmarkLoadLocks, docs/BENCHMARKS.md).
// A load runs a few large statements: planning each is cheap.
func (l loadLocks) take(ctx context.Context, db *DB, tx *sql.Tx, tenant string) error {
	if _, err := tx.ExecContext(ctx, qCustomPlans); err != nil {
		return transient(err)
	}
	return l.lock(ctx, db, tx, tenant)
}

// lock takes the locks, in the late writes' order.
func (l loadLocks) lock(ctx context.Context, db *DB, tx *sql.Tx, tenant string) error {
	if len(l.units) > 0 {
		if _, err := tx.ExecContext(ctx, db.q(qCheckLocks), l.units); err != nil {
			return transient(err)
		}
	}
	if len(l.shipments) > 0 {
		if err := lockRows(ctx, tx, db.q(qLoadLockEntities), tenant, kindShipment, l.shipments); err != nil {
			return err
		}
	}
	if len(l.tickets) > 0 || len(l.requests) > 0 {
		if err := lockRows(ctx, tx, db.q(qLoadLockTickets), tenant, nonNil(l.tickets), tenant, nonNil(l.requests)); err != nil {
			return err
		}
	}
	for _, k := range []struct {
		kind string
		ids  []string
	}{{kindPartRequest, l.requests}, {kindLikelyParts, l.likely}, {kindPart, l.parts}, {kindLocation, l.locations}} {
		if len(k.ids) > 0 {
			if err := lockRows(ctx, tx, db.q(qLoadLockEntities), tenant, k.kind, k.ids); err != nil {
				return err
			}
		}
	}
	return nil
}

func nonNil(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}

// lockRows runs a locking query and reads its rows to the end: a row is
// locked as the query hands it up.
func lockRows(ctx context.Context, tx *sql.Tx, q string, args ...any) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return transient(err)
	}
	defer rows.Close()
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return transient(err)
	}
	return transient(rows.Close())
}

// loadTx is writeTx for a dataset load: on PostgreSQL it locks what the
// load will write (loadLocks) before it takes the version. SQLite runs
// one write at a time: nothing to order there.
func (db *DB) loadTx(ctx context.Context, tenant string, ds app.Dataset, fn func(ctx context.Context, tx *sql.Tx, version int64) error) error {
	if db.dialect != dialectPostgres {
		return db.writeTx(ctx, fn)
	}
	if err := db.mayWrite(ctx); err != nil {
		return err
	}
	locks := loadLocksOf(tenant, ds)
	return db.pgTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := locks.take(ctx, db, tx, tenant); err != nil {
			return err
		}
		var v int64
		if err := tx.QueryRowContext(ctx, qCounterNext).Scan(&v); err != nil {
			return transient(err)
		}
		return runMember(ctx, tx, v, fn)
	})
}
