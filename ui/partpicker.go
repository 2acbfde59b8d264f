package ui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// myLocations returns the technician's own stock location (van or store)
// and defective bin, from the locations on the device.
func (t *Terminal) myLocations() (stock, defective app.Location, err error) {
	locs, err := t.deps.Parts.Locations(t.ctx)
	if err != nil {
		return stock, defective, err
	}
	mine := func(l app.Location) bool {
		return l.Owner == string(t.deps.Technician) || t.deps.Store != "" && l.Owner == string(t.deps.Store)
	}
	for _, l := range locs {
		switch {
		case !mine(l):
		case l.Kind == app.LocationDefective && defective.ID == "":
			defective = l
		case (l.Kind == app.LocationVan || l.Kind == app.LocationStore) && (stock.ID == "" || l.Kind == app.LocationVan):
			stock = l
		}
	}
	if stock.ID == "" {
		return stock, defective, app.Errorf(app.ENOTFOUND, "parts.no_stock_location", "No van or store stock is assigned to you on this device. Sync, or ask dispatch to assign one.")
	}
	return stock, defective, nil
}

// partPicker is the open add-part dialog; a scan of a part fills it.
type partPicker struct {
	query   *scanEntry
	results *widget.List
	found   []app.Part
	stock   map[app.PartNumber]int
	chosen  int
}

// addPart opens the add-part dialog, searching for query.
func (t *Terminal) addPart(tk app.Ticket, query string) {
	// The technician's locations and stock come from SQLite: read them off
	// the UI goroutine, then build the dialog on it.
	t.deps.Run(func() {
		stockLoc, defectiveLoc, err := t.myLocations()
		stock := map[app.PartNumber]int{}
		if err == nil {
			var bal []app.Balance
			if bal, err = t.deps.Parts.Balances(t.ctx, stockLoc.ID); err == nil {
				for _, b := range bal {
					stock[b.Part] += b.Qty
				}
			}
		}
		fyne.Do(func() {
			if err != nil {
				t.showError(err)
				return
			}
			t.showPartPicker(tk, query, stockLoc, defectiveLoc, stock)
		})
	})
}

