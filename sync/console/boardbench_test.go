package console

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
	"github.com/klauspost/compress/gzip"
)

// BenchmarkBoardPage measures the board of a tenant with 10,000 open
// tickets over 500 technicians, on SQLite and PostgreSQL:
//
//   - get: GET /board (first page, lanes by technician) through the
//     console on loopback: server time per page, its bytes and the bytes
//     sent gzipped;
//   - push-to-sse: a device's push of a note (through the central
//     service's real POST /v1/sync on loopback) until the board's
//     subscribed client (GET /board/events) reads the event.
func BenchmarkBoardPage(b *testing.B) {
	const open, techs = 10_000, 500
	for _, backend := range []string{"sqlite", "postgres"} {
		now := testStart
		cfg := central.Config{DataDir: b.TempDir(), Clock: app.ClockFunc(func() time.Time { return now })}
		if backend == "postgres" {
			cfg.Postgres = pgtest.ForTest(b)
		}
		ctx := context.Background()
		db, err := central.OpenDB(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		seedBoardBench(b, db, open, techs)
		c, err := New(db, Options{Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			b.Fatal(err)
		}
		console := httptest.NewServer(c)
		api := httptest.NewServer(central.NewServer(db, slog.New(slog.NewTextHandler(io.Discard, nil))))
		hc := benchSignIn(b, console.URL)

		b.Run(backend+"/get", func(b *testing.B) {
			var size, wire int
			for b.Loop() {
				// As a browser asks; set by hand, the client leaves the
				// body compressed, so its length is the bytes sent.
				req, err := http.NewRequest(http.MethodGet, console.URL+"/board", nil)
				if err != nil {
					b.Fatal(err)
				}
				req.Header.Set("Accept-Encoding", "gzip")
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				zipped, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" {
					b.Fatalf("GET /board: %d %q %v", resp.StatusCode, resp.Header.Get("Content-Encoding"), err)
				}
				zr, err := gzip.NewReader(bytes.NewReader(zipped))
				if err != nil {
					b.Fatal(err)
				}
				body, err := io.ReadAll(zr)
				if err != nil || !strings.Contains(string(body), "FB-000000") {
					b.Fatalf("GET /board: %v", err)
				}
				size, wire = len(body), len(zipped)
			}
			b.ReportMetric(float64(size), "page-bytes")
			b.ReportMetric(float64(wire), "wire-bytes")
		})

		code, _, err := db.CreatePairing(ctx, "bench", "tech-000")
		if err != nil {
			b.Fatal(err)
		}
		dev, token, err := db.Pair(ctx, code, "tablet")
		if err != nil {
			b.Fatal(err)
		}
		client := &fbsync.Client{BaseURL: api.URL, Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
		events, stop := benchEvents(b, hc, console.URL)
		seq := int64(0)
		b.Run(backend+"/push-to-sse", func(b *testing.B) {
			for b.Loop() {
				seq++
				m, err := app.NewMutation(&app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: "bench-000000", Text: "on my way", By: "tech-000"}}, now)
				if err != nil {
					b.Fatal(err)
				}
				m.Device, m.Seq = dev.ID, seq
				res, err := client.Sync(ctx, &fbsync.Request{Protocol: fbsync.ProtocolVersion, Push: []app.Mutation{m}, NoPull: true})
				if err != nil || len(res.Rejected) > 0 {
					b.Fatalf("push: %v %+v", err, res)
				}
				select {
				case data := <-events:
					if data != "FB-000000" {
						b.Fatalf("event for %q", data)
					}
				case <-time.After(10 * time.Second):
					b.Fatal("no event within 10 s")
				}
			}
		})
		stop() // the stream would hold console.Close until its bounded life ends
		api.Close()
		console.Close()
		db.Close()
	}
}

// seedBoardBench loads tenant "bench" with techs technicians and open
// tickets spread over them, windows over the next week and resolve-by
// times from two days ago to twelve days ahead, and a dispatcher.
func seedBoardBench(b *testing.B, db *central.DB, open, techs int) {
	b.Helper()
	ctx := context.Background()
	if err := db.CreateTenant(ctx, "bench", "Bench"); err != nil {
		b.Fatal(err)
	}
	var ds app.Dataset
	for i := range techs {
		ds.Technicians = append(ds.Technicians, app.Technician{ID: app.TechnicianID(fmt.Sprintf("tech-%03d", i)), Name: fmt.Sprintf("Technician %03d", i), Country: "CN"})
	}
	for i := range open {
		w := testStart.Add(time.Duration(i%(7*24)) * time.Hour)
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(fmt.Sprintf("bench-%06d", i)), Number: fmt.Sprintf("FB-%06d", i),
			Kind: app.KindOnSite, Country: "CN", Product: app.Product{Category: app.CategoryAppliance, Brand: "Haier", Model: "EG100", Serial: fmt.Sprintf("SN%08d", i)},
			Customer: app.Customer{Name: fmt.Sprintf("Customer %d", i), Phone: fmt.Sprintf("+86 138 %08d", i), Address: "1 Road"}, Priority: app.PriorityNormal,
			Status: app.StatusAssigned, Epoch: 1, Technician: app.TechnicianID(fmt.Sprintf("tech-%03d", i%techs)),
			WindowStart: w, WindowEnd: w.Add(2 * time.Hour), ResolveBy: testStart.Add(time.Duration(i%(14*24))*time.Hour - 48*time.Hour),
			CreatedAt: testStart, UpdatedAt: testStart}})
	}
	if err := db.LoadDataset(ctx, "bench", ds); err != nil {
		b.Fatal(err)
	}
	if err := db.CreateConsoleUser(ctx, central.ConsoleUser{Login: "dispatcher@bench", Tenant: "bench", Name: "Dispatcher", Role: string(RoleDispatcher)}, testPassword); err != nil {
		b.Fatal(err)
	}
}

// benchSignIn returns an HTTP client signed in to the console at base.
func benchSignIn(b *testing.B, base string) *http.Client {
	b.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	hc := &http.Client{Jar: jar, Timeout: 60 * time.Second}
	resp, err := hc.Get(base + "/signin")
	if err != nil {
		b.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindStringSubmatch(string(page))
	if m == nil {
		b.Fatal("no sign-in token")
	}
	resp, err = hc.PostForm(base+"/signin", url.Values{"login": {"dispatcher@bench"}, "password": {testPassword}, "csrf": {m[1]}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/board" {
		b.Fatalf("sign in: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	return hc
}

// benchEvents subscribes to the board's events and returns their data,
// ticket events only, and the function that ends the stream.
func benchEvents(b *testing.B, hc *http.Client, base string) (<-chan string, func()) {
	b.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/board/events", nil)
	if err != nil {
		b.Fatal(err)
	}
	sc := *hc
	sc.Timeout = 0
	resp, err := sc.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("events: %v", err)
	}
	out := make(chan string, 64)
	go func() {
		r := bufio.NewReader(resp.Body)
		tickets := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "event: tickets":
				tickets = true
			case strings.HasPrefix(line, "data: ") && tickets:
				out <- strings.TrimPrefix(line, "data: ")
				tickets = false
			}
		}
	}()
	return out, func() { resp.Body.Close() }
}
