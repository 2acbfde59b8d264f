package ui

import (
	"errors"
	"maps"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	numfmt "golang.org/x/text/message"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// errorText translates an error for a person: an *app.Error by its key and
// data, its sizes written by the one size rule (sizeText: "50Mo" in
// French; the messages had "{{.Limit}} MB" with the number in megabytes
// pasted raw) and its other measures by the number rule (numberText: an
// image's "12’000 x 9’000" pixels in French), its calendar days as the
// screens write a day (civilDateText: a purchase "after the fault was
// reported" said 2026-12-09 in every language), anything else as the
// generic internal message (details go to logs).
func errorText(err error) string {
	var e *app.Error
	if errors.As(err, &e) {
		if text, ok := stepRefusalText(e.Key, e.Data); ok {
			return text
		}
		sizes, numbers, days := e.Sizes(), e.Numbers(), e.Days()
		if len(sizes) == 0 && len(numbers) == 0 && len(days) == 0 {
			return lang.X(e.Key, e.Message, e.Data)
		}
		data := maps.Clone(e.Data)
		for k, n := range sizes {
			data[k] = sizeText(n)
		}
		for k, x := range numbers {
			data[k] = numberText(x) // an image's "12,000 x 9,000" pixels
		}
		for k, d := range days {
			data[k] = civilDateText(d) // a purchase "after the fault was reported"
		}
		return lang.X(e.Key, e.Message, data)
	}
	return lang.X("error.internal", "Internal error. Please try again; if it keeps happening, contact support.")
}

// stepRefusalText is app's refusal of a step the ticket's status does not
// allow (transition.not_from) in the user's words: app names the step and
// the status in code ("Cannot depart a ticket that is cancelled"), which
// read "状态为 cancelled 的工单不能执行“depart”" in Chinese on a conflict
// card. ok is false for any other refusal.
func stepRefusalText(key string, data map[string]any) (text string, ok bool) {
	action, aok := data["Action"].(string)
	status, sok := data["Status"].(string)
	if key != "transition.not_from" || !aok || !sok {
		return "", false
	}
	return lang.X("transition.not_from_named", "“{{.Action}}” cannot be done: the ticket is now “{{.Status}}”.",
		map[string]any{"Action": actionText(app.Action(action)), "Status": statusText(app.Status(status))}), true
}

// reasonText is a warranty reason in the UI language, its days (a
// purchase, the end of a cover) in the language's date format: app writes
// them YYYY-MM-DD, which read "Acheté le 2024-08-05" in French.
func reasonText(r app.Reason) string {
	days := r.Days()
	if len(days) == 0 {
		return lang.X(r.Key, r.Message, r.Data)
	}
	data := maps.Clone(r.Data)
	for k, d := range days {
		data[k] = civilDateText(d)
	}
	return lang.X(r.Key, r.Message, data)
}

func statusText(s app.Status) string {
	switch s {
	case app.StatusAssigned:
		return lang.X("status.assigned", "Assigned")
	case app.StatusEnRoute:
		return lang.X("status.en_route", "En route")
	case app.StatusOnSite:
		return lang.X("status.on_site", "On site")
	case app.StatusInProgress:
		return lang.X("status.in_progress", "In progress")
	case app.StatusWaitingParts:
		return lang.X("status.waiting_parts", "Waiting for parts")
	case app.StatusCompleted:
		return lang.X("status.completed", "Completed")
	case app.StatusCannotComplete:
		return lang.X("status.cannot_complete", "Cannot complete")
	case app.StatusCancelled:
		return lang.X("status.cancelled", "Cancelled")
	case app.StatusClosed:
		return lang.X("status.closed", "Closed")
	}
	return string(s)
}

func kindText(k app.TicketKind) string {
	switch k {
	case app.KindOnSite:
		return lang.X("kind.on_site", "On-site visit")
	case app.KindCarryIn:
		return lang.X("kind.carry_in", "Carry-in")
	case app.KindMailIn:
		return lang.X("kind.mail_in", "Mail-in")
	}
	return string(k)
}

func coverageText(c app.Coverage) string {
	switch c {
	case app.CoverageIn:
		return lang.X("warranty.coverage.in", "In warranty")
	case app.CoveragePartial:
		return lang.X("warranty.coverage.partial", "Partly in warranty")
	case app.CoverageOut:
		return lang.X("warranty.coverage.out", "Out of warranty")
	}
	return string(c)
}

func remedyText(r app.Remedy) string {
	switch r {
	case app.RemedyRefund:
		return lang.X("warranty.remedy.refund", "Refund")
	case app.RemedyExchange:
		return lang.X("warranty.remedy.exchange", "Exchange for a new unit")
	case app.RemedyRepair:
		return lang.X("warranty.remedy.repair", "Free repair")
	case app.RemedyPaidRepair:
		return lang.X("warranty.remedy.paid_repair", "Paid repair")
	}
	return string(r)
}

func chargeKindText(k app.ChargeKind) string {
	switch k {
	case app.ChargeLabour:
		return lang.X("warranty.line.labour", "Labour")
	case app.ChargeCallOut:
		return lang.X("warranty.line.call_out", "Call-out fee")
	case app.ChargeExcess:
		return lang.X("warranty.line.excess", "Plan excess")
	}
	return lang.X("warranty.line.part", "Part")
}

// uiLanguage is the base language the UI shows: "en", "zh", "fr"…
func uiLanguage() string {
	l := lang.SystemLocale().LanguageString()
	if i := strings.IndexAny(l, "-_"); i > 0 {
		l = l[:i]
	}
	return strings.ToLower(l)
}

// printer formats numbers by the UI language's conventions (grouping and
// decimal separators), from golang.org/x/text's CLDR data.
func printer() *numfmt.Printer {
	tag, err := language.Parse(uiLanguage())
	if err != nil {
		tag = language.English
	}
	return numfmt.NewPrinter(tag)
}

// countText is n as the UI language's reader writes a whole number:
// translations.Count, "9,532", "9’532", "9.532" (the one rule of digit
// grouping, which a label must not break inside).
func countText[N int | int64](n N) string { return translations.Count(uiLanguage(), int64(n)) }

// numberText is x, a measure an error names (app.Error.Numbers), as the
// UI language's reader writes it: translations.Number, "12,000", "12’000",
// one decimal when it is not whole ("12,5" in French).
func numberText(x float64) string { return translations.Number(uiLanguage(), x) }

// moneyText formats an amount in the user's locale with its currency's
// symbol, e.g. "¥1,234.50", "1’234,50 €" or "US$12.00": the digits by
// translations.Amount, the rule the counts follow too.
func moneyText(m app.Money) string {
	amount := translations.Amount(uiLanguage(), m.Amount)
	cur, err := currency.ParseISO(m.Currency)
	if err != nil {
		return amount + " " + m.Currency
	}
	sym := printer().Sprint(currency.NarrowSymbol(cur))
	if m.Currency == "USD" && uiLanguage() != "en" {
		sym = "US$" // "$" alone is ambiguous outside the US
	}
	switch uiLanguage() {
	case "fr", "es", "pt":
		if uiLanguage() == "pt" {
			return sym + " " + amount
		}
		return amount + " " + sym
	}
	return sym + amount
}

// parseTypedDay reads a calendar day typed in the UI language: as the
// terminal shows days ("6 déc. 2026"), in the language's numbers
// ("06/12/2026"), or as YYYY-MM-DD; as its midnight in UTC
// (civilDateText's convention). translations.ParseDate is the one rule,
// beside translations.Date, which shows them.
func parseTypedDay(s string) (time.Time, error) {
	return translations.ParseDate(uiLanguage(), s)
}

// typedDayExamples are t's day as the UI language shows it and in its
// numbers, and as ISO, for a message that shows how to type a day.
func typedDayExamples(t time.Time) []any {
	return []any{"Example", translations.Date(uiLanguage(), t), "Numeric", translations.NumericDate(uiLanguage(), t), "ISO", t.Format(time.DateOnly)}
}

// typedDayHint is typedDayExamples as template data.
func typedDayHint(t time.Time) map[string]any {
	kv := typedDayExamples(t)
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// dateText is t's day in zone (the session's, Deps.Zone), as the UI
// language's reader writes a day: translations.Date, which the printed
// documents take theirs from too; "—" for no time.
func dateText(zone *time.Location, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return translations.Date(uiLanguage(), t.In(zone))
}

// civilDateText is a calendar day: a purchase or a manufacture date is a
// day, not an instant, stored as its midnight in UTC (PROTOCOL.md's
// purchase_date; app's warranty counts in such days), and shown as that
// day in any zone. In the session's zone it read a day early west of UTC.
func civilDateText(t time.Time) string { return dateText(time.UTC, t) }

// timeText is t's day and time of day in zone; "—" for no time.
func timeText(zone *time.Location, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return translations.DateTime(uiLanguage(), t.In(zone))
}

// clockText is t's time of day in zone, as 15:04.
func clockText(zone *time.Location, t time.Time) string {
	return t.In(zone).Format("15:04")
}

// slaText says how long is left to an SLA target, or how late it is.
func slaText(target, now time.Time) string {
	if target.IsZero() {
		return ""
	}
	d := target.Sub(now)
	if d < 0 {
		return lang.X("sla.overdue", "Overdue by {{.Duration}}", map[string]any{"Duration": shortDuration(-d)})
	}
	return lang.X("sla.left", "{{.Duration}} left", map[string]any{"Duration": shortDuration(d)})
}

// resolveByText is slaText for an open ticket. A ticket that is done is
// judged at its completion, not now: a job finished in time a year ago is
// not "overdue by a year". One cancelled or closed without completing has
// no verdict.
func resolveByText(t app.Ticket, now time.Time) string {
	switch {
	case t.Status.Open():
		return slaText(t.ResolveBy, now)
	case t.ResolveBy.IsZero() || t.CompletedAt.IsZero():
		return ""
	case !t.CompletedAt.After(t.ResolveBy):
		return lang.X("sla.met", "Met")
	}
	return lang.X("sla.late", "Completed {{.Duration}} late", map[string]any{"Duration": shortDuration(t.CompletedAt.Sub(t.ResolveBy))})
}

func shortDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return lang.X("duration.days", "{{.N}} d", map[string]any{"N": countText(int(d.Hours() / 24))})
	case d >= time.Hour:
		return lang.X("duration.hours", "{{.N}} h", map[string]any{"N": countText(int(d.Hours()))})
	}
	return minutesText(int(d.Minutes()))
}

// minutesText is n minutes as the screens' language writes them.
func minutesText(n int) string {
	return lang.X("duration.minutes", "{{.N}} min", map[string]any{"N": countText(n)})
}

func categoryText(c app.Category) string {
	switch c {
	case app.CategoryPhone:
		return lang.X("category.phone", "Phone")
	case app.CategoryAppliance:
		return lang.X("category.appliance", "Home appliance")
	case app.CategoryPC:
		return lang.X("category.pc", "PC")
	case app.CategoryServer:
		return lang.X("category.server", "Server")
	}
	return string(c)
}

// slaImportance colours an SLA: red when overdue, amber in its last hours
// (app.SLAWarning), plain before; the office console uses the same rule.
func slaImportance(target, now time.Time) widget.Importance {
	switch app.SLAUrgency(target, now) {
	case app.SLAOverdue:
		return widget.DangerImportance
	case app.SLADueSoon:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}
