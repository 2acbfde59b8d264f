package app

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Decide evaluates warranty cover for a repair, offline, from a country's
// rule set. It is pure: the day judged is in.On, never the clock, so the
// device and the central service reach the same decision from the same
// input. Errors are EINVALID and mean the input cannot be judged (wrong
// country, a part without a price, broken reference data); a product that
// no rule covers is a decision (out of warranty), not an error.
//
// The semantics, in the order they are applied:
//
// Rule. rs.Country must be the ticket's country. Among the rules for the
// product's category, the most specific wins: a rule naming a model beats
// one naming only the brand, which beats the category's rule; brand and
// model compare case-insensitively. Equally specific rules: the first
// listed wins. No rule: out of warranty, with a reason.
//
// Days. Every date is reduced to its calendar day in UTC. A period of M
// months and D days starting on day S covers S through the day before the
// anniversary, where the anniversary is S plus M calendar months, then plus
// D days: bought 2025-03-01 with 12 months, covered through 2026-02-28.
// When the anniversary month has no such day (bought Jan 31, 1 month) the
// anniversary is the 1st of the next month, so cover runs to the end of the
// short month (Feb 28 or 29) instead of spilling into March as
// time.AddDate would.
//
// Basis. With proof of purchase, periods start on the purchase day.
// Without it, when the rule has NoProofGraceDays and the product a
// manufacture date, they start on the manufacture day plus the grace (the
// time a unit typically spends in the supply chain); a fault reported
// before that start is still inside cover, since the unit cannot be older
// than its factory date. Otherwise there is no basis and the base warranty
// covers nothing. A purchase day after in.On is an error.
//
// Lines. Each used part is covered when its class's period (a class the
// rule does not list uses ClassUnit's) is in effect on in.On. Labour, and
// the call-out fee of on-site tickets, are covered only while the unit
// period is in effect: once only a longer main-part period remains, the
// part is free but the visit and the work are charged, as manufacturers
// do for compressors and motors.
//
// Exclusions. A condition the rule excludes (liquid, physical damage,
// unauthorized repair) voids the base cover and the refund and exchange
// windows; without a rule every condition found counts as excluded. An
// extended plan that lists every such condition in Covers covers the lines
// in its own periods instead, and the customer pays the plan's excess once
// per claim, capped at what the plan pays, so a claim never costs more
// than the repair would.
//
// Plans. Product.PlanID names a plan in rs.Plans matching the product's
// category and brand. Its periods start on PlanStart, or on the proven
// purchase day when PlanStart is zero, and unlike base cover a fault
// reported before the plan started is not covered. Without an exclusion
// the plan covers what the base warranty no longer does (a line covered
// by either is covered), with no excess; the call-out fee only when
// IncludesFee. Basis is "plan" when the plan covers a line the base
// warranty does not.
//
// Remedy. With proof of purchase and no excluded condition: a refund while
// the days elapsed since purchase (purchase day = day 0) are within the
// refund window (Days 7: day 7 yes, day 8 no), else an exchange within the
// exchange window; else a free repair when anything is covered; else a
// paid repair.
//
// Money. Part lines are qty x the part's price in rs.Currency; labour is
// LabourMinutes x LabourRate / 60, rounded half up to the minor unit;
// on-site tickets add rs.CallOutFee. A covered line costs the customer 0.
// Subtotal is the customer's share, Tax its TaxBasisPts rounded half up,
// Total their sum.
func Decide(rs RuleSet, in WarrantyInput) (Decision, error) {
	if err := checkRuleSet(rs); err != nil {
		return Decision{}, err
	}
	t, p := in.Ticket, in.Ticket.Product
	if !strings.EqualFold(strings.TrimSpace(rs.Country), strings.TrimSpace(t.Country)) {
		return Decision{}, Errorf(EINVALID, "warranty.invalid.country",
			"The warranty rules {{.RuleSet}} are for {{.RuleCountry}}, but the ticket is in {{.Country}}.",
			"RuleSet", rs.ID, "RuleCountry", rs.Country, "Country", t.Country)
	}
	if in.On.IsZero() {
		return Decision{}, Errorf(EINVALID, "warranty.invalid.on", "The day the fault was reported is missing.")
	}
	on := civilDay(in.On)
	if p.HasProofOfPurchase() && PurchaseAfter(p.PurchaseDate, in.On) {
		return Decision{}, Errorf(EINVALID, "warranty.invalid.purchase_future",
			"The purchase date {{.Purchased}} is after the fault was reported ({{.On}}): use the date on the invoice, or leave it empty and the warranty counts from the manufacture date.",
			"Purchased", ymd(p.PurchaseDate), "On", ymd(on))
	}
	lines, err := priceLines(rs, in)
	if err != nil {
		return Decision{}, err
	}

	d := Decision{
		Lines:          lines,
		Reasons:        []Reason{},
		RuleSet:        rs.ID,
		RuleSetVersion: rs.Version,
		Basis:          BasisNone,
		EvaluatedOn:    on,
	}
	e := evaluation{rs: rs, in: in, on: on, d: &d}
	e.rule = matchRule(rs.Rules, p)
	if e.rule != nil {
		d.Rule = ruleName(*e.rule)
	}
	e.chooseBase()
	e.explainExclusions()
	e.choosePlan()
	e.coverLines()
	if err := e.addExcess(); err != nil {
		return Decision{}, err
	}
	e.summarize()
	if err := e.total(); err != nil {
		return Decision{}, err
	}
	return d, nil
}

