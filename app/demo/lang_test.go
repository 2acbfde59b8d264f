package demo

import (
	"regexp"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// englishWords are the English words of the world's places and stock
// records: none may show in another language's world.
var englishWords = regexp.MustCompile(`\b(Van|Defective|returns|Warehouse|Service Centre|Servicecenter|Zentrallager|replenishment|Delivery|Ordered|Shipped)\b`)

// TestGenerateIn: a world generated in a language names its places and
// gives its stock movements' reasons in that language (the glossary's
// words), and is otherwise the same world, record for record.
func TestGenerateIn(t *testing.T) {
	size := Size{Models: 20, Parts: 300, Tickets: 300, Technicians: 12}
	en := Generate(3, size, testNow)
	for _, tc := range []struct {
		tag   string
		words []string // the glossary's words its place names use
	}{
		{"zh-Hans", []string{"服务车", "故障件箱", "仓库", "服务中心"}},
		{"fr", []string{"Camionnette", "Bac de pièces défectueuses", "Entrepôt", "Centre de service"}},
		{"es", []string{"Camioneta", "Contenedor de defectuosos", "Almacén", "Centro de servicio"}},
		{"pt_BR", []string{"Van", "Caixa de defeituosas", "Armazém", "Centro de serviço"}},
	} {
		t.Run(tc.tag, func(t *testing.T) {
			ds := GenerateIn(3, size, testNow, tc.tag)
			if len(ds.Locations) != len(en.Locations) || len(ds.Movements) != len(en.Movements) || len(ds.Tickets) != len(en.Tickets) || len(ds.Parts) != len(en.Parts) {
				t.Fatalf("%s: %d locations, %d movements, %d tickets, %d parts; English has %d, %d, %d, %d", tc.tag,
					len(ds.Locations), len(ds.Movements), len(ds.Tickets), len(ds.Parts), len(en.Locations), len(en.Movements), len(en.Tickets), len(en.Parts))
			}
			all := ""
			for i, l := range ds.Locations {
				if l.ID != en.Locations[i].ID || l.Kind != en.Locations[i].Kind || l.Owner != en.Locations[i].Owner {
					t.Errorf("location %d: %+v, English %+v", i, l, en.Locations[i])
				}
				if err := l.Validate(); err != nil {
					t.Errorf("location %s %q: %v", l.ID, l.Name, err)
				}
				// Portuguese says van, as English does.
				name, ptVan := l.Name, tc.tag == "pt_BR" && l.Kind == app.LocationVan
				if ptVan {
					name = strings.TrimPrefix(name, "Van ")
				}
				if l.Name == en.Locations[i].Name && !ptVan || englishWords.MatchString(name) {
					t.Errorf("location %s in %s: %q (English %q)", l.ID, tc.tag, l.Name, en.Locations[i].Name)
				}
				all += l.Name + "\n"
			}
			for _, w := range tc.words {
				if !strings.Contains(all, w) {
					t.Errorf("%s: no place name says %q:\n%s", tc.tag, w, all)
				}
			}
			reasons := 0
			for i, m := range ds.Movements {
				if m.ID != en.Movements[i].ID || m.Qty != en.Movements[i].Qty || m.Part != en.Movements[i].Part {
					t.Fatalf("movement %d: %+v, English %+v", i, m, en.Movements[i])
				}
				if m.Reason != "" && m.Reason != en.Movements[i].Reason {
					reasons++
				}
				if englishWords.MatchString(m.Reason) {
					t.Errorf("movement %s in %s: reason %q", m.ID, tc.tag, m.Reason)
				}
			}
			if reasons == 0 {
				t.Errorf("%s: no movement's reason is in the language", tc.tag)
			}
			checkValid(t, ds)
			checkIntegrity(t, ds)
		})
	}
	if GenerateIn(3, size, testNow, "de").Locations[0].Name != en.Locations[0].Name {
		t.Error("a language the demo does not speak is not English")
	}
}

// TestWordsInEveryLanguage: every text of the world's words is given in
// each of the demo's languages.
func TestWordsInEveryLanguage(t *testing.T) {
	all := []texts{vanWord, vanBin, storeBin, vanRestock, storeRestock, delivery, orderedFor, shippedTo}
	for _, s := range storeSpecs {
		all = append(all, s.name)
	}
	for _, s := range warehouseSpecs {
		all = append(all, s.name)
	}
	for i, ws := range all {
		for _, l := range Languages {
			if strings.TrimSpace(ws[l]) == "" {
				t.Errorf("text %d (%q) has no %s", i, ws["en"], l)
			}
			if strings.Count(ws[l], "%s") != strings.Count(ws["en"], "%s") {
				t.Errorf("text %d in %s: %q takes other values than %q", i, l, ws[l], ws["en"])
			}
		}
	}
}

// TestPartNamesInEveryLanguage: every part of the catalog has its name in
// French, Spanish and Portuguese in a world of that language, from its
// type's name in it, so that a reader of one never reads the English name;
// every part type has them. A world carries the names of its own language
// only: an English or Chinese world none besides its parts' own two.
func TestPartNamesInEveryLanguage(t *testing.T) {
	for k := range partTypes {
		for _, pt := range partTypes[k] {
			if _, ok := typeNames[pt.en]; !ok {
				t.Errorf("part type %q has no names in %v", pt.en, otherLangs)
			}
		}
	}
	// Types a language names as English does (SSD; Brazilian Mouse).
	same := map[string][]string{}
	for en, ns := range typeNames {
		for i, l := range otherLangs {
			if ns[i] == en {
				same[l] = append(same[l], en)
			}
		}
	}
	size := Size{Models: 20, Parts: 300, Tickets: 50, Technicians: 4}
	for _, lang := range []string{"en", "zh-Hans"} {
		for _, p := range GenerateIn(3, size, testNow, lang).Parts {
			if len(p.Names) != 0 {
				t.Errorf("part %s in a world in %s: names %v, want none besides its own two", p.Number, lang, p.Names)
			}
		}
	}
	for _, l := range otherLangs {
		for _, p := range GenerateIn(3, size, testNow, l).Parts {
			if _, ok := p.Names[l]; !ok || len(p.Names) != 1 {
				t.Errorf("part %s in a world in %s: names %v, want its name in %s only", p.Number, l, p.Names, l)
				continue
			}
			n := p.NameFor(l)
			sameWord := false
			for _, en := range same[l] {
				sameWord = sameWord || strings.HasPrefix(p.NameEN, en+" ") || p.NameEN == en
			}
			if n == p.NameEN && !sameWord || strings.Contains(n, " rev. ") && l == "fr" {
				t.Errorf("part %s in %s: %q (English %q)", p.Number, l, n, p.NameEN)
			}
			if p.NameFor("zh-Hans") != p.NameZH || p.NameFor("en") != p.NameEN {
				t.Errorf("part %s: Chinese %q, English %q", p.Number, p.NameFor("zh-Hans"), p.NameFor("en"))
			}
		}
	}
}

// TestPartNamesSayNoWordTwice: a part's name in French, Spanish and
// Portuguese, its type's name then its variant's, never says a word twice
// in a row (walk4's Portuguese walk: the likely parts listed "Motor de
// acionamento acionamento direto inverter", the drive motor's type and its
// "direct drive" variant both translated as the drive; "Placa Wi-Fi Wi-Fi
// 6E" too).
func TestPartNamesSayNoWordTwice(t *testing.T) {
	size := Size{Models: 40, Parts: 600, Tickets: 10, Technicians: 2}
	for _, l := range otherLangs {
		for _, p := range GenerateIn(7, size, testNow, l).Parts {
			words := strings.Fields(strings.ToLower(p.Names[l]))
			for i := 1; i < len(words); i++ {
				if words[i] == unElided(words[i-1]) {
					t.Errorf("part %s in %s: %q says %q twice", p.Number, l, p.Names[l], words[i])
				}
			}
		}
	}
}
