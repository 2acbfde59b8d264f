package central

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fieldbench/fieldbench/app"
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
// sync's page) is compressed at zstd's best level and is smaller than at
// the level of small answers; a smaller one keeps the cheaper level.
// Either way the device decodes the same JSON. While every best-level
// slot is taken, a big answer is compressed at the cheaper level, at once.
func TestAnswerCompression(t *testing.T) {
	dec, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	for _, tc := range []struct {
		name      string
		parts     int
		best      bool
		slotsBusy bool
	}{
		{"idle-sized", 10, false, false},
		{"just below", 4000, false, false},
		{"first-sync page", 20000, true, false},
		{"first-sync page, best-level slots taken", 20000, false, true},
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
			v := app.Dataset{Parts: answerParts(tc.parts)}
			body, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if (len(body) >= bestAbove) != (tc.best || tc.slotsBusy) {
				t.Fatalf("the case's body is %d bytes: on the wrong side of %d", len(body), bestAbove)
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, r, v) }))
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			req.Header.Set("Accept-Encoding", "zstd, gzip")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Header.Get("Content-Encoding"); got != "zstd" {
				t.Fatalf("Content-Encoding %q, want zstd", got)
			}
			plain, err := dec.DecodeAll(raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(plain, body) {
				t.Fatal("the decompressed answer differs from the JSON")
			}
			better := zstdEncoder.EncodeAll(body, nil)
			best := zstdBest.EncodeAll(body, nil)
			want := better
			if tc.best {
				want = best
				if len(best) >= len(better) {
					t.Fatalf("best level %d B, not smaller than %d B", len(best), len(better))
				}
			}
			if !bytes.Equal(raw, want) {
				t.Errorf("answer of %d B compressed to %d B, want %d B (best level: %v)", len(body), len(raw), len(want), tc.best)
			}
		})
	}
}
