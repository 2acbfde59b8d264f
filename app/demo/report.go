package demo

import (
	"github.com/fieldbench/fieldbench/app"
)

// Provider is the service provider the demo world's reports name.
const Provider = "Fieldbench Demo Service"

// ReportInput gathers from a demo dataset what a service report of t is
// built from: the catalog entries of its parts, its technician's name and
// the warranty decision under its country's rule set (nil when the rule
// set is missing or cannot decide). The demo has no status history or
// payments: time on site then comes from the ticket's start and
// completion.
func ReportInput(ds app.Dataset, t app.TicketDetail) app.ReportInput {
	in := app.ReportInput{Detail: t, Catalog: map[app.PartNumber]app.Part{}, Provider: Provider}
	used := map[app.PartNumber]int{}
	for _, p := range t.Parts {
		used[p.Part] += p.Qty
	}
	var parts []app.UsedPart
	for _, p := range ds.Parts {
		if n := used[p.Number]; n > 0 {
			in.Catalog[p.Number] = p
			parts = append(parts, app.UsedPart{Part: p, Qty: n})
		}
	}
	for _, tech := range ds.Technicians {
		if tech.ID == t.Ticket.Technician {
			in.Technician = tech.Name
		}
	}
	for _, rs := range ds.RuleSets {
		if rs.Country != t.Ticket.Country {
			continue
		}
		d, err := app.Decide(rs, app.WarrantyInput{Ticket: t.Ticket, Parts: parts, LabourMinutes: t.Ticket.LabourMinutes, On: t.Ticket.CreatedAt})
		if err == nil {
			in.Decision = &d
		}
	}
	return in
}
