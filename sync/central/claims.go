package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Claim is a brand warranty claim as the admin API answers it: what was
// decided at the close (lines, amount), where it stands with the brand,
// and its evidence and flags as the server holds them now (a photo
// uploaded after the close, a defective part shipped later, count).
type Claim struct {
	ID             string          `json:"id"`
	Ticket         app.TicketID    `json:"ticket"`
	Number         string          `json:"number"`
	Brand          string          `json:"brand"`
	Model          string          `json:"model"`
	Country        string          `json:"country"`
	Period         string          `json:"period"` // YYYY-MM of the close, UTC
	ClosedAt       time.Time       `json:"closed_at"`
	RuleSet        string          `json:"rule_set"`
	RuleSetVersion int             `json:"rule_set_version"`
	Lines          []app.ClaimLine `json:"lines"`
	Amount         app.Money       `json:"amount"`
	State          app.ClaimState  `json:"state"`
	Reason         string          `json:"reason,omitempty"` // the brand's reason of a rejection
	Paid           app.Money       `json:"paid,omitzero"`
	BrandRef       string          `json:"brand_ref,omitempty"`
	UpdatedAt      time.Time       `json:"updated_at"`
	Evidence       ClaimEvidence   `json:"evidence"`
	Flags          ClaimFlags      `json:"flags"`
}

// ClaimEvidence is what a brand asks for with a claim.
type ClaimEvidence struct {
	Serial      string         `json:"serial"`
	SerialPhoto bool           `json:"serial_photo"` // a photo of kind "serial" (the rating plate)
	Fault       string         `json:"fault"`
	Diagnosis   string         `json:"diagnosis"`
	Parts       []ClaimPart    `json:"parts"`
	Photos      map[string]int `json:"photos"` // photos recorded on the ticket, by kind
	Signature   bool           `json:"signature"`
	Report      bool           `json:"report"`
	// ReportMatches compares the report the latest signature carries
	// with the ticket as the server holds it (app.ReportDifferences):
	// absent when the latest signature carries no report (or there is
	// none); ReportDiffers names the facts that differ.
	ReportMatches *bool       `json:"report_matches,omitempty"`
	ReportDiffers []string    `json:"report_differs,omitempty"`
	Files         []ClaimFile `json:"files"`
}

// ClaimPart is a part fitted on the ticket and what became of the part it
// replaced.
type ClaimPart struct {
	Part            app.PartNumber `json:"part"`
	Qty             int            `json:"qty"`
	Serial          string         `json:"serial,omitempty"`
	DefectiveSerial string         `json:"defective_serial,omitempty"`
	ReturnNeeded    bool           `json:"return_needed"`
	Returns         []string       `json:"returns"`   // the return_defective movements of the removed part
	Shipments       []string       `json:"shipments"` // the movements (transfers, ship movements) that carried it on
	Shipped         bool           `json:"shipped"`
	// ReturnShipments are the shipments that carried it, in the order
	// they did.
	ReturnShipments []ClaimShipment `json:"return_shipments"`
}

// ClaimShipment is a shipment that carried a claim's defective part.
type ClaimShipment struct {
	ID         string            `json:"id"`
	Carrier    string            `json:"carrier,omitempty"`
	Tracking   string            `json:"tracking,omitempty"`
	State      app.ShipmentState `json:"state"`
	At         time.Time         `json:"at"`
	ReceivedAt time.Time         `json:"received_at,omitzero"`
}

// ClaimFile is a photo or file recorded on the ticket; Uploaded says the
// server holds its bytes.
type ClaimFile struct {
	Photo    string `json:"photo"`
	Kind     string `json:"kind"`
	SHA256   string `json:"sha256"`
	Mime     string `json:"mime"`
	Size     int64  `json:"size"`
	Uploaded bool   `json:"uploaded"`
}

// ClaimFlags say what stands in the way of the claim being paid.
type ClaimFlags struct {
	DefectiveNotShipped bool     `json:"defective_not_shipped"`
	MissingEvidence     []string `json:"missing_evidence"`
}

// Evidence names in ClaimFlags.MissingEvidence.
const (
	missingSerial      = "serial"
	missingSerialPhoto = "serial_photo"
	missingDiagnosis   = "diagnosis"
	missingPhotos      = "photos"
	missingSignature   = "signature"
	missingReport      = "report"
	missingFiles       = "files_not_uploaded"
)

