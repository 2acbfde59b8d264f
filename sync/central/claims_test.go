package central

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// claimWorld is tenant t1 with technician A's van and defective bin, a
// warehouse, a screen whose defective part goes back to the brand, the
// demo's Chinese rule set, and two Huawei phones: one bought in November
// 2026's warranty, one long out of it.
type claimWorld struct {
	db       *DB
	a        Principal
	dispatch Principal
	token    string
	seq      int64
}

const (
	claimIn  app.TicketID = "tk-in"
	claimOut app.TicketID = "tk-out"
	claimIn2 app.TicketID = "tk-in2"
	screen                = app.PartNumber("SCR-1")
)

func newClaimWorld(t *testing.T, db *DB) *claimWorld {
	t.Helper()
	ctx := context.Background()
	var cn app.RuleSet
	for _, rs := range demo.RuleSets() {
		if rs.ID == "CN" {
			cn = rs
		}
	}
	ticket := func(id app.TicketID, number string, bought time.Time, diagnosis string) app.TicketDetail {
		return app.TicketDetail{Ticket: app.Ticket{ID: id, Number: number, Kind: app.KindCarryIn, Country: "CN",
			Product:  app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60", Serial: "SN-" + number, PurchaseDate: bought, ProofOfPurchase: "INV-" + number},
			Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0000"}, Fault: "no picture", Diagnosis: diagnosis,
			Priority: app.PriorityNormal, Technician: "tech-a", Epoch: 1, Status: app.StatusAssigned, CreatedAt: testNow.Add(-time.Hour), UpdatedAt: testNow.Add(-time.Hour)}}
	}
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-a", Name: "A", Country: "CN", Van: "van-a"}},
		Locations: []app.Location{{ID: "van-a", Kind: app.LocationVan, Name: "Van A", Owner: "tech-a"},
			{ID: "bin-a", Kind: app.LocationDefective, Name: "Van A returns", Owner: "tech-a"},
			{ID: "wh", Kind: app.LocationWarehouse, Name: "Warehouse"}},
		Parts: []app.Part{{Number: screen, NameEN: "Display assembly", Class: app.ClassMain, Brand: "Huawei", Models: []string{"P60"},
			Prices: []app.Money{{Amount: 800_00, Currency: "CNY"}}, ReturnNeeded: true}},
		Movements: []app.StockMovement{{ID: "rcv-a", Kind: app.MoveReceive, Part: screen, To: "van-a", Qty: 5, At: testNow}},
		RuleSets:  []app.RuleSet{cn},
		Tickets: []app.TicketDetail{ticket(claimIn, "FB-IN", testNow.AddDate(0, -5, 0), "=HYPERLINK(\"http://x\")"),
			ticket(claimOut, "FB-OUT", testNow.AddDate(-3, 0, 0), "panel failed"), ticket(claimIn2, "FB-IN2", testNow.AddDate(0, -1, 0), "panel failed")},
	}
	if err := db.LoadDataset(ctx, tenant, ds); err != nil {
		t.Fatal(err)
	}
	w := &claimWorld{db: db, a: pairDevice(t, db, "tech-a")}
	tok, err := db.CreateAdminToken(ctx, tenant, "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	w.token = tok
	if w.dispatch, err = db.Authenticate(ctx, tok); err != nil {
		t.Fatal(err)
	}
	return w
}

// push sends the commands as the next mutations of A's device and fails
// the test on any rejection.
func (w *claimWorld) push(t *testing.T, cmds ...app.Command) {
	t.Helper()
	var ms []app.Mutation
	for _, c := range cmds {
		w.seq++
		ms = append(ms, mut(t, w.seq, c))
	}
	if res := push(t, w.db, w.a, ms...); len(res.Rejected) > 0 {
		t.Fatalf("rejected: %+v", res.Rejected)
	}
}

