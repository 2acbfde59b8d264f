package translations

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestFilesParse(t *testing.T) {
	if err := Check(); err != nil {
		t.Fatal(err)
	}
	want := []string{"en", "es", "fr", "pt", "zh-Hans"}
	got := Languages()
	if len(got) != len(want) {
		t.Fatalf("Languages() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Languages() = %v, want %v", got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct{ tag, want string }{
		{"", "en"},
		{"en", "en"},
		{"en-GB", "en"},
		{"zh", "zh-Hans"},
		{"zh-CN", "zh-Hans"},
		{"zh_Hans_CN", "zh-Hans"},
		{"zh-TW", "zh-Hans"},
		{"ZH-HANS", "zh-Hans"},
		{"pt-BR", "pt"},
		{"fr-CA", "fr"},
		{"es-419", "es"},
		{"de-DE", "en"},
		{"x", "en"},
	} {
		if got := Match(tc.tag); got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.tag, got, tc.want)
		}
	}
}

// TestAnnounced: every Portuguese an environment names is announced as
// Brazil's, the one locale its words are registered under; any other
// language, translated or not, stays as it is (a German system is not
// told it is English).
func TestAnnounced(t *testing.T) {
	for _, tc := range []struct{ language, want string }{
		{"pt", "pt_BR"},
		{"pt_PT", "pt_BR"},
		{"pt-BR", "pt_BR"},
		{"PT", "pt_BR"},
		{"pt_BR", "pt_BR"},
		{"zh_CN", "zh_CN"},
		{"fr", "fr"},
		{"en_GB", "en_GB"},
		{"de_DE", "de_DE"},
		{"C", "C"},
	} {
		if got := Announced(tc.language); got != tc.want {
			t.Errorf("Announced(%q) = %q, want %q", tc.language, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	zh := For("zh-CN")
	if zh.Lang() != "zh-Hans" {
		t.Fatalf("For(zh-CN).Lang() = %q", zh.Lang())
	}
	// A key of the real files, filled with data.
	en := For("en").Text("action.close_title", "x", map[string]any{"Number": "T-1"})
	if en != "Hand back and close T-1?" {
		t.Errorf("en text = %q", en)
	}
	if got := zh.Text("action.close_title", "x", map[string]any{"Number": "T-1"}); got == en || got == "x" || !strings.Contains(got, "T-1") {
		t.Errorf("zh text = %q, want a Chinese text naming T-1", got)
	}
	// A key no language has falls back to the given English, filled.
	if got := zh.Text("no.such.key", "Ticket {{.Number}}", map[string]any{"Number": "7"}); got != "Ticket 7" {
		t.Errorf("fallback = %q", got)
	}
	// Missing data leaves no "<no value>" in text for people.
	if got := For("en").Text("no.such.key", "Ticket {{.Number}}.", nil); got != "Ticket ." {
		t.Errorf("missing data = %q", got)
	}
}

func TestPlural(t *testing.T) {
	key := "conflicts.ticket_changes"
	for _, tc := range []struct {
		lang  string
		count int
		form  string
	}{
		{"en", 1, "one"}, {"en", 0, "other"}, {"en", 2, "other"},
		{"fr", 0, "one"}, {"fr", 1, "one"}, {"fr", 2, "other"},
		{"pt", 1, "one"}, {"es", 1, "one"}, {"es", 0, "other"},
		{"zh-Hans", 1, "other"},
	} {
		c := For(tc.lang)
		want := c.msgs[key].plural[tc.form]
		if want == "" {
			want = c.msgs[key].plural["other"]
		}
		got := c.Plural(key, "x", tc.count, map[string]any{"Number": "N"})
		if got == "" || got == "x" {
			t.Errorf("%s/%d: %q", tc.lang, tc.count, got)
			continue
		}
		want = strings.NewReplacer("{{.Number}}", "N", "{{.Count}}", strconv.Itoa(tc.count)).Replace(want)
		if got != want {
			t.Errorf("%s/%d: got %q, want form %q (%q)", tc.lang, tc.count, got, tc.form, want)
		}
	}
}

// TestChineseAddressesTheUserAsNin: the Chinese texts address their reader
// one way, 您, as a professional tool and most of these texts do; one
// screen said 你 and the next 您 (the sync page's conflicts and its
// changes still to send).
func TestChineseAddressesTheUserAsNin(t *testing.T) {
	b, err := files.ReadFile("zh-Hans.json")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "你") {
			t.Errorf("zh-Hans.json:%d says 你, not 您: %s", i+1, line)
		}
	}
}

// TestPercentSignAsEachLanguageWritesIt: a percentage reads as its
// language writes it: 62% in English, Chinese and Portuguese; in the
// console's and the imports' texts, which a browser lays out, 62 % in
// French with a narrow no-break space (U+202F) and in Spanish with a
// no-break space (U+00A0), so that the sign never wraps onto a line of its
// own. The terminal's French and Spanish texts glue the sign to its number
// (62%), as their ; ! ? : are glued: Fyne 2.7.1 breaks a line at any
// Unicode space, no-break ones too, and "peu probable, 22" ended a likely
// part's row with its "%" alone on the next. The console's SLA chart had
// said "Target 90%" above "a target of 90 %".
func TestPercentSignAsEachLanguageWritesIt(t *testing.T) {
	// A number or a placeholder, what stands between it and the sign,
	// and the sign.
	percent := regexp.MustCompile(`([0-9]|\}\})([\s\x{00a0}\x{202f}]*)%`)
	browser := map[string]string{"en": "", "zh-Hans": "", "pt": "", "fr": "\u202f", "es": "\u00a0"}
	for lang, inBrowser := range browser {
		for key, forms := range formsOf(t, lang) {
			want := ""
			if strings.HasPrefix(key, "console.") || strings.HasPrefix(key, "import.") {
				want = inBrowser
			}
			for _, text := range forms {
				for _, m := range percent.FindAllStringSubmatch(text, -1) {
					if m[2] != want {
						t.Errorf("%s.json %s writes %q before %%, want %q: %s", lang, key, m[2], want, text)
					}
				}
			}
		}
	}
}

// TestPortugueseIsBrazilian: pt is Brazilian Portuguese, the variety of the
// texts' own words (chamado, nota fiscal, celular, usuário); Portugal's words
// for the same things had crept in beside them, so a counter clerk in São
// Paulo read "stock" on one page and "estoque" on the next. Each word below
// is one Brazil does not use for what these texts mean, with the Brazilian
// word the file says instead.
func TestPortugueseIsBrazilian(t *testing.T) {
	european := map[string]string{ // a whole word, lower case
		"stock": "estoque", "ecrã": "tela", "ecrãs": "telas",
		"telemóvel": "celular", "telemóveis": "celulares",
		"utilizador": "usuário", "utilizadores": "usuários",
		"ficheiro": "arquivo", "ficheiros": "arquivos",
		"equipa": "equipe", "equipas": "equipes",
		"receção": "recepção, recebimento", "receções": "recepções",
		"carrinha": "van", "carrinhas": "vans",
		"morada": "endereço", "moradas": "endereços",
		"consola": "console", "facto": "fato", "acção": "ação", "actual": "atual",
		"autocarro": "ônibus",
	}
	prefixes := map[string]string{ // a word that begins so
		"registad": "registrad-", "registo": "registro", "registar": "registrar",
		"emparelh": "parear, pareamento", "contact": "contato, contatar",
	}
	for key, forms := range formsOf(t, "pt") {
		for _, s := range forms {
			// "stock" the import kind is a name typed as it is, glossed.
			s = strings.ReplaceAll(s, "stock (estoque)", "")
			for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
				if br, ok := european[w]; ok {
					t.Errorf("pt.json %s says %q, European Portuguese; Brazil says %s: %s", key, w, br, s)
				}
				for p, br := range prefixes {
					if strings.HasPrefix(w, p) {
						t.Errorf("pt.json %s says %q, European Portuguese; Brazil says %s: %s", key, w, br, s)
					}
				}
			}
		}
	}
}

