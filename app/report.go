package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"
)

// StatusChange is one workflow step taken on a ticket, with the device's
// wall time of the action: the history the report reads time on site from.
type StatusChange struct {
	Action Action    `json:"action"`
	At     time.Time `json:"at"`
}

// Kinds of the photos that are not pictures of the job: the customer's
// signature drawn as PNG, and the signed service report filed as PDF
// (mime application/pdf), both left out of a report's facts.
const (
	PhotoKindSignature = "signature"
	PhotoKindReport    = "report"
	MimePDF            = "application/pdf"
)

// IsDocument reports whether p is a document (the signed report's PDF)
// rather than a picture: it has no thumbnail and is not decoded as an
// image.
func (p Photo) IsDocument() bool { return p.Kind == PhotoKindReport || p.Mime == MimePDF }

// ReportPayment is a payment taken on a ticket as the report shows it.
type ReportPayment struct {
	Receipt   string    `json:"receipt"`
	Kind      string    `json:"kind"`   // e.g. "deposit", "final"
	Method    string    `json:"method"` // e.g. "cash", "card"
	Amount    Money     `json:"amount"`
	Reference string    `json:"reference,omitempty"`
	At        time.Time `json:"at"`
}

// ForReport is the payment as a report states it.
func (p Payment) ForReport() ReportPayment {
	return ReportPayment{Receipt: p.Receipt, Kind: string(p.Kind), Method: string(p.Method), Amount: p.Amount, Reference: p.Reference, At: p.At}
}

// ReportInput is what a service report is built from: the ticket as the
// device holds it, the catalog entries of its parts, its warranty decision
// (nil when none was made), its status history and payments.
type ReportInput struct {
	Detail     TicketDetail
	Catalog    map[PartNumber]Part
	Decision   *Decision
	History    []StatusChange
	Payments   []ReportPayment
	Provider   string // the service provider's name, printed as the brand
	Technician string // the technician's name
}

// ReportRepair is one line of the repair log on the report.
type ReportRepair struct {
	Action  string    `json:"action"`
	Minutes int       `json:"minutes"`
	At      time.Time `json:"at"`
}

// ReportPart is a part fitted, with its catalog names: English, Chinese,
// and its name in the customer's language when that is another language
// the catalog names the part in (Part.NameIn), which the report prints.
// Name is left out when empty, so the facts of a report without it, and
// their digest, are what they were before it was added.
type ReportPart struct {
	Number          PartNumber `json:"number"`
	NameEN          string     `json:"name_en"`
	NameZH          string     `json:"name_zh"`
	Name            string     `json:"name,omitempty"`
	Qty             int        `json:"qty"`
	Serial          string     `json:"serial"`
	DefectiveSerial string     `json:"defective_serial"`
	ReturnNeeded    bool       `json:"return_needed"`
}

// ReportPhoto is a photo on the report, by the SHA-256 of its bytes.
type ReportPhoto struct {
	SHA256  string `json:"sha256"`
	Kind    string `json:"kind"`
	Caption string `json:"caption"`
}

// ReportReason is a warranty reason: its translation key and data (the
// English template is not part of the reported facts).
type ReportReason struct {
	Key     string         `json:"key"`
	Message string         `json:"-"`
	Data    map[string]any `json:"data"`
}

// ReportWarranty is the part of a warranty decision the report states.
type ReportWarranty struct {
	Coverage       Coverage       `json:"coverage"`
	Remedy         Remedy         `json:"remedy"`
	Lines          []ChargeLine   `json:"lines"`
	Subtotal       Money          `json:"subtotal"`
	Tax            Money          `json:"tax"`
	Total          Money          `json:"total"`
	Reasons        []ReportReason `json:"reasons"`
	RuleSet        string         `json:"rule_set"`
	RuleSetVersion int            `json:"rule_set_version"`
}

// ServiceReport is a service report's facts in canonical form: times in
// UTC to the second, lists in a fixed order, no signature (the customer
// signs these facts; see Digest).
type ServiceReport struct {
	Provider   string          `json:"provider"`
	Technician string          `json:"technician"`
	TicketID   TicketID        `json:"ticket_id"`
	Number     string          `json:"number"`
	Kind       TicketKind      `json:"kind"`
	Status     Status          `json:"status"`
	Country    string          `json:"country"`
	Customer   Customer        `json:"customer"`
	Product    Product         `json:"product"`
	Fault      string          `json:"fault"`
	Diagnosis  string          `json:"diagnosis"`
	Resolution Resolution      `json:"resolution"`
	Condition  Condition       `json:"condition"`
	Opened     time.Time       `json:"opened"`
	Completed  time.Time       `json:"completed"`
	Repairs    []ReportRepair  `json:"repairs"`
	Parts      []ReportPart    `json:"parts"`
	Photos     []ReportPhoto   `json:"photos"`
	Warranty   *ReportWarranty `json:"warranty"`
	// TravelMinutes is the time from departure to arrival; WorkMinutes
	// the time at work, arrival (or start, at a counter) to completion,
	// less the waits for parts, summed over visits (SiteClock).
	TravelMinutes int             `json:"travel_minutes"`
	WorkMinutes   int             `json:"work_minutes"`
	Payments      []ReportPayment `json:"payments"`
}