func (w *claimWorld) dispatchDo(t *testing.T, cmd app.Command) {
	t.Helper()
	m, err := app.NewMutation(cmd, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.ApplyAdmin(context.Background(), w.dispatch, m); err != nil {
		t.Fatal(err)
	}
}

func act(a app.Action, id app.TicketID, reason string) app.Command {
	return &app.TransitionTicket{Action: a, Ticket: id, Epoch: 1, Reason: reason, Resolution: app.ResolutionRepaired}
}

// repairWithScreen fits a screen on the ticket, logs 30 minutes of labour
// and completes it.
func (w *claimWorld) repairWithScreen(t *testing.T, id app.TicketID) {
	t.Helper()
	w.push(t, act(app.ActionStart, id, ""),
		&app.ConsumePart{Used: app.PartUsed{ID: fid("use-" + string(id)), Ticket: id, Part: screen, Qty: 1, From: "van-a", DefectiveSerial: "D-" + string(id), At: testNow}},
		repair(fid("rep-"+string(id)), id, 30),
		act(app.ActionComplete, id, ""))
}

// attach records a photo of kind on the ticket and, with uploaded, puts
// its bytes on the server as a finished upload would.
func (w *claimWorld) attach(t *testing.T, id app.TicketID, kind, mime string, body []byte, uploaded bool) string {
	t.Helper()
	sum := sha256.Sum256(body)
	sha := hex.EncodeToString(sum[:])
	w.push(t, &app.AttachPhoto{Photo: app.Photo{ID: fid("ph-" + kind + "-" + string(id)), Ticket: id, SHA256: sha, Size: int64(len(body)), Mime: mime, Kind: kind, At: testNow}})
	if uploaded {
		dir := filepath.Join(w.db.dir, "photos")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, sha), body, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := w.db.MarkPhotoVerified(context.Background(), tenant, sha); err != nil {
			t.Fatal(err)
		}
	}
	return sha
}

func allClaims(t *testing.T, db *DB, f ClaimFilter) []Claim {
	t.Helper()
	page, err := db.Claims(context.Background(), tenant, f)
	if err != nil {
		t.Fatal(err)
	}
	return page.Claims
}

func TestClaimIsMadeOnceAtTheClose(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newClaimWorld(t, db)
		w.repairWithScreen(t, claimIn)
		if cs := allClaims(t, db, ClaimFilter{}); len(cs) != 0 {
			t.Fatalf("a completed, not yet closed ticket has %d claims", len(cs))
		}
		// Rework: reopened, repaired again, then closed; the close
		// replayed after a lost answer applies nothing twice.
		w.push(t, act(app.ActionReopen, claimIn, "screen flickers again"), act(app.ActionStart, claimIn, ""), act(app.ActionComplete, claimIn, ""))
		w.seq++
		closeIn := mut(t, w.seq, act(app.ActionClose, claimIn, ""))
		push(t, db, w.a, closeIn)
		push(t, db, w.a, closeIn)
		w.repairWithScreen(t, claimOut)
		w.push(t, act(app.ActionClose, claimOut, ""))

		cs := allClaims(t, db, ClaimFilter{})
		if len(cs) != 1 {
			t.Fatalf("%d claims, want 1 (the in-warranty ticket's): %+v", len(cs), cs)
		}
		c := cs[0]
		want := app.Money{Amount: 800_00 + 30*200, Currency: "CNY"} // the screen and 30 min at CNY 120.00/h
		if c.Ticket != claimIn || c.Number != "FB-IN" || c.Brand != "Huawei" || c.Country != "CN" || c.Period != "2026-11" || c.State != app.ClaimReady || c.Amount != want {
			t.Fatalf("claim %+v, want ticket %s, Huawei, CN, 2026-11, ready, %v", c, claimIn, want)
		}
		if len(c.Lines) != 2 || c.Lines[0].Part != screen || c.Lines[1].Kind != app.ChargeLabour {
			t.Fatalf("lines %+v, want the screen and the labour", c.Lines)
		}
		if !app.ValidID(c.ID) || len(c.ID) != 36 {
			t.Fatalf("claim ID %q is not a UUID", c.ID)
		}
		// Were the close ever applied again, the claim would stay one.
		err := db.writeTx(context.Background(), func(ctx context.Context, tx *sql.Tx, version int64) error {
			st := &serverTx{db: db, tx: tx, tenant: tenant, version: version}
			tk, err := st.Ticket(context.Background(), claimIn)
			if err != nil {
				return err
			}
			return st.makeClaim(context.Background(), tk)
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.read.QueryRow(db.q(`SELECT COUNT(*) FROM claims WHERE tenant = ?`), tenant).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d claim rows (%v), want 1", n, err)
		}
	})
}

