package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// checkInForm is the counter's check-in of a carried-in device, in the
// order the counter asks: the phone first, which finds a returning
// customer's earlier devices (a tap fills the form), then the customer,
// the device, the fault, its condition, what was left with it, the day
// promised and photos. While it is open, a scanned serial or IMEI goes
// into its serial field, and the brand and manufacture date are read from
// the serial when a rule knows it; a scanned phone number goes into the
// empty phone field when it has the focus. Its buttons and its message
// stay in view below the fields, which scroll; a field's own problem
// shows under the field.
type checkInForm struct {
	deps  checkInDeps
	desk  counterDesk
	win   fyne.Window
	form  *widget.Form
	body  *fyne.Container // the dialog's content
	fixed *fyne.Container // the message and the buttons, under the scroll
	// scroll holds the fields; a problem scrolls its field into view.
	scroll *container.Scroll

	customer *scanEntry
	phone    *scanEntry
	known    *fyne.Container // the look-up's customers and devices, under the phone
	category *scanSelect
	brand    *scanEntry
	model    *scanEntry
	serial   *scanEntry
	made     *widget.Label
	// imei warns that a phone's serial reads as an IMEI with a wrong check
	// digit (scanner.IMEIMistyped): a warning, not a refusal, as a brand's
	// IMEI may be printed wrong too.
	imei    *widget.Label
	bought  *scanEntry
	proof   *scanEntry
	fault   *scanEntry
	liquid  *scanCheck
	damage  *scanCheck
	opened  *scanCheck
	kit     *scanEntry
	promise *scanSelect // "no date" then the next promiseDays days
	photos  *widget.Label
	problem *widget.Label // what went wrong, in view above the buttons
	submitB *widget.Button
	dialog  dialog.Dialog
	// passcode is the device's PIN or password, masked; with patternOn
	// checked, pattern takes the unlock pattern instead. passBox holds them.
	passcode  *scanEntry
	patternOn *scanCheck
	pattern   *patternPad
	patternIs *widget.Label // the pattern's dots as numbers
	passBox   *fyne.Container
	// fieldErrs are the labels under the fields, by the field they follow.
	fieldErrs map[fyne.CanvasObject]*widget.Label
	// order is the fields Enter moves through, in the form's order
	// (next); owner is the field whose problem a field shares, when not
	// its own: the passcode's and the deposit's.
	order []fyne.CanvasObject
	owner map[fyne.CanvasObject]fyne.CanvasObject

	// deposit is the optional deposit taken with the device: amount,
	// method and reference (card, mobile).
	deposit       *scanEntry
	depositMethod *scanSelect
	depositRef    *scanEntry

	categories []app.Category
	// promiseDays are the days the promise select offers, after "none".
	promiseDays []time.Time
	// lookups counts the phone look-ups begun: an answer is shown only if
	// no later one began. stopLookup cancels the one waiting for typing
	// to pause.
	lookups    int
	stopLookup func() bool
	// picked is the known customer last tapped: their email, language and
	// address go with the ticket while the name is still theirs.
	picked *app.Customer
	// manufactured is what the serial says, kept with the ticket.
	manufactured time.Time
	// photoFiles are condition photos to attach once the ticket exists.
	photoFiles []photoFile
	// openedWith is the form's state (typed) as it opened, a scanned
	// serial in it: leave asks only when more was typed since.
	openedWith string
	// confirm asks before what cannot be taken back (confirmAction).
	confirm func(title, message, doLabel, keepLabel string, destructive bool, ok func())
}

// checkInDeps is what a check-in needs to build and save a ticket.
type checkInDeps struct {
	ctx     context.Context
	commit  app.Committer
	tickets app.TicketService // the customer look-up; nil for none
	actor   app.Actor
	country string
	rules   scanner.SerialRules
	now     func() time.Time
	zone    *time.Location // the session's (Deps.Zone)
	run     func(func())
	// after runs f on the UI goroutine after d, and returns what cancels
	// it (Terminal.after).
	after func(d time.Duration, f func()) (stop func() bool)

	// warranty gives the currency of a deposit: the country's rule
	// set's; nil takes no deposit.
	warranty app.WarrantyService
}

// The phone look-up runs once typing pauses for lookupDelay (a number is
// typed in bursts of digits); promiseDays are the days a counter can
// promise from the form (the one after the next weekend and then some).
const (
	lookupDelay = 300 * time.Millisecond
	promiseDays = 14
)

// counterDesk is what the check-in form asks of the terminal: to take
// over the ticket once it is saved (the terminal shows the form's dialog).
type counterDesk interface {
	// deposit is the deposit recorded with the ticket, nil for none;
	// depositErr why the one asked for was not recorded.
	checkedIn(tk app.Ticket, photos []photoFile, deposit *app.Payment, depositErr error)
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
	d := newConfirmDialog(lang.X("checkin.title", "Check in a device"), lang.X("checkin.button", "Check in"), lang.X("dialog.cancel", "Cancel"), msg, func(ok bool) {
		if ok {
			t.openCheckIn(m)
		}
	}, t.win)
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.94, 480), 0))
	t.present(d, nil)
}

// handBackChecks is what the counter checks before a carried-in device
// goes back, a line each: the customer's phone's last digits (the claim
// tag's) and what was left with the device. The pick-up a scanned tag
// offers and the ticket's own Hand back and close ask the same: the
// button's question said only "hand the device back first", and a clerk
// who closed from it kept the customer's SIM tray (Spanish counter walk).
func handBackChecks(tk app.Ticket) string {
	var lines []string
	if ref := scanner.ClaimTagFor(tk).CustomerRef; ref != "" {
		lines = append(lines, lang.X("pickup.check", "Check the customer's phone ends in {{.Ref}} before handing the device back.", map[string]any{"Ref": ref}))
	}
	if tk.Condition.Accessories != "" {
		lines = append(lines, lang.X("pickup.accessories", "Give back: {{.Items}}.", map[string]any{"Items": tk.Condition.Accessories}))
	}
	return strings.Join(lines, "\n")
}

