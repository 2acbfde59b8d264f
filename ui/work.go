package ui

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // photo thumbnails
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"

	"github.com/fieldbench/fieldbench/app"
)

// This file is the work on a ticket: the workflow buttons the state
// machine allows (and why the others are not), diagnosis and resolution,
// the repair log, parts used, photos and notes. Every change is one named
// mutation through Deps.Commit: saved on the device at once, sent by sync.

// commit saves cmd in the background, then reloads the ticket and the
// list. done, if set, runs on the UI goroutine after a successful save.
func (t *Terminal) commit(cmd app.Command, done func()) {
	if t.deps.Commit == nil {
		return
	}
	id := t.detail.shown
	t.deps.Run(func() {
		_, err := t.deps.Commit.Commit(t.ctx, t.deps.Actor, cmd)
		fyne.Do(func() {
			if err != nil {
				t.showError(err)
				return
			}
			if done != nil {
				done()
			}
			t.setScanStatus(false, lang.X("work.saved", "Saved on this device. It is sent with the next sync."))
			t.sync.refresh()
			t.detail.Show(id)
			t.list.Reload()
		})
	})
}

// showError tells the user what went wrong and what to do, in a dialog.
func (t *Terminal) showError(err error) {
	t.setScanStatus(true, errorText(err))
	if t.win == nil {
		return
	}
	l := widget.NewLabel(errorText(err))
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.X("error.title", "Not saved"), lang.X("dialog.close", "Close"), l, t.win)
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.94, 480), 0))
	d.Show()
}

// ask shows a small form and runs ok with it when confirmed.
func (t *Terminal) ask(title, confirm string, items []*widget.FormItem, ok func()) {
	if t.win == nil {
		return
	}
	d := dialog.NewForm(title, confirm, lang.X("dialog.cancel", "Cancel"), items, func(yes bool) {
		if yes {
			ok()
		}
	}, t.win)
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.96, 560), 0))
	t.present(d, d.Submit)
}

func actionText(a app.Action) string {
	switch a {
	case app.ActionDepart:
		return lang.X("action.depart", "On my way")
	case app.ActionArrive:
		return lang.X("action.arrive", "Arrived")
	case app.ActionStart:
		return lang.X("action.start", "Start work")
	case app.ActionWait:
		return lang.X("action.wait_parts", "Wait for parts")
	case app.ActionResume:
		return lang.X("action.resume", "Resume work")
	case app.ActionComplete:
		return lang.X("action.complete", "Complete")
	case app.ActionFail:
		return lang.X("action.fail", "Cannot complete")
	case app.ActionCancel:
		return lang.X("action.cancel", "Cancel ticket")
	case app.ActionClose:
		return lang.X("action.close", "Hand back and close")
	case app.ActionReopen:
		return lang.X("action.reopen", "Reopen")
	}
	return string(a)
}

func resolutionText(r app.Resolution) string {
	switch r {
	case app.ResolutionRepaired:
		return lang.X("resolution.repaired", "Repaired")
	case app.ResolutionReplaced:
		return lang.X("resolution.replaced", "Unit replaced")
	case app.ResolutionRefunded:
		return lang.X("resolution.refunded", "Refunded")
	case app.ResolutionNoFault:
		return lang.X("resolution.no_fault", "No fault found")
	case app.ResolutionAdjusted:
		return lang.X("resolution.adjusted", "Adjusted / advice given")
	case app.ResolutionNotRepaired:
		return lang.X("resolution.not_repaired", "Not repaired (quote declined)")
	}
	return string(r)
}

// workflow renders the buttons of the actions possible from the ticket's
// status: enabled when the state machine allows them now, disabled with
// the reason when a guard refuses them.
func (t *Terminal) workflow(d app.TicketDetail) fyne.CanvasObject {
	tk := d.Ticket
	checks := app.AvailableActions(tk, len(d.Repairs))
	box := container.NewVBox()
	if len(checks) == 0 || t.deps.Commit == nil {
		return box
	}
	buttons := container.NewGridWrap(fyne.NewSize(190, 48))
	var why []string
	primary := true
	for _, c := range checks {
		c := c
		b := widget.NewButton(actionText(c.Action), func() { t.runAction(tk, c.Action) })
		if !c.Allowed {
			b.Disable()
			why = append(why, actionText(c.Action)+": "+errorText(c.Reason))
		} else if primary && c.Action != app.ActionCancel && c.Action != app.ActionFail {
			b.Importance = widget.HighImportance
			primary = false
		}
		buttons.Add(b)
	}
	box.Add(buttons)
	for _, w := range why {
		l := widget.NewLabel(w)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.LowImportance
		box.Add(l)
	}
	return box
}

