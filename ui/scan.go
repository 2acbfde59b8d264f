package ui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// A scan, from any source, does what its code stands for:
//   - a claim tag opens its ticket;
//   - a device serial or IMEI fills the serial field of an open check-in,
//     or else finds the device's tickets: one opens, several are listed,
//     none offers to check the device in;
//   - a part label or GS1 code shows the part and its stock;
//   - other text is searched for among tickets, then parts.
// The outcome shows in the terminal's scan bar, so a technician who
// scanned without looking at the screen can check what happened.

// imageExtensions are the photo files offered by the picker and taken from
// drops.
var imageExtensions = []string{".jpg", ".jpeg", ".png", ".gif"}

// HandleScan acts on a scan. It may be called on any goroutine.
func (t *Terminal) HandleScan(s scanner.Scan) {
	m, err := scanner.Interpret(s.Code.Text, t.deps.SerialRules, t.deps.Now())
	fyne.Do(func() {
		if err != nil {
			t.setScanStatus(err != nil, lang.X("scan.unreadable", "Scanned “{{.Text}}”: {{.Error}}", map[string]any{"Text": clipText(s.Code.Text), "Error": errorText(err)}))
			return
		}
		t.router.route(m)
	})
}

// scanRouter decides what a scan does, by the rules above, and says in
// the scan bar what it did.
type scanRouter struct {
	ctx     context.Context
	tickets app.TicketService
	parts   app.PartService
	tech    app.TechnicianID
	now     func() time.Time
	run     func(func())
	// canCheckIn is set when the terminal may save (check in a device).
	canCheckIn bool
	desk       scanDesk
}

// scanDesk is what a scan acts on: what is in front of the user, and
// what the terminal opens.
type scanDesk interface {
	// say shows the outcome in the scan bar.
	say(failed bool, text string)
	// sayCounted shows what a scan counted in the receive dialog or the
	// stock count: a note that goes once its line is changed by hand.
	sayCounted(text string)
	// checkInName is the check-in button as the screen shows it.
	checkInName() string
	openTicket(id app.TicketID)
	// listTickets lists the tickets a text finds.
	listTickets(query string)
	// receiverInFront is the receive dialog in front, if any: a scan
	// counts a part of the parcel.
	receiverInFront() *receiveFlow
	// counterInFront is the stock count in front, if any: a scan counts
	// one unit of the part.
	counterInFront() *countFlow
	// holdForCount keeps m for the stock count that is opening, if one
	// is, and reports whether it did.
	holdForCount(m scanner.Meaning) bool
	// parcelSearchInFront reports whether the parts-on-the-way page is in
	// front: a scan there is a parcel's label.
	parcelSearchInFront() bool
	findParcel(code string)
	// partSearchInFront: the part search box in front, if any.
	partSearchInFront() *scanEntry
	// pickerInFront is the add-part dialog when it is in front: a scan
	// there picks a part, or a unit by its serial.
	pickerInFront() *partPicker
	// checkInForm is the open check-in form, if any.
	checkInForm() *checkInForm
	// ticketAtBench is the ticket in front being worked on, with no dialog
	// over it: a part scanned is for it.
	ticketAtBench() (app.Ticket, bool)
	addPart(tk app.Ticket, part string)
	findPart(m scanner.Meaning, fallback bool)
	offerCheckIn(m scanner.Meaning)
	offerPickUp(tk app.Ticket)
}

