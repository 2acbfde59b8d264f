package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

var shipAt = time.Date(2026, 12, 3, 16, 45, 0, 0, time.UTC)

// shipping is a shipment of three lines (one serialized part, one
// quantity, one Chinese-only part) between a warehouse and a van, or the
// same parts as a return from a defective bin to the brand.
func shipping(kind app.ShipmentKind, lang string) Shipping {
	s := app.Shipment{
		ID: "SHP-20261203-0042", Kind: kind, From: "wh-sh", To: "van-7", Carrier: "SF Express", Tracking: "SF1402277731",
		State: app.ShipmentInTransit, At: shipAt, By: "Li Na",
		Lines: []app.ShipmentLine{
			{Part: "PCB-W100-MAIN", Qty: 1, Serial: "SN8812004411", Ticket: "t-1", Request: "rq-1"},
			{Part: "BLT-220", Qty: 3, Ticket: "t-2"},
			{Part: "PMP-DRN-77", Qty: 2, Ticket: "t-3"},
		},
	}
	if kind == app.ShipmentReturn {
		s.From, s.To = "def-7", "brand-haier"
		for i := range s.Lines {
			s.Lines[i].Request = ""
			s.Lines[i].Claim = fmt.Sprintf("CLM-2026-%04d", 17+i)
		}
	}
	return Shipping{
		Shipment: s,
		Provider: "Acme Repair",
		From:     Place{Name: "上海中心仓库", Address: "上海市浦东新区张江路 88 号\n200120"},
		To:       Place{Name: "Van 7 (Wang Wei)", Address: "12 Harbour Road\nNingbo 315000"},
		Parts: map[app.PartNumber]app.Part{
			"PCB-W100-MAIN": {Number: "PCB-W100-MAIN", NameEN: "Main control board", NameZH: "主控板"},
			"BLT-220":       {Number: "BLT-220", NameEN: "Drive belt", NameZH: "传动皮带"},
			"PMP-DRN-77":    {Number: "PMP-DRN-77", NameZH: "排水泵"},
		},
		Tickets:  map[app.TicketID]string{"t-1": "SH-2026-00311", "t-2": "SH-2026-00318"}, // t-3 prints by its ID
		Language: lang,
	}
}

