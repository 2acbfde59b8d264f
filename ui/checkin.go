package ui

import (
	"bytes"
	"image"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// checkInForm is the counter's check-in of a carried-in device. While it
// is open, a scanned serial or IMEI goes into its serial field, and the
// brand and manufacture date are read from the serial when a rule knows
// it.
type checkInForm struct {
	t        *Terminal
	form     *widget.Form
	customer *scanEntry
	phone    *scanEntry
	category *widget.Select
	brand    *scanEntry
	model    *scanEntry
	serial   *scanEntry
	made     *widget.Label
	bought   *scanEntry
	proof    *scanEntry
	fault    *widget.Entry
	liquid   *widget.Check
	damage   *widget.Check
	opened   *widget.Check
	kit      *scanEntry
	photos   *widget.Label
	problem  *widget.Label
	dialog   dialog.Dialog

	categories []app.Category
	// manufactured is what the serial says, kept with the ticket.
	manufactured time.Time
	// photoFiles are condition photos to attach once the ticket exists.
	photoFiles []photoFile
}

// photoFile is a picture chosen before its ticket exists.
type photoFile struct {
	name string
	data []byte
}

// offerCheckIn asks whether to check in a device that has no ticket.
func (t *Terminal) offerCheckIn(m scanner.Meaning) {
	if t.win == nil {
		return
	}
	msg := widget.NewLabel(lang.X("checkin.offer", "No ticket on this device has serial {{.Serial}}. Check the device in now?", map[string]any{"Serial": m.Serial}))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.X("checkin.title", "Check in a device"), lang.X("checkin.button", "Check in"), lang.X("dialog.cancel", "Cancel"), msg, func(ok bool) {
		if ok {
			t.openCheckIn(m)
		}
	}, t.win)
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.94, 480), 0))
	d.Show()
}

// openCheckIn opens the check-in form, with the scanned device if any.
func (t *Terminal) openCheckIn(m scanner.Meaning) {
	if t.deps.Commit == nil {
		return
	}
	f := &checkInForm{t: t}
	entry := func(placeholder string) *scanEntry {
		e := newScanEntry(t.keys)
		e.SetPlaceHolder(placeholder)
		return e
	}
	f.customer = entry(lang.X("checkin.customer_hint", "As on their ID or invoice"))
	f.phone = entry(lang.X("checkin.phone_hint", "For the pick-up call"))
	f.categories = []app.Category{app.CategoryPhone, app.CategoryAppliance, app.CategoryPC, app.CategoryServer}
	names := make([]string, len(f.categories))
	for i, c := range f.categories {
		names[i] = categoryText(c)
	}
	// No default: the category picks the warranty rules, and a guess
	// would judge a fridge by a phone's.
	f.category = widget.NewSelect(names, nil)
	f.category.PlaceHolder = lang.X("checkin.category_hint", "Choose…")
	f.brand = entry("")
	f.model = entry("")
	f.serial = entry(lang.X("checkin.serial_hint", "Scan or type the serial or IMEI"))
	f.serial.OnChanged = func(string) { f.readSerial() }
	f.made = widget.NewLabel("")
	f.made.Importance = widget.LowImportance
	f.made.Wrapping = fyne.TextWrapWord
	f.made.Hide()
	f.bought = entry(lang.X("checkin.date_hint", "YYYY-MM-DD, from the invoice"))
	f.proof = entry(lang.X("checkin.proof_hint", "Invoice or receipt number"))
	f.fault = widget.NewMultiLineEntry()
	f.fault.SetPlaceHolder(lang.X("checkin.fault_hint", "What the customer says is wrong"))
	f.fault.SetMinRowsVisible(3)
	f.fault.Wrapping = fyne.TextWrapWord
	f.liquid = widget.NewCheck(lang.X("checkin.liquid", "Liquid damage"), nil)
	f.damage = widget.NewCheck(lang.X("checkin.physical", "Cracks, dents or bends"), nil)
	f.opened = widget.NewCheck(lang.X("checkin.opened", "Opened or repaired elsewhere"), nil)
	f.kit = entry(lang.X("checkin.accessories_hint", "e.g. charger, case, SIM tray"))
	f.photos = lowLabel(lang.X("checkin.no_photos", "No condition photos yet."))
	addPhoto := widget.NewButtonWithIcon(lang.X("photos.add", "Add photo"), theme.FileImageIcon(), f.pickPhoto)
	f.problem = widget.NewLabel("")
	f.problem.Importance = widget.DangerImportance
	f.problem.Wrapping = fyne.TextWrapWord
	f.problem.Hide()

	f.form = widget.NewForm(
		widget.NewFormItem(lang.X("checkin.customer", "Customer"), f.customer),
		widget.NewFormItem(lang.X("checkin.phone", "Phone"), f.phone),
		widget.NewFormItem(lang.X("checkin.category", "Product"), f.category),
		widget.NewFormItem(lang.X("checkin.brand", "Brand"), f.brand),
		widget.NewFormItem(lang.X("checkin.model", "Model"), f.model),
		widget.NewFormItem(lang.X("ticket.serial", "Serial / IMEI"), container.NewVBox(f.serial, f.made)),
		widget.NewFormItem(lang.X("checkin.bought", "Purchase date"), f.bought),
		widget.NewFormItem(lang.X("checkin.proof", "Proof of purchase"), f.proof),
		widget.NewFormItem(lang.X("ticket.fault", "Reported fault"), f.fault),
		widget.NewFormItem(lang.X("checkin.condition", "Condition"), container.NewVBox(f.liquid, f.damage, f.opened)),
		widget.NewFormItem(lang.X("checkin.accessories", "Left with the device"), f.kit),
		widget.NewFormItem(lang.X("ticket.photos", "Photos"), container.NewVBox(f.photos, container.NewHBox(addPhoto))),
	)
	f.form.SubmitText = lang.X("checkin.submit", "Check in")
	f.form.OnSubmit = f.submit
	f.form.CancelText = lang.X("dialog.cancel", "Cancel")
	f.form.OnCancel = func() { f.dialog.Hide() }

	if m.Kind == scanner.ScanDevice {
		f.fillSerial(m)
	}
	d := dialog.NewCustomWithoutButtons(lang.X("checkin.title", "Check in a device"), container.NewVScroll(container.NewVBox(f.problem, f.form)), t.win)
	d.SetOnClosed(func() {
		if t.checkIn == f {
			t.checkIn = nil
		}
	})
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.96, 640), min(t.win.Canvas().Size().Height*0.94, 760)))
	f.dialog = d
	t.checkIn = f
	d.Show()
	t.win.Canvas().Focus(f.customer)
}

