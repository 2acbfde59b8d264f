package central

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	libzstd "github.com/DataDog/zstd"
	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/klauspost/compress/zstd"
)

// answerParts is a catalog of n parts with varied names, models and
// prices, as a pull page carries: a body that compresses as pages do.
func answerParts(n int) []app.Part {
	r := rand.New(rand.NewPCG(16, 4))
	words := []string{"door", "seal", "fan", "motor", "pump", "board", "sensor", "valve", "filter", "belt", "drum", "heater"}
	out := make([]app.Part, n)
	for i := range out {
		out[i] = app.Part{Number: app.PartNumber(fmt.Sprintf("%08d", i*7+r.IntN(7))),
			NameEN: words[r.IntN(len(words))] + " " + words[r.IntN(len(words))],
			Brand:  []string{"Bosch", "Haier", "Midea"}[r.IntN(3)], Class: app.ClassMain,
			Models: []string{fmt.Sprintf("M%05d", r.IntN(40000))},
			Prices: []app.Money{{Amount: int64(r.IntN(90000)), Currency: "CNY"}, {Amount: int64(r.IntN(12000)), Currency: "EUR"}}}
	}
	return out
}

// TestAnswerCompression: an answer of at least bestAbove bytes (a first
// sync's page) is compressed with libzstd at bestLevel and is smaller than
// klauspost's encoder of small answers makes it; a smaller one keeps the
// cheaper encoder, and so does a big one while every libzstd slot is
// taken (at once, without waiting). The device's own client, with its
// decoder as configured, reads each answer back to the same records; a
// libzstd frame's window stays within what that decoder accepts, also for
// a page bigger than the level's window.
func TestAnswerCompression(t *testing.T) {
	for _, tc := range []struct {
		name      string
		parts     int
		libzstd   bool
		slotsBusy bool
	}{
		{"idle-sized", 10, false, false},
		{"just below", 4000, false, false},
		{"first-sync page", 20000, true, false},
		{"first-sync page, libzstd slots taken", 20000, false, true},
		{"page bigger than the level's window", 40000, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.slotsBusy {
				for range cap(bestSlots) {
					bestSlots <- struct{}{}
				}
				defer func() {
					for range cap(bestSlots) {
						<-bestSlots
					}
				}()
			}
			sent := fbsync.Response{Epoch: "e", Data: &app.Dataset{Parts: answerParts(tc.parts)}}
			body, err := json.Marshal(sent)
			if err != nil {
				t.Fatal(err)
			}
			if (len(body) >= bestAbove) != (tc.libzstd || tc.slotsBusy) {
				t.Fatalf("the case's body is %d bytes: on the wrong side of %d", len(body), bestAbove)
			}
			wires := make(chan []byte, 1) // what the handler sent, compressed
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				writeBody(rec, r, body)
				if got := rec.Header().Get("Content-Encoding"); got != "zstd" {
					t.Errorf("Content-Encoding %q, want zstd", got)
				}
				w.Header().Set("Content-Encoding", rec.Header().Get("Content-Encoding"))
				w.Write(rec.Body.Bytes())
				wires <- rec.Body.Bytes()
			}))
			defer srv.Close()
			c := &fbsync.Client{BaseURL: srv.URL, HTTP: srv.Client()}
			got, err := c.Sync(context.Background(), &fbsync.Request{})
			if err != nil {
				t.Fatalf("the device's client: %v", err)
			}
			wire := <-wires
			if got.Epoch != sent.Epoch || got.Data == nil || !reflect.DeepEqual(got.Data.Parts, sent.Data.Parts) {
				t.Fatal("the device read other records than were sent")
			}
			better := zstdEncoder.EncodeAll(body, nil)
			want := better
			if tc.libzstd {
				if want, err = libzstd.CompressLevel(nil, body, bestLevel); err != nil {
					t.Fatal(err)
				}
				if len(want) >= len(better) {
					t.Fatalf("libzstd %d B, not smaller than klauspost's %d B", len(want), len(better))
				}
				var h zstd.Header
				if err := h.Decode(wire); err != nil {
					t.Fatal(err)
				}
				// The level's own window (4 MiB at 16, 8 MiB at 17 to 19),
				// within the device's 16 MiB.
				if limit := min(uint64(len(body)), 8<<20); h.WindowSize > limit {
					t.Errorf("frame window %d B, more than %d B", h.WindowSize, limit)
				}
			}
			if !bytes.Equal(wire, want) {
				t.Errorf("answer of %d B compressed to %d B, want %d B (libzstd: %v)", len(body), len(wire), len(want), tc.libzstd)
			}
		})
	}
}
