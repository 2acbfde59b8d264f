package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestExamples writes the examples to a temporary folder: every document
// is there, the payment receipt reads its number and amounts, and the
// claims export holds a claim per ticket closed, as CSV and as a ZIP
// under 1 MB with the same CSV and the service report uploaded for the
// first claim.
func TestExamples(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"service-report-en.pdf", "service-report-zh.pdf", "service-report-fr.pdf", "service-report-es.pdf", "service-report-pt.pdf",
		"intake-receipt-en.pdf", "payment-receipt-en.pdf", "shipment-label-zh.pdf", "packing-list-en.pdf"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("%s: %v, not a PDF", f, err)
		}
	}
	out, err := exec.Command("pdftotext", "-layout", filepath.Join(dir, "payment-receipt-en.pdf"), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.ReplaceAll(string(out), "\u00a0", " ")
	for _, w := range []string{"D7-2", "CNY 67.80", "CNY 167.80", "Still owed", "CNY 0.00"} {
		if !strings.Contains(text, w) {
			t.Errorf("the payment receipt lacks %q:\n%s", w, text)
		}
	}
	csvBytes, err := os.ReadFile(filepath.Join(dir, "claims-export.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvBytes, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != claimTickets+1 || rows[0][1] != "Ticket" {
		t.Fatalf("%d CSV rows, want a header and %d claims: %q", len(rows), claimTickets, rows)
	}
	zb, err := os.ReadFile(filepath.Join(dir, "claims-export.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if len(zb) >= 1<<20 {
		t.Errorf("the ZIP is %d bytes, want under 1 MB", len(zb))
	}
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil {
		t.Fatal(err)
	}
	found, report := false, false
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, rows[1][1]+"_") && strings.HasSuffix(f.Name, ".pdf") {
			report = true
		}
		if f.Name == "claims.csv" {
			found = true
			if f.UncompressedSize64 != uint64(len(csvBytes)) {
				t.Errorf("the ZIP's claims.csv is %d bytes, the CSV export %d", f.UncompressedSize64, len(csvBytes))
			}
		}
	}
	if !found || !report {
		t.Errorf("the ZIP lacks claims.csv (%v) or the first claim's service report (%v)", found, report)
	}
	t.Run("committed", func(t *testing.T) { current(t, dir, filepath.Join("..", "..", "docs", "examples")) })
}

// current fails when the examples committed in dir differ from those just
// written to fresh: the same files, the same text in each PDF (fpdf orders
// images of one width by map iteration, so a PDF's bytes vary from run to
// run), the same CSV but for the claims' IDs (the service mints them from
// the clock and randomness) and the same ZIP entries read the same way.
func current(t *testing.T, fresh, dir string) {
	names := func(dir string) []string {
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		return out
	}
	if a, b := names(fresh), names(dir); !slices.Equal(a, b) {
		t.Fatalf("%s holds %q, make examples writes %q: run make examples", dir, b, a)
	}
	for _, name := range names(fresh) {
		a, b := readExample(t, filepath.Join(fresh, name)), readExample(t, filepath.Join(dir, name))
		if !maps.Equal(a, b) {
			for k := range a {
				if a[k] != b[k] {
					t.Errorf("%s is stale (%s differs): run make examples\ncommitted:\n%s\nwritten now:\n%s", filepath.Join(dir, name), k, b[k], a[k])
				}
			}
			if len(a) != len(b) {
				t.Errorf("%s is stale (%d parts, now %d): run make examples", filepath.Join(dir, name), len(b), len(a))
			}
		}
	}
}

// readExample returns what a reader of an example sees, by part: a PDF's
// text, a CSV with each claim's ID replaced by its row, each entry of a
// ZIP read that way under its name with the claims' IDs replaced too.
func readExample(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	switch filepath.Ext(path) {
	case ".pdf":
		return map[string]string{"text": pdfText(t, b)}
	case ".csv":
		text, _ := claimsCSV(t, b)
		return map[string]string{"csv": text}
	case ".zip":
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		var ids []string
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			fb, err := io.ReadAll(io.LimitReader(rc, maxExport))
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name] = fb
			if f.Name == "claims.csv" {
				_, ids = claimsCSV(t, fb)
			}
		}
		out := map[string]string{}
		for name, fb := range files {
			for i, id := range ids {
				name = strings.ReplaceAll(name, id, fmt.Sprintf("claim-%d", i+1))
				// A claim's folder is named by its ticket and its ID's first
				// eight digits.
				name = strings.ReplaceAll(name, "_"+id[:min(8, len(id))]+"/", "_claim/")
			}
			switch {
			case name == "claims.csv":
				out[name], _ = claimsCSV(t, fb)
			case strings.HasSuffix(name, ".pdf"):
				out[name] = pdfText(t, fb)
			default:
				out[name] = string(fb)
			}
		}
		return out
	}
	t.Fatalf("%s: an example of a kind current cannot read", path)
	return nil
}

// claimsCSV returns a claims export with each claim's ID (the first
// column) replaced by its row number, and the IDs it replaced.
func claimsCSV(t *testing.T, b []byte) (string, []string) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var out strings.Builder
	for i, r := range rows {
		if i > 0 && len(r) > 0 {
			ids = append(ids, r[0])
			r[0] = fmt.Sprintf("claim-%d", i)
		}
		out.WriteString(strings.Join(r, "|") + "\n")
	}
	return out.String(), ids
}

// pdfText is what pdftotext reads of the PDF b, laid out.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
