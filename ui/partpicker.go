package ui

import (
	"fmt"
	"slices"
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

// pickLimit bounds each catalog search of the add-part dialog; the parts
// in the technician's own stock that match are added on top of it.
const pickLimit = 50

// partPicker is the add-part dialog of a ticket: it finds a part (typed,
// scanned, or from the technician's own stock), fits it from that stock or
// requests it. A scan of a part fills its search.
type partPicker struct {
	env  partsEnv
	host pickerHost
	tk   app.Ticket
	// stockLoc is where fitted parts come from; defectiveLoc takes the
	// removed ones. stock is the quantity of each part at stockLoc.
	// mine are the catalog entries of the parts in stock, read once.
	stockLoc, defectiveLoc app.Location
	stock                  map[app.PartNumber]int
	mine                   []app.Part

	query    *scanEntry
	onlyMine *scanCheck
	qty      *scanEntry
	serial   *scanEntry
	removed  *scanEntry
	results  *scanList
	// units lists the chosen part's units at stockLoc (partunits.go);
	// center holds the results, and the units under them when there are.
	units  *partUnits
	center *fyne.Container
	body   *fyne.Container   // the form, center and buttons
	hidden *widget.Hyperlink // "N more parts not for this model: show all"
	// noneFit says that none of the parts listed is the ticket's model's,
	// when the catalog lists none for it that matches: they are shown
	// rather than nothing, and the technician checks before fitting.
	noneFit *widget.Label
	// nothing says that the search found no part at all, and what to try:
	// the list stood empty under the box without a word.
	nothing *widget.Label
	// serialNote says under the serial box, as soon as a serial is
	// scanned or typed, that the unit it names is fitted on another
	// ticket (Fit asks first) or on this one (Fit refuses): before, the
	// technician learnt it only from Fit, the unit already in the device.
	serialNote *widget.Label
	// fitButton and requestButton trade the dialog's blue: Fit for a
	// part the van holds, Request for one it holds none of (chooseAction).
	fitButton, requestButton *widget.Button
	dialog                   *dialog.CustomDialog
	onClosed                 func()

	// Owned by the UI goroutine.
	found   []app.Part
	chosen  int
	showAll bool
	// fitting is set from a tap on Fit until the fit is saved or
	// declined: its check reads the units in the background, and a
	// second tap meanwhile must not fit the part twice.
	fitting  bool
	searches coalescer
	// checks coalesces serialNote's look-ups: one at a time, the last
	// serial typed looked up when it ends.
	checks coalescer
}

// pickerHost is what the add-part dialog asks of the terminal.
type pickerHost interface {
	commitHost
	dialogTracker
	requester
	showError(err error)
}

// openPartPicker reads the technician's locations and stock off the UI
// goroutine, then shows the add-part dialog for tk, searching for query.
// onOpen receives the dialog once it shows, onClosed runs when it goes.
func openPartPicker(env partsEnv, host pickerHost, tk app.Ticket, query string, onOpen func(*partPicker), onClosed func()) {
	env.run(func() {
		stockLoc, defectiveLoc, err := env.myLocations()
		var stock map[app.PartNumber]int
		var mine []app.Part
		if err == nil {
			stock, err = env.quantities(stockLoc.ID)
		}
		if err == nil {
			mine, err = env.stockParts(stock, maxStockParts)
		}
		fyne.Do(func() {
			if err != nil {
				host.showError(err)
				return
			}
			pp := &partPicker{env: env, host: host, tk: tk, stockLoc: stockLoc, defectiveLoc: defectiveLoc, stock: stock, mine: mine, chosen: -1, onClosed: onClosed}
			if pp.show(query) {
				onOpen(pp)
			}
		})
	})
}

// show builds the dialog; false when there is no window to show it in.
func (pp *partPicker) show(query string) bool {
	win := pp.host.window()
	if win == nil {
		return false
	}
	keys := pp.env.keys
	pp.query = newScanEntry(keys)
	pp.query.SetPlaceHolder(lang.X("parts.search_hint", "Part number, name in any language, or scan its label"))
	pp.qty = newScanEntry(keys)
	pp.qty.SetText("1")
	pp.serial = newScanEntry(keys)
	pp.serial.SetPlaceHolder(lang.X("parts.serial_hint", "Serial of the new part, if it has one"))
	pp.serial.OnChanged = func(text string) {
		pp.units.show()
		if pp.units.unit(text) != "" {
			pp.units.picked()
		}
		pp.checkSerial()
	}
	pp.serialNote = widget.NewLabel("")
	pp.serialNote.Wrapping = fyne.TextWrapWord
	pp.serialNote.Hide()
	pp.removed = newScanEntry(keys)
	pp.removed.SetPlaceHolder(lang.X("parts.defective_hint", "Serial of the removed part, when it goes back"))
	pp.onlyMine = newScanCheck(keys, lang.X("parts.only_mine", "Only parts in my stock"))
	pp.onlyMine.OnChanged = func(bool) { pp.search() }
	// A link that wraps, under the box: as a button beside it, "33
	// autres pièces pas pour ce modèle : tout afficher" was wider than a
	// phone.
	pp.hidden = &widget.Hyperlink{Wrapping: fyne.TextWrapWord, OnTapped: func() {
		pp.showAll = true
		pp.search()
	}}
	pp.hidden.ExtendBaseWidget(pp.hidden)
	pp.hidden.Hide()
	pp.noneFit = widget.NewLabel("")
	pp.noneFit.Importance = widget.WarningImportance
	pp.noneFit.Wrapping = fyne.TextWrapWord
	pp.noneFit.Hide()
	pp.nothing = widget.NewLabel("")
	pp.nothing.Wrapping = fyne.TextWrapWord
	pp.nothing.Hide()

	pp.results = newScanList(keys, func() int { return len(pp.found) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("part")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(pp.found) {
				return
			}
			o.(*widget.Label).SetText(pp.line(pp.found[i]))
		})
	pp.results.OnSelected = func(i widget.ListItemID) {
		pp.chosen = i
		if i < len(pp.found) {
			pp.units.load(pp.found[i].Number)
		}
		pp.chooseAction()
		pp.checkSerial() // the serial may be another part's unit
	}
	// The results fill the room alone until a part with units is
	// chosen; then they keep the height of their rows and the units
	// take the rest (pickLists).
	pp.units = newPartUnits(pp)
	pp.center = container.New(&pickLists{results: pp.results, units: pp.units.list, rows: func() (int, int) { return len(pp.found), len(pp.units.shown) }},
		pp.results, pp.units.pane)
	pp.query.OnSubmitted = func(string) { pp.search() }
	pp.query.OnChanged = func(string) {
		pp.showAll = false
		pp.search()
	}

	form := container.NewVBox(pp.query, pp.onlyMine, pp.hidden, pp.noneFit, pp.nothing,
		lowLabel(lang.X("parts.stock_heading", "Quantities held in {{.Where}}:", map[string]any{"Where": pp.stockLoc.Name})))
	cancel := widget.NewButton(lang.X("dialog.cancel", "Cancel"), pp.leave)
	// A part not in the van is requested: the ticket waits for it, with
	// the part named for dispatch.
	request := widget.NewButtonWithIcon(lang.X("parts.request", "Not in stock: request it"), theme.MailSendIcon(), pp.request)
	fit := widget.NewButtonWithIcon(lang.X("parts.fit", "Fit part"), theme.ConfirmIcon(), pp.fit)
	pp.fitButton, pp.requestButton = fit, request
	pp.chooseAction()
	bottom := container.NewVBox(
		fitFormShort(widget.NewForm(
			widget.NewFormItem(lang.X("parts.qty", "Quantity"), pp.qty),
			// The note right under the box it speaks of.
			widget.NewFormItem(lang.X("part.serial", "Serial"), container.NewVBox(pp.serial, pp.serialNote)),
			widget.NewFormItem(lang.X("parts.defective", "Removed part"), pp.removed),
		)),
		lowLabel(lang.X("parts.from", "Taken from {{.Where}}.", map[string]any{"Where": pp.stockLoc.Name})),
		// The buttons under the body, across its width, side by side
		// where they fit and stacked on a phone (buttonsFit), as the
		// ship-back's and the stock dialogs'. In the dialog's own button
		// bar they were given the widest one's width and stood one above
		// the other even on a tablet.
		container.New(&buttonsFit{}, cancel, request, fit),
	)
	pp.body = container.NewBorder(form, bottom, nil, nil, pp.center)
	pp.dialog = dialog.NewCustomWithoutButtons(lang.X("parts.add", "Add part"), pp.body, win)
	pp.dialog.SetOnClosed(pp.onClosed)
	pp.dialog.Resize(listDialogSize(win))
	pp.host.presentForm(pp.dialog, nil, nil, pp.leave)
	// The first search reads the catalog and the ticket's likely parts: a
	// second or more on a loaded tablet. Until it answers the list is
	// empty under the van's heading, which read as a van with nothing in it.
	pp.nothing.SetText(lang.X("parts.finding", "Finding the parts for this job…"))
	pp.nothing.Show()
	pp.query.SetText(query)
	if query == "" {
		pp.search()
	}
	win.Canvas().Focus(pp.query)
	return true
}

// chooseAction makes Request the dialog's blue button while the part
// chosen is one the van holds none of, and Fit otherwise. On the Spanish
// walk a pump at "0 en inventario" was chosen under a blue "Instalar
// repuesto", which leads to the below-zero warning, not to the request
// the technician needed.
func (pp *partPicker) chooseAction() {
	if pp.fitButton == nil {
		return
	}
	fit, request := widget.HighImportance, widget.MediumImportance
	if pp.chosen >= 0 && pp.chosen < len(pp.found) && pp.stock[pp.found[pp.chosen].Number] <= 0 {
		fit, request = request, fit
	}
	if pp.fitButton.Importance != fit {
		pp.fitButton.Importance, pp.requestButton.Importance = fit, request
		pp.fitButton.Refresh()
		pp.requestButton.Refresh()
	}
}

// line is a result's text: number, name and how many the van holds; the
// heading above the results names the van once.
func (pp *partPicker) line(p app.Part) string {
	return fmt.Sprintf("%s · %s · %s", p.Number, partName(p),
		lang.X("parts.qty_in_stock", "{{.Qty}} in stock", map[string]any{"Qty": countText(pp.stock[p.Number])}))
}

func (pp *partPicker) close() {
	pp.dialog.Hide()
}

// leave closes the dialog (Cancel, Escape), asking first when a serial
// or a quantity was typed (leaveDialog): the serials of the new and the
// removed part, read off their labels, went without a word at a stray
// Escape. The search is not asked about: it is typed again in a moment,
// and a scan fills it.
func (pp *partPicker) leave() {
	typed := strings.TrimSpace(pp.serial.Text) != "" || strings.TrimSpace(pp.removed.Text) != "" || strings.TrimSpace(pp.qty.Text) != "1"
	leaveDialog(pp.host, typed, pp.close)
}

// search runs the query in the background and shows what it finds.
func (pp *partPicker) search() {
	q, onlyMine, showAll := strings.TrimSpace(pp.query.Text), pp.onlyMine.Checked, pp.showAll
	if !pp.searches.start() {
		return
	}
	pp.env.run(func() {
		found, hidden, more, noneFit, err := pp.env.pickParts(q, pp.tk.Product.Model, pp.stock, pp.mine, onlyMine, showAll)
		fyne.Do(func() {
			if !pp.searches.done() {
				pp.search() // the query changed meanwhile
				return
			}
			if err != nil {
				pp.host.showError(err)
				return
			}
			pp.found, pp.chosen = found, -1
			pp.results.UnselectAll()
			pp.chooseAction()
			pp.units.clear()
			pp.checkSerial()
			pp.results.Refresh()
			// A scanned or typed part number picks its part, even when
			// longer numbers start with it.
			if i := slices.IndexFunc(found, func(p app.Part) bool { return strings.EqualFold(string(p.Number), q) }); i >= 0 {
				pp.results.Select(i)
			} else if len(found) == 1 {
				pp.results.Select(0)
			}
			if noneFit {
				pp.noneFit.SetText(lang.X("parts.none_fit", "None of these parts is listed for {{.Model}}: check that it fits before fitting it.", map[string]any{"Model": pp.tk.Product.Model}))
				pp.noneFit.Show()
			} else {
				pp.noneFit.Hide()
			}
			switch {
			case len(found) > 0 || q == "":
				pp.nothing.Hide()
			case onlyMine:
				pp.nothing.SetText(lang.X("parts.nothing_mine", "Nothing in your stock matches \"{{.Query}}\". Untick \"Only parts in my stock\" to search the whole catalog.", map[string]any{"Query": q}))
				pp.nothing.Show()
			default:
				pp.nothing.SetText(lang.X("parts.nothing", "No part matches \"{{.Query}}\". Try fewer letters, another word, or the number on the part's label. A part the catalog lacks: tell dispatch in a note.", map[string]any{"Query": q}))
				pp.nothing.Show()
			}
			switch {
			case hidden == 0:
				pp.hidden.Hide()
			case more:
				pp.hidden.SetText(lang.X("parts.hidden_more", "More parts not for this model: show all"))
				pp.hidden.Show()
			default:
				pp.hidden.SetText(lang.XN("parts.hidden", "{{.Count}} more parts not for this model: show all", hidden, map[string]any{"Count": countText(hidden)}))
				pp.hidden.Show()
			}
			// The lines above the results come and go, and the results'
			// height follows their rows (pickLists): laid out again.
			pp.body.Refresh()
		})
	})
}

// pickParts finds the parts the dialog lists for q on a ticket for model:
// those listed for the model, then the rest of the catalog that matches,
// and every part of the technician's stock (mine) that matches (a catalog
// search stops at its limit, and a part in the van must never be missed). With
// onlyMine only the parts in stock are kept. Unless showAll, parts not for
// the model are left out when some are, and counted in hidden; more is
// true when the catalog search stopped at its limit, so there may be more
// than hidden. When none is for the model, all are kept and noneFit is
// true. Parts in stock come first.
func (e partsEnv) pickParts(q, model string, stock map[app.PartNumber]int, mine []app.Part, onlyMine, showAll bool) (parts []app.Part, hidden int, more, noneFit bool, err error) {
	seen := map[app.PartNumber]bool{}
	add := func(ps ...app.Part) {
		for _, p := range ps {
			if !seen[p.Number] && (!onlyMine || stock[p.Number] > 0) {
				seen[p.Number] = true
				parts = append(parts, p)
			}
		}
	}
	if !onlyMine {
		if model != "" {
			ps, err := e.parts.FindParts(e.ctx, app.PartFilter{Query: q, Model: model, Limit: pickLimit})
			if err != nil {
				return nil, 0, false, false, err
			}
			add(ps...)
		}
		if q != "" {
			ps, err := e.parts.FindParts(e.ctx, app.PartFilter{Query: q, Limit: pickLimit})
			if err != nil {
				return nil, 0, false, false, err
			}
			more = len(ps) == pickLimit
			add(ps...)
		}
	}
	for _, p := range mine {
		if q == "" || matchesPart(p, q) {
			add(p)
		}
	}

	if model != "" && !showAll {
		fits := slices.DeleteFunc(slices.Clone(parts), func(p app.Part) bool { return !p.Fits(model) })
		// Nothing listed for the model: the catalog may not know the
		// model yet, so everything that matches is shown.
		if len(fits) > 0 {
			hidden = len(parts) - len(fits)
			parts = fits
		} else {
			noneFit = len(parts) > 0
		}
	}
	more = more && hidden > 0
	slices.SortStableFunc(parts, func(a, b app.Part) int {
		return boolOrder(stock[a.Number] > 0, stock[b.Number] > 0)
	})
	return parts, hidden, more, noneFit, nil
}

// boolOrder sorts true before false.
func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// chosenPart is the part picked in the list, or an error saying how to
// pick one.
func (pp *partPicker) chosenPart() (app.Part, error) {
	if pp.chosen < 0 || pp.chosen >= len(pp.found) {
		return app.Part{}, app.Errorf(app.EINVALID, "parts.none_chosen", "Choose a part from the list, or scan its label.")
	}
	return pp.found[pp.chosen], nil
}

// request asks dispatch for the chosen part: the ticket waits for it.
func (pp *partPicker) request() {
	p, err := pp.chosenPart()
	if err != nil {
		pp.host.showError(err)
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(pp.qty.Text))
	if err != nil || n < 1 {
		n = 1
	}
	pp.close()
	if pp.env.supply != nil {
		pp.host.requestPart(pp.tk, p, n, pp.stockLoc)
		return
	}
	requestPart(pp.host, pp.tk, p, n)
}

// requestPart records that tk needs n of p: an in-progress ticket waits
// for parts with the part named in its reason, which dispatch ships
// against; any other ticket gets a note.
func requestPart(host commitHost, tk app.Ticket, p app.Part, n int) {
	reason := lang.X("parts.request_reason", "Needs {{.Part}} {{.Name}} × {{.Qty}}", map[string]any{"Part": string(p.Number), "Name": partName(p), "Qty": countText(n)})
	if tk.Status == app.StatusInProgress {
		host.commit(&app.TransitionTicket{Action: app.ActionWait, Ticket: tk.ID, Epoch: tk.Epoch, Reason: reason}, nil)
		return
	}
	host.commit(&app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: tk.ID, Text: reason}}, nil)
}

