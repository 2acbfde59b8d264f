package scanner_test

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

func errCode(err error) string { return app.ErrorCode(err) }

func TestParseIMEI(t *testing.T) {
	tests := map[string]struct {
		in, want, code string
	}{
		"OK":                {"490154203237518", "490154203237518", ""},
		"OKPrinted":         {"49-015420-323751-8", "490154203237518", ""},
		"OKSpaces":          {"35 693803 564380 9", "356938035643809", ""},
		"ErrCheckDigit":     {"490154203237519", "", app.EINVALID},
		"ErrShort":          {"49015420323751", "", app.EINVALID},
		"ErrIMEISV":         {"4901542032375101", "", app.EINVALID},
		"ErrLetters":        {"49015420323751A", "", app.EINVALID},
		"ErrEmpty":          {"", "", app.EINVALID},
		"ErrFullWidthDigit": {"４90154203237518", "", app.EINVALID},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := scanner.ParseIMEI(tt.in)
			if errCode(err) != tt.code || got != tt.want {
				t.Errorf("ParseIMEI(%q) = %q, %v; want %q, code %q", tt.in, got, err, tt.want, tt.code)
			}
		})
	}
}

// TestIMEIMistyped: 15 digits with a wrong check digit are a mistyped
// IMEI; a valid IMEI, however grouped, and what is no IMEI are not.
func TestIMEIMistyped(t *testing.T) {
	for in, want := range map[string]bool{
		"490154203237518":    false, // valid
		"35-209900-176148-1": false, // valid, grouped as a sticker prints it
		"490154203237519":    true,  // the last digit wrong
		"490154203273518":    true,  // two digits swapped
		"35 209900 176148 2": true,  // grouped, wrong
		"356789104512347":    true,  // the lead's walk: a made-up IMEI
		"4901542032375101":   false, // 16 digits: an IMEISV, no check digit
		"49015420323751":     false,
		"SN4901542032375":    false,
		"":                   false,
	} {
		if got := scanner.IMEIMistyped(in); got != want {
			t.Errorf("IMEIMistyped(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseGS1(t *testing.T) {
	const gs = "\x1d"
	tests := map[string]struct {
		in                        string
		gtin, serial, lot, expiry string
		elements                  int
		code                      string
	}{
		"OKRaw":                 {"0109506000134352" + "17201225" + "10ABC123" + gs + "21XYZ-9", "09506000134352", "XYZ-9", "ABC123", "201225", 4, ""},
		"OKSymbology":           {"]C1" + "0109506000134352" + "21SN42", "09506000134352", "SN42", "", "", 2, ""},
		"OKLeadingFNC1":         {gs + "0109506000134352" + "21SN42", "09506000134352", "SN42", "", "", 2, ""},
		"OKSeparatorAfterFixed": {"0109506000134352" + gs + "10L1", "09506000134352", "", "L1", "", 2, ""},
		"OKBrackets":            {"(01)09506000134352(17)201200(10)ABC123", "09506000134352", "", "ABC123", "201200", 3, ""},
		"OKOther":               {"00106141411234567897" + "400PO-77", "", "", "", "", 2, ""},
		"ErrCheckDigit":         {"0109506000134353", "", "", "", "", 0, app.EINVALID},
		"ErrUnknownAI":          {"8200http://x", "", "", "", "", 0, app.EINVALID},
		"ErrShort":              {"0109506", "", "", "", "", 0, app.EINVALID},
		"ErrDuplicate":          {"10A" + gs + "10B", "", "", "", "", 0, app.EINVALID},
		"ErrTooLong":            {"21" + strings.Repeat("9", 21), "", "", "", "", 0, app.EINVALID},
		"ErrBadChar":            {"21AB CD", "", "", "", "", 0, app.EINVALID},
		"ErrEmptyData":          {"21" + gs + "10A", "", "", "", "", 0, app.EINVALID},
		"ErrBrackets":           {"(01)09506000134352(17", "", "", "", "", 0, app.EINVALID},
		"ErrEmpty":              {"", "", "", "", "", 0, app.EINVALID},
		"ErrDateLetters":        {"1720AB25", "", "", "", "", 0, app.EINVALID},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g, err := scanner.ParseGS1(tt.in)
			if errCode(err) != tt.code {
				t.Fatalf("err = %v, want code %q", err, tt.code)
			}
			if g.GTIN != tt.gtin || g.Serial != tt.serial || g.Lot != tt.lot || g.Expiry != tt.expiry || len(g.Elements) != tt.elements {
				t.Errorf("got %+v", g)
			}
		})
	}
}

func TestGS1ExpiryDate(t *testing.T) {
	for in, want := range map[string]string{
		"201225": "2020-12-25",
		"240200": "2024-02-29", // 00: end of month, leap year
		"250200": "2025-02-28",
		"251300": "",
		"250431": "",
		"":       "",
	} {
		d, ok := scanner.GS1{Expiry: in}.ExpiryDate()
		got := ""
		if ok {
			got = d.Format(time.DateOnly)
		}
		if got != want {
			t.Errorf("ExpiryDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestGS1FromCode128 reads a GS1-128 with a variable-length field in the
// middle, which needs KeepFNC1.
func TestGS1FromCode128(t *testing.T) {
	const fnc1 = "\u00f1" // gozxing's writer escape
	m, err := oned.NewCode128Writer().Encode(fnc1+"0109506000134352"+"10LOT42"+fnc1+"21SN-0042", gozxing.BarcodeFormat_CODE_128, 0, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	img := pad(matrixImage(m, 3, 60), 30)
	c, err := scanner.Decode(t.Context(), img, scanner.Options{KeepFNC1: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Symbology != "]C1" {
		t.Errorf("symbology %q", c.Symbology)
	}
	g, err := scanner.ParseGS1(c.Text)
	if err != nil {
		t.Fatal(err)
	}
	if g.GTIN != "09506000134352" || g.Lot != "LOT42" || g.Serial != "SN-0042" {
		t.Errorf("got %+v", g)
	}
}

func TestLabel(t *testing.T) {
	tests := map[string]struct {
		label scanner.Label
		text  string
	}{
		"Ticket": {scanner.Label{Kind: scanner.LabelTicket, ID: "T-2024-00042"}, "FB1|T|T-2024-00042"},
		"Fields": {scanner.Label{Kind: scanner.LabelDevice, ID: "356938035643809",
			Fields: map[string]string{"model": "Galaxy S21", "imei2": "356938035643817", "t": "T-42"}},
			"FB1|D|356938035643809|imei2=356938035643817|model=Galaxy S21|t=T-42"},
		"Escapes": {scanner.Label{Kind: scanner.LabelPart, ID: "50%|A=B\n",
			Fields: map[string]string{"name": "écran 6.1\" | OLED", "empty": ""}},
			"FB1|P|50%25%7CA%3DB%0A|empty=|name=écran 6.1\" %7C OLED"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			text, err := scanner.FormatLabel(tt.label)
			if err != nil {
				t.Fatal(err)
			}
			if text != tt.text {
				t.Errorf("FormatLabel = %q, want %q", text, tt.text)
			}
			back, err := scanner.ParseLabel(text)
			if err != nil {
				t.Fatal(err)
			}
			if !sameLabel(back, tt.label) {
				t.Errorf("ParseLabel = %+v, want %+v", back, tt.label)
			}
		})
	}

	bad := map[string]struct {
		text, code string
	}{
		"ErrForeign":       {"https://example.com", app.EINVALID},
		"ErrNoVersion":     {"FB|T|1", app.EINVALID},
		"ErrZeroVersion":   {"FB0|T|1", app.EINVALID},
		"ErrPaddedVersion": {"FB01|T|1", app.EINVALID},
		"ErrTooNew":        {"FB2|T|1|whatever=new", app.ETOONEW},
		"ErrKind":          {"FB1|X|1", app.EINVALID},
		"ErrNoID":          {"FB1|T|", app.EINVALID},
		"ErrIncomplete":    {"FB1|T", app.EINVALID},
		"ErrNoEquals":      {"FB1|T|1|model", app.EINVALID},
		"ErrOrder":         {"FB1|T|1|b=1|a=2", app.EINVALID},
		"ErrRepeat":        {"FB1|T|1|a=1|a=2", app.EINVALID},
		"ErrKey":           {"FB1|T|1|Model=x", app.EINVALID},
		"ErrRawEquals":     {"FB1|T|1|a=b=c", app.EINVALID},
		"ErrLowerEscape":   {"FB1|T|50%7c", app.EINVALID},
		"ErrNeedlessEsc":   {"FB1|T|%41", app.EINVALID},
		"ErrCutEscape":     {"FB1|T|50%2", app.EINVALID},
		"ErrControl":       {"FB1|T|a\tb", app.EINVALID},
		"ErrBadUTF8":       {"FB1|T|\xff", app.EINVALID},
		"ErrTooLong":       {"FB1|T|1|a=" + strings.Repeat("x", 600), app.EINVALID},
	}
	for name, tt := range bad {
		t.Run(name, func(t *testing.T) {
			l, err := scanner.ParseLabel(tt.text)
			var e *app.Error
			if !errors.As(err, &e) || e.Code != tt.code || strings.Contains(e.Text(), "{{") {
				t.Errorf("ParseLabel(%q) = %+v, %v; want code %s", tt.text, l, err, tt.code)
			}
		})
	}
	if _, err := scanner.FormatLabel(scanner.Label{Kind: "T", ID: "1", Fields: map[string]string{"Bad Key": "x"}}); errCode(err) != app.EINVALID {
		t.Errorf("FormatLabel with a bad key: %v", err)
	}
}

func sameLabel(a, b scanner.Label) bool {
	return a.Kind == b.Kind && a.ID == b.ID && len(a.Fields) == len(b.Fields) && maps.Equal(a.Fields, b.Fields)
}

// TestLabelQR prints a label as a QR Code and scans it back.
func TestLabelQR(t *testing.T) {
	l := scanner.Label{Kind: scanner.LabelTicket, ID: "T-2024-00042", Fields: map[string]string{"model": "iPhone 13 – écran"}}
	text, err := scanner.FormatLabel(l)
	if err != nil {
		t.Fatal(err)
	}
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	c, err := scanner.Decode(t.Context(), q.Image(300), scanner.Options{Pure: true})
	if err != nil {
		t.Fatal(err)
	}
	back, err := scanner.ParseLabel(c.Text)
	if err != nil || !sameLabel(back, l) {
		t.Fatalf("scanned %q: %+v, %v", c.Text, back, err)
	}
}

// FuzzParseLabel: a label has one spelling, so whatever parses formats
// back to the same text.
func FuzzParseLabel(f *testing.F) {
	for _, s := range []string{
		"FB1|T|T-2024-00042", "FB1|D|356938035643809|imei2=356938035643817|model=Galaxy S21",
		"FB1|P|50%25%7CA%3DB%0A|empty=|name=écran", "FB2|T|1", "FB1|T|%41", "FB1|T|1|b=1|a=2", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := scanner.ParseLabel(s)
		if err != nil {
			var e *app.Error
			if !errors.As(err, &e) {
				t.Fatalf("err %T, want *app.Error", err)
			}
			return
		}
		text, err := scanner.FormatLabel(l)
		if err != nil {
			t.Fatalf("ParseLabel(%q) = %+v, which FormatLabel refuses: %v", s, l, err)
		}
		if text != s {
			t.Fatalf("ParseLabel(%q) formats back as %q", s, text)
		}
	})
}

// FuzzFormatLabel: whatever formats parses back to the same label.
func FuzzFormatLabel(f *testing.F) {
	f.Add("T", "T-42", "model", "Pixel 7", "note", "50% | = \n")
	f.Add("D", "ID", "", "", "", "")
	f.Fuzz(func(t *testing.T, kind, id, k1, v1, k2, v2 string) {
		l := scanner.Label{Kind: scanner.LabelKind(kind), ID: id, Fields: map[string]string{}}
		if k1 != "" {
			l.Fields[k1] = v1
		}
		if k2 != "" {
			l.Fields[k2] = v2
		}
		text, err := scanner.FormatLabel(l)
		if err != nil {
			return
		}
		back, err := scanner.ParseLabel(text)
		if err != nil {
			t.Fatalf("FormatLabel(%+v) = %q, which ParseLabel refuses: %v", l, text, err)
		}
		if !sameLabel(back, l) {
			t.Fatalf("%+v -> %q -> %+v", l, text, back)
		}
	})
}

func FuzzParseGS1(f *testing.F) {
	for _, s := range []string{"0109506000134352" + "17201225" + "10ABC123\x1d21XYZ", "(01)09506000134352(17)201200", "]C1", "(", "21\x1d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := scanner.ParseGS1(s)
		if err != nil {
			var e *app.Error
			if !errors.As(err, &e) || e.Code != app.EINVALID {
				t.Fatalf("err = %v, want EINVALID *app.Error", err)
			}
			return
		}
		if len(g.Elements) == 0 {
			t.Fatalf("ParseGS1(%q) succeeded with no elements", s)
		}
		g.ExpiryDate() // must not panic
	})
}

// TestCutLabel: Enter after text that ends in a Fieldbench label is a
// scan whatever the timing, so the label must be found exactly: what came
// before it stays in the field, and text that merely looks like one is
// left alone.
func TestCutLabel(t *testing.T) {
	const tag = "FB1|T|0193a5b2-7c1e-7f00-8a4e-2d1b9c0f4e11|n=FB-2026-004211"
	cases := []struct {
		name, text, before, label string
		ok                        bool
	}{
		{"whole text", tag, "", tag, true},
		{"after typed text", "hel" + tag, "hel", tag, true},
		{"trailing newline", "Fan seized\n" + tag + "\n", "Fan seized\n", tag, true},
		{"part label", "FB-1 FB1|P|EB-BA505ABU|r=FB-2026-004211|s=R58N12ABCDE", "FB-1 ", "FB1|P|EB-BA505ABU|r=FB-2026-004211|s=R58N12ABCDE", true},
		{"newer version", "x FB9|T|abc", "x ", "FB9|T|abc", true},
		{"ticket number only", "FB-2026-004211", "FB-2026-004211", "", false},
		{"broken tail", tag + "|done", tag + "|done", "", false},
		{"unknown kind", "FB1|Q|abc", "FB1|Q|abc", "", false},
		{"damaged", "FB1|T|", "FB1|T|", "", false},
		{"empty", "", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, label, ok := scanner.CutLabel(c.text)
			if before != c.before || label != c.label || ok != c.ok {
				t.Errorf("CutLabel(%q) = %q, %q, %v; want %q, %q, %v", c.text, before, label, ok, c.before, c.label, c.ok)
			}
		})
	}
}
