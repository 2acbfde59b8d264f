package ui

import (
	"context"
	"fmt"
	"image"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// TicketDetailView shows one ticket and its warranty decision.
type TicketDetailView struct {
	ctx  context.Context
	deps Deps
	term *Terminal // for the print dialog
	root *fyne.Container
	// Owned by the UI goroutine.
	shown     app.TicketID
	current   *ticketView // what is on screen; nil while loading or failed
	photos    *widget.Card
	lastShown app.TicketID
}

// ticketView is what the background load computes for the detail pane.
type ticketView struct {
	detail   app.TicketDetail
	thumbs   map[string]image.Image // photo thumbnails by SHA-256
	parts    map[app.PartNumber]app.Part
	decision *app.Decision
	decErr   error
}

func newTicketDetailView(ctx context.Context, deps Deps, term *Terminal) *TicketDetailView {
	v := &TicketDetailView{ctx: ctx, deps: deps, term: term}
	placeholder := widget.NewLabel(lang.X("ticket.select", "Select a ticket to see its details."))
	v.root = container.NewStack(container.NewCenter(placeholder))
	return v
}

// Object is the pane's root.
func (v *TicketDetailView) Object() fyne.CanvasObject { return v.root }

// Show loads ticket id in the background and shows it.
func (v *TicketDetailView) Show(id app.TicketID) {
	v.shown = id
	v.deps.Run(func() {
		tv, err := v.load(id)
		fyne.Do(func() { v.apply(id, tv, err) })
	})
}

func (v *TicketDetailView) load(id app.TicketID) (ticketView, error) {
	d, err := v.deps.Tickets.TicketDetail(v.ctx, id)
	if err != nil {
		return ticketView{}, err
	}
	tv := ticketView{detail: d, parts: map[app.PartNumber]app.Part{}, thumbs: map[string]image.Image{}}
	if v.term != nil {
		for _, p := range d.Photos {
			if img := v.term.loadThumbnail(p.SHA256); img != nil {
				tv.thumbs[p.SHA256] = img
			}
		}
	}
	if p := &tv.detail.Ticket.Product; p.ManufactureDate.IsZero() {
		// Many brands write the month or week of manufacture into the
		// serial: without proof of purchase, warranty counts from it.
		if info, ok := v.deps.SerialRules.Match(p.Brand, p.Serial, v.deps.Now()); ok && !info.Manufactured.IsZero() {
			p.ManufactureDate = info.Manufactured
		}
	}
	var used []app.UsedPart
	for _, u := range d.Parts {
		p, err := v.deps.Parts.Part(v.ctx, u.Part)
		if err != nil {
			return ticketView{}, err
		}
		tv.parts[u.Part] = p
		used = append(used, app.UsedPart{Part: p, Qty: u.Qty})
	}
	rs, err := v.deps.Warranty.RuleSet(v.ctx, d.Ticket.Country)
	if err != nil {
		tv.decErr = err
		return tv, nil
	}
	dec, err := app.Decide(rs, app.WarrantyInput{Ticket: tv.detail.Ticket, Parts: used, LabourMinutes: d.Ticket.LabourMinutes, On: d.Ticket.CreatedAt})
	if err != nil {
		tv.decErr = err
	} else {
		tv.decision = &dec
	}
	return tv, nil
}

func (v *TicketDetailView) apply(id app.TicketID, tv ticketView, err error) {
	if id != v.shown {
		return // another ticket was chosen meanwhile
	}
	v.current, v.photos = nil, nil
	if err != nil {
		msg := widget.NewLabel(errorText(err))
		msg.Wrapping = fyne.TextWrapWord
		v.root.Objects = []fyne.CanvasObject{msg}
		v.root.Refresh()
		return
	}
	v.current = &tv
	// Keep the scroll position when the same ticket reloads after a save.
	var offset fyne.Position
	if old, ok := v.root.Objects[0].(*container.Scroll); ok && v.lastShown == id {
		offset = old.Offset
	}
	v.lastShown = id
	scroll := container.NewVScroll(v.render(tv))
	scroll.Offset = offset
	v.root.Objects = []fyne.CanvasObject{scroll}
	v.root.Refresh()
	if v.term != nil {
		v.term.trimmer.changed()
	}
}

// fields lays out label/value pairs in two aligned columns.
func fields(pairs ...string) *fyne.Container {
	c := container.New(layout.NewFormLayout())
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		l := widget.NewLabel(pairs[i])
		l.Importance = widget.LowImportance
		val := widget.NewLabel(pairs[i+1])
		// Wrapping costs a text layout per width change; short values
		// (most of them) never need it.
		if utf8.RuneCountInString(pairs[i+1]) > 32 {
			val.Wrapping = fyne.TextWrapWord
		}
		c.Add(l)
		c.Add(val)
	}
	return c
}