// route runs on the UI goroutine.
func (r *scanRouter) route(m scanner.Meaning) {
	d := r.desk
	// A parcel being received counts what is scanned, whatever it looks
	// like: a part number can read as a serial or plain text.
	if rf := d.receiverInFront(); rf != nil && m.Kind != scanner.ScanTicket {
		if text, counted := rf.scan(m); counted {
			d.sayCounted(text)
		} else {
			d.say(false, text)
		}
		return
	}
	if cf := d.counterInFront(); cf != nil && m.Kind != scanner.ScanTicket {
		text, failed := cf.scan(m)
		if failed {
			d.say(failed, text)
		} else {
			d.sayCounted(text)
		}
		return
	}
	if m.Kind != scanner.ScanTicket && d.holdForCount(m) {
		d.say(false, lang.X("count.scan_held", "Scanned {{.Code}}: counted as soon as the count is open.", map[string]any{"Code": clipText(scanCode(m))}))
		return
	}
	if d.parcelSearchInFront() && m.Kind != scanner.ScanTicket {
		d.findParcel(m.Text)
		d.say(false, lang.X("scan.parcel", "Scanned {{.Code}}: looking for the parcel.", map[string]any{"Code": clipText(m.Text)}))
		return
	}
	// The add-part dialog in front takes any code but a claim tag or a
	// pairing code: a part label, or a unit's serial sticker, which may
	// read as plain text or as a device's serial (partPicker.scan).
	if pp := d.pickerInFront(); pp != nil && m.Kind != scanner.ScanTicket && m.Kind != scanner.ScanPairing {
		pp.scan(m, d.say)
		return
	}
	// A part search in front takes a part label or plain text: the add-part
	// dialog first, then the parts page.
	if search := d.partSearchInFront(); search != nil && (m.Kind == scanner.ScanPart || m.Kind == scanner.ScanText) {
		q := string(m.Part)
		if q == "" {
			q = m.Text
		}
		search.SetText(q)
		d.say(false, lang.X("scan.part_search", "Scanned {{.Part}}: looking it up.", map[string]any{"Part": q}))
		return
	}
	// An open ticket being worked on takes a part label as a part to fit.
	if tk, ok := d.ticketAtBench(); ok && m.Kind == scanner.ScanPart {
		d.addPart(tk, string(m.Part))
		d.say(false, lang.X("scan.part_for_ticket", "Scanned part {{.Part}} for ticket {{.Number}}.", map[string]any{"Part": string(m.Part), "Number": tk.Number}))
		return
	}
	if f := d.checkInForm(); f != nil && (m.Kind == scanner.ScanDevice || m.Kind == scanner.ScanText) {
		d.say(false, lang.X("scan.filled_serial", "Scanned {{.Serial}} into the check-in form.", map[string]any{"Serial": f.fillScan(m)}))
		return
	}
	switch m.Kind {
	case scanner.ScanTicket:
		r.openScannedTicket(m)
	case scanner.ScanDevice:
		r.findDevice(m)
	case scanner.ScanPart:
		d.findPart(m, true)
	case scanner.ScanPairing:
		d.say(true, lang.X("scan.already_paired", "This device is already paired. Sign out in the settings first to pair it again."))
	default:
		r.findText(m)
	}
}

// awaitsPickUp is a carried-in device whose work is over: the customer
// comes back for it.
func awaitsPickUp(kind app.TicketKind, status app.Status) bool {
	return kind == app.KindCarryIn && (status == app.StatusCompleted || status == app.StatusCannotComplete)
}

func (r *scanRouter) openScannedTicket(m scanner.Meaning) {
	r.run(func() {
		dt, err := r.tickets.TicketDetail(r.ctx, m.Ticket)
		fyne.Do(func() {
			number := m.TicketNumber
			if number == "" {
				number = string(m.Ticket)
			}
			switch {
			case app.ErrorCode(err) == app.ENOTFOUND:
				r.desk.say(true, lang.X("scan.ticket_not_here", "Ticket {{.Number}} is not on this device. Sync, or ask dispatch to assign it to you.", map[string]any{"Number": number}))
			case err != nil:
				r.desk.say(true, errorText(err))
			default:
				r.desk.openTicket(dt.Ticket.ID)
				r.desk.say(false, lang.X("scan.opened_ticket", "Scanned claim tag {{.Number}}: ticket opened.", map[string]any{"Number": dt.Ticket.Number}))
				if tk := dt.Ticket; awaitsPickUp(tk.Kind, tk.Status) {
					r.desk.offerPickUp(tk)
				}
			}
		})
	})
}

func (r *scanRouter) findDevice(m scanner.Meaning) {
	f := app.TicketFilter{Technician: r.tech, Query: m.Serial, Now: r.now(), Limit: pageSize}
	r.run(func() {
		page, err := r.tickets.ListTickets(r.ctx, f)
		tickets, total := page.Rows, page.Total
		fyne.Do(func() {
			switch {
			case err != nil:
				r.desk.say(true, errorText(err))
			case total == 1:
				r.desk.openTicket(tickets[0].ID)
				r.desk.say(false, lang.X("scan.device_ticket", "Scanned {{.Serial}}: its ticket {{.Number}} opened.", map[string]any{"Serial": m.Serial, "Number": tickets[0].Number}))
			case page.More:
				r.desk.listTickets(m.Serial)
				r.desk.say(false, lang.X("scan.device_tickets_capped", "Scanned {{.Serial}}: {{.Count}}+ tickets listed.", map[string]any{"Serial": m.Serial, "Count": countText(total)}))
			case total > 1:
				r.desk.listTickets(m.Serial)
				r.desk.say(false, lang.X("scan.device_tickets", "Scanned {{.Serial}}: {{.Count}} tickets listed.", map[string]any{"Serial": m.Serial, "Count": countText(total)}))
			case r.canCheckIn:
				r.desk.say(false, lang.X("scan.device_new", "Scanned {{.Serial}}: no ticket for this device yet.", map[string]any{"Serial": m.Serial}))
				r.desk.offerCheckIn(m)
			default:
				r.desk.say(false, lang.X("scan.device_none", "Scanned {{.Serial}}: no ticket for it on this device.", map[string]any{"Serial": m.Serial}))
			}
		})
	})
}