// Photo kinds a claim looks for.
const (
	photoKindSerial    = "serial"
	photoKindSignature = "signature"
	photoKindReport    = "report"
)

// ClaimFilter selects claims; From and To are months (YYYY-MM), inclusive.
type ClaimFilter struct {
	Brand string
	From  string
	To    string
	State app.ClaimState
	After string // the page cursor: the previous page's Next
	Limit int
}

// ClaimPage is one page of claims; Next is "" on the last page.
type ClaimPage struct {
	Claims []Claim `json:"claims"`
	Next   string  `json:"next,omitempty"`
}

const (
	defaultClaimPage = 100
	maxClaimPage     = 500
)

// ParseClaimFilter reads a claim filter from a query string, refusing
// what it cannot read rather than listing more than was asked.
func ParseClaimFilter(q url.Values) (ClaimFilter, error) {
	f := ClaimFilter{Brand: strings.TrimSpace(q.Get("brand")), From: q.Get("from"), To: q.Get("to"), State: app.ClaimState(q.Get("state")), After: q.Get("after"), Limit: defaultClaimPage}
	for _, m := range []string{f.From, f.To} {
		if _, err := time.Parse("2006-01", m); m != "" && err != nil {
			return f, app.Errorf(app.EINVALID, "claim.bad_month", "{{.Month}} is not a month: write it as YYYY-MM, e.g. 2026-11.", "Month", m)
		}
	}
	if f.State != "" && !f.State.Valid() {
		return f, app.Errorf(app.EINVALID, "claim.bad_state", "Unknown claim state {{.State}}: use ready, submitted, paid or rejected.", "State", string(f.State))
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxClaimPage {
			return f, app.Errorf(app.EINVALID, "claim.bad_limit", "The page size must be 1 to {{.Max}}.", "Max", maxClaimPage)
		}
		f.Limit = n
	}
	if f.After != "" {
		if _, _, err := parseClaimCursor(f.After); err != nil {
			return f, err
		}
	}
	return f, nil
}

// A page cursor is the last claim's close time and ID.
func claimCursor(c Claim) string { return strconv.FormatInt(c.ClosedAt.UnixNano(), 10) + "." + c.ID }

func parseClaimCursor(s string) (int64, string, error) {
	at, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || !app.ValidID(id) {
		return 0, "", app.Errorf(app.EINVALID, "claim.bad_cursor", "The page cursor is not one this server gave: list again from the first page.")
	}
	return n, id, nil
}

// makeClaim makes the claim of ticket t, which this transaction closes,
// when the server's warranty decision leaves a share to the brand. It is
// called once per close; a second close of the same ticket (which the
// state machine does not allow) would still not make a second claim.
// A ticket whose country has no rule set, or whose decision fails (a part
// without a price in the rule set's currency, or missing from the
// catalog), yields no claim: there is no decision to claim on, on the
// device either.
func (s *serverTx) makeClaim(ctx context.Context, t app.Ticket) error {
	rs, ok, err := s.ruleSetFor(ctx, t.Country)
	if err != nil || !ok {
		return err
	}
	rows, err := s.tx.QueryContext(ctx, s.db.q(`SELECT data FROM entities WHERE tenant = ? AND ticket_id = ? AND kind = 'part_used'`), s.tenant, string(t.ID))
	if err != nil {
		return transient(err)
	}
	var used []app.PartUsed
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			rows.Close()
			return transient(err)
		}
		if err := appendJSON(data, &used, nil, nil); err != nil {
			rows.Close()
			return err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return transient(err)
	}
	var parts []app.UsedPart
	for _, u := range used {
		p, err := s.Part(ctx, u.Part)
		if app.ErrorCode(err) == app.ENOTFOUND {
			return nil // a part the catalog lacks cannot be priced: no decision
		}
		if err != nil {
			return err
		}
		parts = append(parts, app.UsedPart{Part: p, Qty: u.Qty})
	}
	dec, err := app.Decide(rs, app.WarrantyInput{Ticket: t, Parts: parts, LabourMinutes: t.LabourMinutes, On: t.CreatedAt})
	if err != nil {
		return nil
	}
	lines, total, ok := app.ClaimFor(dec)
	if !ok {
		return nil
	}
	data, err := json.Marshal(lines)
	if err != nil {
		return err
	}
	now := s.db.now()
	_, err = s.exec(ctx, `INSERT INTO claims (tenant, id, ticket, brand, country, period, closed_at, rule_set, rule_set_version, currency, amount, lines, state, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, ticket) DO NOTHING`,
		s.tenant, app.NewID(), string(t.ID), t.Product.Brand, t.Country, now.Format("2006-01"), now.UnixNano(), rs.ID, rs.Version,
		total.Currency, total.Amount, string(data), string(app.ClaimReady), now.UnixNano())
	return transient(err)
}