func (v *TicketDetailView) render(tv ticketView) fyne.CanvasObject {
	t := tv.detail.Ticket
	title := widget.NewLabel(fmt.Sprintf("%s · %s", t.Number, statusText(t.Status)))
	title.TextStyle.Bold = true
	title.SizeName = "headingText"

	info := fields(
		lang.X("ticket.kind", "Kind"), kindText(t.Kind),
		lang.X("ticket.customer", "Customer"), strings.TrimSpace(t.Customer.Name+"  "+t.Customer.Phone),
		lang.X("ticket.address", "Address"), strings.TrimSpace(t.Customer.Address),
		lang.X("ticket.device", "Device"), strings.TrimSpace(fmt.Sprintf("%s %s", t.Product.Brand, t.Product.Model)),
		lang.X("ticket.serial", "Serial / IMEI"), t.Product.Serial,
		lang.X("ticket.purchased", "Purchased"), purchaseText(t.Product),
		lang.X("ticket.fault", "Reported fault"), t.Fault,
		lang.X("ticket.appointment", "Appointment"), windowText(t),
		lang.X("ticket.resolve_by", "Resolve by"), strings.TrimSpace(timeText(t.ResolveBy)+"  "+slaText(t.ResolveBy, v.deps.Now())),
		lang.X("ticket.diagnosis", "Diagnosis"), t.Diagnosis,
		lang.X("ticket.status_reason", "Why"), t.StatusReason,
		lang.X("ticket.opened", "Opened"), timeText(t.CreatedAt),
		lang.X("ticket.started", "Started"), optionalTime(t.StartedAt),
		lang.X("ticket.completed", "Completed"), optionalTime(t.CompletedAt),
		lang.X("ticket.resolution", "Resolution"), resolutionOrEmpty(t.ResolutionCode),
	)

	contact := container.NewHBox()
	if phone := strings.TrimSpace(t.Customer.Phone); phone != "" {
		if u, err := url.Parse("tel:" + strings.NewReplacer(" ", "", "-", "").Replace(phone)); err == nil {
			contact.Add(widget.NewHyperlink(lang.X("ticket.call", "Call {{.Phone}}", map[string]any{"Phone": phone}), u))
		}
	}
	if addr := strings.TrimSpace(t.Customer.Address); addr != "" && t.Kind == app.KindOnSite {
		if u, err := url.Parse("geo:0,0?q=" + url.QueryEscape(addr)); err == nil {
			contact.Add(widget.NewHyperlink(lang.X("ticket.map", "Open in maps"), u))
		}
	}

	printBtn := widget.NewButtonWithIcon(lang.X("labels.print", "Print labels"), theme.DocumentPrintIcon(), func() { v.term.printLabels(tv) })
	sections := []fyne.CanvasObject{container.NewBorder(nil, nil, nil, printBtn, title)}
	if v.term != nil {
		sections = append(sections, v.term.workflow(tv.detail))
	}
	sections = append(sections, widget.NewCard("", "", container.NewVBox(info, contact)))
	sections = append(sections, checkInCard(t)...)
	sections = append(sections, widget.NewCard(lang.X("warranty.title", "Warranty"), "", v.renderDecision(tv)))
	if v.term != nil {
		if c := v.term.diagnosisCard(t); c != nil {
			sections = append(sections, c)
		}
		v.photos = v.term.photosCard(tv.detail, tv.thumbs)
		sections = append(sections, v.term.partsCard(tv), v.term.repairCard(tv.detail), v.photos, v.term.notesCard(tv.detail))
	}
	return container.NewVBox(sections...)
}

