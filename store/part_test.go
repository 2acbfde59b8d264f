package store

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/app"
)

func TestShortGrams(t *testing.T) {
	for name, tc := range map[string]struct {
		texts []string
		want  []string // the grams, unpadded
	}{
		"Chinese":   {[]string{"华为电池"}, []string{"华", "华为", "为", "为电", "电", "电池", "池"}},
		"Latin":     {[]string{"Battery P50 x"}, []string{"ba", "p5"}},
		"Mixed":     {[]string{"华为P50电池"}, []string{"华", "华为", "为", "p5", "电", "电池", "池"}},
		"Number":    {[]string{"HB-BAT-P50"}, []string{"hb", "ba", "p5"}},
		"Repeats":   {[]string{"电池", "电池 battery", "BATTERY"}, []string{"电", "电池", "池", "ba"}},
		"Kana":      {[]string{"バッテリー"}, []string{"バ", "バッ", "ッ", "ッテ", "テ", "テリ", "リ", "リー", "ー"}},
		"Nothing":   {[]string{"", " - / "}, nil},
		"Diacritic": {[]string{"Écran"}, []string{"éc"}},
	} {
		t.Run(name, func(t *testing.T) {
			got := shortGrams(tc.texts...)
			var grams []string
			for _, g := range strings.Split(got, pad) {
				if g != "" {
					grams = append(grams, g)
				}
			}
			if !slices.Equal(grams, tc.want) {
				t.Errorf("grams = %q, want %q", grams, tc.want)
			}
			// Every gram is exactly one trigram with its padding, so no
			// three real characters ever stand together.
			run := 0
			for _, r := range got {
				if string(r) == pad {
					run = 0
				} else if run++; run > 2 {
					t.Fatalf("three characters together in %q", got)
				}
			}
		})
	}
}

// TestShortGramsMany: texts with more grams than writeShortGrams scans
// for repeats (seenScanned), as long Chinese brands, models and names
// make, still give each gram once, in the order the texts first make it.
func TestShortGramsMany(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 3))
	han := func(n int) []rune { // from 30 characters: many repeats
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = rune(0x4E00 + r.IntN(30))
		}
		return rs
	}
	for _, n := range []int{10, seenScanned / 2, seenScanned, 5 * seenScanned, app.MaxTextLen} {
		a, b := han(n), han(n)
		var want []string
		seen := map[string]bool{}
		add := func(g string) {
			if !seen[g] {
				seen[g] = true
				want = append(want, g)
			}
		}
		grams := func(rs []rune) {
			for i := range rs {
				add(string(rs[i]))
				if i+1 < len(rs) {
					add(string(rs[i : i+2]))
				}
			}
		}
		grams(a)
		add("ba")
		add("zo")
		grams(b)
		var got []string
		for _, g := range strings.Split(shortGrams(string(a), "Battery bath Zoom", string(b)), pad) {
			if g != "" {
				got = append(got, g)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%d characters: %d grams, want %d distinct ones in order", n, len(got), len(want))
		}
	}
}

// BenchmarkShortGramsLong: the grams of a ticket whose customer's name,
// brand and model are app.MaxTextLen Han characters each.
func BenchmarkShortGramsLong(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	han := func() string {
		rs := make([]rune, app.MaxTextLen)
		for i := range rs {
			rs[i] = rune(0x4E00 + r.IntN(20000))
		}
		return string(rs)
	}
	name, brand, model := han(), han(), han()
	for b.Loop() {
		shortGrams("FB-2026-000001", name, "13800001234", "SN1", brand, model)
	}
}