func TestClaimFlagsAndEvidence(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newClaimWorld(t, db)
		w.repairWithScreen(t, claimIn)
		w.push(t, act(app.ActionClose, claimIn, ""))
		claim := func() Claim {
			t.Helper()
			cs := allClaims(t, db, ClaimFilter{})
			if len(cs) != 1 {
				t.Fatalf("%d claims, want 1", len(cs))
			}
			got, err := db.Claim(ctx, tenant, cs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		c := claim()
		if !c.Flags.DefectiveNotShipped || len(c.Evidence.Parts) != 1 || len(c.Evidence.Parts[0].Returns) != 0 {
			t.Fatalf("no return recorded, yet flags %+v parts %+v", c.Flags, c.Evidence.Parts)
		}
		wantMissing := []string{missingSerialPhoto, missingPhotos, missingSignature, missingReport}
		if !slices.Equal(c.Flags.MissingEvidence, wantMissing) {
			t.Fatalf("missing %v, want %v", c.Flags.MissingEvidence, wantMissing)
		}

		// The removed screen goes to the van's bin: returned, not shipped.
		w.push(t, &app.ReturnDefective{Movement: app.StockMovement{ID: fid("ret-1"), Part: screen, To: "bin-a", Qty: 1, Serial: "D-tk-in", Ticket: claimIn, At: testNow}})
		if c = claim(); !c.Flags.DefectiveNotShipped || !slices.Equal(c.Evidence.Parts[0].Returns, []string{fid("ret-1")}) {
			t.Fatalf("returned to the bin only, yet flags %+v parts %+v", c.Flags, c.Evidence.Parts)
		}
		// Back to the van is not toward the brand.
		w.dispatchDo(t, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "back-1", Part: screen, From: "bin-a", To: "van-a", Qty: 1, At: testNow}})
		if c = claim(); !c.Flags.DefectiveNotShipped {
			t.Fatalf("a transfer to a van counted as shipped: %+v", c.Evidence.Parts)
		}
		w.dispatchDo(t, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "ship-1", Part: screen, From: "bin-a", To: "wh", Qty: 1, Serial: "D-tk-in", At: testNow}})
		if c = claim(); c.Flags.DefectiveNotShipped || !slices.Equal(c.Evidence.Parts[0].Shipments, []string{"ship-1"}) {
			t.Fatalf("shipped to the warehouse, yet flags %+v parts %+v", c.Flags, c.Evidence.Parts)
		}
	})
}