// showPartPicker builds and shows the add-part dialog.
func (t *Terminal) showPartPicker(tk app.Ticket, query string, stockLoc, defectiveLoc app.Location, stock map[app.PartNumber]int) {
	pp := &partPicker{stock: stock, chosen: -1}
	pp.query = newScanEntry(t.keys)
	pp.query.SetPlaceHolder(lang.X("parts.search_hint", "Part number, name (中文 or English), or scan its label"))
	qty := newScanEntry(t.keys)
	qty.SetText("1")
	serial := newScanEntry(t.keys)
	serial.SetPlaceHolder(lang.X("parts.serial_hint", "Serial of the new part, if it has one"))
	defective := newScanEntry(t.keys)
	defective.SetPlaceHolder(lang.X("parts.defective_hint", "Serial of the removed part, when it goes back"))
	onlyMine := widget.NewCheck(lang.X("parts.only_mine", "Only parts in my stock"), nil)

	pp.results = widget.NewList(func() int { return len(pp.found) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("part")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			p := pp.found[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s · %s · %s", p.Number, partName(p),
				lang.X("parts.in_stock", "{{.Qty}} in {{.Where}}", map[string]any{"Qty": pp.stock[p.Number], "Where": stockLoc.Name})))
		})
	pp.results.OnSelected = func(i widget.ListItemID) { pp.chosen = i }
	search := func() {
		q := strings.TrimSpace(pp.query.Text)
		t.deps.Run(func() {
			parts, err := t.deps.Parts.FindParts(t.ctx, app.PartFilter{Query: q, Model: tk.Product.Model, Limit: 50})
			if err == nil && len(parts) == 0 {
				// Not listed for this model: look in the whole catalog.
				parts, err = t.deps.Parts.FindParts(t.ctx, app.PartFilter{Query: q, Limit: 50})
			}
			fyne.Do(func() {
				if err != nil {
					t.showError(err)
					return
				}
				if onlyMine.Checked {
					kept := parts[:0]
					for _, p := range parts {
						if pp.stock[p.Number] > 0 {
							kept = append(kept, p)
						}
					}
					parts = kept
				}
				pp.found, pp.chosen = parts, -1
				pp.results.UnselectAll()
				pp.results.Refresh()
				if len(parts) == 1 {
					pp.results.Select(0)
				}
			})
		})
	}
	pp.query.OnSubmitted = func(string) { search() }
	pp.query.OnChanged = func(string) { search() }
	onlyMine.OnChanged = func(bool) { search() }
	pp.query.SetText(query)
	if query == "" {
		search()
	}

	form := container.NewVBox(pp.query, onlyMine)
	bottom := container.NewVBox(
		widget.NewForm(
			widget.NewFormItem(lang.X("parts.qty", "Quantity"), qty),
			widget.NewFormItem(lang.X("part.serial", "Serial"), serial),
			widget.NewFormItem(lang.X("parts.defective", "Removed part"), defective),
		),
		lowLabel(lang.X("parts.from", "Taken from {{.Where}}.", map[string]any{"Where": stockLoc.Name})),
	)
	body := container.NewBorder(form, bottom, nil, nil, pp.results)

	// A part not in the van is requested: the ticket waits for it, with
	// the part named for dispatch.
	var d dialog.Dialog
	request := widget.NewButtonWithIcon(lang.X("parts.request", "Not in stock: request it"), theme.MailSendIcon(), func() {
		if pp.chosen < 0 || pp.chosen >= len(pp.found) {
			t.showError(app.Errorf(app.EINVALID, "parts.none_chosen", "Choose a part from the list, or scan its label."))
			return
		}
		p := pp.found[pp.chosen]
		n, err := strconv.Atoi(strings.TrimSpace(qty.Text))
		if err != nil || n < 1 {
			n = 1
		}
		reason := lang.X("parts.request_reason", "Needs {{.Part}} {{.Name}} × {{.Qty}}", map[string]any{"Part": string(p.Number), "Name": partName(p), "Qty": n})
		d.Hide()
		t.partPicker = nil
		if tk.Status == app.StatusInProgress {
			t.commit(&app.TransitionTicket{Action: app.ActionWait, Ticket: tk.ID, Epoch: tk.Epoch, Reason: reason}, nil)
			return
		}
		t.commit(&app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: tk.ID, Text: reason}}, nil)
	})
	bottom.Add(container.NewHBox(request))
	d = dialog.NewCustomConfirm(lang.X("parts.add", "Add part"), lang.X("parts.fit", "Fit part"), lang.X("dialog.cancel", "Cancel"), body, func(ok bool) {
		t.partPicker = nil
		if !ok {
			return
		}
		if pp.chosen < 0 || pp.chosen >= len(pp.found) {
			t.showError(app.Errorf(app.EINVALID, "parts.none_chosen", "Choose a part from the list, or scan its label."))
			return
		}
		p := pp.found[pp.chosen]
		n, err := strconv.Atoi(strings.TrimSpace(qty.Text))
		if err != nil {
			t.showError(app.Errorf(app.EINVALID, "stock.bad_qty", "Quantity must be between 1 and 1000."))
			return
		}
		used := app.PartUsed{ID: app.NewID(), Ticket: tk.ID, Part: p.Number, Qty: n, Serial: strings.TrimSpace(serial.Text),
			DefectiveSerial: strings.TrimSpace(defective.Text), From: stockLoc.ID}
		t.commit(&app.ConsumePart{Used: used}, func() {
			if used.DefectiveSerial == "" && !p.ReturnNeeded || defectiveLoc.ID == "" {
				return
			}
			// The removed part goes into the defective bin, to be shipped
			// back: a second fact, committed after the first.
			t.commit(&app.ReturnDefective{Movement: app.StockMovement{ID: app.NewID(), Part: p.Number, To: defectiveLoc.ID, Qty: n,
				Serial: used.DefectiveSerial, Ticket: tk.ID, Reason: tk.Number}}, nil)
		})
	}, t.win)
	if t.win == nil {
		return
	}
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.96, 640), min(t.win.Canvas().Size().Height*0.94, 720)))
	t.partPicker = pp
	d.Show()
	t.win.Canvas().Focus(pp.query)
}
