package simulation

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device/reports"
	"github.com/fieldbench/fieldbench/internal/signimg"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// closedJob is a central service on loopback with a Huawei phone in
// warranty under the demo's Chinese rule set, and a paired device whose
// traffic is metered.
type closedJob struct {
	db     *central.DB
	store  *store.DB
	engine *fbsync.Engine
	meter  *meter
	ticket app.TicketID
}

func newClosedJob(tb testing.TB) *closedJob {
	tb.Helper()
	ctx := context.Background()
	db, err := central.OpenDB(ctx, central.Config{DataDir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	srv := httptest.NewServer(central.NewServer(db, nil))
	tb.Cleanup(srv.Close)
	var cn app.RuleSet
	for _, rs := range demo.RuleSets() {
		if rs.ID == "CN" {
			cn = rs
		}
	}
	now := time.Now()
	job := &closedJob{db: db, ticket: "tk-report"}
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-1", Name: "Wang Lei", Country: "CN", Van: "van-1"}},
		Locations:   []app.Location{{ID: "van-1", Kind: app.LocationVan, Name: "Van 1", Owner: "tech-1"}},
		Parts: []app.Part{{Number: "SCR-1", NameEN: "Display assembly", NameZH: "显示屏总成", Class: app.ClassMain, Brand: "Huawei", Models: []string{"P60"},
			Prices: []app.Money{{Amount: 800_00, Currency: "CNY"}}}},
		Movements: []app.StockMovement{{ID: "rcv-1", Kind: app.MoveReceive, Part: "SCR-1", To: "van-1", Qty: 5, At: now.Add(-24 * time.Hour)}},
		RuleSets:  []app.RuleSet{cn},
		Tickets: []app.TicketDetail{{Ticket: app.Ticket{ID: job.ticket, Number: "FB-2026-000777", Kind: app.KindCarryIn, Country: "CN",
			Product: app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60", Serial: "SN-777", PurchaseDate: now.AddDate(0, -5, 0),
				ProofOfPurchase: "INV-777"},
			Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0000", Language: "zh-CN"}, Fault: "no picture", Diagnosis: "panel failed",
			Priority: app.PriorityNormal, Technician: "tech-1", Status: app.StatusAssigned, Epoch: 1, CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour)}}},
	}
	if err := db.LoadDataset(ctx, "t", ds); err != nil {
		tb.Fatal(err)
	}
	code, _, err := db.CreatePairing(ctx, "t", "tech-1")
	if err != nil {
		tb.Fatal(err)
	}
	pair, err := (&fbsync.Client{BaseURL: srv.URL}).Pair(ctx, code, "tablet")
	if err != nil {
		tb.Fatal(err)
	}
	if job.store, err = store.Open(ctx, filepath.Join(tb.TempDir(), "device.db")); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { job.store.Close() })
	// The device's traffic, metered as the sync benchmarks meter it.
	m := &meter{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		m.conns.Add(1)
		return &countingConn{Conn: c, m: m}, nil
	}}
	m.closeIdle = tr.CloseIdleConnections
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		m.requests.Add(1)
		return tr.RoundTrip(r)
	})}
	job.meter = m
	job.engine = fbsync.NewEngine(job.store, &fbsync.Client{BaseURL: srv.URL, Token: pair.Token, HTTP: hc})
	up, err := fbsync.NewPhotoUploader(job.store, store.NewPhotoStore(job.store), hc, srv.URL, pair.Token)
	if err != nil {
		tb.Fatal(err)
	}
	job.engine.SetPhotoSender(up)
	if err := job.engine.SyncOnce(ctx); err != nil {
		tb.Fatal(err)
	}
	return job
}

