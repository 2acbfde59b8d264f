package central

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

func TestDevicesShowAppAndProtocol(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newStockWorld(t, db)
		srv := httptest.NewServer(NewServer(db, nil))
		t.Cleanup(srv.Close)
		devices := func() map[app.DeviceID]Device {
			t.Helper()
			ds, err := db.Devices(ctx, tenant)
			if err != nil {
				t.Fatal(err)
			}
			out := map[app.DeviceID]Device{}
			for _, d := range ds {
				out[d.ID] = d
			}
			return out
		}
		// A device paired as the app pairs, which then syncs over HTTP.
		code, _, err := db.CreatePairing(ctx, tenant, "tech-a")
		if err != nil {
			t.Fatal(err)
		}
		dev, tok, err := db.Pair(ctx, code, "phone")
		if err != nil {
			t.Fatal(err)
		}
		if d := devices()[dev.ID]; d.App != "" || d.Protocol != 0 || !d.LastSync.IsZero() {
			t.Fatalf("before any sync: %+v", d)
		}
		client := &fbsync.Client{BaseURL: srv.URL, Token: tok, App: "1.4.2+build.7"}
		if _, err := client.Sync(ctx, &fbsync.Request{Protocol: fbsync.ProtocolVersion, NoPull: true}); err != nil {
			t.Fatal(err)
		}
		d := devices()[dev.ID]
		if d.App != "1.4.2+build.7" || d.Protocol != fbsync.ProtocolVersion || !d.LastSync.Equal(testNow) {
			t.Fatalf("after a sync: %+v", d)
		}
		if other := devices()[w.b.Device]; other.App != "" {
			t.Fatalf("B never synced, yet %+v", other)
		}
		// A version that is no version is refused and changes nothing (the
		// client never sends one: a raw request).
		body, err := json.Marshal(fbsync.Request{Protocol: fbsync.ProtocolVersion, NoPull: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"1.4 beta", strings.Repeat("9", fbsync.MaxAppVersion+1), "1.5\t2", "版本1"} {
			req, err := http.NewRequestWithContext(ctx, "POST", srv.URL+"/v1/sync", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(fbsync.AppVersionHeader, bad)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var e fbsync.Error
			err = json.NewDecoder(res.Body).Decode(&e)
			res.Body.Close()
			if err != nil || res.StatusCode != http.StatusBadRequest || e.Key != "sync.bad_app_version" {
				t.Fatalf("app %q: HTTP %d %+v (%v), want 400 sync.bad_app_version", bad, res.StatusCode, e, err)
			}
			if d := devices()[dev.ID]; d.App != "1.4.2+build.7" {
				t.Fatalf("after the refused %q: %+v", bad, d)
			}
		}
		client.App = "1.5.0"
		if _, err := client.Sync(ctx, &fbsync.Request{Protocol: fbsync.ProtocolVersion, NoPull: true}); err != nil {
			t.Fatal(err)
		}
		if d := devices()[dev.ID]; d.App != "1.5.0" {
			t.Fatalf("after an update: %+v", d)
		}
		if ds, err := db.Devices(ctx, "t2"); err != nil || len(ds) != 0 {
			t.Fatalf("another tenant sees %+v, %v", ds, err)
		}
	})
}

// TestPairCutsALongNameAtACharacter: a device's name over maxDeviceName
// characters is cut to them, never inside a character (which PostgreSQL
// refuses to store), and the pairing succeeds.
func TestPairCutsALongNameAtACharacter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		newStockWorld(t, db)
		for _, name := range []string{strings.Repeat("王", maxDeviceName+1), "a" + strings.Repeat("王", maxDeviceName)} {
			code, _, err := db.CreatePairing(ctx, tenant, "tech-a")
			if err != nil {
				t.Fatal(err)
			}
			dev, _, err := db.Pair(ctx, code, name)
			if err != nil {
				t.Fatalf("pairing as %d characters: %v", app.TextLen(name), err)
			}
			ds, err := db.Devices(ctx, tenant)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if d.ID == dev.ID && (d.Name != app.CutText(name, maxDeviceName) || app.TextLen(d.Name) != maxDeviceName) {
					t.Errorf("paired as %d characters, named %q (%d characters)", app.TextLen(name), d.Name, app.TextLen(d.Name))
				}
			}
		}
	})
}