// runAction asks for what the action needs (a reason, a resolution) and
// commits it.
func (t *Terminal) runAction(tk app.Ticket, a app.Action) {
	cmd := &app.TransitionTicket{Action: a, Ticket: tk.ID, Epoch: tk.Epoch}
	switch a {
	case app.ActionWait, app.ActionFail, app.ActionCancel, app.ActionReopen:
		reason := newScanEntry(t.keys)
		hint := lang.X("action.reason_hint", "Why: the customer and dispatch read this")
		if a == app.ActionWait {
			hint = lang.X("action.wait_hint", "Which parts, and what they are for")
		}
		reason.SetPlaceHolder(hint)
		t.ask(actionText(a), actionText(a), []*widget.FormItem{widget.NewFormItem(lang.X("action.reason", "Reason"), reason)}, func() {
			cmd.Reason = reason.Text
			t.commit(cmd, nil)
		})
	case app.ActionComplete:
		names := make([]string, len(app.Resolutions))
		for i, r := range app.Resolutions {
			names[i] = resolutionText(r)
		}
		res := widget.NewSelect(names, nil)
		for i, r := range app.Resolutions {
			if r == tk.ResolutionCode {
				res.SetSelectedIndex(i)
			}
		}
		t.ask(actionText(a), actionText(a), []*widget.FormItem{widget.NewFormItem(lang.X("ticket.resolution", "Resolution"), res)}, func() {
			if i := res.SelectedIndex(); i >= 0 {
				cmd.Resolution = app.Resolutions[i]
			}
			t.commit(cmd, nil)
		})
	default:
		t.commit(cmd, nil)
	}
}

// diagnosisCard edits the diagnosis; sent as a three-way-mergeable update.
func (t *Terminal) diagnosisCard(tk app.Ticket) fyne.CanvasObject {
	if t.deps.Commit == nil || !tk.Status.Open() {
		return nil
	}
	e := widget.NewMultiLineEntry()
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(2)
	e.SetText(tk.Diagnosis)
	e.SetPlaceHolder(lang.X("diagnosis.hint", "What you found: cause, tests done, readings"))
	save := widget.NewButtonWithIcon(lang.X("diagnosis.save", "Save diagnosis"), theme.DocumentSaveIcon(), nil)
	save.Disable()
	e.OnChanged = func(s string) {
		if s != tk.Diagnosis {
			save.Enable()
		} else {
			save.Disable()
		}
	}
	save.OnTapped = func() {
		text, base := strings.TrimSpace(e.Text), tk.Diagnosis
		t.commit(&app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &text}, Base: app.TicketFields{Diagnosis: &base}}, nil)
	}
	return widget.NewCard(lang.X("ticket.diagnosis", "Diagnosis"), "", container.NewVBox(e, container.NewHBox(save)))
}

// repairCard lists the repair log and logs new entries.
func (t *Terminal) repairCard(d app.TicketDetail) fyne.CanvasObject {
	box := container.NewVBox()
	for _, r := range d.Repairs {
		l := widget.NewLabel(fmt.Sprintf("%s  %s (%d min)  %s", timeText(r.At), r.Action, r.Minutes, r.By))
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	if len(d.Repairs) == 0 {
		box.Add(lowLabel(lang.X("repair.none", "Nothing logged yet.")))
	}
	if t.deps.Commit != nil && d.Ticket.Status != app.StatusClosed {
		box.Add(container.NewHBox(widget.NewButtonWithIcon(lang.X("repair.add", "Log repair"), theme.ContentAddIcon(), func() { t.logRepair(d.Ticket) })))
	}
	return widget.NewCard(lang.X("ticket.repairs", "Repair log"), "", box)
}

func (t *Terminal) logRepair(tk app.Ticket) {
	what := newScanEntry(t.keys)
	what.SetPlaceHolder(lang.X("repair.what_hint", "e.g. replaced the drain pump"))
	minutes := newScanEntry(t.keys)
	minutes.SetText("30")
	t.ask(lang.X("repair.add", "Log repair"), lang.X("work.save", "Save"), []*widget.FormItem{
		widget.NewFormItem(lang.X("repair.what", "What you did"), what),
		widget.NewFormItem(lang.X("repair.minutes", "Minutes"), minutes),
	}, func() {
		n, err := strconv.Atoi(strings.TrimSpace(minutes.Text))
		if err != nil {
			t.showError(app.Errorf(app.EINVALID, "repair.bad_minutes", "Minutes must be between 0 and 1440."))
			return
		}
		t.commit(&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: strings.TrimSpace(what.Text), Minutes: n}}, nil)
	})
}