// offerPickUp is the counter's pick-up: the claim tag of a finished
// carried-in device was scanned, so offer to hand it back, with what to
// check first, the money owed included. Closing the ticket cannot be
// taken back: both buttons say what they do; money owed goes through the
// close's payment (closeWithMoney).
func (t *Terminal) offerPickUp(tk app.Ticket) {
	if t.win == nil || t.deps.Commit == nil {
		return
	}
	check := handBackChecks(tk)
	title := lang.X("pickup.title", "Pick-up of {{.Number}}", map[string]any{"Number": tk.Number})
	cmd := &app.TransitionTicket{Action: app.ActionClose, Ticket: tk.ID, Epoch: tk.Epoch}
	if t.deps.Payments == nil {
		confirmAction(t, title, check, lang.X("action.close", "Hand back and close"), lang.X("pickup.not_yet", "Not yet"), false, func() { t.commit(cmd, nil) })
		return
	}
	// The balance is the detail view's: the same decision, the same
	// payments.
	t.deps.Run(func() {
		tv, err := t.detail.load(tk.ID, false)
		fyne.Do(func() {
			if err != nil {
				t.showError(err)
				return
			}
			money := newMoneyCard(t, t.keys, true, t.deps.Zone, tv)
			bal, known := money.balance()
			var owed *app.Money
			if known {
				owed = &bal
				if bal.Amount > 0 {
					check = strings.TrimPrefix(check+"\n", "\n") + lang.X("pickup.owed", "Take the {{.Amount}} still owed.", map[string]any{"Amount": moneyText(bal)})
				}
			}
			confirmAction(t, title, check, lang.X("action.close", "Hand back and close"), lang.X("pickup.not_yet", "Not yet"), false, func() {
				if owed == nil || owed.Amount <= 0 {
					cmd.Balance = owed
					t.commit(cmd, nil)
					return
				}
				closeWithMoney(t, t.keys, tk, cmd, owed, title, check, lang.X("action.close", "Hand back and close"))
			})
		})
	})
}

// openCheckIn opens the check-in form, with the scanned device if any; a
// form already open keeps what was typed and gets the device.
func (t *Terminal) openCheckIn(m scanner.Meaning) {
	if t.deps.Commit == nil || t.win == nil {
		return
	}
	if t.checkIn != nil {
		if m.Kind == scanner.ScanDevice {
			t.checkIn.fillSerial(m)
		}
		return
	}
	// A new customer at the counter: the last one's claim tag note is
	// about a job done.
	t.clearStatus(statusClaimTag)
	deps := checkInDeps{ctx: t.ctx, commit: t.deps.Commit, tickets: t.deps.Tickets, actor: t.deps.Actor, country: t.deps.Country,
		rules: t.deps.SerialRules, now: t.deps.Now, zone: t.deps.Zone, run: t.deps.Run,
		after: func(d time.Duration, f func()) func() bool { return t.after(d, f) }}
	if t.deps.Payments != nil {
		deps.warranty = t.deps.Warranty // deposits are taken where payments are read
	}
	f := newCheckInForm(deps, t, t.keys, t.win)
	if m.Kind == scanner.ScanDevice {
		f.fillSerial(m)
	}
	f.dialog.SetOnClosed(func() {
		if t.checkIn == f {
			t.checkIn = nil
		}
		if f.stopLookup != nil { // no look-up for a form gone
			f.stopLookup()
		}
	})
	f.openedWith, f.confirm = f.typed(), t.confirm
	t.checkIn = f
	t.presentForm(f.dialog, f.submit, f.next, f.leave)
	t.win.Canvas().Focus(f.phone)
}

