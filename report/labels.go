package report

import (
	"strings"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// The texts of app's enumerations, each key written out so the
// translation test finds it. A value without a text shows as itself.

func resolutionText(c *translations.Catalog, r app.Resolution) string {
	switch r {
	case app.ResolutionRepaired:
		return c.Text("resolution.repaired", "Repaired", nil)
	case app.ResolutionReplaced:
		return c.Text("resolution.replaced", "Unit replaced", nil)
	case app.ResolutionRefunded:
		return c.Text("resolution.refunded", "Refunded", nil)
	case app.ResolutionNoFault:
		return c.Text("resolution.no_fault", "No fault found", nil)
	case app.ResolutionAdjusted:
		return c.Text("resolution.adjusted", "Adjusted / advice given", nil)
	case app.ResolutionNotRepaired:
		return c.Text("resolution.not_repaired", "Not repaired (quote declined)", nil)
	}
	return string(r)
}

func coverageText(c *translations.Catalog, v app.Coverage) string {
	switch v {
	case app.CoverageIn:
		return c.Text("warranty.coverage.in", "In warranty", nil)
	case app.CoverageOut:
		return c.Text("warranty.coverage.out", "Out of warranty", nil)
	case app.CoveragePartial:
		return c.Text("warranty.coverage.partial", "Partly in warranty", nil)
	}
	return string(v)
}

func remedyText(c *translations.Catalog, r app.Remedy) string {
	switch r {
	case app.RemedyRefund:
		return c.Text("warranty.remedy.refund", "Refund", nil)
	case app.RemedyExchange:
		return c.Text("warranty.remedy.exchange", "Exchange for a new unit", nil)
	case app.RemedyRepair:
		return c.Text("warranty.remedy.repair", "Free repair", nil)
	case app.RemedyPaidRepair:
		return c.Text("warranty.remedy.paid_repair", "Paid repair", nil)
	}
	return string(r)
}

// lineText names a charge line: a part by its catalog name in the
// language, labour with its minutes, the call-out and the excess by kind.
func lineText(c *translations.Catalog, l app.ChargeLine, names map[app.PartNumber]string) string {
	switch l.Kind {
	case app.ChargePart:
		if n := names[l.Part]; n != "" {
			return n + " (" + string(l.Part) + ")"
		}
		return c.Text("warranty.line.part", "Part", nil) + " " + string(l.Part)
	case app.ChargeLabour:
		return c.Text("warranty.line.labour", "Labour", nil)
	case app.ChargeCallOut:
		return c.Text("warranty.line.call_out", "Call-out fee", nil)
	case app.ChargeExcess:
		return c.Text("warranty.line.excess", "Plan excess", nil)
	}
	return l.Text
}

// conditionText lists what the technician found that bears on warranty,
// with their notes.
func conditionText(c *translations.Catalog, k app.Condition) string {
	var found []string
	if k.LiquidDamage {
		found = append(found, c.Text("report.liquid_damage", "liquid damage", nil))
	}
	if k.PhysicalDamage {
		found = append(found, c.Text("report.physical_damage", "physical damage", nil))
	}
	if k.UnauthorizedRepair {
		found = append(found, c.Text("report.unauthorized_repair", "opened or repaired elsewhere before", nil))
	}
	if k.Notes != "" {
		found = append(found, k.Notes)
	}
	return strings.Join(found, "; ")
}
