package scanner_test

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

func TestInterpret(t *testing.T) {
	rules, err := scanner.ParseSerialRules([]byte(demoSerialRules))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	tag, err := scanner.FormatLabel(scanner.ClaimTag{Ticket: "0193a5b2-tkt", Number: "FB-2026-000042"}.Label())
	if err != nil {
		t.Fatal(err)
	}
	part, err := scanner.FormatLabel(scanner.PartLabel{Part: "BSH-00012345", Serial: "S1|2", ReturnRef: "FB-2026-000042"}.Label())
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		text    string
		want    scanner.Meaning
		errCode string
	}{
		"ClaimTag":      {text: tag + "\r\n", want: scanner.Meaning{Kind: scanner.ScanTicket, Text: tag, Ticket: "0193a5b2-tkt", TicketNumber: "FB-2026-000042"}},
		"PartLabel":     {text: part, want: scanner.Meaning{Kind: scanner.ScanPart, Text: part, Part: "BSH-00012345", PartSerial: "S1|2", ReturnRef: "FB-2026-000042"}},
		"DeviceLabel":   {text: "FB1|D|FD9803-123456", want: scanner.Meaning{Kind: scanner.ScanDevice, Text: "FB1|D|FD9803-123456", Serial: "FD9803-123456", Brand: "Bosch", Manufactured: time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC), Precision: "month"}},
		"IMEI":          {text: "35-693803-564380-9", want: scanner.Meaning{Kind: scanner.ScanDevice, Text: "35-693803-564380-9", Serial: "356938035643809", IMEI: true}},
		"IMEIBadCheck":  {text: "356938035643808", want: scanner.Meaning{Kind: scanner.ScanText, Text: "356938035643808"}},
		"BoschSerial":   {text: " fd9803-123456 ", want: scanner.Meaning{Kind: scanner.ScanDevice, Text: "fd9803-123456", Serial: "FD9803-123456", Brand: "Bosch", Manufactured: time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC), Precision: "month"}},
		"HPSerial":      {text: "5CG5102XYZ", want: scanner.Meaning{Kind: scanner.ScanDevice, Text: "5CG5102XYZ", Serial: "5CG5102XYZ", Brand: "HP", Manufactured: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), Precision: "week"}},
		"MideaNoDate":   {text: "3411000000000000000042", want: scanner.Meaning{Kind: scanner.ScanDevice, Text: "3411000000000000000042", Serial: "3411000000000000000042", Brand: "Midea"}},
		"UnknownSerial": {text: "R58N12ABCDE", want: scanner.Meaning{Kind: scanner.ScanText, Text: "R58N12ABCDE"}},
		"GS1Bracketed": {text: "(01)09506000134352(21)SN77(10)L1(17)261200", want: scanner.Meaning{Kind: scanner.ScanPart, Text: "(01)09506000134352(21)SN77(10)L1(17)261200",
			Part: "09506000134352", PartSerial: "SN77", Lot: "L1", Expiry: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}},
		"GS1Raw":        {text: "]C10109506000134352\x1d10LOT7\x1d", want: scanner.Meaning{Kind: scanner.ScanPart, Text: "]C10109506000134352\x1d10LOT7", Part: "09506000134352", Lot: "LOT7"}},
		"GS1SerialOnly": {text: "(21)FD9803-123456", want: scanner.Meaning{Kind: scanner.ScanDevice, Text: "(21)FD9803-123456", Serial: "FD9803-123456", Brand: "Bosch", Manufactured: time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC), Precision: "month"}},
		// 01 followed by digits that fail the GTIN check is plain text.
		"NotGS1": {text: "0112345678901234", want: scanner.Meaning{Kind: scanner.ScanText, Text: "0112345678901234"}},
		"Pairing": {text: "fieldbench:pair?code=ABCD-EFGH-JKLM&server=https%3A%2F%2Fcentral.example.com", want: scanner.Meaning{Kind: scanner.ScanPairing,
			Text: "fieldbench:pair?code=ABCD-EFGH-JKLM&server=https%3A%2F%2Fcentral.example.com", PairCode: "ABCD-EFGH-JKLM", PairServer: "https://central.example.com"}},
		"PairingPinned": {text: "fieldbench:pair?code=ABCD-EFGH-JKLM&server=https%3A%2F%2F10.0.0.5%3A8443&fp=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", want: scanner.Meaning{Kind: scanner.ScanPairing,
			Text: "fieldbench:pair?code=ABCD-EFGH-JKLM&server=https%3A%2F%2F10.0.0.5%3A8443&fp=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", PairCode: "ABCD-EFGH-JKLM", PairServer: "https://10.0.0.5:8443", PairFingerprint: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}},
		"PairingNoCode":       {text: "fieldbench:pair?server=x", errCode: app.EINVALID},
		"PairingShortPin":     {text: "fieldbench:pair?code=ABCD-EFGH-JKLM&fp=9f86d081", errCode: app.EINVALID},
		"PairingUpperCasePin": {text: "fieldbench:pair?code=ABCD-EFGH-JKLM&fp=9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", errCode: app.EINVALID},
		"PairingEmptyPin":     {text: "fieldbench:pair?code=ABCD-EFGH-JKLM&fp=", errCode: app.EINVALID},
		"NewerLabel":          {text: "FB2|T|abc", errCode: app.ETOONEW},
		"DamagedTag":          {text: "FB1|T", errCode: app.EINVALID},
		"UnknownKind":         {text: "FB1|Z|abc", errCode: app.EINVALID},
		"Empty":               {text: " \r\n", errCode: app.EINVALID},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := scanner.Interpret(tc.text, rules, now)
			if tc.errCode != "" {
				if app.ErrorCode(err) != tc.errCode {
					t.Fatalf("error %v (%s), want %s", err, app.ErrorCode(err), tc.errCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.GS1 = nil // its fields are checked by TestParseGS1
			if !got.Manufactured.Equal(tc.want.Manufactured) || !got.Expiry.Equal(tc.want.Expiry) {
				t.Errorf("dates: made %v expiry %v, want %v %v", got.Manufactured, got.Expiry, tc.want.Manufactured, tc.want.Expiry)
			}
			got.Manufactured, got.Expiry, tc.want.Manufactured, tc.want.Expiry = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// FuzzInterpret: any text gives a meaning or a clear error, never a panic,
// and a meaning always names what to look up.
func FuzzInterpret(f *testing.F) {
	for _, s := range []string{"FB1|T|abc|n=FB-1", "FB1|P|X%7C|r=1|s=2", "356938035643809", "(01)09506000134352(21)A", "]d20109506000134352\x1d21X", "FD9803-123456", "FB9|T|x", "", "fieldbench:pair?code=A&fp=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"} {
		f.Add(s)
	}
	rules, err := scanner.ParseSerialRules([]byte(demoSerialRules))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		m, err := scanner.Interpret(s, rules, now)
		if err != nil {
			if app.ErrorCode(err) == app.EINTERNAL {
				t.Fatalf("internal error for %q: %v", s, err)
			}
			return
		}
		switch m.Kind {
		case scanner.ScanTicket:
			if m.Ticket == "" {
				t.Fatalf("ticket scan without a ticket: %+v", m)
			}
		case scanner.ScanPart:
			if m.Part == "" {
				t.Fatalf("part scan without a part: %+v", m)
			}
		case scanner.ScanDevice:
			if m.Serial == "" {
				t.Fatalf("device scan without a serial: %+v", m)
			}
		case scanner.ScanPairing:
			if m.PairCode == "" {
				t.Fatalf("pairing scan without a code: %+v", m)
			}
			if m.PairFingerprint != "" && !app.ValidSHA256(m.PairFingerprint) {
				t.Fatalf("pairing scan with a malformed fingerprint: %+v", m)
			}
		case scanner.ScanText:
			if m.Text == "" {
				t.Fatalf("empty text scan for %q", s)
			}
		default:
			t.Fatalf("unknown kind %q", m.Kind)
		}
	})
}
