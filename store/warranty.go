package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/fieldbench/fieldbench/app"
)

var _ app.WarrantyService = (*WarrantyService)(nil)

// WarrantyService implements app.WarrantyService on a DB.
type WarrantyService struct{ db *DB }

// NewWarrantyService returns the warranty rules service of db.
func NewWarrantyService(db *DB) *WarrantyService { return &WarrantyService{db: db} }

// RuleSet returns the newest rule set of country (ISO code, case ignored);
// ENOTFOUND when the country has none on this device.
func (s *WarrantyService) RuleSet(ctx context.Context, country string) (app.RuleSet, error) {
	var data []byte
	err := s.db.read.QueryRowContext(ctx, `SELECT data FROM rule_sets WHERE country = ? ORDER BY version DESC LIMIT 1`,
		strings.ToUpper(strings.TrimSpace(country))).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return app.RuleSet{}, app.Errorf(app.ENOTFOUND, "warranty.no_rules", "There are no warranty rules for {{.Country}} on this device. Sync to download them.", "Country", country)
	} else if err != nil {
		return app.RuleSet{}, s.db.sqlError(err)
	}
	var rs app.RuleSet
	if err := json.Unmarshal(data, &rs); err != nil {
		return app.RuleSet{}, app.Errorf(app.ECORRUPT, "store.rules_damaged", "The warranty rules for {{.Country}} on this device are damaged. Sync to download them again.", "Country", country).WithCause(err)
	}
	return rs, nil
}