func TestClaimStateMachine(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newClaimWorld(t, db)
		w.repairWithScreen(t, claimIn)
		w.push(t, act(app.ActionClose, claimIn, ""))
		id := allClaims(t, db, ClaimFilter{})[0].ID
		cny := func(a int64) app.Money { return app.Money{Amount: a, Currency: "CNY"} }
		steps := []struct {
			name    string
			action  app.ClaimAction
			u       app.ClaimUpdate
			wantErr string // key
			want    app.ClaimState
		}{
			{"PayBeforeSubmit", app.ClaimPay, app.ClaimUpdate{Paid: cny(100)}, "claim.not_from", app.ClaimReady},
			{"Submit", app.ClaimSubmit, app.ClaimUpdate{BrandRef: "HW-77"}, "", app.ClaimSubmitted},
			{"SubmitRetried", app.ClaimSubmit, app.ClaimUpdate{BrandRef: "HW-77"}, "", app.ClaimSubmitted},
			{"SubmitRetriedOtherRef", app.ClaimSubmit, app.ClaimUpdate{BrandRef: "HW-78"}, "claim.not_from", app.ClaimSubmitted},
			{"RejectWithoutReason", app.ClaimReject, app.ClaimUpdate{}, "claim.reject_needs_reason", app.ClaimSubmitted},
			{"Reject", app.ClaimReject, app.ClaimUpdate{Reason: "serial photo unreadable"}, "", app.ClaimRejected},
			{"RejectRetried", app.ClaimReject, app.ClaimUpdate{Reason: "serial photo unreadable"}, "", app.ClaimRejected},
			{"PayRejected", app.ClaimPay, app.ClaimUpdate{Paid: cny(100)}, "claim.not_from", app.ClaimRejected},
			{"Resubmit", app.ClaimSubmit, app.ClaimUpdate{}, "", app.ClaimSubmitted},
			{"PayInEuros", app.ClaimPay, app.ClaimUpdate{Paid: app.Money{Amount: 100, Currency: "EUR"}}, "claim.bad_paid", app.ClaimSubmitted},
			{"PayLess", app.ClaimPay, app.ClaimUpdate{Paid: cny(700_00)}, "", app.ClaimPaid},
			{"PayRetried", app.ClaimPay, app.ClaimUpdate{Paid: cny(700_00)}, "", app.ClaimPaid},
			{"PayAgainOtherAmount", app.ClaimPay, app.ClaimUpdate{Paid: cny(800_00)}, "claim.not_from", app.ClaimPaid},
			{"RejectPaid", app.ClaimReject, app.ClaimUpdate{Reason: "late"}, "claim.not_from", app.ClaimPaid},
		}
		for _, s := range steps {
			_, err := db.UpdateClaim(ctx, w.dispatch, id, s.action, s.u)
			if got := keyOf(err); got != s.wantErr {
				t.Fatalf("%s: error %v, want key %q", s.name, err, s.wantErr)
			}
			c, err := db.Claim(ctx, tenant, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.State != s.want {
				t.Fatalf("%s: state %s, want %s", s.name, c.State, s.want)
			}
		}
		c, _ := db.Claim(ctx, tenant, id)
		if c.Paid != cny(700_00) || c.BrandRef != "HW-77" || c.Reason != "" {
			t.Fatalf("paid claim %+v: want paid CNY 700.00, brand ref HW-77, no reason", c)
		}
		if _, err := db.UpdateClaim(ctx, w.dispatch, "no-such-claim", app.ClaimSubmit, app.ClaimUpdate{}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("unknown claim: %v, want not found", err)
		}
		if _, err := db.UpdateClaim(ctx, w.a, id, app.ClaimSubmit, app.ClaimUpdate{}); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("a technician's device changed a claim: %v", err)
		}
	})
}

// TestClaimPages: a list in pages of one has every claim once, in close
// order, and says when it is done.
func TestClaimPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newClaimWorld(t, db)
		for _, id := range []app.TicketID{claimIn, claimIn2} {
			w.repairWithScreen(t, id)
			w.push(t, act(app.ActionClose, id, ""))
		}
		var got []app.TicketID
		f := ClaimFilter{Limit: 1}
		for range 3 {
			page, err := db.Claims(context.Background(), tenant, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Claims) != 1 {
				t.Fatalf("a page of %d claims, want 1", len(page.Claims))
			}
			got = append(got, page.Claims[0].Ticket)
			if page.Next == "" {
				break
			}
			f.After = page.Next
		}
		if len(got) != 2 || got[0] == got[1] {
			t.Fatalf("pages held %v, want the two claims once each", got)
		}
	})
}

func keyOf(err error) string {
	if err == nil {
		return ""
	}
	return app.AsError(err).Key
}

func TestClaimListFilters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newClaimWorld(t, db)
		w.repairWithScreen(t, claimIn)
		w.push(t, act(app.ActionClose, claimIn, ""))
		tests := []struct {
			query string
			want  int
			key   string
		}{
			{"", 1, ""},
			{"brand=huawei", 1, ""},
			{"brand=Xiaomi", 0, ""},
			{"from=2026-11&to=2026-11", 1, ""},
			{"from=2026-12", 0, ""},
			{"to=2026-10", 0, ""},
			{"state=ready", 1, ""},
			{"state=paid", 0, ""},
			{"state=approved", 0, "claim.bad_state"},
			{"from=November", 0, "claim.bad_month"},
			{"limit=0", 0, "claim.bad_limit"},
			{"limit=501", 0, "claim.bad_limit"},
			{"after=garbage", 0, "claim.bad_cursor"},
		}
		for _, tc := range tests {
			q, _ := urlValues(tc.query)
			f, err := ParseClaimFilter(q)
			if keyOf(err) != tc.key {
				t.Fatalf("%q: error %v, want key %q", tc.query, err, tc.key)
			}
			if err != nil {
				continue
			}
			if got := allClaims(t, db, f); len(got) != tc.want {
				t.Fatalf("%q: %d claims, want %d", tc.query, len(got), tc.want)
			}
		}
	})
}