func (f *checkInForm) selectedCategory() app.Category {
	if i := f.category.SelectedIndex(); i >= 0 {
		return f.categories[i]
	}
	return ""
}

// fillSerial puts a scanned serial into the form.
func (f *checkInForm) fillSerial(m scanner.Meaning) {
	serial := m.Serial
	if serial == "" {
		serial = m.Text
	}
	f.serial.SetText(serial) // OnChanged reads the brand and date
}

// readSerial reads brand and manufacture date from the serial, when a
// rule knows the serial's scheme.
func (f *checkInForm) readSerial() {
	f.manufactured = time.Time{}
	f.made.SetText("")
	f.made.Hide()
	info, ok := f.t.deps.SerialRules.MatchAny(f.serial.Text, f.t.deps.Now())
	if !ok {
		return
	}
	if strings.TrimSpace(f.brand.Text) == "" {
		f.brand.SetText(info.Brand)
	}
	if !info.Manufactured.IsZero() {
		f.manufactured = info.Manufactured
		f.made.Show()
		f.made.SetText(lang.X("checkin.made", "Made {{.Date}} (read from the serial): warranty counts from it when there is no proof of purchase.", map[string]any{"Date": periodText(info.Manufactured, info.Precision)}))
	}
}

// ticket builds the ticket from the form, or says what to correct.
func (f *checkInForm) ticket(now time.Time) (app.Ticket, error) {
	t := app.Ticket{
		ID:      app.TicketID(app.NewID()),
		Number:  app.NewTicketNumber(now),
		Kind:    app.KindCarryIn,
		Country: f.t.deps.Country,
		Product: app.Product{
			Category:        f.selectedCategory(),
			Brand:           strings.TrimSpace(f.brand.Text),
			Model:           strings.TrimSpace(f.model.Text),
			Serial:          strings.ToUpper(strings.TrimSpace(f.serial.Text)),
			ProofOfPurchase: strings.TrimSpace(f.proof.Text),
			ManufactureDate: f.manufactured,
		},
		Customer: app.Customer{Name: strings.TrimSpace(f.customer.Text), Phone: strings.TrimSpace(f.phone.Text)},
		Fault:    strings.TrimSpace(f.fault.Text),
		Condition: app.Condition{LiquidDamage: f.liquid.Checked, PhysicalDamage: f.damage.Checked, UnauthorizedRepair: f.opened.Checked,
			Accessories: strings.TrimSpace(f.kit.Text)},
		Priority:  app.PriorityNormal,
		Status:    app.StatusAssigned,
		CreatedAt: now,
	}
	if s := strings.TrimSpace(f.bought.Text); s != "" {
		d, err := time.ParseInLocation(time.DateOnly, s, time.Local)
		if err != nil {
			return app.Ticket{}, app.Errorf(app.EINVALID, "checkin.bad_date", "Write the purchase date as YYYY-MM-DD, for example {{.Example}}.", "Example", now.Format(time.DateOnly))
		}
		t.Product.PurchaseDate = d.UTC()
	}
	if t.Product.Category == "" {
		return app.Ticket{}, app.Errorf(app.EINVALID, "checkin.no_category", "Choose the kind of product: it decides which warranty rules apply.")
	}
	if t.Product.Serial == "" {
		return app.Ticket{}, app.Errorf(app.EINVALID, "checkin.no_serial", "Scan or type the device's serial number or IMEI: the tag and the warranty depend on it.")
	}
	if t.Fault == "" {
		return app.Ticket{}, app.Errorf(app.EINVALID, "checkin.no_fault", "Write down the fault the customer reports.")
	}
	return t, t.Validate()
}

