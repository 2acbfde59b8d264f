package console

import (
	"net/http"

	"github.com/fieldbench/fieldbench/sync/central"
)

// auditShown is how many of the latest audit records the audit page lists.
const auditShown = 200

type auditPage struct {
	Records []central.AuditRecord
	Limit   int
}

// auditLog lists the tenant's latest changes made from the console.
func (c *Console) auditLog(w http.ResponseWriter, r *http.Request, s *Session) error {
	rs, err := c.db.Audit(r.Context(), s.Tenant, auditShown)
	if err != nil {
		return err
	}
	return c.render(w, r, s, http.StatusOK, "audit", auditPage{Records: rs, Limit: auditShown})
}