func newCheckInForm(deps checkInDeps, desk counterDesk, keys *wedgeKeys, win fyne.Window) *checkInForm {
	f := &checkInForm{deps: deps, desk: desk, win: win, fieldErrs: map[fyne.CanvasObject]*widget.Label{}}
	entry := func(placeholder string) *scanEntry {
		e := newScanEntry(keys)
		e.SetPlaceHolder(placeholder)
		return e
	}
	f.customer = entry(lang.X("checkin.customer_hint", "As on their ID or invoice"))
	f.phone = entry(lang.X("checkin.phone_hint", "For the pick-up call"))
	f.phone.OnChanged = func(string) { f.clearProblem(f.phone); f.lookUpSoon() }
	f.known = container.NewVBox()
	f.clearKnown()
	f.categories = []app.Category{app.CategoryPhone, app.CategoryAppliance, app.CategoryPC, app.CategoryServer}
	names := make([]string, len(f.categories))
	for i, c := range f.categories {
		names[i] = categoryText(c)
	}
	// No default: the category picks the warranty rules, and a guess
	// would judge a fridge by a phone's.
	f.category = newScanSelect(keys, names, nil)
	f.category.PlaceHolder = lang.X("checkin.category_hint", "Choose…")
	f.category.openOnEnter = true
	// Choosing is the fix for "choose the kind of product": the red
	// words go at once, not at the next submit.
	f.category.OnChanged = func(string) { f.clearProblem(f.category); f.checkIMEI() }
	f.brand = entry("")
	f.model = entry("")
	f.serial = entry(lang.X("checkin.serial_hint", "Scan or type the serial or IMEI"))
	f.serial.OnChanged = func(string) { f.clearProblem(f.serial); f.readSerial() }
	f.made = widget.NewLabel("")
	f.made.Importance = widget.LowImportance
	f.made.Wrapping = fyne.TextWrapWord
	f.made.Hide()
	f.imei = widget.NewLabel(lang.X("checkin.imei_mistyped", "The IMEI's last digit does not match the others: compare it with the phone's (dial *#06#) before checking it in."))
	f.imei.Importance = widget.WarningImportance
	f.imei.Wrapping = fyne.TextWrapWord
	f.imei.Hide()
	// Today's day in the forms the field takes (readPurchaseDay), so the
	// hint shows the order to type a day in.
	f.bought = newPurchaseDayEntry(keys, f.deps.now().In(f.deps.zone))
	f.proof = entry(lang.X("checkin.proof_hint", "Invoice or receipt number"))
	// A scan typed into the fault is a scan too, not text.
	f.fault = newScanMultiLineEntry(keys)
	f.fault.SetPlaceHolder(lang.X("checkin.fault_hint", "What the customer says is wrong"))
	f.fault.SetMinRowsVisible(3)
	// Typing in a field is the fix for the problem shown under it, as
	// choosing is for the category: the red words go at once, not at
	// the next submit (they stayed under the fault as it was written).
	for _, e := range []*scanEntry{f.customer, f.brand, f.model, f.bought, f.proof} {
		e.OnChanged = func(string) { f.clearProblem(e) }
	}
	f.fault.OnChanged = func(string) { f.clearProblem(f.fault) }
	f.liquid = newScanCheck(keys, lang.X("checkin.liquid", "Liquid damage"))
	f.damage = newScanCheck(keys, lang.X("checkin.physical", "Cracks, dents or bends"))
	f.opened = newScanCheck(keys, lang.X("checkin.opened", "Opened or repaired elsewhere"))
	f.kit = entry(lang.X("checkin.accessories_hint", "e.g. charger, case, SIM tray"))
	f.kit.OnChanged = func(string) { f.clearProblem(f.kit) }
	// A select, not a calendar: a counter promises within two weeks, and
	// a tap on a named day is quicker and surer than typing a date.
	var days []string
	f.promiseDays, days = promiseChoices(f.deps.now(), f.deps.zone)
	f.promise = newScanSelect(keys, days, func(string) { f.clearProblem(f.promise) })
	f.promise.SetSelectedIndex(0)
	// Masked while typed (the customer stands across the counter), with
	// Fyne's eye to check it before the check-in: a mistyped passcode
	// locks the technician out of the device. The ticket shows it later
	// on request (passcodeCard).
	f.passcode = entry(lang.X("checkin.passcode_hint", "Only if the customer gives it"))
	f.passcode.Password = true
	f.passcode.OnChanged = func(string) { f.clearProblem(f.passBox) }
	f.pattern = newPatternPad()
	f.patternIs = lowLabel("")
	// Beside Clear a wrapping label gets no width: "1-4-7" ran down one
	// character a line. Nine dots and their dashes fit on one.
	f.patternIs.Wrapping = fyne.TextWrapOff
	f.pattern.OnChanged = func(dots []int) { f.clearProblem(f.passBox); f.patternIs.SetText(app.PatternText(dots)) }
	clearPattern := widget.NewButton(lang.X("checkin.pattern_clear", "Clear"), f.pattern.Clear)
	patternRow := container.NewVBox(container.NewHBox(f.pattern), container.NewHBox(f.patternIs, clearPattern))
	patternRow.Hide()
	f.patternOn = newScanCheck(keys, lang.X("checkin.pattern", "Unlock pattern"))
	f.patternOn.OnChanged = func(on bool) {
		if on {
			f.passcode.Hide()
			patternRow.Show()
		} else {
			patternRow.Hide()
			f.passcode.Show()
		}
	}
	f.passBox = container.NewVBox(f.passcode, f.patternOn, patternRow)
	f.deposit = entry(lang.X("checkin.deposit_hint", "Optional: amount taken now, e.g. 50"))
	methodNames := make([]string, len(methods))
	for i, m := range methods {
		methodNames[i] = methodText(m)
	}
	// The deposit's problem shows under its three fields (submit): any
	// of them changed takes it back.
	f.deposit.OnChanged = func(string) { f.clearProblem(f.deposit) }
	f.depositMethod = newScanSelect(keys, methodNames, func(string) { f.clearProblem(f.deposit) })
	f.depositMethod.SetSelectedIndex(0)
	f.depositRef = entry(lang.X("payment.reference_hint", "Slip or transaction number (card, mobile)"))
	f.depositRef.OnChanged = func(string) { f.clearProblem(f.deposit) }
	f.photos = lowLabel(lang.X("checkin.no_photos", "No condition photos yet."))
	addPhoto := widget.NewButtonWithIcon(lang.X("photos.add", "Add photo"), theme.FileImageIcon(), f.pickPhoto)
	f.problem = widget.NewLabel("")
	f.problem.Importance = widget.DangerImportance
	f.problem.Wrapping = fyne.TextWrapWord
	f.problem.Hide()

	item := func(label string, field fyne.CanvasObject, below ...fyne.CanvasObject) *widget.FormItem {
		errL := widget.NewLabel("")
		errL.Importance = widget.DangerImportance
		errL.Wrapping = fyne.TextWrapWord
		errL.Hide()
		f.fieldErrs[field] = errL
		return widget.NewFormItem(label, container.NewVBox(append(append([]fyne.CanvasObject{field}, below...), errL)...))
	}
	f.form = widget.NewForm(
		item(lang.X("checkin.phone", "Phone"), f.phone, f.known),
		item(lang.X("checkin.customer", "Customer"), f.customer),
		item(lang.X("checkin.category", "Product"), f.category),
		item(lang.X("checkin.brand", "Brand"), f.brand),
		item(lang.X("checkin.model", "Model"), f.model),
		item(lang.X("ticket.serial", "Serial / IMEI"), f.serial, f.made, f.imei),
		item(lang.X("checkin.bought", "Purchase date"), f.bought),
		item(lang.X("checkin.proof", "Proof of purchase"), f.proof),
		item(lang.X("ticket.fault", "Reported fault"), f.fault),
		widget.NewFormItem(lang.X("checkin.condition", "Condition"), container.NewVBox(f.liquid, f.damage, f.opened)),
		item(lang.X("checkin.accessories", "Left with the device"), f.kit),
		item(lang.X("ticket.promised", "Promised for"), f.promise),
		item(lang.X("checkin.passcode", "Passcode or pattern"), f.passBox),
		widget.NewFormItem(lang.X("ticket.photos", "Photos"), container.NewVBox(f.photos, container.NewHBox(addPhoto))),
	)
	if deps.warranty != nil {
		// The deposit, after the promise it secures, before the photos.
		deposit := item(lang.X("checkin.deposit", "Deposit"), f.deposit, f.depositMethod, f.depositRef)
		f.form.Items = slices.Insert(f.form.Items, len(f.form.Items)-1, deposit)
	}
	f.order = []fyne.CanvasObject{f.phone, f.customer, f.category, f.brand, f.model, f.serial, f.bought, f.proof, f.fault,
		f.liquid, f.damage, f.opened, f.kit, f.promise, f.passcode, f.patternOn}
	f.owner = map[fyne.CanvasObject]fyne.CanvasObject{f.passcode: f.passBox, f.patternOn: f.passBox}
	if deps.warranty != nil {
		f.order = append(f.order, f.deposit, f.depositMethod, f.depositRef)
		f.owner[f.depositMethod], f.owner[f.depositRef] = f.deposit, f.deposit
	}
	cancel := widget.NewButtonWithIcon(lang.X("dialog.cancel", "Cancel"), theme.CancelIcon(), func() { f.leave() })
	f.submitB = widget.NewButtonWithIcon(lang.X("checkin.submit", "Check in"), theme.ConfirmIcon(), f.submit)
	f.submitB.Importance = widget.HighImportance
	f.fixed = container.NewVBox(f.problem, container.NewHBox(layout.NewSpacer(), cancel, f.submitB))
	if !fyne.CurrentDevice().IsMobile() {
		// Said where the clerk looks before pressing a key: that Enter
		// does not check in a half-filled form, and what does.
		keys := lowLabel(lang.X("checkin.keys_hint", "Enter goes to the next field, then checks in; Ctrl+Enter checks in now."))
		keys.Wrapping = fyne.TextWrapWord
		f.fixed.Objects = slices.Insert(f.fixed.Objects, 1, fyne.CanvasObject(keys))
	}
	f.scroll = container.NewVScroll(fitForm(f.form))
	f.body = container.NewBorder(nil, f.fixed, nil, nil, wheelPage(f.scroll))
	f.dialog = dialog.NewCustomWithoutButtons(lang.X("checkin.title", "Check in a device"), f.body, win)
	size := win.Canvas().Size()
	// Up to 1,000 high: a tall tablet shows the intake down to the
	// condition without scrolling.
	f.dialog.Resize(fyne.NewSize(min(size.Width*0.96, 640), min(size.Height*0.94, 1000)))
	return f
}

