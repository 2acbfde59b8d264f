package ui_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/ui"
)

// checkInLiNa checks in Li Na's phone of serial at the counter, as the
// counter's form sends it, and returns the ticket saved. The claim tag's
// print dialog is then in front.
func checkInLiNa(t *testing.T, term *ui.Terminal, w fyne.Window, deps ui.Deps, serial string) app.Ticket {
	t.Helper()
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: serial}})
	tapButton(t, w.Canvas().Overlays().Top(), "Check in")
	form := term.CheckInForm()
	form.Fill(app.CategoryPhone, "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", "", "", "Screen flickers")
	form.Submit()
	if p := form.Problem(); p != "" {
		t.Fatalf("check-in refused: %s", p)
	}
	return checkInTicket(t, deps, serial)
}

// TestClaimTagNoteFollowsTheSave: after a check-in the note below the
// screen asks to save the claim tag. The print dialog or the file dialog
// cancelled, the note said so for good although the tag was never saved;
// now it says the tag was not saved and where to print it, and the next
// check-in puts it away. Saved, the saved note takes its place.
func TestClaimTagNoteFollowsTheSave(t *testing.T) {
	notSaved := []string{"claim tag was not saved", "open the ticket and tap Print labels"}
	for _, tc := range []struct {
		name   string
		answer func(t *testing.T, w fyne.Window)
		want   []string
	}{
		{"print dialog cancelled", func(t *testing.T, w fyne.Window) { tapButton(t, front(w), "Cancel") }, notSaved},
		{"print dialog escaped", func(t *testing.T, w fyne.Window) { press(w, fyne.KeyEscape) }, notSaved},
		{"file dialog cancelled", func(t *testing.T, w fyne.Window) {
			tapButton(t, front(w), "Save to print")
			tapButton(t, front(w), "Cancel") // Fyne's file dialog
		}, notSaved},
		{"saved", func(t *testing.T, w fyne.Window) {
			tapButton(t, front(w), "Save to print")
			tapButton(t, front(w), "Save")
		}, []string{"Saved 1 label to", "print at 100%"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term, w, _, _, deps := scanTerminal(t)
			// The file dialog opens where the last one was left: here.
			dir := t.TempDir()
			fyne.CurrentApp().Preferences().SetString("fyne:fileDialogLastFolder", storage.NewFileURI(dir).String())
			tk := checkInLiNa(t, term, w, deps, "356938035643817")
			if s := term.ScanStatus(); !strings.Contains(s, "Save its claim tag") {
				t.Fatalf("note after the check-in: %q", s)
			}
			tc.answer(t, w)
			if n := len(w.Canvas().Overlays().List()); n != 0 {
				t.Fatalf("%d dialogs left open", n)
			}
			got := term.ScanStatus()
			for _, want := range append(tc.want, tk.Number) {
				if !strings.Contains(got, want) {
					t.Errorf("note %q lacks %q", got, want)
				}
			}
			if strings.Contains(got, "Save its claim tag") {
				t.Errorf("the note still asks to save the tag: %q", got)
			}
			files, _ := os.ReadDir(dir)
			if saved := len(files) == 1; saved != (tc.name == "saved") {
				t.Fatalf("%d files saved in %s", len(files), dir)
			}
			if tc.name == "saved" {
				return
			}
			// The next customer: the note was about the last one.
			tapButton(t, term.Object(), "Check in")
			if s := term.ScanStatus(); s != "" {
				t.Errorf("note as the next check-in opens: %q", s)
			}
		})
	}
}

// TestSyncPageSaysNoPhotosWaiting: on a real central service, the sync
// page said "photos waiting: 0B" when none were. With nothing waiting, online or
// offline, it says so in words, as it counts changes ("Changes waiting:
// 0"); a photo taken offline shows its size.
func TestSyncPageSaysNoPhotosWaiting(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	uploader, err := fbsync.NewPhotoUploader(sw.db, store.NewPhotoStore(sw.db), nil, sw.emb.URL, sw.client.Token)
	if err != nil {
		t.Fatal(err)
	}
	sw.engine.SetPhotoSender(uploader)
	pageSays := func(state string, want, not []string) {
		t.Helper()
		if err := sw.svc.Recount(t.Context()); err != nil {
			t.Fatal(err)
		}
		shown := labels(sw.openPage(t))
		shoot(t, sw.w, "walk-sync-"+strings.NewReplacer(", ", "-", " ", "-").Replace(state))
		press(sw.w, fyne.KeyEscape)
		for _, s := range want {
			if !strings.Contains(shown, s) {
				t.Errorf("%s: the sync page lacks %q:\n%s", state, s, shown)
			}
		}
		for _, s := range not {
			if strings.Contains(shown, s) {
				t.Errorf("%s: the sync page says %q:\n%s", state, s, shown)
			}
		}
	}
	pageSays("nothing waiting", []string{"Changes waiting: 0 · no photos waiting · sent"}, []string{"photos waiting: 0"})
	sw.svc.SetWorkOffline(true)
	pageSays("offline, nothing waiting", []string{"Offline by choice", "no photos waiting"}, []string{"photos waiting: 0"})
	tk := sw.assigned(t, 1)[0]
	png, err := scanner.LabelPNG(scanner.PartLabel{Part: "X"}, scanner.Label62x29)
	if err != nil {
		t.Fatal(err)
	}
	attachFile(t, sw.deps, tk.ID, app.Photo{Caption: "Burnt connector", Mime: "image/png"}, png)
	pageSays("offline, a photo waiting", []string{"Changes waiting: 1 · photos waiting: " + ui.SizeText(len(png))}, []string{"no photos waiting"})
}