// fit fits the chosen part from the technician's stock. Fitting more than
// the stock holds is a fact the ledger keeps (the balance goes below zero
// and dispatch sees a conflict after sync), so it is asked first: the
// technician may have the part in hand, or should request it instead. So
// is a serial that no unit of the part at the stock has, when the part
// has units by serial there or is serialized: a unit may have come
// without a record, or the serial be misread, or the unit be fitted on
// another ticket already. A serial typed in another case is the unit's,
// as recorded, so the unit leaves the stock.
func (pp *partPicker) fit() {
	if pp.fitting {
		return
	}
	p, err := pp.chosenPart()
	if err != nil {
		pp.host.showError(err)
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(pp.qty.Text))
	if err != nil {
		n = 0 // refused by Validate, with the bounds
	}
	fit := &app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: pp.tk.ID, Part: p.Number, Qty: n, Serial: strings.TrimSpace(pp.serial.Text),
		DefectiveSerial: strings.TrimSpace(pp.removed.Text), From: pp.stockLoc.ID}}
	if err := fit.Validate(); err != nil {
		pp.host.showError(err)
		return
	}
	if err := fit.Used.CheckSerialized(p); err != nil {
		pp.host.showError(err)
		return
	}
	// The units and fits are read again (unitFits), as the serial note
	// read them: the list may still be loading, a note still be on its
	// way, and the check must not miss a unit or a fit for it.
	loc := pp.stockLoc
	pp.fitting = true
	pp.env.run(func() {
		units, fits, err := pp.env.unitFits(loc.ID, p.Number, fit.Used.Serial)
		fyne.Do(func() {
			pp.fitting = false
			if err != nil {
				pp.host.showError(err)
				return
			}
			pp.fitChecked(p, fit, units, fits)
		})
	})
}

