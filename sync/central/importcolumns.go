package central

import (
	"encoding/csv"
	"io"

	"github.com/fieldbench/fieldbench/app"
)

// ImportColumn is a column of an import's CSV file, as the parser reads it
// and as the console shows it and writes it in the example file.
type ImportColumn struct {
	Name     string // as the header row names it (read without regard to case)
	Required bool
	Example  string // the value in the example file's row
	// Key and Message say what the column holds: a translation key and its
	// English text.
	Key, Message string
}

// importColumns are the columns of each import, in the example file's
// order. A column named name_<tag> or legal_basis_<tag> stands for one per
// language; the example names one (zh-Hans).
var importColumns = map[string][]ImportColumn{
	ImportParts: {
		{Name: "number", Required: true, Example: "MB-P60-01", Key: "import.column.parts.number", Message: "The part number; each number once in the file."},
		{Name: "name_en", Required: true, Example: "Mainboard P60", Key: "import.column.parts.name_en", Message: "The part's name in English."},
		{Name: "name_zh", Example: "P60 主板", Key: "import.column.parts.name_zh", Message: "The part's name in Chinese."},
		{Name: "name_fr", Example: "Carte mère P60", Key: "import.column.parts.name_fr", Message: "The part's name in French."},
		{Name: "name_es", Example: "Placa base P60", Key: "import.column.parts.name_es", Message: "The part's name in Spanish."},
		{Name: "name_pt", Example: "Placa-mãe P60", Key: "import.column.parts.name_pt", Message: "The part's name in Portuguese; another language's name goes in name_ and its tag (name_de)."},
		{Name: "category", Example: "phone", Key: "import.column.parts.category", Message: "The product category it fits: phone, appliance, pc or server."},
		{Name: "class", Required: true, Example: "main", Key: "import.column.parts.class", Message: "Which warranty period covers it: unit, main, battery or accessory."},
		{Name: "brand", Example: "Huawei", Key: "import.column.parts.brand", Message: "The brand of the products it fits."},
		{Name: "models", Example: "P60; P60 Pro", Key: "import.column.parts.models", Message: "The models it fits, separated by semicolons."},
		{Name: "serialized", Example: "yes", Key: "import.column.parts.serialized", Message: "yes when each piece has its own serial number; empty means no."},
		{Name: "return_needed", Example: "yes", Key: "import.column.parts.return_needed", Message: "yes when the replaced piece goes back to the brand; empty means no."},
		{Name: "prices", Example: "CNY 899.00; EUR 115.00", Key: "import.column.parts.prices", Message: "Its prices, a currency code and an amount each, separated by semicolons."},
	},
	ImportStock: {
		{Name: "location", Required: true, Example: "wh-main", Key: "import.column.stock.location", Message: "The ID of the store, van or warehouse that received the stock."},
		{Name: "part", Required: true, Example: "MB-P60-01", Key: "import.column.stock.part", Message: "The part number, as in the catalog."},
		{Name: "qty", Required: true, Example: "1", Key: "import.column.stock.qty", Message: "How many were received: a whole number from 1 to 1,000,000 (1 with a serial number)."},
		{Name: "serial", Example: "SN-2026-000123", Key: "import.column.stock.serial", Message: "The piece's serial number, for a serialized part."},
		{Name: "reason", Example: "delivery 4711", Key: "import.column.stock.reason", Message: "Why it came in, such as the delivery note's number."},
		{Name: "id", Example: "delivery-4711-1", Key: "import.column.stock.id", Message: "A unique ID for the row; empty, one is made from the file and the line, so the same file imported twice adds nothing."},
	},
	ImportRules: {
		{Name: "rule_set", Required: true, Example: "cn-phones", Key: "import.column.rules.rule_set", Message: "The rule set's ID; its rows repeat it with the same rule set columns."},
		{Name: "version", Required: true, Example: "1", Key: "import.column.rules.version", Message: "The rule set's version, a whole number; a higher one replaces the older."},
		{Name: "country", Required: true, Example: "CN", Key: "import.column.rules.country", Message: "The two-letter country code where the rules apply."},
		{Name: "currency", Required: true, Example: "CNY", Key: "import.column.rules.currency", Message: "The three-letter currency of its prices."},
		{Name: "name_en", Required: true, Example: "China, phones", Key: "import.column.rules.name_en", Message: "The rule set's name in English."},
		{Name: "name_zh-Hans", Example: "中国手机保修", Key: "import.column.rules.name_tag", Message: "Its name in another language: name_ and the language tag (name_fr, name_es, name_pt)."},
		{Name: "tax_basis_points", Example: "1300", Key: "import.column.rules.tax_basis_points", Message: "The tax rate in hundredths of a percent: 1300 is 13%."},
		{Name: "tax_name", Example: "VAT", Key: "import.column.rules.tax_name", Message: "The tax's name on documents."},
		{Name: "labour_rate", Example: "CNY 80.00", Key: "import.column.rules.labour_rate", Message: "The labour rate per hour outside warranty."},
		{Name: "call_out_fee", Example: "CNY 50.00", Key: "import.column.rules.call_out_fee", Message: "The call-out fee of an on-site visit outside warranty."},
		{Name: "category", Required: true, Example: "phone", Key: "import.column.rules.category", Message: "The product category of the rule: phone, appliance, pc or server."},
		{Name: "brand", Example: "Huawei", Key: "import.column.rules.brand", Message: "The brand the rule is for; empty for every brand."},
		{Name: "model", Example: "P60", Key: "import.column.rules.model", Message: "The model the rule is for; empty for every model."},
		{Name: "unit_months", Required: true, Example: "12", Key: "import.column.rules.unit_months", Message: "The warranty on the whole product, in months."},
		{Name: "main_months", Example: "24", Key: "import.column.rules.main_months", Message: "The warranty on main components, in months."},
		{Name: "battery_months", Example: "6", Key: "import.column.rules.battery_months", Message: "The warranty on the battery, in months."},
		{Name: "accessory_months", Example: "3", Key: "import.column.rules.accessory_months", Message: "The warranty on accessories, in months."},
		{Name: "no_proof_grace_days", Example: "15", Key: "import.column.rules.no_proof_grace_days", Message: "Without proof of purchase, the warranty counts from the manufacture date plus these days; empty or 0: no cover without proof."},
		{Name: "refund_days", Example: "7", Key: "import.column.rules.refund_days", Message: "Days after purchase when a fault gives the right to a refund."},
		{Name: "exchange_days", Example: "15", Key: "import.column.rules.exchange_days", Message: "Days after purchase when a fault gives the right to an exchange."},
		{Name: "exclusions", Example: "liquid_damage; physical_damage", Key: "import.column.rules.exclusions", Message: "What the warranty does not cover, separated by semicolons: liquid_damage, physical_damage, unauthorized_repair."},
		{Name: "legal_basis", Example: "Three Guarantees rules for mobile phones", Key: "import.column.rules.legal_basis", Message: "The rule's legal basis in English, printed on documents."},
		{Name: "legal_basis_zh-Hans", Example: "移动电话机商品修理更换退货责任规定", Key: "import.column.rules.legal_basis_tag", Message: "Its legal basis in another language: legal_basis_ and the language tag."},
	},
}

