package reports

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/report"
)

// Builder reads what a ticket's documents state from the device's
// services. Every field but Location, Supply and Language is required;
// the shipping papers need Supply and Language too.
type Builder struct {
	Tickets  app.TicketService
	Parts    app.PartService
	Warranty app.WarrantyService
	History  app.TicketHistory
	Photos   app.PhotoStore
	Supply   app.SupplyService
	// Language is the BCP 47 tag the technician's own documents (a
	// parcel's label and packing list) are written in: see
	// app.Technician.DocumentLanguage.
	Language string
	// Provider is the service provider's name the documents are headed
	// with; Technician is the name of the technician who works on this
	// device.
	Provider   string
	Technician string
	// Location is the zone the documents print times in; nil is UTC.
	Location *time.Location
}

// Input gathers the facts of ticket id a service report states, as the
// ticket screen shows them: the detail, the catalog entries of its parts,
// the warranty decision under its country's rule set (none when the device
// has no rule set for the country or it cannot decide: the report then
// has no warranty section), the workflow steps taken on this device and
// the payments.
func (b Builder) Input(ctx context.Context, id app.TicketID) (app.ReportInput, error) {
	d, err := b.Tickets.TicketDetail(ctx, id)
	if err != nil {
		return app.ReportInput{}, err
	}
	return b.InputOf(ctx, d)
}

// InputOf is Input of a ticket detail the caller has just read (the
// ticket screen's reload), which it does not read again.
func (b Builder) InputOf(ctx context.Context, d app.TicketDetail) (app.ReportInput, error) {
	id := d.Ticket.ID
	var err error
	in := app.ReportInput{Detail: d, Catalog: map[app.PartNumber]app.Part{}, Provider: b.Provider, Technician: b.Technician}
	var used []app.UsedPart
	for _, u := range d.Parts {
		p, ok := in.Catalog[u.Part]
		if !ok {
			if p, err = b.Parts.Part(ctx, u.Part); err != nil {
				return app.ReportInput{}, fmt.Errorf("report of ticket %s: part %s: %w", d.Ticket.Number, u.Part, err)
			}
			in.Catalog[u.Part] = p
		}
		used = append(used, app.UsedPart{Part: p, Qty: u.Qty})
	}
	rs, err := b.Warranty.RuleSet(ctx, d.Ticket.Country)
	switch {
	case err == nil:
		dec, err := app.Decide(rs, app.WarrantyInput{Ticket: d.Ticket, Parts: used, LabourMinutes: d.Ticket.LabourMinutes, On: d.Ticket.CreatedAt})
		if err == nil {
			in.Decision = &dec
		}
	case app.ErrorCode(err) != app.ENOTFOUND:
		return app.ReportInput{}, fmt.Errorf("report of ticket %s: rule set: %w", d.Ticket.Number, err)
	}
	if in.History, err = b.History.TicketHistory(ctx, id); err != nil {
		return app.ReportInput{}, fmt.Errorf("report of ticket %s: history: %w", d.Ticket.Number, err)
	}
	for _, p := range d.Payments {
		in.Payments = append(in.Payments, p.ForReport())
	}
	return in, nil
}

// Report returns the service report of ticket id in canonical form.
func (b Builder) Report(ctx context.Context, id app.TicketID) (app.ServiceReport, error) {
	in, err := b.Input(ctx, id)
	if err != nil {
		return app.ServiceReport{}, err
	}
	return app.BuildServiceReport(in), nil
}

// ToSign returns what the customer signs for ticket id: the report (its
// digest, and its canonical JSON, which the signature carries to the
// server) and its total as the report prints it ("" without a warranty
// decision).
func (b Builder) ToSign(ctx context.Context, id app.TicketID) (r app.ServiceReport, total string, err error) {
	d, err := b.Tickets.TicketDetail(ctx, id)
	if err != nil {
		return app.ServiceReport{}, "", err
	}
	return b.ToSignOf(ctx, d)
}

// ToSignOf is ToSign of a ticket detail the caller has just read, which
// it does not read again.
func (b Builder) ToSignOf(ctx context.Context, d app.TicketDetail) (r app.ServiceReport, total string, err error) {
	in, err := b.InputOf(ctx, d)
	if err != nil {
		return app.ServiceReport{}, "", err
	}
	r = app.BuildServiceReport(in)
	if r.Warranty != nil {
		total = report.Money(r.Customer.Language, r.Warranty.Total)
	}
	return r, total, nil
}