// unitFits reads the units of part at loc and, when serial is none of
// theirs, the fits of it this device records (PartService.UnitFits): what
// Fit and the serial note decide on. It reads the database: run it off
// the UI goroutine.
func (e partsEnv) unitFits(loc app.LocationID, part app.PartNumber, serial string) ([]string, []app.UnitFit, error) {
	units, err := e.parts.Units(e.ctx, loc, part)
	if err != nil || serial == "" || slices.ContainsFunc(units, func(u string) bool { return strings.EqualFold(u, serial) }) {
		return units, nil, err
	}
	fits, err := e.parts.UnitFits(e.ctx, part, serial)
	return units, fits, err
}

// serialFits reports whether serial names a unit of part at loc and, when
// it does not, the fits of it this device records: what the serial note
// decides on at each keystroke. It reads the serial's own rows (FindUnits,
// UnitFits: the serial indexes), not the part's whole ledger at the stock
// that unitFits reads for Fit, which on a van that fitted 100,000 units
// took 7 ms a keystroke (docs/BENCHMARKS.md, "The serial note's
// look-up"). It reads the database: run it off the UI goroutine.
func (e partsEnv) serialFits(loc app.LocationID, part app.PartNumber, serial string) (atStock bool, fits []app.UnitFit, err error) {
	units, err := e.parts.FindUnits(e.ctx, loc, serial)
	if err != nil {
		return false, nil, err
	}
	if slices.ContainsFunc(units, func(u app.Unit) bool { return u.Part == part }) {
		return true, nil, nil
	}
	fits, err = e.parts.UnitFits(e.ctx, part, serial)
	return false, fits, err
}

