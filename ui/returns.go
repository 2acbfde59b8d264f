package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// Returns: the defective parts in the technician's bin go back to a
// warehouse as one shipment (shipment.send, kind return), each unit with
// the serial and the ticket it came off, so the office can claim it from
// the brand. The shipment then shows on the parts-on-the-way page as sent
// back.

// returnHost is what the ship-back dialog asks of the terminal.
type returnHost interface {
	committer
	dialogTracker
	showError(err error)
	// shipped is told of a return just saved, to offer its papers.
	shipped(s app.Shipment)
}

// returnStock is a part in the bin and the units it holds, newest first,
// with where each came from.
type returnStock struct {
	part     app.Part
	qty      int
	arrivals []app.StockMovement
}

// returnForm is the ship-back dialog.
type returnForm struct {
	env   partsEnv
	host  returnHost
	bin   app.Location
	stock []returnStock
	dests []app.Location
	// usual is the index in dests of the warehouse the technician's
	// parts last came from, -1 when none did: the device knows every
	// warehouse of the tenant, and the first of them may be abroad.
	usual int
	done  func()
}

// maxReturnArrivals bounds the units of one part whose origin the form
// reads: a bin holds a few of each.
const maxReturnArrivals = app.MaxShipmentLines

// openReturnForm reads the bin and the warehouses off the UI goroutine,
// then shows the dialog; done runs after the shipment is saved.
func openReturnForm(env partsEnv, host returnHost, done func()) {
	env.run(func() {
		f, err := env.loadReturn()
		fyne.Do(func() {
			if err != nil {
				host.showError(err)
				return
			}
			f.host, f.done = host, done
			f.show()
		})
	})
}

