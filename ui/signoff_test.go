package ui_test

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/internal/signimg"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// reportDigest stands in for the service report's digest, which the
// report builder computes.
const reportDigest = "9b1e4c0d7a2f3e5b6c8d9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"

// signTerminal opens the demo world with a report to sign, on a
// completed ticket of the demo technician, and opens its sign-off.
func signTerminal(t *testing.T) (*ui.Terminal, fyne.Window, ui.Deps, app.Ticket) {
	t.Helper()
	digest := reportDigest
	term, w, deps, tk := signTerminalOf(t, &digest, fyne.NewSize(1280, 800), nil)
	return term, w, deps, tk
}

// completedTicket is a completed ticket of the demo technician in ds,
// whose report can be signed.
func completedTicket(t *testing.T, ds app.Dataset) app.Ticket {
	t.Helper()
	for _, d := range ds.Tickets {
		if d.Ticket.Technician == demo.DemoTechnician && d.Ticket.Status == app.StatusCompleted {
			return d.Ticket
		}
	}
	t.Fatal("the demo technician has no completed ticket")
	return app.Ticket{}
}

// signTerminalOf is signTerminal with the report's digest in *digest (a
// test changes the report by changing it), in a window of size, calling
// before (when not nil) with the ticket shown before the sign-off opens.
func signTerminalOf(t *testing.T, digest *string, size fyne.Size, before func(*ui.Terminal, fyne.Window)) (*ui.Terminal, fyne.Window, ui.Deps, app.Ticket) {
	t.Helper()
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps, ds := openDemoWorld(t, now)
	tk := completedTicket(t, ds)
	deps.ReportToSign = func(_ context.Context, d app.TicketDetail) (ui.ReportToSign, error) {
		if d.Ticket.ID != tk.ID {
			t.Errorf("report of %s, want %s", d.Ticket.ID, tk.ID)
		}
		return ui.ReportToSign{Digest: *digest, Total: "¥ 180.00"}, nil
	}
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(size)
	term.Attach(w)
	term.Detail().Show(tk.ID)
	if before != nil {
		before(term, w)
	}
	tapButton(t, term.Object(), "Customer sign-off")
	if !term.SignOffShown() {
		t.Fatal("the sign-off did not open")
	}
	if shown := labels(w.Canvas().Overlays().Top()); !strings.Contains(shown, tk.Number) || !strings.Contains(shown, "¥ 180.00") || !strings.Contains(shown, (*digest)[:12]) {
		t.Errorf("the sign-off does not show what is signed (number, total, digest):\n%s", shown)
	}
	return term, w, deps, tk
}

// drag draws a stroke through points on the pad as a finger does: a drag
// from the first point on.
func drag(pad *ui.SignPad, pts ...fyne.Position) {
	for i := 1; i < len(pts); i++ {
		pad.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: pts[i]}, Dragged: fyne.NewDelta(pts[i].X-pts[i-1].X, pts[i].Y-pts[i-1].Y)})
	}
	pad.DragEnd()
}

// mouseStroke draws a stroke with a mouse: pressed, dragged, released.
func mouseStroke(pad *ui.SignPad, pts ...fyne.Position) {
	pad.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: pts[0]}, Button: desktop.MouseButtonPrimary})
	for i := 1; i < len(pts); i++ {
		pad.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: pts[i]}, Dragged: fyne.NewDelta(pts[i].X-pts[i-1].X, pts[i].Y-pts[i-1].Y)})
	}
	pad.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: pts[len(pts)-1]}, Button: desktop.MouseButtonPrimary})
	pad.DragEnd()
}