// checkSerial looks up the unit the serial box names, off the UI
// goroutine, and says under the box what Fit will ask or refuse of it
// (serialNote): fitted on another ticket, or on this one. Nothing is said
// of a unit at the stock, nor with no part chosen. Each change of the box
// or of the part chosen calls it. Typing does not queue look-ups: one runs
// at a time (checks), and when it ends with the box changed meanwhile its
// answer is dropped and only the latest serial is looked up.
func (pp *partPicker) checkSerial() {
	p, err := pp.chosenPart()
	serial := strings.TrimSpace(pp.serial.Text)
	if err != nil || serial == "" {
		// A look-up on its way finds the box changed, and says nothing.
		pp.showSerialNote("", false)
		return
	}
	if !pp.checks.start() {
		return
	}
	loc := pp.stockLoc.ID
	pp.env.run(func() {
		atStock, fits, err := pp.env.serialFits(loc, p.Number, serial)
		fyne.Do(func() {
			if !pp.checks.done() {
				pp.checkSerial() // the box changed meanwhile: the latest
				return
			}
			if now, nerr := pp.chosenPart(); nerr != nil || now.Number != p.Number || strings.TrimSpace(pp.serial.Text) != serial {
				pp.checkSerial() // changed to nothing, or by a path that did not ask
				return
			}
			if err != nil {
				pp.showSerialNote(errorText(err), true)
				return
			}
			pp.showSerialNote(pp.serialNoteText(p, serial, atStock, fits))
		})
	})
}

