package ui

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// This file is what the ticket's cards (card_*.go) ask of the terminal:
// saving, dialogs, part picking and attaching photos. Every change is one
// named mutation through Deps.Commit: saved on the device at once, sent by
// sync.

// commit saves cmd in the background, then reloads the ticket and the
// list. done, if set, runs on the UI goroutine after a successful save. A
// workflow step's new state shows at once, before the reload: that reads
// the ticket back from the store, which may wait behind a sync writing to
// it.
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
			if tr, ok := cmd.(*app.TransitionTicket); ok {
				t.detail.applyTransition(tr)
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
	t.askWith(title, confirm, lang.X("dialog.cancel", "Cancel"), items, ok)
}

// askWith is ask whose dismiss button says keep: beside "Cancel ticket",
// a bare "Cancel" would be read as the same thing.
func (t *Terminal) askWith(title, confirm, keep string, items []*widget.FormItem, ok func()) {
	if t.win == nil {
		return
	}
	d := dialog.NewForm(title, confirm, keep, items, func(yes bool) {
		if yes {
			ok()
		}
	}, t.win)
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.96, 560), 0))
	d.Show()
}

// confirm asks before an action that cannot be taken back.
func (t *Terminal) confirm(title, message, doLabel, keepLabel string, destructive bool, ok func()) {
	confirmAction(t.win, title, message, doLabel, keepLabel, destructive, ok)
}

// detailChanged lets the memory trimmer know the detail pane was rebuilt.
func (t *Terminal) detailChanged() { t.trimmer.changed() }

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

// browsePhoto lets the user choose a picture file, in the pictures folder
// when there is one, and gives its path.
func (t *Terminal) browsePhoto(got func(path string)) {
	if t.win == nil {
		return
	}
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			t.showError(app.Errorf(app.EINVALID, "scan.file_unreadable", "The file cannot be read. Choose it again or copy it to this device first.").WithCause(err))
			return
		}
		if rc == nil {
			return // cancelled
		}
		rc.Close()
		got(rc.URI().Path())
	}, t.win)
	d.SetFilter(storage.NewExtensionFileFilter(imageExtensions))
	if dir := picturesDir(); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show()
}

// picturesDir is where a camera or phone sync puts pictures on this
// computer: ~/Pictures, or "" when there is none.
func picturesDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	dir := filepath.Join(home, "Pictures")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	return dir
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
// "condition", …), captioned with its file name.
func (t *Terminal) attachPhotoKind(tk app.Ticket, name, kind string, open func() (io.ReadCloser, error)) {
	t.attachPhotoAs(tk, name, kind, open)
}

// attachPhotoAs is attachPhoto with the caption the user gave.
func (t *Terminal) attachPhotoAs(tk app.Ticket, caption, kind string, open func() (io.ReadCloser, error)) {
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
			t.commit(&app.AttachPhoto{Photo: app.Photo{ID: app.NewID(), Ticket: tk.ID, SHA256: f.SHA256, Size: f.Size, Mime: f.Mime, Caption: caption, Kind: kind}}, nil)
		})
	})
}