// canonTime is t in UTC to the second, so the device and the server, which
// may keep different precisions, state the same instant.
func canonTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Second)
}

// BuildServiceReport puts in canonical form the facts of a ticket a report
// states: repairs and parts in the order they were recorded (then by ID),
// photos by time (signature pictures and filed reports left out: the
// signature is not a reported fact, and the report filed after signing
// must not change the facts it states), payments by time then receipt.
func BuildServiceReport(in ReportInput) ServiceReport {
	t := in.Detail.Ticket
	r := ServiceReport{
		Provider: in.Provider, Technician: in.Technician,
		TicketID: t.ID, Number: t.Number, Kind: t.Kind, Status: t.Status, Country: t.Country,
		Customer: t.Customer, Product: t.Product, Fault: t.Fault, Diagnosis: t.Diagnosis,
		Resolution: t.ResolutionCode, Condition: t.Condition,
		Opened: canonTime(t.CreatedAt), Completed: canonTime(t.CompletedAt),
	}
	r.Product.PurchaseDate = canonTime(r.Product.PurchaseDate)
	r.Product.ManufactureDate = canonTime(r.Product.ManufactureDate)
	r.Product.PlanStart = canonTime(r.Product.PlanStart)

	repairs := slices.Clone(in.Detail.Repairs)
	slices.SortStableFunc(repairs, func(a, b RepairEntry) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return compareString(a.ID, b.ID)
	})
	for _, e := range repairs {
		r.Repairs = append(r.Repairs, ReportRepair{Action: e.Action, Minutes: e.Minutes, At: canonTime(e.At)})
	}

	parts := slices.Clone(in.Detail.Parts)
	slices.SortStableFunc(parts, func(a, b PartUsed) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return compareString(a.ID, b.ID)
	})
	for _, p := range parts {
		c := in.Catalog[p.Part]
		r.Parts = append(r.Parts, ReportPart{Number: p.Part, NameEN: c.NameEN, NameZH: c.NameZH, Name: c.NameIn(r.Language()), Qty: p.Qty,
			Serial: p.Serial, DefectiveSerial: p.DefectiveSerial, ReturnNeeded: c.ReturnNeeded})
	}

	photos := slices.Clone(in.Detail.Photos)
	slices.SortStableFunc(photos, func(a, b Photo) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return compareString(a.ID, b.ID)
	})
	for _, p := range photos {
		if p.Kind == PhotoKindSignature || p.Kind == PhotoKindReport {
			continue
		}
		r.Photos = append(r.Photos, ReportPhoto{SHA256: p.SHA256, Kind: p.Kind, Caption: p.Caption})
	}

	if d := in.Decision; d != nil {
		w := &ReportWarranty{Coverage: d.Coverage, Remedy: d.Remedy, Lines: slices.Clone(d.Lines),
			Subtotal: d.Subtotal, Tax: d.Tax, Total: d.Total, RuleSet: d.RuleSet, RuleSetVersion: d.RuleSetVersion}
		for _, x := range d.Reasons {
			w.Reasons = append(w.Reasons, ReportReason{Key: x.Key, Message: x.Message, Data: x.Data})
		}
		r.Warranty = w
	}

	r.TravelMinutes, r.WorkMinutes = timeOnSite(in.History, t)

	for _, p := range in.Payments {
		p.At = canonTime(p.At)
		r.Payments = append(r.Payments, p)
	}
	slices.SortStableFunc(r.Payments, func(a, b ReportPayment) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return compareString(a.Receipt, b.Receipt)
	})
	return r
}

func compareString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// timeOnSite sums, in whole minutes, travel and work over the history by
// SiteClock's rule, each step moving the ticket to the status its action
// leads to: work leaves out the days the ticket waited for a part.
// Without history (a ticket made elsewhere) work is the ticket's start to
// completion.
func timeOnSite(h []StatusChange, t Ticket) (travel, work int) {
	if len(h) == 0 {
		if !t.StartedAt.IsZero() && t.CompletedAt.After(t.StartedAt) {
			work = int(t.CompletedAt.Sub(t.StartedAt) / time.Minute)
		}
		return 0, work
	}
	h = slices.Clone(h)
	slices.SortStableFunc(h, func(a, b StatusChange) int { return a.At.Compare(b.At) })
	var c SiteClock
	for _, x := range h {
		if to := x.Action.To(); to != "" {
			c.Move(to, x.At)
		}
	}
	return int(c.Travel / time.Minute), int(c.Work / time.Minute)
}

