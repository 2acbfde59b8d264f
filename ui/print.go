package ui

import (
	"time"

	"bytes"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/scanner"
)

// Labels are saved as files to print: Fyne has no printing API, and every
// platform prints a PDF or PNG from its viewer. A counter with a label
// printer chooses the 62 mm roll; an office printer takes the A4 sheet.

// LabelFormat is how printLabels saves labels.
type LabelFormat string

// Label file formats.
const (
	LabelsA4   LabelFormat = "a4"   // PDF, A4 sheet of 3 x 9 labels
	LabelsRoll LabelFormat = "roll" // PDF, one 62 x 29 mm label a page
	LabelsPNG  LabelFormat = "png"  // one PNG image a label, 300 dpi
)

// ticketLabels are the labels a ticket can print: its claim tag, and a
// return label for each defective part that goes back to the brand. The
// tag's dates are on the session's calendar (zone), in the UI language.
func ticketLabels(d app.TicketDetail, parts map[app.PartNumber]app.Part, zone *time.Location) []scanner.Printable {
	tag := scanner.ClaimTagFor(d.Ticket)
	tag.Zone = zone
	if zone == nil {
		zone = time.Local // the tag's own default
	}
	tag.Days = translations.TagDates(uiLanguage(), tag.CheckedIn.In(zone), tag.Promised.In(zone))
	out := []scanner.Printable{tag}
	for _, u := range d.Parts {
		if u.DefectiveSerial != "" || parts[u.Part].ReturnNeeded {
			out = append(out, scanner.PartLabel{Part: u.Part, Serial: u.DefectiveSerial, ReturnRef: d.Ticket.Number})
		}
	}
	return out
}

