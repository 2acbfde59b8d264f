package app

import (
	"strconv"
	"strings"
	"time"
)

// Coverage is the headline of a warranty decision.
type Coverage string

const (
	CoverageIn      Coverage = "in"      // everything is covered
	CoveragePartial Coverage = "partial" // some lines are covered, some charged
	CoverageOut     Coverage = "out"     // the customer pays everything
)

// Remedy is what the customer is entitled to.
type Remedy string

const (
	RemedyRefund     Remedy = "refund"      // return for money back (e.g. China, 7 days)
	RemedyExchange   Remedy = "exchange"    // a new unit (e.g. China, 15 days)
	RemedyRepair     Remedy = "repair"      // free repair under warranty
	RemedyPaidRepair Remedy = "paid_repair" // repair at the customer's cost
)

// Exclusion is a condition that voids cover.
type Exclusion string

const (
	ExcludeLiquid       Exclusion = "liquid_damage"
	ExcludePhysical     Exclusion = "physical_damage"
	ExcludeUnauthorized Exclusion = "unauthorized_repair"
)

// Period is a warranty length; months and days add up.
type Period struct {
	Months int `json:"months,omitempty"`
	Days   int `json:"days,omitempty"`
}

// RemedyWindow grants a remedy when the fault is reported within Days of
// purchase (day of purchase is day 0), with proof of purchase.
type RemedyWindow struct {
	Remedy Remedy `json:"remedy"`
	Days   int    `json:"days"`
}

// WarrantyRule is the cover for products matching Category and, when set,
// Brand and Model. The most specific matching rule applies.
type WarrantyRule struct {
	Category Category                  `json:"category"`
	Brand    string                    `json:"brand,omitempty"`
	Model    string                    `json:"model,omitempty"`
	Periods  map[ComponentClass]Period `json:"periods"` // a missing class falls back to ClassUnit
	// NoProofGraceDays: without proof of purchase, periods count from the
	// manufacture date plus this grace (time in the supply chain). 0 means
	// no cover without proof of purchase.
	NoProofGraceDays int            `json:"no_proof_grace_days,omitempty"`
	Remedies         []RemedyWindow `json:"remedies,omitempty"`
	Exclusions       []Exclusion    `json:"exclusions,omitempty"`
	LegalBasis       string         `json:"legal_basis,omitempty"` // e.g. "China three guarantees", "EU 2019/771"
	// LegalBasisTexts is LegalBasis in other languages, by language tag,
	// bounded as RuleSet.Names; LegalBasis stays the English text.
	LegalBasisTexts map[string]string `json:"legal_basis_texts,omitempty"`
}

// ExtendedPlan is an extended warranty bought on top of the rule's cover.
type ExtendedPlan struct {
	ID          string                    `json:"id"`
	Name        string                    `json:"name"`
	Category    Category                  `json:"category,omitempty"` // "" for any
	Brand       string                    `json:"brand,omitempty"`
	Periods     map[ComponentClass]Period `json:"periods"`         // counted from the plan's start
	Covers      []Exclusion               `json:"covers"`          // exclusions the plan lifts (accidental damage)
	Excess      Money                     `json:"excess,omitzero"` // what the customer pays per claim under the plan
	IncludesFee bool                      `json:"includes_call_out,omitempty"`
}

// RuleSet is the warranty rules, rates and taxes of one country, versioned
// as server-owned reference data. A decision records the version it used.
type RuleSet struct {
	ID      string `json:"id"` // e.g. "CN"
	Version int    `json:"version"`
	// Names is the rule set's name for people, by language tag ("en",
	// "zh-Hans"): server data, so the server carries each language. The
	// English one is required; rule sets stored before names existed have
	// none, and NameFor falls back to the ID for them.
	Names       map[string]string `json:"names,omitempty"`
	Country     string            `json:"country"`
	Currency    string            `json:"currency"`
	TaxBasisPts int               `json:"tax_basis_points"` // 1300 = 13 %
	TaxName     string            `json:"tax_name"`         // "VAT", "增值税"
	LabourRate  Money             `json:"labour_rate"`      // per hour
	CallOutFee  Money             `json:"call_out_fee"`     // on-site visits
	Rules       []WarrantyRule    `json:"rules"`
	Plans       []ExtendedPlan    `json:"plans,omitempty"`
	EffectiveAt time.Time         `json:"effective_at"`
}

