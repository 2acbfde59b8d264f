package console

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

func TestZZBoardShots(t *testing.T) {
	if os.Getenv("BP_SHOTS") == "" {
		return
	}
	tc := newTestConsole(t, "sqlite")
	tc.scheduleFixture(t)
	ctx := context.Background()
	var ds app.Dataset
	names := []string{"王芳 Wang Fang", "Ana Souza", "李雷", "Jean Dupont", "María García", "张伟", "Tom Baker", "陈静"}
	for i := range 14 {
		st := []app.Status{app.StatusAssigned, app.StatusInProgress, app.StatusEnRoute, app.StatusWaitingParts}[i%4]
		tech := app.TechnicianID([]string{"tech-1", "tech-2", ""}[i%3])
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(fmt.Sprintf("sh-%d", i)), Number: fmt.Sprintf("FB-2026-%06d", 4200+i),
			Kind: app.KindOnSite, Product: app.Product{Category: app.CategoryAppliance, Brand: "Haier", Model: "EG100"}, Customer: app.Customer{Name: names[i%len(names)], Phone: "138 1234 56" + fmt.Sprint(10+i)},
			Priority: app.PriorityNormal, Status: st, Epoch: 1, Technician: tech, Store: "s1",
			WindowStart: testStart.Add(time.Duration(i%6) * time.Hour), WindowEnd: testStart.Add(time.Duration(i%6)*time.Hour + 90*time.Minute),
			ResolveBy: testStart.Add(time.Duration(i*3-10) * time.Hour), CreatedAt: testStart, UpdatedAt: testStart}})
	}
	if err := tc.db.LoadDataset(ctx, "t1", ds); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "zh-Hans"} {
		cl := tc.signIn(t, "dispatcher@t1")
		cl.post(t, "/language", url.Values{"lang": {lang}, "next": {"/board"}})
		u, _ := url.Parse(tc.srv.URL)
		var cookie string
		for _, c := range cl.hc.Jar.Cookies(u) {
			cookie += c.Name + "=" + c.Value + "; "
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Set("Cookie", cookie)
			tc.c.ServeHTTP(w, r)
		}))
		for _, page := range []struct{ name, path string }{{"board", "/board"}, {"status", "/board?view=status"}, {"day", "/technicians/tech-1/day?date=2026-11-27"},
			{"new", "/tickets/new"}, {"cancel", "/tickets/tk-1/cancel"}, {"schedule", "/tickets/tk-1/schedule"}} {
			for _, size := range []string{"1280,800", "720,1280"} {
				out := fmt.Sprintf("/tmp/bp/%s-%s-%s.png", page.name, lang, size)
				cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
				b, err := exec.CommandContext(cctx, "chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
					"--window-size="+size, "--screenshot="+out, srv.URL+page.path).CombinedOutput()
				cancel()
				if err != nil {
					t.Logf("%s: %v\n%s", out, err, b)
				}
			}
		}
		srv.Close()
	}
}