// ServicePDF writes ticket id's service report as PDF to w and returns the
// report. The latest signature is printed only when it was given to this
// report's digest: a report whose facts changed after signing prints as
// not signed, since the signature is not theirs.
func (b Builder) ServicePDF(ctx context.Context, w io.Writer, id app.TicketID) (app.ServiceReport, error) {
	in, err := b.Input(ctx, id)
	if err != nil {
		return app.ServiceReport{}, err
	}
	r := app.BuildServiceReport(in)
	sig, err := b.signature(ctx, in.Detail, r.Digest())
	if err != nil {
		return app.ServiceReport{}, err
	}
	opts := report.Options{Photos: b.Photos, Signature: sig, Location: b.Location}
	if err := report.ServiceReport(ctx, w, r, opts); err != nil {
		return app.ServiceReport{}, err
	}
	return r, nil
}

// signature is the ticket's sign-off (app.SignOff) as the report prints it: the
// latest signature or refusal, when it was given to this digest; the zero
// Signature (not signed) otherwise. A signed one carries its picture's
// bytes, or none when the picture is not on the device (it then prints as
// not signed rather than claim a signature it cannot show).
func (b Builder) signature(ctx context.Context, d app.TicketDetail, digest string) (report.Signature, error) {
	s, ok := app.SignOff(d)
	if !ok || s.Digest != digest {
		return report.Signature{}, nil
	}
	if s.Refused {
		return report.Signature{Name: s.Signer, At: s.At, Refused: s.Reason}, nil
	}
	i := slices.IndexFunc(d.Photos, func(p app.Photo) bool { return p.ID == s.Photo })
	if i < 0 {
		return report.Signature{}, nil
	}
	rc, err := b.Photos.OpenPhoto(ctx, d.Photos[i].SHA256)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return report.Signature{}, nil
	}
	if err != nil {
		return report.Signature{}, fmt.Errorf("report of ticket %s: signature picture: %w", d.Ticket.Number, err)
	}
	defer rc.Close()
	// One byte over the bound, so report.ServiceReport refuses a picture
	// too large instead of printing a truncated one.
	pic, err := io.ReadAll(io.LimitReader(rc, report.MaxSignatureBytes+1))
	if err != nil {
		return report.Signature{}, fmt.Errorf("report of ticket %s: signature picture: %w", d.Ticket.Number, err)
	}
	return report.Signature{PNG: pic, Name: s.Signer, At: s.At}, nil
}

// IntakePDF writes the intake receipt of carry-in ticket id as PDF to w,
// with the deposit taken at the counter, if any (the first deposit).
func (b Builder) IntakePDF(ctx context.Context, w io.Writer, id app.TicketID) error {
	d, err := b.Tickets.TicketDetail(ctx, id)
	if err != nil {
		return err
	}
	if d.Ticket.Kind != app.KindCarryIn {
		return app.Errorf(app.EINVALID, "reports.not_carry_in", "Ticket {{.Number}} was not checked in at a counter, so it has no intake receipt. Print its service report instead.", "Number", d.Ticket.Number)
	}
	in := report.Intake{Ticket: d.Ticket, Provider: b.Provider, PromisedBy: d.Ticket.ResolveBy}
	for _, p := range d.Payments {
		if p.Kind == app.PaymentDeposit {
			rp := p.ForReport()
			in.Deposit = &rp
			break
		}
	}
	return report.IntakeReceipt(ctx, w, in, report.Options{Location: b.Location})
}

// ReceiptPDF writes the receipt of payment paymentID of ticket id as PDF
// to w: the payment, and where the customer stands after it (the ticket's
// total when the device can price the work, what was paid up to and with
// this payment, in the device's order of the payments, and what is still
// owed). ENOTFOUND when the ticket has no such payment.
func (b Builder) ReceiptPDF(ctx context.Context, w io.Writer, id app.TicketID, paymentID string) error {
	in, err := b.Input(ctx, id)
	if err != nil {
		return err
	}
	d := in.Detail
	i := slices.IndexFunc(d.Payments, func(p app.Payment) bool { return p.ID == paymentID })
	if i < 0 {
		return app.Errorf(app.ENOTFOUND, "reports.no_payment", "Ticket {{.Number}} has no such payment on this device. Sync, then print its receipt again.", "Number", d.Ticket.Number)
	}
	p := d.Payments[i]
	r := report.Receipt{Ticket: d.Ticket, Provider: b.Provider, Payment: p.ForReport(),
		Paid: app.Money{Amount: app.Paid(d.Payments[:i+1], p.Amount.Currency), Currency: p.Amount.Currency}}
	if in.Decision != nil {
		total, owed := in.Decision.Total, app.BalanceDue(in.Decision.Total, d.Payments[:i+1])
		r.Total, r.Owed = &total, &owed
	}
	return report.PaymentReceipt(ctx, w, r, report.Options{Location: b.Location})
}

