package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/app"
)

// worstBases is a small valid record of every mutation kind: the start
// the worst case grows from (worstCase), not the worst case itself.
var worstBases = map[string]string{
	"ticket.create":          `{"ticket":{"id":"t","number":"N-1","kind":"carry_in","country":"CN","store":"s","status":"assigned","customer":{"name":"c","phone":"1"},"product":{"category":"phone","brand":"b","model":"m"},"fault":"f"}}`,
	"ticket.assign":          `{"ticket":"t","technician":"x"}`,
	"ticket.schedule":        `{"ticket":"t","window_start":"2026-01-02T09:00:00Z","window_end":"2026-01-02T10:00:00Z"}`,
	"ticket.update":          `{"ticket":"t","set":{"diagnosis":"d"},"base":{"diagnosis":""}}`,
	"repair.log":             `{"entry":{"id":"r","ticket":"t","action":"a","minutes":1}}`,
	"stock.consume":          `{"used":{"id":"u","ticket":"t","part":"p","from":"v","qty":1}}`,
	"stock.return_defective": `{"movement":{"id":"m","kind":"return_defective","part":"p","to":"d","qty":1}}`,
	"stock.receive":          `{"movement":{"id":"m","kind":"receive","part":"p","to":"v","qty":1}}`,
	"stock.transfer":         `{"movement":{"id":"m","kind":"transfer","part":"p","from":"a","to":"b","qty":1}}`,
	"stock.adjust":           `{"movement":{"id":"m","kind":"adjust","part":"p","to":"v","qty":1,"reason":"r"}}`,
	"photo.attach":           `{"photo":{"id":"p","ticket":"t","sha256":"` + strings.Repeat("a", 64) + `","size":1}}`,
	"note.add":               `{"note":{"id":"n","ticket":"t","text":"x"}}`,
	"notice.send":            `{"notice":{"id":"n","ticket":"t","kind":"on_my_way","eta":"2026-01-02T10:00:00Z"}}`,
	"part.request":           `{"request":{"id":"r","ticket":"t","part":"p","qty":1,"urgency":"normal","to":"v"}}`,
	"part.cancel_request":    `{"request":"r","ticket":"t","reason":"x"}`,
	"part.decide_request":    `{"request":"r","ticket":"t","decision":"approve"}`,
	"ticket.passcode":        `{"ticket":"t","kind":"text","passcode":"1234"}`,
	"payment.record":         `{"payment":{"id":"p","ticket":"t","kind":"deposit","method":"cash","amount":{"amount":1,"currency":"CNY"},"receipt":"R-1"}}`,
	"payment.refund":         `{"payment":{"id":"p","ticket":"t","kind":"refund","method":"cash","amount":{"amount":1,"currency":"CNY"},"receipt":"R-1"}}`,
	"estimate.issue":         `{"estimate":{"id":"e","ticket":"t","amount":{"amount":1,"currency":"CNY"}}}`,
	"estimate.decide":        `{"ticket":"t","estimate":"e","decision":"approved","customer":"c"}`,
	"shipment.send":          `{"shipment":{"id":"s","kind":"supply","from":"a","to":"b","lines":[{"part":"p","qty":1}]}}`,
	"shipment.receive.v1":    `{"shipment":"s","receipt":{"id":"r","lines":[{"part":"p","qty":1}]}}`,
	"shipment.receive.v2":    `{"shipment":"s","receipt":{"id":"r","lines":[{"part":"p","qty":1,"damaged":1,"note":"x"}],"defective":"bin"}}`,
	"signature.record":       `{"signature":{"id":"g","ticket":"t","signer":"s","role":"customer","digest":"` + strings.Repeat("a", 64) + `","strokes":"AQEBAQE=","photo":"p"}}`,
}

// worstChars are the characters a text may take with the most bytes in
// its JSON, as encoding/json writes it (the device's encoding, NewMutation):
// '<' ('>' and '&' too), U+2028 and a control character are escaped as
// \uXXXX, six bytes for one character; a four-byte character (CJK Ext-B)
// is four. A field that refuses one (a name refuses control characters)
// takes the next.
var worstChars = []string{"<", "\u2028", "\x01", "𠀀", "\""}