// ruleSetFor finds the rule set of a country: the highest version of the
// tenant's rule sets for it.
func (s *serverTx) ruleSetFor(ctx context.Context, country string) (app.RuleSet, bool, error) {
	rows, err := s.tx.QueryContext(ctx, s.db.q(`SELECT id, data FROM entities WHERE tenant = ? AND kind = 'rule_set'`), s.tenant)
	if err != nil {
		return app.RuleSet{}, false, transient(err)
	}
	defer rows.Close()
	var best app.RuleSet
	found := false
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return best, false, transient(err)
		}
		var rs app.RuleSet
		if err := json.Unmarshal([]byte(data), &rs); err != nil {
			return best, false, app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kindRuleSet, "ID", id).WithCause(err)
		}
		if strings.EqualFold(rs.Country, country) && (!found || rs.Version > best.Version) {
			best, found = rs, true
		}
	}
	return best, found, transient(rows.Err())
}

const claimColumns = `id, ticket, brand, country, period, closed_at, rule_set, rule_set_version, currency, amount, lines, state, reason, paid, brand_ref, updated_at`

func scanClaim(r rowScanner) (Claim, error) {
	var c Claim
	var closed, updated, amount, paid int64
	var currency, lines string
	if err := r.Scan(&c.ID, &c.Ticket, &c.Brand, &c.Country, &c.Period, &closed, &c.RuleSet, &c.RuleSetVersion, &currency, &amount, &lines, &c.State, &c.Reason, &paid, &c.BrandRef, &updated); err != nil {
		return c, err
	}
	c.ClosedAt, c.UpdatedAt = time.Unix(0, closed).UTC(), time.Unix(0, updated).UTC()
	c.Amount = app.Money{Amount: amount, Currency: currency}
	if c.State == app.ClaimPaid {
		c.Paid = app.Money{Amount: paid, Currency: currency}
	}
	if err := json.Unmarshal([]byte(lines), &c.Lines); err != nil {
		return c, app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", "claim", "ID", c.ID).WithCause(err)
	}
	return c, nil
}

// Claims lists one page of a tenant's claims, oldest close first, with
// their evidence.
func (db *DB) Claims(ctx context.Context, tenant string, f ClaimFilter) (ClaimPage, error) {
	return db.claimsPage(ctx, tenant, f, newEvidenceReader(db, tenant))
}