func detailOf(t *testing.T, deps ui.Deps, id app.TicketID) app.TicketDetail {
	t.Helper()
	d, err := deps.Tickets.TicketDetail(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSignOffRecordsSignatureAndPicture(t *testing.T) {
	term, w, deps, tk := signTerminal(t)
	pad := term.SignOffPad()
	sign := term.SignOffButton("Sign")
	if !sign.Disabled() {
		t.Fatal("Sign is enabled on an empty pad")
	}
	s := pad.Size()
	if s.Width < 300 || s.Height < 120 {
		t.Fatalf("the pad is %v on a 1280x800 window", s)
	}
	// A finger's stroke, a mouse's stroke and a tapped dot.
	drag(pad, fyne.NewPos(s.Width*0.1, s.Height*0.6), fyne.NewPos(s.Width*0.2, s.Height*0.4), fyne.NewPos(s.Width*0.3, s.Height*0.7))
	mouseStroke(pad, fyne.NewPos(s.Width*0.4, s.Height*0.5), fyne.NewPos(s.Width*0.5, s.Height*0.3), fyne.NewPos(s.Width*0.6, s.Height*0.6))
	test.Tap(pad) // the pad's middle
	strokes := pad.Strokes()
	if len(strokes) != 3 || len(strokes[0]) != 3 || len(strokes[1]) != 3 || len(strokes[2]) != 1 {
		t.Fatalf("strokes %v, want a stroke of 3 points, another of 3 and a dot", strokes)
	}
	term.SignOffName().SetText("")
	if !sign.Disabled() {
		t.Error("Sign is enabled without the signer's name")
	}
	term.SignOffName().SetText("Chen Jing")
	term.SignOffRole(app.SignerRepresentative)
	if sign.Disabled() {
		t.Fatal("Sign is disabled with a signature and a name")
	}
	test.Tap(sign)
	if term.SignOffShown() {
		t.Error("the sign-off is still open after signing")
	}

	d := detailOf(t, deps, tk.ID)
	if len(d.Signatures) != 1 {
		t.Fatalf("%d signatures recorded, want 1", len(d.Signatures))
	}
	sig := d.Signatures[0]
	got, err := app.DecodeStrokes(sig.Strokes)
	if err != nil {
		t.Fatal(err)
	}
	if sig.Digest != reportDigest || sig.Signer != "Chen Jing" || sig.Role != app.SignerRepresentative || sig.Refused || sig.By != deps.Actor.Name ||
		!slices.EqualFunc(got, strokes, func(a, b app.Stroke) bool { return slices.Equal(a, b) }) || !app.FreshID(sig.ID) {
		t.Errorf("recorded %+v, want the pad's strokes signed by Chen Jing as representative over the report's digest", sig)
	}
	i := slices.IndexFunc(d.Photos, func(p app.Photo) bool { return p.ID == sig.Photo })
	if i < 0 {
		t.Fatalf("the signature's picture %s is not among the ticket's photos", sig.Photo)
	}
	p := d.Photos[i]
	if p.Kind != "signature" || p.Mime != "image/png" || !app.FreshID(p.ID) {
		t.Errorf("picture recorded as %+v, want a PNG of kind signature", p)
	}
	rc, err := deps.Photos.OpenPhoto(context.Background(), p.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	want, _ := signimg.PNG(strokes)
	if !bytes.Equal(data, want) || int64(len(data)) != p.Size {
		t.Errorf("the stored picture (%d bytes) is not the strokes' rendering (%d bytes)", len(data), len(want))
	}
	if img, err := png.Decode(bytes.NewReader(data)); err != nil || img.Bounds().Dx() != signimg.Width {
		t.Errorf("stored picture unreadable: %v", err)
	}
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, "Signed by Chen Jing (Their representative)") {
		t.Errorf("the ticket does not say who signed:\n%s", shown)
	}
	_ = w
}

// signOnPad draws a stroke on the open sign-off's pad and signs.
func signOnPad(t *testing.T, term *ui.Terminal) {
	t.Helper()
	pad := term.SignOffPad()
	s := pad.Size()
	drag(pad, fyne.NewPos(s.Width*0.1, s.Height*0.6), fyne.NewPos(s.Width*0.3, s.Height*0.4))
	test.Tap(term.SignOffButton("Sign"))
	if term.SignOffShown() {
		t.Fatal("the sign-off is still open after signing")
	}
}

// TestSignOffKeepsItsPlaceAndIsDone: the customer signs with the
// "Customer sign-off" button near the top of the screen and its card's
// top scrolled away, and the notes' card in view below it (which a
// reload anchored on it would keep in place, moving the button up as the
// actions' card grows). After signing, the button in its place says "Sign
// again", and who signed shows under it: nothing above it moved. The
// sign-off is done while the report is as signed; a payment, part or
// repair recorded since changes the report's digest, and the sign-off is
// offered again, saying why.
func TestSignOffKeepsItsPlaceAndIsDone(t *testing.T) {
	digest := reportDigest
	var before fyne.Position
	d := func() fyne.Driver { return fyne.CurrentApp().Driver() }
	term, w, deps, tk := signTerminalOf(t, &digest, fyne.NewSize(1280, 1000), func(term *ui.Terminal, w fyne.Window) {
		detail := term.Detail().Object()
		b := findButton(detail, "Customer sign-off")
		if b == nil {
			t.Fatal("no Customer sign-off button")
		}
		scroll := cardsScroll(t, detail)
		inCards := d().AbsolutePositionForObject(b).Y - d().AbsolutePositionForObject(scroll.Content).Y
		// The button 8 px from the top of the cards' view: the top of
		// its card (the ticket's actions) is above the view.
		scroll.ScrollToOffset(fyne.NewPos(0, inCards-8))
		if scroll.Offset.Y < inCards-8 {
			t.Fatalf("the ticket does not scroll far enough (offset %v, want %v)", scroll.Offset.Y, inCards-8)
		}
		test.MoveMouse(w.Canvas(), middle(b))
		before = d().AbsolutePositionForObject(b)
	})
	signOnPad(t, term)
	detail := term.Detail().Object()
	if b := findButton(detail, "Customer sign-off"); b != nil {
		t.Error("Customer sign-off is still offered with the report signed as it is")
	}
	again := findButton(detail, "Sign again")
	if again == nil {
		t.Fatal("no Sign again after signing")
	}
	if got := d().AbsolutePositionForObject(again); got != before {
		t.Errorf("the sign-off's button moved from %v to %v after signing", before, got)
	}
	if shown := labels(detail); !strings.Contains(shown, "Signed by ") || strings.Contains(shown, "report changed") {
		t.Errorf("the ticket does not say who signed, or says the report changed:\n%s", shown)
	}

	// A payment recorded since: the report is another.
	digest = strings.Repeat("a", 64)
	term.Detail().Show(tk.ID)
	detail = term.Detail().Object()
	if findButton(detail, "Customer sign-off") == nil || findButton(detail, "Sign again") != nil {
		t.Error("with the report changed since signing, Customer sign-off is not offered again")
	}
	if shown := labels(detail); !strings.Contains(shown, "The report changed since") {
		t.Errorf("the ticket does not say why the sign-off is offered again:\n%s", shown)
	}
	// Closing the visit says so too, not only who signed.
	tapButton(t, detail, "Close visit")
	if shown := labels(w.Canvas().Overlays().Top()); !strings.Contains(shown, "the report changed since") {
		t.Errorf("closing the visit does not say the report changed since it was signed:\n%s", shown)
	}
	if findButton(w.Canvas().Overlays().Top(), "Customer sign-off") == nil {
		t.Error("closing the visit does not offer the new sign-off the changed report needs")
	}
	_ = deps
}

func TestSignOffClear(t *testing.T) {
	term, _, deps, tk := signTerminal(t)
	pad := term.SignOffPad()
	s := pad.Size()
	drag(pad, fyne.NewPos(10, 10), fyne.NewPos(s.Width/2, s.Height/2))
	if pad.Empty() || term.SignOffButton("Sign").Disabled() {
		t.Fatal("a stroke drawn, yet the pad is empty or Sign disabled")
	}
	test.Tap(term.SignOffButton("Clear"))
	if !pad.Empty() || len(pad.Strokes()) != 0 || !term.SignOffButton("Sign").Disabled() {
		t.Errorf("after Clear: %d strokes, Sign disabled %v", len(pad.Strokes()), term.SignOffButton("Sign").Disabled())
	}
	if d := detailOf(t, deps, tk.ID); len(d.Signatures) != 0 {
		t.Errorf("%d signatures recorded by drawing and clearing", len(d.Signatures))
	}
}

func TestSignOffRefusal(t *testing.T) {
	tests := []struct {
		name   string
		kind   string // the option chosen
		reason string
		want   string // the reason kind recorded; "" for nothing recorded
	}{
		{"refused", "Refused to sign", "disputes the labour charge", app.NoSignRefused},
		{"absent", "Nobody there to sign", "left before the repair was done", app.NoSignAbsent},
		{"no reason", "Refused to sign", "  ", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			term, w, deps, tk := signTerminal(t)
			before := detailOf(t, deps, tk.ID)
			test.Tap(term.SignOffButton("Refuse"))
			form := w.Canvas().Overlays().Top()
			var reason *widget.Entry
			walk(form, func(o fyne.CanvasObject) {
				if e := entryOf(o); e != nil && strings.HasPrefix(e.PlaceHolder, "What happened") {
					reason = e
				}
				if s := ui.SelectOf(o); s != nil {
					s.SetSelected(tc.kind)
				}
			})
			if reason == nil {
				t.Fatalf("no reason in the form:\n%s", labels(form))
			}
			reason.SetText(tc.reason)
			tapButton(t, form, "Record")
			d := detailOf(t, deps, tk.ID)
			if tc.want == "" {
				if len(d.Signatures) != 0 {
					t.Fatalf("a refusal without a reason was recorded: %+v", d.Signatures)
				}
				if !strings.Contains(labels(w.Canvas().Overlays().Top()), "Give the reason") {
					t.Errorf("the form does not say what is missing:\n%s", labels(w.Canvas().Overlays().Top()))
				}
				return
			}
			if len(d.Signatures) != 0 {
				t.Fatal("recorded before the confirmation")
			}
			tapButton(t, w.Canvas().Overlays().Top(), "Record")
			d = detailOf(t, deps, tk.ID)
			if len(d.Signatures) != 1 {
				t.Fatalf("%d signatures, want the refusal", len(d.Signatures))
			}
			sig := d.Signatures[0]
			if !sig.Refused || sig.ReasonKind != tc.want || sig.Reason != strings.TrimSpace(tc.reason) || sig.Digest != reportDigest || sig.Strokes != "" || sig.Photo != "" {
				t.Errorf("recorded %+v, want a %s refusal with its reason and no signature", sig, tc.want)
			}
			if len(d.Photos) != len(before.Photos) {
				t.Errorf("%d photos after a refusal, want %d: no picture", len(d.Photos), len(before.Photos))
			}
			if term.SignOffShown() {
				t.Error("the sign-off is still open after the refusal")
			}
			if shown := labels(term.Detail().Object()); !strings.Contains(shown, "Not signed") || !strings.Contains(shown, sig.Reason) {
				t.Errorf("the ticket does not say why it is not signed:\n%s", shown)
			}
		})
	}
}

// TestSignPadInput: the pad turns drags, mouse strokes and taps into
// strokes in the signature box, clamped to it, whatever the pad's size.
func TestSignPadInput(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		name string
		size fyne.Size
		draw func(p *ui.SignPad)
		want []app.Stroke
	}{
		{"finger on a 500x200 pad", fyne.NewSize(500, 200), func(p *ui.SignPad) {
			drag(p, fyne.NewPos(0, 0), fyne.NewPos(250, 100), fyne.NewPos(500, 200))
		}, []app.Stroke{{{X: 0, Y: 0}, {X: 500, Y: 200}, {X: 1000, Y: 400}}}},
		{"mouse on a tall pad keeps the shape", fyne.NewSize(250, 400), func(p *ui.SignPad) {
			// The box is 250x100, centred: from y 150 to 250.
			mouseStroke(p, fyne.NewPos(0, 150), fyne.NewPos(125, 200))
		}, []app.Stroke{{{X: 0, Y: 0}, {X: 500, Y: 200}}}},
		{"off the pad is clamped", fyne.NewSize(500, 200), func(p *ui.SignPad) {
			drag(p, fyne.NewPos(490, 190), fyne.NewPos(600, 300))
		}, []app.Stroke{{{X: 980, Y: 380}, {X: 1000, Y: 400}}}},
		{"a click is one dot", fyne.NewSize(500, 200), func(p *ui.SignPad) {
			at := fyne.NewPos(100, 50)
			p.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}})
			p.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}})
			p.Tapped(&fyne.PointEvent{Position: at})
		}, []app.Stroke{{{X: 200, Y: 100}}}},
		{"a pen at rest adds no point", fyne.NewSize(500, 200), func(p *ui.SignPad) {
			drag(p, fyne.NewPos(10, 10), fyne.NewPos(10, 10), fyne.NewPos(10, 10), fyne.NewPos(20, 10))
		}, []app.Stroke{{{X: 20, Y: 20}, {X: 40, Y: 20}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			changes := 0
			p := ui.NewSignPad(func() { changes++ })
			w := test.NewTempWindow(t, p)
			w.Resize(tc.size.AddWidthHeight(2*theme.Padding(), 2*theme.Padding()))
			p.Resize(tc.size)
			tc.draw(p)
			if !slices.EqualFunc(p.Strokes(), tc.want, func(a, b app.Stroke) bool { return slices.Equal(a, b) }) {
				t.Errorf("strokes %v, want %v", p.Strokes(), tc.want)
			}
			if changes == 0 {
				t.Error("onChanged was not told")
			}
		})
	}
}