// errUnknownImport refuses an import that is not one of ImportKinds.
func errUnknownImport(what string) error {
	return app.Errorf(app.ENOTFOUND, "import.unknown", "Unknown import {{.What}}: use parts, stock or rules.", "What", what)
}

// ImportColumns returns the columns of an import (one of ImportKinds) in
// their order.
func ImportColumns(what string) ([]ImportColumn, error) {
	cols, ok := importColumns[what]
	if !ok {
		return nil, errUnknownImport(what)
	}
	return cols, nil
}

// requiredColumns are the names of an import's required columns.
func requiredColumns(what string) []string {
	var names []string
	for _, c := range importColumns[what] {
		if c.Required {
			names = append(names, c.Name)
		}
	}
	return names
}

// WriteImportExample writes an example file of an import: the header
// naming every column and one row of their examples, as UTF-8 with
// Excel's byte order mark (which Import accepts), so that a spreadsheet
// opens its Chinese text as it is. Imported as it is, it is accepted
// (a stock file once its part and location exist).
func WriteImportExample(w io.Writer, what string) error {
	cols, err := ImportColumns(what)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	header := make([]string, len(cols))
	row := make([]string, len(cols))
	for i, c := range cols {
		header[i], row[i] = c.Name, c.Example
	}
	cw := csv.NewWriter(w)
	cw.WriteAll([][]string{header, row})
	return cw.Error()
}