// formsOf returns each text of lang.json, every plural form apart, by key.
func formsOf(t *testing.T, lang string) map[string][]string {
	t.Helper()
	b, err := files.ReadFile(lang + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	texts := make(map[string][]string, len(raw))
	for key, r := range raw {
		var one string
		if json.Unmarshal(r, &one) == nil {
			texts[key] = []string{one}
			continue
		}
		var plural map[string]string
		if err := json.Unmarshal(r, &plural); err != nil {
			t.Fatalf("%s.json %s: %v", lang, key, err)
		}
		for _, s := range plural {
			texts[key] = append(texts[key], s)
		}
	}
	return texts
}

// textsOf returns each text of lang.json, every plural form apart, by key,
// with its placeholders ({{.Ticket}}) taken out: they are names for the
// program, not words for people.
func textsOf(t *testing.T, lang string) map[string][]string {
	t.Helper()
	placeholder := regexp.MustCompile(`\{\{[^}]*\}\}`)
	texts := formsOf(t, lang)
	for key, forms := range texts {
		for i, s := range forms {
			forms[i] = placeholder.ReplaceAllString(s, " ")
		}
		texts[key] = forms
	}
	return texts
}

// ruledOutWords reports each whole word of lang's texts that the glossary
// (GLOSSARY.md) rules out, with the word the language says instead; kept
// is text typed as it is (a command, an import kind), taken out first.
func ruledOutWords(t *testing.T, lang string, ruledOut map[string]string, kept []string) {
	t.Helper()
	for key, forms := range textsOf(t, lang) {
		for _, s := range forms {
			for _, k := range kept {
				s = strings.ReplaceAll(s, k, " ")
			}
			for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
				if say, ok := ruledOut[w]; ok {
					t.Errorf("%s.json %s says %q; the glossary says %s: %s", lang, key, w, say, s)
				}
			}
		}
	}
}

