package app_test

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestCheckTextLen: a bound counts characters (code points), not bytes, so
// a Chinese text (3 bytes a character) or an emoji (4) gets the room an
// English one gets; bytes that are not UTF-8 are refused with their own
// key, which names the field.
func TestCheckTextLen(t *testing.T) {
	for name, c := range map[string]struct {
		value string
		max   int
		key   string // "" when accepted
	}{
		"Empty":              {"", 3, ""},
		"ASCIIAtBound":       {"abc", 3, ""},
		"ASCIIOverBound":     {"abcd", 3, "mutation.too_long"},
		"ChineseAtBound":     {"维修单", 3, ""},
		"ChineseOverBound":   {"维修单号", 3, "mutation.too_long"},
		"EmojiAtBound":       {"🔧🔩📱", 3, ""},
		"EmojiOverBound":     {"🔧🔩📱✓", 3, "mutation.too_long"},
		"CombiningCountsTwo": {"e\u0301e\u0301", 3, "mutation.too_long"},
		"NotUTF8":            {"ab\xff", 3, "field.not_utf8"},
		"CutCharacter":       {"维"[:2], 3, "field.not_utf8"},
	} {
		t.Run(name, func(t *testing.T) {
			err := app.CheckTextLen("note.text", c.value, c.max)
			if key := errorKey(err); key != c.key {
				t.Fatalf("CheckTextLen(%q, %d) = %v, want %q", c.value, c.max, err, c.key)
			}
			if err == nil {
				return
			}
			e := app.AsError(err)
			if e.Code != app.EINVALID || e.Data["Field"] != "note.text" {
				t.Errorf("refusal %+v: want EINVALID naming the field", e)
			}
			if c.key == "mutation.too_long" && e.Data["Max"] != c.max {
				t.Errorf("refusal %+v: want Max %d, the number the message shows", e, c.max)
			}
		})
	}
}

