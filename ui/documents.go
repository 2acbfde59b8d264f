package ui

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// Documents writes a ticket's documents for the customer as PDF, in the
// customer's language, and a shipment's papers, in the technician's, from
// the device's data (main wires the device's builder).
type Documents interface {
	// ServiceReport writes the ticket's service report, with its photos
	// and the customer's signature when it was given to the report as
	// it stands.
	ServiceReport(ctx context.Context, w io.Writer, id app.TicketID) error
	// IntakeReceipt writes a carry-in ticket's intake receipt.
	IntakeReceipt(ctx context.Context, w io.Writer, id app.TicketID) error
	// PaymentReceipt writes the receipt of the ticket's payment
	// paymentID, with what the customer still owes after it.
	PaymentReceipt(ctx context.Context, w io.Writer, id app.TicketID, paymentID string) error
	// FileSignedReport files the signed report on the ticket, as a PDF
	// the photo uploader sends to the central service.
	FileSignedReport(ctx context.Context, id app.TicketID) error
	// ShipmentLabel writes the parcel label of the shipment with this ID.
	ShipmentLabel(ctx context.Context, w io.Writer, shipment string) error
	// PackingList writes the packing list of the shipment with this ID.
	PackingList(ctx context.Context, w io.Writer, shipment string) error
}

// reportsDirMode and reportFileMode keep the customers' documents to the
// device's user: they hold names, phone numbers and addresses.
const (
	reportsDirMode = 0o700
	reportFileMode = 0o600
)

// documentButtons are the detail's buttons that make the ticket's
// documents: the service report, and the intake receipt of a carry-in
// ticket. None without Documents or a data folder to write to.
func (t *Terminal) documentButtons(d app.TicketDetail) []fyne.CanvasObject {
	if t.deps.Documents == nil || t.deps.DataDir == "" {
		return nil
	}
	// A ticket whose history is on the server would make a report
	// without its repairs, parts, photos and signatures: say so instead.
	action := func(title, name string, write func(context.Context, io.Writer, app.TicketID) error) func() {
		if d.Away != nil {
			return func() { t.historyNeeded(title, d) }
		}
		return func() { t.makeDocument(d.Ticket, title, name, write) }
	}
	number := map[string]any{"Number": fileName(d.Ticket.Number)}
	out := []fyne.CanvasObject{widget.NewButtonWithIcon(lang.X("doc.report", "Service report"), theme.DocumentIcon(),
		action(lang.X("doc.report", "Service report"), docFile("doc.file.report", "{{.Number}}-service-report", number), t.deps.Documents.ServiceReport))}
	if d.Ticket.Kind == app.KindCarryIn {
		out = append(out, widget.NewButtonWithIcon(lang.X("doc.intake", "Intake receipt"), theme.DocumentIcon(),
			action(lang.X("doc.intake", "Intake receipt"), docFile("doc.file.intake", "{{.Number}}-intake", number), t.deps.Documents.IntakeReceipt)))
	}
	return out
}

// receiptButton is a payment row's "Receipt" button (see moneyHost).
func (t *Terminal) receiptButton(tk app.Ticket, p app.Payment) fyne.CanvasObject {
	if t.deps.Documents == nil || t.deps.DataDir == "" {
		return nil
	}
	title := lang.X("doc.receipt", "Receipt")
	return widget.NewButtonWithIcon(title, theme.DocumentIcon(), func() {
		name := docFile("doc.file.receipt", "{{.Number}}-receipt-{{.Receipt}}", map[string]any{"Number": fileName(tk.Number), "Receipt": fileName(p.Receipt)})
		t.makeDocument(tk, title, name, func(ctx context.Context, w io.Writer, id app.TicketID) error {
			return t.deps.Documents.PaymentReceipt(ctx, w, id, p.ID)
		})
	})
}

// makeDocument writes a document off the UI goroutine (a report with
// photos takes about a second), showing that it works meanwhile, then
// offers to open or save it.
func (t *Terminal) makeDocument(tk app.Ticket, title, name string, write func(context.Context, io.Writer, app.TicketID) error) {
	making := lang.X("doc.making", "Preparing the document of ticket {{.Number}}…", map[string]any{"Number": tk.Number})
	t.makeFile(title, making, name, func(ctx context.Context, w io.Writer) error { return write(ctx, w, tk.ID) })
}