// Bases of a decision (Decision.Basis).
const (
	BasisPurchase    = "purchase"    // periods count from the proven purchase day
	BasisManufacture = "manufacture" // from the manufacture day plus the rule's grace
	BasisPlan        = "plan"        // an extended plan covers what the base warranty does not
	BasisNone        = "none"        // nothing to count from, or no rule
)

// source says which cover pays for a line.
type source int

const (
	byNone source = iota
	byBase
	byPlan
)

// cover is a set of periods counted from one start day.
type cover struct {
	start   time.Time
	periods map[ComponentClass]Period
	// strict covers nothing before start (plans: cover bought after the
	// fault must not pay for it). Base cover is not strict, see Decide.
	strict bool
}

// period returns the class's period; a class not listed uses ClassUnit's.
func (c *cover) period(class ComponentClass) Period {
	if p, ok := c.periods[class]; ok {
		return p
	}
	return c.periods[ClassUnit]
}

// lastDay returns the last covered day for class.
func (c *cover) lastDay(class ComponentClass) time.Time {
	return periodEnd(c.start, c.period(class))
}

// covers reports whether class is covered on day on; a nil cover covers
// nothing.
func (c *cover) covers(class ComponentClass, on time.Time) bool {
	if c == nil || (c.strict && on.Before(c.start)) {
		return false
	}
	return !on.After(c.lastDay(class))
}

// evaluation is the working state of one Decide call.
type evaluation struct {
	rs   RuleSet
	in   WarrantyInput
	on   time.Time
	d    *Decision
	rule *WarrantyRule

	base     *cover // nil when there is no rule or no basis
	plan     *ExtendedPlan
	planCov  *cover      // nil when the plan cannot start
	excluded []Exclusion // conditions found that the rule (or, without one, any rule) excludes
	lifts    bool        // the plan covers every excluded condition
	src      []source    // per line of d.Lines
}