// Digest is the report's identity: the lower-case hex SHA-256 of the
// report encoded as JSON by encoding/json, with the fields in the order
// ServiceReport declares them (nested structs likewise; maps with sorted
// keys), times in UTC to the second as RFC 3339, amounts in minor units.
// Photos count by their SHA-256; the signature is not inside, so the
// signature is given to these exact facts. The device and the central
// service compute the same digest from the same facts; any changed fact
// changes it. docs/PROTOCOL.md ("Service report") states the encoding.
func (r ServiceReport) Digest() string {
	return ReportDigest(r.CanonicalJSON())
}

// CanonicalJSON is the report's facts in the encoding its digest is the
// SHA-256 of: what a signature carries as its report (Signature.Report).
func (r ServiceReport) CanonicalJSON() string {
	b, err := json.Marshal(r.canonical())
	if err != nil {
		// Only a value in a reason's data that JSON cannot hold gets here
		// (a channel, a function): a programming error in a rule.
		panic("app: service report cannot be encoded: " + err.Error())
	}
	return string(b)
}

// ReportDigest is the digest of a report's canonical JSON.
func ReportDigest(canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return hex.EncodeToString(sum[:])
}

// MaxSignedReportBytes bounds the canonical report a signature carries: a
// report's facts are 2-5 KB, but a ticket's repairs, parts and photos have
// no bound in number, and its thirteen texts at their bounds make up to 300 KB alone, so
// no bound holds every report. One over it is not carried (CarriedReport):
// the signature still holds its digest, and the customer's signature is
// never refused for the report's size. With the strokes at their bound
// and the report's quotes escaped in its JSON string, a signature.record
// is under 90 KiB (TestWorstCaseArgsFit).
const MaxSignedReportBytes = 32 << 10

// CarriedReport is the report a signature of r carries (Signature.Report):
// its canonical JSON, or "" when that is over MaxSignedReportBytes. The
// digest is r's either way (Digest), so the signature proves the same
// facts; only the copy the server would compare with its own data is left
// out (docs/PROTOCOL.md, "Signatures").
func (r ServiceReport) CarriedReport() string {
	if c := r.CanonicalJSON(); len(c) <= MaxSignedReportBytes {
		return c
	}
	return ""
}

// ReportDifferences names the facts of a signed report that differ from
// the ticket as another side holds it (the central service's data), by
// their keys in the canonical form: "number", "customer", "product",
// "fault", "diagnosis", "parts" (part numbers, quantities and serials),
// "photos" (by SHA-256), "payments" (receipts and amounts). Facts only one
// side computes (names from a catalog, the warranty decision, time on
// site) are not compared. None is a report that matches.
func ReportDifferences(signed, held ServiceReport) []string {
	var out []string
	add := func(name string, same bool) {
		if !same {
			out = append(out, name)
		}
	}
	a, b := signed.canonical(), held.canonical()
	add("number", a.Number == b.Number)
	add("customer", a.Customer == b.Customer)
	add("product", a.Product == b.Product)
	add("fault", a.Fault == b.Fault)
	add("diagnosis", a.Diagnosis == b.Diagnosis)
	add("parts", slices.EqualFunc(a.Parts, b.Parts, func(x, y ReportPart) bool {
		return x.Number == y.Number && x.Qty == y.Qty && x.Serial == y.Serial && x.DefectiveSerial == y.DefectiveSerial
	}))
	add("photos", slices.EqualFunc(a.Photos, b.Photos, func(x, y ReportPhoto) bool { return x.SHA256 == y.SHA256 }))
	add("payments", slices.EqualFunc(a.Payments, b.Payments, func(x, y ReportPayment) bool {
		return x.Receipt == y.Receipt && x.Amount == y.Amount
	}))
	return out
}

// canonical returns r with every time in UTC to the second and every
// empty list nil (encoded as null), whoever built it.
func (r ServiceReport) canonical() ServiceReport {
	r.Opened, r.Completed = canonTime(r.Opened), canonTime(r.Completed)
	r.Product.PurchaseDate = canonTime(r.Product.PurchaseDate)
	r.Product.ManufactureDate = canonTime(r.Product.ManufactureDate)
	r.Product.PlanStart = canonTime(r.Product.PlanStart)
	r.Parts, r.Photos = nilIfEmpty(r.Parts), nilIfEmpty(r.Photos)
	if r.Warranty != nil {
		w := *r.Warranty
		w.Lines, w.Reasons = nilIfEmpty(w.Lines), nilIfEmpty(w.Reasons)
		r.Warranty = &w
	}
	r.Repairs = nilIfEmpty(slices.Clone(r.Repairs))
	for i := range r.Repairs {
		r.Repairs[i].At = canonTime(r.Repairs[i].At)
	}
	r.Payments = nilIfEmpty(slices.Clone(r.Payments))
	for i := range r.Payments {
		r.Payments[i].At = canonTime(r.Payments[i].At)
	}
	return r
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// Language is the BCP 47 tag the report is written in: the customer's
// language, else their country's (Ticket.CustomerLanguage).
func (r ServiceReport) Language() string {
	return Ticket{Customer: r.Customer, Country: r.Country}.CustomerLanguage()
}