// ruledOutPhrases reports each phrase (lower case, anywhere in a text) of
// lang's texts that the glossary rules out.
func ruledOutPhrases(t *testing.T, lang string, ruledOut map[string]string) {
	t.Helper()
	for key, forms := range textsOf(t, lang) {
		for _, s := range forms {
			for p, say := range ruledOut {
				if strings.Contains(strings.ToLower(s), p) {
					t.Errorf("%s.json %s says %q; the glossary says %s: %s", lang, key, p, say, s)
				}
			}
		}
	}
}

// TestSpanishSaysOneWordForOneThing: es is neutral Latin-American Spanish
// with one word for each thing (GLOSSARY.md). The contact form said
// "Despacho ve el cambio…" and the sync page "Usted y coordinación
// cambiaron…", two names for dispatch; the console said "ticket" where the
// device said "orden", "pieza" beside "repuesto", and Spain's "furgoneta",
// "ordenador" and "Introduzca".
func TestSpanishSaysOneWordForOneThing(t *testing.T) {
	ruledOutWords(t, "es", map[string]string{
		"coordinación": "el despacho",
		"ticket":       "orden", "tickets": "órdenes",
		"pieza": "repuesto", "piezas": "repuestos",
		"furgoneta": "camioneta", "furgonetas": "camionetas",
		"vehículo": "camioneta", "vehículos": "camionetas",
		"stock": "inventario", "existencias": "inventario",
		"ordenador": "computadora", "ordenadores": "computadoras",
		"introduzca": "ingrese", "fichero": "archivo", "ficheros": "archivos",
	}, []string{
		// What the operator types: the central command and an import's kind.
		"central admin tickets", "central admin customer TICKET", "parts, stock o rules",
	})
	ruledOutPhrases(t, "es", map[string]string{
		// A till is a caja too: the defective bin is a contenedor.
		"caja de defectuosos": "contenedor de defectuosos", "en la caja": "en el contenedor (de la caja: a parcel's box)",
	})
	// Dispatch is "el despacho", with its article: a bare "despacho" is
	// how the contact form came to say "Despacho ve el cambio".
	bare := regexp.MustCompile(`(?i)(^|\p{L}+\s+|[^\p{L}\s]\s*)despacho\b`)
	for key, forms := range textsOf(t, "es") {
		for _, s := range forms {
			for _, m := range bare.FindAllStringSubmatch(s, -1) {
				switch strings.ToLower(strings.TrimSpace(m[1])) {
				case "el", "del", "al":
				default:
					t.Errorf("es.json %s says %q without its article; say el despacho: %s", key, strings.TrimSpace(m[0]), s)
				}
			}
		}
	}
}