// serialNoteText is what the serial note says of serial, a unit of p,
// given whether it is a unit at the stock and its fits (serialFits), as
// fitChecked decides: refused is true when Fit would refuse it.
func (pp *partPicker) serialNoteText(p app.Part, serial string, atStock bool, fits []app.UnitFit) (text string, refused bool) {
	if atStock {
		return "", false
	}
	elsewhere, ok, err := app.CheckRefit(app.PartUsed{Ticket: pp.tk.ID, Part: p.Number, Serial: serial}, fits)
	switch {
	case err != nil:
		return errorText(err), true
	case !ok:
		return "", false
	}
	data := map[string]any{"Serial": clipText(elsewhere.Serial), "Number": elsewhere.Number, "Customer": clipText(elsewhere.Customer), "Date": dateText(pp.env.zone, elsewhere.At)}
	if elsewhere.Removed {
		return lang.X("parts.serial_note_removed", "Serial {{.Serial}} was fitted on ticket {{.Number}} ({{.Customer}}, {{.Date}}) and removed since as defective. Check the serial on the unit in your hand.", data), false
	}
	return lang.X("parts.serial_note_elsewhere", "Serial {{.Serial}} is fitted on ticket {{.Number}} ({{.Customer}}, {{.Date}}): one unit cannot be in two devices. Check the serial on the unit in your hand.", data), false
}

