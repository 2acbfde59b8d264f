// Package central is the central service: the server side of Fieldbench's
// conflict-aware sync, and the dispatcher and admin API.
//
// It keeps its own database, embedded SQLite by default and PostgreSQL
// (pgx) for deployments with several stateless instances, behind one
// Store. Devices push their outboxes of named mutations, which run here
// through the same app.ApplyMutation code as on the device, exactly once
// and in per-device order; business rejections become conflict records and
// never block a queue. Devices pull per-technician scopes from a change log
// whose versions follow commit order. See docs/PROTOCOL.md.
package central
