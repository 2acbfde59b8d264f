package translations

// SizeUnit names a size's unit: the key of its text is "size." + unit
// ("size.mb"), a template of one value, Size.
type SizeUnit string

// The units a size is written in.
const (
	Bytes     SizeUnit = "bytes"
	Kilobytes SizeUnit = "kb"
	Megabytes SizeUnit = "mb"
)

// SizeEnglish is each unit's English text, the fallback of its key.
var SizeEnglish = map[SizeUnit]string{
	Bytes:     "{{.Size}}B",
	Kilobytes: "{{.Size}}KB",
	Megabytes: "{{.Size}}MB",
}

// Size is the one rule of sizes: n bytes in the largest unit (binary
// kilobytes and megabytes, as the limits are set) that leaves a whole
// number of at least 1, and that number as a reader of language writes
// it (Count, Fixed). A megabyte count keeps one decimal unless it is
// whole: 1.5MB, 50MB, 1’234,5Mo. The unit's text, "size."+unit in each
// language, glues the number to its unit (312Ko, 1,5Mo, 50MB): Fyne
// breaks a line at every Unicode space, the no-break ones included
// (unicode.IsSpace in widget/richtext.go's word wrap) [2.7.1], so
// "312 Ko" could end a line on 312 and start the next with Ko.
func Size(language string, n int64) (unit SizeUnit, number string) {
	switch {
	case n >= 1<<20:
		return Megabytes, oneDecimal(language, (n/(1<<10)*10+1<<9)>>10)
	case n >= 1<<10:
		return Kilobytes, Count(language, n>>10)
	}
	return Bytes, Count(language, n)
}

// Size is n bytes written in the catalog's language, by the package's Size.
func (c *Catalog) Size(n int64) string {
	unit, number := Size(c.lang, n)
	return c.Text("size."+string(unit), SizeEnglish[unit], map[string]any{"Size": number})
}
