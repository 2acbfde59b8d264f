package central_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// TestPairingLocksACodeAfterFailures: wrong codes that start like a
// pending code count against it; the fifth locks it, and then even the
// right code is refused with its own key, while the technician's other
// codes and other starts are untouched.
func TestPairingLocksACodeAfterFailures(t *testing.T) {
	for name, tc := range map[string]struct {
		failures int  // wrong codes with the pending code's first group
		others   int  // wrong codes with another first group
		locked   bool // the right code is then refused
	}{
		"FourFailures":          {4, 0, false},
		"FiveFailures":          {5, 0, true},
		"SixFailures":           {6, 0, true},
		"OtherStartsDoNotCount": {0, 9, false},
	} {
		t.Run(name, func(t *testing.T) {
			f := newHTTPFixture(t)
			code, _, err := f.db.CreatePairing(t.Context(), httpT1, httpTechB)
			if err != nil {
				t.Fatal(err)
			}
			spare, _, err := f.db.CreatePairing(t.Context(), httpT1, httpTechB)
			if err != nil {
				t.Fatal(err)
			}
			pair := func(code string) httpAnswer {
				return f.call(t, "POST", "/v1/pair", "", httpJSON(t, fbsync.PairRequest{Code: code, DeviceName: "phone"}), nil)
			}
			other := "ZZZZ"
			if strings.HasPrefix(code, other) || strings.HasPrefix(spare, other) {
				other = "YYYY"
			}
			for i := range tc.failures {
				wrong := code[:5] + strings.Repeat("Z", 4) + "-" + strings.Repeat("Z", 3) + string("23456789"[i])
				httpWantError(t, pair(wrong), http.StatusUnauthorized, app.EUNAUTHORIZED, "auth.bad_pairing")
			}
			for i := range tc.others {
				httpWantError(t, pair(other+"-ZZZZ-ZZZ"+string("23456789A"[i])), http.StatusUnauthorized, app.EUNAUTHORIZED, "auth.bad_pairing")
			}
			a := pair(code)
			if tc.locked {
				httpWantError(t, a, http.StatusUnauthorized, app.EUNAUTHORIZED, "auth.pairing_locked")
			} else {
				var pr fbsync.PairResponse
				f.okJSON(t, a, &pr)
			}
			if strings.HasPrefix(spare, code[:4]) {
				return // the spare shares the selector: locked too, by design
			}
			var pr fbsync.PairResponse
			f.okJSON(t, pair(spare), &pr)
			if pr.Technician.ID != httpTechB {
				t.Errorf("the spare code paired %+v", pr.Technician)
			}
		})
	}
}

// syncBuffer is a log destination the server writes from its handlers'
// goroutines.
type syncBuffer struct {
	mu gosync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServerErrorsAreLoggedWithCause: a 500 (the database closed under
// the service) is logged once, as JSON, with the request ID the client
// got in X-Request-ID and the cause, and without the request's token or
// body; the client sees only the generic message.
func TestServerErrorsAreLoggedWithCause(t *testing.T) {
	dir := t.TempDir()
	db, err := central.OpenDB(t.Context(), central.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateTenant(t.Context(), "t1", "T1"); err != nil {
		t.Fatal(err)
	}
	tok, err := db.CreateAdminToken(t.Context(), "t1", "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	srv := httptest.NewServer(central.NewServer(db, slog.New(slog.NewJSONHandler(&logs, nil))))
	defer srv.Close()

	ok, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	ok.Body.Close()
	if ok.Header.Get("X-Request-ID") == "" {
		t.Error("a 200 has no X-Request-ID")
	}
	db.Close()
	secret := "Customer Zhang San 13800138000"
	req, _ := http.NewRequest("PUT", srv.URL+"/v1/admin/technicians/tech-9", strings.NewReader(`{"name":"`+secret+`","country":"CN"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("HTTP %d %s, want 500", res.StatusCode, body)
	}
	var e fbsync.Error
	if json.Unmarshal(body, &e) != nil || e.Key != "error.internal" || strings.Contains(string(body), "closed") {
		t.Errorf("the client got %s, want the generic error without the cause", body)
	}
	id := res.Header.Get("X-Request-ID")
	var found []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		if rec["level"] == "ERROR" {
			found = append(found, rec)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d error records, want 1:\n%s", len(found), logs.String())
	}
	rec := found[0]
	if id == "" || rec["request_id"] != id || rec["status"] != float64(500) || rec["path"] != "/v1/admin/technicians/tech-9" {
		t.Errorf("record %v, want request_id %q, status 500 and the path", rec, id)
	}
	if c, _ := rec["cause"].(string); !strings.Contains(c, "closed") {
		t.Errorf("record %v does not give the cause (database closed)", rec)
	}
	if all := logs.String(); strings.Contains(all, tok) || strings.Contains(all, secret) {
		t.Errorf("the log holds the token or the request's data:\n%s", all)
	}
}

// TestCreatingAPairingCleansExpiredOnes: pairing codes do not pile up;
// creating one deletes those expired (used or not) with their guards.
func TestCreatingAPairingCleansExpiredOnes(t *testing.T) {
	f := newHTTPFixture(t)
	count := func(table string) int {
		var n int
		if err := f.raw.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	pairings, guards := count("pairings"), count("pairing_guards")
	for range 3 {
		if _, _, err := f.db.CreatePairing(t.Context(), httpT1, httpTechB); err != nil {
			t.Fatal(err)
		}
	}
	if n, g := count("pairings"), count("pairing_guards"); n != pairings+3 || g != guards+3 {
		t.Fatalf("%d pairings and %d guards after three codes, want %d and %d", n, g, pairings+3, guards+3)
	}
	f.clock.advance(25 * time.Hour) // every code so far has expired
	if _, _, err := f.db.CreatePairing(t.Context(), httpT1, httpTechB); err != nil {
		t.Fatal(err)
	}
	if n, g := count("pairings"), count("pairing_guards"); n != 1 || g != 1 {
		t.Errorf("%d pairings and %d guards after the others expired, want only the new one", n, g)
	}
}