// EncodeLabels writes labels in format f: one file for PDF, one file per
// label for PNG.
func EncodeLabels(labels []scanner.Printable, f LabelFormat) ([][]byte, error) {
	switch f {
	case LabelsPNG:
		var out [][]byte
		for _, l := range labels {
			b, err := scanner.LabelPNG(l, scanner.Label62x29)
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
		return out, nil
	default:
		sheet := scanner.SheetA4
		if f == LabelsRoll {
			sheet = scanner.SheetRoll62
		}
		var b bytes.Buffer
		if err := scanner.WriteLabelsPDF(&b, labels, sheet); err != nil {
			return nil, err
		}
		return [][]byte{b.Bytes()}, nil
	}
}

// printLabels shows the ticket's labels with a preview and saves the
// chosen ones.
func (t *Terminal) printLabels(tv ticketView) { t.labelPrinter().show(tv) }

// labelPrinter is the terminal's printer of labels.
func (t *Terminal) labelPrinter() *labelPrinter {
	return &labelPrinter{dialogs: t, keys: t.keys, status: t, run: t.deps.Run, zone: t.deps.Zone}
}

// statusLine shows one line of news or trouble below the screen.
type statusLine interface {
	setScanStatus(problem bool, text string)
}

// labelPrinter shows a ticket's labels and saves the chosen ones as files
// to print.
type labelPrinter struct {
	dialogs dialogTracker
	keys    *wedgeKeys // the tick boxes and the drop-down feed the scanner's wedge
	status  statusLine
	run     func(func())   // slow work off the UI goroutine (Deps.Run)
	zone    *time.Location // the session's (Deps.Zone), the tag's calendar
	// unsaved, if not nil, runs when the labels were not saved: the
	// print dialog or the file dialog was cancelled.
	unsaved func()
}

// show shows the ticket's labels with a preview and saves the chosen ones.
func (p *labelPrinter) show(tv ticketView) {
	labels := ticketLabels(tv.detail, tv.parts, p.zone)
	names := make([]string, len(labels))
	for i, l := range labels {
		switch l := l.(type) {
		case scanner.ClaimTag:
			names[i] = lang.X("labels.claim_tag", "Claim tag {{.Number}}", map[string]any{"Number": l.Number})
		case scanner.PartLabel:
			names[i] = lang.X("labels.return", "Return label {{.Part}} {{.Serial}}", map[string]any{"Part": string(l.Part), "Serial": l.Serial})
		}
	}
	chosen := make([]*scanCheck, len(names))
	boxes := container.NewVBox()
	for i, n := range names {
		chosen[i] = newScanCheck(p.keys, n)
		chosen[i].SetChecked(true)
		boxes.Add(chosen[i])
	}

	formats := []LabelFormat{LabelsRoll, LabelsA4, LabelsPNG}
	formatNames := []string{
		lang.X("labels.format.roll", "PDF for a 62 mm label printer"),
		lang.X("labels.format.a4", "PDF on an A4 sheet (3 × 9 labels)"),
		lang.X("labels.format.png", "PNG image (one file a label)"),
	}
	format := newScanSelect(p.keys, formatNames, nil)
	format.SetSelectedIndex(0)

	content := container.NewVBox()
	if img, err := scanner.RenderLabel(labels[0], scanner.Label62x29); err == nil {
		preview := canvas.NewImageFromImage(img)
		preview.FillMode = canvas.ImageFillContain
		preview.SetMinSize(fyne.NewSize(310, 145))
		content.Add(container.NewCenter(preview))
	}
	note := widget.NewLabel(lang.X("labels.privacy", "Tags show the ticket number, the check-in date and the last digits of the customer's phone: never a name."))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	content.Add(note)
	content.Add(boxes)
	content.Add(heading(lang.X("labels.format", "Save as")))
	content.Add(format)

	save := func() {
		var picked []scanner.Printable
		for i, box := range chosen {
			if box.Checked {
				picked = append(picked, labels[i])
			}
		}
		f := LabelsRoll
		if i := format.SelectedIndex(); i >= 0 {
			f = formats[i]
		}
		if len(picked) == 0 {
			p.status.setScanStatus(true, lang.X("labels.none_chosen", "Choose at least one label to print."))
			return
		}
		p.save(tv.detail.Ticket.Number, picked, f)
	}
	win := p.dialogs.window()
	if win == nil {
		return
	}
	page := container.NewVScroll(content)
	d := newConfirmDialog(lang.X("labels.title", "Print labels"), lang.X("labels.save", "Save to print"), lang.X("dialog.cancel", "Cancel"),
		wheelPage(page), func(ok bool) {
			if ok {
				save()
			} else if p.unsaved != nil {
				p.unsaved()
			}
		}, win)
	d.Resize(dialogSize(win))
	p.dialogs.present(d, nil)
	fitDialogHeight(d, win, page)
}

// save asks where to save and writes the files there.
func (p *labelPrinter) save(number string, labels []scanner.Printable, f LabelFormat) {
	ext := ".pdf"
	if f == LabelsPNG {
		ext = ".png"
	}
	d := newFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			p.status.setScanStatus(true, errorText(err))
			return
		}
		if wc == nil { // cancelled
			if p.unsaved != nil {
				p.unsaved()
			}
			return
		}
		uri := wc.URI()
		p.run(func() {
			files, err := EncodeLabels(labels, f)
			if err == nil {
				err = writeLabelFiles(wc, uri, files, ext)
			} else {
				wc.Close()
			}
			fyne.Do(func() {
				if err != nil {
					p.status.setScanStatus(true, lang.X("labels.save_failed", "The labels could not be saved: {{.Error}}. Choose another folder and try again.", map[string]any{"Error": errorText(err)}))
					return
				}
				// The whole path: the file dialog may have been left in
				// a folder the user never looks in.
				where := uri.String()
				if uri.Scheme() == "file" {
					where = uri.Path()
				}
				p.status.setScanStatus(false, lang.XN("labels.saved", "Saved {{.Count}} labels to {{.Name}}. Open it and print at 100% (actual size).", len(labels), map[string]any{"Count": countText(len(labels)), "Name": where}))
			})
		})
	}, p.dialogs.window())
	d.SetFileName(docFile("doc.file.labels", "labels-{{.Number}}", map[string]any{"Number": fileName(number)}) + ext)
	showFileDialog(d, p.dialogs.window())
}

// writeLabelFiles writes the first file to wc and any more beside it as
// name-2.png, name-3.png…
func writeLabelFiles(wc fyne.URIWriteCloser, uri fyne.URI, files [][]byte, ext string) error {
	_, err := wc.Write(files[0])
	if cerr := wc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	parent, perr := storage.Parent(uri)
	stem := strings.TrimSuffix(uri.Name(), ext)
	for i, b := range files[1:] {
		if perr != nil {
			return perr
		}
		next, err := storage.Child(parent, fmt.Sprintf("%s-%d%s", stem, i+2, ext))
		if err != nil {
			return err
		}
		w, err := storage.Writer(next)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
