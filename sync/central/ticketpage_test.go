package central

import (
	"testing"
)

// The index StepTechnicians reads by survives the SQLite re-keying of an
// old applied table (which drops the old table with its indexes).
func TestAppliedVersionIndexAfterRekey(t *testing.T) {
	cfg := Config{DataDir: t.TempDir()}
	db := openTestDB(t, cfg)
	for _, stmt := range []string{`DROP TABLE applied`,
		`CREATE TABLE applied (mutation TEXT PRIMARY KEY, device TEXT NOT NULL, seq BIGINT NOT NULL, name TEXT NOT NULL,
		status TEXT NOT NULL, conflict TEXT NOT NULL DEFAULT '', at BIGINT NOT NULL, device_at BIGINT NOT NULL, hlc TEXT NOT NULL DEFAULT '',
		version BIGINT NOT NULL DEFAULT 0)`,
		`CREATE INDEX applied_device ON applied (device, seq)`} {
		if _, err := db.write.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db = openTestDB(t, cfg)
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'applied' AND name IN ('applied_version', 'applied_device')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("after re-keying, applied has %d of its 2 indexes", n)
	}
}
