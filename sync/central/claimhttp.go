package central

import (
	"bytes"
	"net/http"

	"github.com/fieldbench/fieldbench/app"
)

func (s *Server) handleClaims(w http.ResponseWriter, r *http.Request, p Principal) {
	f, err := ParseClaimFilter(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	page, err := s.db.Claims(r.Context(), p.Tenant, f)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, page)
}

func (s *Server) handleClaim(w http.ResponseWriter, r *http.Request, p Principal) {
	c, err := s.db.Claim(r.Context(), p.Tenant, r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, c)
}

func (s *Server) handleClaimAction(w http.ResponseWriter, r *http.Request, p Principal) {
	var u app.ClaimUpdate
	if r.ContentLength != 0 {
		if err := readJSON(w, r, &u); err != nil {
			writeError(w, err)
			return
		}
	}
	c, err := s.db.UpdateClaim(r.Context(), p, r.PathValue("id"), app.ClaimAction(r.PathValue("action")), u)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, c)
}

// handleClaimsCSV answers the CSV whole, built in memory (at most
// maxClaimExport rows, a few MB): a failure half-way is then an error
// status, not a truncated file that looks complete.
func (s *Server) handleClaimsCSV(w http.ResponseWriter, r *http.Request, p Principal) {
	f, err := ParseClaimFilter(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	var buf bytes.Buffer
	if err := s.db.ExportClaimsCSV(r.Context(), p.Tenant, f, r.URL.Query().Get("lang"), &buf); err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="claims.csv"`)
	w.Write(buf.Bytes())
}

// handleClaimsZIP streams the archive: photos make it too large to hold.
// Its size is checked before the first byte; a failure later cuts the
// archive before its directory, which every unzip tool reports.
func (s *Server) handleClaimsZIP(w http.ResponseWriter, r *http.Request, p Principal) {
	f, err := ParseClaimFilter(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	if err := s.db.checkExportSize(r.Context(), p.Tenant, f); err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="claims.zip"`)
	if err := s.db.ExportClaimsZIP(r.Context(), p.Tenant, f, r.URL.Query().Get("lang"), w); err != nil {
		if rw, ok := w.(*reqWriter); ok {
			rw.logFailure(http.StatusInternalServerError, err)
		}
	}
}
