package app_test

import (
	"fmt"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

func TestPhoneLookupKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"+86 139 1234 5678", "12345678"},
		{"0139-1234-5678", "12345678"},
		{"5678", "5678"},
		{"(021) 55", "02155"},
		// An extension is left out: the number finds the customer
		// whether their tickets hold it or not.
		{"+86 21 5555 0100 ext. 12", "55550100"},
		{"021-5555-0100 x 123", "55550100"},
		{"tel:+862155550100;ext=12", "55550100"},
		{"1234X56", "123456"},     // too short a number for an extension
		{"123456X78", "12345678"}, // a serial's letter: no extension
		{"123456 X78", "123456"},
		// Full-width, as a Chinese input method types it.
		{"１３８００１３８０００", "00138000"},
		{"＋８６ １３８ ００１３ ８０００ ｅｘｔ．１２", "00138000"},
		{"abc", ""},
		{"", ""},
	} {
		if got := app.PhoneLookupKey(tc.in); got != tc.want {
			t.Errorf("PhoneLookupKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPhoneText(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"+86 139 1234 5678", "+86 139 1234 5678", true},
		{"  (021) 5555-0100 ", "(021) 5555-0100", true},
		{"tel:+8613912345678", "+8613912345678", true},
		{"TEL:0013 8000", "0013 8000", true},
		{"1234", "1234", true},
		// Separators people write: a slash after the area code, a
		// contact's no-break spaces, a word processor's dashes, a
		// Chinese input method's ideographic space and full-width
		// parentheses.
		{"030/1234567", "030/1234567", true},
		{"06\u00a012\u00a034\u202f56 78", "06\u00a012\u00a034\u202f56 78", true},
		{"0139\u20131234\u20145678", "0139\u20131234\u20145678", true},
		{"138\u30000013\u30008000", "138\u30000013\u30008000", true},
		{"（021）5555－0100", "（021）5555－0100", true},
		// An extension, as people and phone links write one.
		{"+86 21 5555 0100 ext. 12", "+86 21 5555 0100 ext. 12", true},
		{"021 5555 0100 EXT 12", "021 5555 0100 EXT 12", true},
		{"021-5555-0100x12", "021-5555-0100x12", true},
		{"(021) 5555 0100 #123456", "(021) 5555 0100 #123456", true},
		{"tel:+862155550100;ext=12", "+862155550100;ext=12", true},
		{"021 5555 0100 ext. 1234567", "", false}, // longer than an extension
		{"021 5555 0100 ext.", "", false},         // no extension after it
		{"1234X5678", "", false},                  // a serial: too few digits before its X
		{"0215555X0100X12", "", false},            // one extension at most
		// A letter inside one run of digits is a serial's: an extension
		// follows a number written as one (grouped, or a space before
		// its mark).
		{"123456X78", "", false},
		{"123456x78", "", false},
		{"5551234567ext9", "", false},
		{"SN12X45", "", false},
		{"１２３４５６Ｘ７８", "", false},
		{"123456 x78", "123456 x78", true},
		{"123456x 78", "123456x 78", true},
		{"+8621 5555 0100x12", "+8621 5555 0100x12", true},
		{"021-5555-0100ext12", "021-5555-0100ext12", true},
		{"021 5555 0100#12", "021 5555 0100#12", true},
		{"0215555010#12", "0215555010#12", true}, // "#" is no serial's letter
		{"123", "", false},                       // fewer than MinPhoneDigits
		// Labelled as a phone, MinPhoneLinkDigits are enough: the label
		// says what it is.
		{"tel:138", "138", true},
		{"TEL:(0)21", "(0)21", true},
		{"tel:12", "", false},
		{"tel:SN123", "", false},
		// Full-width digits, label and extension, as a Chinese input
		// method types them.
		{"１３８００１３８０００", "１３８００１３８０００", true},
		{"＋８６（１３８）００１３－８０００", "＋８６（１３８）００１３－８０００", true},
		{"ｔｅｌ：１３８", "１３８", true},
		{"０２１ ５５５５ ０１００ ＃１２", "０２１ ５５５５ ０１００ ＃１２", true},
		{"１２３", "", false},
		{"ＳＮ１２３４５", "", false},
		{"tel:", "", false},         // a label alone
		{"C02XK1ZZJG5H", "", false}, // a serial: its digits are scattered
		{"SN-1234-5678", "", false}, // letters other than the label
		{"FB-2026-000224", "", false},
		{"138 0013 8000 王", "", false},
		{"", "", false},
	} {
		got, ok := app.PhoneText(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("PhoneText(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestPhoneDigits: a phone's digits in ASCII, from ASCII or full-width
// ones, nothing else.
func TestPhoneDigits(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"+86 139-1234 5678", "8613912345678"},
		{"＋８６ １３９－１２３４ ５６７８", "8613912345678"},
		{"１3８", "138"},
		{"٣٤٥", ""}, // other scripts' digits are no phone's here
		{"SN-12", "12"},
	} {
		if got := app.PhoneDigits(tc.in); got != tc.want {
			t.Errorf("PhoneDigits(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSameDevice(t *testing.T) {
	p := func(cat app.Category, brand, model, serial string) app.Product {
		return app.Product{Category: cat, Brand: brand, Model: model, Serial: serial}
	}
	for _, tc := range []struct {
		name string
		a, b app.Product
		want bool
	}{
		{"same serial, any case", p("phone", "Xiaomi", "Mi 11", "sn-1"), p("phone", "XIAOMI", "Mi 11 Pro", " SN-1 "), true},
		{"other serial", p("phone", "Xiaomi", "Mi 11", "SN-1"), p("phone", "Xiaomi", "Mi 11", "SN-2"), false},
		{"one serial only", p("phone", "Xiaomi", "Mi 11", "SN-1"), p("phone", "Xiaomi", "Mi 11", ""), false},
		{"no serials, same model", p("phone", "Xiaomi", "Mi Band", ""), p("phone", "xiaomi ", "mi band", ""), true},
		{"no serials, other category", p("phone", "Haier", "X", ""), p("appliance", "Haier", "X", ""), false},
		{"no serials, model typed full-width", p("phone", "Huawei", "Mate 60", ""), p("phone", "ＨＵＡＷＥＩ", "Ｍａｔｅ　６０", ""), true},
		{"serial typed full-width", p("phone", "Huawei", "Mate 60", "SN-4711"), p("phone", "Huawei", "Mate 60", "ＳＮ－４７１１"), true},
		{"no serials, other model", p("phone", "Huawei", "Mate 60", ""), p("phone", "Huawei", "Mate 60 Pro", ""), false},
	} {
		if got := app.SameDevice(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: SameDevice = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestGroupKnownDevices(t *testing.T) {
	tk := func(n int, name, serial string) app.Ticket {
		return app.Ticket{ID: app.TicketID(fmt.Sprint("t", n)), Number: fmt.Sprint("C-", n), Customer: app.Customer{Name: name},
			Product: app.Product{Category: app.CategoryPhone, Serial: serial}}
	}
	// Newest first, as the store gives them.
	got := app.GroupKnownDevices([]app.Ticket{tk(5, "Li Na", "A"), tk(4, "Wang", "C"), tk(3, " li na", "B"), tk(2, "Li Na", "A")})
	if len(got) != 2 || got[0].Customer.Name != "Li Na" || got[1].Customer.Name != "Wang" {
		t.Fatalf("customers %+v", got)
	}
	if d := got[0].Devices; len(d) != 2 || d[0].Number != "C-5" || d[1].Number != "C-3" {
		t.Fatalf("Li Na's devices %+v", d)
	}
	var many []app.Ticket
	for i := range app.MaxKnownDevices + 5 {
		many = append(many, tk(i, fmt.Sprint("c", i%3), fmt.Sprint("S", i)))
	}
	n := 0
	for _, c := range app.GroupKnownDevices(many) {
		n += len(c.Devices)
	}
	if n != app.MaxKnownDevices {
		t.Fatalf("%d devices, want the bound %d", n, app.MaxKnownDevices)
	}
	if got := app.GroupKnownDevices(nil); len(got) != 0 {
		t.Fatalf("no tickets: %+v", got)
	}
}
