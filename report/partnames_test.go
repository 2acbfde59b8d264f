package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// TestServiceReportNamesPartsInTheCustomersLanguage: a French, Spanish or
// Portuguese customer reads the parts fitted and the charge lines under
// the catalog's name in their language (name_fr, name_es, name_pt); they
// read the English name before, the report carrying only name_en and
// name_zh. English and Chinese customers read name_en and name_zh.
func TestServiceReportNamesPartsInTheCustomersLanguage(t *testing.T) {
	needTool(t, "pdftotext")
	ds, tickets := demoTickets(t)
	d := tickets[app.KindOnSite]
	prefix := map[string]string{"fr": "Pièce détachée ", "es": "Pieza suelta ", "pt": "Peça avulsa "}
	for lang, tag := range languages {
		t.Run(lang, func(t *testing.T) {
			d := d
			d.Ticket.Customer.Language = tag
			d.Photos = nil
			in := demo.ReportInput(ds, d)
			for n, p := range in.Catalog {
				p.Names = map[string]string{"fr": prefix["fr"] + p.NameEN, "es": prefix["es"] + p.NameEN, "pt": prefix["pt"] + p.NameEN}
				in.Catalog[n] = p
			}
			r := app.BuildServiceReport(in)
			text := squash(reportText(t, r))
			for _, u := range d.Parts {
				p := in.Catalog[u.Part]
				want := prefix[lang] + p.NameEN
				switch lang {
				case "en":
					want = p.NameEN
				case "zh-Hans":
					want = p.NameZH
				}
				if !strings.Contains(text, squash(want)) {
					t.Errorf("the report lacks %s's name %q:\n%s", u.Part, want, text)
				}
			}
		})
	}
}

// reportText writes r as a service report PDF, without photos or a
// signature, and returns its text as pdftotext reads it.
func reportText(t *testing.T, r app.ServiceReport) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	err = ServiceReport(context.Background(), f, r, Options{})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	return pdftotext(t, path)
}
