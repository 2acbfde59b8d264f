package ui_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device/reports"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

func (d builderDocs) ShipmentLabel(ctx context.Context, w io.Writer, shipment string) error {
	return d.b.ShipmentLabelPDF(ctx, w, shipment)
}

func (d builderDocs) PackingList(ctx context.Context, w io.Writer, shipment string) error {
	return d.b.PackingListPDF(ctx, w, shipment)
}

// newPapersWorld is newSupplyWorld with the device's report builder
// wired as main wires it (the shipping papers in the demo technician's
// language) and a data folder for the documents.
func newPapersWorld(t *testing.T) *supplyWorld {
	t.Helper()
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps, ds, db := openDemoStore(t, now)
	deps.Supply = store.NewSupplyService(db)
	deps.DataDir = t.TempDir()
	var me app.Technician
	for _, tech := range ds.Technicians {
		if tech.ID == deps.Technician {
			me = tech
		}
	}
	b := reports.Builder{Tickets: deps.Tickets, Parts: deps.Parts, Warranty: deps.Warranty, History: db, Photos: deps.Photos,
		Supply: deps.Supply, Language: me.DocumentLanguage(), Provider: demo.Provider, Technician: me.Name}
	deps.Documents = builderDocs{b: b, commit: deps.Commit, actor: deps.Actor}
	kb := &keyboard{clock: now}
	deps.KeyClock = kb.now
	term := ui.NewTerminal(t.Context(), deps)
	term.ManualSearch()
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	return &supplyWorld{term: term, w: w, kb: kb, ds: ds, deps: deps, db: db, now: now}
}

// openPaper taps button in o, then "Open" in the document's dialog, and
// returns the text of the PDF written to DATA/reports/file, which must be
// readable by the device's user only.
func openPaper(t *testing.T, s *supplyWorld, o fyne.CanvasObject, button, file string) string {
	t.Helper()
	b := findButton(o, button)
	if b == nil {
		t.Fatalf("no %q button in:\n%s", button, buttonTexts(o))
	}
	test.Tap(b)
	dlg := s.w.Canvas().Overlays().Top()
	if !strings.Contains(labels(dlg), file) {
		t.Fatalf("%s: the dialog does not name %s:\n%s", button, file, labels(dlg))
	}
	tapButton(t, dlg, "Open")
	path := filepath.Join(s.deps.DataDir, "reports", file)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("%s: %v", button, err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, want 0600", path, fi.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("%PDF-")) {
		t.Fatalf("%s is not a PDF: %q", path, raw[:min(len(raw), 8)])
	}
	return strings.Join(strings.Fields(pdfTextOf(t, path)), " ")
}

// shipmentRowOf is the on-the-way page's row that names tracking: the
// innermost container holding both its text and a button.
func shipmentRowOf(page fyne.CanvasObject, tracking string) fyne.CanvasObject {
	var row fyne.CanvasObject
	walk(page, func(o fyne.CanvasObject) {
		if c, ok := o.(*fyne.Container); ok && strings.Contains(labels(c), tracking) && buttonTexts(c) != "" {
			row = c
		}
	})
	return row
}