// leave closes the form (Cancel, Escape), asking first when something was
// typed or chosen since it opened: a clerk's Escape, or a tap beside
// Check in, threw a customer's half-taken intake away without a word.
func (f *checkInForm) leave() {
	leaveTyped(f.confirm, f.typed() != f.openedWith, lang.X("checkin.discard_title", "Discard this check-in?"),
		lang.X("checkin.discard_text", "What you typed and chose for this device is lost. To keep it, go back and check it in."),
		f.dialog.Hide, f.dialog.Hide)
}

// typed is what the form holds, every field's value in a line: the
// same before and after means nothing was typed or chosen between.
func (f *checkInForm) typed() string {
	var b strings.Builder
	for _, e := range []*scanEntry{f.phone, f.customer, f.brand, f.model, f.serial, f.bought, f.proof, f.fault, f.kit, f.passcode, f.deposit, f.depositRef} {
		b.WriteString(e.Text)
		b.WriteByte(0)
	}
	for _, c := range []*scanCheck{f.liquid, f.damage, f.opened, f.patternOn} {
		fmt.Fprint(&b, c.Checked, " ")
	}
	for _, s := range []*scanSelect{f.category, f.promise, f.depositMethod} {
		fmt.Fprint(&b, s.SelectedIndex(), " ")
	}
	fmt.Fprint(&b, f.pattern.Dots(), len(f.photoFiles))
	return b.String()
}

func (f *checkInForm) selectedCategory() app.Category {
	if i := f.category.SelectedIndex(); i >= 0 {
		return f.categories[i]
	}
	return ""
}

// fillScan puts a scan into the form and returns the text it put: a
// phone number into the empty phone field that has the focus (the
// customer's card, a "tel:" code), anything else into the serial.
func (f *checkInForm) fillScan(m scanner.Meaning) string {
	if m.Kind == scanner.ScanText && f.win != nil && f.win.Canvas().Focused() == f.phone && strings.TrimSpace(f.phone.Text) == "" {
		if phone, ok := app.PhoneText(m.Text); ok {
			f.phone.SetText(phone) // OnChanged looks the customer up
			return phone
		}
	}
	f.fillSerial(m)
	return f.serial.Text
}

// fillSerial puts a scanned serial into the form.
func (f *checkInForm) fillSerial(m scanner.Meaning) {
	serial := m.Serial
	if serial == "" {
		serial = m.Text
	}
	f.serial.SetText(serial) // OnChanged reads the brand and date
}

// lookUpSoon looks the phone's customer up once typing pauses; with too
// few digits to look up, it takes back what an earlier number found.
func (f *checkInForm) lookUpSoon() {
	f.lookups++
	if f.stopLookup != nil {
		f.stopLookup()
		f.stopLookup = nil
	}
	// Only a phone is looked up (app.PhoneText): a serial typed or
	// scanned here by mistake would find strangers by its digits.
	if _, phone := app.PhoneText(f.phone.Text); f.deps.tickets == nil || !phone {
		f.clearKnown()
		return
	}
	f.stopLookup = f.deps.after(lookupDelay, f.lookUp)
}