func TestMatchExpr(t *testing.T) {
	for q, want := range map[string]string{
		"battery":      `"battery"`,
		"battery P50":  `"battery" AND "P50"`,
		"电池":           "\"\x01电池\"",
		"泵":            "\"\x01\x01泵\"",
		"x1":           "\"\x01x1\"",
		"X":            "",
		"- x":          "",
		`say "hi"`:     `"say" AND """hi"""`,
		"NEAR(a b)":    `"NEAR(a"`, // "b)" has no 2-letter word
		"a电":           "\"\x01\x01电\"",
		"AND OR NOT *": "\"AND\" AND \"\x01or\" AND \"NOT\"",
	} {
		if got := matchExpr(queryWords(q)); got != want {
			t.Errorf("matchExpr(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestPrivateToken(t *testing.T) {
	tok := privateToken(app.ModelKey(" Ｍａｔｅ　６０ "))
	if tok != privateToken("mate 60") || utf8.RuneCountInString(tok) != 3 {
		t.Errorf("token %q", tok)
	}
	for _, r := range tok {
		if !unicode.In(r, unicode.Co) {
			t.Errorf("token rune %U is not private use", r)
		}
	}
	if privateToken("mate 60") == privateToken("mate 50") {
		t.Error("two models, one token")
	}
}

func TestListColumns(t *testing.T) {
	for _, models := range [][]string{nil, {"P50"}, {"P50", "P50 Pro", "Mate 60 (中国)"}} {
		s, err := encodeModels(models)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeModels(s); !slices.Equal(got, models) || got == nil {
			t.Errorf("models %q -> %q -> %q", models, s, got)
		}
	}
	if _, err := encodeModels([]string{"a\x1fb"}); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("a model with the separator: %v", err)
	}
	prices := []app.Money{{Amount: 19900, Currency: "CNY"}, {Amount: -5, Currency: "EUR"}}
	s, err := encodePrices(prices)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := decodePrices(s); err != nil || !slices.Equal(got, prices) {
		t.Errorf("prices %v -> %q -> %v, %v", prices, s, got, err)
	}
	for _, bad := range []string{"CNY", "CNY x", " 5", "CNY 5\x1f"} {
		if _, err := decodePrices(bad); err == nil {
			t.Errorf("decodePrices(%q) accepted", bad)
		}
	}
}

// FuzzListColumns: the list decoders never panic, and what they accept
// survives a round trip.
func FuzzListColumns(f *testing.F) {
	f.Add("P50\x1fP50 Pro")
	f.Add("CNY 19900\x1fEUR 2900")
	f.Add("")
	f.Add("\x1f\x1f")
	f.Fuzz(func(t *testing.T, s string) {
		models := decodeModels(s)
		if enc, err := encodeModels(models); err != nil || enc != s {
			t.Errorf("models %q -> %q -> %q, %v", s, models, enc, err)
		}
		prices, err := decodePrices(s)
		if err != nil {
			return
		}
		enc, err := encodePrices(prices)
		if err != nil {
			t.Fatalf("prices %q decoded to %v, which does not encode: %v", s, prices, err)
		}
		again, err := decodePrices(enc)
		if err != nil || !slices.Equal(again, prices) {
			t.Errorf("prices %q -> %v -> %q -> %v, %v", s, prices, enc, again, err)
		}
	})
}

// oracleMatch is FindParts' documented semantics written plainly, for the
// generator's texts (ASCII and Han only).
func oracleMatch(p app.Part, words []string, model string) bool {
	if model != "" && !slices.ContainsFunc(p.Models, func(m string) bool { return strings.EqualFold(m, model) }) {
		return false
	}
	texts := []string{strings.ToLower(string(p.Number)), strings.ToLower(p.NameEN), p.NameZH}
	for _, w := range words {
		w = strings.ToLower(w)
		rs := []rune(w)
		ok := false
		for _, text := range texts {
			switch {
			case len(rs) >= 3 || unicode.Is(unicode.Han, rs[0]):
				ok = ok || strings.Contains(text, w)
			case len(rs) == 2:
				// the start of a word
				for _, word := range strings.FieldsFunc(text, func(r rune) bool {
					return !(unicode.IsLetter(r) || unicode.IsDigit(r)) || unicode.Is(unicode.Han, r)
				}) {
					ok = ok || strings.HasPrefix(word, w)
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// TestFindPartsOracle compares FindParts with a brute-force scan on a
// generated catalog, for queries drawn from the generator's vocabulary.
func TestFindPartsOracle(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	r := rand.New(rand.NewPCG(7, 8))
	parts := genParts(r, 3000)
	if err := db.Load(t.Context(), app.Dataset{Parts: parts}); err != nil {
		t.Fatal(err)
	}
	if err := db.Optimize(t.Context()); err != nil {
		t.Fatal(err)
	}
	var vocab []string
	for _, k := range genKinds {
		vocab = append(vocab, strings.Fields(k.en)...)
		vocab = append(vocab, k.zh, string([]rune(k.zh)[:1]))
		if n := len([]rune(k.zh)); n > 2 {
			vocab = append(vocab, string([]rune(k.zh)[1:3]))
		}
	}
	for _, b := range genBrands {
		vocab = append(vocab, b.en, strings.ToUpper(b.en[:3]), b.zh, b.code+"-", strings.ToLower(b.code))
	}
	for _, q := range genQualities {
		vocab = append(vocab, strings.Fields(q[0])...)
		if q[1] != "" {
			vocab = append(vocab, q[1])
		}
	}
	ps := NewPartService(db)
	for i := range 300 {
		words := []string{vocab[r.IntN(len(vocab))]}
		if i%2 == 0 {
			words = append(words, vocab[r.IntN(len(vocab))])
		}
		var model string
		if i%5 == 0 {
			b := genBrands[r.IntN(len(genBrands))]
			model = strings.ToUpper(b.models[r.IntN(len(b.models))])
		}
		q := strings.Join(words, " ")
		got, err := ps.FindParts(t.Context(), app.PartFilter{Query: q, Model: model, Limit: maxPartLimit})
		if err != nil {
			t.Fatal(err)
		}
		var want []app.PartNumber
		for _, p := range parts {
			if oracleMatch(p, words, model) {
				want = append(want, p.Number)
			}
		}
		// CountParts counts past the limit what FindParts would list.
		if n, err := ps.CountParts(t.Context(), app.PartFilter{Query: q, Model: model}); err != nil || n != len(want) {
			t.Errorf("CountParts(%q, model %q) = %d, %v; want %d", q, model, n, err, len(want))
		}
		gotN := numbers(got)
		if len(want) > maxPartLimit {
			// Too many to compare sets: every result must match.
			for _, p := range got {
				if !oracleMatch(p, words, model) {
					t.Errorf("query %q model %q: %s does not match", q, model, p.Number)
				}
			}
			if len(got) != maxPartLimit {
				t.Errorf("query %q model %q: %d results, want the limit", q, model, len(got))
			}
			continue
		}
		slices.Sort(gotN)
		slices.Sort(want)
		if !slices.Equal(gotN, want) {
			t.Errorf("query %q model %q: %d results, want %d", q, model, len(gotN), len(want))
		}
	}
}

func numbers(ps []app.Part) []app.PartNumber {
	out := make([]app.PartNumber, len(ps))
	for i, p := range ps {
		out[i] = p.Number
	}
	return out
}

// FuzzFindParts: whatever a technician types, the search answers without
// an error (no FTS5 syntax error, no panic).
func FuzzFindParts(f *testing.F) {
	for _, q := range []string{"battery", `"`, "电池", "NEAR(a b) OR c*", "x1 -y", "\x01\x01", "a\x00b", "\xff\xfe", "^bat", "col:value", "''"} {
		f.Add(q, "")
	}
	f.Add("电池", "P50")
	db := mustOpen(f)
	if err := db.Load(f.Context(), app.Dataset{Parts: genParts(rand.New(rand.NewPCG(1, 1)), 200)}); err != nil {
		f.Fatal(err)
	}
	ps := NewPartService(db)
	f.Fuzz(func(t *testing.T, q, model string) {
		if _, err := ps.FindParts(t.Context(), app.PartFilter{Query: q, Model: model}); err != nil {
			t.Errorf("FindParts(%q, %q): %v", q, model, err)
		}
	})
}