// showSerialNote shows text under the serial box, red when Fit would
// refuse the unit, orange when it asks; an empty text hides it.
func (pp *partPicker) showSerialNote(text string, refused bool) {
	if text == "" {
		if pp.serialNote.Visible() {
			pp.serialNote.Hide()
			pp.body.Refresh()
		}
		return
	}
	pp.serialNote.Importance = widget.WarningImportance
	if refused {
		pp.serialNote.Importance = widget.DangerImportance
	}
	pp.serialNote.SetText(text)
	if !pp.serialNote.Visible() {
		pp.serialNote.Show()
		pp.body.Refresh()
	}
}

// fitChecked fits after fit's checks, given the part's units at the
// stock and, when the serial is none of theirs, the fits of it the device
// records: at once, or after one question naming every doubt. A serial
// fitted on this ticket already is refused (app.CheckRefit), the dialog
// left open to correct it.
func (pp *partPicker) fitChecked(p app.Part, fit *app.ConsumePart, units []string, fits []app.UnitFit) {
	var doubts []string
	title := ""
	if serial := fit.Used.Serial; serial != "" {
		if i := slices.IndexFunc(units, func(u string) bool { return strings.EqualFold(u, serial) }); i >= 0 {
			fit.Used.Serial = units[i]
		} else if elsewhere, ok, err := app.CheckRefit(fit.Used, fits); err != nil {
			pp.host.showError(err)
			return
		} else if ok {
			title = lang.X("parts.unit_fitted_title", "Serial fitted on ticket {{.Number}}", map[string]any{"Number": elsewhere.Number})
			data := map[string]any{"Serial": clipText(elsewhere.Serial), "Number": elsewhere.Number, "Customer": clipText(elsewhere.Customer), "Date": dateText(pp.env.zone, elsewhere.At)}
			if elsewhere.Removed {
				doubts = append(doubts, lang.X("parts.unit_fitted_removed", "Serial {{.Serial}} was fitted on ticket {{.Number}} ({{.Customer}}, {{.Date}}) and removed since as defective: fit it here too? Check the serial; fit it only if it is the unit in your hand.", data))
			} else {
				doubts = append(doubts, lang.X("parts.unit_fitted_elsewhere", "Serial {{.Serial}} was fitted on ticket {{.Number}} ({{.Customer}}, {{.Date}}): fit it here too? One unit cannot be in two devices: check the serial on the unit in your hand. Fit it anyway only if it is this unit, and tell dispatch so they correct ticket {{.Number}}.", data))
			}
		} else if p.Serialized || len(units) > 0 {
			title = lang.X("parts.unit_unknown_title", "Serial not in {{.Where}}", map[string]any{"Where": pp.stockLoc.Name})
			doubts = append(doubts, lang.X("parts.unit_unknown", "No unit of {{.Part}} in {{.Where}} has serial {{.Serial}} on this device: it may have arrived without a record, be misread, or be fitted on another ticket already. Check the serial; fit it anyway if it is the unit in your hand, and dispatch sorts the records out after sync.",
				map[string]any{"Where": pp.stockLoc.Name, "Part": partName(p) + " (" + string(p.Number) + ")", "Serial": clipText(serial)}))
		}
	}
	n, have := fit.Used.Qty, pp.stock[p.Number]
	if n > have {
		if title == "" {
			title = lang.X("parts.short_title", "Not enough in {{.Where}}", map[string]any{"Where": pp.stockLoc.Name})
		}
		doubts = append(doubts, lang.X("parts.short", "{{.Where}} holds {{.Have}} of {{.Part}}: fitting {{.Qty}} puts it below zero, which dispatch must sort out after sync. Request the part instead, or fit it anyway if you have it in hand.",
			map[string]any{"Where": pp.stockLoc.Name, "Have": countText(have), "Part": partName(p) + " (" + string(p.Number) + ")", "Qty": countText(n)}))
	}
	if len(doubts) == 0 {
		pp.commitFit(p, fit)
		return
	}
	confirmAction(pp.host, title, strings.Join(doubts, "\n\n"),
		lang.X("parts.fit_anyway", "Fit anyway"), lang.X("parts.dont_fit", "Don't fit"), true, func() { pp.commitFit(p, fit) })
}