// TestSpanishAndPortugueseArticlesAgree: "todos"/"todas" (pt also) take
// the article of their gender, and an orden (a ticket) is feminine: the
// console's figures said "Todos las órdenes del periodo".
func TestSpanishAndPortugueseArticlesAgree(t *testing.T) {
	wrong := map[string]*regexp.Regexp{
		"es": regexp.MustCompile(`(^|[^\p{L}])(todos\s+las|todas\s+los|los\s+órdenes|unos\s+órdenes|estos\s+órdenes)([^\p{L}]|$)`),
		"pt": regexp.MustCompile(`(^|[^\p{L}])(todos\s+as|todas\s+os)([^\p{L}]|$)`),
	}
	for lang, re := range wrong {
		for key, forms := range textsOf(t, lang) {
			for _, s := range forms {
				if m := re.FindStringSubmatch(strings.ToLower(s)); m != nil {
					t.Errorf("%s.json %s says %q, whose words disagree in gender: %s", lang, key, m[2], s)
				}
			}
		}
	}
}

// TestFrenchSaysOneWordForOneThing: fr is France's French with one word for
// each thing (GLOSSARY.md): a van was "camionnette" on one console page and
// "véhicule" on the next, a shipment "envoi" and "expédition", a warranty
// claim "demande de garantie" on the report and "réclamation" (a
// complaint, to a French reader) on the console; "ticket" also named a
// card slip and a claim tag, and "le répartiteur" the dispatch team.
func TestFrenchSaysOneWordForOneThing(t *testing.T) {
	ruledOutWords(t, "fr", map[string]string{
		"véhicule": "camionnette", "véhicules": "camionnettes",
		"fourgon": "camionnette", "fourgonnette": "camionnette",
		"expédition": "envoi (expédier, the verb, stays)", "expéditions": "envois",
		"réclamation": "demande de garantie", "réclamations": "demandes de garantie",
	}, nil)
	ruledOutPhrases(t, "fr", map[string]string{
		// A dispatcher is "un répartiteur"; the team is "le dispatch".
		"le répartiteur": "le dispatch", "au répartiteur": "au dispatch", "du répartiteur": "du dispatch",
		"planification": "le dispatch",
		// A ticket is the job, and only the job.
		"ticket de retrait": "étiquette de dépôt", "numéro de ticket": "facturette (a card slip)",
		"ticket de caisse":  "reçu",
		"bac de défectueux": "bac de pièces défectueuses", "bac des pièces": "bac de pièces défectueuses",
		"bac de retour": "bac de pièces défectueuses",
	})
}