// chooseBase picks the basis and the base cover, and explains them.
func (e *evaluation) chooseBase() {
	p := e.in.Ticket.Product
	r := e.rule
	// Without a rule every condition counts as excluded, so that a plan
	// still pays only for the damage it names.
	for _, x := range []struct {
		found bool
		ex    Exclusion
	}{
		{e.in.Ticket.Condition.LiquidDamage, ExcludeLiquid},
		{e.in.Ticket.Condition.PhysicalDamage, ExcludePhysical},
		{e.in.Ticket.Condition.UnauthorizedRepair, ExcludeUnauthorized},
	} {
		if x.found && (r == nil || hasExclusion(r.Exclusions, x.ex)) {
			e.excluded = append(e.excluded, x.ex)
		}
	}
	if r == nil {
		e.reason("warranty.reason.no_rule",
			"There is no warranty rule for {{.Category}} products of {{.Brand}} in {{.Country}}, so the repair is charged.",
			"Category", string(p.Category), "Brand", p.Brand, "Country", e.rs.Country)
		return
	}

	switch {
	case p.HasProofOfPurchase():
		e.d.Basis = BasisPurchase
		e.base = &cover{start: civilDay(p.PurchaseDate), periods: r.Periods}
	case !p.ManufactureDate.IsZero() && r.NoProofGraceDays > 0:
		e.d.Basis = BasisManufacture
		e.base = &cover{start: civilDay(p.ManufactureDate).AddDate(0, 0, r.NoProofGraceDays), periods: r.Periods}
	case !p.ManufactureDate.IsZero():
		e.reason("warranty.reason.proof_required",
			"There is no proof of purchase, and the {{.Country}} rules give no warranty without a receipt or invoice.",
			"Country", e.rs.Country)
		return
	default:
		e.reason("warranty.reason.no_proof",
			"There is no proof of purchase and no manufacture date, so the warranty cannot be applied.")
		return
	}

	e.d.ExpiresOn = make(map[ComponentClass]time.Time, len(ComponentClasses))
	for _, c := range ComponentClasses {
		e.d.ExpiresOn[c] = e.base.lastDay(c)
	}
	unit := e.base.period(ClassUnit)
	until := ymd(e.base.lastDay(ClassUnit))
	in := e.base.covers(ClassUnit, e.on)
	switch purchase := e.d.Basis == BasisPurchase; {
	case purchase && in:
		e.reason("warranty.reason.in_period", "Purchased {{.Purchased}} (receipt {{.Proof}}); the {{.Term}} warranty runs until {{.Until}}.",
			"Purchased", ymd(p.PurchaseDate), "Proof", strings.TrimSpace(p.ProofOfPurchase), "Term", termAdj(unit), "Months", unit.Months, "Days", unit.Days, "Until", until)
	case purchase:
		e.reason("warranty.reason.expired", "Purchased {{.Purchased}} (receipt {{.Proof}}); the {{.Term}} warranty ended on {{.Until}}.",
			"Purchased", ymd(p.PurchaseDate), "Proof", strings.TrimSpace(p.ProofOfPurchase), "Term", termAdj(unit), "Months", unit.Months, "Days", unit.Days, "Until", until)
	case in:
		e.reason("warranty.reason.in_period_manufacture", "No proof of purchase: the {{.Term}} warranty counts from {{.From}} (made {{.Made}}, plus {{.GraceDays}} days) and runs until {{.Until}}.",
			"From", ymd(e.base.start), "Made", ymd(p.ManufactureDate), "GraceDays", r.NoProofGraceDays, "Term", termAdj(unit), "Months", unit.Months, "Days", unit.Days, "Until", until)
	default:
		e.reason("warranty.reason.expired_manufacture", "No proof of purchase: the {{.Term}} warranty counted from {{.From}} (made {{.Made}}, plus {{.GraceDays}} days) and ended on {{.Until}}.",
			"From", ymd(e.base.start), "Made", ymd(p.ManufactureDate), "GraceDays", r.NoProofGraceDays, "Term", termAdj(unit), "Months", unit.Months, "Days", unit.Days, "Until", until)
	}
}

// explainExclusions says which conditions void the cover.
func (e *evaluation) explainExclusions() {
	for _, x := range e.excluded {
		switch x {
		case ExcludeLiquid:
			e.reason("warranty.reason.liquid_damage", "Liquid damage voids the warranty.")
		case ExcludePhysical:
			e.reason("warranty.reason.physical_damage", "Physical damage voids the warranty.")
		case ExcludeUnauthorized:
			e.reason("warranty.reason.unauthorized_repair", "A repair by an unauthorized party voids the warranty.")
		}
	}
}