func (pp *partPicker) commitFit(p app.Part, fit *app.ConsumePart) {
	tk, used, defectiveLoc := pp.tk, fit.Used, pp.defectiveLoc
	pp.close()
	pp.host.commit(fit, func() {
		if used.DefectiveSerial == "" && !p.ReturnNeeded || defectiveLoc.ID == "" {
			return
		}
		// The removed part goes into the defective bin, to be shipped
		// back: a second fact, committed after the first.
		pp.host.commit(&app.ReturnDefective{Movement: app.StockMovement{ID: app.NewID(), Part: p.Number, To: defectiveLoc.ID, Qty: used.Qty,
			Serial: used.DefectiveSerial, Ticket: tk.ID, Reason: tk.Number}}, nil)
	})
}

// addPart opens the add-part dialog of tk, searching for query; a scan
// fills it while it is open.
func (t *Terminal) addPart(tk app.Ticket, query string) {
	var open *partPicker
	openPartPicker(t.partsEnv(), terminalParts{t}, tk, query, func(pp *partPicker) {
		open = pp
		t.partPicker = pp
	}, func() {
		if t.partPicker == open {
			t.partPicker = nil
		}
	})
}

// maxStockParts bounds the parts of the technician's stock the add-part
// dialog reads when it opens: a van holds tens to hundreds of different
// parts, a store's shelf a few thousand.
const maxStockParts = 5000

// stockParts returns the catalog entries of the parts of stock with a
// positive quantity, by part number, at most limit of them.
func (e partsEnv) stockParts(stock map[app.PartNumber]int, limit int) ([]app.Part, error) {
	numbers := make([]app.PartNumber, 0, len(stock))
	for n, qty := range stock {
		if qty > 0 {
			numbers = append(numbers, n)
		}
	}
	slices.Sort(numbers)
	var out []app.Part
	for _, n := range numbers[:min(len(numbers), limit)] {
		p, err := e.parts.Part(e.ctx, n)
		if app.ErrorCode(err) == app.ENOTFOUND {
			// Stock of a part the catalog on this device does not list
			// yet: shown by its number until the next sync.
			p, err = app.Part{Number: n, NameEN: string(n)}, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