// attachFile stores data and attaches it to ticket id as p says.
func attachFile(t *testing.T, deps ui.Deps, id app.TicketID, p app.Photo, data []byte) app.Photo {
	t.Helper()
	sum, size, err := deps.Photos.PutPhoto(t.Context(), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p.ID, p.Ticket, p.SHA256, p.Size = app.NewID(), id, sum, size
	commitAll(t, deps, deps.Actor, &app.AttachPhoto{Photo: p})
	return p
}

// cardTitled is the card titled title under o; nil when there is none.
func cardTitled(o fyne.CanvasObject, title string) *widget.Card {
	return firstUnder(o, func(c *widget.Card) bool { return c.Title == title })
}

// TestTicketCardKeepsDocumentsApart: the customer's signature and the
// signed report were shown among the photos, in a card titled "Photos".
// The card says what it holds, and the documents are a group of their
// own below the photos and their button.
func TestTicketCardKeepsDocumentsApart(t *testing.T) {
	term, _, ds, deps := ticketTerminal(t, nil)
	tk := assignedTicket(t, ds, app.KindOnSite, 0)
	png, err := scanner.LabelPNG(scanner.PartLabel{Part: "X"}, scanner.Label62x29)
	if err != nil {
		t.Fatal(err)
	}
	attachFile(t, deps, tk.ID, app.Photo{Caption: "Burnt connector", Mime: "image/png", Kind: "repair"}, png)
	attachFile(t, deps, tk.ID, app.Photo{Caption: "Signature of Li Na", Mime: "image/png", Kind: app.PhotoKindSignature}, png)
	attachFile(t, deps, tk.ID, app.Photo{Caption: "Signed service report", Mime: app.MimePDF, Kind: app.PhotoKindReport}, []byte("%PDF-1.7 a report"))
	term.Detail().Show(tk.ID)
	card := cardTitled(term.Detail().Object(), "Photos and documents")
	if card == nil {
		t.Fatalf("no card titled Photos and documents:\n%s", labels(term.Detail().Object()))
	}
	shown := labels(card)
	order := []string{"Burnt connector", "Signatures and documents", "Signature of Li Na", "Signed service report"}
	at := -1
	for _, s := range order {
		i := strings.Index(shown, s)
		if i < at {
			t.Fatalf("the card shows %q out of the order %q:\n%s", s, order, shown)
		}
		at = i
	}
	if i := strings.Index(shown, "Add photo"); i < 0 || i > strings.Index(shown, "Signatures and documents") {
		t.Errorf("Add photo is not with the photos:\n%s", shown)
	}

	// Photos alone: no documents' heading.
	other := assignedTicket(t, ds, app.KindOnSite, 1)
	attachFile(t, deps, other.ID, app.Photo{Caption: "Burnt connector", Mime: "image/png", Kind: "repair"}, png)
	term.Detail().Show(other.ID)
	if shown := labels(cardTitled(term.Detail().Object(), "Photos and documents")); strings.Contains(shown, "Signatures and documents") {
		t.Errorf("a ticket with photos alone shows a documents' group:\n%s", shown)
	}
}

// TestClosedTicketOffersNoPhoto: the card of a closed ticket without
// photos said "Add one, or drop a picture here" where nothing can be
// added (found on the walk of a whole on-site job in French).
func TestClosedTicketOffersNoPhoto(t *testing.T) {
	term, _, ds, deps := ticketTerminal(t, nil)
	for _, d := range ds.Tickets {
		if d.Ticket.Technician != deps.Technician || d.Ticket.Status != app.StatusClosed || len(d.Photos) > 0 {
			continue
		}
		term.Detail().Show(d.Ticket.ID)
		card := cardTitled(term.Detail().Object(), "Photos and documents")
		if card == nil {
			t.Fatalf("no photos card on closed ticket %s", d.Ticket.Number)
		}
		if shown := labels(card); !strings.Contains(shown, "No photos.") || strings.Contains(shown, "Add one") || firstUnder(card, func(*widget.Button) bool { return true }) != nil {
			t.Errorf("closed ticket %s's card offers to add a photo:\n%s", d.Ticket.Number, shown)
		}
		return
	}
	t.Fatal("the demo technician has no closed ticket without photos")
}

// TestEstimateAnswerNamesTheCustomer: the sign-off at close starts with
// the ticket's customer's name, but the estimate's answer asked the
// customer to type theirs. It starts with it too, and can be changed.
func TestEstimateAnswerNamesTheCustomer(t *testing.T) {
	term, w, deps, db := moneyTerminal(t, "D12")
	tk, _ := paidTicket(t, term, deps, "356938035643809")
	tapButton(t, term.Detail().Object(), "Estimate")
	tapButton(t, front(w), "Issue estimate")
	const hint = "Name of the person answering"
	if name, ok := ui.EntryTextInFront(w, hint); !ok || name != tk.Customer.Name {
		t.Fatalf("the answer's name field holds %q (found %v), want the customer's %q", name, ok, tk.Customer.Name)
	}
	// Her husband answers for her.
	if !ui.ChooseInFront(w, "Decline") || !ui.TypeInFront(w, hint, "Wang Wei") {
		t.Fatalf("no decline or name in the answer:\n%s", labels(front(w)))
	}
	tapButton(t, front(w), "Record answer")
	ests, err := store.NewPaymentService(db).Estimates(context.Background(), tk.ID)
	if err != nil || len(ests) != 1 || ests[0].Decision != app.EstimateDeclined || ests[0].ApprovedBy != "Wang Wei" {
		t.Fatalf("estimates after the answer: %+v, %v", ests, err)
	}
}

// TestConflictInboxEmptyAfterDeciding: the empty inbox said "everything
// you saved was accepted" right after the technician took dispatch's
// version. Whatever was decided, it now says only that nothing is left.
func TestConflictInboxEmptyAfterDeciding(t *testing.T) {
	for _, decision := range []string{"Take theirs", "Keep mine"} {
		t.Run(decision, func(t *testing.T) {
			sw := newSyncWorld(t, nil, nil)
			phoneConflict(t, sw, "+86 139 2222 3333", "+86 137 0000 1111")
			page := sw.openPage(t)
			tapButton(t, page, decision)
			sw.syncOnce(t)
			shown := labels(sw.w.Canvas().Overlays().Top())
			if !strings.Contains(shown, "No conflicts left to decide.") {
				t.Errorf("the inbox after %q:\n%s", decision, shown)
			}
			if strings.Contains(shown, "accepted") {
				t.Errorf("the inbox after %q says what was saved was accepted:\n%s", decision, shown)
			}
		})
	}
}

// TestWalkFixesOnPhoneAndDesktop shows the five fixes in English and
// Chinese on a phone and a desktop, checks each speaks the screen's
// language, and, with $FIELDBENCH_SHOTS set, writes what they look like
// (shoot).
func TestWalkFixesOnPhoneAndDesktop(t *testing.T) {
	sizes := map[string]fyne.Size{"phone": fyne.NewSize(720, 1280), "desktop": fyne.NewSize(1280, 800)}
	for _, code := range []string{"en", "zh"} {
		for form, size := range sizes {
			t.Run(code+"-"+form, func(t *testing.T) {
				inLanguage(t, code)
				// look writes w's screen as $FIELDBENCH_SHOTS/walk-<what>-<lang>-<form>.png.
				look := func(w fyne.Window, what string) {
					shoot(t, w, "walk-"+what+"-"+code+"-"+form)
				}
				// says checks that shown holds want, which in Chinese
				// must be Chinese (an English fallback is a missing key).
				says := func(what, shown, want string) {
					t.Helper()
					if code == "zh" && !strings.ContainsFunc(want, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
						t.Fatalf("%s: %q is not in Chinese", what, want)
					}
					if !strings.Contains(shown, want) {
						t.Errorf("%s does not say %q:\n%s", what, want, shown)
					}
				}

				// 1. The check-in's tag, cancelled.
				term, w, _, _, deps := scanTerminal(t)
				w.Resize(size)
				term.HandleScan(scanner.Scan{Code: scanner.Code{Text: "356938035643817"}})
				tapButton(t, front(w), lang.X("checkin.button", "Check in"))
				form := term.CheckInForm()
				form.Fill(app.CategoryPhone, "李娜", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", "", "", "屏幕闪烁")
				form.Submit()
				tapButton(t, front(w), lang.X("dialog.cancel", "Cancel"))
				tk := checkInTicket(t, deps, "356938035643817")
				says("the note after a cancelled tag", term.ScanStatus(), lang.X("checkin.tag_not_saved", "{{.Number}} is checked in, but its claim tag was not saved. To print it later, open the ticket and tap {{.Button}}.",
					map[string]any{"Number": tk.Number, "Button": lang.X("labels.print", "Print labels")}))
				look(w, "tag-not-saved")

				// 3. The photos and documents card.
				png, err := scanner.LabelPNG(scanner.PartLabel{Part: "X"}, scanner.Label62x29)
				if err != nil {
					t.Fatal(err)
				}
				attachFile(t, deps, tk.ID, app.Photo{Caption: "front.png", Mime: "image/png", Kind: "condition"}, png)
				attachFile(t, deps, tk.ID, app.Photo{Caption: lang.X("sign.caption", "Signature of {{.Name}}", map[string]any{"Name": "李娜"}), Mime: "image/png", Kind: app.PhotoKindSignature}, png)
				attachFile(t, deps, tk.ID, app.Photo{Caption: "FB-service-report.pdf", Mime: app.MimePDF, Kind: app.PhotoKindReport}, []byte("%PDF-1.7"))
				term.Detail().Show(tk.ID)
				card := cardTitled(term.Detail().Object(), lang.X("ticket.photos_documents", "Photos and documents"))
				if card == nil {
					t.Fatalf("no photos and documents card:\n%s", labels(term.Detail().Object()))
				}
				says("the card", labels(card), lang.X("photos.documents", "Signatures and documents"))
				scroll := cardsScroll(t, term.Detail().Object())
				d := fyne.CurrentApp().Driver()
				scroll.ScrollToOffset(fyne.NewPos(0, d.AbsolutePositionForObject(card).Y-d.AbsolutePositionForObject(scroll.Content).Y))
				look(w, "photos-documents")

				// 4. The estimate's answer.
				mt, mw, mdeps, _ := moneyTerminal(t, "D12")
				mw.Resize(size)
				paidTicket(t, mt, mdeps, "356938035643809")
				tapButton(t, mt.Detail().Object(), lang.X("estimate.issue", "Estimate"))
				tapButton(t, front(mw), lang.X("estimate.issue_do", "Issue estimate"))
				if got, ok := ui.EntryTextInFront(mw, lang.X("estimate.name_hint", "Name of the person answering")); !ok || got != "Li Na" {
					t.Errorf("the answer's name: %q (field found %v)", got, ok)
				}
				look(mw, "estimate-answer")

				// 2 and 5. The sync page, nothing waiting: no zero size, no
				// claim that everything was accepted.
				sw := newSyncWorld(t, nil, nil)
				sw.w.Resize(size)
				page := labels(sw.openPage(t))
				st := sw.svc.SyncStatus()
				says("the sync page", page, lang.X("sync.detail_no_photos", "Changes waiting: {{.Pending}} · no photos waiting · sent {{.Up}}, received {{.Down}} since start",
					map[string]any{"Pending": "0", "Up": ui.SizeText(int(st.Up)), "Down": ui.SizeText(int(st.Down))}))
				says("the conflict inbox", page, lang.X("conflicts.none", "No conflicts left to decide."))
				look(sw.w, "sync-nothing-waiting")
			})
		}
	}
}

// checkInTicket is the ticket checked in with serial.
func checkInTicket(t *testing.T, deps ui.Deps, serial string) app.Ticket {
	t.Helper()
	found, n, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: serial})
	if err != nil || n != 1 {
		t.Fatalf("tickets of %s: %d, %v", serial, n, err)
	}
	return found[0]
}

// TestPendingEstimateBannerAsksForTheAnswer: once an estimate was issued,
// the ticket's warning still said "issue an estimate" above the button
// that records the customer's answer (found walking an on-site job in
// French); it names the estimate waiting and asks for the answer.
func TestPendingEstimateBannerAsksForTheAnswer(t *testing.T) {
	term, w, deps, _ := moneyTerminal(t, "D12")
	_, total := paidTicket(t, term, deps, "356938035643809")
	tapButton(t, term.Detail().Object(), "Estimate")
	tapButton(t, front(w), "Issue estimate")
	tapButton(t, front(w), "Later")
	shown := labels(term.Detail().Object())
	if want := "has not answered the estimate of " + ui.MoneyText(total) + " yet: record their answer"; !strings.Contains(shown, want) || strings.Contains(shown, "issue an estimate") {
		t.Errorf("the ticket with an estimate waiting does not say %q:\n%s", want, shown)
	}
	if findButton(term.Detail().Object(), "Customer's answer") == nil {
		t.Errorf("no button to record the answer:\n%s", shown)
	}
}