// work does the job on the device, offline: start, a screen fitted, a
// repair logged, completed, the customer's signature of the report, the
// signed report filed, then the commands of afterSigning, closed. It
// returns the filed report.
func (job *closedJob) work(tb testing.TB, afterSigning ...app.Command) app.Photo {
	tb.Helper()
	ctx := context.Background()
	tech := app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Name: "Wang Lei"}
	commit := store.NewCommitter(job.store)
	do := func(cmd app.Command) {
		tb.Helper()
		if _, err := commit.Commit(ctx, tech, cmd); err != nil {
			tb.Fatalf("%T: %v", cmd, err)
		}
	}
	id := job.ticket
	do(&app.TransitionTicket{Action: app.ActionStart, Ticket: id, Epoch: 1})
	do(&app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: id, Part: "SCR-1", Qty: 1, From: "van-1", DefectiveSerial: "D-777"}})
	do(&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: id, Action: "replaced the display assembly", Minutes: 30}})
	do(&app.TransitionTicket{Action: app.ActionComplete, Ticket: id, Epoch: 1, Resolution: app.ResolutionRepaired})

	photos := store.NewPhotoStore(job.store)
	b := reports.Builder{Tickets: store.NewTicketService(job.store), Parts: store.NewPartService(job.store), Warranty: store.NewWarrantyService(job.store),
		History: job.store, Photos: photos, Provider: "Fieldbench Test Service", Technician: tech.Name}
	signed, _, err := b.ToSign(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	strokes := []app.Stroke{{{X: 100, Y: 200}, {X: 180, Y: 120}, {X: 260, Y: 240}, {X: 340, Y: 150}}, {{X: 500, Y: 300}}}
	enc, err := app.EncodeStrokes(strokes)
	if err != nil {
		tb.Fatal(err)
	}
	pic, err := signimg.PNG(strokes)
	if err != nil {
		tb.Fatal(err)
	}
	sha, size, err := photos.PutPhoto(ctx, bytes.NewReader(pic))
	if err != nil {
		tb.Fatal(err)
	}
	sigPhoto := app.Photo{ID: app.NewID(), Ticket: id, SHA256: sha, Size: size, Mime: "image/png", Kind: app.PhotoKindSignature, Caption: "Signature of Li Na"}
	do(&app.AttachPhoto{Photo: sigPhoto})
	do(&app.RecordSignature{Signature: app.Signature{ID: app.NewID(), Ticket: id, Signer: "Li Na", Role: app.SignerCustomer, Digest: signed.Digest(),
		Report: signed.CanonicalJSON(), Strokes: enc, Photo: sigPhoto.ID, By: tech.Name}})
	filed, err := b.FileSigned(ctx, commit, tech, id)
	if err != nil {
		tb.Fatal(err)
	}
	for _, cmd := range afterSigning {
		do(cmd)
	}
	do(&app.TransitionTicket{Action: app.ActionClose, Ticket: id, Epoch: 1})
	return filed
}

// TestSignedReportReachesClaim: a job closed on the device with its
// signed report reaches a real central service over loopback: the
// report's PDF is uploaded and verified like a photo, and the brand
// claim made at the close has the report and the signature as evidence,
// and says whether the report signed matches the server's data.
func TestSignedReportReachesClaim(t *testing.T) {
	changed := "panel and backlight failed"
	for _, tc := range []struct {
		name    string
		after   []app.Command
		differs []string
	}{
		{"as signed", nil, nil},
		{"diagnosis changed after signing", []app.Command{&app.UpdateTicket{Ticket: "tk-report", Set: app.TicketFields{Diagnosis: &changed}}}, []string{"diagnosis"}},
	} {
		t.Run(tc.name, func(t *testing.T) { signedReportReachesClaim(t, tc.after, tc.differs) })
	}
}

func signedReportReachesClaim(t *testing.T, after []app.Command, differs []string) {
	ctx := context.Background()
	job := newClosedJob(t)
	filed := job.work(t, after...)
	job.meter.reset()
	if err := job.engine.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if err := job.engine.Status().PhotoErr; err != nil {
		t.Fatalf("upload: %v", err)
	}
	page, err := job.db.Claims(ctx, "t", central.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Claims) != 1 {
		t.Fatalf("%d claims, want the closed job's", len(page.Claims))
	}
	ev := page.Claims[0].Evidence
	if !ev.Report || !ev.Signature || ev.Photos[app.PhotoKindReport] != 1 {
		t.Fatalf("evidence: report %v, signature %v, photos %v; want the report and the signature", ev.Report, ev.Signature, ev.Photos)
	}
	if ev.ReportMatches == nil || *ev.ReportMatches != (len(differs) == 0) || !slices.Equal(ev.ReportDiffers, differs) {
		t.Errorf("report_matches %v, differs %v; want %v", ev.ReportMatches, ev.ReportDiffers, differs)
	}
	var report *central.ClaimFile
	for i, f := range ev.Files {
		if f.Photo == filed.ID {
			report = &ev.Files[i]
		}
	}
	if report == nil || report.Mime != app.MimePDF || report.SHA256 != filed.SHA256 || !report.Uploaded {
		t.Fatalf("the report's file on the server: %+v, want %s uploaded as PDF", report, filed.SHA256)
	}
	for _, f := range ev.Files {
		if !f.Uploaded {
			t.Errorf("file %s (%s) not uploaded", f.Photo, f.Kind)
		}
	}
	t.Logf("closed job with its report and signature: %d B up, %d B down, %d requests; %.1f s on the 2G link",
		job.meter.up.Load(), job.meter.down.Load(), job.meter.requests.Load(), job.meter.linkTime().Seconds())
}

// BenchmarkClosedJobWithReport measures what a closed job costs on the
// link: the mutations of the job (start, a part, a repair, complete, the
// signature and its picture's record, the filed report's record, close)
// and the uploads of the signature's PNG and the report's PDF, in one
// sync on a kept connection.
func BenchmarkClosedJobWithReport(b *testing.B) {
	for range b.N {
		b.StopTimer()
		job := newClosedJob(b)
		filed := job.work(b)
		job.meter.reset()
		b.StartTimer()
		if err := job.engine.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		if err := job.engine.Status().PhotoErr; err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(job.meter.wire()), "wire-B")
		b.ReportMetric(float64(job.meter.requests.Load()), "requests")
		b.ReportMetric(float64(filed.Size), "report-pdf-B")
		b.ReportMetric(job.meter.linkTime().Seconds(), "2G-s")
	}
}