// growCap is past every text and list bound: a field still accepted at it
// has no bound of its own.
const growCap = 1 << 16

type grower struct {
	valid     func() bool
	unbounded []string
}

// worstCase grows the record m's arguments hold, field by field, to the
// largest JSON its Validate still accepts: every text at its bound in the
// characters of the most bytes it takes, every list at its bound of
// entries, every optional field set, every number at its widest.
func worstCase(t *testing.T, full string, args string) (app.Command, *grower) {
	t.Helper()
	name, v := full, 1
	if i := strings.LastIndex(full, ".v"); i > 0 {
		name = full[:i]
		v, _ = strconv.Atoi(full[i+2:])
	}
	cmd, err := app.DecodeMutation(app.Mutation{Name: name, Version: v, Args: json.RawMessage(args)})
	if err != nil {
		t.Fatalf("%s: base does not decode: %v", full, err)
	}
	g := &grower{valid: func() bool { return cmd.Validate() == nil }}
	g.grow(full, reflect.ValueOf(cmd).Elem())
	if err := cmd.Validate(); err != nil {
		t.Fatalf("%s: worst case does not validate: %v", full, err)
	}
	return cmd, g
}

func jsonLen(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return len(b)
}

// maxValid is the largest n in [lo, growCap] for which set(n) is valid,
// given set(lo) is (validity is monotone in a length).
func (g *grower) maxValid(lo int, set func(n int)) int {
	hi := growCap
	set(hi)
	if g.valid() {
		return hi
	}
	for lo+1 < hi {
		mid := (lo + hi) / 2
		set(mid)
		if g.valid() {
			lo = mid
		} else {
			hi = mid
		}
	}
	set(lo)
	return lo
}

func (g *grower) grow(path string, v reflect.Value) {
	if !v.CanSet() {
		return
	}
	switch v.Kind() {
	case reflect.String:
		orig := v.String()
		best, bestLen := orig, jsonLen(orig)
		for _, c := range worstChars {
			v.SetString(c)
			if !g.valid() {
				continue
			}
			n := g.maxValid(1, func(n int) { v.SetString(strings.Repeat(c, n)) })
			if n == growCap {
				g.unbounded = append(g.unbounded, path)
			}
			if s := strings.Repeat(c, n); jsonLen(s) > bestLen {
				best, bestLen = s, jsonLen(s)
			}
		}
		v.SetString(best)
	case reflect.Int, reflect.Int64, reflect.Int32:
		orig := v.Int()
		best := orig
		for _, c := range []int64{math.MinInt64, -app.MaxAmount, -app.MaxQty, math.MaxInt64, app.MaxAmount, app.MaxQty} {
			v.SetInt(c)
			if g.valid() && len(strconv.FormatInt(c, 10)) > len(strconv.FormatInt(best, 10)) {
				best = c
			}
		}
		v.SetInt(best)
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
			g.grow(path, v.Elem())
			if !g.valid() {
				v.SetZero()
			}
			return
		}
		g.grow(path, v.Elem())
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				g.grow(path+"."+v.Type().Field(i).Name, v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			// A list the base leaves empty: one zero entry, grown, if
			// the checks take it (a receipt's differences).
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			g.grow(path+"[]", v.Index(0))
			if !g.valid() {
				v.SetZero()
				return
			}
		} else {
			g.grow(path+"[]", v.Index(0))
		}
		first := v.Index(0).Interface()
		n := g.maxValid(1, func(n int) {
			s := reflect.MakeSlice(v.Type(), n, n)
			for i := range n {
				s.Index(i).Set(reflect.ValueOf(first))
			}
			v.Set(s)
		})
		if n == growCap {
			g.unbounded = append(g.unbounded, path)
		}
	}
}

