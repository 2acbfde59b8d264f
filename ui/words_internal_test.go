package ui

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// TestErrorNumbersFollowTheNumberRule: an image refused for its pixels
// and an upload refused for its exact bytes write their numbers as the
// language groups digits (translations.Number), 4 and 7 digits: the
// messages pasted "12000 x 9000" and "1234567 bytes" raw in every
// language. The size mismatch comes from the service, across the sync
// wire, where its numbers come back JSON numbers.
func TestErrorNumbersFollowTheNumberRule(t *testing.T) {
	mismatch := func(length, size int64) *app.Error {
		e := app.Errorf(app.EINVALID, "photo.size_mismatch", "The upload is {{.Length}} bytes but the photo was recorded with {{.Size}} bytes.",
			"Length", app.Number(length), "Size", app.Number(size))
		b, err := json.Marshal(e.Data)
		if err != nil {
			t.Fatal(err)
		}
		wire := &app.Error{Code: e.Code, Key: e.Key, Message: e.Message}
		if err := json.Unmarshal(b, &wire.Data); err != nil {
			t.Fatal(err)
		}
		return wire
	}
	for _, tc := range []struct {
		lang                 string
		pixels4, pixels7     string // 12000 x 9000, 1234567 x 41
		limit                string
		mismatch4, mismatch7 string // 1234 / 1235, 1234567 / 1234568
	}{
		{"en", "(12,000 × 9,000 pixels;", "(1,234,567 × 41 pixels;", "50 megapixels", "1,234 bytes but the photo was recorded with 1,235 bytes", "1,234,567 bytes but the photo was recorded with 1,234,568 bytes"},
		{"zh-Hans", "（12,000×9,000像素；", "（1,234,567×41像素；", "上限为50百万像素", "上传大小为1,234字节，但照片记录的大小为1,235字节", "上传大小为1,234,567字节，但照片记录的大小为1,234,568字节"},
		{"fr", "(12’000 × 9’000 pixels;", "(1’234’567 × 41 pixels;", "50 mégapixels", "1’234 octets, mais la photo a été enregistrée avec 1’235 octets", "1’234’567 octets, mais la photo a été enregistrée avec 1’234’568 octets"},
		{"es", "(12.000 × 9000 píxeles;", "(1.234.567 × 41 píxeles;", "50 megapíxeles", "1234 bytes, pero la foto se registró con 1235 bytes", "1.234.567 bytes, pero la foto se registró con 1.234.568 bytes"},
		{"pt", "(12.000 × 9.000 pixels;", "(1.234.567 × 41 pixels;", "50 megapixels", "1.234 bytes, mas a foto foi registrada com 1.235 bytes", "1.234.567 bytes, mas a foto foi registrada com 1.234.568 bytes"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			inLanguage(t, tc.lang)
			for _, c := range []struct {
				err  error
				want []string
			}{
				{app.CheckPhotoPixels(12000, 9000), []string{tc.pixels4, tc.limit}},
				{app.CheckPhotoPixels(1234567, 41), []string{tc.pixels7, tc.limit}},
				{mismatch(1234, 1235), []string{tc.mismatch4}},
				{mismatch(1234567, 1234568), []string{tc.mismatch7}},
			} {
				got := errorText(c.err)
				for _, want := range c.want {
					if !strings.Contains(got, want) {
						t.Errorf("%q, want it to hold %q", got, want)
					}
				}
			}
		})
	}
}

// TestErrorBoundsFollowTheNumberRule: a refusal's bounds (Min, Max) are
// grouped as the language groups digits: "0 to 1440" minutes and "4000"
// characters were written raw in every language (h-text2 saw "1000" in a
// Chinese refusal).
func TestErrorBoundsFollowTheNumberRule(t *testing.T) {
	for _, tc := range []struct {
		lang, minutes, text string
	}{
		{"en", "from 0 to 1,440", "longer than 4,000 characters"},
		{"zh-Hans", "0到1,440之间", "4,000"},
		{"fr", "de 0 à 1’440", "4’000"},
		{"es", "de 0 a 1440", "4000"},
		{"pt", "de 0 a 1.440", "4.000"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			inLanguage(t, tc.lang)
			for _, c := range []struct {
				err  error
				want string
			}{
				{app.Errorf(app.EINVALID, "draft.minutes_too_long", "Minutes are a number from 0 to {{.Max}}: type the time spent again.", "Max", app.MaxRepairMinutes), tc.minutes},
				{app.Errorf(app.EINVALID, "draft.too_long", "The text is longer than {{.Max}} characters, more than the ticket can save: shorten it, or put the rest in a note.", "Max", app.MaxTextLen), tc.text},
			} {
				if got := errorText(c.err); !strings.Contains(got, c.want) {
					t.Errorf("%q, want it to hold %q", got, c.want)
				}
			}
		})
	}
}