// TestCutText: a text the user is not asked to shorten is cut at a
// character, never inside one, to at most max characters.
func TestCutText(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"Tablet 3", 100, "Tablet 3"},
		{"Tablet 3", 6, "Tablet"},
		{"王师傅的平板", 3, "王师傅"},
		{"王师傅", 3, "王师傅"},
		{"🔧🔩", 1, "🔧"},
		{"", 0, ""},
		{"abc", 0, ""},
	} {
		if got := app.CutText(c.in, c.max); got != c.want {
			t.Errorf("CutText(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

// TestTextBoundsCountCharacters: every kind of text bound in the records a
// device, an import or the office writes takes exactly its number of
// Chinese characters (three times as many bytes) and refuses one more,
// and refuses bytes that are not UTF-8.
func TestTextBoundsCountCharacters(t *testing.T) {
	zh := func(n int) string { return strings.Repeat("修", n) }
	ticket := func(fault string) *app.Ticket {
		return &app.Ticket{ID: "t", Number: "N", Kind: app.KindOnSite, Product: app.Product{Category: app.CategoryPhone},
			Customer: app.Customer{Name: "C"}, Priority: app.PriorityNormal, Status: app.StatusAssigned, Fault: fault}
	}
	note := func(text string) *app.AddNote {
		return &app.AddNote{Note: app.Note{ID: "n-1", Ticket: "T-1", Text: text}}
	}
	request := func(reason string) *app.PartRequest {
		return &app.PartRequest{ID: "r-1", Ticket: "T-1", Part: "P-1", Qty: 1, Urgency: app.UrgencyNormal, To: "van-1",
			State: app.RequestRejected, Reason: reason}
	}
	caption := func(c string) *app.AttachPhoto {
		return &app.AttachPhoto{Photo: app.Photo{ID: "ph-1", Ticket: "t-1", SHA256: strings.Repeat("ab", 32), Size: 1000, Mime: "image/jpeg", Caption: c}}
	}
	partName := func(n string) *app.Part {
		return &app.Part{Number: "P-1", NameEN: "Filter", NameZH: n, Class: app.ClassMain, Prices: []app.Money{{Amount: 100, Currency: "CNY"}}}
	}
	location := func(id string) *app.Location {
		return &app.Location{ID: app.LocationID(id), Kind: app.LocationVan, Name: "Van 1", Owner: "tech-1"}
	}
	movement := func(reason string) *app.StockMovement {
		return &app.StockMovement{ID: "m1", Kind: app.MoveAdjust, Part: "P-1", To: "van-1", Qty: 1, Reason: reason}
	}
	for _, c := range []struct {
		name  string
		max   int
		make  func(string) interface{ Validate() error }
		key   string // the refusal of max+1 characters
		utf8  string // the refusal of bytes that are not UTF-8
		valid string // what a valid text in the field looks like
	}{
		{"TicketFault", app.MaxTextLen, func(s string) interface{ Validate() error } { return ticket(s) }, "mutation.too_long", "field.not_utf8", "x"},
		{"Note", app.MaxTextLen, func(s string) interface{ Validate() error } { return note(s) }, "mutation.too_long", "field.not_utf8", "x"},
		{"RequestReason", app.MaxReasonLen, func(s string) interface{ Validate() error } { return request(s) }, "mutation.too_long", "field.not_utf8", "x"},
		{"Caption", app.MaxCaptionLen, func(s string) interface{ Validate() error } { return caption(s) }, "mutation.too_long", "field.not_utf8", "x"},
		{"PartName", app.MaxNameLen, func(s string) interface{ Validate() error } { return partName(s) }, "mutation.too_long", "field.control_chars", "x"},
		{"LocationID", app.MaxIDLen, func(s string) interface{ Validate() error } { return location(s) }, "location.invalid.id", "location.invalid.id", "x"},
		{"AdjustReason", app.MaxReasonLen, func(s string) interface{ Validate() error } { return movement(s) }, "stock.invalid", "stock.invalid", "x"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.make(zh(c.max)).Validate(); err != nil {
				t.Errorf("%d characters (%d bytes): %v, want accepted", c.max, len(zh(c.max)), err)
			}
			if key := errorKey(c.make(zh(c.max + 1)).Validate()); key != c.key {
				t.Errorf("%d characters: refusal %q, want %q", c.max+1, key, c.key)
			}
			if key := errorKey(c.make(c.valid + "\xff").Validate()); key != c.utf8 {
				t.Errorf("not UTF-8: refusal %q, want %q", key, c.utf8)
			}
		})
	}
}

// TestDraftAndPasscodeCountCharacters: the draft's bound is the field's,
// in characters, and a text passcode's too.
func TestDraftAndPasscodeCountCharacters(t *testing.T) {
	actor := app.Actor{Technician: "tech-1"}
	draft := func(text string) app.Draft { return app.Draft{Field: app.DraftNote, Text: text} }
	if err := app.CheckDraft(actor, draft(strings.Repeat("修", app.MaxTextLen))); err != nil {
		t.Errorf("draft of %d Chinese characters: %v, want accepted", app.MaxTextLen, err)
	}
	if key := errorKey(app.CheckDraft(actor, draft(strings.Repeat("修", app.MaxTextLen+1)))); key != "draft.too_long" {
		t.Errorf("draft of %d characters: refusal %q, want draft.too_long", app.MaxTextLen+1, key)
	}
	if err := app.ValidatePasscode(app.PasscodeText, strings.Repeat("密", app.MaxPasscodeLen)); err != nil {
		t.Errorf("passcode of %d Chinese characters: %v, want accepted", app.MaxPasscodeLen, err)
	}
	if key := errorKey(app.ValidatePasscode(app.PasscodeText, strings.Repeat("密", app.MaxPasscodeLen+1))); key != "passcode.too_long" {
		t.Errorf("passcode of %d characters: refusal %q, want passcode.too_long", app.MaxPasscodeLen+1, key)
	}
}
