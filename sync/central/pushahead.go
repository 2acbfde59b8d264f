package central

import (
	"context"
	gosync "sync"

	"github.com/fieldbench/fieldbench/app"
)

// A push's work before it queues for SQLite's writer. The writer runs
// every write transaction on one goroutine (group.go), so whatever a push
// does there is done one push at a time. The request's goroutine first
// decodes the pushed mutations (app.DecodeMutation, which also applies
// the rules that need no stored state), and on SQLite takes the
// technician's scopes from a cache (scopeCache), read on a read
// connection when missing. In the transaction a push checks, with one
// indexed count, that no change row written after the scopes were read
// names the technician or a location, the only stored data
// technicianScopes reads (every write of either writes its change row:
// LoadDataset); if one does, it reads the scopes again there, as every
// push did before, and drops them from the cache. So a push decides
// exactly as when it read its scopes in its transaction. PostgreSQL's
// pushes run concurrently (lateTx) and read their scopes in their
// transactions: only the decoding happens before there.
type pushAhead struct {
	// cmds are the mutations with a valid ID decoded, by seq; bad holds
	// the decoding's refusals, which applyPushed returns.
	cmds map[int64]app.Command
	bad  map[int64]error
	// ran says that a run of the push used cmds: a run again (after a
	// refusal without savepoints, or a deadlock on PostgreSQL) decodes
	// afresh, since the last run's Apply may have changed them.
	ran bool
	// scopes, when set (SQLite), are the technician's scopes as of a
	// committed version.
	scopes *cachedScopes
}

// cachedScopes are a technician's record and scopes as they were when
// version was the last committed one.
type cachedScopes struct {
	version int64
	tech    app.Technician
	scopes  []string
}

// scopeCache holds technicians' scopes on SQLite, by tenant and
// technician: a push read them, and the tenant's locations, first thing
// in the writer, a sixth of its work per push. At most maxCachedScopes
// technicians; past it the cache starts again empty.
type scopeCache struct {
	mu gosync.Mutex
	m  map[scopeKey]*cachedScopes
}

type scopeKey struct {
	tenant string
	tech   app.TechnicianID
}

const maxCachedScopes = 4096

func (c *scopeCache) get(k scopeKey) *cachedScopes {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

// put keeps s for k unless the cache holds scopes of a later version.
func (c *scopeCache) put(k scopeKey, s *cachedScopes) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[k]; old != nil && old.version >= s.version {
		return
	}
	if c.m == nil || len(c.m) >= maxCachedScopes {
		c.m = map[scopeKey]*cachedScopes{}
	}
	c.m[k] = s
}

// drop forgets k's scopes if they are still s.
func (c *scopeCache) drop(k scopeKey, s *cachedScopes) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[k] == s {
		delete(c.m, k)
	}
}

// readAhead decodes muts and, on SQLite, finds the technician's scopes.
// A failed read of the scopes is not returned: the push then reads them
// in its transaction, as before, and returns that read's error.
func (db *DB) readAhead(ctx context.Context, p Principal, muts []app.Mutation) *pushAhead {
	a := &pushAhead{}
	a.decode(muts)
	if db.dialect == dialectSQLite && len(muts) > 0 {
		k := scopeKey{p.Tenant, p.Technician}
		if a.scopes = db.scopeCache.get(k); a.scopes == nil {
			if s, err := db.readScopes(ctx, p); err == nil {
				a.scopes = s
				db.scopeCache.put(k, s)
			}
		}
	}
	return a
}

// decode decodes muts into cmds and bad, afresh.
func (a *pushAhead) decode(muts []app.Mutation) {
	a.cmds, a.bad = make(map[int64]app.Command, len(muts)), map[int64]error{}
	for _, m := range muts {
		if !validMutationID(m.ID) {
			continue // applyPushed refuses it before decoding
		}
		cmd, err := app.DecodeMutation(m)
		if err != nil {
			a.bad[m.Seq] = err
			continue
		}
		a.cmds[m.Seq] = cmd
	}
}

// readScopes reads the technician's scopes and the last committed
// version in one snapshot on SQLite's read pool.
func (db *DB) readScopes(ctx context.Context, p Principal) (*cachedScopes, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	q := preparedTx{tx, db.readPrepared}
	s := &cachedScopes{}
	if err := q.QueryRowContext(ctx, qCounter).Scan(&s.version); err != nil {
		return nil, err
	}
	if s.tech, s.scopes, err = db.technicianScopes(ctx, q, p); err != nil {
		return nil, err
	}
	return s, nil
}

// scopesIn returns the pushing device's technician and scopes in the
// push's transaction (st.tx): those found ahead unless a change row
// written since could change them, else read in the transaction.
func (a *pushAhead) scopesIn(ctx context.Context, st *serverTx, p Principal) (app.Technician, []string, error) {
	db := st.db
	q := preparedTx{st.tx, db.prepared}
	if s := a.scopes; s != nil {
		var n int
		if err := q.QueryRowContext(ctx, qScopesChanged, techScope(p.Tenant, p.Technician), string(p.Technician), s.version, catalogScope(p.Tenant), s.version).Scan(&n); err != nil {
			return app.Technician{}, nil, transient(err)
		}
		if n == 0 {
			return s.tech, s.scopes, nil
		}
		db.scopeCache.drop(scopeKey{p.Tenant, p.Technician}, s)
		a.scopes = nil
	}
	return db.technicianScopes(ctx, q, p)
}

// committed tells the cache, after the push committed at version, that
// the scopes it used were still those of version-1: scopesIn found no
// change row after theirs up to there, and every version below the
// push's is committed with it (pushes write no technician or location).
// Later pushes' checks then look at fewer change rows.
func (a *pushAhead) committed(db *DB, p Principal, version int64) {
	if s := a.scopes; s != nil && version-1 > s.version {
		db.scopeCache.put(scopeKey{p.Tenant, p.Technician}, &cachedScopes{version: version - 1, tech: s.tech, scopes: s.scopes})
	}
}
