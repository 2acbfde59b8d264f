package ui_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/device/reports"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// builderDocs is main's wiring of the device's report builder, for tests.
type builderDocs struct {
	b      reports.Builder
	commit app.Committer
	actor  app.Actor
}

func (d builderDocs) ServiceReport(ctx context.Context, w io.Writer, id app.TicketID) error {
	_, err := d.b.ServicePDF(ctx, w, id)
	return err
}

func (d builderDocs) IntakeReceipt(ctx context.Context, w io.Writer, id app.TicketID) error {
	return d.b.IntakePDF(ctx, w, id)
}

func (d builderDocs) PaymentReceipt(ctx context.Context, w io.Writer, id app.TicketID, paymentID string) error {
	return d.b.ReceiptPDF(ctx, w, id, paymentID)
}

func (d builderDocs) FileSignedReport(ctx context.Context, id app.TicketID) error {
	_, err := d.b.FileSigned(ctx, d.commit, d.actor, id)
	return err
}

// docsTerminal opens the demo world with the device's report builder
// wired as main wires it, and a data folder for the documents.
func docsTerminal(t *testing.T) (*ui.Terminal, fyne.Window, ui.Deps, app.Dataset) {
	t.Helper()
	return docsTerminalWith(t, nil)
}

// docsTerminalWith is docsTerminal whose screens and report builder read
// tickets through tickets (nil: the store's).
func docsTerminalWith(t *testing.T, tickets func(app.TicketService) app.TicketService) (*ui.Terminal, fyne.Window, ui.Deps, app.Dataset) {
	t.Helper()
	return docsTerminalEdit(t, func(deps *ui.Deps, _ *store.DB) {
		if tickets != nil {
			deps.Tickets = tickets(deps.Tickets)
		}
	})
}

// docsTerminalEdit is docsTerminal whose dependencies edit changes (on
// the demo world's store) before the report builder and the terminal
// are made of them.
func docsTerminalEdit(t *testing.T, edit func(*ui.Deps, *store.DB)) (*ui.Terminal, fyne.Window, ui.Deps, app.Dataset) {
	t.Helper()
	return docsTerminalDocs(t, edit, nil)
}