// TestWorstCaseArgsFit: for every mutation kind, arguments whose every
// text is at its character bound in the characters of most bytes in JSON
// (and every list at its bound) fit app.MaxArgsBytes, and decode: a record
// that passes every field's bound is never refused for its size
// (docs/PROTOCOL.md, "Bounds").
func TestWorstCaseArgsFit(t *testing.T) {
	names := app.MutationNames()
	sort.Strings(names)
	for _, full := range names {
		args, ok := worstBases[strings.TrimSuffix(full, ".v1")]
		if strings.HasPrefix(full, "ticket.") && !ok {
			args, ok = `{"ticket":"t","epoch":1,"reason":"r"}`, true
		}
		if !ok {
			args, ok = worstBases[full]
		}
		if !ok {
			t.Errorf("%s: no base record: add one to worstBases", full)
			continue
		}
		t.Run(full, func(t *testing.T) {
			cmd, g := worstCase(t, full, args)
			if len(g.unbounded) > 0 {
				t.Errorf("fields without a bound of their own: %v", g.unbounded)
			}
			if sig, ok := cmd.(*app.RecordSignature); ok {
				worstSignature(t, &sig.Signature)
			}
			worst := jsonLen(cmd)
			t.Logf("%s: %d bytes of %d", full, worst, app.MaxArgsBytes)
			if worst > app.MaxArgsBytes {
				t.Errorf("%s: worst case is %d bytes, over the bound of %d", full, worst, app.MaxArgsBytes)
			}
			m, err := app.NewMutation(cmd, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := app.DecodeMutation(m); err != nil {
				t.Errorf("%s: worst case refused: %v", full, err)
			}
		})
	}
}

// worstSignature gives s the two fields a grower cannot fill, as they must
// agree with others: strokes at their bound in bytes (every point a full
// jump across the box, two varint bytes a coordinate, until a bound
// stops it) and a report at its
// bound of MaxSignedReportBytes, all of it quotes (each two bytes in the
// report's JSON, four in the mutation's), whose digest s carries.
func worstSignature(t *testing.T, s *app.Signature) {
	t.Helper()
	var stroke app.Stroke
	for i := range app.MaxSignaturePoints {
		stroke = append(stroke, app.Point{X: i % 2 * app.SignatureWidth, Y: i % 2 * app.SignatureHeight})
	}
	for {
		enc, err := app.EncodeStrokes([]app.Stroke{stroke})
		if err == nil {
			s.Strokes = enc
			break
		}
		stroke = stroke[:len(stroke)-1]
	}
	r := app.ServiceReport{TicketID: s.Ticket}
	base := len(r.CanonicalJSON())
	r.Fault = strings.Repeat(`"`, (app.MaxSignedReportBytes-base)/2)
	s.Report = r.CanonicalJSON()
	s.Digest = app.ReportDigest(s.Report)
	// The points bound comes first: 4,000 points of 4 bytes.
	if len(s.Report) < app.MaxSignedReportBytes-1 || len(stroke) < app.MaxSignaturePoints && len(s.Strokes) < app.MaxSignatureBytes*4/3-8 {
		t.Fatalf("report %d bytes, strokes %d: not at their bounds", len(s.Report), len(s.Strokes))
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("worst signature refused: %v", err)
	}
}

// escapedJSON is v (a value as json.Decoder gives it with UseNumber)
// in compact JSON with every character of every string and key written
// as a \uXXXX escape, two of them past U+FFFF: the most bytes another
// client can give the same record without whitespace.
func escapedJSON(b *strings.Builder, v any) {
	str := func(s string) {
		if _, err := time.Parse(time.RFC3339Nano, s); err == nil {
			// encoding/json hands a time its text as sent, and
			// time.Time parses it without undoing escapes: a time is
			// sent as RFC 3339 text (docs/PROTOCOL.md, "Bounds").
			fmt.Fprintf(b, "%q", s)
			return
		}
		b.WriteByte('"')
		for _, r := range s {
			if r > 0xFFFF {
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(b, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(b, `\u%04x`, r)
			}
		}
		b.WriteByte('"')
	}
	switch x := v.(type) {
	case string:
		str(x)
	case json.Number:
		b.WriteString(string(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case nil:
		b.WriteString("null")
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			escapedJSON(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		keys := slices.Sorted(maps.Keys(x))
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			str(k)
			b.WriteByte(':')
			escapedJSON(b, x[k])
		}
		b.WriteByte('}')
	default:
		panic(fmt.Sprintf("escapedJSON: %T", v))
	}
}

// generic is canonical JSON decoded as escapedJSON takes it.
func generic(t *testing.T, canonical []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(canonical))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// astral is v with every character of its strings that encoding/json
// writes in six bytes (worstChars) replaced by one past U+FFFF (4 bytes
// as the app writes it, 12 escaped): the same record's worst case for a
// sender that escapes, where it is the worst for the app's encoding.
func astral(v any) any {
	switch x := v.(type) {
	case string:
		return strings.Map(func(r rune) rune {
			if r == '<' || r == '\u2028' || r == '\x01' || r == '"' {
				return '𠀀'
			}
			return r
		}, x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = astral(e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = astral(e)
		}
		return out
	}
	return v
}

// mostEscaped bounds the bytes any compact JSON of v takes: a string's
// quotes and twelve bytes for each of its characters (a character is
// at most two \uXXXX escapes), numbers, literals and separators as they
// are (JSON has no other spelling of an integer Go decodes).
func mostEscaped(v any) int {
	str := func(s string) int { return 2 + 12*utf8.RuneCountInString(s) }
	switch x := v.(type) {
	case string:
		return str(x)
	case json.Number:
		return len(x)
	case bool:
		return len(strconv.FormatBool(x))
	case nil:
		return len("null")
	case []any:
		n := 2 + max(len(x)-1, 0)
		for _, e := range x {
			n += mostEscaped(e)
		}
		return n
	case map[string]any:
		n := 2 + max(len(x)-1, 0)
		for k, e := range x {
			n += str(k) + 1 + mostEscaped(e)
		}
		return n
	}
	panic(fmt.Sprintf("mostEscaped: %T", v))
}

// TestWorstCaseArgsFitEscaped: another client may write a record in
// other bytes than the app: every character escaped, a character past
// U+FFFF as two escapes (twelve bytes). For every mutation kind, the
// worst case within its fields' bounds (TestWorstCaseArgsFit's), with
// every character of every string and key counted at twelve bytes,
// fits app.MaxArgsWireBytes; and written with every character escaped,
// it decodes to the same command, measured as the app encodes it, not
// as sent (docs/PROTOCOL.md, "Bounds").
func TestWorstCaseArgsFitEscaped(t *testing.T) {
	largest := 0
	for _, full := range app.MutationNames() {
		args, ok := worstBases[strings.TrimSuffix(full, ".v1")]
		if strings.HasPrefix(full, "ticket.") && !ok {
			args, ok = `{"ticket":"t","epoch":1,"reason":"r"}`, true
		}
		if !ok {
			args = worstBases[full]
		}
		t.Run(full, func(t *testing.T) {
			cmd, _ := worstCase(t, full, args)
			if sig, ok := cmd.(*app.RecordSignature); ok {
				worstSignature(t, &sig.Signature)
			}
			m, err := app.NewMutation(cmd, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			// Its worst case escaped: the same lengths in characters past
			// U+FFFF, unless a check refuses them (a signature's report
			// must match its digest).
			if b, err := json.Marshal(astral(generic(t, m.Args))); err != nil {
				t.Fatal(err)
			} else if _, err := app.DecodeMutation(app.Mutation{Name: m.Name, Version: m.Version, Args: b}); err == nil {
				m.Args = b
			}
			v := generic(t, m.Args)
			most := mostEscaped(v)
			if most > app.MaxArgsWireBytes {
				t.Errorf("%s: %d bytes with every character escaped, over the bound as sent of %d", full, most, app.MaxArgsWireBytes)
			}
			var b strings.Builder
			escapedJSON(&b, v)
			largest = max(largest, b.Len())
			want, err := app.DecodeMutation(m)
			if err != nil {
				t.Fatalf("as the app encodes it: %v", err)
			}
			esc := m
			esc.Args = json.RawMessage(b.String())
			got, err := app.DecodeMutation(esc)
			if err != nil {
				t.Fatalf("%d bytes escaped (%d as the app encodes it): %v", len(esc.Args), len(m.Args), err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("escaped, it decodes to another command")
			}
			t.Logf("%s: %d bytes, %d escaped, at most %d", full, len(m.Args), len(esc.Args), most)
		})
	}
	// The case proves something only if one kind is larger escaped than
	// the bound as the app encodes it.
	if largest <= app.MaxArgsBytes {
		t.Errorf("no kind is past %d bytes escaped (largest %d)", app.MaxArgsBytes, largest)
	}
}