// makeFile is makeDocument of any document: making says what is being
// prepared, name is the file's name without ".pdf", as docFile makes it.
func (t *Terminal) makeFile(title, making, name string, write func(context.Context, io.Writer) error) {
	if t.win == nil {
		return
	}
	bar := widget.NewProgressBarInfinite()
	wait := dialog.NewCustomWithoutButtons(title, container.NewVBox(widget.NewLabel(making), bar), t.win)
	t.present(wait, nil)
	t.deps.Run(func() {
		var b bytes.Buffer
		err := write(t.ctx, &b)
		fyne.Do(func() {
			bar.Stop()
			wait.Hide()
			if err != nil {
				t.showError(err)
				return
			}
			t.offerDocument(title, name+".pdf", b.Bytes())
		})
	})
}

// offerDocument shows a written document's buttons: open it in the
// system's viewer (from a file in the data folder), or save it where the
// user chooses.
func (t *Terminal) offerDocument(title, file string, pdf []byte) {
	var d *dialog.CustomDialog
	open := widget.NewButtonWithIcon(lang.X("doc.open", "Open"), theme.FileIcon(), func() {
		path, err := t.writeDocument(file, pdf)
		if err != nil {
			t.showError(err)
			return
		}
		d.Hide()
		t.deps.Run(func() {
			if err := t.openFile(path); err != nil {
				fyne.Do(func() { t.cannotOpen(file, path, pdf, err) })
			}
		})
	})
	open.Importance = widget.HighImportance
	msg := widget.NewLabel(docReadyText(file, len(pdf)))
	msg.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustom(title, lang.X("dialog.close", "Close"), container.NewVBox(msg, container.NewHBox(open, t.saveAsButton(file, pdf, func() { d.Hide() }))), t.win)
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.94, 480), 0))
	t.present(d, nil)
}

// saveAsButton is "Save as…" of a written document: hide closes the
// dialog it is on before the file dialog opens.
func (t *Terminal) saveAsButton(file string, pdf []byte, hide func()) *widget.Button {
	return widget.NewButtonWithIcon(lang.X("doc.save_as", "Save as…"), theme.DocumentSaveIcon(), func() {
		hide()
		fd := newFileSave(func(w fyne.URIWriteCloser, err error) {
			if err == nil && w == nil {
				return // cancelled
			}
			if err == nil {
				_, err = w.Write(pdf)
				if cerr := w.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				t.showError(app.Errorf(app.EINTERNAL, "doc.cannot_save", "The document could not be saved there. Choose another folder with free space.").WithCause(err))
			}
		}, t.win)
		fd.SetFileName(file)
		showFileDialog(fd, t.win)
	})
}

// cannotOpen says that no viewer opened the document kept at path, and
// offers "Save as…" there: the message tells to use it, and the dialog
// that had it is gone.
func (t *Terminal) cannotOpen(file, path string, pdf []byte, cause error) {
	msg := widget.NewLabel(breakable(errorText(app.Errorf(app.EINTERNAL, "doc.cannot_open_saved", "No app on this device opens PDF files. The document is saved as {{.Path}}; use \"Save as…\" to put it where another app or computer can open it.", "Path", path).WithCause(cause))))
	msg.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	d = dialog.NewCustom(lang.X("doc.cannot_open_title", "Cannot open the document"), lang.X("dialog.close", "Close"),
		container.NewVBox(msg, container.NewHBox(t.saveAsButton(file, pdf, func() { d.Hide() }))), t.win)
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.94, 480), 0))
	t.present(d, nil)
}

// openFile opens the document at path in the system's viewer
// (Deps.OpenFile, else Fyne's OpenURL).
func (t *Terminal) openFile(path string) error {
	if t.deps.OpenFile != nil {
		return t.deps.OpenFile(path)
	}
	u, err := url.Parse("file://" + filepath.ToSlash(path))
	if err != nil {
		return err
	}
	return fyne.CurrentApp().OpenURL(u)
}