func (f *checkInForm) submit() {
	t := f.t
	tk, err := f.ticket(t.deps.Now())
	if err != nil {
		f.problem.SetText(errorText(err))
		f.problem.Show()
		return
	}
	f.problem.Hide()
	f.form.Disable()
	t.deps.Run(func() {
		_, err := t.deps.Commit.Commit(t.ctx, t.deps.Actor, &app.CreateTicket{Ticket: tk})
		fyne.Do(func() {
			f.form.Enable()
			if err != nil {
				f.problem.SetText(errorText(err))
				f.problem.Show()
				return
			}
			f.dialog.Hide()
			t.list.SetQuery(tk.Number)
			t.openTicket(tk.ID)
			for _, p := range f.photoFiles {
				data := p.data
				t.attachPhotoKind(tk, p.name, "condition", func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
			}
			t.setScanStatus(false, lang.X("checkin.done", "Checked in as {{.Number}}. Print its claim tag from the ticket.", map[string]any{"Number": tk.Number}))
		})
	})
}

// CheckInForm is the open check-in form, for tests; nil when closed.
func (t *Terminal) CheckInForm() *CheckIn {
	if t.checkIn == nil {
		return nil
	}
	return &CheckIn{f: t.checkIn}
}

// CheckIn lets tests fill and submit the check-in form.
type CheckIn struct{ f *checkInForm }

// Fill sets the form's fields; category is an app.Category or "".
func (c *CheckIn) Fill(category app.Category, customer, phone, brand, model, bought, proof, fault string) {
	for i, k := range c.f.categories {
		if k == category {
			c.f.category.SetSelectedIndex(i)
		}
	}
	c.f.customer.SetText(customer)
	c.f.phone.SetText(phone)
	if brand != "" {
		c.f.brand.SetText(brand)
	}
	c.f.model.SetText(model)
	c.f.bought.SetText(bought)
	c.f.proof.SetText(proof)
	c.f.fault.SetText(fault)
}

// Serial is the serial field's text.
func (c *CheckIn) Serial() string { return c.f.serial.Text }

// Brand is the brand field's text.
func (c *CheckIn) Brand() string { return c.f.brand.Text }

// Problem is the form's error message, "" when none shows.
func (c *CheckIn) Problem() string {
	if !c.f.problem.Visible() {
		return ""
	}
	return c.f.problem.Text
}

// Submit presses the form's submit button.
func (c *CheckIn) Submit() { c.f.submit() }

// periodText names a manufacture period as precisely as the serial gave
// it: "2018-03" for a month, "2018" for a year, a day otherwise.
func periodText(t time.Time, precision string) string {
	switch precision {
	case "month":
		return t.Format("2006-01")
	case "year":
		return t.Format("2006")
	}
	return dateText(t)
}

// pickPhoto adds a condition photo, read now and attached with the ticket.
func (f *checkInForm) pickPhoto() {
	t := f.t
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, app.MaxPhotoBytes+1))
		if err != nil {
			err = app.Errorf(app.EINVALID, "scan.file_unreadable", "The file cannot be read. Choose it again or copy it to this device first.").WithCause(err)
		} else if len(data) > app.MaxPhotoBytes {
			err = app.CheckPhotoBytes(int64(len(data)))
		} else if cfg, _, cerr := image.DecodeConfig(bytes.NewReader(data)); cerr != nil {
			err = app.Errorf(app.EINVALID, "scan.file_format", "This file is not a PNG, JPEG or GIF image.")
		} else {
			// Said now, not after the ticket is saved (the store checks
			// again when it attaches the photo).
			err = app.CheckPhotoPixels(cfg.Width, cfg.Height)
		}
		if err != nil {
			f.problem.SetText(errorText(err))
			f.problem.Show()
			return
		}
		f.AddPhoto(rc.URI().Name(), data)
	}, t.win)
	d.SetFilter(storage.NewExtensionFileFilter(imageExtensions))
	d.Show()
}

// AddPhoto queues a condition photo for the ticket being checked in.
func (f *checkInForm) AddPhoto(name string, data []byte) {
	f.photoFiles = append(f.photoFiles, photoFile{name: name, data: data})
	names := make([]string, len(f.photoFiles))
	for i, p := range f.photoFiles {
		names[i] = p.name
	}
	f.photos.SetText(strings.Join(names, ", "))
}

// AddPhoto queues a condition photo, as the form's photo button does.
func (c *CheckIn) AddPhoto(name string, data []byte) { c.f.AddPhoto(name, data) }

// SetCondition ticks the condition boxes and fills the accessories.
func (c *CheckIn) SetCondition(liquid, damage, opened bool, accessories string) {
	c.f.liquid.SetChecked(liquid)
	c.f.damage.SetChecked(damage)
	c.f.opened.SetChecked(opened)
	c.f.kit.SetText(accessories)
}