// docsTerminalDocs is docsTerminalEdit whose documents are wrap's of the
// report builder's (wrap nil: the builder's).
func docsTerminalDocs(t *testing.T, edit func(*ui.Deps, *store.DB), wrap func(builderDocs) ui.Documents) (*ui.Terminal, fyne.Window, ui.Deps, app.Dataset) {
	t.Helper()
	test.NewTempApp(t)
	deps, ds, db := openDemoStore(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	edit(&deps, db)
	deps.DataDir = t.TempDir()
	b := reports.Builder{Tickets: deps.Tickets, Parts: deps.Parts, Warranty: deps.Warranty, History: deps.Notices.(*store.DB),
		Photos: deps.Photos, Provider: demo.Provider, Technician: deps.Actor.Name}
	deps.Documents = builderDocs{b: b, commit: deps.Commit, actor: deps.Actor}
	if wrap != nil {
		deps.Documents = wrap(builderDocs{b: b, commit: deps.Commit, actor: deps.Actor})
	}
	deps.ReportToSign = func(ctx context.Context, d app.TicketDetail) (ui.ReportToSign, error) {
		r, total, err := b.ToSignOf(ctx, d)
		return ui.ReportToSign{Digest: r.Digest(), Total: total, Report: r.CanonicalJSON()}, err
	}
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	return term, w, deps, ds
}

func pdfTextOf(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// TestDocumentsOpenWritesPDF: the ticket's "Service report", then
// "Open", writes DATA/reports/<number>.pdf, a PDF readable by the user
// only that names the ticket; a carry-in ticket also writes its intake
// receipt, and only it offers one.
func TestDocumentsOpenWritesPDF(t *testing.T) {
	term, w, deps, ds := docsTerminal(t)
	var onSite app.Ticket
	for _, d := range ds.Tickets {
		if d.Ticket.Kind == app.KindOnSite && d.Ticket.Technician == demo.DemoTechnician {
			onSite = d.Ticket
			break
		}
	}
	if onSite.ID == "" {
		t.Fatal("the demo technician has no on-site ticket")
	}
	// The demo's technician works in the field: a counter's ticket is
	// checked in here.
	now := deps.Now()
	carryIn := app.Ticket{ID: app.TicketID(app.NewID()), Number: app.NewTicketNumber(now), Kind: app.KindCarryIn, Country: deps.Country,
		Product:  app.Product{Category: app.CategoryPhone, Brand: "Xiaomi", Model: "Redmi 12", Serial: "DOCS0001"},
		Customer: app.Customer{Name: "Counter Customer", Phone: "+86 139 0000 1111"}, Fault: "No sound", Priority: app.PriorityNormal,
		Status: app.StatusAssigned, CreatedAt: now.Add(-time.Hour)}
	if _, err := deps.Commit.Commit(context.Background(), deps.Actor, &app.CreateTicket{Ticket: carryIn}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tk     app.Ticket
		button string
		file   string
	}{
		{onSite, "Service report", onSite.Number + "-service-report.pdf"},
		{carryIn, "Service report", carryIn.Number + "-service-report.pdf"},
		{carryIn, "Intake receipt", carryIn.Number + "-intake.pdf"},
	} {
		term.Detail().Show(tc.tk.ID)
		tapButton(t, term.Object(), tc.button)
		dlg := w.Canvas().Overlays().Top()
		if dlg == nil || !strings.Contains(labels(dlg), tc.file) {
			t.Fatalf("%s of %s: the dialog does not name %s:\n%s", tc.button, tc.tk.Number, tc.file, labels(dlg))
		}
		tapButton(t, dlg, "Open")
		path := filepath.Join(deps.DataDir, "reports", tc.file)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatalf("%s of %s: %v", tc.button, tc.tk.Number, err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", path, fi.Mode().Perm())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Fatalf("%s is not a PDF: %q", path, b[:min(len(b), 8)])
		}
		if text := pdfTextOf(t, path); !strings.Contains(text, tc.tk.Number) {
			t.Errorf("%s does not name ticket %s:\n%s", path, tc.tk.Number, text)
		}
	}
	term.Detail().Show(onSite.ID)
	if strings.Contains(buttonTexts(term.Object()), "Intake receipt") {
		t.Error("an on-site ticket offers an intake receipt")
	}
}

// buttonTexts lists the texts of the buttons under o.
func buttonTexts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Button:
			b.WriteString(o.Text + "\n")
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

// TestSignOffFilesReport: signing a completed ticket's report files the
// signed report on the ticket as a PDF of kind report, the photo the
// central service's claim evidence looks for.
func TestSignOffFilesReport(t *testing.T) {
	term, w, deps, ds := docsTerminal(t)
	tk := completedTicket(t, ds)
	term.Detail().Show(tk.ID)
	tapButton(t, term.Object(), "Customer sign-off")
	if !term.SignOffShown() {
		t.Fatal("the sign-off did not open")
	}
	pad := term.SignOffPad()
	s := pad.Size()
	drag(pad, fyne.NewPos(s.Width*0.1, s.Height*0.6), fyne.NewPos(s.Width*0.3, s.Height*0.3), fyne.NewPos(s.Width*0.5, s.Height*0.7))
	term.SignOffName().SetText("Chen Jing")
	test.Tap(term.SignOffButton("Sign"))
	d := detailOf(t, deps, tk.ID)
	var filed []app.Photo
	for _, p := range d.Photos {
		if p.Kind == app.PhotoKindReport {
			filed = append(filed, p)
		}
	}
	if len(d.Signatures) != 1 || len(filed) != 1 {
		t.Fatalf("%d signatures and %d filed reports, want 1 and 1 (dialog: %s)", len(d.Signatures), len(filed), labels(w.Canvas().Overlays().Top()))
	}
	if filed[0].Mime != "application/pdf" {
		t.Errorf("filed report's type %q", filed[0].Mime)
	}
	rc, err := deps.Photos.OpenPhoto(t.Context(), filed[0].SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	path := filepath.Join(t.TempDir(), "filed.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if text := pdfTextOf(t, path); !strings.Contains(text, tk.Number) || !strings.Contains(text, "Chen Jing") {
		t.Errorf("the filed report lacks the ticket number or the signer:\n%s", text)
	}

	// The filed report is a document among the photos: tapped, it opens
	// as a PDF, not as a picture.
	term.Detail().Show(tk.ID)
	thumb := tappableWithLabel(term.Object(), filed[0].Caption)
	if thumb == nil {
		t.Fatalf("no thumbnail captioned %q", filed[0].Caption)
	}
	thumb.Tapped(&fyne.PointEvent{})
	tapButton(t, w.Canvas().Overlays().Top(), "Open")
	saved, err := os.ReadFile(filepath.Join(deps.DataDir, "reports", tk.Number+"-signed.pdf"))
	if err != nil || !bytes.Equal(saved, b) {
		t.Fatalf("opening the filed report wrote %d bytes (%v), want the %d filed", len(saved), err, len(b))
	}
}

// detailReads counts the ticket details read through it.
type detailReads struct {
	app.TicketService
	n *int
}

func (r detailReads) TicketDetail(ctx context.Context, id app.TicketID) (app.TicketDetail, error) {
	*r.n++
	return r.TicketService.TicketDetail(ctx, id)
}

// TestSignedTicketReloadReadsItOnce: reloading a completed, signed ticket
// builds the report it compares with the signature's digest from the
// detail it has just read: one read of the ticket, not a second for the
// report. The comparison still holds: signed as it is, it offers "Sign
// again", and says nothing changed.
func TestSignedTicketReloadReadsItOnce(t *testing.T) {
	reads := 0
	term, _, _, ds := docsTerminalWith(t, func(s app.TicketService) app.TicketService { return detailReads{s, &reads} })
	tk := completedTicket(t, ds)
	term.Detail().Show(tk.ID)
	tapButton(t, term.Object(), "Customer sign-off")
	pad := term.SignOffPad()
	s := pad.Size()
	drag(pad, fyne.NewPos(s.Width*0.1, s.Height*0.6), fyne.NewPos(s.Width*0.3, s.Height*0.3), fyne.NewPos(s.Width*0.5, s.Height*0.7))
	term.SignOffName().SetText("Chen Jing")
	test.Tap(term.SignOffButton("Sign"))

	reads = 0
	term.Detail().Show(tk.ID)
	if reads != 1 {
		t.Errorf("reloading the signed ticket read it %d times, want once", reads)
	}
	detail := term.Detail().Object()
	if findButton(detail, "Sign again") == nil || findButton(detail, "Customer sign-off") != nil {
		t.Errorf("signed as it is, the reload does not offer Sign again alone:\n%s", labels(detail))
	}
	if shown := labels(detail); !strings.Contains(shown, "Signed by Chen Jing") || strings.Contains(shown, "report changed") {
		t.Errorf("the reload does not say who signed, or says the report changed:\n%s", shown)
	}
}

// tappableWithLabel finds the tappable widget under o holding a label
// whose text is text.
func tappableWithLabel(o fyne.CanvasObject, text string) fyne.Tappable {
	var found fyne.Tappable
	var walk func(o fyne.CanvasObject, in fyne.Tappable)
	walk = func(o fyne.CanvasObject, in fyne.Tappable) {
		if found != nil {
			return
		}
		if tp, ok := o.(fyne.Tappable); ok {
			if _, isButton := o.(*widget.Button); !isButton {
				in = tp
			}
		}
		switch o := o.(type) {
		case *widget.Label:
			if o.Text == text && in != nil {
				found = in
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c, in)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c, in)
			}
		}
	}
	walk(o, nil)
	return found
}

// TestPaymentReceiptButton: each payment row has a "Receipt" button that
// writes DATA/reports/<number>-<receipt>.pdf, naming the receipt, the
// amount and what is still owed after it; a ticket without payments has
// none. The dialog that gives the receipt number of a payment just taken
// offers the same document.
func TestPaymentReceiptButton(t *testing.T) {
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps, _, db := openDemoStore(t, now)
	deps.Payments = store.NewPaymentService(db)
	deps.DataDir = t.TempDir()
	if err := db.ApplyPull(context.Background(), app.PullPage{ReceiptPrefix: "R5", At: now}); err != nil {
		t.Fatal(err)
	}
	b := reports.Builder{Tickets: deps.Tickets, Parts: deps.Parts, Warranty: deps.Warranty, History: db,
		Photos: deps.Photos, Provider: demo.Provider, Technician: deps.Actor.Name}
	deps.Documents = builderDocs{b: b, commit: deps.Commit, actor: deps.Actor}
	term := ui.NewTerminal(t.Context(), deps)
	term.ManualSearch()
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)

	tk, total := paidTicket(t, term, deps, "356938035643809")
	if strings.Contains(buttonTexts(term.Detail().Object()), "Receipt\n") {
		t.Fatal("a ticket without payments offers a receipt")
	}
	tapButton(t, term.Detail().Object(), "Take payment")
	ui.TypeInFront(w, "Amount in CNY, e.g. 67.80", "10.50")
	tapButton(t, front(w), "Record payment")
	// The dialog saying to give the customer the receipt offers it.
	tapButton(t, front(w), "Receipt")
	file := tk.Number + "-receipt-R5-1.pdf"
	if dlg := front(w); dlg == nil || !strings.Contains(labels(dlg), file) {
		t.Fatalf("the receipt number's dialog does not write %s:\n%s", file, labels(dlg))
	}
	press(w, fyne.KeyEscape)

	tapButton(t, term.Detail().Object(), "Receipt")
	dlg := front(w)
	if dlg == nil || !strings.Contains(labels(dlg), file) {
		t.Fatalf("the dialog does not name %s:\n%s", file, labels(dlg))
	}
	tapButton(t, dlg, "Open")
	path := filepath.Join(deps.DataDir, "reports", file)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v, %v; want a file readable by the user only", path, fi, err)
	}
	text := strings.ReplaceAll(pdfTextOf(t, path), "\u00a0", " ")
	owed := app.Money{Amount: total.Amount - 1050, Currency: total.Currency}
	// In the customer's language: the demo's country's, Chinese.
	c := translations.For(tk.CustomerLanguage())
	for _, want := range []string{"R5-1", tk.Number, "CNY 10.50", c.Text("report.owed", "", nil), "CNY " + ui.AmountText(owed)} {
		if !strings.Contains(text, want) {
			t.Errorf("the receipt lacks %q:\n%s", want, text)
		}
	}
}