// TestSignOffConfirmsOnTheRight: Sign stands last in its row, right of
// Clear, as every other dialog puts what it confirms; it stood first, and
// Cancel last (found by h-dialogs2 walking a close at 360 dp).
func TestSignOffConfirmsOnTheRight(t *testing.T) {
	term, _, _, _ := signTerminal(t)
	d := fyne.CurrentApp().Driver()
	sign, clear := d.AbsolutePositionForObject(term.SignOffButton("Sign")), d.AbsolutePositionForObject(term.SignOffButton("Clear"))
	if sign.Y != clear.Y || sign.X <= clear.X {
		t.Errorf("Sign at %v, Clear at %v: want Sign right of Clear on one row", sign, clear)
	}
}

// filingDocs are the report builder's documents, calling during as the
// signed report is filed.
type filingDocs struct {
	builderDocs
	during func()
}

func (d filingDocs) FileSignedReport(ctx context.Context, id app.TicketID) error {
	d.during()
	return d.builderDocs.FileSignedReport(ctx, id)
}

// TestSignOffSaysTheReportIsBeingFiled: once signed, the sign-off closes
// and the signed report is written and filed, seconds on a phone with
// photos; meanwhile a dialog says so (walk4's Portuguese walk: nothing
// showed until the close's question came, 3 to 5 s later), and it goes
// once the report is filed.
func TestSignOffSaysTheReportIsBeingFiled(t *testing.T) {
	var w fyne.Window
	var during string
	term, w, _, ds := docsTerminalDocs(t, func(*ui.Deps, *store.DB) {}, func(b builderDocs) ui.Documents {
		return filingDocs{b, func() { during = labels(front(w)) }}
	})
	tk := completedTicket(t, ds)
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Customer sign-off")
	signOnPad(t, term)
	if !strings.Contains(during, "Filing the signed service report on the ticket") {
		t.Errorf("while the report is filed the screen shows:\n%s", during)
	}
	if top := front(w); top != nil && strings.Contains(labels(top), "Filing the signed") {
		t.Errorf("the filing's dialog stays once the report is filed:\n%s", labels(top))
	}
}
