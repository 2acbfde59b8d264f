package app_test

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

const digest = "3f5a0c9e1b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a"

func strokes(t testing.TB, s ...app.Stroke) string {
	t.Helper()
	enc, err := app.EncodeStrokes(s)
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

func TestEncodeStrokesExample(t *testing.T) {
	// The example of docs/PROTOCOL.md, "Signatures".
	enc := strokes(t, app.Stroke{{X: 100, Y: 200}, {X: 103, Y: 198}, {X: 110, Y: 190}}, app.Stroke{{X: 500, Y: 300}})
	if enc != "AQIDZMgBBgMODwH0A6wC" {
		t.Errorf("EncodeStrokes = %q, want the example of PROTOCOL.md", enc)
	}
	raw, _ := base64.StdEncoding.DecodeString(enc)
	if len(raw) != 15 {
		t.Errorf("%d bytes, want 15", len(raw))
	}
}

func TestStrokesRoundTrip(t *testing.T) {
	long := make(app.Stroke, app.MaxSignaturePoints)
	for i := range long {
		long[i] = app.Point{X: i % (app.SignatureWidth + 1), Y: (i * 7) % (app.SignatureHeight + 1)}
	}
	many := make([]app.Stroke, app.MaxSignatureStrokes)
	for i := range many {
		many[i] = app.Stroke{{X: i, Y: i}}
	}
	tests := map[string][]app.Stroke{
		"dot":            {{{X: 0, Y: 0}}},
		"corners":        {{{X: 0, Y: 0}, {X: app.SignatureWidth, Y: app.SignatureHeight}, {X: 0, Y: app.SignatureHeight}, {X: app.SignatureWidth, Y: 0}}},
		"max points":     {long},
		"max strokes":    many,
		"two with a dot": {{{X: 5, Y: 6}, {X: 7, Y: 8}}, {{X: 9, Y: 9}}},
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			enc := strokes(t, in...)
			out, err := app.DecodeStrokes(enc)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(in, out, func(a, b app.Stroke) bool { return slices.Equal(a, b) }) {
				t.Errorf("decoded %v, want %v", out, in)
			}
		})
	}
}

func TestEncodeStrokesRefuses(t *testing.T) {
	long := make(app.Stroke, app.MaxSignaturePoints+1)
	tests := map[string][]app.Stroke{
		"empty stroke":     {{}},
		"x outside":        {{{X: app.SignatureWidth + 1, Y: 0}}},
		"negative y":       {{{X: 0, Y: -1}}},
		"too many points":  {long},
		"too many strokes": make([]app.Stroke, app.MaxSignatureStrokes+1),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := app.EncodeStrokes(in); app.ErrorCode(err) != app.EINVALID {
				t.Errorf("err = %v, want EINVALID", err)
			}
		})
	}
}

func TestDecodeStrokesRefuses(t *testing.T) {
	b64 := func(b ...byte) string { return base64.StdEncoding.EncodeToString(b) }
	tests := map[string]string{
		"not base64":        "!!!",
		"unpadded":          "AQEBZMgBAA",
		"version 2":         b64(2, 1, 1, 100, 200, 1),
		"no strokes":        b64(1, 0),
		"stroke no points":  b64(1, 1, 0),
		"truncated":         b64(1, 1, 2, 100, 200, 1),
		"trailing byte":     b64(1, 1, 1, 100, 200, 1, 0),
		"x over the box":    b64(1, 1, 1, 0xe9, 0x07, 0),        // x = 1001
		"delta leaves box":  b64(1, 1, 2, 0, 0, 1, 0),           // x = -1
		"overlong varint":   b64(1, 1, 1, 0x80|100, 0x00, 1, 0), // 100 in two bytes
		"too many strokes":  b64(1, 0xc9, 0x01),                 // 201
		"too many points":   b64(1, 1, 0xa1, 0x1f),              // 4001
		"oversized payload": strings.Repeat("A", 4*(app.MaxSignatureBytes/3+2)),
	}
	for name, enc := range tests {
		t.Run(name, func(t *testing.T) {
			if s, err := app.DecodeStrokes(enc); app.ErrorCode(err) != app.EINVALID || s != nil {
				t.Errorf("DecodeStrokes = %v, %v; want EINVALID and nothing", s, err)
			}
		})
	}
}

