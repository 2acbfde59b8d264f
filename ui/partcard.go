package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// partView is what the part dialog shows.
type partView struct {
	part     app.Part
	balances []app.Balance // of this part, where there is any
	names    map[app.LocationID]string
}

// findPart shows the scanned part. With fallback, a number that is not in
// the catalog is searched for as text.
func (t *Terminal) findPart(m scanner.Meaning, fallback bool) {
	t.deps.Run(func() {
		pv, err := t.loadPart(m.Part)
		fyne.Do(func() {
			switch {
			case app.ErrorCode(err) == app.ENOTFOUND && fallback:
				t.findText(scanner.Meaning{Kind: scanner.ScanText, Text: string(m.Part)})
			case err != nil:
				t.setScanStatus(err != nil, errorText(err))
			default:
				t.showPart(pv, m)
				t.setScanStatus(false, lang.X("scan.part", "Scanned part {{.Part}}.", map[string]any{"Part": string(pv.part.Number)}))
			}
		})
	})
}

func (t *Terminal) loadPart(n app.PartNumber) (partView, error) {
	p, err := t.deps.Parts.Part(t.ctx, n)
	if err != nil {
		return partView{}, err
	}
	pv := partView{part: p, names: map[app.LocationID]string{}}
	locs, err := t.deps.Parts.Locations(t.ctx)
	if err != nil {
		return partView{}, err
	}
	for _, l := range locs {
		pv.names[l.ID] = l.Name
		bal, err := t.deps.Parts.Balances(t.ctx, l.ID)
		if err != nil {
			return partView{}, err
		}
		for _, b := range bal {
			if b.Part == n && b.Qty != 0 {
				pv.balances = append(pv.balances, b)
			}
		}
	}
	return pv, nil
}

// showPart shows a part and where it is in stock.
func (t *Terminal) showPart(pv partView, m scanner.Meaning) {
	p := pv.part
	name := p.NameEN
	if preferChinese() && p.NameZH != "" {
		name = p.NameZH
	}
	info := fields(
		lang.X("part.number", "Part number"), string(p.Number),
		lang.X("part.name", "Name"), name,
		lang.X("part.brand", "Brand"), p.Brand,
		lang.X("part.models", "Fits"), strings.Join(p.Models, ", "),
		lang.X("part.serial", "Serial"), m.PartSerial,
		lang.X("part.lot", "Lot"), m.Lot,
		lang.X("part.expiry", "Expires"), dateText(m.Expiry),
		lang.X("part.return_ref", "Return reference"), m.ReturnRef,
	)
	box := container.NewVBox(info)
	if p.ReturnNeeded {
		l := widget.NewLabel(lang.X("part.return_needed", "The defective part goes back to the brand: label it and keep it."))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		box.Add(l)
	}
	box.Add(heading(lang.X("part.stock", "In stock")))
	if len(pv.balances) == 0 {
		box.Add(widget.NewLabel(lang.X("part.no_stock", "None at any location on this device.")))
	}
	for _, b := range pv.balances {
		where := pv.names[b.Location]
		if where == "" {
			where = string(b.Location)
		}
		box.Add(widget.NewLabel(fmt.Sprintf("%s: %d", where, b.Qty)))
	}
	t.showDialog(lang.X("part.title", "Part"), box)
}