// ChargeKind is what a charge line is for.
type ChargeKind string

const (
	ChargePart    ChargeKind = "part"
	ChargeLabour  ChargeKind = "labour"
	ChargeCallOut ChargeKind = "call_out"
	ChargeExcess  ChargeKind = "excess"
)

// ChargeLine is one line of the bill. Amount is the full price; Customer is
// what the customer pays of it (0 when covered).
type ChargeLine struct {
	Kind     ChargeKind     `json:"kind"`
	Part     PartNumber     `json:"part,omitempty"`
	Class    ComponentClass `json:"class,omitempty"`
	Text     string         `json:"text"` // part name or "Labour 45 min"
	Qty      int            `json:"qty"`
	Amount   Money          `json:"amount"`
	Covered  bool           `json:"covered"`
	Customer Money          `json:"customer"`
}

// Reason is a sentence a customer can read, as a translation key, an
// English template and its data (see Error).
type Reason struct {
	Key     string         `json:"key"`
	Message string         `json:"message"`
	Data    map[string]any `json:"data,omitempty"`
}

// Text renders the English sentence.
func (r Reason) Text() string { return RenderTemplate(r.Message, r.Data) }

// dayKeys name the data a Reason or an Error holds as a calendar day. They
// are written YYYY-MM-DD (ymd) so that the decision's JSON is the same on
// every device and server; a reader shows them in its own date format
// (Reason.Days, Error.Days): "The purchase date 2026-12-09 is after the
// fault was reported (2026-12-01)" read so in every language. Named, not
// typed, as sizeKeys are: the data crosses the wire as JSON.
var dayKeys = [...]string{"Purchased", "Until", "From", "Made", "On"}

// Days are the calendar days r's data holds, by key, each at midnight UTC
// (a civil day, as purchase dates are); nil when it holds none.
func (r Reason) Days() map[string]time.Time { return DaysOf(r.Data) }

// Days are the calendar days e's data holds, by key, as Reason.Days.
func (e *Error) Days() map[string]time.Time { return DaysOf(e.Data) }

// DaysOf are the calendar days data holds under dayKeys, each at midnight
// UTC; a key whose text is no YYYY-MM-DD day is left out. Nil when none.
func DaysOf(data map[string]any) map[string]time.Time {
	var days map[string]time.Time
	for _, k := range dayKeys {
		s, ok := data[k].(string)
		if !ok {
			continue
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			continue
		}
		if days == nil {
			days = make(map[string]time.Time, len(dayKeys))
		}
		days[k] = d
	}
	return days
}

// Decision is the outcome of evaluating warranty cover for a ticket.
type Decision struct {
	Coverage       Coverage                     `json:"coverage"`
	Remedy         Remedy                       `json:"remedy"`
	PartsCovered   bool                         `json:"parts_covered"`
	LabourCovered  bool                         `json:"labour_covered"`
	CallOutCovered bool                         `json:"call_out_covered"`
	Lines          []ChargeLine                 `json:"lines"`
	Subtotal       Money                        `json:"subtotal"` // customer's share before tax
	Tax            Money                        `json:"tax"`
	Total          Money                        `json:"total"` // what the customer pays
	Reasons        []Reason                     `json:"reasons"`
	RuleSet        string                       `json:"rule_set"`
	RuleSetVersion int                          `json:"rule_set_version"`
	Rule           string                       `json:"rule"`                 // which rule matched, e.g. "phone/Huawei/*"
	Basis          string                       `json:"basis"`                // "purchase", "manufacture", "plan" or "none"
	ExpiresOn      map[ComponentClass]time.Time `json:"expires_on,omitempty"` // last covered day per class
	EvaluatedOn    time.Time                    `json:"evaluated_on"`
}

// UsedPart is a part on the bill, with its catalog data.
type UsedPart struct {
	Part Part
	Qty  int
}

// WarrantyInput is everything a decision depends on.
type WarrantyInput struct {
	Ticket        Ticket
	Parts         []UsedPart
	LabourMinutes int
	// On is the day cover is judged at: the day the fault was reported
	// (the ticket's creation), not the day of the repair.
	On time.Time
}

// Valid reports whether r is a known remedy.
func (r Remedy) Valid() bool {
	return r == RemedyRefund || r == RemedyExchange || r == RemedyRepair || r == RemedyPaidRepair
}

