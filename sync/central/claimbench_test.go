package central

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// countingWriter counts what an export writes and drops it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkClaimsExport exports 1,000 claims, each with a part fitted, its
// defective return shipped on to the warehouse and one uploaded 30 KB
// photo: the CSV, and the ZIP with the photos.
func BenchmarkClaimsExport(b *testing.B) {
	const claims = 1000
	for _, backend := range []string{"sqlite", "postgres"} {
		db := openBenchDB(b, backend)
		seedClaims(b, db, claims)
		for _, format := range []string{"csv", "zip"} {
			b.Run(backend+"/"+format, func(b *testing.B) {
				var w countingWriter
				for b.Loop() {
					w.n = 0
					export := db.ExportClaimsCSV
					if format == "zip" {
						export = db.ExportClaimsZIP
					}
					if err := export(b.Context(), tenant, ClaimFilter{}, "fr", &w); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(w.n), "bytes")
				b.ReportMetric(claims, "claims")
			})
		}
		db.Close()
	}
}

// seedClaims loads n closed in-warranty tickets and makes their claims
// as the close does.
func seedClaims(tb testing.TB, db *DB, n int) {
	tb.Helper()
	ctx := context.Background()
	var cn app.RuleSet
	for _, rs := range demo.RuleSets() {
		if rs.ID == "CN" {
			cn = rs
		}
	}
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-a", Name: "A", Country: "CN", Van: "van-a"}},
		Locations: []app.Location{{ID: "van-a", Kind: app.LocationVan, Name: "Van A", Owner: "tech-a"},
			{ID: "bin-a", Kind: app.LocationDefective, Name: "Returns", Owner: "tech-a"}, {ID: "wh", Kind: app.LocationWarehouse, Name: "Warehouse"}},
		Parts:    []app.Part{{Number: screen, NameEN: "Display", Class: app.ClassMain, Prices: []app.Money{{Amount: 800_00, Currency: "CNY"}}, ReturnNeeded: true}},
		RuleSets: []app.RuleSet{cn},
	}
	dir := filepath.Join(db.dir, "photos")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	photo := make([]byte, 30<<10)
	for i := range n {
		id := app.TicketID(fmt.Sprintf("tk-%04d", i))
		copy(photo, id)
		sum := sha256.Sum256(photo)
		sha := hex.EncodeToString(sum[:])
		if err := os.WriteFile(filepath.Join(dir, sha), photo, 0o600); err != nil {
			tb.Fatal(err)
		}
		ds.Tickets = append(ds.Tickets, app.TicketDetail{
			Ticket: app.Ticket{ID: id, Number: fmt.Sprintf("FB-2026-%06d", i), Kind: app.KindCarryIn, Country: "CN",
				Product:  app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60", Serial: "SN" + string(id), PurchaseDate: testNow.AddDate(0, -3, 0), ProofOfPurchase: "INV"},
				Customer: app.Customer{Name: "Li Na", Phone: "138 0000 1380"}, Fault: "no picture", Diagnosis: "panel failed", LabourMinutes: 30,
				Priority: app.PriorityNormal, Technician: "tech-a", Epoch: 1, Status: app.StatusClosed, CreatedAt: testNow.Add(-time.Hour), UpdatedAt: testNow},
			Parts:  []app.PartUsed{{ID: "u-" + string(id), Ticket: id, Part: screen, Qty: 1, From: "van-a", At: testNow}},
			Photos: []app.Photo{{ID: "ph-" + string(id), Ticket: id, SHA256: sha, Size: int64(len(photo)), Mime: "image/jpeg", Kind: "serial", At: testNow, State: app.PhotoVerified}},
		})
		ds.Movements = append(ds.Movements,
			app.StockMovement{ID: "ret-" + string(id), Kind: app.MoveReturnDefective, Part: screen, To: "bin-a", Qty: 1, Ticket: id, At: testNow},
			app.StockMovement{ID: "ship-" + string(id), Kind: app.MoveTransfer, Part: screen, From: "bin-a", To: "wh", Qty: 1, At: testNow.Add(time.Hour)})
	}
	if err := db.LoadDataset(ctx, tenant, ds); err != nil {
		tb.Fatal(err)
	}
	for _, d := range ds.Tickets {
		// Loading records photos pending, as a restore would; the upload
		// verifies them.
		if err := db.MarkPhotoVerified(ctx, tenant, d.Photos[0].SHA256); err != nil {
			tb.Fatal(err)
		}
	}
	err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
		st := &serverTx{db: db, tx: tx, tenant: tenant, version: version}
		for _, d := range ds.Tickets {
			if err := st.makeClaim(ctx, d.Ticket); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if got, err := db.CountClaims(ctx, tenant, ClaimFilter{}); err != nil || got != n {
		tb.Fatalf("%d claims seeded (%v), want %d", got, err, n)
	}
}