// choosePlan finds the product's extended plan and its cover.
func (e *evaluation) choosePlan() {
	p := e.in.Ticket.Product
	id := strings.TrimSpace(p.PlanID)
	if id == "" {
		return
	}
	for i := range e.rs.Plans {
		x := &e.rs.Plans[i]
		if x.ID == id && (x.Category == "" || x.Category == p.Category) &&
			(x.Brand == "" || ModelKey(x.Brand) == ModelKey(p.Brand)) {
			e.plan = x
			break
		}
	}
	if e.plan == nil {
		e.reason("warranty.reason.plan_unknown",
			"The plan {{.Plan}} is not offered in {{.Country}} for this product, so it does not apply.",
			"Plan", id, "Country", e.rs.Country)
		return
	}
	start := p.PlanStart
	if start.IsZero() && p.HasProofOfPurchase() {
		start = p.PurchaseDate
	}
	if start.IsZero() {
		e.reason("warranty.reason.plan_no_start",
			"{{.Plan}} has no start date and there is no proof of purchase, so it does not apply.",
			"Plan", e.plan.Name)
		return
	}
	e.planCov = &cover{start: civilDay(start), periods: e.plan.Periods, strict: true}
	e.lifts = len(e.excluded) > 0
	for _, x := range e.excluded {
		if !hasExclusion(e.plan.Covers, x) {
			e.lifts = false
		}
	}
	// The plan's periods only matter where they end later than the base's.
	for _, c := range ComponentClasses {
		if last := e.planCov.lastDay(c); !last.Before(e.planCov.start) {
			if e.d.ExpiresOn == nil {
				e.d.ExpiresOn = make(map[ComponentClass]time.Time, len(ComponentClasses))
			}
			if old, ok := e.d.ExpiresOn[c]; !ok || last.After(old) {
				e.d.ExpiresOn[c] = last
			}
		}
	}
}

// coverLines decides, line by line, who pays.
func (e *evaluation) coverLines() {
	baseOK := e.base != nil && len(e.excluded) == 0
	planOK := e.planCov != nil && (len(e.excluded) == 0 || e.lifts)
	onSite := e.in.Ticket.Kind == KindOnSite
	who := func(class ComponentClass, planPays bool) source {
		switch {
		case baseOK && e.base.covers(class, e.on):
			return byBase
		case planOK && planPays && e.planCov.covers(class, e.on):
			return byPlan
		}
		return byNone
	}
	e.d.LabourCovered = who(ClassUnit, true) != byNone
	e.d.CallOutCovered = onSite && who(ClassUnit, e.plan != nil && e.plan.IncludesFee) != byNone
	e.src = make([]source, len(e.d.Lines))
	for i := range e.d.Lines {
		l := &e.d.Lines[i]
		switch l.Kind {
		case ChargePart:
			e.src[i] = who(l.Class, true)
		case ChargeLabour:
			e.src[i] = who(ClassUnit, true)
		case ChargeCallOut:
			e.src[i] = who(ClassUnit, e.plan != nil && e.plan.IncludesFee)
		}
		l.Covered = e.src[i] != byNone
		if l.Covered {
			l.Customer = Money{Amount: 0, Currency: l.Amount.Currency}
		} else {
			l.Customer = l.Amount
		}
	}
	if len(e.excluded) > 0 && e.plan != nil && !e.lifts {
		e.reason("warranty.reason.plan_not_covering", "{{.Plan}} does not cover this damage.", "Plan", e.plan.Name)
	}
}

// addExcess adds the plan's excess when the plan pays for damage the base
// warranty excludes.
func (e *evaluation) addExcess() error {
	if !e.lifts {
		return nil
	}
	var paid int64
	for i, l := range e.d.Lines {
		if e.src[i] == byPlan {
			var ok bool
			if paid, ok = addOK(paid, l.Amount.Amount); !ok {
				return errTooLarge()
			}
		}
	}
	if paid == 0 {
		return nil // the plan pays for nothing, so there is no claim
	}
	x := e.plan.Excess
	if x.Amount != 0 && x.Currency != e.rs.Currency {
		return Errorf(EINVALID, "warranty.invalid.excess_currency",
			"The excess of plan {{.Plan}} is in {{.Currency}}, not {{.Want}}.",
			"Plan", e.plan.ID, "Currency", x.Currency, "Want", e.rs.Currency)
	}
	excess := min(x.Amount, paid)
	e.reason("warranty.reason.plan_covers_damage",
		"{{.Plan}} covers this damage until {{.Until}}; you pay the excess of {{.Excess}}.",
		"Plan", e.plan.Name, "Until", ymd(e.planCov.lastDay(ClassUnit)),
		"Excess", Money{Amount: excess, Currency: e.rs.Currency}.String(),
		"ExcessAmount", excess, "Currency", e.rs.Currency) // minor units, for locale formatting
	m := Money{Amount: excess, Currency: e.rs.Currency}
	e.d.Lines = append(e.d.Lines, ChargeLine{
		Kind: ChargeExcess, Text: "Excess: " + e.plan.Name, Qty: 1, Amount: m, Customer: m,
	})
	e.src = append(e.src, byNone)
	return nil
}

