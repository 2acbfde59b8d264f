package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/report"
)

// returnLines is how many defective parts the example return carries.
const returnLines = 4

// shippingExamples writes the papers of a return of defective parts from
// the demo world: the parts fitted on its first closed Chinese tickets go
// from a defective bin to a warehouse, the label in Chinese and the
// packing list in English.
func shippingExamples(ctx context.Context, ds app.Dataset, dir string) error {
	var from, to *app.Location
	for i := range ds.Locations {
		l := &ds.Locations[i]
		switch {
		case from == nil && l.Kind == app.LocationDefective:
			from = l
		case to == nil && l.Kind == app.LocationWarehouse:
			to = l
		}
	}
	if from == nil || to == nil {
		return fmt.Errorf("the demo world lacks a defective bin or a warehouse")
	}
	s := report.Shipping{
		Shipment: app.Shipment{ID: "SHP-20261204-0007", Kind: app.ShipmentReturn, From: from.ID, To: to.ID,
			Carrier: "SF Express", Tracking: "SF1402277731", State: app.ShipmentInTransit, At: now.Add(2 * time.Hour), By: "Wang Wei"},
		Provider: demo.Provider,
		From:     report.Place{Name: from.Name},
		To:       report.Place{Name: to.Name, Address: "上海市浦东新区张江路 88 号\n200120"},
		Parts:    map[app.PartNumber]app.Part{},
		Tickets:  map[app.TicketID]string{},
	}
	for _, p := range ds.Parts {
		s.Parts[p.Number] = p
	}
	for _, d := range ds.Tickets {
		// The defective bin and the warehouse are in China: a ticket of
		// another country's customer would not send its part there.
		if d.Ticket.Status != app.StatusClosed || d.Ticket.Country != "CN" || len(s.Shipment.Lines) == returnLines {
			continue
		}
		for _, u := range d.Parts[:min(1, len(d.Parts))] {
			s.Tickets[d.Ticket.ID] = d.Ticket.Number
			// The demo world files no claims before the claims export: the
			// example numbers them.
			s.Shipment.Lines = append(s.Shipment.Lines, app.ShipmentLine{Part: u.Part, Qty: 1, Serial: u.DefectiveSerial,
				Ticket: d.Ticket.ID, Claim: fmt.Sprintf("CLM-2026-%04d", 311+len(s.Shipment.Lines))})
		}
	}
	if len(s.Shipment.Lines) == 0 {
		return fmt.Errorf("the demo world has no closed ticket with parts to return")
	}
	s.Language = "zh-CN"
	if err := write(filepath.Join(dir, "shipment-label-zh.pdf"), func(w io.Writer) error { return report.ShipmentLabel(ctx, w, s, report.Options{}) }); err != nil {
		return err
	}
	s.Language = "en-GB"
	return write(filepath.Join(dir, "packing-list-en.pdf"), func(w io.Writer) error { return report.PackingList(ctx, w, s, report.Options{}) })
}