// lookUp asks the store for the customers with the phone typed, off the
// UI goroutine, and shows them unless the phone changed meanwhile.
func (f *checkInForm) lookUp() {
	f.stopLookup = nil
	n, phone := f.lookups, f.phone.Text
	f.deps.run(func() {
		known, err := f.deps.tickets.KnownCustomers(f.deps.ctx, phone)
		fyne.Do(func() {
			if n == f.lookups {
				f.showKnown(known, err)
			}
		})
	})
}

// clearKnown leaves under the phone the line that says what shows there.
// It holds the place of the look-up's answer, so that "No earlier
// tickets" does not push the fields below down as the counter reaches
// for the next one.
func (f *checkInForm) clearKnown() {
	f.known.RemoveAll()
	f.known.Add(lowLabel(lang.X("intake.hint", "Earlier visits of this phone number show here.")))
}

// showKnown lists the customers found and their devices, each a button
// that fills the form: a look-up that failed says so in the same place
// and the counter types the rest.
func (f *checkInForm) showKnown(known []app.KnownCustomer, err error) {
	f.known.RemoveAll()
	switch {
	case err != nil:
		f.known.Add(lowLabel(errorText(err)))
		return
	case len(known) == 0:
		f.known.Add(lowLabel(lang.X("intake.unknown", "No earlier tickets with this number on this device.")))
		return
	}
	f.known.Add(lowLabel(lang.X("intake.known", "Earlier visits: tap the customer or a device to fill the form.")))
	for _, c := range known {
		who := widget.NewButtonWithIcon(c.Customer.Name, theme.AccountIcon(), func() { f.pickCustomer(c.Customer) })
		who.Alignment = widget.ButtonAlignLeading
		f.known.Add(who)
		for _, d := range c.Devices {
			name := strings.TrimSpace(d.Product.Brand + " " + d.Product.Model)
			if d.Product.Serial != "" {
				name += " · " + d.Product.Serial
			}
			b := widget.NewButtonWithIcon(name, theme.ComputerIcon(), func() { f.pickDevice(c.Customer, d.Product) })
			b.Alignment = widget.ButtonAlignLeading
			b.Importance = widget.LowImportance
			last := lowLabel(lang.X("intake.last_ticket", "Last: {{.Number}}, {{.Date}}, {{.Status}}",
				map[string]any{"Number": d.Number, "Date": dateText(f.deps.zone, d.Opened), "Status": statusText(d.Status)}))
			f.known.Add(container.NewVBox(b, last))
		}
	}
}

// pickCustomer fills the customer's name, and keeps their email, language
// and address for the ticket.
func (f *checkInForm) pickCustomer(c app.Customer) {
	f.picked = &c
	f.customer.SetText(c.Name)
	f.clearProblem(f.customer)
}

// pickDevice fills the customer and the device; the serial's rules run as
// they would for a scan. The list goes: the form's fields, not a list of
// twenty devices, are what the counter reads next (on a phone they would
// sit below it).
func (f *checkInForm) pickDevice(c app.Customer, p app.Product) {
	f.clearKnown()
	f.pickCustomer(c)
	for i, k := range f.categories {
		if k == p.Category {
			f.category.SetSelectedIndex(i)
		}
	}
	f.brand.SetText(p.Brand)
	f.model.SetText(p.Model)
	f.serial.SetText(p.Serial) // OnChanged reads the date from the serial
	f.clearProblem(f.serial)
}

// promiseChoices are the days a promise can be made for, from now's day
// on, each at its last minute on the counter's calendar (a promise for
// today made in the evening is still after the check-in), and the
// select's options: "none", then the days.
func promiseChoices(now time.Time, zone *time.Location) ([]time.Time, []string) {
	today := now.In(zone)
	days := make([]time.Time, promiseDays)
	opts := []string{lang.X("checkin.no_promise", "No date promised")}
	for i := range days {
		days[i] = time.Date(today.Year(), today.Month(), today.Day()+i, 23, 59, 0, 0, zone)
		opts = append(opts, promiseDayText(days[i], i))
	}
	return days, opts
}

// promiseDayText names the i-th day from today in the promise select.
func promiseDayText(d time.Time, i int) string {
	day := weekdayText(d.Weekday()) + " " + dateText(d.Location(), d)
	switch i {
	case 0:
		return lang.X("checkin.promise_today", "Today, {{.Day}}", map[string]any{"Day": day})
	case 1:
		return lang.X("checkin.promise_tomorrow", "Tomorrow, {{.Day}}", map[string]any{"Day": day})
	}
	return day
}

// weekdayText is a day of the week's short name.
func weekdayText(d time.Weekday) string {
	switch d {
	case time.Monday:
		return lang.X("weekday.mon", "Mon")
	case time.Tuesday:
		return lang.X("weekday.tue", "Tue")
	case time.Wednesday:
		return lang.X("weekday.wed", "Wed")
	case time.Thursday:
		return lang.X("weekday.thu", "Thu")
	case time.Friday:
		return lang.X("weekday.fri", "Fri")
	case time.Saturday:
		return lang.X("weekday.sat", "Sat")
	}
	return lang.X("weekday.sun", "Sun")
}

// checkIMEI shows the IMEI warning while the product is a phone whose
// serial reads as a mistyped IMEI.
func (f *checkInForm) checkIMEI() {
	if f.imei == nil {
		return // the form is still being built
	}
	if f.selectedCategory() == app.CategoryPhone && scanner.IMEIMistyped(f.serial.Text) {
		f.imei.Show()
	} else {
		f.imei.Hide()
	}
}