// summarize sets the headline fields and the per-class reasons.
func (e *evaluation) summarize() {
	d := e.d
	var covered, charged, parts, partsCovered int
	planPays := false
	for i, l := range d.Lines {
		if l.Kind == ChargeExcess {
			continue // the price of the plan's cover, not an uncovered line
		}
		if l.Covered {
			covered++
		} else {
			charged++
		}
		if l.Kind == ChargePart {
			parts++
			if l.Covered {
				partsCovered++
			}
		}
		planPays = planPays || e.src[i] == byPlan
	}
	// Without part lines, parts count as covered when the unit is, so a
	// diagnosis-only ticket still reads as "in warranty".
	d.PartsCovered = partsCovered == parts && (parts > 0 || d.LabourCovered)
	switch {
	case covered > 0 && charged > 0:
		d.Coverage = CoveragePartial
	case covered > 0, covered+charged == 0 && d.LabourCovered:
		d.Coverage = CoverageIn
	default:
		d.Coverage = CoverageOut
	}
	switch {
	case planPays:
		d.Basis = BasisPlan
		if !e.lifts { // a damage claim was explained by addExcess
			e.reason("warranty.reason.plan_extends", "{{.Plan}} extends the cover until {{.Until}}.",
				"Plan", e.plan.Name, "Until", ymd(e.planCov.lastDay(ClassUnit)))
		}
	case e.planCov == nil || e.planCov.covers(ClassUnit, e.on):
		// No plan, or a plan in effect that was not needed.
	case e.on.Before(e.planCov.start):
		e.reason("warranty.reason.plan_not_started", "{{.Plan}} started on {{.From}}, after the fault was reported.",
			"Plan", e.plan.Name, "From", ymd(e.planCov.start))
	case e.base == nil || len(e.excluded) > 0 || !e.base.covers(ClassUnit, e.on):
		// Say so only when the plan would have mattered.
		e.reason("warranty.reason.plan_expired", "{{.Plan}} ended on {{.Until}}.",
			"Plan", e.plan.Name, "Until", ymd(e.planCov.lastDay(ClassUnit)))
	}

	// Explain part lines whose class fared differently from the unit.
	if e.base != nil && len(e.excluded) == 0 {
		unitIn := e.base.covers(ClassUnit, e.on)
		type group struct {
			class ComponentClass
			names []string
		}
		var free, paid []group
		add := func(gs []group, c ComponentClass, name string) []group {
			for i := range gs {
				if gs[i].class == c {
					gs[i].names = append(gs[i].names, name)
					return gs
				}
			}
			return append(gs, group{c, []string{name}})
		}
		for i, l := range d.Lines {
			if l.Kind != ChargePart || l.Class == ClassUnit {
				continue
			}
			classIn := e.base.covers(l.Class, e.on)
			switch {
			case unitIn && !classIn && e.src[i] == byNone:
				paid = add(paid, l.Class, l.Text)
			case !unitIn && classIn:
				free = add(free, l.Class, l.Text)
			}
		}
		for _, g := range paid {
			per := e.base.period(g.class)
			e.reason("warranty.reason.class_expired",
				"{{.ClassName}} cover ({{.Period}}) ended on {{.Until}}; you pay for {{.Parts}}.",
				"Class", string(g.class), "ClassName", className(g.class), "Period", termNoun(per), "Months", per.Months, "Days", per.Days,
				"Until", ymd(e.base.lastDay(g.class)), "Parts", strings.Join(g.names, ", "))
		}
		for _, g := range free {
			per := e.base.period(g.class)
			e.reason("warranty.reason.class_in_period",
				"{{.ClassName}} cover ({{.Period}}) runs until {{.Until}}; no charge for {{.Parts}}.",
				"Class", string(g.class), "ClassName", className(g.class), "Period", termNoun(per), "Months", per.Months, "Days", per.Days,
				"Until", ymd(e.base.lastDay(g.class)), "Parts", strings.Join(g.names, ", "))
		}
		if len(free) > 0 && !d.LabourCovered {
			e.reason("warranty.reason.labour_charged",
				"{{if .OnSite}}Labour and the call-out are covered only during the {{.Term}} unit warranty, so you pay for them.{{else}}Labour is covered only during the {{.Term}} unit warranty, so you pay for it.{{end}}",
				"OnSite", e.in.Ticket.Kind == KindOnSite, "Term", termAdj(e.base.period(ClassUnit)),
				"Months", e.base.period(ClassUnit).Months, "Days", e.base.period(ClassUnit).Days)
		}
	}
	// A visit charged while labour is covered (a plan without call-out
	// cover) needs its own sentence; otherwise the reasons above say it.
	if e.in.Ticket.Kind == KindOnSite && !d.CallOutCovered && d.LabourCovered && e.rs.CallOutFee.Amount > 0 {
		e.reason("warranty.reason.call_out_charged", "The call-out fee of {{.Fee}} is not covered.",
			"Fee", e.rs.CallOutFee.String(), "FeeAmount", e.rs.CallOutFee.Amount, "Currency", e.rs.Currency)
	}

	d.Remedy = e.remedy()
	if e.rule != nil && e.rule.LegalBasis != "" {
		e.reason("warranty.reason.legal_basis", "Rules applied: {{.LegalBasis}} ({{.RuleSet}} version {{.Version}}).",
			"LegalBasis", e.rule.LegalBasis, "RuleSet", e.rs.ID, "Version", e.rs.Version)
	}
}

