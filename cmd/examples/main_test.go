package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
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
	for _, f := range []string{"service-report-en.pdf", "service-report-zh.pdf", "intake-receipt-en.pdf", "payment-receipt-en.pdf", "shipment-label-zh.pdf", "packing-list-en.pdf"} {
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
}
