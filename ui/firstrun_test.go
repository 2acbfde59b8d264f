package ui_test

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/ui"
)

// TestFirstRunPairsByScanningTheQRCode pairs against a real central
// service on loopback: a typo is refused before the network, a wrong code
// by the server, and the administrator's QR Code scanned pairs the device.
func TestFirstRunPairsByScanningTheQRCode(t *testing.T) {
	test.NewTempApp(t)
	loadTranslations(t)
	ctx := t.Context()
	emb, err := central.StartEmbedded(ctx, filepath.Join(t.TempDir(), "central"), "demo", func() app.Dataset {
		return demo.Generate(7, demo.Size{Models: 5, Parts: 20, Tickets: 10, Technicians: 2}, time.Now())
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	code, err := emb.PairingCode(ctx, demo.DemoTechnician)
	if err != nil {
		t.Fatal(err)
	}
	var paired fbsync.PairResponse
	var pins []string // the fingerprint of each pairing attempt
	done := false
	fr := ui.NewFirstRun(ctx, ui.FirstRunActions{
		Pair: func(ctx context.Context, server, code, fingerprint string) error {
			pins = append(pins, fingerprint)
			resp, err := (&fbsync.Client{BaseURL: server, HTTP: fbsync.Link{Fingerprint: fingerprint}.HTTPClient()}).Pair(ctx, code, "test")
			if err == nil {
				paired = *resp
			}
			return err
		},
		Done: func() { done = true },
		Run:  func(f func()) { f() },
	})
	w := test.NewTempWindow(t, fr.Object())
	fr.Attach(w)

	fr.Fill("central.example.com", code)
	fr.Submit()
	if !strings.Contains(fr.Problem(), "https://") {
		t.Errorf("a server without a scheme: problem %q", fr.Problem())
	}
	// A server that does not answer: the pairing's own words (check the
	// address and the connection), not the sync's "your work is saved".
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "http://" + closed.Addr().String()
	closed.Close()
	fr.Fill(gone, "ABCD-EFGH-JKLM")
	fr.Submit()
	if p := fr.Problem(); !strings.Contains(p, "Cannot reach "+gone+". Check the address") || strings.Contains(p, "saved") {
		t.Errorf("a server that does not answer: problem %q", p)
	}
	fr.Fill(emb.URL, "ABCD-EFGH-JKLM")
	fr.Submit()
	if fr.Problem() == "" {
		t.Error("a wrong code shows no problem")
	}
	fr.Scanned("FB1|T|some-ticket")
	if !strings.Contains(fr.Problem(), "not a pairing code") {
		t.Errorf("a claim tag scanned at first run: problem %q", fr.Problem())
	}
	// The embedded service speaks plain HTTP on loopback, where a pin has
	// nothing to check: this checks that the QR Code's pin reaches Pair.
	const fp = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	fr.Scanned(central.PairingURI(emb.URL, code, fp))
	if !done {
		t.Fatalf("not paired; problem %q", fr.Problem())
	}
	if len(pins) != 3 || pins[0] != "" || pins[1] != "" || pins[2] != fp {
		t.Errorf("pins passed to Pair: %q, want none for the two typed addresses and %s for the scanned one", pins, fp)
	}
	if paired.Technician.ID != demo.DemoTechnician || paired.Token == "" {
		t.Errorf("paired as %+v", paired)
	}
}