// readSerial reads brand and manufacture date from the serial, when a
// rule knows the serial's scheme.
func (f *checkInForm) readSerial() {
	f.checkIMEI()
	f.manufactured = time.Time{}
	f.made.SetText("")
	f.made.Hide()
	info, ok := f.deps.rules.MatchAny(f.serial.Text, f.deps.now())
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

// ticket builds the ticket from the form, or says what to correct and in
// which field (nil when the problem is no one field's).
func (f *checkInForm) ticket(now time.Time) (app.Ticket, fyne.CanvasObject, error) {
	t := f.draft(now)
	if r := f.refusals(&t, now, false); len(r) > 0 {
		return app.Ticket{}, r[0].field, r[0].err
	}
	return t, nil, nil
}

// draft is the ticket as the form's fields say it, before the checks.
func (f *checkInForm) draft(now time.Time) app.Ticket {
	t := app.Ticket{
		ID:      app.TicketID(app.NewID()),
		Number:  app.NewTicketNumber(now),
		Kind:    app.KindCarryIn,
		Country: f.deps.country,
		Product: app.Product{
			Category:        f.selectedCategory(),
			Brand:           strings.TrimSpace(f.brand.Text),
			Model:           strings.TrimSpace(f.model.Text),
			Serial:          strings.ToUpper(strings.TrimSpace(f.serial.Text)),
			ProofOfPurchase: strings.TrimSpace(f.proof.Text),
			ManufactureDate: f.manufactured,
		},
		Customer:   app.Customer{Name: strings.TrimSpace(f.customer.Text), Phone: strings.TrimSpace(f.phone.Text)},
		PromisedAt: f.promised(),
		Fault:      strings.TrimSpace(f.fault.Text),
		Condition: app.Condition{LiquidDamage: f.liquid.Checked, PhysicalDamage: f.damage.Checked, UnauthorizedRepair: f.opened.Checked,
			Accessories: strings.TrimSpace(f.kit.Text)},
		Priority:  app.PriorityNormal,
		Status:    app.StatusAssigned,
		CreatedAt: now,
	}
	if p := f.picked; p != nil && strings.EqualFold(strings.TrimSpace(p.Name), t.Customer.Name) {
		t.Customer.Email, t.Customer.Language, t.Customer.Address, t.Customer.City = p.Email, p.Language, p.Address, p.City
		// The phone field holds what found them, often its last four
		// digits: the ticket keeps their whole number, the one the
		// pick-up call and the notices go to. A number typed that is not
		// a part of theirs stays as typed: another number, or theirs
		// written whole with more (an extension, a country code), which
		// the look-up found them by too (app.PhoneLookupKey).
		if typed := app.PhoneDigits(t.Customer.Phone); typed != "" && strings.HasSuffix(app.PhoneDigits(p.Phone), typed) {
			t.Customer.Phone = p.Phone
		}
	}
	return t
}

// refusal is a check of the form that failed: what it says, and the
// field it is about (nil when none of the form's).
type refusal struct {
	field fyne.CanvasObject
	err   error
}

// refusals runs the form's checks on t, in the order a submit reports
// them, and sets t's purchase date from its field. With all it runs every
// check (the fields Enter moves to), else it stops at the first refusal
// (the one a submit shows).
func (f *checkInForm) refusals(t *app.Ticket, now time.Time, all bool) []refusal {
	var out []refusal
	// refuse notes a refusal and says whether to stop.
	refuse := func(field fyne.CanvasObject, err error) bool {
		out = append(out, refusal{field, err})
		return !all
	}
	// The ticket's "Correct" reads its purchase date the same way.
	if d, err := readPurchaseDay(f.bought.Text, now.In(f.deps.zone)); err == nil {
		t.Product.PurchaseDate = d
	} else if refuse(f.bought, err) {
		return out
	}
	if t.Product.Category == "" && refuse(f.category, app.Errorf(app.EINVALID, "checkin.no_category", "Choose the kind of product: it decides which warranty rules apply.")) {
		return out
	}
	if t.Product.Serial == "" && refuse(f.serial, app.Errorf(app.EINVALID, "checkin.no_serial", "Scan or type the device's serial number or IMEI: the tag and the warranty depend on it.")) {
		return out
	}
	if t.Fault == "" && refuse(f.fault, app.Errorf(app.EINVALID, "checkin.no_fault", "Write down the fault the customer reports.")) {
		return out
	}
	// The phone, when one was typed, must be one, as the service checks
	// every new ticket's (app.CheckNewCustomer; a carry-in needs no
	// address).
	if err := app.CheckNewCustomer(t.Kind, t.Customer); err != nil && refuse(f.phone, err) {
		return out
	}
	// The domain's check says the rest (the customer's name, the
	// lengths, the dates). Without a category it would stop at that,
	// which is said above: a stand-in lets it go on to the rest.
	v := *t
	if v.Product.Category == "" {
		v.Product.Category = f.categories[0]
	}
	if err := v.Validate(); err != nil {
		if e := (*app.Error)(nil); errors.As(err, &e) && e.Key == "ticket.invalid.purchase_future" {
			// At the counter the ticket opens now: a later date is in
			// the future, and the invoice has the right one.
			refuse(f.bought, app.Errorf(app.EINVALID, "checkin.purchase_future", "The purchase date cannot be in the future; use the date on the invoice.").WithCause(err))
		} else {
			refuse(f.fieldOf(err), err)
		}
	}
	return out
}

// needed are the fields a submit would refuse now, each as the field its
// problem shows under (fieldErrs).
func (f *checkInForm) needed() map[fyne.CanvasObject]bool {
	now := f.deps.now()
	t := f.draft(now)
	need := map[fyne.CanvasObject]bool{}
	for _, r := range f.refusals(&t, now, true) {
		if r.field != nil {
			need[r.field] = true
		}
	}
	if _, err := f.passcodeOf(t.ID); err != nil {
		need[f.passBox] = true
	}
	return need
}

// next is Enter in from (nil when nothing has the focus): the focus moves
// on to the next field in the form's order, as Tab does, so that what is
// typed next lands in the field the clerk expects. (It used to move to the
// next field a submit would refuse, over the optional ones: a brand typed
// after choosing the product went into the serial, and a model into the
// fault.) From the last field it goes round to the first field a submit
// would refuse; with none left, it is false and Enter submits: it checks
// the device in, or says what is wrong with from itself. No problem shows
// on the way: a scanner's Enter after a serial is no request to check in.
// The deposit is checked only by a submit (it reads the rule set, off the
// UI goroutine).
func (f *checkInForm) next(from fyne.CanvasObject) bool {
	if f.win == nil || len(f.order) == 0 {
		return false
	}
	at := slices.Index(f.order, from) // -1: from the top
	for _, o := range f.order[at+1:] {
		if fo, ok := o.(fyne.Focusable); ok && o.Visible() {
			f.reveal(f.problemField(o))
			f.win.Canvas().Focus(fo)
			return true
		}
	}
	need := f.needed()
	for _, o := range f.order {
		field := f.problemField(o)
		fo, ok := o.(fyne.Focusable)
		if !ok || !need[field] || !o.Visible() || (from != nil && field == f.problemField(from)) {
			continue
		}
		f.reveal(field)
		f.win.Canvas().Focus(fo)
		return true
	}
	return false
}

// problemField is the field whose problem o shares (owner), or o.
func (f *checkInForm) problemField(o fyne.CanvasObject) fyne.CanvasObject {
	if p, ok := f.owner[o]; ok {
		return p
	}
	return o
}

// promised is the day chosen in the promise select, zero for none.
func (f *checkInForm) promised() time.Time {
	if i := f.promise.SelectedIndex(); i > 0 {
		return f.promiseDays[i-1].UTC()
	}
	return time.Time{}
}

// fieldOf finds the field a ticket's validation error is about, from its
// key or the field it names; nil when it is about none of the form's.
func (f *checkInForm) fieldOf(err error) fyne.CanvasObject {
	var e *app.Error
	if !errors.As(err, &e) {
		return nil
	}
	switch e.Key {
	case "ticket.invalid.customer":
		return f.customer
	case "ticket.invalid.promise_past", "ticket.invalid.promise_far":
		return f.promise
	}
	name, _ := e.Data["Field"].(string)
	byName := map[string]fyne.CanvasObject{
		"customer.name": f.customer, "customer.phone": f.phone, "product.brand": f.brand, "product.model": f.model,
		"product.serial": f.serial, "product.proof_of_purchase": f.proof, "condition.accessories": f.kit, "fault": f.fault,
	}
	return byName[name]
}

// showProblem says what is wrong: in view above the buttons, and under
// the field it is about, which gets the focus.
func (f *checkInForm) showProblem(field fyne.CanvasObject, err error) {
	f.clearProblems()
	text := errorText(err)
	f.problem.SetText(text)
	f.problem.Show()
	if l := f.fieldErrs[field]; l != nil {
		l.SetText(text)
		l.Show()
	}
	f.reveal(field)
	if fo, ok := field.(fyne.Focusable); ok && f.win != nil {
		f.win.Canvas().Focus(fo)
	}
}

// reveal scrolls the fields so that field and the problem under it are
// in view: the focus does not scroll, and a clerk who pressed Check in at
// the bottom of the form saw the message above the buttons but not the
// field it named.
func (f *checkInForm) reveal(field fyne.CanvasObject) {
	if f.scroll == nil || field == nil || !field.Visible() {
		return
	}
	f.scroll.Content.Refresh() // lays out the problem just shown
	d := fyne.CurrentApp().Driver()
	origin := d.AbsolutePositionForObject(f.scroll.Content).Y
	top := d.AbsolutePositionForObject(field).Y - origin
	bottom := top + field.Size().Height
	if l := f.fieldErrs[field]; l != nil && l.Visible() {
		bottom = d.AbsolutePositionForObject(l).Y - origin + l.Size().Height
	}
	pad, view := theme.Padding(), f.scroll.Size().Height
	switch {
	case top < f.scroll.Offset.Y:
		f.scroll.ScrollToOffset(fyne.NewPos(0, max(0, top-pad)))
	case bottom > f.scroll.Offset.Y+view:
		f.scroll.ScrollToOffset(fyne.NewPos(0, min(top-pad, bottom-view+pad)))
	}
}

// clearProblem takes back the problem shown under field, and the same
// words above the buttons.
func (f *checkInForm) clearProblem(field fyne.CanvasObject) {
	if l := f.fieldErrs[field]; l != nil && l.Visible() {
		l.Hide()
		f.problem.Hide()
	}
}

func (f *checkInForm) clearProblems() {
	f.problem.Hide()
	for _, l := range f.fieldErrs {
		l.Hide()
	}
}

// submit saves the ticket when the form is complete, or says what to
// correct: the button, Ctrl+Enter, and Enter once no other field is
// needed (next).
func (f *checkInForm) submit() {
	if f.submitB.Disabled() {
		return // saving
	}
	tk, field, err := f.ticket(f.deps.now())
	if err != nil {
		f.showProblem(field, err)
		return
	}
	secret, err := f.passcodeOf(tk.ID)
	if err != nil {
		f.showProblem(f.passBox, err)
		return
	}
	f.clearProblems()
	f.submitB.Disable()
	photos := f.photoFiles
	amount, ref := strings.TrimSpace(f.deposit.Text), strings.TrimSpace(f.depositRef.Text)
	method := methods[max(f.depositMethod.SelectedIndex(), 0)]
	f.deps.run(func() {
		// The deposit is checked before the ticket is saved, so that a
		// mistyped one changes nothing; it is recorded right after the
		// ticket, as the Committer saves one command at a time.
		var deposit *app.RecordPayment
		var err error
		if amount != "" && f.deps.warranty != nil {
			deposit, err = f.depositOf(tk, amount, method, ref)
		}
		if err == nil {
			_, err = f.deps.commit.Commit(f.deps.ctx, f.deps.actor, &app.CreateTicket{Ticket: tk})
		}
		var paid *app.Payment
		var depositErr error
		if err == nil && deposit != nil {
			if _, depositErr = f.deps.commit.Commit(f.deps.ctx, f.deps.actor, deposit); depositErr == nil {
				paid = &deposit.Payment
			}
		}
		var perr error
		if err == nil && secret != nil {
			// Right after the ticket: it is checked already (passcodeOf),
			// so only the disk can refuse it, and the ticket stands.
			_, perr = f.deps.commit.Commit(f.deps.ctx, f.deps.actor, secret)
		}
		fyne.Do(func() {
			f.submitB.Enable()
			if err != nil {
				field := f.fieldOf(err)
				if e := app.AsError(err); e != nil && (strings.HasPrefix(e.Key, "payment.") || strings.HasPrefix(e.Key, "money.")) {
					field = f.deposit // its problem shows under the deposit's three fields
				}
				f.showProblem(field, err)
				return
			}
			f.passcode.SetText("")
			f.pattern.Clear()
			f.dialog.Hide()
			f.desk.checkedIn(tk, photos, paid, depositErr)
			if perr != nil {
				dialog.ShowInformation(lang.X("checkin.passcode_not_saved", "Passcode not saved"), errorText(perr), f.win)
			}
		})
	})
}

// passcodeOf is the ticket.passcode of what the passcode field holds,
// checked; nil when it is empty.
func (f *checkInForm) passcodeOf(id app.TicketID) (*app.SetPasscode, error) {
	c := &app.SetPasscode{Ticket: id, Kind: app.PasscodeText, Secret: f.passcode.Text}
	if f.patternOn.Checked {
		c.Kind, c.Secret = app.PasscodePattern, app.PatternText(f.pattern.Dots())
	}
	if c.Secret == "" {
		return nil, nil
	}
	return c, c.Validate()
}

// depositOf is the deposit typed for tk, in its rule set's currency,
// checked; run off the UI goroutine (it reads the rule set).
func (f *checkInForm) depositOf(tk app.Ticket, amount string, method app.PaymentMethod, ref string) (*app.RecordPayment, error) {
	rs, err := f.deps.warranty.RuleSet(f.deps.ctx, tk.Country)
	if err != nil {
		return nil, err
	}
	m, err := parseAmount(amount, rs.Currency)
	if err != nil {
		return nil, err
	}
	p := app.Payment{ID: app.NewID(), Ticket: tk.ID, Kind: app.PaymentDeposit, Method: method, Amount: m, Reference: ref}
	if err := checkPayment(p); err != nil {
		return nil, err
	}
	return &app.RecordPayment{Payment: p}, nil
}

// checkedIn shows a ticket just checked in, selected in the list, and
// attaches its condition photos. The sync line counts it as waiting, as
// it does every saved change (Terminal.commit). The claim tag's print
// dialog opens at once: the customer waits at the counter for it.
func (t *Terminal) checkedIn(tk app.Ticket, photos []photoFile, deposit *app.Payment, depositErr error) {
	t.sync.refresh()
	t.list.Reveal(tk)
	t.openTicket(tk.ID)
	for _, p := range photos {
		data := p.data
		t.attachPhotoKind(tk, p.name, "condition", func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	}
	done := lang.X("checkin.done", "Checked in as {{.Number}}. Save its claim tag to print it now.", map[string]any{"Number": tk.Number})
	if deposit != nil {
		done = lang.X("checkin.done_deposit", "Checked in as {{.Number}} with a deposit of {{.Amount}}, receipt {{.Receipt}}. Save its claim tag to print it now.",
			map[string]any{"Number": tk.Number, "Amount": moneyText(deposit.Amount), "Receipt": deposit.Receipt})
	}
	// The note asks for the tag until it is saved (the saved note
	// replaces it); cancelled, it says the tag is not saved and where it
	// prints later. The next check-in puts it away (openCheckIn).
	t.showStatus(statusClaimTag, done)
	p := t.labelPrinter()
	p.unsaved = func() {
		data := map[string]any{"Number": tk.Number, "Button": lang.X("labels.print", "Print labels")}
		text := lang.X("checkin.tag_not_saved", "{{.Number}} is checked in, but its claim tag was not saved. To print it later, open the ticket and tap {{.Button}}.", data)
		if deposit != nil { // the receipt's number stays in view
			data["Amount"], data["Receipt"] = moneyText(deposit.Amount), deposit.Receipt
			text = lang.X("checkin.tag_not_saved_deposit", "{{.Number}} is checked in with a deposit of {{.Amount}}, receipt {{.Receipt}}, but its claim tag was not saved. To print it later, open the ticket and tap {{.Button}}.", data)
		}
		t.showStatus(statusClaimTag, text)
	}
	p.show(ticketView{detail: app.TicketDetail{Ticket: tk}})
	if depositErr != nil {
		// The ticket is saved; the deposit can be taken on it again.
		t.showError(depositErr)
	}
}

// periodText names a manufacture period as precisely as the serial gave
// it: "2018-03" for a month, "2018" for a year, a calendar day otherwise
// (civilDateText).
func periodText(t time.Time, precision string) string {
	switch precision {
	case "month":
		return t.UTC().Format("2006-01")
	case "year":
		return t.UTC().Format("2006")
	}
	return civilDateText(t)
}

// pickPhoto adds a condition photo, read now and attached with the ticket.
func (f *checkInForm) pickPhoto() {
	d := newFileOpen(func(rc fyne.URIReadCloser, err error) {
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
			f.showProblem(f.photos, err)
			return
		}
		f.addPhoto(rc.URI().Name(), data)
	}, f.win)
	d.SetFilter(storage.NewExtensionFileFilter(imageExtensions))
	showFileDialog(d, f.win)
}

// addPhoto queues a condition photo for the ticket being checked in.
func (f *checkInForm) addPhoto(name string, data []byte) {
	f.photoFiles = append(f.photoFiles, photoFile{name: name, data: data})
	names := make([]string, len(f.photoFiles))
	for i, p := range f.photoFiles {
		names[i] = p.name
	}
	f.photos.SetText(strings.Join(names, ", "))
}
