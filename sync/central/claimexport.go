package central

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// maxClaimExport bounds one export: a brand's claims of a month or a
// quarter fit; a larger selection is refused before anything is written,
// so the administrator narrows the period. A variable for the tests.
var maxClaimExport = 20_000

// utf8BOM starts the CSV: spreadsheet programs read a file without it in
// the system's code page and garble names in Chinese or accents.
const utf8BOM = "\ufeff"

// CountClaims says how many claims f selects, regardless of its page.
func (db *DB) CountClaims(ctx context.Context, tenant string, f ClaimFilter) (int, error) {
	f.After, f.Limit = "", 0
	q, args := claimWhere(tenant, f)
	var n int
	err := db.read.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM claims WHERE `+q), args...).Scan(&n)
	return n, transient(err)
}

// checkExportSize refuses an export of more than maxClaimExport claims.
func (db *DB) checkExportSize(ctx context.Context, tenant string, f ClaimFilter) error {
	n, err := db.CountClaims(ctx, tenant, f)
	if err != nil {
		return err
	}
	if n > maxClaimExport {
		return app.Errorf(app.EINVALID, "claim.export_too_large", "The export would hold {{.Count}} claims, more than {{.Max}}: choose a brand or a shorter period.", "Count", n, "Max", maxClaimExport)
	}
	return nil
}

// eachClaim calls fn for every claim f selects, page by page.
func (db *DB) eachClaim(ctx context.Context, tenant string, f ClaimFilter, fn func(Claim) error) error {
	f.After, f.Limit = "", maxClaimPage
	ev := newEvidenceReader(db, tenant)
	for {
		page, err := db.claimsPage(ctx, tenant, f, ev)
		if err != nil {
			return err
		}
		for _, c := range page.Claims {
			if err := fn(c); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		f.After = page.Next
	}
}

// ExportClaimsCSV writes the claims f selects as CSV (RFC 4180, UTF-8
// with a byte-order mark), headers and states in the language lang. It
// refuses (writing nothing) a selection over maxClaimExport claims.
func (db *DB) ExportClaimsCSV(ctx context.Context, tenant string, f ClaimFilter, lang string, w io.Writer) error {
	if err := db.checkExportSize(ctx, tenant, f); err != nil {
		return err
	}
	cw := newClaimCSV(w, lang)
	if err := db.eachClaim(ctx, tenant, f, cw.write); err != nil {
		return err
	}
	return cw.flush()
}

// ExportClaimsZIP writes a ZIP archive: claims.csv as ExportClaimsCSV
// writes it, and per claim a folder named by its ticket number holding
// the files the server has of it (photos, signature, report PDF), each at
// most app.MaxPhotoBytes. Files are stored, not compressed: JPEG, PNG and
// PDF are compressed already.
func (db *DB) ExportClaimsZIP(ctx context.Context, tenant string, f ClaimFilter, lang string, w io.Writer) error {
	if err := db.checkExportSize(ctx, tenant, f); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	var claims []Claim
	csvFile, err := zw.Create("claims.csv")
	if err != nil {
		return err
	}
	cw := newClaimCSV(csvFile, lang)
	err = db.eachClaim(ctx, tenant, f, func(c Claim) error {
		claims = append(claims, Claim{ID: c.ID, Number: c.Number, Evidence: ClaimEvidence{Files: c.Evidence.Files}})
		return cw.write(c)
	})
	if err != nil {
		return err
	}
	if err := cw.flush(); err != nil {
		return err
	}
	for _, c := range claims {
		folder := zipName(c.Number) + "_" + c.ID[:min(8, len(c.ID))]
		for _, file := range c.Evidence.Files {
			if !file.Uploaded {
				continue
			}
			if err := db.zipPhoto(ctx, zw, folder, file); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

func (db *DB) zipPhoto(ctx context.Context, zw *zip.Writer, folder string, file ClaimFile) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !app.ValidSHA256(file.SHA256) || db.dir == "" {
		return nil
	}
	src, err := os.Open(filepath.Join(db.dir, "photos", file.SHA256))
	if os.IsNotExist(err) {
		return nil // verified, then lost with a restore of the database without its photos: nothing to add
	}
	if err != nil {
		return fmt.Errorf("open photo %s: %w", file.SHA256, err)
	}
	defer src.Close()
	kind := file.Kind
	if kind == "" {
		kind = "photo"
	}
	name := path.Join(folder, zipName(kind)+"-"+zipName(file.Photo)+extFor(file.Mime))
	dst, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, io.LimitReader(src, app.MaxPhotoBytes))
	return err
}

// zipName keeps a file name portable: letters, digits, '-', '_' and '.'
// only, no leading dot, at most 64 bytes.
func zipName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	out := strings.TrimLeft(string(b), ".")
	if len(out) > 64 {
		out = out[:64]
	}
	if out == "" {
		out = "_"
	}
	return out
}

func extFor(mime string) string {
	switch mime {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "application/pdf":
		return ".pdf"
	}
	return ""
}

// claimCSV writes claims as CSV rows.
type claimCSV struct {
	w      io.Writer
	cw     *csv.Writer
	tr     *translations.Catalog
	header bool
}

func newClaimCSV(w io.Writer, lang string) *claimCSV {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180
	return &claimCSV{w: w, cw: cw, tr: translations.For(lang)}
}

func (c *claimCSV) writeHeader() error {
	c.header = true
	if _, err := io.WriteString(c.w, utf8BOM); err != nil {
		return err
	}
	tr := c.tr
	return c.cw.Write([]string{
		tr.Text("claims.col.claim", "Claim", nil),
		tr.Text("claims.col.ticket", "Ticket", nil),
		tr.Text("claims.col.brand", "Brand", nil),
		tr.Text("claims.col.model", "Model", nil),
		tr.Text("claims.col.serial", "Serial number", nil),
		tr.Text("claims.col.country", "Country", nil),
		tr.Text("claims.col.period", "Period", nil),
		tr.Text("claims.col.closed", "Closed", nil),
		tr.Text("claims.col.fault", "Fault", nil),
		tr.Text("claims.col.diagnosis", "Diagnosis", nil),
		tr.Text("claims.col.parts", "Parts fitted", nil),
		tr.Text("claims.col.returns", "Defective returns", nil),
		tr.Text("claims.col.shipments", "Shipments", nil),
		tr.Text("claims.col.not_shipped", "Defective part not shipped", nil),
		tr.Text("claims.col.missing", "Missing evidence", nil),
		tr.Text("claims.col.currency", "Currency", nil),
		tr.Text("claims.col.amount", "Amount claimed", nil),
		tr.Text("claims.col.state", "State", nil),
		tr.Text("claims.col.brand_ref", "Brand reference", nil),
		tr.Text("claims.col.paid", "Amount paid", nil),
		tr.Text("claims.col.reason", "Brand's reason", nil),
	})
}

func (c *claimCSV) stateName(s app.ClaimState) string {
	switch s {
	case app.ClaimReady:
		return c.tr.Text("claims.state.ready", "Ready", nil)
	case app.ClaimSubmitted:
		return c.tr.Text("claims.state.submitted", "Submitted", nil)
	case app.ClaimPaid:
		return c.tr.Text("claims.state.paid", "Paid", nil)
	case app.ClaimRejected:
		return c.tr.Text("claims.state.rejected", "Rejected", nil)
	}
	return string(s)
}

// missingName names a piece of missing evidence for people.
func (c *claimCSV) missingName(name string) string {
	switch name {
	case missingSerial:
		return c.tr.Text("claims.missing.serial", "serial number", nil)
	case missingSerialPhoto:
		return c.tr.Text("claims.missing.serial_photo", "photo of the serial plate", nil)
	case missingDiagnosis:
		return c.tr.Text("claims.missing.diagnosis", "diagnosis", nil)
	case missingPhotos:
		return c.tr.Text("claims.missing.photos", "photos of the fault or repair", nil)
	case missingSignature:
		return c.tr.Text("claims.missing.signature", "customer's signature", nil)
	case missingReport:
		return c.tr.Text("claims.missing.report", "signed service report", nil)
	case missingFiles:
		return c.tr.Text("claims.missing.files_not_uploaded", "files not yet uploaded", nil)
	}
	return name
}

func (c *claimCSV) yesNo(b bool) string {
	if b {
		return c.tr.Text("claims.yes", "yes", nil)
	}
	return c.tr.Text("claims.no", "no", nil)
}

func (c *claimCSV) write(cl Claim) error {
	if !c.header {
		if err := c.writeHeader(); err != nil {
			return err
		}
	}
	var parts, returns, shipments []string
	for _, p := range cl.Evidence.Parts {
		s := string(p.Part) + " x" + strconv.Itoa(p.Qty)
		if p.DefectiveSerial != "" {
			s += " (" + p.DefectiveSerial + ")"
		}
		parts = append(parts, s)
		returns = append(returns, p.Returns...)
		shipments = append(shipments, p.Shipments...)
	}
	missing := make([]string, len(cl.Flags.MissingEvidence))
	for i, m := range cl.Flags.MissingEvidence {
		missing[i] = c.missingName(m)
	}
	paid := ""
	if cl.State == app.ClaimPaid {
		paid = decimal(cl.Paid.Amount)
	}
	row := []string{cl.ID, cl.Number, cl.Brand, cl.Model, cl.Evidence.Serial, cl.Country, cl.Period, cl.ClosedAt.Format("2006-01-02"),
		cl.Evidence.Fault, cl.Evidence.Diagnosis, strings.Join(parts, "; "), strings.Join(returns, "; "), strings.Join(shipments, "; "),
		c.yesNo(cl.Flags.DefectiveNotShipped), strings.Join(missing, "; "), cl.Amount.Currency, decimal(cl.Amount.Amount),
		c.stateName(cl.State), cl.BrandRef, paid, cl.Reason}
	for i, cell := range row {
		row[i] = defuse(cell)
	}
	return c.cw.Write(row)
}

// flush ends the CSV; an empty selection still gets its header.
func (c *claimCSV) flush() error {
	if !c.header {
		if err := c.writeHeader(); err != nil {
			return err
		}
	}
	c.cw.Flush()
	return c.cw.Error()
}

// defuse keeps a spreadsheet from running a cell as a formula (CSV
// injection): a cell starting with = + - @, a tab or a carriage return
// gets a leading apostrophe, which spreadsheets show as text.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// decimal writes minor units with two decimals, as Money.String does.
func decimal(minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%02d", sign, minor/100, minor%100)
}