// FileSigned files the signed service report of ticket id on the ticket:
// the PDF, as the customer signed it, is stored in the photo store and
// attached as a photo of kind "report" (application/pdf), which the photo
// uploader sends to the central service like any photo. It refuses
// (ECONFLICT) when the latest signature was not given to the report as it
// stands: the report's facts changed since, and the customer must sign
// again. Filing the same report twice attaches it once.
func (b Builder) FileSigned(ctx context.Context, c app.Committer, actor app.Actor, id app.TicketID) (app.Photo, error) {
	var pdf bytes.Buffer
	r, err := b.ServicePDF(ctx, &pdf, id)
	if err != nil {
		return app.Photo{}, err
	}
	d, err := b.Tickets.TicketDetail(ctx, id)
	if err != nil {
		return app.Photo{}, err
	}
	digest := r.Digest()
	if s, ok := app.SignOff(d); !ok || s.Digest != digest {
		return app.Photo{}, app.Errorf(app.ECONFLICT, "reports.not_signed", "The report of ticket {{.Number}} changed after it was signed, or was never signed: ask the customer to sign it again.", "Number", r.Number)
	}
	sha, size, err := b.Photos.PutPhoto(ctx, bytes.NewReader(pdf.Bytes()))
	if err != nil {
		return app.Photo{}, fmt.Errorf("report of ticket %s: %w", r.Number, err)
	}
	for _, p := range d.Photos {
		if p.Kind == app.PhotoKindReport && p.SHA256 == sha {
			return p, nil
		}
	}
	p := app.Photo{ID: app.NewID(), Ticket: id, SHA256: sha, Size: size, Mime: app.MimePDF, Kind: app.PhotoKindReport,
		Caption: translations.For(r.Language()).Text("reports.caption", "Service report {{.Number}}, signed", map[string]any{"Number": r.Number})}
	if _, err := c.Commit(ctx, actor, &app.AttachPhoto{Photo: p}); err != nil {
		return app.Photo{}, err
	}
	return p, nil
}

// ShipmentLabelPDF writes the parcel label of shipment id (its ID or
// tracking number, as app.SupplyService.FindShipment finds it) as PDF to
// w, in the technician's language.
func (b Builder) ShipmentLabelPDF(ctx context.Context, w io.Writer, id string) error {
	s, err := b.shipping(ctx, id)
	if err != nil {
		return err
	}
	return report.ShipmentLabel(ctx, w, s, report.Options{Location: b.Location})
}

// PackingListPDF writes the packing list of shipment id as PDF to w, in
// the technician's language.
func (b Builder) PackingListPDF(ctx context.Context, w io.Writer, id string) error {
	s, err := b.shipping(ctx, id)
	if err != nil {
		return err
	}
	return report.PackingList(ctx, w, s, report.Options{Location: b.Location})
}

// shipping reads what shipment id's papers print from the device: the
// shipment, its ends' names, its parts' catalog entries and its tickets'
// numbers. A location, part or ticket this device does not hold prints
// by its ID, as the papers print an unknown one; any other failure to
// read is returned.
func (b Builder) shipping(ctx context.Context, id string) (report.Shipping, error) {
	sh, err := b.Supply.FindShipment(ctx, id)
	if err != nil {
		return report.Shipping{}, err
	}
	s := report.Shipping{Shipment: sh, Provider: b.Provider, Language: b.Language,
		Parts: map[app.PartNumber]app.Part{}, Tickets: map[app.TicketID]string{}}
	locs, err := b.Parts.Locations(ctx)
	if err != nil {
		return report.Shipping{}, fmt.Errorf("papers of shipment %s: locations: %w", sh.Label(), err)
	}
	for _, l := range locs {
		switch l.ID {
		case sh.From:
			s.From.Name = l.Name
		case sh.To:
			s.To.Name = l.Name
		}
	}
	for _, l := range sh.Lines {
		if _, ok := s.Parts[l.Part]; !ok {
			// Not found, the zero part is kept: it prints by its number
			// and is not read again for the next line.
			p, err := b.Parts.Part(ctx, l.Part)
			if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
				return report.Shipping{}, fmt.Errorf("papers of shipment %s: part %s: %w", sh.Label(), l.Part, err)
			} else if err != nil {
				p = app.Part{}
			}
			s.Parts[l.Part] = p
		}
		if _, ok := s.Tickets[l.Ticket]; !ok && l.Ticket != "" {
			// Likewise, an empty number prints the ticket by its ID.
			d, err := b.Tickets.TicketDetail(ctx, l.Ticket)
			if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
				return report.Shipping{}, fmt.Errorf("papers of shipment %s: ticket %s: %w", sh.Label(), l.Ticket, err)
			} else if err != nil {
				d = app.TicketDetail{}
			}
			s.Tickets[l.Ticket] = d.Ticket.Number
		}
	}
	return s, nil
}
