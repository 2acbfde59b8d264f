package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// checkInCard shows what the counter recorded when the device came in:
// the damage seen, which bears on warranty, and what the customer left
// with it, which goes back at pick-up, and the day promised to the
// customer, flagged once an open ticket is past it. It is nothing (no
// card) for a ticket with none of it, as most on-site visits are. With
// save, an open carry-in's promise can be moved (ticket.update): the
// repair runs late, the customer is called and told a new day.
func checkInCard(t app.Ticket, now time.Time, save committer, keys *wedgeKeys) []fyne.CanvasObject {
	c := t.Condition
	var seen []string
	if c.LiquidDamage {
		seen = append(seen, lang.X("checkin.liquid", "Liquid damage"))
	}
	if c.PhysicalDamage {
		seen = append(seen, lang.X("checkin.physical", "Cracks, dents or bends"))
	}
	if c.UnauthorizedRepair {
		seen = append(seen, lang.X("checkin.opened", "Opened or repaired elsewhere"))
	}
	if t.Kind != app.KindCarryIn && len(seen) == 0 && c.Accessories == "" && c.Notes == "" && t.PromisedAt.IsZero() {
		return nil
	}
	condition := lang.X("checkin.no_damage", "No damage noted")
	if len(seen) > 0 {
		condition = strings.Join(seen, ", ")
	}
	kit := c.Accessories
	if kit == "" && t.Kind == app.KindCarryIn {
		kit = lang.X("checkin.nothing_left", "Nothing but the device")
	}
	var promised string
	zone := now.Location() // the session's: Deps.Now reads in Deps.Zone
	switch {
	case t.PromisedAt.IsZero():
	case t.Status.Open() && now.After(t.PromisedAt):
		promised = lang.X("checkin.promise_late", "{{.Date}}: late, call the customer with a new date", map[string]any{"Date": weekdayText(t.PromisedAt.In(zone).Weekday()) + " " + dateText(zone, t.PromisedAt)})
	default:
		promised = weekdayText(t.PromisedAt.In(zone).Weekday()) + " " + dateText(zone, t.PromisedAt)
	}
	info := fields(
		lang.X("ticket.promised", "Promised for"), promised,
		lang.X("checkin.condition", "Condition"), condition,
		lang.X("checkin.accessories", "Left with the device"), kit,
		lang.X("checkin.notes", "Notes"), c.Notes,
	)
	body := fyne.CanvasObject(info)
	if save != nil && t.Kind == app.KindCarryIn && t.Status.Open() {
		days, opts := promiseChoices(now, zone)
		move := newScanSelect(keys, opts, nil)
		move.PlaceHolder = lang.X("checkin.promise_move", "Move the promise…")
		move.OnChanged = func(string) {
			var day time.Time
			if i := move.SelectedIndex(); i > 0 {
				day = days[i-1].UTC()
			}
			save.commit(&app.UpdateTicket{Ticket: t.ID, Set: app.TicketFields{PromisedAt: &day}}, nil)
		}
		body = container.NewVBox(info, move)
	}
	return []fyne.CanvasObject{widget.NewCard(lang.X("checkin.card", "At check-in"), "", body)}
}