// findText searches tickets, then parts, for a scanned text that is
// nothing we recognise.
func (r *scanRouter) findText(m scanner.Meaning) {
	f := app.TicketFilter{Technician: r.tech, Query: m.Text, Now: r.now(), Limit: pageSize}
	_, isPhone := app.PhoneText(m.Text)
	r.run(func() {
		page, err := r.tickets.ListTickets(r.ctx, f)
		tickets, total := page.Rows, page.Total
		var parts []app.Part
		if err == nil && total == 0 {
			parts, err = r.parts.FindParts(r.ctx, app.PartFilter{Query: m.Text, Limit: 2})
		}
		// The intake receipt the customer kept carries a QR Code of the
		// ticket's number alone: scanned at pick-up, it offers the
		// hand-back as the claim tag on the device does (walk4's Spanish
		// counter walk: the ticket opened and nothing more).
		var pickUp *app.Ticket
		if err == nil && total == 1 && strings.EqualFold(strings.TrimSpace(m.Text), tickets[0].Number) && awaitsPickUp(tickets[0].Kind, tickets[0].Status) {
			if dt, derr := r.tickets.TicketDetail(r.ctx, tickets[0].ID); derr == nil {
				pickUp = &dt.Ticket
			}
		}
		fyne.Do(func() {
			switch {
			case err != nil:
				r.desk.say(true, errorText(err))
			case total == 1:
				r.desk.openTicket(tickets[0].ID)
				r.desk.say(false, lang.X("scan.text_ticket", "Scanned “{{.Text}}”: ticket {{.Number}} opened.", map[string]any{"Text": clipText(m.Text), "Number": tickets[0].Number}))
				if pickUp != nil {
					r.desk.offerPickUp(*pickUp)
				}
			case page.More:
				r.desk.listTickets(m.Text)
				r.desk.say(false, lang.X("scan.text_tickets_capped", "Scanned “{{.Text}}”: {{.Count}}+ tickets listed.", map[string]any{"Text": clipText(m.Text), "Count": countText(total)}))
			case total > 1:
				r.desk.listTickets(m.Text)
				r.desk.say(false, lang.X("scan.text_tickets", "Scanned “{{.Text}}”: {{.Count}} tickets listed.", map[string]any{"Text": clipText(m.Text), "Count": countText(total)}))
			case len(parts) == 1:
				r.desk.findPart(scanner.Meaning{Kind: scanner.ScanPart, Part: parts[0].Number}, false)
			case r.canCheckIn && isPhone:
				// A customer's phone code (a "tel:" link) no ticket
				// has: a new customer, whom the form's phone field,
				// focused at opening, takes the same scan for.
				r.desk.say(true, lang.X("scan.nothing_counter_phone", "Scanned “{{.Text}}”: no ticket on this device has this phone number. A new customer? Press {{.Button}} and scan it there: it fills in the phone.",
					map[string]any{"Text": clipText(m.Text), "Button": r.desk.checkInName()}))
			case r.canCheckIn:
				// An unknown code on a device that checks devices in
				// (a counter's, or a technician's who takes one back
				// to the workshop) is most often a device not checked
				// in yet, whose serial's label reads as text: say
				// where it goes (the form takes a scan as the serial),
				// without a dialog that a burst of scans would type
				// into.
				r.desk.say(true, lang.X("scan.nothing_counter", "Scanned “{{.Text}}”: no ticket or part on this device matches it. A device not checked in yet? Press {{.Button}} and scan it there.",
					map[string]any{"Text": clipText(m.Text), "Button": r.desk.checkInName()}))
			default:
				r.desk.say(true, lang.X("scan.nothing", "Scanned “{{.Text}}”: no ticket or part on this device matches it. Check the code, or search by the customer's name or phone.", map[string]any{"Text": clipText(m.Text)}))
			}
		})
	})
}

// The terminal is the scan router's desk.

func (t *Terminal) say(failed bool, text string) { t.setScanStatus(failed, text) }

func (t *Terminal) sayCounted(text string) { t.showStatus(statusCounted, text) }