// TestDurationsGrouped: a duration's days, hours and minutes (a ticket
// late by years, an ETA's minutes, a repair's labour) are grouped as the
// language groups digits: "1500 d" was written raw in every language.
func TestDurationsGrouped(t *testing.T) {
	for _, tc := range []struct {
		lang               string
		days4, days6       string // 1500 and 106000 days
		minutes4, minutes7 string // 1500 and 1234567 minutes
	}{
		{"en", "1,500 d", "106,000 d", "1,500 min", "1,234,567 min"},
		{"zh-Hans", "1,500天", "106,000天", "1,500分钟", "1,234,567分钟"},
		{"fr", "1’500 j", "106’000 j", "1’500 min", "1’234’567 min"},
		{"es", "1500 d", "106.000 d", "1500 min", "1.234.567 min"},
		{"pt", "1.500 d", "106.000 d", "1.500 min", "1.234.567 min"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			inLanguage(t, tc.lang)
			day := 24 * time.Hour
			for _, c := range []struct{ got, want string }{
				{shortDuration(1500 * day), tc.days4},
				{shortDuration(106000 * day), tc.days6},
				{minutesText(1500), tc.minutes4},
				{minutesText(1234567), tc.minutes7},
			} {
				if c.got != c.want {
					t.Errorf("%q, want %q", c.got, c.want)
				}
			}
		})
	}
}

// TestPartRowSaysItsQuantityInOneText: a part's row on the parts page
// writes its quantity in one text with its word, which Chinese glues to
// the count (数量3): the row pasted "数量" and a space and the number,
// and Fyne could end a phone's line on 数量.
func TestPartRowSaysItsQuantityInOneText(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"en", "P-1 · Quantity 1,234"}, {"zh-Hans", "P-1 · 数量1,234"}, {"fr", "P-1 · Quantité 1’234"},
		{"es", "P-1 · Cantidad 1234"}, {"pt", "P-1 · Quantidade 1.234"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			inLanguage(t, tc.lang)
			if _, sub, _ := (&partsPage{}).rowText(partRow{part: app.Part{Number: "P-1"}, qty: 1234}); sub != tc.want {
				t.Errorf("the row reads %q, want %q", sub, tc.want)
			}
		})
	}
}

// TestStepRefusalInWords: a step the ticket's status no longer allows
// (dispatch cancelled it while the technician was on the way) is named
// as the buttons name it, with the status as the ticket shows it, in the
// error a save shows and on the conflict card a refused change leaves:
// app writes both in code, and the card read "状态为 cancelled 的工单不能
// 执行“depart”。" in Chinese.
func TestStepRefusalInWords(t *testing.T) {
	test.NewTempApp(t)
	for _, tc := range []struct{ lang, want string }{
		{"en", "“On my way” cannot be done: the ticket is now “Cancelled”."},
		{"zh-Hans", "无法执行“出发”：工单现在的状态是“已取消”。"},
		{"fr", "Impossible d’effectuer «En route»: le ticket est maintenant «Annulé»."},
		{"es", "No se puede hacer «En camino»: la orden ahora está en «Cancelada»."},
		{"pt", "Não é possível fazer “A caminho”: o chamado agora está em “Cancelado”."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			inLanguage(t, tc.lang)
			_, err := app.Transition(app.Ticket{Status: app.StatusCancelled}, app.ActionDepart, app.TransitionInput{})
			if got := errorText(err); got != tc.want {
				t.Errorf("the save's error %q, want %q", got, tc.want)
			}
			e := app.AsError(err)
			c := app.Conflict{ID: "cf-m1", Kind: app.ConflictRejected, Ticket: "t-1", Mutation: "m1", Name: "ticket.depart",
				Code: e.Code, Key: e.Key, Message: e.Message, Data: e.Data, At: time.Now()}
			in := newConflictInbox(conflictDeps{Ctx: t.Context(), Zone: time.UTC, Run: func(f func()) { f() }}, func(string) {}, func() {})
			card, _ := in.change(c, conflictContext{tickets: map[app.TicketID]app.Ticket{}, locations: map[app.LocationID]string{}, shipments: map[string]string{}}, "")
			var texts []string
			var walk func(o fyne.CanvasObject)
			walk = func(o fyne.CanvasObject) {
				switch o := o.(type) {
				case *widget.Label:
					texts = append(texts, o.Text)
				case *fyne.Container:
					for _, c := range o.Objects {
						walk(c)
					}
				}
			}
			walk(card)
			if !slices.Contains(texts, tc.want) {
				t.Errorf("the conflict card says %q, want it to say %q", texts, tc.want)
			}
		})
	}
}