func FuzzDecodeStrokes(f *testing.F) {
	f.Add("AQIDZMgBBgMODwH0A6wC")
	f.Add("")
	f.Add("AQEBAAA=")
	f.Fuzz(func(t *testing.T, enc string) {
		s, err := app.DecodeStrokes(enc)
		if err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		// What decodes is canonical, in bounds, and encodes back the same.
		again, err := app.EncodeStrokes(s)
		if err != nil || again != enc {
			t.Fatalf("re-encoded %q, %v; want %q", again, err, enc)
		}
	})
}

func TestSignatureValidate(t *testing.T) {
	signed := app.Signature{ID: "sig-1", Ticket: "t1", Signer: "李娜", Role: app.SignerCustomer, Digest: digest,
		Strokes: strokes(t, app.Stroke{{X: 1, Y: 2}, {X: 3, Y: 4}}), Photo: "ph-1"}
	refused := app.Signature{ID: "sig-2", Ticket: "t1", Role: app.SignerCustomer, Digest: digest,
		Refused: true, ReasonKind: app.NoSignAbsent, Reason: "nobody home at 14:00, called twice"}
	tests := []struct {
		name string
		edit func(s *app.Signature)
		base app.Signature
		key  string // "" for valid
	}{
		{"signed", func(*app.Signature) {}, signed, ""},
		{"representative", func(s *app.Signature) { s.Role = app.SignerRepresentative }, signed, ""},
		{"absent", func(*app.Signature) {}, refused, ""},
		{"refused with a name", func(s *app.Signature) { s.ReasonKind, s.Signer = app.NoSignRefused, "Li Na" }, refused, ""},
		{"no id", func(s *app.Signature) { s.ID = "" }, signed, "mutation.missing_field"},
		{"no ticket", func(s *app.Signature) { s.Ticket = "" }, signed, "mutation.missing_field"},
		{"unknown role", func(s *app.Signature) { s.Role = "neighbour" }, signed, "signature.bad_role"},
		{"upper-case digest", func(s *app.Signature) { s.Digest = strings.ToUpper(digest) }, signed, "signature.bad_digest"},
		{"short digest", func(s *app.Signature) { s.Digest = digest[:63] }, signed, "signature.bad_digest"},
		{"no signer", func(s *app.Signature) { s.Signer = " " }, signed, "signature.needs_signer"},
		{"long signer", func(s *app.Signature) { s.Signer = strings.Repeat("x", app.MaxNameLen+1) }, signed, "mutation.too_long"},
		{"no strokes", func(s *app.Signature) { s.Strokes = "" }, signed, "signature.empty"},
		{"bad strokes", func(s *app.Signature) { s.Strokes = "AQ==" }, signed, "signature.bad_strokes"},
		{"no photo", func(s *app.Signature) { s.Photo = "" }, signed, "mutation.missing_field"},
		{"signed with a reason", func(s *app.Signature) { s.Reason = "x" }, signed, "signature.signed_with_reason"},
		{"refusal without reason", func(s *app.Signature) { s.Reason = "  " }, refused, "signature.needs_reason"},
		{"refusal of unknown kind", func(s *app.Signature) { s.ReasonKind = "busy" }, refused, "signature.bad_reason_kind"},
		{"refusal with strokes", func(s *app.Signature) { s.Strokes = signed.Strokes }, refused, "signature.refusal_with_strokes"},
		{"refusal with photo", func(s *app.Signature) { s.Photo = "ph-1" }, refused, "signature.refusal_with_strokes"},
		{"long reason", func(s *app.Signature) { s.Reason = strings.Repeat("x", app.MaxReasonLen+1) }, refused, "mutation.too_long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.base
			tc.edit(&s)
			err := s.Validate()
			if tc.key == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var e *app.Error
			if !asAppError(err, &e) || e.Key != tc.key {
				t.Fatalf("Validate = %v, want key %s", err, tc.key)
			}
		})
	}
}