// writeShipping writes one document to dir and returns its path.
func writeShipping(t *testing.T, dir, name string, f func(context.Context, *bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := f(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// decodeQR renders page 1 of a PDF with poppler and decodes the QR Code on
// it with gozxing, as a receiving device's camera would.
func decodeQR(t *testing.T, path string) string {
	t.Helper()
	prefix := strings.TrimSuffix(path, ".pdf")
	if out, err := exec.Command("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", path, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("decode the QR Code of %s: %v", path, err)
	}
	return res.GetText()
}

func TestShipmentLabel(t *testing.T) {
	needTool(t, "pdftotext")
	needTool(t, "pdftoppm")
	for _, kind := range []app.ShipmentKind{app.ShipmentSupply, app.ShipmentReturn} {
		for lang, tag := range languages {
			t.Run(string(kind)+"/"+lang, func(t *testing.T) {
				s := shipping(kind, tag)
				c := translations.For(tag)
				path := writeShipping(t, t.TempDir(), "label.pdf", func(ctx context.Context, b *bytes.Buffer) error {
					return ShipmentLabel(ctx, b, s, Options{})
				})
				text := squash(pdftotext(t, path))
				title := c.Text("report.supply_title", "", nil)
				if kind == app.ShipmentReturn {
					title = c.Text("report.return_title", "", nil)
				}
				for _, w := range []string{"Acme Repair", title, s.From.Name, "上海市浦东新区张江路88号", s.To.Name, "12 Harbour Road", "Ningbo 315000",
					"SF Express", s.Shipment.Tracking, s.Shipment.ID, printedDays["2026-12-03"][lang] + " 16:45",
					c.Plural("report.lines", "", 3, nil), c.Plural("report.units", "", 6, nil)} {
					if !strings.Contains(text, squash(w)) {
						t.Errorf("the label lacks %q:\n%s", w, text)
					}
				}
				if d := isoDay.FindString(text); d != "" {
					t.Errorf("the label prints the day %s year-first", d)
				}
				if got := decodeQR(t, path); got != s.Shipment.ID {
					t.Errorf("the QR Code holds %q, want the shipment ID %q", got, s.Shipment.ID)
				}
				// One page, 100 x 150 mm (283 x 425 pt).
				info, err := exec.Command("pdfinfo", path).Output()
				if err != nil {
					t.Fatalf("pdfinfo: %v", err)
				}
				if !strings.Contains(string(info), "Pages:           1\n") || !strings.Contains(string(info), "283.46 x 425.2 pts") {
					t.Errorf("the label is not one 100 x 150 mm page:\n%s", info)
				}
			})
		}
	}
}

// TestShipmentLabelLongAddress: an address longer than the label has room
// for is cut, not run over the tracking number, and the QR Code still reads.
func TestShipmentLabelLongAddress(t *testing.T) {
	needTool(t, "pdftotext")
	needTool(t, "pdftoppm")
	s := shipping(app.ShipmentSupply, "en")
	s.To.Address = strings.Repeat("Building 4, Unit 12, Industrial Park Road, ", 8)[:MaxAddressLen]
	path := writeShipping(t, t.TempDir(), "label.pdf", func(ctx context.Context, b *bytes.Buffer) error {
		return ShipmentLabel(ctx, b, s, Options{})
	})
	text := pdftotext(t, path)
	if !strings.Contains(text, "…") || !strings.Contains(squash(text), s.Shipment.Tracking) {
		t.Errorf("the long address is not cut, or the tracking number is lost:\n%s", text)
	}
	if got := decodeQR(t, path); got != s.Shipment.ID {
		t.Errorf("the QR Code holds %q, want %q", got, s.Shipment.ID)
	}
}

func TestPackingList(t *testing.T) {
	needTool(t, "pdftotext")
	for _, kind := range []app.ShipmentKind{app.ShipmentSupply, app.ShipmentReturn} {
		for lang, tag := range languages {
			t.Run(string(kind)+"/"+lang, func(t *testing.T) {
				s := shipping(kind, tag)
				c := translations.For(tag)
				dir := t.TempDir()
				path := writeShipping(t, dir, "list.pdf", func(ctx context.Context, b *bytes.Buffer) error {
					return PackingList(ctx, b, s, Options{})
				})
				text := squash(pdftotext(t, path))
				name := func(en, zh string) string {
					if lang == "zh-Hans" || en == "" {
						return zh
					}
					return en
				}
				want := []string{s.Shipment.ID, s.Shipment.Tracking, "SF Express", "Li Na", s.From.Name, s.To.Name,
					c.Text("report.packing_list", "", nil), c.Text("report.packed_by", "", nil), c.Text("report.counted_by", "", nil),
					"SN8812004411", "SH-2026-00311", "SH-2026-00318", "t-3",
					name("Main control board", "主控板"), name("Drive belt", "传动皮带"), "排水泵"}
				for _, p := range s.Shipment.Lines {
					want = append(want, string(p.Part), p.Claim)
				}
				heading := c.Text("report.warranty_return", "", nil)
				if kind == app.ShipmentReturn {
					want = append(want, heading)
				} else if strings.Contains(text, squash(heading)) {
					t.Errorf("a supply shipment is headed as a warranty return")
				}
				for _, w := range want {
					if !strings.Contains(text, squash(w)) {
						t.Errorf("the packing list lacks %q:\n%s", w, text)
					}
				}
				if d := isoDay.FindString(text); d != "" {
					t.Errorf("the packing list prints the day %s year-first", d)
				}
				if !strings.Contains(text, squash(printedDays["2026-12-03"][lang]+" 16:45")) {
					t.Errorf("the packing list lacks the day shipped, %q:\n%s", printedDays["2026-12-03"][lang]+" 16:45", text)
				}
				if got := decodeQR(t, path); got != s.Shipment.ID {
					t.Errorf("the packing list's QR Code holds %q, want %q", got, s.Shipment.ID)
				}
			})
		}
	}
}

// TestPackingListFull: a shipment of MaxShipmentLines lines runs over
// pages and lists every part number.
func TestPackingListFull(t *testing.T) {
	needTool(t, "pdftotext")
	s := shipping(app.ShipmentReturn, "en")
	s.Shipment.Lines = nil
	for i := range app.MaxShipmentLines {
		s.Shipment.Lines = append(s.Shipment.Lines, app.ShipmentLine{Part: app.PartNumber(fmt.Sprintf("PN-%05d", i)), Qty: 1 + i%3, Claim: fmt.Sprintf("CLM-%d", i)})
	}
	path := writeShipping(t, t.TempDir(), "list.pdf", func(ctx context.Context, b *bytes.Buffer) error {
		return PackingList(ctx, b, s, Options{})
	})
	// -layout keeps each table row on one line of text.
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	rows := map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		rows[strings.Join(strings.Fields(l), " ")] = true
	}
	for i, l := range s.Shipment.Lines {
		if row := fmt.Sprintf("%d %s %d %s", i+1, l.Part, l.Qty, l.Claim); !rows[row] {
			t.Fatalf("the full packing list lacks the row %q:\n%s", row, out)
		}
	}
	if info, err := exec.Command("pdfinfo", path).Output(); err != nil || strings.Contains(string(info), "Pages:           1\n") {
		t.Errorf("200 lines fit one page? %v\n%s", err, info)
	}
	if text := squash(string(out)); !strings.Contains(text, "200lines,399units") {
		t.Errorf("the full packing list does not count 200 lines and 399 units")
	}
}

// TestShippingRefuses: a shipment the documents cannot print truthfully
// gets the domain's error and writes nothing.
func TestShippingRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Shipping)
		key  string
	}{
		{"no lines", func(s *Shipping) { s.Shipment.Lines = nil }, "shipment.no_lines"},
		{"bad quantity", func(s *Shipping) { s.Shipment.Lines[1].Qty = 0 }, "shipment.bad_qty"},
		{"same place", func(s *Shipping) { s.Shipment.To = s.Shipment.From }, "shipment.same_location"},
		{"address too long", func(s *Shipping) { s.To.Address = strings.Repeat("路", MaxAddressLen+1) }, "report.address_too_long"},
		{"name too long", func(s *Shipping) { s.From.Name = strings.Repeat("x", app.MaxNameLen+1) }, "report.address_too_long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := shipping(app.ShipmentSupply, "en")
			s.Shipment.Lines = append([]app.ShipmentLine(nil), s.Shipment.Lines...)
			tc.edit(&s)
			for doc, f := range map[string]func(context.Context, *bytes.Buffer) error{
				"label":        func(ctx context.Context, b *bytes.Buffer) error { return ShipmentLabel(ctx, b, s, Options{}) },
				"packing list": func(ctx context.Context, b *bytes.Buffer) error { return PackingList(ctx, b, s, Options{}) },
			} {
				var b bytes.Buffer
				err := f(context.Background(), &b)
				var ae *app.Error
				if !errors.As(err, &ae) || ae.Key != tc.key || b.Len() != 0 {
					t.Errorf("%s: error %v (key %v), %d bytes written; want %s and nothing", doc, err, ae, b.Len(), tc.key)
				}
			}
		})
	}
}

// TestShippingChineseRenders writes the Chinese label and packing list,
// reads their Chinese back and decodes their QR Codes from poppler's
// renders; with SHIPPING_PNG_DIR set, the PDFs and renders stay there for
// a person to look at.
func TestShippingChineseRenders(t *testing.T) {
	needTool(t, "pdftoppm")
	dir := t.TempDir()
	if d := os.Getenv("SHIPPING_PNG_DIR"); d != "" {
		dir = d
	}
	s := shipping(app.ShipmentReturn, "zh-CN")
	for name, f := range map[string]func(context.Context, *bytes.Buffer) error{
		"label-zh.pdf": func(ctx context.Context, b *bytes.Buffer) error { return ShipmentLabel(ctx, b, s, Options{}) },
		"list-zh.pdf":  func(ctx context.Context, b *bytes.Buffer) error { return PackingList(ctx, b, s, Options{}) },
	} {
		path := writeShipping(t, dir, name, f)
		text := squash(pdftotext(t, path))
		for _, w := range []string{"上海中心仓库", "故障件退回"} {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
		if got := decodeQR(t, path); got != s.Shipment.ID {
			t.Errorf("%s: QR Code %q", name, got)
		}
	}
}