// remedy picks refund, exchange, repair or paid repair, and explains a
// refund or an exchange.
func (e *evaluation) remedy() Remedy {
	p := e.in.Ticket.Product
	if e.rule != nil && p.HasProofOfPurchase() && len(e.excluded) == 0 {
		elapsed := daysBetween(civilDay(p.PurchaseDate), e.on)
		for _, want := range []Remedy{RemedyRefund, RemedyExchange} {
			for _, w := range e.rule.Remedies {
				if w.Remedy == want && elapsed <= w.Days {
					if want == RemedyRefund {
						e.reason("warranty.reason.refund", "Within {{.Days}} days of purchase: you may choose a refund.",
							"Days", w.Days, "Elapsed", elapsed)
					} else {
						e.reason("warranty.reason.exchange", "Within {{.Days}} days of purchase: you may choose an exchange for a new unit.",
							"Days", w.Days, "Elapsed", elapsed)
					}
					return want
				}
			}
		}
	}
	if e.d.Coverage == CoverageOut {
		return RemedyPaidRepair
	}
	return RemedyRepair
}

// total sums the customer's share and adds tax, refusing amounts that
// would overflow rather than wrapping around.
func (e *evaluation) total() error {
	var sub int64
	for _, l := range e.d.Lines {
		var ok bool
		if sub, ok = addOK(sub, l.Customer.Amount); !ok {
			return errTooLarge()
		}
	}
	if _, ok := mulOK(sub, int64(e.rs.TaxBasisPts)); !ok {
		return errTooLarge()
	}
	tax := percentOf(sub, e.rs.TaxBasisPts)
	total, ok := addOK(sub, tax)
	if !ok {
		return errTooLarge()
	}
	cur := e.rs.Currency
	e.d.Subtotal = Money{Amount: sub, Currency: cur}
	e.d.Tax = Money{Amount: tax, Currency: cur}
	e.d.Total = Money{Amount: total, Currency: cur}
	return nil
}

// reason appends a customer-readable reason.
func (e *evaluation) reason(key, msg string, kv ...any) {
	r := Reason{Key: key, Message: msg}
	if len(kv) > 0 {
		r.Data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			r.Data[kv[i].(string)] = kv[i+1]
		}
	}
	e.d.Reasons = append(e.d.Reasons, r)
}

// checkRuleSet rejects reference data Decide cannot price with.
func checkRuleSet(rs RuleSet) error {
	if err := (Money{Currency: rs.Currency}).Validate(); err != nil {
		return err
	}
	for _, m := range []Money{rs.LabourRate, rs.CallOutFee} {
		if m.Amount < 0 || (m.Amount != 0 && m.Currency != rs.Currency) {
			return Errorf(EINVALID, "warranty.invalid.rate",
				"The rates of rule set {{.RuleSet}} must be positive amounts in {{.Currency}}.",
				"RuleSet", rs.ID, "Currency", rs.Currency)
		}
	}
	if rs.TaxBasisPts < 0 {
		return Errorf(EINVALID, "warranty.invalid.tax", "The tax rate of rule set {{.RuleSet}} is negative.", "RuleSet", rs.ID)
	}
	return nil
}