// TestChineseSaysOneWordForOneThing: zh-Hans is mainland China's Chinese
// with one word for each thing (GLOSSARY.md): a part was 备件, 配件 and
// 零件 (配件 is an accessory, 附件 here), a technician 技术员 on one
// page and 技师 on the next, a van 服务车 and 车辆, the defective bin
// 坏件箱 and 故障件库位, a shipment 发货单, 货件 and 发运, the central
// service 服务器 and 服务端. Chinese has no spaces, so a ruled-out word
// is found anywhere in a text.
func TestChineseSaysOneWordForOneThing(t *testing.T) {
	ruledOutPhrases(t, "zh-Hans", map[string]string{
		"配件": "备件 (an accessory is 附件)", "零件": "备件", "料号": "备件编号",
		"技术员": "技师", "工程师": "技师",
		"车辆": "服务车",
		"坏件": "故障件, 故障件箱", "故障件库位": "故障件箱",
		"返还": "退回", "返厂": "退回", "返修件": "待退回故障件 (a defective part waiting to go back)",
		"货件": "发货单", "发运": "发货单, 发货",
		"服务端": "服务器",
		"派工":  "调度 (dispatch), 指派 (assign)",
		"柜台":  "前台",
	})
}

// TestFittingAPartSaysOneVerb: the add-part dialog's button, the question
// a part the stock lacks asks and its answers, and the unit notes under
// the serial box name fitting with one verb. Spanish asked "¿montar…?"
// with "No montar" and "Montar de todos modos" after "Instalar repuesto"
// was tapped, and French "Monter quand même" after "Poser la pièce"
// (walk4's Spanish counter walk): a newcomer wonders whether "montar" is
// another step.
func TestFittingAPartSaysOneVerb(t *testing.T) {
	verbs := map[string]string{"en": "fit", "es": "instal", "fr": "mont", "pt": "instal", "zh-Hans": "装"}
	keys := []string{"parts.fit", "parts.fit_anyway", "parts.dont_fit", "parts.short", "part.fit_to", "parts.none_fit",
		"parts.unit_fitted_elsewhere", "parts.unit_fitted_removed", "parts.units_heading"}
	for lang, verb := range verbs {
		texts := formsOf(t, lang)
		for _, key := range keys {
			forms, ok := texts[key]
			if !ok {
				t.Errorf("%s.json has no %s", lang, key)
			}
			for _, s := range forms {
				if !strings.Contains(strings.ToLower(s), verb) {
					t.Errorf("%s.json %s does not say %q, the verb of the add-part dialog's button: %s", lang, key, verb, s)
				}
			}
		}
	}
}

// TestChineseCountsTouchTheirMeasureWord: a Chinese number stands against
// its measure word or unit, 3个, 12件, 5分钟, as Chinese writes it; 235
// texts had "{{.Count}} 个", and Fyne breaks a line at that space, so a
// count could end one line and its 个 start the next. 第 and its number
// are one word as well (4 texts had "第 {{.Version}}").
func TestChineseCountsTouchTheirMeasureWord(t *testing.T) {
	counted := regexp.MustCompile(`(\{\{\.[A-Za-z.]+\}\}|[0-9])[\s\x{00a0}\x{202f}]+(百万像素|字节|像素|小时|分钟|个|件|张|条|种|项|笔|份|位|处|行|天|分|秒|版|次|名|页|台|箱|周|年|月)`)
	// An ordinal's 第 touches its number too: 第1版, 第12行.
	ordinal := regexp.MustCompile(`第[\s\x{00a0}\x{202f}]+(\{\{\.[A-Za-z.]+\}\}|[0-9])`)
	for key, forms := range formsOf(t, "zh-Hans") {
		for _, text := range forms {
			for _, m := range append(counted.FindAllString(text, -1), ordinal.FindAllString(text, -1)...) {
				t.Errorf("zh-Hans.json %s keeps a space in %q: %s", key, m, text)
			}
		}
	}
}