// TestClaimsExport is the issue's "claims export on SQLite and
// PostgreSQL": the CSV read back with encoding/csv, the ZIP with
// archive/zip, over a real HTTP server.
func TestClaimsExport(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newClaimWorld(t, db)
		w.repairWithScreen(t, claimIn)
		jpeg := []byte("\xff\xd8\xff\xe0 a serial plate")
		pdf := []byte("%PDF-1.7 the signed report")
		w.attach(t, claimIn, "serial", "image/jpeg", jpeg, true)
		w.attach(t, claimIn, "report", "application/pdf", pdf, true)
		w.attach(t, claimIn, "condition", "image/jpeg", []byte("\xff\xd8\xff\xe0 not uploaded"), false)
		w.push(t, act(app.ActionClose, claimIn, ""))
		srv := httptest.NewServer(NewServer(db, nil))
		defer srv.Close()
		get := func(path string) (*http.Response, []byte) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+w.token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			return res, body
		}

		res, body := get("/v1/admin/claims/export.csv?lang=fr&brand=Huawei")
		if res.StatusCode != 200 || !bytes.HasPrefix(body, []byte(utf8BOM)) {
			t.Fatalf("CSV: %d, starts %q", res.StatusCode, body[:min(20, len(body))])
		}
		if !bytes.Contains(body, []byte("\r\n")) {
			t.Fatal("CSV lines do not end in CRLF (RFC 4180)")
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte(utf8BOM)))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("%d CSV rows, want a header and one claim: %q", len(rows), rows)
		}
		col := map[string]string{}
		for i, h := range rows[0] {
			col[h] = rows[1][i]
		}
		want := map[string]string{"Ticket": "FB-IN", "Marque": "Huawei", "Numéro de série": "SN-FB-IN", "Période": "2026-11",
			"Montant réclamé": "860.00", "Devise": "CNY", "État": "Prête", "Pièce défectueuse non expédiée": "oui",
			"Diagnostic": `'=HYPERLINK("http://x")`, "Pièces posées": "SCR-1 x1 (D-tk-in)",
			"Justificatifs manquants": "signature du client; fichiers pas encore envoyés"}
		for h, v := range want {
			if col[h] != v {
				t.Errorf("column %q = %q, want %q (row %q)", h, col[h], v, col)
			}
		}

		res, body = get("/v1/admin/claims/export.zip")
		if res.StatusCode != 200 {
			t.Fatalf("ZIP: %d %s", res.StatusCode, body)
		}
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		id := allClaims(t, db, ClaimFilter{})[0].ID
		folder := "FB-IN_" + id[:8] + "/"
		wantFiles := map[string][]byte{folder + "serial-" + fid("ph-serial-tk-in") + ".jpg": jpeg, folder + "report-" + fid("ph-report-tk-in") + ".pdf": pdf}
		if len(files) != len(wantFiles)+1 || !bytes.HasPrefix(files["claims.csv"], []byte(utf8BOM+"Claim,")) {
			t.Fatalf("ZIP holds %d files, want claims.csv (in English) and %d photos", len(files), len(wantFiles))
		}
		for name, b := range wantFiles {
			if !bytes.Equal(files[name], b) {
				t.Fatalf("%s: %q, want %q (files %v)", name, files[name], b, slices.Collect(mapKeys(files)))
			}
		}

		// Over the bound, both exports are refused before any byte.
		maxClaimExport = 0
		t.Cleanup(func() { maxClaimExport = 20_000 })
		for _, format := range []string{"csv", "zip"} {
			res, body = get("/v1/admin/claims/export." + format)
			var e struct{ Key string }
			if json.Unmarshal(body, &e); res.StatusCode != 400 || e.Key != "claim.export_too_large" {
				t.Fatalf("%s over the bound: %d %.200s", format, res.StatusCode, body)
			}
		}

		res, body = get("/v1/admin/claims/export.csv?from=13-2026")
		var e struct{ Key string }
		if json.Unmarshal(body, &e); res.StatusCode != 400 || e.Key != "claim.bad_month" {
			t.Fatalf("a bad month: %d %s", res.StatusCode, body)
		}
		if got := strings.Count(string(body), "\n"); got > 2 {
			t.Fatalf("an error answer of %d lines", got)
		}
	})
}

func urlValues(q string) (map[string][]string, error) {
	v, err := url.ParseQuery(q)
	return v, err
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
