package ui

import (
	"time"

	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// partCard is the dialog of one part, scanned or picked from a list: what
// it is, where it is in stock, and what a technician does with it next.
type partCard struct {
	host     cardHost
	part     app.Part
	balances []app.Balance // of this part, where there is any
	names    map[app.LocationID]string
	zone     *time.Location // the session's (Deps.Zone)
	env      partsEnv
}

// cardHost is what the part card asks of the terminal.
type cardHost interface {
	commitHost
	showDialog(title string, content fyne.CanvasObject)
	hideDialog()
	// workTicket is the open ticket when parts can be fitted to it now.
	workTicket() (app.Ticket, bool)
	addPart(tk app.Ticket, query string)
	// showStock shows the technician's own stock, searched for query.
	showStock(query string)
	stockHost
}

// loadPartCard reads part n and its stock at every location on the
// device; it runs off the UI goroutine.
func loadPartCard(env partsEnv, host cardHost, n app.PartNumber) (*partCard, error) {
	p, err := env.parts.Part(env.ctx, n)
	if err != nil {
		return nil, err
	}
	c := &partCard{host: host, part: p, names: map[app.LocationID]string{}, zone: env.zone, env: env}
	locs, err := env.parts.Locations(env.ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range locs {
		c.names[l.ID] = l.Name
		bal, err := env.parts.Balances(env.ctx, l.ID)
		if err != nil {
			return nil, err
		}
		for _, b := range bal {
			if b.Part == p.Number && b.Qty != 0 {
				c.balances = append(c.balances, b)
			}
		}
	}
	return c, nil
}

// findPart shows the scanned part. With fallback, a number that is not in
// the catalog is searched for as text.
func (t *Terminal) findPart(m scanner.Meaning, fallback bool) {
	t.openPart(m, fallback, true)
}

// openPart shows the card of the part m names; scanned says so in the
// scan bar, which a tap on a list's row does not: a tap is not a scan.
func (t *Terminal) openPart(m scanner.Meaning, fallback, scanned bool) {
	t.deps.Run(func() {
		c, err := loadPartCard(t.partsEnv(), terminalParts{t}, m.Part)
		fyne.Do(func() {
			switch {
			case app.ErrorCode(err) == app.ENOTFOUND && fallback:
				t.router.findText(scanner.Meaning{Kind: scanner.ScanText, Text: string(m.Part)})
			case err != nil:
				t.setScanStatus(err != nil, errorText(err))
			default:
				c.show(m)
				if scanned {
					t.setScanStatus(false, lang.X("scan.part", "Scanned part {{.Part}}.", map[string]any{"Part": string(c.part.Number)}))
				}
			}
		})
	})
}

// show shows the card, with what the scan m read from the part's label.
func (c *partCard) show(m scanner.Meaning) {
	p := c.part
	info := fields(
		lang.X("part.number", "Part number"), string(p.Number),
		lang.X("part.name", "Name"), partName(p),
		lang.X("part.brand", "Brand"), p.Brand,
		lang.X("part.models", "Fits"), strings.Join(p.Models, ", "),
		lang.X("part.serial", "Serial"), m.PartSerial,
		lang.X("part.lot", "Lot"), m.Lot,
		lang.X("part.expiry", "Expires"), dateText(c.zone, m.Expiry),
		lang.X("part.return_ref", "Return reference"), m.ReturnRef,
	)
	box := container.NewVBox(info)
	if p.ReturnNeeded {
		l := widget.NewLabel(lang.X("part.return_needed", "The defective part goes back to the brand: label it and keep it."))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		box.Add(l)
	}
	box.Add(heading(lang.X("part.stock", "In stock")))
	if len(c.balances) == 0 {
		box.Add(widget.NewLabel(lang.X("part.no_stock", "None at any location on this device.")))
	}
	for _, b := range c.balances {
		where := c.names[b.Location]
		if where == "" {
			where = string(b.Location)
		}
		l := widget.NewLabel(fmt.Sprintf("%s: %s", where, countText(b.Qty)))
		box.Add(l)
		if b.Qty < 0 {
			// The list's row says only "count it": the why and what
			// follows are here, where there is room to read them.
			l.Importance = widget.DangerImportance
			why := widget.NewLabel(lang.X("parts.negative", "Below zero: a move not yet reconciled. Count the part; dispatch corrects the stock after sync."))
			why.Wrapping = fyne.TextWrapWord
			why.Importance = widget.DangerImportance
			box.Add(why)
		}
	}
	box.Add(c.actions())
	c.host.showDialog(lang.X("part.title", "Part"), box)
}

// actions are the card's buttons: with a ticket being worked on, fit the
// part to it or request it for it; always, the technician's own stock of
// the part.
func (c *partCard) actions() fyne.CanvasObject {
	p := c.part
	row := container.NewHBox()
	if tk, ok := c.host.workTicket(); ok {
		fit := widget.NewButtonWithIcon(lang.X("part.fit_to", "Fit to {{.Number}}", map[string]any{"Number": tk.Number}), theme.ContentAddIcon(), func() {
			c.host.hideDialog()
			c.host.addPart(tk, string(p.Number))
		})
		fit.Importance = widget.HighImportance
		request := widget.NewButtonWithIcon(lang.X("part.request_for", "Request for {{.Number}}", map[string]any{"Number": tk.Number}), theme.MailSendIcon(), func() {
			c.host.hideDialog()
			requestPart(c.host, tk, p, 1)
		})
		row.Add(fit)
		row.Add(request)
	}
	row.Add(widget.NewButtonWithIcon(lang.X("part.my_stock", "My stock of it"), theme.StorageIcon(), func() {
		c.host.hideDialog()
		c.host.showStock(string(p.Number))
	}))
	if c.env.canSave {
		// Lost or broken in the van: red, as it takes stock away; the
		// report itself asks before it does.
		problem := widget.NewButtonWithIcon(lang.X("part.report_problem", "Lost or damaged…"), theme.WarningIcon(), func() {
			c.host.hideDialog()
			openStockReport(c.env, c.host, p, func() { c.host.showStock(string(p.Number)) })
		})
		problem.Importance = widget.DangerImportance
		row.Add(problem)
	}
	return container.New(&buttonsFit{}, row.Objects...)
}