func windowText(t app.Ticket) string {
	if t.WindowStart.IsZero() {
		return ""
	}
	if t.WindowEnd.IsZero() {
		return timeText(t.WindowStart)
	}
	return timeText(t.WindowStart) + " – " + t.WindowEnd.Local().Format("15:04")
}

func purchaseText(p app.Product) string {
	switch {
	case p.HasProofOfPurchase():
		return lang.X("ticket.purchased_proof", "{{.Date}} (proof: {{.Proof}})", map[string]any{"Date": dateText(p.PurchaseDate), "Proof": p.ProofOfPurchase})
	case !p.PurchaseDate.IsZero():
		return lang.X("ticket.purchased_no_proof", "{{.Date}} (no proof of purchase)", map[string]any{"Date": dateText(p.PurchaseDate)})
	case !p.ManufactureDate.IsZero():
		return lang.X("ticket.manufactured", "No proof of purchase; made {{.Date}}", map[string]any{"Date": dateText(p.ManufactureDate)})
	}
	return lang.X("ticket.no_purchase_info", "No proof of purchase")
}

func (v *TicketDetailView) renderDecision(tv ticketView) fyne.CanvasObject {
	if tv.decErr != nil {
		l := widget.NewLabel(errorText(tv.decErr))
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	d := tv.decision
	headline := widget.NewLabel(coverageText(d.Coverage) + " · " + remedyText(d.Remedy))
	headline.TextStyle.Bold = true
	switch d.Coverage {
	case app.CoverageIn:
		headline.Importance = widget.SuccessImportance
	case app.CoveragePartial:
		headline.Importance = widget.WarningImportance
	default:
		headline.Importance = widget.DangerImportance
	}
	box := container.NewVBox(headline)
	for _, r := range d.Reasons {
		l := widget.NewLabel("• " + reasonText(r))
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	if len(d.Lines) > 0 {
		grid := container.NewGridWithColumns(3)
		for _, line := range d.Lines {
			// Labour, call-out and excess lines carry app's English text:
			// name them in the user's language.
			text := line.Text
			if line.Kind != app.ChargePart {
				text = chargeKindText(line.Kind)
			} else if p, ok := tv.parts[line.Part]; ok && preferChinese() && p.NameZH != "" {
				text = p.NameZH
			}
			if text == "" {
				text = chargeKindText(line.Kind)
			}
			if line.Qty > 1 {
				text = fmt.Sprintf("%s × %d", text, line.Qty)
			}
			covered := lang.X("warranty.line.charged", "charged")
			if line.Covered {
				covered = lang.X("warranty.line.covered", "covered")
			}
			nameLabel := widget.NewLabel(text)
			nameLabel.Truncation = fyne.TextTruncateEllipsis
			grid.Add(nameLabel)
			grid.Add(widget.NewLabel(moneyText(line.Amount)))
			grid.Add(widget.NewLabel(covered))
		}
		box.Add(grid)
	}
	total := widget.NewLabel(lang.X("warranty.total", "Customer pays {{.Total}} (incl. {{.Tax}} tax)", map[string]any{"Total": moneyText(d.Total), "Tax": moneyText(d.Tax)}))
	total.TextStyle.Bold = true
	box.Add(total)
	rules := widget.NewLabel(lang.X("warranty.rules_version", "Rules {{.RuleSet}} v{{.Version}}", map[string]any{"RuleSet": d.RuleSet, "Version": d.RuleSetVersion}))
	rules.Importance = widget.LowImportance
	box.Add(rules)
	return box
}

// preferChinese reports whether part names should show in Chinese.
func preferChinese() bool {
	return strings.HasPrefix(lang.SystemLocale().LanguageString(), "zh")
}

// ticket returns the ticket on screen.
func (v *TicketDetailView) ticket() (app.Ticket, bool) {
	if v.current == nil {
		return app.Ticket{}, false
	}
	return v.current.detail.Ticket, true
}

func resolutionOrEmpty(r app.Resolution) string {
	if r == "" {
		return ""
	}
	return resolutionText(r)
}

// optionalTime is "" for a time not reached yet, so the row is left out.
func optionalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return timeText(t)
}
