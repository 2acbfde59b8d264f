package ui

import (
	"strings"
	"testing"
)

// TestDocumentFileNames: a document's file name has its words in the
// screens' language and keeps the ticket or shipment number whole; no
// name holds a character that names a folder or that Windows refuses.
// The expected names are written by hand.
func TestDocumentFileNames(t *testing.T) {
	number := map[string]any{"Number": fileName("FB-2026-000117")}
	shipment := map[string]any{"Shipment": fileName("SF7770001")}
	receipt := map[string]any{"Number": fileName("FB-2026-000117"), "Receipt": fileName("D7-2")}
	names := []struct {
		key, fallback string
		data          map[string]any
	}{
		{"doc.file.report", "{{.Number}}-service-report", number},
		{"doc.file.intake", "{{.Number}}-intake", number},
		{"doc.file.receipt", "{{.Number}}-receipt-{{.Receipt}}", receipt},
		{"doc.file.signed", "{{.Number}}-signed", number},
		{"doc.file.labels", "labels-{{.Number}}", number},
		{"doc.file.parcel_label", "{{.Shipment}}-label", shipment},
		{"doc.file.packing_list", "{{.Shipment}}-packing-list", shipment},
	}
	want := map[string][]string{
		"en": {"FB-2026-000117-service-report", "FB-2026-000117-intake", "FB-2026-000117-receipt-D7-2", "FB-2026-000117-signed",
			"labels-FB-2026-000117", "SF7770001-label", "SF7770001-packing-list"},
		"zh": {"FB-2026-000117-服务报告", "FB-2026-000117-收件单", "FB-2026-000117-收据-D7-2", "FB-2026-000117-已签名",
			"标签-FB-2026-000117", "SF7770001-面单", "SF7770001-装箱单"},
		"fr": {"FB-2026-000117-rapport-d-intervention", "FB-2026-000117-reçu-de-dépôt", "FB-2026-000117-reçu-D7-2", "FB-2026-000117-signé",
			"étiquettes-FB-2026-000117", "SF7770001-étiquette", "SF7770001-liste-de-colisage"},
		"es": {"FB-2026-000117-informe-de-servicio", "FB-2026-000117-recibo-de-entrada", "FB-2026-000117-recibo-D7-2", "FB-2026-000117-firmado",
			"etiquetas-FB-2026-000117", "SF7770001-etiqueta", "SF7770001-lista-de-empaque"},
		"pt": {"FB-2026-000117-relatório-de-serviço", "FB-2026-000117-recibo-de-entrada", "FB-2026-000117-recibo-D7-2", "FB-2026-000117-assinado",
			"etiquetas-FB-2026-000117", "SF7770001-etiqueta", "SF7770001-romaneio"},
	}
	for lang, byKey := range want {
		t.Run(lang, func(t *testing.T) {
			inLanguage(t, lang)
			for i, n := range names {
				if got := docFile(n.key, n.fallback, n.data); got != byKey[i] {
					t.Errorf("%s: %q, want %q", n.key, got, byKey[i])
				}
			}
		})
	}
	// A number from a server or a courier's label, or a translation,
	// with a folder's slash or a character Windows refuses in it.
	inLanguage(t, "en")
	for _, tc := range []struct {
		fallback string
		data     map[string]any
		want     string
	}{
		{"{{.Number}}-x", map[string]any{"Number": fileName("../../etc/FB:1")}, "______etc_FB_1-x"},
		{`a/b\c:d*e?f"g<h>i|j k`, nil, "a_b_c_d_e_f_g_h_i_j_k"},
		{"/", nil, "document"},
	} {
		got := docFile("doc.file.no_such_key", tc.fallback, tc.data)
		if got != tc.want || strings.ContainsAny(got, `/\:*?"<>| .`) {
			t.Errorf("%q: %q, want %q", tc.fallback, got, tc.want)
		}
	}
}