// scanUndone is told that the line the last counted scan describes was
// changed by hand: a note still saying what was scanned then goes, or
// says text (a line removed) instead. A note that has since said
// something else stays.
func (t *Terminal) scanUndone(text string) {
	if t.statusKind != statusCounted || !t.scanBar.Visible() {
		return
	}
	if text == "" {
		t.clearStatus(statusCounted)
		return
	}
	t.showStatus(statusNews, text)
}

func (t *Terminal) listTickets(query string) { t.list.SetQuery(query) }

// checkInName is the check-in button as the screen shows it: its words,
// or on a narrow screen, where it shows its icon alone, a plus.
func (t *Terminal) checkInName() string {
	if t.compact {
		return "+"
	}
	return lang.X("checkin.button", "Check in")
}

func (t *Terminal) checkInForm() *checkInForm { return t.checkIn }

func (t *Terminal) ticketAtBench() (app.Ticket, bool) {
	tk, ok := t.detail.ticket()
	inFront := !t.compact || t.ticketsPage.Objects[0] == t.detailPage
	return tk, ok && t.partPicker == nil && t.checkIn == nil && t.deps.Commit != nil &&
		(tk.Status == app.StatusInProgress || tk.Status == app.StatusOnSite) && inFront
}

// statusKind is what the line below the screen says. What clears a note
// asks for its kind, never its text: the text is translated, and may
// carry a number or a name.
type statusKind int

const (
	statusNews         statusKind = iota // the outcome of a scan or an action
	statusProblem                        // something failed; the text says what to do
	statusWaitsForSync                   // work saved on the device, not sent yet
	statusDecisionSent                   // a conflict decided; the next sync brings its result
	statusClaimTag                       // a ticket checked in; its claim tag to save (checkedIn)
	statusCounted                        // a scan counted in the receive dialog or the stock count
)

// setScanStatus shows the outcome of the last scan or action.
func (t *Terminal) setScanStatus(failed bool, text string) {
	kind := statusNews
	if failed {
		kind = statusProblem
	}
	t.showStatus(kind, text)
}

// showStatus shows a note of kind below the screen.
func (t *Terminal) showStatus(kind statusKind, text string) {
	t.statusKind = kind
	t.scanStatus.SetText(text)
	if kind == statusProblem {
		t.scanStatus.Importance = widget.DangerImportance
	} else {
		t.scanStatus.Importance = widget.MediumImportance
	}
	t.scanStatus.Refresh()
	t.scanBar.Show()
}

// clearStatus hides the note if it is of kind.
func (t *Terminal) clearStatus(kind statusKind) {
	if t.statusKind == kind && t.scanBar.Visible() {
		t.scanBar.Hide()
		t.scanStatus.SetText("")
	}
}

// ScanImage decodes a photo in the background and acts on its code.
func (t *Terminal) ScanImage(name string, open func() (io.ReadCloser, error)) {
	t.setScanStatus(false, lang.X("scan.reading_photo", "Reading the code in {{.Name}}…", map[string]any{"Name": name}))
	t.deps.Run(func() {
		r, err := open()
		var s scanner.Scan
		if err == nil {
			s, err = scanner.DecodeImageFile(t.ctx, r, t.deps.Now())
			r.Close()
		} else {
			err = app.Errorf(app.EINVALID, "scan.file_unreadable", "The file cannot be read. Choose it again or copy it to this device first.").WithCause(err)
		}
		if err != nil {
			fyne.Do(func() {
				msg := errorText(err)
				if app.ErrorCode(err) == app.ENOTFOUND {
					msg = lang.X("scan.photo_no_code", "No barcode found in {{.Name}}. Take the photo closer, in focus and with the code straight, and try again.", map[string]any{"Name": name})
				}
				t.setScanStatus(err != nil, msg)
			})
			return
		}
		t.HandleScan(s)
	})
}

// pickPhoto lets the user choose a photo to read a code from.
func (t *Terminal) pickPhoto() {
	if t.win == nil {
		return
	}
	d := newFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			t.setScanStatus(err != nil, errorText(app.Errorf(app.EINVALID, "scan.file_unreadable", "The file cannot be read. Choose it again or copy it to this device first.")))
			return
		}
		if rc == nil {
			return // cancelled
		}
		t.ScanImage(rc.URI().Name(), func() (io.ReadCloser, error) { return rc, nil })
	}, t.win)
	d.SetFilter(storage.NewExtensionFileFilter(imageExtensions))
	showFileDialog(d, t.win)
}

