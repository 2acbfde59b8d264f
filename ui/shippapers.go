package ui

import (
	"context"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// Shipping papers: a parcel's label and packing list, written on the
// device (offline) as a ticket's documents are, and kept as
// DATA/reports/<tracking number or shipment ID>-label.pdf and
// -packing-list.pdf, the words in the screens' language (docFile).

// shipmentPapers are the buttons that write shipment s's label and
// packing list; none without Documents or a data folder to write to.
func (t *Terminal) shipmentPapers(s app.Shipment) []fyne.CanvasObject {
	if t.deps.Documents == nil || t.deps.DataDir == "" {
		return nil
	}
	making := lang.X("doc.making_shipment", "Preparing the papers of shipment {{.Shipment}}…", map[string]any{"Shipment": s.Label()})
	shipment := map[string]any{"Shipment": fileName(s.Label())}
	paper := func(title, name string, write func(context.Context, io.Writer, string) error) fyne.CanvasObject {
		return widget.NewButtonWithIcon(title, theme.DocumentIcon(), func() {
			t.makeFile(title, making, name, func(ctx context.Context, w io.Writer) error { return write(ctx, w, s.ID) })
		})
	}
	return []fyne.CanvasObject{
		paper(lang.X("doc.label", "Label (PDF)"), docFile("doc.file.parcel_label", "{{.Shipment}}-label", shipment), t.deps.Documents.ShipmentLabel),
		paper(lang.X("doc.packing_list", "Packing list (PDF)"), docFile("doc.file.packing_list", "{{.Shipment}}-packing-list", shipment), t.deps.Documents.PackingList),
	}
}

// shipped offers the papers of a return just shipped: the parcel needs
// its label before it leaves.
func (t *Terminal) shipped(s app.Shipment) {
	papers := t.shipmentPapers(s)
	if t.win == nil || papers == nil {
		return
	}
	msg := widget.NewLabel(lang.X("doc.papers_next", "Shipment {{.Shipment}} is saved. Print its label for the parcel and its packing list to put inside.", map[string]any{"Shipment": s.Label()}))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.X("doc.papers_title", "Shipping papers"), lang.X("dialog.close", "Close"), container.NewVBox(msg, container.NewHBox(papers...)), t.win)
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.94, 480), 0))
	t.present(d, nil)
}

func (h terminalParts) shipmentPapers(s app.Shipment) []fyne.CanvasObject {
	return h.t.shipmentPapers(s)
}

func (h terminalParts) shipped(s app.Shipment) { h.t.shipped(s) }