// viewerVerdict bounds how long OpenInViewer waits for xdg-open to say
// it failed: it answers at once when nothing opens the file, but may
// stay until the viewer it started is closed, and a viewer closed later
// is no news.
const viewerVerdict = 30 * time.Second

// OpenInViewer opens the file at path in the system's viewer. On Linux
// and the BSDs Fyne's OpenURL starts xdg-open and never looks at how it
// ended, so "Open" on a computer with no PDF viewer closed its dialog
// and nothing happened (walk3's walk); here xdg-open's failure is
// returned, for the terminal to say where the file is. Elsewhere it is
// Fyne's OpenURL.
func OpenInViewer(path string) error {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
	default:
		u, err := url.Parse("file://" + filepath.ToSlash(path))
		if err != nil {
			return err
		}
		return fyne.CurrentApp().OpenURL(u)
	}
	cmd := exec.Command("xdg-open", path)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(viewerVerdict):
		return nil // still running: the viewer is open
	}
}

// openFiledDocument reads a document filed on ticket tk off the UI
// goroutine, then offers to open or save it.
func (t *Terminal) openFiledDocument(tk app.Ticket, p app.Photo) {
	if t.win == nil || t.deps.Photos == nil {
		return
	}
	t.deps.Run(func() {
		var b bytes.Buffer
		rc, err := t.deps.Photos.OpenPhoto(t.ctx, p.SHA256)
		if err == nil {
			_, err = b.ReadFrom(io.LimitReader(rc, app.MaxPhotoBytes))
			rc.Close()
		}
		fyne.Do(func() {
			if err != nil {
				t.showError(app.Errorf(app.ENOTFOUND, "photos.not_here", "This photo is not on this device. Sync, then open it again.").WithCause(err))
				return
			}
			t.offerDocument(p.Caption, docFile("doc.file.signed", "{{.Number}}-signed", map[string]any{"Number": fileName(tk.Number)})+".pdf", b.Bytes())
		})
	})
}

// writeDocument writes pdf to DATA/reports/file, readable by the device's
// user only, and returns its path.
func (t *Terminal) writeDocument(file string, pdf []byte) (string, error) {
	dir := filepath.Join(t.deps.DataDir, "reports")
	path := filepath.Join(dir, file)
	err := os.MkdirAll(dir, reportsDirMode)
	if err == nil {
		err = os.WriteFile(path, pdf, reportFileMode)
	}
	if err == nil {
		// WriteFile keeps the mode of a file written before.
		err = os.Chmod(path, reportFileMode)
	}
	if err != nil {
		return "", app.Errorf(app.EINTERNAL, "doc.cannot_write", "The document could not be written to {{.Path}}. Free some space on the device, then try again.", "Path", dir).WithCause(err)
	}
	return path, nil
}

// fileName keeps a ticket or tracking number's letters, digits, '-' and
// '_' for a file's name: numbers come from the server or a courier's
// label and must not name a path.
func fileName(s string) string {
	out := strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, s)
	if out == "" {
		return "document"
	}
	return out
}

// docFile is a document's file name without its extension, in the
// screens' language, from the text of key filled with data (numbers as
// fileName keeps them): "FB-2026-000117-service-report",
// "FB-2026-000117-服务报告". The words are the language's own, accents and
// Chinese characters included: every system the terminal runs on (Windows,
// macOS, Linux, Android) names files in Unicode, and a technician looks
// for a report by its word. Anything but a letter, a digit, '-' or '_'
// becomes '_', so no translation can put a '/' (a folder), a '\' or a
// character Windows refuses (:*?"<>|) in a name.
func docFile(key, fallback string, data map[string]any) string {
	out := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			return r
		}
		return '_'
	}, lang.X(key, fallback, data))
	if strings.Trim(out, "-_") == "" {
		return "document"
	}
	return out
}

// docReadyText says a document of size bytes is written, its size by the
// one size rule (sizeText): a 2 MB report read "2048KB".
func docReadyText(file string, size int) string {
	return lang.X("doc.ready", "{{.File}} is ready ({{.Size}}).", map[string]any{"File": file, "Size": sizeText(size)})
}