// maxLabourMinutes bounds labour to a month of work: more is a typing
// error, and the bound keeps money arithmetic far from overflow.
const maxLabourMinutes = 31 * 24 * 60

// priceLines builds the bill, every line still uncovered: one per part,
// then labour, then the call-out fee for on-site tickets.
func priceLines(rs RuleSet, in WarrantyInput) ([]ChargeLine, error) {
	lines := make([]ChargeLine, 0, len(in.Parts)+2)
	for _, u := range in.Parts {
		price, ok := u.Part.Price(rs.Currency)
		if !ok {
			return nil, Errorf(EINVALID, "warranty.invalid.part_price",
				"Part {{.Part}} has no price in {{.Currency}}.", "Part", string(u.Part.Number), "Currency", rs.Currency)
		}
		if u.Qty <= 0 || price.Amount < 0 {
			return nil, Errorf(EINVALID, "warranty.invalid.part_line",
				"Part {{.Part}} needs a positive quantity and price.", "Part", string(u.Part.Number))
		}
		amount, ok := mulOK(price.Amount, int64(u.Qty))
		if !ok {
			return nil, errTooLarge()
		}
		class := u.Part.Class
		if !class.Valid() {
			class = ClassUnit // unclassified parts share the unit's cover
		}
		lines = append(lines, ChargeLine{
			Kind: ChargePart, Part: u.Part.Number, Class: class, Text: u.Part.NameFor("en"), Qty: u.Qty,
			Amount: Money{Amount: amount, Currency: rs.Currency},
		})
	}
	if in.LabourMinutes < 0 || in.LabourMinutes > maxLabourMinutes {
		return nil, Errorf(EINVALID, "warranty.invalid.labour",
			"Labour must be between 0 and {{.Max}} minutes.", "Max", maxLabourMinutes)
	}
	if in.LabourMinutes > 0 {
		cost, ok := mulOK(int64(in.LabourMinutes), rs.LabourRate.Amount)
		if !ok {
			return nil, errTooLarge()
		}
		lines = append(lines, ChargeLine{
			Kind: ChargeLabour, Class: ClassUnit, Text: fmt.Sprintf("Labour %d min", in.LabourMinutes), Qty: 1,
			Amount: Money{Amount: (cost + 30) / 60, Currency: rs.Currency}, // half up; cost >= 0
		})
	}
	if in.Ticket.Kind == KindOnSite && rs.CallOutFee.Amount > 0 {
		lines = append(lines, ChargeLine{
			Kind: ChargeCallOut, Class: ClassUnit, Text: "Call-out", Qty: 1,
			Amount: Money{Amount: rs.CallOutFee.Amount, Currency: rs.Currency},
		})
	}
	return lines, nil
}

// matchRule returns the most specific rule for p, or nil.
func matchRule(rules []WarrantyRule, p Product) *WarrantyRule {
	var best *WarrantyRule
	bestScore := -1
	for i := range rules {
		r := &rules[i]
		if r.Category != p.Category || !matches(r.Brand, p.Brand) || !matches(r.Model, p.Model) {
			continue
		}
		score := 0
		if r.Brand != "" {
			score++
		}
		if r.Model != "" {
			score += 2
		}
		if score > bestScore { // strictly greater: the first of equals wins
			best, bestScore = r, score
		}
	}
	return best
}

// matches reports whether a rule's brand or model (empty = any) matches,
// compared as ModelKey compares models: a model typed full-width at the
// counter ("ＢＣＤ－４７０ＷＤＰＧ") or a brand with an accent the rules
// lack is the same product, and its rule applies, as its parts are found.
func matches(rule, have string) bool {
	key := ModelKey(rule)
	return key == "" || key == ModelKey(have)
}

// ruleName names a rule for Decision.Rule, e.g. "phone/Huawei/*".
func ruleName(r WarrantyRule) string {
	or := func(s string) string {
		if s == "" {
			return "*"
		}
		return s
	}
	return string(r.Category) + "/" + or(r.Brand) + "/" + or(r.Model)
}