// TestChineseCountsTouchTheirWords: a Chinese count stands against the
// words on both sides of it, 有3个, 最多20个字符, 1到{{.Max}}, 已完成5/12个,
// as mainland screens write it: 131 texts had "有 {{.Count}}个", and Fyne
// breaks a line only at a space while there is one to break at
// (findSpaceIndex in widget/richtext.go; without one it breaks between
// any two runes) [2.7.1], so a phone ended a line on 有 or 最多 and put
// the count on the next. A count is a whole number written in the text,
// or a value a measure word follows somewhere in the file (or 第
// precedes). The spaces kept are those beside Latin words and names
// (工单 {{.Number}} 已关闭), where a line may break.
func TestChineseCountsTouchTheirWords(t *testing.T) {
	// Their number is an amount of money (a Total) or a header's name, not
	// a count: Chinese keeps a space beside a currency code (US$12.00).
	notCounts := map[string]bool{
		"estimate.exceeded": true, "estimate.exceeded_text": true, "estimate.needed": true,
		"estimate.needed_text": true, "warranty.total": true, "sign.what": true,
		"sync.bad_app_version": true,
	}
	texts := formsOf(t, "zh-Hans")
	measured := regexp.MustCompile(`\{\{\.([A-Za-z]+)\}\}(?:百万像素|字节|像素|小时|分钟|毫米|个|件|张|条|种|项|笔|份|位|处|行|天|分|秒|版|次|名|页|台|箱|周|年|月)|第\{\{\.([A-Za-z]+)\}\}`)
	// A Duration is a count with its unit (2小时, 3天): 剩余2小时.
	counts := map[string]bool{"Count": true, "Max": true, "Min": true, "Total": true, "Shown": true, "N": true, "Duration": true}
	// A size is a count with its unit glued on (translations.Size: 288B,
	// 1.5MB): it touches its words as a count does. The sync page said
	// "已发送 288B" (the lead's walk), and the limits "超过 50MB".
	for _, size := range []string{"Size", "MaxSize", "HeldSize", "Up", "Down", "Photos"} {
		counts[size] = true
	}
	for _, forms := range texts {
		for _, text := range forms {
			for _, m := range measured.FindAllStringSubmatch(text, -1) {
				counts[m[1]+m[2]] = true
			}
		}
	}
	token := regexp.MustCompile(`\{\{\.([A-Za-z]+)\}\}|[0-9][0-9,]*`)
	ratio := regexp.MustCompile(`(\}\}|[0-9])[ \x{00a0}\x{202f}]+/|/[ \x{00a0}\x{202f}]+(\{\{|[0-9])`)
	space := func(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' }
	chinese := func(r rune) bool {
		return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef || strings.ContainsRune("“”‘’…", r)
	}
	// partOfWord: a rune that makes digits part of a code, a date, a time
	// or a decimal (A4, 2026-11-27, 14:30, 1234.50, 13%), not a count.
	partOfWord := func(r rune) bool {
		return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".,:/%+-", r))
	}
	for key, forms := range texts {
		if notCounts[key] {
			continue
		}
		for _, text := range forms {
			rs := []rune(text)
			for _, loc := range token.FindAllStringSubmatchIndex(text, -1) {
				from, to := utf8.RuneCountInString(text[:loc[0]]), utf8.RuneCountInString(text[:loc[1]])
				if loc[2] >= 0 && !counts[text[loc[2]:loc[3]]] ||
					loc[2] < 0 && (from > 0 && partOfWord(rs[from-1]) || to < len(rs) && partOfWord(rs[to])) {
					continue
				}
				l := from
				for l > 0 && space(rs[l-1]) {
					l--
				}
				r := to
				for r < len(rs) && space(rs[r]) {
					r++
				}
				if l < from && l > 0 && chinese(rs[l-1]) || r > to && r < len(rs) && chinese(rs[r]) {
					t.Errorf("zh-Hans.json %s: a space parts the count %s from its words: %s", key, string(rs[from:to]), text)
				}
			}
			if m := ratio.FindString(text); m != "" {
				t.Errorf("zh-Hans.json %s: a space parts a count from its %q: %s", key, m, text)
			}
		}
	}
}
