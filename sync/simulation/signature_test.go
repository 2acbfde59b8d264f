package simulation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/signimg"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// TestSignatureReachesCentral: a sign-off recorded on a device (the PNG
// as a photo of kind signature, then the signature naming it) reaches a
// real central service over loopback HTTP: the signature with the digest
// as signed, the picture's bytes uploaded and verified; and a second
// device of the technician pulls both records.
func TestSignatureReachesCentral(t *testing.T) {
	ctx := context.Background()
	w := newEngineWorld(t)
	tech := app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Name: "Wang Lei"}
	e := fbsync.NewEngine(w.store, w.client)
	up, err := fbsync.NewPhotoUploader(w.store, store.NewPhotoStore(w.store), nil, w.srv.URL, w.client.Token)
	if err != nil {
		t.Fatal(err)
	}
	e.SetPhotoSender(up)
	if err := e.SyncOnce(ctx); err != nil { // the ticket reaches the device
		t.Fatal(err)
	}
	strokes := []app.Stroke{{{X: 100, Y: 200}, {X: 180, Y: 120}, {X: 260, Y: 240}, {X: 340, Y: 150}}, {{X: 500, Y: 300}}}
	enc, err := app.EncodeStrokes(strokes)
	if err != nil {
		t.Fatal(err)
	}
	pic, err := signimg.PNG(strokes)
	if err != nil {
		t.Fatal(err)
	}
	sha, size, err := store.NewPhotoStore(w.store).PutPhoto(ctx, bytes.NewReader(pic))
	if err != nil {
		t.Fatal(err)
	}
	const digest = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
	photo := app.Photo{ID: app.NewID(), Ticket: w.ticket, SHA256: sha, Size: size, Mime: "image/png", Kind: "signature", Caption: "Signature of Li"}
	sig := app.Signature{ID: app.NewID(), Ticket: w.ticket, Signer: "Li", Role: app.SignerCustomer, Digest: digest, Strokes: enc, Photo: photo.ID, By: tech.Name}
	commit := store.NewCommitter(w.store)
	for _, cmd := range []app.Command{&app.AttachPhoto{Photo: photo}, &app.RecordSignature{Signature: sig}} {
		if _, err := commit.Commit(ctx, tech, cmd); err != nil {
			t.Fatal(err)
		}
	}

	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.Status().PhotoErr; err != nil {
		t.Fatalf("photo upload: %v", err)
	}

	d, err := w.db.TicketDetail(ctx, "t", w.ticket)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Signatures) != 1 {
		t.Fatalf("the server holds %d signatures, want 1", len(d.Signatures))
	}
	got := d.Signatures[0]
	if got.ID != sig.ID || got.Digest != digest || got.Strokes != enc || got.Photo != photo.ID || got.By != "Wang Lei" || got.At.IsZero() {
		t.Errorf("the server holds %+v, want the signature as signed", got)
	}
	if len(d.Photos) != 1 || d.Photos[0].Kind != "signature" || d.Photos[0].State != app.PhotoVerified {
		t.Errorf("the server's photos: %+v, want the signature's picture verified", d.Photos)
	}

	// The technician's second device pulls the sign-off.
	code, _, err := w.db.CreatePairing(ctx, "t", "tech-1")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := (&fbsync.Client{BaseURL: w.srv.URL}).Pair(ctx, code, "phone")
	if err != nil {
		t.Fatal(err)
	}
	other, err := store.Open(ctx, filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	e2 := fbsync.NewEngine(other, &fbsync.Client{BaseURL: w.srv.URL, Token: pair.Token})
	e2.PageBytes, e2.FirstPageBytes = central.MinPageBytes, central.MinPageBytes
	if err := e2.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	od, err := store.NewTicketService(other).TicketDetail(ctx, w.ticket)
	if err != nil {
		t.Fatal(err)
	}
	if len(od.Signatures) != 1 || od.Signatures[0].Strokes != enc || od.Signatures[0].Digest != digest {
		t.Fatalf("the second device pulled %+v, want the signature", od.Signatures)
	}
	if len(od.Photos) != 1 || od.Photos[0].SHA256 != sha || od.Photos[0].State != app.PhotoVerified {
		t.Fatalf("the second device pulled photos %+v, want the verified picture", od.Photos)
	}
	// Verified means the server hashed the bytes it received: they are
	// the picture's.
	if want := sha256.Sum256(pic); hex.EncodeToString(want[:]) != sha {
		t.Errorf("the photo's hash %s is not the picture's", sha)
	}
}