// TestOnWayShipmentPapers: a parcel on its way to me and a return sent
// back each offer "Label (PDF)" and "Packing list (PDF)"; each writes
// DATA/reports/<tracking number>-label.pdf or -packing-list.pdf, whose
// text holds the tracking number (and, on the packing list, the line's
// part and ticket numbers). A parcel received has none, and a device that
// cannot write documents offers none.
func TestOnWayShipmentPapers(t *testing.T) {
	s := newPapersWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	_, bin := myBins(t, s.deps)
	part := s.ds.Parts[0]
	line := app.ShipmentLine{Part: part.Number, Qty: 1, Ticket: tk.ID}
	s.inTransit(t, "ship-in", "SF7770001", line)
	ret := app.Shipment{ID: "ship-back", Kind: app.ShipmentReturn, From: bin, To: "wh-cn", Carrier: "JD Logistics", Tracking: "JD7770002",
		Lines: []app.ShipmentLine{{Part: part.Number, Qty: 1, Serial: "DEF-77", Ticket: tk.ID}}, State: app.ShipmentInTransit, At: s.now.Add(-time.Hour), By: s.deps.Actor.Name}
	done := app.Shipment{ID: "ship-done", Kind: app.ShipmentSupply, From: "wh-cn", To: demoVan, Carrier: "SF Express", Tracking: "SF7770003",
		Lines: []app.ShipmentLine{line}, State: app.ShipmentReceived, At: s.now.Add(-48 * time.Hour), By: "Dispatch",
		Receipt: &app.Receipt{ID: "rc-done", Lines: []app.ReceiptLine{{Part: part.Number, Qty: 1}}, At: s.now.Add(-24 * time.Hour), By: s.deps.Actor.Name}}
	s.pull(t, app.Dataset{Shipments: []app.Shipment{ret, done}})
	s.term.ShowOnWay()

	for _, tc := range []struct {
		tracking string
		button   string
		file     string
		want     []string
	}{
		{"SF7770001", "Label (PDF)", "SF7770001-label.pdf", []string{"SF7770001"}},
		{"SF7770001", "Packing list (PDF)", "SF7770001-packing-list.pdf", []string{"SF7770001", string(part.Number), tk.Number}},
		{"JD7770002", "Label (PDF)", "JD7770002-label.pdf", []string{"JD7770002"}},
		{"JD7770002", "Packing list (PDF)", "JD7770002-packing-list.pdf", []string{"JD7770002", string(part.Number), "DEF-77", tk.Number}},
	} {
		row := shipmentRowOf(s.term.OnWayPage(), tc.tracking)
		if row == nil {
			t.Fatalf("no row with buttons names %s:\n%s", tc.tracking, labels(s.term.OnWayPage()))
		}
		text := openPaper(t, s, row, tc.button, tc.file)
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", tc.file, w, text)
			}
		}
	}
	// The demo world has parcels of its own on the way.
	var mine []app.LocationID
	locs, err := s.deps.Parts.Locations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locs {
		if l.Owner == string(s.deps.Technician) {
			mine = append(mine, l.ID)
		}
	}
	ships, err := s.deps.Supply.Shipments(t.Context(), mine, 50)
	if err != nil {
		t.Fatal(err)
	}
	moving := 0
	for _, sh := range ships {
		if sh.State == app.ShipmentInTransit {
			moving++
		}
	}
	if n := strings.Count(buttonTexts(s.term.OnWayPage()), "Label (PDF)\n"); n != moving || moving < 2 {
		t.Errorf("%d label buttons, want one for each of the %d parcels in transit: a received one has none", n, moving)
	}

	plain := newSupplyWorld(t)
	plain.inTransit(t, "ship-in", "SF7770001", line)
	plain.term.ShowOnWay()
	if texts := buttonTexts(plain.term.OnWayPage()); strings.Contains(texts, "Label (PDF)") || strings.Contains(texts, "Packing list (PDF)") {
		t.Errorf("a device without documents offers papers:\n%s", texts)
	}
}

// TestShipBackOffersItsPapers: right after "Ship back" is confirmed, the
// papers of the return are offered; its label holds the tracking number
// typed and its packing list the unit's part, serial and ticket.
func TestShipBackOffersItsPapers(t *testing.T) {
	s := newPapersWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	_, bin := myBins(t, s.deps)
	part := s.ds.Parts[0]
	if _, err := s.deps.Commit.Commit(t.Context(), s.deps.Actor, &app.ReturnDefective{Movement: app.StockMovement{ID: app.NewID(), Part: part.Number, To: bin,
		Qty: 1, Serial: "DEF-88", Ticket: tk.ID, Reason: tk.Number}}); err != nil {
		t.Fatal(err)
	}
	s.term.ShowParts("defective", "")
	tapButton(t, s.term.Object(), "Ship back…")
	dlg := s.w.Canvas().Overlays().Top()
	walk(dlg, func(o fyne.CanvasObject) {
		if sel, ok := o.(*widget.Select); ok {
			sel.SetSelected("华东中心仓 Shanghai Central Warehouse")
		}
	})
	typeInto(t, dlg, "Courier", "SF Express")
	typeInto(t, dlg, "courier's label", "SF8880001")
	tapButton(t, dlg, "Ship back")
	tapButton(t, s.w.Canvas().Overlays().Top(), "Ship back")
	if n := len(s.pending(t, "shipment.send")); n != 1 {
		t.Fatalf("outbox holds %d shipment.send, want 1", n)
	}
	papers := s.w.Canvas().Overlays().Top()
	if text := labels(papers); !strings.Contains(text, "Shipment SF8880001 is saved") {
		t.Fatalf("the papers are not offered after shipping:\n%s", text)
	}
	if text := openPaper(t, s, papers, "Label (PDF)", "SF8880001-label.pdf"); !strings.Contains(text, "SF8880001") {
		t.Errorf("the label lacks the tracking number:\n%s", text)
	}
	if s.w.Canvas().Overlays().Top() != papers {
		t.Fatal("the label's dialog closed the papers too")
	}
	text := openPaper(t, s, papers, "Packing list (PDF)", "SF8880001-packing-list.pdf")
	for _, w := range []string{"SF8880001", string(part.Number), "DEF-88", tk.Number} {
		if !strings.Contains(text, w) {
			t.Errorf("the packing list lacks %q:\n%s", w, text)
		}
	}
}