// claimsPage is Claims with the evidence read by ev, which an export
// shares between its pages.
func (db *DB) claimsPage(ctx context.Context, tenant string, f ClaimFilter, ev *evidenceReader) (ClaimPage, error) {
	if f.After != "" {
		if _, _, err := parseClaimCursor(f.After); err != nil {
			return ClaimPage{}, err
		}
	}
	where, args := claimWhere(tenant, f)
	q := `SELECT ` + claimColumns + ` FROM claims WHERE ` + where
	limit := f.Limit
	if limit < 1 || limit > maxClaimPage {
		limit = defaultClaimPage
	}
	q += ` ORDER BY closed_at, id LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.read.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return ClaimPage{}, transient(err)
	}
	page := ClaimPage{Claims: []Claim{}}
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			rows.Close()
			return page, transient(err)
		}
		page.Claims = append(page.Claims, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page, transient(err)
	}
	if len(page.Claims) > limit {
		page.Claims = page.Claims[:limit]
		page.Next = claimCursor(page.Claims[limit-1])
	}
	for i := range page.Claims {
		if err := ev.fill(ctx, &page.Claims[i]); err != nil {
			return page, err
		}
	}
	return page, nil
}

// claimWhere is the WHERE clause of f (its cursor included, checked by
// ParseClaimFilter) and its arguments.
func claimWhere(tenant string, f ClaimFilter) (string, []any) {
	q := `tenant = ?`
	args := []any{tenant}
	if f.Brand != "" {
		q += ` AND lower(brand) = lower(?)`
		args = append(args, f.Brand)
	}
	if f.From != "" {
		q += ` AND period >= ?`
		args = append(args, f.From)
	}
	if f.To != "" {
		q += ` AND period <= ?`
		args = append(args, f.To)
	}
	if f.State != "" {
		q += ` AND state = ?`
		args = append(args, string(f.State))
	}
	if at, id, err := parseClaimCursor(f.After); f.After != "" && err == nil {
		q += ` AND (closed_at > ? OR closed_at = ? AND id > ?)`
		args = append(args, at, at, id)
	}
	return q, args
}

// Claim returns one claim with its evidence; ENOTFOUND when the tenant
// has no claim of that ID.
func (db *DB) Claim(ctx context.Context, tenant, id string) (Claim, error) {
	c, err := scanClaim(db.read.QueryRowContext(ctx, db.q(`SELECT `+claimColumns+` FROM claims WHERE tenant = ? AND id = ?`), tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, app.NotFound("claim", id)
	}
	if err != nil {
		return c, transient(err)
	}
	return c, newEvidenceReader(db, tenant).fill(ctx, &c)
}

// UpdateClaim takes a step of a claim's state machine for an
// administrator. A retry of the step that brought the claim where it is,
// with the same reason, amount and reference, answers the claim unchanged;
// with other values it is a conflict.
func (db *DB) UpdateClaim(ctx context.Context, p Principal, id string, a app.ClaimAction, u app.ClaimUpdate) (Claim, error) {
	if p.Role != app.RoleDispatcher && p.Role != app.RoleSystem {
		return Claim{}, app.Errorf(app.EFORBIDDEN, "auth.wrong_role", "This account may not do this.")
	}
	u.Reason, u.BrandRef = strings.TrimSpace(u.Reason), strings.TrimSpace(u.BrandRef)
	err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, _ int64) error {
		c, err := scanClaim(tx.QueryRowContext(ctx, db.q(`SELECT `+claimColumns+` FROM claims WHERE tenant = ? AND id = ?`), p.Tenant, id))
		if errors.Is(err, sql.ErrNoRows) {
			return app.NotFound("claim", id)
		}
		if err != nil {
			return transient(err)
		}
		to, err := app.ClaimTransition(c.State, a, u, c.Amount.Currency)
		if err != nil {
			if app.ErrorCode(err) == app.ECONFLICT && sameStep(c, a, u) {
				return nil
			}
			return err
		}
		reason, paid, ref := "", int64(0), c.BrandRef
		switch a {
		case app.ClaimReject:
			reason = u.Reason
		case app.ClaimPay:
			paid = u.Paid.Amount
		}
		if u.BrandRef != "" {
			ref = u.BrandRef
		}
		_, err = tx.ExecContext(ctx, db.q(`UPDATE claims SET state = ?, reason = ?, paid = ?, brand_ref = ?, updated_at = ? WHERE tenant = ? AND id = ?`),
			string(to), reason, paid, ref, db.now().UnixNano(), p.Tenant, id)
		return transient(err)
	})
	if err != nil {
		return Claim{}, err
	}
	return db.Claim(ctx, p.Tenant, id)
}

// sameStep reports whether action a with u is the step that brought c to
// its state: a retry whose first answer was lost.
func sameStep(c Claim, a app.ClaimAction, u app.ClaimUpdate) bool {
	sameRef := u.BrandRef == "" || u.BrandRef == c.BrandRef
	switch a {
	case app.ClaimSubmit:
		return c.State == app.ClaimSubmitted && sameRef
	case app.ClaimPay:
		return c.State == app.ClaimPaid && u.Paid == c.Paid && sameRef
	case app.ClaimReject:
		return c.State == app.ClaimRejected && u.Reason == c.Reason && sameRef
	}
	return false
}

// evidenceReader gathers claims' evidence, reading the tenant's locations
// once.
type evidenceReader struct {
	db     *DB
	tenant string
	kinds  map[app.LocationID]app.LocationKind
	parts  map[app.PartNumber]app.Part
	// bins holds what became of each return into a bin, by bin and part:
	// one read of the bin's ledger serves every claim of a page.
	bins map[binPart]map[string]app.ReturnShipment
	// carriers holds the shipments read, by ID.
	carriers map[string]ClaimShipment
}

type binPart struct {
	bin  app.LocationID
	part app.PartNumber
}

func newEvidenceReader(db *DB, tenant string) *evidenceReader {
	return &evidenceReader{db: db, tenant: tenant, parts: map[app.PartNumber]app.Part{}, bins: map[binPart]map[string]app.ReturnShipment{},
		carriers: map[string]ClaimShipment{}}
}

func (e *evidenceReader) fill(ctx context.Context, c *Claim) error {
	d, err := e.db.TicketDetail(ctx, e.tenant, c.Ticket)
	if err != nil {
		return err
	}
	t := d.Ticket
	c.Number, c.Model = t.Number, t.Product.Model
	ev := ClaimEvidence{Serial: t.Product.Serial, Fault: t.Fault, Diagnosis: t.Diagnosis, Photos: map[string]int{}, Parts: []ClaimPart{}, Files: []ClaimFile{}}
	notUploaded := false
	for _, p := range d.Photos {
		ev.Photos[p.Kind]++
		switch p.Kind {
		case photoKindSerial:
			ev.SerialPhoto = true
		case photoKindSignature:
			ev.Signature = true
		case photoKindReport:
			ev.Report = true
		}
		up := p.State == app.PhotoVerified
		notUploaded = notUploaded || !up
		ev.Files = append(ev.Files, ClaimFile{Photo: p.ID, Kind: p.Kind, SHA256: p.SHA256, Mime: p.Mime, Size: p.Size, Uploaded: up})
	}
	if n := len(d.Signatures); n > 0 && d.Signatures[n-1].Report != "" {
		// Accepted, the report's digest was checked (app.Signature's
		// Validate): what it states is what the customer signed.
		signed, err := d.Signatures[n-1].SignedReport()
		if err != nil {
			return err
		}
		in := app.ReportInput{Detail: d}
		for _, p := range d.Payments {
			in.Payments = append(in.Payments, p.ForReport())
		}
		ev.ReportDiffers = app.ReportDifferences(signed, app.BuildServiceReport(in))
		matches := len(ev.ReportDiffers) == 0
		ev.ReportMatches = &matches
	}
	shipped, err := e.shipments(ctx, c.Ticket)
	if err != nil {
		return err
	}
	flags := ClaimFlags{MissingEvidence: []string{}}
	for _, u := range d.Parts {
		part, err := e.part(ctx, u.Part)
		if err != nil {
			return err
		}
		cp := ClaimPart{Part: u.Part, Qty: u.Qty, Serial: u.Serial, DefectiveSerial: u.DefectiveSerial, ReturnNeeded: part.ReturnNeeded, Returns: []string{}, Shipments: []string{}, ReturnShipments: []ClaimShipment{}}
		returned := 0
		cp.Shipped = true
		for _, r := range shipped[u.Part] {
			cp.Returns = append(cp.Returns, r.id)
			cp.Shipments = append(cp.Shipments, r.Transfers...)
			for _, id := range r.ReturnShipment.Shipments {
				if slices.ContainsFunc(cp.ReturnShipments, func(c ClaimShipment) bool { return c.ID == id }) {
					continue
				}
				sh, err := e.shipment(ctx, id)
				if err != nil {
					return err
				}
				cp.ReturnShipments = append(cp.ReturnShipments, sh)
			}
			returned += r.qty
			cp.Shipped = cp.Shipped && r.Shipped
		}
		cp.Shipped = cp.Shipped && returned >= u.Qty
		if cp.ReturnNeeded && !cp.Shipped {
			flags.DefectiveNotShipped = true
		}
		ev.Parts = append(ev.Parts, cp)
	}
	for _, m := range []struct {
		name    string
		missing bool
	}{
		{missingSerial, strings.TrimSpace(ev.Serial) == ""},
		{missingSerialPhoto, !ev.SerialPhoto},
		{missingDiagnosis, strings.TrimSpace(ev.Diagnosis) == ""},
		{missingPhotos, ev.Photos["condition"]+ev.Photos["repair"] == 0},
		{missingSignature, !ev.Signature},
		{missingReport, !ev.Report},
		{missingFiles, notUploaded},
	} {
		if m.missing {
			flags.MissingEvidence = append(flags.MissingEvidence, m.name)
		}
	}
	c.Evidence, c.Flags = ev, flags
	return nil
}

// shipment reads a shipment that carried a returned part.
func (e *evidenceReader) shipment(ctx context.Context, id string) (ClaimShipment, error) {
	if c, ok := e.carriers[id]; ok {
		return c, nil
	}
	var s app.Shipment
	if err := e.db.readEntity(ctx, e.tenant, kindShipment, id, &s); err != nil {
		return ClaimShipment{}, err
	}
	c := ClaimShipment{ID: s.ID, Carrier: s.Carrier, Tracking: s.Tracking, State: s.State, At: s.At}
	if s.Receipt != nil {
		c.ReceivedAt = s.Receipt.At
	}
	e.carriers[id] = c
	return c, nil
}

func (e *evidenceReader) part(ctx context.Context, n app.PartNumber) (app.Part, error) {
	if p, ok := e.parts[n]; ok {
		return p, nil
	}
	var p app.Part
	if err := e.db.readEntity(ctx, e.tenant, kindPart, string(n), &p); err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return p, err
	}
	e.parts[n] = p
	return p, nil
}

type ticketReturn struct {
	app.ReturnShipment
	id  string
	qty int
}

// shipments finds the defective returns recorded on a ticket, by part,
// and whether each has left its bin for a warehouse (app.ShippedReturns),
// reading every movement of the bins and parts concerned once per reader.
func (e *evidenceReader) shipments(ctx context.Context, ticket app.TicketID) (map[app.PartNumber][]ticketReturn, error) {
	returns, err := e.movements(ctx, `SELECT data FROM entities WHERE tenant = ? AND kind = 'movement' AND ticket_id = ?`, e.tenant, string(ticket))
	if err != nil {
		return nil, err
	}
	returns = slices.DeleteFunc(returns, func(m app.StockMovement) bool { return m.Kind != app.MoveReturnDefective })
	if len(returns) == 0 {
		return nil, nil
	}
	if e.kinds == nil {
		if err := e.loadKinds(ctx); err != nil {
			return nil, err
		}
	}
	out := map[app.PartNumber][]ticketReturn{}
	for _, r := range returns {
		k := binPart{r.To, r.Part}
		ships, ok := e.bins[k]
		if !ok {
			ms, err := e.movements(ctx, `SELECT e.data FROM ledger l JOIN entities e ON e.tenant = l.tenant AND e.kind = 'movement' AND e.id = l.movement
				WHERE l.tenant = ? AND l.location = ? AND l.part = ?`, e.tenant, string(r.To), string(r.Part))
			if err != nil {
				return nil, err
			}
			ships = app.ShippedReturns(ms, func(l app.LocationID) app.LocationKind { return e.kinds[l] })
			e.bins[k] = ships
		}
		out[r.Part] = append(out[r.Part], ticketReturn{ReturnShipment: ships[r.ID], id: r.ID, qty: r.Qty})
	}
	return out, nil
}

func (e *evidenceReader) movements(ctx context.Context, query string, args ...any) ([]app.StockMovement, error) {
	rows, err := e.db.read.QueryContext(ctx, e.db.q(query), args...)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	var out []app.StockMovement
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, transient(err)
		}
		if err := appendJSON(data, &out, nil, nil); err != nil {
			return nil, err
		}
	}
	return out, transient(rows.Err())
}

func (e *evidenceReader) loadKinds(ctx context.Context) error {
	rows, err := e.db.read.QueryContext(ctx, e.db.q(`SELECT data FROM entities WHERE tenant = ? AND kind = 'location'`), e.tenant)
	if err != nil {
		return transient(err)
	}
	defer rows.Close()
	e.kinds = map[app.LocationID]app.LocationKind{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return transient(err)
		}
		var l app.Location
		if err := json.Unmarshal([]byte(data), &l); err != nil {
			return fmt.Errorf("location: %w", err)
		}
		e.kinds[l.ID] = l.Kind
	}
	return transient(rows.Err())
}