// partsCard lists the parts fitted and adds one: searched, scanned, or
// picked from the technician's own stock.
func (t *Terminal) partsCard(tv ticketView) fyne.CanvasObject {
	d := tv.detail
	box := container.NewVBox()
	for _, u := range d.Parts {
		name := string(u.Part)
		if p, ok := tv.parts[u.Part]; ok {
			name = partName(p) + " · " + string(u.Part)
		}
		line := fmt.Sprintf("%s × %d", name, u.Qty)
		if u.Serial != "" {
			line += "  S/N " + u.Serial
		}
		if u.DefectiveSerial != "" {
			line += "  " + lang.X("parts.returned", "defective {{.Serial}} kept for return", map[string]any{"Serial": u.DefectiveSerial})
		}
		l := widget.NewLabel(line)
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	if len(d.Parts) == 0 {
		box.Add(lowLabel(lang.X("parts.none", "No parts fitted.")))
	}
	if t.deps.Commit != nil && d.Ticket.Status.Open() {
		box.Add(container.NewHBox(widget.NewButtonWithIcon(lang.X("parts.add", "Add part"), theme.ContentAddIcon(), func() { t.addPart(d.Ticket, "") })))
	}
	return widget.NewCard(lang.X("ticket.parts", "Parts"), "", box)
}

func partName(p app.Part) string {
	if preferChinese() && p.NameZH != "" {
		return p.NameZH
	}
	if p.NameEN == "" {
		return p.NameZH
	}
	return p.NameEN
}

func lowLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Importance = widget.LowImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

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

// photosCard shows the ticket's photos as thumbnails with their upload
// state, and adds photos from files (or dropped on the card).
func (t *Terminal) photosCard(d app.TicketDetail, thumbs map[string]image.Image) *widget.Card {
	grid := container.NewGridWrap(fyne.NewSize(128, 150))
	for _, p := range d.Photos {
		grid.Add(t.thumbnail(p, thumbs[p.SHA256]))
	}
	box := container.NewVBox()
	if len(d.Photos) == 0 {
		box.Add(lowLabel(lang.X("photos.none", "No photos. Add one, or drop a picture here.")))
	} else {
		box.Add(grid)
	}
	if t.deps.Commit != nil && t.deps.Photos != nil && d.Ticket.Status != app.StatusClosed {
		box.Add(container.NewHBox(widget.NewButtonWithIcon(lang.X("photos.add", "Add photo"), theme.FileImageIcon(), func() { t.pickTicketPhoto(d.Ticket) })))
	}
	return widget.NewCard(lang.X("ticket.photos", "Photos"), "", box)
}

func photoStateText(state string) string {
	switch state {
	case app.PhotoVerified:
		return lang.X("photos.state.verified", "Uploaded")
	case app.PhotoUploading:
		return lang.X("photos.state.uploading", "Uploading…")
	}
	return lang.X("photos.state.local", "On this device only")
}

func (t *Terminal) thumbnail(p app.Photo, thumb image.Image) fyne.CanvasObject {
	img := canvas.NewImageFromResource(theme.FileImageIcon())
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(120, 110))
	if thumb != nil {
		img.Image, img.Resource = thumb, nil
	}
	state := widget.NewLabel(photoStateText(p.State))
	state.Truncation = fyne.TextTruncateEllipsis
	state.Importance = widget.LowImportance
	if p.State == app.PhotoVerified {
		state.Importance = widget.SuccessImportance
	}
	return container.NewBorder(nil, state, nil, nil, img)
}