// Valid reports whether x is a known exclusion.
func (x Exclusion) Valid() bool {
	return x == ExcludeLiquid || x == ExcludePhysical || x == ExcludeUnauthorized
}

// Bounds of warranty periods and windows: longer is a typing error, and
// the bounds keep date arithmetic far from overflow.
const (
	maxPeriodMonths = 1200  // a hundred years
	maxPeriodDays   = 36500 // a hundred years
)

// Validate checks a rule set as an import or an administrator sends it:
// its enums, its bounds and what Decide needs to price with.
func (rs *RuleSet) Validate() error {
	bad := func(why string) error {
		return Errorf(EINVALID, "warranty.invalid", "Rule set {{.RuleSet}} is invalid: {{.Why}}. Fix it and send it again.", "RuleSet", rs.ID, "Why", why)
	}
	switch {
	case !ValidID(rs.ID) || strings.Contains(rs.ID, "/"):
		return bad("its ID must be 1 to 128 characters without '/' or control characters")
	case rs.Version < 1:
		return bad("its version must be at least 1")
	case !validCountry(rs.Country):
		return bad("the country must be a two-letter code such as CN")
	case rs.TaxBasisPts > 10000:
		return bad("the tax rate is above 100 %")
	}
	if err := checkNames("names", rs.Names, bad); err != nil {
		return err
	}
	if !hasTag(rs.Names, "en") {
		return bad("it needs an English name (names.en)")
	}
	if err := checkRuleSet(*rs); err != nil {
		return err
	}
	for _, m := range []Money{rs.LabourRate, rs.CallOutFee} {
		if err := checkAmount("rates", m.Amount); err != nil {
			return err
		}
	}
	if err := checkName("tax_name", rs.TaxName); err != nil {
		return err
	}
	if err := tooMany("rules", len(rs.Rules)); err != nil {
		return err
	}
	for _, r := range rs.Rules {
		if !r.Category.Valid() {
			return bad("unknown category " + strconv.Quote(string(r.Category)))
		}
		for _, f := range [][2]string{{"brand", r.Brand}, {"model", r.Model}, {"legal_basis", r.LegalBasis}} {
			if err := checkName(f[0], f[1]); err != nil {
				return err
			}
		}
		if err := checkNames("legal_basis_texts", r.LegalBasisTexts, bad); err != nil {
			return err
		}
		if len(r.LegalBasisTexts) > 0 && r.LegalBasis == "" {
			return bad("a rule has legal_basis_texts without the English legal_basis")
		}
		if why := checkPeriods(r.Periods); why != "" {
			return bad(why)
		}
		if r.NoProofGraceDays < 0 || r.NoProofGraceDays > maxPeriodDays {
			return bad("the grace without proof of purchase is out of range")
		}
		if err := tooMany("remedies", len(r.Remedies)); err != nil {
			return err
		}
		for _, w := range r.Remedies {
			if !w.Remedy.Valid() || w.Days < 0 || w.Days > maxPeriodDays {
				return bad("unknown remedy or a window out of range")
			}
		}
		if why := checkExclusions(r.Exclusions); why != "" {
			return bad(why)
		}
	}
	if err := tooMany("plans", len(rs.Plans)); err != nil {
		return err
	}
	for _, p := range rs.Plans {
		switch {
		case !ValidID(p.ID):
			return bad("a plan has no valid ID")
		case p.Category != "" && !p.Category.Valid():
			return bad("plan " + p.ID + " has an unknown category")
		case p.Excess.Amount < 0 || p.Excess.Amount != 0 && p.Excess.Currency != rs.Currency:
			return bad("plan " + p.ID + " has an excess that is negative or in another currency")
		}
		if err := checkAmount("excess", p.Excess.Amount); err != nil {
			return err
		}
		for _, f := range [][2]string{{"name", p.Name}, {"brand", p.Brand}} {
			if err := checkName(f[0], f[1]); err != nil {
				return err
			}
		}
		if why := checkPeriods(p.Periods); why != "" {
			return bad(why)
		}
		if why := checkExclusions(p.Covers); why != "" {
			return bad(why)
		}
	}
	return nil
}

// NameFor returns the rule set's name in the language tag lang (as the
// user's locale gives it: "zh-Hans-CN", "zh_CN", "fr"): the name of the
// tag itself, else of its shortest prefix, else of another tag of the
// same language (a "zh-CN" user reads "zh-Hans"), else the English name,
// else the ID. Tags compare without regard to case.
func (rs RuleSet) NameFor(lang string) string {
	if n, ok := textFor(rs.Names, lang); ok {
		return n
	}
	return rs.ID
}