func hasExclusion(xs []Exclusion, x Exclusion) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// civilDay returns t's calendar day in UTC, at midnight.
func civilDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// daysBetween counts calendar days from a to b (both civil days); UTC has
// no daylight saving, so every day is 24 hours.
func daysBetween(a, b time.Time) int {
	return int(b.Sub(a).Hours() / 24)
}

// periodEnd returns the last day covered by p counted from start (see
// Decide): the day before start + Months (clamped to the 1st of the next
// month when the day does not exist) + Days.
func periodEnd(start time.Time, p Period) time.Time {
	y, m, d := start.Date()
	ann := time.Date(y, m+time.Month(p.Months), d, 0, 0, 0, 0, time.UTC)
	if ann.Day() != d {
		// Overflowed into the next month (Jan 31 + 1 month = Mar 3):
		// take the 1st of that month instead.
		ann = time.Date(ann.Year(), ann.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return ann.AddDate(0, 0, p.Days-1)
}

// calendarLead is how far ahead of UTC a calendar runs somewhere (UTC+14,
// the Line Islands): the latest day it is anywhere at an instant.
const calendarLead = 14 * time.Hour

// PurchaseAfter reports whether a purchase day (a civil day, as purchase
// dates are kept: midnight UTC of the day on the invoice) is after the
// day of the instant at everywhere on Earth. A purchase date is typed as
// the customer's calendar reads it, and the ticket keeps no time zone: in
// Shanghai at 07:00 on 8 December it is still 7 December in UTC, and the
// invoice's "8 December", today, is not a purchase in the future.
func PurchaseAfter(purchase, at time.Time) bool {
	return civilDay(purchase).After(civilDay(at.Add(calendarLead)))
}

// PurchaseAfterOpening reports whether purchase, a ticket's purchase day,
// is after the day the ticket was opened (opened) everywhere on Earth
// (PurchaseAfter): a product is bought before it comes in for service.
// No purchase date, or no opening time, is never after it. The one rule
// of a ticket's purchase date, on the device and on the service alike:
// Ticket.Validate and UpdateTicket refuse such a date with
// errPurchaseAfterOpening.
func PurchaseAfterOpening(purchase, opened time.Time) bool {
	return !purchase.IsZero() && !opened.IsZero() && PurchaseAfter(purchase, opened)
}

// errPurchaseAfterOpening is the refusal of a purchase date after the
// ticket was opened (PurchaseAfterOpening), with what to do instead.
func errPurchaseAfterOpening() error {
	return Errorf(EINVALID, "ticket.invalid.purchase_future", "The purchase date is after the ticket was opened: use the date on the invoice, or leave it empty and the warranty counts from the manufacture date.")
}

// ymd formats a day as YYYY-MM-DD, the form reasons carry in Data.
func ymd(t time.Time) string { return civilDay(t).Format(time.DateOnly) }

// termAdj is a period as an adjective: "12-month", "90-day".
func termAdj(p Period) string {
	switch {
	case p.Days == 0:
		return fmt.Sprintf("%d-month", p.Months)
	case p.Months == 0:
		return fmt.Sprintf("%d-day", p.Days)
	}
	return fmt.Sprintf("%d-month-%d-day", p.Months, p.Days)
}

// termNoun is a period as a noun: "6 months", "1 month and 10 days".
func termNoun(p Period) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case p.Days == 0:
		return plural(p.Months, "month")
	case p.Months == 0:
		return plural(p.Days, "day")
	}
	return plural(p.Months, "month") + " and " + plural(p.Days, "day")
}

// className is a class's English name at the start of a sentence.
func className(c ComponentClass) string {
	switch c {
	case ClassMain:
		return "Main-part"
	case ClassBattery:
		return "Battery"
	case ClassAccessory:
		return "Accessory"
	}
	return "Unit"
}

func errTooLarge() error {
	return Errorf(EINVALID, "warranty.invalid.amount", "The amounts are too large to bill.")
}

// addOK returns a+b and whether it did not overflow.
func addOK(a, b int64) (int64, bool) {
	s := a + b
	return s, (b >= 0) == (s >= a)
}

// mulOK returns a*b for non-negative a, b and whether it did not overflow.
func mulOK(a, b int64) (int64, bool) {
	if a < 0 || b < 0 {
		return 0, false
	}
	if a != 0 && b > math.MaxInt64/a {
		return 0, false
	}
	return a * b, true
}