// thumbSize is the longer side of a photo's thumbnail, in pixels: twice
// its size on screen, for high-density displays.
const thumbSize = 240

// loadThumbnail decodes a stored photo and shrinks it, off the UI
// goroutine: a photo attached now is at most app.PhotoMaxSide pixels
// wide, but one attached by an older build was stored as taken. Its
// header is checked first (app.CheckPhotoPixels): a small file may
// declare a gigabyte of pixels.
func (t *Terminal) loadThumbnail(sha string) image.Image {
	if t.deps.Photos == nil {
		return nil
	}
	rc, err := t.deps.Photos.OpenPhoto(t.ctx, sha)
	if err != nil {
		return nil // not on this device (yet): the placeholder shows
	}
	data, err := io.ReadAll(io.LimitReader(rc, app.MaxPhotoBytes))
	rc.Close()
	if err != nil {
		return nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || app.CheckPhotoPixels(cfg.Width, cfg.Height) != nil {
		return nil // the placeholder shows
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= thumbSize && h <= thumbSize {
		return src
	}
	if w >= h {
		w, h = thumbSize, max(1, h*thumbSize/w)
	} else {
		w, h = max(1, w*thumbSize/h), thumbSize
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
	return dst
}

// pickTicketPhoto attaches a photo chosen from the files.
func (t *Terminal) pickTicketPhoto(tk app.Ticket) {
	if t.win == nil {
		return
	}
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		t.attachPhoto(tk, rc.URI().Name(), func() (io.ReadCloser, error) { return rc, nil })
	}, t.win)
	d.SetFilter(storage.NewExtensionFileFilter(imageExtensions))
	d.Show()
}

// AttachPhoto adds the photo at path to the open ticket, as a drop on its
// photos does; for tests and drops.
func (t *Terminal) AttachPhoto(path string) {
	tk, ok := t.detail.ticket()
	if !ok {
		return
	}
	t.attachPhoto(tk, filepath.Base(path), func() (io.ReadCloser, error) { return os.Open(path) })
}

// attachPhoto stores the photo on the device, shrunk and without its
// metadata (app.PhotoLibrary.ImportPhoto), and records it on the ticket.
// The original is kept on the device only when the settings ask for it.
func (t *Terminal) attachPhoto(tk app.Ticket, name string, open func() (io.ReadCloser, error)) {
	t.attachPhotoKind(tk, name, "repair", open)
}

// attachPhotoKind is attachPhoto for a photo of kind ("repair",
// "condition", …).
func (t *Terminal) attachPhotoKind(tk app.Ticket, name, kind string, open func() (io.ReadCloser, error)) {
	t.deps.Run(func() {
		rc, err := open()
		if err != nil {
			fyne.Do(func() {
				t.showError(app.Errorf(app.EINVALID, "scan.file_unreadable", "The file cannot be read. Choose it again or copy it to this device first.").WithCause(err))
			})
			return
		}
		f, err := t.deps.Photos.ImportPhoto(t.ctx, rc, keepOriginals())
		rc.Close()
		fyne.Do(func() {
			if err != nil {
				t.showError(err)
				return
			}
			t.commit(&app.AttachPhoto{Photo: app.Photo{ID: app.NewID(), Ticket: tk.ID, SHA256: f.SHA256, Size: f.Size, Mime: f.Mime, Caption: name, Kind: kind}}, nil)
		})
	})
}

// notesCard lists notes and adds one.
func (t *Terminal) notesCard(d app.TicketDetail) fyne.CanvasObject {
	box := container.NewVBox()
	for _, n := range d.Notes {
		l := widget.NewLabel(fmt.Sprintf("%s  %s: %s", timeText(n.At), n.By, n.Text))
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	if t.deps.Commit != nil {
		entry := newScanEntry(t.keys)
		entry.SetPlaceHolder(lang.X("notes.hint", "Add a note for dispatch or the next visit"))
		add := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() {
			text := strings.TrimSpace(entry.Text)
			if text == "" {
				return
			}
			t.commit(&app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: d.Ticket.ID, Text: text}}, nil)
		})
		entry.OnSubmitted = func(string) { add.OnTapped() }
		box.Add(container.NewBorder(nil, nil, nil, add, entry))
	}
	return widget.NewCard(lang.X("ticket.notes", "Notes"), "", box)
}
