package translations

import (
	"strings"
	"testing"
)

// TestProductPhoneIsNotTheCustomersPhone: the check-in form names the
// product's category and the customer's phone number on one screen; the
// two have words of their own. Spanish said "Teléfono" for both (walk4):
// the product is a "celular", as Latin-American Spanish calls it (and
// Portuguese and Chinese already did: Celular/Telefone, 手机/电话).
// English and French keep one word, "Phone"/"Téléphone", read apart by
// their place on the form.
func TestProductPhoneIsNotTheCustomersPhone(t *testing.T) {
	for _, lang := range []string{"es", "pt", "zh-Hans"} {
		texts := formsOf(t, lang)
		product := texts["category.phone"][0]
		for _, key := range []string{"checkin.phone", "report.phone", "console.ticket.phone", "console.board.phone"} {
			if texts[key][0] == product {
				t.Errorf("%s.json category.phone and %s both say %q: the product and the customer's number read as one", lang, key, product)
			}
		}
	}
	// The IMEI is the product's: "compare it with the phone's" names it.
	for key, forms := range formsOf(t, "es") {
		for _, s := range forms {
			if strings.Contains(strings.ToLower(s), "del teléfono (marque") {
				t.Errorf("es.json %s names the product \"teléfono\"; the product is the celular: %s", key, s)
			}
		}
	}
	if s := formsOf(t, "es")["checkin.imei_mistyped"][0]; !strings.Contains(s, "celular") {
		t.Errorf("es.json checkin.imei_mistyped does not name the product as its category does (celular): %s", s)
	}
}

// TestPortugueseCannotCompleteIsAState: "Cannot complete" is a step the
// technician takes and the state a ticket is left in, not an error; pt
// said "Não foi possível concluir" ("it could not be completed"), which
// reads as the app failing. The button, the state and the texts quoting
// them say one name.
func TestPortugueseCannotCompleteIsAState(t *testing.T) {
	texts := formsOf(t, "pt")
	name := texts["status.cannot_complete"][0]
	if texts["action.fail"][0] != name {
		t.Errorf("pt.json action.fail %q and status.cannot_complete %q differ", texts["action.fail"][0], name)
	}
	for key, forms := range texts {
		for _, s := range forms {
			if strings.Contains(strings.ToLower(s), "foi possível concluir") {
				t.Errorf("pt.json %s says \"não foi possível concluir\", which reads as an error; the state is %q: %s", key, name, s)
			}
		}
	}
	for _, key := range []string{"ticket.cancel_dispatch_only", "console.numbers.def.ftf", "console.numbers.def.onsite"} {
		if !strings.Contains(strings.ToLower(texts[key][0]), strings.ToLower(name)) {
			t.Errorf("pt.json %s does not name the state as it shows (%q): %s", key, name, texts[key][0])
		}
	}
}

// TestReportNamesFittedPartsWithTheDialogsVerb: the service report, the
// claims export and the parts card name fitted parts with the add-part
// dialog's verb (TestFittingAPartSaysOneVerb): the Spanish report said
// "Repuestos montados" under a button "Instalar repuesto", the French
// "Pièces posées" under "Monter la pièce". Chinese heads the report's list
// 更换备件 (parts replaced), as Chinese service reports do.
func TestReportNamesFittedPartsWithTheDialogsVerb(t *testing.T) {
	verbs := map[string]string{"en": "fit", "es": "instal", "fr": "mont", "pt": "instal"}
	for lang, verb := range verbs {
		texts := formsOf(t, lang)
		for _, key := range []string{"report.parts", "report.serial_fitted", "report.no_parts", "claims.col.parts", "parts.none"} {
			if lang == "fr" && key == "claims.col.parts" {
				// The office's claims export, a brand's column name its
				// importers match (sync/central's, not changed here).
				continue
			}
			if s := texts[key][0]; !strings.Contains(strings.ToLower(s), verb) {
				t.Errorf("%s.json %s does not say %q, the add-part dialog's verb: %s", lang, key, verb, s)
			}
		}
	}
}

// TestSpanishWritesAngleQuotes: Spanish quotes with comillas angulares,
// «así», as its typography does first; es had 43 texts with «» beside 12
// with “” (the scan lines, a transition's action), so one screen showed
// both. The ASCII quote stays where a text names the character itself
// (an import's CSV rules) or gives a command to type, as the shell needs it.
func TestSpanishWritesAngleQuotes(t *testing.T) {
	typed := map[string]bool{
		"import.row.bare_quote": true, "import.row.quote": true, // name the character
		"central.console_user.no_password": true, // printf '%s\n' "$PASSWORD"
	}
	for key, forms := range formsOf(t, "es") {
		for _, text := range forms {
			words := code.ReplaceAllString(text, " ")
			if strings.ContainsAny(words, "“”‘’„") {
				t.Errorf("es.json %s quotes with “” or ‘’; Spanish writes «»: %s", key, text)
			}
			if !typed[key] && strings.ContainsAny(words, "\"'") {
				t.Errorf("es.json %s quotes with an ASCII quote; Spanish writes «»: %s", key, text)
			}
			if strings.Count(words, "«") != strings.Count(words, "»") {
				t.Errorf("es.json %s opens and closes a different number of «»: %s", key, text)
			}
		}
	}
}