// LegalBasisFor returns the legal basis of the rule Decide applies to p,
// in the language tag lang as NameFor picks it, else in English; "" when
// no rule matches.
func (rs RuleSet) LegalBasisFor(p Product, lang string) string {
	r := matchRule(rs.Rules, p)
	if r == nil {
		return ""
	}
	if t, ok := textFor(r.LegalBasisTexts, lang); ok {
		return t
	}
	return r.LegalBasis
}

// textFor picks from texts by language tag the text of lang, else of its
// shortest prefix, else of another tag of the same language, else the
// English one; false when none fits.
func textFor(texts map[string]string, lang string) (string, bool) {
	if len(texts) == 0 {
		return "", false
	}
	want := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-"))
	of := func(tag string) (string, bool) {
		for t, n := range texts {
			if strings.EqualFold(t, tag) {
				return n, true
			}
		}
		return "", false
	}
	for tag := want; tag != ""; {
		if n, ok := of(tag); ok {
			return n, true
		}
		i := strings.LastIndexByte(tag, '-')
		if i < 0 {
			break
		}
		tag = tag[:i]
	}
	// Another tag of the same language: the smallest, so the choice does
	// not depend on the map's order.
	primary, _, _ := strings.Cut(want, "-")
	best := ""
	for t := range texts {
		p, _, _ := strings.Cut(strings.ToLower(t), "-")
		if primary != "" && p == primary && (best == "" || t < best) {
			best = t
		}
	}
	if best != "" {
		return texts[best], true
	}
	return of("en")
}

// checkNames refuses texts by language tag (names, legal bases) over
// MaxNameLangs languages, with a tag that is not a language tag (or
// appears twice in another case), or with a text that is empty, too long
// or not one line.
func checkNames(field string, texts map[string]string, bad func(string) error) error {
	if len(texts) > MaxNameLangs {
		return bad(field + " has more than " + strconv.Itoa(MaxNameLangs) + " languages")
	}
	seen := map[string]bool{}
	for tag, text := range texts {
		if !validLangTag(tag) {
			return bad(field + ": " + strconv.Quote(tag) + " is not a language tag such as en or zh-Hans")
		}
		if seen[strings.ToLower(tag)] {
			return bad(field + ": the language " + strconv.Quote(tag) + " appears twice")
		}
		seen[strings.ToLower(tag)] = true
		if strings.TrimSpace(text) == "" {
			return bad(field + ": the text in " + strconv.Quote(tag) + " is empty")
		}
		if err := checkName(field+"."+tag, text); err != nil {
			return err
		}
	}
	return nil
}

// hasTag reports whether texts has the language tag, in any case.
func hasTag(texts map[string]string, tag string) bool {
	for t := range texts {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}

// ValidLangTag is validLangTag, for an import reading language tags from
// its columns' names.
func ValidLangTag(s string) bool { return validLangTag(s) }

// validLangTag reports whether s looks like a BCP 47 language tag: a
// language of 2 or 3 letters, then subtags of 1 to 8 letters or digits,
// joined by '-', 35 bytes at most.
func validLangTag(s string) bool {
	if len(s) > 35 {
		return false
	}
	for i, sub := range strings.Split(s, "-") {
		if len(sub) < 1 || len(sub) > 8 || i == 0 && (len(sub) < 2 || len(sub) > 3) {
			return false
		}
		for _, c := range sub {
			letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !letter && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

// checkPeriods says what is wrong with a period map, or "".
func checkPeriods(ps map[ComponentClass]Period) string {
	for c, p := range ps {
		if !c.Valid() {
			return "unknown component class " + strconv.Quote(string(c))
		}
		if p.Months < 0 || p.Months > maxPeriodMonths || p.Days < 0 || p.Days > maxPeriodDays {
			return "a period is out of range"
		}
	}
	return ""
}

// checkExclusions says what is wrong with a list of exclusions, or "".
func checkExclusions(xs []Exclusion) string {
	if len(xs) > MaxListLen {
		return "too many exclusions"
	}
	for _, x := range xs {
		if !x.Valid() {
			return "unknown exclusion " + strconv.Quote(string(x))
		}
	}
	return ""
}