func (e partsEnv) loadReturn() (*returnForm, error) {
	stock, bin, err := e.myLocations()
	if err != nil {
		return nil, err
	}
	if bin.ID == "" {
		return nil, app.Errorf(app.ENOTFOUND, "parts.no_defective_bin", "No defective-returns bin is assigned to you on this device.")
	}
	f := &returnForm{env: e, bin: bin, usual: -1}
	locs, err := e.parts.Locations(e.ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range locs {
		if l.Kind == app.LocationWarehouse {
			f.dests = append(f.dests, l)
		}
	}
	if len(f.dests) == 0 {
		return nil, app.Errorf(app.ENOTFOUND, "returns.no_warehouse", "No warehouse is known on this device to ship returns to. Sync, or ask the office where to send them.")
	}
	if len(f.dests) == 1 {
		f.usual = 0
	} else if e.supply != nil {
		// Shipments come in transit first, then the latest received.
		ships, err := e.supply.Shipments(e.ctx, []app.LocationID{stock.ID}, maxShipmentsShown)
		if err != nil {
			return nil, err
		}
		for _, s := range ships {
			if i := slices.IndexFunc(f.dests, func(l app.Location) bool { return l.ID == s.From }); i >= 0 && s.Kind == app.ShipmentSupply {
				f.usual = i
				break
			}
		}
	}
	bal, err := e.parts.Balances(e.ctx, bin.ID)
	if err != nil {
		return nil, err
	}
	for _, b := range bal {
		if b.Qty <= 0 {
			continue
		}
		p, err := e.parts.Part(e.ctx, b.Part)
		if app.ErrorCode(err) == app.ENOTFOUND {
			p, err = app.Part{Number: b.Part, NameEN: string(b.Part)}, nil
		}
		if err != nil {
			return nil, err
		}
		arr, err := e.parts.Arrivals(e.ctx, bin.ID, []app.PartNumber{b.Part}, min(b.Qty, maxReturnArrivals))
		if err != nil {
			return nil, err
		}
		f.stock = append(f.stock, returnStock{part: p, qty: b.Qty, arrivals: arr})
	}
	if len(f.stock) == 0 {
		return nil, app.Errorf(app.ENOTFOUND, "returns.empty_bin", "Your defective bin is empty: nothing to ship back.")
	}
	return f, nil
}

// lines are the shipment's lines for the chosen parts: a unit that came
// with a serial or off a ticket keeps them, the rest of a part ships on
// one line.
func (s returnStock) lines() []app.ShipmentLine {
	var out []app.ShipmentLine
	left := s.qty
	for _, m := range s.arrivals {
		if left == 0 {
			break
		}
		n := min(m.Qty, left)
		if m.Serial != "" {
			n = 1
		}
		out = append(out, app.ShipmentLine{Part: s.part.Number, Qty: n, Serial: m.Serial, Ticket: m.Ticket})
		left -= n
	}
	if left > 0 {
		out = append(out, app.ShipmentLine{Part: s.part.Number, Qty: left})
	}
	return out
}

func (f *returnForm) show() {
	win := f.host.window()
	if win == nil {
		return
	}
	checks := make([]*widget.Check, len(f.stock))
	list := container.NewVBox()
	for i, s := range f.stock {
		checks[i] = widget.NewCheck(lang.X("returns.line", "{{.Part}} · {{.Qty}} in the bin", map[string]any{"Part": namedPart(map[app.PartNumber]app.Part{s.part.Number: s.part}, s.part.Number), "Qty": countText(s.qty)}), nil)
		checks[i].SetChecked(true)
		list.Add(wrappedCheck(checks[i], checks[i]))
	}
	names := make([]string, len(f.dests))
	for i, l := range f.dests {
		names[i] = l.Name
	}
	dest := widget.NewSelect(names, nil)
	dest.PlaceHolder = lang.X("returns.choose_to", "Choose the warehouse")
	if f.usual >= 0 {
		dest.SetSelectedIndex(f.usual)
	}
	carrier := newPlainEntry(f.env.keys)
	carrier.SetPlaceHolder(lang.X("returns.carrier_hint", "Courier, or the office's own van"))
	tracking := newPlainEntry(f.env.keys)
	tracking.SetPlaceHolder(lang.X("returns.tracking_hint", "From the courier's label, if any"))
	form := widget.NewForm(
		widget.NewFormItem(lang.X("returns.to", "Ship to"), dest),
		widget.NewFormItem(lang.X("returns.carrier", "Carrier"), carrier),
		widget.NewFormItem(lang.X("returns.tracking", "Tracking number"), tracking),
	)
	var d *dialog.CustomDialog
	send := widget.NewButtonWithIcon(lang.X("returns.send", "Ship back"), theme.MailSendIcon(), func() {
		var lines []app.ShipmentLine
		units := 0
		for i, c := range checks {
			if c.Checked {
				lines = append(lines, f.stock[i].lines()...)
				units += f.stock[i].qty
			}
		}
		if dest.SelectedIndex() < 0 {
			f.host.showError(app.Errorf(app.EINVALID, "returns.no_destination", "Choose the warehouse to ship the parts to; ask the office if you do not know which."))
			return
		}
		to := f.dests[dest.SelectedIndex()]
		cmd := &app.SendShipment{Shipment: app.Shipment{ID: app.NewID(), Kind: app.ShipmentReturn, From: f.bin.ID, To: to.ID,
			Carrier: strings.TrimSpace(carrier.Text), Tracking: strings.TrimSpace(tracking.Text), Lines: lines}}
		if err := cmd.Validate(); err != nil {
			f.host.showError(err)
			return
		}
		confirmAction(f.host, lang.X("returns.confirm_title", "Ship these parts back?"),
			lang.XN("returns.confirm", "{{.Count}} parts leave your defective bin for {{.To}} now; the shipment shows under On the way until it arrives.", units, map[string]any{"Count": countText(units), "To": to.Name}),
			lang.X("returns.send", "Ship back"), lang.X("returns.keep", "Keep in the bin"), false, func() {
				d.Hide()
				f.host.commit(cmd, func() {
					if f.done != nil {
						f.done()
					}
					f.host.shipped(cmd.Shipment)
				})
			})
	})
	send.Importance = widget.HighImportance
	// Cancel and Escape ask first when a carrier or tracking number was
	// typed (leaveDialog): the tracking number, copied off the courier's
	// label, went without a word.
	leave := func() {
		leaveDialog(f.host, strings.TrimSpace(carrier.Text) != "" || strings.TrimSpace(tracking.Text) != "", d.Hide)
	}
	cancel := widget.NewButton(lang.X("dialog.cancel", "Cancel"), leave)
	// Where from is said in the body, where it wraps: in the title, a bin
	// named "Defective returns · van 沪AD88446" ran past a phone's edge.
	from := wrapLabel(lang.X("returns.title", "Ship back from {{.Bin}}", map[string]any{"Bin": f.bin.Name}))
	from.TextStyle.Bold = true
	// The buttons under the body, as the stock dialogs': across the width,
	// side by side where they fit. In the dialog's own button bar they
	// were given only the widest one's width, and stood one above the
	// other even on a tablet.
	buttons := container.New(&buttonsFit{}, cancel, send)
	body := container.NewBorder(container.NewVBox(from, lowLabel(lang.X("returns.choose", "Parts to ship back:"))), container.NewVBox(fitForm(form), buttons), nil, nil, wheelPage(container.NewVScroll(list)))
	d = dialog.NewCustomWithoutButtons(lang.X("returns.send", "Ship back"), body, win)
	d.Resize(listDialogSize(win))
	f.host.presentForm(d, nil, nil, leave)
}
