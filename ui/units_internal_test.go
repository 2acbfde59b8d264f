package ui

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets"
)

// inLanguage switches the UI to lang for the rest of t, and back to
// English after it, for the tests that follow in this binary.
func inLanguage(t *testing.T, lang string) {
	t.Helper()
	t.Cleanup(func() {
		os.Setenv("LANGUAGE", "en")
		assets.AddTranslations()
	})
	t.Setenv("LANGUAGE", lang)
	os.Setenv("LANG", "")
	if err := assets.AddTranslations(); err != nil {
		t.Fatal(err)
	}
}

// TestErrorSizesFollowTheSizeRule: a size an error names (a photo's
// limit, the uploads a device holds on the service) is written by the one
// size rule, in the language's unit glued to its number: the messages
// read "50 MB" with the number pasted raw in French too, where a size is
// in Mo, and a space Fyne breaks a line at. The quota's error crosses the
// sync wire, where its size comes back a JSON number.
func TestErrorSizesFollowTheSizeRule(t *testing.T) {
	quota := app.Errorf(app.ELOCKED, "photo.quota",
		"This device has {{.Count}} photo uploads under way ({{.HeldSize}}); the next photo is sent when they finish. Uploads left unfinished for {{.Days}} days are dropped.",
		"Count", 3, "HeldSize", app.Size(3<<19), "Days", 7)
	b, err := json.Marshal(quota.Data)
	if err != nil {
		t.Fatal(err)
	}
	wire := *quota
	wire.Data = nil
	if err := json.Unmarshal(b, &wire.Data); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, limit, held string }{
		{"en", "and 50MB.", "(1.5MB)"},
		{"zh", "到50MB之间", "（1.5MB）"},
		{"fr", "et 50Mo.", "(1,5Mo)"},
		{"es", "y 50MB.", "(1,5MB)"},
		{"pt", "e 50MB.", "(1,5MB)"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			inLanguage(t, tc.lang)
			if got := errorText(app.CheckPhotoBytes(0)); !strings.Contains(got, tc.limit) {
				t.Errorf("photo too large: %q, want it to hold %q", got, tc.limit)
			}
			for _, e := range []*app.Error{quota, &wire} {
				if got := errorText(e); !strings.Contains(got, tc.held) {
					t.Errorf("quota (%T): %q, want it to hold %q", e.Data["HeldSize"], got, tc.held)
				}
			}
		})
	}
	// The English of the message (logs, the API's message) is the size
	// rule's English.
	for _, n := range []int64{0, 999, 1000, 32 << 10, 1 << 20, 3 << 19, 50 << 20, 12345 << 20} {
		if got, want := app.Size(n).String(), sizeText(n); got != want {
			t.Errorf("app.Size(%d) = %q, the size rule says %q", n, got, want)
		}
	}
}

// TestDocumentReadySaysItsSize: the note under a written document gives
// its size by the size rule, not in kilobytes whatever it weighs.
func TestDocumentReadySaysItsSize(t *testing.T) {
	for _, tc := range []struct {
		lang string
		size int
		want string
	}{
		{"en", 2 << 20, "r.pdf is ready (2MB)."},
		{"fr", 3 << 19, "r.pdf est prêt (1,5Mo)."},
		{"zh", 300 << 10, "r.pdf 已生成（300KB）。"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			inLanguage(t, tc.lang)
			if got := docReadyText("r.pdf", tc.size); got != tc.want {
				t.Errorf("%q, want %q", got, tc.want)
			}
		})
	}
}

// TestCountsGroupedOnEveryScreen: the counts the history card, the
// conflicts page, the shipments on their way and the stock count's review
// show are grouped as the language groups digits (countText), as the
// sync screens' counts are: they read "1234 photos" in every language.
func TestCountsGroupedOnEveryScreen(t *testing.T) {
	parts := map[app.PartNumber]app.Part{"P-1": {Number: "P-1", NameEN: "Fuse"}}
	for _, tc := range []struct{ lang, n1234, n2500 string }{
		{"en", "1,234", "2,500"},
		{"fr", "1’234", "2’500"},
		{"es", "1234", "2500"},
		{"pt", "1.234", "2.500"},
		{"zh", "1,234", "2,500"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			inLanguage(t, tc.lang)
			head, ask, do := dropAllTexts(1234, "T-7")
			review := countReview(app.CountOutcome{Uncounted: 1234, Surplus: []app.CountLine{{Part: "P-1", Held: 1234, Counted: 2500, Done: true}}},
				[]app.CountLine{{Part: "P-1", Held: 1234, Counted: 2500, Done: true}}, parts)
			for _, c := range []struct{ where, text, want string }{
				{"history card", historyAwayText(app.HistoryAway{Repairs: 2, Photos: 1234}), tc.n1234},
				{"conflicts card", head, tc.n1234},
				{"drop all question", ask, tc.n1234},
				{"drop all button", do, tc.n1234},
				{"on the way tab", onWayTitle(1234), tc.n1234},
				{"shipment short", differenceText(app.Difference{Kind: app.DifferenceShort, Part: "P-1", Shipped: 2500, Received: 1234}, parts), tc.n2500},
				{"count review", review, tc.n2500},
				{"part request short", requestStateText(app.PartRequest{State: app.RequestShort, Part: "P-1", Qty: 2500, Received: 1234}, parts, nil), tc.n2500},
			} {
				if !strings.Contains(c.text, c.want) {
					t.Errorf("%s: %q, want it to hold %q", c.where, c.text, c.want)
				}
			}
			if n := strings.Count(review, tc.n1234); n != 2 { // held, and the parts not counted
				t.Errorf("count review holds %q %d times, want 2:\n%s", tc.n1234, n, review)
			}
		})
	}
}

// sizedConflicts is a refused signature as the service stores it: its
// report's limit a number of bytes, as JSON brings it.
type sizedConflicts struct{ conflictService }

func (sizedConflicts) OpenConflicts(context.Context) ([]app.Conflict, error) {
	return []app.Conflict{{ID: "cf-sig", Kind: app.ConflictRejected, Mutation: "m1", Name: "signature.record.v1",
		At: time.Date(2026, 12, 1, 15, 40, 0, 0, time.Local), Code: app.EINVALID, Key: "signature.report_too_large",
		Message: "The signed report is over {{.MaxSize}}; remove photos or parts recorded twice, then build the report again before signing.",
		Data:    map[string]any{"MaxSize": float64(app.MaxSignedReportBytes)}}}, nil
}

// TestConflictSizesFollowTheSizeRule: a change the service refused for a
// size says the limit by the size rule on the conflicts page ("32Ko" in
// French), not the 32768 bytes its data holds.
func TestConflictSizesFollowTheSizeRule(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"en", "over 32KB;"},
		{"fr", "dépasse 32Ko;"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			inLanguage(t, tc.lang)
			test.NewTempApp(t)
			in := newConflictInbox(conflictDeps{Conflicts: sizedConflicts{}, Zone: time.Local, Ctx: t.Context(), Run: func(f func()) { f() }}, func(string) {}, func() {})
			in.reload()
			if text := strings.Join(labelTexts(in.list), "\n"); !strings.Contains(text, tc.want) {
				t.Errorf("the conflict screen does not say %q:\n%s", tc.want, text)
			}
		})
	}
}