func asAppError(err error, e **app.Error) bool {
	x, ok := err.(*app.Error)
	*e = x
	return ok
}

func TestRecordSignatureApply(t *testing.T) {
	sig := app.Signature{ID: "sig-1", Ticket: "t1", Signer: "李娜", Role: app.SignerCustomer, Digest: digest,
		Strokes: strokes(t, app.Stroke{{X: 1, Y: 2}}), Photo: "ph-1"}
	tests := []struct {
		name   string
		status app.Status
		ticket app.TicketID
		code   string
	}{
		{"completed", app.StatusCompleted, "t1", ""},
		{"cancelled", app.StatusCancelled, "t1", ""},
		{"closed", app.StatusClosed, "t1", app.ECONFLICT},
		{"another technician's", app.StatusCompleted, "t2", app.EFORBIDDEN},
		{"missing ticket", app.StatusCompleted, "t9", app.ENOTFOUND},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := seeded()
			tk := m.tickets["t1"]
			tk.Status = tc.status
			m.tickets["t1"] = tk
			s := sig
			s.Ticket = tc.ticket
			args, _ := json.Marshal(app.RecordSignature{Signature: s})
			err := app.ApplyMutation(t.Context(), m, tech, app.Mutation{Name: "signature.record", Version: 1, Args: args}, now)
			if app.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want code %q", err, tc.code)
			}
			got, ok := m.sigs["sig-1"]
			if tc.code != "" {
				if ok {
					t.Error("a refused signature was recorded")
				}
				return
			}
			if !ok || !got.At.Equal(now) || got.By != tech.Name || got.Digest != digest {
				t.Errorf("recorded %+v, %v; want it at now, by %s", got, ok, tech.Name)
			}
			if n := app.NewRecords(&app.RecordSignature{Signature: s}); len(n) != 1 || n[0] != (app.NewRecord{Kind: "signature", ID: "sig-1"}) {
				t.Errorf("NewRecords = %v", n)
			}
			if app.TicketOf(&app.RecordSignature{Signature: s}) != "t1" {
				t.Error("TicketOf does not name the signature's ticket")
			}
		})
	}
}

// TestSignOff: a customer's signed approval of an estimate is not the
// report's sign-off, whichever came last.
func TestSignOff(t *testing.T) {
	est := app.Estimate{ID: "e1", Ticket: "t1", Amount: app.Money{Amount: 30000, Currency: "CNY"}, Note: "screen"}
	report := app.Signature{ID: "s-report", Digest: strings.Repeat("ab", 32)}
	approval := app.Signature{ID: "s-estimate", Digest: est.Digest()}
	refusal := app.Signature{ID: "s-refused", Digest: strings.Repeat("cd", 32), Refused: true}
	for _, tc := range []struct {
		name string
		sigs []app.Signature
		want string // "" for none
	}{
		{"none", nil, ""},
		{"only an approval", []app.Signature{approval}, ""},
		{"approval after the sign-off", []app.Signature{report, approval}, "s-report"},
		{"sign-off after the approval", []app.Signature{approval, report}, "s-report"},
		{"a refusal last", []app.Signature{report, refusal, approval}, "s-refused"},
	} {
		got, ok := app.SignOff(app.TicketDetail{Signatures: tc.sigs, Estimates: []app.Estimate{est}})
		if ok != (tc.want != "") || got.ID != tc.want {
			t.Errorf("%s: SignOff = %q, %v; want %q", tc.name, got.ID, ok, tc.want)
		}
	}
}