// Drop reads a code from the first image file dropped on the window, or,
// dropped on the open ticket's photos, attaches the pictures to it.
func (t *Terminal) Drop(pos fyne.Position, uris []fyne.URI) {
	if card := t.detail.photos; card != nil && t.deps.Commit != nil && t.deps.Photos != nil {
		if tk, ok := t.detail.ticket(); ok && within(pos, card) {
			for _, u := range uris {
				if isImageName(u.Name()) {
					t.attachPhoto(tk, u.Name(), func() (io.ReadCloser, error) { return storage.Reader(u) })
				}
			}
			return
		}
	}
	for _, u := range uris {
		if isImageName(u.Name()) {
			t.ScanImage(u.Name(), func() (io.ReadCloser, error) { return storage.Reader(u) })
			return
		}
	}
	if len(uris) > 0 {
		t.setScanStatus(true, lang.X("scan.drop_not_image", "Drop a photo (JPEG, PNG or GIF) to read its code."))
	}
}

// Paste acts on the clipboard's text: a path or file URI of a photo is read for
// its code; other text is taken as a scanned code. (Fyne's clipboard holds
// text only: a picture copied as pixels cannot be pasted; copy its file.)
func (t *Terminal) Paste(text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		t.setScanStatus(true, lang.X("scan.clipboard_empty", "The clipboard holds no text. Copy a code, or a photo's file, first."))
		return
	}
	if first, _, _ := strings.Cut(text, "\n"); isImageName(first) {
		path := strings.TrimSpace(first)
		if u, err := storage.ParseURI(path); err == nil && u.Scheme() == "file" {
			path = u.Path()
		}
		if filepath.IsAbs(path) {
			t.ScanImage(filepath.Base(path), func() (io.ReadCloser, error) { return os.Open(path) })
			return
		}
	}
	t.HandleScan(scanner.Scan{Source: scanner.SourceTyped, Code: scanner.Code{Text: text}, At: t.deps.Now()})
}

func isImageName(name string) bool {
	ext := strings.ToLower(filepath.Ext(strings.TrimSpace(name)))
	for _, e := range imageExtensions {
		if ext == e {
			return true
		}
	}
	return false
}

// clipText shortens a scanned text for a message.
func clipText(s string) string { return clipRunes(s, 40) }

// clipRunes is s on one line (control characters as spaces), cut to at
// most n runes, the last an ellipsis when cut.
func clipRunes(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// listen delivers the keyboard wedge's scans until ctx ends.
func (t *Terminal) listen(ctx context.Context) {
	t.keys.wedge.Listen(t.HandleScan)
	context.AfterFunc(ctx, func() { t.keys.wedge.Listen(nil) })
}

// AddSource runs another scan source, such as a camera's FrameScanner,
// until the terminal's context ends; its scans act like any other. A
// source that fails shows its error in the scan bar.
func (t *Terminal) AddSource(src scanner.Source) {
	go func() {
		if err := src.Run(t.ctx, t.HandleScan); err != nil && t.ctx.Err() == nil {
			fyne.Do(func() { t.setScanStatus(true, errorText(err)) })
		}
	}()
}

// within reports whether a window position falls on o.
func within(pos fyne.Position, o fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	if d.CanvasForObject(o) == nil || !o.Visible() {
		return false
	}
	at, size := d.AbsolutePositionForObject(o), o.Size()
	return pos.X >= at.X && pos.Y >= at.Y && pos.X < at.X+size.Width && pos.Y < at.Y+size.Height
}

// receiverInFront is the receive dialog when it is the dialog in front.
func (t *Terminal) receiverInFront() *receiveFlow {
	if t.receiver == nil || t.win == nil {
		return nil
	}
	if sd := t.topDialog(); sd == nil || sd.d != t.receiver.d {
		return nil // the review, or an error, is in front
	}
	return t.receiver
}

// parcelSearchInFront reports whether the parts-on-the-way page shows
// with no dialog over it.
func (t *Terminal) parcelSearchInFront() bool {
	return t.onway != nil && t.tabs.Selected() == t.onwayTab && (t.win == nil || t.win.Canvas().Overlays().Top() == nil)
}

func (t *Terminal) findParcel(code string) { t.onway.find(code) }

// pickerInFront is the add-part dialog when no other dialog is over it.
func (t *Terminal) pickerInFront() *partPicker {
	if t.partPicker == nil || t.win == nil {
		return nil
	}
	if sd := t.topDialog(); sd == nil || sd.d != t.partPicker.dialog {
		return nil
	}
	return t.partPicker
}

// partSearchInFront is the part search box the user sees: the add-part
// dialog's, or the parts page's; nil when neither is in front.
func (t *Terminal) partSearchInFront() *scanEntry {
	switch {
	case t.partPicker != nil:
		return t.partPicker.query
	case t.parts != nil && t.tabs.Selected() == t.partsTab:
		return t.parts.query
	}
	return nil
}
